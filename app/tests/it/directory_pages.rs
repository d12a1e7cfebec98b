//! The public directory pages: a young person looks for a promeneur near
//! home, opens a profile, and checks the code printed on a poster.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::{build::*, harness::*};

pub(crate) struct Seeded {
    /// Léa Martin, in Vichy, on Instagram and Snapchat.
    pub(crate) lea: String,
    lea_code: String,
    /// Hugo Bernard, in Clermont-Ferrand, on TikTok only.
    pub(crate) hugo: String,
}

/// A promeneur in Clermont-Ferrand (created first) and one in Vichy, both
/// public.
pub(crate) async fn seed(coord: &mut Client<'_>) -> Seeded {
    let vichy = coord
        .new_structure("MJC de Vichy", Some(SIRET_A), "03310")
        .await;
    let clermont = coord
        .new_structure("Centre social Clermont", None, "63113")
        .await;
    let mut hugo = public_promeneur(&clermont, "hugo@cs-clermont.fr", "63113");
    hugo["first_name"] = json!("Hugo");
    hugo["last_name"] = json!("Bernard");
    hugo["phone"] = json!("04 73 00 00 01");
    hugo["networks"] = json!([{"platform": "tiktok", "handle": "@pdn.hugo"}]);
    let hugo = create(coord, &hugo).await;
    let lea = create(
        coord,
        &public_promeneur(&vichy, "lea@mjc-vichy.fr", "03310"),
    )
    .await;
    Seeded {
        lea: lea["id"].as_str().unwrap().to_owned(),
        lea_code: lea["verification_code"].as_str().unwrap().to_owned(),
        hugo: hugo["id"].as_str().unwrap().to_owned(),
    }
}

async fn create(coord: &mut Client<'_>, body: &Value) -> Value {
    let r = coord.json("POST", "/api/v1/promeneurs", body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // Consent is the promeneur's own, from its account.
    let id = r.json()["id"].as_str().unwrap().to_owned();
    coord.app().consent_from_account(&id).await;
    let r = coord.get(&format!("/api/v1/promeneurs/{id}")).await;
    assert_eq!(r.json()["in_directory"], true, "{}", r.body);
    r.json()
}

fn assert_private_data_absent(body: &str) {
    for secret in [
        "lea@mjc-vichy.fr",
        "hugo@cs-clermont.fr",
        "06 12 34 56 78",
        "0612345678",
        "+33612345678",
        "04 73 00 00 01",
        "+33473000001",
        "accueil@structure.fr",
    ] {
        assert!(!body.contains(secret), "{secret} leaked:\n{body}");
    }
}

fn position(body: &str, needle: &str) -> usize {
    body.find(needle)
        .unwrap_or_else(|| panic!("{needle} not in:\n{body}"))
}

#[tokio::test]
async fn a_young_person_finds_the_nearest_promeneur_by_town_or_postal_code() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = seed(&mut coord).await;
    let mut anon = app.client();

    // From a commune: within 20 km unless asked otherwise (Clermont-Ferrand
    // is 47 km from Vichy as the crow flies).
    let r = anon.get("/annuaire?ou=Vichy").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers.get("set-cookie").is_none(),
        "the directory sets no cookie"
    );
    assert!(r.body.contains("role=\"search\""));
    assert!(
        r.body.contains(
            "<h2 id=\"resultats-titre\">1 promeneur à moins de 20 km de Vichy<span class=\"results-sub\"> du plus proche au plus loin</span></h2>"
        ),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("<title>1 promeneur à moins de 20 km de Vichy — Promeneurs du Net</title>")
    );
    assert!(r.body.contains(&format!("/promeneurs/{}", s.lea)));
    assert!(!r.body.contains(&format!("/promeneurs/{}", s.hugo)));
    // The other distances, one link each, the current one marked; the
    // form's choice says the same.
    assert!(
        r.body
            .contains("<nav class=\"radius-links\" aria-label=\"Distance de la recherche\">")
    );
    assert!(
        r.body
            .contains("<a href=\"/annuaire?ou=Vichy#resultats\" aria-current=\"true\">20 km</a>")
    );
    assert!(
        r.body
            .contains("<a href=\"/annuaire?ou=Vichy&#38;rayon=40#resultats\">40 km</a>")
    );
    assert!(
        r.body
            .contains("<a href=\"/annuaire?ou=Vichy&#38;rayon=tous#resultats\">Partout</a>")
    );
    assert!(
        r.body
            .contains("<option value=\"20\" selected>20 km</option>")
    );
    // Further: both, the nearest first.
    let r = anon.get("/annuaire?ou=Vichy&rayon=tous").await;
    assert!(r.body.contains("2 promeneurs trouvés"), "{}", r.body);
    assert!(
        r.body
            .contains("<title>2 promeneurs trouvés — près de Vichy")
    );
    assert!(
        r.body
            .contains("<span class=\"results-sub\"> du plus proche au plus loin de Vichy</span>")
    );
    assert!(
        r.body
            .contains("<option value=\"tous\" selected>Partout</option>")
    );
    assert_eq!(
        anon.get("/annuaire?ou=Vichy&rayon=60")
            .await
            .body
            .matches("<article class=\"promeneur-card\"")
            .count(),
        2,
        "any whole number of km"
    );
    // Nearest first: Vichy before Clermont-Ferrand, with the distances.
    let lea_at = position(&r.body, &format!("href=\"/promeneurs/{}\"><span", s.lea));
    let hugo_at = position(&r.body, &format!("href=\"/promeneurs/{}\"><span", s.hugo));
    assert!(lea_at < hugo_at, "Vichy comes first");
    assert!(r.body.contains("à moins d&#39;1 km"));
    assert!(r.body.contains("Voir le profil de </span>Léa Martin"));
    // Accounts as buttons, presence in words, themes by label.
    assert!(r.body.contains(
        "<a class=\"network-button\" href=\"https://www.instagram.com/pdn.lea/\" rel=\"noopener noreferrer\"><span class=\"network-icon network-icon-instagram\" aria-hidden=\"true\"></span><span class=\"network-text\"><span class=\"network-name\">Instagram</span><span class=\"visually-hidden\"> : </span> <span class=\"network-handle\">pdn.lea</span></span></a>"
    ), "{}", r.body);
    assert!(r.body.contains("le mardi de 17 h à 19 h"));
    assert!(r.body.contains("Orientation"), "theme labels, not slugs");
    // When each comes back (Thursday morning now), and who is online.
    assert!(
        r.body
            .contains("<p class=\"availability\">De retour mardi à 17 h</p>"),
        "{}",
        r.body
    );
    app.clock.set("2026-12-01T16:30:00Z".parse().unwrap());
    let online = anon.get("/annuaire?ou=Vichy&rayon=tous").await;
    assert!(
        online.body.contains(
            "En ligne maintenant</span> <span class=\"availability\">jusqu&#39;à 19 h</span>"
        ),
        "{}",
        online.body
    );
    app.clock.set("2026-11-26T09:00:00Z".parse().unwrap());
    assert_private_data_absent(&r.body);
    // The list does not carry the map: it is one tap away.
    assert!(!r.body.contains("<svg"));
    assert!(r.body.contains(
        "<li><a href=\"/annuaire?ou=Vichy&#38;rayon=tous#resultats\" aria-current=\"page\">Liste</a></li><li><a href=\"/annuaire?ou=Vichy&#38;rayon=tous&#38;vue=carte#resultats\">Carte</a></li>"
    ), "{}", r.body);
    // A postal code shared by Vichy, Abrest and Le Vernet: distances from
    // Vichy (not from Neuvy, whose INSEE code is 03200), and the others offered.
    let r = anon.get("/annuaire?ou=03200&rayon=tous").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.contains("2 promeneurs trouvés"), "{}", r.body);
    assert!(
        position(&r.body, &format!("/promeneurs/{}\"><span", s.lea))
            < position(&r.body, &format!("/promeneurs/{}\"><span", s.hugo))
    );
    assert!(
        r.body
            .contains("Le code postal 03200 couvre plusieurs communes")
    );
    assert!(
        r.body
            .contains("href=\"/annuaire?commune=03001&#38;rayon=tous#resultats\""),
        "Abrest"
    );
    // The search lands on its results, the count first, suggestions
    // included; "de" elided before a vowel.
    assert!(
        r.body
            .contains("<form method=\"get\" action=\"/annuaire#resultats\"")
    );
    assert!(
        position(&r.body, "id=\"resultats\"") < position(&r.body, "Le code postal 03200")
            && position(&r.body, "Le code postal 03200")
                < position(&r.body, "id=\"resultats-titre\"")
    );

    // The API's own contract: an INSEE code sorts too.
    let r = anon.get("/annuaire?commune=63113&rayon=tous").await;
    assert!(
        position(&r.body, &format!("/promeneurs/{}\"><span", s.hugo))
            < position(&r.body, &format!("/promeneurs/{}\"><span", s.lea))
    );
    assert!(r.body.contains("value=\"Clermont-Ferrand (63000)\""));
}

#[tokio::test]
async fn the_directory_filters_and_says_when_nothing_matches() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = seed(&mut coord).await;
    let mut anon = app.client();

    let r = anon
        .get("/annuaire?ou=Vichy&network=tiktok&rayon=tous")
        .await;
    assert!(r.body.contains("1 promeneur trouvé"), "{}", r.body);
    assert!(r.body.contains(&format!("/promeneurs/{}", s.hugo)));
    assert!(!r.body.contains(&format!("/promeneurs/{}", s.lea)));
    assert!(
        r.body
            .contains("<option value=\"tiktok\" selected>TikTok</option>")
    );
    // Nobody within the radius: the nearest one is a link away.
    let r = anon.get("/annuaire?ou=Vichy&network=tiktok&rayon=10").await;
    assert!(
        r.body.contains("Aucun promeneur à moins de 10 km de Vichy"),
        "{}",
        r.body
    );
    assert!(!r.body.contains(&format!("/promeneurs/{}", s.hugo)));
    assert!(r.body.contains(
        "<a href=\"/annuaire?ou=Vichy&#38;network=tiktok&#38;rayon=tous#resultats\">Voir tous les promeneurs, du plus proche au plus loin (le plus proche est à 47 km)</a>"
    ), "{}", r.body);
    assert!(!r.body.contains(">Carte</a>"), "no map of nobody");

    let r = anon.get("/annuaire?department=03&network=snapchat").await;
    assert!(r.body.contains("1 promeneur trouvé"));
    assert!(r.body.contains(&format!("/promeneurs/{}", s.lea)));

    // 2026-11-26T09:00Z is a Thursday morning: nobody is online.
    let r = anon.get("/annuaire?online_now=on").await;
    assert!(r.body.contains("Aucun promeneur trouvé"));
    // It says who comes back first, and when.
    assert!(
        r.body
            .contains("Personne n'est en ligne en ce moment. Le prochain : <a href=\"/promeneurs/")
            && r.body.contains(", de retour mardi à 17 h.</p>"),
        "{}",
        r.body
    );
    // "Online now" is at hand, not folded in "Plus de filtres".
    assert!(position(&r.body, "id=\"online_now\"") < position(&r.body, "<summary>Plus de filtres"));
    assert!(r.body.contains("Voir tous les Promeneurs du Net"));
    assert!(!r.body.contains("map-cluster"));

    // Without any search: everyone, on one page.
    let r = anon.get("/annuaire").await;
    assert!(r.body.contains("2 promeneurs trouvés"));
    assert!(r.body.contains("<title>Annuaire des Promeneurs du Net"));
    assert_private_data_absent(&r.body);
}

#[tokio::test]
async fn an_ambiguous_or_unknown_town_offers_choices() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    seed(&mut coord).await;
    let mut anon = app.client();

    // Two communes are called Chappes (Allier and Puy-de-Dôme).
    let r = anon.get("/annuaire?ou=Chappes&network=instagram").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("Plusieurs communes s&#39;appellent"),
        "{}",
        r.body
    );
    // The links keep the other filters.
    assert!(
        r.body
            .contains("href=\"/annuaire?commune=03058&#38;network=instagram#resultats\""),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("href=\"/annuaire?commune=63089&#38;network=instagram#resultats\"")
    );
    // Half a name: "did you mean".
    let r = anon.get("/annuaire?ou=Clermont").await;
    assert!(r.body.contains("Tu voulais dire"), "{}", r.body);
    assert!(r.body.contains("commune=63113"));
    // Nowhere near: still everyone, and a hint.
    let r = anon.get("/annuaire?ou=Zzyzx").await;
    assert!(r.body.contains("On ne trouve pas"));
    assert!(r.body.contains("2 promeneurs trouvés"));
}

#[tokio::test]
async fn only_public_promeneurs_have_a_profile() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = seed(&mut coord).await;
    let mut anon = app.client();

    let r = anon.get(&format!("/promeneurs/{}", s.lea)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers.get("set-cookie").is_none());
    assert!(r.body.contains("<h1>Léa Martin</h1>"));
    assert!(r.body.contains("MJC de Vichy"));
    assert!(
        r.body
            .contains("Présent·e en ligne le mardi de 17 h à 19 h")
    );
    assert!(r.body.contains("Je réponds à vos questions."));
    assert!(
        r.body
            .contains(&format!("href=\"/verifier/{}\"", s.lea_code))
    );
    assert!(r.body.contains("<span class=\"network-name\">Instagram</span><span class=\"visually-hidden\"> : </span> <span class=\"network-handle\">pdn.lea</span>"));
    assert!(
        r.body
            .contains("<ul class=\"network-links\" aria-label=\"Comptes de Léa Martin\">")
    );
    assert_private_data_absent(&r.body);
    // No photo: no image, and no photo to fetch.
    assert!(!r.body.contains("<img"));
    let r = anon.get(&format!("/promeneurs/{}/photo", s.lea)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // With a photo: shown, and served to anyone while she is public.
    let r = coord
        .bytes(
            "PUT",
            &format!("/api/v1/promeneurs/{}/photo", s.lea),
            "image/png",
            PNG_1X1.to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let r = anon.get(&format!("/promeneurs/{}", s.lea)).await;
    assert!(r.body.contains(&format!(
        "src=\"/promeneurs/{}/photo\" alt=\"Photo de Léa Martin\"",
        s.lea
    )));
    let r = anon.get(&format!("/promeneurs/{}/photo", s.lea)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "image/jpeg");
    assert_eq!(r.headers["cache-control"], "public, max-age=300");

    // Suspended, unknown, malformed: the same 404 page.
    let r = coord
        .json(
            "POST",
            &format!("/api/v1/promeneurs/{}/status", s.hugo),
            &json!({"status": "suspended", "reason": "Congé"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    for path in [
        format!("/promeneurs/{}", s.hugo),
        format!("/promeneurs/{}", uuid::Uuid::new_v4()),
        "/promeneurs/nope".to_owned(),
    ] {
        let r = anon.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}");
        assert!(r.body.contains("Page introuvable"), "{path}");
        assert!(!r.body.contains("Hugo"), "{path}");
    }
    let r = anon.get("/annuaire").await;
    assert!(r.body.contains("1 promeneur trouvé"));
    assert!(!r.body.contains("Hugo Bernard"));
    let r = coord
        .json(
            "POST",
            &format!("/api/v1/promeneurs/{}/status", s.lea),
            &json!({"status": "suspended"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = anon.get(&format!("/promeneurs/{}/photo", s.lea)).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// A 1×1 PNG.
const PNG_1X1: &[u8] = b"\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x0d\x49\x44\x41\x54\x78\xda\x63\x64\x60\xf8\x5f\x0f\x00\x02\x87\x01\x80\xeb\x47\xba\x92\x00\x00\x00\x00\x49\x45\x4e\x44\xae\x42\x60\x82";

#[tokio::test]
async fn results_come_twenty_to_a_page_and_the_links_keep_the_filters() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = coord
        .new_structure("MJC de Vichy", Some(SIRET_A), "03310")
        .await;
    for i in 0..21 {
        let mut p = public_promeneur(&s, &format!("p{i}@mjc-vichy.fr"), "03310");
        p["last_name"] = json!(format!("Numéro {i:02}"));
        create(&mut coord, &p).await;
    }
    let mut anon = app.client();
    let r = anon.get("/annuaire?ou=Vichy&network=instagram").await;
    assert!(r.body.contains("21 promeneurs à moins de 20 km de Vichy"));
    assert_eq!(
        r.body.matches("<article class=\"promeneur-card\"").count(),
        20
    );
    assert!(!r.body.contains("Page précédente"));
    // The next page lands on its results too.
    let next = "/annuaire?ou=Vichy&#38;network=instagram&#38;page=2";
    assert!(
        r.body.contains(&format!(
            "<a href=\"{next}#resultats\" rel=\"next\">Page suivante</a>"
        )),
        "{}",
        r.body
    );
    assert!(r.body.contains("aria-current=\"page\""));

    let r = anon.get(&next.replace("&#38;", "&")).await;
    assert!(r.body.contains("21 promeneurs à moins de 20 km de Vichy"));
    assert!(r.body.contains("(page 2) — Promeneurs du Net</title>"));
    assert_eq!(
        r.body.matches("<article class=\"promeneur-card\"").count(),
        1
    );
    assert!(r.body.contains("Page précédente"));
    assert!(!r.body.contains("Page suivante"));
}

#[tokio::test]
async fn a_poster_code_is_checked_and_its_qr_code_printed() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = seed(&mut coord).await;
    let code = &s.lea_code;
    let mut anon = app.client();

    // The form: a code typed loosely goes to its stable address.
    let r = anon.get("/verifier").await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body.contains("Le code figure sur l&#39;affiche")
            || r.body.contains("Le code figure sur l'affiche")
    );
    let loose = code.to_lowercase().replace('-', " ");
    let r = anon
        .get(&format!("/verifier?code={}", loose.replace(' ', "+")))
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/verifier/{code}"));
    let r = anon.get("/verifier?code=abc").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("aria-invalid=\"true\""));

    // Genuine: the name, the structure and the exact accounts.
    let r = anon.get(&format!("/verifier/{code}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.headers.get("set-cookie").is_none());
    assert!(
        r.body
            .contains("Ce profil est bien celui d&#39;un Promeneur du Net")
            || r.body
                .contains("Ce profil est bien celui d'un Promeneur du Net")
    );
    assert!(r.body.contains("Léa Martin") && r.body.contains("MJC de Vichy"));
    for (name, handle) in [("Instagram", "pdn.lea"), ("Snapchat", "pdn-lea")] {
        assert!(r.body.contains(&format!(
            "<span class=\"network-name\">{name}</span><span class=\"visually-hidden\"> : </span> <span class=\"network-handle\">{handle}</span>"
        )), "{}", r.body);
    }
    // The printing of posters is for the promeneur, not on this page.
    assert!(!r.body.contains("qr.svg"));
    assert!(
        !r.body.contains("vous") && !r.body.contains("Vous"),
        "a young person is spoken to with « tu »"
    );
    assert_private_data_absent(&r.body);

    let r = anon.get(&format!("/verifier/{code}/qr.svg")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.headers["content-type"], "image/svg+xml");
    assert_eq!(
        r.headers["content-disposition"],
        format!("inline; filename=\"promeneur-{code}.svg\"").as_str()
    );
    assert!(r.body.starts_with("<svg") && r.body.contains("</svg>"));

    // She leaves: the code still answers, with her name only.
    let r = coord
        .json(
            "POST",
            &format!("/api/v1/promeneurs/{}/status", s.lea),
            &json!({"status": "left"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let r = anon.get(&format!("/verifier/{code}")).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.body
            .contains("n&#39;est pas (ou plus) un Promeneur du Net")
            || r.body.contains("n'est pas (ou plus) un Promeneur du Net"),
        "{}",
        r.body
    );
    assert!(r.body.contains("Léa Martin"));
    assert!(!r.body.contains("pdn.lea") && !r.body.contains("MJC de Vichy"));
    assert!(!r.body.contains("qr.svg"));
    let r = anon.get(&format!("/verifier/{code}/qr.svg")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    // A code nobody has: our own 404, with a warning.
    let unknown = if code == "AAAA-AAAA" {
        "BBBB-BBBB"
    } else {
        "AAAA-AAAA"
    };
    let r = anon.get(&format!("/verifier/{unknown}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(r.body.contains("Ce code ne correspond à aucun Promeneur du Net. Méfie-toi du compte qui te l&#39;a donné.") || r.body.contains("Ce code ne correspond à aucun Promeneur du Net. Méfie-toi du compte qui te l'a donné."), "{}", r.body);
    let r = anon.get("/verifier/pas-un-code").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(
        r.body
            .contains("Ce code ne correspond à aucun Promeneur du Net.")
    );
}

#[tokio::test]
async fn everyone_sees_the_directory_in_the_navigation_and_on_the_home_page() {
    let app = spawn_app().await;
    let r = app.client().get("/").await;
    assert!(
        r.body
            .contains("<li><a href=\"/annuaire\">Annuaire</a></li>")
    );
    assert!(r.body.contains("class=\"cta\" href=\"/annuaire\""));
    assert!(r.body.contains("href=\"/verifier\""));
}

/// The cards' text is escaped once per promeneur and kept (see
/// `directory/pages/cards.rs`): what a promeneur typed stays text, on the
/// page that makes the card and on those that reuse it.
#[tokio::test]
async fn a_promeneurs_text_stays_escaped_on_the_cards() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = coord
        .new_structure("MJC de Vichy", Some(SIRET_A), "03310")
        .await;
    let mut p = public_promeneur(&s, "zoe@mjc-vichy.fr", "03310");
    p["first_name"] = json!("Zoé<script>alert(1)</script>");
    p["last_name"] = json!("D'Arc \"&");
    p["job_title"] = json!("<b>Animatrice</b>");
    p["networks"] = json!([{"platform": "other", "handle": "\"><img src=x onerror=alert(2)>", "url": "https://example.org/zoe?x=1&y=2"}]);
    create(&mut coord, &p).await;
    let mut anon = app.client();
    for url in ["/annuaire", "/annuaire?commune=03310", "/annuaire?q=Zo"] {
        let r = anon.get(url).await;
        assert_eq!(r.status, StatusCode::OK);
        let body = &r.body;
        assert_eq!(
            body.matches("<article class=\"promeneur-card\"").count(),
            1,
            "{url}"
        );
        for raw in [
            "<script>alert(1)",
            "<b>Animatrice",
            "<img src=x",
            "D'Arc \"&",
        ] {
            assert!(!body.contains(raw), "{raw} unescaped on {url}:\n{body}");
        }
        assert!(
            body.contains(
                "Zoé&#60;script&#62;alert(1)&#60;/script&#62; D&#39;Arc &#34;&#38;</a></h3>"
            ),
            "{body}"
        );
        assert!(body.contains("&#60;b&#62;Animatrice&#60;/b&#62;, MJC de Vichy"));
        assert!(body.contains(
            "<a class=\"network-button\" href=\"https://example.org/zoe?x=1&#38;y=2\" rel=\"noopener noreferrer\"><span class=\"network-icon network-icon-other\" aria-hidden=\"true\"></span><span class=\"network-text\"><span class=\"network-name\">Autre</span><span class=\"visually-hidden\"> : </span> <span class=\"network-handle\">&#34;&#62;&#60;img src=x onerror=alert(2)&#62;</span></span></a>"
        ), "{body}");
    }
    // The map names places, not people.
    let body = anon.get("/annuaire?q=Zo&vue=carte").await.body;
    assert!(
        body.contains("aria-label=\"Vichy : 1 promeneur\""),
        "{body}"
    );
    assert!(!body.contains("Zoé") && !body.contains("<script>alert"));
}
