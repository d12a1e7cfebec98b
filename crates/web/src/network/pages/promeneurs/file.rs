//! A promeneur's file: read, edit, status, proposal, photo, account, QR
//! code.

use askama::Template;
use axum::{
    extract::{Multipart, Query, State},
    http::{StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
};
use domain::{
    Principal,
    clock::{french_date, french_instant},
    promeneur::PromeneurStatus,
};
use store::promeneurs::Promeneur;
use uuid::Uuid;

use super::form::{FormView, draft_from};
use super::{MessageQuery, Opt, saved_message};
use crate::http::Id;
use crate::http::form::{Errs, Fields, redisplay};
use crate::network::pages::read_multipart;
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser},
    network::{gate, input::PromeneurDraft},
    view::{Layout, render},
};
use services::network::{draft_of, lists, promeneurs, themes::active_themes};

pub struct HistoryRow {
    pub label: String,
    pub on: String,
    pub reason: String,
    pub by: String,
    pub at: String,
}

/// A referent's proposal as the file shows it.
pub struct ProposalView {
    pub lines: Vec<String>,
    pub by: String,
    pub at: String,
}

impl ProposalView {
    fn new(x: &store::promeneurs::Proposal) -> Self {
        Self {
            lines: services::network::proposal_lines(x),
            by: x.proposed_by.clone(),
            at: french_instant(x.proposed_at),
        }
    }
}

#[derive(Template)]
#[template(path = "network/promeneur.html")]
pub(super) struct Show {
    layout: Layout,
    x: Promeneur,
    form: FormView,
    can_edit: bool,
    /// Staff of the département: confirm a referent's proposal.
    can_confirm: bool,
    proposal: Option<ProposalView>,
    status_label: &'static str,
    next_statuses: Vec<Opt>,
    history: Vec<HistoryRow>,
    blocks: Vec<&'static str>,
    verification_url: String,
    status_errors: Errs,
    photo_error: Option<String>,
    presence_words: String,
    /// The training passport.
    lines: Vec<services::trainings::words::PassportLine>,
}

#[allow(clippy::too_many_arguments)]
async fn show_page(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    id: Uuid,
    draft: Option<PromeneurDraft>,
    errors: Errs,
    status_errors: Errs,
    photo_error: Option<String>,
    message: Option<&str>,
) -> Result<Show, AppError> {
    let x = promeneurs::promeneur(state, p, id).await?;
    let right = promeneurs::right(p, &x)?;
    let editor = right.editor();
    let can_edit = editor.is_some();
    let can_confirm = editor.is_some_and(|c| c.staff);
    let proposal = x.proposal.as_ref().map(ProposalView::new);
    let today = state.today();
    let status = x.status;
    let history = lists::status_history(state, &x)
        .await?
        .into_iter()
        .rev()
        .map(|h| HistoryRow {
            label: h.status.label().to_owned(),
            on: h
                .on_date
                .parse()
                .map(french_date)
                .unwrap_or(h.on_date.clone()),
            reason: h.reason,
            by: h.actor_label,
            at: french_instant(h.recorded_at),
        })
        .collect();
    let structures = if can_edit {
        lists::editable_structures(state, p).await?
    } else {
        Vec::new()
    };
    let d = draft.unwrap_or_else(|| draft_of(&x));
    let title = if errors.any() || status_errors.any() || photo_error.is_some() {
        format!("Erreur : {} {}", x.first_name, x.last_name)
    } else {
        format!("{} {}", x.first_name, x.last_name)
    };
    Ok(Show {
        layout: Layout::new(auth, title).with_message(message),
        form: FormView::new(
            d,
            errors,
            structures,
            active_themes(state).await?,
            true,
            false,
        ),
        can_edit,
        can_confirm,
        proposal,
        status_label: status.label(),
        next_statuses: PromeneurStatus::ALL
            .iter()
            .filter(|s| status.can_move_to(**s))
            .map(|s| Opt {
                value: s.as_str().into(),
                label: s.label().into(),
            })
            .collect(),
        history,
        blocks: gate::blocks(&x, today).iter().map(|b| b.label()).collect(),
        verification_url: format!(
            "{}/verifier/{}",
            state.settings.base_url, x.verification_code
        ),
        status_errors,
        photo_error,
        presence_words: domain::presence::describe_all(&gate::slots_of(&x)),
        lines: services::trainings::words::passport_lines(
            &services::trainings::passport(state, p, id).await?,
        ),
        x,
    })
}

pub(super) async fn show(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    Query(q): Query<MessageQuery>,
) -> Result<Html<String>, AppError> {
    let page = show_page(
        &state,
        &p,
        &auth,
        id,
        None,
        Errs::default(),
        Errs::default(),
        None,
        q.message.as_deref(),
    )
    .await?;
    render(&page)
}

pub(super) async fn save(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    let d = draft_from(&f);
    match promeneurs::update_promeneur(&state, &p, id, &d).await {
        Ok(outcome) => Ok(Redirect::to(&format!(
            "/reseau/promeneurs/{id}?message={}",
            saved_message(outcome)
        ))
        .into_response()),
        Err(e) => {
            redisplay(e, |errors| {
                show_page(
                    &state,
                    &p,
                    &auth,
                    id,
                    Some(d),
                    errors,
                    Errs::default(),
                    None,
                    None,
                )
            })
            .await
        }
    }
}

pub(super) async fn set_status(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    match promeneurs::set_status(
        &state,
        &p,
        id,
        f.get("status"),
        f.get("on"),
        f.get("reason"),
    )
    .await
    {
        Ok(promeneurs::Outcome::Written) => Ok(Redirect::to(&format!(
            "/reseau/promeneurs/{id}?message=statut-modifie"
        ))
        .into_response()),
        Ok(promeneurs::Outcome::Proposed) => {
            Ok(Redirect::to(&format!("/reseau/promeneurs/{id}?message=propose")).into_response())
        }
        Err(e) => {
            redisplay(e, |errors| {
                show_page(
                    &state,
                    &p,
                    &auth,
                    id,
                    None,
                    Errs::default(),
                    errors,
                    None,
                    None,
                )
            })
            .await
        }
    }
}

/// Staff confirm or reject a referent's proposal (works without JS).
pub(super) async fn decide_proposal(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Redirect, AppError> {
    let accept = match f.get("decision") {
        "accepter" => true,
        "refuser" => false,
        _ => return Err(AppError::bad_request("Décision inconnue.")),
    };
    promeneurs::decide_proposal(&state, &p, id, accept).await?;
    let message = if accept {
        "proposition-confirmee"
    } else {
        "proposition-refusee"
    };
    Ok(Redirect::to(&format!(
        "/reseau/promeneurs/{id}?message={message}"
    )))
}

pub(super) async fn set_photo(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    form: Multipart,
) -> Result<Response, AppError> {
    let (f, file) = read_multipart(form, "photo").await?;
    let remove = f.get("remove") == "1";
    let back = if f.get("back") == "profil" {
        "/mon-profil".to_owned()
    } else {
        format!("/reseau/promeneurs/{id}")
    };
    let bytes = match (&file, remove) {
        (_, true) => None,
        (Some(b), false) => Some(b.as_slice()),
        (None, false) => {
            return Err(AppError::invalid_field("photo", "Choisissez une photo."));
        }
    };
    match promeneurs::set_photo(&state, &p, id, bytes)
        .await
        .map_err(AppError::from)
    {
        Ok(()) => {
            let m = if remove {
                "photo-supprimee"
            } else {
                "photo-enregistree"
            };
            Ok(Redirect::to(&format!("{back}?message={m}")).into_response())
        }
        Err(e)
            if e.status == StatusCode::UNSUPPORTED_MEDIA_TYPE
                || e.status == StatusCode::PAYLOAD_TOO_LARGE
                || e.status == StatusCode::UNPROCESSABLE_ENTITY =>
        {
            let status = e.status;
            if back == "/mon-profil" {
                return Err(e);
            }
            let page = show_page(
                &state,
                &p,
                &auth,
                id,
                None,
                Errs::default(),
                Errs::default(),
                Some(e.message),
                None,
            )
            .await?;
            Ok((status, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

/// Opens the promeneur's own account (activation link by e-mail).
pub(super) async fn open_account(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    _fields: Fields,
) -> Result<Redirect, AppError> {
    promeneurs::invite_promeneur(&state, &p, id).await?;
    Ok(Redirect::to(&format!(
        "/reseau/promeneurs/{id}?message=compte-ouvert"
    )))
}

/// The verification QR code of a promeneur, for its poster or card.
pub(super) async fn qr(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let x = promeneurs::promeneur(&state, &p, id).await?;
    let url = format!(
        "{}/verifier/{}",
        state.settings.base_url, x.verification_code
    );
    let svg = documents::qr::qr_svg(
        &url,
        &format!(
            "QR code de vérification de {} {}",
            x.first_name, x.last_name
        ),
    )
    .map_err(AppError::internal)?;
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!(
                    "attachment; filename=\"promeneur-{}.svg\"",
                    x.verification_code
                ),
            ),
        ],
        svg,
    )
        .into_response())
}
