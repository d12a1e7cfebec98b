//! A structure's file: read, edit, archive, its referents and the claims
//! on it.

use askama::Template;
use axum::{
    extract::{Query, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use domain::{DepartmentCode, Principal};
use store::{promeneurs::Promeneur, reference::Department, structures::Structure};
use uuid::Uuid;

use super::conventions::{ConventionRow, convention_row};
use super::{ClaimRow, MessageQuery, claim_rows, draft_from};
use crate::http::Id;
use crate::http::form::{Errs, Fields, redisplay};
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser},
    network::{KindOption, input::StructureDraft, kinds},
    view::{Layout, render},
};
use services::network::{lists, signup, structures};

/// Messages of the structure page about its referents.
fn referent_message(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "referent-invite" => {
            "Le référent est invité : il a reçu un e-mail pour choisir son mot de passe."
        }
        "rattachement-accepte" => {
            "La demande est acceptée : la personne est référente de la structure et en est prévenue par e-mail."
        }
        "rattachement-refuse" => "La demande est refusée : la personne en est prévenue par e-mail.",
        _ => return None,
    })
}

#[derive(Template)]
#[template(path = "network/structure.html")]
pub(super) struct Show {
    layout: Layout,
    s: Structure,
    d: StructureDraft,
    kinds: Vec<KindOption>,
    errors: Errs,
    can_edit: bool,
    is_staff: bool,
    promeneurs: Vec<Promeneur>,
    conventions: Vec<ConventionRow>,
    pilot_departments: Vec<Department>,
    convention_errors: Errs,
    referents: Vec<store::users::Referent>,
    claims: Vec<ClaimRow>,
    invite_errors: Errs,
    invite_name: String,
    invite_email: String,
}

impl Show {
    fn can_pilot(&self, department: &DepartmentCode) -> bool {
        self.pilot_departments.iter().any(|d| &d.code == department)
    }
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn show_page(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    id: Uuid,
    draft: Option<StructureDraft>,
    errors: Errs,
    convention_errors: Errs,
    message: Option<&str>,
) -> Result<Show, AppError> {
    let s = structures::structure(state, p, id).await?;
    let cap = p.network_editor(&s.department, Some(s.id));
    let file = lists::structure_file(state, p, &s).await?;
    let today = state.today();
    let title = if errors.any() || convention_errors.any() {
        format!("Erreur : {}", s.name)
    } else {
        s.name.clone()
    };
    let layout = match referent_message(message) {
        Some(text) => Layout::new(auth, title).with_flash("success", text),
        None => Layout::new(auth, title).with_message(message),
    };
    let claims = claim_rows(signup::pending_claims(state, p, s.id).await?);
    Ok(Show {
        layout,
        referents: file.referents,
        claims,
        invite_errors: Errs::default(),
        invite_name: String::new(),
        invite_email: String::new(),
        d: draft.unwrap_or_else(|| StructureDraft::from_structure(&s)),
        kinds: kinds(),
        errors,
        can_edit: cap.is_some(),
        is_staff: cap.is_some_and(|c| c.staff),
        promeneurs: file.promeneurs,
        conventions: file
            .conventions
            .into_iter()
            .map(|c| convention_row(c, today))
            .collect(),
        pilot_departments: file.pilot_departments,
        convention_errors,
        s,
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
    match structures::update_structure(&state, &p, id, &d).await {
        Ok(()) => Ok(
            Redirect::to(&format!("/reseau/structures/{id}?message=enregistre")).into_response(),
        ),
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
                )
            })
            .await
        }
    }
}

pub(super) async fn archive(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Redirect, AppError> {
    let archived = f.get("archived") == "1";
    structures::archive_structure(&state, &p, id, archived).await?;
    let message = if archived { "archivee" } else { "restauree" };
    Ok(Redirect::to(&format!(
        "/reseau/structures/{id}?message={message}"
    )))
}

/// Invites a referent of the structure (staff, or one of its referents):
/// an account without password and the activation e-mail.
pub(super) async fn invite_referent(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    let name = f.get("referent_name").to_owned();
    let email = f.get("referent_email").to_owned();
    match signup::invite_referent(&state, &p, id, &name, &email)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(Redirect::to(&format!(
            "/reseau/structures/{id}?message=referent-invite#referents"
        ))
        .into_response()),
        Err(e) => {
            redisplay(e, |errors| async move {
                let mut page = show_page(
                    &state,
                    &p,
                    &auth,
                    id,
                    None,
                    Errs::default(),
                    Errs::default(),
                    None,
                )
                .await?;
                page.layout.title = format!("Erreur : {}", page.s.name);
                page.invite_errors = errors;
                page.invite_name = name;
                page.invite_email = email;
                Ok::<_, AppError>(page)
            })
            .await
        }
    }
}

/// Approves or refuses a claim on a structure (staff of its département).
pub(super) async fn decide_claim(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Redirect, AppError> {
    let approve = match f.get("decision") {
        "accepter" => true,
        "refuser" => false,
        _ => return Err(AppError::bad_request("Décision inconnue.")),
    };
    let claim = signup::decide_claim(&state, &p, id, approve).await?;
    let message = if approve {
        "rattachement-accepte"
    } else {
        "rattachement-refuse"
    };
    Ok(Redirect::to(&format!(
        "/reseau/structures/{}?message={message}#referents",
        claim.structure_id
    )))
}
