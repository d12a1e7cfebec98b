//! The pages of calls for applications: a CAF agent builds a call through
//! the forms (modules, grid, files), publishes it, and the public reads
//! it; staff read the applications of their départements, export them and
//! download their documents. No JavaScript involved.

use std::collections::BTreeMap;

use axum::http::{StatusCode, header};
use store::{
    applications::{NewApplication, NewDocument},
    audit::Actor,
};
use uuid::Uuid;

use crate::{build::*, harness::*};

/// A tiny valid PDF (the type is decided by content).
const PDF: &[u8] =
    b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n";

/// The text of a page, with the apostrophes askama escapes put back.
fn text(r: &Resp) -> String {
    r.body.replace("&#39;", "'").replace("&#x27;", "'")
}

/// Creates a draft call through the form; returns its id.
async fn new_call(c: &mut Client<'_>, title: &str, checked: &[&str], partners: &str) -> String {
    let mut form = vec![
        ("title", title),
        (
            "description",
            "Les Caf renouvellent la coordination du réseau.",
        ),
        ("partners", partners),
    ];
    form.extend(checked.iter().map(|d| ("departments", *d)));
    let r = c.post_form("/gestion/appels/nouveau", &form).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let loc = r.location();
    assert!(loc.starts_with("/gestion/appels/"), "{loc}");
    loc.trim_start_matches("/gestion/appels/")
        .split('?')
        .next()
        .unwrap()
        .to_owned()
}

/// The module form of M1, as a person fills it (with empty spare rows).
fn m1(deadline: &'static str, with_grid: bool) -> Vec<(&'static str, &'static str)> {
    let mut f = vec![
        ("code", "M1"),
        ("title", "Coordination du réseau"),
        (
            "description",
            "Coordonner les promeneurs de l'Allier et du Puy-de-Dôme.",
        ),
        ("service_starts_on", "2027-06-01"),
        ("service_ends_on", "2029-12-31"),
        ("deadline_date", deadline),
        ("deadline_time", ""),
        ("audition_on", "2027-03-21"),
        ("decision_from", "2027-04"),
        ("decision_to", "2027-05"),
        ("min_applications", "2"),
        ("quality_threshold", "50"),
        ("required_documents.0.kind", "formulaire"),
        ("required_documents.0.label", "Dossier de candidature signé"),
        ("required_documents.1.kind", ""),
        ("required_documents.1.label", ""),
        ("questions.0.key", "profil"),
        ("questions.0.label", "Profil du coordinateur pressenti"),
    ];
    if with_grid {
        f.extend([
            ("criteria.0.key", "qualite"),
            ("criteria.0.label", "Qualité du projet"),
            ("criteria.0.weight", "3"),
            ("criteria.0.max_score", "20"),
            ("criteria.1.key", "experience"),
            ("criteria.1.label", "Expérience de la structure"),
            ("criteria.1.weight", "2"),
            ("criteria.1.max_score", "20"),
        ]);
    }
    f.extend([
        ("criteria.2.key", ""),
        ("criteria.2.label", ""),
        ("criteria.2.weight", ""),
        ("criteria.2.max_score", ""),
    ]);
    f
}

async fn add_m1(c: &mut Client<'_>, call: &str, deadline: &'static str, with_grid: bool) {
    let r = c
        .post_form(
            &format!("/gestion/appels/{call}/modules/nouveau"),
            &m1(deadline, with_grid),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// A published call for 03 and 63 with module M1 (deadline 14 March 2027)
/// and one PDF to download.
async fn published_call(agent03: &mut Client<'_>) -> String {
    let id = new_call(agent03, "Coordination PDN 2027", &["03"], "63").await;
    add_m1(agent03, &id, "2027-03-14", true).await;
    let r = agent03
        .post_multipart(
            &format!("/gestion/appels/{id}/fichiers"),
            &[("label", "Cahier des charges")],
            Some(("file", "cahier des charges.pdf", PDF)),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = agent03
        .post_form(&format!("/gestion/appels/{id}/publication"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    id
}

#[tokio::test]
async fn an_agent_builds_a_call_through_the_forms_and_the_public_reads_it() {
    let app = spawn_app().await;
    let mut agent03 = app.logged_in(AGENT03).await;
    let page = agent03.get("/gestion/appels/nouveau").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("name=\"departments\" value=\"03\"")
            && !page.body.contains("name=\"departments\" value=\"63\""),
        "only the agent's own département as a checkbox"
    );
    let r = agent03
        .post_form(
            "/gestion/appels/nouveau",
            &[
                ("title", "Coordination PDN 2027"),
                ("departments", "03"),
                ("partners", "63"),
                ("contacts.03.email", "partenaires@demo.promeneurs.fr"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = r
        .location()
        .trim_start_matches("/gestion/appels/")
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    let manage = agent03.get(r.location()).await;
    assert!(text(&manage).contains("L'appel est créé en brouillon"));
    assert!(manage.body.contains("Allier (03) et Puy-de-Dôme (63)"));

    add_m1(&mut agent03, &id, "2027-03-14", true).await;
    let r = agent03
        .post_multipart(
            &format!("/gestion/appels/{id}/fichiers"),
            &[("label", "Cahier des charges")],
            Some(("file", "cahier des charges.pdf", PDF)),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let confirm = agent03
        .get(&format!("/gestion/appels/{id}/publication"))
        .await;
    assert_eq!(confirm.status, StatusCode::OK);
    assert!(text(&confirm).contains("jusqu'au dimanche 14 mars 2027 à 23 h 59"));
    let r = agent03
        .post_form(&format!("/gestion/appels/{id}/publication"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert!(r.location().ends_with("message=appel-publie"));

    let mut visitor = app.client();
    let list = visitor.get("/appels").await;
    assert_eq!(list.status, StatusCode::OK);
    let list_text = text(&list);
    assert!(list_text.contains("Coordination PDN 2027"));
    assert!(
        list_text.contains("jusqu'au dimanche 14 mars 2027 à 23 h 59"),
        "{list_text}"
    );
    assert!(list.body.contains("Dépôt ouvert"));
    assert!(
        !list.body.contains("/gestion/appels"),
        "no management link for the public"
    );
    let page = visitor.get(&format!("/appels/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let t = text(&page);
    for expected in [
        "Date limite de dépôt : jusqu'au dimanche 14 mars 2027 à 23 h 59",
        "du 1er juin 2027 au 31 décembre 2029",
        "le 21 mars 2027",
        "avril à mai 2027",
        "coefficient 3 (60 % de la note)",
        "coefficient 2 (40 % de la note)",
        "Dossier de candidature signé",
        "Profil du coordinateur pressenti",
        "Le module est déclaré infructueux dans un département s'il reçoit une candidature ou moins, ou si aucune n'atteint le seuil de qualité, fixé à 50 sur 100.",
        "Candidater au module M1",
        "Cahier des charges",
        "partenaires@demo.promeneurs.fr",
        "Adrien Couette",
        CAF63_CONTACT,
    ] {
        assert!(t.contains(expected), "missing {expected:?}");
    }
    assert!(
        page.body
            .contains(&format!("href=\"/appels/{id}/candidater?module=M1\""))
    );
    let files = store::calls::files(&app.db, id.parse().unwrap())
        .await
        .unwrap();
    let r = visitor
        .get(&format!("/appels/{id}/fichiers/{}", files[0].id))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.bytes, PDF);
    let disposition = r.headers[header::CONTENT_DISPOSITION].to_str().unwrap();
    assert!(disposition.starts_with("attachment;"), "{disposition}");
    assert_eq!(r.headers[header::CONTENT_TYPE], "application/pdf");

    // Staff see the way to the management pages.
    assert!(
        agent03
            .get("/appels")
            .await
            .body
            .contains("/gestion/appels")
    );
}

#[tokio::test]
async fn publishing_is_refused_in_french_while_a_module_is_not_ready() {
    let app = spawn_app().await;
    let mut agent03 = app.logged_in(AGENT03).await;
    let id = new_call(&mut agent03, "Appel pas prêt", &["03"], "").await;
    // Deadline already passed by the server's clock, and no grid.
    add_m1(&mut agent03, &id, "2026-11-01", false).await;
    let r = agent03
        .post_form(&format!("/gestion/appels/{id}/publication"), &[])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let t = text(&r);
    assert!(t.contains("L'appel n'est pas publié"), "{t}");
    assert!(t.contains(
        "<li>Le module M1 n'a pas de grille de notation : ajoutez au moins un critère.</li>"
    ));
    assert!(t.contains(
        "<li>La date limite du module M1 est passée : reportez-la avant de publier.</li>"
    ));
    // Nothing changed: still a draft, unseen by the public.
    let mut visitor = app.client();
    assert_eq!(
        visitor.get(&format!("/appels/{id}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!visitor.get("/appels").await.body.contains("Appel pas prêt"));
    let call = store::calls::find(&app.db, id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(call.status, domain::call::CallStatus::Draft);
    let modules = store::calls::modules(&app.db, call.id).await.unwrap();
    assert!(!modules[0].frozen);

    // Fixed, it goes through.
    let r = agent03
        .post_form(
            &format!("/gestion/appels/{id}/modules/M1"),
            &m1("2027-03-14", true),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = agent03
        .post_form(&format!("/gestion/appels/{id}/publication"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        visitor.get(&format!("/appels/{id}")).await.status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn editing_a_published_module_makes_version_2_and_keeps_version_1() {
    let app = spawn_app().await;
    let mut agent03 = app.logged_in(AGENT03).await;
    let id = published_call(&mut agent03).await;
    let page = agent03
        .get(&format!("/gestion/appels/{id}/modules/M1"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("crée la version 2 du module"));
    assert!(page.body.contains("value=\"Qualité du projet\""));
    assert!(
        page.body.contains("name=\"criteria.4.key\""),
        "two rows kept and three empty ones"
    );
    assert!(!page.body.contains("name=\"criteria.5.key\""));
    // Postponed to 28 March, 12:00 Paris time: summer time by then.
    let mut form = m1("2027-03-28", true);
    form.retain(|(k, _)| *k != "deadline_time");
    form.push(("deadline_time", "12:00"));
    let r = agent03
        .post_form(&format!("/gestion/appels/{id}/modules/M1"), &form)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = agent03.get(r.location()).await;
    let t = text(&page);
    assert!(t.contains("Une nouvelle version du module est enregistrée"));
    assert!(t.contains("Version 2, enregistrée le 26 novembre 2026 à 10 h (en vigueur)"));
    assert!(t.contains("Version 1, enregistrée le 26 novembre 2026 à 10 h"));
    assert!(
        !t.contains("Supprimer le module"),
        "a published module stays"
    );

    let versions = store::calls::module_versions(&app.db, id.parse().unwrap(), "M1")
        .await
        .unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].version, 2);
    assert_eq!(
        versions[0].spec.deadline.rfc3339(),
        "2027-03-28T12:00:00+02:00"
    );
    assert_eq!(
        versions[1].spec.deadline.rfc3339(),
        "2027-03-14T23:59:59+01:00"
    );
    let public = app.client().get(&format!("/appels/{id}")).await;
    assert!(text(&public).contains("jusqu'au dimanche 28 mars 2027 à 12 h"));
    // A published module cannot be removed.
    let r = agent03
        .post_form(&format!("/gestion/appels/{id}/modules/M1/suppression"), &[])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn staff_see_only_the_calls_of_their_departements_and_coordinators_only_read() {
    let app = spawn_app().await;
    let mut agent03 = app.logged_in(AGENT03).await;
    let id = new_call(&mut agent03, "Brouillon de l'Allier", &["03"], "").await;
    add_m1(&mut agent03, &id, "2027-03-14", true).await;

    let mut agent63 = app.logged_in(AGENT63).await;
    for path in [
        format!("/gestion/appels/{id}"),
        format!("/appels/{id}"),
        format!("/gestion/appels/{id}/modules/M1"),
        format!("/gestion/appels/{id}/candidatures"),
        format!("/gestion/appels/{id}/modules/M1/pieces.zip"),
    ] {
        assert_eq!(
            agent63.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let r = agent63
        .post_form(&format!("/gestion/appels/{id}"), &[("title", "Pris")])
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!text(&agent63.get("/gestion/appels").await).contains("Brouillon de l'Allier"));

    let mut coord = app.logged_in(COORDINATOR).await;
    let page = coord.get(&format!("/gestion/appels/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(text(&page).contains("Vous consultez cet appel"));
    assert!(!page.body.contains("name=\"title\""), "no form to edit");
    let module = coord.get(&format!("/gestion/appels/{id}/modules/M1")).await;
    assert_eq!(module.status, StatusCode::OK);
    assert!(module.body.contains("coefficient 3"));
    assert!(!module.body.contains("name=\"criteria.0.key\""));
    assert!(text(&coord.get("/gestion/appels").await).contains("Brouillon de l'Allier"));
    assert!(
        !coord
            .get("/gestion/appels")
            .await
            .body
            .contains("Nouvel appel")
    );
    for path in [
        "/gestion/appels/nouveau".to_owned(),
        format!("/gestion/appels/{id}/modules/nouveau"),
        format!("/gestion/appels/{id}/publication"),
    ] {
        assert_eq!(
            coord.get(&path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    let r = coord
        .post_form(
            &format!("/gestion/appels/{id}"),
            &[("title", "Changé"), ("departments", "03")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = coord
        .post_form(
            &format!("/gestion/appels/{id}/modules/M1"),
            &m1("2027-04-01", true),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = coord
        .post_form(&format!("/gestion/appels/{id}/publication"), &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let call = store::calls::find(&app.db, id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(call.title, "Brouillon de l'Allier");
    assert_eq!(call.status, domain::call::CallStatus::Draft);
}

#[tokio::test]
async fn visitors_see_only_published_calls() {
    let app = spawn_app().await;
    let mut agent03 = app.logged_in(AGENT03).await;
    let draft = new_call(&mut agent03, "Appel en préparation", &["03"], "").await;
    let published = published_call(&mut agent03).await;
    let mut visitor = app.client();
    let list = visitor.get("/appels").await;
    assert!(list.body.contains("Coordination PDN 2027"));
    assert!(!list.body.contains("Appel en préparation"));
    assert_eq!(
        visitor.get(&format!("/appels/{draft}")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        visitor.get(&format!("/appels/{published}")).await.status,
        StatusCode::OK
    );
    assert_eq!(
        visitor.get("/appels/pas-un-identifiant").await.status,
        StatusCode::NOT_FOUND
    );
    let r = visitor.get("/gestion/appels").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/connexion"));
    // The navigation leads everyone to the calls.
    assert!(
        list.body
            .contains("<li><a href=\"/appels\">Appels à candidatures</a></li>")
    );
}

#[tokio::test]
async fn the_module_form_shows_its_errors_by_field_and_keeps_what_was_typed() {
    let app = spawn_app().await;
    let mut agent03 = app.logged_in(AGENT03).await;
    let id = new_call(&mut agent03, "Appel 2027", &["03"], "").await;
    let page = agent03
        .get(&format!("/gestion/appels/{id}/modules/nouveau"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body
            .contains("Une date seule signifie 23 h 59 min 59 s, heure de Paris")
    );
    assert!(page.body.contains("name=\"criteria.2.max_score\""));
    assert!(
        page.body
            .contains("name=\"min_applications\" type=\"number\" value=\"2\"")
    );

    let mut form = m1("le 14 mars", true);
    for (k, v) in &mut form {
        match *k {
            "criteria.1.weight" => *v = "0",
            "quality_threshold" => *v = "150",
            _ => {}
        }
    }
    let r = agent03
        .post_form(&format!("/gestion/appels/{id}/modules/nouveau"), &form)
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let t = text(&r);
    assert!(t.contains("Le formulaire contient 3 erreurs"), "{t}");
    assert!(
        t.contains("<a href=\"#criteria.1.weight\">La pondération est un entier de 1 à 100.</a>")
    );
    assert!(t.contains("<a href=\"#deadline_date\">Date limite non reconnue"));
    assert!(t.contains("id=\"criteria.1.weight-error\""));
    assert!(t.contains("aria-describedby=\"quality_threshold-error"));
    assert!(
        t.contains("value=\"Expérience de la structure\""),
        "rows kept"
    );
    assert!(t.contains("value=\"le 14 mars\""), "the typed date kept");
    assert!(t.contains("value=\"150\""));
    assert!(
        t.contains("name=\"criteria.4.key\"") && !t.contains("name=\"criteria.5.key\""),
        "the two rows sent and three empty ones"
    );
    assert!(
        store::calls::modules(&app.db, id.parse().unwrap())
            .await
            .unwrap()
            .is_empty(),
        "nothing saved"
    );

    // A second module under the same code would replace the first.
    add_m1(&mut agent03, &id, "2027-03-14", true).await;
    let r = agent03
        .post_form(
            &format!("/gestion/appels/{id}/modules/nouveau"),
            &m1("2027-05-01", true),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r).contains("Un module de l'appel porte déjà ce code"));
    // A draft module can be removed.
    let r = agent03
        .post_form(&format!("/gestion/appels/{id}/modules/M1/suppression"), &[])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        store::calls::modules(&app.db, id.parse().unwrap())
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn an_upload_that_is_not_a_document_is_refused_on_the_page() {
    let app = spawn_app().await;
    let mut agent03 = app.logged_in(AGENT03).await;
    let id = new_call(&mut agent03, "Appel 2027", &["03"], "").await;
    let r = agent03
        .post_multipart(
            &format!("/gestion/appels/{id}/fichiers"),
            &[("label", "Script")],
            Some(("file", "page.html", b"<html><script>alert(1)</script>")),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(text(&r).contains("Ce type de fichier n'est pas accepté"));
    let r = agent03
        .post_multipart(
            &format!("/gestion/appels/{id}/fichiers"),
            &[("label", "")],
            Some(("file", "cahier.pdf", PDF)),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r).contains("Donnez un intitulé au fichier"));
    assert!(
        store::calls::files(&app.db, id.parse().unwrap())
            .await
            .unwrap()
            .is_empty()
    );
}

/// An application made in the store, with one document (a stored file
/// found by its digest), filed unless `draft`.
async fn application(
    app: &TestApp,
    call: Uuid,
    user: Uuid,
    structure: &str,
    departments: &[&str],
    file_name: &str,
    draft: bool,
) -> Uuid {
    let module = store::calls::modules(&app.db, call)
        .await
        .unwrap()
        .remove(0);
    let pdf = store::calls::files(&app.db, call).await.unwrap().remove(0);
    let actor = Actor::user(user, "referent");
    let cap = domain::ApplicantCap::for_console(structure.parse().unwrap());
    let now = app.now();
    let mut tx = app.db.begin().await.unwrap();
    let id = store::applications::create(
        &mut tx,
        &cap,
        &actor,
        now,
        &NewApplication {
            call_id: call,
            module_code: "M1".into(),
            module_id: module.id,
            structure_id: structure.parse().unwrap(),
            departments: departments.iter().map(|d| (*d).to_owned()).collect(),
            summary: "Notre projet.".into(),
            answers: BTreeMap::new(),
            created_by: user,
        },
    )
    .await
    .unwrap();
    store::applications::add_document(
        &mut tx,
        &cap,
        &actor,
        now,
        id,
        &NewDocument {
            kind: "formulaire",
            file_name,
            file_type: "pdf",
            size: u64::try_from(pdf.size).unwrap(),
            sha256: &pdf.sha256,
            replace: true,
        },
    )
    .await
    .unwrap();
    if !draft {
        store::applications::submit(
            &mut tx,
            &cap,
            &actor,
            now,
            id,
            module.id,
            &["formulaire".to_owned()],
            |seq| format!("2027-M1-{seq:04}"),
        )
        .await
        .unwrap();
    }
    tx.commit().await.unwrap();
    id
}

#[tokio::test]
async fn staff_list_export_and_download_the_applications_of_their_departements() {
    let app = spawn_app().await;
    let mut agent03 = app.logged_in(AGENT03).await;
    let call = published_call(&mut agent03).await;
    let call_id: Uuid = call.parse().unwrap();
    let mut coord = app.logged_in(COORDINATOR).await;
    let vichy = coord
        .new_structure("MJC de Vichy", Some(SIRET_A), "03310")
        .await;
    let clermont = coord
        .new_structure("Centre social de Clermont", None, "63113")
        .await;
    let moulins = coord.new_structure("Foyer de Moulins", None, "03185").await;
    let riom = coord.new_structure("Maison de Riom", None, "63113").await;
    let u1 = app.add_referent("ref-vichy@x.fr", &vichy).await;
    let u2 = app.add_referent("ref-clermont@x.fr", &clermont).await;
    let u3 = app.add_referent("ref-moulins@x.fr", &moulins).await;
    let u4 = app.add_referent("ref-riom@x.fr", &riom).await;
    application(
        &app,
        call_id,
        u1,
        &vichy,
        &["03"],
        "dossier-vichy.pdf",
        false,
    )
    .await;
    application(
        &app,
        call_id,
        u2,
        &clermont,
        &["63"],
        "dossier-clermont.pdf",
        false,
    )
    .await;
    let withdrawn = application(
        &app,
        call_id,
        u3,
        &moulins,
        &["03"],
        "dossier-moulins.pdf",
        false,
    )
    .await;
    application(
        &app,
        call_id,
        u4,
        &riom,
        &["03", "63"],
        "dossier-riom.pdf",
        true,
    )
    .await;
    let mut tx = app.db.begin().await.unwrap();
    // The capability of another structure reaches nothing of this one.
    let other = store::applications::withdraw(
        &mut tx,
        &domain::ApplicantCap::for_console(riom.parse().unwrap()),
        &Actor::user(u3, "ref"),
        app.now(),
        withdrawn,
    )
    .await;
    assert!(
        matches!(other, Err(store::StoreError::NotFound)),
        "{other:?}"
    );
    store::applications::withdraw(
        &mut tx,
        &domain::ApplicantCap::for_console(moulins.parse().unwrap()),
        &Actor::user(u3, "ref"),
        app.now(),
        withdrawn,
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    let list = agent03
        .get(&format!("/gestion/appels/{call}/candidatures"))
        .await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(list.body.contains("MJC de Vichy") && list.body.contains("Foyer de Moulins"));
    assert!(
        !list.body.contains("Centre social de Clermont"),
        "a 63-only application is not the 03 agent's"
    );
    assert!(
        !list.body.contains("Maison de Riom"),
        "drafts stay the applicant's"
    );
    assert!(list.body.contains("2 candidatures"));
    assert!(list.body.contains("Déposée") && list.body.contains("Retirée"));
    assert!(
        list.body.contains("jeudi 26 novembre 2026 à 10 h</td>"),
        "filed at, to the minute"
    );
    let filtered = agent03
        .get(&format!(
            "/gestion/appels/{call}/candidatures?status=withdrawn"
        ))
        .await;
    assert!(filtered.body.contains("Foyer de Moulins") && !filtered.body.contains("MJC de Vichy"));

    let manage = agent03.get(&format!("/gestion/appels/{call}")).await;
    assert!(manage.body.contains("Déposée : 1") && manage.body.contains("Retirée : 1"));

    let csv = agent03
        .get(&format!(
            "/gestion/appels/{call}/candidatures/export?format=csv&module=M1"
        ))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert!(csv.body.starts_with("\u{feff}module") || csv.body.starts_with("module"));
    assert!(csv.body.contains("MJC de Vichy") && !csv.body.contains("Clermont"));
    let xlsx = agent03
        .get_bytes(&format!(
            "/gestion/appels/{call}/candidatures/export?format=xlsx"
        ))
        .await;
    assert!(xlsx.starts_with(b"PK"));

    let zip = agent03
        .get(&format!("/gestion/appels/{call}/modules/M1/pieces.zip"))
        .await;
    assert_eq!(zip.status, StatusCode::OK);
    assert!(zip.bytes.starts_with(b"PK"));
    let names = String::from_utf8_lossy(&zip.bytes);
    assert!(names.contains("formulaire-dossier-vichy.pdf"));
    assert!(!names.contains("dossier-clermont.pdf"), "outside the scope");
    assert!(!names.contains("dossier-moulins.pdf"), "withdrawn");
    assert!(!names.contains("dossier-riom.pdf"), "a draft");

    let mut agent63 = app.logged_in(AGENT63).await;
    let list = agent63
        .get(&format!("/gestion/appels/{call}/candidatures"))
        .await;
    assert!(list.body.contains("Centre social de Clermont") && !list.body.contains("MJC de Vichy"));
    let zip = agent63
        .get(&format!("/gestion/appels/{call}/modules/M1/pieces.zip"))
        .await;
    let names = String::from_utf8_lossy(&zip.bytes);
    assert!(names.contains("dossier-clermont.pdf") && !names.contains("dossier-vichy.pdf"));

    let list = coord
        .get(&format!("/gestion/appels/{call}/candidatures"))
        .await;
    assert!(list.body.contains("Centre social de Clermont") && list.body.contains("MJC de Vichy"));

    // Applicants and visitors never reach the staff pages.
    let mut applicant = app.logged_in("ref-vichy@x.fr").await;
    for path in [
        format!("/gestion/appels/{call}/candidatures"),
        format!("/gestion/appels/{call}/candidatures/export?format=csv"),
        format!("/gestion/appels/{call}/modules/M1/pieces.zip"),
        format!("/gestion/appels/{call}"),
    ] {
        assert_eq!(
            applicant.get(&path).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    assert!(
        applicant
            .get("/appels")
            .await
            .body
            .contains("<li><a href=\"/candidatures\">Candidatures</a></li>"),
        "a referent finds its applications in the navigation"
    );
    let r = app
        .client()
        .get(&format!("/gestion/appels/{call}/modules/M1/pieces.zip"))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}
