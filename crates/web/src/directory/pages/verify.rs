//! Checking a promeneur's code (the badge's QR code leads here).

use askama::Template;
use axum::{
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Redirect, Response},
};
use serde::Deserialize;

use super::Card;
use crate::{
    AppError, AppState,
    auth::MaybeUser,
    view::{Layout, render},
};
use services::directory::public;

#[derive(Deserialize, Default)]
#[serde(default)]
pub(super) struct CodeQuery {
    code: Option<String>,
}

#[derive(Template)]
#[template(path = "public/verify_form.html")]
struct VerifyForm {
    layout: Layout,
    code: String,
    error: Option<&'static str>,
}

/// The form to type a code; it submits here, and a well-formed code is
/// sent on to its stable address.
pub(super) async fn verify_form(
    MaybeUser(auth): MaybeUser,
    Query(q): Query<CodeQuery>,
) -> Result<Response, AppError> {
    let typed = q
        .code
        .unwrap_or_default()
        .trim()
        .chars()
        .take(40)
        .collect::<String>();
    if typed.is_empty() {
        return Ok(render(&VerifyForm {
            layout: Layout::new(&auth, "Vérifier un Promeneur du Net"),
            code: typed,
            error: None,
        })?
        .into_response());
    }
    match public::normalise_code(&typed) {
        Some(code) => Ok(Redirect::to(&format!("/verifier/{code}")).into_response()),
        None => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            render(&VerifyForm {
                layout: Layout::new(&auth, "Erreur — Vérifier un Promeneur du Net"),
                code: typed,
                error: Some(
                    "Ce code n'a pas la bonne forme : il compte 8 lettres ou chiffres, par exemple 7KX4-9QPM.",
                ),
            })?,
        )
            .into_response()),
    }
}

#[derive(Template)]
#[template(path = "public/verify.html")]
struct VerifyPage<'a> {
    layout: Layout,
    code: String,
    /// A public promeneur: what to compare with.
    genuine: Option<Card<'a>>,
    /// The name of someone who is not (or no longer) a public promeneur.
    not_active: Option<String>,
    /// A training certificate's code: what the certificate states.
    certificate: Option<Certificate>,
}

/// What a genuine training certificate states (nothing it does not
/// print: no e-mail, no account).
struct Certificate {
    name: String,
    training: String,
    kind: &'static str,
    /// "mardi 12 janvier 2027 à 9 h et mardi 12 janvier 2027 à 13 h 30".
    half_days: String,
    provider: Option<String>,
}

impl From<services::trainings::CertificateFacts> for Certificate {
    fn from(f: services::trainings::CertificateFacts) -> Self {
        let half_days = match f.half_days.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{} et {last}", rest.join(", ")),
            _ => f.half_days.join(""),
        };
        Self {
            name: f.promeneur,
            training: f.training,
            kind: f.kind.label(),
            half_days,
            provider: f.provider,
        }
    }
}

pub(super) async fn verify(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
    Path(typed): Path<String>,
) -> Result<Response, AppError> {
    let Some(code) = public::normalise_code(&typed) else {
        return unknown_code(&auth, &typed);
    };
    if code != typed {
        return Ok(Redirect::permanent(&format!("/verifier/{code}")).into_response());
    }
    let snapshot = state.directory.snapshot(&state.db, state.now()).await?;
    if let Some(entry) = snapshot.by_code(&code) {
        let card = Card::new(entry, snapshot.theme_labels(), state.now());
        return Ok(render(&VerifyPage {
            layout: Layout::new(&auth, format!("Profil vérifié : {}", card.name)),
            code,
            genuine: Some(card),
            not_active: None,
            certificate: None,
        })?
        .into_response());
    }
    match public::name_behind_code(&state, &code).await? {
        Some(name) => Ok(render(&VerifyPage {
            layout: Layout::new(&auth, "Pas ou plus Promeneur du Net"),
            code,
            genuine: None,
            not_active: Some(name),
            certificate: None,
        })?
        .into_response()),
        None => match services::trainings::verify_certificate(&state, &code).await? {
            Some(f) => Ok(render(&VerifyPage {
                layout: Layout::new(&auth, "Attestation de formation authentique"),
                code,
                genuine: None,
                not_active: None,
                certificate: Some(f.into()),
            })?
            .into_response()),
            None => unknown_code(&auth, &code),
        },
    }
}

/// Our own 404: the reader must learn that the code is false.
fn unknown_code(auth: &crate::auth::Auth, typed: &str) -> Result<Response, AppError> {
    let page = VerifyPage {
        layout: Layout::new(auth, "Code inconnu"),
        code: typed.chars().take(40).collect(),
        genuine: None,
        not_active: None,
        certificate: None,
    };
    Ok((StatusCode::NOT_FOUND, render(&page)?).into_response())
}

/// The QR code of a public promeneur's verification page, to print.
pub(super) async fn qr(
    State(state): State<AppState>,
    Path(typed): Path<String>,
) -> Result<Response, AppError> {
    let code = public::normalise_code(&typed).ok_or_else(AppError::not_found)?;
    let snapshot = state.directory.snapshot(&state.db, state.now()).await?;
    let entry = snapshot.by_code(&code).ok_or_else(AppError::not_found)?;
    let url = format!("{}/verifier/{code}", state.settings.base_url);
    let svg = documents::qr::qr_svg(
        &url,
        &format!(
            "QR code vers la vérification du profil de {}",
            entry.display_name
        ),
    )
    .map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml".to_owned()),
            (header::CACHE_CONTROL, "public, max-age=300".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("inline; filename=\"promeneur-{code}.svg\""),
            ),
        ],
        svg,
    )
        .into_response())
}
