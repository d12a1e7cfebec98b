//! Relaunch of an unsuccessful module (DESIGN §4): the module's dates move
//! to a new deadline.

use jiff::{ToSpan, civil::Date};

use crate::{
    call::{DecisionWindow, ModuleSpec},
    clock::in_paris,
    deadline::Deadline,
};

/// A date moved out of the calendar's range (beyond the year 9999).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the module's dates cannot be shifted to {0}: out of the calendar's range")]
pub struct ShiftError(pub Date);

/// The module with its dates moved to `new_deadline`: the audition by as
/// many days as the deadline (which keeps its time of day, or becomes
/// 23:59:59 when that time does not exist on the new date), the service
/// period and the decision window by as many months.
pub fn shifted(spec: &ModuleSpec, new_deadline: Date) -> Result<ModuleSpec, ShiftError> {
    let out_of_range = |_| ShiftError(new_deadline);
    let old = in_paris(spec.deadline.instant());
    let days = old
        .date()
        .until(new_deadline)
        .map_err(out_of_range)?
        .get_days();
    let move_date = |d: Date| d.checked_add(i64::from(days).days()).map_err(out_of_range);
    let months = (i32::from(new_deadline.year()) - i32::from(old.year())) * 12
        + i32::from(new_deadline.month())
        - i32::from(old.month());
    let move_month = |d: Date| {
        d.checked_add(i64::from(months).months())
            .map_err(out_of_range)
    };
    let deadline = Deadline::at_local(new_deadline.to_datetime(old.time()))
        .unwrap_or_else(|_| Deadline::end_of(new_deadline));
    Ok(ModuleSpec {
        // Service periods follow months (1 June – 31 December): they move
        // by whole months, like the decision window.
        service_starts_on: move_month(spec.service_starts_on)?,
        service_ends_on: move_month(spec.service_ends_on)?,
        deadline,
        audition_on: spec.audition_on.map(move_date).transpose()?,
        decision_window: spec
            .decision_window
            .map(|w| -> Result<DecisionWindow, ShiftError> {
                Ok(DecisionWindow {
                    from: move_month(w.from)?,
                    to: move_month(w.to)?,
                })
            })
            .transpose()?,
        ..spec.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::call::{CriterionDraft, ModuleDraft, RequiredDocument};
    use jiff::civil::date;

    fn spec(deadline: &str, audition: Option<&str>, window: Option<&str>) -> ModuleSpec {
        ModuleDraft {
            code: "M2".into(),
            title: "Formations".into(),
            service_starts_on: "2024-09-01".into(),
            service_ends_on: "2025-12-31".into(),
            deadline: deadline.into(),
            audition_on: audition.map(Into::into),
            decision_window: window.map(Into::into),
            criteria: vec![CriterionDraft {
                key: "qualite".into(),
                label: "Qualité".into(),
                weight: 1,
                max_score: 20,
            }],
            required_documents: vec![RequiredDocument {
                kind: "formulaire".into(),
                label: "Dossier".into(),
            }],
            ..ModuleDraft::default()
        }
        .validate()
        .unwrap()
    }

    #[test]
    fn every_date_moves_with_the_deadline() {
        let spec = spec(
            "2024-04-28T18:00",
            Some("2024-05-16"),
            Some("2024-06/2024-07"),
        );
        // 28 April → 29 September 2024: 154 days, 5 months.
        let s = shifted(&spec, date(2024, 9, 29)).unwrap();
        assert_eq!(s.deadline.rfc3339(), "2024-09-29T18:00:00+02:00");
        assert_eq!(s.audition_on, Some(date(2024, 10, 17)));
        assert_eq!(s.service_starts_on, date(2025, 2, 1));
        // 31 December + 5 months: the last day of May.
        assert_eq!(s.service_ends_on, date(2026, 5, 31));
        assert_eq!(
            s.decision_window.unwrap().french(),
            "novembre à décembre 2024"
        );
        assert_eq!(s.criteria, spec.criteria);
        assert_eq!((s.code.as_str(), s.title.as_str()), ("M2", "Formations"));
    }

    #[test]
    fn a_module_without_audition_nor_window_moves_its_service_period() {
        let spec = spec("2024-04-28T18:00", None, None);
        let s = shifted(&spec, date(2025, 1, 10)).unwrap();
        assert_eq!(s.deadline.rfc3339(), "2025-01-10T18:00:00+01:00");
        assert_eq!((s.audition_on, s.decision_window), (None, None));
        // April 2024 → January 2025: 9 months.
        assert_eq!(s.service_starts_on, date(2025, 6, 1));
        assert_eq!(s.service_ends_on, date(2026, 9, 30));
    }

    #[test]
    fn a_time_skipped_on_the_new_date_becomes_the_end_of_that_day() {
        // 02:30 does not exist in Paris on 30 March 2025 (clocks go forward).
        let spec = spec("2024-04-28T02:30", None, None);
        let s = shifted(&spec, date(2025, 3, 30)).unwrap();
        assert_eq!(s.deadline.rfc3339(), "2025-03-30T23:59:59+02:00");
    }

    #[test]
    fn a_deadline_moved_backwards_moves_every_date_back() {
        let spec = spec("2024-04-28T18:00", Some("2024-05-16"), None);
        // 28 April → 28 February 2024 (a leap year): 60 days, 2 months.
        let s = shifted(&spec, date(2024, 2, 28)).unwrap();
        assert_eq!(s.audition_on, Some(date(2024, 3, 17)));
        assert_eq!(s.service_starts_on, date(2024, 7, 1));
    }

    #[test]
    fn dates_beyond_the_calendar_are_an_error() {
        let spec = spec("2024-04-28T18:00", Some("2024-05-16"), None);
        let far = date(9999, 12, 20);
        assert_eq!(shifted(&spec, far), Err(ShiftError(far)));
    }
}
