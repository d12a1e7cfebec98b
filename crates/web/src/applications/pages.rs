//! Applications to calls, as the applicant structure and the staff of the
//! call see them: start an application, fill the form, upload the pieces,
//! file it and read the receipt, answer a complement request, withdraw.
//! Every check is in `calls::*`; these handlers read forms and render.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use axum::{
    Router,
    extract::{DefaultBodyLimit, Multipart, Query, State},
    http::StatusCode,
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use documents::{filetype::FileType, receipt::french_size};
use domain::{
    NetworkScope, Principal, access::DepartmentScope, call::ApplicationStatus,
    clock::french_instant,
};
use serde::Deserialize;
use store::{
    applications::{Application, Document},
    calls::{Call, Module},
    claims::ClaimStatus,
};
use uuid::Uuid;

use crate::http::Id;
use crate::http::form::{ErrorLink, Errs, Fields, error_links};
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser, MaybeUser},
    calls::{self, ApplicationDraft, CallView, exports},
    view::{Layout, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/candidatures", get(mine))
        .route("/appels/{id}/candidater", get(apply_page).post(apply))
        .route("/candidatures/{id}", get(show).post(save))
        .route(
            "/candidatures/{id}/pieces",
            // The size limit is enforced while streaming (`calls::upload`).
            post(upload).layer(DefaultBodyLimit::disable()),
        )
        .route("/candidatures/{id}/pieces/{doc}", get(download))
        .route(
            "/candidatures/{id}/pieces/{doc}/suppression",
            post(delete_document),
        )
        .route("/candidatures/{id}/depot", post(submit))
        .route("/candidatures/{id}/complement", post(complement))
        .route(
            "/candidatures/{id}/retrait",
            get(withdraw_page).post(withdraw),
        )
        .route("/candidatures/{id}/accuses/{receipt}", get(receipt))
        .route("/candidatures/{id}/accuses/{receipt}/pdf", get(receipt_pdf))
        .route("/candidatures/{id}/audition.ics", get(audition_ics))
}

fn status_class(s: ApplicationStatus) -> &'static str {
    match s {
        ApplicationStatus::Submitted | ApplicationStatus::Retained => "badge badge-success",
        ApplicationStatus::ComplementRequested | ApplicationStatus::UnderReview => {
            "badge badge-warning"
        }
        ApplicationStatus::NotRetained | ApplicationStatus::Withdrawn => "badge badge-error",
        ApplicationStatus::Draft => "badge",
    }
}

/// Messages chosen by a code in the query string (never text from the URL).
fn message(code: Option<&str>) -> Option<&'static str> {
    Some(match code? {
        "creee" => {
            "La candidature est commencée : complétez le formulaire, déposez les pièces puis envoyez-la."
        }
        "enregistree" => "Le formulaire est enregistré.",
        "piece-deposee" => "La pièce est déposée.",
        "piece-supprimee" => "La pièce est supprimée.",
        "complement-demande" => {
            "La demande de complément est enregistrée : la structure est prévenue par e-mail."
        }
        "retiree" => "La candidature est retirée.",
        _ => return None,
    })
}

#[derive(Deserialize, Default)]
struct MessageQuery {
    message: Option<String>,
}

/// Only the applications of `p`'s own structures (not those it reads as
/// staff).
fn own_scope(p: &Principal) -> NetworkScope {
    NetworkScope {
        departments: DepartmentScope::Some(BTreeSet::new()),
        structures: p.referent_structures(),
        own_user: None,
    }
}

/// "Allier (03) et Puy-de-Dôme (63)" from the reference data.
async fn departments_names(state: &AppState, codes: &[String]) -> Result<String, AppError> {
    let all = store::reference::departments(&state.db).await?;
    let names: Vec<String> = codes
        .iter()
        .map(|c| {
            all.iter()
                .find(|d| &d.code == c)
                .map_or_else(|| c.clone(), |d| format!("{} ({c})", d.name))
        })
        .collect();
    Ok(match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} et {last}", rest.join(", ")),
    })
}

/// Why an account with no structure cannot apply yet.
async fn pending_claim(state: &AppState, p: &Principal) -> Result<Option<String>, AppError> {
    Ok(services::network::signup::my_claims(state, p)
        .await?
        .into_iter()
        .find(|c| c.status == ClaimStatus::Pending)
        .map(|c| c.structure_name))
}

// ---------- "Mes candidatures" ----------

struct MineRow {
    id: Uuid,
    call_title: String,
    module_code: String,
    structure_name: String,
    departments: String,
    status_label: &'static str,
    status_class: &'static str,
    updated: String,
}

#[derive(Template)]
#[template(path = "applications/mine.html")]
struct Mine {
    layout: Layout,
    rows: Vec<MineRow>,
    has_structure: bool,
    pending_claim: Option<String>,
}

async fn mine(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
) -> Result<Response, AppError> {
    let structures = p.referent_structures();
    if structures.is_empty() && p.is_staff() {
        return Ok(Redirect::to("/gestion/appels").into_response());
    }
    let (items, _) = store::applications::list(
        &state.db,
        &own_scope(&p),
        &store::applications::Filter {
            limit: 500,
            ..Default::default()
        },
    )
    .await?;
    let mut rows = Vec::new();
    for a in items {
        rows.push(MineRow {
            departments: departments_names(&state, &a.departments).await?,
            status_label: a.status.label(),
            status_class: status_class(a.status),
            updated: french_instant(a.updated_at),
            id: a.id,
            call_title: a.call_title,
            module_code: a.module_code,
            structure_name: a.structure_name,
        });
    }
    let pending_claim = if structures.is_empty() {
        pending_claim(&state, &p).await?
    } else {
        None
    };
    Ok(render(&Mine {
        layout: Layout::new(&auth, "Mes candidatures"),
        rows,
        has_structure: !structures.is_empty(),
        pending_claim,
    })?
    .into_response())
}

// ---------- Starting an application ----------

struct ModuleOption {
    code: String,
    title: String,
    deadline: String,
    open: bool,
    selected: bool,
}

struct QuestionField {
    /// `answers.<key>`: the field's name and id.
    name: String,
    label: String,
    value: String,
    error: Option<String>,
}

struct DepOption {
    code: String,
    label: String,
    checked: bool,
}

struct StructureOption {
    id: Uuid,
    name: String,
    selected: bool,
}

/// The module chosen on the form, with what it asks.
struct ChosenModule {
    code: String,
    title: String,
    deadline: String,
    open: bool,
    service: String,
    pieces: Vec<String>,
}

/// A refusal of the whole form (409), with a way out.
struct Problem {
    text: String,
    link: Option<(String, &'static str)>,
}

#[derive(Template)]
#[template(path = "applications/apply.html")]
struct Apply {
    layout: Layout,
    call_id: Uuid,
    call_title: String,
    modules: Vec<ModuleOption>,
    chosen: Option<ChosenModule>,
    departments: Vec<DepOption>,
    structures: Vec<StructureOption>,
    structure_name: String,
    summary_text: String,
    questions: Vec<QuestionField>,
    errors: Errs,
    summary: Vec<ErrorLink>,
    problem: Option<Problem>,
    /// The account answers for no structure yet.
    no_structure: bool,
    pending_claim: Option<String>,
}

#[derive(Deserialize, Default)]
struct ApplyQuery {
    module: Option<String>,
}

fn answers_of(f: &Fields) -> BTreeMap<String, String> {
    f.0.iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("answers.")
                .map(|q| (q.to_owned(), v.clone()))
        })
        .collect()
}

fn question_fields(
    m: &Module,
    answers: &BTreeMap<String, String>,
    errors: &Errs,
) -> Vec<QuestionField> {
    m.spec
        .questions
        .iter()
        .map(|q| {
            let name = format!("answers.{}", q.key);
            QuestionField {
                error: errors.on(&name).map(str::to_owned),
                value: answers.get(&q.key).cloned().unwrap_or_default(),
                label: q.label.clone(),
                name,
            }
        })
        .collect()
}

fn department_options(call: &Call, checked: &[String]) -> Vec<DepOption> {
    let single = call.departments.len() == 1;
    call.departments
        .iter()
        .map(|d| DepOption {
            label: format!("{} ({})", d.name, d.department),
            checked: single || checked.contains(&d.department),
            code: d.department.clone(),
        })
        .collect()
}

const APPLY_ORDER: [&str; 5] = [
    "module",
    "structure_id",
    "departments",
    "summary",
    "answers",
];

#[allow(clippy::too_many_arguments)]
async fn apply_view(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    v: &CallView,
    module: Option<&str>,
    d: &ApplicationDraft,
    errors: Errs,
    problem: Option<Problem>,
) -> Result<Apply, AppError> {
    let now = state.now();
    let chosen_code = module
        .map(|m| m.trim().to_uppercase())
        .filter(|m| v.module(m).is_some())
        .or_else(|| match v.modules.as_slice() {
            [only] => Some(only.spec.code.clone()),
            _ => None,
        });
    let modules = v
        .modules
        .iter()
        .map(|m| ModuleOption {
            code: m.spec.code.clone(),
            title: m.spec.title.clone(),
            deadline: m.spec.deadline.french(),
            open: m.spec.deadline.accepts(now),
            selected: chosen_code.as_deref() == Some(m.spec.code.as_str()),
        })
        .collect();
    let module = chosen_code.as_deref().and_then(|c| v.module(c));
    let chosen = module.map(|m| ChosenModule {
        code: m.spec.code.clone(),
        title: m.spec.title.clone(),
        deadline: m.spec.deadline.french(),
        open: m.spec.deadline.accepts(now),
        service: m.spec.service_period_french(),
        pieces: m
            .spec
            .required_documents
            .iter()
            .map(|r| r.label.clone())
            .collect(),
    });
    let questions = module.map_or_else(Vec::new, |m| question_fields(m, &d.answers, &errors));
    let mine = p.referent_structures();
    let (own, _) = store::structures::list(
        &state.db,
        &own_scope(p),
        &store::structures::Filter {
            limit: 100,
            ..Default::default()
        },
    )
    .await?;
    let structures: Vec<StructureOption> = own
        .iter()
        .filter(|s| mine.contains(&s.id))
        .map(|s| StructureOption {
            id: s.id,
            name: s.name.clone(),
            selected: d.structure_id == Some(s.id),
        })
        .collect();
    let structure_name = match structures.as_slice() {
        [one] => one.name.clone(),
        _ => String::new(),
    };
    let no_structure = mine.is_empty();
    let pending_claim = if no_structure {
        pending_claim(state, p).await?
    } else {
        None
    };
    let title = if errors.any() || problem.is_some() {
        format!("Erreur : candidater — {}", v.call.title)
    } else {
        format!("Candidater — {}", v.call.title)
    };
    Ok(Apply {
        layout: Layout::new(auth, title),
        call_id: v.call.id,
        call_title: v.call.title.clone(),
        modules,
        chosen,
        departments: department_options(&v.call, &d.departments),
        structures,
        structure_name,
        summary_text: d.summary.clone(),
        questions,
        summary: error_links(&errors, &APPLY_ORDER, &APPLY_ANCHORS),
        errors,
        problem,
        no_structure,
        pending_claim,
    })
}

/// The "departments" error points at the group of checkboxes.
const DEPARTMENTS_ANCHOR: [(&str, &str); 1] = [("departments", "departments-group")];

/// The form to start an application: the module is chosen before it (no
/// field to go to).
const APPLY_ANCHORS: [(&str, &str); 2] = [("departments", "departments-group"), ("module", "")];

fn login_redirect(path_and_query: &str) -> Response {
    let q = serde_urlencoded::to_string([("suivant", path_and_query)]).unwrap_or_default();
    Redirect::to(&format!("/connexion?{q}")).into_response()
}

async fn apply_page(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
    Id(id): Id,
    Query(q): Query<ApplyQuery>,
) -> Result<Response, AppError> {
    let Some(p) = auth.principal.clone() else {
        let module = q.module.as_deref().filter(|m| {
            !m.is_empty()
                && m.len() <= 10
                && m.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        });
        let path = match module {
            Some(m) => format!("/appels/{id}/candidater?module={m}"),
            None => format!("/appels/{id}/candidater"),
        };
        return Ok(login_redirect(&path));
    };
    let v = calls::call(&state, Some(&p), id).await?;
    let page = apply_view(
        &state,
        &p,
        &auth,
        &v,
        q.module.as_deref(),
        &ApplicationDraft::default(),
        Errs::default(),
        None,
    )
    .await?;
    if page.no_structure {
        return Ok((StatusCode::FORBIDDEN, render(&page)?).into_response());
    }
    Ok(render(&page)?.into_response())
}

fn draft_of(f: &Fields) -> ApplicationDraft {
    ApplicationDraft {
        module: f.get("module").to_owned(),
        departments: f.all("departments"),
        structure_id: Uuid::parse_str(f.get("structure_id").trim()).ok(),
        summary: f.get("summary").to_owned(),
        answers: answers_of(f),
    }
}

/// The live application of the structure for that module (to link to it
/// when a second one is refused).
async fn existing(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    d: &ApplicationDraft,
) -> Result<Option<Uuid>, AppError> {
    let structure_id = d.structure_id.or_else(|| {
        let mine = p.referent_structures();
        (mine.len() == 1).then(|| *mine.iter().next().expect("one"))
    });
    let (items, _) = store::applications::list(
        &state.db,
        &own_scope(p),
        &store::applications::Filter {
            call_id: Some(call_id),
            module_code: Some(d.module.trim().to_uppercase()),
            structure_id,
            limit: 10,
            ..Default::default()
        },
    )
    .await?;
    Ok(items
        .into_iter()
        .find(|a| a.status != ApplicationStatus::Withdrawn)
        .map(|a| a.id))
}

async fn apply(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    fields: Fields,
) -> Result<Response, AppError> {
    let call_id = id;
    let draft = draft_of(&fields);
    match calls::create_application(&state, &p, call_id, &draft)
        .await
        .map_err(AppError::from)
    {
        Ok(app) => Ok(Redirect::to(&format!("/candidatures/{app}?message=creee")).into_response()),
        Err(e)
            if e.status == StatusCode::UNPROCESSABLE_ENTITY || e.status == StatusCode::CONFLICT =>
        {
            let status = e.status;
            let v = calls::call(&state, Some(&p), call_id).await?;
            let (errors, problem) = if status == StatusCode::CONFLICT {
                let link = if e.code == "application_exists" {
                    existing(&state, &p, call_id, &draft).await?.map(|a| {
                        (
                            format!("/candidatures/{a}"),
                            "Reprendre la candidature existante",
                        )
                    })
                } else {
                    None
                };
                (
                    Errs::default(),
                    Some(Problem {
                        text: e.message,
                        link,
                    }),
                )
            } else {
                (Errs::from_error(e)?, None)
            };
            let page = apply_view(
                &state,
                &p,
                &auth,
                &v,
                Some(draft.module.as_str()),
                &draft,
                errors,
                problem,
            )
            .await?;
            Ok((status, render(&page)?).into_response())
        }
        Err(e) => Err(e),
    }
}

// ---------- One application ----------

struct DocView {
    id: Uuid,
    file_name: String,
    type_label: &'static str,
    size: String,
    sha256: String,
    sha_short: String,
    filed: bool,
    uploaded: String,
}

impl DocView {
    fn new(d: &Document) -> Self {
        Self {
            id: d.id,
            file_name: d.file_name.clone(),
            type_label: FileType::parse(&d.file_type).map_or("fichier", FileType::label),
            size: french_size(u64::try_from(d.size).unwrap_or(0)),
            sha_short: d.sha256.chars().take(12).collect(),
            sha256: d.sha256.clone(),
            filed: d.filed,
            uploaded: french_instant(store::from_micros(d.uploaded_at)),
        }
    }
}

struct PieceRow {
    kind: String,
    label: String,
    docs: Vec<DocView>,
    missing: bool,
}

struct MessageView {
    staff: bool,
    author: String,
    body: String,
    at: String,
}

/// The audition slot given to the application.
struct AuditionView {
    /// "jeudi 18 mars 2027 à 9 h 30".
    when: String,
    duration: i64,
    place: String,
    video_link: String,
}

struct ReceiptLink {
    id: Uuid,
    number: String,
    at: String,
}

/// What a refused action leaves on the page.
#[derive(Default)]
struct Feedback {
    /// Values typed in the form, kept after a refusal.
    form: Option<ApplicationDraft>,
    errors: Errs,
    /// A refusal shown at the top of the page.
    alert: Option<String>,
    /// Why the application could not be sent (next to the button).
    submit_error: Option<String>,
    /// Kinds of the required pieces found missing.
    missing: Vec<String>,
    answer: String,
    complement: String,
    complement_error: Option<String>,
    message: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "applications/show.html")]
#[expect(
    clippy::struct_excessive_bools,
    reason = "what the page shows, by role and state"
)]
struct Show {
    layout: Layout,
    a: Application,
    status_label: &'static str,
    status_class: &'static str,
    module_title: String,
    filed_version: i64,
    current_version: i64,
    deadline: String,
    deadline_passed: bool,
    departments_label: String,
    submitted_at: Option<String>,
    is_applicant: bool,
    is_staff: bool,
    editable: bool,
    is_draft: bool,
    answering: bool,
    can_withdraw: bool,
    can_request_complement: bool,
    departments: Vec<DepOption>,
    summary_text: String,
    questions: Vec<QuestionField>,
    pieces: Vec<PieceRow>,
    others: Vec<DocView>,
    messages: Vec<MessageView>,
    receipts: Vec<ReceiptLink>,
    audition: Option<AuditionView>,
    /// The result letter and the convention, once the decision is
    /// validated.
    letter_sent: bool,
    convention_sent: bool,
    errors: Errs,
    summary: Vec<ErrorLink>,
    alert: Option<String>,
    submit_error: Option<String>,
    answer: String,
    complement: String,
    complement_error: Option<String>,
}

async fn show_view(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    id: Uuid,
    fb: Feedback,
) -> Result<Show, AppError> {
    let a = calls::application(state, p, id).await?;
    let v = calls::call(state, Some(p), a.call_id).await?;
    let (filed, current) = calls::modules_of(state, &a).await?;
    let is_applicant = calls::is_applicant(p, &a);
    let is_staff = calls::is_staff_of(p, &a);
    let editable = is_applicant && a.status.editable();
    let docs = store::applications::documents(&state.db, id).await?;
    let required = &current.spec.required_documents;
    let pieces = required
        .iter()
        .map(|r| PieceRow {
            kind: r.kind.clone(),
            label: r.label.clone(),
            docs: docs
                .iter()
                .filter(|d| d.kind == r.kind)
                .map(DocView::new)
                .collect(),
            missing: fb.missing.contains(&r.kind),
        })
        .collect();
    let others = docs
        .iter()
        .filter(|d| !required.iter().any(|r| r.kind == d.kind))
        .map(DocView::new)
        .collect();
    let messages = store::applications::messages(&state.db, id)
        .await?
        .into_iter()
        .map(|m| MessageView {
            staff: m.side == "staff",
            author: m.author,
            body: m.body,
            at: french_instant(store::from_micros(m.created_at)),
        })
        .collect();
    let receipts = store::applications::receipts(&state.db, id)
        .await?
        .into_iter()
        .map(|r| ReceiptLink {
            id: r.id,
            number: r.number,
            at: calls::french_instant_seconds(r.issued_at),
        })
        .collect();
    let audition = services::auditions::audition_of(state, p, id)
        .await?
        .map(|s| AuditionView {
            when: services::auditions::french_start(s.starts_at),
            duration: s.duration_minutes,
            place: s.place,
            video_link: s.video_link,
        });
    // Once the decision is validated the letters are readable (made on
    // the first download if the CAF has not prepared them yet); a retained
    // application also has its convention.
    let letter_sent = matches!(
        a.status,
        ApplicationStatus::Retained | ApplicationStatus::NotRetained
    );
    let convention_sent = a.status == ApplicationStatus::Retained;
    let form = fb.form.unwrap_or_else(|| ApplicationDraft {
        module: a.module_code.clone(),
        departments: a.departments.clone(),
        structure_id: Some(a.structure_id),
        summary: a.summary.clone(),
        answers: a.answers.clone(),
    });
    let mut questions = question_fields(&current, &form.answers, &fb.errors);
    // Answers to questions the module no longer asks stay readable.
    for (k, val) in &a.answers {
        if !current.spec.questions.iter().any(|q| &q.key == k) && !val.is_empty() {
            questions.push(QuestionField {
                name: format!("answers.{k}"),
                label: k.clone(),
                value: val.clone(),
                error: None,
            });
        }
    }
    let departments = department_options(&v.call, &form.departments);
    let title = if fb.errors.any() || fb.alert.is_some() || fb.submit_error.is_some() {
        format!(
            "Erreur : candidature {} — {}",
            a.module_code, a.structure_name
        )
    } else {
        format!("Candidature {} — {}", a.module_code, a.structure_name)
    };
    let mut layout = Layout::new(auth, title);
    if let Some(m) = fb.message {
        layout = layout.with_flash("success", m);
    }
    let summary = error_links(
        &fb.errors,
        &["departments", "summary", "answers"],
        &DEPARTMENTS_ANCHOR,
    );
    Ok(Show {
        layout,
        status_label: a.status.label(),
        status_class: status_class(a.status),
        module_title: current.spec.title.clone(),
        filed_version: filed.version,
        current_version: current.version,
        deadline: current.spec.deadline.french(),
        deadline_passed: !current.spec.deadline.accepts(state.now()),
        departments_label: calls::departments_label(&v.call, &a.departments),
        submitted_at: a.submitted_at.map(calls::french_instant_seconds),
        is_applicant,
        is_staff,
        editable,
        is_draft: a.status == ApplicationStatus::Draft,
        answering: is_applicant && a.status == ApplicationStatus::ComplementRequested,
        can_withdraw: is_applicant && !a.status.is_final(),
        can_request_complement: is_staff
            && matches!(
                a.status,
                ApplicationStatus::Submitted
                    | ApplicationStatus::UnderReview
                    | ApplicationStatus::ComplementRequested
            ),
        departments,
        summary_text: form.summary,
        questions,
        pieces,
        others,
        messages,
        receipts,
        audition,
        letter_sent,
        convention_sent,
        errors: fb.errors,
        summary,
        alert: fb.alert,
        submit_error: fb.submit_error,
        answer: fb.answer,
        complement: fb.complement,
        complement_error: fb.complement_error,
        a,
    })
}

async fn render_show(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    id: Uuid,
    status: StatusCode,
    fb: Feedback,
) -> Result<Response, AppError> {
    let page = show_view(state, p, auth, id, fb).await?;
    Ok((status, render(&page)?).into_response())
}

async fn show(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    Query(q): Query<MessageQuery>,
) -> Result<Response, AppError> {
    let fb = Feedback {
        message: message(q.message.as_deref()),
        ..Feedback::default()
    };
    render_show(&state, &p, &auth, id, StatusCode::OK, fb).await
}

/// Errors a page shows in place (invalid fields, a state conflict, a
/// refused file); others go to the error page.
fn shown_in_place(e: &AppError) -> bool {
    matches!(
        e.status,
        StatusCode::UNPROCESSABLE_ENTITY
            | StatusCode::CONFLICT
            | StatusCode::PAYLOAD_TOO_LARGE
            | StatusCode::UNSUPPORTED_MEDIA_TYPE
    )
}

async fn save(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    fields: Fields,
) -> Result<Response, AppError> {
    let draft = draft_of(&fields);
    match calls::save_form(&state, &p, id, &draft)
        .await
        .map_err(AppError::from)
    {
        Ok(()) => {
            Ok(Redirect::to(&format!("/candidatures/{id}?message=enregistree")).into_response())
        }
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let fb = Feedback {
                form: Some(draft),
                errors: Errs::from_error(e)?,
                ..Feedback::default()
            };
            render_show(&state, &p, &auth, id, StatusCode::UNPROCESSABLE_ENTITY, fb).await
        }
        Err(e) if shown_in_place(&e) => {
            let status = e.status;
            let fb = Feedback {
                alert: Some(e.message),
                ..Feedback::default()
            };
            render_show(&state, &p, &auth, id, status, fb).await
        }
        Err(e) => Err(e),
    }
}

async fn upload(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    form: Multipart,
) -> Result<Response, AppError> {
    // 404 before reading a byte of a file for an application not visible.
    calls::application(&state, &p, id).await?;
    let result = match calls::upload::read(&state, form, "file").await {
        Ok((f, Some(file))) => calls::add_document(&state, &p, id, f.get("kind"), file)
            .await
            .map_err(AppError::from)
            .map(|_| ()),
        Ok((_, None)) => Err(AppError::invalid_field(
            "file",
            "Choisissez un fichier à déposer.",
        )),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(
            Redirect::to(&format!("/candidatures/{id}?message=piece-deposee#pieces"))
                .into_response(),
        ),
        Err(e) if shown_in_place(&e) => {
            let status = e.status;
            let text = e
                .fields
                .values()
                .next()
                .cloned()
                .filter(|_| status == StatusCode::UNPROCESSABLE_ENTITY)
                .unwrap_or(e.message);
            let fb = Feedback {
                alert: Some(format!("Le fichier n'a pas été déposé. {text}")),
                ..Feedback::default()
            };
            render_show(&state, &p, &auth, id, status, fb).await
        }
        Err(e) => Err(e),
    }
}

async fn download(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, doc)): Id<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    let (_, d) = calls::document(&state, &p, id, doc).await?;
    exports::stored(&state, &d.sha256, d.size, &d.file_type, &d.file_name).await
}

async fn delete_document(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id((id, doc)): Id<(Uuid, Uuid)>,
    _f: Fields,
) -> Result<Response, AppError> {
    match calls::delete_document(&state, &p, id, doc)
        .await
        .map_err(AppError::from)
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/candidatures/{id}?message=piece-supprimee#pieces"
        ))
        .into_response()),
        Err(e) if shown_in_place(&e) => {
            let status = e.status;
            let fb = Feedback {
                alert: Some(e.message),
                ..Feedback::default()
            };
            render_show(&state, &p, &auth, id, status, fb).await
        }
        Err(e) => Err(e),
    }
}

async fn submit(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    let answer = f.get("message").trim().to_owned();
    let msg = (!answer.is_empty()).then_some(answer.as_str());
    match calls::submit(&state, &p, id, msg)
        .await
        .map_err(AppError::from)
    {
        Ok((_, r)) => {
            Ok(Redirect::to(&format!("/candidatures/{id}/accuses/{}", r.id)).into_response())
        }
        Err(e) if shown_in_place(&e) => {
            let status = e.status;
            let missing = e
                .fields
                .keys()
                .filter_map(|k| k.strip_prefix("documents."))
                .map(str::to_owned)
                .collect();
            let fb = Feedback {
                submit_error: Some(e.message),
                missing,
                answer,
                ..Feedback::default()
            };
            render_show(&state, &p, &auth, id, status, fb).await
        }
        Err(e) => Err(e),
    }
}

async fn complement(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    let text = f.get("complement_message").to_owned();
    match calls::request_complement(&state, &p, id, &text)
        .await
        .map_err(AppError::from)
    {
        Ok(_) => Ok(
            Redirect::to(&format!("/candidatures/{id}?message=complement-demande")).into_response(),
        ),
        Err(e) if shown_in_place(&e) => {
            let status = e.status;
            let fb = Feedback {
                complement_error: Some(e.fields.values().next().cloned().unwrap_or(e.message)),
                complement: text,
                ..Feedback::default()
            };
            render_show(&state, &p, &auth, id, status, fb).await
        }
        Err(e) => Err(e),
    }
}

#[derive(Template)]
#[template(path = "applications/withdraw.html")]
struct Withdraw {
    layout: Layout,
    a: Application,
}

async fn withdraw_page(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
) -> Result<Html<String>, AppError> {
    let a = calls::application(&state, &p, id).await?;
    if !calls::is_applicant(&p, &a) {
        return Err(AppError::forbidden(
            "Seule la structure candidate peut retirer sa candidature.",
        ));
    }
    if a.status.is_final() {
        return Err(AppError::conflict(
            "status",
            "Cette candidature est close : elle ne peut plus être retirée.",
        ));
    }
    render(&Withdraw {
        layout: Layout::new(&auth, "Retirer la candidature"),
        a,
    })
}

async fn withdraw(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
    _f: Fields,
) -> Result<Redirect, AppError> {
    calls::withdraw(&state, &p, id).await?;
    Ok(Redirect::to(&format!("/candidatures/{id}?message=retiree")))
}

// ---------- Receipts ----------

struct ReceiptFile {
    label: String,
    filename: String,
    size: String,
    sha256: String,
}

#[derive(Template)]
#[template(path = "applications/receipt.html")]
struct ReceiptPage {
    layout: Layout,
    a: Application,
    number: String,
    receipt_id: Uuid,
    at: String,
    by: String,
    module: String,
    departments: String,
    files: Vec<ReceiptFile>,
}

/// A receipt of an application `p` may read, with what its PDF needs.
async fn receipt(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id((id, receipt)): Id<(Uuid, Uuid)>,
) -> Result<Html<String>, AppError> {
    let calls::ReceiptView {
        application: a,
        module,
        receipt: r,
        departments,
    } = calls::receipt(&state, &p, id, receipt).await?;
    let files = r
        .documents
        .iter()
        .map(|d| ReceiptFile {
            label: module.spec.document_label(&d.kind),
            filename: d.filename.clone(),
            size: french_size(d.size),
            sha256: d.sha256.clone(),
        })
        .collect();
    render(&ReceiptPage {
        layout: Layout::new(&auth, format!("Accusé de réception n° {}", r.number)),
        number: r.number.clone(),
        receipt_id: r.id,
        at: calls::french_instant_seconds(r.issued_at),
        by: r.submitted_by.clone(),
        module: format!("{} — {}", module.spec.code, module.spec.title),
        departments,
        files,
        a,
    })
}

async fn receipt_pdf(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, receipt)): Id<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    exports::receipt_pdf(&state, &p, id, receipt).await
}

/// The .ics of the application's audition (404 without one).
async fn audition_ics(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id(id): Id,
) -> Result<Response, AppError> {
    crate::auditions::ics_response(&state, &p, id).await
}
