//! E-mails queued in the outbox within the caller's transaction; the
//! worker sends them. Bodies are plain French text built by each area.

use jiff::Timestamp;
use store::{StoreError, Tx, outbox::OutgoingEmail};

/// Queues one e-mail in `tx`.
pub(crate) async fn queue(
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
