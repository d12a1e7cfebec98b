//! Time: a clock that tests can fix, and the French way of writing instants
//! ("17 mars 2024 à 23 h 59", always in Europe/Paris).

use std::sync::Mutex;

use jiff::{Timestamp, Zoned, civil::Date, tz::TimeZone};

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> Timestamp;
}

#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Timestamp {
        Timestamp::now()
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct FixedClock(Mutex<Timestamp>);

impl FixedClock {
    pub fn new(at: Timestamp) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: Timestamp) {
        *self.0.lock().expect("clock poisoned") = at;
    }

    pub fn advance(&self, by: jiff::SignedDuration) {
        let mut t = self.0.lock().expect("clock poisoned");
        *t = t.checked_add(by).expect("clock overflow");
    }
}

impl Clock for FixedClock {
    fn now(&self) -> Timestamp {
        *self.0.lock().expect("clock poisoned")
    }
}

/// The time zone every user-facing date is read and written in.
pub fn paris() -> TimeZone {
    static TZ: std::sync::OnceLock<TimeZone> = std::sync::OnceLock::new();
    TZ.get_or_init(|| {
        TimeZone::get("Europe/Paris").expect("Europe/Paris in the bundled tz database")
    })
    .clone()
}

pub fn in_paris(t: Timestamp) -> Zoned {
    t.to_zoned(paris())
}

pub const MONTHS: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

const WEEKDAYS: [&str; 7] = [
    "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche",
];

/// "17 mars 2024" (and "1er mars 2024").
pub fn french_date(d: Date) -> String {
    let day = if d.day() == 1 {
        "1er".to_owned()
    } else {
        d.day().to_string()
    };
    format!(
        "{day} {} {}",
        MONTHS[usize::from(d.month().unsigned_abs()) - 1],
        d.year()
    )
}

/// "dimanche 17 mars 2024".
pub fn french_date_with_weekday(d: Date) -> String {
    let wd = WEEKDAYS[usize::from(d.weekday().to_monday_zero_offset().unsigned_abs())];
    format!("{wd} {}", french_date(d))
}

/// "23 h 59", "9 h" (minutes omitted when zero).
pub fn french_time(hour: i8, minute: i8) -> String {
    if minute == 0 {
        format!("{hour} h")
    } else {
        format!("{hour} h {minute:02}")
    }
}

/// "17 mars 2024 à 23 h 59", in Europe/Paris.
pub fn french_instant(t: Timestamp) -> String {
    let z = in_paris(t);
    format!(
        "{} à {}",
        french_date(z.date()),
        french_time(z.hour(), z.minute())
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn writes_dates_the_french_way() {
        assert_eq!(french_date(jiff::civil::date(2024, 3, 17)), "17 mars 2024");
        assert_eq!(french_date(jiff::civil::date(2024, 6, 1)), "1er juin 2024");
        assert_eq!(
            french_date_with_weekday(jiff::civil::date(2024, 3, 17)),
            "dimanche 17 mars 2024"
        );
    }

    #[test]
    fn instants_are_shown_in_paris_time_across_clock_changes() {
        // Winter time (UTC+1) and summer time (UTC+2).
        assert_eq!(
            french_instant(ts("2024-03-17T22:59:00Z")),
            "17 mars 2024 à 23 h 59"
        );
        assert_eq!(
            french_instant(ts("2024-04-28T21:59:00Z")),
            "28 avril 2024 à 23 h 59"
        );
        assert_eq!(
            french_instant(ts("2024-06-01T07:00:00Z")),
            "1er juin 2024 à 9 h"
        );
    }

    #[test]
    fn a_fixed_clock_moves_only_when_told() {
        let c = FixedClock::new(ts("2024-03-17T22:59:59Z"));
        assert_eq!(c.now(), ts("2024-03-17T22:59:59Z"));
        c.advance(jiff::SignedDuration::from_secs(1));
        assert_eq!(c.now(), ts("2024-03-17T23:00:00Z"));
    }
}
