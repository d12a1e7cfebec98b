//! Reminders to the authors of drafts, 7 days and 1 day before the
//! deadline of their module, queued by the worker once per threshold.

use askama::Template;
use jiff::Timestamp;
use store::{Db, StoreError, from_micros, outbox::OutgoingEmail};

#[derive(Template)]
#[template(path = "emails/draft_reminder.txt")]
struct Reminder<'a> {
    name: &'a str,
    call: &'a str,
    module: String,
    deadline: String,
    days: i64,
    link: String,
}

/// Queues the reminders due at `now`; returns how many. Safe to run often
/// and from several workers.
pub async fn queue_draft_reminders(
    db: &Db,
    base_url: &str,
    now: Timestamp,
) -> Result<usize, StoreError> {
    let mut tx = db.begin().await?;
    let due = store::applications::claim_draft_reminders(&mut tx, now).await?;
    for r in &due {
        let deadline = domain::deadline::Deadline::from_instant(from_micros(r.deadline)).french();
        let body = Reminder {
            name: &r.name,
            call: &r.call_title,
            module: format!("{} — {}", r.module_code, r.module_title),
            deadline: deadline.clone(),
            days: r.days,
            link: format!("{base_url}/candidatures/{}", r.application_id),
        }
        .render()
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
        store::outbox::enqueue_email(
            &mut tx,
            now,
            &OutgoingEmail {
                to: r.email.clone(),
                subject: format!(
                    "Votre candidature est encore un brouillon : date limite le {deadline}"
                ),
                body,
                template: "draft_reminder".into(),
            },
        )
        .await?;
    }
    tx.commit().await?;
    Ok(due.len())
}
