//! What follows the filing: staff ask for a complement, staff and the
//! applicant write to each other, the applicant withdraws.

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

/// A message of the thread e-mailed to the other side.
#[derive(Template)]
#[template(path = "emails/message.txt")]
struct MessageMail<'a> {
    to_staff: bool,
    author: &'a str,
    structure: &'a str,
    call: &'a str,
    module: &'a str,
    message: &'a str,
    link: String,
}

/// A message about an application, from its applicant to the CAF agents of
/// its départements or from the call's staff to the applicant's referents,
/// kept in its thread and e-mailed to the other side. The same text sent
/// twice in a row is kept once (and e-mailed once). Returns the message's
/// id.
pub async fn post_message(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    message: &str,
) -> Result<Uuid, ServiceError> {
    let a = application(ctx, p, id).await?;
    let message = message.trim();
    if message.is_empty() || message.chars().count() > 10_000 {
        return Err(ServiceError::invalid_field(
            "message",
            "Écrivez votre message (10 000 caractères au plus).",
        ));
    }
    a.status
        .conversation()
        .map_err(|e| ServiceError::conflict("status", e.message))?;
    let link = format!("{}/candidatures/{}", ctx.settings.base_url, id);
    let applicant = super::is_applicant(p, &a);
    // The other side's addresses, read before the transaction.
    let to = if applicant {
        store::applications::staff_emails(&ctx.db, id).await?
    } else {
        store::applications::referent_emails(&ctx.db, a.structure_id, a.created_by).await?
    };
    let mut tx = ctx.db.begin().await?;
    let posted = if applicant {
        let cap = applicant_cap(p, &a)?;
        store::applications::applicant_message(&mut tx, &cap, &actor(p), ctx.now(), id, message)
            .await
    } else {
        let cap = p.call_staff(a.call_id, &a.departments).ok_or_else(|| {
            ServiceError::forbidden(
                "Seuls la structure candidate, les agents de la Caf et les coordinateurs de l'appel peuvent écrire ici.",
            )
        })?;
        store::applications::staff_message(&mut tx, &cap, &actor(p), ctx.now(), id, message).await
    }
    .map_err(|e| match e {
        store::StoreError::Conflict("too_many") => ServiceError::too_many(format!(
            "Trop de messages pour cette candidature aujourd'hui ({} au plus en 24 heures) : réessayez demain.",
            store::applications::DAILY_MESSAGES
        )),
        store::StoreError::Conflict(_) => ServiceError::conflict(
            "status",
            "Cette candidature vient de changer d'état : rechargez la page.",
        ),
        other => other.into(),
    })?;
    let message_id = match posted {
        store::applications::Posted::Repeated(message_id) => return Ok(message_id),
        store::applications::Posted::New(message_id) => message_id,
    };
    let body = MessageMail {
        to_staff: applicant,
        author: &p.name,
        structure: &a.structure_name,
        call: &a.call_title,
        module: &a.module_code,
        message,
        link,
    };
    let subject = if applicant {
        format!("Message de {} sur sa candidature", a.structure_name)
    } else {
        "Message au sujet de votre candidature".to_owned()
    };
    for address in &to {
        mail::queue(ctx, &mut tx, address, &subject, "message", &body).await?;
    }
    tx.commit().await?;
    ctx.jobs_queued.notify_one();
    Ok(message_id)
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
