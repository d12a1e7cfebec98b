//! The conversation about an application: messages both ways between the
//! applicant structure and the call's staff, e-mailed to the other side,
//! kept in the application's thread beside the complement requests.

use axum::http::StatusCode;
use domain::{DepartmentCode, Grant, Role};
use serde_json::json;

use crate::{build::*, harness::*};

fn messages_path(id: &str) -> String {
    format!("/api/v1/applications/{id}/messages")
}

#[tokio::test]
async fn applicant_and_staff_write_to_each_other_by_mail_and_in_the_thread() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03"], json!([module("M1", "2027-03-14")]))
        .await;
    let (email, _) = app.new_referent("Centre social", "03185").await;
    let mut c = app.logged_in(&email).await;
    let a = apply(&mut c, &call, "M1", &["03"]).await;
    let path = messages_path(&a);
    let hello = json!({"body": "Bonjour, faut-il joindre le budget 2026 ou 2027 ?"});

    // A draft: the CAF does not see it, so nobody can write about it yet.
    let r = c.json("POST", &path, &hello).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("pas encore déposée"), "{}", r.body);
    let mut agent = app.logged_in(AGENT03).await;
    assert_eq!(
        agent.json("POST", &path, &hello).await.status,
        StatusCode::NOT_FOUND
    );

    upload(&mut c, &a, "formulaire", "dossier.pdf", PDF).await;
    let r = c
        .json(
            "POST",
            &format!("/api/v1/applications/{a}/submit"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let agent_mails = app.emails_to(AGENT03).await;

    // The applicant writes: kept in the thread, e-mailed to the agents of
    // the application's département (not to those of another).
    let r = c.json("POST", &path, &hello).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let first = r.json();
    assert_eq!(first["side"], "applicant");
    assert_eq!(first["kind"], "message");
    assert_eq!(app.emails_to(AGENT03).await, agent_mails + 1);
    let (subject, body) = app.last_email_to(AGENT03).await.unwrap();
    assert!(subject.contains("Centre social"), "{subject}");
    assert!(body.contains("budget 2026 ou 2027"), "{body}");
    assert!(body.contains(&format!("/candidatures/{a}")), "{body}");
    assert!(app.last_email_to(AGENT63).await.is_none());

    // The same text again (a double click): the same message, no second
    // e-mail.
    let r = c.json("POST", &path, &hello).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["id"], first["id"]);
    assert_eq!(app.emails_to(AGENT03).await, agent_mails + 1);

    // Staff answer; the referent is e-mailed.
    let referent_mails = app.emails_to(&email).await;
    let reply = json!({"body": "Le budget 2027, merci."});
    let r = agent.json("POST", &path, &reply).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["side"], "staff");
    assert_eq!(app.emails_to(&email).await, referent_mails + 1);
    let (subject, body) = app.last_email_to(&email).await.unwrap();
    assert!(subject.contains("votre candidature"), "{subject}");
    assert!(body.contains("Le budget 2027, merci."), "{body}");

    // A complement request is in the same thread, told apart by its kind;
    // writing does not change the application's state.
    let got = c.get(&format!("/api/v1/applications/{a}")).await.json();
    assert_eq!(got["status"], "submitted");
    let r = agent
        .json(
            "POST",
            &format!("/api/v1/applications/{a}/complement-requests"),
            &json!({"message": "Joignez le budget 2027 signé."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let thread = c.get(&path).await.json();
    assert_eq!(thread["total"], 3);
    let kinds: Vec<&str> = thread["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["message", "message", "complement_request"]);

    // Bad input changes nothing.
    for bad in [json!({"body": "   "}), json!({"body": "x".repeat(10_001)})] {
        let r = c.json("POST", &path, &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    }
    // Strangers: another structure's referent, the other département's
    // agent.
    let (stranger, _) = app.new_referent("Autre centre", "03185").await;
    let mut s = app.logged_in(&stranger).await;
    assert_eq!(
        s.json("POST", &path, &hello).await.status,
        StatusCode::NOT_FOUND
    );
    let mut agent63 = app.logged_in(AGENT63).await;
    assert_eq!(
        agent63.json("POST", &path, &hello).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(c.get(&path).await.json()["total"], 3);

    // Withdrawn, the conversation is closed.
    let r = c
        .json(
            "POST",
            &format!("/api/v1/applications/{a}/withdraw"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = c
        .json("POST", &path, &json!({"body": "Une dernière chose."}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(c.get(&path).await.json()["total"], 3);
}

#[tokio::test]
async fn an_agent_who_is_also_the_applicants_referent_is_not_mailed_as_staff() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03"], json!([module("M1", "2027-03-14")]))
        .await;
    let (email, structure) = app.new_referent("Centre social", "03185").await;
    let mut grants = referent_of(&structure);
    grants.push(Grant::departmental(
        Role::CafAgent,
        DepartmentCode::parse("03").unwrap(),
    ));
    app.add_user("double@caf03.test", grants).await;
    let a = app.filed_application(&email, &call, "M1", &["03"]).await;
    let mut c = app.logged_in(&email).await;
    let r = c
        .json(
            "POST",
            &messages_path(&a),
            &json!({"body": "Une question sur le budget."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert!(app.last_email_to(AGENT03).await.is_some());
    assert!(
        app.last_email_to("double@caf03.test").await.is_none(),
        "the applicant's own referent must not receive the staff's copy"
    );
}

#[tokio::test]
async fn a_flood_of_messages_is_stopped_for_the_day() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03"], json!([module("M1", "2027-03-14")]))
        .await;
    let (email, _) = app.new_referent("Centre social", "03185").await;
    let a = app.filed_application(&email, &call, "M1", &["03"]).await;
    let mut c = app.logged_in(&email).await;
    let path = messages_path(&a);
    for i in 0..30 {
        let r = c
            .json("POST", &path, &json!({"body": format!("Message {i}")}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    let r = c.json("POST", &path, &json!({"body": "Encore un."})).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    assert!(r.body.contains("réessayez demain"), "{}", r.body);
    assert_eq!(c.get(&path).await.json()["total"], 30);
    // Staff may still answer; the next day the applicant may write again.
    let mut agent = app.logged_in(AGENT03).await;
    let r = agent
        .json("POST", &path, &json!({"body": "Nous avons bien reçu."}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    app.clock.advance(jiff::SignedDuration::from_hours(25));
    let mut c = app.logged_in(&email).await;
    let r = c.json("POST", &path, &json!({"body": "Encore un."})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

#[tokio::test]
async fn the_conversation_is_held_on_the_application_page() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03"], json!([module("M1", "2027-03-14")]))
        .await;
    let (email, _) = app.new_referent("Centre social", "03185").await;
    let a = app.filed_application(&email, &call, "M1", &["03"]).await;
    let page = format!("/candidatures/{a}");
    let send = format!("/candidatures/{a}/messages");

    let mut c = app.logged_in(&email).await;
    let r = c.get(&page).await;
    assert!(r.body.contains("Échanges avec la Caf"), "{}", r.body);
    assert!(r.body.contains("Écrire à la Caf"), "{}", r.body);
    // An empty message: the error is summarised at the top, focused, and
    // links to the field.
    let r = c.post_form(&send, &[("conversation_message", " ")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let top = r.body.find("message-erreur").unwrap();
    assert!(top < r.body.find("profile-facts").unwrap(), "{}", r.body);
    assert!(r.body.contains("href=\"#conversation_message\""));
    assert!(r.body.contains("conversation_message-error"));
    let r = c
        .post_form(
            &send,
            &[("conversation_message", "Notre local change d'adresse.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().ends_with("#echanges"), "{}", r.location());

    let mut agent = app.logged_in(AGENT03).await;
    let r = agent.get(&page).await;
    assert!(r.body.contains("Échanges avec la structure"), "{}", r.body);
    assert!(r.body.contains("Message de la structure"), "{}", r.body);
    assert!(r.body.contains("Notre local change d"), "{}", r.body);
    assert!(r.body.contains("Écrire à la structure"));
    assert!(r.body.contains("Demander un complément"));
    let r = agent
        .post_form(&send, &[("conversation_message", "Bien noté, merci.")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = c.get(&page).await;
    assert!(r.body.contains("Message de la Caf"), "{}", r.body);
    assert!(r.body.contains("Bien noté, merci."), "{}", r.body);
    // The journal names the action in French.
    let mut admin = app.logged_in(ADMIN).await;
    let r = admin.get("/journal?action=message").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body.matches("<td>Message</td>").count(), 2, "{}", r.body);
}

#[tokio::test]
async fn the_same_message_sent_twice_at_once_is_kept_once() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03"], json!([module("M1", "2027-03-14")]))
        .await;
    let (email, _) = app.new_referent("Centre social", "03185").await;
    let a = app.filed_application(&email, &call, "M1", &["03"]).await;
    let path = messages_path(&a);
    let before = app.emails_to(AGENT03).await;
    let mut c1 = app.logged_in(&email).await;
    let mut c2 = app.logged_in(&email).await;
    let body = json!({"body": "Envoyé deux fois d'un coup."});
    let (r1, r2) = tokio::join!(c1.json("POST", &path, &body), c2.json("POST", &path, &body));
    assert_eq!(r1.status, StatusCode::CREATED, "{}", r1.body);
    assert_eq!(r2.status, StatusCode::CREATED, "{}", r2.body);
    assert_eq!(r1.json()["id"], r2.json()["id"]);
    assert_eq!(c1.get(&path).await.json()["total"], 1);
    assert_eq!(app.emails_to(AGENT03).await, before + 1);
}

/// The detail of the home's task whose label starts with `label`.
fn home_detail(home: &serde_json::Value, label: &str) -> (String, bool) {
    let t = home["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["tasks"].as_array().unwrap())
        .find(|t| t["label"].as_str().unwrap().starts_with(label))
        .unwrap_or_else(|| panic!("no task {label}: {home}"));
    (
        t["detail"].as_str().unwrap_or_default().to_owned(),
        t["pending"].as_bool().unwrap(),
    )
}

#[tokio::test]
async fn each_home_says_which_message_waits_for_an_answer() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03"], json!([module("M1", "2099-03-14")]))
        .await;
    let (email, _) = app.new_referent("Centre social", "03185").await;
    let a = app.filed_application(&email, &call, "M1", &["03"]).await;
    let path = messages_path(&a);
    let mut c = app.logged_in(&email).await;
    let mut agent = app.logged_in(AGENT03).await;
    let label = "Appel à candidatures 2027";

    let (detail, _) = home_detail(&agent.get("/api/v1/home").await.json(), label);
    assert!(!detail.contains("sans réponse"), "{detail}");
    c.json("POST", &path, &json!({"body": "Une question."}))
        .await;
    let (detail, pending) = home_detail(&agent.get("/api/v1/home").await.json(), label);
    assert!(
        detail.contains("1 message de structure sans réponse"),
        "{detail}"
    );
    assert!(pending);
    // The other département's agent is not told.
    let mut agent63 = app.logged_in(AGENT63).await;
    assert!(
        !agent63
            .get("/api/v1/home")
            .await
            .body
            .contains("sans réponse")
    );

    agent
        .json("POST", &path, &json!({"body": "Une réponse."}))
        .await;
    let (detail, _) = home_detail(&agent.get("/api/v1/home").await.json(), label);
    assert!(!detail.contains("sans réponse"), "{detail}");
    let (detail, pending) = home_detail(&c.get("/api/v1/home").await.json(), label);
    assert!(detail.ends_with("· message de la Caf"), "{detail}");
    assert!(pending);
    c.json("POST", &path, &json!({"body": "Merci !"})).await;
    let (detail, _) = home_detail(&c.get("/api/v1/home").await.json(), label);
    assert!(!detail.contains("message de la Caf"), "{detail}");
}

#[tokio::test]
async fn the_journal_is_in_the_administrators_menu_and_reached_from_my_caf() {
    let app = spawn_app().await;
    let mut admin = app.logged_in(ADMIN).await;
    let home = admin.get("/accueil").await;
    assert!(home.body.contains("href=\"/journal\""), "{}", home.body);
    let mut agent = app.logged_in(AGENT03).await;
    let home = agent.get("/accueil").await;
    assert!(!home.body.contains("href=\"/journal\""), "{}", home.body);
    let caf = agent.get("/caf").await;
    assert!(caf.body.contains("href=\"/journal\""), "{}", caf.body);
    assert_eq!(agent.get("/journal").await.status, StatusCode::OK);
}
