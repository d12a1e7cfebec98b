//! Relaunch of an unsuccessful module in one département (DESIGN §4): a
//! new draft call with that module and département only, its dates shifted
//! to a new deadline (`domain::relaunch::shifted`), its files, and links
//! both ways.

use domain::{DepartmentCode, Principal, decision::ProposalStatus, relaunch::shifted};
use store::calls::{CallInput, DepartmentContact};
use uuid::Uuid;

use crate::{Ctx, ServiceError, accounts::actor, calls};

/// Relaunches `code` in `department` as a new draft call; returns its id.
/// Needs a validated "unsuccessful" decision for that module and
/// département, and a CAF agent of that département.
pub async fn relaunch(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
    department: &str,
    new_deadline: &str,
) -> Result<Uuid, ServiceError> {
    let view = calls::staff_call(ctx, p, call_id).await?;
    let module = view.module(code).ok_or(ServiceError::NotFound)?;
    let dep = DepartmentCode::parse(department.trim())
        .ok()
        .filter(|d| view.call.covers(d.as_str()))
        .ok_or_else(|| {
            ServiceError::invalid_field(
                "department",
                "Ce département n'est pas couvert par l'appel.",
            )
        })?;
    let cap = p.pilot(&dep).ok_or_else(|| {
        ServiceError::forbidden("Seule la Caf de ce département relance le module.")
    })?;
    let unsuccessful = store::committee::proposals(&ctx.db, call_id, &module.spec.code)
        .await?
        .into_iter()
        .any(|x| {
            x.department == dep.as_str() && x.unsuccessful && x.status == ProposalStatus::Validated
        });
    if !unsuccessful {
        return Err(ServiceError::conflict(
            "not_unsuccessful",
            "Seul un module déclaré infructueux dans ce département, décision validée par la Caf, peut être relancé.",
        ));
    }
    for (other, _) in store::calls::relaunches(&ctx.db, call_id).await? {
        let covers = store::calls::find(&ctx.db, other)
            .await?
            .is_some_and(|c| c.covers(dep.as_str()));
        let same_module = store::calls::modules(&ctx.db, other)
            .await?
            .iter()
            .any(|m| m.spec.code == module.spec.code);
        if covers && same_module {
            return Err(ServiceError::conflict(
                "already_relaunched",
                "Ce module a déjà été relancé dans ce département : voyez l'appel de relance.",
            ));
        }
    }
    let date = domain::parse_french_date(new_deadline).map_err(|_| {
        ServiceError::invalid_field("deadline", "Indiquez la nouvelle date limite (JJ/MM/AAAA).")
    })?;
    if date <= ctx.today() {
        return Err(ServiceError::invalid_field(
            "deadline",
            "La nouvelle date limite doit être à venir.",
        ));
    }
    let spec = shifted(&module.spec, date).map_err(ServiceError::internal)?;
    let here = view
        .call
        .departments
        .iter()
        .find(|d| d.department == dep.as_str())
        .ok_or(ServiceError::NotFound)?;
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
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
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
