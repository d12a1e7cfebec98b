//! Calls for applications over the API: calls and versioned modules,
//! applications scoped to départements, documents by content, the deadline
//! to the second, receipts, complements, withdrawal, reminders, exports.

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use crate::{build::*, harness::*};

async fn submit(c: &mut Client<'_>, app_id: &str) -> Resp {
    c.json(
        "POST",
        &format!("/api/v1/applications/{app_id}/submit"),
        &json!({}),
    )
    .await
}

fn ts(s: &str) -> jiff::Timestamp {
    s.parse().unwrap()
}

#[tokio::test]
async fn a_call_is_drafted_published_and_told_in_french() {
    let app = spawn_app().await;
    let mut agent = app.logged_in(AGENT03).await;
    let r = agent
        .json(
            "POST",
            "/api/v1/calls",
            &json!({"title": "Appel 2027", "departments": ["03"], "modules": [module("M1", "2027-03-14")]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let call = r.json();
    let id = call["id"].as_str().unwrap();
    assert_eq!(call["status"], "draft");
    let m = &call["modules"][0];
    assert_eq!(m["deadline"], "2027-03-14T23:59:59+01:00");
    assert_eq!(m["deadline_label"], "dimanche 14 mars 2027 à 23 h 59");
    assert_eq!(m["version"], 1);
    // Contacts default to the CAF's.
    assert_eq!(call["departments"][0]["code"], "03");

    // A draft is the staff's: anonymous visitors and the other
    // département get 404.
    let mut anon = app.client();
    assert_eq!(
        anon.get(&format!("/api/v1/calls/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    let mut agent63 = app.logged_in(AGENT63).await;
    assert_eq!(
        agent63.get(&format!("/api/v1/calls/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    // A coordinator reads but does not publish.
    let mut coord = app.logged_in(COORDINATOR).await;
    assert_eq!(
        coord.get(&format!("/api/v1/calls/{id}")).await.status,
        StatusCode::OK
    );
    let r = coord
        .json("POST", &format!("/api/v1/calls/{id}/publish"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);

    let r = agent
        .json("POST", &format!("/api/v1/calls/{id}/publish"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "published");
    let r = anon.get(&format!("/api/v1/calls/{id}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["modules"][0]["open"], true);
    let listed = anon.get("/api/v1/calls").await.json();
    assert_eq!(listed["total"], 1);
}

#[tokio::test]
async fn bad_calls_are_refused_with_every_field_and_nothing_is_written() {
    let app = spawn_app().await;
    let mut agent = app.logged_in(AGENT03).await;
    let mut bad = module("M1", "2027-03-99");
    bad["criteria"][1]["weight"] = json!(0);
    bad["service_ends_on"] = json!("2020-01-01");
    let r = agent
        .json(
            "POST",
            "/api/v1/calls",
            &json!({"title": "", "departments": ["03"], "modules": [bad]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = &r.json()["error"]["fields"];
    for k in [
        "title",
        "modules.0.deadline",
        "modules.0.criteria.1.weight",
        "modules.0.service_ends_on",
    ] {
        assert!(fields[k].is_string(), "{k} in {fields}");
    }
    assert_eq!(agent.get("/api/v1/calls").await.json()["total"], 0);

    // A 63 agent cannot create a 03 call; a time skipped by the clock
    // change is refused.
    let mut agent63 = app.logged_in(AGENT63).await;
    let r = agent63
        .json(
            "POST",
            "/api/v1/calls",
            &json!({"title": "X", "departments": ["03"], "modules": []}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = agent
        .json(
            "POST",
            "/api/v1/calls",
            &json!({"title": "X", "departments": ["03"], "modules": [module("M1", "2027-03-28T02:30")]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("passage à l'heure d'été"), "{}", r.body);

    // Publishing needs a future deadline.
    let r = agent
        .json(
            "POST",
            "/api/v1/calls",
            &json!({"title": "Ancien", "departments": ["03"], "modules": [module("M1", "2026-11-25")]}),
        )
        .await;
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let r = agent
        .json("POST", &format!("/api/v1/calls/{id}/publish"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("est passée"), "{}", r.body);
    assert_eq!(
        agent.get(&format!("/api/v1/calls/{id}")).await.json()["status"],
        "draft"
    );
}

#[tokio::test]
async fn a_change_after_publication_is_a_new_version_and_filings_keep_theirs() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03", "63"], json!([module("M1", "2027-03-14")]))
        .await;
    let (email, _) = app.new_referent("Centre social Les Ailes", "03185").await;
    let mut r = app.logged_in(&email).await;
    let a = apply(&mut r, &call, "M1", &["03", "63"]).await;
    let mut agent = app.logged_in(AGENT03).await;

    // Version 2: one more required document. The draft is filed under the
    // version current at its filing.
    let mut v2 = module("M1", "2027-03-14");
    v2["required_documents"]
        .as_array_mut()
        .unwrap()
        .push(json!({"kind": "budget", "label": "Budget prévisionnel"}));
    let res = agent
        .json("PUT", &format!("/api/v1/calls/{call}/modules/M1"), &v2)
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["version"], 2);
    assert_eq!(
        upload(&mut r, &a, "formulaire", "f.pdf", PDF).await.status,
        StatusCode::CREATED
    );
    let res = submit(&mut r, &a).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.error_code(), "missing_documents");
    assert!(res.body.contains("Budget prévisionnel"), "{}", res.body);
    assert_eq!(
        upload(&mut r, &a, "budget", "b.pdf", PDF).await.status,
        StatusCode::CREATED
    );
    assert_eq!(submit(&mut r, &a).await.status, StatusCode::OK);

    // Version 3 changes the grid; the filed application stays on 2.
    let mut v3 = v2.clone();
    v3["criteria"][0]["weight"] = json!(5);
    let res = agent
        .json("PUT", &format!("/api/v1/calls/{call}/modules/M1"), &v3)
        .await;
    assert_eq!(res.json()["version"], 3);
    let got = r.get(&format!("/api/v1/applications/{a}")).await.json();
    assert_eq!(got["module_version"], 2);
    let versions = agent
        .get(&format!("/api/v1/calls/{call}/modules/M1/versions"))
        .await
        .json();
    assert_eq!(versions["total"], 3);
    assert_eq!(versions["items"][2]["criteria"][0]["weight"], 3);
    // A published module cannot be removed.
    let res = agent
        .json(
            "DELETE",
            &format!("/api/v1/calls/{call}/modules/M1"),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_deadline_is_kept_to_the_second() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03"], json!([module("M1", "2027-03-14")]))
        .await;
    let mut ids = Vec::new();
    for name in ["Structure Une", "Structure Deux", "Structure Trois"] {
        let (email, _) = app.new_referent(name, "03185").await;
        let mut c = app.logged_in(&email).await;
        let a = apply(&mut c, &call, "M1", &["03"]).await;
        assert_eq!(
            upload(&mut c, &a, "formulaire", "f.pdf", PDF).await.status,
            StatusCode::CREATED
        );
        ids.push((email, a));
    }
    // 2027-03-14T23:59:59+01:00 is 22:59:59Z.
    for (i, at) in [
        "2027-03-14T22:59:58Z",
        "2027-03-14T22:59:59.999Z",
        "2027-03-14T23:00:00Z",
    ]
    .iter()
    .enumerate()
    {
        app.clock.set(ts(at));
        let (email, a) = &ids[i];
        let mut c = app.logged_in(email).await;
        let res = submit(&mut c, a).await;
        if i < 2 {
            assert_eq!(res.status, StatusCode::OK, "{at}: {}", res.body);
            let filed = res.json()["submitted_at"].as_str().unwrap().to_owned();
            assert!(filed.starts_with("2027-03-14T23:59:5"), "{filed}");
        } else {
            assert_eq!(res.status, StatusCode::CONFLICT, "{at}");
            assert_eq!(res.error_code(), "deadline_passed");
            assert!(
                res.body.contains("dimanche 14 mars 2027 à 23 h 59"),
                "{}",
                res.body
            );
            // Nothing changed: still a draft, no receipt.
            let got = c.get(&format!("/api/v1/applications/{a}")).await.json();
            assert_eq!(got["status"], "draft");
        }
    }
    // Nor can a new application start after it.
    let (email, _) = app.new_referent("Structure Quatre", "03185").await;
    let mut c = app.logged_in(&email).await;
    let res = c
        .json(
            "POST",
            &format!("/api/v1/calls/{call}/applications"),
            &json!({"module": "M1", "departments": ["03"]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn deadlines_on_the_days_clocks_change() {
    let app = spawn_app().await;
    // 28 March 2027 (summer time from 2 h) and 31 October 2027 (winter
    // time from 3 h, 2:30 happens twice: the later one is taken).
    let call = app
        .published_call(
            &["03"],
            json!([module("M1", "2027-03-28"), module("M2", "2027-10-31T02:30")]),
        )
        .await;
    let got = app
        .client()
        .get(&format!("/api/v1/calls/{call}"))
        .await
        .json();
    assert_eq!(got["modules"][0]["deadline"], "2027-03-28T23:59:59+02:00");
    assert_eq!(got["modules"][1]["deadline"], "2027-10-31T02:30:00+01:00");
    let (email, _) = app.new_referent("Maison des jeunes", "03185").await;
    let mut c = app.logged_in(&email).await;
    let m1 = apply(&mut c, &call, "M1", &["03"]).await;
    let m2 = apply(&mut c, &call, "M2", &["03"]).await;
    for a in [&m1, &m2] {
        upload(&mut c, a, "formulaire", "f.pdf", PDF).await;
    }
    // Sessions last hours: log in again after each move of the clock.
    app.clock.set(ts("2027-03-28T22:00:00Z"));
    let mut c = app.logged_in(&email).await;
    assert_eq!(submit(&mut c, &m1).await.status, StatusCode::CONFLICT);
    app.clock.set(ts("2027-03-28T21:59:59Z"));
    assert_eq!(submit(&mut c, &m1).await.status, StatusCode::OK);
    // 01:30Z is the second 2:30 in Paris: on time; one second later, not.
    app.clock.set(ts("2027-10-31T01:30:01Z"));
    let mut c = app.logged_in(&email).await;
    assert_eq!(submit(&mut c, &m2).await.status, StatusCode::CONFLICT);
    app.clock.set(ts("2027-10-31T01:30:00Z"));
    assert_eq!(submit(&mut c, &m2).await.status, StatusCode::OK);
}

fn tmp_entries(app: &TestApp) -> usize {
    std::fs::read_dir(app.files_dir().join("tmp")).map_or(0, Iterator::count)
}

fn stored_files(app: &TestApp) -> usize {
    let Ok(shards) = std::fs::read_dir(app.files_dir().join("sha256")) else {
        return 0;
    };
    shards
        .map(|s| std::fs::read_dir(s.unwrap().path()).unwrap().count())
        .sum()
}

#[tokio::test]
async fn documents_are_typed_by_content_named_safely_and_hashed() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03", "63"], json!([module("M1", "2027-03-14")]))
        .await;
    let (email, _) = app.new_referent("Centre social", "63113").await;
    let mut c = app.logged_in(&email).await;
    let a = apply(&mut c, &call, "M1", &["63"]).await;

    let res = upload(&mut c, &a, "formulaire", "../../etc/Dossier signé.PDF", PDF).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let d = res.json();
    assert_eq!(d["filename"], "Dossier signé.pdf");
    assert_eq!(d["type"], "pdf");
    assert_eq!(d["size"], PDF.len());
    assert_eq!(d["sha256"], hex::encode(Sha256::digest(PDF)));
    let doc_id = d["id"].as_str().unwrap().to_owned();

    // A renamed executable, a web page: 415 and nothing kept.
    for (name, bytes) in [
        (
            "dossier.pdf",
            &b"MZ\x90\x00\x03\x00\x00\x00this program"[..],
        ),
        ("page.pdf", &b"<html><script>alert(1)</script></html>"[..]),
    ] {
        let res = upload(&mut c, &a, "autre", name, bytes).await;
        assert_eq!(res.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{name}");
        assert_eq!(res.error_code(), "unsupported_type");
    }
    let got = c.get(&format!("/api/v1/applications/{a}")).await.json();
    assert_eq!(got["documents"].as_array().unwrap().len(), 1);
    assert_eq!(tmp_entries(&app), 0);
    assert_eq!(stored_files(&app), 1);

    // Replacing the form in a draft keeps one document of that kind.
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR";
    let res = upload(&mut c, &a, "formulaire", "scan", png).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.json()["filename"], "scan.png");
    let got = c.get(&format!("/api/v1/applications/{a}")).await.json();
    assert_eq!(got["documents"].as_array().unwrap().len(), 1);
    assert_eq!(
        c.get(&format!("/api/v1/applications/{a}/documents/{doc_id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Downloads are attachments, never inline.
    let new_id = got["documents"][0]["id"].as_str().unwrap();
    let res = c
        .get(&format!("/api/v1/applications/{a}/documents/{new_id}"))
        .await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.bytes, png);
    let disposition = res.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert_eq!(res.headers[header::CONTENT_TYPE], "image/png");
    // Deleting a document of another application, or none: 404.
    let res = c
        .json(
            "DELETE",
            &format!("/api/v1/applications/{a}/documents/{doc_id}"),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // A draft's document is deleted.
    let res = c
        .json(
            "DELETE",
            &format!("/api/v1/applications/{a}/documents/{new_id}"),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::NO_CONTENT);
    let got = c.get(&format!("/api/v1/applications/{a}")).await.json();
    assert!(got["documents"].as_array().unwrap().is_empty());
    // An unknown kind is refused.
    let res = upload(&mut c, &a, "photo-de-vacances", "x.pdf", PDF).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_file_over_the_limit_is_refused_while_streaming_and_nothing_is_stored() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03"], json!([module("M1", "2027-03-14")]))
        .await;
    let (email, _) = app.new_referent("Centre social", "03185").await;
    let mut c = app.logged_in(&email).await;
    let a = apply(&mut c, &call, "M1", &["03"]).await;
    let token = c.csrf().await;
    // 201 MB, produced chunk by chunk (never whole in memory here either).
    let boundary = "----limit";
    let head = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nformulaire\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"gros.pdf\"\r\n\r\n%PDF-1.4\n"
    );
    let chunk = vec![b'0'; 1_000_000];
    let chunks = std::iter::once(head.into_bytes())
        .chain(std::iter::repeat_n(chunk, 201))
        .chain(std::iter::once(
            format!("\r\n--{boundary}--\r\n").into_bytes(),
        ))
        .map(|b| Ok::<_, std::io::Error>(axum::body::Bytes::from(b)));
    let req = Request::post(format!("/api/v1/applications/{a}/documents"))
        .header("x-csrf-token", token)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(Body::from_stream(futures_util::stream::iter(chunks)))
        .unwrap();
    let res = c.send(req).await;
    assert_eq!(res.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", res.body);
    assert!(res.body.contains("200 Mo"), "{}", res.body);
    let got = c.get(&format!("/api/v1/applications/{a}")).await.json();
    assert!(got["documents"].as_array().unwrap().is_empty());
    assert_eq!(tmp_entries(&app), 0);
    assert_eq!(stored_files(&app), 0);
}

#[tokio::test]
async fn submission_checks_documents_gives_a_receipt_and_freezes_the_application() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03", "63"], json!([module("M1", "2027-03-14")]))
        .await;
    let (email, _) = app.new_referent("Centre social", "03185").await;
    let mut c = app.logged_in(&email).await;
    let a = apply(&mut c, &call, "M1", &["03", "63"]).await;

    let res = submit(&mut c, &a).await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(res.error_code(), "missing_documents");
    assert!(res.body.contains("Dossier de candidature signé"));
    assert_eq!(
        c.get(&format!("/api/v1/applications/{a}")).await.json()["status"],
        "draft"
    );

    upload(&mut c, &a, "formulaire", "dossier.pdf", PDF).await;
    let res = submit(&mut c, &a).await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    let body = res.json();
    assert_eq!(body["status"], "submitted");
    assert_eq!(body["submitted_at"], "2026-11-26T10:00:00+01:00");
    let receipt = &body["receipt"];
    assert_eq!(receipt["number"], "2027-M1-0001");
    assert_eq!(receipt["documents"][0]["filename"], "dossier.pdf");
    assert_eq!(
        receipt["documents"][0]["sha256"],
        hex::encode(Sha256::digest(PDF))
    );
    // E-mailed, and as a PDF.
    let (subject, mail) = app.last_email_to(&email).await.unwrap();
    assert!(subject.contains("2027-M1-0001"), "{subject}");
    assert!(mail.contains(&hex::encode(Sha256::digest(PDF))), "{mail}");
    let rid = receipt["id"].as_str().unwrap();
    let pdf = c
        .get(&format!("/api/v1/applications/{a}/receipts/{rid}/pdf"))
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert!(pdf.bytes.starts_with(b"%PDF-"));
    assert!(String::from_utf8_lossy(&pdf.bytes).contains("2027-M1-0001"));

    // Read-only for the applicant now.
    let res = c
        .json(
            "PUT",
            &format!("/api/v1/applications/{a}"),
            &json!({"summary": "Changé"}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(
        upload(&mut c, &a, "formulaire", "autre.pdf", PDF)
            .await
            .status,
        StatusCode::CONFLICT
    );
    let doc = c.get(&format!("/api/v1/applications/{a}")).await.json()["documents"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let res = c
        .json(
            "DELETE",
            &format!("/api/v1/applications/{a}/documents/{doc}"),
            &json!({}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(
        c.get(&format!("/api/v1/applications/{a}")).await.json()["summary"],
        "Notre projet."
    );
    // One application per module and structure.
    let res = c
        .json(
            "POST",
            &format!("/api/v1/calls/{call}/applications"),
            &json!({"module": "M1", "departments": ["03"]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::CONFLICT);
    assert_eq!(res.error_code(), "application_exists");
}

#[tokio::test]
async fn two_submissions_at_once_make_one() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03"], json!([module("M1", "2027-03-14")]))
        .await;
    let (email, _) = app.new_referent("Centre social", "03185").await;
    let mut c1 = app.logged_in(&email).await;
    let mut c2 = app.logged_in(&email).await;
    let a = apply(&mut c1, &call, "M1", &["03"]).await;
    upload(&mut c1, &a, "formulaire", "dossier.pdf", PDF).await;
    let (r1, r2) = tokio::join!(submit(&mut c1, &a), submit(&mut c2, &a));
    assert_eq!(r1.status, StatusCode::OK, "{}", r1.body);
    assert_eq!(r2.status, StatusCode::OK, "{}", r2.body);
    assert_eq!(
        r1.json()["receipt"]["number"],
        r2.json()["receipt"]["number"]
    );
    let receipts = c1
        .get(&format!("/api/v1/applications/{a}/receipts"))
        .await
        .json();
    assert_eq!(receipts["total"], 1);
    assert_eq!(app.emails_to(&email).await, 1);
}

#[tokio::test]
async fn applications_are_seen_only_in_scope() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03", "63"], json!([module("M1", "2027-03-14")]))
        .await;
    let (a_email, _) = app.new_referent("Centre A", "03185").await;
    let (b_email, b_structure) = app.new_referent("Centre B", "63113").await;
    let mut ca = app.logged_in(&a_email).await;
    let mut cb = app.logged_in(&b_email).await;
    let only03 = apply(&mut ca, &call, "M1", &["03"]).await;
    let both = apply(&mut cb, &call, "M1", &["03", "63"]).await;
    upload(&mut ca, &only03, "formulaire", "a.pdf", PDF).await;
    // Staff see filed applications only.
    upload(&mut cb, &both, "formulaire", "b.pdf", PDF).await;
    assert_eq!(submit(&mut cb, &both).await.status, StatusCode::OK);
    assert_eq!(submit(&mut ca, &only03).await.status, StatusCode::OK);

    // Another structure's application does not exist for B.
    for path in [
        format!("/api/v1/applications/{only03}"),
        format!("/api/v1/applications/{only03}/receipts"),
    ] {
        assert_eq!(cb.get(&path).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    assert_eq!(
        upload(&mut cb, &only03, "formulaire", "x.pdf", PDF)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(submit(&mut cb, &only03).await.status, StatusCode::NOT_FOUND);
    // Nor can B apply in A's name.
    let res = ca
        .json(
            "POST",
            &format!("/api/v1/calls/{call}/applications"),
            &json!({"module": "M1", "departments": ["63"], "structure_id": b_structure}),
        )
        .await;
    assert_eq!(res.status, StatusCode::NOT_FOUND);
    // A département outside the call.
    let res = ca
        .json(
            "POST",
            &format!("/api/v1/calls/{call}/applications"),
            &json!({"module": "M1", "departments": ["75"]}),
        )
        .await;
    assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Staff of 63 see the bi-départemental one, not the 03 one.
    let mut agent63 = app.logged_in(AGENT63).await;
    assert_eq!(
        agent63
            .get(&format!("/api/v1/applications/{only03}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        agent63
            .get(&format!("/api/v1/applications/{both}"))
            .await
            .status,
        StatusCode::OK
    );
    let list = agent63
        .get(&format!("/api/v1/calls/{call}/applications"))
        .await
        .json();
    assert_eq!(list["total"], 1);
    let list = app
        .logged_in(AGENT03)
        .await
        .get(&format!("/api/v1/calls/{call}/applications?department=03"))
        .await
        .json();
    assert_eq!(list["total"], 2);
    // "Mine" lists one's own.
    assert_eq!(ca.get("/api/v1/applications").await.json()["total"], 1);
}

#[tokio::test]
async fn complements_are_asked_answered_and_filed_again_after_the_deadline() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03"], json!([module("M1", "2027-03-14")]))
        .await;
    let (email, _) = app.new_referent("Centre social", "03185").await;
    let mut c = app.logged_in(&email).await;
    let a = apply(&mut c, &call, "M1", &["03"]).await;
    upload(&mut c, &a, "formulaire", "dossier.pdf", PDF).await;
    // Staff do not see a draft; the applicant cannot ask itself.
    let mut agent = app.logged_in(AGENT03).await;
    let ask = json!({"message": "Merci de joindre le budget prévisionnel signé."});
    let path = format!("/api/v1/applications/{a}/complement-requests");
    assert_eq!(
        agent.json("POST", &path, &ask).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(submit(&mut c, &a).await.status, StatusCode::OK);
    assert_eq!(
        c.json("POST", &path, &ask).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        agent
            .json("POST", &path, &json!({"message": "  "}))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let res = agent.json("POST", &path, &ask).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    assert_eq!(res.json()["status"], "complement_requested");
    let (subject, body) = app.last_email_to(&email).await.unwrap();
    assert!(subject.contains("Complément"), "{subject}");
    assert!(body.contains("budget prévisionnel signé"), "{body}");

    // After the deadline, the answer is still accepted: it is not late.
    app.clock.set(ts("2027-03-20T10:00:00Z"));
    let mut c = app.logged_in(&email).await;
    let res = upload(&mut c, &a, "autre", "budget.pdf", PDF).await;
    assert_eq!(res.status, StatusCode::CREATED, "{}", res.body);
    let res = c
        .json(
            "POST",
            &format!("/api/v1/applications/{a}/submit"),
            &json!({"message": "Voici le budget."}),
        )
        .await;
    assert_eq!(res.status, StatusCode::OK, "{}", res.body);
    assert_eq!(res.json()["receipt"]["number"], "2027-M1-0002");
    assert_eq!(
        res.json()["receipt"]["documents"].as_array().unwrap().len(),
        2
    );
    let thread = c
        .get(&format!("/api/v1/applications/{a}/messages"))
        .await
        .json();
    assert_eq!(thread["total"], 2);
    assert_eq!(thread["items"][0]["side"], "staff");
    assert_eq!(thread["items"][1]["side"], "applicant");
    assert_eq!(thread["items"][1]["body"], "Voici le budget.");
    // The first filing's document is kept as filed.
    let got = c.get(&format!("/api/v1/applications/{a}")).await.json();
    assert!(
        got["documents"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["filed"] == true)
    );
}

#[tokio::test]
async fn an_applicant_withdraws_before_the_decision() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03"], json!([module("M1", "2027-03-14")]))
        .await;
    let (email, _) = app.new_referent("Centre social", "03185").await;
    let mut c = app.logged_in(&email).await;
    let a = apply(&mut c, &call, "M1", &["03"]).await;
    let mut agent = app.logged_in(AGENT03).await;
    // Staff do not withdraw for the applicant (nor see its draft).
    let path = format!("/api/v1/applications/{a}/withdraw");
    assert_eq!(
        agent.json("POST", &path, &json!({})).await.status,
        StatusCode::NOT_FOUND
    );
    let res = c.json("POST", &path, &json!({})).await;
    assert_eq!(res.status, StatusCode::OK);
    assert_eq!(res.json()["status"], "withdrawn");
    assert_eq!(
        c.json("POST", &path, &json!({})).await.status,
        StatusCode::CONFLICT
    );
    // The structure may start again.
    apply(&mut c, &call, "M1", &["03"]).await;
}

#[tokio::test]
async fn drafts_are_reminded_seven_days_and_one_day_before_once_each() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03"], json!([module("M1", "2027-03-14")]))
        .await;
    let (email, _) = app.new_referent("Centre social", "03185").await;
    let (other, _) = app.new_referent("Centre filed", "03185").await;
    let mut c = app.logged_in(&email).await;
    apply(&mut c, &call, "M1", &["03"]).await;
    let mut o = app.logged_in(&other).await;
    let filed = apply(&mut o, &call, "M1", &["03"]).await;
    upload(&mut o, &filed, "formulaire", "f.pdf", PDF).await;
    submit(&mut o, &filed).await;
    let before = app.emails_to(&other).await;

    let run = |at: &str| {
        let db = app.db.clone();
        let at = ts(at);
        async move {
            let clock = std::sync::Arc::new(domain::FixedClock::new(at));
            let ctx = services::Ctx::new(db, clock, "http://promeneurs.test");
            services::reminders::queue_draft_reminders(&ctx)
                .await
                .unwrap()
        }
    };
    assert_eq!(run("2027-03-01T08:00:00Z").await, 0);
    assert_eq!(run("2027-03-08T08:00:00Z").await, 1);
    assert_eq!(run("2027-03-08T08:10:00Z").await, 0);
    let (subject, body) = app.last_email_to(&email).await.unwrap();
    assert!(subject.contains("brouillon"), "{subject}");
    assert!(body.contains("moins de 7 jours"), "{body}");
    assert_eq!(run("2027-03-14T08:00:00Z").await, 1);
    assert_eq!(run("2027-03-14T09:00:00Z").await, 0);
    assert!(
        app.last_email_to(&email)
            .await
            .unwrap()
            .1
            .contains("moins d'un jour")
    );
    // After the deadline, and for filed applications: nothing.
    assert_eq!(run("2027-03-15T08:00:00Z").await, 0);
    assert_eq!(app.emails_to(&other).await, before);
}

#[tokio::test]
async fn staff_export_the_applications_and_download_a_module_zip() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03"], json!([module("M1", "2027-03-14")]))
        .await;
    let (email, _) = app.new_referent("Centre Étoile", "03185").await;
    let mut c = app.logged_in(&email).await;
    let a = apply(&mut c, &call, "M1", &["03"]).await;
    upload(&mut c, &a, "formulaire", "dossier.pdf", PDF).await;
    // A draft is not in the ZIP.
    let mut agent = app.logged_in(AGENT03).await;
    let zip_path = format!("/api/v1/calls/{call}/modules/M1/documents.zip");
    let empty = agent.get(&zip_path).await;
    assert_eq!(empty.status, StatusCode::OK);
    let archive = zip::ZipArchive::new(std::io::Cursor::new(empty.bytes)).unwrap();
    assert_eq!(archive.len(), 0);
    submit(&mut c, &a).await;

    let res = agent.get(&zip_path).await;
    assert_eq!(res.status, StatusCode::OK);
    assert!(
        res.headers[header::CONTENT_DISPOSITION]
            .to_str()
            .unwrap()
            .starts_with("attachment;")
    );
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(res.bytes)).unwrap();
    assert_eq!(archive.len(), 1);
    let mut entry = archive.by_index(0).unwrap();
    assert_eq!(
        entry.name().unwrap(),
        "Centre Étoile/formulaire-dossier.pdf"
    );
    let mut content = Vec::new();
    std::io::Read::read_to_end(&mut entry, &mut content).unwrap();
    assert_eq!(content, PDF);

    let csv = agent
        .get(&format!(
            "/api/v1/calls/{call}/applications/export?format=csv"
        ))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.contains("Centre Étoile"), "{}", csv.body);
    assert!(csv.body.contains("Déposée"), "{}", csv.body);
    let xlsx = agent
        .get(&format!(
            "/api/v1/calls/{call}/applications/export?format=xlsx"
        ))
        .await;
    assert!(xlsx.bytes.starts_with(b"PK"));
    // Applicants and the other département: 404.
    assert_eq!(c.get(&zip_path).await.status, StatusCode::NOT_FOUND);
    let mut agent63 = app.logged_in(AGENT63).await;
    assert_eq!(agent63.get(&zip_path).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_interrupted_upload_leaves_a_temporary_file_that_the_start_removes() {
    let app = spawn_app().await;
    let blobs = store::blobs::BlobStore::new(app.files_dir());
    let mut up = blobs.begin(1_000).await.unwrap();
    up.write(b"%PDF-1.4 half a file").await.unwrap();
    up.finish_writing().await.unwrap();
    // The process dies here: no destructor runs, no record is written.
    std::mem::forget(up);
    assert_eq!(tmp_entries(&app), 1);
    // A stored file no record points to, older than the grace period.
    blobs.put_bytes(b"orphan").await.unwrap();
    let (partial, orphans) = blobs
        .clean(&app.db, std::time::Duration::ZERO)
        .await
        .unwrap();
    assert_eq!((partial, orphans), (1, 1));
    assert_eq!(tmp_entries(&app), 0);
    assert_eq!(stored_files(&app), 0);
}

#[tokio::test]
async fn the_demo_holds_the_2024_call_decided_and_the_2027_renewal_open() {
    let app = spawn_app().await;
    promeneurs::demo::load(&app.db).await.unwrap();
    promeneurs::demo_network::load(&app.db).await.unwrap();
    let blobs = store::blobs::BlobStore::new(app.files_dir());
    assert!(promeneurs::demo_calls::load(&app.db, &blobs).await.unwrap());
    assert!(!promeneurs::demo_calls::load(&app.db, &blobs).await.unwrap());
    let mut anon = app.client();
    let calls = anon.get("/api/v1/calls").await.json();
    assert_eq!(calls["total"], 2);
    let find = |title: &str| {
        calls["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["title"].as_str().unwrap().contains(title))
            .unwrap()
            .clone()
    };
    let past = find("2024");
    let m1 = &past["modules"][0];
    assert_eq!(m1["deadline"], "2024-03-17T23:59:59+01:00");
    assert_eq!(m1["audition_on"], "2024-03-21");
    assert_eq!(past["modules"][1]["deadline"], "2024-04-28T23:59:59+02:00");
    let keys = |m: &Value| -> Vec<String> {
        m["criteria"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["key"].as_str().unwrap().to_owned())
            .collect()
    };
    assert!(keys(m1).contains(&"qualifications".to_owned()));
    assert!(!keys(m1).contains(&"formateurs".to_owned()));
    assert!(keys(&past["modules"][1]).contains(&"formateurs".to_owned()));
    assert_eq!(past["departments"][0]["contact_name"], "Alexandra Meritet");
    assert_eq!(past["departments"][1]["contact_phone"], "04 73 14 67 62");
    assert_eq!(past["files"].as_array().unwrap().len(), 2);
    // The cahier des charges downloads as a PDF.
    let file = past["files"][0]["id"].as_str().unwrap();
    let id = past["id"].as_str().unwrap();
    let pdf = anon.get(&format!("/api/v1/calls/{id}/files/{file}")).await;
    assert!(pdf.bytes.starts_with(b"%PDF-"));

    // Decided: each module has a retained application.
    let mut agent = app.logged_in(AGENT03).await;
    let list = agent
        .get(&format!("/api/v1/calls/{id}/applications?limit=50"))
        .await
        .json();
    let statuses: Vec<(&str, &str)> = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["module"].as_str().unwrap(), a["status"].as_str().unwrap()))
        .collect();
    assert!(statuses.contains(&("M1", "retained")));
    assert!(statuses.contains(&("M2", "retained")));
    assert!(
        statuses
            .iter()
            .all(|(_, s)| *s == "retained" || *s == "not_retained")
    );

    // The committee scored them and each CAF validated its proposal.
    let results = agent
        .get(&format!("/api/v1/calls/{id}/modules/M1/results"))
        .await
        .json();
    let o03 = &results["outcomes"][0];
    assert_eq!(o03["status"], "awardable");
    assert_eq!(o03["ranking"][0]["reviews"], 3);
    assert_eq!(o03["proposal"]["status"], "validated");
    assert_eq!(
        o03["ranking"][0]["application_id"],
        o03["proposal"]["application_id"]
    );

    let renewal = find("2027");
    assert_eq!(renewal["status"], "published");
    // Two applications of the Allier to module 2, for the demo committee
    // member to score.
    let rid = renewal["id"].as_str().unwrap();
    let mut member = app.client();
    member
        .login("comite@demo.promeneurs.fr", promeneurs::demo::PASSWORD)
        .await;
    let res = member
        .get(&format!("/api/v1/calls/{rid}/modules/M2/results"))
        .await
        .json();
    assert_eq!(res["outcomes"][0]["ranking"].as_array().unwrap().len(), 2);
    assert_eq!(res["outcomes"][0]["status"], "pending");
    assert_eq!(renewal["modules"][0]["open"], true);
    assert_eq!(
        renewal["modules"][0]["deadline_label"],
        "dimanche 14 mars 2027 à 23 h 59"
    );
}
