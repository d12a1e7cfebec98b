//! Roles and scope: the role × département × action matrix, account
//! creation by administrators, API tokens.

use axum::http::StatusCode;
use serde_json::json;

use crate::harness::*;

#[derive(Debug, Clone, Copy)]
enum Action {
    EditCaf03,
    EditCaf63,
    CafPage03,
    ReadAudit,
    ListUsers,
    CreateUser,
    EmailLog,
}

async fn attempt(app: &TestApp, who: Option<&str>, action: Action) -> StatusCode {
    let mut c = match who {
        Some(email) => app.logged_in(email).await,
        None => app.client(),
    };
    let r = match action {
        Action::EditCaf03 => {
            c.json(
                "PATCH",
                "/api/v1/departments/03",
                &json!({"contact_name": "Quelqu'un"}),
            )
            .await
        }
        Action::EditCaf63 => {
            c.json(
                "PATCH",
                "/api/v1/departments/63",
                &json!({"contact_name": "Quelqu'un"}),
            )
            .await
        }
        Action::CafPage03 => c.get("/caf/03").await,
        Action::ReadAudit => c.get("/api/v1/audit").await,
        Action::ListUsers => c.get("/api/v1/users").await,
        Action::CreateUser => {
            let email = format!("nouveau-{}@exemple.fr", uuid::Uuid::new_v4().simple());
            c.json(
                "POST",
                "/api/v1/users",
                &json!({"email": email, "name": "Nouveau", "role": "promeneur"}),
            )
            .await
        }
        Action::EmailLog => c.get("/api/v1/emails").await,
    };
    r.status
}

#[tokio::test]
async fn each_role_reaches_exactly_what_its_scope_allows() {
    use Action::*;
    use StatusCode as S;
    let app = spawn_app().await;
    let ok = S::OK;
    let nf = S::NOT_FOUND;
    // Anonymous callers are asked to log in (the page redirects to the login form).
    let anon = [
        S::UNAUTHORIZED,
        S::UNAUTHORIZED,
        S::SEE_OTHER,
        S::UNAUTHORIZED,
        S::UNAUTHORIZED,
        S::UNAUTHORIZED,
        S::UNAUTHORIZED,
    ];
    let matrix: [(Option<&str>, [StatusCode; 7]); 9] = [
        //                 EditCaf03 EditCaf63 CafPage03 ReadAudit ListUsers CreateUser EmailLog
        (Some(ADMIN), [ok, ok, ok, ok, ok, S::CREATED, ok]),
        (Some(AGENT03), [ok, nf, ok, ok, nf, nf, nf]),
        (Some(AGENT63), [nf, ok, nf, ok, nf, nf, nf]),
        (Some(COORDINATOR), [nf, nf, nf, ok, nf, nf, nf]),
        (Some(COMMITTEE), [nf, nf, nf, nf, nf, nf, nf]),
        (Some(TRAINER), [nf, nf, nf, nf, nf, nf, nf]),
        (Some(STRUCTURE), [nf, nf, nf, nf, nf, nf, nf]),
        (Some(PROMENEUR), [nf, nf, nf, nf, nf, nf, nf]),
        (None, anon),
    ];
    let actions = [
        EditCaf03, EditCaf63, CafPage03, ReadAudit, ListUsers, CreateUser, EmailLog,
    ];
    let mut failures = Vec::new();
    for (who, expected) in matrix {
        for (action, want) in actions.iter().zip(expected) {
            let got = attempt(&app, who, *action).await;
            if got != want {
                failures.push(format!("{who:?} {action:?}: expected {want}, got {got}"));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn a_caf_agent_reads_only_its_departements_audit_entries() {
    let app = spawn_app().await;
    let mut a03 = app.logged_in(AGENT03).await;
    let r = a03
        .json(
            "PATCH",
            "/api/v1/departments/03",
            &json!({"contact_phone": "04 70 11 22 33"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let mut a63 = app.logged_in(AGENT63).await;
    a63.json(
        "PATCH",
        "/api/v1/departments/63",
        &json!({"contact_phone": "04 73 11 22 33"}),
    )
    .await;

    let log = a03.get("/api/v1/audit?entity=department").await.json();
    let items = log["items"].as_array().unwrap();
    assert!(items.iter().all(|e| e["department"] == "03"), "{log}");
    let mine = items
        .iter()
        .find(|e| e["actor"] == AGENT03)
        .expect("the agent's own change");
    assert_eq!(mine["changes"]["contact_phone"], "04 70 11 22 33");
    assert_eq!(mine["action"], "update");
    // Account creations (no département) are for administrators only.
    assert_eq!(
        a03.get("/api/v1/audit?entity=user").await.json()["total"],
        0
    );
    let mut admin = app.logged_in(ADMIN).await;
    assert!(
        admin.get("/api/v1/audit?entity=user").await.json()["total"]
            .as_i64()
            .unwrap()
            >= 8
    );
    let page = a63.get("/journal?entite=department").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("04 73 11 22 33") && !page.body.contains("04 70 11 22 33"));
    // In French: the action and the object named, the change as a line.
    assert!(
        page.body
            .contains("<td>Modification</td><td>Caf (département)</td>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<li>contact phone : 04 73 11 22 33</li>"),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("<option value=\"department\" selected>Caf (département)</option>")
    );
    assert!(!page.body.contains("{&quot;"), "no raw JSON");
    // Its export keeps the page's scope and words.
    assert!(
        page.body
            .contains("/journal/export?format=xlsx&amp;entite=department")
    );
    let csv = String::from_utf8(a63.get_bytes("/journal/export?entite=department").await).unwrap();
    assert!(csv.contains("Modification;Caf (département)"), "{csv}");
    assert!(
        csv.contains("contact phone : 04 73 11 22 33") && !csv.contains("04 70 11 22 33"),
        "{csv}"
    );
    let mut promeneur = app.logged_in(PROMENEUR).await;
    assert_eq!(
        promeneur.get("/journal/export").await.status,
        StatusCode::NOT_FOUND
    );
    // The accounts' export is the administrator's only.
    assert_eq!(
        a63.get("/admin/utilisateurs/export").await.status,
        StatusCode::NOT_FOUND
    );
    let csv = String::from_utf8(admin.get_bytes("/admin/utilisateurs/export").await).unwrap();
    assert!(csv.contains("nom;email;roles;actif"), "{csv}");
    assert!(csv.contains(AGENT03), "{csv}");
    // And the e-mail log's, with its status filter.
    assert_eq!(
        a63.get("/admin/emails/export").await.status,
        StatusCode::NOT_FOUND
    );
    let page = admin.get("/admin/emails?statut=sent").await;
    assert!(
        page.body
            .contains("/admin/emails/export?format=xlsx&amp;statut=sent")
    );
    let all = String::from_utf8(admin.get_bytes("/admin/emails/export").await).unwrap();
    assert!(all.contains("destinataire;objet;modele;etat"), "{all}");
    let sent =
        String::from_utf8(admin.get_bytes("/admin/emails/export?statut=sent").await).unwrap();
    assert!(
        sent.lines().skip(1).all(|l| l.contains(";envoyé;")),
        "{sent}"
    );
}

#[tokio::test]
async fn an_admin_creates_an_account_that_is_activated_by_email() {
    let app = spawn_app().await;
    let mut admin = app.logged_in(ADMIN).await;
    let r = admin
        .post_form(
            "/admin/utilisateurs/nouveau",
            &[
                ("name", "Nadia Coordinatrice"),
                ("email", "nadia@fcs03.fr"),
                ("role", "coordinator"),
                ("departments", "03"),
                ("departments", "63"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let list = admin.get("/admin/utilisateurs?message=compte-cree").await;
    assert!(list.body.contains("nadia@fcs03.fr") && list.body.contains("Compte créé"));

    let (subject, body) = app.last_email_to("nadia@fcs03.fr").await.unwrap();
    assert!(subject.contains("Activez votre compte"));
    let path = path_of(&link_in(&body));
    let mut nadia = app.client();
    let r = nadia
        .post_form(
            &path,
            &[
                ("password", "ma phrase secrète"),
                ("password_confirm", "ma phrase secrète"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        nadia
            .login("nadia@fcs03.fr", "ma phrase secrète")
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let me = nadia.get("/api/v1/session").await.json();
    assert_eq!(me["user"]["departments"], json!(["03", "63"]));
}

#[tokio::test]
async fn a_refused_account_creation_changes_nothing() {
    let app = spawn_app().await;
    let mut admin = app.logged_in(ADMIN).await;
    let before = admin.get("/api/v1/users").await.json()["total"]
        .as_i64()
        .unwrap();
    let dup = admin
        .json(
            "POST",
            "/api/v1/users",
            &json!({"email": AGENT03, "name": "Doublon", "role": "promeneur"}),
        )
        .await;
    assert_eq!(dup.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        dup.json()["error"]["fields"]["email"],
        "Un compte existe déjà avec cette adresse e-mail."
    );
    let r = admin
        .json(
            "POST",
            "/api/v1/users",
            &json!({"email": "x@y.fr", "name": "X", "role": "caf_agent"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["error"]["fields"]["departments"].is_string());
    let r = admin
        .json(
            "POST",
            "/api/v1/users",
            &json!({"email": "x@y.fr", "name": "X", "role": "caf_agent", "departments": ["75"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = admin
        .json(
            "POST",
            "/api/v1/users",
            &json!({"email": "pas-une-adresse", "name": "", "role": "chef"}),
        )
        .await;
    let fields = r.json()["error"]["fields"].clone();
    assert!(
        fields["email"].is_string() && fields["name"].is_string() && fields["role"].is_string(),
        "{fields}"
    );
    let r = admin
        .json(
            "POST",
            "/api/v1/users",
            &json!({"email": "x@y.fr", "name": "X", "role": "promeneur", "admin": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["error"]["fields"]["admin"], "Champ inconnu.");
    let mut script = app.client();
    script.bearer = Some(
        promeneurs::new_api_token(&app.db, ADMIN, "script")
            .await
            .unwrap(),
    );
    let r = script
        .raw("POST", "/api/v1/users", "application/json", "{\"email\": ")
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.error_code(), "bad_request");
    let r = script
        .raw("POST", "/api/v1/users", "text/plain", "bonjour")
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = admin
        .raw("POST", "/api/v1/users", "text/plain", "bonjour")
        .await;
    assert_eq!(
        r.status,
        StatusCode::FORBIDDEN,
        "a cookie call without the CSRF header"
    );
    assert_eq!(
        admin.get("/api/v1/users").await.json()["total"]
            .as_i64()
            .unwrap(),
        before
    );
    assert_eq!(app.emails_to("x@y.fr").await, 0);
}

#[tokio::test]
async fn api_tokens_authenticate_until_revoked_or_the_user_is_gone() {
    let app = spawn_app().await;
    let token = promeneurs::new_api_token(&app.db, AGENT03, "script")
        .await
        .unwrap();
    let mut script = app.client();
    script.bearer = Some(token.clone());
    let me = script.get("/api/v1/session").await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["user"]["email"], AGENT03);
    assert!(me.json()["csrf_token"].is_null());
    // No CSRF header needed with a token.
    let r = script
        .json(
            "PATCH",
            "/api/v1/departments/03",
            &json!({"contact_name": "Par script"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let mut admin = app.logged_in(ADMIN).await;
    let page = admin.get("/admin/jetons").await;
    assert!(page.body.contains(AGENT03) && page.body.contains(&token[..10]));
    assert!(
        !page.body.contains(&token),
        "the secret is never shown again"
    );
    let tokens = store::tokens::list_api_tokens(&app.db, &domain::AdminCap::for_console())
        .await
        .unwrap();
    let id = tokens[0].id.to_string();
    let r = admin
        .post_form(&format!("/admin/jetons/{id}/revocation"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = script.get("/api/v1/session").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.error_code(), "invalid_token");

    // A token of a deleted account is refused too.
    let token = promeneurs::new_api_token(&app.db, AGENT63, "script")
        .await
        .unwrap();
    let creds = store::users::credentials(&app.db, &domain::Email::parse(AGENT63).unwrap())
        .await
        .unwrap()
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    store::users::delete(
        &mut tx,
        &domain::AdminCap::for_console(),
        &store::audit::Actor::console(),
        app.now(),
        creds.id,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    script.bearer = Some(token);
    assert_eq!(
        script.get("/api/v1/session").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn a_deactivated_account_loses_its_sessions() {
    let app = spawn_app().await;
    let mut agent = app.logged_in(AGENT63).await;
    let mut admin = app.logged_in(ADMIN).await;
    let users = admin.get("/api/v1/users?limit=500").await.json();
    let id = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == AGENT63)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = admin
        .post_form(
            &format!("/admin/utilisateurs/{id}/activation"),
            &[("active", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(agent.get("/compte").await.status, StatusCode::SEE_OTHER);
    assert_eq!(
        agent.login(AGENT63, TEST_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
}
