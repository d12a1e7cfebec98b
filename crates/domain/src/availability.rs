//! When a promeneur is next online, from its weekly presence slots, read in
//! Paris time: "en ligne jusqu'à 19 h", "de retour demain à 17 h", "de
//! retour lundi à 17 h".

use jiff::Timestamp;

use crate::presence::{PresenceSlot, TimeOfDay, Weekday, paris_time};

/// Where a promeneur stands at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Availability {
    /// Inside a slot, which ends at that time (today).
    OnlineUntil(TimeOfDay),
    /// Next online in `days` days (0: later today) at `start`.
    Next {
        days: u8,
        weekday: Weekday,
        start: TimeOfDay,
    },
    /// No slot at all.
    Never,
}

impl Availability {
    /// At `at`, from `slots` (any order).
    pub fn at(slots: &[PresenceSlot], at: Timestamp) -> Self {
        Self::at_paris(slots, paris_time(at))
    }

    /// At a day and time of Paris (`presence::paris_time`, computed once
    /// for a page of cards).
    pub fn at_paris(slots: &[PresenceSlot], (today, now): (Weekday, TimeOfDay)) -> Self {
        if let Some(s) = slots.iter().find(|s| s.is_open_at(today, now)) {
            return Self::OnlineUntil(s.end());
        }
        // The soonest start: later today, then the next six days, then the
        // same day next week before now.
        (0..=7u8)
            .find_map(|days| {
                let weekday = today.plus_days(days);
                slots
                    .iter()
                    .filter(|s| s.weekday() == weekday)
                    .filter(|s| match days {
                        0 => s.start() > now,
                        7 => s.start() <= now,
                        _ => true,
                    })
                    .map(PresenceSlot::start)
                    .min()
                    .map(|start| Self::Next {
                        days,
                        weekday,
                        start,
                    })
            })
            .unwrap_or(Self::Never)
    }

    /// "en ligne jusqu'à 19 h", "de retour aujourd'hui à 17 h", "de retour
    /// demain à 9 h 30", "de retour lundi à 17 h"; empty without slots.
    pub fn french(self) -> String {
        match self {
            Self::OnlineUntil(end) => format!("en ligne jusqu'à {}", end.french()),
            Self::Next {
                days,
                weekday,
                start,
            } => {
                let day = match days {
                    0 => "aujourd'hui".to_owned(),
                    1 => "demain".to_owned(),
                    _ => weekday.name().to_owned(),
                };
                format!("de retour {day} à {}", start.french())
            }
            Self::Never => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(text: &str) -> Vec<PresenceSlot> {
        PresenceSlot::parse_list(text).unwrap()
    }

    fn at(s: &str) -> Timestamp {
        s.parse().unwrap()
    }

    // 2026-12-01 is a Tuesday; Paris is UTC+1 in winter.
    #[test]
    fn inside_a_slot_it_says_until_when() {
        let a = Availability::at(&slots("mardi 17:00-19:00"), at("2026-12-01T17:30:00Z"));
        assert_eq!(a.french(), "en ligne jusqu'à 19 h");
    }

    #[test]
    fn the_end_of_a_slot_is_not_in_it() {
        let a = Availability::at(&slots("mardi 17:00-19:00"), at("2026-12-01T18:00:00Z"));
        assert_eq!(a.french(), "de retour mardi à 17 h");
    }

    #[test]
    fn later_today_tomorrow_and_a_weekday() {
        let s = slots("mardi 17:00-19:00, mercredi 9:30-11:00, vendredi 14h-16h");
        assert_eq!(
            Availability::at(&s, at("2026-12-01T08:00:00Z")).french(),
            "de retour aujourd'hui à 17 h"
        );
        assert_eq!(
            Availability::at(&s, at("2026-12-01T19:00:00Z")).french(),
            "de retour demain à 9 h 30"
        );
        assert_eq!(
            Availability::at(&s, at("2026-12-02T12:00:00Z")).french(),
            "de retour vendredi à 14 h"
        );
    }

    #[test]
    fn the_soonest_slot_of_a_day_and_next_week_for_a_single_slot() {
        let s = slots("jeudi 18:00-19:00, jeudi 10:00-12:00");
        assert_eq!(
            Availability::at(&s, at("2026-12-01T08:00:00Z")).french(),
            "de retour jeudi à 10 h"
        );
        // Thursday 3 December, 13 h in Paris: both passed, next week's first.
        let one = slots("jeudi 10:00-12:00");
        assert_eq!(
            Availability::at(&one, at("2026-12-03T12:00:00Z")),
            Availability::Next {
                days: 7,
                weekday: Weekday::from_jiff(jiff::civil::Weekday::Thursday),
                start: TimeOfDay::from_hm(10, 0).unwrap(),
            }
        );
    }

    #[test]
    fn no_slot_no_sentence() {
        assert_eq!(
            Availability::at(&[], at("2026-12-01T08:00:00Z")),
            Availability::Never
        );
        assert_eq!(Availability::Never.french(), "");
    }
}
