//! An impostor in the directory: a structure that signs itself up is
//! pending until the CAF approves it, and nothing of it is public before;
//! the fields that open the directory are set by staff (a referent only
//! proposes them); consent is the promeneur's own.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::{build::*, harness::*};

/// An impostor signs up "MJC fantôme" in Vichy (03) and logs in as its
/// referent; returns its client and the structure's id.
async fn impostor(app: &TestApp) -> (Client<'_>, String) {
    let siret = valid_siret("4123456780001");
    let r = app
        .client()
        .post_form(
            "/inscription",
            &[
                ("name", "Ivan Posteur"),
                ("email", "ivan@fantome.fr"),
                ("siret", siret.as_str()),
                ("structure_name", "MJC fantôme"),
                ("kind", "mjc"),
                ("commune", "Vichy"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    app.activate("ivan@fantome.fr").await;
    let mut ivan = app.logged_in("ivan@fantome.fr").await;
    let mine = ivan.get("/api/v1/structures").await.json();
    assert_eq!(mine["total"], 1, "{mine}");
    assert_eq!(mine["items"][0]["approved"], false, "{mine}");
    let id = mine["items"][0]["id"].as_str().unwrap().to_owned();
    (ivan, id)
}

/// Nothing of promeneur `id` is public: not in the API, the directory,
/// the map's data, nor the verification page.
async fn check_hidden(app: &TestApp, id: &str, code: &str, label: &str) {
    let mut anon = app.client();
    let api = anon.get("/api/v1/public/promeneurs?q=Martin").await;
    assert!(!api.body.contains(id), "{label}: {}", api.body);
    let page = anon.get("/annuaire?ou=Vichy").await;
    assert!(!page.body.contains(id), "{label}");
    let v = anon.get(&format!("/verifier/{code}")).await;
    assert_eq!(v.status, StatusCode::NOT_FOUND, "{label}: {}", v.body);
    assert!(!v.body.contains("bien celui"), "{label}");
    let map = anon
        .get("/api/v1/public/promeneurs?department=03&limit=100")
        .await;
    assert!(!map.body.contains(id), "{label}");
}

fn public_total(v: &Value) -> i64 {
    v["total"].as_i64().unwrap()
}

#[tokio::test]
async fn an_impostor_structure_publishes_nothing_until_the_caf_and_the_promeneur_agree() {
    let app = spawn_app().await;
    let mut anon = app.client();
    let before = public_total(&anon.get("/api/v1/public/promeneurs").await.json());
    let (mut ivan, structure_id) = impostor(&app).await;

    // The CAF agents of the Allier are told; the page lists it.
    let (subject, body) = app.last_email_to(AGENT03).await.expect("e-mail to agent");
    assert!(subject.contains("MJC fantôme"), "{subject}");
    assert!(
        body.contains("http://promeneurs.test/reseau/structures/a-valider"),
        "{body}"
    );
    assert!(
        app.last_email_to(AGENT63)
            .await
            .is_none_or(|(s, _)| !s.contains("fantôme"))
    );

    // The referent creates a promeneur with every gating field, active,
    // and consent: the gating fields become a proposal (202), consent is
    // refused (422) and nothing is stored for that attempt.
    let mut body = public_promeneur(&structure_id, "faux@fantome.fr", "03310");
    body["public_consent"] = json!(true);
    let r = ivan.json("POST", "/api/v1/promeneurs", &body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.json()["error"]["fields"]["public_consent"]
            .as_str()
            .unwrap()
            .contains("depuis son compte")
    );
    assert_eq!(ivan.get("/api/v1/promeneurs").await.json()["total"], 0);
    let r = ivan
        .json(
            "POST",
            "/api/v1/promeneurs",
            &public_promeneur(&structure_id, "faux@fantome.fr", "03310"),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    let p = r.json();
    let id = p["id"].as_str().unwrap().to_owned();
    let code = p["verification_code"].as_str().unwrap().to_owned();
    assert_eq!(p["status"], "candidate");
    assert!(p["charter_signed_on"].is_null() && p["mandate"].is_null());
    assert_eq!(p["proposal"]["status"], "active");
    assert_eq!(p["proposal"]["charter_signed_on"], "2025-09-15");
    assert_eq!(p["in_directory"], false);
    // Asking for `active` through the status: a proposal again.
    let r = ivan
        .json(
            "POST",
            &format!("/api/v1/promeneurs/{id}/status"),
            &json!({"status": "active"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_eq!(r.json()["status"], "candidate");
    // Its own account consents: still not public.
    app.consent_from_account(&id).await;
    check_hidden(&app, &id, &code, "proposal pending").await;

    // An agent of another département: 404 on the structure and its
    // promeneur, and cannot approve.
    let mut agent63 = app.logged_in(AGENT63).await;
    let r = agent63
        .json(
            "POST",
            &format!("/api/v1/structures/{structure_id}/approval"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = agent63
        .json(
            "POST",
            &format!("/api/v1/promeneurs/{id}/proposal"),
            &json!({"decision": "accept"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(
        agent63
            .get("/api/v1/structures?approval=pending")
            .await
            .json()["total"],
        0
    );
    // The referent cannot approve its own structure nor confirm.
    let r = ivan
        .json(
            "POST",
            &format!("/api/v1/structures/{structure_id}/approval"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let r = ivan
        .json(
            "POST",
            &format!("/api/v1/promeneurs/{id}/proposal"),
            &json!({"decision": "accept"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    // Staff confirm the proposal: the promeneur is complete, but its
    // structure is not approved yet.
    let mut agent = app.logged_in(AGENT03).await;
    let todo = agent.get("/api/v1/promeneurs?to_confirm=true").await.json();
    assert_eq!(todo["total"], 1, "{todo}");
    assert_eq!(todo["items"][0]["id"], id.as_str());
    let r = agent
        .json(
            "POST",
            &format!("/api/v1/promeneurs/{id}/proposal"),
            &json!({"decision": "maybe"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = agent
        .json(
            "POST",
            &format!("/api/v1/promeneurs/{id}/proposal"),
            &json!({"decision": "accept"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let p = r.json();
    assert_eq!(p["status"], "active");
    assert_eq!(p["charter_signed_on"], "2025-09-15");
    assert!(p["proposal"].is_null());
    assert_eq!(p["in_directory"], false);
    assert_eq!(
        p["directory_blocks"],
        json!(["Structure en attente de validation par la Caf"])
    );
    check_hidden(&app, &id, &code, "structure pending").await;

    // The agent approves the structure from its page (CSRF form).
    let pending = agent
        .get("/api/v1/structures?approval=pending")
        .await
        .json();
    assert_eq!(pending["total"], 1);
    let page = agent.get("/reseau/structures/a-valider").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("MJC fantôme"), "{}", page.body);
    assert!(page.body.contains("ivan@fantome.fr"));
    assert_eq!(
        ivan.get("/reseau/structures/a-valider").await.status,
        StatusCode::NOT_FOUND
    );
    let r = agent
        .post_form_raw(
            &format!("/reseau/structures/{structure_id}/validation"),
            &[],
        )
        .await;
    assert!(r.status.is_client_error(), "no CSRF token: {}", r.status);
    let r = agent
        .post_form(
            &format!("/reseau/structures/{structure_id}/validation"),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let again = agent
        .json(
            "POST",
            &format!("/api/v1/structures/{structure_id}/approval"),
            &json!({}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    // Listed now, and the approval is audited.
    let api = anon.get("/api/v1/public/promeneurs").await.json();
    assert_eq!(public_total(&api), before + 1);
    let v = anon.get(&format!("/verifier/{code}")).await;
    assert_eq!(v.status, StatusCode::OK);
    assert!(v.body.contains("Léa Martin"), "{}", v.body);
    let mut admin = app.logged_in(ADMIN).await;
    let audit = admin
        .get(&format!("/api/v1/audit?entity_id={structure_id}"))
        .await;
    assert!(audit.body.contains("\"approve\""), "{}", audit.body);
}

#[tokio::test]
async fn a_pending_referent_prepares_an_application() {
    let app = spawn_app().await;
    let call = app
        .published_call(&["03"], json!([module("M1", "2027-03-14")]))
        .await;
    let (mut ivan, _) = impostor(&app).await;
    let r = ivan
        .json(
            "POST",
            &format!("/api/v1/calls/{call}/applications"),
            &json!({"module": "M1", "departments": ["03"], "summary": "Notre projet."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

#[tokio::test]
async fn staff_structures_are_approved_and_staff_set_gating_fields_directly() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = coord
        .new_structure("MJC de Vichy", Some(SIRET_A), "03310")
        .await;
    let r = coord.get(&format!("/api/v1/structures/{s}")).await.json();
    assert_eq!(r["approved"], true);
    let r = coord
        .json(
            "POST",
            "/api/v1/promeneurs",
            &public_promeneur(&s, "lea@x.fr", "03310"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["status"], "active");
    assert!(r.json()["proposal"].is_null());
    let id = r.json()["id"].as_str().unwrap().to_owned();
    // Staff cannot consent for the promeneur (API or form).
    let r = coord
        .json(
            "PATCH",
            &format!("/api/v1/promeneurs/{id}"),
            &json!({"public_consent": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let page = coord.get(&format!("/reseau/promeneurs/{id}")).await;
    assert!(!page.body.contains("name=\"public_consent\""));
    let p = coord.get(&format!("/api/v1/promeneurs/{id}")).await.json();
    assert_eq!(p["public_consent"], false);

    // A referent of that structure proposes new dates: 202, nothing
    // written; staff reject; the dates stay.
    app.add_referent("ref@x.fr", &s).await;
    let mut referent = app.logged_in("ref@x.fr").await;
    let r = referent
        .json(
            "PATCH",
            &format!("/api/v1/promeneurs/{id}"),
            &json!({"charter_signed_on": "2026-01-05", "public_bio": "Bonjour"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::ACCEPTED, "{}", r.body);
    assert_eq!(r.json()["charter_signed_on"], "2025-09-15");
    assert_eq!(r.json()["public_bio"], "Bonjour", "other fields written");
    assert_eq!(r.json()["proposal"]["charter_signed_on"], "2026-01-05");
    // Nor can the referent consent for the promeneur.
    let r = referent
        .json(
            "PATCH",
            &format!("/api/v1/promeneurs/{id}"),
            &json!({"public_consent": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // The staff page shows it "à confirmer" and rejects it.
    let list = coord.get("/reseau/promeneurs?to_confirm=on").await;
    assert!(list.body.contains("à confirmer"), "{}", list.body);
    assert!(list.body.contains(&id));
    // Counted for the staff of its département, and for nobody else.
    assert!(
        list.body.contains(">1 promeneur à confirmer</a>"),
        "{}",
        list.body
    );
    let mut other = app.logged_in(AGENT63).await;
    assert!(
        !other
            .get("/reseau/promeneurs")
            .await
            .body
            .contains("à confirmer</a>")
    );
    let file = coord.get(&format!("/reseau/promeneurs/{id}")).await;
    assert!(
        file.body.contains("Proposition à confirmer"),
        "{}",
        file.body
    );
    let r = coord
        .post_form(
            &format!("/reseau/promeneurs/{id}/proposition"),
            &[("decision", "refuser")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = coord.get(&format!("/api/v1/promeneurs/{id}")).await.json();
    assert_eq!(p["charter_signed_on"], "2025-09-15");
    assert!(p["proposal"].is_null());
    let r = coord
        .json(
            "POST",
            &format!("/api/v1/promeneurs/{id}/proposal"),
            &json!({"decision": "accept"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = referent
        .json(
            "POST",
            &format!("/api/v1/promeneurs/{id}/status"),
            &json!({"status": "suspended"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["status"], "suspended", "closing is direct");
    // Back to `active` from the page: a proposal, which staff confirm.
    let r = referent
        .post_form(
            &format!("/reseau/promeneurs/{id}/statut"),
            &[("status", "active")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location().ends_with("message=propose"),
        "{}",
        r.location()
    );
    let file = referent.get(r.location()).await;
    assert!(
        file.body
            .contains("la Caf ou la coordination du département les confirme")
    );
    assert!(
        !file.body.contains("/proposition\""),
        "no confirm form for a referent"
    );
    let p = coord.get(&format!("/api/v1/promeneurs/{id}")).await.json();
    assert_eq!(p["status"], "suspended");
    assert_eq!(p["proposal"]["status"], "active");
    let r = coord
        .post_form(
            &format!("/reseau/promeneurs/{id}/proposition"),
            &[("decision", "accepter")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = coord.get(&format!("/api/v1/promeneurs/{id}")).await.json();
    assert_eq!(p["status"], "active");
    assert_eq!(p["charter_signed_on"], "2025-09-15");
}

#[tokio::test]
async fn a_spreadsheet_import_from_an_account_never_consents_for_the_promeneur() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = coord
        .new_structure("MJC de Vichy", Some(SIRET_A), "03310")
        .await;
    app.add_referent("ref@x.fr", &s).await;
    let file = "prenom;nom;email;structure;fonction;commune;reseaux;presences;statut;heures_par_semaine;debut_mandat;charte_signee_le;formation_initiale_le;consentement_public\n\
                Léa;Martin;lea@x.fr;73282932000074;Animatrice;Vichy;instagram:pdn.lea;mardi 17h-19h;actif;6;01/09/2025;15/09/2025;10/10/2025;oui\n";
    // Referents do not import.
    let mut referent = app.logged_in("ref@x.fr").await;
    let r = referent
        .bytes(
            "POST",
            "/api/v1/imports/promeneurs",
            "text/csv",
            file.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    // Staff import the gating fields, but not the consent.
    let r = coord
        .bytes(
            "POST",
            "/api/v1/imports/promeneurs",
            "text/csv",
            file.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let p = coord.get("/api/v1/promeneurs?q=lea@x.fr").await.json();
    let p = &p["items"][0];
    assert_eq!(p["status"], "active", "{p}");
    assert_eq!(p["charter_signed_on"], "2025-09-15");
    assert_eq!(p["public_consent"], false);
    assert_eq!(p["in_directory"], false);
    // Once the promeneur consents, a re-import keeps its consent.
    let id = p["id"].as_str().unwrap().to_owned();
    app.consent_from_account(&id).await;
    let no = file.replace(";oui\n", ";non\n");
    let r = coord
        .bytes(
            "POST",
            "/api/v1/imports/promeneurs",
            "text/csv",
            no.into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let p = coord.get(&format!("/api/v1/promeneurs/{id}")).await.json();
    assert_eq!(p["public_consent"], true);
    assert_eq!(p["in_directory"], true);
}
