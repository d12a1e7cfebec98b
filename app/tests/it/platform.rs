//! The shell: pages, headers, probes, reference data, errors, OpenAPI.

use axum::http::StatusCode;
use serde_json::json;

use crate::harness::*;

#[tokio::test]
async fn pages_are_french_and_carry_strict_security_headers() {
    let app = spawn_app().await;
    let mut c = app.client();
    for path in [
        "/",
        "/connexion",
        "/mot-de-passe-oublie",
        "/communes?q=vichy",
    ] {
        let r = c.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.body.contains("<html lang=\"fr\">"));
        assert!(r.body.contains("href=\"#contenu\""), "skip link on {path}");
        let csp = r.headers["content-security-policy"].to_str().unwrap();
        assert!(
            csp.contains("default-src 'none'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline")
        );
        assert_eq!(r.headers["x-content-type-options"], "nosniff");
        assert!(r.headers.contains_key("referrer-policy"));
        assert!(r.headers.contains_key("x-request-id"));
        // No request to any other host: no absolute URL in src or href.
        assert!(
            !r.body.contains("src=\"http")
                && !r.body.contains("href=\"http")
                && !r.body.contains("<script"),
            "{path}"
        );
    }
    // Public pages without forms set no cookie at all.
    let mut visitor = app.client();
    for path in ["/", "/communes?q=vichy", "/nulle-part"] {
        assert!(
            !visitor.get(path).await.headers.contains_key("set-cookie"),
            "{path} sets a cookie"
        );
    }
    let css = c.get("/connexion").await.body;
    let href = css
        .split("href=\"/static/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let r = c.get(&format!("/static/{href}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
}

#[tokio::test]
async fn unknown_pages_and_api_paths_get_french_errors_in_their_own_shape() {
    let app = spawn_app().await;
    let mut c = app.client();
    let r = c.get("/nulle-part").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Page introuvable"));
    let r = c.get("/api/v1/nulle-part").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(r.error_code(), "not_found");
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap()
            .contains("n'existe pas")
    );
    let r = c
        .raw("PUT", "/api/v1/session", "application/json", "{}")
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.error_code(), "method_not_allowed");
    let r = c.raw("POST", "/api/v1/session", "text/plain", "x").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn communes_are_found_by_name_without_accents_or_by_postal_code() {
    let app = spawn_app().await;
    let mut c = app.client();
    let r = c.get("/api/v1/communes?q=clermont%20FERRAND").await.json();
    assert_eq!(r["items"][0]["insee"], "63113");
    assert_eq!(r["items"][0]["postal_codes"], json!(["63000", "63100"]));
    let r = c.get("/api/v1/communes?q=03200").await.json();
    let names: Vec<&str> = r["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["name"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"Vichy"), "{names:?}");
    let r = c.get("/api/v1/communes?q=st%20eloy").await.json();
    assert!(
        r["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["name"] == "Saint-Éloy-les-Mines"),
        "{r}"
    );
    let r = c
        .get("/api/v1/communes?q=ebreuil&department=63")
        .await
        .json();
    assert_eq!(r["total"], 0, "Ébreuil is in 03");
    let all = c
        .get("/api/v1/communes?department=03&limit=500")
        .await
        .json();
    assert_eq!(all["total"], 317);
    let all = c.get("/api/v1/communes?department=63&limit=1").await.json();
    assert_eq!(all["total"], 463);
    let vichy = &c.get("/api/v1/communes?q=vichy").await.json()["items"][0];
    assert!((vichy["lat"].as_f64().unwrap() - 46.12).abs() < 0.05);
    let page = c.get("/communes?q=VICHY").await;
    assert!(page.body.contains("Vichy") && page.body.contains("03200"));
    let deps = c.get("/api/v1/departments").await.json();
    assert_eq!(deps["items"][0]["caf_name"], "Caf de l'Allier");
    assert_eq!(deps["items"][1]["code"], "63");
}

#[tokio::test]
async fn probes_and_the_openapi_description_answer() {
    let app = spawn_app().await;
    let mut c = app.client();
    assert_eq!(c.get("/healthz").await.status, StatusCode::OK);
    assert_eq!(c.get("/readyz").await.status, StatusCode::OK);
    let spec = c.get("/api/v1/openapi.json").await.json();
    for path in [
        "/api/v1/session",
        "/api/v1/communes",
        "/api/v1/departments/{code}",
        "/api/v1/audit",
        "/api/v1/users",
    ] {
        assert!(
            spec["paths"].get(path).is_some(),
            "{path} missing from OpenAPI"
        );
    }
    app.db.close().await;
    assert_eq!(
        c.get("/readyz").await.status,
        StatusCode::SERVICE_UNAVAILABLE
    );
}

#[tokio::test]
async fn demo_data_loads_once() {
    let app = spawn_app().await;
    let mut admin = app.logged_in(ADMIN).await;
    let before = admin.get("/api/v1/users").await.json()["total"]
        .as_i64()
        .unwrap();
    assert!(promeneurs::demo::load(&app.db).await.unwrap());
    assert!(
        !promeneurs::demo::load(&app.db).await.unwrap(),
        "already loaded"
    );
    let after = admin.get("/api/v1/users").await.json()["total"]
        .as_i64()
        .unwrap();
    assert_eq!(
        after - before,
        i64::try_from(promeneurs::demo::ACCOUNTS.len()).unwrap()
    );
}

#[tokio::test]
async fn a_caf_agent_edits_its_cafs_details_in_the_page() {
    let app = spawn_app().await;
    let mut agent = app.logged_in(AGENT03).await;
    let page = agent.get("/caf/03").await;
    assert!(page.body.contains("Alexandra Meritet"));
    let r = agent
        .post_form(
            "/caf/03",
            &[
                ("caf_name", "Caf de l'Allier"),
                ("contact_email", "pas une adresse"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Adresse e-mail invalide."));
    let r = agent
        .post_form(
            "/caf/03",
            &[
                ("caf_name", "Caf de l'Allier"),
                ("contact_email", "partenaires@caf03.caf.fr"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let d = agent.get("/api/v1/departments/03").await.json();
    assert_eq!(d["contact_email"], "partenaires@caf03.caf.fr");
    assert_eq!(agent.get("/caf/63").await.status, StatusCode::NOT_FOUND);
}
