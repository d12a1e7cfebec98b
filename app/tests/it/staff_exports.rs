//! The staff exports of a call's decision work and of the handovers: the
//! proposals and decisions of a call, the auditions of a module, the
//! letters of a module and their dispatch, the handovers. Each is read
//! back (CSV, XLSX, ODS), from its page and the API, with the scope of
//! the page it comes from: an agent of 03 does not read 63's rows.

use axum::http::StatusCode;
use documents::import::{Table, read_table};
use serde_json::json;

use crate::{
    committee::{marks, review},
    harness::*,
};

/// The export at `path` in the three formats, each read back: the same
/// table every time (the CSV starts with a BOM and uses ';').
async fn read_all(c: &mut Client<'_>, path: &str) -> Table {
    let sep = if path.contains('?') { '&' } else { '?' };
    let csv = c.get(path).await;
    assert_eq!(csv.status, StatusCode::OK, "{path}: {}", csv.body);
    let kind = csv.headers["content-type"].to_str().unwrap();
    assert!(kind.starts_with("text/csv"), "{kind}");
    assert!(
        csv.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment; filename=\""),
    );
    assert!(csv.bytes.starts_with(b"\xEF\xBB\xBF"), "{path}: no BOM");
    assert!(
        csv.body.lines().next().unwrap().contains(';'),
        "{}",
        csv.body
    );
    let table = read_table(&csv.bytes).unwrap();
    for format in ["xlsx", "ods"] {
        let bytes = c.get_bytes(&format!("{path}{sep}format={format}")).await;
        assert!(bytes.starts_with(b"PK"), "{path} {format}");
        let other = read_table(&bytes).unwrap();
        assert_eq!(other.headers, table.headers, "{path} {format}");
        assert_eq!(other.rows.len(), table.rows.len(), "{path} {format}");
        for (a, b) in other.rows.iter().zip(&table.rows) {
            for (x, y) in a.cells.iter().zip(&b.cells) {
                // Dates are typed cells: 2026-12-01 there, 01/12/2026 in CSV.
                let same = x == y || x.split('-').rev().collect::<Vec<_>>().join("/") == *y;
                assert!(same, "{path} {format}: {x} / {y}");
            }
        }
    }
    let bad = c.get(&format!("{path}{sep}format=pdf")).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{path}");
    if path.starts_with("/api/") {
        assert!(bad.body.contains("Format inconnu"), "{}", bad.body);
    }
    table
}

/// The cell of `row` under `header`.
fn cell<'t>(t: &'t Table, row: usize, header: &str) -> &'t str {
    let i = t
        .headers
        .iter()
        .position(|h| h == header)
        .unwrap_or_else(|| panic!("no column {header}: {:?}", t.headers));
    &t.rows[row].cells[i]
}

/// The values of one column, in order.
fn column(t: &Table, header: &str) -> Vec<String> {
    (0..t.rows.len())
        .map(|r| cell(t, r, header).to_owned())
        .collect()
}

#[tokio::test]
async fn the_proposals_and_decisions_of_a_call_export_per_module_and_departement() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    app.seated_member(&s.call, "caf@comite.test", "Caf 03", None)
        .await;
    let mut member = app.logged_in("caf@comite.test").await;
    for id in [&s.a, &s.b, &s.c] {
        review(&mut member, id, &marks(18, 12)).await;
    }
    app.clock.set("2027-03-20T08:00:00Z".parse().unwrap());
    let mut member = app.logged_in("caf@comite.test").await;
    // 03: A proposed and validated by the CAF of the Allier; 63: B
    // proposed, the CAF of the Puy-de-Dôme has not answered.
    app.validated_proposal(
        "caf@comite.test",
        &s.call,
        ("M1", "03"),
        &s.a,
        "Projet solide.",
    )
    .await;
    let r = member
        .json(
            "POST",
            &format!("/api/v1/calls/{}/modules/M1/proposals", s.call),
            &json!({"department": "63", "application_id": s.b, "motivation": "Ancrage local."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);

    let mut agent = app.logged_in(AGENT03).await;
    let manage = agent.get(&format!("/gestion/appels/{}", s.call)).await.body;
    let page = format!("/gestion/appels/{}/decisions/export", s.call);
    assert!(
        manage.contains(&format!("href=\"{page}?format=ods\"")),
        "{manage}"
    );
    let t = read_all(&mut agent, &page).await;
    assert_eq!(
        t.headers,
        [
            "module",
            "departement",
            "proposition",
            "motivation",
            "proposee_par",
            "proposee_le",
            "etat",
            "validee_ou_rejetee_par",
            "validee_ou_rejetee_le",
            "commentaire_de_la_caf",
        ]
    );
    // The agent of 03 reads the 03 rows only: M1 and M2.
    assert_eq!(column(&t, "module"), ["M1", "M2"]);
    assert_eq!(column(&t, "departement"), ["03", "03"]);
    assert_eq!(cell(&t, 0, "proposition"), "Centre A");
    assert_eq!(cell(&t, 0, "motivation"), "Projet solide.");
    assert_eq!(cell(&t, 0, "proposee_le"), "20 mars 2027 à 9 h");
    assert_eq!(cell(&t, 0, "etat"), "Validée par la Caf");
    assert_eq!(cell(&t, 0, "validee_ou_rejetee_le"), "20 mars 2027 à 9 h");
    assert!(!cell(&t, 0, "validee_ou_rejetee_par").is_empty());
    assert_eq!(cell(&t, 1, "proposition"), "Aucune proposition");

    // The committee reads every département; so does the API.
    let t = read_all(
        &mut member,
        &format!("/api/v1/calls/{}/decisions/export", s.call),
    )
    .await;
    assert_eq!(column(&t, "departement"), ["03", "63", "03", "63"]);
    assert_eq!(cell(&t, 1, "proposition"), "Centre B");
    assert_eq!(cell(&t, 1, "etat"), "Proposée, en attente de la Caf");
    assert_eq!(cell(&t, 1, "validee_ou_rejetee_le"), "");
    let mut agent63 = app.logged_in(AGENT63).await;
    let t = read_all(
        &mut agent63,
        &format!("/api/v1/calls/{}/decisions/export", s.call),
    )
    .await;
    assert_eq!(column(&t, "departement"), ["63", "63"]);

    // Anyone else: 404.
    let (stranger, _) = app.new_referent("Foyer Trois", "03185").await;
    let mut stranger = app.logged_in(&stranger).await;
    assert_eq!(stranger.get(&page).await.status, StatusCode::NOT_FOUND);
    let api = format!("/api/v1/calls/{}/decisions/export", s.call);
    assert_eq!(stranger.get(&api).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_auditions_of_a_module_export_in_time_order_within_the_scope() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    let path = format!("/api/v1/calls/{}/modules/M1/auditions", s.call);
    let mut agent = app.logged_in(AGENT03).await;
    let mut agent63 = app.logged_in(AGENT63).await;
    let slot = async |c: &mut Client<'_>, body: serde_json::Value, to: Option<&str>| {
        let r = c.json("POST", &path, &body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.json()["id"].as_str().unwrap().to_owned();
        if let Some(a) = to {
            let r = c
                .json(
                    "PUT",
                    &format!("/api/v1/auditions/{id}"),
                    &json!({ "application_id": a }),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        }
    };
    slot(
        &mut agent,
        json!({"time": "10:15", "place": "Caf de l'Allier, Moulins"}),
        Some(&s.c),
    )
    .await;
    slot(
        &mut agent,
        json!({"time": "09:30", "video_link": "https://visio.example/pdn"}),
        Some(&s.a),
    )
    .await;
    slot(
        &mut agent,
        json!({"date": "2027-03-19", "time": "14:00", "place": "Moulins"}),
        None,
    )
    .await;
    let r = agent
        .json("POST", &format!("{path}/invitations"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    slot(
        &mut agent63,
        json!({"time": "11:00", "place": "Caf du Puy-de-Dôme"}),
        Some(&s.b),
    )
    .await;

    let page = format!("/gestion/appels/{}/modules/M1/auditions", s.call);
    let body = agent.get(&page).await.body;
    assert!(
        body.contains(&format!("href=\"{page}/export?format=xlsx\"")),
        "{body}"
    );
    let t = read_all(&mut agent, &format!("{page}/export")).await;
    assert_eq!(
        t.headers,
        [
            "jour",
            "heure",
            "duree_minutes",
            "lieu",
            "lien_de_visioconference",
            "candidature",
            "structure",
            "departements",
            "convoquee_le",
        ]
    );
    // The agent of 03: A (03, 63), C (03) and the free slot; not B (63).
    assert_eq!(column(&t, "structure"), ["Centre A", "Centre C", "Libre"]);
    assert_eq!(cell(&t, 0, "jour"), "jeudi 18 mars 2027");
    assert_eq!(cell(&t, 0, "heure"), "9 h 30");
    assert_eq!(cell(&t, 0, "duree_minutes"), "45");
    assert_eq!(
        cell(&t, 0, "lien_de_visioconference"),
        "https://visio.example/pdn"
    );
    assert_eq!(cell(&t, 0, "candidature"), s.a);
    assert_eq!(cell(&t, 0, "departements"), "03 63");
    assert_eq!(cell(&t, 1, "lieu"), "Caf de l'Allier, Moulins");
    assert!(cell(&t, 1, "convoquee_le").contains(" à "), "{t:?}");
    assert_eq!(cell(&t, 2, "jour"), "vendredi 19 mars 2027");
    assert_eq!(cell(&t, 2, "candidature"), "");
    assert_eq!(cell(&t, 2, "convoquee_le"), "");

    // The agent of 63 reads B and A, not C; through the API as well.
    let t = read_all(&mut agent63, &format!("{path}/export")).await;
    assert_eq!(column(&t, "structure"), ["Centre A", "Centre B", "Libre"]);
    let (stranger, _) = app.new_referent("Foyer Trois", "03185").await;
    let mut stranger = app.logged_in(&stranger).await;
    assert_eq!(
        stranger.get(&format!("{page}/export")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        stranger.get(&format!("{path}/export")).await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_letters_of_a_module_and_their_dispatch_export_for_each_caf() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    app.seated_member(&s.call, "caf@comite.test", "Caf 03", None)
        .await;
    let mut member = app.logged_in("caf@comite.test").await;
    for (id, q) in [(&s.a, 18), (&s.b, 9), (&s.c, 11)] {
        review(&mut member, id, &marks(q, 12)).await;
    }
    app.clock.set("2027-03-20T08:00:00Z".parse().unwrap());
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
    let page = format!("/gestion/appels/{}/modules/M1/courriers", s.call);
    let mut agent = app.logged_in(AGENT03).await;
    let r = agent.post_form(&page, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let body = agent.get(&page).await.body;
    assert!(
        body.contains(&format!("href=\"{page}/export?format=csv\"")),
        "{body}"
    );

    // Prepared, not sent.
    let t = read_all(&mut agent, &format!("{page}/export")).await;
    assert_eq!(
        t.headers,
        [
            "candidature",
            "structure",
            "document",
            "resultat",
            "prepare_le",
            "mis_en_envoi_le",
            "destinataire",
            "etat_de_l_envoi",
            "envoye_le",
        ]
    );
    assert_eq!(
        column(&t, "structure"),
        ["Centre A", "Centre A", "Centre C"]
    );
    assert_eq!(
        column(&t, "document"),
        ["Courrier de résultat", "Convention", "Courrier de résultat"]
    );
    assert_eq!(
        column(&t, "resultat"),
        ["Retenue", "Retenue", "Non retenue"]
    );
    assert_eq!(cell(&t, 0, "candidature"), s.a);
    assert_eq!(cell(&t, 0, "prepare_le"), "20 mars 2027 à 9 h");
    assert_eq!(column(&t, "etat_de_l_envoi"), ["À envoyer"; 3]);
    assert_eq!(column(&t, "destinataire"), ["", "", ""]);

    // Sent: queued now, to the structure's referent.
    let r = agent.post_form(&format!("{page}/envoi"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let api = format!("/api/v1/calls/{}/modules/M1/letters/export", s.call);
    let t = read_all(&mut agent, &api).await;
    assert_eq!(cell(&t, 0, "mis_en_envoi_le"), "20 mars 2027 à 9 h");
    assert_eq!(cell(&t, 0, "destinataire"), "centre-a@structure.test");
    assert_eq!(cell(&t, 2, "destinataire"), "centre-c@structure.test");
    assert_eq!(column(&t, "etat_de_l_envoi"), ["En file d'envoi"; 3]);

    // Each CAF its own: the agent of 63 has no letter prepared for B yet
    // and does not read the Allier's letters of C.
    let mut agent63 = app.logged_in(AGENT63).await;
    let t = read_all(&mut agent63, &api).await;
    assert_eq!(column(&t, "structure"), ["Centre A", "Centre A"]);
    let (stranger, _) = app.new_referent("Foyer Trois", "03185").await;
    let mut stranger = app.logged_in(&stranger).await;
    assert_eq!(
        stranger.get(&format!("{page}/export")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(stranger.get(&api).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_handovers_export_with_their_checklist_within_the_scope() {
    let app = spawn_app().await;
    let incoming = "nouvelle@coordination.test";
    app.add_user(incoming, vec![]).await;
    let mut agent63 = app.logged_in(AGENT63).await;
    let body = json!({"department": "63", "outgoing_email": COORDINATOR,
                      "incoming_email": incoming, "starts_on": "2026-12-01"});
    let r = agent63.json("POST", "/api/v1/handovers", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let h = r.json();
    let id = h["id"].as_str().unwrap().to_owned();
    app.clock.set("2026-12-02T09:45:00Z".parse().unwrap());
    let mut coord = app.logged_in(COORDINATOR).await;
    let mut new = app.logged_in(incoming).await;
    for item in h["items"].as_array().unwrap() {
        let tick = format!(
            "/api/v1/handovers/{id}/items/{}",
            item["id"].as_str().unwrap()
        );
        let r = new.json("PUT", &tick, &json!({"done": true})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let first = h["items"][0]["id"].as_str().unwrap();
    let r = coord
        .json(
            "PUT",
            &format!("/api/v1/handovers/{id}/items/{first}"),
            &json!({"done": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let mut agent63 = app.logged_in(AGENT63).await;
    let list = agent63.get("/gestion/tuilages").await.body;
    assert!(
        list.contains("href=\"/gestion/tuilages/export?format=ods\""),
        "{list}"
    );
    let t = read_all(&mut agent63, "/gestion/tuilages/export").await;
    assert_eq!(
        t.headers,
        [
            "departement",
            "coordinateur_sortant",
            "nouveau_coordinateur",
            "premier_jour_du_nouveau",
            "lecture_seule_jusqu_au",
            "liste_cochee_sortant",
            "liste_cochee_nouveau",
            "elements",
            "termine_le",
        ]
    );
    assert_eq!(t.rows.len(), 1);
    assert_eq!(cell(&t, 0, "departement"), "63");
    assert_eq!(cell(&t, 0, "liste_cochee_sortant"), "1 sur 4");
    assert_eq!(cell(&t, 0, "liste_cochee_nouveau"), "4 sur 4");
    assert_eq!(cell(&t, 0, "elements"), "4");
    assert_eq!(cell(&t, 0, "termine_le"), "");
    assert!(!cell(&t, 0, "premier_jour_du_nouveau").is_empty());

    // Both sides ticked: done, at the last tick.
    app.clock.set("2026-12-03T10:00:00Z".parse().unwrap());
    let mut coord = app.logged_in(COORDINATOR).await;
    for item in h["items"].as_array().unwrap().iter().skip(1) {
        let tick = format!(
            "/api/v1/handovers/{id}/items/{}",
            item["id"].as_str().unwrap()
        );
        let r = coord.json("PUT", &tick, &json!({"done": true})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let mut agent63 = app.logged_in(AGENT63).await;
    let t = read_all(&mut agent63, "/api/v1/handovers/export").await;
    assert_eq!(cell(&t, 0, "liste_cochee_sortant"), "4 sur 4");
    assert_eq!(cell(&t, 0, "termine_le"), "3 décembre 2026 à 11 h");

    // The agent of 03 reads none of 63's handovers.
    let mut agent03 = app.logged_in(AGENT03).await;
    let t = read_all(&mut agent03, "/api/v1/handovers/export").await;
    assert!(t.rows.is_empty(), "{t:?}");
    // A referent is not staff and has no handover: 404.
    let (stranger, _) = app.new_referent("Foyer Trois", "03185").await;
    let mut stranger = app.logged_in(&stranger).await;
    assert_eq!(
        stranger.get("/gestion/tuilages/export").await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        stranger.get("/api/v1/handovers/export").await.status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn staff_see_when_another_departements_application_is_heard_not_whose_it_is() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    let path = format!("/api/v1/calls/{}/modules/M1/auditions", s.call);
    let mut agent = app.logged_in(AGENT03).await;
    let mut agent63 = app.logged_in(AGENT63).await;
    // The 63 agent gives a slot to B (63 only), the 03 agent one to C (03).
    for (c, app_id, time) in [(&mut agent63, &s.b, "11:00"), (&mut agent, &s.c, "10:00")] {
        let r = c
            .json("POST", &path, &json!({"time": time, "place": "Moulins"}))
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.json()["id"].as_str().unwrap().to_owned();
        let r = c
            .json(
                "PUT",
                &format!("/api/v1/auditions/{id}"),
                &json!({ "application_id": app_id }),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    let page = format!("/gestion/appels/{}/modules/M1/auditions", s.call);
    let body = agent.get(&page).await.body;
    assert!(body.contains("Centre C"), "{body}");
    assert!(!body.contains("Centre B"), "{body}");
    assert!(
        body.contains("Candidature d&#39;un autre département"),
        "{body}"
    );
    let listed = agent.get(&path).await.body;
    assert!(!listed.contains("Centre B"), "{listed}");
    // Inviting sends its own département's invitations and leaves the
    // other's to its CAF (it used to refuse the whole batch).
    let r = agent
        .json("POST", &format!("{path}/invitations"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = agent63
        .json("POST", &format!("{path}/invitations"), &json!({}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // The committee reads every name.
    app.seated_member(&s.call, "membre@comite.fr", "Caf", None)
        .await;
    let mut member = app.logged_in("membre@comite.fr").await;
    assert!(member.get(&page).await.body.contains("Centre B"));
}
