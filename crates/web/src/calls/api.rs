//! Calls for applications over the API (API.md "Calls for applications"):
//! calls and their modules, files, relaunch. The applications to a call
//! are `crate::applications::api`.

use std::collections::BTreeMap;

use axum::{
    Json,
    extract::{DefaultBodyLimit, Multipart, State},
    http::StatusCode,
    response::Response,
};
use domain::call::{Criterion, CriterionDraft, ModuleDraft, Question, RequiredDocument};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;

use crate::http::json::{Page, rfc3339};
use utoipa_axum::{
    router::{OpenApiRouter, UtoipaMethodRouterExt},
    routes,
};

use crate::http::Id;
use crate::{
    AppError, AppState,
    auth::{CurrentUser, MaybeUser},
    calls::{self, CallDraft, CallView, ContactDraft, exports, upload},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_calls, create_call))
        .routes(routes!(show_call, update_call))
        .routes(routes!(publish))
        .routes(routes!(put_module, delete_module))
        .routes(routes!(module_versions))
        .routes(routes!(relaunch))
        .routes(routes!(add_file).layer(DefaultBodyLimit::disable()))
        .routes(routes!(get_file, delete_file))
}

// --------------------------------------------------------------------- calls

#[derive(Serialize, Deserialize, ToSchema, Clone)]
pub struct CriterionIo {
    key: String,
    label: String,
    weight: i64,
    max_score: i64,
}

#[derive(Serialize, Deserialize, ToSchema, Clone)]
pub struct RequiredDocumentIo {
    kind: String,
    label: String,
}

#[derive(Serialize, Deserialize, ToSchema, Clone)]
pub struct QuestionIo {
    key: String,
    label: String,
}

/// A module as sent: dates `YYYY-MM-DD`; the deadline an RFC 3339 instant,
/// a local date-time or a date alone (then 23:59:59 in Paris); the
/// decision window `YYYY-MM` or `YYYY-MM/YYYY-MM`.
#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ModuleIn {
    code: String,
    title: String,
    description: String,
    service_starts_on: String,
    service_ends_on: String,
    deadline: String,
    audition_on: Option<String>,
    decision_window: Option<String>,
    min_applications: Option<i64>,
    quality_threshold: Option<i64>,
    criteria: Vec<CriterionIo>,
    required_documents: Vec<RequiredDocumentIo>,
    questions: Vec<QuestionIo>,
}

impl ModuleIn {
    fn draft(self) -> ModuleDraft {
        ModuleDraft {
            code: self.code,
            title: self.title,
            description: self.description,
            service_starts_on: self.service_starts_on,
            service_ends_on: self.service_ends_on,
            deadline: self.deadline,
            audition_on: self.audition_on,
            decision_window: self.decision_window,
            min_applications: self.min_applications,
            quality_threshold: self.quality_threshold,
            criteria: self
                .criteria
                .into_iter()
                .map(|c| CriterionDraft {
                    key: c.key,
                    label: c.label,
                    weight: c.weight,
                    max_score: c.max_score,
                })
                .collect(),
            required_documents: self
                .required_documents
                .into_iter()
                .map(|d| RequiredDocument {
                    kind: d.kind,
                    label: d.label,
                })
                .collect(),
            questions: self
                .questions
                .into_iter()
                .map(|q| Question {
                    key: q.key,
                    label: q.label,
                })
                .collect(),
        }
    }
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ContactIn {
    name: String,
    email: String,
    phone: String,
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct CallIn {
    title: String,
    description: String,
    departments: Vec<String>,
    /// Contact per département code; empty fields take the CAF's contact.
    contacts: BTreeMap<String, ContactIn>,
    modules: Vec<ModuleIn>,
}

impl CallIn {
    fn draft(&mut self) -> CallDraft {
        CallDraft {
            title: std::mem::take(&mut self.title),
            description: std::mem::take(&mut self.description),
            departments: std::mem::take(&mut self.departments),
            contacts: std::mem::take(&mut self.contacts)
                .into_iter()
                .map(|(k, c)| {
                    (
                        k,
                        ContactDraft {
                            name: c.name,
                            email: c.email,
                            phone: c.phone,
                        },
                    )
                })
                .collect(),
        }
    }
}

#[derive(Serialize, ToSchema)]
#[schema(as = CallDepartment)]
pub struct DepartmentOut {
    code: String,
    name: String,
    caf_name: String,
    contact_name: String,
    contact_email: String,
    contact_phone: String,
}

#[derive(Serialize, ToSchema)]
pub struct ModuleOut {
    id: String,
    code: String,
    version: i64,
    title: String,
    description: String,
    service_starts_on: String,
    service_ends_on: String,
    deadline: String,
    /// "dimanche 17 mars 2024 à 23 h 59".
    deadline_label: String,
    /// Whether applications are still accepted now.
    open: bool,
    audition_on: Option<String>,
    decision_window: Option<String>,
    min_applications: u32,
    quality_threshold: Option<u32>,
    criteria: Vec<CriterionIo>,
    required_documents: Vec<RequiredDocumentIo>,
    questions: Vec<QuestionIo>,
}

#[derive(Serialize, ToSchema)]
pub struct FileOut {
    id: String,
    label: String,
    filename: String,
    #[serde(rename = "type")]
    file_type: String,
    size: i64,
    sha256: String,
}

#[derive(Serialize, ToSchema)]
pub struct CallOut {
    id: String,
    title: String,
    description: String,
    status: String,
    departments: Vec<DepartmentOut>,
    modules: Vec<ModuleOut>,
    files: Vec<FileOut>,
    published_at: Option<String>,
    created_at: String,
    updated_at: String,
    /// The call this one relaunches.
    relaunch_of: Option<String>,
    /// The calls relaunching a module of this one (`null` in lists).
    relaunches: Option<Vec<RelaunchOut>>,
}

#[derive(Serialize, ToSchema)]
pub struct RelaunchOut {
    id: String,
    title: String,
}

fn criterion_out(c: &Criterion) -> CriterionIo {
    CriterionIo {
        key: c.key.clone(),
        label: c.label.clone(),
        weight: i64::from(c.weight),
        max_score: i64::from(c.max_score),
    }
}

fn module_out(m: &store::calls::Module, now: jiff::Timestamp) -> ModuleOut {
    let s = &m.spec;
    ModuleOut {
        id: m.id.to_string(),
        code: s.code.clone(),
        version: m.version,
        title: s.title.clone(),
        description: s.description.clone(),
        service_starts_on: s.service_starts_on.to_string(),
        service_ends_on: s.service_ends_on.to_string(),
        deadline: s.deadline.rfc3339(),
        deadline_label: s.deadline.french(),
        open: s.deadline.accepts(now),
        audition_on: s.audition_on.map(|d| d.to_string()),
        decision_window: s.decision_window.map(domain::call::DecisionWindow::encode),
        min_applications: s.min_applications,
        quality_threshold: s.quality_threshold,
        criteria: s.criteria.iter().map(criterion_out).collect(),
        required_documents: s
            .required_documents
            .iter()
            .map(|d| RequiredDocumentIo {
                kind: d.kind.clone(),
                label: d.label.clone(),
            })
            .collect(),
        questions: s
            .questions
            .iter()
            .map(|q| QuestionIo {
                key: q.key.clone(),
                label: q.label.clone(),
            })
            .collect(),
    }
}

fn call_out(v: &CallView, now: jiff::Timestamp) -> CallOut {
    let c = &v.call;
    CallOut {
        id: c.id.to_string(),
        title: c.title.clone(),
        description: c.description.clone(),
        status: c.status.as_str().to_owned(),
        departments: c
            .departments
            .iter()
            .map(|d| DepartmentOut {
                code: d.department.to_string(),
                name: d.name.clone(),
                caf_name: d.caf_name.clone(),
                contact_name: d.contact_name.clone(),
                contact_email: d.contact_email.clone(),
                contact_phone: d.contact_phone.clone(),
            })
            .collect(),
        modules: v.modules.iter().map(|m| module_out(m, now)).collect(),
        files: v
            .files
            .iter()
            .map(|f| FileOut {
                id: f.id.to_string(),
                label: f.label.clone(),
                filename: f.file_name.clone(),
                file_type: f.file_type.clone(),
                size: f.size,
                sha256: f.sha256.clone(),
            })
            .collect(),
        published_at: c.published_at.map(rfc3339),
        created_at: rfc3339(c.created_at),
        updated_at: rfc3339(c.updated_at),
        relaunch_of: c.relaunch_of.map(|r| r.to_string()),
        relaunches: None,
    }
}

/// One call with the calls relaunching it.
async fn call_json(state: &AppState, v: &CallView) -> Result<CallOut, AppError> {
    let mut out = call_out(v, state.now());
    out.relaunches = Some(
        calls::relaunches(state, v)
            .await?
            .into_iter()
            .map(|(id, title)| RelaunchOut {
                id: id.to_string(),
                title,
            })
            .collect(),
    );
    Ok(out)
}

#[utoipa::path(get, path = "/api/v1/calls", tag = "calls",
    responses((status = 200, body = Page<CallOut>, description = "Appels publiés, et les brouillons des départements de l'agent")))]
pub async fn list_calls(
    State(state): State<AppState>,
    MaybeUser(p): MaybeUser,
) -> Result<Json<Page<CallOut>>, AppError> {
    let now = state.now();
    let items: Vec<CallOut> = calls::call_views(&state, p.principal.as_ref())
        .await?
        .iter()
        .map(|v| call_out(v, now))
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(0);
    Ok(Json(Page { items, total }))
}

#[utoipa::path(post, path = "/api/v1/calls", tag = "calls", request_body = CallIn,
    responses((status = 201, body = CallOut), (status = 403), (status = 422)))]
pub async fn create_call(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Json(mut input): Json<CallIn>,
) -> Result<(StatusCode, Json<CallOut>), AppError> {
    let draft = input.draft();
    let modules: Vec<ModuleDraft> = input.modules.into_iter().map(ModuleIn::draft).collect();
    let id = calls::create_call(&state, &p, &draft, &modules).await?;
    let v = calls::call(&state, Some(&p), id).await?;
    Ok((StatusCode::CREATED, Json(call_out(&v, state.now()))))
}

#[utoipa::path(get, path = "/api/v1/calls/{id}", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de l'appel")),
    responses((status = 200, body = CallOut), (status = 404)))]
pub async fn show_call(
    State(state): State<AppState>,
    MaybeUser(p): MaybeUser,
    Id(id): Id,
) -> Result<Json<CallOut>, AppError> {
    let v = calls::call(&state, p.principal.as_ref(), id).await?;
    Ok(Json(call_json(&state, &v).await?))
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct RelaunchIn {
    department: String,
    /// The new deadline (a date); every date of the module moves with it.
    deadline: String,
}

#[utoipa::path(post, path = "/api/v1/calls/{id}/modules/{code}/relaunch", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("code" = String, Path, description = "Code du module")), request_body = RelaunchIn,
    responses((status = 201, body = CallOut, description = "Le nouvel appel, en brouillon"), (status = 403), (status = 404),
              (status = 409, description = "not_unsuccessful"), (status = 422)))]
pub async fn relaunch(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    Json(input): Json<RelaunchIn>,
) -> Result<(StatusCode, Json<CallOut>), AppError> {
    let new =
        services::relaunch::relaunch(&state, &p, id, &code, &input.department, &input.deadline)
            .await?;
    let v = calls::call(&state, Some(&p), new).await?;
    Ok((StatusCode::CREATED, Json(call_json(&state, &v).await?)))
}

#[utoipa::path(put, path = "/api/v1/calls/{id}", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de l'appel")), request_body = CallIn,
    responses((status = 200, body = CallOut), (status = 403), (status = 404), (status = 422)))]
pub async fn update_call(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(mut input): Json<CallIn>,
) -> Result<Json<CallOut>, AppError> {
    calls::update_call(&state, &p, id, &input.draft()).await?;
    let v = calls::call(&state, Some(&p), id).await?;
    Ok(Json(call_out(&v, state.now())))
}

#[utoipa::path(post, path = "/api/v1/calls/{id}/publish", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de l'appel")),
    responses((status = 200, body = CallOut), (status = 404), (status = 409), (status = 422)))]
pub async fn publish(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<CallOut>, AppError> {
    calls::publish(&state, &p, id).await?;
    let v = calls::call(&state, Some(&p), id).await?;
    Ok(Json(call_out(&v, state.now())))
}

#[utoipa::path(put, path = "/api/v1/calls/{id}/modules/{code}", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("code" = String, Path, description = "Code du module")), request_body = ModuleIn,
    responses((status = 200, body = ModuleOut, description = "Écrit en place tant que l'appel est un brouillon ; une nouvelle version une fois publié"),
              (status = 404), (status = 422)))]
pub async fn put_module(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    Json(mut input): Json<ModuleIn>,
) -> Result<Json<ModuleOut>, AppError> {
    input.code = code;
    let version = calls::put_module(&state, &p, id, &input.draft()).await?;
    let m = calls::module_version(&state, Some(&p), id, version).await?;
    Ok(Json(module_out(&m, state.now())))
}

#[utoipa::path(delete, path = "/api/v1/calls/{id}/modules/{code}", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("code" = String, Path, description = "Code du module")),
    responses((status = 204), (status = 404), (status = 409)))]
pub async fn delete_module(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
) -> Result<StatusCode, AppError> {
    calls::remove_module(&state, &p, id, &code).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[utoipa::path(get, path = "/api/v1/calls/{id}/modules/{code}/versions", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("code" = String, Path, description = "Code du module")),
    responses((status = 200, body = Page<ModuleOut>), (status = 404)))]
pub async fn module_versions(
    State(state): State<AppState>,
    MaybeUser(p): MaybeUser,
    Id((id, code)): Id<(Uuid, String)>,
) -> Result<Json<Page<ModuleOut>>, AppError> {
    let versions = calls::module_versions(&state, p.principal.as_ref(), id, &code).await?;
    let items: Vec<ModuleOut> = versions
        .iter()
        .map(|m| module_out(m, state.now()))
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(0);
    Ok(Json(Page { items, total }))
}

#[utoipa::path(post, path = "/api/v1/calls/{id}/files", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de l'appel")),
    request_body(content_type = "multipart/form-data", description = "`label`, `file`"),
    responses((status = 201, body = FileOut), (status = 404), (status = 413), (status = 415), (status = 422)))]
pub async fn add_file(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    form: Multipart,
) -> Result<(StatusCode, Json<FileOut>), AppError> {
    // Refuse early, before reading the body, whoever may not manage it.
    calls::managed_call(&state, &p, id).await?;
    let (fields, file) = upload::read(&state, form, "file").await?;
    let file = file.ok_or_else(|| AppError::invalid_field("file", "Joignez un fichier."))?;
    let file_id = calls::add_call_file(&state, &p, id, fields.get("label"), file).await?;
    let f = calls::call(&state, Some(&p), id)
        .await?
        .files
        .into_iter()
        .find(|f| f.id == file_id)
        .ok_or_else(AppError::not_found)?;
    Ok((
        StatusCode::CREATED,
        Json(FileOut {
            id: f.id.to_string(),
            label: f.label,
            filename: f.file_name,
            file_type: f.file_type,
            size: f.size,
            sha256: f.sha256,
        }),
    ))
}

#[utoipa::path(get, path = "/api/v1/calls/{id}/files/{file_id}", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("file_id" = Uuid, Path, description = "Identifiant du fichier")),
    responses((status = 200, description = "Le fichier, en pièce jointe"), (status = 404)))]
pub async fn get_file(
    State(state): State<AppState>,
    MaybeUser(p): MaybeUser,
    Id((id, file_id)): Id<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    exports::call_file(&state, p.principal.as_ref(), id, file_id).await
}

#[utoipa::path(delete, path = "/api/v1/calls/{id}/files/{file_id}", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("file_id" = Uuid, Path, description = "Identifiant du fichier")),
    responses((status = 204), (status = 404)))]
pub async fn delete_file(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, file_id)): Id<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    calls::remove_call_file(&state, &p, id, file_id).await?;
    Ok(StatusCode::NO_CONTENT)
}
