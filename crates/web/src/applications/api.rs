//! Applications to calls over the API (API.md "Calls for applications"):
//! applications, documents, submission and receipts, complement requests,
//! withdrawal, exports of a module.

use std::collections::BTreeMap;

use axum::{
    Json,
    extract::{DefaultBodyLimit, Multipart, Query, State},
    http::StatusCode,
    response::Response,
};
use domain::call::ApplicationStatus;
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
    auth::CurrentUser,
    calls::{self, ApplicationDraft, exports, upload},
};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(module_documents))
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
        .routes(routes!(messages, post_message))
        .routes(routes!(withdraw))
}

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
        uploaded_at: rfc3339(d.uploaded_at),
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
        departments: a.departments.iter().map(ToString::to_string).collect(),
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

/// A page of the API from a listing of the service.
fn page(listed: calls::Listed) -> Page<ApplicationOut> {
    let docs = listed.documents;
    Page {
        items: listed
            .items
            .into_iter()
            .map(|a| application_out(a, &docs))
            .collect(),
        total: listed.total,
    }
}

async fn application_json(
    state: &AppState,
    p: &domain::Principal,
    id: Uuid,
) -> Result<ApplicationOut, AppError> {
    let (a, docs) = calls::with_documents(state, p, id).await?;
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
    let filter = q.filter(v.call.id, &paging)?;
    Ok(Json(page(
        calls::filed_applications(&state, &p, &v, filter).await?,
    )))
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
    let format = crate::http::sheet::parse_format(q.format.as_deref())?;
    let paging = Paging {
        limit: Some(10_000),
        offset: None,
    };
    let mut filter = q.filter(v.call.id, &paging)?;
    filter.limit = 10_000;
    let listed = calls::filed_applications(&state, &p, &v, filter).await?;
    exports::applications_sheet(&listed.items, &listed.documents, format, "candidatures").await
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
    let listed = calls::own_applications(
        &state,
        &p,
        &store::applications::Filter {
            limit: paging.limit(),
            offset: paging.offset(),
            ..Default::default()
        },
    )
    .await?;
    Ok(Json(page(listed)))
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
    let list = calls::receipts(&state, &p, id).await?;
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
    /// `message`, `complement_request` or `complement_answer`.
    kind: String,
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
    let items: Vec<MessageOut> = calls::messages(&state, &p, id)
        .await?
        .into_iter()
        .map(message_out)
        .collect();
    let total = i64::try_from(items.len()).unwrap_or(0);
    Ok(Json(Page { items, total }))
}

fn message_out(m: store::applications::Message) -> MessageOut {
    MessageOut {
        id: m.id.to_string(),
        side: m.side,
        kind: m.kind,
        author: m.author,
        body: m.body,
        created_at: rfc3339(m.created_at),
    }
}

#[derive(Deserialize, ToSchema)]
pub struct MessageIn {
    /// 1 to 10 000 characters.
    body: String,
}

/// A message to the other side: from the applicant to the CAF agents of the
/// application's départements, or from the call's staff to the applicant's
/// referents; e-mailed, kept in the thread. The same text sent twice in a
/// row by the same author is kept once (the first message is returned).
#[utoipa::path(post, path = "/api/v1/applications/{id}/messages", tag = "calls", params(("id" = Uuid, Path, description = "Identifiant de la candidature")), request_body = MessageIn,
    responses((status = 201, body = MessageOut), (status = 403), (status = 404), (status = 409), (status = 422), (status = 429)))]
pub async fn post_message(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<MessageIn>,
) -> Result<(StatusCode, Json<MessageOut>), AppError> {
    let message_id = calls::post_message(&state, &p, id, &input.body).await?;
    let m = calls::messages(&state, &p, id)
        .await?
        .into_iter()
        .find(|m| m.id == message_id)
        .ok_or_else(|| AppError::from(services::ServiceError::NotFound))?;
    Ok((StatusCode::CREATED, Json(message_out(m))))
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
