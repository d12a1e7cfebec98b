//! The network over the API: structures, conventions, promeneurs, status,
//! scope, the public directory, import and export.

use axum::http::StatusCode;
use domain::{Grant, Role};
use serde_json::json;

use crate::{build::*, harness::*};

#[tokio::test]
async fn structures_are_checked_and_scoped() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let id = coord
        .new_structure("Centre social de Vichy", Some("732 829 320 00074"), "03310")
        .await;
    let r = coord.get(&format!("/api/v1/structures/{id}")).await;
    assert_eq!(r.json()["siret"], SIRET_A);
    assert_eq!(r.json()["department"], "03");
    assert_eq!(r.json()["commune_name"], "Vichy");

    // A wrong SIRET, an unknown commune, a duplicate SIRET: 422, by field.
    let r = coord
        .json("POST", "/api/v1/structures", &json!({"name": "X", "kind": "mjc", "siret": "73282932000075", "commune_insee": "03310"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json()["error"]["fields"]["siret"]
            .as_str()
            .unwrap()
            .contains("SIRET")
    );
    let r = coord
        .json(
            "POST",
            "/api/v1/structures",
            &json!({"name": "X", "kind": "mjc", "commune_insee": "75056"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["error"]["fields"]["commune_insee"].is_string());
    let r = coord
        .json(
            "POST",
            "/api/v1/structures",
            &json!({"name": "Doublon", "kind": "mjc", "siret": SIRET_A, "commune_insee": "03310"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"]["fields"]["siret"].is_string());

    // The CAF of 63 neither sees nor edits a structure of 03.
    let mut agent63 = app.logged_in(AGENT63).await;
    assert_eq!(
        agent63
            .get(&format!("/api/v1/structures/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = agent63
        .json(
            "PATCH",
            &format!("/api/v1/structures/{id}"),
            &json!({"name": "Pris"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(agent63.get("/api/v1/structures").await.json()["total"], 0);
    // Nor may it create one in 03.
    let r = agent63
        .json(
            "POST",
            "/api/v1/structures",
            &json!({"name": "X", "kind": "mjc", "commune_insee": "03310"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Edit, archive.
    let r = coord
        .json(
            "PATCH",
            &format!("/api/v1/structures/{id}"),
            &json!({"contact_name": "Claire", "archived": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["contact_name"], "Claire");
    assert_eq!(r.json()["archived"], true);
    assert_eq!(coord.get("/api/v1/structures").await.json()["total"], 0);
    assert_eq!(
        coord.get("/api/v1/structures?archived=true").await.json()["total"],
        1
    );
}

#[tokio::test]
async fn promeneurs_are_checked_and_gated() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = coord
        .new_structure("MJC de Vichy", Some(SIRET_A), "03310")
        .await;

    // A TikTok address given as an Instagram handle; a slot ending before it starts.
    let mut bad = public_promeneur(&s, "lea@mjc.fr", "03310");
    bad["networks"] =
        json!([{"platform": "instagram", "handle": "https://www.tiktok.com/@pdn.lea"}]);
    bad["presence"] = json!([{"weekday": 2, "start": "19:00", "end": "17:00"}]);
    let r = coord.json("POST", "/api/v1/promeneurs", &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let fields = &r.json()["error"]["fields"];
    assert!(
        fields["networks.0"].as_str().unwrap().contains("TikTok"),
        "{fields}"
    );
    assert!(fields["presence.0"].is_string(), "{fields}");
    assert_eq!(coord.get("/api/v1/promeneurs").await.json()["total"], 0);

    let r = coord
        .json(
            "POST",
            "/api/v1/promeneurs",
            &public_promeneur(&s, "lea@mjc.fr", "03310"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    assert_eq!(r.json()["in_directory"], false, "no consent yet");
    app.consent_from_account(&id).await;
    let p = coord.get(&format!("/api/v1/promeneurs/{id}")).await.json();
    assert_eq!(p["department"], "03");
    assert_eq!(
        p["networks"][0]["url"],
        "https://www.instagram.com/pdn.lea/"
    );
    assert_eq!(p["presence_text"], "le mardi de 17 h à 19 h");
    assert_eq!(p["in_directory"], true, "{p}");

    // Duplicate e-mail.
    let r = coord
        .json(
            "POST",
            "/api/v1/promeneurs",
            &public_promeneur(&s, "LEA@mjc.fr", "03310"),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.json()["error"]["fields"]["email"].is_string());

    // Public: found, never an e-mail or a phone.
    let anon = &mut app.client();
    let r = anon.get("/api/v1/public/promeneurs?commune=03310").await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["total"], 1);
    assert!(
        !r.body.contains("lea@mjc.fr") && !r.body.contains("+336"),
        "{}",
        r.body
    );
    assert_eq!(r.json()["items"][0]["distance_km"], 0.0);
    assert!(r.headers.get("set-cookie").is_none());

    // Suspended: gone from the directory; the move is in the history.
    let r = coord
        .json(
            "POST",
            &format!("/api/v1/promeneurs/{id}/status"),
            &json!({"status": "suspended", "reason": "Congé"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["in_directory"], false);
    app.clock.advance(jiff::SignedDuration::from_secs(2));
    assert_eq!(
        anon.get("/api/v1/public/promeneurs").await.json()["total"],
        0
    );
    let h = coord
        .get(&format!("/api/v1/promeneurs/{id}/history"))
        .await
        .json();
    assert_eq!(h["total"], 2);
    assert_eq!(h["items"][1]["reason"], "Congé");

    // A move the status machine refuses.
    coord
        .json(
            "POST",
            &format!("/api/v1/promeneurs/{id}/status"),
            &json!({"status": "left"}),
        )
        .await;
    let r = coord
        .json(
            "POST",
            &format!("/api/v1/promeneurs/{id}/status"),
            &json!({"status": "active"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // Outside the scope: 404.
    let mut agent63 = app.logged_in(AGENT63).await;
    assert_eq!(
        agent63
            .get(&format!("/api/v1/promeneurs/{id}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let r = agent63
        .json(
            "POST",
            &format!("/api/v1/promeneurs/{id}/status"),
            &json!({"status": "candidate"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn directory_sorts_by_distance_and_filters() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let vichy = coord
        .new_structure("MJC de Vichy", Some(SIRET_A), "03310")
        .await;
    let clermont = coord
        .new_structure("Centre social Clermont", None, "63113")
        .await;
    for (s, email, commune) in [(&clermont, "a@x.fr", "63113"), (&vichy, "b@x.fr", "03310")] {
        let r = coord
            .json(
                "POST",
                "/api/v1/promeneurs",
                &public_promeneur(s, email, commune),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        app.consent_from_account(r.json()["id"].as_str().unwrap())
            .await;
    }
    let mut only_snap = public_promeneur(&vichy, "c@x.fr", "03310");
    only_snap["networks"] = json!([{"platform": "discord", "handle": "pdn_vichy"}]);
    only_snap["mandate"] =
        json!({"hours_per_week": 4, "starts_on": "2024-01-01", "ends_on": "2025-12-31"});
    let r = coord.json("POST", "/api/v1/promeneurs", &only_snap).await;
    assert_eq!(
        r.json()["in_directory"],
        false,
        "an ended mandate is not public"
    );

    let anon = &mut app.client();
    let r = anon
        .get("/api/v1/public/promeneurs?commune=03310")
        .await
        .json();
    assert_eq!(r["total"], 2);
    assert_eq!(r["items"][0]["commune"]["name"], "Vichy");
    assert!(r["items"][1]["distance_km"].as_f64().unwrap() > 40.0);
    // A window of the same order: the second item alone, and the same total.
    let second = anon
        .get("/api/v1/public/promeneurs?commune=03310&limit=1&offset=1")
        .await
        .json();
    assert_eq!(second["total"], 2);
    assert_eq!(second["items"][0]["id"], r["items"][1]["id"]);
    let beyond = anon
        .get("/api/v1/public/promeneurs?commune=03310&offset=5")
        .await
        .json();
    assert_eq!(beyond["total"], 2);
    assert_eq!(beyond["items"], json!([]));
    let r = anon
        .get("/api/v1/public/promeneurs?department=63")
        .await
        .json();
    assert_eq!(r["total"], 1);
    let r = anon
        .get("/api/v1/public/promeneurs?network=snapchat&theme=orientation")
        .await
        .json();
    assert_eq!(r["total"], 2);
    let r = anon
        .get("/api/v1/public/promeneurs?network=tiktok")
        .await
        .json();
    assert_eq!(r["total"], 0);
    // 2026-11-26T09:00Z is a Thursday, 10:00 in Paris: the Tuesday slot is not open.
    let r = anon
        .get("/api/v1/public/promeneurs?online_now=true")
        .await
        .json();
    assert_eq!(r["total"], 0);
    app.clock.set("2026-12-01T16:30:00Z".parse().unwrap()); // Tuesday 17:30 in Paris
    let r = anon
        .get("/api/v1/public/promeneurs?online_now=true")
        .await
        .json();
    assert_eq!(r["total"], 2);
    let r = anon.get("/api/v1/public/promeneurs?network=myspace").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn referents_edit_their_structure_and_promeneurs_their_profile() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let mine = coord
        .new_structure("Centre social A", Some(SIRET_A), "03310")
        .await;
    let other = coord.new_structure("Centre social B", None, "03185").await;
    let p_mine = coord
        .json(
            "POST",
            "/api/v1/promeneurs",
            &public_promeneur(&mine, "a@x.fr", "03310"),
        )
        .await
        .json();
    let p_other = coord
        .json(
            "POST",
            "/api/v1/promeneurs",
            &public_promeneur(&other, "b@x.fr", "03185"),
        )
        .await
        .json();
    let id_mine = p_mine["id"].as_str().unwrap();
    let id_other = p_other["id"].as_str().unwrap();

    app.add_referent("referent@a.fr", &mine).await;
    let mut referent = app.logged_in("referent@a.fr").await;
    assert_eq!(referent.get("/api/v1/promeneurs").await.json()["total"], 1);
    let r = referent
        .json(
            "PATCH",
            &format!("/api/v1/promeneurs/{id_mine}"),
            &json!({"presence": [{"weekday": 3, "start": "14:00", "end": "16:30"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["presence_text"], "le mercredi de 14 h à 16 h 30");
    assert_eq!(
        referent
            .get(&format!("/api/v1/promeneurs/{id_other}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A referent cannot move its promeneur to another structure.
    let r = referent
        .json(
            "PATCH",
            &format!("/api/v1/promeneurs/{id_mine}"),
            &json!({"structure_id": other}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    // Nor create a structure.
    let r = referent
        .json(
            "POST",
            "/api/v1/structures",
            &json!({"name": "X", "kind": "mjc", "commune_insee": "03310"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The promeneur's own account edits its public profile, nothing else.
    let user = app
        .add_user("a@x.fr", vec![Grant::platform(Role::Promeneur)])
        .await;
    let mut tx = app.db.begin().await.unwrap();
    store::promeneurs::link_user(&mut tx, id_mine.parse().unwrap(), user)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut me = app.logged_in("a@x.fr").await;
    let r = me
        .json(
            "PATCH",
            &format!("/api/v1/promeneurs/{id_mine}"),
            &json!({"public_bio": "Nouveau texte", "themes": ["emploi"]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["themes"], json!(["emploi"]));
    let r = me
        .json(
            "PATCH",
            &format!("/api/v1/promeneurs/{id_mine}"),
            &json!({"job_title": "Directrice"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(
        me.get(&format!("/api/v1/promeneurs/{id_other}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

/// A grey PNG, uncompressed: signature, IHDR, IDAT (zlib stored blocks),
/// IEND.
fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    out.extend_from_slice(b"\x89PNG\r\n\x1a\n");
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    chunk(&mut out, *b"IHDR", &ihdr);
    let row = 1 + 3 * width as usize;
    let mut raw = Vec::new();
    for _ in 0..height {
        raw.push(0);
        raw.extend(std::iter::repeat_n(0x80u8, row - 1));
    }
    let mut z = vec![0x78, 0x01];
    let blocks: Vec<&[u8]> = raw.chunks(65_535).collect();
    for (i, b) in blocks.iter().enumerate() {
        z.push(u8::from(i + 1 == blocks.len()));
        let len = u16::try_from(b.len()).unwrap();
        z.extend_from_slice(&len.to_le_bytes());
        z.extend_from_slice(&(!len).to_le_bytes());
        z.extend_from_slice(b);
    }
    let (mut a, mut bb) = (1u32, 0u32);
    for byte in &raw {
        a = (a + u32::from(*byte)) % 65_521;
        bb = (bb + a) % 65_521;
    }
    z.extend_from_slice(&((bb << 16) | a).to_be_bytes());
    chunk(&mut out, *b"IDAT", &z);
    chunk(&mut out, *b"IEND", &[]);
    out
}

fn chunk(out: &mut Vec<u8>, kind: [u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
    let mut crc_input = kind.to_vec();
    crc_input.extend_from_slice(data);
    out.extend_from_slice(&crc_input);
    out.extend_from_slice(&crc32(&crc_input).to_be_bytes());
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for b in bytes {
        crc ^= u32::from(*b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

#[tokio::test]
async fn photos_are_reencoded_and_checked_by_content() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = coord.new_structure("MJC", Some(SIRET_A), "03310").await;
    let p = coord
        .json(
            "POST",
            "/api/v1/promeneurs",
            &public_promeneur(&s, "a@x.fr", "03310"),
        )
        .await
        .json();
    let id = p["id"].as_str().unwrap();
    app.consent_from_account(id).await;
    let r = coord
        .bytes(
            "PUT",
            &format!("/api/v1/promeneurs/{id}/photo"),
            "image/png",
            png(1000, 600),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = coord.get(&format!("/api/v1/promeneurs/{id}/photo")).await;
    assert_eq!(r.headers["content-type"], "image/jpeg");
    // Public once the promeneur is in the directory.
    let r = app.client().get(&format!("/promeneurs/{id}/photo")).await;
    assert_eq!(r.status, StatusCode::OK);

    // A renamed executable is refused and the photo stays.
    let mut exe = b"MZ\x90\x00\x03\x00\x00\x00".to_vec();
    exe.extend(std::iter::repeat_n(0u8, 1000));
    let r = coord
        .bytes(
            "PUT",
            &format!("/api/v1/promeneurs/{id}/photo"),
            "image/jpeg",
            exe,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
    assert_eq!(r.error_code(), "unsupported_type");
    assert_eq!(
        coord
            .get(&format!("/api/v1/promeneurs/{id}/photo"))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn conventions_are_recorded_by_the_caf_and_reminded() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = coord.new_structure("MJC", Some(SIRET_A), "03310").await;
    // A coordinator does not sign conventions; the CAF of 63 not for 03… of its own.
    let body = json!({"department": "03", "starts_on": "2024-01-01", "ends_on": "2027-01-25", "signed_on": "2023-12-20"});
    let r = coord
        .json(
            "POST",
            &format!("/api/v1/structures/{s}/conventions"),
            &body,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let mut agent03 = app.logged_in(AGENT03).await;
    let r = agent03
        .json(
            "POST",
            &format!("/api/v1/structures/{s}/conventions"),
            &body,
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(r.json()["status"], "to_renew");
    let r = agent03
        .json(
            "POST",
            &format!("/api/v1/structures/{s}/conventions"),
            &json!({"department": "03", "starts_on": "2027-01-01", "ends_on": "2026-01-01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        coord.get("/api/v1/conventions?to_renew=true").await.json()["total"],
        1
    );

    // 60 days before the end (2026-11-26 → 2027-01-25): one reminder, once.
    let reminders = services::Ctx::new(app.db.clone(), app.clock.clone(), "http://promeneurs.test");
    let n = services::reminders::queue_convention_reminders(&reminders)
        .await
        .unwrap();
    assert_eq!(n, 1);
    let n = services::reminders::queue_convention_reminders(&reminders)
        .await
        .unwrap();
    assert_eq!(n, 0);
    let (subject, body) = app
        .last_email_to("accueil@structure.fr")
        .await
        .expect("reminder");
    assert!(subject.contains("convention"), "{subject}");
    assert!(body.contains("25 janvier 2027"), "{body}");
}

#[tokio::test]
async fn import_writes_nothing_unless_every_row_is_valid() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let structures = "nom;type;siret;commune;code_insee\nMJC de Vichy;MJC;73282932000074;Vichy;\nCentre social;centre social;;;63113\n";
    let r = coord
        .bytes(
            "POST",
            "/api/v1/imports/structures",
            "text/csv",
            structures.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["summary"]["created"], 2);

    let header = "prenom;nom;email;structure;fonction;commune;reseaux;presences;statut;heures_par_semaine;debut_mandat;charte_signee_le;formation_initiale_le;consentement_public\n";
    let good = "Léa;Martin;lea@x.fr;73282932000074;Animatrice;Vichy;instagram:pdn.lea;mardi 17h-19h;actif;6;01/09/2025;15/09/2025;10/10/2025;oui\n";
    let bad = "Tom;Durand;tom@x.fr;73282932000074;Animateur;Vichy;instagram:https://www.tiktok.com/@tom;jeudi 19h-17h;actif;6;01/09/2025;;;non\n";
    let file = format!("{header}{good}{bad}");
    let r = coord
        .bytes(
            "POST",
            "/api/v1/imports/promeneurs",
            "text/csv",
            file.into_bytes(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let errors = r.json()["errors"].as_array().unwrap().clone();
    assert!(errors.iter().all(|e| e["line"] == 3), "{errors:?}");
    assert!(
        errors.iter().any(|e| e["column"] == "reseaux"),
        "{errors:?}"
    );
    assert!(
        errors.iter().any(|e| e["column"] == "presences"),
        "{errors:?}"
    );
    assert_eq!(
        coord.get("/api/v1/promeneurs").await.json()["total"],
        0,
        "nothing written"
    );

    // Fixed, in Windows-1252 with commas: imported; again: updated, not duplicated.
    let fixed = format!("{header}{good}Tom;Durand;tom@x.fr;MJC de Vichy;Animateur;Montluçon;snapchat:tom-pdn;jeudi 17h-19h;candidat;;;;;non\n")
        .replace(';', ",");
    let latin1: Vec<u8> = fixed
        .chars()
        .map(|c| u8::try_from(u32::from(c)).unwrap())
        .collect();
    let r = coord
        .bytes(
            "POST",
            "/api/v1/imports/promeneurs?dry_run=true",
            "text/csv",
            latin1.clone(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["creates"], 2);
    assert_eq!(
        coord.get("/api/v1/promeneurs").await.json()["total"],
        0,
        "a dry run writes nothing"
    );
    let r = coord
        .bytes(
            "POST",
            "/api/v1/imports/promeneurs",
            "text/csv",
            latin1.clone(),
        )
        .await;
    assert_eq!(r.json()["summary"]["created"], 2, "{}", r.body);
    let r = coord
        .bytes("POST", "/api/v1/imports/promeneurs", "text/csv", latin1)
        .await;
    assert_eq!(r.json()["summary"]["updated"], 2, "{}", r.body);
    let list = coord.get("/api/v1/promeneurs?q=tom").await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["commune_name"], "Montluçon");

    // Wrong type, too large.
    let r = coord
        .bytes(
            "POST",
            "/api/v1/imports/promeneurs",
            "text/csv",
            b"%PDF-1.7\n...".to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{}", r.body);
    let r = coord
        .bytes(
            "POST",
            "/api/v1/imports/promeneurs",
            "text/csv",
            vec![b'a'; 50 * 1024 * 1024],
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);

    // Someone without staff rights cannot import.
    let mut agent63 = app.logged_in(STRUCTURE).await;
    let r = agent63
        .bytes(
            "POST",
            "/api/v1/imports/structures",
            "text/csv",
            structures.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn exports_open_in_french_excel_and_neutralise_formulas() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    coord
        .new_structure("=HYPERLINK(\"http://x\")", None, "03310")
        .await;
    coord
        .new_structure("Centre social de Riom", None, "63300")
        .await;
    let r = coord
        .get("/api/v1/structures/export?format=csv&department=03")
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with('\u{feff}'));
    assert!(r.body.contains("'=HYPERLINK"), "{}", r.body);
    assert!(!r.body.contains("Riom"), "filters apply");
    assert!(
        r.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    for format in ["xlsx", "ods"] {
        let r = coord
            .get(&format!("/api/v1/promeneurs/export?format={format}"))
            .await;
        assert_eq!(r.status, StatusCode::OK);
    }
    let r = app.client().get("/api/v1/structures/export").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_xlsx_export_reimports_as_updates() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = coord
        .new_structure("MJC de Vichy", Some(SIRET_A), "03310")
        .await;
    for email in ["a@x.fr", "b@x.fr"] {
        let r = coord
            .json(
                "POST",
                "/api/v1/promeneurs",
                &public_promeneur(&s, email, "03310"),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        app.consent_from_account(r.json()["id"].as_str().unwrap())
            .await;
    }
    for format in ["xlsx", "ods"] {
        let file = coord
            .get_bytes(&format!("/api/v1/promeneurs/export?format={format}"))
            .await;
        let r = coord
            .bytes(
                "POST",
                "/api/v1/imports/promeneurs",
                "application/octet-stream",
                file,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{format}: {}", r.body);
        assert_eq!(
            r.json()["summary"],
            json!({"created": 0, "updated": 2}),
            "{format}"
        );
    }
    let p = coord.get("/api/v1/promeneurs?q=a@x.fr").await.json();
    assert_eq!(p["items"][0]["presence_text"], "le mardi de 17 h à 19 h");
    assert_eq!(p["items"][0]["networks"][1]["handle"], "pdn-lea");
    assert_eq!(p["items"][0]["in_directory"], true);
}
