//! The reminder two days before a training session (issue 14, point 4):
//! the worker's periodic pass e-mails it once to each participant with a
//! confirmed seat, with the session's `formation.ics`; not to the waiting
//! list nor to those who cancelled, and not earlier.

use std::sync::Arc;

use axum::http::StatusCode;
use domain::Clock;
use promeneurs::{mailer::Mailer, worker::Worker};
use serde_json::{Value, json};

use crate::{harness::*, outbox::settings};

use crate::trainings::untrained as promeneur;

/// The reminders queued to `to`: (subject, body, attachment names).
async fn reminders(app: &TestApp, to: &str) -> Vec<(String, String, Vec<String>)> {
    let (jobs, _) =
        store::outbox::list_emails(&app.db, &domain::AdminCap::for_console(), None, 500, 0)
            .await
            .unwrap();
    let mut out = Vec::new();
    for e in jobs
        .into_iter()
        .filter(|e| e.to == to && e.subject.starts_with("Rappel"))
    {
        let body = store::outbox::peek_email_body(&app.db, e.id)
            .await
            .unwrap()
            .unwrap_or_default();
        let files = store::outbox::attachments(&app.db, e.id)
            .await
            .unwrap()
            .into_iter()
            .map(|a| a.file_name)
            .collect();
        out.push((e.subject, body, files));
    }
    out
}

#[tokio::test]
async fn participants_are_reminded_once_two_days_before_with_the_ics() {
    let app = spawn_app().await;
    let (_, structure) = app.new_referent("Centre social", "03185").await;
    let mut agent = app.logged_in(AGENT03).await;
    let r = agent
        .json(
            "POST",
            "/api/v1/trainings",
            &json!({"title": "Être présent en ligne", "kind": "continuing", "departments": ["03"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let training = r.json()["id"].as_str().unwrap().to_owned();
    // Two seats, on 1 December 2026 at 9:00 in Paris.
    let r = agent
        .json(
            "POST",
            &format!("/api/v1/trainings/{training}/sessions"),
            &json!({
                "parts": [{"starts_at": "2026-12-01T09:00:00+01:00", "ends_at": "2026-12-01T12:00:00+01:00"}],
                "place": "Centre social de Cusset", "capacity": 2,
                "registration_closes_at": "2026-11-30T12:00:00+01:00"
            }),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let session = r.json()["id"].as_str().unwrap().to_owned();
    let mut ids: Vec<(String, Value)> = Vec::new();
    for (email, name) in [
        ("a@x.fr", "Alpha"),
        ("b@x.fr", "Bravo"),
        ("c@x.fr", "Charlie"),
        ("d@x.fr", "Delta"),
    ] {
        let p = promeneur(&app, &structure, email, name).await;
        let r = agent
            .json(
                "POST",
                &format!("/api/v1/sessions/{session}/registrations"),
                &json!({"promeneur_id": p}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        ids.push((email.to_owned(), r.json()));
    }
    // Bravo cancels: Charlie is promoted; Delta stays on the waiting list.
    let bravo = ids[1].1["id"].as_str().unwrap();
    let r = agent
        .json(
            "DELETE",
            &format!("/api/v1/registrations/{bravo}"),
            &json!({}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);

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
    // Three days before: nothing.
    app.clock.set("2026-11-28T08:00:00Z".parse().unwrap());
    worker.periodic().await;
    for (email, _) in &ids {
        assert!(reminders(&app, email).await.is_empty(), "{email}");
    }
    // Two days before, twice: once each to Alpha and Charlie.
    app.clock.set("2026-11-29T08:30:00Z".parse().unwrap());
    worker.periodic().await;
    worker.periodic().await;
    for (email, expected) in [("a@x.fr", 1), ("b@x.fr", 0), ("c@x.fr", 1), ("d@x.fr", 0)] {
        assert_eq!(reminders(&app, email).await.len(), expected, "{email}");
    }
    let (subject, body, files) = reminders(&app, "a@x.fr").await.pop().unwrap();
    assert_eq!(
        subject,
        "Rappel : formation « Être présent en ligne » dans deux jours"
    );
    assert!(body.contains("1er décembre 2026"), "{body}");
    assert!(body.contains("Centre social de Cusset"), "{body}");
    assert!(
        body.contains(&format!(
            "https://pdn.example/formations/sessions/{session}"
        )),
        "{body}"
    );
    assert_eq!(files, ["formation.ics"]);
    // Once started, no reminder for anyone any more.
    app.clock.set("2026-12-01T09:00:00Z".parse().unwrap());
    worker.periodic().await;
    assert_eq!(reminders(&app, "a@x.fr").await.len(), 1);
}
