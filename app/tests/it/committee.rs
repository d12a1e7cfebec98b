//! The committee over the API: members, conflicts (declared and
//! automatic), reviews with independence and two rounds, results with the
//! infructueux rule per module and département, proposals and their
//! validation by each CAF.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::harness::*;

pub fn marks(q: i64, e: i64) -> Value {
    json!({"scores": {"qualite": q, "experience": e}, "comment": "Projet solide."})
}

pub async fn review(c: &mut Client<'_>, app_id: &str, body: &Value) -> Resp {
    c.json(
        "PUT",
        &format!("/api/v1/applications/{app_id}/review"),
        body,
    )
    .await
}

#[tokio::test]
async fn members_score_independently_and_conflicts_keep_them_out() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    app.seated_member(&s.call, "caf@comite.test", "Caf 03", None)
        .await;
    app.seated_member(
        &s.call,
        "cd@comite.test",
        "Conseil départemental",
        Some(&s.b_structure),
    )
    .await;
    // Seated twice: refused.
    let mut agent = app.logged_in(AGENT03).await;
    let again = agent
        .json(
            "POST",
            &format!("/api/v1/calls/{}/committee", s.call),
            &json!({"user_id": store::users::find_by_email(&app.db, "caf@comite.test").await.unwrap().unwrap().to_string(),
                    "institution": "Caf 03"}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let mut m1 = app.logged_in("caf@comite.test").await;
    let mut m2 = app.logged_in("cd@comite.test").await;

    // The formula: 100 × (3 × 15/20 + 2 × 10/20) / 5 = 65.
    let r = review(&mut m1, &s.a, &marks(15, 10)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["score"], 65.0);
    // Out of range, or a criterion of another grid: 422, nothing kept.
    let r = review(&mut m1, &s.c, &marks(21, 10)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["error"]["fields"]["scores.qualite"].is_string());
    let r = review(
        &mut m1,
        &s.c,
        &json!({"scores": {"qualite": 10, "experience": 10, "formateurs": 5}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["error"]["fields"]["scores.formateurs"].is_string());

    // Independence: m2 sees nothing of others before its own review.
    let v = m2
        .get(&format!("/api/v1/applications/{}/reviews", s.a))
        .await
        .json();
    assert!(v["others"].is_null(), "{v}");
    review(&mut m2, &s.a, &marks(12, 12)).await;
    let v = m2
        .get(&format!("/api/v1/applications/{}/reviews", s.a))
        .await
        .json();
    assert_eq!(v["others"][0]["score"], 65.0);
    assert_eq!(v["own"][0]["round"], 1);

    // m2 belongs to B: automatic conflict. A declared conflict on C.
    let r = review(&mut m2, &s.b, &marks(20, 20)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = m2
        .json(
            "POST",
            &format!("/api/v1/applications/{}/conflict", s.c),
            &json!({"reason": "Ancien salarié de la structure"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(
        review(&mut m2, &s.c, &marks(20, 20)).await.status,
        StatusCode::FORBIDDEN
    );
    review(&mut m1, &s.c, &marks(10, 10)).await;
    assert_eq!(
        m2.get(&format!("/api/v1/applications/{}/reviews", s.c))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    // Its ranking hides the scores of C from m2.
    let res = m2
        .get(&format!("/api/v1/calls/{}/modules/M1/results", s.call))
        .await
        .json();
    let d03 = &res["outcomes"][0];
    let c_row = d03["ranking"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["application_id"] == s.c.as_str())
        .unwrap();
    assert!(c_row["score"].is_null());

    // Round 2 revises: the latest round counts.
    let r = review(
        &mut m1,
        &s.a,
        &json!({"scores": {"qualite": 20, "experience": 20}, "round": 2}),
    )
    .await;
    assert_eq!(r.json()["score"], 100.0);
    let res = agent
        .get(&format!("/api/v1/calls/{}/modules/M1/results", s.call))
        .await
        .json();
    let a_row = &res["outcomes"][0]["ranking"][0];
    assert_eq!(a_row["application_id"], s.a.as_str());
    // m1 100 (round 2), m2 60: mean 80, spread flagged.
    assert_eq!(a_row["score"], 80.0);
    assert_eq!(
        (a_row["min"].clone(), a_row["max"].clone()),
        (json!(60.0), json!(100.0))
    );
    assert_eq!(a_row["disagreement"], true);

    // Progress: "2 sur 3" for m1 (A, C done; B left), m2 has 1 of 1 (A).
    let members = agent
        .get(&format!("/api/v1/calls/{}/committee", s.call))
        .await
        .json();
    let progress: Vec<&str> = members["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["progress"].as_str().unwrap())
        .collect();
    assert!(progress.contains(&"2 sur 4 évaluées"), "{progress:?}");
    assert!(progress.contains(&"1 sur 2 évaluées"), "{progress:?}");
    // A stranger to the committee sees nothing.
    let mut stranger = app.logged_in(COORDINATOR).await;
    let mut referent_a = app.logged_in("centre-a@structure.test").await;
    assert_eq!(
        review(&mut referent_a, &s.a, &marks(20, 20)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        stranger
            .get(&format!("/api/v1/applications/{}/reviews", s.a))
            .await
            .status,
        StatusCode::OK,
        "the coordinator is staff of the call"
    );
}

#[tokio::test]
async fn the_infructueux_rule_is_applied_per_module_and_departement() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    let mut agent = app.logged_in(AGENT03).await;
    let res = agent
        .get(&format!("/api/v1/calls/{}/modules/M2/results", s.call))
        .await
        .json();
    // M2 has one application (D) in each département: too few.
    for o in res["outcomes"].as_array().unwrap() {
        assert_eq!(o["status"], "unsuccessful");
        assert_eq!(o["reason"], "too_few_applications");
        assert!(
            o["rule"]
                .as_str()
                .unwrap()
                .contains("une candidature ou moins")
        );
    }
    // M1 has two in each, none scored yet: pending; scored: awardable.
    let res = agent
        .get(&format!("/api/v1/calls/{}/modules/M1/results", s.call))
        .await
        .json();
    assert_eq!(res["outcomes"][0]["status"], "pending");
    app.seated_member(&s.call, "caf@comite.test", "Caf 03", None)
        .await;
    let mut m1 = app.logged_in("caf@comite.test").await;
    review(&mut m1, &s.c, &marks(5, 5)).await;
    // Awardable once every member reviewed every application there.
    let res = agent
        .get(&format!("/api/v1/calls/{}/modules/M1/results", s.call))
        .await
        .json();
    assert_eq!(res["outcomes"][0]["status"], "pending");
    review(&mut m1, &s.a, &marks(5, 5)).await;
    // The coordinator works in both départements.
    let res = app
        .logged_in(COORDINATOR)
        .await
        .get(&format!("/api/v1/calls/{}/modules/M1/results", s.call))
        .await
        .json();
    let o03 = &res["outcomes"][0];
    assert_eq!(o03["department"], "03");
    assert_eq!(o03["status"], "awardable");
    assert_eq!(res["outcomes"][1]["status"], "pending");

    // Staff of 63 see the 63 outcome only.
    let mut agent63 = app.logged_in(AGENT63).await;
    let res = agent63
        .get(&format!("/api/v1/calls/{}/modules/M1/results", s.call))
        .await
        .json();
    assert_eq!(res["outcomes"].as_array().unwrap().len(), 1);
    assert_eq!(res["outcomes"][0]["department"], "63");

    // Proposing D where M2 is infructueux is refused; declaring the module
    // unsuccessful takes the rule's reason (after the deadline).
    app.clock.set("2027-05-01T08:00:00Z".parse().unwrap());
    let mut agent = app.logged_in(AGENT03).await;
    let path = format!("/api/v1/calls/{}/modules/M2/proposals", s.call);
    let r = agent
        .json(
            "POST",
            &path,
            &json!({"department": "03", "application_id": s.d, "motivation": "Bon projet."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("infructueux"), "{}", r.body);
    let r = agent
        .json(
            "POST",
            &path,
            &json!({"department": "03", "unsuccessful": true, "motivation": "Une seule candidature."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["reason"], "too_few_applications");
    assert_eq!(r.json()["status"], "proposed");
}

#[tokio::test]
async fn each_caf_validates_its_departement_and_nothing_is_final_before() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    app.seated_member(&s.call, "caf@comite.test", "Caf 03", None)
        .await;
    let mut m1 = app.logged_in("caf@comite.test").await;
    for (id, q) in [(&s.a, 18), (&s.b, 9), (&s.c, 11)] {
        assert_eq!(
            review(&mut m1, id, &marks(q, 12)).await.status,
            StatusCode::OK
        );
    }
    // The committee proposes after the deadline.
    app.clock.set("2027-03-20T08:00:00Z".parse().unwrap());
    let mut m1 = app.logged_in("caf@comite.test").await;
    let path = format!("/api/v1/calls/{}/modules/M1/proposals", s.call);
    let r = m1
        .json(
            "POST",
            &path,
            &json!({"department": "03", "application_id": s.a, "motivation": "Le meilleur projet, et bi-départemental."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let p03 = r.json()["id"].as_str().unwrap().to_owned();
    // A second proposal while one is pending: 409.
    let r = m1
        .json(
            "POST",
            &path,
            &json!({"department": "03", "application_id": s.c, "motivation": "Autre choix."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.error_code(), "proposal_pending");
    // Missing motivation; both an application and "unsuccessful".
    let r = m1
        .json(
            "POST",
            &path,
            &json!({"department": "63", "application_id": s.a, "motivation": " "}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The other département's CAF, the committee member, the coordinator:
    // not theirs to validate.
    let validation = format!("/api/v1/proposals/{p03}/validation");
    let ok = json!({"approve": true, "comment": "Validé en commission."});
    for who in [AGENT63, "caf@comite.test", COORDINATOR] {
        let mut c = app.logged_in(who).await;
        let r = c.json("POST", &validation, &ok).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {}", r.body);
    }
    let mut agent03 = app.logged_in(AGENT03).await;
    let r = agent03.json("POST", &validation, &ok).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "validated");
    assert_eq!(
        agent03.json("POST", &validation, &ok).await.status,
        StatusCode::CONFLICT
    );
    // C (03 only) is decided now; A (03 and 63) waits for the CAF of 63.
    let status = |id: &str| {
        let id = id.to_owned();
        let app = &app;
        async move {
            app.logged_in(COORDINATOR)
                .await
                .get(&format!("/api/v1/applications/{id}"))
                .await
                .json()["status"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    };
    assert_eq!(status(&s.c).await, "not_retained");
    assert_ne!(status(&s.a).await, "retained");

    // The 63 proposal is first rejected, then a new one is validated.
    let r = m1
        .json(
            "POST",
            &path,
            &json!({"department": "63", "application_id": s.b, "motivation": "Ancrage local."}),
        )
        .await;
    let p63 = r.json()["id"].as_str().unwrap().to_owned();
    let mut agent63 = app.logged_in(AGENT63).await;
    let r = agent63
        .json(
            "POST",
            &format!("/api/v1/proposals/{p63}/validation"),
            &json!({"approve": false, "comment": "Le projet bi-départemental est meilleur."}),
        )
        .await;
    assert_eq!(r.json()["status"], "rejected");
    assert_ne!(status(&s.b).await, "not_retained");
    let r = m1
        .json(
            "POST",
            &path,
            &json!({"department": "63", "application_id": s.a, "motivation": "Le meilleur projet."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let p63 = r.json()["id"].as_str().unwrap().to_owned();
    let r = agent63
        .json(
            "POST",
            &format!("/api/v1/proposals/{p63}/validation"),
            &json!({"approve": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(status(&s.a).await, "retained");
    let mut agent63 = app.logged_in(AGENT63).await;
    let b = agent63
        .get(&format!("/api/v1/applications/{}", s.b))
        .await
        .json();
    assert_eq!(b["status"], "not_retained");
    // After the decision, reviews are closed.
    assert_eq!(
        review(&mut m1, &s.a, &marks(1, 1)).await.status,
        StatusCode::CONFLICT
    );
    let list = agent03
        .get(&format!("/api/v1/calls/{}/modules/M1/proposals", s.call))
        .await
        .json();
    // Each CAF reads its own département's proposals; the committee all.
    assert_eq!(list["total"], 1);
    let list = m1
        .get(&format!("/api/v1/calls/{}/modules/M1/proposals", s.call))
        .await
        .json();
    assert_eq!(list["total"], 3);
}

/// A minimal SMTP server that keeps what it is sent.
async fn fake_smtp() -> (u16, std::sync::Arc<std::sync::Mutex<Vec<String>>>) {
    use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let got = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let kept = got.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let kept = kept.clone();
            tokio::spawn(async move {
                let (r, mut w) = stream.into_split();
                let mut lines = BufReader::new(r).lines();
                w.write_all(b"220 test\r\n").await.unwrap();
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(d) = data.as_mut() {
                        if line == "." {
                            kept.lock().unwrap().push(data.take().unwrap());
                            w.write_all(b"250 queued\r\n").await.unwrap();
                        } else {
                            d.push_str(&line);
                            d.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split_whitespace().next().unwrap_or("").to_uppercase();
                    let answer: &[u8] = match verb.as_str() {
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go\r\n"
                        }
                        "QUIT" => {
                            w.write_all(b"221 bye\r\n").await.unwrap();
                            break;
                        }
                        _ => b"250 ok\r\n",
                    };
                    w.write_all(answer).await.unwrap();
                }
            });
        }
    });
    (port, got)
}

#[tokio::test]
async fn auditions_are_scheduled_and_invitations_carry_an_ics() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    let mut agent = app.logged_in(AGENT03).await;
    let path = format!("/api/v1/calls/{}/modules/M1/auditions", s.call);
    // The module's audition day (18 March 2027) by default.
    let r = agent
        .json(
            "POST",
            &path,
            &json!({"time": "09:30", "place": "Caf de l'Allier, Moulins"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let slot = r.json();
    assert_eq!(slot["starts_at"], "2027-03-18T09:30:00+01:00");
    assert_eq!(slot["starts_label"], "jeudi 18 mars 2027 à 9 h 30");
    assert_eq!(slot["duration_minutes"], 45);
    let slot_id = slot["id"].as_str().unwrap().to_owned();
    // Neither place nor link; a link that is not https; an hour skipped
    // by the clock change.
    for bad in [
        json!({"time": "10:30"}),
        json!({"time": "10:30", "video_link": "http://visio.example/x"}),
        json!({"date": "2027-03-28", "time": "02:30", "place": "Moulins"}),
    ] {
        let r = agent.json("POST", &path, &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let r = agent
        .json(
            "POST",
            &path,
            &json!({"time": "10:30", "video_link": "https://visio.example/pdn"}),
        )
        .await;
    let second = r.json()["id"].as_str().unwrap().to_owned();
    // A slot for A; A again elsewhere: 409; an M2 application: 422.
    let give = |slot: &str, app_id: &str| {
        (
            format!("/api/v1/auditions/{slot}"),
            json!({"application_id": app_id}),
        )
    };
    let (p1, b1) = give(&slot_id, &s.a);
    assert_eq!(agent.json("PUT", &p1, &b1).await.status, StatusCode::OK);
    let (p2, b2) = give(&second, &s.a);
    assert_eq!(
        agent.json("PUT", &p2, &b2).await.status,
        StatusCode::CONFLICT
    );
    let (p3, b3) = give(&second, &s.d);
    assert_eq!(
        agent.json("PUT", &p3, &b3).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // The coordinator reads but does not schedule.
    let mut coord = app.logged_in(COORDINATOR).await;
    assert_eq!(coord.get(&path).await.json()["total"], 2);
    assert_eq!(
        coord.json("PUT", &p1, &b1).await.status,
        StatusCode::FORBIDDEN
    );

    let invite = format!("{path}/invitations");
    assert_eq!(
        agent.json("POST", &invite, &json!({})).await.json()["sent"],
        1
    );
    assert_eq!(
        agent.json("POST", &invite, &json!({})).await.json()["sent"],
        0
    );
    let (subject, body) = app.last_email_to("centre-a@structure.test").await.unwrap();
    assert!(subject.contains("jeudi 18 mars 2027 à 9 h 30"), "{subject}");
    assert!(body.contains("Caf de l'Allier, Moulins"), "{body}");
    // The applicant also downloads it.
    let mut referent = app.logged_in("centre-a@structure.test").await;
    let ics = referent
        .get(&format!("/api/v1/applications/{}/audition.ics", s.a))
        .await;
    assert_eq!(ics.status, StatusCode::OK);
    assert!(
        ics.body.contains("DTSTART:20270318T083000Z"),
        "{}",
        ics.body
    );

    // Sent through SMTP, the .ics is attached.
    let (port, got) = fake_smtp().await;
    let worker = promeneurs::worker::Worker::new(
        app.db.clone(),
        promeneurs::mailer::Mailer::from_settings(&crate::outbox::settings(Some(&format!(
            "smtp://127.0.0.1:{port}"
        )))),
        app.clock.clone() as std::sync::Arc<dyn domain::Clock>,
    );
    worker.drain().await;
    let sent = got.lock().unwrap().clone();
    let invitation = sent
        .iter()
        .find(|m| m.contains("Convocation"))
        .expect("the invitation went through SMTP");
    assert!(invitation.contains("multipart/mixed"), "{invitation}");
    assert!(
        invitation.contains("filename=\"audition.ics\""),
        "{invitation}"
    );
    assert!(invitation.contains("text/calendar"), "{invitation}");
    // Attachments leave the queue with the body.
    let (log, _) = store::outbox::list_emails(
        &app.db,
        &domain::AdminCap::for_console(),
        Some("sent"),
        50,
        0,
    )
    .await
    .unwrap();
    let email = log.iter().find(|e| e.template == "audition").unwrap();
    assert!(
        store::outbox::attachment_names(&app.db, email.id)
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn an_unsuccessful_module_is_relaunched_as_a_linked_draft_call() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    // After the deadline of M2; a second agent of the CAF 63 validates what
    // the first one proposes.
    app.clock.set("2027-05-01T08:00:00Z".parse().unwrap());
    app.add_user(
        "agent63-bis@caf.test",
        vec![domain::Grant::departmental(
            domain::Role::CafAgent,
            domain::DepartmentCode::parse("63").unwrap(),
        )],
    )
    .await;
    let mut agent63 = app.logged_in(AGENT63).await;
    let relaunch = format!("/api/v1/calls/{}/modules/M2/relaunch", s.call);
    let body = json!({"department": "63", "deadline": "2027-09-30"});
    // Not before the module is declared unsuccessful there, validated.
    let r = agent63.json("POST", &relaunch, &body).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = agent63
        .json(
            "POST",
            &format!("/api/v1/calls/{}/modules/M2/proposals", s.call),
            &json!({"department": "63", "unsuccessful": true, "motivation": "Une seule candidature."}),
        )
        .await;
    let p = r.json()["id"].as_str().unwrap().to_owned();
    app.logged_in("agent63-bis@caf.test")
        .await
        .json(
            "POST",
            &format!("/api/v1/proposals/{p}/validation"),
            &json!({"approve": true}),
        )
        .await;
    // The CAF of 03 does not relaunch in 63.
    let mut agent03 = app.logged_in(AGENT03).await;
    assert_eq!(
        agent03.json("POST", &relaunch, &body).await.status,
        StatusCode::FORBIDDEN
    );
    let r = agent63.json("POST", &relaunch, &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let new = r.json();
    assert_eq!(new["status"], "draft");
    assert_eq!(new["relaunch_of"], s.call.as_str());
    assert!(
        new["title"]
            .as_str()
            .unwrap()
            .contains("relance du module M2")
    );
    assert_eq!(new["departments"].as_array().unwrap().len(), 1);
    assert_eq!(new["departments"][0]["code"], "63");
    let m = &new["modules"][0];
    assert_eq!(m["code"], "M2");
    assert_eq!(m["deadline"], "2027-09-30T23:59:59+02:00");
    // 25 April → 30 September, 158 days: the audition (18 March in the
    // test module) moves by as many.
    assert_eq!(m["audition_on"], "2027-08-23");
    assert_eq!(m["criteria"].as_array().unwrap().len(), 2);
    // A second relaunch of the same module and département is refused.
    let r = agent63.json("POST", &relaunch, &body).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.error_code(), "already_relaunched");
    // And the first call lists it.
    let first = agent63
        .get(&format!("/api/v1/calls/{}", s.call))
        .await
        .json();
    assert_eq!(first["relaunches"][0]["id"], new["id"]);
}

#[tokio::test]
async fn the_outgoing_coordinator_reads_for_a_month_then_its_access_ends() {
    let app = spawn_app().await;
    let incoming = "nouvelle@coordination.test";
    app.add_user(incoming, vec![]).await;
    let mut agent63 = app.logged_in(AGENT63).await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s63 = coord.new_structure("Centre 63", None, "63113").await;
    let body = json!({"department": "63", "outgoing_email": COORDINATOR,
                      "incoming_email": incoming, "starts_on": "2026-12-01"});
    // Only the CAF of that département organises it.
    let mut agent03 = app.logged_in(AGENT03).await;
    assert_eq!(
        agent03
            .json("POST", "/api/v1/handovers", &body)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = agent63.json("POST", "/api/v1/handovers", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let h = r.json();
    assert_eq!(h["read_until"], "2026-12-31");
    assert_eq!(h["items"].as_array().unwrap().len(), 4);
    let id = h["id"].as_str().unwrap().to_owned();
    let item = h["items"][0]["id"].as_str().unwrap().to_owned();

    // From the first day of the new coordinator: the outgoing one reads
    // the 63 network but no longer changes it; the 03 one is untouched.
    app.clock.set("2026-12-01T08:00:00Z".parse().unwrap());
    let mut coord = app.logged_in(COORDINATOR).await;
    let read = coord.get(&format!("/api/v1/structures/{s63}")).await;
    assert_eq!(read.status, StatusCode::OK);
    let r = coord
        .json(
            "PATCH",
            &format!("/api/v1/structures/{s63}"),
            &json!({"name": "Renommée"}),
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.body);
    assert_eq!(
        coord.get(&format!("/api/v1/structures/{s63}")).await.json()["name"],
        "Centre 63"
    );
    coord.new_structure("Centre 03", None, "03185").await;
    let mut new = app.logged_in(incoming).await;
    let r = new
        .json(
            "PATCH",
            &format!("/api/v1/structures/{s63}"),
            &json!({"name": "Centre 63 bis"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // Each ticks its own side; the CAF agent does not tick.
    let tick = format!("/api/v1/handovers/{id}/items/{item}");
    let r = coord.json("PUT", &tick, &json!({"done": true})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = new.json("PUT", &tick, &json!({"done": true})).await;
    let both = r.json();
    assert!(both["items"][0]["outgoing_done_at"].is_string());
    assert!(both["items"][0]["incoming_done_at"].is_string());
    let mut agent63 = app.logged_in(AGENT63).await;
    assert_eq!(
        agent63
            .json("PUT", &tick, &json!({"done": false}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    // After the month, the access ends by itself.
    app.clock.set("2027-01-01T08:00:00Z".parse().unwrap());
    let mut coord = app.logged_in(COORDINATOR).await;
    assert_eq!(
        coord.get(&format!("/api/v1/structures/{s63}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        coord.get(&format!("/api/v1/handovers/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let mut new = app.logged_in(incoming).await;
    assert_eq!(
        new.get(&format!("/api/v1/structures/{s63}")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn letters_wait_for_validation_then_go_once_with_their_pdfs() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    app.seated_member(&s.call, "caf@comite.test", "Caf 03", None)
        .await;
    let mut m1 = app.logged_in("caf@comite.test").await;
    for (id, q) in [(&s.a, 18), (&s.b, 9), (&s.c, 11)] {
        review(&mut m1, id, &marks(q, 12)).await;
    }
    // The committee proposes after the deadline.
    app.clock.set("2027-03-20T08:00:00Z".parse().unwrap());
    let mut agent03 = app.logged_in(AGENT03).await;
    let mut agent63 = app.logged_in(AGENT63).await;
    let letters = format!("/api/v1/calls/{}/modules/M1/letters", s.call);
    // Letters before validation: refused.
    let r = agent03.json("POST", &letters, &json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(r.error_code(), "not_decided");
    for dep in ["03", "63"] {
        app.validated_proposal(
            "caf@comite.test",
            &s.call,
            ("M1", dep),
            &s.a,
            "Projet bi-départemental solide.",
        )
        .await;
    }
    let r = agent03.json("POST", &letters, &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Each CAF makes its own: A (both) a letter and its convention and C a
    // letter for the Allier; B a letter for the Puy-de-Dôme.
    assert_eq!(r.json()["generated"], 3);
    let r = agent63.json("POST", &letters, &json!({})).await;
    assert_eq!(r.json()["generated"], 1, "{}", r.body);
    let mut made = r.json()["items"].as_array().unwrap().clone();
    made.extend(
        agent03.get(&letters).await.json()["items"]
            .as_array()
            .unwrap()
            .iter()
            .cloned(),
    );
    let kinds: Vec<(String, String)> = made
        .iter()
        .map(|l| {
            (
                l["structure_name"].as_str().unwrap().to_owned(),
                format!(
                    "{}:{}",
                    l["kind"].as_str().unwrap(),
                    l["outcome"].as_str().unwrap()
                ),
            )
        })
        .collect();
    assert!(kinds.contains(&("Centre A".into(), "convention:retained".into())));
    assert!(kinds.contains(&("Centre B".into(), "result:not_retained".into())));
    assert_eq!(
        agent03.json("POST", &letters, &json!({})).await.json()["generated"],
        0,
        "a second run makes nothing"
    );
    // The decision validated, staff and the applicant read it.
    let mut ra = app.logged_in("centre-a@structure.test").await;
    let letter = format!("/api/v1/applications/{}/letter.pdf", s.a);
    let pdf = agent03.get(&letter).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    let send = format!("{letters}/send");
    assert_eq!(
        agent03.json("POST", &send, &json!({})).await.json()["sent"],
        2
    );
    assert_eq!(
        agent03.json("POST", &send, &json!({})).await.json()["sent"],
        0
    );
    assert_eq!(
        agent63.json("POST", &send, &json!({})).await.json()["sent"],
        1
    );
    let r = ra.get(&letter).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.bytes.starts_with(b"%PDF-"));
    let conv = ra
        .get(&format!("/api/v1/applications/{}/convention.pdf", s.a))
        .await;
    assert_eq!(conv.status, StatusCode::OK);
    let (subject, _) = app.last_email_to("centre-a@structure.test").await.unwrap();
    assert!(subject.contains("Résultat"), "{subject}");
    let (log, _) =
        store::outbox::list_emails(&app.db, &domain::AdminCap::for_console(), None, 100, 0)
            .await
            .unwrap();
    let mail = log
        .iter()
        .find(|e| e.template == "letter" && e.to == "centre-a@structure.test")
        .unwrap();
    assert_eq!(
        store::outbox::attachment_names(&app.db, mail.id)
            .await
            .unwrap(),
        vec!["courrier-M1.pdf", "convention-M1.pdf"]
    );
    // B has no convention.
    let mut rb = app.logged_in("centre-b@structure.test").await;
    assert_eq!(
        rb.get(&format!("/api/v1/applications/{}/convention.pdf", s.b))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn administrators_edit_the_letter_templates_checked_before_saving() {
    let app = spawn_app().await;
    let mut admin = app.logged_in(ADMIN).await;
    let path = "/api/v1/letter-templates/result";
    let got = admin.get(path).await.json();
    assert_eq!(got["builtin"], true);
    assert!(got["source"].as_str().unwrap().contains("data.json"));
    let r = admin
        .json(
            "PUT",
            path,
            &json!({"source": "#let d = json(\"data.json\")\n#let x = (\n"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("ligne"), "{}", r.body);
    assert_eq!(admin.get(path).await.json()["builtin"], true);
    let r = admin
        .json(
            "PUT",
            path,
            &json!({"source": "#let d = json(\"data.json\")\nBonjour #d.applicant.name."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    assert_eq!(admin.get(path).await.json()["builtin"], false);
    // Back to the built-in one; agents may not edit.
    let r = admin.json("PUT", path, &json!({"source": null})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    assert_eq!(admin.get(path).await.json()["builtin"], true);
    let mut agent = app.logged_in(AGENT03).await;
    assert_eq!(
        agent
            .json("PUT", path, &json!({"source": "x"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn once_validated_the_applicant_downloads_its_letter_even_before_the_run() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    app.seated_member(&s.call, "caf@comite.test", "Caf 03", None)
        .await;
    let mut m1 = app.logged_in("caf@comite.test").await;
    for (id, q) in [(&s.a, 18), (&s.c, 11)] {
        review(&mut m1, id, &marks(q, 12)).await;
    }
    // The committee proposes after the deadline.
    app.clock.set("2027-03-20T08:00:00Z".parse().unwrap());
    let mut m1 = app.logged_in("caf@comite.test").await;
    let mut rc = app.logged_in("centre-c@structure.test").await;
    let letter = format!("/api/v1/applications/{}/letter.pdf", s.c);
    // Not before the decision.
    assert_eq!(rc.get(&letter).await.status, StatusCode::NOT_FOUND);
    let r = m1
        .json(
            "POST",
            &format!("/api/v1/calls/{}/modules/M1/proposals", s.call),
            &json!({"department": "03", "application_id": s.a, "motivation": "Le meilleur projet."}),
        )
        .await;
    let pid = r.json()["id"].as_str().unwrap().to_owned();
    let mut agent03 = app.logged_in(AGENT03).await;
    agent03
        .json(
            "POST",
            &format!("/api/v1/proposals/{pid}/validation"),
            &json!({"approve": true}),
        )
        .await;
    // C (03 only) is decided: its letter is made on demand, once.
    let r = rc.get(&letter).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.bytes.starts_with(b"%PDF-"));
    assert_eq!(
        rc.get(&format!("/api/v1/applications/{}/convention.pdf", s.c))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let again = rc.get(&letter).await;
    assert_eq!(again.bytes, r.bytes, "the same document, not made twice");
    // A waits for the CAF of 63.
    let mut ra = app.logged_in("centre-a@structure.test").await;
    assert_eq!(
        ra.get(&format!("/api/v1/applications/{}/letter.pdf", s.a))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_member_seated_with_its_user_id_alone_does_not_score_its_own_structure() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    // API.md: `{user_id}` is enough. The referent of A sits on the
    // committee: A is a conflict for it, C is not.
    let user = store::users::find_by_email(&app.db, "centre-a@structure.test")
        .await
        .unwrap()
        .unwrap();
    let mut agent = app.logged_in(AGENT03).await;
    let r = agent
        .json(
            "POST",
            &format!("/api/v1/calls/{}/committee", s.call),
            &json!({"user_id": user.to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let mut member = app.logged_in("centre-a@structure.test").await;
    assert_eq!(
        review(&mut member, &s.a, &marks(20, 20)).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        review(&mut member, &s.c, &marks(10, 10)).await.status,
        StatusCode::OK
    );
}
