//! The decision when an application covers both départements, and the
//! letters of each CAF: an application retained in one département only
//! gets a letter and a convention naming that département alone (and the
//! letter says why not the other); a structure retained for two modules
//! gets one convention on both; each CAF lists, prepares and sends its own
//! département's letters, each sending audited.

use std::{
    io::Write,
    process::{Command, Stdio},
};

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::{
    build::*,
    committee::{marks, review},
    harness::*,
};

/// The text of a PDF as `pdftotext` reads it, without white space nor
/// hyphens (lines break at "Puy-de-Dôme"), apostrophes made straight.
/// Panics without poppler-utils: these tests are about the text.
pub(crate) fn pdf_text(pdf: &[u8]) -> String {
    assert!(pdf.starts_with(b"%PDF-"), "not a PDF");
    let mut child = Command::new("pdftotext")
        .args(["-enc", "UTF-8", "-", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("pdftotext (apt-get install poppler-utils)");
    child.stdin.take().unwrap().write_all(pdf).unwrap();
    let out = child.wait_with_output().unwrap();
    loose(&String::from_utf8(out.stdout).unwrap())
}

pub(crate) fn loose(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '\u{ad}'))
        .map(|c| if c == '’' { '\'' } else { c })
        .collect()
}

fn has(text: &str, expected: &str) -> bool {
    text.contains(&loose(expected))
}

/// A call of both départements: A (03+63), B (63), C (03) in M1; D (A's
/// structure, 03+63), E (C's, 03) and F (B's, 63) in M2. Every application
/// reviewed once.
struct Call {
    id: String,
    a: String,
    b: String,
    c: String,
    d: String,
    f: String,
}

async fn call(app: &TestApp) -> Call {
    let id = app
        .published_call(
            &["03", "63"],
            json!([module("M1", "2027-03-14"), module("M2", "2027-04-25")]),
        )
        .await;
    let (ea, _) = app.new_referent("Centre A", "03185").await;
    let (eb, _) = app.new_referent("Centre B", "63113").await;
    let (ec, _) = app.new_referent("Centre C", "03185").await;
    let c = Call {
        a: app.filed_application(&ea, &id, "M1", &["03", "63"]).await,
        b: app.filed_application(&eb, &id, "M1", &["63"]).await,
        c: app.filed_application(&ec, &id, "M1", &["03"]).await,
        d: app.filed_application(&ea, &id, "M2", &["03", "63"]).await,
        f: app.filed_application(&eb, &id, "M2", &["63"]).await,
        id,
    };
    let e = app.filed_application(&ec, &c.id, "M2", &["03"]).await;
    app.seated_member(&c.id, "caf@comite.test", "Caf 03", None)
        .await;
    let mut member = app.logged_in("caf@comite.test").await;
    for (app_id, q) in [
        (&c.a, 18),
        (&c.b, 15),
        (&c.c, 9),
        (&c.d, 17),
        (&e, 8),
        (&c.f, 7),
    ] {
        let r = review(&mut member, app_id, &marks(q, 12)).await;
        assert!(r.status.is_success(), "{}", r.body);
    }
    // The committee proposes once both modules' deadlines have passed.
    app.clock.set("2027-05-01T08:00:00Z".parse().unwrap());
    c
}

/// The committee proposes `application` in `department` for `module`, the
/// CAF of that département validates.
async fn decide(app: &TestApp, call: &str, module: &str, department: &str, application: &str) {
    app.validated_proposal(
        "caf@comite.test",
        call,
        (module, department),
        application,
        "Le meilleur projet du département.",
    )
    .await;
}

/// The letter e-mails queued to `to`.
async fn letters_to(app: &TestApp, to: &str) -> usize {
    let (log, _) =
        store::outbox::list_emails(&app.db, &domain::AdminCap::for_console(), None, 500, 0)
            .await
            .unwrap();
    log.iter()
        .filter(|e| e.template == "letter" && e.to == to)
        .count()
}

fn ids(list: &Value) -> Vec<String> {
    list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["application_id"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn retained_in_the_allier_only_the_letter_and_convention_name_the_allier_alone() {
    let app = spawn_app().await;
    let c = call(&app).await;
    // M1: A in the Allier, B in the Puy-de-Dôme.
    decide(&app, &c.id, "M1", "03", &c.a).await;
    decide(&app, &c.id, "M1", "63", &c.b).await;
    let mut agent03 = app.logged_in(AGENT03).await;
    let r = agent03
        .json(
            "POST",
            &format!("/api/v1/calls/{}/modules/M1/letters", c.id),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let letter = pdf_text(
        &agent03
            .get_bytes(&format!("/api/v1/applications/{}/letter.pdf", c.a))
            .await,
    );
    assert!(
        has(&letter, "votre candidature est retenue pour l'Allier"),
        "{letter}"
    );
    assert!(
        has(
            &letter,
            "Elle n'est pas retenue pour le Puy-de-Dôme : une autre candidature y a été retenue."
        ),
        "{letter}"
    );
    assert!(has(&letter, "Pour la Caf de l'Allier"), "{letter}");
    assert!(!has(&letter, "Pour la Caf du Puy-de-Dôme"), "{letter}");
    assert!(
        !has(&letter, "Caisse d'allocations familiales du Puy"),
        "{letter}"
    );
    assert!(!has(&letter, "et/ou"), "{letter}");
    assert!(
        has(
            &letter,
            "Coordinateur du réseau des Promeneurs du Net de l'Allier sur le module 1"
        ),
        "{letter}"
    );

    let convention = pdf_text(
        &agent03
            .get_bytes(&format!("/api/v1/applications/{}/convention.pdf", c.a))
            .await,
    );
    assert!(
        has(
            &convention,
            "Convention — Coordinateur du réseau des Promeneurs du Net de l'Allier sur le module 1"
        ),
        "{convention}"
    );
    assert!(has(&convention, "pour l'Allier"), "{convention}");
    assert!(has(&convention, "Pour la Caf de l'Allier"), "{convention}");
    assert!(has(&convention, "Fait en 2 exemplaires"), "{convention}");
    assert!(!has(&convention, "Puy-de-Dôme"), "{convention}");
    assert!(!has(&convention, "Puy"), "{convention}");
}

#[tokio::test]
async fn a_structure_retained_for_modules_1_and_2_gets_one_convention_on_both() {
    let app = spawn_app().await;
    let c = call(&app).await;
    // A everywhere in M1; D (A's structure) in the Allier only in M2.
    decide(&app, &c.id, "M1", "03", &c.a).await;
    decide(&app, &c.id, "M1", "63", &c.a).await;
    decide(&app, &c.id, "M2", "03", &c.d).await;
    decide(&app, &c.id, "M2", "63", &c.f).await;
    let mut agent03 = app.logged_in(AGENT03).await;
    for m in ["M1", "M2"] {
        let r = agent03
            .json(
                "POST",
                &format!("/api/v1/calls/{}/modules/{m}/letters", c.id),
                &json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{m}: {}", r.body);
    }
    // One convention: made with the M1 letters, none for M2.
    let list = agent03
        .get(&format!("/api/v1/calls/{}/modules/M2/letters", c.id))
        .await
        .json();
    assert!(
        !list["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|l| l["kind"] == "convention"),
        "{list}"
    );
    let first = agent03
        .get_bytes(&format!("/api/v1/applications/{}/convention.pdf", c.a))
        .await;
    let second = agent03
        .get_bytes(&format!("/api/v1/applications/{}/convention.pdf", c.d))
        .await;
    assert_eq!(
        first, second,
        "the M2 application reads the same convention"
    );
    let text = pdf_text(&first);
    assert!(
        has(
            &text,
            "Coordinateur du réseau des Promeneurs du Net de l'Allier et du Puy-de-Dôme sur les modules 1 et 2"
        ),
        "{text}"
    );
    assert!(has(&text, "Modules 1 et 2"), "{text}");
    assert!(
        has(
            &text,
            "module 1, « Module M1 », pour l'Allier et le Puy-de-Dôme"
        ),
        "{text}"
    );
    assert!(
        has(&text, "module 2, « Module M2 », pour l'Allier."),
        "{text}"
    );
    // The M2 letter goes with the one convention.
    let r = agent03
        .json(
            "POST",
            &format!("/api/v1/calls/{}/modules/M2/letters/send", c.id),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let (log, _) =
        store::outbox::list_emails(&app.db, &domain::AdminCap::for_console(), None, 500, 0)
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
        vec!["courrier-M2.pdf", "convention.pdf"]
    );
    // The M2 letter says it is retained in the Allier, not elsewhere.
    let letter = pdf_text(
        &agent03
            .get_bytes(&format!("/api/v1/applications/{}/letter.pdf", c.d))
            .await,
    );
    assert!(has(&letter, "retenue pour l'Allier"), "{letter}");
    assert!(
        has(&letter, "Elle n'est pas retenue pour le Puy-de-Dôme"),
        "{letter}"
    );
}

#[tokio::test]
async fn each_caf_lists_prepares_and_sends_its_own_letters() {
    let app = spawn_app().await;
    let c = call(&app).await;
    decide(&app, &c.id, "M1", "03", &c.a).await;
    decide(&app, &c.id, "M1", "63", &c.b).await;
    let mut agent03 = app.logged_in(AGENT03).await;
    let mut agent63 = app.logged_in(AGENT63).await;
    let api = format!("/api/v1/calls/{}/modules/M1/letters", c.id);

    // The CAF of the Puy-de-Dôme prepares its own: A (both) and B.
    let r = agent63.json("POST", &api, &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let mine = ids(&r.json());
    assert!(mine.contains(&c.a) && mine.contains(&c.b), "{mine:?}");
    assert!(!mine.contains(&c.c), "C is an Allier applicant: {mine:?}");
    // Then the Allier's: C appears there, never on 63's list or page.
    let r = agent03.json("POST", &api, &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let theirs = ids(&r.json());
    assert!(
        theirs.contains(&c.c) && !theirs.contains(&c.b),
        "{theirs:?}"
    );
    let list = ids(&agent63.get(&api).await.json());
    assert!(!list.contains(&c.c), "{list:?}");
    let page = agent63
        .get(&format!("/gestion/appels/{}/modules/M1/courriers", c.id))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Centre B"), "{}", page.body);
    assert!(!page.body.contains("Centre C"), "{}", page.body);
    assert!(!page.body.contains(&c.c), "{}", page.body);

    // "Send all" by 63 sends 63's letters only: A's and B's, not C's.
    let r = agent63
        .json("POST", &format!("{api}/send"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["sent"], 2);
    assert_eq!(letters_to(&app, "centre-c@structure.test").await, 0);
    assert_eq!(letters_to(&app, "centre-b@structure.test").await, 1);
    // The Allier sends what is left: C.
    let r = agent03
        .json("POST", &format!("{api}/send"), &json!({}))
        .await;
    assert_eq!(r.json()["sent"], 1, "{}", r.body);
    assert_eq!(letters_to(&app, "centre-c@structure.test").await, 1);
    assert_eq!(letters_to(&app, "centre-a@structure.test").await, 1);

    // Each sending is audited, once per letter.
    let mut admin = app.logged_in(ADMIN).await;
    let log = admin
        .get("/api/v1/audit?entity=application&limit=500")
        .await
        .json();
    let sent: Vec<&str> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "send_letter")
        .map(|e| e["entity_id"].as_str().unwrap())
        .collect();
    assert_eq!(sent.len(), 3, "{log}");
    for id in [&c.a, &c.b, &c.c] {
        assert!(sent.contains(&id.as_str()), "{id}: {log}");
    }
}

#[tokio::test]
async fn each_caf_waits_only_for_its_own_decisions() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03", "63"], json!([module("M1", "2027-03-14")]))
        .await;
    let (e1, _) = app.new_referent("Centre Un", "03185").await;
    let (e2, _) = app.new_referent("Centre Deux", "03185").await;
    let (e3, _) = app.new_referent("Centre Trois", "63113").await;
    let (e4, _) = app.new_referent("Centre Quatre", "63113").await;
    let one = app.filed_application(&e1, &call, "M1", &["03"]).await;
    let two = app.filed_application(&e2, &call, "M1", &["03"]).await;
    let three = app.filed_application(&e3, &call, "M1", &["63"]).await;
    let four = app.filed_application(&e4, &call, "M1", &["63"]).await;
    app.seated_member(&call, "caf@comite.test", "Caf 03", None)
        .await;
    let mut member = app.logged_in("caf@comite.test").await;
    for id in [&one, &two, &three, &four] {
        review(&mut member, id, &marks(15, 12)).await;
    }
    app.clock.set("2027-03-20T08:00:00Z".parse().unwrap());
    // Only the Allier has decided.
    decide(&app, &call, "M1", "03", &one).await;
    let api = format!("/api/v1/calls/{call}/modules/M1/letters");
    let mut agent03 = app.logged_in(AGENT03).await;
    let r = agent03.json("POST", &api, &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["generated"], 3, "{}", r.body);
    let mut agent63 = app.logged_in(AGENT63).await;
    let r = agent63.json("POST", &api, &json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.error_code(), "not_decided");
    assert_eq!(ids(&agent63.get(&api).await.json()).len(), 0);
}
