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
mod tests {
    use super::*;

    fn t(s: &str) -> TimeOfDay {
        TimeOfDay::parse(s).unwrap()
    }

    fn slot(d: Weekday, start: &str, end: &str) -> PresenceSlot {
        PresenceSlot::new(d, t(start), t(end)).unwrap()
    }

    #[test]
    fn weekdays_parse_from_numbers_names_and_abbreviations() {
        for (input, day) in [
            ("1", Weekday::Monday),
            ("7", Weekday::Sunday),
            ("lundi", Weekday::Monday),
            ("Mardi", Weekday::Tuesday),
            ("MERCREDI", Weekday::Wednesday),
            ("mer.", Weekday::Wednesday),
            ("jeu", Weekday::Thursday),
            ("ven", Weekday::Friday),
            ("sam", Weekday::Saturday),
            ("dim", Weekday::Sunday),
            ("le mardi", Weekday::Tuesday),
            ("les jeudis", Weekday::Thursday),
            (" Dimanche ", Weekday::Sunday),
        ] {
            assert_eq!(Weekday::parse(input), Ok(day), "{input}");
        }
        for bad in ["0", "8", "", "lu", "mars", "monday", "lundimanche"] {
            assert!(Weekday::parse(bad).is_err(), "{bad}");
        }
        for d in Weekday::ALL {
            assert_eq!(Weekday::parse(d.name()), Ok(d));
            assert_eq!(Weekday::parse(&d.number().to_string()), Ok(d));
        }
    }

    #[test]
    fn weekdays_follow_jiff() {
        let sunday = jiff::civil::date(2024, 3, 17);
        assert_eq!(Weekday::from_jiff(sunday.weekday()), Weekday::Sunday);
        assert_eq!(
            Weekday::from_jiff(sunday.tomorrow().unwrap().weekday()),
            Weekday::Monday
        );
    }

    #[test]
    fn times_parse_in_the_usual_french_forms() {
        for (input, minutes) in [
            ("17:00", 17 * 60),
            ("17:00:00", 17 * 60),
            ("17h", 17 * 60),
            ("17H", 17 * 60),
            ("17 h", 17 * 60),
            ("17 h 30", 17 * 60 + 30),
            ("17h30", 17 * 60 + 30),
            ("9h05", 9 * 60 + 5),
            ("09:05", 9 * 60 + 5),
            ("17", 17 * 60),
            ("17 heures", 17 * 60),
            ("0h", 0),
            ("midi", 12 * 60),
            ("24:00", 24 * 60),
        ] {
            assert_eq!(
                TimeOfDay::parse(input).map(TimeOfDay::minutes),
                Ok(minutes),
                "{input}"
            );
        }
        for bad in [
            "",
            "h",
            "25h",
            "24h30",
            "17h60",
            "17h3",
            "17:5",
            "170",
            "17:00:30",
            "dix-sept heures",
            "-1h",
        ] {
            assert!(TimeOfDay::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn times_print_for_the_api_and_for_people() {
        assert_eq!(t("9h").to_string(), "09:00");
        assert_eq!(t("17h30").to_string(), "17:30");
        assert_eq!(t("17h").french(), "17 h");
        assert_eq!(t("17h30").french(), "17 h 30");
        assert_eq!(t("9h05").french(), "9 h 05");
        assert_eq!(TimeOfDay::END_OF_DAY.french(), "minuit");
        assert_eq!(TimeOfDay::END_OF_DAY.to_string(), "24:00");
    }

    #[test]
    fn times_round_trip_through_minutes() {
        assert_eq!(TimeOfDay::from_minutes(17 * 60 + 30), Ok(t("17h30")));
        assert_eq!(TimeOfDay::from_minutes(1440), Ok(TimeOfDay::END_OF_DAY));
        assert!(TimeOfDay::from_minutes(1441).is_err());
        assert_eq!(Weekday::from_number(2), Ok(Weekday::Tuesday));
        assert!(Weekday::from_number(0).is_err());
        assert!(Weekday::from_number(8).is_err());
    }

    #[test]
    fn a_slot_must_end_after_it_starts() {
        assert_eq!(
            PresenceSlot::new(Weekday::Tuesday, t("19h"), t("17h")),
            Err(PresenceError::EndNotAfterStart)
        );
        assert_eq!(
            PresenceSlot::new(Weekday::Tuesday, t("17h"), t("17h"))
                .unwrap_err()
                .to_string(),
            "L'heure de fin doit être après l'heure de début."
        );
    }

    #[test]
    fn slots_describe_themselves() {
        assert_eq!(
            slot(Weekday::Tuesday, "17h", "19h").describe(),
            "le mardi de 17 h à 19 h"
        );
        assert_eq!(
            slot(Weekday::Tuesday, "17h30", "19h").describe(),
            "le mardi de 17 h 30 à 19 h"
        );
        assert_eq!(
            slot(Weekday::Friday, "22h", "24:00").describe(),
            "le vendredi de 22 h à minuit"
        );
    }

    #[test]
    fn slots_are_open_from_start_until_just_before_end() {
        let s = slot(Weekday::Tuesday, "17h", "19h");
        assert!(!s.is_open_at(Weekday::Tuesday, t("16:59")));
        assert!(s.is_open_at(Weekday::Tuesday, t("17:00")));
        assert!(s.is_open_at(Weekday::Tuesday, t("18:59")));
        assert!(!s.is_open_at(Weekday::Tuesday, t("19:00")));
        assert!(!s.is_open_at(Weekday::Wednesday, t("18:00")));
    }

    #[test]
    fn lists_parse_from_spreadsheet_cells() {
        let slots = PresenceSlot::parse_list("mardi 17:00-19:00, jeudi 14h-16h30").unwrap();
        assert_eq!(
            slots,
            vec![
                slot(Weekday::Tuesday, "17h", "19h"),
                slot(Weekday::Thursday, "14h", "16h30"),
            ]
        );
        let slots = PresenceSlot::parse_list(
            "Lundi : 9h – 12h ; le mercredi de 14 h à 17 h 30\nsam 10-12\n",
        )
        .unwrap();
        assert_eq!(
            slots,
            vec![
                slot(Weekday::Monday, "9h", "12h"),
                slot(Weekday::Wednesday, "14h", "17h30"),
                slot(Weekday::Saturday, "10h", "12h"),
            ]
        );
        let slots = PresenceSlot::parse_list("mardi et jeudi 17h a 19h, ven 22h-00:00").unwrap();
        assert_eq!(
            slots,
            vec![
                slot(Weekday::Tuesday, "17h", "19h"),
                slot(Weekday::Thursday, "17h", "19h"),
                slot(Weekday::Friday, "22h", "24:00"),
            ]
        );
        assert_eq!(PresenceSlot::parse_list("  "), Ok(vec![]));
    }

    #[test]
    fn list_errors_name_the_bad_piece() {
        let e = PresenceSlot::parse_list("mardi 17:00-19:00, jeudi 25h-26h").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Créneau « jeudi 25h-26h » : heure non reconnue : « 25h ». Écrivez par exemple \
             17:00, 17h ou 17h30."
        );
        let e = PresenceSlot::parse_list("jeudi 16h-14h").unwrap_err();
        assert_eq!(
            e.to_string(),
            "Créneau « jeudi 16h-14h » : l'heure de fin doit être après l'heure de début."
        );
        for (input, reason) in [
            ("17h-19h", PresenceError::MissingDay),
            ("jour 17h-19h", PresenceError::MissingDay),
            ("mardi", PresenceError::MissingRange),
            ("mardi 17h", PresenceError::MissingRange),
        ] {
            assert_eq!(
                PresenceSlot::parse_list(input),
                Err(PresenceError::InPiece {
                    piece: input.to_owned(),
                    reason: Box::new(reason)
                }),
                "{input}"
            );
        }
        assert_eq!(
            PresenceSlot::parse_list("mardi 17h-19h, mardi 18h-20h"),
            Err(PresenceError::Overlap(
                "mardi 17h-19h".into(),
                "mardi 18h-20h".into()
            ))
        );
        // Back to back is fine.
        assert!(PresenceSlot::parse_list("mardi 17h-19h, mardi 19h-20h").is_ok());
    }

    #[test]
    fn descriptions_group_by_day_in_order() {
        let slots = [
            slot(Weekday::Thursday, "14h", "16h30"),
            slot(Weekday::Tuesday, "17h", "19h"),
        ];
        assert_eq!(
            describe_all(&slots),
            "le mardi de 17 h à 19 h et le jeudi de 14 h à 16 h 30"
        );
        let slots = [
            slot(Weekday::Friday, "10h", "11h"),
            slot(Weekday::Monday, "9h", "10h"),
            slot(Weekday::Wednesday, "14h", "15h"),
        ];
        assert_eq!(
            describe_all(&slots),
            "le lundi de 9 h à 10 h, le mercredi de 14 h à 15 h et le vendredi de 10 h à 11 h"
        );
        let slots = [
            slot(Weekday::Tuesday, "14h", "16h"),
            slot(Weekday::Thursday, "17h", "18h"),
            slot(Weekday::Tuesday, "10h", "12h"),
        ];
        assert_eq!(
            describe_all(&slots),
            "le mardi de 10 h à 12 h et de 14 h à 16 h ; le jeudi de 17 h à 18 h"
        );
        assert_eq!(describe_all(&[]), "");
    }

    #[test]
    fn open_now_reads_paris_time_across_clock_changes() {
        let sunday_morning = [slot(Weekday::Sunday, "10h", "12h")];
        let at = |s: &str| s.parse::<Timestamp>().unwrap();
        // Winter (UTC+1): 08:30Z is 09:30 in Paris, 09:30Z is 10:30.
        assert!(!open_now(&sunday_morning, at("2024-03-24T08:30:00Z")));
        assert!(open_now(&sunday_morning, at("2024-03-24T09:30:00Z")));
        // Clocks went forward that night (UTC+2): 08:30Z is 10:30.
        assert!(open_now(&sunday_morning, at("2024-03-31T08:30:00Z")));
        assert!(!open_now(&sunday_morning, at("2024-03-31T10:00:00Z")));
        assert!(open_now(&sunday_morning, at("2024-03-31T09:59:00Z")));
        // And back on 27 October 2024: 09:30Z is 10:30 again.
        assert!(!open_now(&sunday_morning, at("2024-10-27T08:30:00Z")));
        assert!(open_now(&sunday_morning, at("2024-10-27T09:30:00Z")));
        // The Paris day, not the UTC one: Monday 00:30 Paris is Sunday in UTC.
        let monday_night = [slot(Weekday::Monday, "0h", "1h")];
        assert!(open_now(&monday_night, at("2024-06-02T22:30:00Z")));
        assert!(!open_now(&[], at("2024-06-02T22:30:00Z")));
    }

    #[test]
    fn crosses_json_with_validation() {
        let s = slot(Weekday::Tuesday, "17h", "19h");
        let json = serde_json::to_value(s).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"weekday": 2, "start": "17:00", "end": "19:00"})
        );
        let back: PresenceSlot = serde_json::from_value(json).unwrap();
        assert_eq!(back, s);
        for bad in [
            r#"{"weekday": 2, "start": "19:00", "end": "17:00"}"#,
            r#"{"weekday": 8, "start": "17:00", "end": "19:00"}"#,
            r#"{"weekday": 0, "start": "17:00", "end": "19:00"}"#,
            r#"{"weekday": 2, "start": "25:00", "end": "26:00"}"#,
            r#"{"weekday": 2, "start": "17:00"}"#,
        ] {
            assert!(serde_json::from_str::<PresenceSlot>(bad).is_err(), "{bad}");
        }
    }
}
