//! Applications to a call in the browser (no JavaScript): the sign-up of
//! structure referents, starting a bi-départemental application, pieces
//! checked by content, filing with a receipt to the second, the deadline,
//! complement requests, withdrawal, and who sees what.

use axum::http::StatusCode;
use domain::{AdminCap, DepartmentCode, call::ModuleDraft};
use sha2::{Digest, Sha256};
use store::{
    audit::Actor,
    calls::{CallInput, DepartmentContact},
};
use uuid::Uuid;

use crate::{build::*, harness::*};

const PDF: &[u8] =
    b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";
const EXE: &[u8] = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00This program cannot be run in DOS mode.";

fn sha256(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The published 2027 call: 03 and 63, module M1 open until 14 March 2027
/// (23:59:59 in Paris), the signed application form required.
async fn published_call(app: &TestApp) -> Uuid {
    let cap = AdminCap::for_console().pilot(&DepartmentCode::parse("03").unwrap());
    let actor = Actor::console();
    let now = app.now();
    let mut tx = app.db.begin().await.unwrap();
    let contact = |d: &str| DepartmentContact {
        department: d.to_owned(),
        ..DepartmentContact::default()
    };
    let id = store::calls::create(
        &mut tx,
        &cap,
        &actor,
        now,
        &CallInput {
            title: "Appel à candidatures Promeneurs du Net 2027".into(),
            description: "Coordination du réseau.".into(),
            departments: vec![contact("03"), contact("63")],
        },
    )
    .await
    .unwrap();
    let spec = ModuleDraft {
        code: "M1".into(),
        title: "Coordination".into(),
        service_starts_on: "2027-06-01".into(),
        service_ends_on: "2029-12-31".into(),
        deadline: "2027-03-14".into(),
        criteria: vec![domain::call::CriterionDraft {
            key: "qualite".into(),
            label: "Qualité du projet".into(),
            weight: 3,
            max_score: 20,
        }],
        required_documents: vec![domain::call::RequiredDocument {
            kind: "formulaire".into(),
            label: "Dossier de candidature signé".into(),
        }],
        questions: vec![domain::call::Question {
            key: "profil".into(),
            label: "Profil du coordinateur pressenti".into(),
        }],
        ..ModuleDraft::default()
    }
    .validate()
    .unwrap();
    store::calls::put_module(&mut tx, &cap, &actor, now, id, &spec)
        .await
        .unwrap();
    store::calls::publish(&mut tx, &cap, &actor, now, id)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    id
}

/// A structure of the Allier with its referent `email`, logged in.
async fn applicant<'a>(app: &'a TestApp, email: &str, siret: &str) -> (Client<'a>, String) {
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = coord
        .new_structure(&format!("Centre social {email}"), Some(siret), "03310")
        .await;
    app.add_referent(email, &s).await;
    (app.logged_in(email).await, s)
}

/// Starts an application to M1 for both départements; returns its id.
async fn start(c: &mut Client<'_>, call: Uuid) -> String {
    let r = c
        .post_form(
            &format!("/appels/{call}/candidater"),
            &[
                ("module", "M1"),
                ("departments", "03"),
                ("departments", "63"),
                ("summary", "Une coordination bi-départementale."),
                ("answers.profil", "Une coordinatrice à temps plein."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let loc = r.location();
    assert!(loc.starts_with("/candidatures/"), "{loc}");
    loc.trim_start_matches("/candidatures/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

async fn upload(c: &mut Client<'_>, app_id: &str, kind: &str, name: &str, bytes: &[u8]) -> Resp {
    c.post_multipart(
        &format!("/candidatures/{app_id}/pieces"),
        &[("kind", kind)],
        Some(("file", name, bytes)),
    )
    .await
}

/// Files the application; returns the receipt page's path.
async fn file(c: &mut Client<'_>, app_id: &str, message: &str) -> String {
    let r = c
        .post_form(
            &format!("/candidatures/{app_id}/depot"),
            &[("message", message)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(
        r.location()
            .starts_with(&format!("/candidatures/{app_id}/accuses/")),
        "{}",
        r.location()
    );
    r.location().to_owned()
}

#[tokio::test]
async fn signing_up_with_a_new_siret_registers_the_structure_and_its_referent() {
    let app = spawn_app().await;
    let mut visitor = app.client();
    let page = visitor.get("/inscription").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<legend>Votre structure</legend>"));
    let new_siret = valid_siret("4123456780001");
    let mut form = vec![
        ("name", "Inès Référente"),
        ("email", "ines@mjc-cusset.fr"),
        ("siret", new_siret.as_str()),
    ];
    // An unknown SIRET without the structure: each missing field named,
    // the summary linked to it, what was typed kept.
    let r = visitor.post_form("/inscription", &form).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#structure_name\""), "{}", r.body);
    assert!(r.body.contains("href=\"#kind\""));
    assert!(r.body.contains("value=\"ines@mjc-cusset.fr\""));
    assert_eq!(app.emails_to("ines@mjc-cusset.fr").await, 0);

    form.extend([
        ("structure_name", "MJC de Cusset"),
        ("kind", "mjc"),
        ("commune", "Cusset"),
    ]);
    let r = visitor.post_form("/inscription", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/inscription/envoyee?cas=structure");
    let sent = visitor.get(r.location()).await;
    assert!(sent.body.contains("Vérifiez votre messagerie"));

    app.activate("ines@mjc-cusset.fr").await;
    let mut ines = app.logged_in("ines@mjc-cusset.fr").await;
    let account = ines.get("/compte").await;
    assert!(
        account.body.contains("Référent de structure"),
        "{}",
        account.body
    );
    let mine = ines.get("/reseau/structures").await;
    assert!(mine.body.contains("MJC de Cusset"), "{}", mine.body);
    let list = ines.get("/candidatures").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("pas encore de candidature"),
        "{}",
        list.body
    );
    let mut coord = app.logged_in(COORDINATOR).await;
    let found = coord
        .get(&format!("/api/v1/structures?q={new_siret}"))
        .await
        .json();
    assert_eq!(found["total"], 1);
    assert_eq!(found["items"][0]["department"], "03");

    // The same address again: the same answer, an e-mail saying an account
    // exists, and nothing created.
    let again = valid_siret("4123456790001");
    let r = app
        .client()
        .post_form(
            "/inscription",
            &[
                ("name", "Quelqu'un"),
                ("email", "ines@mjc-cusset.fr"),
                ("siret", again.as_str()),
                ("structure_name", "Autre MJC"),
                ("kind", "mjc"),
                ("commune", "Moulins"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/inscription/envoyee?cas=structure");
    let (subject, body) = app.last_email_to("ines@mjc-cusset.fr").await.unwrap();
    assert!(subject.contains("déjà un compte"), "{subject}");
    assert!(
        body.contains("http://promeneurs.test/mot-de-passe-oublie"),
        "{body}"
    );
    let none = coord
        .get(&format!("/api/v1/structures?q={again}"))
        .await
        .json();
    assert_eq!(none["total"], 0);
}

#[tokio::test]
async fn signing_up_with_a_known_siret_waits_for_the_caf_of_the_structure() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = coord
        .new_structure("Centre social de Vichy", Some(SIRET_A), "03310")
        .await;
    let r = app
        .client()
        .post_form(
            "/inscription",
            &[
                ("name", "Paul Nouveau"),
                ("email", "paul@cs-vichy.fr"),
                ("siret", "732 829 320 00074"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/inscription/envoyee?cas=rattachement");
    // The CAF of the structure's département is told.
    let (subject, body) = app.last_email_to(CAF03_CONTACT).await.unwrap();
    assert!(subject.contains("Centre social de Vichy"), "{subject}");
    assert!(body.contains("paul@cs-vichy.fr"), "{body}");
    assert!(body.contains(&format!("/reseau/structures/{s}")), "{body}");
    app.activate("paul@cs-vichy.fr").await;
    let mut paul = app.logged_in("paul@cs-vichy.fr").await;
    let list = paul.get("/candidatures").await;
    assert!(
        list.body.contains("attend la confirmation de la Caf"),
        "{}",
        list.body
    );
    assert_eq!(
        paul.get(&format!("/reseau/structures/{s}")).await.status,
        StatusCode::NOT_FOUND
    );

    // The CAF of the Puy-de-Dôme neither sees nor decides a claim on an
    // Allier structure.
    let mut agent03 = app.logged_in(AGENT03).await;
    let page = agent03.get(&format!("/reseau/structures/{s}")).await;
    assert!(page.body.contains("Demandes de rattachement en attente"));
    assert!(page.body.contains("paul@cs-vichy.fr"));
    let start = page.body.find("/reseau/rattachements/").unwrap() + "/reseau/rattachements/".len();
    let claim = page.body[start..start + 36].to_owned();
    let mut agent63 = app.logged_in(AGENT63).await;
    let other = agent63.get("/reseau/structures").await;
    assert!(!other.body.contains("paul@cs-vichy.fr"));
    let r = agent63
        .post_form(
            &format!("/reseau/rattachements/{claim}"),
            &[("decision", "accepter")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    let r = agent03
        .post_form(
            &format!("/reseau/rattachements/{claim}"),
            &[("decision", "accepter")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (subject, body) = app.last_email_to("paul@cs-vichy.fr").await.unwrap();
    assert!(subject.contains("rattachement est confirmé"), "{subject}");
    assert!(body.contains("Centre social de Vichy"));
    let page = paul.get(&format!("/reseau/structures/{s}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Paul Nouveau"));
    let r = agent03
        .post_form(
            &format!("/reseau/rattachements/{claim}"),
            &[("decision", "refuser")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn staff_and_referents_invite_a_referent_of_the_structure() {
    let app = spawn_app().await;
    let (mut referent, s) = applicant(&app, "ref@cs.fr", SIRET_A).await;
    let r = referent
        .post_form(
            &format!("/reseau/structures/{s}/referents"),
            &[("referent_name", ""), ("referent_email", "pas une adresse")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#referent_email\""), "{}", r.body);
    let r = referent
        .post_form(
            &format!("/reseau/structures/{s}/referents"),
            &[
                ("referent_name", "Zoé Collègue"),
                ("referent_email", "zoe@cs.fr"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    app.activate("zoe@cs.fr").await;
    let mut zoe = app.logged_in("zoe@cs.fr").await;
    assert_eq!(
        zoe.get(&format!("/reseau/structures/{s}")).await.status,
        StatusCode::OK
    );
    // A referent of another structure cannot.
    let (mut other, _) = applicant(&app, "autre@cs.fr", &valid_siret("4123456780001")).await;
    let r = other
        .post_form(
            &format!("/reseau/structures/{s}/referents"),
            &[("referent_name", "X"), ("referent_email", "x@cs.fr")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_referent_applies_uploads_files_and_reads_the_receipt() {
    let app = spawn_app().await;
    let call = published_call(&app).await;

    // Anonymous: to the login page, which comes back here and offers the
    // sign-up.
    let mut visitor = app.client();
    let r = visitor
        .get(&format!("/appels/{call}/candidater?module=M1"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        r.location(),
        format!("/connexion?suivant=%2Fappels%2F{call}%2Fcandidater%3Fmodule%3DM1")
    );
    let login = visitor.get(r.location()).await;
    assert!(login.body.contains("href=\"/inscription\""));
    assert!(
        login
            .body
            .contains(&format!("value=\"/appels/{call}/candidater?module=M1\""))
    );

    let (mut c, _) = applicant(&app, "ref@cs.fr", SIRET_A).await;
    let form = c.get(&format!("/appels/{call}/candidater?module=M1")).await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(form.body.contains("id=\"departments-63\""), "{}", form.body);
    assert!(form.body.contains("Profil du coordinateur pressenti"));
    // No département: refused by field.
    let r = c
        .post_form(
            &format!("/appels/{call}/candidater"),
            &[("module", "M1"), ("summary", "Projet")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("href=\"#departments-group\""), "{}", r.body);
    assert!(r.body.contains(">Projet</textarea>"));

    let id = start(&mut c, call).await;
    let again = c
        .post_form(
            &format!("/appels/{call}/candidater"),
            &[("module", "M1"), ("departments", "03")],
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(
        again.body.contains(&format!("href=\"/candidatures/{id}\"")),
        "{}",
        again.body
    );

    let page = c.get(&format!("/candidatures/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Allier (03) et Puy-de-Dôme (63)"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Une coordinatrice à temps plein."));
    // The missing piece is listed before the sending, which waits for it:
    // one primary action at a time.
    assert!(
        page.body
            .contains("Avant d'envoyer la candidature, ajoutez la pièce obligatoire qui manque")
            && page
                .body
                .contains("<a href=\"#file-formulaire\">Dossier de candidature signé</a>"),
        "{}",
        page.body
    );
    assert!(!page.body.contains(">Envoyer la candidature</button>"));
    let list = c.get("/candidatures").await;
    assert!(list.body.contains(&format!("/candidatures/{id}")));

    // Filing without the signed form: 422 naming the piece.
    let r = c.post_form(&format!("/candidatures/{id}/depot"), &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains("« Dossier de candidature signé »"),
        "{}",
        r.body
    );
    assert!(r.body.contains("id=\"piece-formulaire-error\""));

    // A program renamed .pdf: 415, nothing stored.
    let r = upload(&mut c, &id, "formulaire", "dossier.pdf", EXE).await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(
        r.body.contains("Ce type de fichier n&#39;est pas accepté")
            || r.body.contains("Ce type de fichier n'est pas accepté"),
        "{}",
        r.body
    );
    assert!(
        store::applications::documents(&app.db, id.parse().unwrap())
            .await
            .unwrap()
            .is_empty()
    );

    let r = upload(&mut c, &id, "formulaire", "Dossier signé.pdf", PDF).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let digest = sha256(PDF);
    let page = c.get(&format!("/candidatures/{id}")).await;
    assert!(page.body.contains(&digest), "{}", page.body);
    assert!(page.body.contains(&digest[..12]));
    assert!(page.body.contains(">Envoyer la candidature</button>"));
    assert!(!page.body.contains("Avant d'envoyer la candidature"));
    let doc_start = page
        .body
        .find(&format!("/candidatures/{id}/pieces/"))
        .unwrap()
        + format!("/candidatures/{id}/pieces/").len();
    let doc = page.body[doc_start..doc_start + 36].to_owned();
    let dl = c.get(&format!("/candidatures/{id}/pieces/{doc}")).await;
    assert_eq!(dl.status, StatusCode::OK);
    assert_eq!(dl.bytes, PDF);
    assert!(
        dl.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );

    let receipt = file(&mut c, &id, "").await;
    let r = c.get(&receipt).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("<h1>Accusé de réception n° 2027-M1-0001</h1>"),
        "{}",
        r.body
    );
    assert!(
        r.body.contains("26 novembre 2026 à 10 h (heure de Paris"),
        "{}",
        r.body
    );
    assert!(r.body.contains(&digest));
    let pdf = c.get(&format!("{receipt}/pdf")).await;
    assert_eq!(pdf.status, StatusCode::OK);
    assert_eq!(pdf.headers["content-type"], "application/pdf");
    assert!(pdf.bytes.starts_with(b"%PDF"));
    assert!(
        pdf.headers["content-disposition"]
            .to_str()
            .unwrap()
            .starts_with("attachment")
    );
    let (subject, _) = app.last_email_to("ref@cs.fr").await.unwrap();
    assert!(subject.contains("2027-M1-0001"), "{subject}");

    // Filed: read-only.
    let page = c.get(&format!("/candidatures/{id}")).await;
    assert!(!page.body.contains("Enregistrer le formulaire"));
    assert!(!page.body.contains("/suppression"));
    let r = c
        .post_form(&format!("/candidatures/{id}"), &[("summary", "Changé")])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.body.contains("ne peut plus être modifiée"), "{}", r.body);
    let r = upload(&mut c, &id, "formulaire", "autre.pdf", PDF).await;
    assert_eq!(r.status, StatusCode::CONFLICT);

    // Staff of the call read it; another structure does not see it.
    let mut agent63 = app.logged_in(AGENT63).await;
    assert_eq!(agent63.get(&receipt).await.status, StatusCode::OK);
    assert_eq!(
        agent63.get("/candidatures").await.location(),
        "/gestion/appels"
    );
    let (mut other, _) = applicant(&app, "autre@cs.fr", &valid_siret("4123456780001")).await;
    for path in [
        format!("/candidatures/{id}"),
        receipt.clone(),
        format!("{receipt}/pdf"),
        format!("/candidatures/{id}/pieces/{doc}"),
    ] {
        assert_eq!(
            other.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let r = other
        .post_form(&format!("/candidatures/{id}/retrait"), &[])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!other.get("/candidatures").await.body.contains(&id));
}

#[tokio::test]
async fn filing_one_second_after_the_deadline_is_refused() {
    let app = spawn_app().await;
    let call = published_call(&app).await;
    let (mut c, _) = applicant(&app, "ref@cs.fr", SIRET_A).await;
    let id = start(&mut c, call).await;
    let r = upload(&mut c, &id, "formulaire", "dossier.pdf", PDF).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // 14 March 2027, 23:59:59 in Paris is 22:59:59 UTC.
    app.clock.set("2027-03-14T23:00:00Z".parse().unwrap());
    // Sessions last 12 hours: log in again, months later.
    let mut c = app.logged_in("ref@cs.fr").await;
    let r = c.post_form(&format!("/candidatures/{id}/depot"), &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(
        r.body.contains("date limite de dépôt du module M1"),
        "{}",
        r.body
    );
    assert!(
        c.get(&format!("/candidatures/{id}"))
            .await
            .body
            .contains("Brouillon")
    );
    // The deadline's own second is on time.
    app.clock.set("2027-03-14T22:59:59Z".parse().unwrap());
    let receipt = file(&mut c, &id, "").await;
    let r = c.get(&receipt).await;
    assert!(
        r.body.contains("14 mars 2027 à 23 h 59 (heure de Paris") && !r.body.contains(" min 59 s"),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn staff_ask_for_a_complement_answered_after_the_deadline() {
    let app = spawn_app().await;
    let call = published_call(&app).await;
    let (mut c, _) = applicant(&app, "ref@cs.fr", SIRET_A).await;
    let id = start(&mut c, call).await;
    upload(&mut c, &id, "formulaire", "dossier.pdf", PDF).await;
    file(&mut c, &id, "").await;

    let mut agent = app.logged_in(AGENT03).await;
    let page = agent.get(&format!("/candidatures/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Demander un complément"));
    assert!(!page.body.contains("Envoyer la candidature"));
    let r = agent
        .post_form(
            &format!("/candidatures/{id}/complement"),
            &[("complement_message", "  ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("complement_message-error"), "{}", r.body);
    let r = agent
        .post_form(
            &format!("/candidatures/{id}/complement"),
            &[("complement_message", "Joignez le budget prévisionnel.")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let (subject, body) = app.last_email_to("ref@cs.fr").await.unwrap();
    assert!(subject.contains("Complément demandé"), "{subject}");
    assert!(body.contains("Joignez le budget prévisionnel."));

    // After the deadline, the answer is still accepted.
    app.clock.set("2027-04-02T08:00:00Z".parse().unwrap());
    let mut c = app.logged_in("ref@cs.fr").await;
    let mut agent = app.logged_in(AGENT03).await;
    let page = c.get(&format!("/candidatures/{id}")).await;
    assert!(page.body.contains("Complément demandé"));
    assert!(page.body.contains("Joignez le budget prévisionnel."));
    assert!(page.body.contains("name=\"message\""));
    let budget = b"%PDF-1.5\nbudget\n%%EOF\n";
    let r = upload(&mut c, &id, "autre", "budget.pdf", budget).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let receipt = file(&mut c, &id, "Voici le budget.").await;
    let r = c.get(&receipt).await;
    assert!(
        r.body.contains("Accusé de réception n° 2027-M1-0002"),
        "{}",
        r.body
    );
    assert!(r.body.contains(&sha256(budget)));
    assert!(r.body.contains(&sha256(PDF)));
    let page = agent.get(&format!("/candidatures/{id}")).await;
    assert!(page.body.contains("Voici le budget."));
    assert!(page.body.contains("2027-M1-0001") && page.body.contains("2027-M1-0002"));
}

#[tokio::test]
async fn an_applicant_withdraws_its_application() {
    let app = spawn_app().await;
    let call = published_call(&app).await;
    let (mut c, _) = applicant(&app, "ref@cs.fr", SIRET_A).await;
    let id = start(&mut c, call).await;
    let confirm = c.get(&format!("/candidatures/{id}/retrait")).await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(
        confirm
            .body
            .contains("Retirer définitivement la candidature")
    );
    let r = c
        .post_form(&format!("/candidatures/{id}/retrait"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = c.get(&format!("/candidatures/{id}")).await;
    assert!(page.body.contains("Retirée"));
    assert!(!page.body.contains("Envoyer la candidature"));
    assert_eq!(
        c.get(&format!("/candidatures/{id}/retrait")).await.status,
        StatusCode::CONFLICT
    );
    // Withdrawn, it no longer blocks a new application to the module.
    start(&mut c, call).await;
}

#[tokio::test]
async fn a_flood_of_sign_ups_from_one_address_is_refused_for_an_hour() {
    let app = spawn_app().await;
    let mut visitor = app.client();
    visitor.address = "198.51.100.7".into();
    let form = [("name", "X"), ("email", "pas-une-adresse")];
    for _ in 0..5 {
        let r = visitor.post_form("/inscription", &form).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    let r = visitor.post_form("/inscription", &form).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.body.contains("réessayez dans une heure"), "{}", r.body);
    // Another address is not held up; an hour later, this one neither.
    let mut other = app.client();
    other.address = "198.51.100.8".into();
    assert_eq!(
        other.post_form("/inscription", &form).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    app.clock.advance(jiff::SignedDuration::from_mins(61));
    assert_eq!(
        visitor.post_form("/inscription", &form).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
}
