//! Relaunch of an unsuccessful module in one département (DESIGN §4): a
//! new draft call with that module and département only, its dates shifted
//! to a new deadline, its files, and links both ways.

use domain::{
    DepartmentCode, Principal,
    call::{DecisionWindow, ModuleSpec},
    clock::in_paris,
    deadline::Deadline,
    decision::ProposalStatus,
};
use jiff::{ToSpan, civil::Date};
use store::calls::{CallInput, DepartmentContact};
use uuid::Uuid;

use crate::{AppError, AppState, accounts::actor, calls};

/// The module with its dates moved to `new_deadline`: the audition by as
/// many days as the deadline (which keeps its time of day), the service
/// period and the decision window by as many months.
pub fn shifted(spec: &ModuleSpec, new_deadline: Date) -> Result<ModuleSpec, AppError> {
    let old = in_paris(spec.deadline.instant());
    let days = old.date().until(new_deadline).map_err(AppError::internal)?;
    let days = days.get_days();
    let move_date = |d: Date| {
        d.checked_add(i64::from(days).days())
            .map_err(AppError::internal)
    };
    let months = (i32::from(new_deadline.year()) - i32::from(old.year())) * 12
        + i32::from(new_deadline.month())
        - i32::from(old.month());
    let move_month = |d: Date| {
        d.checked_add(i64::from(months).months())
            .map_err(AppError::internal)
    };
    let deadline = Deadline::at_local(new_deadline.to_datetime(old.time()))
        .or_else(|_| Ok::<_, AppError>(Deadline::end_of(new_deadline)))?;
    Ok(ModuleSpec {
        // Service periods follow months (1 June – 31 December): they move
        // by whole months, like the decision window.
        service_starts_on: move_month(spec.service_starts_on)?,
        service_ends_on: move_month(spec.service_ends_on)?,
        deadline,
        audition_on: spec.audition_on.map(move_date).transpose()?,
        decision_window: spec
            .decision_window
            .map(|w| -> Result<DecisionWindow, AppError> {
                Ok(DecisionWindow {
                    from: move_month(w.from)?,
                    to: move_month(w.to)?,
                })
            })
            .transpose()?,
        ..spec.clone()
    })
}

/// Relaunches `code` in `department` as a new draft call; returns its id.
/// Needs a validated "unsuccessful" decision for that module and
/// département, and a CAF agent of that département.
pub async fn relaunch(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    code: &str,
    department: &str,
    new_deadline: &str,
) -> Result<Uuid, AppError> {
    let view = calls::staff_call(state, p, call_id).await?;
    let module = view.module(code).ok_or_else(AppError::not_found)?;
    let dep = DepartmentCode::parse(department.trim())
        .ok()
        .filter(|d| view.call.covers(d.as_str()))
        .ok_or_else(|| {
            AppError::invalid_field(
                "department",
                "Ce département n'est pas couvert par l'appel.",
            )
        })?;
    let cap = p
        .pilot(&dep)
        .ok_or_else(|| AppError::forbidden("Seule la Caf de ce département relance le module."))?;
    let unsuccessful = store::committee::proposals(&state.db, call_id, &module.spec.code)
        .await?
        .into_iter()
        .any(|x| {
            x.department == dep.as_str() && x.unsuccessful && x.status == ProposalStatus::Validated
        });
    if !unsuccessful {
        return Err(AppError::conflict(
            "not_unsuccessful",
            "Seul un module déclaré infructueux dans ce département, décision validée par la Caf, peut être relancé.",
        ));
    }
    for (other, _) in store::calls::relaunches(&state.db, call_id).await? {
        let covers = store::calls::find(&state.db, other)
            .await?
            .is_some_and(|c| c.covers(dep.as_str()));
        let same_module = store::calls::modules(&state.db, other)
            .await?
            .iter()
            .any(|m| m.spec.code == module.spec.code);
        if covers && same_module {
            return Err(AppError::conflict(
                "already_relaunched",
                "Ce module a déjà été relancé dans ce département : voyez l'appel de relance.",
            ));
        }
    }
    let date = domain::parse_french_date(new_deadline).map_err(|_| {
        AppError::invalid_field("deadline", "Indiquez la nouvelle date limite (JJ/MM/AAAA).")
    })?;
    if date <= state.today() {
        return Err(AppError::invalid_field(
            "deadline",
            "La nouvelle date limite doit être à venir.",
        ));
    }
    let spec = shifted(&module.spec, date)?;
    let here = view
        .call
        .departments
        .iter()
        .find(|d| d.department == dep.as_str())
        .ok_or_else(AppError::not_found)?;
    let input = CallInput {
        title: format!(
            "{} — relance du module {} ({})",
            view.call.title, module.spec.code, here.name
        ),
        description: format!(
            "Relance du module {} « {} » pour le département {}, déclaré infructueux lors de l'appel « {} ».\n\n{}",
            module.spec.code, module.spec.title, here.name, view.call.title, view.call.description
        ),
        departments: vec![DepartmentContact {
            department: dep.as_str().to_owned(),
            contact_name: here.contact_name.clone(),
            contact_email: here.contact_email.clone(),
            contact_phone: here.contact_phone.clone(),
        }],
    };
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let id = store::calls::create(&mut tx, &cap, &actor(p), now, &input).await?;
    store::calls::put_module(&mut tx, &cap, &actor(p), now, id, &spec).await?;
    for f in &view.files {
        store::calls::add_file(
            &mut tx,
            &cap,
            &actor(p),
            now,
            id,
            &store::calls::NewFile {
                label: &f.label,
                file_name: &f.file_name,
                file_type: &f.file_type,
                size: u64::try_from(f.size).unwrap_or(0),
                sha256: &f.sha256,
            },
        )
        .await?;
    }
    store::calls::set_relaunch_of(&mut tx, id, call_id).await?;
    tx.commit().await?;
    Ok(id)
}

#[cfg(test)]
mod tests {
    use super::*;
    use domain::call::{CriterionDraft, ModuleDraft, RequiredDocument};

    #[test]
    fn every_date_moves_with_the_deadline() {
        let spec = ModuleDraft {
            code: "M2".into(),
            title: "Formations".into(),
            service_starts_on: "2024-09-01".into(),
            service_ends_on: "2025-12-31".into(),
            deadline: "2024-04-28T18:00".into(),
            audition_on: Some("2024-05-16".into()),
            decision_window: Some("2024-06/2024-07".into()),
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
        .unwrap();
        // 28 April → 29 September 2024: 154 days, 5 months.
        let s = shifted(&spec, jiff::civil::date(2024, 9, 29)).unwrap();
        assert_eq!(s.deadline.rfc3339(), "2024-09-29T18:00:00+02:00");
        assert_eq!(s.audition_on, Some(jiff::civil::date(2024, 10, 17)));
        assert_eq!(s.service_starts_on, jiff::civil::date(2025, 2, 1));
        // 31 December + 5 months: the last day of May.
        assert_eq!(s.service_ends_on, jiff::civil::date(2026, 5, 31));
        assert_eq!(
            s.decision_window.unwrap().french(),
            "novembre à décembre 2024"
        );
        assert_eq!(s.criteria, spec.criteria);
    }
}
