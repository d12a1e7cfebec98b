//! Sending a module's letters: one e-mail per referent with the PDFs,
//! each audited; a second run sends nothing twice.

use domain::Principal;
use store::{letters::Letter, outbox::Attachment};
use uuid::Uuid;

use super::{CONVENTION, decided, make::shared_convention};
use crate::{Ctx, ServiceError, mail::queue_with};

/// E-mails every letter not yet sent of the caller's départements, with
/// its PDFs, each audited (`send_letter`); returns how many applicants
/// were written to now (0 on a second run).
pub async fn send_all(
    ctx: &Ctx,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<usize, ServiceError> {
    let (view, module, filed, cap) = decided(ctx, p, call_id, code).await?;
    let all = store::letters::of_module(&ctx.db, call_id, &module.spec.code).await?;
    let now = ctx.now();
    let mut sent = 0;
    let mut tx = ctx.db.begin().await?;
    for a in &filed {
        let mine: Vec<&Letter> = all
            .iter()
            .filter(|l| l.application_id == a.id && l.queued_at.is_none())
            .collect();
        if mine.is_empty() {
            continue;
        }
        let mut attachments = Vec::new();
        for l in &mine {
            let f = store::files::get(&ctx.db, l.file_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            attachments.push(Attachment {
                file_name: if l.kind == CONVENTION {
                    format!("convention-{}.pdf", module.spec.code)
                } else {
                    format!("courrier-{}.pdf", module.spec.code)
                },
                content_type: "application/pdf".into(),
                content: f.content,
            });
        }
        // Retained, its convention made with another module's letters: the
        // one convention goes with this letter too.
        let own_convention = all
            .iter()
            .any(|l| l.application_id == a.id && l.kind == CONVENTION);
        if !own_convention
            && mine.iter().any(|l| l.outcome == "retained")
            && let Some(shared) = shared_convention(ctx, a).await?
            && let Some(f) = store::files::get(&ctx.db, shared.file_id).await?
        {
            attachments.push(Attachment {
                file_name: "convention.pdf".into(),
                content_type: "application/pdf".into(),
                content: f.content,
            });
        }
        let body = LetterMail {
            structure: &a.structure_name,
            call: &view.call.title,
            module: &format!("{} — {}", module.spec.code, module.spec.title),
            retained: mine.iter().any(|l| l.outcome == "retained"),
            link: format!("{}/candidatures/{}", ctx.settings.base_url, a.id),
        };
        let to =
            store::applications::referent_emails(&ctx.db, a.structure_id, a.created_by).await?;
        let mut first = None;
        for address in &to {
            let id = queue_with(
                ctx,
                &mut tx,
                address,
                &format!(
                    "Résultat de l'appel à candidatures — module {}",
                    module.spec.code
                ),
                "letter",
                &body,
                &attachments,
            )
            .await?;
            first.get_or_insert(id);
        }
        if let Some(email) = first
            && store::letters::mark_queued(&mut tx, &cap, a.id, email, now).await?
        {
            sent += 1;
            store::audit::log(
                &mut tx,
                &crate::accounts::actor(p),
                now,
                "send_letter",
                "application",
                a.id,
                None,
                serde_json::json!({
                    "module": module.spec.code,
                    "documents": mine.iter().map(|l| l.kind.as_str()).collect::<Vec<_>>(),
                    "recipients": to.len(),
                }),
            )
            .await?;
        }
    }
    tx.commit().await?;
    ctx.jobs_queued.notify_one();
    Ok(sent)
}

#[derive(askama::Template)]
#[template(path = "emails/letter.txt")]
pub(super) struct LetterMail<'a> {
    structure: &'a str,
    call: &'a str,
    module: &'a str,
    retained: bool,
    link: String,
}
