//! Calls for applications, shared by the pages and the API: who may see
//! and do what, the checks of DESIGN §4 (deadline to the second, required
//! documents, statuses), one transaction per change, French errors.

pub mod exports;
pub mod signup;
pub mod upload;

use std::collections::BTreeMap;

use askama::Template;
use domain::{
    DepartmentCap, DepartmentCode, Principal,
    call::{ApplicationStatus, CallStatus, ModuleDraft, check_scope, receipt_number},
    clock::{french_date_with_weekday, in_paris},
};
use jiff::Timestamp;
use store::{
    applications::{Application, Document, Receipt, SubmitOutcome},
    calls::{Call, CallFile, CallInput, DepartmentContact, Module},
};
use uuid::Uuid;

use crate::{AppError, AppState, accounts::actor, mail};

/// 200 MB, the default size limit of a document.
pub const DEFAULT_UPLOAD_LIMIT: u64 = 200_000_000;

/// A call with its current modules and its files.
#[derive(Debug, Clone)]
pub struct CallView {
    pub call: Call,
    pub modules: Vec<Module>,
    pub files: Vec<CallFile>,
}

impl CallView {
    pub fn module(&self, code: &str) -> Option<&Module> {
        self.modules.iter().find(|m| m.spec.code == code)
    }
}

/// "dimanche 17 mars 2024 à 23 h 58 min 12 s", in Paris: the instant a
/// receipt records, to the second.
pub fn french_instant_seconds(t: Timestamp) -> String {
    let z = in_paris(t);
    format!(
        "{} à {} h {:02} min {:02} s",
        french_date_with_weekday(z.date()),
        z.hour(),
        z.minute(),
        z.second()
    )
}

fn dep(code: &str) -> Option<DepartmentCode> {
    DepartmentCode::parse(code).ok()
}

/// Staff who read a call: CAF agents and coordinators of one of its
/// départements.
pub fn is_call_staff(p: &Principal, call: &Call) -> bool {
    let scope = p.staff_scope();
    call.departments
        .iter()
        .filter_map(|d| dep(&d.department))
        .any(|d| scope.contains(&d))
}

/// The right to manage a call: a CAF agent of one of its départements.
pub fn manager(p: &Principal, call: &Call) -> Option<DepartmentCap> {
    call.departments
        .iter()
        .filter_map(|d| dep(&d.department))
        .find_map(|d| p.pilot(&d))
}

async fn view(state: &AppState, call: Call) -> Result<CallView, AppError> {
    let modules = store::calls::modules(&state.db, call.id).await?;
    let files = store::calls::files(&state.db, call.id).await?;
    Ok(CallView {
        call,
        modules,
        files,
    })
}

/// A call as `p` may see it: published calls are public, drafts are seen
/// by the staff of their départements (404 for anyone else).
pub async fn call(state: &AppState, p: Option<&Principal>, id: Uuid) -> Result<CallView, AppError> {
    let call = store::calls::find(&state.db, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let visible =
        call.status == CallStatus::Published || p.is_some_and(|p| is_call_staff(p, &call));
    if !visible {
        return Err(AppError::not_found());
    }
    view(state, call).await
}

/// A call for its staff only (404 for anyone else, published or not; 403
/// for staff whose own structure applies to it).
pub async fn staff_call(state: &AppState, p: &Principal, id: Uuid) -> Result<CallView, AppError> {
    let v = call(state, Some(p), id).await?;
    if !is_call_staff(p, &v.call) {
        return Err(AppError::not_found());
    }
    if staff_conflicted(state, p, id).await? {
        return Err(staff_conflict_error());
    }
    Ok(v)
}

/// Whether `p` belongs to a structure that applies to the call (module 1
/// picks the next coordinator): then it is in conflict for the whole call.
pub async fn staff_conflicted(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
) -> Result<bool, AppError> {
    let ties = domain::independence::Ties {
        seated_for: None,
        account: store::committee::account_ties(&state.db, p.user_id).await?,
    };
    if ties.account.is_empty() {
        return Ok(false);
    }
    let applicants = store::committee::applicant_structures(&state.db, call_id).await?;
    Ok(domain::independence::staff_conflicted(&ties, &applicants))
}

/// The refusal of staff in conflict for a call.
pub fn staff_conflict_error() -> AppError {
    AppError::forbidden(
        "Une structure à laquelle vous appartenez est candidate à cet appel : vous êtes en conflit d'intérêts et ne suivez ni ses candidatures, ni son comité, ni ses décisions.",
    )
}

/// A call `p` manages (404 when it may not see it, 403 when it only reads).
pub async fn managed_call(
    state: &AppState,
    p: &Principal,
    id: Uuid,
) -> Result<(CallView, DepartmentCap), AppError> {
    let v = staff_call(state, p, id).await?;
    let cap = manager(p, &v.call).ok_or_else(|| {
        AppError::forbidden("Seul un agent de la Caf d'un département de l'appel peut le modifier.")
    })?;
    Ok((v, cap))
}

/// Calls `p` may see: published ones, and the drafts of its départements.
pub async fn calls(state: &AppState, p: Option<&Principal>) -> Result<Vec<Call>, AppError> {
    let mut out = store::calls::list(&state.db, &store::calls::Filter::default()).await?;
    out.retain(|c| c.status == CallStatus::Published || p.is_some_and(|p| is_call_staff(p, c)));
    Ok(out)
}

/// The calls `p` may see with their modules and files, in three queries.
pub async fn call_views(
    state: &AppState,
    p: Option<&Principal>,
) -> Result<Vec<CallView>, AppError> {
    let list = calls(state, p).await?;
    let ids: Vec<Uuid> = list.iter().map(|c| c.id).collect();
    let mut modules = store::calls::modules_of(&state.db, &ids).await?;
    let mut files = store::calls::files_of(&state.db, &ids).await?;
    Ok(list
        .into_iter()
        .map(|call| CallView {
            modules: modules.extract_if(.., |m| m.call_id == call.id).collect(),
            files: files.extract_if(.., |f| f.call_id == call.id).collect(),
            call,
        })
        .collect())
}

/// What staff type about a call.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct CallDraft {
    pub title: String,
    pub description: String,
    pub departments: Vec<String>,
    /// Contact per département; empty fields take the CAF's contact.
    pub contacts: BTreeMap<String, ContactDraft>,
}

#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ContactDraft {
    pub name: String,
    pub email: String,
    pub phone: String,
}

fn validate_call(p: &Principal, d: &CallDraft) -> Result<(CallInput, DepartmentCap), AppError> {
    let mut errors = BTreeMap::new();
    let title = d.title.trim();
    if title.is_empty() || title.chars().count() > 200 {
        errors.insert(
            "title".to_owned(),
            "Donnez un titre à l'appel (200 caractères au plus).".to_owned(),
        );
    }
    if d.description.chars().count() > 20_000 {
        errors.insert(
            "description".to_owned(),
            "La présentation est trop longue (20 000 caractères au plus).".to_owned(),
        );
    }
    let mut deps: Vec<DepartmentCode> = Vec::new();
    for code in &d.departments {
        match dep(code.trim()) {
            Some(c) if !deps.contains(&c) => deps.push(c),
            Some(_) => {}
            None => {
                errors.insert(
                    "departments".to_owned(),
                    format!("Département inconnu : « {code} »."),
                );
            }
        }
    }
    deps.sort();
    if deps.is_empty() && !errors.contains_key("departments") {
        errors.insert(
            "departments".to_owned(),
            "Choisissez au moins un département.".to_owned(),
        );
    }
    for (code, c) in &d.contacts {
        let email = c.email.trim();
        if !email.is_empty() && domain::Email::parse(email).is_err() {
            errors.insert(
                format!("contacts.{code}.email"),
                "Adresse e-mail invalide.".to_owned(),
            );
        }
    }
    let cap = deps.iter().find_map(|d| p.pilot(d));
    if errors.is_empty() && cap.is_none() {
        errors.insert(
            "departments".to_owned(),
            "Vous ne pilotez aucun de ces départements : un appel est créé par un agent de la Caf."
                .to_owned(),
        );
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let departments = deps
        .iter()
        .map(|code| {
            let c = d.contacts.get(code.as_str()).cloned().unwrap_or_default();
            DepartmentContact {
                department: code.as_str().to_owned(),
                contact_name: c.name,
                contact_email: c.email,
                contact_phone: c.phone,
            }
        })
        .collect();
    Ok((
        CallInput {
            title: title.to_owned(),
            description: d.description.trim().to_owned(),
            departments,
        },
        cap.expect("checked above"),
    ))
}

/// Creates a draft call, with its modules when given (all checked first:
/// nothing is written when one is invalid; errors are keyed
/// `modules.N.field`).
pub async fn create_call(
    state: &AppState,
    p: &Principal,
    d: &CallDraft,
    modules: &[ModuleDraft],
) -> Result<Uuid, AppError> {
    if p.staff_scope().is_empty() {
        return Err(AppError::forbidden(
            "Seul un agent de la Caf peut créer un appel.",
        ));
    }
    let checked = validate_call(p, d);
    let mut specs = Vec::new();
    let mut errors = match &checked {
        Err(e) if e.status == axum::http::StatusCode::UNPROCESSABLE_ENTITY => e.fields.clone(),
        _ => BTreeMap::new(),
    };
    for (i, m) in modules.iter().enumerate() {
        match m.validate() {
            Ok(spec) => {
                if specs
                    .iter()
                    .any(|s: &domain::call::ModuleSpec| s.code == spec.code)
                {
                    errors.insert(
                        format!("modules.{i}.code"),
                        "Deux modules ont le même code.".to_owned(),
                    );
                }
                specs.push(spec);
            }
            Err(e) => errors.extend(e.into_iter().map(|(k, v)| (format!("modules.{i}.{k}"), v))),
        }
    }
    if !errors.is_empty() {
        return Err(AppError::invalid(errors));
    }
    let (input, cap) = checked?;
    let now = state.now();
    let mut tx = state.db.begin().await?;
    let id = store::calls::create(&mut tx, &cap, &actor(p), now, &input).await?;
    for spec in &specs {
        store::calls::put_module(&mut tx, &cap, &actor(p), now, id, spec).await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub async fn update_call(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    d: &CallDraft,
) -> Result<(), AppError> {
    let (v, _) = managed_call(state, p, id).await?;
    let (input, cap) = validate_call(p, d)?;
    if v.call.status == CallStatus::Published {
        let removed = v.call.departments.iter().any(|old| {
            !input
                .departments
                .iter()
                .any(|n| n.department == old.department)
        });
        if removed {
            return Err(AppError::invalid_field(
                "departments",
                "Un appel publié ne peut pas retirer un département : des structures y répondent peut-être déjà.",
            ));
        }
    }
    let mut tx = state.db.begin().await?;
    store::calls::update(&mut tx, &cap, &actor(p), state.now(), id, &input).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes a module (a new version when the call is published).
pub async fn put_module(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    draft: &ModuleDraft,
) -> Result<Uuid, AppError> {
    let (v, cap) = managed_call(state, p, call_id).await?;
    let spec = draft.validate().map_err(AppError::invalid)?;
    if v.call.status == CallStatus::Published {
        let errors = spec.publication_errors();
        if let Some(first) = errors.first() {
            return Err(AppError::invalid_field("criteria", first.clone()));
        }
    }
    let mut tx = state.db.begin().await?;
    let id =
        store::calls::put_module(&mut tx, &cap, &actor(p), state.now(), call_id, &spec).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn remove_module(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<(), AppError> {
    let (v, cap) = managed_call(state, p, call_id).await?;
    if v.module(code).is_none() {
        return Err(AppError::not_found());
    }
    let mut tx = state.db.begin().await?;
    store::calls::remove_module(&mut tx, &cap, &actor(p), state.now(), call_id, code)
        .await
        .map_err(|e| match e {
            store::StoreError::Conflict(_) => AppError::conflict(
                "module_frozen",
                "Ce module a été publié : il ne peut plus être supprimé, seulement modifié (nouvelle version).",
            ),
            other => other.into(),
        })?;
    tx.commit().await?;
    Ok(())
}

/// Publishes a draft call: every module complete, every deadline ahead.
pub async fn publish(state: &AppState, p: &Principal, call_id: Uuid) -> Result<(), AppError> {
    let (v, cap) = managed_call(state, p, call_id).await?;
    if v.call.status == CallStatus::Published {
        return Err(AppError::conflict(
            "already_published",
            "Cet appel est déjà publié.",
        ));
    }
    let mut problems: Vec<String> = Vec::new();
    if v.modules.is_empty() {
        problems.push("L'appel n'a aucun module : ajoutez-en au moins un.".to_owned());
    }
    let now = state.now();
    for m in &v.modules {
        problems.extend(m.spec.publication_errors());
        if !m.spec.deadline.accepts(now) {
            problems.push(format!(
                "La date limite du module {} est passée : reportez-la avant de publier.",
                m.spec.code
            ));
        }
    }
    if !problems.is_empty() {
        let mut e = AppError::new(
            axum::http::StatusCode::UNPROCESSABLE_ENTITY,
            "not_ready",
            problems.join(" "),
        );
        e.fields.insert("modules".to_owned(), problems.join(" "));
        return Err(e);
    }
    let mut tx = state.db.begin().await?;
    store::calls::publish(&mut tx, &cap, &actor(p), now, call_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a file to download with the call.
pub async fn add_call_file(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    label: &str,
    file: upload::Received,
) -> Result<Uuid, AppError> {
    let (_, cap) = managed_call(state, p, call_id).await?;
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 200 {
        return Err(AppError::invalid_field(
            "label",
            "Donnez un intitulé au fichier (« Cahier des charges »).",
        ));
    }
    let (blob, file_name, file_type) = file.commit().await?;
    let mut tx = state.db.begin().await?;
    let id = store::calls::add_file(
        &mut tx,
        &cap,
        &actor(p),
        state.now(),
        call_id,
        &store::calls::NewFile {
            label,
            file_name: &file_name,
            file_type: file_type.as_str(),
            size: blob.size,
            sha256: &blob.sha256,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn remove_call_file(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    file_id: Uuid,
) -> Result<(), AppError> {
    let (_, cap) = managed_call(state, p, call_id).await?;
    let mut tx = state.db.begin().await?;
    store::calls::remove_file(&mut tx, &cap, &actor(p), state.now(), call_id, file_id).await?;
    tx.commit().await?;
    Ok(())
}

pub fn deadline_passed(m: &Module) -> AppError {
    AppError::conflict(
        "deadline_passed",
        format!(
            "La date limite de dépôt du module {} était le {} : la candidature ne peut plus être déposée.",
            m.spec.code,
            m.spec.deadline.french()
        ),
    )
}

/// What an applicant sends to start or change an application.
#[derive(Debug, Clone, Default, serde::Deserialize)]
#[serde(default)]
pub struct ApplicationDraft {
    pub module: String,
    pub departments: Vec<String>,
    pub structure_id: Option<Uuid>,
    pub summary: String,
    pub answers: BTreeMap<String, String>,
}

fn check_form(m: &Module, d: &ApplicationDraft) -> Result<BTreeMap<String, String>, AppError> {
    let mut errors = BTreeMap::new();
    if d.summary.chars().count() > 20_000 {
        errors.insert(
            "summary".to_owned(),
            "Le résumé est trop long (20 000 caractères au plus).".to_owned(),
        );
    }
    let mut answers = BTreeMap::new();
    for q in &m.spec.questions {
        let a = d.answers.get(&q.key).map_or("", |s| s.trim());
        if a.chars().count() > 20_000 {
            errors.insert(
                format!("answers.{}", q.key),
                "Réponse trop longue (20 000 caractères au plus).".to_owned(),
            );
        }
        answers.insert(q.key.clone(), a.to_owned());
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(AppError::invalid(errors))
    }
}

fn scope_of(v: &CallView, asked: &[String]) -> Result<Vec<String>, AppError> {
    let call: Vec<DepartmentCode> = v
        .call
        .departments
        .iter()
        .filter_map(|d| dep(&d.department))
        .collect();
    let mut parsed = Vec::new();
    for a in asked {
        parsed.push(dep(a.trim()).ok_or_else(|| {
            AppError::invalid_field("departments", format!("Département inconnu : « {a} »."))
        })?);
    }
    check_scope(&call, &parsed)
        .map(|v| v.iter().map(|d| d.as_str().to_owned()).collect())
        .map_err(|m| AppError::invalid_field("departments", m))
}

/// Starts a draft for one of `p`'s structures.
pub async fn create_application(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    d: &ApplicationDraft,
) -> Result<Uuid, AppError> {
    let v = call(state, Some(p), call_id).await?;
    if v.call.status != CallStatus::Published {
        return Err(AppError::conflict(
            "not_published",
            "Cet appel n'est pas encore publié : on ne peut pas encore y répondre.",
        ));
    }
    let mine = p.referent_structures();
    let structure_id = match d.structure_id {
        Some(s) if mine.contains(&s) => s,
        Some(_) => return Err(AppError::not_found()),
        None if mine.len() == 1 => *mine.iter().next().expect("one"),
        None if mine.is_empty() => {
            return Err(AppError::forbidden(
                "Seul le référent d'une structure peut candidater. Rattachez votre compte à votre structure.",
            ));
        }
        None => {
            return Err(AppError::invalid_field(
                "structure_id",
                "Choisissez la structure qui candidate.",
            ));
        }
    };
    let module = v.module(d.module.trim()).ok_or_else(|| {
        AppError::invalid_field("module", "Ce module n'existe pas dans cet appel.")
    })?;
    if !module.spec.deadline.accepts(state.now()) {
        return Err(deadline_passed(module));
    }
    let departments = scope_of(&v, &d.departments)?;
    let answers = check_form(module, d)?;
    let mut tx = state.db.begin().await?;
    let id = store::applications::create(
        &mut tx,
        &actor(p),
        state.now(),
        &store::applications::NewApplication {
            call_id,
            module_code: module.spec.code.clone(),
            module_id: module.id,
            structure_id,
            departments,
            summary: d.summary.trim().to_owned(),
            answers,
            created_by: p.user_id,
        },
    )
    .await
    .map_err(|e| match e {
        store::StoreError::Conflict(_) => AppError::conflict(
            "application_exists",
            "Votre structure a déjà une candidature pour ce module : reprenez-la plutôt que d'en commencer une autre.",
        ),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(id)
}

/// An application as `p` may see it (404 outside its scope).
pub async fn application(
    state: &AppState,
    p: &Principal,
    id: Uuid,
) -> Result<Application, AppError> {
    let scope = p.application_scope();
    let a = store::applications::find(&state.db, &scope, id)
        .await?
        .ok_or_else(AppError::not_found)?;
    if is_applicant(p, &a) {
        return Ok(a);
    }
    // Staff see an application once it is filed, never a draft, and never
    // the competitors of their own structure.
    if a.status == ApplicationStatus::Draft || staff_conflicted(state, p, a.call_id).await? {
        return Err(AppError::not_found());
    }
    Ok(a)
}

/// Whether `p` answers for the applicant structure.
pub fn is_applicant(p: &Principal, a: &Application) -> bool {
    p.referent_structures().contains(&a.structure_id)
}

/// Staff of one of the application's départements.
pub fn is_staff_of(p: &Principal, a: &Application) -> bool {
    let scope = p.staff_scope();
    a.departments
        .iter()
        .filter_map(|d| dep(d))
        .any(|d| scope.contains(&d))
}

/// The applicant's own application, for a change (404 outside one's
/// scope, 403 for staff).
pub async fn own(state: &AppState, p: &Principal, id: Uuid) -> Result<Application, AppError> {
    let a = application(state, p, id).await?;
    if !is_applicant(p, &a) {
        return Err(AppError::forbidden(
            "Seule la structure candidate peut modifier sa candidature.",
        ));
    }
    Ok(a)
}

/// Checks, before a body is read, that `p` may add a document now.
pub async fn may_upload(state: &AppState, p: &Principal, id: Uuid) -> Result<(), AppError> {
    let a = own(state, p, id).await?;
    if a.status.editable() {
        Ok(())
    } else {
        Err(read_only(&a))
    }
}

fn read_only(a: &Application) -> AppError {
    AppError::conflict(
        "not_editable",
        format!(
            "Cette candidature est « {} » : elle ne peut plus être modifiée.",
            a.status.label().to_lowercase()
        ),
    )
}

fn not_editable(a: &Application) -> impl Fn(store::StoreError) -> AppError + '_ {
    move |e| match e {
        store::StoreError::Conflict(_) => read_only(a),
        other => other.into(),
    }
}

/// The module version an application is filed under, and the current one.
pub async fn modules_of(state: &AppState, a: &Application) -> Result<(Module, Module), AppError> {
    let filed = store::calls::module(&state.db, a.module_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let current = store::calls::modules(&state.db, a.call_id)
        .await?
        .into_iter()
        .find(|m| m.spec.code == a.module_code)
        .ok_or_else(AppError::not_found)?;
    Ok((filed, current))
}

/// Saves the form (and, in a draft, the départements).
pub async fn save_form(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    d: &ApplicationDraft,
) -> Result<(), AppError> {
    let a = own(state, p, id).await?;
    if !a.status.editable() {
        return Err(read_only(&a));
    }
    let (_, current) = modules_of(state, &a).await?;
    let answers = check_form(&current, d)?;
    let departments = if a.status == ApplicationStatus::Draft && !d.departments.is_empty() {
        let v = call(state, Some(p), a.call_id).await?;
        Some(scope_of(&v, &d.departments)?)
    } else {
        None
    };
    let mut tx = state.db.begin().await?;
    store::applications::update_form(
        &mut tx,
        &actor(p),
        state.now(),
        id,
        d.summary.trim(),
        &answers,
        departments.as_deref(),
    )
    .await
    .map_err(not_editable(&a))?;
    tx.commit().await?;
    Ok(())
}

/// Adds a document of `kind` (replacing a draft one of that kind).
pub async fn add_document(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    kind: &str,
    file: upload::Received,
) -> Result<Document, AppError> {
    let a = own(state, p, id).await?;
    if !a.status.editable() {
        return Err(read_only(&a));
    }
    let (_, current) = modules_of(state, &a).await?;
    let kind = kind.trim();
    let known = current
        .spec
        .required_documents
        .iter()
        .any(|r| r.kind == kind);
    if !known && kind != "autre" {
        return Err(AppError::invalid_field(
            "kind",
            "Choisissez le type de pièce parmi ceux que demande le module.",
        ));
    }
    // A required piece is replaced in a draft; in answer to a complement
    // request, documents are added (the filed ones are kept as filed).
    let replace = known && a.status == ApplicationStatus::Draft;
    let (blob, file_name, file_type) = file.commit().await?;
    let mut tx = state.db.begin().await?;
    let doc_id = store::applications::add_document(
        &mut tx,
        &actor(p),
        state.now(),
        id,
        &store::applications::NewDocument {
            kind,
            file_name: &file_name,
            file_type: file_type.as_str(),
            size: blob.size,
            sha256: &blob.sha256,
            replace,
        },
    )
    .await
    .map_err(not_editable(&a))?;
    tx.commit().await?;
    store::applications::documents(&state.db, id)
        .await?
        .into_iter()
        .find(|d| d.id == doc_id)
        .ok_or_else(AppError::not_found)
}

/// Deletes a document not yet filed (404 for a document of another
/// application, 409 once filed).
pub async fn delete_document(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    document_id: Uuid,
) -> Result<(), AppError> {
    own(state, p, id).await?;
    let known = store::applications::documents(&state.db, id)
        .await?
        .iter()
        .any(|d| d.id == document_id);
    if !known {
        return Err(AppError::not_found());
    }
    let mut tx = state.db.begin().await?;
    store::applications::delete_document(&mut tx, &actor(p), state.now(), id, document_id)
        .await
        .map_err(|e| match e {
            store::StoreError::Conflict(_) => AppError::conflict(
                "not_editable",
                "Cette pièce fait partie d'un dépôt : elle ne peut plus être supprimée.",
            ),
            other => other.into(),
        })?;
    tx.commit().await?;
    Ok(())
}

/// A document `p` may download, with its application.
pub async fn document(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    document_id: Uuid,
) -> Result<(Application, Document), AppError> {
    let a = application(state, p, id).await?;
    let d = store::applications::documents(&state.db, id)
        .await?
        .into_iter()
        .find(|d| d.id == document_id)
        .ok_or_else(AppError::not_found)?;
    Ok((a, d))
}

#[derive(Template)]
#[template(path = "emails/receipt.txt")]
struct ReceiptMail<'a> {
    name: &'a str,
    structure: &'a str,
    call: &'a str,
    module: &'a str,
    number: &'a str,
    at: String,
    documents: &'a [store::applications::ReceiptDocument],
    link: String,
}

/// Files the application: deadline to the second by the server's clock
/// (a complement answers a request and is not late), required documents
/// present, one receipt even for two clicks at once.
pub async fn submit(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    message: Option<&str>,
) -> Result<(Application, Receipt), AppError> {
    let a = own(state, p, id).await?;
    let now = state.now();
    if a.status == ApplicationStatus::Submitted {
        // A second click: the filing already made.
        let r = store::applications::receipts(&state.db, id).await?;
        if let Some(r) = r.into_iter().next() {
            return Ok((a, r));
        }
    }
    a.status
        .submit()
        .map_err(|e| AppError::conflict("not_editable", e.message))?;
    let (_, current) = modules_of(state, &a).await?;
    if a.status == ApplicationStatus::Draft && !current.spec.deadline.accepts(now) {
        return Err(deadline_passed(&current));
    }
    let required: Vec<String> = current
        .spec
        .required_documents
        .iter()
        .map(|r| r.kind.clone())
        .collect();
    let year = current
        .spec
        .deadline
        .instant()
        .to_zoned(domain::clock::paris())
        .year();
    let code = current.spec.code.clone();
    let mut tx = state.db.begin().await?;
    if let Some(m) = message.map(str::trim).filter(|m| !m.is_empty())
        && a.status == ApplicationStatus::ComplementRequested
    {
        store::applications::answer(&mut tx, &actor(p), now, id, m).await?;
    }
    let outcome =
        store::applications::submit(&mut tx, &actor(p), now, id, current.id, &required, |seq| {
            receipt_number(year, &code, seq)
        })
        .await?;
    let receipt = match outcome {
        SubmitOutcome::Filed(r) => r,
        SubmitOutcome::AlreadyFiled => {
            drop(tx);
            let a = application(state, p, id).await?;
            let r = store::applications::receipts(&state.db, id).await?;
            return match (a.status, r.into_iter().next()) {
                (ApplicationStatus::Submitted, Some(r)) => Ok((a, r)),
                _ => Err(read_only(&a)),
            };
        }
        SubmitOutcome::Missing(kinds) => {
            drop(tx);
            let labels: Vec<String> = current
                .spec
                .required_documents
                .iter()
                .filter(|r| kinds.contains(&r.kind))
                .map(|r| format!("« {} »", r.label))
                .collect();
            let mut e = AppError::new(
                axum::http::StatusCode::UNPROCESSABLE_ENTITY,
                "missing_documents",
                format!(
                    "Il manque {} : déposez {} avant d'envoyer la candidature.",
                    if labels.len() > 1 {
                        "des pièces"
                    } else {
                        "une pièce"
                    },
                    labels.join(", ")
                ),
            );
            for k in kinds {
                e.fields.insert(
                    format!("documents.{k}"),
                    "Pièce obligatoire manquante.".to_owned(),
                );
            }
            return Err(e);
        }
    };
    let user = store::users::find(&state.db, p.user_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let body = ReceiptMail {
        name: &user.name,
        structure: &a.structure_name,
        call: &a.call_title,
        module: &format!("{} — {}", current.spec.code, current.spec.title),
        number: &receipt.number,
        at: french_instant_seconds(receipt.issued_at),
        documents: &receipt.documents,
        link: format!("{}/candidatures/{}", state.config.base_url, id),
    };
    mail::queue(
        state,
        &mut tx,
        &user.email,
        &format!(
            "Accusé de réception de votre candidature n° {}",
            receipt.number
        ),
        "receipt",
        &body,
    )
    .await?;
    tx.commit().await?;
    state.jobs_queued.notify_one();
    let a = application(state, p, id).await?;
    Ok((a, receipt))
}

#[derive(Template)]
#[template(path = "emails/complement_request.txt")]
struct ComplementMail<'a> {
    structure: &'a str,
    call: &'a str,
    module: &'a str,
    message: &'a str,
    link: String,
}

/// Staff of the application's départements ask for a complement; the
/// applicant's referents are e-mailed.
pub async fn request_complement(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    message: &str,
) -> Result<Uuid, AppError> {
    let a = application(state, p, id).await?;
    let writes = a
        .departments
        .iter()
        .filter_map(|d| dep(d))
        .any(|d| p.staff_writes(&d));
    if !writes {
        return Err(AppError::forbidden(
            "Seuls les agents de la Caf et les coordinateurs de l'appel peuvent demander un complément.",
        ));
    }
    let message = message.trim();
    if message.is_empty() || message.chars().count() > 10_000 {
        return Err(AppError::invalid_field(
            "message",
            "Écrivez ce que la structure doit compléter (10 000 caractères au plus).",
        ));
    }
    a.status
        .request_complement()
        .map_err(|e| AppError::conflict("status", e.message))?;
    let to = store::applications::referent_emails(&state.db, a.structure_id, a.created_by).await?;
    let mut tx = state.db.begin().await?;
    let msg = store::applications::request_complement(&mut tx, &actor(p), state.now(), id, message)
        .await
        .map_err(|e| match e {
            store::StoreError::Conflict(_) => AppError::conflict(
                "status",
                "Cette candidature vient de changer d'état : rechargez la page.",
            ),
            other => other.into(),
        })?;
    let body = ComplementMail {
        structure: &a.structure_name,
        call: &a.call_title,
        module: &a.module_code,
        message,
        link: format!("{}/candidatures/{}", state.config.base_url, id),
    };
    for address in &to {
        mail::queue(
            state,
            &mut tx,
            address,
            "Complément demandé pour votre candidature",
            "complement_request",
            &body,
        )
        .await?;
    }
    tx.commit().await?;
    state.jobs_queued.notify_one();
    Ok(msg)
}

/// The applicant withdraws its application before the decision.
pub async fn withdraw(state: &AppState, p: &Principal, id: Uuid) -> Result<(), AppError> {
    let a = own(state, p, id).await?;
    a.status
        .withdraw()
        .map_err(|e| AppError::conflict("status", e.message))?;
    let mut tx = state.db.begin().await?;
    store::applications::withdraw(&mut tx, &actor(p), state.now(), id)
        .await
        .map_err(|e| match e {
            store::StoreError::Conflict(_) => AppError::conflict(
                "status",
                "Cette candidature est close : elle ne peut plus être retirée.",
            ),
            other => other.into(),
        })?;
    tx.commit().await?;
    Ok(())
}

/// One receipt of an application, with what it is shown with.
#[derive(Debug)]
pub struct ReceiptView {
    pub application: Application,
    /// The module version the application is filed under.
    pub module: Module,
    pub receipt: Receipt,
    /// "Allier (03) et Puy-de-Dôme (63)".
    pub departments: String,
}

/// A receipt `p` may read: the applicant's and the call's staff.
pub async fn receipt(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    receipt_id: Uuid,
) -> Result<ReceiptView, AppError> {
    let a = application(state, p, id).await?;
    let receipt = store::applications::receipts(&state.db, a.id)
        .await?
        .into_iter()
        .find(|r| r.id == receipt_id)
        .ok_or_else(AppError::not_found)?;
    let (module, _) = modules_of(state, &a).await?;
    let v = call(state, Some(p), a.call_id).await?;
    let departments = departments_label(&v.call, &a.departments);
    Ok(ReceiptView {
        application: a,
        module,
        receipt,
        departments,
    })
}

/// The receipt PDF of one filing.
pub fn receipt_pdf(a: &Application, module: &Module, r: &Receipt, departments: &str) -> Vec<u8> {
    documents::receipt::receipt_pdf(&documents::receipt::Receipt {
        number: r.number.clone(),
        call_title: a.call_title.clone(),
        module: format!("{} — {}", module.spec.code, module.spec.title),
        structure: match &a.structure_siret {
            Some(s) => format!("{} (SIRET {s})", a.structure_name),
            None => a.structure_name.clone(),
        },
        departments: departments.to_owned(),
        submitted_at: french_instant_seconds(r.issued_at),
        submitted_by: r.submitted_by.clone(),
        documents: r
            .documents
            .iter()
            .map(|d| documents::receipt::ReceiptDocument {
                kind: module.spec.document_label(&d.kind),
                filename: d.filename.clone(),
                size: d.size,
                sha256: d.sha256.clone(),
            })
            .collect(),
    })
}

/// "Allier (03) et Puy-de-Dôme (63)".
pub fn departments_label(call: &Call, codes: &[String]) -> String {
    let names: Vec<String> = codes
        .iter()
        .map(|c| {
            call.departments
                .iter()
                .find(|d| &d.department == c)
                .map_or_else(|| c.clone(), |d| format!("{} ({})", d.name, c))
        })
        .collect();
    match names.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} et {last}", rest.join(", ")),
    }
}
