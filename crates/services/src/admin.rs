//! Administration: accounts (list, deactivation), API tokens, the e-mail
//! log, and the audit journal (also open to CAF agents and coordinators,
//! scoped to their départements). Pages and API call the same functions.

use domain::{AdminCap, Principal};
use jiff::{SignedDuration, Timestamp, civil::Date};
use store::{
    audit::{Entry, Filter},
    outbox::EmailLog,
    tokens::ApiToken,
    users::User,
};
use uuid::Uuid;

use crate::{Ctx, ServiceError, accounts::actor};

/// The capability of an administrator; anyone else is told the thing does
/// not exist.
pub fn admin(p: &Principal) -> Result<AdminCap, ServiceError> {
    p.admin().ok_or(ServiceError::NotFound)
}

/// Every account, newest first.
pub async fn users(
    ctx: &Ctx,
    cap: &AdminCap,
    limit: i64,
    offset: i64,
) -> Result<(Vec<User>, i64), ServiceError> {
    Ok(store::users::list(&ctx.db, cap, limit, offset).await?)
}

/// Every account as a spreadsheet (administrators).
pub async fn users_sheet(
    ctx: &Ctx,
    cap: &AdminCap,
) -> Result<documents::export::Sheet, ServiceError> {
    use documents::export::{Cell, Sheet};
    let (list, _) = users(ctx, cap, 100_000, 0).await?;
    Ok(Sheet {
        title: "Comptes".into(),
        headers: [
            "nom",
            "email",
            "roles",
            "actif",
            "mot_de_passe_choisi",
            "cree_le",
        ]
        .map(String::from)
        .to_vec(),
        rows: list
            .into_iter()
            .map(|u| {
                vec![
                    Cell::Text(u.name),
                    Cell::Text(u.email.to_string()),
                    Cell::Text(crate::accounts::roles_label(&u.grants)),
                    Cell::Bool(u.active),
                    Cell::Bool(u.has_password),
                    Cell::Text(domain::clock::french_instant(u.created_at)),
                ]
            })
            .collect(),
    })
}

/// Deactivates or reactivates an account (never one's own).
pub async fn set_active(
    ctx: &Ctx,
    p: &Principal,
    cap: &AdminCap,
    user_id: Uuid,
    active: bool,
) -> Result<(), ServiceError> {
    if user_id == p.user_id {
        return Err(ServiceError::conflict(
            "own_account",
            "Vous ne pouvez pas désactiver votre propre compte.",
        ));
    }
    let mut tx = ctx.db.begin().await?;
    store::users::set_active(&mut tx, cap, &actor(p), ctx.now(), user_id, active).await?;
    tx.commit().await?;
    Ok(())
}

/// Every API token, newest first.
pub async fn api_tokens(ctx: &Ctx, cap: &AdminCap) -> Result<Vec<ApiToken>, ServiceError> {
    Ok(store::tokens::list_api_tokens(&ctx.db, cap).await?)
}

/// Revokes a live token (unknown or already revoked: not found).
pub async fn revoke_token(
    ctx: &Ctx,
    p: &Principal,
    cap: &AdminCap,
    id: Uuid,
) -> Result<(), ServiceError> {
    let mut tx = ctx.db.begin().await?;
    store::tokens::revoke_api_token(&mut tx, cap, &actor(p), ctx.now(), id).await?;
    tx.commit().await?;
    Ok(())
}

/// The e-mail log, newest first, optionally by status.
pub async fn emails(
    ctx: &Ctx,
    cap: &AdminCap,
    status: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<EmailLog>, i64), ServiceError> {
    Ok(store::outbox::list_emails(&ctx.db, cap, status, limit, offset).await?)
}

/// "envoyé", "échec", "en attente".
pub fn email_status_label(s: &str) -> &'static str {
    match s {
        "sent" => "envoyé",
        "failed" => "échec",
        _ => "en attente",
    }
}

/// The e-mail log as a spreadsheet, newest first, optionally by status.
pub async fn emails_sheet(
    ctx: &Ctx,
    cap: &AdminCap,
    status: Option<&str>,
) -> Result<documents::export::Sheet, ServiceError> {
    use documents::export::{Cell, Sheet};
    let (list, _) = emails(ctx, cap, status, 100_000, 0).await?;
    Ok(Sheet {
        title: "E-mails".into(),
        headers: [
            "destinataire",
            "objet",
            "modele",
            "etat",
            "tentatives",
            "erreur",
            "cree_le",
            "envoye_le",
        ]
        .map(String::from)
        .to_vec(),
        rows: list
            .into_iter()
            .map(|e| {
                vec![
                    Cell::Text(e.to),
                    Cell::Text(e.subject),
                    Cell::Text(e.template),
                    Cell::Text(email_status_label(&e.status).to_owned()),
                    Cell::Int(e.attempts),
                    Cell::Text(e.error.unwrap_or_default()),
                    Cell::Text(domain::clock::french_instant(e.created_at)),
                    Cell::Text(
                        e.sent_at
                            .map(domain::clock::french_instant)
                            .unwrap_or_default(),
                    ),
                ]
            })
            .collect(),
    })
}

/// Who may read the journal: staff (its départements; administrators all).
pub fn journal_reader(p: &Principal) -> Result<(), ServiceError> {
    if p.staff_scope().is_empty() {
        return Err(ServiceError::NotFound);
    }
    Ok(())
}

/// The journal within the caller's scope (`filter.departments` is set
/// here).
pub async fn journal(
    ctx: &Ctx,
    p: &Principal,
    mut filter: Filter,
) -> Result<(Vec<Entry>, i64), ServiceError> {
    journal_reader(p)?;
    filter.departments = p.staff_scope().codes();
    Ok(store::audit::list(&ctx.db, &filter).await?)
}

/// The journal within the caller's scope as a spreadsheet, in French (the
/// page's labels), every entry the filter matches up to `filter.limit`.
pub async fn journal_sheet(
    ctx: &Ctx,
    p: &Principal,
    filter: Filter,
) -> Result<documents::export::Sheet, ServiceError> {
    use documents::export::{Cell, Sheet};
    let (entries, _) = journal(ctx, p, filter).await?;
    Ok(Sheet {
        title: "Journal".into(),
        headers: [
            "date",
            "auteur",
            "action",
            "objet",
            "identifiant",
            "departement",
            "champs_modifies",
        ]
        .map(String::from)
        .to_vec(),
        rows: entries
            .into_iter()
            .map(|e| {
                vec![
                    Cell::Text(domain::clock::french_instant(e.at)),
                    Cell::Text(e.actor_label),
                    Cell::Text(crate::journal_labels::action(&e.action).to_owned()),
                    Cell::Text(crate::journal_labels::entity(&e.entity).to_owned()),
                    Cell::Text(e.entity_id),
                    Cell::Text(e.department.unwrap_or_default()),
                    Cell::Text(crate::journal_labels::changes(&e.changes).join(" ; ")),
                ]
            })
            .collect(),
    })
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty())
}

/// A date of a filter, as the start of that day in Paris (`plus_one`: of
/// the next day, for an inclusive end), or a French message.
fn paris_day(s: Option<&str>, field: &str, plus_one: bool) -> Result<Option<Timestamp>, String> {
    let Some(v) = non_empty(s) else {
        return Ok(None);
    };
    let d: Date = v
        .parse()
        .map_err(|_| format!("Date invalide pour « {field} » : utilisez le format AAAA-MM-JJ."))?;
    let start = d
        .to_zoned(domain::clock::paris())
        .map(|z| z.timestamp())
        .map_err(|e| e.to_string())?;
    Ok(if plus_one {
        start.checked_add(SignedDuration::from_hours(24)).ok()
    } else {
        Some(start)
    })
}

/// The journal's filter as a page types it (words and days), or the French
/// message of a date that cannot be read.
pub fn journal_filter(
    entity: Option<&str>,
    action: Option<&str>,
    actor: Option<&str>,
    from: Option<&str>,
    to: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<Filter, String> {
    let from = paris_day(from, "du", false);
    let to = paris_day(to, "au", true);
    let (from, to) = match (from, to) {
        (Ok(f), Ok(t)) => (f, t),
        (Err(e), _) | (_, Err(e)) => return Err(e),
    };
    Ok(Filter {
        entity: non_empty(entity),
        action: non_empty(action),
        actor: non_empty(actor),
        from,
        to,
        limit,
        offset,
        ..Filter::default()
    })
}
