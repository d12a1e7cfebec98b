//! `/accueil`: the home of a logged-in person.

use askama::Template;
use axum::{Router, extract::State, response::Html, routing::get};
use services::home::{self, Section};

use crate::{
    AppError, AppState,
    auth::CurrentUser,
    view::{Layout, render},
};

pub fn router() -> Router<AppState> {
    Router::new().route("/accueil", get(show))
}

#[derive(Template)]
#[template(path = "home/mine.html")]
struct Mine {
    layout: Layout,
    name: String,
    sections: Vec<Section>,
}

async fn show(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
) -> Result<Html<String>, AppError> {
    let home = home::home(&state, &p).await?;
    render(&Mine {
        layout: Layout::new(&auth, "Mon accueil"),
        name: p.name.clone(),
        sections: home.sections,
    })
}
