//! Administration pages: accounts, API tokens, the e-mail log, and the
//! audit journal (also open to CAF agents and coordinators, scoped to their
//! départements).

use askama::Template;
use axum::{
    Form, Router,
    extract::{Query, State},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use domain::{DepartmentCode, Role, clock::french_instant};
use serde::Deserialize;
use store::reference::Department;

use services::accounts::{self, UserInput, actor};
use services::admin::{self, admin};

use crate::http::Id;
use crate::http::form::Errs;
use crate::http::sheet::{FormatQuery, format_of, send};
use crate::{
    AppError, AppState,
    auth::CurrentUser,
    view::{Layout, render},
};
use services::journal_labels;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/utilisateurs", get(users))
        .route("/admin/utilisateurs/export", get(users_export))
        .route(
            "/admin/utilisateurs/nouveau",
            get(new_user_page).post(create_user),
        )
        .route("/admin/utilisateurs/{id}/activation", post(set_active))
        .route("/admin/jetons", get(tokens))
        .route("/admin/jetons/{id}/revocation", post(revoke_token))
        .route("/admin/emails", get(emails))
        .route("/admin/emails/export", get(emails_export))
        .route("/journal", get(journal))
        .route("/journal/export", get(journal_export))
}

const PAGE: i64 = 50;

#[derive(Deserialize, Default)]
struct ListQuery {
    page: Option<i64>,
    message: Option<String>,
    statut: Option<String>,
}

impl ListQuery {
    fn offset(&self) -> i64 {
        (self.page.unwrap_or(1).max(1) - 1) * PAGE
    }
}

struct UserRow {
    id: String,
    name: String,
    email: String,
    roles: String,
    active: bool,
    activated: bool,
    created: String,
}

#[derive(Template)]
#[template(path = "admin/users.html")]
struct Users {
    layout: Layout,
    users: Vec<UserRow>,
    total: i64,
}

async fn users(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let cap = admin(&p)?;
    let (list, total) = admin::users(&state, &cap, PAGE, q.offset()).await?;
    let users = list
        .into_iter()
        .map(|u| UserRow {
            id: u.id.to_string(),
            roles: accounts::roles_label(&u.grants),
            name: u.name,
            email: u.email.to_string(),
            active: u.active,
            activated: u.has_password,
            created: french_instant(u.created_at),
        })
        .collect();
    render(&Users {
        layout: Layout::new(&auth, "Comptes").with_message(q.message.as_deref()),
        users,
        total,
    })
}

/// Every account, as a spreadsheet (administrators).
async fn users_export(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(f): Query<FormatQuery>,
) -> Result<Response, AppError> {
    let cap = admin(&p)?;
    let format = format_of(&f)?;
    let sheet = admin::users_sheet(&state, &cap).await?;
    send(sheet, format, &format!("comptes-{}", state.today())).await
}

struct RoleOption {
    value: &'static str,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "admin/user_new.html")]
struct NewUser {
    layout: Layout,
    roles: Vec<RoleOption>,
    departments: Vec<Department>,
    input: UserInput,
    errors: Errs,
}

impl NewUser {
    fn checked(&self, code: &DepartmentCode) -> bool {
        self.input.departments.iter().any(|d| code == d.as_str())
    }
}

async fn new_user_form(
    state: &AppState,
    auth: &crate::auth::Auth,
    input: UserInput,
    errors: Errs,
) -> Result<NewUser, AppError> {
    let title = if errors.any() {
        "Erreur : créer un compte"
    } else {
        "Créer un compte"
    };
    Ok(NewUser {
        layout: Layout::new(auth, title),
        roles: Role::ALL
            .iter()
            .map(|r| RoleOption {
                value: r.as_str(),
                label: r.label(),
            })
            .collect(),
        departments: services::reference::departments(state).await?,
        input,
        errors,
    })
}

async fn new_user_page(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
) -> Result<Html<String>, AppError> {
    admin(&p)?;
    render(&new_user_form(&state, &auth, UserInput::default(), Errs::default()).await?)
}

async fn create_user(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    body: axum::body::Bytes,
) -> Result<Response, AppError> {
    let cap = admin(&p)?;
    // Checkbox lists repeat a key: read the pairs by hand.
    let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(&body)
        .map_err(|_| AppError::bad_request("Formulaire mal formé."))?;
    let field = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let input = UserInput {
        email: field("email"),
        name: field("name"),
        role: field("role"),
        departments: pairs
            .iter()
            .filter(|(k, _)| k == "departments")
            .map(|(_, v)| v.clone())
            .collect(),
    };
    match accounts::create_user(&state, &cap, &actor(&p), &input)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(Redirect::to("/admin/utilisateurs?message=compte-cree").into_response()),
        Err(e) => {
            crate::http::form::redisplay(e, |errors| new_user_form(&state, &auth, input, errors))
                .await
        }
    }
}

#[derive(Deserialize)]
struct ActiveForm {
    active: String,
}

async fn set_active(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Form(form): Form<ActiveForm>,
) -> Result<Response, AppError> {
    let cap = admin(&p)?;
    let active = form.active == "1";
    admin::set_active(&state, &p, &cap, id, active).await?;
    let msg = if active {
        "compte-reactive"
    } else {
        "compte-desactive"
    };
    Ok(Redirect::to(&format!("/admin/utilisateurs?message={msg}")).into_response())
}

struct TokenRow {
    id: String,
    user: String,
    label: String,
    prefix: String,
    created: String,
    last_used: String,
    revoked: Option<String>,
}

#[derive(Template)]
#[template(path = "admin/tokens.html")]
struct Tokens {
    layout: Layout,
    tokens: Vec<TokenRow>,
}

async fn tokens(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let cap = admin(&p)?;
    let tokens = admin::api_tokens(&state, &cap)
        .await?
        .into_iter()
        .map(|t| TokenRow {
            id: t.id.to_string(),
            user: t.user_email.to_string(),
            label: t.label,
            prefix: t.prefix,
            created: french_instant(t.created_at),
            last_used: t
                .last_used_at
                .map_or_else(|| "jamais".to_owned(), french_instant),
            revoked: t.revoked_at.map(french_instant),
        })
        .collect();
    render(&Tokens {
        layout: Layout::new(&auth, "Jetons d'API").with_message(q.message.as_deref()),
        tokens,
    })
}

async fn revoke_token(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let cap = admin(&p)?;
    admin::revoke_token(&state, &p, &cap, id).await?;
    Ok(Redirect::to("/admin/jetons?message=jeton-revoque").into_response())
}

struct EmailRow {
    to: String,
    subject: String,
    template: String,
    status: &'static str,
    error: String,
    attempts: i64,
    created: String,
    sent: String,
}

#[derive(Template)]
#[template(path = "admin/emails.html")]
struct Emails {
    layout: Layout,
    emails: Vec<EmailRow>,
    total: i64,
    status: String,
}

/// The e-mail log with the page's filter, as a spreadsheet
/// (administrators).
async fn emails_export(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(q): Query<ListQuery>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, AppError> {
    let cap = admin(&p)?;
    let format = format_of(&f)?;
    let status = email_status(&q);
    let sheet = admin::emails_sheet(&state, &cap, status.as_deref()).await?;
    send(sheet, format, &format!("emails-{}", state.today())).await
}

/// The status filter of the e-mail log, when it is one.
fn email_status(q: &ListQuery) -> Option<String> {
    q.statut
        .clone()
        .filter(|s| ["sent", "failed", "pending"].contains(&s.as_str()))
}

async fn emails(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let cap = admin(&p)?;
    let status = email_status(&q);
    let (list, total) = admin::emails(&state, &cap, status.as_deref(), PAGE, q.offset()).await?;
    let emails = list
        .into_iter()
        .map(|e| EmailRow {
            to: e.to,
            subject: e.subject,
            template: e.template,
            status: admin::email_status_label(&e.status),
            error: e.error.unwrap_or_default(),
            attempts: e.attempts,
            created: french_instant(e.created_at),
            sent: e.sent_at.map(french_instant).unwrap_or_default(),
        })
        .collect();
    render(&Emails {
        layout: Layout::new(&auth, "E-mails envoyés"),
        emails,
        total,
        status: status.unwrap_or_default(),
    })
}

#[derive(Deserialize, Default)]
pub struct JournalQuery {
    pub entite: Option<String>,
    pub action: Option<String>,
    pub auteur: Option<String>,
    pub du: Option<String>,
    pub au: Option<String>,
    pub page: Option<i64>,
}

impl JournalQuery {
    fn filter(&self, limit: i64, offset: i64) -> Result<store::audit::Filter, String> {
        admin::journal_filter(
            self.entite.as_deref(),
            self.action.as_deref(),
            self.auteur.as_deref(),
            self.du.as_deref(),
            self.au.as_deref(),
            limit,
            offset,
        )
    }
}

struct JournalRow {
    at: String,
    actor: String,
    action: String,
    entity: String,
    entity_id: String,
    department: String,
    changes: Vec<String>,
}

#[derive(Template)]
#[template(path = "journal.html")]
struct Journal {
    layout: Layout,
    export_query: String,
    entities: &'static [(&'static str, &'static str)],
    actions: &'static [(&'static str, &'static str)],
    rows: Vec<JournalRow>,
    total: i64,
    q: JournalQuery,
    error: Option<String>,
}

async fn journal(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(q): Query<JournalQuery>,
) -> Result<Html<String>, AppError> {
    admin::journal_reader(&p)?;
    let filter = q.filter(PAGE, (q.page.unwrap_or(1).max(1) - 1) * PAGE);
    let (rows, total, error) = match filter {
        Ok(filter) => {
            let (list, total) = admin::journal(&state, &p, filter).await?;
            let rows = list
                .into_iter()
                .map(|e| JournalRow {
                    at: french_instant(e.at),
                    actor: e.actor_label,
                    action: journal_labels::action(&e.action).to_owned(),
                    entity: journal_labels::entity(&e.entity).to_owned(),
                    entity_id: e.entity_id,
                    department: e.department.unwrap_or_default(),
                    changes: journal_labels::changes(&e.changes),
                })
                .collect();
            (rows, total, None)
        }
        Err(e) => (Vec::new(), 0, Some(e)),
    };
    let export_query = serde_urlencoded::to_string([
        ("entite", q.entite.as_deref().unwrap_or("")),
        ("action", q.action.as_deref().unwrap_or("")),
        ("auteur", q.auteur.as_deref().unwrap_or("")),
        ("du", q.du.as_deref().unwrap_or("")),
        ("au", q.au.as_deref().unwrap_or("")),
    ])
    .unwrap_or_default();
    render(&Journal {
        layout: Layout::new(&auth, "Journal des modifications"),
        export_query,
        entities: journal_labels::ENTITIES,
        actions: journal_labels::ACTIONS,
        rows,
        total,
        q,
        error,
    })
}

/// The journal with the page's filters, as a spreadsheet (at most 20 000
/// entries).
async fn journal_export(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(q): Query<JournalQuery>,
    Query(f): Query<FormatQuery>,
) -> Result<Response, AppError> {
    admin::journal_reader(&p)?;
    let format = format_of(&f)?;
    let filter = q
        .filter(20_000, 0)
        .map_err(|e| AppError::invalid_field("du", e))?;
    let sheet = admin::journal_sheet(&state, &p, filter).await?;
    send(sheet, format, &format!("journal-{}", state.today())).await
}
