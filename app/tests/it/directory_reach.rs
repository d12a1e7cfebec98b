//! How a young person reaches a promeneur from the public directory: the
//! accounts' buttons (WhatsApp's warning, Discord usernames to copy, our
//! own icons) and the distance searched, in the pages and the API.

use axum::http::StatusCode;
use serde_json::json;

use crate::{build::*, directory_pages::seed, harness::*};

/// A WhatsApp contact shows the young person's own number to the
/// promeneur: every public page says so beside it.
#[tokio::test]
async fn a_whatsapp_contact_warns_that_it_shows_the_young_persons_number() {
    let app = spawn_app().await;
    let s = app
        .new_structure("MJC de Vichy", Some(SIRET_A), "03310")
        .await;
    let mut agent = app.logged_in(AGENT03).await;
    let mut p = public_promeneur(&s, "wa@x.fr", "03310");
    p["networks"] = json!([{"platform": "whatsapp", "handle": "06 12 34 56 78"}, {"platform": "snapchat", "handle": "pdn-wa"}]);
    let r = agent.json("POST", "/api/v1/promeneurs", &p).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    let code = r.json()["verification_code"].as_str().unwrap().to_owned();
    app.consent_from_account(&id).await;
    let mut anon = app.client();
    let note = "<small class=\"network-note\">Attention : WhatsApp lui montrera ton numéro de téléphone.</small>";
    for path in [
        format!("/promeneurs/{id}"),
        "/annuaire?ou=Vichy".to_owned(),
        format!("/verifier/{code}"),
    ] {
        let body = anon.get(&path).await.body;
        assert_eq!(body.matches(note).count(), 1, "{path}: {body}");
    }
}

/// Discord has no address for a person: the username is shown as text to
/// copy, with how to add it, never as a link; a server's invitation opens.
#[tokio::test]
async fn a_discord_username_is_text_to_copy_with_how_to_add_it() {
    let app = spawn_app().await;
    let s = app
        .new_structure("MJC de Vichy", Some(SIRET_A), "03310")
        .await;
    let mut agent = app.logged_in(AGENT03).await;
    let mut p = public_promeneur(&s, "dc@x.fr", "03310");
    p["networks"] = json!([{"platform": "discord", "handle": "pdn.vichy"}, {"platform": "discord", "handle": "https://discord.gg/AbC-123"}]);
    let r = agent.json("POST", "/api/v1/promeneurs", &p).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let id = r.json()["id"].as_str().unwrap().to_owned();
    app.consent_from_account(&id).await;
    let mut anon = app.client();
    for path in [format!("/promeneurs/{id}"), "/annuaire?ou=Vichy".to_owned()] {
        let body = anon.get(&path).await.body;
        assert!(body.contains(
            "<p class=\"network-button network-static\"><span class=\"network-icon network-icon-discord\" aria-hidden=\"true\"></span><span class=\"network-text\"><span class=\"network-name\">Discord</span><span class=\"visually-hidden\"> : </span> <span class=\"network-handle network-copy\">pdn.vichy</span></span></p><small class=\"network-note\">Ajoute ce pseudo en ami dans Discord : Paramètres &#62; Amis &#62; Ajouter.</small>"
        ), "{path}: {body}");
        assert!(body.contains(
            "<a class=\"network-button\" href=\"https://discord.gg/AbC-123\" rel=\"noopener noreferrer\"><span class=\"network-icon network-icon-discord\" aria-hidden=\"true\"></span>"
        ), "{path}");
        assert!(body.contains("serveur discord.gg/AbC-123"));
        assert_eq!(body.matches("Ajoute ce pseudo").count(), 1, "{path}");
    }
}

/// The icons are ours, served with the stylesheets for a year.
#[tokio::test]
async fn the_network_icons_are_served_from_our_assets() {
    let app = spawn_app().await;
    let mut anon = app.client();
    let page = anon.get("/annuaire").await.body;
    let css = page
        .split("href=\"")
        .map(|s| &s[..s.find('"').unwrap()])
        .find(|h| h.ends_with("/directory.css"))
        .expect("the directory's stylesheet is linked")
        .to_owned();
    let r = anon.get(&css).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains(".network-icon-snapchat { -webkit-mask-image: url(net-snapchat.svg)")
    );
    for platform in [
        "instagram",
        "snapchat",
        "tiktok",
        "discord",
        "facebook",
        "x",
        "youtube",
        "twitch",
        "whatsapp",
        "messenger",
        "other",
    ] {
        let r = anon
            .get(&css.replace("directory.css", &format!("net-{platform}.svg")))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{platform}");
        assert_eq!(r.headers["content-type"], "image/svg+xml");
        assert_eq!(
            r.headers["cache-control"],
            "public, max-age=31536000, immutable"
        );
        assert!(
            r.body.starts_with("<svg") && r.body.contains("viewBox=\"0 0 24 24\""),
            "{platform}"
        );
    }
}

/// The API takes the same radius, in km, from a commune only.
#[tokio::test]
async fn the_api_keeps_the_promeneurs_within_a_radius() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = seed(&mut coord).await;
    let mut anon = app.client();
    let r = anon.get("/api/v1/public/promeneurs?commune=03310").await;
    assert_eq!(r.json()["total"], 2, "no radius: every distance");
    let r = anon
        .get("/api/v1/public/promeneurs?commune=03310&radius_km=20")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["total"], 1);
    assert_eq!(r.json()["items"][0]["id"], s.lea.as_str());
    let r = anon
        .get("/api/v1/public/promeneurs?commune=03310&radius_km=60")
        .await;
    assert_eq!(r.json()["total"], 2);
    assert_eq!(r.json()["items"][1]["id"], s.hugo.as_str());
    for bad in ["0", "501", "12.5", "loin", "-3"] {
        let r = anon
            .get(&format!(
                "/api/v1/public/promeneurs?commune=03310&radius_km={bad}"
            ))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert!(
            r.body
                .contains("Le rayon est un nombre entier de kilomètres, de 1 à 500."),
            "{}",
            r.body
        );
    }
    let r = anon.get("/api/v1/public/promeneurs?radius_km=20").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("radius_km"), "{}", r.body);
}

/// The map, one tap from the list: the promeneurs found grouped by place,
/// each group a link named with its count to the results near it; the
/// same links as text; zoomed on the disc searched.
#[tokio::test]
async fn the_map_groups_the_promeneurs_by_place() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    seed(&mut coord).await;
    let mut anon = app.client();
    // The map: one link per place, named with its count, to the results
    // near it; the same links as text; the searched commune drawn apart.
    let r = anon.get("/annuaire?ou=Vichy&rayon=tous&vue=carte").await;
    assert!(
        r.body
            .contains("<title>2 promeneurs trouvés — près de Vichy (carte)")
    );
    assert!(
        r.body
            .contains("role=\"group\" aria-label=\"Carte des promeneurs trouvés\"")
    );
    assert_eq!(r.body.matches("<a class=\"map-cluster\"").count(), 2);
    for (insee, name) in [("03310", "Vichy"), ("63113", "Clermont-Ferrand")] {
        let href = format!("/annuaire?commune={insee}&amp;rayon=10#resultats");
        assert!(
            r.body.contains(&format!(
                "<a class=\"map-cluster\" href=\"{href}\" aria-label=\"{name} : 1 promeneur\">"
            )),
            "{}",
            r.body
        );
        assert!(r.body.contains(&format!(
            "<li><a href=\"{}\">{name} : 1 promeneur</a></li>",
            href.replace("&amp;", "&#38;")
        )));
    }
    assert!(r.body.contains("class=\"map-origin\""));
    assert!(
        r.body
            .contains("<input type=\"hidden\" name=\"vue\" value=\"carte\">")
    );
    assert!(r.body.contains("aria-current=\"page\">Carte</a>"));
    assert_eq!(
        r.body.matches("<article class=\"promeneur-card\"").count(),
        0
    );
    // Zoomed on the disc searched: Clermont-Ferrand is left out.
    let r = anon.get("/annuaire?ou=Vichy&vue=carte").await;
    assert!(r.body.contains("<svg class=\"results-map map-zoomed\""));
    assert_eq!(r.body.matches("<a class=\"map-cluster\"").count(), 1);
}
