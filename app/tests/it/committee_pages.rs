//! The committee's pages, without JavaScript: a CAF agent seats members on
//! the call's page, a member finds its applications and progress under
//! "Mon comité", scores through the grid (others' reviews hidden until its
//! own is in), declares a conflict, and the results page shows the outcome
//! in words, the ranking, the proposals and their validation by each CAF.

use axum::http::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::{
    build::*,
    committee::{marks, review},
    harness::*,
};

/// The text of a page, with the apostrophes askama escapes put back.
fn text(r: &Resp) -> String {
    r.body.replace("&#39;", "'").replace("&#x27;", "'")
}

fn uuid(s: &str) -> Uuid {
    s.parse().unwrap()
}

async fn status_of(app: &TestApp, id: &str) -> String {
    app.logged_in(COORDINATOR)
        .await
        .get(&format!("/api/v1/applications/{id}"))
        .await
        .json()["status"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn a_caf_agent_seats_members_through_the_call_page() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    let page = format!("/gestion/appels/{}", s.call);
    let form = format!("/gestion/appels/{}/comite", s.call);
    let mut agent = app.logged_in(AGENT03).await;
    let body = text(&agent.get(&page).await);
    assert!(body.contains("<h2 id=\"comite\""), "{body}");
    assert!(body.contains("Aucun membre pour l'instant."));
    assert!(body.contains(&format!("/gestion/appels/{}/modules/M1/resultats", s.call)));

    // An unknown account and a wrong SIRET: 422, every message linked to
    // its field, the values kept.
    let r = agent
        .post_form(
            &form,
            &[
                ("email", "personne@comite.test"),
                ("institution", "Conseil départemental"),
                ("structure_siret", "123"),
                ("structure_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = text(&r);
    assert!(
        body.contains("Aucun compte n'a cette adresse e-mail"),
        "{body}"
    );
    assert!(
        body.contains("Le SIRET doit compter 14 chiffres."),
        "{body}"
    );
    assert!(body.contains("href=\"#email\""));
    assert!(body.contains("href=\"#structure_siret\""));
    assert!(body.contains("value=\"Conseil départemental\""));
    assert!(body.contains("aria-describedby=\"email-error"));

    // Seated with the structure picked in the list.
    app.add_user("cd@comite.test", vec![]).await;
    let r = agent
        .post_form(
            &form,
            &[
                ("email", "CD@comite.test"),
                ("institution", "Conseil départemental"),
                ("structure_siret", ""),
                ("structure_id", &s.b_structure),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location(),
        format!("/gestion/appels/{}?message=membre-ajoute#comite", s.call)
    );
    // Without an institution: the service's message, on its field.
    app.add_user("caf@comite.test", vec![]).await;
    let r = agent
        .post_form(&form, &[("email", "caf@comite.test"), ("institution", " ")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r).contains("Indiquez l'institution du membre"));
    // By the SIRET of a structure of the network.
    let sid = agent
        .new_structure("Maison des jeunes", Some(SIRET_A), "03185")
        .await;
    let r = agent
        .post_form(
            &form,
            &[
                ("email", "caf@comite.test"),
                ("institution", "Caf 03"),
                ("structure_siret", "732 829 320 00074"),
                ("structure_id", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let members = store::committee::members(&app.db, uuid(&s.call))
        .await
        .unwrap();
    assert_eq!(members.len(), 2);
    assert!(members.iter().any(|m| m.structure_id == Some(uuid(&sid))));

    // The list: institution, structure, progress (B is the CD member's
    // own structure: 3 applications left to it, 4 to the other).
    let body = text(&agent.get(&format!("{page}?message=membre-ajoute")).await);
    assert!(body.contains("Le membre siège désormais au comité"));
    assert!(body.contains("Membres du comité (2)"));
    assert!(
        body.contains("<td>Conseil départemental</td><td>Centre B</td><td>0 sur 3 évaluées</td>"),
        "{body}"
    );
    assert!(
        body.contains("<td>Caf 03</td><td>Maison des jeunes</td><td>0 sur 4 évaluées</td>"),
        "{body}"
    );

    // Twice: 409, in words.
    let r = agent
        .post_form(
            &form,
            &[("email", "cd@comite.test"), ("institution", "MSA")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(text(&r).contains("fait déjà partie du comité"));

    // A coordinator reads the committee but does not seat anyone.
    let mut coord = app.logged_in(COORDINATOR).await;
    let body = text(&coord.get(&page).await);
    assert!(body.contains("Membres du comité (2)"));
    assert!(!body.contains("Ajouter au comité"));
    let r = coord
        .post_form(
            &form,
            &[("email", "cd@comite.test"), ("institution", "MSA")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_member_scores_through_the_grid_and_reads_the_others_after_its_own() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    app.seated_member(&s.call, "caf@comite.test", "Caf 03", None)
        .await;
    app.seated_member(&s.call, "msa@comite.test", "MSA", None)
        .await;
    let mut m1 = app.logged_in("caf@comite.test").await;
    let mut m2 = app.logged_in("msa@comite.test").await;

    // "Mon comité", linked from the navigation.
    let body = text(&m1.get("/comite").await);
    assert!(body.contains("<a href=\"/comite\">Comité</a>"), "{body}");
    assert!(body.contains("Appel à candidatures 2027"));
    assert!(
        body.contains("Votre progression : 0 sur 4 évaluées."),
        "{body}"
    );
    assert!(body.contains("à évaluer"));
    assert!(body.contains(&format!("/comite/candidatures/{}", s.a)));
    assert!(body.contains(&format!("/gestion/appels/{}/modules/M1/resultats", s.call)));
    assert!(
        !app.logged_in(AGENT03)
            .await
            .get("/")
            .await
            .body
            .contains("<a href=\"/comite\">")
    );

    let page = format!("/comite/candidatures/{}", s.a);
    let body = text(&m1.get(&page).await);
    assert!(
        body.contains(
            "<label for=\"scores.qualite\">Qualité du projet (sur 20, coefficient 3)</label>"
        ),
        "{body}"
    );
    assert!(body.contains("Expérience jeunesse (sur 20, coefficient 2)"));
    assert!(body.contains("Notre projet."), "the application's summary");
    // Before the audition day: round 1 by default.
    assert!(
        body.contains("value=\"1\" checked> Avant l'audition"),
        "{body}"
    );
    assert!(
        body.contains(
            "Les évaluations des autres membres s'affichent une fois la vôtre enregistrée."
        )
    );
    // Its documents, through the committee's own route.
    let doc = store::applications::documents(&app.db, uuid(&s.a))
        .await
        .unwrap()
        .remove(0);
    let link = format!("/comite/candidatures/{}/pieces/{}", s.a, doc.id);
    assert!(body.contains(&link));
    assert_eq!(m1.get_bytes(&link).await, PDF);
    assert_eq!(
        m1.get(&format!("/candidatures/{}/pieces/{}", s.a, doc.id))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // 21 out of 20: 422, the values kept, the error linked to its field.
    let r = m1
        .post_form(
            &page,
            &[
                ("scores.qualite", "21"),
                ("scores.experience", "10"),
                ("comment", "Un projet solide."),
                ("round", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = text(&r);
    assert!(body.contains("La note est un entier de 0 à 20."), "{body}");
    assert!(body.contains("href=\"#scores.qualite\""));
    assert!(body.contains("name=\"scores.qualite\" type=\"number\" inputmode=\"numeric\" min=\"0\" max=\"20\" step=\"1\" value=\"21\" aria-invalid=\"true\""), "{body}");
    assert!(body.contains(">Un projet solide.</textarea>"));
    // A criterion of another grid, or a word: refused too.
    let r = m1
        .post_form(
            &page,
            &[
                ("scores.qualite", "dix"),
                ("scores.experience", "10"),
                ("scores.formateurs", "5"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = text(&r);
    assert!(body.contains("pas dans la grille de ce module"), "{body}");
    assert!(body.contains("value=\"dix\""));
    assert!(
        store::committee::reviews_of(&app.db, uuid(&s.a))
            .await
            .unwrap()
            .is_empty()
    );

    // 100 × (3 × 15/20 + 2 × 10/20) / 5 = 65.
    let r = m1
        .post_form(
            &page,
            &[
                ("scores.qualite", "15"),
                ("scores.experience", "10"),
                ("comment", "Un projet solide."),
                ("round", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let body = text(&m1.get(r.location()).await);
    assert!(body.contains("Votre évaluation est enregistrée."));
    assert!(body.contains("votre note est de 65,00 / 100"), "{body}");
    // Nobody else has scored yet.
    assert!(body.contains("Aucun autre membre n'a encore évalué cette candidature."));
    let body = text(&m1.get("/comite").await);
    assert!(body.contains("Votre progression : 1 sur 4 évaluées."));
    assert!(body.contains("évaluée (tour 1)"));

    // Independence: m2 does not see m1's score before its own.
    let body = text(&m2.get(&page).await);
    assert!(!body.contains("65,00"), "{body}");
    assert!(!body.contains("Un projet solide."));
    let r = m2
        .post_form(
            &page,
            &[
                ("scores.qualite", "12"),
                ("scores.experience", "12"),
                ("comment", "À revoir à l'audition."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let body = text(&m2.get(&page).await);
    assert!(body.contains("votre note est de 60,00 / 100"), "{body}");
    assert!(body.contains("Évaluations des autres membres (1)"));
    assert!(body.contains("<td>65,00 / 100</td>"));
    assert!(body.contains("Un projet solide."));
    assert!(body.contains("Qualité du projet : 15 / 20"));

    // After the audition, m1 revises: the form starts from round 1.
    let r = m1
        .post_form(
            &page,
            &[
                ("scores.qualite", "20"),
                ("scores.experience", "20"),
                ("comment", "Convaincant à l'audition."),
                ("round", "2"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let body = text(&m1.get(&page).await);
    assert!(body.contains("Tour 2 (après l'audition) : votre note est de 100,00 / 100"));
    assert!(body.contains("Tour 1 (avant l'audition) : votre note est de 65,00 / 100"));
    let body = text(&m1.get("/comite").await);
    assert!(body.contains("révisée (tour 2)"));
    assert!(body.contains("Votre progression : 1 sur 4 évaluées."));
}

#[tokio::test]
async fn a_conflicted_member_gets_a_notice_and_no_scores() {
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
    let mut m1 = app.logged_in("caf@comite.test").await;
    // B: 100 × (3 × 9/20 + 2 × 12/20) / 5 = 51; C: 50.
    assert_eq!(
        review(&mut m1, &s.b, &marks(9, 12)).await.status,
        StatusCode::OK
    );
    assert_eq!(
        review(&mut m1, &s.c, &marks(10, 10)).await.status,
        StatusCode::OK
    );
    let mut m2 = app.logged_in("cd@comite.test").await;

    // Automatic: m2 belongs to B.
    let body = text(&m2.get(&format!("/comite/candidatures/{}", s.b)).await);
    assert!(body.contains("Vous avez un conflit d'intérêts avec cette candidature (Membre de la structure candidate)"), "{body}");
    assert!(!body.contains("/ 100"), "{body}");
    assert!(!body.contains("Grille de notation"));
    assert!(!body.contains("/pieces/"));
    let doc = store::applications::documents(&app.db, uuid(&s.b))
        .await
        .unwrap()
        .remove(0);
    assert_eq!(
        m2.get(&format!("/comite/candidatures/{}/pieces/{}", s.b, doc.id))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let body = text(&m2.get("/comite").await);
    assert!(body.contains("conflit d'intérêts"));
    assert!(body.contains("Votre progression : 0 sur 3 évaluées."));

    // Declared: an empty reason is refused, then the notice.
    let c_page = format!("/comite/candidatures/{}", s.c);
    let r = m2
        .post_form(
            &format!("{c_page}/conflit"),
            &[("reason", " "), ("confirm", "oui")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = text(&r);
    assert!(
        body.contains("Indiquez la raison du conflit d'intérêts"),
        "{body}"
    );
    assert!(body.contains("href=\"#reason\""));
    // The summary comes first on the page, before the application's file.
    assert!(
        body.find("error-summary").unwrap() < body.find("Le dossier").unwrap_or(usize::MAX),
        "{body}"
    );
    // A reason without the confirmation box: refused, nothing declared.
    let r = m2
        .post_form(
            &format!("{c_page}/conflit"),
            &[("reason", "Ancien salarié de la structure")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(text(&r).contains("Cochez la case de confirmation"));
    let r = m2
        .post_form(
            &format!("{c_page}/conflit"),
            &[
                ("reason", "Ancien salarié de la structure"),
                ("confirm", "oui"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let body = text(&m2.get(r.location()).await);
    assert!(body.contains("Le conflit d'intérêts est déclaré"));
    assert!(body.contains("(Ancien salarié de la structure)"));
    assert!(!body.contains("/ 100"), "{body}");
    // Scoring it anyway: 403, as a page in French.
    let r = m2
        .post_form(
            &c_page,
            &[("scores.qualite", "20"), ("scores.experience", "20")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(text(&r).contains("Accès refusé"));

    // On the results page, their scores are hidden from m2.
    let body = text(
        &m2.get(&format!("/gestion/appels/{}/modules/M1/resultats", s.call))
            .await,
    );
    assert!(
        body.contains("Notes masquées : vous avez un conflit d'intérêts"),
        "{body}"
    );
    assert!(!body.contains("51,00"));
    assert!(!body.contains("50,00"));
    // Staff see them.
    let body = text(
        &app.logged_in(COORDINATOR)
            .await
            .get(&format!("/gestion/appels/{}/modules/M1/resultats", s.call))
            .await,
    );
    assert!(body.contains("<td>51,00 / 100</td>"));
    assert!(body.contains("<td>50,00 / 100</td>"));
}

#[tokio::test]
async fn the_results_say_the_outcome_in_words_and_rank_the_applications() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    let mut agent = app.logged_in(AGENT03).await;
    let results = |m: &str| format!("/gestion/appels/{}/modules/{m}/resultats", s.call);

    // M2 has one application per département.
    let body = text(&agent.get(&results("M2")).await);
    assert!(
        body.contains("Infructueux : trop peu de candidatures"),
        "{body}"
    );
    assert!(body.contains("s'il y reçoit une candidature ou moins"));
    // An agent of 03 reads the 03 outcome only; the coordinator both.
    assert!(body.contains("id=\"departement-03\""));
    assert!(!body.contains("id=\"departement-63\""));
    let body = text(&agent.get(&results("M1")).await);
    assert!(body.contains("En attente des évaluations"), "{body}");

    app.seated_member(&s.call, "caf@comite.test", "Caf 03", None)
        .await;
    app.seated_member(&s.call, "msa@comite.test", "MSA", None)
        .await;
    let mut m1 = app.logged_in("caf@comite.test").await;
    let mut m2 = app.logged_in("msa@comite.test").await;
    // A: 100 and 50 (mean 75, wide apart); C: 25.
    review(&mut m1, &s.a, &marks(20, 20)).await;
    review(&mut m2, &s.a, &marks(10, 10)).await;
    review(&mut m1, &s.c, &marks(5, 5)).await;
    // Not awardable before every member reviewed every application.
    let body = text(&agent.get(&results("M1")).await);
    assert!(body.contains("En attente des évaluations"), "{body}");
    assert!(body.contains("<td>1 sur 2 (incomplet)</td>"), "{body}");
    review(&mut m2, &s.c, &marks(5, 5)).await;
    let body = text(&agent.get(&results("M1")).await);
    assert!(
        body.contains("Résultat : <span class=\"badge badge-success\">Attribuable</span>"),
        "{body}"
    );
    assert!(body.contains("<caption id=\"classement-03\">"));
    assert!(body.contains("<th scope=\"col\">Évaluations (rendues sur attendues)</th>"));
    let a_row = "<td>75,00 / 100</td><td>50,00 / 100</td><td>100,00 / 100</td><td>2 sur 2</td><td><span class=\"badge badge-warning\">écart important</span></td>";
    assert!(body.contains(a_row), "{body}");
    assert!(body.contains(
        "<td>25,00 / 100</td><td>25,00 / 100</td><td>25,00 / 100</td><td>2 sur 2</td><td>—</td>"
    ));
    assert!(body.find("Centre A").unwrap() < body.find("Centre C").unwrap());
    // A member reads every département.
    let body = text(&m1.get(&results("M1")).await);
    assert!(body.contains("id=\"departement-63\""));
    assert!(body.contains(a_row));

    // The ranking as a spreadsheet, with the page's scope: the agent of 03
    // gets the 03 rows only, in the ranking's order.
    assert!(body.contains(&format!("{}/export?format=xlsx", results("M1"))));
    let csv =
        String::from_utf8(agent.get_bytes(&format!("{}/export", results("M1"))).await).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert!(
        lines[0].contains("departement;issue;rang;structure"),
        "{csv}"
    );
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(
        lines[1].starts_with("03;Attribuable;1;Centre A;")
            && lines[1].contains(";75,00;50,00;100,00;2;"),
        "{csv}"
    );
    assert!(lines[2].starts_with("03;Attribuable;2;Centre C;"), "{csv}");
    let api = agent
        .get(&format!(
            "/api/v1/calls/{}/modules/M1/results/export?format=ods",
            s.call
        ))
        .await;
    assert_eq!(api.status, StatusCode::OK);
    let (stranger, _) = app.new_referent("Foyer Trois", "03185").await;
    let mut stranger = app.logged_in(&stranger).await;
    assert_eq!(
        stranger
            .get(&format!("{}/export", results("M1")))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // With a quality threshold nobody reaches: unsuccessful for quality.
    let mut strict = crate::build::module("M1", "2027-03-14");
    strict["quality_threshold"] = json!(90);
    let call = app.published_call(&["03"], json!([strict])).await;
    let (e1, _) = app.new_referent("Foyer Un", "03185").await;
    let (e2, _) = app.new_referent("Foyer Deux", "03185").await;
    let f1 = app.filed_application(&e1, &call, "M1", &["03"]).await;
    let f2 = app.filed_application(&e2, &call, "M1", &["03"]).await;
    app.seated_member(&call, "dsden@comite.test", "DSDEN", None)
        .await;
    let mut m3 = app.logged_in("dsden@comite.test").await;
    review(&mut m3, &f1, &marks(15, 15)).await;
    review(&mut m3, &f2, &marks(12, 12)).await;
    // After the deadline, the committee proposes.
    app.clock.set("2027-03-20T08:00:00Z".parse().unwrap());
    let mut agent = app.logged_in(AGENT03).await;
    let body = text(
        &agent
            .get(&format!("/gestion/appels/{call}/modules/M1/resultats"))
            .await,
    );
    assert!(
        body.contains("Infructueux : aucune candidature n'atteint le seuil de qualité"),
        "{body}"
    );
    assert!(body.contains("si aucune candidature n'atteint 90,00 sur 100"));
    // Only "unsuccessful" may then be proposed.
    assert!(body.contains("Déclarer le module infructueux dans ce département"));
    assert!(!body.contains(&format!("value=\"{f1}\"")));
}

#[tokio::test]
async fn proposals_go_through_the_form_and_each_caf_validates_its_own() {
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
    let results = format!("/gestion/appels/{}/modules/M1/resultats", s.call);
    let propose = format!("/gestion/appels/{}/modules/M1/propositions", s.call);
    let body = text(&m1.get(&results).await);
    assert!(body.contains("Proposer pour Allier (03)"), "{body}");
    assert!(body.contains("Aucune proposition pour l'instant."));

    // Without a motivation: 422, the choice kept.
    let r = m1
        .post_form(
            &propose,
            &[("department", "03"), ("choice", &s.a), ("motivation", " ")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = text(&r);
    assert!(body.contains("Motivez la proposition"), "{body}");
    assert!(body.contains("href=\"#motivation-03\""));
    assert!(body.contains(&format!("value=\"{}\" checked", s.a)));

    let r = m1
        .post_form(
            &propose,
            &[
                ("department", "03"),
                ("choice", &s.a),
                ("motivation", "Le meilleur projet, et bi-départemental."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let body = text(&m1.get(r.location()).await);
    assert!(body.contains("La proposition est enregistrée"));
    assert!(body.contains("Candidature retenue : Centre A"));
    assert!(body.contains("Proposée, en attente de la Caf"));
    assert!(!body.contains("Proposer pour Allier (03)"));

    // A second one while it waits: 409, said in words.
    let r = m1
        .post_form(
            &propose,
            &[
                ("department", "03"),
                ("choice", &s.c),
                ("motivation", "Autre choix."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(text(&r).contains("attend déjà la Caf"), "{}", r.body);

    let proposals = store::committee::proposals(&app.db, uuid(&s.call), "M1")
        .await
        .unwrap();
    let p03 = proposals[0].id;
    let validation = format!("/gestion/propositions/{p03}/validation");
    // Not the CAF of 63: a page saying why, and nothing changes.
    let mut agent63 = app.logged_in(AGENT63).await;
    let r = agent63
        .post_form(&validation, &[("decision", "valider"), ("comment", "")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let body = text(&r);
    assert!(body.contains("Accès refusé"));
    assert!(body.contains("Seule la Caf de ce département (03) valide cette proposition."));
    assert!(!text(&agent63.get(&results).await).contains(&validation));
    // Nor the member: no button for it.
    assert!(!text(&m1.get(&results).await).contains(&validation));

    let mut agent03 = app.logged_in(AGENT03).await;
    let body = text(&agent03.get(&results).await);
    assert!(body.contains(&format!("action=\"{validation}\"")), "{body}");
    assert!(body.contains("name=\"decision\" value=\"valider\""));
    let r = agent03
        .post_form(
            &validation,
            &[
                ("decision", "valider"),
                ("comment", "Validé en commission."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let body = text(&agent03.get(r.location()).await);
    assert!(body.contains("La proposition est validée."));
    assert!(body.contains("Validée par la Caf"));
    assert!(body.contains("Validé en commission."));
    // C (03 only) is decided; A waits for the CAF of 63.
    assert_eq!(status_of(&app, &s.c).await, "not_retained");
    assert_ne!(status_of(&app, &s.a).await, "retained");

    // In 63: rejected first, then a new proposal, validated.
    let r = m1
        .post_form(
            &propose,
            &[
                ("department", "63"),
                ("choice", &s.b),
                ("motivation", "Ancrage local."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p63 = store::committee::proposals(&app.db, uuid(&s.call), "M1")
        .await
        .unwrap()
        .into_iter()
        .find(|p| p.department == "63")
        .unwrap()
        .id;
    let r = agent63
        .post_form(
            &format!("/gestion/propositions/{p63}/validation"),
            &[
                ("decision", "rejeter"),
                ("comment", "Le projet bi-départemental est meilleur."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let body = text(&m1.get(&results).await);
    assert!(body.contains("Rejetée par la Caf"));
    assert!(
        body.contains("Nouvelle proposition pour Puy-de-Dôme (63)"),
        "{body}"
    );
    assert_ne!(status_of(&app, &s.b).await, "not_retained");
    let r = m1
        .post_form(
            &propose,
            &[
                ("department", "63"),
                ("choice", &s.a),
                ("motivation", "Le meilleur projet."),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let p63 = store::committee::proposals(&app.db, uuid(&s.call), "M1")
        .await
        .unwrap()
        .into_iter()
        .rfind(|p| p.department == "63")
        .unwrap()
        .id;
    let r = agent63
        .post_form(
            &format!("/gestion/propositions/{p63}/validation"),
            &[("decision", "valider"), ("comment", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Both CAFs validated: A is retained, B is not.
    assert_eq!(status_of(&app, &s.a).await, "retained");
    assert_eq!(status_of(&app, &s.b).await, "not_retained");
    // Reviews are closed on the scoring page.
    let body = text(&m1.get(&format!("/comite/candidatures/{}", s.a)).await);
    assert!(body.contains("les évaluations sont closes"));
    assert!(!body.contains("Enregistrer mon évaluation"));
}
