//! The letter pages, without JavaScript: the staff of a call waits for
//! the validated decisions, prepares a module's letters, reviews and
//! downloads them, sends them all once; the applicant finds its letter
//! (and its convention when retained) only once sent; administrators edit
//! the templates, checked before saving.

use axum::http::StatusCode;

use crate::{
    build::*,
    committee::{marks, review},
    harness::*,
};

/// The text of a page, with the apostrophes and quotes askama escapes put
/// back.
fn text(r: &Resp) -> String {
    r.body
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
}

/// Reviews M1 and has both CAFs validate A (03 and 63): B and C are not
/// retained.
async fn decide(app: &TestApp, s: &CommitteeCall) {
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
}

#[tokio::test]
async fn letters_are_prepared_reviewed_and_sent_once_then_the_applicant_reads_them() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    app.seated_member(&s.call, "caf@comite.test", "Caf 03", None)
        .await;
    let mut m1 = app.logged_in("caf@comite.test").await;
    for (id, q) in [(&s.a, 18), (&s.b, 9), (&s.c, 11)] {
        review(&mut m1, id, &marks(q, 12)).await;
    }
    // The committee proposes after the deadline.
    app.clock.set("2027-03-20T08:00:00Z".parse().unwrap());
    let page = format!("/gestion/appels/{}/modules/M1/courriers", s.call);
    let mut agent = app.logged_in(AGENT03).await;

    // Linked from each module of the call's page and from the results.
    let manage = text(&agent.get(&format!("/gestion/appels/{}", s.call)).await);
    assert!(manage.contains(&format!("href=\"{page}\"")), "{manage}");
    assert!(manage.contains(&format!(
        "href=\"/gestion/appels/{}/modules/M2/courriers\"",
        s.call
    )));
    let results = text(
        &agent
            .get(&format!("/gestion/appels/{}/modules/M1/resultats", s.call))
            .await,
    );
    assert!(results.contains(&format!("href=\"{page}\"")), "{results}");

    // Before validation: the page says the letters wait; preparing them
    // is refused in place.
    let r = agent.get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    let body = text(&r);
    assert!(
        body.contains(
            "Les décisions de ce module ne sont pas toutes validées : les courriers attendent."
        ),
        "{body}"
    );
    assert!(!body.contains("Préparer les courriers"), "{body}");
    assert!(body.contains("Aucun courrier n'est préparé pour l'instant."));
    let r = agent.post_form(&page, &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let body = text(&r);
    assert!(
        body.contains("<title>Erreur : Courriers du module M1"),
        "{body}"
    );
    assert!(body.contains("role=\"alert\""), "{body}");

    decide(&app, &s).await;
    let body = text(&agent.get(&page).await);
    assert!(!body.contains("les courriers attendent"), "{body}");
    assert!(body.contains("Préparer les courriers</button>"), "{body}");

    // Preparation by the Allier: A (both départements) has a letter and its
    // convention, C a letter; B (Puy-de-Dôme) is the other CAF's.
    let r = agent.post_form(&page, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("{page}?prepares=3"));
    let body = text(&agent.get(r.location()).await);
    assert!(body.contains("3 documents préparés."), "{body}");
    assert!(body.contains("0 sur 2 envoyé"), "{body}");
    assert!(!body.contains("Centre B"), "{body}");
    for needle in [
        "Centre A",
        "Centre C",
        ">Convention<",
        ">Courrier<",
        ">Retenue<",
        ">Non retenue<",
        ">À envoyer<",
        "Envoyer tous les courriers</button>",
    ] {
        assert!(body.contains(needle), "{needle}: {body}");
    }
    assert_eq!(body.matches(">À envoyer<").count(), 3, "{body}");
    let letter_a = format!("/candidatures/{}/courrier.pdf", s.a);
    let convention_a = format!("/candidatures/{}/convention.pdf", s.a);
    assert!(body.contains(&format!("href=\"{letter_a}\"")), "{body}");
    assert!(body.contains(&format!("href=\"{convention_a}\"")), "{body}");
    assert!(!body.contains(&format!("/candidatures/{}/convention.pdf", s.b)));
    // A second preparation makes nothing.
    let r = agent.post_form(&page, &[]).await;
    assert_eq!(r.location(), format!("{page}?prepares=0"));

    // Staff download before sending; the decision being validated, the
    // applicant reads them too (API.md), before the e-mail.
    for path in [&letter_a, &convention_a] {
        let pdf = agent.get(path).await;
        assert_eq!(pdf.status, StatusCode::OK, "{path}");
        assert!(pdf.bytes.starts_with(b"%PDF-"));
    }
    let mut ra = app.logged_in("centre-a@structure.test").await;
    let show_a = format!("/candidatures/{}", s.a);
    let body = text(&ra.get(&show_a).await);
    assert!(body.contains("Courrier de résultat (PDF)"), "{body}");
    assert!(body.contains("Convention à signer (PDF)"));
    assert_eq!(ra.get(&letter_a).await.status, StatusCode::OK);

    // Send all, then a second click sends nothing.
    let send = format!("{page}/envoi");
    let r = agent.post_form(&send, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("{page}?envoyes=2"));
    let body = text(&agent.get(r.location()).await);
    assert!(body.contains("2 courriers envoyés."), "{body}");
    assert!(body.contains("2 sur 2 envoyés"), "{body}");
    assert!(body.contains("2 encore en file d'envoi"), "{body}");
    assert_eq!(body.matches(">En file d'envoi<").count(), 3, "{body}");
    assert!(!body.contains("Envoyer tous les courriers</button>"));
    assert!(body.contains("Tous les courriers préparés sont envoyés."));
    let r = agent.post_form(&send, &[]).await;
    assert_eq!(r.location(), format!("{page}?envoyes=0"));
    let body = text(&agent.get(r.location()).await);
    assert!(body.contains("Aucun courrier à envoyer"), "{body}");
    // One letter e-mail to A, however many clicks.
    let (log, _) =
        store::outbox::list_emails(&app.db, &domain::AdminCap::for_console(), None, 500, 0)
            .await
            .unwrap();
    assert_eq!(
        log.iter()
            .filter(|e| e.template == "letter" && e.to == "centre-a@structure.test")
            .count(),
        1
    );

    // Once the outbox has delivered them, each shows "Envoyé".
    while let Some(job) =
        store::outbox::claim(&app.db, app.now(), jiff::SignedDuration::from_secs(60))
            .await
            .unwrap()
    {
        store::outbox::succeed(&app.db, &job, app.now())
            .await
            .unwrap();
    }
    let body = text(&agent.get(&page).await);
    assert_eq!(body.matches(">Envoyé<").count(), 3, "{body}");
    assert!(!body.contains("en file d'envoi"), "{body}");

    // The applicant finds its letter and its convention; B only a letter.
    let body = text(&ra.get(&show_a).await);
    assert!(
        body.contains(&format!(
            "<a href=\"{letter_a}\" download>Courrier de résultat (PDF)</a>"
        )),
        "{body}"
    );
    assert!(body.contains(&format!(
        "<a href=\"{convention_a}\" download>Convention à signer (PDF)</a>"
    )));
    for path in [&letter_a, &convention_a] {
        let pdf = ra.get(path).await;
        assert_eq!(pdf.status, StatusCode::OK, "{path}");
        assert!(pdf.bytes.starts_with(b"%PDF-"));
    }
    // The Puy-de-Dôme prepares and sends B's letter.
    let mut agent63 = app.logged_in(AGENT63).await;
    let r = agent63.post_form(&page, &[]).await;
    assert_eq!(r.location(), format!("{page}?prepares=1"));
    let r = agent63.post_form(&send, &[]).await;
    assert_eq!(r.location(), format!("{page}?envoyes=1"));
    let mut rb = app.logged_in("centre-b@structure.test").await;
    let body = text(&rb.get(&format!("/candidatures/{}", s.b)).await);
    assert!(body.contains("Courrier de résultat (PDF)"), "{body}");
    assert!(!body.contains("Convention à signer (PDF)"), "{body}");
    assert_eq!(
        rb.get(&format!("/candidatures/{}/convention.pdf", s.b))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // Another structure reads neither A's page nor its letter.
    assert_eq!(rb.get(&letter_a).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn administrators_edit_the_templates_on_a_page_checked_before_saving() {
    let app = spawn_app().await;
    let mut admin = app.logged_in(ADMIN).await;
    let list = text(&admin.get("/admin/modeles-de-courrier").await);
    assert!(
        list.contains("href=\"/admin/modeles-de-courrier/result\""),
        "{list}"
    );
    assert!(list.contains("href=\"/admin/modeles-de-courrier/convention\""));
    // Linked from the administrators' navigation.
    assert!(list.contains("href=\"/admin/modeles-de-courrier\""));

    let page = "/admin/modeles-de-courrier/result";
    let r = admin.get(page).await;
    assert_eq!(r.status, StatusCode::OK);
    let body = text(&r);
    assert!(
        body.contains("<h1>Modèle : Courrier de résultat</h1>"),
        "{body}"
    );
    assert!(body.contains("Le modèle d'origine est en service."));
    assert!(body.contains("json(\"data.json\")"), "{body}");
    for field in ["applicant", "outcome", "motivation", "departments", "caf"] {
        assert!(
            body.contains(&format!("<dt><code>{field}</code></dt>")),
            "{field}"
        );
    }
    assert!(!body.contains("Revenir au modèle d'origine"));
    let conv = text(&admin.get("/admin/modeles-de-courrier/convention").await);
    assert!(conv.contains("<dt><code>obligations</code></dt>"), "{conv}");
    assert_eq!(
        admin.get("/admin/modeles-de-courrier/autre").await.status,
        StatusCode::NOT_FOUND
    );

    // A template that does not compile: 422, the line named, the text kept.
    let broken = "#let d = json(\"data.json\")\n#let x = (\n";
    let r = admin.post_form(page, &[("source", broken)]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let body = text(&r);
    assert!(body.contains("<title>Erreur : Modèle"), "{body}");
    assert!(
        body.contains("Le modèle de courrier contient une erreur, ligne"),
        "{body}"
    );
    assert!(body.contains("href=\"#source\""), "{body}");
    assert!(body.contains("aria-invalid=\"true\""));
    assert!(body.contains("#let x = ("), "{body}");
    assert!(text(&admin.get(page).await).contains("Le modèle d'origine est en service."));

    // Saved once it compiles.
    let good = "#let d = json(\"data.json\")\nBonjour #d.applicant.name.";
    let r = admin.post_form(page, &[("source", good)]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let body = text(&admin.get(r.location()).await);
    assert!(body.contains("Le modèle est enregistré"), "{body}");
    assert!(body.contains("Un modèle modifié est en service."));
    assert!(body.contains("Bonjour #d.applicant.name."));
    assert!(body.contains("Revenir au modèle d'origine</button>"));
    let api = admin.get("/api/v1/letter-templates/result").await.json();
    assert_eq!(api["builtin"], false);

    // Back to the built-in one.
    let r = admin.post_form(page, &[("reset", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let body = text(&admin.get(r.location()).await);
    assert!(body.contains("Le modèle d'origine est rétabli."), "{body}");
    assert!(body.contains("Le modèle d'origine est en service."));
    assert_eq!(
        admin.get("/api/v1/letter-templates/result").await.json()["builtin"],
        true
    );

    // Agents may neither read nor save them.
    let mut agent = app.logged_in(AGENT03).await;
    assert_eq!(agent.get(page).await.status, StatusCode::FORBIDDEN);
    assert_eq!(
        agent.get("/admin/modeles-de-courrier").await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        agent.post_form(page, &[("source", good)]).await.status,
        StatusCode::FORBIDDEN
    );
    assert!(!text(&agent.get("/compte").await).contains("/admin/modeles-de-courrier"));
}
