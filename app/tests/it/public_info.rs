//! The public-service pages: legal notice, accessibility statement,
//! personal data, contact; the footer that links them, the wordmark and the
//! favicon.

use axum::http::StatusCode;
use jiff::SignedDuration;
use serde_json::json;

use crate::harness::*;

const PAGES: [(&str, &str); 4] = [
    ("/mentions-legales", "<h1>Mentions légales</h1>"),
    ("/accessibilite", "<h1>Déclaration d'accessibilité</h1>"),
    ("/donnees-personnelles", "<h1>Données personnelles</h1>"),
    ("/contact", "<h1>Contact</h1>"),
];

fn assert_footer(body: &str, path: &str) {
    for link in [
        "<a href=\"/contact\">Contact</a>",
        "<a href=\"/accessibilite\">Accessibilité : non conforme</a>",
        "<a href=\"/mentions-legales\">Mentions légales</a>",
        "<a href=\"/donnees-personnelles\">Données personnelles</a>",
    ] {
        assert!(
            body.contains(link),
            "{path}: {link} missing from the footer"
        );
    }
}

#[tokio::test]
async fn the_four_pages_open_without_login_and_every_page_links_them() {
    let app = spawn_app().await;
    let mut visitor = app.client();
    for (path, h1) in PAGES {
        let r = visitor.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "{path}");
        assert!(r.body.contains(h1), "{path}: {}", r.body);
        assert_footer(&r.body, path);
        assert!(
            !r.headers.contains_key("set-cookie"),
            "{path} sets no cookie"
        );
    }
    for path in ["/", "/annuaire", "/connexion", "/nulle-part"] {
        assert_footer(&visitor.get(path).await.body, path);
    }
    let mut agent = app.logged_in(AGENT03).await;
    assert_footer(&agent.get("/caf/03").await.body, "/caf/03");
}

#[tokio::test]
async fn the_legal_notice_names_the_cafs_their_director_and_the_host_from_their_settings() {
    let app = spawn_app().await;
    let mut visitor = app.client();
    let r = visitor.get("/mentions-legales").await;
    for part in [
        "Éditeur",
        "Caf de l&#39;Allier",
        "Caf du Puy-de-Dôme",
        "03000 Moulins",
        CAF03_CONTACT,
        "04 73 14 67 62",
        "Caf de l&#39;Allier : le directeur ou la directrice de la Caf.",
        "L'hébergeur n'est pas encore indiqué",
        "AGPL-3.0-or-later",
        env!("CARGO_PKG_REPOSITORY"),
        "Insee",
        "DGCL",
        "La Poste",
        "ADMIN EXPRESS",
    ] {
        assert!(r.body.contains(part), "{part} missing: {}", r.body);
    }

    // The CAF's agent fills the two settings in « Ma Caf ».
    let mut agent = app.logged_in(AGENT03).await;
    let r = agent
        .post_form(
            "/caf/03",
            &[
                ("caf_name", "Caf de l'Allier"),
                ("publication_director", "Marie Dupont, directrice"),
                (
                    "host",
                    "Hébergeur Exemple SAS\n1 rue de l'Exemple\n75000 Paris",
                ),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The other CAF names the same host: it is shown once.
    let mut agent63 = app.logged_in(AGENT63).await;
    let r = agent63
        .json(
            "PATCH",
            "/api/v1/departments/63",
            &json!({"host": "Hébergeur Exemple SAS\n1 rue de l'Exemple\n75000 Paris"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["publication_director"], "");
    let d = agent.get("/api/v1/departments/03").await.json();
    assert_eq!(d["publication_director"], "Marie Dupont, directrice");
    let r = visitor.get("/mentions-legales").await;
    assert!(
        r.body
            .contains("Caf de l&#39;Allier : Marie Dupont, directrice.")
    );
    assert!(
        r.body
            .contains("Caf du Puy-de-Dôme : le directeur ou la directrice de la Caf.")
    );
    assert_eq!(
        r.body
            .matches("Hébergeur Exemple SAS<br>1 rue de l&#39;Exemple<br>75000 Paris")
            .count(),
        1,
        "{}",
        r.body
    );
    assert!(!r.body.contains("pas encore indiqué"));
}

#[tokio::test]
async fn the_accessibility_statement_says_non_conforme_and_has_the_rgaa_sections() {
    let app = spawn_app().await;
    let r = app.client().get("/accessibilite").await;
    for part in [
        "est non conforme avec le référentiel général d'amélioration de l'accessibilité (RGAA)",
        "aucun audit de conformité n'a encore été réalisé",
        "État de conformité",
        "Résultats des tests",
        "axe-core",
        "0 erreur",
        "sans JavaScript",
        "360 pixels",
        "Contenus non accessibles",
        "Établissement de cette déclaration",
        "Cette déclaration a été établie le ",
        "Technologies utilisées",
        "Environnement de test",
        "Outils pour évaluer l'accessibilité",
        "Pages du site ayant fait l'objet de la vérification",
        "Retour d'information et contact",
        CAF63_CONTACT,
        "Voies de recours",
        "Défenseur des droits",
        "Libre réponse 71120",
    ] {
        assert!(r.body.contains(part), "{part} missing: {}", r.body);
    }
}

#[tokio::test]
async fn the_personal_data_page_states_the_lifetimes_the_services_apply() {
    let app = spawn_app_with(|c| {
        c.services.session_ttl = SignedDuration::from_hours(2);
        c.services.session_max = SignedDuration::from_hours(8);
        c.services.token_lifetime = SignedDuration::from_hours(24 * 30);
        c.services.handover_months = 3;
    })
    .await;
    let r = app.client().get("/donnees-personnelles").await;
    for part in [
        "Aucune donnée sur les jeunes",
        "après 2 heures sans activité, et dans tous les cas 8 heures après la connexion",
        "cesse de fonctionner 30 jours après sa création",
        "vaut 1 heure",
        "vaut 7 jours",
        "pendant 3 mois",
        "<strong>sans limite de durée</strong>",
        "article 6.1.e",
        "<code>promeneurs_session</code>",
        "<code>promeneurs_csrf</code>",
        "accéder",
        "rectifier",
        "effacement",
        "limiter",
        "opposer",
        CAF03_CONTACT,
        CAF63_CONTACT,
        "CNIL",
        "https://www.cnil.fr/fr/plaintes",
    ] {
        assert!(r.body.contains(part), "{part} missing: {}", r.body);
    }
}

#[tokio::test]
async fn the_contact_page_lists_each_caf_with_what_it_has_set() {
    let app = spawn_app().await;
    let mut visitor = app.client();
    let r = visitor.get("/contact").await;
    for part in [
        "Caf de l&#39;Allier — Allier (03)",
        "Caf du Puy-de-Dôme — Puy-de-Dôme (63)",
        "Alexandra Meritet",
        "Adrien Couette",
        &format!("href=\"mailto:{CAF03_CONTACT}\""),
        "04 70 08 49 38",
        "Caf de l&#39;Allier — Pôle partenaires<br>03000 Moulins",
        "les structures et leurs promeneurs",
        "href=\"/annuaire\"",
    ] {
        assert!(r.body.contains(part), "{part} missing: {}", r.body);
    }
    // A CAF with nothing set says so rather than showing empty lines.
    let mut agent = app.logged_in(AGENT63).await;
    let r = agent
        .json(
            "PATCH",
            "/api/v1/departments/63",
            &json!({"caf_address": "", "contact_name": "", "contact_email": "", "contact_phone": ""}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = visitor.get("/contact").await;
    assert!(
        r.body
            .contains("Les coordonnées de cette Caf ne sont pas encore renseignées.")
    );
    assert!(!r.body.contains("Courriel : <a href=\"mailto:\""));
}

#[tokio::test]
async fn the_wordmark_names_the_cafs_and_follows_their_settings() {
    let app = spawn_app().await;
    let mut visitor = app.client();
    let wordmark = "<span class=\"brand-caf\">Caf de l&#39;Allier et du Puy-de-Dôme</span>";
    for path in ["/", "/annuaire", "/contact", "/nulle-part"] {
        let r = visitor.get(path).await;
        assert!(r.body.contains(wordmark), "{path}: {}", r.body);
    }
    let mut agent = app.logged_in(AGENT03).await;
    let r = agent
        .json(
            "PATCH",
            "/api/v1/departments/03",
            &json!({"caf_name": "Caisse d'allocations familiales de l'Allier"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let r = visitor.get("/").await;
    assert!(
        r.body.contains(
            "<span class=\"brand-caf\">Caisse d&#39;allocations familiales de l&#39;Allier et Caf du Puy-de-Dôme</span>"
        ),
        "{}",
        r.body
    );
}

#[tokio::test]
async fn the_favicon_is_a_cached_svg_and_favicon_ico_leads_to_it() {
    let app = spawn_app().await;
    let mut c = app.client();
    let page = c.get("/").await.body;
    let href = page
        .split("<link rel=\"icon\" type=\"image/svg+xml\" href=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a favicon link")
        .to_owned();
    assert!(href.starts_with("/static/") && href.ends_with("/favicon.svg"));
    let r = c.get(&href).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "image/svg+xml");
    assert!(
        r.headers["cache-control"]
            .to_str()
            .unwrap()
            .contains("max-age=31536000")
    );
    assert!(r.body.starts_with("<svg"));
    let r = c.get("/favicon.ico").await;
    assert_eq!(r.status, StatusCode::TEMPORARY_REDIRECT);
    assert_eq!(r.location(), href);
}
