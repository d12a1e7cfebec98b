//! The committee's independence under an insider's eyes: scores hidden
//! until one's own review, no proposal from a conflicted member and no
//! validation by the one who proposed, conflicts from the account's ties
//! to a structure, no draft read by staff and no staff judging a call its
//! structure applies to, proposals after the deadline only and a ranking
//! that says whether the committee is complete, and each CAF reading its
//! own département's proposals.

use axum::http::StatusCode;
use domain::{DepartmentCode, Grant, Role};
use serde_json::{Value, json};

use crate::{
    build::*,
    committee::{marks, review},
    harness::*,
};

/// After the deadline of M1 (14 March 2027) and M2 (25 April 2027).
const AFTER_DEADLINES: &str = "2027-05-01T08:00:00Z";

fn row<'a>(res: &'a Value, department: &str, app_id: &str) -> &'a Value {
    res["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["department"] == department)
        .unwrap_or_else(|| panic!("no outcome for {department}: {res}"))["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["application_id"] == app_id)
        .unwrap_or_else(|| panic!("no row {app_id} in {department}: {res}"))
}

fn outcome<'a>(res: &'a Value, department: &str) -> &'a Value {
    res["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["department"] == department)
        .unwrap_or_else(|| panic!("no outcome for {department}: {res}"))
}

fn user_grant(role: Role, department: Option<&str>, structure: Option<&str>) -> Grant {
    Grant {
        role,
        department: department.map(|d| DepartmentCode::parse(d).unwrap()),
        structure_id: structure.map(|s| s.parse().unwrap()),
        call_id: None,
    }
}

#[tokio::test]
async fn a_member_sees_no_score_before_its_own_review() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    app.seated_member(&s.call, "caf@comite.test", "Caf 03", None)
        .await;
    app.seated_member(&s.call, "msa@comite.test", "MSA", None)
        .await;
    let mut m1 = app.logged_in("caf@comite.test").await;
    let mut m2 = app.logged_in("msa@comite.test").await;
    // 100 × (3 × 17/20 + 2 × 13/20) / 5 = 77.
    let r = review(&mut m1, &s.a, &marks(17, 13)).await;
    assert_eq!(r.json()["score"], 77.0, "{}", r.body);

    let results = format!("/api/v1/calls/{}/modules/M1/results", s.call);
    // m2 has not reviewed A (03 and 63): in both départements, no score,
    // no min, no max, but how many reviews there are and are expected.
    let res = m2.get(&results).await.json();
    for d in ["03", "63"] {
        let a = row(&res, d, &s.a);
        assert_eq!(a["scores_hidden"], true, "{d}: {a}");
        assert!(a["score"].is_null() && a["min"].is_null() && a["max"].is_null());
        assert_eq!(a["reviews"], 1);
        assert_eq!(a["reviews_expected"], 2);
        assert_eq!(a["review_complete"], false);
    }
    // Nor on the results page.
    let page = m2
        .get(&format!("/gestion/appels/{}/modules/M1/resultats", s.call))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("77,00"), "score leaked to m2");
    assert!(
        page.body
            .contains("Notes masquées jusqu&#39;à votre propre évaluation"),
        "{}",
        page.body
    );

    // Staff see them.
    let mut agent = app.logged_in(AGENT03).await;
    let res = agent.get(&results).await.json();
    assert_eq!(row(&res, "03", &s.a)["score"], 77.0);
    assert_eq!(row(&res, "03", &s.a)["scores_hidden"], false);
    let page = agent
        .get(&format!("/gestion/appels/{}/modules/M1/resultats", s.call))
        .await;
    assert!(page.body.contains("77,00"));

    // Once m2 reviewed, it sees the mean, min and max.
    review(&mut m2, &s.a, &marks(13, 7)).await;
    let res = m2.get(&results).await.json();
    let a = row(&res, "63", &s.a);
    assert_eq!(a["scores_hidden"], false);
    assert_eq!(a["max"], 77.0);
    assert_eq!(a["review_complete"], true);
    let page = m2
        .get(&format!("/gestion/appels/{}/modules/M1/resultats", s.call))
        .await;
    assert!(page.body.contains("77,00"));
}

#[tokio::test]
async fn a_conflicted_member_does_not_propose_and_the_proposer_does_not_validate() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    app.seated_member(&s.call, "caf@comite.test", "Caf 03", None)
        .await;
    // Seated for B (63): in conflict with B.
    app.seated_member(
        &s.call,
        "cd@comite.test",
        "Conseil départemental",
        Some(&s.b_structure),
    )
    .await;
    let mut m1 = app.logged_in("caf@comite.test").await;
    let mut cd = app.logged_in("cd@comite.test").await;
    for id in [&s.a, &s.b, &s.c] {
        review(&mut m1, id, &marks(15, 15)).await;
    }
    for id in [&s.a, &s.c] {
        review(&mut cd, id, &marks(12, 12)).await;
    }
    app.clock.set(AFTER_DEADLINES.parse().unwrap());
    let mut cd = app.logged_in("cd@comite.test").await;
    let path = format!("/api/v1/calls/{}/modules/M1/proposals", s.call);
    // cd may not propose in 63, where B competes: neither B nor A.
    for body in [
        json!({"department": "63", "application_id": s.b, "motivation": "Ancrage local."}),
        json!({"department": "63", "application_id": s.a, "motivation": "Le meilleur."}),
    ] {
        let r = cd.json("POST", &path, &body).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        assert!(r.body.contains("conflit d'intérêts"), "{}", r.body);
    }
    let mut agent63 = app.logged_in(AGENT63).await;
    let list = agent63.get(&path).await.json();
    assert_eq!(list["total"], 0, "nothing stored: {list}");
    // Its results page offers no proposal form in 63, and says why.
    let page = cd
        .get(&format!("/gestion/appels/{}/modules/M1/resultats", s.call))
        .await
        .body;
    assert!(!page.contains("Proposer pour Puy-de-Dôme (63)"), "{page}");
    assert!(page.contains("vous ne faites pas de proposition"));

    // An agent of 03 proposes; it may not validate its own proposal.
    let mut agent03 = app.logged_in(AGENT03).await;
    let r = agent03
        .json(
            "POST",
            &path,
            &json!({"department": "03", "application_id": s.a, "motivation": "Le mieux noté."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let pid = r.json()["id"].as_str().unwrap().to_owned();
    let validation = format!("/api/v1/proposals/{pid}/validation");
    let r = agent03
        .json("POST", &validation, &json!({"approve": true}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("Vous avez fait cette proposition"));
    let still = agent03.get(&path).await.json();
    assert_eq!(still["items"][0]["status"], "proposed");
    // The results page does not offer it the validation form.
    let page = agent03
        .get(&format!("/gestion/appels/{}/modules/M1/resultats", s.call))
        .await;
    assert!(
        page.body
            .contains("Vous avez fait cette proposition : un autre agent")
    );
    // Another agent of the CAF 03 validates it.
    app.add_user(
        "agent03-bis@caf.test",
        vec![user_grant(Role::CafAgent, Some("03"), None)],
    )
    .await;
    let mut other = app.logged_in("agent03-bis@caf.test").await;
    let r = other
        .json("POST", &validation, &json!({"approve": true}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "validated");
}

#[tokio::test]
async fn a_members_account_ties_it_to_the_structures_it_works_for() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    // A member seated without a structure, whose account is also a
    // referent of B.
    let user = app.add_referent("double@comite.test", &s.b_structure).await;
    let mut agent = app.logged_in(AGENT03).await;
    let r = agent
        .json(
            "POST",
            &format!("/api/v1/calls/{}/committee", s.call),
            &json!({"user_id": user.to_string(), "institution": "MSA"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let mut m = app.logged_in("double@comite.test").await;
    let r = review(&mut m, &s.b, &marks(20, 20)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(
        review(&mut m, &s.c, &marks(10, 10)).await.status,
        StatusCode::OK
    );

    // A promeneur's account, of a structure which applies; seated on the
    // committee, it does not review that structure.
    let structure = app.new_structure("Centre E", None, "03185").await;
    let (_, promeneur) = app
        .new_promeneur(&structure, "lea@centre-e.test", "03185")
        .await;
    let department = "03";
    app.add_referent("employeur@structure.test", &structure)
        .await;
    let employer_app = app
        .filed_application("employeur@structure.test", &s.call, "M1", &[department])
        .await;
    let r = agent
        .json(
            "POST",
            &format!("/api/v1/calls/{}/committee", s.call),
            &json!({"user_id": promeneur.to_string(), "institution": "Promeneurs"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let mut pm = app.logged_in("lea@centre-e.test").await;
    let r = review(&mut pm, &employer_app, &marks(20, 20)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // The employer's application is expected from the other member only.
    let res = agent
        .get(&format!("/api/v1/calls/{}/modules/M1/results", s.call))
        .await
        .json();
    let e = row(&res, department, &employer_app);
    assert_eq!(e["reviews_expected"], 1, "{e}");
}

#[tokio::test]
async fn staff_read_no_draft_and_not_a_call_their_structure_applies_to() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    // A draft of a new structure of the Allier, with a document.
    let (email, _) = app.new_referent("Centre Brouillon", "03185").await;
    let mut applicant = app.logged_in(&email).await;
    let draft = apply(&mut applicant, &s.call, "M1", &["03"]).await;
    let doc = upload(&mut applicant, &draft, "formulaire", "projet.pdf", PDF).await;
    assert_eq!(doc.status, StatusCode::CREATED, "{}", doc.body);
    let doc = doc.json()["id"].as_str().unwrap().to_owned();
    for who in [AGENT03, COORDINATOR] {
        let mut c = app.logged_in(who).await;
        for path in [
            format!("/api/v1/applications/{draft}"),
            format!("/api/v1/applications/{draft}/documents/{doc}"),
            format!("/candidatures/{draft}"),
            format!("/candidatures/{draft}/pieces/{doc}"),
        ] {
            let r = c.get(&path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{who} {path}: {}", r.body);
        }
        let list = c
            .get(&format!("/api/v1/calls/{}/applications?limit=50", s.call))
            .await
            .json();
        assert!(
            !list.to_string().contains(&draft),
            "{who} lists the draft: {list}"
        );
        // A filed one, they read.
        let r = c.get(&format!("/api/v1/applications/{}", s.c)).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    // The applicant reads its own draft.
    let r = applicant
        .get(&format!("/api/v1/applications/{draft}"))
        .await;
    assert_eq!(r.status, StatusCode::OK);

    // A coordinator of both départements whose account is tied to B, which
    // applies (module 1 picks the next coordinator): in conflict for the
    // call.
    app.add_user(
        "coordination-b@structure.test",
        vec![
            user_grant(Role::Coordinator, Some("03"), Some(&s.b_structure)),
            user_grant(Role::Coordinator, Some("63"), Some(&s.b_structure)),
        ],
    )
    .await;
    let mut coord = app.logged_in("coordination-b@structure.test").await;
    for id in [&s.a, &s.c] {
        let r = coord.get(&format!("/api/v1/applications/{id}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
        let r = coord.get(&format!("/candidatures/{id}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    for path in [
        format!("/api/v1/calls/{}/applications", s.call),
        format!("/api/v1/calls/{}/modules/M1/results", s.call),
        format!("/api/v1/calls/{}/modules/M1/proposals", s.call),
        format!("/api/v1/calls/{}/modules/M1/documents.zip", s.call),
        format!("/gestion/appels/{}/modules/M1/resultats", s.call),
    ] {
        let r = coord.get(&path).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.body);
    }
    // Its home names the call and says why, with no count of the others'
    // applications.
    let home = coord.get("/api/v1/home").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    assert!(
        home.body.contains("Votre structure candidate à cet appel"),
        "{}",
        home.body
    );
    assert!(
        !home.body.contains("candidatures déposées"),
        "{}",
        home.body
    );
    assert_eq!(coord.get("/accueil").await.status, StatusCode::OK);
    app.clock.set(AFTER_DEADLINES.parse().unwrap());
    let mut coord = app.logged_in("coordination-b@structure.test").await;
    let r = coord
        .json(
            "POST",
            &format!("/api/v1/calls/{}/modules/M1/proposals", s.call),
            &json!({"department": "63", "application_id": s.b, "motivation": "Le nôtre."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    // The demo coordinator, tied to no applicant, still reads them.
    let mut demo = app.logged_in(COORDINATOR).await;
    let r = demo
        .get(&format!("/api/v1/calls/{}/modules/M1/results", s.call))
        .await;
    assert_eq!(r.status, StatusCode::OK);
}

#[tokio::test]
async fn proposals_wait_for_the_deadline_and_awardable_for_every_review() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    app.seated_member(&s.call, "caf@comite.test", "Caf 03", None)
        .await;
    app.seated_member(&s.call, "msa@comite.test", "MSA", None)
        .await;
    let mut m1 = app.logged_in("caf@comite.test").await;
    let mut m2 = app.logged_in("msa@comite.test").await;
    for id in [&s.a, &s.b, &s.c] {
        review(&mut m1, id, &marks(16, 14)).await;
    }
    let results = format!("/api/v1/calls/{}/modules/M1/results", s.call);
    let mut agent03 = app.logged_in(AGENT03).await;
    // One review of two: pending, incomplete, in both départements (the
    // committee reads both).
    let res = m1.get(&results).await.json();
    for d in ["03", "63"] {
        let o = outcome(&res, d);
        assert_eq!(o["status"], "pending", "{d}: {o}");
        assert_eq!(o["review_complete"], false);
        for r in o["ranking"].as_array().unwrap() {
            assert_eq!(r["reviews"], 1);
            assert_eq!(r["reviews_expected"], 2);
        }
    }
    let page = agent03
        .get(&format!("/gestion/appels/{}/modules/M1/resultats", s.call))
        .await;
    assert!(page.body.contains("Évaluation du comité incomplète"));
    assert!(page.body.contains("1 sur 2"));
    assert!(!page.body.contains(">Attribuable<"), "awardable too early");

    // Before the deadline: 409, nothing stored.
    let path = format!("/api/v1/calls/{}/modules/M1/proposals", s.call);
    let body = json!({"department": "03", "application_id": s.a, "motivation": "Le mieux noté."});
    for c in [&mut m1, &mut agent03] {
        let r = c.json("POST", &path, &body).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
        assert_eq!(r.error_code(), "deadline_not_passed");
        assert!(r.body.contains("date limite"), "{}", r.body);
    }
    assert_eq!(agent03.get(&path).await.json()["total"], 0);
    assert!(
        page.body
            .contains("le comité fait sa proposition après cette date limite")
    );

    // Every member reviewed: complete and awardable.
    for id in [&s.a, &s.b, &s.c] {
        review(&mut m2, id, &marks(12, 12)).await;
    }
    let res = m2.get(&results).await.json();
    for d in ["03", "63"] {
        let o = outcome(&res, d);
        assert_eq!(o["status"], "awardable", "{d}: {o}");
        assert_eq!(o["review_complete"], true);
    }
    let page = agent03
        .get(&format!("/gestion/appels/{}/modules/M1/resultats", s.call))
        .await;
    assert!(page.body.contains("Évaluation du comité complète"));
    // After the deadline: the proposal is recorded.
    app.clock.set(AFTER_DEADLINES.parse().unwrap());
    let mut m1 = app.logged_in("caf@comite.test").await;
    let r = m1.json("POST", &path, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

#[tokio::test]
async fn each_caf_reads_only_its_own_departements_proposals() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    app.seated_member(&s.call, "caf@comite.test", "Caf 03", None)
        .await;
    let mut m1 = app.logged_in("caf@comite.test").await;
    for id in [&s.a, &s.b, &s.c] {
        review(&mut m1, id, &marks(16, 14)).await;
    }
    app.clock.set(AFTER_DEADLINES.parse().unwrap());
    let mut m1 = app.logged_in("caf@comite.test").await;
    let path = format!("/api/v1/calls/{}/modules/M1/proposals", s.call);
    for (d, id, why) in [
        ("03", &s.a, "Motivation propre au 03."),
        ("63", &s.b, "Motivation propre au 63."),
    ] {
        let r = m1
            .json(
                "POST",
                &path,
                &json!({"department": d, "application_id": id, "motivation": why}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    for (who, mine, theirs) in [
        (
            AGENT03,
            "Motivation propre au 03.",
            "Motivation propre au 63.",
        ),
        (
            AGENT63,
            "Motivation propre au 63.",
            "Motivation propre au 03.",
        ),
    ] {
        let mut c = app.logged_in(who).await;
        let list = c.get(&path).await;
        assert_eq!(list.status, StatusCode::OK);
        let list = list.json();
        assert_eq!(list["total"], 1, "{who}: {list}");
        let text = list.to_string();
        assert!(text.contains(mine), "{who}: {text}");
        assert!(!text.contains(theirs), "{who} reads the other CAF: {text}");
        let res = c
            .get(&format!("/api/v1/calls/{}/modules/M1/results", s.call))
            .await
            .body;
        assert!(res.contains(mine) && !res.contains(theirs), "{who}: {res}");
        let page = c
            .get(&format!("/gestion/appels/{}/modules/M1/resultats", s.call))
            .await
            .body;
        assert!(page.contains(mine) && !page.contains(theirs), "{who}");
    }
    // The committee reads both.
    assert_eq!(m1.get(&path).await.json()["total"], 2);
}
