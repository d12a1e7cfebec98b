//! Calls for applications: who may see and manage them, their modules and
//! files, publishing. One transaction per change, French errors. The
//! applications to a call are in `crate::applications`.

use std::collections::BTreeMap;

use domain::{
    CallStaffCap, DepartmentCap, DepartmentCode, Principal,
    call::{CallStatus, ModuleDraft},
    clock::{french_date_with_weekday, in_paris},
};
use jiff::Timestamp;
use store::calls::{Call, CallFile, CallInput, DepartmentContact, Module};
use uuid::Uuid;

use crate::{Ctx, ServiceError, accounts::actor};

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

/// "dimanche 17 mars 2024 à 23 h 58", in Paris: an instant as pages and
/// e-mails show it to people (the minute is enough to read).
pub fn french_instant_weekday(t: Timestamp) -> String {
    let z = in_paris(t);
    format!(
        "{} à {}",
        french_date_with_weekday(z.date()),
        domain::clock::french_time(z.hour(), z.minute())
    )
}

/// "dimanche 17 mars 2024 à 23 h 58 min 12 s", in Paris: the instant a
/// receipt's PDF and the exports record, to the second (the deadline is).
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

pub(crate) fn dep(code: &str) -> Option<DepartmentCode> {
    DepartmentCode::parse(code).ok()
}

/// Staff who read a call: CAF agents and coordinators of one of its
/// départements.
pub fn is_call_staff(p: &Principal, call: &Call) -> bool {
    let scope = p.staff_scope();
    call.departments
        .iter()
        .any(|d| scope.contains(&d.department))
}

/// The right to manage a call: a CAF agent of one of its départements.
pub fn manager(p: &Principal, call: &Call) -> Option<DepartmentCap> {
    call.departments.iter().find_map(|d| p.pilot(&d.department))
}

pub(crate) async fn view(ctx: &Ctx, call: Call) -> Result<CallView, ServiceError> {
    let modules = store::calls::modules(&ctx.db, call.id).await?;
    let files = store::calls::files(&ctx.db, call.id).await?;
    Ok(CallView {
        call,
        modules,
        files,
    })
}

/// A call as `p` may see it: published calls are public, drafts are seen
/// by the staff of their départements (404 for anyone else).
pub async fn call(ctx: &Ctx, p: Option<&Principal>, id: Uuid) -> Result<CallView, ServiceError> {
    let call = store::calls::find(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if !visible(p, &call) {
        return Err(ServiceError::NotFound);
    }
    view(ctx, call).await
}

/// Published calls are public; drafts are seen by the staff of their
/// départements.
pub(crate) fn visible(p: Option<&Principal>, call: &Call) -> bool {
    call.status == CallStatus::Published || p.is_some_and(|p| is_call_staff(p, call))
}

/// A call for its staff only (404 for anyone else, published or not; 403
/// for staff whose own structure applies to it).
pub async fn staff_call(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<CallView, ServiceError> {
    let v = call(ctx, Some(p), id).await?;
    if !is_call_staff(p, &v.call) {
        return Err(ServiceError::NotFound);
    }
    if staff_conflicted(ctx, p, id).await? {
        return Err(staff_conflict_error());
    }
    Ok(v)
}

/// Whether `p` belongs to a structure that applies to the call (module 1
/// picks the next coordinator): then it is in conflict for the whole call.
pub async fn staff_conflicted(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
) -> Result<bool, ServiceError> {
    let ties = domain::independence::Ties {
        seated_for: None,
        account: store::committee::account_ties(&ctx.db, p.user_id).await?,
    };
    if ties.account.is_empty() {
        return Ok(false);
    }
    let applicants = store::committee::applicant_structures(&ctx.db, call_id).await?;
    Ok(domain::independence::staff_conflicted(&ties, &applicants))
}

/// The refusal of staff in conflict for a call.
pub fn staff_conflict_error() -> ServiceError {
    ServiceError::forbidden(
        "Une structure à laquelle vous appartenez est candidate à cet appel : vous êtes en conflit d'intérêts et ne suivez ni ses candidatures, ni son comité, ni ses décisions.",
    )
}

/// A call `p` manages (404 when it may not see it, 403 when it only reads).
pub async fn managed_call(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
) -> Result<(CallView, DepartmentCap), ServiceError> {
    let v = staff_call(ctx, p, id).await?;
    let cap = manager(p, &v.call).ok_or_else(|| {
        ServiceError::forbidden(
            "Seul un agent de la Caf d'un département de l'appel peut le modifier.",
        )
    })?;
    Ok((v, cap))
}

/// A call `p` manages, with the capability its committee seats and
/// auditions take (the checks and errors of [`managed_call`]).
pub async fn managed_call_staff(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
) -> Result<(CallView, CallStaffCap), ServiceError> {
    let (v, _) = managed_call(ctx, p, id).await?;
    let cap = p
        .call_manager(v.call.id, &v.call.department_codes())
        .ok_or(ServiceError::NotFound)?;
    Ok((v, cap))
}

/// Calls `p` may see: published ones, and the drafts of its départements.
pub async fn calls(ctx: &Ctx, p: Option<&Principal>) -> Result<Vec<Call>, ServiceError> {
    let mut out = store::calls::list(&ctx.db, &store::calls::Filter::default()).await?;
    out.retain(|c| c.status == CallStatus::Published || p.is_some_and(|p| is_call_staff(p, c)));
    Ok(out)
}

/// The calls `p` may see with their modules and files, in three queries.
pub async fn call_views(ctx: &Ctx, p: Option<&Principal>) -> Result<Vec<CallView>, ServiceError> {
    let list = calls(ctx, p).await?;
    let ids: Vec<Uuid> = list.iter().map(|c| c.id).collect();
    let mut modules = store::calls::modules_of(&ctx.db, &ids).await?;
    let mut files = store::calls::files_of(&ctx.db, &ids).await?;
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

fn validate_call(p: &Principal, d: &CallDraft) -> Result<(CallInput, DepartmentCap), ServiceError> {
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
        return Err(ServiceError::invalid(errors));
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
    ctx: &Ctx,
    p: &Principal,
    d: &CallDraft,
    modules: &[ModuleDraft],
) -> Result<Uuid, ServiceError> {
    if p.staff_scope().is_empty() {
        return Err(ServiceError::forbidden(
            "Seul un agent de la Caf peut créer un appel.",
        ));
    }
    let checked = validate_call(p, d);
    let mut specs = Vec::new();
    let mut errors = match &checked {
        Err(ServiceError::Invalid(fields)) => fields.clone(),
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
        return Err(ServiceError::invalid(errors));
    }
    let (input, cap) = checked?;
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let id = store::calls::create(&mut tx, &cap, &actor(p), now, &input).await?;
    for spec in &specs {
        store::calls::put_module(&mut tx, &cap, &actor(p), now, id, spec).await?;
    }
    tx.commit().await?;
    Ok(id)
}

pub async fn update_call(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    d: &CallDraft,
) -> Result<(), ServiceError> {
    let (v, _) = managed_call(ctx, p, id).await?;
    let (input, cap) = validate_call(p, d)?;
    if v.call.status == CallStatus::Published {
        let removed = v.call.departments.iter().any(|old| {
            !input
                .departments
                .iter()
                .any(|n| old.department == n.department)
        });
        if removed {
            return Err(ServiceError::invalid_field(
                "departments",
                "Un appel publié ne peut pas retirer un département : des structures y répondent peut-être déjà.",
            ));
        }
    }
    let mut tx = ctx.db.begin().await?;
    store::calls::update(&mut tx, &cap, &actor(p), ctx.now(), id, &input).await?;
    tx.commit().await?;
    Ok(())
}

/// Writes a module (a new version when the call is published).
pub async fn put_module(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    draft: &ModuleDraft,
) -> Result<Uuid, ServiceError> {
    let (v, cap) = managed_call(ctx, p, call_id).await?;
    let spec = draft.validate().map_err(ServiceError::invalid)?;
    if v.call.status == CallStatus::Published {
        let errors = spec.publication_errors();
        if let Some(first) = errors.first() {
            return Err(ServiceError::invalid_field("criteria", first.clone()));
        }
    }
    let mut tx = ctx.db.begin().await?;
    let id = store::calls::put_module(&mut tx, &cap, &actor(p), ctx.now(), call_id, &spec).await?;
    tx.commit().await?;
    Ok(id)
}

pub async fn remove_module(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<(), ServiceError> {
    let (v, cap) = managed_call(ctx, p, call_id).await?;
    if v.module(code).is_none() {
        return Err(ServiceError::NotFound);
    }
    let mut tx = ctx.db.begin().await?;
    store::calls::remove_module(&mut tx, &cap, &actor(p), ctx.now(), call_id, code)
        .await
        .map_err(|e| match e {
            store::StoreError::Conflict(_) => ServiceError::conflict(
                "module_frozen",
                "Ce module a été publié : il ne peut plus être supprimé, seulement modifié (nouvelle version).",
            ),
            other => other.into(),
        })?;
    tx.commit().await?;
    Ok(())
}

/// Publishes a draft call: every module complete, every deadline ahead.
pub async fn publish(ctx: &Ctx, p: &Principal, call_id: Uuid) -> Result<(), ServiceError> {
    let (v, cap) = managed_call(ctx, p, call_id).await?;
    if v.call.status == CallStatus::Published {
        return Err(ServiceError::conflict(
            "already_published",
            "Cet appel est déjà publié.",
        ));
    }
    let mut problems: Vec<String> = Vec::new();
    if v.modules.is_empty() {
        problems.push("L'appel n'a aucun module : ajoutez-en au moins un.".to_owned());
    }
    let now = ctx.now();
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
        return Err(ServiceError::Unprocessable {
            code: "not_ready",
            message: problems.join(" "),
            fields: BTreeMap::from([("modules".to_owned(), problems.join(" "))]),
        });
    }
    let mut tx = ctx.db.begin().await?;
    store::calls::publish(&mut tx, &cap, &actor(p), now, call_id).await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a file to download with the call.
pub async fn add_call_file(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    label: &str,
    file: crate::files::Received,
) -> Result<Uuid, ServiceError> {
    let (_, cap) = managed_call(ctx, p, call_id).await?;
    let label = label.trim();
    if label.is_empty() || label.chars().count() > 200 {
        return Err(ServiceError::invalid_field(
            "label",
            "Donnez un intitulé au fichier (« Cahier des charges »).",
        ));
    }
    let (blob, file_name, file_type) = file.commit().await?;
    let mut tx = ctx.db.begin().await?;
    let id = store::calls::add_file(
        &mut tx,
        &cap,
        &actor(p),
        ctx.now(),
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
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    file_id: Uuid,
) -> Result<(), ServiceError> {
    let (_, cap) = managed_call(ctx, p, call_id).await?;
    let mut tx = ctx.db.begin().await?;
    store::calls::remove_file(&mut tx, &cap, &actor(p), ctx.now(), call_id, file_id).await?;
    tx.commit().await?;
    Ok(())
}

pub fn deadline_passed(m: &Module) -> ServiceError {
    ServiceError::conflict(
        "deadline_passed",
        format!(
            "La date limite de dépôt du module {} était le {} : la candidature ne peut plus être déposée.",
            m.spec.code,
            m.spec.deadline.french()
        ),
    )
}

/// The calls relaunching a call `p` sees (`v` from [`call`]): id and
/// title.
pub async fn relaunches(ctx: &Ctx, v: &CallView) -> Result<Vec<(Uuid, String)>, ServiceError> {
    Ok(store::calls::relaunches(&ctx.db, v.call.id).await?)
}

/// One version of a module of a call `p` sees (404 otherwise).
pub async fn module_version(
    ctx: &Ctx,
    p: Option<&Principal>,
    call_id: Uuid,
    version_id: Uuid,
) -> Result<Module, ServiceError> {
    let v = call(ctx, p, call_id).await?;
    store::calls::module(&ctx.db, version_id)
        .await?
        .filter(|m| m.call_id == v.call.id)
        .ok_or(ServiceError::NotFound)
}

/// Every version of module `code` of a call `p` sees, oldest first (404
/// when the module never existed).
pub async fn module_versions(
    ctx: &Ctx,
    p: Option<&Principal>,
    call_id: Uuid,
    code: &str,
) -> Result<Vec<Module>, ServiceError> {
    let v = call(ctx, p, call_id).await?;
    let versions = store::calls::module_versions(&ctx.db, v.call.id, code).await?;
    if versions.is_empty() {
        return Err(ServiceError::NotFound);
    }
    Ok(versions)
}

/// Each version of module `code` of a call already loaded (`v`), with the
/// instant it was written.
pub async fn module_version_dates(
    ctx: &Ctx,
    v: &CallView,
    code: &str,
) -> Result<Vec<(i64, Timestamp)>, ServiceError> {
    Ok(store::calls::module_version_dates(&ctx.db, v.call.id, code).await?)
}
