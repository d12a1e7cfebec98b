//! Starting an application: the form that picks the module and the
//! départements of a call, and the first save.

#[allow(clippy::wildcard_imports)]
use super::*;

pub(super) struct ModuleOption {
    code: String,
    title: String,
    deadline: String,
    open: bool,
    selected: bool,
}

pub(super) struct QuestionField {
    /// `answers.<key>`: the field's name and id.
    pub(super) name: String,
    pub(super) label: String,
    pub(super) value: String,
    pub(super) error: Option<String>,
}

pub(super) struct DepOption {
    pub(super) code: String,
    pub(super) label: String,
    pub(super) checked: bool,
}

pub(super) struct StructureOption {
    id: Uuid,
    name: String,
    selected: bool,
}

/// The module chosen on the form, with what it asks.
pub(super) struct ChosenModule {
    code: String,
    title: String,
    deadline: String,
    open: bool,
    service: String,
    pieces: Vec<String>,
}

/// A refusal of the whole form (409), with a way out.
pub(super) struct Problem {
    text: String,
    link: Option<(String, &'static str)>,
}

#[derive(Template)]
#[template(path = "applications/apply.html")]
pub(super) struct Apply {
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
pub(super) struct ApplyQuery {
    module: Option<String>,
}

pub(super) fn answers_of(f: &Fields) -> BTreeMap<String, String> {
    f.0.iter()
        .filter_map(|(k, v)| {
            k.strip_prefix("answers.")
                .map(|q| (q.to_owned(), v.clone()))
        })
        .collect()
}

pub(super) fn question_fields(
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

pub(super) fn department_options(call: &Call, checked: &[String]) -> Vec<DepOption> {
    let single = call.departments.len() == 1;
    call.departments
        .iter()
        .map(|d| DepOption {
            label: format!("{} ({})", d.name, d.department),
            checked: single || checked.iter().any(|c| d.department == *c),
            code: d.department.to_string(),
        })
        .collect()
}

pub(super) const APPLY_ORDER: [&str; 5] = [
    "module",
    "structure_id",
    "departments",
    "summary",
    "answers",
];

#[allow(clippy::too_many_arguments)]
pub(super) async fn apply_view(
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
    let structures: Vec<StructureOption> = calls::applicant_structures(state, p)
        .await?
        .iter()
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
    let no_structure = p.referent_structures().is_empty();
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
pub(super) const DEPARTMENTS_ANCHOR: [(&str, &str); 1] = [("departments", "departments-group")];

/// The form to start an application: the module is chosen before it (no
/// field to go to).
pub(super) const APPLY_ANCHORS: [(&str, &str); 2] =
    [("departments", "departments-group"), ("module", "")];

pub(super) fn login_redirect(path_and_query: &str) -> Response {
    let q = serde_urlencoded::to_string([("suivant", path_and_query)]).unwrap_or_default();
    Redirect::to(&format!("/connexion?{q}")).into_response()
}

pub(super) async fn apply_page(
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

pub(super) fn draft_of(f: &Fields) -> ApplicationDraft {
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
pub(super) async fn existing(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    d: &ApplicationDraft,
) -> Result<Option<Uuid>, AppError> {
    let structure_id = d.structure_id.or_else(|| {
        let mine = p.referent_structures();
        (mine.len() == 1).then(|| *mine.iter().next().expect("one"))
    });
    let listed = calls::own_applications(
        state,
        p,
        &store::applications::Filter {
            call_id: Some(call_id),
            module_code: Some(d.module.trim().to_uppercase()),
            structure_id,
            limit: 10,
            ..Default::default()
        },
    )
    .await?;
    Ok(listed
        .items
        .into_iter()
        .find(|a| a.status != ApplicationStatus::Withdrawn)
        .map(|a| a.id))
}

pub(super) async fn apply(
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
