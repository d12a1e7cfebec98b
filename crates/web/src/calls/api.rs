//! Calls for applications over the API (API.md "Calls for applications"):
//! calls and their modules, files, applications, documents, submission
//! and receipts, complement requests, withdrawal, exports.

use std::collections::BTreeMap;

use axum::{
    Json,
    extract::{DefaultBodyLimit, Multipart, Query, State},
    http::StatusCode,
    response::Response,
};
use documents::export::ExportFormat;
use domain::call::{
    ApplicationStatus, Criterion, CriterionDraft, ModuleDraft, Question, RequiredDocument,
};
use serde::{Deserialize, Serialize};
use store::applications::{Application, Document, Receipt};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

use crate::http::json::{Page, Paging, rfc3339};
use utoipa_axum::{
    router::{OpenApiRouter, UtoipaMethodRouterExt},
    routes,
};

use crate::http::Id;
use crate::{
    AppError, AppState,
    auth::{CurrentUser, MaybeUser},
    calls::{self, ApplicationDraft, CallDraft, CallView, ContactDraft, exports, upload},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_calls, create_call))
        .routes(routes!(show_call, update_call))
        .routes(routes!(publish))
        .routes(routes!(put_module, delete_module))
        .routes(routes!(module_versions))
        .routes(routes!(relaunch))
        .routes(routes!(module_documents))
        .routes(routes!(add_file).layer(DefaultBodyLimit::disable()))
        .routes(routes!(get_file, delete_file))
        .routes(routes!(call_applications, create_application))
        .routes(routes!(export_applications))
        .routes(routes!(my_applications))
        .routes(routes!(show_application, update_application))
        .routes(routes!(add_document).layer(DefaultBodyLimit::disable()))
        .routes(routes!(get_document, delete_document))
        .routes(routes!(submit))
        .routes(routes!(receipts))
        .routes(routes!(receipt_pdf))
        .routes(routes!(request_complement))
        .routes(routes!(messages))
        .routes(routes!(withdraw))
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
                code: d.department.clone(),
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
        store::calls::relaunches(&state.db, v.call.id)
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
    let m = store::calls::module(&state.db, version)
        .await?
        .ok_or_else(AppError::not_found)?;
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
    let v = calls::call(&state, p.principal.as_ref(), id).await?;
    let versions = store::calls::module_versions(&state.db, v.call.id, &code).await?;
    if versions.is_empty() {
        return Err(AppError::not_found());
    }
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
    let f = store::calls::files(&state.db, id)
        .await?
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

// -------------------------------------------------------------- applications

#[derive(Serialize, ToSchema)]
pub struct DocumentOut {
    id: String,
    kind: String,
    filename: String,
    #[serde(rename = "type")]
    file_type: String,
    size: i64,
    sha256: String,
    /// Part of a filing: kept as filed.
    filed: bool,
    uploaded_at: String,
}

fn document_out(d: &Document) -> DocumentOut {
    DocumentOut {
        id: d.id.to_string(),
        kind: d.kind.clone(),
        filename: d.file_name.clone(),
        file_type: d.file_type.clone(),
        size: d.size,
        sha256: d.sha256.clone(),
        filed: d.filed,
        uploaded_at: rfc3339(store::from_micros(d.uploaded_at)),
    }
}

#[derive(Serialize, ToSchema)]
pub struct ApplicationOut {
    id: String,
    call_id: String,
    call_title: String,
    module: String,
    module_version: i64,
    departments: Vec<String>,
    structure_id: String,
    structure_name: String,
    status: String,
    status_label: String,
    summary: String,
    answers: BTreeMap<String, String>,
    documents: Vec<DocumentOut>,
    submitted_at: Option<String>,
    withdrawn_at: Option<String>,
    created_at: String,
    updated_at: String,
}

fn application_out(a: Application, docs: &[Document]) -> ApplicationOut {
    ApplicationOut {
        id: a.id.to_string(),
        call_id: a.call_id.to_string(),
        call_title: a.call_title,
        module: a.module_code,
        module_version: a.module_version,
        departments: a.departments,
        structure_id: a.structure_id.to_string(),
        structure_name: a.structure_name,
        status: a.status.as_str().to_owned(),
        status_label: a.status.label().to_owned(),
        summary: a.summary,
        answers: a.answers,
        documents: docs
            .iter()
            .filter(|d| d.application_id == a.id)
            .map(document_out)
            .collect(),
        submitted_at: a.submitted_at.map(rfc3339),
        withdrawn_at: a.withdrawn_at.map(rfc3339),
        created_at: rfc3339(a.created_at),
        updated_at: rfc3339(a.updated_at),
    }
}

async fn application_json(
    state: &AppState,
    p: &domain::Principal,
    id: Uuid,
) -> Result<ApplicationOut, AppError> {
    let a = calls::application(state, p, id).await?;
    let docs = store::applications::documents(&state.db, id).await?;
    Ok(application_out(a, &docs))
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct ApplicationIn {
    module: String,
    departments: Vec<String>,
    structure_id: Option<String>,
    summary: String,
    answers: BTreeMap<String, String>,
}

impl ApplicationIn {
    fn draft(self) -> Result<ApplicationDraft, AppError> {
        let structure_id = match self.structure_id.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => Some(Uuid::parse_str(s).map_err(|_| AppError::not_found())?),
        };
        Ok(ApplicationDraft {
            module: self.module,
            departments: self.departments,
            structure_id,
            summary: self.summary,
            answers: self.answers,
        })
    }
}

#[utoipa::path(post, path = "/api/v1/calls/{id}/applications", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de l'appel")), request_body = ApplicationIn,
    responses((status = 201, body = ApplicationOut), (status = 404), (status = 409, description = "deadline_passed, application_exists"), (status = 422)))]
pub async fn create_application(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<ApplicationIn>,
) -> Result<(StatusCode, Json<ApplicationOut>), AppError> {
    let app_id = calls::create_application(&state, &p, id, &input.draft()?).await?;
    Ok((
        StatusCode::CREATED,
        Json(application_json(&state, &p, app_id).await?),
    ))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ApplicationQuery {
    module: Option<String>,
    department: Option<String>,
    status: Option<String>,
    format: Option<String>,
}

impl ApplicationQuery {
    fn filter(
        &self,
        call_id: Uuid,
        paging: &Paging,
    ) -> Result<store::applications::Filter, AppError> {
        let status = match self.status.as_deref().filter(|s| !s.is_empty()) {
            None => None,
            Some(s) => Some(
                ApplicationStatus::parse(s)
                    .ok_or_else(|| AppError::invalid_field("status", "Statut inconnu."))?,
            ),
        };
        Ok(store::applications::Filter {
            call_id: Some(call_id),
            module_code: self.module.clone().filter(|m| !m.is_empty()),
            department: self.department.clone().filter(|d| !d.is_empty()),
            status,
            // Staff lists: a draft is the applicant's own.
            filed_only: true,
            limit: paging.limit(),
            offset: paging.offset(),
            ..Default::default()
        })
    }
}

#[utoipa::path(get, path = "/api/v1/calls/{id}/applications", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ApplicationQuery, Paging),
    responses((status = 200, body = Page<ApplicationOut>), (status = 404)))]
pub async fn call_applications(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Query(q): Query<ApplicationQuery>,
    Query(paging): Query<Paging>,
) -> Result<Json<Page<ApplicationOut>>, AppError> {
    let v = calls::staff_call(&state, &p, id).await?;
    let (items, total) = store::applications::list(
        &state.db,
        &p.application_scope(),
        &q.filter(v.call.id, &paging)?,
    )
    .await?;
    let ids: Vec<Uuid> = items.iter().map(|a| a.id).collect();
    let docs = store::applications::documents_of(&state.db, &ids).await?;
    Ok(Json(Page {
        items: items
            .into_iter()
            .map(|a| application_out(a, &docs))
            .collect(),
        total,
    }))
}

#[utoipa::path(get, path = "/api/v1/calls/{id}/applications/export", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ApplicationQuery),
    responses((status = 200, description = "CSV, XLSX ou ODS (`format`)"), (status = 404)))]
pub async fn export_applications(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Query(q): Query<ApplicationQuery>,
) -> Result<Response, AppError> {
    let v = calls::staff_call(&state, &p, id).await?;
    let format = match q.format.as_deref() {
        None | Some("") => ExportFormat::Csv,
        Some(f) => ExportFormat::parse(f).ok_or_else(|| {
            AppError::invalid_field("format", "Format inconnu : csv, xlsx ou ods.")
        })?,
    };
    let paging = Paging {
        limit: Some(10_000),
        offset: None,
    };
    let mut filter = q.filter(v.call.id, &paging)?;
    filter.limit = 10_000;
    let (items, _) = store::applications::list(&state.db, &p.application_scope(), &filter).await?;
    let ids: Vec<Uuid> = items.iter().map(|a| a.id).collect();
    let docs = store::applications::documents_of(&state.db, &ids).await?;
    exports::applications_sheet(&items, &docs, format, "candidatures")
}

#[utoipa::path(get, path = "/api/v1/calls/{id}/modules/{code}/documents.zip", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de l'appel"), ("code" = String, Path, description = "Code du module")),
    responses((status = 200, content_type = "application/zip", description = "Les pièces des candidatures déposées du module, un dossier par structure"), (status = 404)))]
pub async fn module_documents(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
) -> Result<Response, AppError> {
    exports::module_zip(&state, &p, id, &code).await
}

#[utoipa::path(get, path = "/api/v1/applications", tag = "calls", params(Paging),
    responses((status = 200, body = Page<ApplicationOut>, description = "Les candidatures des structures de l'utilisateur")))]
pub async fn my_applications(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(paging): Query<Paging>,
) -> Result<Json<Page<ApplicationOut>>, AppError> {
    let scope = domain::NetworkScope {
        departments: domain::access::DepartmentScope::Some(std::collections::BTreeSet::new()),
        structures: p.referent_structures(),
        own_user: None,
    };
    let (items, total) = store::applications::list(
        &state.db,
        &scope,
        &store::applications::Filter {
            limit: paging.limit(),
            offset: paging.offset(),
            ..Default::default()
        },
    )
    .await?;
    let ids: Vec<Uuid> = items.iter().map(|a| a.id).collect();
    let docs = store::applications::documents_of(&state.db, &ids).await?;
    Ok(Json(Page {
        items: items
            .into_iter()
            .map(|a| application_out(a, &docs))
            .collect(),
        total,
    }))
}

#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de la candidature")),
    responses((status = 200, body = ApplicationOut), (status = 404)))]
pub async fn show_application(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<ApplicationOut>, AppError> {
    Ok(Json(application_json(&state, &p, id).await?))
}

#[utoipa::path(put, path = "/api/v1/applications/{id}", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de la candidature")), request_body = ApplicationIn,
    responses((status = 200, body = ApplicationOut), (status = 404), (status = 409, description = "not_editable"), (status = 422)))]
pub async fn update_application(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<ApplicationIn>,
) -> Result<Json<ApplicationOut>, AppError> {
    calls::save_form(&state, &p, id, &input.draft()?).await?;
    Ok(Json(application_json(&state, &p, id).await?))
}

#[utoipa::path(post, path = "/api/v1/applications/{id}/documents", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de la candidature")),
    request_body(content_type = "multipart/form-data", description = "`kind`, `file`"),
    responses((status = 201, body = DocumentOut), (status = 404), (status = 409), (status = 413), (status = 415), (status = 422)))]
pub async fn add_document(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    form: Multipart,
) -> Result<(StatusCode, Json<DocumentOut>), AppError> {
    // Refused before the body is read: another structure's application
    // (404), staff (403), a filed application (409).
    calls::may_upload(&state, &p, id).await?;
    let (fields, file) = upload::read(&state, form, "file").await?;
    let file = file.ok_or_else(|| AppError::invalid_field("file", "Joignez un fichier."))?;
    let d = calls::add_document(&state, &p, id, fields.get("kind"), file).await?;
    Ok((StatusCode::CREATED, Json(document_out(&d))))
}

#[utoipa::path(get, path = "/api/v1/applications/{id}/documents/{doc}", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de la candidature"), ("doc" = Uuid, Path, description = "Identifiant de la pièce")),
    responses((status = 200, description = "Le fichier, en pièce jointe"), (status = 404)))]
pub async fn get_document(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, doc)): Id<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    let (_, d) = calls::document(&state, &p, id, doc).await?;
    exports::stored(&state, &d.sha256, d.size, &d.file_type, &d.file_name).await
}

#[utoipa::path(delete, path = "/api/v1/applications/{id}/documents/{doc}", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de la candidature"), ("doc" = Uuid, Path, description = "Identifiant de la pièce")),
    responses((status = 204), (status = 404), (status = 409)))]
pub async fn delete_document(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, doc)): Id<(Uuid, Uuid)>,
) -> Result<StatusCode, AppError> {
    calls::delete_document(&state, &p, id, doc).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub struct ReceiptDocumentOut {
    kind: String,
    filename: String,
    size: u64,
    sha256: String,
}

#[derive(Serialize, ToSchema)]
pub struct ReceiptOut {
    id: String,
    number: String,
    issued_at: String,
    submitted_by: String,
    documents: Vec<ReceiptDocumentOut>,
}

fn receipt_out(r: &Receipt) -> ReceiptOut {
    ReceiptOut {
        id: r.id.to_string(),
        number: r.number.clone(),
        issued_at: rfc3339(r.issued_at),
        submitted_by: r.submitted_by.clone(),
        documents: r
            .documents
            .iter()
            .map(|d| ReceiptDocumentOut {
                kind: d.kind.clone(),
                filename: d.filename.clone(),
                size: d.size,
                sha256: d.sha256.clone(),
            })
            .collect(),
    }
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct SubmitIn {
    /// The answer to a complement request, kept in the thread.
    message: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct SubmitOut {
    status: String,
    submitted_at: String,
    receipt: ReceiptOut,
}

#[utoipa::path(post, path = "/api/v1/applications/{id}/submit", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de la candidature")), request_body(content = SubmitIn, description = "Facultatif"),
    responses((status = 200, body = SubmitOut), (status = 404), (status = 409, description = "deadline_passed, not_editable"), (status = 422, description = "missing_documents")))]
pub async fn submit(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    body: axum::body::Bytes,
) -> Result<Json<SubmitOut>, AppError> {
    let input: SubmitIn = if body.iter().all(u8::is_ascii_whitespace) {
        SubmitIn::default()
    } else {
        serde_json::from_slice(&body).map_err(|_| AppError::bad_request("Corps JSON illisible."))?
    };
    let (_, r) = calls::submit(&state, &p, id, input.message.as_deref()).await?;
    Ok(Json(SubmitOut {
        status: ApplicationStatus::Submitted.as_str().to_owned(),
        submitted_at: rfc3339(r.issued_at),
        receipt: receipt_out(&r),
    }))
}

#[utoipa::path(get, path = "/api/v1/applications/{id}/receipts", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de la candidature")),
    responses((status = 200, body = Page<ReceiptOut>), (status = 404)))]
pub async fn receipts(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<Page<ReceiptOut>>, AppError> {
    let a = calls::application(&state, &p, id).await?;
    let list = store::applications::receipts(&state.db, a.id).await?;
    let items: Vec<ReceiptOut> = list.iter().map(receipt_out).collect();
    let total = i64::try_from(items.len()).unwrap_or(0);
    Ok(Json(Page { items, total }))
}

#[utoipa::path(get, path = "/api/v1/applications/{id}/receipts/{rid}/pdf", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de la candidature"), ("rid" = Uuid, Path, description = "Identifiant de l'accusé de réception")),
    responses((status = 200, content_type = "application/pdf"), (status = 404)))]
pub async fn receipt_pdf(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, rid)): Id<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    exports::receipt_pdf(&state, &p, id, rid).await
}

#[derive(Deserialize, ToSchema)]
pub struct ComplementIn {
    message: String,
}

#[derive(Serialize, ToSchema)]
pub struct MessageOut {
    id: String,
    /// `staff` or `applicant`.
    side: String,
    author: String,
    body: String,
    created_at: String,
}

#[utoipa::path(post, path = "/api/v1/applications/{id}/complement-requests", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de la candidature")), request_body = ComplementIn,
    responses((status = 201, body = ApplicationOut), (status = 403), (status = 404), (status = 409), (status = 422)))]
pub async fn request_complement(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<ComplementIn>,
) -> Result<(StatusCode, Json<ApplicationOut>), AppError> {
    calls::request_complement(&state, &p, id, &input.message).await?;
    Ok((
        StatusCode::CREATED,
        Json(application_json(&state, &p, id).await?),
    ))
}

#[utoipa::path(get, path = "/api/v1/applications/{id}/messages", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de la candidature")),
    responses((status = 200, body = Page<MessageOut>), (status = 404)))]
pub async fn messages(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<Page<MessageOut>>, AppError> {
    let a = calls::application(&state, &p, id).await?;
    let items: Vec<MessageOut> = store::applications::messages(&state.db, a.id)
        .await?
        .into_iter()
        .map(|m| MessageOut {
            id: m.id.to_string(),
            side: m.side,
            author: m.author,
            body: m.body,
            created_at: rfc3339(store::from_micros(m.created_at)),
        })
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(0);
    Ok(Json(Page { items, total }))
}

#[utoipa::path(post, path = "/api/v1/applications/{id}/withdraw", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de la candidature")),
    responses((status = 200, body = ApplicationOut), (status = 404), (status = 409)))]
pub async fn withdraw(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<ApplicationOut>, AppError> {
    calls::withdraw(&state, &p, id).await?;
    Ok(Json(application_json(&state, &p, id).await?))
}
