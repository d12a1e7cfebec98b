//! Result letters and conventions, shared by the pages and the API: one
//! run per module once every decision is validated (a letter for every
//! applicant, a convention for each retained one, typeset with Typst from
//! templates administrators may edit), a review, then "send all" through
//! the outbox with the PDFs attached; a second run sends nothing twice.
//!
//! `wording` says who writes to whom and what the letter says, `make`
//! typesets the documents, `dispatch` e-mails them, `templates` holds the
//! administrators' templates.

mod dispatch;
mod make;
mod sheet;
mod templates;
mod wording;

use documents::letters::{CONVENTION_TEMPLATE, LetterOutcome, RESULT_LETTER_TEMPLATE};
use domain::{CallStaffCap, Principal, call::ApplicationStatus};
use store::{
    applications::Application,
    calls::Module,
    letters::{Letter, LetterWriter},
};
use uuid::Uuid;

pub use dispatch::send_all;
pub use sheet::{kind_label, letters_sheet, outcome_label, sending_label};
pub use templates::{check_template, current_template, set_template, template_error};

use crate::{Ctx, ServiceError, applications, calls};
use make::{make, shared_convention};

/// The two kinds of documents, as stored and as templates.
pub const RESULT: &str = "result";
pub const CONVENTION: &str = "convention";

/// The built-in template of a kind.
pub fn default_template(kind: &str) -> Option<&'static str> {
    match kind {
        RESULT => Some(RESULT_LETTER_TEMPLATE),
        CONVENTION => Some(CONVENTION_TEMPLATE),
        _ => None,
    }
}

/// The applications of the call in `p`'s départements (all for an
/// administrator): a CAF makes, lists and sends its own letters.
fn in_scope(p: &Principal, a: &Application) -> bool {
    applications::is_staff_of(p, a)
}

fn outcome_code(o: LetterOutcome) -> &'static str {
    match o {
        LetterOutcome::Retained => "retained",
        LetterOutcome::NotRetained => "not_retained",
        LetterOutcome::ModuleUnsuccessful => "module_unsuccessful",
    }
}

/// The module of a call the caller manages, its filed applications in the
/// départements the caller writes in, all decided (409 otherwise: nothing
/// is announced before validation; each CAF waits only for its own), and
/// the capability that writes their letters.
async fn decided(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<(calls::CallView, Module, Vec<Application>, CallStaffCap), ServiceError> {
    let (view, _) = calls::managed_call(ctx, p, call_id).await?;
    let cap = p
        .call_staff(view.call.id, &view.call.department_codes())
        .ok_or(ServiceError::NotFound)?;
    let module = view.module(code).ok_or(ServiceError::NotFound)?.clone();
    let (items, _) = store::applications::list(
        &ctx.db,
        &domain::NetworkScope::everything(),
        &store::applications::Filter {
            call_id: Some(call_id),
            module_code: Some(module.spec.code.clone()),
            filed_only: true,
            limit: 10_000,
            ..Default::default()
        },
    )
    .await?;
    let filed: Vec<Application> = items
        .into_iter()
        .filter(|a| {
            a.status != ApplicationStatus::Withdrawn
                && in_scope(p, a)
                && a.departments.iter().any(|d| cap.covers(d))
        })
        .collect();
    if filed.is_empty() {
        return Err(ServiceError::conflict(
            "no_applications",
            "Ce module n'a reçu aucune candidature : il n'y a pas de courrier à faire.",
        ));
    }
    if filed.iter().any(|a| !a.status.is_final()) {
        return Err(ServiceError::conflict(
            "not_decided",
            "Les décisions de ce module ne sont pas toutes validées par les Caf : les courriers attendent.",
        ));
    }
    Ok((view, module, filed, cap))
}

/// Makes the letters (and conventions) not yet made for a module; returns
/// how many documents were made.
pub async fn generate(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<usize, ServiceError> {
    let (view, module, filed, cap) = decided(ctx, p, call_id, code).await?;
    make(
        ctx,
        p,
        LetterWriter::Staff(&cap),
        &view,
        &module.spec.code,
        &filed,
    )
    .await
}

/// The letters made for a module (staff of the call), of the applications
/// in the caller's départements only: each CAF its own.
pub async fn letters(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<Vec<Letter>, ServiceError> {
    let view = calls::staff_call(ctx, p, call_id).await?;
    let module = view.module(code).ok_or(ServiceError::NotFound)?;
    let mine = scoped_ids(ctx, p, call_id, &module.spec.code).await?;
    let mut all = store::letters::of_module(&ctx.db, call_id, &module.spec.code).await?;
    all.retain(|l| mine.contains(&l.application_id));
    Ok(all)
}

/// The filed applications of a module in the caller's départements.
async fn scoped_ids(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<std::collections::HashSet<Uuid>, ServiceError> {
    let (items, _) = store::applications::list(
        &ctx.db,
        &domain::NetworkScope::everything(),
        &store::applications::Filter {
            call_id: Some(call_id),
            module_code: Some(code.to_owned()),
            filed_only: true,
            limit: 10_000,
            ..Default::default()
        },
    )
    .await?;
    Ok(items
        .iter()
        .filter(|a| in_scope(p, a))
        .map(|a| a.id)
        .collect())
}

/// A letter of an application as a PDF, once its decision is validated
/// (API.md): made on the first request if the CAF has not prepared the
/// module's letters yet. Staff of its départements read it too.
pub async fn document(
    ctx: &Ctx,
    p: &Principal,
    application_id: Uuid,
    kind: &str,
) -> Result<Vec<u8>, ServiceError> {
    let a = applications::application(ctx, p, application_id).await?;
    let decided = matches!(
        a.status,
        ApplicationStatus::Retained | ApplicationStatus::NotRetained
    );
    if !decided {
        return Err(ServiceError::NotFound);
    }
    let mut letters = store::letters::of_application(&ctx.db, a.id).await?;
    if letters.is_empty() {
        let view = calls::call(ctx, Some(p), a.call_id).await?;
        // Its applicant, or staff of its call (an outgoing coordinator
        // only reads: it makes nothing).
        let (applicant, staff);
        let by = if let Some(cap) = p.applicant_for(a.structure_id) {
            applicant = cap;
            LetterWriter::Applicant(&applicant)
        } else {
            let departments = a.departments.clone();
            staff = p
                .call_staff(a.call_id, &departments)
                .ok_or(ServiceError::NotFound)?;
            LetterWriter::Staff(&staff)
        };
        make(ctx, p, by, &view, &a.module_code, std::slice::from_ref(&a)).await?;
        letters = store::letters::of_application(&ctx.db, a.id).await?;
    }
    let mut letter = letters.into_iter().find(|l| l.kind == kind);
    if letter.is_none() && kind == CONVENTION && a.status == ApplicationStatus::Retained {
        // One convention for all the modules of a structure: made with
        // another module's letters.
        letter = shared_convention(ctx, &a).await?;
    }
    let letter = letter.ok_or(ServiceError::NotFound)?;
    Ok(store::files::get(&ctx.db, letter.file_id)
        .await?
        .ok_or(ServiceError::NotFound)?
        .content)
}

/// Why the letters of a module cannot be made yet, for the pages: `None`
/// when they can, or the refusal `generate` would give (409:
/// `not_decided`, `no_applications`). Callers who do not manage the call
/// get its error.
pub async fn waiting(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<Option<ServiceError>, ServiceError> {
    match decided(ctx, p, call_id, code).await {
        Ok(_) => Ok(None),
        Err(e @ ServiceError::Conflict { .. }) => Ok(Some(e)),
        Err(e) => Err(e),
    }
}
