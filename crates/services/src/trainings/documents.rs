//! A session's sign-in sheet (feuille d'émargement): its participants,
//! sorted by name, and a signature box per half-day, typeset as a PDF in
//! the sandboxed child like the certificates; and the words that name a
//! half-day, which the sheet and the attendance export share.

use documents::letters::{SheetHalfDay, SheetParticipant, SignInSheetData};
use domain::{
    DepartmentCode, Principal,
    clock::{french_date, french_date_with_weekday, french_time, in_paris},
    training::RegistrationStatus,
};
use store::trainings::{Part, Registration, Session};
use uuid::Uuid;

use super::{runs, session};
use crate::{Ctx, ServiceError};

/// "matin", "après-midi" or "soir", from the half-day's start in Paris.
fn moment(p: &Part) -> &'static str {
    match in_paris(p.starts_at).hour() {
        0..12 => "matin",
        12..18 => "après-midi",
        _ => "soir",
    }
}

/// "mardi 12 janvier 2027 matin" and "9 h – 12 h".
pub fn half_day(p: &Part) -> (String, String) {
    let (s, e) = (in_paris(p.starts_at), in_paris(p.ends_at));
    (
        format!("{} {}", french_date_with_weekday(s.date()), moment(p)),
        format!(
            "{} – {}",
            french_time(s.hour(), s.minute()),
            french_time(e.hour(), e.minute())
        ),
    )
}

/// "12/01/2027 matin": a half-day as a spreadsheet's column heads it.
pub fn half_day_column(p: &Part) -> String {
    format!(
        "{} {}",
        in_paris(p.starts_at).strftime("%d/%m/%Y"),
        moment(p)
    )
}

/// "mardi 12 janvier 2027", or "du 12 janvier 2027 au 14 janvier 2027".
pub fn session_dates(s: &Session) -> String {
    let (first, last) = (in_paris(s.starts_at).date(), in_paris(s.ends_at).date());
    if first == last {
        french_date_with_weekday(first)
    } else {
        format!("du {} au {}", french_date(first), french_date(last))
    }
}

/// Where the session takes place, in words.
pub fn session_place(s: &Session) -> String {
    match (s.place.is_empty(), s.online_url.is_empty()) {
        (false, _) => s.place.clone(),
        (true, false) => "en visioconférence".to_owned(),
        (true, true) => "lieu à préciser".to_owned(),
    }
}

/// The session `p` runs (an administrator too): 404 when `p` does not see
/// it, 403 when it sees it without running it.
pub(crate) async fn run_session(
    ctx: &Ctx,
    p: &Principal,
    session_id: Uuid,
    refusal: &str,
) -> Result<Session, ServiceError> {
    let s = session(ctx, p, session_id).await?;
    if runs(p, &s) || p.is_admin() {
        Ok(s)
    } else {
        Err(ServiceError::forbidden(refusal))
    }
}

/// Those who hold a seat (registered: not waitlisted, waiting for their
/// employer, cancelled or refused), by last then first name.
pub(crate) fn participants(regs: Vec<Registration>) -> Vec<Registration> {
    // The store lists the seats by last name, then first name.
    regs.into_iter()
        .filter(|r| r.status == RegistrationStatus::Registered)
        .collect()
}

/// The data of a session's sign-in sheet, as of today.
pub async fn sign_in_sheet(
    ctx: &Ctx,
    p: &Principal,
    session_id: Uuid,
) -> Result<SignInSheetData, ServiceError> {
    let s = run_session(
        ctx,
        p,
        session_id,
        "La feuille d'émargement est réservée à ceux qui animent la session.",
    )
    .await?;
    let regs = store::trainings::session_registrations(&ctx.db, session_id).await?;
    let half_days: Vec<SheetHalfDay> = s
        .parts
        .iter()
        .map(|x| {
            let (label, times) = half_day(x);
            SheetHalfDay { label, times }
        })
        .collect();
    let (tables, landscape) = SignInSheetData::lay_out(&half_days);
    Ok(SignInSheetData {
        training: s.training_title.clone(),
        kind: s.kind.label().to_owned(),
        provider: s.provider_name.clone(),
        dates: session_dates(&s),
        place: session_place(&s),
        departments: DepartmentCode::join(&s.departments, ", "),
        participants: participants(regs)
            .into_iter()
            .map(|r| SheetParticipant {
                name: r.promeneur_name,
                structure: r.structure_name,
            })
            .collect(),
        tables,
        landscape,
        printed_on: french_date(in_paris(ctx.now()).date()),
    })
}

/// A session's sign-in sheet as a PDF, for those who run it.
pub async fn sign_in_sheet_pdf(
    ctx: &Ctx,
    p: &Principal,
    session_id: Uuid,
) -> Result<Vec<u8>, ServiceError> {
    let data = sign_in_sheet(ctx, p, session_id).await?;
    crate::sandbox::render(
        &ctx.settings.sandbox,
        &[documents::letters::SIGN_IN_SHEET_TEMPLATE],
        &[(0, &data)],
    )
    .await
    .map_err(|e| ServiceError::internal(e.to_string()))?
    .pop()
    .ok_or_else(|| ServiceError::internal("no sign-in sheet typeset"))
}
