//! The trainings as spreadsheets (CSV for French Excel, XLSX, ODS, which
//! the web layer renders): the sessions of the list the caller sees, and
//! for those who run a session its registrations and its attendance.

use documents::export::{Cell, Sheet};
use domain::{DepartmentCode, Principal, clock::in_paris};
use uuid::Uuid;

use super::{
    SessionQuery,
    documents::{half_day_column, participants, run_session, session_dates, session_place},
    sessions,
};
use crate::{Ctx, ServiceError};

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|h| (*h).to_owned()).collect()
}

/// The sessions `p` reads that pass `q` (the list's filters).
pub async fn sessions_sheet(
    ctx: &Ctx,
    p: &Principal,
    q: &SessionQuery,
) -> Result<Sheet, ServiceError> {
    let list = sessions(ctx, p, q).await?;
    Ok(Sheet {
        title: "Sessions".into(),
        headers: headers(&[
            "formation",
            "type",
            "debut",
            "fin",
            "dates",
            "demi_journees",
            "lieu",
            "departements",
            "capacite",
            "inscrits",
            "liste_attente",
        ]),
        rows: list
            .iter()
            .map(|s| {
                vec![
                    text(s.training_title.clone()),
                    text(s.kind.label()),
                    Cell::Date(in_paris(s.starts_at).date()),
                    Cell::Date(in_paris(s.ends_at).date()),
                    text(session_dates(s)),
                    Cell::Int(i64::try_from(s.parts.len()).unwrap_or(0)),
                    text(session_place(s)),
                    text(DepartmentCode::join(&s.departments, ", ")),
                    Cell::Int(s.capacity),
                    Cell::Int(s.held),
                    Cell::Int(s.waitlisted),
                ]
            })
            .collect(),
    })
}

/// "12/01/2027 09:30", in Paris.
fn instant(t: jiff::Timestamp) -> String {
    in_paris(t).strftime("%d/%m/%Y %H:%M").to_string()
}

/// The registrations of a session (seats, waiting list in order, then
/// cancelled ones), for those who run it.
pub async fn registrations_sheet(
    ctx: &Ctx,
    p: &Principal,
    session_id: Uuid,
) -> Result<Sheet, ServiceError> {
    run_session(
        ctx,
        p,
        session_id,
        "La liste des inscrits est réservée à ceux qui animent la session.",
    )
    .await?;
    let regs = store::trainings::session_registrations(&ctx.db, session_id).await?;
    Ok(Sheet {
        title: "Inscriptions".into(),
        headers: headers(&["nom", "structure", "statut", "position", "inscrit_le"]),
        rows: regs
            .into_iter()
            .map(|r| {
                vec![
                    text(r.promeneur_name),
                    text(r.structure_name),
                    text(r.status.label()),
                    r.position.map_or(Cell::Empty, Cell::Int),
                    text(instant(r.created_at)),
                ]
            })
            .collect(),
    })
}

/// The attendance of a session: one row per participant, one column per
/// half-day, and the certificate's code once earned; for those who run it.
pub async fn attendance_sheet(
    ctx: &Ctx,
    p: &Principal,
    session_id: Uuid,
) -> Result<Sheet, ServiceError> {
    let s = run_session(
        ctx,
        p,
        session_id,
        "Les présences sont réservées à ceux qui animent la session.",
    )
    .await?;
    let regs = store::trainings::session_registrations(&ctx.db, session_id).await?;
    let mut head = headers(&["nom", "structure"]);
    head.extend(s.parts.iter().map(half_day_column));
    head.push("attestation".to_owned());
    let rows = participants(regs)
        .into_iter()
        .map(|r| {
            let mut row = vec![
                text(r.promeneur_name.clone()),
                text(r.structure_name.clone()),
            ];
            row.extend(
                r.attendance
                    .iter()
                    .map(|(_, a)| a.map_or(Cell::Empty, |a| text(a.label().to_lowercase()))),
            );
            let code = r.earned_certificate().then(|| r.certificate_code.clone());
            row.push(code.flatten().map_or(Cell::Empty, Cell::Text));
            row
        })
        .collect();
    Ok(Sheet {
        title: "Présences".into(),
        headers: head,
        rows,
    })
}

/// The list's filters as a query string gives them: 422 for an unknown
/// département or kind.
pub fn session_query(
    department: Option<&str>,
    kind: Option<&str>,
    training_id: Option<Uuid>,
    past: bool,
) -> Result<SessionQuery, ServiceError> {
    let department = department
        .filter(|d| !d.is_empty())
        .map(DepartmentCode::parse)
        .transpose()
        .map_err(|_| ServiceError::invalid_field("department", "Département inconnu."))?;
    let kind = kind
        .filter(|k| !k.is_empty())
        .map(|k| domain::training::TrainingKind::parse(k).ok_or(()))
        .transpose()
        .map_err(|()| ServiceError::invalid_field("kind", "Type de formation inconnu."))?;
    Ok(SessionQuery {
        department,
        kind,
        training_id,
        past,
    })
}
