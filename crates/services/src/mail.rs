//! E-mails queued in the outbox within the caller's transaction; the
//! worker sends them. Bodies are French text, from the templates in
//! `templates/emails/` or built by the caller.

use askama::Template;
use jiff::Timestamp;
use store::{StoreError, Tx, outbox::OutgoingEmail};

use crate::Ctx;

/// Queues one e-mail of plain text in `tx`.
pub(crate) async fn queue_text(
    tx: &mut Tx,
    now: Timestamp,
    to: &str,
    subject: &str,
    template: &str,
    body: String,
) -> Result<(), StoreError> {
    let email = OutgoingEmail {
        to: to.to_owned(),
        subject: subject.to_owned(),
        body,
        template: template.to_owned(),
    };
    store::outbox::enqueue_email(tx, now, &email).await?;
    Ok(())
}

#[derive(Template)]
#[template(path = "emails/password_reset.txt")]
pub struct PasswordReset<'a> {
    pub name: &'a str,
    pub link: &'a str,
    pub hours: i64,
}

#[derive(Template)]
#[template(path = "emails/activation.txt")]
pub struct Activation<'a> {
    pub name: &'a str,
    pub link: &'a str,
    pub roles: &'a str,
    pub days: i64,
}

/// Renders and queues one e-mail.
pub async fn queue(
    ctx: &Ctx,
    tx: &mut Tx,
    to: &str,
    subject: &str,
    template_name: &str,
    body: &impl Template,
) -> Result<(), StoreError> {
    let body = body
        .render()
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    queue_text(tx, ctx.now(), to, subject, template_name, body).await
}

/// Renders and queues one e-mail with attachments; returns its id.
pub async fn queue_with(
    ctx: &Ctx,
    tx: &mut Tx,
    to: &str,
    subject: &str,
    template_name: &str,
    body: &impl Template,
    attachments: &[store::outbox::Attachment],
) -> Result<uuid::Uuid, StoreError> {
    let body = body
        .render()
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    let email = OutgoingEmail {
        to: to.to_owned(),
        subject: subject.to_owned(),
        body,
        template: template_name.to_owned(),
    };
    store::outbox::enqueue_email_with(tx, ctx.now(), &email, attachments).await
}
