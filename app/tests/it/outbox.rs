//! The outbox and its worker: e-mails leave once, failures are retried.

use std::sync::Arc;

use domain::{AdminCap, Clock};
use jiff::SignedDuration;
use promeneurs::{Settings, mailer::Mailer, worker::Worker};

use crate::harness::*;

pub fn settings(smtp: Option<&str>) -> Settings {
    use clap::Parser;
    #[derive(Parser)]
    struct Cli {
        #[command(flatten)]
        s: Settings,
    }
    let mut args = vec!["promeneurs".to_owned()];
    if let Some(u) = smtp {
        args.push(format!("--smtp-url={u}"));
    }
    Cli::parse_from(args).s
}

/// Queues `n` reset e-mails, to as many accounts as the per-account
/// throttle needs (the admin first).
async fn queue_resets(app: &TestApp, n: usize) {
    let accounts = [ADMIN, AGENT03, AGENT63, COORDINATOR];
    let per = usize::try_from(services::accounts::RESET_MAILS_PER_ACCOUNT).unwrap();
    for i in 0..n {
        let mut c = app.client();
        c.address = format!("198.51.100.{i}");
        c.post_form("/mot-de-passe-oublie", &[("email", accounts[i / per])])
            .await;
    }
}

#[tokio::test]
async fn queued_emails_are_sent_once_and_their_body_is_dropped() {
    let app = spawn_app().await;
    queue_resets(&app, 3).await;
    let worker = Worker::new(
        app.db.clone(),
        Mailer::from_settings(&settings(None)),
        app.clock.clone() as Arc<dyn Clock>,
    );
    let pass = worker.drain().await;
    assert_eq!(pass.done, 3);
    assert_eq!(worker.drain().await.done, 0, "nothing twice");
    assert_eq!(store::outbox::unfinished(&app.db).await.unwrap(), 0);
    let (log, _) =
        store::outbox::list_emails(&app.db, &AdminCap::for_console(), Some("sent"), 50, 0)
            .await
            .unwrap();
    assert_eq!(log.len(), 3);
    assert!(
        app.last_email_to(ADMIN).await.unwrap().1.is_empty(),
        "the link is not kept after sending"
    );
    let mut admin = app.logged_in(ADMIN).await;
    let page = admin.get("/admin/emails?statut=sent").await;
    assert!(page.body.contains("changer votre mot de passe") && page.body.contains("envoyé"));
}

#[tokio::test]
async fn two_workers_together_send_each_email_once() {
    let app = spawn_app().await;
    queue_resets(&app, 6).await;
    let w1 = Worker::new(
        app.db.clone(),
        Mailer::from_settings(&settings(None)),
        app.clock.clone() as Arc<dyn Clock>,
    );
    let w2 = Worker::new(
        app.db.clone(),
        Mailer::from_settings(&settings(None)),
        app.clock.clone() as Arc<dyn Clock>,
    );
    let (a, b) = tokio::join!(w1.drain(), w2.drain());
    assert_eq!(a.done + b.done, 6, "{a:?} {b:?}");
}

#[tokio::test]
async fn a_failing_smtp_server_means_retries_with_backoff_then_failure() {
    let app = spawn_app().await;
    queue_resets(&app, 1).await;
    // Nothing listens there.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let worker = Worker::new(
        app.db.clone(),
        Mailer::from_settings(&settings(Some(&format!("smtp://127.0.0.1:{port}")))),
        app.clock.clone() as Arc<dyn Clock>,
    );
    assert_eq!(worker.drain().await.failed, 1);
    assert_eq!(worker.drain().await.failed, 0, "not before the backoff");
    app.clock.advance(SignedDuration::from_secs(31));
    assert_eq!(worker.drain().await.failed, 1, "retried after 30 s");
    for _ in 0..10 {
        app.clock.advance(SignedDuration::from_hours(1));
        worker.drain().await;
    }
    let (failed, _) =
        store::outbox::list_emails(&app.db, &AdminCap::for_console(), Some("failed"), 50, 0)
            .await
            .unwrap();
    assert_eq!(failed.len(), 1);
    assert_eq!(failed[0].attempts, 8);
    assert!(failed[0].error.as_deref().unwrap().contains("SMTP"));
}
