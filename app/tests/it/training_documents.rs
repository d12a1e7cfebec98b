//! A training session's documents: the sign-in sheet (PDF) for those who
//! run the session, the certificate confirmed on the public verification
//! page, and the spreadsheets of sessions, registrations and attendance —
//! each scoped like the page it comes from.

use axum::http::StatusCode;
use documents::import::{Table, read_table};
use domain::{DepartmentCode, Grant, Role};
use serde_json::{Value, json};

use crate::harness::*;
use crate::trust_letters::{loose, pdf_text};

/// A training of `kind` in the Allier by agent03, given by `provider`.
pub async fn training(c: &mut Client<'_>, kind: &str, provider: Option<&str>) -> String {
    let r = c
        .json(
            "POST",
            "/api/v1/trainings",
            &json!({"title": "Être présent en ligne", "theme": "Posture", "kind": kind,
                    "duration_minutes": 360, "departments": ["03"], "provider_structure_id": provider}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_str().unwrap().to_owned()
}

/// Two half-days on 12 January 2027 (9 h – 12 h, 13 h 30 – 16 h 30),
/// registrations closing on the 5th.
pub fn two_half_days(capacity: i64) -> Value {
    json!({
        "parts": [
            {"starts_at": "2027-01-12T09:00:00+01:00", "ends_at": "2027-01-12T12:00:00+01:00"},
            {"starts_at": "2027-01-12T13:30:00+01:00", "ends_at": "2027-01-12T16:30:00+01:00"}
        ],
        "place": "Centre social de Cusset", "capacity": capacity,
        "registration_closes_at": "2027-01-05T23:59:00+01:00"
    })
}

/// A session of `training`: its id and its half-days' ids.
pub async fn session(c: &mut Client<'_>, training: &str, body: &Value) -> (String, Vec<String>) {
    let r = c
        .json(
            "POST",
            &format!("/api/v1/trainings/{training}/sessions"),
            body,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let s = r.json();
    let parts = s["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap().to_owned())
        .collect();
    (s["id"].as_str().unwrap().to_owned(), parts)
}

/// A promeneur of `structure` (Allier) with its own account `email`.
pub(crate) use crate::trainings::untrained as promeneur;

/// Registers `promeneur` (by `c`): the registration's id.
pub async fn register(c: &mut Client<'_>, session: &str, promeneur: &str) -> String {
    let r = c
        .json(
            "POST",
            &format!("/api/v1/sessions/{session}/registrations"),
            &json!({"promeneur_id": promeneur}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_str().unwrap().to_owned()
}

/// The session's day (11 h in Paris): the roll call opens.
pub fn roll_call_day(app: &TestApp) {
    app.clock.set("2027-01-12T10:00:00Z".parse().unwrap());
}

/// Marks a half-day of a registration.
pub async fn mark(c: &mut Client<'_>, registration: &str, part: &str, status: &str) {
    let r = c
        .json(
            "PUT",
            &format!("/api/v1/registrations/{registration}/attendance"),
            &json!({"status": status, "part_id": part}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// A session of two half-days with Alpha and Bravo registered and
/// Charlie on the waiting list (capacity 2), run by agent03.
struct Fixture {
    session: String,
    parts: Vec<String>,
    /// Alpha's, Bravo's, Charlie's registrations.
    regs: [String; 3],
    provider: String,
}

async fn fixture(app: &TestApp, kind: &str) -> Fixture {
    let (referent, structure) = app.new_referent("Centre social", "03185").await;
    let a = promeneur(app, &structure, "a@x.fr", "Alpha").await;
    let b = promeneur(app, &structure, "b@x.fr", "Bravo").await;
    let c = promeneur(app, &structure, "c@x.fr", "Charlie").await;
    let provider = app
        .new_structure("Formations Auvergne", None, "03185")
        .await;
    let mut agent = app.logged_in(AGENT03).await;
    let tr = training(&mut agent, kind, Some(&provider)).await;
    let (sid, parts) = session(&mut agent, &tr, &two_half_days(2)).await;
    let mut referent = app.logged_in(&referent).await;
    // Bravo first: the sheet sorts by name, not by registration.
    let rb = register(&mut referent, &sid, &b).await;
    let ra = register(&mut referent, &sid, &a).await;
    let rc = register(&mut referent, &sid, &c).await;
    Fixture {
        session: sid,
        parts,
        regs: [ra, rb, rc],
        provider,
    }
}

#[tokio::test]
async fn the_sign_in_sheet_lists_the_registered_by_name_with_a_box_per_half_day() {
    let app = spawn_app().await;
    let f = fixture(&app, "continuing").await;
    let mut agent = app.logged_in(AGENT03).await;
    let api = format!("/api/v1/sessions/{}/sign-in-sheet.pdf", f.session);
    let r = agent.get(&api).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.headers["content-type"], "application/pdf");
    let text = pdf_text(&r.bytes);
    for expected in [
        "Feuille d'émargement",
        "Être présent en ligne",
        "Formations Auvergne",
        "Centre social de Cusset",
        "mardi 12 janvier 2027 matin",
        "mardi 12 janvier 2027 aprèsmidi",
        "9 h – 12 h",
        "13 h 30 – 16 h 30",
        "Léa Alpha",
        "Léa Bravo",
    ] {
        assert!(text.contains(&loose(expected)), "no {expected:?} in {text}");
    }
    assert!(!text.contains("Charlie"), "the waitlisted one: {text}");
    let (alpha, bravo) = (text.find("LéaAlpha"), text.find("LéaBravo"));
    assert!(alpha < bravo, "sorted by name: {text}");

    // The page gives the same sheet, and the session page links to it.
    let page = format!("/formations/sessions/{}/emargement.pdf", f.session);
    assert!(agent.get_bytes(&page).await.starts_with(b"%PDF-"));
    let show = agent
        .get(&format!("/formations/sessions/{}", f.session))
        .await;
    assert!(show.body.contains(&page), "{}", show.body);

    // A participant sees the session but does not run it: 403, no link.
    let mut pa = app.logged_in("a@x.fr").await;
    assert_eq!(pa.get(&api).await.status, StatusCode::FORBIDDEN);
    let show = pa.get(&format!("/formations/sessions/{}", f.session)).await;
    assert!(!show.body.contains("emargement.pdf"), "{}", show.body);
    // Another département's agent does not see it: 404.
    let mut agent63 = app.logged_in(AGENT63).await;
    assert_eq!(agent63.get(&api).await.status, StatusCode::NOT_FOUND);
    assert_eq!(agent63.get(&page).await.status, StatusCode::NOT_FOUND);
    // A trainer of the provider runs it.
    app.add_user(
        "formatrice@x.fr",
        vec![Grant {
            role: Role::Trainer,
            department: Some(DepartmentCode::parse("03").unwrap()),
            structure_id: Some(f.provider.parse().unwrap()),
            call_id: None,
        }],
    )
    .await;
    let mut trainer = app.logged_in("formatrice@x.fr").await;
    assert!(trainer.get_bytes(&api).await.starts_with(b"%PDF-"));
}

#[tokio::test]
async fn many_half_days_still_give_a_sheet_with_every_half_day() {
    let app = spawn_app().await;
    let (_, structure) = app.new_referent("Centre social", "03185").await;
    let a = promeneur(&app, &structure, "a@x.fr", "Alpha").await;
    let mut agent = app.logged_in(AGENT03).await;
    let tr = training(&mut agent, "initial", None).await;
    let parts: Vec<Value> = (11..=13)
        .flat_map(|d| {
            [
                json!({"starts_at": format!("2027-01-{d}T09:00:00+01:00"), "ends_at": format!("2027-01-{d}T12:00:00+01:00")}),
                json!({"starts_at": format!("2027-01-{d}T14:00:00+01:00"), "ends_at": format!("2027-01-{d}T17:00:00+01:00")}),
            ]
        })
        .collect();
    let mut body = two_half_days(5);
    body["parts"] = json!(parts);
    let (sid, _) = session(&mut agent, &tr, &body).await;
    register(&mut agent, &sid, &a).await;
    let text = pdf_text(
        &agent
            .get_bytes(&format!("/api/v1/sessions/{sid}/sign-in-sheet.pdf"))
            .await,
    );
    for expected in [
        "lundi 11 janvier 2027 matin",
        "mercredi 13 janvier 2027 aprèsmidi",
        "du 11 janvier 2027 au 13 janvier 2027",
    ] {
        assert!(text.contains(&loose(expected)), "no {expected:?} in {text}");
    }
    // Six half-days: two tables, the name on each.
    assert_eq!(text.matches("LéaAlpha").count(), 2, "{text}");
}

#[tokio::test]
async fn the_verification_page_confirms_a_certificate_and_nothing_more() {
    let app = spawn_app().await;
    let f = fixture(&app, "initial").await;
    roll_call_day(&app);
    let mut agent = app.logged_in(AGENT03).await;
    let [ra, rb, _] = &f.regs;
    mark(&mut agent, ra, &f.parts[0], "present").await;
    mark(&mut agent, ra, &f.parts[1], "late").await;
    mark(&mut agent, rb, &f.parts[0], "present").await;
    let code = agent
        .get(&format!("/api/v1/registrations/{ra}"))
        .await
        .json()["certificate_code"]
        .as_str()
        .unwrap()
        .to_owned();

    let mut anonymous = app.client();
    let r = anonymous.get(&format!("/verifier/{code}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for expected in [
        "Attestation authentique",
        "Léa Alpha</strong> a suivi « Être présent en ligne » (Formation initiale)",
        "les mardi 12 janvier 2027 à 9 h et mardi 12 janvier 2027 à 13 h 30, Formations Auvergne.",
    ] {
        assert!(r.body.contains(expected), "no {expected:?} in {}", r.body);
    }
    for secret in ["a@x.fr", "Centre social", "06 12"] {
        assert!(!r.body.contains(secret), "{secret} shown: {}", r.body);
    }
    // A code typed loosely is sent to its stable address.
    let r = anonymous
        .get(&format!("/verifier/{}", code.to_lowercase()))
        .await;
    assert!(r.status.is_redirection(), "{}", r.status);
    // An unknown code: the same "not found" as for profiles.
    let r = anonymous.get("/verifier/AAAA-BBBB").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Code inconnu"), "{}", r.body);
    assert!(!r.body.contains("Attestation authentique"));
}

/// The export at `path` as CSV, read back; XLSX and ODS give the same
/// table.
async fn read_all(c: &mut Client<'_>, path: &str) -> Table {
    let sep = if path.contains('?') { '&' } else { '?' };
    let csv = c.get(path).await;
    assert_eq!(csv.status, StatusCode::OK, "{path}: {}", csv.body);
    assert!(
        csv.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv")
    );
    assert!(csv.bytes.starts_with(b"\xEF\xBB\xBF"), "{path}: no BOM");
    let table = read_table(&csv.bytes).unwrap();
    for format in ["xlsx", "ods"] {
        let bytes = c.get_bytes(&format!("{path}{sep}format={format}")).await;
        let other = read_table(&bytes).unwrap();
        assert_eq!(other.headers, table.headers, "{path} {format}");
        assert_eq!(other.rows.len(), table.rows.len(), "{path} {format}");
    }
    let bad = c.get(&format!("{path}{sep}format=pdf")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
    table
}

fn column(t: &Table, header: &str) -> Vec<String> {
    let i = t
        .headers
        .iter()
        .position(|h| h == header)
        .unwrap_or_else(|| panic!("no column {header}: {:?}", t.headers));
    t.rows.iter().map(|r| r.cells[i].clone()).collect()
}

#[tokio::test]
async fn sessions_registrations_and_attendance_export_for_those_who_see_them() {
    let app = spawn_app().await;
    let f = fixture(&app, "initial").await;
    roll_call_day(&app);
    let mut agent = app.logged_in(AGENT03).await;
    let [ra, rb, _] = &f.regs;
    mark(&mut agent, ra, &f.parts[0], "present").await;
    mark(&mut agent, ra, &f.parts[1], "late").await;
    mark(&mut agent, rb, &f.parts[0], "present").await;
    mark(&mut agent, rb, &f.parts[1], "absent").await;

    // The sessions: the list the caller sees, from the API and the page.
    for path in ["/api/v1/sessions/export", "/formations/sessions/export"] {
        let t = read_all(&mut agent, path).await;
        assert_eq!(
            t.headers,
            [
                "formation",
                "type",
                "debut",
                "fin",
                "dates",
                "demi_journees",
                "lieu",
                "departements",
                "capacite",
                "inscrits",
                "liste_attente"
            ]
        );
        assert_eq!(column(&t, "formation"), ["Être présent en ligne"]);
        assert_eq!(column(&t, "type"), ["Formation initiale"]);
        assert_eq!(column(&t, "dates"), ["mardi 12 janvier 2027"]);
        assert_eq!(column(&t, "lieu"), ["Centre social de Cusset"]);
        assert_eq!(column(&t, "departements"), ["03"]);
        assert_eq!(
            (
                column(&t, "capacite"),
                column(&t, "inscrits"),
                column(&t, "liste_attente")
            ),
            (
                vec!["2".to_owned()],
                vec!["2".to_owned()],
                vec!["1".to_owned()]
            )
        );
    }
    let list = agent.get("/formations").await.body;
    assert!(
        list.contains("/formations/sessions/export?format=ods"),
        "{list}"
    );
    let mut agent63 = app.logged_in(AGENT63).await;
    assert!(
        read_all(&mut agent63, "/api/v1/sessions/export")
            .await
            .rows
            .is_empty()
    );
    let bad = agent.get("/api/v1/sessions/export?kind=autre").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The registrations of the session: seats by name, then the line.
    let regs = format!("/api/v1/sessions/{}/registrations/export", f.session);
    let t = read_all(&mut agent, &regs).await;
    assert_eq!(
        t.headers,
        ["nom", "structure", "statut", "position", "inscrit_le"]
    );
    assert_eq!(column(&t, "nom"), ["Léa Alpha", "Léa Bravo", "Léa Charlie"]);
    assert_eq!(
        column(&t, "statut"),
        ["Inscrit", "Inscrit", "En liste d'attente"]
    );
    assert_eq!(column(&t, "position"), ["", "", "1"]);
    assert_eq!(column(&t, "structure")[0], "Centre social");
    assert!(
        column(&t, "inscrit_le")[0].starts_with("26/11/2026 "),
        "{t:?}"
    );

    // The attendance: one column per half-day, the certificate's code.
    let att = format!("/formations/sessions/{}/presences/export", f.session);
    let t = read_all(&mut agent, &att).await;
    assert_eq!(
        t.headers,
        [
            "nom",
            "structure",
            "12/01/2027 matin",
            "12/01/2027 après-midi",
            "attestation"
        ]
    );
    assert_eq!(column(&t, "nom"), ["Léa Alpha", "Léa Bravo"]);
    assert_eq!(column(&t, "12/01/2027 matin"), ["présent", "présent"]);
    assert_eq!(column(&t, "12/01/2027 après-midi"), ["en retard", "absent"]);
    let codes = column(&t, "attestation");
    assert_eq!(codes[0].len(), 9, "{codes:?}");
    assert_eq!(codes[1], "");
    let page = agent
        .get(&format!("/formations/sessions/{}", f.session))
        .await
        .body;
    assert!(page.contains(&format!("{att}?format=xlsx")), "{page}");

    // A participant does not export them (403); another département's
    // agent does not see the session (404).
    let mut pa = app.logged_in("a@x.fr").await;
    for path in [
        regs.clone(),
        format!("/api/v1/sessions/{}/attendance/export", f.session),
    ] {
        assert_eq!(pa.get(&path).await.status, StatusCode::FORBIDDEN, "{path}");
        assert_eq!(
            agent63.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert_eq!(agent63.get(&att).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn someone_promoted_from_the_waiting_list_is_listed_by_name_with_the_others() {
    let app = spawn_app().await;
    let (_, structure) = app.new_referent("Centre social", "03185").await;
    let mut agent = app.logged_in(AGENT03).await;
    let tr = training(&mut agent, "continuing", None).await;
    let (sid, _) = session(&mut agent, &tr, &two_half_days(1)).await;
    for name in ["Zulu", "Alpha"] {
        let id = promeneur(&app, &structure, &format!("{name}@x.fr"), name).await;
        register(&mut agent, &sid, &id).await;
    }
    // Alpha waits, then gets the new seat; Bravo comes last.
    let r = agent
        .json(
            "PATCH",
            &format!("/api/v1/sessions/{sid}"),
            &json!({"capacity": 3}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let id = promeneur(&app, &structure, "bravo@x.fr", "Bravo").await;
    register(&mut agent, &sid, &id).await;
    let text = pdf_text(
        &agent
            .get_bytes(&format!("/api/v1/sessions/{sid}/sign-in-sheet.pdf"))
            .await,
    );
    let at = |n: &str| text.find(n).unwrap_or_else(|| panic!("no {n} in {text}"));
    assert!(
        at("LéaAlpha") < at("LéaBravo") && at("LéaBravo") < at("LéaZulu"),
        "{text}"
    );
    let t = read_all(
        &mut agent,
        &format!("/api/v1/sessions/{sid}/registrations/export"),
    )
    .await;
    assert_eq!(column(&t, "nom"), ["Léa Alpha", "Léa Bravo", "Léa Zulu"]);
}
