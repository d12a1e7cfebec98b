//! Weekly presence slots: when a promeneur is online for young people
//! ("le mardi de 17 h à 19 h"). Times are Paris wall-clock times; a slot
//! lies within one day and does not cross midnight (it may end at 24:00).

use std::fmt;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::clock::{french_time, in_paris};
use crate::text::search_key;

/// A day of the week, numbered 1 (Monday) to 7 (Sunday) as in ISO 8601.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub enum Weekday {
    Monday = 1,
    Tuesday,
    Wednesday,
    Thursday,
    Friday,
    Saturday,
    Sunday,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum PresenceError {
    #[error(
        "Jour non reconnu : « {0} ». Écrivez lundi, mardi… ou un numéro de 1 (lundi) à 7 (dimanche)."
    )]
    InvalidWeekday(String),
    #[error("Heure non reconnue : « {0} ». Écrivez par exemple 17:00, 17h ou 17h30.")]
    InvalidTime(String),
    #[error("L'heure de fin doit être après l'heure de début.")]
    EndNotAfterStart,
    #[error("Jour manquant : écrivez par exemple « mardi 17:00-19:00 ».")]
    MissingDay,
    #[error("Horaires manquants : écrivez par exemple « mardi 17:00-19:00 ».")]
    MissingRange,
    /// A piece of a list that could not be read, with the reason.
    #[error("Créneau « {piece} » : {}", lower_first(&.reason.to_string()))]
    InPiece {
        piece: String,
        reason: Box<PresenceError>,
    },
    #[error("Les créneaux « {0} » et « {1} » se chevauchent.")]
    Overlap(String, String),
}

fn lower_first(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

impl Weekday {
    pub const ALL: [Weekday; 7] = [
        Weekday::Monday,
        Weekday::Tuesday,
        Weekday::Wednesday,
        Weekday::Thursday,
        Weekday::Friday,
        Weekday::Saturday,
        Weekday::Sunday,
    ];

    /// 1 (Monday) to 7 (Sunday).
    pub fn number(self) -> u8 {
        self as u8
    }

    pub fn from_number(n: u8) -> Result<Self, PresenceError> {
        usize::from(n)
            .checked_sub(1)
            .and_then(|i| Weekday::ALL.get(i).copied())
            .ok_or_else(|| PresenceError::InvalidWeekday(n.to_string()))
    }

    /// The day `days` days after this one.
    #[must_use]
    pub fn plus_days(self, days: u8) -> Self {
        Weekday::ALL[(usize::from(self.number()) - 1 + usize::from(days % 7)) % 7]
    }

    /// "lundi" … "dimanche".
    pub fn name(self) -> &'static str {
        match self {
            Weekday::Monday => "lundi",
            Weekday::Tuesday => "mardi",
            Weekday::Wednesday => "mercredi",
            Weekday::Thursday => "jeudi",
            Weekday::Friday => "vendredi",
            Weekday::Saturday => "samedi",
            Weekday::Sunday => "dimanche",
        }
    }

    /// Accepts "1".."7", French names and their abbreviations ("lun",
    /// "mar.", "Mercredi", "MER"), with or without "le" and a plural "s".
    pub fn parse(input: &str) -> Result<Self, PresenceError> {
        let invalid = || PresenceError::InvalidWeekday(input.trim().to_owned());
        let key = search_key(input);
        let key = key
            .strip_prefix("le ")
            .or_else(|| key.strip_prefix("les "))
            .unwrap_or(&key);
        if let Ok(n) = key.parse::<u8>() {
            return Weekday::from_number(n).map_err(|_| invalid());
        }
        Weekday::ALL
            .into_iter()
            .find(|d| {
                key == d.name() || key == &d.name()[..3] || key.strip_suffix('s') == Some(d.name())
            })
            .ok_or_else(invalid)
    }

    pub fn from_jiff(d: jiff::civil::Weekday) -> Self {
        match d {
            jiff::civil::Weekday::Monday => Weekday::Monday,
            jiff::civil::Weekday::Tuesday => Weekday::Tuesday,
            jiff::civil::Weekday::Wednesday => Weekday::Wednesday,
            jiff::civil::Weekday::Thursday => Weekday::Thursday,
            jiff::civil::Weekday::Friday => Weekday::Friday,
            jiff::civil::Weekday::Saturday => Weekday::Saturday,
            jiff::civil::Weekday::Sunday => Weekday::Sunday,
        }
    }
}

impl TryFrom<u8> for Weekday {
    type Error = PresenceError;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Weekday::from_number(n)
    }
}

impl From<Weekday> for u8 {
    fn from(d: Weekday) -> Self {
        d.number()
    }
}

impl fmt::Display for Weekday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A wall-clock time of day, to the minute. 24:00 exists, as the end of
/// a slot that runs until midnight.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TimeOfDay(u16);

impl TimeOfDay {
    pub const MIDNIGHT: TimeOfDay = TimeOfDay(0);
    /// Midnight at the end of the day.
    pub const END_OF_DAY: TimeOfDay = TimeOfDay(24 * 60);

    /// `None` unless 0 ≤ hour < 24 and 0 ≤ minute < 60, or 24:00.
    pub fn from_hm(hour: u8, minute: u8) -> Option<Self> {
        let ok = (hour < 24 && minute < 60) || (hour == 24 && minute == 0);
        ok.then(|| TimeOfDay(u16::from(hour) * 60 + u16::from(minute)))
    }

    /// From minutes since midnight, 0 to 1440 (24:00), as stored.
    pub fn from_minutes(minutes: u16) -> Result<Self, PresenceError> {
        if minutes <= TimeOfDay::END_OF_DAY.0 {
            Ok(TimeOfDay(minutes))
        } else {
            Err(PresenceError::InvalidTime(minutes.to_string()))
        }
    }

    /// Minutes since midnight (0 to 1440).
    pub fn minutes(self) -> u16 {
        self.0
    }

    pub fn hour(self) -> u8 {
        u8::try_from(self.0 / 60).expect("at most 24")
    }

    pub fn minute(self) -> u8 {
        u8::try_from(self.0 % 60).expect("below 60")
    }

    /// Accepts "17:00", "17:00:00", "17h", "17 h 30", "17h30", "17 heures",
    /// "17" (a bare hour), "midi" and "minuit" (00:00).
    pub fn parse(input: &str) -> Result<Self, PresenceError> {
        let invalid = || PresenceError::InvalidTime(input.trim().to_owned());
        let s: String = input
            .to_lowercase()
            .replace("heures", "h")
            .replace("heure", "h")
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect();
        match s.as_str() {
            "midi" => return Ok(TimeOfDay(12 * 60)),
            "minuit" => return Ok(TimeOfDay::MIDNIGHT),
            _ => {}
        }
        let (hour, rest) = s.split_once(['h', ':']).unwrap_or((&s, ""));
        let minute = match rest.split_once(':') {
            // Spreadsheets write "17:00:00".
            Some((m, "00")) => m,
            Some(_) => return Err(invalid()),
            None => rest,
        };
        let two_digits =
            |t: &str| !t.is_empty() && t.len() <= 2 && t.bytes().all(|b| b.is_ascii_digit());
        if !two_digits(hour) || !(minute.is_empty() || (minute.len() == 2 && two_digits(minute))) {
            return Err(invalid());
        }
        let hour: u8 = hour.parse().map_err(|_| invalid())?;
        let minute: u8 = if minute.is_empty() {
            0
        } else {
            minute.parse().map_err(|_| invalid())?
        };
        TimeOfDay::from_hm(hour, minute).ok_or_else(invalid)
    }

    /// "17 h", "17 h 30", "minuit".
    pub fn french(self) -> String {
        if self == TimeOfDay::MIDNIGHT || self == TimeOfDay::END_OF_DAY {
            return "minuit".to_owned();
        }
        french_time(
            i8::try_from(self.hour()).expect("below 24"),
            i8::try_from(self.minute()).expect("below 60"),
        )
    }
}

/// "17:00", as the API writes times.
impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.hour(), self.minute())
    }
}

impl TryFrom<String> for TimeOfDay {
    type Error = PresenceError;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl From<TimeOfDay> for String {
    fn from(t: TimeOfDay) -> Self {
        t.to_string()
    }
}

/// A weekly slot, start included and end excluded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "RawSlot")]
pub struct PresenceSlot {
    weekday: Weekday,
    start: TimeOfDay,
    end: TimeOfDay,
}

#[derive(Deserialize)]
struct RawSlot {
    weekday: Weekday,
    start: TimeOfDay,
    end: TimeOfDay,
}

impl TryFrom<RawSlot> for PresenceSlot {
    type Error = PresenceError;
    fn try_from(raw: RawSlot) -> Result<Self, Self::Error> {
        Self::new(raw.weekday, raw.start, raw.end)
    }
}

impl PresenceSlot {
    pub fn new(weekday: Weekday, start: TimeOfDay, end: TimeOfDay) -> Result<Self, PresenceError> {
        if end <= start {
            return Err(PresenceError::EndNotAfterStart);
        }
        Ok(Self {
            weekday,
            start,
            end,
        })
    }

    pub fn weekday(&self) -> Weekday {
        self.weekday
    }

    pub fn start(&self) -> TimeOfDay {
        self.start
    }

    pub fn end(&self) -> TimeOfDay {
        self.end
    }

    /// "le mardi de 17 h à 19 h".
    pub fn describe(&self) -> String {
        format!("le {} {}", self.weekday.name(), self.range())
    }

    /// "de 17 h à 19 h".
    fn range(self) -> String {
        format!("de {} à {}", self.start.french(), self.end.french())
    }

    pub fn is_open_at(&self, weekday: Weekday, time: TimeOfDay) -> bool {
        weekday == self.weekday && self.start <= time && time < self.end
    }

    fn overlaps(self, other: PresenceSlot) -> bool {
        self.weekday == other.weekday && self.start < other.end && other.start < self.end
    }

    /// Reads a spreadsheet cell such as "mardi 17:00-19:00, jeudi 14h-16h30".
    ///
    /// Slots are separated by ",", ";" or line breaks. Each names one or
    /// more days ("mardi et jeudi 17h-19h") and a range written with "-",
    /// "–" or "à" ("mardi de 17 h à 19 h"). An end at "00:00" or "minuit"
    /// means midnight at the end of the day. Overlapping slots are refused.
    /// An empty cell gives no slot. Errors name the piece at fault.
    pub fn parse_list(input: &str) -> Result<Vec<PresenceSlot>, PresenceError> {
        let mut slots: Vec<(PresenceSlot, &str)> = Vec::new();
        for piece in input.split([',', ';', '\n', '\r']).map(str::trim) {
            if piece.is_empty() {
                continue;
            }
            let parsed = parse_piece(piece).map_err(|reason| PresenceError::InPiece {
                piece: piece.to_owned(),
                reason: Box::new(reason),
            })?;
            for slot in parsed {
                if let Some((_, other)) = slots.iter().find(|(s, _)| s.overlaps(slot)) {
                    return Err(PresenceError::Overlap(
                        (*other).to_owned(),
                        piece.to_owned(),
                    ));
                }
                slots.push((slot, piece));
            }
        }
        Ok(slots.into_iter().map(|(s, _)| s).collect())
    }
}

/// "mardi et jeudi de 17h à 19h" → one slot per day.
fn parse_piece(piece: &str) -> Result<Vec<PresenceSlot>, PresenceError> {
    let mut days = Vec::new();
    let mut rest = piece;
    loop {
        let trimmed = rest.trim_start();
        let word_end = trimmed
            .find(|c: char| c.is_whitespace())
            .unwrap_or(trimmed.len());
        let word = &trimmed[..word_end];
        if word.is_empty() {
            break;
        }
        let key = search_key(word);
        if key.is_empty() || matches!(key.as_str(), "et" | "le" | "les") {
            // ":" after the day, "le", "et".
        } else if let Ok(day) = Weekday::parse(word) {
            // A bare number is a time here, not a day number.
            if word.bytes().all(|b| b.is_ascii_digit()) {
                break;
            }
            days.push(day);
        } else {
            break;
        }
        rest = &trimmed[word_end..];
    }
    if days.is_empty() {
        return Err(PresenceError::MissingDay);
    }
    let range = rest.trim();
    let range = strip_word(range, "de").unwrap_or(range);
    if range.is_empty() {
        return Err(PresenceError::MissingRange);
    }
    let (start, end) = range
        .split_once(['-', '–', '—', 'à'])
        .or_else(|| range.split_once(" a "))
        .ok_or(PresenceError::MissingRange)?;
    let start = TimeOfDay::parse(start)?;
    let mut end = TimeOfDay::parse(end)?;
    if end == TimeOfDay::MIDNIGHT {
        end = TimeOfDay::END_OF_DAY;
    }
    days.into_iter()
        .map(|d| PresenceSlot::new(d, start, end))
        .collect()
}

/// "de 17h" → "17h" (case-insensitive, whole word only).
fn strip_word<'a>(s: &'a str, word: &str) -> Option<&'a str> {
    let head = s.get(..word.len())?;
    let tail = &s[word.len()..];
    (head.eq_ignore_ascii_case(word) && tail.starts_with(char::is_whitespace))
        .then(|| tail.trim_start())
}

/// Whether a promeneur is online at `at`, read in Paris time.
pub fn open_now(slots: &[PresenceSlot], at: Timestamp) -> bool {
    open_at(slots, paris_time(at))
}

/// The day and wall-clock time of `at` in Paris, as [`open_at`] reads
/// them: one time-zone conversion for a whole list of promeneurs.
pub fn paris_time(at: Timestamp) -> (Weekday, TimeOfDay) {
    let z = in_paris(at);
    let time = TimeOfDay::from_hm(z.hour().unsigned_abs(), z.minute().unsigned_abs())
        .expect("a wall-clock time");
    (Weekday::from_jiff(z.weekday()), time)
}

/// Whether a promeneur is online on this day at this time.
pub fn open_at(slots: &[PresenceSlot], (weekday, time): (Weekday, TimeOfDay)) -> bool {
    slots.iter().any(|s| s.is_open_at(weekday, time))
}

/// "le mardi de 17 h à 19 h et le jeudi de 14 h à 16 h 30": slots sorted
/// by day and time, grouped by day ("le mardi de 10 h à 12 h et de 14 h à
/// 16 h"). When a day has several slots, days are separated by " ; " to
/// keep the sentence readable. Empty when there is no slot.
pub fn describe_all(slots: &[PresenceSlot]) -> String {
    let mut sorted = slots.to_vec();
    sorted.sort();
    let mut days: Vec<(Weekday, Vec<String>)> = Vec::new();
    for s in &sorted {
        match days.last_mut() {
            Some((d, ranges)) if *d == s.weekday => ranges.push(s.range()),
            _ => days.push((s.weekday, vec![s.range()])),
        }
    }
    let several_in_a_day = days.iter().any(|(_, r)| r.len() > 1);
    let phrases: Vec<String> = days
        .into_iter()
        .map(|(d, ranges)| format!("le {} {}", d.name(), join_french(&ranges)))
        .collect();
    if several_in_a_day {
        phrases.join(" ; ")
    } else {
        join_french(&phrases)
    }
}

/// "a", "a et b", "a, b et c".
fn join_french(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} et {last}", init.join(", ")),
    }
}

#[cfg(test)]
#[path = "presence_tests.rs"]
mod tests;
