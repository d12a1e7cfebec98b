//! Each person's home (`/accueil`, `GET /api/v1/home`): a login lands
//! there; staff see what waits in their départements only; a committee
//! member its reviews left; a referent its applications and what its
//! promeneurs lack; a promeneur its profile's state; a trainer a plain
//! sentence rather than a 404.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::{build::*, harness::*};

/// The task of `section` whose label starts with `label`.
fn task<'a>(home: &'a Value, section: &str, label: &str) -> &'a Value {
    let s = home["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"] == section)
        .unwrap_or_else(|| panic!("no section {section}: {home}"));
    s["tasks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["label"].as_str().unwrap().starts_with(label))
        .unwrap_or_else(|| panic!("no task {label} in {section}: {home}"))
}

fn titles(home: &Value) -> Vec<String> {
    home["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["title"].as_str().unwrap().to_owned())
        .collect()
}

/// A structure signed up by its referent, waiting for its CAF.
async fn signed_up(app: &TestApp, email: &str, siret_head: &str, commune: &str) {
    let siret = valid_siret(siret_head);
    let r = app
        .client()
        .post_form(
            "/inscription",
            &[
                ("name", "Quelqu'un"),
                ("email", email),
                ("siret", siret.as_str()),
                ("structure_name", "Structure inscrite"),
                ("kind", "mjc"),
                ("commune", commune),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

#[tokio::test]
async fn a_login_lands_home_and_strangers_are_sent_to_log_in() {
    let app = spawn_app().await;
    let mut c = app.client();
    let r = c.login(AGENT03, TEST_PASSWORD).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/accueil");
    let page = c.get("/accueil").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<h2 id=\"home-1\">Réseau</h2>"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("href=\"/accueil\""),
        "the menu leads home"
    );
    assert!(
        page.body.contains("href=\"/gestion/appels\""),
        "staff's menu"
    );

    let mut visitor = app.client();
    let r = visitor.get("/accueil").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/connexion"), "{}", r.location());
    assert_eq!(
        visitor.get("/api/v1/home").await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn staff_count_what_waits_in_their_departement_only() {
    let app = spawn_app().await;
    signed_up(&app, "moulins@x.fr", "4123456790001", "Moulins").await;
    signed_up(&app, "riom@x.fr", "5123456790001", "Riom").await;
    let call = app
        .published_call(&["03"], json!([module("M1", "2099-03-14")]))
        .await;
    let (referent, _) = app.new_referent("Centre A", "03185").await;
    app.filed_application(&referent, &call, "M1", &["03"]).await;

    let mut agent03 = app.logged_in(AGENT03).await;
    let home = agent03.get("/api/v1/home").await.json();
    let pending = task(&home, "Réseau", "Structures inscrites à valider");
    assert_eq!(pending["count"], 1, "{home}");
    assert_eq!(pending["pending"], true);
    assert_eq!(pending["href"], "/reseau/structures/a-valider");
    let c = task(&home, "Appels à candidatures", "Appel à candidatures 2027");
    let detail = c["detail"].as_str().unwrap();
    assert!(detail.starts_with("1 candidature déposée"), "{detail}");
    assert!(
        detail.contains("prochaine date limite le 14 mars 2099"),
        "{detail}"
    );
    assert_eq!(c["href"], format!("/gestion/appels/{call}"));
    assert!(titles(&home).contains(&"Formations".to_owned()));

    // The other CAF: its own structure waiting, not 03's call.
    let mut agent63 = app.logged_in(AGENT63).await;
    let home = agent63.get("/api/v1/home").await.json();
    assert_eq!(task(&home, "Réseau", "Structures inscrites")["count"], 1);
    let calls = home["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["title"] == "Appels à candidatures")
        .unwrap();
    assert_eq!(calls["tasks"], json!([]), "{home}");
    assert!(calls["note"].as_str().unwrap().starts_with("Aucun appel"));

    // Approving the structure takes it off the count.
    let id = agent03
        .get("/api/v1/structures?approval=pending")
        .await
        .json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = agent03
        .post_form(&format!("/reseau/structures/{id}/validation"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let home = agent03.get("/api/v1/home").await.json();
    assert_eq!(task(&home, "Réseau", "Structures inscrites")["count"], 0);
}

#[tokio::test]
async fn a_member_sees_what_it_has_left_to_review() {
    let app = spawn_app().await;
    let cc = app.committee_call().await;
    app.seated_member(&cc.call, "membre@x.fr", "Département", None)
        .await;
    let mut m = app.logged_in("membre@x.fr").await;
    let home = m.get("/api/v1/home").await.json();
    let t = task(&home, "Mon comité", "Appel à candidatures 2027");
    assert_eq!(t["href"], "/comite");
    assert_eq!(t["pending"], true);
    assert_eq!(
        t["detail"], "4 candidatures à évaluer · 4 en tout",
        "{home}"
    );
    assert!(!titles(&home).contains(&"Réseau".to_owned()), "not staff");
}

#[tokio::test]
async fn a_referent_sees_its_applications_and_what_its_promeneurs_lack() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03"], json!([module("M1", "2099-03-14")]))
        .await;
    let (email, s) = app.new_referent("Centre A", "03185").await;
    let mut r = app.logged_in(&email).await;
    let draft = apply(&mut r, &call, "M1", &["03"]).await;
    app.new_promeneur(&s, "lea@x.fr", "03185").await;

    let home = r.get("/api/v1/home").await.json();
    let a = task(
        &home,
        "Mes candidatures",
        "Appel à candidatures 2027 — module M1",
    );
    assert_eq!(a["href"], format!("/candidatures/{draft}"));
    assert_eq!(a["pending"], true);
    assert!(
        a["detail"]
            .as_str()
            .unwrap()
            .contains("à déposer avant le 14 mars 2099"),
        "{home}"
    );
    // Made by staff, it has not consented yet: not in the directory.
    let p = task(&home, "Mes promeneurs", "Léa Martin");
    assert_eq!(p["pending"], true);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .starts_with("Pas dans l'annuaire : "),
        "{home}"
    );
    let page = r.get("/accueil").await;
    assert!(page.body.contains("Mes promeneurs") && page.body.contains("à traiter"));
}

#[tokio::test]
async fn a_promeneur_sees_its_profile_and_a_trainer_a_plain_sentence() {
    let app = spawn_app().await;
    let s = app
        .new_structure("MJC de Vichy", Some(SIRET_A), "03310")
        .await;
    let (id, _) = app.new_promeneur(&s, "lea@x.fr", "03310").await;
    let mut lea = app.logged_in("lea@x.fr").await;
    let home = lea.get("/api/v1/home").await.json();
    let d = task(
        &home,
        "Mon profil de promeneur",
        "Mon profil n'est pas dans l'annuaire",
    );
    assert_eq!(d["href"], "/mon-profil");
    let presence = task(&home, "Mon profil de promeneur", "Présence en ligne : ");
    let label = presence["label"].as_str().unwrap();
    assert!(
        label.contains("de retour") || label.contains("en ligne jusqu'à"),
        "{label}"
    );
    app.consent_from_account(&id.to_string()).await;
    let home = lea.get("/api/v1/home").await.json();
    let d = task(&home, "Mon profil de promeneur", "Mon profil est visible");
    assert_eq!(d["href"], format!("/promeneurs/{id}"));

    let mut trainer = app.logged_in(TRAINER).await;
    let page = trainer.get("/accueil").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Aucune session de formation à venir pour l&#39;instant."),
        "{}",
        page.body
    );
}
