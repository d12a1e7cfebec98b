//! The committee of a call on its management page: the members with their
//! institution, structure and progress, and the form a CAF agent seats a
//! member with (an existing account, found by its e-mail).

use std::collections::BTreeMap;

use axum::{
    Router,
    extract::State,
    http::StatusCode,
    response::{IntoResponse, Redirect, Response},
    routing::post,
};
use domain::Principal;
use uuid::Uuid;

use super::manage::manage_page;
use crate::http::form::{ErrorLink, Errs, Fields, error_links};
use services::committee;

use crate::http::Id;
use crate::{AppError, AppState, auth::CurrentUser, view::render};

pub fn router() -> Router<AppState> {
    Router::new().route("/gestion/appels/{id}/comite", post(seat))
}

pub struct MemberRow {
    pub name: String,
    pub email: String,
    pub institution: String,
    pub structure: Option<String>,
    /// "3 sur 5 évaluées".
    pub progress: String,
}

pub struct StructureOption {
    pub id: String,
    pub label: String,
}

/// The seating form, as typed.
#[derive(Default)]
pub struct SeatForm {
    pub email: String,
    pub institution: String,
    pub structure_siret: String,
    pub structure_id: String,
    pub errors: Errs,
    pub summary: Vec<ErrorLink>,
}

const SEAT_FIELDS: &[&str] = &["email", "institution", "structure_siret", "structure_id"];

impl SeatForm {
    fn from_fields(f: &Fields) -> Self {
        Self {
            email: f.get("email").trim().to_owned(),
            institution: f.get("institution").to_owned(),
            structure_siret: f.get("structure_siret").trim().to_owned(),
            structure_id: f.get("structure_id").trim().to_owned(),
            ..Self::default()
        }
    }

    fn with_errors(mut self, errors: Errs) -> Self {
        self.summary = error_links(&errors, SEAT_FIELDS, &[]);
        self.errors = errors;
        self
    }
}

/// The section "Comité" of the management page.
pub struct CommitteeSection {
    pub members: Vec<MemberRow>,
    pub structures: Vec<StructureOption>,
    pub form: SeatForm,
}

/// The section from what `services::call_management` read: the members and
/// their progress, the structures one may seat a member for.
pub fn section(
    members: Vec<committee::Progress>,
    structures: Vec<store::structures::Structure>,
) -> CommitteeSection {
    let members = members
        .into_iter()
        .map(|g| MemberRow {
            progress: format!("{} sur {} évaluées", g.reviewed, g.to_review),
            name: g.member.name,
            email: g.member.email,
            institution: g.member.institution,
            structure: g.member.structure_name,
        })
        .collect();
    let structures = structures
        .into_iter()
        .map(|s| StructureOption {
            id: s.id.to_string(),
            label: format!("{} — {} ({})", s.name, s.commune_name, s.department),
        })
        .collect();
    CommitteeSection {
        members,
        structures,
        form: SeatForm::default(),
    }
}

/// Seats the member the form describes.
async fn seat_member(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    form: &SeatForm,
) -> Result<(), AppError> {
    let draft = committee::SeatDraft {
        email: form.email.clone(),
        institution: form.institution.clone(),
        structure_siret: form.structure_siret.clone(),
        structure_id: form.structure_id.clone(),
    };
    committee::seat_from_form(state, p, call_id, &draft).await?;
    Ok(())
}

async fn seat(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    let form = SeatForm::from_fields(&f);
    match seat_member(&state, &p, id, &form).await {
        Ok(()) => Ok(Redirect::to(&format!(
            "/gestion/appels/{id}?message=membre-ajoute#comite"
        ))
        .into_response()),
        Err(e)
            if matches!(
                e.status,
                StatusCode::UNPROCESSABLE_ENTITY | StatusCode::CONFLICT
            ) =>
        {
            let status = e.status;
            let errors = if status == StatusCode::CONFLICT {
                Errs(BTreeMap::from([("email".to_owned(), e.message)]))
            } else {
                Errs(e.fields)
            };
            let mut page = manage_page(
                &state,
                &p,
                &auth,
                id,
                None,
                String::new(),
                Errs::default(),
                None,
            )
            .await?;
            page.layout.title = format!("Erreur : {}", page.layout.title);
            page.committee.form = form.with_errors(errors);
            Ok((status, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}
