//! The outbox worker: claims due jobs one at a time, runs them, records
//! success or schedules a retry. Runs inside `serve` and alone as
//! `promeneurs worker`; several may run against one PostgreSQL database.

use std::{sync::Arc, time::Duration};

use domain::Clock;
use jiff::SignedDuration;
use store::{Db, outbox};
use tokio::sync::{Notify, watch};

use crate::mailer::Mailer;

pub struct Worker {
    db: Db,
    mailer: Mailer,
    clock: Arc<dyn Clock>,
    pub poll: Duration,
    /// For the periodic tasks (its base url makes the links in e-mails).
    services: services::Ctx,
}

/// What one pass did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Pass {
    pub done: usize,
    pub failed: usize,
}

impl Worker {
    pub fn new(db: Db, mailer: Mailer, clock: Arc<dyn Clock>) -> Self {
        Self {
            services: services::Ctx::new(db.clone(), clock.clone(), ""),
            db,
            mailer,
            clock,
            poll: Duration::from_secs(2),
        }
    }

    #[must_use]
    /// The services' context the periodic tasks use (in `serve`, the web
    /// layer's own: one directory, one wake-up for queued jobs).
    pub fn with_services(mut self, ctx: services::Ctx) -> Self {
        self.services = ctx;
        self
    }

    /// Periodic tasks: reminders before conventions end, before the
    /// deadline of drafts and two days before a training session. Each is safe to
    /// run from several workers (claims are made in the database).
    pub async fn periodic(&self) {
        match services::reminders::queue_convention_reminders(&self.services).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(conventions = n, "convention reminders queued"),
            Err(e) => tracing::warn!(error = %e, "cannot queue convention reminders"),
        }
        match services::reminders::queue_draft_reminders(&self.services).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(drafts = n, "draft reminders queued"),
            Err(e) => tracing::warn!(error = %e, "cannot queue draft reminders"),
        }
        match services::trainings::reminders::queue_session_reminders(&self.services).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(registrations = n, "training reminders queued"),
            Err(e) => tracing::warn!(error = %e, "cannot queue training reminders"),
        }
    }

    /// Runs every due job, then returns.
    pub async fn drain(&self) -> Pass {
        let mut pass = Pass::default();
        loop {
            let now = self.clock.now();
            let job = match outbox::claim(&self.db, now, SignedDuration::from_mins(5)).await {
                Ok(Some(job)) => job,
                Ok(None) => return pass,
                Err(e) => {
                    tracing::warn!(error = %e, "cannot claim a job");
                    return pass;
                }
            };
            let result = self.execute(&job).await;
            let now = self.clock.now();
            let recorded = match &result {
                Ok(()) => outbox::succeed(&self.db, &job, now).await.map(|()| true),
                Err(e) => {
                    tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, error = %e, "job failed");
                    outbox::fail(&self.db, &job, now, e).await
                }
            };
            match (result, recorded) {
                (Ok(()), Ok(_)) => pass.done += 1,
                (_, Err(e)) => {
                    tracing::error!(error = %e, "cannot record a job's outcome");
                    return pass;
                }
                (Err(_), Ok(_)) => pass.failed += 1,
            }
        }
    }

    async fn execute(&self, job: &outbox::Job) -> Result<(), String> {
        match job.kind.as_str() {
            outbox::EMAIL => {
                let field = |k: &str| {
                    job.payload
                        .get(k)
                        .and_then(serde_json::Value::as_str)
                        .unwrap_or_default()
                        .to_owned()
                };
                let attachments = match outbox::email_id(job) {
                    Some(id) => outbox::attachments(&self.db, id)
                        .await
                        .map_err(|e| format!("pièces jointes : {e}"))?,
                    None => Vec::new(),
                };
                self.mailer
                    .send(
                        &field("to"),
                        &field("subject"),
                        &field("body"),
                        &attachments,
                    )
                    .await
            }
            other => Err(format!("type de tâche inconnu : {other}")),
        }
    }

    /// Loops until `stop` turns true, waking when told or every `poll`.
    pub async fn run(self, notify: Arc<Notify>, mut stop: watch::Receiver<bool>) {
        let mut last_purge = self.clock.now();
        let mut last_periodic: Option<jiff::Timestamp> = None;
        loop {
            if *stop.borrow() {
                return;
            }
            let now = self.clock.now();
            if last_periodic.is_none_or(|t| now.duration_since(t) > SignedDuration::from_mins(10)) {
                self.periodic().await;
                last_periodic = Some(now);
            }
            self.drain().await;
            let now = self.clock.now();
            if now.duration_since(last_purge) > SignedDuration::from_hours(1) {
                let _ = store::sessions::purge(&self.db, now).await;
                last_purge = now;
            }
            tokio::select! {
                () = notify.notified() => {},
                () = tokio::time::sleep(self.poll) => {},
                _ = stop.changed() => {},
            }
        }
    }
}
