//! Logging in and out, throttling, password reset and change, CSRF.

use axum::http::StatusCode;
use jiff::SignedDuration;
use serde_json::json;

use crate::harness::*;

#[tokio::test]
async fn a_coordinator_logs_in_sees_their_account_and_logs_out() {
    let app = spawn_app().await;
    let mut c = app.client();
    let r = c.get("/compte").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/connexion"));

    let r = c.login(COORDINATOR, TEST_PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let cookie = r
        .headers
        .get("set-cookie")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let r = c.get("/compte").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Coordinateur (03, 63)"));

    let r = c.post_form("/deconnexion", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(c.get("/compte").await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_address_get_the_same_answer() {
    let app = spawn_app().await;
    let mut c = app.client();
    let wrong = c.login(ADMIN, "pas le bon mot de passe").await;
    let unknown = c
        .login("personne@nulle-part.fr", "pas le bon mot de passe")
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert!(
        wrong
            .body
            .contains("Adresse e-mail ou mot de passe incorrect.")
    );
    assert!(
        unknown
            .body
            .contains("Adresse e-mail ou mot de passe incorrect.")
    );
    let api = c
        .json(
            "POST",
            "/api/v1/session",
            &json!({"email": ADMIN, "password": "non"}),
        )
        .await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED);
    assert_eq!(api.error_code(), "invalid_credentials");
}

#[tokio::test]
async fn each_login_gets_a_new_session_id_and_the_old_one_ends() {
    let app = spawn_app().await;
    let mut c = app.client();
    c.login(AGENT03, TEST_PASSWORD).await;
    let first = c.cookie(web::auth::SESSION_COOKIE).unwrap();
    c.login(AGENT03, TEST_PASSWORD).await;
    let second = c.cookie(web::auth::SESSION_COOKIE).unwrap();
    assert_ne!(first, second);
    let mut old = app.client();
    old.bearer = None;
    let r = old
        .send(
            axum::http::Request::get("/api/v1/session")
                .header("cookie", format!("{}={first}", web::auth::SESSION_COOKIE))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn ten_failures_lock_the_account_for_fifteen_minutes() {
    let app = spawn_app().await;
    let mut c = app.client();
    for i in 0..10 {
        c.address = format!("198.51.100.{i}");
        assert_eq!(
            c.login(AGENT63, "mauvais mot de passe").await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    c.address = "198.51.100.200".into();
    let r = c.login(AGENT63, TEST_PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("Réessayez dans 15 minutes"));
    let api = c
        .json(
            "POST",
            "/api/v1/session",
            &json!({"email": AGENT63, "password": TEST_PASSWORD}),
        )
        .await;
    assert_eq!(api.status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(api.error_code(), "too_many_requests");
    // Another account from that address is not affected.
    assert_eq!(
        c.login(AGENT03, TEST_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
    // After the window, the right password works again.
    app.clock.advance(SignedDuration::from_mins(16));
    let mut later = app.client();
    assert_eq!(
        later.login(AGENT63, TEST_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn ten_failures_from_one_address_block_that_address() {
    let app = spawn_app().await;
    let mut c = app.client();
    c.address = "203.0.113.9".into();
    for i in 0..10 {
        c.login(&format!("inconnu{i}@exemple.fr"), "nimporte quoi")
            .await;
    }
    assert_eq!(
        c.login(ADMIN, TEST_PASSWORD).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    c.address = "203.0.113.10".into();
    assert_eq!(
        c.login(ADMIN, TEST_PASSWORD).await.status,
        StatusCode::SEE_OTHER
    );
}

#[tokio::test]
async fn forms_without_the_csrf_token_are_refused() {
    let app = spawn_app().await;
    let mut c = app.client();
    c.get("/connexion").await;
    let r = c
        .post_form_raw(
            "/connexion",
            &[("email", ADMIN), ("password", TEST_PASSWORD)],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("Jeton de sécurité"));
    let r = c
        .post_form_raw(
            "/connexion",
            &[
                ("csrf_token", "faux"),
                ("email", ADMIN),
                ("password", TEST_PASSWORD),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(c.cookie(web::auth::SESSION_COOKIE).is_none());

    // Logged in, a cookie API call needs X-CSRF-Token.
    let mut admin = app.logged_in(ADMIN).await;
    let r = admin
        .raw(
            "PATCH",
            "/api/v1/departments/03",
            "application/json",
            r#"{"contact_phone":"01"}"#,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(r.error_code(), "forbidden");
    let d = admin.get("/api/v1/departments/03").await.json();
    assert_eq!(d["contact_phone"], "04 70 08 49 38", "nothing changed");
    let r = admin
        .json(
            "PATCH",
            "/api/v1/departments/03",
            &json!({"contact_phone": "04 70 00 00 00"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn a_forgotten_password_is_reset_through_a_single_use_link() {
    let app = spawn_app().await;
    let mut c = app.client();
    let r = c
        .post_form(
            "/mot-de-passe-oublie",
            &[("email", "AGENT03@test.promeneurs.fr")],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Si un compte existe pour cette adresse"));
    let (subject, body) = app.last_email_to(AGENT03).await.expect("a reset e-mail");
    assert!(subject.contains("mot de passe"));
    let path = path_of(&link_in(&body));

    assert_eq!(c.get(&path).await.status, StatusCode::OK);
    let r = c
        .post_form(
            &path,
            &[("password", "court"), ("password_confirm", "court")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("au moins 10 caractères"));
    let r = c
        .post_form(
            &path,
            &[
                ("password", "une phrase de passe neuve"),
                ("password_confirm", "une autre phrase"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = c
        .post_form(
            &path,
            &[
                ("password", "une phrase de passe neuve"),
                ("password_confirm", "une phrase de passe neuve"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/connexion?message=mot-de-passe-modifie");

    assert_eq!(
        c.login(AGENT03, TEST_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        c.login(AGENT03, "une phrase de passe neuve").await.status,
        StatusCode::SEE_OTHER
    );

    // The link served once.
    let mut other = app.client();
    assert_eq!(other.get(&path).await.status, StatusCode::GONE);
    let r = other
        .post_form(
            &path,
            &[
                ("password", "encore une autre phrase"),
                ("password_confirm", "encore une autre phrase"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::GONE);
    assert!(r.body.contains("n'est plus valable"));
}

#[tokio::test]
async fn a_reset_link_expires_after_an_hour_and_unknown_addresses_get_no_mail() {
    let app = spawn_app().await;
    let mut c = app.client();
    c.post_form("/mot-de-passe-oublie", &[("email", "inconnu@exemple.fr")])
        .await;
    assert_eq!(app.emails_to("inconnu@exemple.fr").await, 0);
    c.post_form("/mot-de-passe-oublie", &[("email", AGENT63)])
        .await;
    let (_, body) = app.last_email_to(AGENT63).await.unwrap();
    let path = path_of(&link_in(&body));
    app.clock.advance(SignedDuration::from_mins(61));
    assert_eq!(c.get(&path).await.status, StatusCode::GONE);
    let r = c
        .post_form(
            &path,
            &[
                ("password", "une phrase de passe neuve"),
                ("password_confirm", "une phrase de passe neuve"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::GONE);
    assert_eq!(
        c.login(AGENT63, TEST_PASSWORD).await.status,
        StatusCode::SEE_OTHER,
        "password unchanged"
    );
}

#[tokio::test]
async fn changing_ones_password_needs_the_current_one() {
    let app = spawn_app().await;
    let mut c = app.logged_in(COORDINATOR).await;
    let mut elsewhere = app.logged_in(COORDINATOR).await;
    let r = c
        .post_form(
            "/compte/mot-de-passe",
            &[
                ("current_password", "faux"),
                ("password", "nouvelle phrase sûre"),
                ("password_confirm", "nouvelle phrase sûre"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Le mot de passe actuel est incorrect."));
    let r = c
        .post_form(
            "/compte/mot-de-passe",
            &[
                ("current_password", TEST_PASSWORD),
                ("password", "nouvelle phrase sûre"),
                ("password_confirm", "nouvelle phrase sûre"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        c.get("/compte").await.status,
        StatusCode::OK,
        "this session stays"
    );
    assert_eq!(
        elsewhere.get("/compte").await.status,
        StatusCode::SEE_OTHER,
        "other sessions end"
    );
}

#[tokio::test]
async fn the_api_session_endpoints_follow_the_contract() {
    let app = spawn_app().await;
    let mut c = app.client();
    assert_eq!(
        c.get("/api/v1/session").await.status,
        StatusCode::UNAUTHORIZED
    );
    let r = c
        .json(
            "POST",
            "/api/v1/session",
            &json!({"email": AGENT03, "password": TEST_PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let s = c.get("/api/v1/session").await.json();
    assert_eq!(s["user"]["email"], AGENT03);
    assert_eq!(s["user"]["roles"], json!(["caf_agent"]));
    assert!(s["csrf_token"].as_str().unwrap().len() >= 32);
    let r = c.json("DELETE", "/api/v1/session", &json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(
        c.get("/api/v1/session").await.status,
        StatusCode::UNAUTHORIZED
    );
}

/// An upload form carries its CSRF token in the body's first part, never
/// in its URL (where logs and the history keep it): a token in the query
/// string or after another field is refused, and nothing is imported.
#[tokio::test]
async fn an_upload_carries_its_token_first_in_the_body() {
    use axum::{body::Body, http::Request};
    let app = spawn_app().await;
    let mut agent = app.logged_in(AGENT03).await;
    let token = agent.csrf().await;
    let boundary = "----b";
    let part = |name: &str, value: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
    };
    let file = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"s.csv\"\r\nContent-Type: text/csv\r\n\r\nnom\r\n--{boundary}--\r\n"
    );
    let post = |uri: String, body: String| {
        Request::post(uri)
            .header(
                "content-type",
                format!("multipart/form-data; boundary={boundary}"),
            )
            .body(Body::from(body))
            .unwrap()
    };
    let kind = part("kind", "structures");
    let r = agent
        .send(post(
            format!("/reseau/import?csrf_token={token}"),
            format!("{kind}{file}"),
        ))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "token in the URL");
    let late = part("csrf_token", &token);
    let r = agent
        .send(post("/reseau/import".into(), format!("{kind}{late}{file}")))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "token after another field");
    let r = agent
        .post_multipart(
            "/reseau/import",
            &[("kind", "structures")],
            Some(("file", "s.csv", b"nom\r\n")),
        )
        .await;
    assert_ne!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}
