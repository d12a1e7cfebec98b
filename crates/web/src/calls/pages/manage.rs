//! Calls for applications, the staff side: the list of the calls of one's
//! départements, a call's form (title, départements, contacts), its files,
//! its modules with their applications counted, and its publication. CAF
//! agents change; coordinators read. Every read and write goes through
//! `crate::calls`.

use std::collections::BTreeMap;

use askama::Template;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Multipart, Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use domain::{
    Principal, Role,
    call::{ApplicationStatus, CallStatus},
};
use serde::Deserialize;
use uuid::Uuid;

use super::{
    CallLink, FileView, ModuleView,
    committee::{self as committee_members, CommitteeSection},
    form::{
        CallForm, DepartmentOption, department_options, draft_from, form_from_call, form_from_post,
        reference_contact,
    },
    with_message,
};
use crate::http::Id;
use crate::http::form::{Errs, Fields};
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser},
    calls::{self, ContactDraft},
    view::{Layout, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/gestion/appels", get(list))
        .route("/gestion/appels/nouveau", get(new_page).post(create))
        .route("/gestion/appels/{id}", get(show).post(save))
        .route(
            "/gestion/appels/{id}/fichiers",
            // The upload streams to storage and enforces its own limit.
            post(add_file).layer(DefaultBodyLimit::disable()),
        )
        .route(
            "/gestion/appels/{id}/fichiers/{file_id}/suppression",
            post(remove_file),
        )
        .route(
            "/gestion/appels/{id}/publication",
            get(publish_page).post(publish),
        )
}

#[derive(Deserialize)]
struct MessageQuery {
    message: Option<String>,
}

struct ListItem {
    id: Uuid,
    title: String,
    departments: String,
    published: bool,
    status: &'static str,
    updated: String,
}

#[derive(Template)]
#[template(path = "calls/manage_list.html")]
struct List {
    layout: Layout,
    items: Vec<ListItem>,
    can_create: bool,
}

/// Every call of the user's départements, drafts included.
async fn list(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Query(q): Query<MessageQuery>,
) -> Result<Html<String>, AppError> {
    if !p.is_staff() {
        return Err(AppError::not_found());
    }
    let items = calls::calls(&state, Some(&p))
        .await?
        .into_iter()
        .filter(|c| calls::is_call_staff(&p, c))
        .map(|c| ListItem {
            id: c.id,
            departments: calls::departments_label(&c, &c.department_codes()),
            published: c.status == CallStatus::Published,
            status: c.status.label(),
            updated: domain::clock::french_instant(c.updated_at),
            title: c.title,
        })
        .collect();
    render(&List {
        layout: with_message(
            Layout::new(&auth, "Gestion des appels à candidatures"),
            q.message.as_deref(),
        ),
        items,
        can_create: can_create(&p),
    })
}

/// CAF agents (and administrators) create calls; coordinators do not.
fn can_create(p: &Principal) -> bool {
    p.is_admin() || p.has_role(Role::CafAgent)
}

#[derive(Template)]
#[template(path = "calls/new.html")]
struct NewPage {
    layout: Layout,
    form: CallForm,
}

fn creator_only(p: &Principal) -> Result<(), AppError> {
    if !p.is_staff() {
        return Err(AppError::not_found());
    }
    if !can_create(p) {
        return Err(AppError::forbidden(
            "Seul un agent de la Caf peut créer un appel à candidatures.",
        ));
    }
    Ok(())
}

async fn new_page(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
) -> Result<Html<String>, AppError> {
    creator_only(&p)?;
    let departments = department_options(&state, &p, &[]).await?;
    // A CAF agent of one département: that one is the usual case.
    let only_one = departments.len() == 1;
    let options = departments
        .into_iter()
        .map(|dep| DepartmentOption {
            checked: only_one,
            contact: ContactDraft::default(),
            reference: reference_contact(&dep),
            code: dep.code.into(),
            name: dep.name,
            caf_name: dep.caf_name,
        })
        .collect();
    render(&NewPage {
        layout: Layout::new(&auth, "Nouvel appel à candidatures"),
        form: CallForm {
            title: String::new(),
            description: String::new(),
            partners: String::new(),
            options,
            errors: Errs::default(),
            summary: Vec::new(),
        },
    })
}

async fn create(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    f: Fields,
) -> Result<Response, AppError> {
    creator_only(&p)?;
    let (d, _) = draft_from(&f);
    match calls::create_call(&state, &p, &d, &[])
        .await
        .map_err(AppError::from)
    {
        Ok(id) => {
            Ok(Redirect::to(&format!("/gestion/appels/{id}?message=appel-cree")).into_response())
        }
        Err(e) => {
            crate::http::form::redisplay(e, |errors| async move {
                let form = form_from_post(&state, &p, &f, &[]).await?;
                Ok::<_, AppError>(NewPage {
                    layout: Layout::new(&auth, "Erreur : nouvel appel à candidatures"),
                    form: form.with_errors(errors),
                })
            })
            .await
        }
    }
}

/// A count of applications in one status.
pub struct StatusCount {
    pub status: &'static str,
    pub label: &'static str,
    pub n: usize,
}

struct ModuleRow {
    m: ModuleView,
    counts: Vec<StatusCount>,
    total: usize,
}

#[derive(Template)]
#[template(path = "calls/manage.html")]
pub(super) struct Manage {
    pub(super) layout: Layout,
    id: Uuid,
    title: String,
    departments: String,
    published: bool,
    status: &'static str,
    can_edit: bool,
    form: CallForm,
    modules: Vec<ModuleRow>,
    files: Vec<FileView>,
    file_label: String,
    file_errors: Errs,
    pub(super) committee: CommitteeSection,
    /// The call this one relaunches.
    relaunch_of: Option<CallLink>,
    /// The calls relaunching a module of this one.
    relaunches: Vec<CallLink>,
}

/// Filed applications per module and status, within `p`'s scope.
fn counts(items: &[store::applications::Application]) -> BTreeMap<String, Vec<StatusCount>> {
    let mut out: BTreeMap<String, Vec<StatusCount>> = BTreeMap::new();
    for a in items {
        let row = out.entry(a.module_code.clone()).or_default();
        match row.iter_mut().find(|c| c.status == a.status.as_str()) {
            Some(c) => c.n += 1,
            None => row.push(StatusCount {
                status: a.status.as_str(),
                label: a.status.label(),
                n: 1,
            }),
        }
    }
    for row in out.values_mut() {
        row.sort_by_key(|c| ApplicationStatus::parse(c.status));
    }
    out
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn manage_page(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    id: Uuid,
    form: Option<CallForm>,
    file_label: String,
    file_errors: Errs,
    message: Option<&str>,
) -> Result<Manage, AppError> {
    // One service call loads the call and all the page shows.
    let m = services::call_management::management(state, p, id).await?;
    let v = &m.view;
    let form = match form {
        Some(f) => f,
        None => form_from_call(state, p, &v.call).await?,
    };
    let mut counts = counts(&m.filed);
    let now = state.now();
    let modules = v
        .modules
        .iter()
        .map(|m| {
            let counts = counts.remove(&m.spec.code).unwrap_or_default();
            ModuleRow {
                m: ModuleView::new(m, now),
                total: counts.iter().map(|c| c.n).sum(),
                counts,
            }
        })
        .collect();
    let can_edit = m.manages;
    let committee = committee_members::section(m.members, m.structures);
    let relaunch_of = m.relaunch_of.map(|(id, title)| CallLink { id, title });
    let relaunches = m
        .relaunches
        .into_iter()
        .map(|(id, title)| CallLink { id, title })
        .collect();
    let title = if form.errors.any() || file_errors.any() {
        format!("Erreur : {}", v.call.title)
    } else {
        v.call.title.clone()
    };
    Ok(Manage {
        layout: with_message(Layout::new(auth, title), message),
        id,
        title: v.call.title.clone(),
        departments: calls::departments_label(&v.call, &v.call.department_codes()),
        published: v.call.status == CallStatus::Published,
        status: v.call.status.label(),
        can_edit,
        form,
        modules,
        files: v.files.iter().map(FileView::new).collect(),
        file_label,
        file_errors,
        committee,
        relaunch_of,
        relaunches,
    })
}

async fn show(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    Query(q): Query<MessageQuery>,
) -> Result<Html<String>, AppError> {
    let page = manage_page(
        &state,
        &p,
        &auth,
        id,
        None,
        String::new(),
        Errs::default(),
        q.message.as_deref(),
    )
    .await?;
    render(&page)
}

async fn save(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    let (d, _) = draft_from(&f);
    match calls::update_call(&state, &p, id, &d)
        .await
        .map_err(AppError::from)
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/gestion/appels/{id}?message=enregistre")).into_response())
        }
        Err(e) => {
            let errors = Errs::from_error(e)?;
            let current = calls::call(&state, Some(&p), id)
                .await?
                .call
                .department_codes();
            let form = form_from_post(&state, &p, &f, &current)
                .await?
                .with_errors(errors);
            let page = manage_page(
                &state,
                &p,
                &auth,
                id,
                Some(form),
                String::new(),
                Errs::default(),
                None,
            )
            .await?;
            crate::http::form::rejected(&page)
        }
    }
}

/// A file to download with the call (multipart: the CSRF token is in the
/// action's query string).
async fn add_file(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    form: Multipart,
) -> Result<Response, AppError> {
    // Refused before anything is stored.
    calls::managed_call(&state, &p, id).await?;
    let mut label = String::new();
    let result = match calls::upload::read(&state, form, "file").await {
        Ok((f, file)) => {
            label = f.get("label").to_owned();
            match file {
                Some(file) => calls::add_call_file(&state, &p, id, &label, file)
                    .await
                    .map_err(AppError::from),
                None => Err(AppError::invalid_field(
                    "file",
                    "Choisissez le fichier à déposer.",
                )),
            }
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!(
            "/gestion/appels/{id}?message=fichier-ajoute#fichiers"
        ))
        .into_response()),
        Err(e)
            if matches!(
                e.status,
                StatusCode::UNPROCESSABLE_ENTITY
                    | StatusCode::PAYLOAD_TOO_LARGE
                    | StatusCode::UNSUPPORTED_MEDIA_TYPE
            ) =>
        {
            let status = e.status;
            let errors = if e.fields.is_empty() {
                Errs(BTreeMap::from([("file".to_owned(), e.message)]))
            } else {
                Errs(e.fields)
            };
            let page = manage_page(&state, &p, &auth, id, None, label, errors, None).await?;
            Ok((status, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

async fn remove_file(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, file_id)): Id<(Uuid, Uuid)>,
) -> Result<Redirect, AppError> {
    calls::remove_call_file(&state, &p, id, file_id).await?;
    Ok(Redirect::to(&format!(
        "/gestion/appels/{id}?message=fichier-retire#fichiers"
    )))
}

#[derive(Template)]
#[template(path = "calls/publish.html")]
struct Publish {
    layout: Layout,
    id: Uuid,
    title: String,
    departments: String,
    modules: Vec<ModuleView>,
    files: usize,
    problems: Vec<String>,
}

async fn publish_view(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    id: Uuid,
    problems: Vec<String>,
) -> Result<Result<Publish, Redirect>, AppError> {
    let (v, _) = calls::managed_call(state, p, id).await?;
    if v.call.status == CallStatus::Published {
        return Ok(Err(Redirect::to(&format!(
            "/gestion/appels/{id}?message=deja-publie"
        ))));
    }
    let now = state.now();
    let title = if problems.is_empty() {
        format!("Publier « {} »", v.call.title)
    } else {
        format!("Erreur : publier « {} »", v.call.title)
    };
    Ok(Ok(Publish {
        layout: Layout::new(auth, title),
        id,
        departments: calls::departments_label(&v.call, &v.call.department_codes()),
        modules: v.modules.iter().map(|m| ModuleView::new(m, now)).collect(),
        files: v.files.len(),
        title: v.call.title,
        problems,
    }))
}

/// The confirmation before publishing.
async fn publish_page(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    match publish_view(&state, &p, &auth, id, Vec::new()).await? {
        Ok(page) => Ok(render(&page)?.into_response()),
        Err(redirect) => Ok(redirect.into_response()),
    }
}

async fn publish(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    match calls::publish(&state, &p, id).await.map_err(AppError::from) {
        Ok(()) => {
            Ok(Redirect::to(&format!("/gestion/appels/{id}?message=appel-publie")).into_response())
        }
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            match publish_view(&state, &p, &auth, id, sentences(&e.message)).await? {
                Ok(page) => crate::http::form::rejected(&page),
                Err(redirect) => Ok(redirect.into_response()),
            }
        }
        Err(e) => Err(e),
    }
}

/// The problems of a refused publication, one per sentence (the service
/// joins them with a space).
fn sentences(message: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        current.push(c);
        if c == '.' && chars.peek() == Some(&' ') {
            let mut rest = chars.clone();
            rest.next();
            if rest.peek().is_some_and(|n| n.is_uppercase()) {
                chars.next();
                out.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.trim().is_empty() {
        out.push(current);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::sentences;

    #[test]
    fn problems_are_split_by_sentence() {
        assert_eq!(
            sentences(
                "Le module M1 n'a pas de grille de notation : ajoutez au moins un critère. La date limite du module M1 est passée : reportez-la avant de publier."
            ),
            [
                "Le module M1 n'a pas de grille de notation : ajoutez au moins un critère.",
                "La date limite du module M1 est passée : reportez-la avant de publier."
            ]
        );
        assert_eq!(sentences("Une seule."), ["Une seule."]);
    }
}
