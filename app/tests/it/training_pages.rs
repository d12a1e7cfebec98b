//! Trainings in the pages: the promeneur's journey (register, waiting
//! list, cancel, its passport and certificate), the catalogue and session
//! forms of those who run trainings, the session's registrations and
//! seats, the roll call without JavaScript, and the employer's approvals.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::harness::*;
use crate::trainings::{register, session, training, two_half_days, untrained};

#[tokio::test]
async fn a_promeneur_registers_and_cancels_from_the_pages() {
    let app = spawn_app().await;
    let (_, structure) = app.new_referent("Centre social", "03185").await;
    let first = untrained(&app, &structure, "a@x.fr", "Alpha").await;
    untrained(&app, &structure, "b@x.fr", "Bravo").await;
    let mut agent = app.logged_in(AGENT03).await;
    let tr = training(&mut agent, "initial").await;
    let sid = session(&mut agent, &tr, &two_half_days(1)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let page = format!("/formations/sessions/{sid}");

    let mut pa = app.logged_in("a@x.fr").await;
    let r = pa.get("/formations").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Être présent en ligne"), "{}", r.body);
    assert!(r.body.contains("1 place libre sur 1"), "{}", r.body);
    let r = pa.get(&page).await;
    assert!(r.body.contains("mardi 12 janvier 2027 à 9 h"), "{}", r.body);
    assert!(r.body.contains(">M'inscrire<"), "{}", r.body);
    let r = pa.post_form(&format!("{page}/inscription"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = pa.get(r.location()).await;
    assert!(
        r.body.contains("Ton inscription est enregistrée"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Inscrit."), "{}", r.body);
    // Twice (a double click): refused in place, with the reason.
    let r = pa.post_form(&format!("{page}/inscription"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("déjà inscrit"), "{}", r.body);

    // The session is full: the next one is offered the waiting list.
    let mut pb = app.logged_in("b@x.fr").await;
    let r = pb.get(&page).await;
    assert!(
        r.body.contains("M'inscrire sur la liste d'attente"),
        "{}",
        r.body
    );
    pb.post_form(&format!("{page}/inscription"), &[]).await;
    let r = pb.get(&page).await;
    assert!(r.body.contains("attente, en position 1"), "{}", r.body);

    // A cancels from the page: B gets the seat.
    let reg = pa
        .get(&format!("/api/v1/promeneurs/{first}/trainings"))
        .await
        .json()["items"][0]["registration"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let r = pa
        .post_form(&format!("/formations/inscriptions/{reg}/annulation"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = pb.get(&page).await;
    assert!(r.body.contains("Inscrit."), "{}", r.body);

    // After the closing instant, the page says so and offers nothing.
    app.clock.set("2027-01-06T08:00:00Z".parse().unwrap());
    let mut pa = app.logged_in("a@x.fr").await;
    let r = pa.get(&page).await;
    assert!(
        r.body.contains("closes depuis le mardi 5 janvier 2027"),
        "{}",
        r.body
    );
    assert!(!r.body.contains(">M'inscrire"), "{}", r.body);
    let r = pa.post_form(&format!("{page}/inscription"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // Another département's agent does not see the session.
    let mut agent63 = app.logged_in(AGENT63).await;
    assert_eq!(agent63.get(&page).await.status, StatusCode::NOT_FOUND);
    // Once the session has begun, B no longer cancels (409), and the page
    // no longer offers it; those who run it still can.
    app.clock.set("2027-01-12T09:00:00Z".parse().unwrap());
    let mut pb = app.logged_in("b@x.fr").await;
    let r = pb.get(&page).await;
    assert!(r.body.contains("Inscrit."), "{}", r.body);
    assert!(!r.body.contains("Annuler mon inscription"), "{}", r.body);
    let regs = pb
        .get(&format!("/api/v1/sessions/{sid}/registrations"))
        .await;
    assert_eq!(regs.status, StatusCode::FORBIDDEN);
    let mut agent = app.logged_in(AGENT03).await;
    let seat = agent
        .get(&format!("/api/v1/sessions/{sid}/registrations"))
        .await
        .json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"] == "registered")
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .unwrap();
    let r = pb
        .post_form(&format!("/formations/inscriptions/{seat}/annulation"), &[])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("La session a commencé"), "{}", r.body);
    let r = agent
        .json(
            "DELETE",
            &format!("/api/v1/registrations/{seat}"),
            &json!({}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.body);
}

#[tokio::test]
async fn homes_list_the_sessions_to_come_with_their_seats() {
    let app = spawn_app().await;
    let (_, structure) = app.new_referent("Centre social", "03185").await;
    let first = untrained(&app, &structure, "a@x.fr", "Alpha").await;
    let mut agent = app.logged_in(AGENT03).await;
    let tr = training(&mut agent, "initial").await;
    let sid = session(&mut agent, &tr, &two_half_days(12)).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let find = |home: &Value| {
        home["sections"]
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["title"] == "Formations")
            .and_then(|s| s["tasks"].as_array().unwrap().first().cloned())
            .unwrap_or_else(|| panic!("no session on {home}"))
    };
    let mut pa = app.logged_in("a@x.fr").await;
    let t = find(&pa.get("/api/v1/home").await.json());
    assert_eq!(t["href"], format!("/formations/sessions/{sid}"));
    assert_eq!(t["pending"], true, "an initial training to follow: {t}");
    register(&mut pa, &sid, &first).await;
    let t = find(&pa.get("/api/v1/home").await.json());
    assert!(
        t["detail"]
            .as_str()
            .unwrap()
            .contains("1 inscrit sur 12 · moi : inscrit"),
        "{t}"
    );
    let t = find(&agent.get("/api/v1/home").await.json());
    assert!(
        t["detail"]
            .as_str()
            .unwrap()
            .starts_with("mardi 12 janvier 2027 à 9 h"),
        "{t}"
    );
    let mut agent63 = app.logged_in(AGENT63).await;
    assert!(
        agent63
            .get("/api/v1/home")
            .await
            .body
            .contains("Aucune session de formation")
    );
}

#[tokio::test]
async fn staff_add_a_training_and_schedule_its_sessions_from_the_pages() {
    let app = spawn_app().await;
    let mut agent = app.logged_in(AGENT03).await;
    assert_eq!(
        agent.get("/formations/catalogue/nouvelle").await.status,
        StatusCode::OK
    );
    // Nothing typed: 422, the summary names the title; nothing stored.
    let r = agent
        .post_form(
            "/formations/catalogue/nouvelle",
            &[("title", " "), ("kind", "initial"), ("departments", "03")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("Indiquez le titre"), "{}", r.body);
    assert!(r.body.contains("error-summary"), "{}", r.body);
    assert_eq!(agent.get("/api/v1/trainings").await.json()["total"], 0);
    let r = agent
        .post_form(
            "/formations/catalogue/nouvelle",
            &[
                ("title", "Accueillir les nouveaux promeneurs"),
                ("kind", "initial"),
                ("duration_hours", "6,5"),
                ("departments", "03"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let training_page = r.location().to_owned();
    let tr = training_page.rsplit('/').next().unwrap().to_owned();
    let r = agent.get(&training_page).await;
    assert!(r.body.contains("6 h 30"), "{}", r.body);
    assert!(r.body.contains("Programmer une session"), "{}", r.body);
    let r = agent.get(&format!("{training_page}/avis")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Aucune session n"), "{}", r.body);
    let form = format!("/formations/catalogue/{tr}/sessions/nouvelle");
    assert_eq!(agent.get(&form).await.status, StatusCode::OK);
    let fields = |end: &'static str, date: &'static str| {
        vec![
            ("parts.0.date", date),
            ("parts.0.start", "09:00"),
            ("parts.0.end", end),
            ("parts.1.date", "2027-01-12"),
            ("parts.1.start", "13:30"),
            ("parts.1.end", "16:30"),
            ("parts.2.date", ""),
            ("parts.2.start", ""),
            ("parts.2.end", ""),
            ("place", "Centre social de Cusset"),
            ("departments", "03"),
            ("capacity", "12"),
            ("closes_date", "2027-01-05"),
            ("closes_time", ""),
        ]
    };
    // A half-day ending before it starts; an unreadable date: 422, in
    // French, on the page; nothing stored.
    let r = agent.post_form(&form, &fields("08:00", "2027-01-12")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("finit avant de commencer"), "{}", r.body);
    let r = agent.post_form(&form, &fields("12:00", "12 trucs")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.body.contains("Demi-journée 1 : date attendue"),
        "{}",
        r.body
    );
    assert!(r.body.contains("href=\"#parts-0-date\""), "{}", r.body);
    assert_eq!(
        agent.get("/api/v1/sessions?past=true").await.json()["total"],
        0
    );
    let r = agent.post_form(&form, &fields("12:00", "12/01/2027")).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = agent.get(r.location()).await;
    assert!(r.body.contains("La session est programmée"), "{}", r.body);
    let s = &agent.get("/api/v1/sessions").await.json()["items"][0];
    // Paris time (winter: +01:00); the closing at 23:59 that day.
    assert_eq!(
        s["parts"][0]["starts_at"], "2027-01-12T09:00:00+01:00",
        "{s}"
    );
    assert_eq!(s["parts"][1]["ends_at"], "2027-01-12T16:30:00+01:00", "{s}");
    assert_eq!(
        s["registration_closes_at"], "2027-01-05T23:59:00+01:00",
        "{s}"
    );

    // Outside the Allier, or without a right to run trainings: 404.
    let mut agent63 = app.logged_in(AGENT63).await;
    assert_eq!(
        agent63.get(&training_page).await.status,
        StatusCode::NOT_FOUND
    );
    let (referent, _) = app.new_referent("Centre social", "03185").await;
    let mut referent = app.logged_in(&referent).await;
    assert_eq!(
        referent.get("/formations/catalogue/nouvelle").await.status,
        StatusCode::NOT_FOUND
    );
}

/// A session of `capacity` seats in the Allier and two untrained
/// promeneurs of one structure; returns (session, promeneur ids, referent
/// e-mail).
async fn a_session_and_two_promeneurs(
    app: &TestApp,
    capacity: i64,
    approval: bool,
) -> (String, [String; 2], String) {
    let (referent, structure) = app.new_referent("Centre social", "03185").await;
    let a = untrained(app, &structure, "a@x.fr", "Alpha").await;
    let b = untrained(app, &structure, "b@x.fr", "Bravo").await;
    let mut agent = app.logged_in(AGENT03).await;
    let tr = training(&mut agent, "initial").await;
    let mut body = two_half_days(capacity);
    body["needs_approval"] = json!(approval);
    let sid = session(&mut agent, &tr, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    (sid, [a, b], referent)
}

#[tokio::test]
async fn those_who_run_a_session_register_change_seats_and_call_the_roll() {
    let app = spawn_app().await;
    let (sid, [a, b], referent) = a_session_and_two_promeneurs(&app, 1, false).await;
    let page = format!("/formations/sessions/{sid}");
    // The employer registers its promeneurs from the session's page: A
    // gets the seat, B the waiting list; A is no longer offered.
    let mut referent = app.logged_in(&referent).await;
    let r = referent.get(&page).await;
    assert!(r.body.contains("Inscrire un promeneur"), "{}", r.body);
    let r = referent
        .post_form(&format!("{page}/inscrire"), &[("promeneur_id", &a)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = referent.get(&page).await;
    assert!(!r.body.contains(&format!("value=\"{a}\"")), "{}", r.body);
    assert!(r.body.contains(&format!("value=\"{b}\"")), "{}", r.body);
    referent
        .post_form(&format!("{page}/inscrire"), &[("promeneur_id", &b)])
        .await;
    // A stranger's id: 404, nothing registered.
    let r = referent
        .post_form(
            &format!("{page}/inscrire"),
            &[("promeneur_id", "0190b4c5-0000-7000-8000-000000000000")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    // The referent does not run the session: no list, no roll call.
    assert!(!r.body.contains("Animation de la session"));
    assert_eq!(
        referent.get(&format!("{page}/appel")).await.status,
        StatusCode::FORBIDDEN
    );

    let mut agent = app.logged_in(AGENT03).await;
    let r = agent.get(&page).await;
    assert!(r.body.contains("Animation de la session"), "{}", r.body);
    assert!(
        r.body.contains("En liste d&#39;attente (position 1)"),
        "{}",
        r.body
    );
    // Fewer seats than people seated: 422 with the number, in place.
    let r = agent
        .post_form(&format!("{page}/capacite"), &[("capacity", "0")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = agent
        .post_form(&format!("{page}/capacite"), &[("capacity", "2")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let seated = agent
        .get(&format!("/api/v1/sessions/{sid}/registrations"))
        .await
        .json();
    let regs: Vec<String> = seated["items"]
        .as_array()
        .unwrap()
        .iter()
        .inspect(|r| assert_eq!(r["status"], "registered", "{r}"))
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(regs.len(), 2);

    // The roll call, half-day by half-day, one button each, from the
    // session's day.
    let roll = format!("{page}/appel");
    let k0 = format!("mark.{}", regs[0]);
    let r = agent
        .post_form(&roll, &[("demi", "1"), (&k0, "present")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let r = agent.get(&roll).await;
    assert!(r.body.contains("s'ouvre le jour même"), "{}", r.body);
    app.clock.set("2027-01-12T08:30:00Z".parse().unwrap());
    let mut agent = app.logged_in(AGENT03).await;
    let r = agent.get(&roll).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("Alpha") && r.body.contains("Bravo"));
    let k1 = format!("mark.{}", regs[1]);
    for (demi, second) in [("1", "late"), ("2", "absent")] {
        let r = agent
            .post_form(&roll, &[("demi", demi), (&k0, "present"), (&k1, second)])
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let r = agent.get(&format!("{roll}?demi=2")).await;
    assert!(
        r.body.contains("value=\"absent\" checked"),
        "the marks are shown again: {}",
        r.body
    );
    // A registration of another session in the form: 404, nothing marked.
    let r = agent
        .post_form(
            &roll,
            &[
                ("demi", "2"),
                (&k1, "present"),
                ("mark.0190b4c5-0000-7000-8000-000000000000", "present"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    // Alpha followed both half-days: the passport offers its certificate;
    // Bravo missed one: none.
    let mut pa = app.logged_in("a@x.fr").await;
    let r = pa.get("/formations/parcours").await;
    assert!(r.body.contains("Télécharger l'attestation"), "{}", r.body);
    let link = r
        .body
        .split("href=\"")
        .find(|x| x.contains("attestation.pdf"))
        .and_then(|x| x.split('"').next())
        .unwrap()
        .to_owned();
    let pdf = pa.get_bytes(&link).await;
    assert!(pdf.starts_with(b"%PDF"));
    let mut pb = app.logged_in("b@x.fr").await;
    let r = pb.get("/formations/parcours").await;
    assert!(!r.body.contains("Télécharger l'attestation"), "{}", r.body);
    assert_eq!(
        pb.get(&format!(
            "/formations/inscriptions/{}/attestation.pdf",
            regs[1]
        ))
        .await
        .status,
        StatusCode::CONFLICT
    );
    // A correction of the roll call (Alpha absent after all) withdraws
    // the certificate: no download, and its code no longer verifies.
    let r = pa.get("/formations/parcours").await;
    let code = r
        .body
        .split("/verifier/")
        .nth(1)
        .and_then(|x| x.split('"').next())
        .unwrap()
        .to_owned();
    let mut anonymous = app.client();
    assert_eq!(
        anonymous.get(&format!("/verifier/{code}")).await.status,
        StatusCode::OK
    );
    agent
        .post_form(&roll, &[("demi", "2"), (&k0, "absent")])
        .await;
    let r = pa.get("/formations/parcours").await;
    assert!(!r.body.contains("Télécharger l'attestation"), "{}", r.body);
    assert_eq!(
        anonymous.get(&format!("/verifier/{code}")).await.status,
        StatusCode::NOT_FOUND
    );
    agent
        .post_form(&roll, &[("demi", "2"), (&k0, "present")])
        .await;
    // The promeneur's file shows its training passport to staff.
    let r = agent.get(&format!("/reseau/promeneurs/{a}")).await;
    assert!(r.body.contains("id=\"formations\""), "{}", r.body);
    assert!(r.body.contains("Être présent en ligne"), "{}", r.body);
    // Another département's agent: 404 on the roll call.
    let mut agent63 = app.logged_in(AGENT63).await;
    assert_eq!(agent63.get(&roll).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_employer_answers_on_its_approvals_page() {
    let app = spawn_app().await;
    let (sid, [a, _], referent) = a_session_and_two_promeneurs(&app, 3, true).await;
    let mut pa = app.logged_in("a@x.fr").await;
    let r = register(&mut pa, &sid, &a).await;
    assert_eq!(r.json()["status"], "pending_approval", "{}", r.body);
    let reg = r.json()["id"].as_str().unwrap().to_owned();
    // Another employer sees nothing and cannot answer.
    let (other, _) = app.new_referent("Maison des jeunes", "03185").await;
    let mut other = app.logged_in(&other).await;
    let r = other.get("/formations/accords").await;
    assert!(!r.body.contains("Alpha"), "{}", r.body);
    let r = other
        .post_form(
            &format!("/formations/inscriptions/{reg}/accord"),
            &[("decision", "oui")],
        )
        .await;
    assert!(
        matches!(r.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{}",
        r.status
    );
    // A promeneur has no approvals page.
    assert_eq!(
        pa.get("/formations/accords").await.status,
        StatusCode::NOT_FOUND
    );
    let mut referent = app.logged_in(&referent).await;
    let home = referent.get("/api/v1/home").await.json();
    let task = home["sections"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["tasks"].as_array().unwrap())
        .find(|t| t["href"] == "/formations/accords")
        .cloned()
        .unwrap_or_else(|| panic!("no approvals on the home: {home}"));
    assert_eq!(task["count"], 1, "{task}");
    let r = referent.get("/formations/accords").await;
    assert!(r.body.contains("Alpha"), "{}", r.body);
    let r = referent
        .post_form(
            &format!("/formations/inscriptions/{reg}/accord"),
            &[("decision", "oui"), ("back", "accords")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/formations/accords?message=accord");
    let r = referent.get(r.location()).await;
    assert!(r.body.contains("Aucune inscription n"), "{}", r.body);
    let r = pa.get(&format!("/api/v1/registrations/{reg}")).await;
    assert_eq!(r.json()["status"], "registered", "{}", r.body);
    // The Allier's journal tells it in French; the Puy-de-Dôme's does not
    // have it.
    let row = "<td>Validation</td><td>Inscription à une session de formation</td>";
    let mut agent = app.logged_in(AGENT03).await;
    let r = agent.get("/journal").await;
    assert!(r.body.contains(row), "{}", r.body);
    let mut agent63 = app.logged_in(AGENT63).await;
    let r = agent63.get("/journal").await;
    assert!(!r.body.contains(row), "{}", r.body);
}

#[tokio::test]
async fn the_list_filters_by_kind_and_shows_past_sessions_on_request() {
    let app = spawn_app().await;
    let mut agent = app.logged_in(AGENT03).await;
    let initial = training(&mut agent, "initial").await;
    session(&mut agent, &initial, &two_half_days(5)).await;
    let r = agent.get("/formations?type=analysis").await;
    assert!(r.body.contains("Aucune session à venir"), "{}", r.body);
    let r = agent.get("/formations?type=initial").await;
    assert!(r.body.contains("Être présent en ligne"), "{}", r.body);
    app.clock.set("2027-02-01T08:00:00Z".parse().unwrap());
    let mut agent = app.logged_in(AGENT03).await;
    let r = agent.get("/formations").await;
    assert!(!r.body.contains("Être présent en ligne"), "{}", r.body);
    let r = agent.get("/formations?passees=oui").await;
    assert!(r.body.contains("Être présent en ligne"), "{}", r.body);
}
