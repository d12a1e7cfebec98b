//! Who trains (issue 14, point 1): the structure retained for module 2 is
//! the training provider of its départements for the service period; its
//! referent designates trainers by e-mail (an unknown address gets an
//! account and its activation link), whose grants end with the service
//! period; an administrator adds a trainer by hand when no call exists.

use axum::http::StatusCode;
use domain::{AdminCap, CallStaffCap, DepartmentCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::{build::*, harness::*};

const PROVIDER: &str = "formations-auvergne@structure.test";

/// Has the CAF of `dep` retain `application` (through staff's proposal).
async fn retain(app: &TestApp, call: &str, application: &str, dep: &str) {
    let call_id: Uuid = call.parse().unwrap();
    let code = DepartmentCode::parse(dep).unwrap();
    let cap = CallStaffCap::for_console(call_id, std::slice::from_ref(&code)).unwrap();
    let agent = store::users::find_by_email(&app.db, AGENT03)
        .await
        .unwrap()
        .unwrap();
    let actor = store::audit::Actor::system();
    let mut tx = app.db.begin().await.unwrap();
    let pid = store::committee::propose(
        &mut tx,
        store::committee::Proposer::Staff(&cap),
        &actor,
        app.now(),
        &store::committee::NewProposal {
            call_id,
            module_code: "M2",
            department: dep,
            application_id: Some(application.parse().unwrap()),
            reason: None,
            motivation: "Équipe de formateurs expérimentée.",
            proposed_by: agent,
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let proposal = store::committee::proposal(&app.db, pid)
        .await
        .unwrap()
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    store::committee::decide(
        &mut tx,
        &AdminCap::for_console().pilot(&code),
        &actor,
        app.now(),
        &proposal,
        true,
        "Validé.",
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

/// A structure of the Allier retained for module 2 in 03 and 63 (service
/// from 1 June 2027 to 31 December 2029), its referent `PROVIDER`;
/// returns the structure.
async fn provider(app: &TestApp) -> String {
    let call = app
        .published_call(&["03", "63"], json!([module("M2", "2027-04-25")]))
        .await;
    let (email, s) = app.new_referent("Formations Auvergne", "03185").await;
    assert_eq!(email, PROVIDER);
    let application = app
        .filed_application(&email, &call, "M2", &["03", "63"])
        .await;
    for dep in ["03", "63"] {
        retain(app, &call, &application, dep).await;
    }
    s
}

async fn designate(c: &mut Client<'_>, structure: &str, body: &Value) -> Resp {
    c.json(
        "POST",
        &format!("/api/v1/structures/{structure}/trainers"),
        body,
    )
    .await
}

async fn new_training(c: &mut Client<'_>) -> Resp {
    c.json(
        "POST",
        "/api/v1/trainings",
        &json!({"title": "Cadre légal", "kind": "continuing", "departments": ["03"]}),
    )
    .await
}

#[tokio::test]
async fn the_retained_provider_designates_trainers_until_its_service_ends() {
    let app = spawn_app().await;
    let s = provider(&app).await;
    let mut referent = app.logged_in(PROVIDER).await;
    let r = referent
        .get(&format!("/api/v1/structures/{s}/trainers"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let deps: Vec<String> = r.json()["provisions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["department"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(deps, ["03", "63"]);

    // An unknown address: an account, its activation link, the grants.
    let r = designate(
        &mut referent,
        &s,
        &json!({"email": "nina@formation.test", "name": "Nina Formatrice"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let t = r.json();
    assert_eq!(t["departments"], json!(["03", "63"]));
    assert_eq!(t["ends_on"], "2029-12-31");
    assert_eq!(t["activated"], false);
    let nina = t["user_id"].as_str().unwrap().to_owned();
    app.activate("nina@formation.test").await;

    // An existing account gets the grants and an e-mail saying so.
    let r = designate(&mut referent, &s, &json!({"email": TRAINER})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let (subject, body) = app.last_email_to(TRAINER).await.unwrap();
    assert_eq!(subject, "Promeneurs du Net : vous êtes formateur");
    assert!(body.contains("31 décembre 2029"), "{body}");
    let r = referent
        .get(&format!("/api/v1/structures/{s}/trainers"))
        .await;
    assert_eq!(r.json()["items"].as_array().unwrap().len(), 2);

    // The trainer runs trainings for its provider…
    let mut trainer = app.logged_in("nina@formation.test").await;
    let r = new_training(&mut trainer).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["provider_structure_id"], s.as_str());
    // …on the last day of the service period, not the day after.
    app.clock.set("2029-12-31T20:00:00Z".parse().unwrap());
    let mut trainer = app.logged_in("nina@formation.test").await;
    let r = new_training(&mut trainer).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    app.clock.set("2030-01-01T08:00:00Z".parse().unwrap());
    let mut trainer = app.logged_in("nina@formation.test").await;
    let r = new_training(&mut trainer).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // The referent ends a designation (while the period runs).
    app.clock.set("2027-07-01T08:00:00Z".parse().unwrap());
    let mut referent = app.logged_in(PROVIDER).await;
    let path = format!("/api/v1/structures/{s}/trainers/{nina}");
    let r = referent.json("DELETE", &path, &json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = referent.json("DELETE", &path, &json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let mut trainer = app.logged_in("nina@formation.test").await;
    let r = new_training(&mut trainer).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

#[tokio::test]
async fn designations_are_refused_outside_the_provider_and_on_bad_input() {
    let app = spawn_app().await;
    let s = provider(&app).await;
    let (other_email, other) = app.new_referent("Centre social", "03185").await;
    let mut other_referent = app.logged_in(&other_email).await;
    // Not a retained provider: 403 with the reason.
    let r = other_referent
        .get(&format!("/api/v1/structures/{other}/trainers"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(
        r.body.contains("pas retenue pour les formations"),
        "{}",
        r.body
    );
    let r = designate(
        &mut other_referent,
        &other,
        &json!({"email": "x@y.fr", "name": "X"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // Another structure: 404.
    let r = designate(
        &mut other_referent,
        &s,
        &json!({"email": "x@y.fr", "name": "X"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // A trainer of another structure, added by hand by an administrator,
    // is not the provider's to end.
    let mut admin = app.logged_in(ADMIN).await;
    let r = designate(
        &mut admin,
        &other,
        &json!({"email": "autre@formation.test", "name": "Autre", "departments": ["03"]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let foreign = r.json()["user_id"].as_str().unwrap().to_owned();
    let mut referent = app.logged_in(PROVIDER).await;
    let r = referent
        .json(
            "DELETE",
            &format!("/api/v1/structures/{s}/trainers/{foreign}"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // Bad input: 422 naming the field, nothing stored.
    for (body, field, words) in [
        (
            json!({"email": "pas-une-adresse", "name": "X"}),
            "email",
            "Adresse e-mail invalide",
        ),
        (
            json!({"email": "inconnu@formation.test"}),
            "name",
            "pas encore de compte",
        ),
        (
            json!({"email": "x@formation.test", "name": "X", "departments": ["01"]}),
            "departments",
            "pas retenue pour les formations dans le département 01",
        ),
    ] {
        let r = designate(&mut referent, &s, &body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(
            r.body.contains(field) && r.body.contains(words),
            "{}",
            r.body
        );
    }
    assert_eq!(app.emails_to("inconnu@formation.test").await, 0);
    let r = referent
        .get(&format!("/api/v1/structures/{s}/trainers"))
        .await;
    assert_eq!(r.json()["items"], json!([]));
}

#[tokio::test]
async fn an_administrator_adds_a_trainer_by_hand_when_no_call_exists() {
    let app = spawn_app().await;
    let s = app
        .new_structure("Association Numérique", None, "63113")
        .await;
    let mut admin = app.logged_in(ADMIN).await;
    // Without départements: 422.
    let r = designate(
        &mut admin,
        &s,
        &json!({"email": "eve@formation.test", "name": "Ève"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("au moins un département"), "{}", r.body);
    let r = designate(
        &mut admin,
        &s,
        &json!({"email": "eve@formation.test", "name": "Ève", "departments": ["63"], "ends_on": "2020-01-01"}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    // Through the admin's form.
    let page = admin.get("/admin/formateurs").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Association Numérique"), "{}", page.body);
    let r = admin
        .post_form(
            "/admin/formateurs",
            &[
                ("structure", ""),
                ("email", "eve@formation.test"),
                ("name", "Ève"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Choisissez la structure"), "{}", r.body);
    let r = admin
        .post_form(
            "/admin/formateurs",
            &[
                ("structure", s.as_str()),
                ("email", "eve@formation.test"),
                ("name", "Ève Formatrice"),
                ("departments", "63"),
                ("ends_on", "30/06/2027"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location(),
        format!("/reseau/structures/{s}/formateurs?message=designe")
    );
    let page = admin.get(r.location()).await;
    assert!(page.body.contains("Ève Formatrice"), "{}", page.body);
    assert!(
        page.body.contains("jusqu&#39;au 30 juin 2027")
            || page.body.contains("jusqu'au 30 juin 2027"),
        "{}",
        page.body
    );
    app.activate("eve@formation.test").await;
    let mut eve = app.logged_in("eve@formation.test").await;
    let r = eve
        .json(
            "POST",
            "/api/v1/trainings",
            &json!({"title": "Réseaux sociaux", "departments": ["63"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // Not the admin's form for anyone else.
    let mut agent = app.logged_in(AGENT63).await;
    assert_eq!(
        agent.get("/admin/formateurs").await.status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn the_referent_designates_and_ends_from_the_trainers_page() {
    let app = spawn_app().await;
    let s = provider(&app).await;
    let mut referent = app.logged_in(PROVIDER).await;
    let structure = referent.get(&format!("/reseau/structures/{s}")).await;
    assert!(
        structure
            .body
            .contains(&format!("/reseau/structures/{s}/formateurs")),
        "{}",
        structure.body
    );
    let path = format!("/reseau/structures/{s}/formateurs");
    let page = referent.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Désigner un formateur"), "{}", page.body);
    let r = referent
        .post_form(&path, &[("email", "faux"), ("name", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("id=\"erreurs\""), "{}", r.body);
    assert!(
        r.body.contains("aria-describedby=\"email-error\""),
        "{}",
        r.body
    );
    let r = referent
        .post_form(
            &path,
            &[("email", "paul@formation.test"), ("name", "Paul Formateur")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = referent.get(r.location()).await;
    assert!(page.body.contains("Paul Formateur"), "{}", page.body);
    assert!(page.body.contains("31 décembre 2029"), "{}", page.body);
    let list = referent
        .get(&format!("/api/v1/structures/{s}/trainers"))
        .await
        .json();
    let paul = list["items"][0]["user_id"].as_str().unwrap().to_owned();
    let r = referent.post_form(&format!("{path}/{paul}/fin"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = referent.get(r.location()).await;
    assert!(!page.body.contains("Paul Formateur"), "{}", page.body);
    // Staff of the département read the page, without the form.
    let mut agent = app.logged_in(AGENT03).await;
    let page = agent.get(&path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("Désigner un formateur"),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_demo_provider_runs_a_past_a_full_and_an_open_session() {
    let app = spawn_app().await;
    // The demo's sessions are dated from the real today.
    app.clock.set(jiff::Timestamp::now());
    promeneurs::demo::load(&app.db).await.unwrap();
    promeneurs::demo_network::load(&app.db).await.unwrap();
    let blobs = store::blobs::BlobStore::new(app.files_dir());
    promeneurs::demo_calls::load(&app.db, &blobs).await.unwrap();
    assert!(promeneurs::demo_trainings::load(&app.db).await.unwrap());
    assert!(!promeneurs::demo_trainings::load(&app.db).await.unwrap());

    let mut trainer = app.client();
    trainer
        .login(
            promeneurs::demo_trainings::TRAINER,
            promeneurs::demo::PASSWORD,
        )
        .await;
    let sessions = trainer.get("/api/v1/sessions?past=true").await.json();
    let items = sessions["items"].as_array().unwrap().clone();
    assert_eq!(items.len(), 3, "{sessions}");
    // Soonest first: the past one, the full one, the open one.
    let (past, full, open) = (&items[0], &items[1], &items[2]);
    assert!(past["ends_at"].as_str().unwrap() < app.now().to_string().as_str());
    assert_eq!(
        (full["seats_left"].as_i64(), full["waitlisted"].as_i64()),
        (Some(0), Some(3))
    );
    assert_eq!(open["registration_open"], true);
    assert!(open["seats_left"].as_i64().unwrap() > 0, "{open}");
    assert!(past["provider_name"].is_string(), "{past}");
    // The past one: attendance marked, certificates earned (all but one).
    let regs = trainer
        .get(&format!(
            "/api/v1/sessions/{}/registrations",
            past["id"].as_str().unwrap()
        ))
        .await
        .json();
    let regs = regs["items"].as_array().unwrap();
    let certified = regs
        .iter()
        .filter(|r| r["certificate_code"].is_string())
        .count();
    assert_eq!((regs.len(), certified), (9, 8), "{regs:?}");
    // The trainer's grants are scoped to the provider and its départements.
    let id = store::users::find_by_email(&app.db, promeneurs::demo_trainings::TRAINER)
        .await
        .unwrap()
        .unwrap();
    let grants = store::users::find(&app.db, id)
        .await
        .unwrap()
        .unwrap()
        .grants;
    let deps: Vec<String> = grants
        .iter()
        .map(|g| g.department.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(deps, ["03", "63"]);
    assert!(
        grants
            .iter()
            .all(|g| g.role == domain::Role::Trainer && g.structure_id.is_some())
    );

    // The demo promeneur: a certificate, and a seat in the open session.
    let mut promeneur = app.client();
    promeneur
        .login("promeneur@demo.promeneurs.fr", promeneurs::demo::PASSWORD)
        .await;
    let page = promeneur
        .get(&format!(
            "/formations/sessions/{}",
            open["id"].as_str().unwrap()
        ))
        .await;
    assert!(page.body.contains("Mon inscription"), "{}", page.body);
}
