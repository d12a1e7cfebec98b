//! The public sign-up of structure referents (`/inscription`).

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::{Html, IntoResponse, Redirect, Response},
    routing::get,
};
use serde::Deserialize;

use crate::http::form::{ErrorLink, Errs, Fields, error_links};
use crate::network::{KindOption, kinds};
use crate::{
    AppError, AppState,
    auth::{ClientAddress, MaybeUser},
    view::{Layout, render},
};
use services::network::signup::{self, SignupDraft, SignupOutcome};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/inscription", get(page).post(submit))
        .route("/inscription/envoyee", get(sent))
}

#[derive(Template)]
#[template(path = "signup.html")]
struct Page {
    layout: Layout,
    d: SignupDraft,
    kinds: Vec<KindOption>,
    errors: Errs,
    summary: Vec<ErrorLink>,
}

async fn page(MaybeUser(auth): MaybeUser) -> Result<Response, AppError> {
    if auth.principal.is_some() {
        return Ok(Redirect::to("/accueil").into_response());
    }
    Ok(render(&Page {
        layout: Layout::for_form(&auth, "Inscrire ma structure"),
        d: SignupDraft::default(),
        kinds: kinds(),
        errors: Errs::default(),
        summary: Vec::new(),
    })?
    .into_response())
}

async fn submit(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
    ClientAddress(address): ClientAddress,
    f: Fields,
) -> Result<Response, AppError> {
    signup::throttle(&state, &address).await?;
    let d = SignupDraft {
        name: f.get("name").to_owned(),
        email: f.get("email").to_owned(),
        siret: f.get("siret").to_owned(),
        structure_name: f.get("structure_name").to_owned(),
        kind: f.get("kind").to_owned(),
        commune: f.get("commune").to_owned(),
    };
    match signup::sign_up(&state, &d).await {
        Ok(outcome) => {
            let case = match outcome {
                SignupOutcome::NewStructure => "structure",
                SignupOutcome::Claim => "rattachement",
            };
            Ok(Redirect::to(&format!("/inscription/envoyee?cas={case}")).into_response())
        }
        Err(e) => {
            let errors = Errs::from_error(e.into())?;
            let order = [
                "name",
                "email",
                "siret",
                "structure_name",
                "kind",
                "commune",
            ];
            let page = Page {
                layout: Layout::for_form(&auth, "Erreur : inscrire ma structure"),
                summary: error_links(&errors, &order, &[]),
                d,
                kinds: kinds(),
                errors,
            };
            crate::http::form::rejected(&page)
        }
    }
}

#[derive(Template)]
#[template(path = "signup_sent.html")]
struct Sent {
    layout: Layout,
    claim: bool,
    days: i64,
}

#[derive(Deserialize)]
struct SentQuery {
    cas: Option<String>,
}

async fn sent(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
    Query(q): Query<SentQuery>,
) -> Result<Html<String>, AppError> {
    render(&Sent {
        layout: Layout::new(&auth, "Vérifiez votre messagerie"),
        claim: q.cas.as_deref() == Some("rattachement"),
        days: state.settings.activation_link_ttl.as_hours() / 24,
    })
}
