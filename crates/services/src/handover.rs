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

/// "2 sur 4": the items ticked on one side of a handover.
pub fn progress(h: &Handover, outgoing: bool) -> String {
    let done = h
        .items
        .iter()
        .filter(|i| {
            if outgoing {
                i.outgoing_done_at.is_some()
            } else {
                i.incoming_done_at.is_some()
            }
        })
        .count();
    format!("{done} sur {}", h.items.len())
}

/// When both coordinators had ticked every item: the last tick.
pub fn completed_at(h: &Handover) -> Option<jiff::Timestamp> {
    h.items
        .iter()
        .map(|i| Some(i.outgoing_done_at?.max(i.incoming_done_at?)))
        .try_fold(None::<jiff::Timestamp>, |last, t| {
            t.map(|t| Some(last.map_or(t, |l| l.max(t))))
        })
        .flatten()
}

/// The handovers `p` lists (`handovers`) as a spreadsheet.
pub async fn handovers_sheet(
    ctx: &Ctx,
    p: &Principal,
) -> Result<documents::export::Sheet, ServiceError> {
    use documents::export::{Cell, Sheet};
    let list = handovers(ctx, p).await?;
    if !p.is_staff() && list.is_empty() {
        return Err(ServiceError::NotFound);
    }
    Ok(Sheet {
        title: "Tuilages".into(),
        headers: [
            "departement",
            "coordinateur_sortant",
            "nouveau_coordinateur",
            "premier_jour_du_nouveau",
            "lecture_seule_jusqu_au",
            "liste_cochee_sortant",
            "liste_cochee_nouveau",
            "elements",
            "termine_le",
        ]
        .map(String::from)
        .to_vec(),
        rows: list
            .iter()
            .map(|h| {
                vec![
                    Cell::Text(h.department.as_str().to_owned()),
                    Cell::Text(h.outgoing_name.clone()),
                    Cell::Text(h.incoming_name.clone()),
                    Cell::Date(h.starts_on),
                    Cell::Date(h.read_until),
                    Cell::Text(progress(h, true)),
                    Cell::Text(progress(h, false)),
                    Cell::Int(i64::try_from(h.items.len()).unwrap_or(0)),
                    completed_at(h).map_or(Cell::Empty, |t| {
                        Cell::Text(domain::clock::french_instant(t))
                    }),
                ]
            })
            .collect(),
    })
}
