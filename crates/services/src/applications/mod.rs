//! Applications to a call: drafts, documents, filing with its receipt (the
//! deadline to the second, DESIGN §4), complements, withdrawal.

pub mod exports;
mod reads;
mod receipt;
mod review;

pub use reads::{
    Details, Listed, applicant_structures, details, filed_applications, messages, own_applications,
    receipts, with_documents,
};
pub use receipt::{ReceiptView, departments_label, receipt, receipt_pdf};
pub use review::{post_message, request_complement, withdraw};

use std::collections::BTreeMap;

use askama::Template;
use domain::{
    ApplicantCap, DepartmentCode, Principal,
    call::{ApplicationStatus, CallStatus, check_scope, receipt_number},
};
use store::{
    applications::{Application, Document, Receipt, SubmitOutcome},
    calls::Module,
};
use uuid::Uuid;

use crate::calls::{
    CallView, call, deadline_passed, dep, french_instant_weekday, staff_conflicted,
};
use crate::{Ctx, ServiceError, accounts::actor, mail};

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

fn check_form(m: &Module, d: &ApplicationDraft) -> Result<BTreeMap<String, String>, ServiceError> {
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
        Err(ServiceError::invalid(errors))
    }
}

fn scope_of(v: &CallView, asked: &[String]) -> Result<Vec<String>, ServiceError> {
    let call: Vec<DepartmentCode> = v
        .call
        .departments
        .iter()
        .map(|d| d.department.clone())
        .collect();
    let mut parsed = Vec::new();
    for a in asked {
        parsed.push(dep(a.trim()).ok_or_else(|| {
            ServiceError::invalid_field("departments", format!("Département inconnu : « {a} »."))
        })?);
    }
    check_scope(&call, &parsed)
        .map(|v| v.iter().map(|d| d.as_str().to_owned()).collect())
        .map_err(|m| ServiceError::invalid_field("departments", m))
}

/// Starts a draft for one of `p`'s structures.
pub async fn create_application(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    d: &ApplicationDraft,
) -> Result<Uuid, ServiceError> {
    let v = call(ctx, Some(p), call_id).await?;
    if v.call.status != CallStatus::Published {
        return Err(ServiceError::conflict(
            "not_published",
            "Cet appel n'est pas encore publié : on ne peut pas encore y répondre.",
        ));
    }
    let mine = p.referent_structures();
    let structure_id = match d.structure_id {
        Some(s) if mine.contains(&s) => s,
        Some(_) => return Err(ServiceError::NotFound),
        None if mine.len() == 1 => *mine.iter().next().expect("one"),
        None if mine.is_empty() => {
            return Err(ServiceError::forbidden(
                "Seul le référent d'une structure peut candidater. Rattachez votre compte à votre structure.",
            ));
        }
        None => {
            return Err(ServiceError::invalid_field(
                "structure_id",
                "Choisissez la structure qui candidate.",
            ));
        }
    };
    let module = v.module(d.module.trim()).ok_or_else(|| {
        ServiceError::invalid_field("module", "Ce module n'existe pas dans cet appel.")
    })?;
    if !module.spec.deadline.accepts(ctx.now()) {
        return Err(deadline_passed(module));
    }
    let departments = scope_of(&v, &d.departments)?;
    let answers = check_form(module, d)?;
    let mut tx = ctx.db.begin().await?;
    let cap = p
        .applicant_for(structure_id)
        .ok_or(ServiceError::NotFound)?;
    let id = store::applications::create(
        &mut tx,
        &cap,
        &actor(p),
        ctx.now(),
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
        store::StoreError::Conflict(_) => ServiceError::conflict(
            "application_exists",
            "Votre structure a déjà une candidature pour ce module : reprenez-la plutôt que d'en commencer une autre.",
        ),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(id)
}

/// An application as `p` may see it (404 outside its scope).
pub async fn application(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<Application, ServiceError> {
    let scope = p.application_scope();
    let a = store::applications::find(&ctx.db, &scope, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    if is_applicant(p, &a) {
        return Ok(a);
    }
    // Staff see an application once it is filed, never a draft, and never
    // the competitors of their own structure.
    if a.status == ApplicationStatus::Draft || staff_conflicted(ctx, p, a.call_id).await? {
        return Err(ServiceError::NotFound);
    }
    Ok(a)
}

/// Whether `p` answers for the applicant structure.
pub fn is_applicant(p: &Principal, a: &Application) -> bool {
    p.applicant_for(a.structure_id).is_some()
}

/// Staff of one of the application's départements.
pub fn is_staff_of(p: &Principal, a: &Application) -> bool {
    let scope = p.staff_scope();
    a.departments.iter().any(|d| scope.contains(d))
}

/// The capability of the applicant of `a` (that `own` checked).
fn applicant_cap(p: &Principal, a: &Application) -> Result<ApplicantCap, ServiceError> {
    p.applicant_for(a.structure_id)
        .ok_or(ServiceError::NotFound)
}

/// The applicant's own application, for a change (404 outside one's
/// scope, 403 for staff).
pub async fn own(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<Application, ServiceError> {
    let a = application(ctx, p, id).await?;
    if !is_applicant(p, &a) {
        return Err(ServiceError::forbidden(
            "Seule la structure candidate peut modifier sa candidature.",
        ));
    }
    Ok(a)
}

/// Checks, before a body is read, that `p` may add a document now.
pub async fn may_upload(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<(), ServiceError> {
    let a = own(ctx, p, id).await?;
    if a.status.editable() {
        Ok(())
    } else {
        Err(read_only(&a))
    }
}

fn read_only(a: &Application) -> ServiceError {
    ServiceError::conflict(
        "not_editable",
        format!(
            "Cette candidature est « {} » : elle ne peut plus être modifiée.",
            a.status.label().to_lowercase()
        ),
    )
}

fn not_editable(a: &Application) -> impl Fn(store::StoreError) -> ServiceError + '_ {
    move |e| match e {
        store::StoreError::Conflict(_) => read_only(a),
        other => other.into(),
    }
}

/// The module version an application is filed under, and the current one.
pub async fn modules_of(ctx: &Ctx, a: &Application) -> Result<(Module, Module), ServiceError> {
    let filed = store::calls::module(&ctx.db, a.module_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let current = store::calls::modules(&ctx.db, a.call_id)
        .await?
        .into_iter()
        .find(|m| m.spec.code == a.module_code)
        .ok_or(ServiceError::NotFound)?;
    Ok((filed, current))
}

/// Saves the form (and, in a draft, the départements).
pub async fn save_form(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    d: &ApplicationDraft,
) -> Result<(), ServiceError> {
    let a = own(ctx, p, id).await?;
    if !a.status.editable() {
        return Err(read_only(&a));
    }
    let (_, current) = modules_of(ctx, &a).await?;
    let answers = check_form(&current, d)?;
    let departments = if a.status == ApplicationStatus::Draft && !d.departments.is_empty() {
        let v = call(ctx, Some(p), a.call_id).await?;
        Some(scope_of(&v, &d.departments)?)
    } else {
        None
    };
    let mut tx = ctx.db.begin().await?;
    store::applications::update_form(
        &mut tx,
        &applicant_cap(p, &a)?,
        &actor(p),
        ctx.now(),
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
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    kind: &str,
    file: crate::files::Received,
) -> Result<Document, ServiceError> {
    let a = own(ctx, p, id).await?;
    if !a.status.editable() {
        return Err(read_only(&a));
    }
    let (_, current) = modules_of(ctx, &a).await?;
    let kind = kind.trim();
    let known = current
        .spec
        .required_documents
        .iter()
        .any(|r| r.kind == kind);
    if !known && kind != "autre" {
        return Err(ServiceError::invalid_field(
            "kind",
            "Choisissez le type de pièce parmi ceux que demande le module.",
        ));
    }
    // A required piece is replaced in a draft; in answer to a complement
    // request, documents are added (the filed ones are kept as filed).
    let replace = known && a.status == ApplicationStatus::Draft;
    let (blob, file_name, file_type) = file.commit().await?;
    let mut tx = ctx.db.begin().await?;
    let doc_id = store::applications::add_document(
        &mut tx,
        &applicant_cap(p, &a)?,
        &actor(p),
        ctx.now(),
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
    store::applications::documents(&ctx.db, id)
        .await?
        .into_iter()
        .find(|d| d.id == doc_id)
        .ok_or(ServiceError::NotFound)
}

/// Deletes a document not yet filed (404 for a document of another
/// application, 409 once filed).
pub async fn delete_document(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    document_id: Uuid,
) -> Result<(), ServiceError> {
    let a = own(ctx, p, id).await?;
    let known = store::applications::documents(&ctx.db, id)
        .await?
        .iter()
        .any(|d| d.id == document_id);
    if !known {
        return Err(ServiceError::NotFound);
    }
    let mut tx = ctx.db.begin().await?;
    store::applications::delete_document(
        &mut tx,
        &applicant_cap(p, &a)?,
        &actor(p),
        ctx.now(),
        id,
        document_id,
    )
    .await
    .map_err(|e| match e {
        store::StoreError::Conflict(_) => ServiceError::conflict(
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
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    document_id: Uuid,
) -> Result<(Application, Document), ServiceError> {
    let a = application(ctx, p, id).await?;
    let d = store::applications::documents(&ctx.db, id)
        .await?
        .into_iter()
        .find(|d| d.id == document_id)
        .ok_or(ServiceError::NotFound)?;
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
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    message: Option<&str>,
) -> Result<(Application, Receipt), ServiceError> {
    let a = own(ctx, p, id).await?;
    let now = ctx.now();
    if a.status == ApplicationStatus::Submitted {
        // A second click: the filing already made.
        let r = store::applications::receipts(&ctx.db, id).await?;
        if let Some(r) = r.into_iter().next() {
            return Ok((a, r));
        }
    }
    a.status
        .submit()
        .map_err(|e| ServiceError::conflict("not_editable", e.message))?;
    let (_, current) = modules_of(ctx, &a).await?;
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
    let mut tx = ctx.db.begin().await?;
    if let Some(m) = message.map(str::trim).filter(|m| !m.is_empty())
        && a.status == ApplicationStatus::ComplementRequested
    {
        store::applications::answer(&mut tx, &applicant_cap(p, &a)?, &actor(p), now, id, m).await?;
    }
    let outcome = store::applications::submit(
        &mut tx,
        &applicant_cap(p, &a)?,
        &actor(p),
        now,
        id,
        current.id,
        &required,
        |seq| receipt_number(year, &code, seq),
    )
    .await?;
    let receipt = match outcome {
        SubmitOutcome::Filed(r) => r,
        SubmitOutcome::AlreadyFiled => {
            drop(tx);
            let a = application(ctx, p, id).await?;
            let r = store::applications::receipts(&ctx.db, id).await?;
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
            return Err(ServiceError::Unprocessable {
                code: "missing_documents",
                message: format!(
                    "Il manque {} : déposez {} avant d'envoyer la candidature.",
                    if labels.len() > 1 {
                        "des pièces"
                    } else {
                        "une pièce"
                    },
                    labels.join(", ")
                ),
                fields: kinds
                    .into_iter()
                    .map(|k| {
                        (
                            format!("documents.{k}"),
                            "Pièce obligatoire manquante.".to_owned(),
                        )
                    })
                    .collect(),
            });
        }
    };
    let user = store::users::find(&ctx.db, p.user_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let body = ReceiptMail {
        name: &user.name,
        structure: &a.structure_name,
        call: &a.call_title,
        module: &format!("{} — {}", current.spec.code, current.spec.title),
        number: &receipt.number,
        at: french_instant_weekday(receipt.issued_at),
        documents: &receipt.documents,
        link: format!("{}/candidatures/{}", ctx.settings.base_url, id),
    };
    mail::queue(
        ctx,
        &mut tx,
        user.email.as_str(),
        &format!(
            "Accusé de réception de votre candidature n° {}",
            receipt.number
        ),
        "receipt",
        &body,
    )
    .await?;
    tx.commit().await?;
    ctx.jobs_queued.notify_one();
    let a = application(ctx, p, id).await?;
    Ok((a, receipt))
}
