//! Deadlines of calls for applications (DESIGN §4): local times in
//! Europe/Paris, to the second. A date alone ("17 mars 2024") means the end
//! of that day, 23:59:59 local; the deadline's own second is still on time.

use std::fmt;

use jiff::{
    Timestamp,
    civil::{Date, DateTime, Time},
    tz::{AmbiguousOffset, Disambiguation},
};

use crate::clock::{french_date_with_weekday, french_time, in_paris, paris};

/// The last instant at which a submission is accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Deadline(Timestamp);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    #[error(
        "Date limite non reconnue : écrivez une date (2024-03-17 ou 17/03/2024), éventuellement suivie d'une heure (2024-03-17T12:00)."
    )]
    Unreadable,
    #[error(
        "Cette heure n'existe pas ce jour-là à Paris (passage à l'heure d'été) : choisissez-en une autre."
    )]
    Skipped,
}

impl Deadline {
    /// The end of a day in Paris: 23:59:59 local (never ambiguous: clocks
    /// change at night between 2 and 3 h).
    pub fn end_of(date: Date) -> Self {
        Self::at_local(date.to_datetime(Time::constant(23, 59, 59, 0)))
            .expect("23:59:59 exists every day in Paris")
    }

    /// A local date and time in Paris. A time that does not exist (the hour
    /// skipped in March) is refused; one that happens twice (October) is
    /// read as the later one, which never shortens a deadline.
    pub fn at_local(dt: DateTime) -> Result<Self, DeadlineError> {
        let tz = paris();
        let ambiguous = tz.to_ambiguous_timestamp(dt);
        if matches!(ambiguous.offset(), AmbiguousOffset::Gap { .. }) {
            return Err(DeadlineError::Skipped);
        }
        ambiguous
            .disambiguate(Disambiguation::Later)
            .map(Self)
            .map_err(|_| DeadlineError::Skipped)
    }

    /// Reads what staff type or what the API sends: a date alone
    /// ("2024-03-17", "17/03/2024"), a local date-time
    /// ("2024-03-17T12:00", "2024-03-17 12:00:30") or an RFC 3339 instant
    /// with its offset ("2024-03-17T23:59:59+01:00").
    pub fn parse(input: &str) -> Result<Self, DeadlineError> {
        let s = input.trim();
        if let Ok(t) = s.parse::<Timestamp>() {
            return Ok(Self(t));
        }
        if let Ok(dt) = s.replace(' ', "T").parse::<DateTime>()
            && s.len() > 10
        {
            return Self::at_local(dt);
        }
        crate::date_input::parse_french_date(s)
            .map(Self::end_of)
            .map_err(|_| DeadlineError::Unreadable)
    }

    /// A deadline read back from storage.
    pub fn from_instant(t: Timestamp) -> Self {
        Self(t)
    }

    pub fn instant(self) -> Timestamp {
        self.0
    }

    /// Whether something done at `at` is on time: the deadline's own
    /// second included, the next one refused.
    pub fn accepts(self, at: Timestamp) -> bool {
        at.as_second() <= self.0.as_second()
    }

    /// RFC 3339 with the Paris offset: "2024-03-17T23:59:59+01:00".
    pub fn rfc3339(self) -> String {
        in_paris(self.0)
            .strftime("%Y-%m-%dT%H:%M:%S%:z")
            .to_string()
    }

    /// "dimanche 17 mars 2024 à 23 h 59".
    pub fn french(self) -> String {
        let z = in_paris(self.0);
        format!(
            "{} à {}",
            french_date_with_weekday(z.date()),
            french_time(z.hour(), z.minute())
        )
    }
}

impl fmt::Display for Deadline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

#[cfg(test)]
mod tests {
    use jiff::{SignedDuration, civil::date};

    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    #[test]
    fn a_date_alone_ends_at_23_59_59_in_paris() {
        let d = Deadline::parse("17/03/2024").unwrap();
        assert_eq!(d.rfc3339(), "2024-03-17T23:59:59+01:00");
        assert_eq!(Deadline::parse("2024-03-17").unwrap(), d);
        assert_eq!(d.french(), "dimanche 17 mars 2024 à 23 h 59");
        // Module 2 of the 2024 call: summer time.
        let m2 = Deadline::parse("28/04/2024").unwrap();
        assert_eq!(m2.rfc3339(), "2024-04-28T23:59:59+02:00");
    }

    #[test]
    fn the_deadline_second_is_on_time_and_the_next_is_not() {
        let d = Deadline::end_of(date(2024, 3, 17));
        let last = ts("2024-03-17T22:59:59Z");
        assert!(d.accepts(last.checked_sub(SignedDuration::from_secs(1)).unwrap()));
        assert!(d.accepts(last));
        assert!(
            d.accepts(ts("2024-03-17T22:59:59.999Z")),
            "within the second"
        );
        assert!(!d.accepts(ts("2024-03-17T23:00:00Z")));
    }

    #[test]
    fn deadlines_on_the_days_clocks_change() {
        // 31 March 2024: 2 h → 3 h. The day has 23 hours; its end is 21:59:59Z.
        let spring = Deadline::end_of(date(2024, 3, 31));
        assert_eq!(spring.rfc3339(), "2024-03-31T23:59:59+02:00");
        assert!(spring.accepts(ts("2024-03-31T21:59:59Z")));
        assert!(!spring.accepts(ts("2024-03-31T22:00:00Z")));
        // 27 October 2024: 3 h → 2 h. The day has 25 hours; its end is 22:59:59Z.
        let autumn = Deadline::end_of(date(2024, 10, 27));
        assert_eq!(autumn.rfc3339(), "2024-10-27T23:59:59+01:00");
        assert!(autumn.accepts(ts("2024-10-27T22:59:59Z")));
        assert!(!autumn.accepts(ts("2024-10-27T23:00:00Z")));
        // An hour skipped in March is refused; one lived twice in October is
        // the later one.
        assert_eq!(
            Deadline::parse("2024-03-31T02:30"),
            Err(DeadlineError::Skipped)
        );
        let twice = Deadline::parse("2024-10-27T02:30").unwrap();
        assert_eq!(twice.rfc3339(), "2024-10-27T02:30:00+01:00");
    }

    #[test]
    fn times_and_instants_are_read_too() {
        assert_eq!(
            Deadline::parse("2024-03-17T12:00").unwrap().rfc3339(),
            "2024-03-17T12:00:00+01:00"
        );
        assert_eq!(
            Deadline::parse("2024-03-17 12:00:30").unwrap().rfc3339(),
            "2024-03-17T12:00:30+01:00"
        );
        assert_eq!(
            Deadline::parse("2024-03-17T23:59:59+01:00").unwrap(),
            Deadline::end_of(date(2024, 3, 17))
        );
        assert_eq!(Deadline::parse("demain"), Err(DeadlineError::Unreadable));
    }
}
