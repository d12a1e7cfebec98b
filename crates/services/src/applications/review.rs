//! What follows the filing: staff ask for a complement, the applicant
//! withdraws.

use askama::Template;
use domain::Principal;
use uuid::Uuid;

use super::{applicant_cap, application, own};
use crate::{Ctx, ServiceError, accounts::actor, mail};

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
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    message: &str,
) -> Result<Uuid, ServiceError> {
    let a = application(ctx, p, id).await?;
    // The application's départements are among its call's.
    let departments = a.departments.clone();
    let cap = p.call_staff(a.call_id, &departments).ok_or_else(|| {
        ServiceError::forbidden(
            "Seuls les agents de la Caf et les coordinateurs de l'appel peuvent demander un complément.",
        )
    })?;
    let message = message.trim();
    if message.is_empty() || message.chars().count() > 10_000 {
        return Err(ServiceError::invalid_field(
            "message",
            "Écrivez ce que la structure doit compléter (10 000 caractères au plus).",
        ));
    }
    a.status
        .request_complement()
        .map_err(|e| ServiceError::conflict("status", e.message))?;
    let to = store::applications::referent_emails(&ctx.db, a.structure_id, a.created_by).await?;
    let mut tx = ctx.db.begin().await?;
    let msg =
        store::applications::request_complement(&mut tx, &cap, &actor(p), ctx.now(), id, message)
            .await
            .map_err(|e| match e {
                store::StoreError::Conflict(_) => ServiceError::conflict(
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
        link: format!("{}/candidatures/{}", ctx.settings.base_url, id),
    };
    for address in &to {
        mail::queue(
            ctx,
            &mut tx,
            address,
            "Complément demandé pour votre candidature",
            "complement_request",
            &body,
        )
        .await?;
    }
    tx.commit().await?;
    ctx.jobs_queued.notify_one();
    Ok(msg)
}

/// The applicant withdraws its application before the decision.
pub async fn withdraw(ctx: &Ctx, p: &Principal, id: Uuid) -> Result<(), ServiceError> {
    let a = own(ctx, p, id).await?;
    a.status
        .withdraw()
        .map_err(|e| ServiceError::conflict("status", e.message))?;
    let mut tx = ctx.db.begin().await?;
    store::applications::withdraw(&mut tx, &applicant_cap(p, &a)?, &actor(p), ctx.now(), id)
        .await
        .map_err(|e| match e {
            store::StoreError::Conflict(_) => ServiceError::conflict(
                "status",
                "Cette candidature est close : elle ne peut plus être retirée.",
            ),
            other => other.into(),
        })?;
    tx.commit().await?;
    Ok(())
}
