//! The module form of a call (staff): dates, the scoring grid, the
//! required documents and the questions, typed as rows that work without
//! JavaScript (the rows kept plus three empty ones). Once the call is
//! published, saving writes a new version; the page lists the versions.
//! Checks are `ModuleDraft::validate`'s, writes `crate::calls`'.

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::{Html, IntoResponse, Redirect, Response},
    routing::{get, post},
};
use domain::{
    Principal,
    call::{CallStatus, CriterionDraft, ModuleDraft, ModuleSpec, Question, RequiredDocument},
    clock::{french_instant, in_paris},
};
use serde::Deserialize;
use uuid::Uuid;

use super::{ModuleView, with_message};
use crate::http::Id;
use crate::http::form::{ErrorLink, Errs, Fields, error_links};
use crate::{
    AppError, AppState,
    auth::{Auth, CurrentUser},
    calls::{self, CallView},
    view::{Layout, render},
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/gestion/appels/{id}/modules/nouveau",
            get(new_page).post(create),
        )
        .route("/gestion/appels/{id}/modules/{code}", get(show).post(save))
        .route(
            "/gestion/appels/{id}/modules/{code}/suppression",
            post(remove),
        )
}

/// Empty rows offered after the filled ones.
const SPARE_ROWS: usize = 3;

/// The form as typed, every field a string, so that it is shown again
/// exactly as sent.
#[derive(Debug, Clone, Default)]
pub struct ModuleForm {
    pub code: String,
    pub title: String,
    pub description: String,
    pub service_starts_on: String,
    pub service_ends_on: String,
    pub deadline_date: String,
    pub deadline_time: String,
    pub audition_on: String,
    pub decision_from: String,
    pub decision_to: String,
    pub min_applications: String,
    pub quality_threshold: String,
    /// key, label, weight, max_score.
    pub criteria: Vec<[String; 4]>,
    /// kind, label.
    pub documents: Vec<[String; 2]>,
    /// key, label.
    pub questions: Vec<[String; 2]>,
}

fn filled<const N: usize>(rows: Vec<Vec<String>>) -> Vec<[String; N]> {
    rows.into_iter()
        .filter(|r| r.iter().any(|v| !v.trim().is_empty()))
        .map(|r| std::array::from_fn(|i| r.get(i).cloned().unwrap_or_default()))
        .collect()
}

/// A number as typed; anything else becomes a value out of range, so that
/// `validate` gives its own message.
fn number(s: &str, invalid: i64) -> i64 {
    s.trim().parse().unwrap_or(invalid)
}

impl ModuleForm {
    fn from_fields(f: &Fields) -> Self {
        Self {
            code: f.get("code").to_owned(),
            title: f.get("title").to_owned(),
            description: f.get("description").to_owned(),
            service_starts_on: f.get("service_starts_on").to_owned(),
            service_ends_on: f.get("service_ends_on").to_owned(),
            deadline_date: f.get("deadline_date").to_owned(),
            deadline_time: f.get("deadline_time").to_owned(),
            audition_on: f.get("audition_on").to_owned(),
            decision_from: f.get("decision_from").to_owned(),
            decision_to: f.get("decision_to").to_owned(),
            min_applications: f.get("min_applications").to_owned(),
            quality_threshold: f.get("quality_threshold").to_owned(),
            criteria: filled(f.rows("criteria", &["key", "label", "weight", "max_score"])),
            documents: filled(f.rows("required_documents", &["kind", "label"])),
            questions: filled(f.rows("questions", &["key", "label"])),
        }
    }

    fn from_spec(s: &ModuleSpec) -> Self {
        let z = in_paris(s.deadline.instant());
        let deadline_time = match (z.hour(), z.minute(), z.second()) {
            (23, 59, 59) => String::new(),
            (h, m, 0) => format!("{h:02}:{m:02}"),
            (h, m, sec) => format!("{h:02}:{m:02}:{sec:02}"),
        };
        let month = |d: jiff::civil::Date| format!("{:04}-{:02}", d.year(), d.month());
        let (decision_from, decision_to) = match s.decision_window {
            None => (String::new(), String::new()),
            Some(w) if w.from == w.to => (month(w.from), String::new()),
            Some(w) => (month(w.from), month(w.to)),
        };
        Self {
            code: s.code.clone(),
            title: s.title.clone(),
            description: s.description.clone(),
            service_starts_on: s.service_starts_on.to_string(),
            service_ends_on: s.service_ends_on.to_string(),
            deadline_date: z.date().to_string(),
            deadline_time,
            audition_on: s.audition_on.map(|d| d.to_string()).unwrap_or_default(),
            decision_from,
            decision_to,
            min_applications: s.min_applications.to_string(),
            quality_threshold: s
                .quality_threshold
                .map(|q| q.to_string())
                .unwrap_or_default(),
            criteria: s
                .criteria
                .iter()
                .map(|c| {
                    [
                        c.key.clone(),
                        c.label.clone(),
                        c.weight.to_string(),
                        c.max_score.to_string(),
                    ]
                })
                .collect(),
            documents: s
                .required_documents
                .iter()
                .map(|d| [d.kind.clone(), d.label.clone()])
                .collect(),
            questions: s
                .questions
                .iter()
                .map(|q| [q.key.clone(), q.label.clone()])
                .collect(),
        }
    }

    fn blank() -> Self {
        Self {
            min_applications: "2".to_owned(),
            ..Self::default()
        }
    }

    /// The draft for `validate`: the deadline is the date alone, or the
    /// date and the time; the decision window one month or two.
    fn draft(&self) -> ModuleDraft {
        let date = self.deadline_date.trim();
        // A browser without a date picker sends what was typed (17/03/2024).
        let date =
            domain::parse_french_date(date).map_or_else(|_| date.to_owned(), |d| d.to_string());
        let time = self.deadline_time.trim();
        let deadline = if time.is_empty() || date.is_empty() {
            date
        } else {
            format!("{date}T{time}")
        };
        let opt = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let decision_window = match (opt(&self.decision_from), opt(&self.decision_to)) {
            (None, None) => None,
            (Some(m), None) | (None, Some(m)) => Some(m),
            (Some(a), Some(b)) => Some(format!("{a}/{b}")),
        };
        ModuleDraft {
            code: self.code.clone(),
            title: self.title.clone(),
            description: self.description.clone(),
            service_starts_on: self.service_starts_on.clone(),
            service_ends_on: self.service_ends_on.clone(),
            deadline,
            audition_on: opt(&self.audition_on),
            decision_window,
            min_applications: opt(&self.min_applications).map(|s| number(&s, 0)),
            quality_threshold: opt(&self.quality_threshold).map(|s| number(&s, -1)),
            criteria: self
                .criteria
                .iter()
                .map(|[key, label, weight, max_score]| CriterionDraft {
                    key: key.clone(),
                    label: label.clone(),
                    weight: number(weight, 0),
                    max_score: number(max_score, 0),
                })
                .collect(),
            required_documents: self
                .documents
                .iter()
                .map(|[kind, label]| RequiredDocument {
                    kind: kind.clone(),
                    label: label.clone(),
                })
                .collect(),
            questions: self
                .questions
                .iter()
                .map(|[key, label]| Question {
                    key: key.clone(),
                    label: label.clone(),
                })
                .collect(),
        }
    }
}

/// One input of a row (`criteria.2.weight`).
pub struct Cell {
    pub name: String,
    pub label: &'static str,
    pub value: String,
    pub kind: &'static str,
    pub error: Option<String>,
}

/// One row of a list: "Critère 3" and its inputs.
pub struct RowView {
    pub legend: String,
    pub cells: Vec<Cell>,
}

/// The rows of one list, the filled ones then `SPARE_ROWS` empty.
fn rows<const N: usize>(
    list: &str,
    noun: &str,
    fields: [(&str, &'static str, &'static str); N],
    values: &[[String; N]],
    errors: &Errs,
) -> Vec<RowView> {
    let empty: [String; N] = std::array::from_fn(|_| String::new());
    values
        .iter()
        .chain(std::iter::repeat_n(&empty, SPARE_ROWS))
        .enumerate()
        .map(|(i, row)| RowView {
            legend: format!("{noun} {}", i + 1),
            cells: fields
                .iter()
                .zip(row)
                .map(|((field, label, kind), value)| {
                    let name = format!("{list}.{i}.{field}");
                    Cell {
                        error: errors.on(&name).map(str::to_owned),
                        name,
                        label,
                        value: value.clone(),
                        kind,
                    }
                })
                .collect(),
        })
        .collect()
}

// In the order of the form.
const MODULE_FIELDS: &[&str] = &[
    "code",
    "title",
    "deadline",
    "service_starts_on",
    "service_ends_on",
    "audition_on",
    "decision_window",
    "criteria",
    "required_documents",
    "description",
    "questions",
    "min_applications",
    "quality_threshold",
];

const ERROR_IDS: &[(&str, &str)] = &[
    ("deadline", "deadline_date"),
    ("decision_window", "decision_from"),
];

pub struct VersionRow {
    pub version: i64,
    pub at: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "calls/module.html")]
struct ModulePage {
    layout: Layout,
    call_id: Uuid,
    call_title: String,
    published: bool,
    /// `None` for a new module.
    code: Option<String>,
    can_edit: bool,
    /// The module as published readers see it (for those who only read).
    current: Option<ModuleView>,
    removable: bool,
    form: ModuleForm,
    criteria: Vec<RowView>,
    documents: Vec<RowView>,
    questions: Vec<RowView>,
    errors: Errs,
    summary: Vec<ErrorLink>,
    versions: Vec<VersionRow>,
    next_version: i64,
    /// The tag of the sub-headings of the module's definition.
    sub: &'static str,
}

#[allow(clippy::too_many_arguments)]
async fn page(
    state: &AppState,
    p: &Principal,
    auth: &Auth,
    v: &CallView,
    code: Option<&str>,
    form: ModuleForm,
    errors: Errs,
    message: Option<&str>,
) -> Result<ModulePage, AppError> {
    let module = code.and_then(|c| v.module(c));
    let mut versions = Vec::new();
    if let Some(m) = module {
        for (version, at) in calls::module_version_dates(state, v, &m.spec.code).await? {
            versions.push(VersionRow {
                version,
                at: french_instant(at),
                current: version == m.version,
            });
        }
    }
    let heading = match module {
        Some(m) => format!("Module {} — {}", m.spec.code, m.spec.title),
        None => "Nouveau module".to_owned(),
    };
    let title = if errors.any() {
        format!("Erreur : {heading}")
    } else {
        heading
    };
    let published = v.call.status == CallStatus::Published;
    Ok(ModulePage {
        layout: with_message(Layout::new(auth, title), message),
        call_id: v.call.id,
        call_title: v.call.title.clone(),
        published,
        code: module.map(|m| m.spec.code.clone()),
        can_edit: calls::manager(p, &v.call).is_some(),
        current: module.map(|m| ModuleView::new(m, state.now())),
        removable: module.is_some_and(|m| !m.frozen && versions.len() <= 1),
        criteria: rows(
            "criteria",
            "Critère",
            [
                ("key", "Clé", "text"),
                ("label", "Intitulé", "text"),
                ("weight", "Coefficient", "number"),
                ("max_score", "Note maximale", "number"),
            ],
            &form.criteria,
            &errors,
        ),
        documents: rows(
            "required_documents",
            "Pièce",
            [("kind", "Type", "text"), ("label", "Intitulé", "text")],
            &form.documents,
            &errors,
        ),
        questions: rows(
            "questions",
            "Question",
            [("key", "Clé", "text"), ("label", "Question", "text")],
            &form.questions,
            &errors,
        ),
        form,
        summary: error_links(&errors, MODULE_FIELDS, ERROR_IDS),
        errors,
        next_version: module.map_or(1, |m| m.version + 1),
        versions,
        sub: "h2",
    })
}

#[derive(Deserialize)]
struct MessageQuery {
    message: Option<String>,
}

async fn new_page(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
) -> Result<Html<String>, AppError> {
    let (v, _) = calls::managed_call(&state, &p, id).await?;
    let page = page(
        &state,
        &p,
        &auth,
        &v,
        None,
        ModuleForm::blank(),
        Errs::default(),
        None,
    )
    .await?;
    render(&page)
}

async fn create(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id(id): Id,
    f: Fields,
) -> Result<Response, AppError> {
    let (v, _) = calls::managed_call(&state, &p, id).await?;
    let form = ModuleForm::from_fields(&f);
    let draft = form.draft();
    // Saving under the code of another module would replace it.
    let result = if v.module(&draft.code.trim().to_uppercase()).is_some() {
        Err(AppError::invalid_field(
            "code",
            "Un module de l'appel porte déjà ce code : choisissez-en un autre, ou modifiez le module existant.",
        ))
    } else {
        calls::put_module(&state, &p, id, &draft)
            .await
            .map_err(AppError::from)
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!(
            "/gestion/appels/{id}?message=module-enregistre#modules"
        ))
        .into_response()),
        Err(e) => {
            let errors = Errs::from_error(e)?;
            let page = page(&state, &p, &auth, &v, None, form, errors, None).await?;
            crate::http::form::rejected(&page)
        }
    }
}

/// The module's page: its form for CAF agents, its definition for
/// coordinators; its versions for both.
async fn show(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    Query(q): Query<MessageQuery>,
) -> Result<Html<String>, AppError> {
    let v = calls::call(&state, Some(&p), id).await?;
    if !calls::is_call_staff(&p, &v.call) {
        return Err(AppError::not_found());
    }
    let m = v.module(&code).ok_or_else(AppError::not_found)?;
    let form = ModuleForm::from_spec(&m.spec);
    let page = page(
        &state,
        &p,
        &auth,
        &v,
        Some(&code),
        form,
        Errs::default(),
        q.message.as_deref(),
    )
    .await?;
    render(&page)
}

async fn save(
    State(state): State<AppState>,
    CurrentUser(p, auth): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
    fields: Fields,
) -> Result<Response, AppError> {
    let (v, _) = calls::managed_call(&state, &p, id).await?;
    let module = v.module(&code).ok_or_else(AppError::not_found)?;
    let frozen = module.frozen;
    let mut form = ModuleForm::from_fields(&fields);
    // The code names the module: it is not changed here.
    form.code.clone_from(&module.spec.code);
    match calls::put_module(&state, &p, id, &form.draft())
        .await
        .map_err(AppError::from)
    {
        Ok(_) => {
            let message = if frozen {
                "nouvelle-version"
            } else {
                "module-enregistre"
            };
            Ok(Redirect::to(&format!(
                "/gestion/appels/{id}/modules/{code}?message={message}"
            ))
            .into_response())
        }
        Err(e) => {
            let errors = Errs::from_error(e)?;
            let page = page(&state, &p, &auth, &v, Some(&code), form, errors, None).await?;
            crate::http::form::rejected(&page)
        }
    }
}

/// Removes a module never published.
async fn remove(
    State(state): State<AppState>,
    CurrentUser(p, _): CurrentUser,
    Id((id, code)): Id<(Uuid, String)>,
) -> Result<Redirect, AppError> {
    calls::remove_module(&state, &p, id, &code).await?;
    Ok(Redirect::to(&format!(
        "/gestion/appels/{id}?message=module-supprime#modules"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_reads_back_what_it_shows() {
        let mut f = ModuleForm::blank();
        f.code = "m1".into();
        f.title = "Coordination".into();
        f.service_starts_on = "2024-06-01".into();
        f.service_ends_on = "2026-12-31".into();
        f.deadline_date = "17/03/2024".into();
        f.decision_from = "2024-04".into();
        f.decision_to = "2024-05".into();
        f.criteria = vec![["qualite".into(), "Qualité".into(), "3".into(), "20".into()]];
        let spec = f.draft().validate().unwrap();
        assert_eq!(spec.deadline.rfc3339(), "2024-03-17T23:59:59+01:00");
        let back = ModuleForm::from_spec(&spec);
        assert_eq!(back.deadline_date, "2024-03-17");
        assert_eq!(back.deadline_time, "");
        assert_eq!(back.decision_to, "2024-05");
        assert_eq!(back.draft().validate().unwrap(), spec);

        f.deadline_time = "12:30".into();
        let spec = f.draft().validate().unwrap();
        assert_eq!(spec.deadline.rfc3339(), "2024-03-17T12:30:00+01:00");
        assert_eq!(ModuleForm::from_spec(&spec).deadline_time, "12:30");
    }

    #[test]
    fn numbers_that_are_not_give_the_rule_message() {
        let mut f = ModuleForm::blank();
        f.criteria = vec![["a".into(), "A".into(), "trois".into(), "20".into()]];
        f.quality_threshold = "bon".into();
        let e = f.draft().validate().unwrap_err();
        assert!(e.contains_key("criteria.0.weight"));
        assert!(e.contains_key("quality_threshold"));
    }
}
