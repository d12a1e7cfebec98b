//! Conventions between an employer structure and the CAF of a département:
//! their status follows from their dates and signature.

use jiff::civil::Date;
use serde::Serialize;

/// How many days before its end a convention is "to renew".
pub const RENEWAL_WINDOW_DAYS: i32 = 90;
/// E-mail reminders are sent this many days before the end.
pub const REMINDER_DAYS: [i32; 2] = [60, 30];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ConventionStatus {
    /// Not signed yet.
    Unsigned,
    /// Signed, starts later.
    Upcoming,
    Active,
    /// Active, ends within `RENEWAL_WINDOW_DAYS`.
    ToRenew,
    Expired,
}

impl ConventionStatus {
    pub fn of(starts_on: Date, ends_on: Date, signed_on: Option<Date>, today: Date) -> Self {
        if ends_on < today {
            ConventionStatus::Expired
        } else if signed_on.is_none() {
            ConventionStatus::Unsigned
        } else if starts_on > today {
            ConventionStatus::Upcoming
        } else if days_between(today, ends_on) < i64::from(RENEWAL_WINDOW_DAYS) {
            ConventionStatus::ToRenew
        } else {
            ConventionStatus::Active
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ConventionStatus::Unsigned => "unsigned",
            ConventionStatus::Upcoming => "upcoming",
            ConventionStatus::Active => "active",
            ConventionStatus::ToRenew => "to_renew",
            ConventionStatus::Expired => "expired",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ConventionStatus::Unsigned => "À signer",
            ConventionStatus::Upcoming => "Signée, à venir",
            ConventionStatus::Active => "En cours",
            ConventionStatus::ToRenew => "À renouveler",
            ConventionStatus::Expired => "Échue",
        }
    }
}

/// Whole days from `a` to `b` (negative when `b` is before `a`).
pub fn days_between(a: Date, b: Date) -> i64 {
    let span = a.until(b).expect("dates within jiff's range");
    // `until` between civil dates defaults to days as the largest unit.
    i64::from(span.get_days())
}

#[cfg(test)]
mod tests {
    use jiff::civil::date;

    use super::*;

    #[test]
    fn status_follows_dates_and_signature() {
        let (s, e) = (date(2024, 1, 1), date(2026, 12, 31));
        let signed = Some(date(2023, 12, 15));
        assert_eq!(
            ConventionStatus::of(s, e, None, date(2024, 6, 1)),
            ConventionStatus::Unsigned
        );
        assert_eq!(
            ConventionStatus::of(s, e, signed, date(2023, 12, 20)),
            ConventionStatus::Upcoming
        );
        assert_eq!(
            ConventionStatus::of(s, e, signed, date(2025, 6, 1)),
            ConventionStatus::Active
        );
        assert_eq!(
            ConventionStatus::of(s, e, signed, date(2026, 10, 3)),
            ConventionStatus::ToRenew
        );
        assert_eq!(
            ConventionStatus::of(s, e, signed, date(2026, 12, 31)),
            ConventionStatus::ToRenew
        );
        assert_eq!(
            ConventionStatus::of(s, e, signed, date(2027, 1, 1)),
            ConventionStatus::Expired
        );
        assert_eq!(
            ConventionStatus::of(s, e, None, date(2027, 1, 1)),
            ConventionStatus::Expired
        );
    }

    #[test]
    fn days_between_counts_across_months() {
        assert_eq!(days_between(date(2026, 11, 26), date(2027, 1, 25)), 60);
        assert_eq!(days_between(date(2027, 1, 25), date(2026, 11, 26)), -60);
    }
}
