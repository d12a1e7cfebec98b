//! E-mails, written from French templates in `templates/emails/` and queued
//! in the outbox within the caller's transaction.

use askama::Template;
use store::{StoreError, Tx, outbox::OutgoingEmail};

use crate::AppState;

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
    state: &AppState,
    tx: &mut Tx,
    to: &str,
    subject: &str,
    template_name: &str,
    body: &impl Template,
) -> Result<(), StoreError> {
    let body = body
        .render()
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
    let email = OutgoingEmail {
        to: to.to_owned(),
        subject: subject.to_owned(),
        body,
        template: template_name.to_owned(),
    };
    store::outbox::enqueue_email(tx, state.now(), &email).await?;
    Ok(())
}

/// Renders and queues one e-mail with attachments; returns its id.
pub async fn queue_with(
    state: &AppState,
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
    store::outbox::enqueue_email_with(tx, state.now(), &email, attachments).await
}
