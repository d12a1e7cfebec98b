//! One application: its form, its pieces, its filing, and the thread with
//! the applicant it shows (the thread's forms post in `thread`).

use super::apply::{
    DEPARTMENTS_ANCHOR, DepOption, QuestionField, department_options, draft_of, question_fields,
};
#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) struct DocView {
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
            uploaded: french_instant(d.uploaded_at),
        }
    }
}

pub(super) struct PieceRow {
    kind: String,
    label: String,
    docs: Vec<DocView>,
    /// Found missing by a refused sending.
    missing: bool,
}

pub(super) struct MessageView {
    staff: bool,
    /// "Demande de complément", "Message de la Caf"…
    title: &'static str,
    author: String,
    body: String,
    at: String,
}

/// The audition slot given to the application.
pub(super) struct AuditionView {
    /// "jeudi 18 mars 2027 à 9 h 30".
    when: String,
    duration: i64,
    place: String,
    video_link: String,
}

pub(super) struct ReceiptLink {
    id: Uuid,
    number: String,
    at: String,
}

/// What a refused action leaves on the page.
#[derive(Default)]
pub(super) struct Feedback {
    /// Values typed in the form, kept after a refusal.
    pub(super) form: Option<ApplicationDraft>,
    pub(super) errors: Errs,
    /// A refusal shown at the top of the page.
    pub(super) alert: Option<String>,
    /// Why the application could not be sent (next to the button).
    pub(super) submit_error: Option<String>,
    /// Kinds of the required pieces found missing.
    pub(super) missing: Vec<String>,
    pub(super) answer: String,
    pub(super) complement: String,
    pub(super) complement_error: Option<String>,
    /// A message to the other side, kept after a refusal.
    pub(super) conversation: String,
    pub(super) conversation_error: Option<String>,
    pub(super) message: Option<&'static str>,
}

#[derive(Template)]
#[template(path = "applications/show.html")]
#[expect(
    clippy::struct_excessive_bools,
    reason = "what the page shows, by role and state"
)]
pub(super) struct Show {
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
    /// The applicant or the call's staff may write to the other side.
    can_converse: bool,
    departments: Vec<DepOption>,
    summary_text: String,
    questions: Vec<QuestionField>,
    pieces: Vec<PieceRow>,
    /// The required pieces without a file yet: listed before the sending,
    /// which waits for them.
    lacking: Vec<(String, String)>,
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
    conversation: String,
    conversation_error: Option<String>,
}

/// What a message of the thread is, as its heading says.
fn message_title(side: &str, kind: &str) -> &'static str {
    match (side, kind) {
        (_, "complement_request") => "Demande de complément",
        (_, "complement_answer") => "Réponse de la structure à la demande de complément",
        ("staff", _) => "Message de la Caf",
        _ => "Message de la structure",
    }
}

pub(super) async fn show_view(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    id: Uuid,
    fb: Feedback,
) -> Result<Show, AppError> {
    let calls::Details {
        application: a,
        documents: docs,
        messages,
        receipts,
    } = calls::details(state, p, id).await?;
    let v = calls::call(state, Some(p), a.call_id).await?;
    let (filed, current) = calls::modules_of(state, &a).await?;
    let is_applicant = calls::is_applicant(p, &a);
    let is_staff = calls::is_staff_of(p, &a);
    let editable = is_applicant && a.status.editable();
    let required = &current.spec.required_documents;
    let pieces: Vec<PieceRow> = required
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
    let lacking = pieces
        .iter()
        .filter(|p| p.docs.is_empty())
        .map(|p| (p.kind.clone(), p.label.clone()))
        .collect();
    let others = docs
        .iter()
        .filter(|d| !required.iter().any(|r| r.kind == d.kind))
        .map(DocView::new)
        .collect();
    let messages = messages
        .into_iter()
        .map(|m| MessageView {
            staff: m.side == "staff",
            title: message_title(&m.side, &m.kind),
            author: m.author,
            body: m.body,
            at: french_instant(m.created_at),
        })
        .collect();
    let receipts = receipts
        .into_iter()
        .map(|r| ReceiptLink {
            id: r.id,
            number: r.number,
            at: calls::french_instant_weekday(r.issued_at),
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
        departments: a.departments.iter().map(ToString::to_string).collect(),
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
        submitted_at: a.submitted_at.map(calls::french_instant_weekday),
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
        can_converse: a.status.conversation().is_ok()
            && (is_applicant || p.call_staff(a.call_id, &a.departments).is_some()),
        departments,
        summary_text: form.summary,
        questions,
        pieces,
        lacking,
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
        conversation: fb.conversation,
        conversation_error: fb.conversation_error,
        a,
    })
}

pub(super) async fn render_show(
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

impl Feedback {
    /// A refusal shown at the top of the page.
    fn alert(text: String) -> Self {
        Self {
            alert: Some(text),
            ..Self::default()
        }
    }
}

/// The answer to a form of the application's page: the redirection `to`
/// makes of a success; the page again, under the refusal's status, with
/// what `feedback` makes of a refusal shown in place; any other error as
/// it is.
pub(super) async fn answer_form<T>(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    id: Uuid,
    result: Result<T, AppError>,
    to: impl FnOnce(T) -> String,
    feedback: impl FnOnce(AppError) -> Result<Feedback, AppError>,
) -> Result<Response, AppError> {
    match result {
        Ok(done) => Ok(Redirect::to(&to(done)).into_response()),
        Err(e) if shown_in_place(&e) => {
            let status = e.status;
            render_show(state, p, auth, id, status, feedback(e)?).await
        }
        Err(e) => Err(e),
    }
}

pub(super) async fn show(
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
pub(super) fn shown_in_place(e: &AppError) -> bool {
    matches!(
        e.status,
        StatusCode::UNPROCESSABLE_ENTITY
            | StatusCode::CONFLICT
            | StatusCode::PAYLOAD_TOO_LARGE
            | StatusCode::UNSUPPORTED_MEDIA_TYPE
            | StatusCode::TOO_MANY_REQUESTS
    )
}

pub(super) async fn save(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    fields: Fields,
) -> Result<Response, AppError> {
    let draft = draft_of(&fields);
    let result = calls::save_form(&state, &p, id, &draft)
        .await
        .map_err(AppError::from);
    answer_form(
        &state,
        &p,
        &auth,
        id,
        result,
        |()| format!("/candidatures/{id}?message=enregistree"),
        |e| {
            Ok(if e.status == StatusCode::UNPROCESSABLE_ENTITY {
                Feedback {
                    form: Some(draft),
                    errors: Errs::from_error(e)?,
                    ..Feedback::default()
                }
            } else {
                Feedback::alert(e.message)
            })
        },
    )
    .await
}

pub(super) async fn upload(
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
    answer_form(
        &state,
        &p,
        &auth,
        id,
        result,
        |()| format!("/candidatures/{id}?message=piece-deposee#pieces"),
        |e| {
            let text = e
                .fields
                .values()
                .next()
                .cloned()
                .filter(|_| e.status == StatusCode::UNPROCESSABLE_ENTITY)
                .unwrap_or(e.message);
            Ok(Feedback::alert(format!(
                "Le fichier n'a pas été déposé. {text}"
            )))
        },
    )
    .await
}

pub(super) async fn download(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, doc)): Id<(Uuid, Uuid)>,
) -> Result<Response, AppError> {
    let (_, d) = calls::document(&state, &p, id, doc).await?;
    exports::stored(&state, &d.sha256, d.size, &d.file_type, &d.file_name).await
}

pub(super) async fn delete_document(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id((id, doc)): Id<(Uuid, Uuid)>,
    _f: Fields,
) -> Result<Response, AppError> {
    let result = calls::delete_document(&state, &p, id, doc)
        .await
        .map_err(AppError::from);
    answer_form(
        &state,
        &p,
        &auth,
        id,
        result,
        |()| format!("/candidatures/{id}?message=piece-supprimee#pieces"),
        |e| Ok(Feedback::alert(e.message)),
    )
    .await
}

pub(super) async fn submit(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    let answer = f.get("message").trim().to_owned();
    let msg = (!answer.is_empty()).then_some(answer.as_str());
    let result = calls::submit(&state, &p, id, msg)
        .await
        .map_err(AppError::from);
    answer_form(
        &state,
        &p,
        &auth,
        id,
        result,
        |(_, r)| format!("/candidatures/{id}/accuses/{}", r.id),
        |e| {
            let missing = e
                .fields
                .keys()
                .filter_map(|k| k.strip_prefix("documents."))
                .map(str::to_owned)
                .collect();
            Ok(Feedback {
                submit_error: Some(e.message),
                missing,
                answer,
                ..Feedback::default()
            })
        },
    )
    .await
}
