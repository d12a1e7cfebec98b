//! Reminders before conventions end (60 and 30 days), queued by the worker
//! once a day at most per convention and threshold.

use askama::Template;
use domain::clock::{french_date, in_paris};
use jiff::Timestamp;
use store::{Db, StoreError, outbox::OutgoingEmail};

#[derive(Template)]
#[template(path = "emails/convention_reminder.txt")]
struct Reminder<'a> {
    structure: &'a str,
    caf_name: &'a str,
    ends_on: String,
    days: i32,
    link: String,
}

/// Queues the reminders due today; returns how many conventions were
/// reminded. Safe to run often and from several workers.
pub async fn queue_convention_reminders(
    db: &Db,
    base_url: &str,
    now: Timestamp,
) -> Result<usize, StoreError> {
    let today = in_paris(now).date();
    let mut tx = db.begin().await?;
    let due = store::conventions::claim_due_reminders(&mut tx, today).await?;
    for r in &due {
        let c = &r.convention;
        let body = Reminder {
            structure: &c.structure_name,
            caf_name: &r.caf_name,
            ends_on: french_date(c.ends_on),
            days: i32::try_from(domain::convention::days_between(today, c.ends_on))
                .unwrap_or(r.days),
            link: format!("{base_url}/reseau/structures/{}", c.structure_id),
        }
        .render()
        .map_err(|e| StoreError::Invalid(e.to_string()))?;
        let subject = format!(
            "Votre convention Promeneurs du Net prend fin le {}",
            french_date(c.ends_on)
        );
        let mut to: Vec<&str> = Vec::new();
        if let Some(e) = r.structure_email.as_deref() {
            to.push(e);
        }
        if !r.caf_email.is_empty() {
            to.push(&r.caf_email);
        }
        for address in to {
            store::outbox::enqueue_email(
                &mut tx,
                now,
                &OutgoingEmail {
                    to: address.to_owned(),
                    subject: subject.clone(),
                    body: body.clone(),
                    template: "convention_reminder".into(),
                },
            )
            .await?;
        }
    }
    tx.commit().await?;
    Ok(due.len())
}
