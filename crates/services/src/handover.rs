//! The handover (tuilage) when a new coordinator starts: the outgoing
//! coordinator keeps read access for a while (a setting, one month by
//! default), both tick a checklist, and the access ends by itself.

use domain::{DepartmentCode, Email, Principal};
use jiff::{ToSpan, civil::Date};
use store::handovers::Handover;
use uuid::Uuid;

use crate::{Ctx, ServiceError, accounts::actor};

/// What is handed over, ticked by both coordinators.
pub const CHECKLIST: [&str; 4] = [
    "Contacts : partenaires, structures, promeneurs",
    "Conventions en cours et à renouveler",
    "Calendrier : comités, formations, bilans à venir",
    "Documents : modèles, supports, bilans des années passées",
];

/// What a CAF agent types to open a handover.
#[derive(Debug, Clone, Default)]
pub struct HandoverDraft {
    pub department: String,
    pub outgoing_email: String,
    pub incoming_email: String,
    /// The first day of the new coordinator's service.
    pub starts_on: String,
}

async fn user_by_email(ctx: &Ctx, field: &str, email: &str) -> Result<Uuid, ServiceError> {
    let e = Email::parse(email)
        .map_err(|_| ServiceError::invalid_field(field, "Adresse e-mail invalide."))?;
    store::users::find_by_email(&ctx.db, e.as_str())
        .await?
        .ok_or_else(|| {
            ServiceError::invalid_field(
                field,
                "Aucun compte n'a cette adresse : créez-le d'abord (page « Comptes »).",
            )
        })
}

/// Opens a handover (a CAF agent of the département).
pub async fn create(ctx: &Ctx, p: &Principal, d: &HandoverDraft) -> Result<Uuid, ServiceError> {
    let dep = DepartmentCode::parse(d.department.trim())
        .map_err(|_| ServiceError::invalid_field("department", "Département inconnu."))?;
    let cap = p.pilot(&dep).ok_or_else(|| {
        ServiceError::forbidden("Seul un agent de la Caf de ce département organise le tuilage.")
    })?;
    let outgoing = user_by_email(ctx, "outgoing_email", &d.outgoing_email).await?;
    let incoming = user_by_email(ctx, "incoming_email", &d.incoming_email).await?;
    if outgoing == incoming {
        return Err(ServiceError::invalid_field(
            "incoming_email",
            "Le nouveau coordinateur n'est pas le même que le sortant.",
        ));
    }
    let starts_on: Date = domain::parse_french_date(&d.starts_on).map_err(|_| {
        ServiceError::invalid_field(
            "starts_on",
            "Indiquez le premier jour du nouveau coordinateur.",
        )
    })?;
    let months = i64::from(ctx.settings.handover_months);
    let read_until = starts_on
        .checked_add(months.months())
        .and_then(|d| d.checked_sub(1.day()))
        .map_err(|e| ServiceError::internal(e.to_string()))?;
    let mut tx = ctx.db.begin().await?;
    let id = store::handovers::create(
        &mut tx,
        &cap,
        &actor(p),
        ctx.now(),
        &store::handovers::NewHandover {
            outgoing_user_id: outgoing,
            incoming_user_id: incoming,
            starts_on,
            read_until,
            items: &CHECKLIST,
        },
    )
    .await
    .map_err(|e| match e {
        store::StoreError::Conflict(_) => ServiceError::invalid_field(
            "outgoing_email",
            "Cette personne n'est pas coordinatrice dans ce département.",
        ),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(id)
}

/// A handover `p` may read: staff of its département, and the two
/// coordinators until the end of the read period.
pub async fn handover(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<Handover, ServiceError> {
    let h = store::handovers::find(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let staff = p.staff_scope().contains(&h.department) && !p.read_only.contains(&h.department);
    let party = (p.user_id == h.outgoing_user_id || p.user_id == h.incoming_user_id)
        && ctx.today() <= h.read_until;
    if staff || party {
        Ok(h)
    } else {
        Err(ServiceError::NotFound)
    }
}

/// The handovers `p` may read: those of its départements, and its own
/// until their read period ends.
pub async fn handovers(ctx: &Ctx, p: &Principal) -> Result<Vec<Handover>, ServiceError> {
    let scope = p.staff_scope();
    let codes = scope.codes();
    let today = ctx.today();
    Ok(store::handovers::list(&ctx.db, codes.as_deref(), p.user_id)
        .await?
        .into_iter()
        .filter(|h| {
            let staff = scope.contains(&h.department) && !p.read_only.contains(&h.department);
            staff || today <= h.read_until
        })
        .collect())
}

/// Ticks an item of the checklist, on one's own side.
pub async fn tick(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    item_id: Uuid,
    done: bool,
) -> Result<Handover, ServiceError> {
    let h = handover(ctx, p, id).await?;
    let outgoing = if p.user_id == h.outgoing_user_id {
        true
    } else if p.user_id == h.incoming_user_id {
        false
    } else {
        return Err(ServiceError::forbidden(
            "Seuls les deux coordinateurs cochent la liste du tuilage.",
        ));
    };
    if ctx.today() > h.read_until {
        return Err(ServiceError::conflict(
            "handover_over",
            "Le tuilage est terminé.",
        ));
    }
    let mut tx = ctx.db.begin().await?;
    store::handovers::tick(&mut tx, &actor(p), ctx.now(), id, item_id, outgoing, done).await?;
    tx.commit().await?;
    handover(ctx, p, id).await
}
