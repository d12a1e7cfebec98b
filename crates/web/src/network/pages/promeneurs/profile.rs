//! "Mon profil": a promeneur's own public profile.

use askama::Template;
use axum::{
    extract::{Query, State},
    response::{Html, IntoResponse, Redirect, Response},
};
use domain::Principal;
use store::promeneurs::Promeneur;

use super::MessageQuery;
use super::form::{FormView, draft_from};
use crate::http::form::{Errs, Fields, redisplay};
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser},
    network::{gate, input::PromeneurDraft},
    view::{Layout, render},
};
use services::network::{draft_of, lists, promeneurs, themes::active_themes};

#[derive(Template)]
#[template(path = "network/my_profile.html")]
pub(super) struct MyProfile {
    layout: Layout,
    x: Promeneur,
    form: FormView,
    blocks: Vec<&'static str>,
    verification_url: String,
}

async fn my_profile_page(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    draft: Option<PromeneurDraft>,
    errors: Errs,
    message: Option<&str>,
) -> Result<MyProfile, AppError> {
    let x = lists::own_promeneur(state, p).await?;
    let d = draft.unwrap_or_else(|| draft_of(&x));
    let title = if errors.any() {
        "Erreur : mon profil"
    } else {
        "Mon profil public"
    };
    Ok(MyProfile {
        layout: Layout::new(auth, title).with_message(message),
        blocks: gate::blocks(&x, state.today())
            .iter()
            .map(|b| b.label())
            .collect(),
        verification_url: format!(
            "{}/verifier/{}",
            state.settings.base_url, x.verification_code
        ),
        form: FormView::new(
            d,
            errors,
            Vec::new(),
            active_themes(state).await?,
            false,
            false,
        ),
        x,
    })
}

pub(super) async fn my_profile(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(q): Query<MessageQuery>,
) -> Result<Html<String>, AppError> {
    render(
        &my_profile_page(
            &state,
            &p,
            &auth,
            None,
            Errs::default(),
            q.message.as_deref(),
        )
        .await?,
    )
}

pub(super) async fn save_my_profile(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    fields: Fields,
) -> Result<Response, AppError> {
    let me = lists::own_promeneur(&state, &p).await?;
    let d = draft_from(&fields);
    match promeneurs::update_own_profile(
        &state,
        &p,
        me.id,
        &d.networks,
        &d.presence,
        &d.themes,
        &d.public_bio,
        d.public_consent,
    )
    .await
    {
        Ok(()) => Ok(Redirect::to("/mon-profil?message=enregistre").into_response()),
        Err(e) => {
            redisplay(e, |errors| {
                my_profile_page(&state, &p, &auth, Some(d), errors, None)
            })
            .await
        }
    }
}
