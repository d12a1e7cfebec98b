//! Trainings over the API: the catalogue and its sessions, registrations
//! with a waiting list that never overbooks, promotions e-mailed with the
//! .ics, the employer's approval, attendance per half-day, certificates
//! checked without logging in, the passport, and the initial training's
//! date that attendance sets for the directory.

use axum::http::StatusCode;
use domain::{DepartmentCode, Grant, Role};
use serde_json::{Value, json};

use crate::{build::*, harness::*};

/// A training of `kind` in the Allier, by agent03; returns its id.
pub(crate) async fn training(c: &mut Client<'_>, kind: &str) -> String {
    let r = c
        .json(
            "POST",
            "/api/v1/trainings",
            &json!({"title": "Être présent en ligne", "theme": "Posture", "kind": kind,
                    "duration_minutes": 360, "departments": ["03"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_str().unwrap().to_owned()
}

/// Two half-days on 12 January 2027, registrations closing on the 5th.
pub(crate) fn two_half_days(capacity: i64) -> Value {
    json!({
        "parts": [
            {"starts_at": "2027-01-12T09:00:00+01:00", "ends_at": "2027-01-12T12:00:00+01:00"},
            {"starts_at": "2027-01-12T13:30:00+01:00", "ends_at": "2027-01-12T16:30:00+01:00"}
        ],
        "place": "Centre social de Cusset", "capacity": capacity,
        "registration_closes_at": "2027-01-05T23:59:00+01:00"
    })
}

pub(crate) async fn session(c: &mut Client<'_>, training: &str, body: &Value) -> Value {
    let r = c
        .json(
            "POST",
            &format!("/api/v1/trainings/{training}/sessions"),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()
}

/// A promeneur of `structure` (Allier) not yet trained, made by agent03,
/// with its own account `email`; returns its id.
pub(crate) async fn untrained(
    app: &TestApp,
    structure: &str,
    email: &str,
    last_name: &str,
) -> String {
    let mut agent = app.logged_in(AGENT03).await;
    let mut body = public_promeneur(structure, email, "03185");
    body["last_name"] = json!(last_name);
    body["initial_training_on"] = Value::Null;
    let r = agent.json("POST", "/api/v1/promeneurs", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let user = app
        .add_user(email, vec![Grant::platform(Role::Promeneur)])
        .await;
    let mut tx = app.db.begin().await.unwrap();
    store::promeneurs::link_user(&mut tx, id.parse().unwrap(), user)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

pub(crate) async fn register(c: &mut Client<'_>, session: &str, promeneur: &str) -> Resp {
    c.json(
        "POST",
        &format!("/api/v1/sessions/{session}/registrations"),
        &json!({"promeneur_id": promeneur}),
    )
    .await
}

#[tokio::test]
async fn sessions_are_checked_and_scoped_to_their_departements() {
    let app = spawn_app().await;
    let mut agent = app.logged_in(AGENT03).await;
    let tr = training(&mut agent, "continuing").await;
    // A half-day ending before it starts, no capacity, a closing after
    // the end: 422, each naming its field; nothing is stored.
    let mut bad = two_half_days(10);
    bad["parts"][1]["ends_at"] = json!("2027-01-12T13:00:00+01:00");
    let r = agent
        .json("POST", &format!("/api/v1/trainings/{tr}/sessions"), &bad)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("finit avant de commencer"), "{}", r.body);
    for (field, value) in [
        ("capacity", json!(0)),
        ("registration_closes_at", json!("2027-02-01T00:00:00+01:00")),
    ] {
        let mut bad = two_half_days(10);
        bad[field] = value;
        let r = agent
            .json("POST", &format!("/api/v1/trainings/{tr}/sessions"), &bad)
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains(field), "{}", r.body);
    }
    let all = agent.get("/api/v1/sessions?past=true").await.json();
    assert_eq!(all["total"], 0);

    let s = session(&mut agent, &tr, &two_half_days(10)).await;
    assert_eq!(s["parts"].as_array().unwrap().len(), 2);
    assert_eq!(s["seats_left"], 10);
    // The 63 agent neither sees nor schedules the Allier's trainings.
    let mut agent63 = app.logged_in(AGENT63).await;
    assert_eq!(agent63.get("/api/v1/sessions").await.json()["total"], 0);
    assert_eq!(
        agent63
            .get(&format!("/api/v1/sessions/{}", s["id"].as_str().unwrap()))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        agent63
            .json(
                "POST",
                &format!("/api/v1/trainings/{tr}/sessions"),
                &two_half_days(5)
            )
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A trainer of the provider runs its sessions in its département only.
    let provider = app
        .new_structure("Formations Auvergne", None, "03185")
        .await;
    app.add_user(
        "formatrice@x.fr",
        vec![Grant {
            role: Role::Trainer,
            department: Some(DepartmentCode::parse("03").unwrap()),
            structure_id: Some(provider.parse().unwrap()),
            call_id: None,
        }],
    )
    .await;
    let mut trainer = app.logged_in("formatrice@x.fr").await;
    let own = training(&mut trainer, "initial").await;
    let got = trainer
        .get(&format!("/api/v1/trainings/{own}"))
        .await
        .json();
    assert_eq!(got["provider_structure_id"], provider);
    session(&mut trainer, &own, &two_half_days(12)).await;
    // … not the CAF's own training.
    let r = trainer
        .json(
            "POST",
            &format!("/api/v1/trainings/{tr}/sessions"),
            &two_half_days(5),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

#[tokio::test]
async fn a_full_session_waitlists_and_a_cancellation_promotes_the_first_in_line() {
    let app = spawn_app().await;
    let (referent, structure) = app.new_referent("Centre social", "03185").await;
    let a = untrained(&app, &structure, "a@x.fr", "Alpha").await;
    let b = untrained(&app, &structure, "b@x.fr", "Bravo").await;
    let c = untrained(&app, &structure, "c@x.fr", "Charlie").await;
    let mut agent = app.logged_in(AGENT03).await;
    let tr = training(&mut agent, "continuing").await;
    let sess = session(&mut agent, &tr, &two_half_days(1)).await;
    let sid = sess["id"].as_str().unwrap().to_owned();

    // The promeneur registers itself: the seat, and an e-mail with the
    // .ics.
    let mut pa = app.logged_in("a@x.fr").await;
    let r = register(&mut pa, &sid, &a).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["status"], "registered");
    let ra = r.json()["id"].as_str().unwrap().to_owned();
    let (subject, _) = app.last_email_to("a@x.fr").await.unwrap();
    assert!(subject.starts_with("Inscription confirmée"), "{subject}");
    // Twice: 409. Another's promeneur: 404.
    let r = register(&mut pa, &sid, &a).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("déjà inscrit"), "{}", r.body);
    assert_eq!(
        register(&mut pa, &sid, &b).await.status,
        StatusCode::NOT_FOUND
    );
    // The referent registers its two others: the waiting list, in order.
    let mut referent = app.logged_in(&referent).await;
    let r = register(&mut referent, &sid, &b).await;
    assert_eq!(r.json()["status"], "waitlisted", "{}", r.body);
    assert_eq!(r.json()["position"], 1);
    let rb = r.json()["id"].as_str().unwrap().to_owned();
    let r = register(&mut referent, &sid, &c).await;
    assert_eq!(r.json()["position"], 2, "{}", r.body);
    let (subject, body) = app.last_email_to("c@x.fr").await.unwrap();
    assert!(subject.starts_with("Liste d'attente"), "{subject}");
    assert!(body.contains("position 2"), "{body}");

    // Capacity under the registered: 422 with the number.
    let path = format!("/api/v1/sessions/{sid}");
    let r = agent.json("PATCH", &path, &json!({"capacity": 0})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);

    // A cancels: B moves into the seat and is told at once; C is first in
    // line.
    let r = pa
        .json("DELETE", &format!("/api/v1/registrations/{ra}"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let (subject, _) = app.last_email_to("b@x.fr").await.unwrap();
    assert!(subject.starts_with("Une place s'est libérée"), "{subject}");
    let list = agent.get(&format!("{path}/registrations")).await.json();
    let states: Vec<(String, Value)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["promeneur_name"].as_str().unwrap().to_owned(),
                r["status"].clone(),
            )
        })
        .collect();
    assert_eq!(
        states,
        [
            ("Léa Bravo".to_owned(), json!("registered")),
            ("Léa Charlie".to_owned(), json!("waitlisted")),
            ("Léa Alpha".to_owned(), json!("cancelled")),
        ]
    );
    // A second cancellation of the same: 409. The promeneur reads its own
    // registration; a stranger does not list the session's.
    let r = pa
        .json("DELETE", &format!("/api/v1/registrations/{ra}"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(
        pa.get(&format!("{path}/registrations")).await.status,
        StatusCode::FORBIDDEN
    );
    let mut pb = app.logged_in("b@x.fr").await;
    assert_eq!(
        pb.get(&format!("/api/v1/registrations/{rb}")).await.json()["status"],
        "registered"
    );

    // A larger capacity promotes the waiting list.
    let r = agent.json("PATCH", &path, &json!({"capacity": 2})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["waitlisted"], 0);
    let (subject, _) = app.last_email_to("c@x.fr").await.unwrap();
    assert!(subject.starts_with("Une place s'est libérée"), "{subject}");

    // After the closing instant: 409 with the date.
    app.clock.set("2027-01-06T08:00:00Z".parse().unwrap());
    let mut pa = app.logged_in("a@x.fr").await;
    let r = register(&mut pa, &sid, &a).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.body.contains("closes depuis le mardi 5 janvier 2027"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn twenty_requests_at_once_for_the_last_seat_never_overbook() {
    let app = spawn_app().await;
    let (_, structure) = app.new_referent("Centre social", "03185").await;
    let mut ids = Vec::new();
    for i in 0..21 {
        ids.push(
            untrained(
                &app,
                &structure,
                &format!("p{i}@x.fr"),
                &format!("Nom{i:02}"),
            )
            .await,
        );
    }
    let mut agent = app.logged_in(AGENT03).await;
    let tr = training(&mut agent, "continuing").await;
    let sess = session(&mut agent, &tr, &two_half_days(2)).await;
    let sid = sess["id"].as_str().unwrap().to_owned();
    let r = register(&mut agent, &sid, &ids[0]).await;
    assert_eq!(r.json()["status"], "registered");

    let mut clients: Vec<Client<'_>> = (0..20).map(|_| agent.twin()).collect();
    let answers = futures_util::future::join_all(
        clients
            .iter_mut()
            .zip(&ids[1..])
            .map(|(c, id)| register(c, &sid, id)),
    )
    .await;
    let mut registered = 0;
    let mut positions = Vec::new();
    for r in &answers {
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        match r.json()["status"].as_str().unwrap() {
            "registered" => registered += 1,
            "waitlisted" => positions.push(r.json()["position"].as_i64().unwrap()),
            other => panic!("{other}"),
        }
    }
    assert_eq!(registered, 1, "the last seat went to one request only");
    positions.sort_unstable();
    assert_eq!(positions, (1..=19).collect::<Vec<i64>>());
    let got = agent.get(&format!("/api/v1/sessions/{sid}")).await.json();
    assert_eq!(
        (got["registered"].clone(), got["waitlisted"].clone()),
        (json!(2), json!(19))
    );
}

#[tokio::test]
async fn attendance_earns_a_certificate_checked_without_login_and_opens_the_directory() {
    let app = spawn_app().await;
    let (referent, structure) = app.new_referent("Centre social", "03185").await;
    let a = untrained(&app, &structure, "a@x.fr", "Alpha").await;
    let b = untrained(&app, &structure, "b@x.fr", "Bravo").await;
    let c = untrained(&app, &structure, "c@x.fr", "Charlie").await;
    let mut agent = app.logged_in(AGENT03).await;
    let tr = training(&mut agent, "initial").await;
    let sess = session(&mut agent, &tr, &two_half_days(2)).await;
    let sid = sess["id"].as_str().unwrap().to_owned();
    let parts: Vec<String> = sess["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    let referent_email = referent;
    let mut referent = app.logged_in(&referent_email).await;
    let ra = register(&mut referent, &sid, &a).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let rb = register(&mut referent, &sid, &b).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let rc = register(&mut referent, &sid, &c).await.json()["id"]
        .as_str()
        .unwrap()
        .to_owned();

    let mark = |reg: &str| format!("/api/v1/registrations/{reg}/attendance");
    // Before the session's day, nobody is marked: 409, said in French.
    let r = agent
        .json("PUT", &mark(&ra), &json!({"status": "present"}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.body.contains("s'ouvre le jour même, le 12 janvier 2027"),
        "{}",
        r.body
    );
    app.clock.set("2027-01-12T08:30:00Z".parse().unwrap());
    let mut agent = app.logged_in(AGENT03).await;
    let mut referent = app.logged_in(&referent_email).await;
    // Only those who run the session mark it; a waitlisted person has no
    // attendance; a bad status is refused.
    assert_eq!(
        referent
            .json("PUT", &mark(&ra), &json!({"status": "present"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        agent
            .json("PUT", &mark(&rc), &json!({"status": "present"}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        agent
            .json("PUT", &mark(&ra), &json!({"status": "là"}))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // A: present in the morning, late after lunch. B: absent after lunch.
    for (reg, part, status) in [
        (&ra, &parts[0], "present"),
        (&ra, &parts[1], "late"),
        (&rb, &parts[0], "present"),
        (&rb, &parts[1], "absent"),
    ] {
        let r = agent
            .json(
                "PUT",
                &mark(reg),
                &json!({"status": status, "part_id": part}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let mut pa = app.logged_in("a@x.fr").await;
    let got = pa.get(&format!("/api/v1/registrations/{ra}")).await.json();
    let code = got["certificate_code"].as_str().unwrap().to_owned();
    // B has none: 409.
    let r = agent
        .get(&format!("/api/v1/registrations/{rb}/certificate.pdf"))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let bytes = pa
        .get_bytes(&format!("/api/v1/registrations/{ra}/certificate.pdf"))
        .await;
    assert!(bytes.starts_with(b"%PDF"), "not a PDF");
    // Anyone checks it by its code, as typed.
    let mut anonymous = app.client();
    let typed = code.to_lowercase().replace('-', "%20");
    let r = anonymous
        .get(&format!("/api/v1/public/certificates/{typed}"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["promeneur"], "Léa Alpha");
    assert_eq!(r.json()["half_days"].as_array().unwrap().len(), 2);
    assert_eq!(
        anonymous
            .get("/api/v1/public/certificates/AAAA-BBBB")
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // The initial training's date is set by attendance (Paris day of the
    // session's end), for A only.
    let got = agent.get(&format!("/api/v1/promeneurs/{a}")).await.json();
    assert_eq!(got["initial_training_on"], "2027-01-12", "{got}");
    let got = agent.get(&format!("/api/v1/promeneurs/{b}")).await.json();
    assert!(got["initial_training_on"].is_null(), "{got}");
    // The passport lists the session with its certificate.
    let pass = pa
        .get(&format!("/api/v1/promeneurs/{a}/trainings"))
        .await
        .json();
    assert_eq!(pass["total"], 1);
    assert_eq!(pass["items"][0]["registration"]["certificate_code"], code);
    assert_eq!(pass["items"][0]["session"]["kind"], "initial");
    let mut pb = app.logged_in("b@x.fr").await;
    assert_eq!(
        pb.get(&format!("/api/v1/promeneurs/{a}/trainings"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_promeneur_asking_for_itself_waits_for_its_employer() {
    let app = spawn_app().await;
    let (referent, structure) = app.new_referent("Centre social", "03185").await;
    let a = untrained(&app, &structure, "a@x.fr", "Alpha").await;
    let b = untrained(&app, &structure, "b@x.fr", "Bravo").await;
    let mut agent = app.logged_in(AGENT03).await;
    let tr = training(&mut agent, "analysis").await;
    let mut body = two_half_days(1);
    body["needs_approval"] = json!(true);
    let sid = session(&mut agent, &tr, &body).await["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let mut pa = app.logged_in("a@x.fr").await;
    let r = register(&mut pa, &sid, &a).await;
    assert_eq!(r.json()["status"], "pending_approval", "{}", r.body);
    let ra = r.json()["id"].as_str().unwrap().to_owned();
    // The seat is held: the next one waits.
    let mut pb = app.logged_in("b@x.fr").await;
    assert_eq!(
        register(&mut pb, &sid, &b).await.json()["status"],
        "waitlisted"
    );
    let approval = format!("/api/v1/registrations/{ra}/approval");
    // The promeneur does not approve itself; its employer does.
    assert_eq!(
        pa.json("POST", &approval, &json!({"approve": true}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let mut referent = app.logged_in(&referent).await;
    let r = referent
        .json("POST", &approval, &json!({"approve": false}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "refused");
    // The refused seat goes to the next in line.
    let (subject, _) = app.last_email_to("b@x.fr").await.unwrap();
    assert!(subject.starts_with("Une place s'est libérée"), "{subject}");
    assert_eq!(
        referent
            .json("POST", &approval, &json!({"approve": true}))
            .await
            .status,
        StatusCode::CONFLICT
    );
}
