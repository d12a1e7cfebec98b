//! Trainings over the API (API.md "Trainings"): the catalogue, sessions,
//! registrations with the waiting list, attendance, certificates and the
//! passport; certificates are verified without logging in.

use axum::{
    Json,
    extract::{Query, State},
    http::{StatusCode, header},
    response::{IntoResponse, Response},
};
use domain::{DepartmentCode, training::Attendance, training::TrainingKind};
use serde::{Deserialize, Serialize};
use services::trainings::{self, CertificateFacts, SessionDraft, SessionQuery, TrainingDraft};
use store::trainings::{Registration, Session, Training};
use utoipa::{IntoParams, ToSchema};
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use crate::http::Id;
use crate::http::json::{Page, rfc3339};
use crate::{AppError, AppState, auth::CurrentUser, calls::exports::attachment};

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_trainings, create_training))
        .routes(routes!(show_training))
        .routes(routes!(create_session))
        .routes(routes!(list_sessions))
        .routes(routes!(show_session, update_session))
        .routes(routes!(session_registrations, register))
        .routes(routes!(show_registration, cancel))
        .routes(routes!(approval))
        .routes(routes!(attendance))
        .routes(routes!(certificate_pdf))
        .routes(routes!(passport))
        .routes(routes!(verify_certificate))
        .merge(super::documents::api_router())
        .merge(super::survey::api_router())
}

fn page<T>(items: Vec<T>) -> Json<Page<T>> {
    let total = i64::try_from(items.len()).unwrap_or(0);
    Json(Page { items, total })
}

#[derive(Serialize, ToSchema)]
pub struct TrainingOut {
    id: String,
    title: String,
    theme: String,
    objectives: String,
    description: String,
    /// `initial`, `continuing` or `analysis`.
    kind: String,
    duration_minutes: i64,
    provider_structure_id: Option<String>,
    provider_name: Option<String>,
    departments: Vec<String>,
}

fn training_out(t: Training) -> TrainingOut {
    TrainingOut {
        id: t.id.to_string(),
        title: t.title,
        theme: t.theme,
        objectives: t.objectives,
        description: t.description,
        kind: t.kind.as_str().to_owned(),
        duration_minutes: t.duration_minutes,
        provider_structure_id: t.provider_structure_id.map(|u| u.to_string()),
        provider_name: t.provider_name,
        departments: t.departments.into_iter().map(String::from).collect(),
    }
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct TrainingIn {
    title: String,
    theme: String,
    objectives: String,
    description: String,
    /// `initial`, `continuing` (default) or `analysis`.
    kind: String,
    duration_minutes: Option<i64>,
    provider_structure_id: Option<Uuid>,
    /// The départements it is given in (the caller's, by default).
    departments: Vec<String>,
}

#[utoipa::path(post, path = "/api/v1/trainings", tag = "trainings", request_body = TrainingIn,
    responses((status = 201, body = TrainingOut), (status = 403), (status = 422)))]
pub async fn create_training(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Json(input): Json<TrainingIn>,
) -> Result<(StatusCode, Json<TrainingOut>), AppError> {
    let departments = if input.departments.is_empty() {
        p.training_departments()
            .into_iter()
            .map(String::from)
            .collect()
    } else {
        input.departments
    };
    let draft = TrainingDraft {
        title: input.title,
        theme: input.theme,
        objectives: input.objectives,
        description: input.description,
        kind: input.kind,
        duration_minutes: input.duration_minutes,
        provider_structure_id: input.provider_structure_id,
        departments,
    };
    let id = trainings::create_training(&state, &p, &draft).await?;
    let t = trainings::training(&state, &p, id).await?;
    Ok((StatusCode::CREATED, Json(training_out(t))))
}

#[utoipa::path(get, path = "/api/v1/trainings", tag = "trainings",
    responses((status = 200, body = Page<TrainingOut>)))]
pub async fn list_trainings(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
) -> Result<Json<Page<TrainingOut>>, AppError> {
    let items = trainings::trainings(&state, &p).await?;
    Ok(page(items.into_iter().map(training_out).collect()))
}

#[utoipa::path(get, path = "/api/v1/trainings/{id}", tag = "trainings", params(("id" = Uuid, Path, description = "Identifiant de la formation")),
    responses((status = 200, body = TrainingOut), (status = 404)))]
pub async fn show_training(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<TrainingOut>, AppError> {
    Ok(Json(training_out(
        trainings::training(&state, &p, id).await?,
    )))
}

#[derive(Serialize, ToSchema)]
pub struct PartOut {
    id: String,
    starts_at: String,
    ends_at: String,
}

#[derive(Serialize, ToSchema)]
pub struct SessionOut {
    id: String,
    training_id: String,
    training_title: String,
    kind: String,
    provider_name: Option<String>,
    place: String,
    online_url: String,
    departments: Vec<String>,
    capacity: i64,
    /// Seats held (registered or waiting for the employer's approval).
    registered: i64,
    waitlisted: i64,
    seats_left: i64,
    needs_approval: bool,
    registration_closes_at: String,
    registration_open: bool,
    starts_at: String,
    ends_at: String,
    /// The half-days, in order.
    parts: Vec<PartOut>,
}

fn session_out(s: Session, now: jiff::Timestamp) -> SessionOut {
    let seats_left = s.seats_left();
    let registration_open = s.open_at(now);
    SessionOut {
        id: s.id.to_string(),
        training_id: s.training_id.to_string(),
        training_title: s.training_title,
        kind: s.kind.as_str().to_owned(),
        provider_name: s.provider_name,
        place: s.place,
        online_url: s.online_url,
        departments: s.departments.into_iter().map(String::from).collect(),
        capacity: s.capacity,
        registered: s.held,
        waitlisted: s.waitlisted,
        seats_left,
        needs_approval: s.needs_approval,
        registration_closes_at: rfc3339(s.registration_closes_at),
        registration_open,
        starts_at: rfc3339(s.starts_at),
        ends_at: rfc3339(s.ends_at),
        parts: s
            .parts
            .into_iter()
            .map(|p| PartOut {
                id: p.id.to_string(),
                starts_at: rfc3339(p.starts_at),
                ends_at: rfc3339(p.ends_at),
            })
            .collect(),
    }
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct PartIn {
    starts_at: String,
    ends_at: String,
}

#[derive(Serialize, Deserialize, ToSchema, Default)]
#[serde(default)]
pub struct SessionIn {
    /// RFC 3339 (with its offset). With `parts`, ignored.
    starts_at: String,
    ends_at: String,
    /// The half-days, when there are several.
    parts: Vec<PartIn>,
    place: String,
    online_url: String,
    /// Those of the training by default.
    departments: Vec<String>,
    capacity: Option<i64>,
    /// A promeneur registering itself waits for its employer's approval.
    needs_approval: bool,
    registration_closes_at: String,
}

#[utoipa::path(post, operation_id = "create_training_session", path = "/api/v1/trainings/{id}/sessions", tag = "trainings", params(("id" = Uuid, Path, description = "Identifiant de la formation")), request_body = SessionIn,
    responses((status = 201, body = SessionOut), (status = 403), (status = 404), (status = 422)))]
pub async fn create_session(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<SessionIn>,
) -> Result<(StatusCode, Json<SessionOut>), AppError> {
    let draft = SessionDraft {
        starts_at: input.starts_at,
        ends_at: input.ends_at,
        parts: input
            .parts
            .into_iter()
            .map(|x| trainings::PartDraft {
                starts_at: x.starts_at,
                ends_at: x.ends_at,
            })
            .collect(),
        place: input.place,
        online_url: input.online_url,
        departments: input.departments,
        capacity: input.capacity,
        needs_approval: input.needs_approval,
        registration_closes_at: input.registration_closes_at,
    };
    let sid = trainings::create_session(&state, &p, id, &draft).await?;
    let s = trainings::session(&state, &p, sid).await?;
    Ok((StatusCode::CREATED, Json(session_out(s, state.now()))))
}

#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct SessionsQuery {
    /// `03`, `63`…
    department: Option<String>,
    /// `initial`, `continuing` or `analysis`.
    kind: Option<String>,
    training_id: Option<Uuid>,
    /// Past sessions too.
    past: bool,
}

#[utoipa::path(get, operation_id = "list_training_sessions", path = "/api/v1/sessions", tag = "trainings", params(SessionsQuery),
    responses((status = 200, body = Page<SessionOut>), (status = 422)))]
pub async fn list_sessions(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Query(q): Query<SessionsQuery>,
) -> Result<Json<Page<SessionOut>>, AppError> {
    let department = q
        .department
        .filter(|d| !d.is_empty())
        .map(|d| DepartmentCode::parse(&d))
        .transpose()
        .map_err(|_| AppError::invalid_field("department", "Département inconnu."))?;
    let kind = q
        .kind
        .filter(|k| !k.is_empty())
        .map(|k| TrainingKind::parse(&k).ok_or(()))
        .transpose()
        .map_err(|()| AppError::invalid_field("kind", "Type de formation inconnu."))?;
    let list = trainings::sessions(
        &state,
        &p,
        &SessionQuery {
            department,
            kind,
            training_id: q.training_id,
            past: q.past,
        },
    )
    .await?;
    let now = state.now();
    Ok(page(
        list.into_iter().map(|s| session_out(s, now)).collect(),
    ))
}

#[utoipa::path(get, operation_id = "show_training_session", path = "/api/v1/sessions/{id}", tag = "trainings", params(("id" = Uuid, Path, description = "Identifiant de la session")),
    responses((status = 200, body = SessionOut), (status = 404)))]
pub async fn show_session(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<SessionOut>, AppError> {
    let s = trainings::session(&state, &p, id).await?;
    Ok(Json(session_out(s, state.now())))
}

#[derive(Deserialize, ToSchema)]
pub struct SessionPatch {
    /// Never under the seats held (422 with the number); a larger one
    /// promotes the waiting list.
    capacity: i64,
}

#[utoipa::path(patch, operation_id = "update_training_session", path = "/api/v1/sessions/{id}", tag = "trainings", params(("id" = Uuid, Path, description = "Identifiant de la session")), request_body = SessionPatch,
    responses((status = 200, body = SessionOut), (status = 403), (status = 404), (status = 422)))]
pub async fn update_session(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<SessionPatch>,
) -> Result<Json<SessionOut>, AppError> {
    let s = trainings::set_capacity(&state, &p, id, input.capacity).await?;
    Ok(Json(session_out(s, state.now())))
}

#[derive(Serialize, ToSchema)]
pub struct AttendanceOut {
    part_id: String,
    /// `present`, `absent`, `late`, `excused`, or null when not marked.
    status: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct RegistrationOut {
    id: String,
    session_id: String,
    promeneur_id: String,
    promeneur_name: String,
    structure_name: String,
    /// `pending_approval`, `registered`, `waitlisted`, `cancelled` or `refused`.
    status: String,
    /// Rank on the waiting list (1: next in line).
    position: Option<i64>,
    attendance: Vec<AttendanceOut>,
    /// Set once every half-day was attended.
    certificate_code: Option<String>,
    created_at: String,
}

fn registration_out(r: Registration) -> RegistrationOut {
    RegistrationOut {
        id: r.id.to_string(),
        session_id: r.session_id.to_string(),
        promeneur_id: r.promeneur_id.to_string(),
        promeneur_name: r.promeneur_name,
        structure_name: r.structure_name,
        status: r.status.as_str().to_owned(),
        position: r.position,
        attendance: r
            .attendance
            .iter()
            .map(|(part, a)| AttendanceOut {
                part_id: part.to_string(),
                status: a.map(|a| a.as_str().to_owned()),
            })
            .collect(),
        certificate_code: r.certificate_code,
        created_at: rfc3339(r.created_at),
    }
}

#[utoipa::path(get, path = "/api/v1/sessions/{id}/registrations", tag = "trainings", params(("id" = Uuid, Path, description = "Identifiant de la session")),
    responses((status = 200, body = Page<RegistrationOut>), (status = 403), (status = 404)))]
pub async fn session_registrations(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<Page<RegistrationOut>>, AppError> {
    let (_, regs) = trainings::session_registrations(&state, &p, id).await?;
    Ok(page(regs.into_iter().map(registration_out).collect()))
}

#[derive(Deserialize, ToSchema)]
pub struct RegistrationIn {
    promeneur_id: Uuid,
}

#[derive(Serialize, ToSchema)]
pub struct RegisteredOut {
    id: String,
    /// `registered`, `waitlisted` or `pending_approval`.
    status: String,
    position: Option<i64>,
}

#[utoipa::path(post, operation_id = "create_registration", path = "/api/v1/sessions/{id}/registrations", tag = "trainings", params(("id" = Uuid, Path, description = "Identifiant de la session")), request_body = RegistrationIn,
    responses((status = 201, body = RegisteredOut), (status = 404), (status = 409), (status = 422)))]
pub async fn register(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<RegistrationIn>,
) -> Result<(StatusCode, Json<RegisteredOut>), AppError> {
    let r = trainings::register(&state, &p, id, input.promeneur_id).await?;
    Ok((
        StatusCode::CREATED,
        Json(RegisteredOut {
            id: r.id.to_string(),
            status: r.status.as_str().to_owned(),
            position: r.position,
        }),
    ))
}

#[utoipa::path(get, path = "/api/v1/registrations/{id}", tag = "trainings", params(("id" = Uuid, Path, description = "Identifiant de l'inscription")),
    responses((status = 200, body = RegistrationOut), (status = 404)))]
pub async fn show_registration(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<RegistrationOut>, AppError> {
    let (r, _) = trainings::registration(&state, &p, id).await?;
    Ok(Json(registration_out(r)))
}

#[utoipa::path(delete, operation_id = "cancel_registration", path = "/api/v1/registrations/{id}", tag = "trainings", params(("id" = Uuid, Path, description = "Identifiant de l'inscription")),
    responses((status = 204, description = "Annulée ; la première personne de la liste d'attente prend la place"), (status = 403), (status = 404), (status = 409)))]
pub async fn cancel(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<StatusCode, AppError> {
    trainings::cancel(&state, &p, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, ToSchema)]
pub struct ApprovalIn {
    approve: bool,
}

#[utoipa::path(post, operation_id = "approve_registration", path = "/api/v1/registrations/{id}/approval", tag = "trainings", params(("id" = Uuid, Path, description = "Identifiant de l'inscription")), request_body = ApprovalIn,
    responses((status = 200, body = RegistrationOut), (status = 403), (status = 404), (status = 409)))]
pub async fn approval(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<ApprovalIn>,
) -> Result<Json<RegistrationOut>, AppError> {
    trainings::approve(&state, &p, id, input.approve).await?;
    let (r, _) = trainings::registration(&state, &p, id).await?;
    Ok(Json(registration_out(r)))
}

#[derive(Deserialize, ToSchema)]
pub struct AttendanceIn {
    /// `present`, `absent`, `late` or `excused`.
    status: String,
    /// One half-day (its id); every half-day when absent.
    part_id: Option<Uuid>,
}

#[utoipa::path(put, operation_id = "mark_attendance", path = "/api/v1/registrations/{id}/attendance", tag = "trainings", params(("id" = Uuid, Path, description = "Identifiant de l'inscription")), request_body = AttendanceIn,
    responses((status = 200, body = RegistrationOut), (status = 403), (status = 404), (status = 422)))]
pub async fn attendance(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    Json(input): Json<AttendanceIn>,
) -> Result<Json<RegistrationOut>, AppError> {
    let mark = Attendance::parse(&input.status).ok_or_else(|| {
        AppError::invalid_field(
            "status",
            "Présence attendue : present, absent, late ou excused.",
        )
    })?;
    let r = trainings::mark_attendance(&state, &p, id, input.part_id, mark).await?;
    Ok(Json(registration_out(r)))
}

#[utoipa::path(get, path = "/api/v1/registrations/{id}/certificate.pdf", tag = "trainings", params(("id" = Uuid, Path, description = "Identifiant de l'inscription")),
    responses((status = 200, content_type = "application/pdf"), (status = 404), (status = 409, description = "Absent à une demi-journée au moins")))]
pub async fn certificate_pdf(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    let bytes = trainings::certificate_pdf(&state, &p, id).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/pdf".to_owned()),
            (
                header::CONTENT_DISPOSITION,
                attachment("attestation-de-formation.pdf"),
            ),
            (header::CACHE_CONTROL, "private, no-store".to_owned()),
        ],
        bytes,
    )
        .into_response())
}

#[derive(Serialize, ToSchema)]
pub struct PassportLine {
    registration: RegistrationOut,
    session: SessionOut,
}

#[utoipa::path(get, path = "/api/v1/promeneurs/{id}/trainings", tag = "trainings", params(("id" = Uuid, Path, description = "Identifiant du promeneur")),
    responses((status = 200, body = Page<PassportLine>), (status = 404)))]
pub async fn passport(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Json<Page<PassportLine>>, AppError> {
    let now = state.now();
    let lines = trainings::passport(&state, &p, id).await?;
    Ok(page(
        lines
            .into_iter()
            .map(|l| PassportLine {
                registration: registration_out(l.registration),
                session: session_out(l.session, now),
            })
            .collect(),
    ))
}

#[derive(Serialize, ToSchema)]
pub struct CertificateOut {
    code: String,
    valid: bool,
    promeneur: String,
    structure: String,
    training: String,
    kind: String,
    provider: Option<String>,
    half_days: Vec<String>,
}

fn certificate_out(f: CertificateFacts) -> CertificateOut {
    CertificateOut {
        code: f.code,
        valid: true,
        promeneur: f.promeneur,
        structure: f.structure,
        training: f.training,
        kind: f.kind.as_str().to_owned(),
        provider: f.provider,
        half_days: f.half_days,
    }
}

#[utoipa::path(get, path = "/api/v1/public/certificates/{code}", tag = "public", params(("code" = String, Path, description = "Code de vérification de l'attestation")),
    responses((status = 200, body = CertificateOut), (status = 404, description = "Aucune attestation n'a ce code")))]
pub async fn verify_certificate(
    State(state): State<AppState>,
    axum::extract::Path(code): axum::extract::Path<String>,
) -> Result<Json<CertificateOut>, AppError> {
    trainings::verify_certificate(&state, &code)
        .await?
        .map(|f| Json(certificate_out(f)))
        .ok_or_else(|| AppError::from(services::ServiceError::NotFound))
}
