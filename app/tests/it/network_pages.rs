//! The network pages: forms with their French errors, the import in the
//! browser, a referent's and a promeneur's edits. No JavaScript involved.

use axum::http::StatusCode;
use domain::{Grant, Role};
use serde_json::json;

use crate::{build::*, harness::*};

#[tokio::test]
async fn a_coordinator_creates_a_structure_through_the_form() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let r = coord.get("/reseau/structures/nouvelle").await;
    assert_eq!(r.status, StatusCode::OK);
    let form = [
        ("name", "MJC de Vichy"),
        ("kind", "mjc"),
        ("siret", "73282932000075"),
        ("commune_insee", "Vichy"),
    ];
    let r = coord.post_form("/reseau/structures/nouvelle", &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("clé de contrôle"), "{}", r.body);
    assert!(
        r.body.contains("value=\"MJC de Vichy\""),
        "what was typed stays"
    );
    assert_eq!(coord.get("/api/v1/structures").await.json()["total"], 0);
    let mut form = form;
    form[2].1 = "732 829 320 00074";
    let r = coord.post_form("/reseau/structures/nouvelle", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = coord.get(r.location()).await;
    assert!(page.body.contains("MJC de Vichy") && page.body.contains("73282932000074"));
    let list = coord.get("/reseau/structures?q=vichy").await;
    assert!(list.body.contains("1 structure"), "{}", list.body);
}

#[tokio::test]
async fn a_referent_edits_presence_slots_in_the_form() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = coord.new_structure("MJC", Some(SIRET_A), "03310").await;
    let p = coord
        .json(
            "POST",
            "/api/v1/promeneurs",
            &public_promeneur(&s, "lea@x.fr", "03310"),
        )
        .await
        .json();
    let id = p["id"].as_str().unwrap().to_owned();
    app.add_referent("ref@x.fr", &s).await;
    let mut referent = app.logged_in("ref@x.fr").await;
    let page = referent.get(&format!("/reseau/promeneurs/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("presence.0.weekday"));
    let base = [
        ("first_name", "Léa"),
        ("last_name", "Martin"),
        ("email", "lea@x.fr"),
        ("structure_id", s.as_str()),
        ("job_title", "Animatrice"),
        ("commune_insee", "Vichy (03310)"),
        ("mandate_hours", "6"),
        ("mandate_starts_on", "2025-09-01"),
        ("charter_signed_on", "2025-09-15"),
        ("initial_training_on", "2025-10-10"),
        ("public_consent", "on"),
        ("networks.0.platform", "instagram"),
        ("networks.0.handle", "pdn.lea"),
    ];
    // A slot ending before it starts: refused, with the row named.
    let mut bad = base.to_vec();
    bad.extend([
        ("presence.0.weekday", "3"),
        ("presence.0.start", "18:00"),
        ("presence.0.end", "16:00"),
    ]);
    let r = referent
        .post_form(&format!("/reseau/promeneurs/{id}"), &bad)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("presence-0-error"), "{}", r.body);
    let mut good = base.to_vec();
    good.extend([
        ("presence.0.weekday", "3"),
        ("presence.0.start", "14:00"),
        ("presence.0.end", "16:30"),
        ("presence.1.weekday", ""),
        ("presence.1.start", ""),
        ("presence.1.end", ""),
        ("themes", "orientation"),
        ("themes", "emploi"),
    ]);
    let r = referent
        .post_form(&format!("/reseau/promeneurs/{id}"), &good)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = coord.get(&format!("/api/v1/promeneurs/{id}")).await.json();
    assert_eq!(p["presence_text"], "le mercredi de 14 h à 16 h 30");
    assert_eq!(p["themes"], json!(["orientation", "emploi"]));
}

#[tokio::test]
async fn the_import_in_the_browser_checks_then_confirms_once() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let bad = "nom;type;siret;commune\nMJC de Vichy;MJC;73282932000074;Vichy\nCentre social;centre social;123;Nullepart\n";
    let r = coord
        .post_multipart(
            "/reseau/import",
            &[("kind", "structures")],
            Some(("file", "structures.csv", bad.as_bytes())),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("Rien n'a été enregistré"), "{}", r.body);
    assert!(r.body.contains("<td>3</td><td>siret</td>"), "{}", r.body);
    assert!(r.body.contains("<td>3</td><td>commune</td>"), "{}", r.body);
    assert_eq!(coord.get("/api/v1/structures").await.json()["total"], 0);

    let good = "nom;type;siret;commune\nMJC de Vichy;MJC;73282932000074;Vichy\nCentre social;centre social;;Riom\n";
    let r = coord
        .post_multipart(
            "/reseau/import",
            &[("kind", "structures")],
            Some(("file", "structures.csv", good.as_bytes())),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(r.body.contains("Confirmer l'import"));
    assert_eq!(
        coord.get("/api/v1/structures").await.json()["total"],
        0,
        "a preview writes nothing"
    );
    let action = r
        .body
        .split("action=\"/reseau/import/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let confirm = format!("/reseau/import/{action}");
    let r = coord.post_form(&confirm, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r2 = coord.post_form(&confirm, &[]).await;
    assert_eq!(
        r2.status,
        StatusCode::SEE_OTHER,
        "a double click is harmless"
    );
    assert_eq!(coord.get("/api/v1/structures").await.json()["total"], 2);
    let done = coord.get(r.location()).await;
    assert!(
        done.body.contains("2 créé(s), 0 mis à jour"),
        "{}",
        done.body
    );

    // Wrong file type.
    let r = coord
        .post_multipart(
            "/reseau/import",
            &[("kind", "promeneurs")],
            Some(("file", "x.csv", b"MZ\x90\x00binary")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
    assert!(r.body.contains("tableur reconnu"));
    // A template to start from.
    let t = coord
        .get("/reseau/import/modele/promeneurs?format=csv")
        .await;
    assert!(t.body.contains("prenom;nom;email"), "{}", t.body);
}

#[tokio::test]
async fn a_promeneur_edits_its_own_profile() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = coord.new_structure("MJC", Some(SIRET_A), "03310").await;
    let p = coord
        .json(
            "POST",
            "/api/v1/promeneurs",
            &public_promeneur(&s, "lea@x.fr", "03310"),
        )
        .await
        .json();
    let user = app
        .add_user("lea@x.fr", vec![Grant::platform(Role::Promeneur)])
        .await;
    let mut tx = app.db.begin().await.unwrap();
    store::promeneurs::link_user(&mut tx, p["id"].as_str().unwrap().parse().unwrap(), user)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    app.consent_from_account(p["id"].as_str().unwrap()).await;
    let mut me = app.logged_in("lea@x.fr").await;
    let page = me.get("/mon-profil").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Publié"));
    // The QR code for posters is printed from here (not from the page
    // young people open).
    assert!(
        page.body.contains("/qr.svg\" download=\"promeneur-"),
        "{}",
        page.body
    );
    let r = me
        .post_form(
            "/mon-profil",
            &[
                ("networks.0.platform", "tiktok"),
                ("networks.0.handle", "@pdn.lea"),
                ("public_bio", "Salut !"),
                ("public_consent", "on"),
                ("presence.0.weekday", "5"),
                ("presence.0.start", "16:00"),
                ("presence.0.end", "18:00"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p = coord
        .get(&format!("/api/v1/promeneurs/{}", p["id"].as_str().unwrap()))
        .await
        .json();
    assert_eq!(p["networks"][0]["url"], "https://www.tiktok.com/@pdn.lea");
    assert_eq!(
        p["job_title"], "Animatrice jeunesse",
        "staff fields untouched"
    );
}

#[tokio::test]
async fn administrators_keep_the_list_of_themes() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    assert_eq!(
        coord.get("/admin/themes").await.status,
        StatusCode::NOT_FOUND
    );
    let mut admin = app.logged_in(ADMIN).await;
    let r = admin
        .post_form(
            "/admin/themes",
            &[("label", "Sport et santé"), ("position", "20")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let themes = coord.get("/api/v1/themes").await.json();
    assert!(
        themes["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|t| t["slug"] == "sport_et_sante"),
        "{themes}"
    );
    // Archived: no longer offered, so refused on a new file.
    let r = admin
        .post_form(
            "/admin/themes",
            &[
                ("slug", "sport_et_sante"),
                ("label", "Sport et santé"),
                ("archived", "on"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let s = coord.new_structure("MJC", Some(SIRET_A), "03310").await;
    let mut body = public_promeneur(&s, "a@x.fr", "03310");
    body["themes"] = json!(["sport_et_sante"]);
    let r = coord.json("POST", "/api/v1/promeneurs", &body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let r = admin.post_form("/admin/themes", &[("label", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_caf_agent_records_a_signed_convention_with_its_scan() {
    let app = spawn_app().await;
    let mut agent = app.logged_in(AGENT03).await;
    let s = agent.new_structure("MJC", Some(SIRET_A), "03310").await;
    let r = agent
        .json(
            "POST",
            &format!("/api/v1/structures/{s}/conventions"),
            &json!({"department": "03", "starts_on": "2026-01-01", "ends_on": "2028-12-31"}),
        )
        .await;
    assert_eq!(r.json()["status"], "unsigned");
    let id = r.json()["id"].as_str().unwrap().to_owned();
    // A renamed executable is refused; a PDF is kept and served as an attachment.
    let r = agent
        .post_multipart(
            &format!("/reseau/conventions/{id}/signature"),
            &[("signed_on", "2026-01-15")],
            Some(("document", "convention.pdf", b"MZ\x90\x00")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let r = agent
        .post_multipart(
            &format!("/reseau/conventions/{id}/signature"),
            &[("signed_on", "15/01/2026")],
            Some(("document", "Convention signée.pdf", b"%PDF-1.7\n%test\n")),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let list = agent
        .get(&format!("/api/v1/structures/{s}/conventions"))
        .await
        .json();
    assert_eq!(list["items"][0]["status"], "active");
    assert_eq!(list["items"][0]["signed_on"], "2026-01-15");
    let doc = agent
        .get(&format!("/reseau/conventions/{id}/document"))
        .await;
    assert_eq!(doc.status, StatusCode::OK);
    let disposition = doc.headers["content-disposition"].to_str().unwrap();
    assert!(
        disposition.starts_with("attachment")
            && disposition.contains("convention-convention-signee.pdf"),
        "{disposition}"
    );
    // The other CAF neither signs nor downloads.
    let mut agent63 = app.logged_in(AGENT63).await;
    assert_eq!(
        agent63
            .get(&format!("/reseau/conventions/{id}/document"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = agent63
        .json(
            "POST",
            &format!("/api/v1/conventions/{id}/signature"),
            &json!({"signed_on": "2026-01-16"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_large_import_runs_in_the_background_with_its_progress() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let csv: String = std::iter::once("nom;type;commune\n".to_owned())
        .chain((0..320).map(|i| format!("Association numéro {i};association;Vichy\n")))
        .collect();
    let r = coord
        .post_multipart(
            "/reseau/import",
            &[("kind", "structures")],
            Some(("file", "grand.csv", csv.as_bytes())),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let action = r
        .body
        .split("action=\"/reseau/import/")
        .nth(1)
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_owned();
    let r = coord
        .post_form(&format!("/reseau/import/{action}"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let status = r.location().to_owned();
    let mut done = false;
    for _ in 0..200 {
        let page = coord.get(&status).await;
        if page.body.contains("Import terminé") {
            assert!(page.body.contains("320 créé(s)"), "{}", page.body);
            done = true;
            break;
        }
        // While it runs: a progress bar and a page that reloads itself.
        assert!(
            page.body.contains("<progress") && page.body.contains("http-equiv=\"refresh\""),
            "{}",
            page.body
        );
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    assert!(done, "the import ends");
    assert_eq!(
        coord.get("/api/v1/structures?limit=1").await.json()["total"],
        320
    );
}

#[tokio::test]
async fn the_command_line_import_checks_then_writes() {
    let app = spawn_app().await;
    let dir =
        std::env::temp_dir().join(format!("promeneurs-cli-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("bad.csv");
    std::fs::write(&bad, "nom;type;siret;commune\nMJC;MJC;123;Vichy\n").unwrap();
    let good = dir.join("good.csv");
    std::fs::write(
        &good,
        "nom;type;siret;commune\nMJC de Vichy;MJC;73282932000074;Vichy\n",
    )
    .unwrap();
    assert_eq!(
        promeneurs::import_file(&app.db, "structures", &bad, false)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        promeneurs::import_file(&app.db, "structures", &good, true)
            .await
            .unwrap(),
        0
    );
    let mut coord = app.logged_in(COORDINATOR).await;
    assert_eq!(
        coord.get("/api/v1/structures").await.json()["total"],
        0,
        "checks write nothing"
    );
    assert_eq!(
        promeneurs::import_file(&app.db, "structures", &good, false)
            .await
            .unwrap(),
        0
    );
    assert_eq!(coord.get("/api/v1/structures").await.json()["total"], 1);
    assert!(
        promeneurs::import_file(&app.db, "jeunes", &good, false)
            .await
            .is_err()
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[tokio::test]
async fn a_referent_opens_the_promeneurs_own_account() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = coord.new_structure("MJC", Some(SIRET_A), "03310").await;
    let p = coord
        .json(
            "POST",
            "/api/v1/promeneurs",
            &public_promeneur(&s, "lea@mjc.fr", "03310"),
        )
        .await
        .json();
    let id = p["id"].as_str().unwrap().to_owned();
    assert_eq!(p["has_account"], false);
    app.add_referent("ref@mjc.fr", &s).await;
    let mut referent = app.logged_in("ref@mjc.fr").await;
    let r = referent
        .post_form(&format!("/reseau/promeneurs/{id}/compte"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = referent
        .json(
            "POST",
            &format!("/api/v1/promeneurs/{id}/account"),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "only once");
    // The promeneur activates its account and reaches its profile.
    let (subject, body) = app
        .last_email_to("lea@mjc.fr")
        .await
        .expect("an activation e-mail");
    assert!(subject.contains("Activez"), "{subject}");
    let path = path_of(&link_in(&body));
    let mut lea = app.client();
    assert_eq!(lea.get(&path).await.status, StatusCode::OK);
    let r = lea
        .post_form(
            &path,
            &[
                ("password", "une phrase de passe"),
                ("password_confirm", "une phrase de passe"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = lea.login("lea@mjc.fr", "une phrase de passe").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = lea.get("/mon-profil").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("Mon profil public"));
    // Its account does nothing else: no other file, no list of others.
    assert_eq!(lea.get("/api/v1/promeneurs").await.json()["total"], 1);
    assert_eq!(
        coord.get(&format!("/api/v1/promeneurs/{id}")).await.json()["has_account"],
        true
    );
}
