//! The reminder two days before a session (issue 14, point 4): queued by
//! the worker's periodic pass to each participant with a confirmed seat,
//! once (claimed in the transaction that queues it), with the session's
//! `formation.ics`.

use std::collections::{BTreeMap, BTreeSet};

use askama::Template;
use store::{outbox::Attachment, trainings::Session};
use uuid::Uuid;

use super::registrations::calendar;
use crate::{Ctx, ServiceError, auditions::french_start, mail};

/// The reminder's text.
#[derive(Template)]
#[template(path = "emails/training_reminder.txt")]
struct Reminder<'a> {
    name: &'a str,
    training: &'a str,
    half_days: Vec<String>,
    place: &'a str,
    online_url: &'a str,
    link: String,
}

/// Queues the reminders due now (sessions starting within two days);
/// returns how many.
pub async fn queue_session_reminders(ctx: &Ctx) -> Result<usize, ServiceError> {
    let now = ctx.now();
    let mut tx = ctx.db.begin().await?;
    let due = store::trainings::reminders::claim_session_reminders(&mut tx, now).await?;
    let ids: BTreeSet<Uuid> = due.iter().map(|r| r.session_id).collect();
    let mut sessions: BTreeMap<Uuid, Option<Session>> = BTreeMap::new();
    for id in ids {
        sessions.insert(id, store::trainings::find_session(&ctx.db, id).await?);
    }
    let mut queued = 0;
    for r in &due {
        let (Some(Some(s)), Some(who)) = (
            sessions.get(&r.session_id),
            store::promeneurs::find_any(&ctx.db, r.promeneur_id).await?,
        ) else {
            continue;
        };
        let body = Reminder {
            name: &who.first_name,
            training: &s.training_title,
            half_days: s.parts.iter().map(|p| french_start(p.starts_at)).collect(),
            place: &s.place,
            online_url: &s.online_url,
            link: format!("{}/formations/sessions/{}", ctx.settings.base_url, s.id),
        };
        mail::queue_with(
            ctx,
            &mut tx,
            who.email.as_str(),
            &format!(
                "Rappel : formation « {} » dans deux jours",
                s.training_title
            ),
            "training_reminder",
            &body,
            &[Attachment {
                file_name: "formation.ics".into(),
                content_type: "text/calendar; charset=utf-8; method=PUBLISH".into(),
                content: calendar(s, now).into_bytes(),
            }],
        )
        .await?;
        queued += 1;
    }
    tx.commit().await?;
    if queued > 0 {
        ctx.jobs_queued.notify_one();
    }
    Ok(queued)
}
