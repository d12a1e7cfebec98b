//! Accounts and sessions under attack: the throttles hold whatever the
//! client writes in `X-Forwarded-For`, the return path after login stays on
//! this site, a mailbox cannot be flooded with reset links, sessions and
//! tokens end, a promeneur does not read its employer's paperwork, and
//! the actions that widen someone's rights are audited.

use axum::http::StatusCode;
use jiff::{SignedDuration, Timestamp};
use serde_json::json;

use crate::{build::*, harness::*};

#[tokio::test]
async fn rotating_the_forwarded_for_prefix_does_not_escape_the_login_throttle() {
    let app = spawn_app().await;
    let mut c = app.client();
    // Behind our proxy, the client writes what it likes on the left; the
    // proxy appends the address it saw (the same one each time).
    for i in 0..10 {
        c.address = format!("10.{i}.0.1, 203.0.113.9");
        let r = c
            .login(&format!("personne{i}@exemple.fr"), "mauvais mot de passe")
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "attempt {i}");
    }
    c.address = "10.99.0.1, 203.0.113.9".into();
    let r = c.login(AGENT03, TEST_PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    // Another client behind the same proxy is not affected.
    c.address = "203.0.113.10".into();
    let r = c.login(AGENT03, TEST_PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_return_path_after_login_never_leaves_the_site() {
    let app = spawn_app().await;
    for (next, expected) in [
        ("/\t/evil.example", "/accueil"),
        ("/\\evil.example", "/accueil"),
        ("//evil.example", "/accueil"),
        ("https://evil.example/", "/accueil"),
        ("/\r\nSet-Cookie: pris=1", "/accueil"),
        ("/gestion/appels?page=2", "/gestion/appels?page=2"),
    ] {
        let mut c = app.client();
        let r = c
            .post_form(
                "/connexion",
                &[
                    ("email", AGENT03),
                    ("password", TEST_PASSWORD),
                    ("suivant", next),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}: {}", r.body);
        assert_eq!(r.location(), expected, "{next:?}");
    }
    // The login page carries the raw value back in its form, escaped.
    let r = app
        .client()
        .get("/connexion?suivant=/%09/evil.example")
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn a_flood_of_reset_requests_sends_few_mails_and_gets_throttled() {
    let app = spawn_app().await;
    // Thirty requests from thirty addresses: the victim gets three e-mails.
    for i in 0..30 {
        let mut c = app.client();
        c.address = format!("198.51.100.{i}");
        let r = c
            .post_form("/mot-de-passe-oublie", &[("email", AGENT63)])
            .await;
        assert_eq!(r.status, StatusCode::OK, "request {i}");
        assert!(r.body.contains("Si un compte existe pour cette adresse"));
    }
    assert_eq!(
        app.emails_to(AGENT63).await,
        usize::try_from(services::accounts::RESET_MAILS_PER_ACCOUNT).unwrap()
    );
    // One address asking again and again is told to wait.
    let mut c = app.client();
    c.address = "192.0.2.77".into();
    let mut last = StatusCode::OK;
    for _ in 0..=services::accounts::RESETS_PER_ADDRESS {
        last = c
            .post_form("/mot-de-passe-oublie", &[("email", "x@exemple.fr")])
            .await
            .status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);
    // A quarter of an hour later it may ask again.
    app.clock.advance(SignedDuration::from_mins(16));
    let r = c
        .post_form("/mot-de-passe-oublie", &[("email", "x@exemple.fr")])
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn https_sites_ask_browsers_to_stay_on_https() {
    let app = spawn_app_with(|c| {
        let mut https = web::WebConfig::new("https://pdn.caf03.example");
        https.trust_proxy = true;
        https.services.files_dir = c.services.files_dir.clone();
        *c = https;
    })
    .await;
    let r = app.client().get("/").await;
    assert_eq!(r.headers["strict-transport-security"], web::HSTS);
    let plain = spawn_app().await;
    let r = plain.client().get("/").await;
    assert!(!r.headers.contains_key("strict-transport-security"));
}

#[tokio::test]
async fn a_session_ends_after_its_absolute_limit_however_active() {
    let app = spawn_app().await;
    let mut c = app.logged_in(AGENT03).await;
    // Active every few hours: the idle limit (12 h) never strikes...
    for _ in 0..5 {
        app.clock.advance(SignedDuration::from_hours(4));
        assert_eq!(c.get("/api/v1/session").await.status, StatusCode::OK);
    }
    // ...but 24 hours after the login the session is over.
    app.clock
        .advance(SignedDuration::from_hours(4) + SignedDuration::from_mins(1));
    assert_eq!(
        c.get("/api/v1/session").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn an_api_token_expires_after_its_lifetime() {
    let app = spawn_app().await;
    let token = promeneurs::new_api_token(&app.db, AGENT03, "script")
        .await
        .unwrap();
    let mut script = app.client();
    script.bearer = Some(token);
    // The token was made at the real time; the test clock follows it.
    app.clock
        .set(Timestamp::now() + SignedDuration::from_hours(24 * 179));
    assert_eq!(script.get("/api/v1/session").await.status, StatusCode::OK);
    app.clock
        .set(Timestamp::now() + SignedDuration::from_hours(24 * 181));
    let r = script.get("/api/v1/session").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.error_code(), "invalid_token");
}

#[tokio::test]
async fn a_password_reset_by_email_revokes_the_accounts_tokens() {
    let app = spawn_app().await;
    let token = promeneurs::new_api_token(&app.db, AGENT63, "script")
        .await
        .unwrap();
    let mut script = app.client();
    script.bearer = Some(token);
    assert_eq!(script.get("/api/v1/session").await.status, StatusCode::OK);
    let mut c = app.client();
    c.post_form("/mot-de-passe-oublie", &[("email", AGENT63)])
        .await;
    let (_, body) = app.last_email_to(AGENT63).await.expect("a reset e-mail");
    let path = path_of(&link_in(&body));
    let r = c
        .post_form(
            &path,
            &[
                ("password", "une phrase de passe neuve"),
                ("password_confirm", "une phrase de passe neuve"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = script.get("/api/v1/session").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let mut admin = app.logged_in(ADMIN).await;
    let log = admin.get("/api/v1/audit?entity=api_token").await.json();
    assert!(
        log["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["action"] == "revoke_all"),
        "{log}"
    );
}

#[tokio::test]
async fn a_promeneur_does_not_read_its_employers_paperwork() {
    let app = spawn_app().await;
    // A promeneur's account, tied to a promeneur of a structure.
    let structure = app.new_structure("MJC de Vichy", None, "03310").await;
    let (promeneur, _) = app
        .new_promeneur(&structure, "lea@mjc-vichy.fr", "03310")
        .await;
    let mut p = app.logged_in("lea@mjc-vichy.fr").await;
    let r = p.get(&format!("/api/v1/promeneurs/{promeneur}")).await;
    assert_eq!(r.status, StatusCode::OK, "its own profile: {}", r.body);
    for path in [
        "/api/v1/structures".to_owned(),
        format!("/api/v1/structures/{structure}"),
        format!("/api/v1/structures/{structure}/conventions"),
        "/api/v1/conventions".to_owned(),
        "/api/v1/conventions/export?format=csv".to_owned(),
        "/api/v1/structures/export?format=csv".to_owned(),
        "/reseau/structures".to_owned(),
        format!("/reseau/structures/{structure}"),
        "/reseau/conventions".to_owned(),
    ] {
        let r = p.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.body);
    }
}

#[tokio::test]
async fn seating_a_committee_member_is_audited_as_a_role_granted() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03"], json!([module("M1", "2027-03-14")]))
        .await;
    let user = app.add_user("membre@comite.test", vec![]).await;
    let mut agent = app.logged_in(AGENT03).await;
    let r = agent
        .json(
            "POST",
            &format!("/api/v1/calls/{call}/committee"),
            &json!({"user_id": user.to_string(), "institution": "Caf 03"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let mut admin = app.logged_in(ADMIN).await;
    let log = admin
        .get("/api/v1/audit?entity=user&limit=500")
        .await
        .json();
    let entry = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["action"] == "grant_role" && e["entity_id"] == user.to_string())
        .unwrap_or_else(|| panic!("no grant_role entry: {log}"))
        .clone();
    assert_eq!(entry["changes"]["role"], "committee_member", "{entry}");
    assert_eq!(entry["changes"]["call_id"], call, "{entry}");
}
