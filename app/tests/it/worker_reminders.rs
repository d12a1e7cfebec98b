//! The worker's periodic pass queues both reminders through
//! `services::reminders` (issue 11, first step): links under the worker's
//! base url, each reminder once however often the pass runs.

use std::sync::Arc;

use axum::http::StatusCode;
use domain::Clock;
use promeneurs::{mailer::Mailer, worker::Worker};
use serde_json::json;

use crate::{build::*, harness::*, outbox::settings};

#[tokio::test]
async fn the_worker_queues_draft_and_convention_reminders_once() {
    let app = spawn_app().await;
    // A convention ending 60 days after the harness's today (2026-11-26).
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = coord.new_structure("MJC", Some(SIRET_A), "03310").await;
    let mut agent03 = app.logged_in(AGENT03).await;
    let r = agent03
        .json(
            "POST",
            &format!("/api/v1/structures/{s}/conventions"),
            &json!({"department": "03", "starts_on": "2024-01-01", "ends_on": "2027-01-25", "signed_on": "2023-12-20"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // A draft whose module closes within 7 days of 2027-03-08.
    let call = app
        .published_call(&["03"], json!([module("M1", "2027-03-14")]))
        .await;
    let (email, _) = app.new_referent("Centre social", "03185").await;
    let mut c = app.logged_in(&email).await;
    let draft = apply(&mut c, &call, "M1", &["03"]).await;

    let worker = Worker::new(
        app.db.clone(),
        Mailer::from_settings(&settings(None)),
        app.clock.clone() as Arc<dyn Clock>,
    )
    .with_services(services::Ctx::new(
        app.db.clone(),
        app.clock.clone(),
        "https://pdn.example/",
    ));
    worker.periodic().await;
    worker.periodic().await;
    assert_eq!(app.emails_to("accueil@structure.fr").await, 1);
    let (subject, body) = app.last_email_to("accueil@structure.fr").await.unwrap();
    assert_eq!(
        subject,
        "Votre convention Promeneurs du Net prend fin le 25 janvier 2027"
    );
    assert!(
        body.contains(&format!(
            "Fiche de la structure : https://pdn.example/reseau/structures/{s}\n"
        )),
        "{body}"
    );
    assert_eq!(app.emails_to(&email).await, 0, "not yet within 7 days");

    app.clock.set("2027-03-08T08:00:00Z".parse().unwrap());
    worker.periodic().await;
    worker.periodic().await;
    assert_eq!(app.emails_to(&email).await, 1);
    let (subject, body) = app.last_email_to(&email).await.unwrap();
    assert!(
        subject.starts_with("Votre candidature est encore un brouillon"),
        "{subject}"
    );
    assert!(
        body.contains(&format!("https://pdn.example/candidatures/{draft}\n")),
        "{body}"
    );
    assert!(body.contains("dans moins de 7 jours."), "{body}");
}
