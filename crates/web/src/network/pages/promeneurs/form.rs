//! The form of a promeneur, shared by "new", the file and "Mon profil";
//! the "new" page.

use askama::Template;
use axum::{
    extract::{Query, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use serde::Deserialize;
use store::{promeneurs::Theme, structures::Structure};

use super::{Opt, platforms, saved_message, statuses, weekdays};
use crate::http::form::{Errs, Fields, redisplay};
use crate::{
    AppError, AppState,
    auth::CurrentUser,
    network::input::{NetworkDraft, PromeneurDraft, SlotDraft},
    view::{Layout, render},
};
use services::network::{lists, promeneurs, themes::active_themes};

/// The editable form of a promeneur, shared by "new" and "edit".
pub struct FormView {
    pub d: PromeneurDraft,
    pub errors: Errs,
    pub structures: Vec<Structure>,
    pub themes: Vec<Theme>,
    pub platforms: Vec<Opt>,
    pub weekdays: Vec<Opt>,
    pub statuses: Vec<Opt>,
    pub networks: Vec<NetworkDraft>,
    pub presence: Vec<SlotDraft>,
    /// Staff and referents see every field; a promeneur only its profile.
    pub full: bool,
    pub creating: bool,
}

impl FormView {
    pub(super) fn new(
        d: PromeneurDraft,
        errors: Errs,
        structures: Vec<Structure>,
        themes: Vec<Theme>,
        full: bool,
        creating: bool,
    ) -> Self {
        let mut networks = d.networks.clone();
        networks.extend(std::iter::repeat_n(NetworkDraft::default(), 2));
        let mut presence = d.presence.clone();
        presence.extend(std::iter::repeat_n(SlotDraft::default(), 2));
        Self {
            d,
            errors,
            structures,
            themes,
            platforms: platforms(),
            weekdays: weekdays(),
            statuses: statuses(),
            networks,
            presence,
            full,
            creating,
        }
    }

    pub fn has_theme(&self, slug: &str) -> bool {
        self.d.themes.iter().any(|t| t == slug)
    }

    #[allow(clippy::trivially_copy_pass_by_ref)] // askama passes loop indices by reference
    pub fn network_error(&self, i: &usize) -> Option<&str> {
        self.errors.on(&format!("networks.{i}"))
    }

    #[allow(clippy::trivially_copy_pass_by_ref)]
    pub fn slot_error(&self, i: &usize) -> Option<&str> {
        self.errors.on(&format!("presence.{i}"))
    }

    /// Errors of no field shown by the form.
    pub fn other_errors(&self) -> Vec<&str> {
        self.errors.others(&[
            "first_name",
            "last_name",
            "email",
            "phone",
            "structure_id",
            "job_title",
            "commune_insee",
            "status",
            "mandate_hours",
            "mandate_starts_on",
            "mandate_ends_on",
            "charter_signed_on",
            "initial_training_on",
            "networks",
            "presence",
            "themes",
            "public_bio",
        ])
    }
}

pub(super) fn draft_from(f: &Fields) -> PromeneurDraft {
    let networks = f
        .rows("networks", &["platform", "handle"])
        .into_iter()
        .map(|r| NetworkDraft {
            platform: r[0].clone(),
            handle: r[1].clone(),
            url: String::new(),
        })
        .collect();
    let presence = f
        .rows("presence", &["weekday", "start", "end"])
        .into_iter()
        .map(|r| SlotDraft {
            weekday: r[0].clone(),
            start: r[1].clone(),
            end: r[2].clone(),
        })
        .collect();
    PromeneurDraft {
        first_name: f.get("first_name").into(),
        last_name: f.get("last_name").into(),
        email: f.get("email").into(),
        phone: f.get("phone").into(),
        structure: f.get("structure_id").into(),
        job_title: f.get("job_title").into(),
        commune: f.get("commune_insee").into(),
        networks,
        themes: f.all("themes"),
        presence,
        mandate_hours: f.get("mandate_hours").into(),
        mandate_starts_on: f.get("mandate_starts_on").into(),
        mandate_ends_on: f.get("mandate_ends_on").into(),
        charter_signed_on: f.get("charter_signed_on").into(),
        initial_training_on: f.get("initial_training_on").into(),
        public_consent: f.checked("public_consent"),
        public_bio: f.get("public_bio").into(),
        status: f.get("status").into(),
    }
}

#[derive(Template)]
#[template(path = "network/promeneur_new.html")]
pub(super) struct NewPage {
    layout: Layout,
    form: FormView,
}

#[derive(Deserialize, Default)]
pub(super) struct NewParams {
    #[serde(default)]
    structure: String,
}

pub(super) async fn new_page(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(q): Query<NewParams>,
) -> Result<Html<String>, AppError> {
    let structures = lists::editable_structures(&state, &p).await?;
    if structures.is_empty() {
        return Err(AppError::not_found());
    }
    let d = PromeneurDraft {
        structure: if q.structure.is_empty() && structures.len() == 1 {
            structures[0].id.to_string()
        } else {
            q.structure
        },
        ..PromeneurDraft::default()
    };
    render(&NewPage {
        layout: Layout::new(&auth, "Nouveau promeneur"),
        form: FormView::new(
            d,
            Errs::default(),
            structures,
            active_themes(&state).await?,
            true,
            true,
        ),
    })
}

pub(super) async fn create(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    f: Fields,
) -> Result<Response, AppError> {
    let d = draft_from(&f);
    match promeneurs::create_promeneur(&state, &p, &d).await {
        Ok((id, outcome)) => Ok(Redirect::to(&format!(
            "/reseau/promeneurs/{id}?message={}",
            saved_message(outcome)
        ))
        .into_response()),
        Err(e) => {
            redisplay(e, |errors| async move {
                let structures = lists::editable_structures(&state, &p).await?;
                let themes = active_themes(&state).await?;
                Ok::<_, AppError>(NewPage {
                    layout: Layout::new(&auth, "Erreur : nouveau promeneur"),
                    form: FormView::new(d, errors, structures, themes, true, true),
                })
            })
            .await
        }
    }
}
