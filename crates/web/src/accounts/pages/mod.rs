//! Login, logout, password reset and activation links, "Mon compte".

use askama::Template;
use axum::{
    Form, Router,
    extract::{Path, Query, State},
    http::{StatusCode, header},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::Deserialize;

use crate::http::form::Errs;
use crate::{
    AppError, AppState,
    auth::{ClientAddress, CurrentUser, MaybeUser, SESSION_COOKIE, safe_next, set_cookie},
    view::{Layout, render},
};
use services::accounts;

mod signup;

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(signup::router())
        .route("/connexion", get(login_page).post(login))
        .route("/deconnexion", post(logout))
        .route("/mot-de-passe-oublie", get(forgot_page).post(forgot))
        .route("/reinitialiser/{token}", get(reset_page).post(reset))
        .route("/compte", get(account_page))
        .route("/compte/mot-de-passe", post(change_password))
}

#[derive(Template)]
#[template(path = "login.html")]
struct Login {
    layout: Layout,
    error: Option<String>,
    email: String,
    next: String,
}

#[derive(Deserialize)]
struct LoginQuery {
    suivant: Option<String>,
    message: Option<String>,
}

async fn login_page(
    MaybeUser(auth): MaybeUser,
    Query(q): Query<LoginQuery>,
) -> Result<Response, AppError> {
    if auth.principal.is_some() {
        return Ok(Redirect::to("/accueil").into_response());
    }
    let layout = Layout::for_form(&auth, "Connexion").with_message(q.message.as_deref());
    let next = q.suivant.unwrap_or_default();
    Ok(render(&Login {
        layout,
        error: None,
        email: String::new(),
        next,
    })?
    .into_response())
}

#[derive(Deserialize)]
struct LoginForm {
    email: String,
    password: String,
    #[serde(default)]
    suivant: String,
}

async fn login(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
    ClientAddress(address): ClientAddress,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    match accounts::login(
        &state,
        &form.email,
        &form.password,
        &address,
        auth.session_digest.as_deref(),
    )
    .await
    .map_err(AppError::from)
    {
        Ok(session) => {
            let cookie = set_cookie(&state, SESSION_COOKIE, &session.secret, None);
            let mut res = Redirect::to(safe_next(&form.suivant)).into_response();
            res.headers_mut().append(header::SET_COOKIE, cookie);
            Ok(res)
        }
        Err(e)
            if e.status == StatusCode::UNAUTHORIZED
                || e.status == StatusCode::TOO_MANY_REQUESTS =>
        {
            let page = Login {
                layout: Layout::for_form(&auth, "Connexion"),
                error: Some(e.message),
                email: form.email,
                next: form.suivant,
            };
            Ok((e.status, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn logout(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
) -> Result<Response, AppError> {
    if let Some(d) = &auth.session_digest {
        accounts::logout(&state, d).await?;
    }
    let mut res = Redirect::to("/connexion?message=deconnecte").into_response();
    res.headers_mut().append(
        header::SET_COOKIE,
        set_cookie(&state, SESSION_COOKIE, "", Some(0)),
    );
    Ok(res)
}

#[derive(Template)]
#[template(path = "forgot.html")]
struct Forgot {
    layout: Layout,
    sent: bool,
}

async fn forgot_page(MaybeUser(auth): MaybeUser) -> Result<Html<String>, AppError> {
    render(&Forgot {
        layout: Layout::for_form(&auth, "Mot de passe oublié"),
        sent: false,
    })
}

#[derive(Deserialize)]
struct ForgotForm {
    email: String,
}

async fn forgot(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
    ClientAddress(address): ClientAddress,
    Form(form): Form<ForgotForm>,
) -> Result<Html<String>, AppError> {
    accounts::request_reset(&state, &form.email, &address).await?;
    render(&Forgot {
        layout: Layout::for_form(&auth, "Mot de passe oublié"),
        sent: true,
    })
}

#[derive(Template)]
#[template(path = "reset.html")]
struct Reset {
    layout: Layout,
    token: String,
    valid: bool,
    errors: Errs,
}

fn token_ok(token: &str) -> bool {
    token.len() <= 64
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

async fn reset_page(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
    Path(token): Path<String>,
) -> Result<Response, AppError> {
    let valid = token_ok(&token) && accounts::link_is_valid(&state, &token).await?;
    let page = Reset {
        layout: Layout::for_form(&auth, "Nouveau mot de passe"),
        token,
        valid,
        errors: Errs::default(),
    };
    let status = if valid {
        StatusCode::OK
    } else {
        StatusCode::GONE
    };
    Ok((status, render(&page)?).into_response())
}

#[derive(Deserialize)]
struct PasswordForm {
    password: String,
    password_confirm: String,
}

async fn reset(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
    Path(token): Path<String>,
    Form(form): Form<PasswordForm>,
) -> Result<Response, AppError> {
    let result = match accounts::check_new_password(&form.password, &form.password_confirm) {
        Ok(p) if token_ok(&token) => accounts::use_link(&state, &token, p)
            .await
            .map_err(AppError::from),
        Ok(_) => Err(AppError::conflict(
            "link_expired",
            "Ce lien n'est plus valable.",
        )),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/connexion?message=mot-de-passe-modifie").into_response()),
        Err(e) if e.status == StatusCode::CONFLICT => {
            let page = Reset {
                layout: Layout::for_form(&auth, "Nouveau mot de passe"),
                token,
                valid: false,
                errors: Errs::default(),
            };
            Ok((StatusCode::GONE, render(&page)?).into_response())
        }
        Err(e) => {
            let errors = Errs::from_error(e)?;
            let page = Reset {
                layout: Layout::for_form(&auth, "Nouveau mot de passe"),
                token,
                valid: true,
                errors,
            };
            crate::http::form::rejected(&page)
        }
    }
}

#[derive(Template)]
#[template(path = "account.html")]
struct Account {
    layout: Layout,
    name: String,
    email: String,
    roles: String,
    errors: Errs,
}

#[derive(Deserialize)]
struct MessageQuery {
    message: Option<String>,
}

fn account_view(auth: &crate::auth::Auth, p: &domain::Principal, errors: Errs) -> Account {
    Account {
        layout: Layout::new(auth, "Mon compte"),
        name: p.name.clone(),
        email: p.email.clone(),
        roles: accounts::roles_label(&p.grants),
        errors,
    }
}

async fn account_page(
    CurrentUser(p, auth): CurrentUser,
    Query(q): Query<MessageQuery>,
) -> Result<Html<String>, AppError> {
    let mut page = account_view(&auth, &p, Errs::default());
    page.layout = page.layout.with_message(q.message.as_deref());
    render(&page)
}

#[derive(Deserialize)]
struct ChangePasswordForm {
    current_password: String,
    password: String,
    password_confirm: String,
}

async fn change_password(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Form(form): Form<ChangePasswordForm>,
) -> Result<Response, AppError> {
    let result = match accounts::check_new_password(&form.password, &form.password_confirm) {
        Ok(new) => accounts::change_password(
            &state,
            &p,
            auth.session_digest.as_deref(),
            &form.current_password,
            new,
        )
        .await
        .map_err(AppError::from),
        Err(e) => Err(e.into()),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/compte?message=mot-de-passe-change").into_response()),
        Err(e) => {
            let errors = Errs::from_error(e)?;
            Ok((
                StatusCode::UNPROCESSABLE_ENTITY,
                render(&account_view(&auth, &p, errors))?,
            )
                .into_response())
        }
    }
}
