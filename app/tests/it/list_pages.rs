//! The staff's lists of structures and promeneurs, 50 rows a page, with
//! links to the previous and next pages that keep the filters; the
//! children read with each promeneur's row.

use axum::http::StatusCode;
use serde_json::json;

use crate::{build::*, harness::*};

fn rows(body: &str) -> usize {
    body.matches("<td><a href=\"/reseau/structures/").count()
}

#[tokio::test]
async fn the_structures_list_goes_fifty_at_a_time() {
    let app = spawn_app().await;
    let mut staff = app.logged_in(AGENT03).await;
    for i in 0..52 {
        staff
            .new_structure(&format!("Maison {i:02}"), None, "03185")
            .await;
    }
    let first = staff.get("/reseau/structures?q=maison").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(rows(&first.body), 50);
    assert!(first.body.contains("1 à 50 sur 52"), "{}", first.body);
    assert!(first.body.contains("Maison 00") && !first.body.contains("Maison 51"));
    assert!(
        first
            .body
            .contains("href=\"/reseau/structures?q=maison&#38;page=2\" rel=\"next\""),
        "{}",
        first.body
    );
    assert!(!first.body.contains("rel=\"prev\""));

    let second = staff.get("/reseau/structures?q=maison&page=2").await;
    assert_eq!(rows(&second.body), 2);
    assert!(second.body.contains("51 à 52 sur 52"));
    assert!(second.body.contains("Maison 51"));
    assert!(
        second
            .body
            .contains("href=\"/reseau/structures?q=maison&#38;page=1\" rel=\"prev\"")
    );
    assert!(!second.body.contains("rel=\"next\""));

    // A page number that is not one: the first page.
    let odd = staff.get("/reseau/structures?q=maison&page=deux").await;
    assert_eq!(odd.status, StatusCode::OK);
    assert_eq!(rows(&odd.body), 50);
    // Past the end: no rows, a link back to the last page.
    let past = staff.get("/reseau/structures?q=maison&page=7").await;
    assert_eq!(past.status, StatusCode::OK);
    assert_eq!(rows(&past.body), 0);
    assert!(
        past.body
            .contains("href=\"/reseau/structures?q=maison&#38;page=2\" rel=\"prev\"")
    );
    // A list on one page has no page links.
    let one = staff.get("/reseau/structures?q=maison+07").await;
    assert_eq!(rows(&one.body), 1);
    assert!(!one.body.contains("Pages de la liste"));

    // The promeneurs' list pages the same way; the link to the form
    // follows the structures one may attach a promeneur to.
    let page = staff.get("/reseau/promeneurs?page=3").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Aucun promeneur ne correspond."));
    assert!(
        page.body
            .contains("href=\"/reseau/promeneurs?page=1\" rel=\"prev\"")
    );
    assert!(page.body.contains("/reseau/promeneurs/nouveau"));
    let mut other = app.logged_in(AGENT63).await;
    let page = other.get("/reseau/promeneurs").await;
    assert!(
        !page.body.contains("/reseau/promeneurs/nouveau"),
        "no structure in 63"
    );
}

/// A promeneur's networks, presence slots and themes are read with its row
/// (one JSON array each, spelt per dialect): in the order they were given
/// (networks), by day and hour (slots), by the themes' order (themes); a
/// promeneur with none has empty lists, in the list, alone, and exported.
#[tokio::test]
async fn children_come_back_in_their_order_and_empty_when_none() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = coord
        .new_structure("MJC de Vichy", Some(SIRET_A), "03310")
        .await;
    let mut full = public_promeneur(&s, "plein@x.fr", "03310");
    full["networks"] = json!([
        {"platform": "snapchat", "handle": "pdn-zoe"},
        {"platform": "discord", "handle": "pdn_zoe"},
        {"platform": "instagram", "handle": "@pdn.zoe"}
    ]);
    full["presence"] = json!([
        {"weekday": 5, "start": "18:00", "end": "19:00"},
        {"weekday": 2, "start": "17:00", "end": "18:00"},
        {"weekday": 2, "start": "10:00", "end": "11:00"}
    ]);
    full["themes"] = json!(["addictions", "sante", "orientation"]);
    let r = coord.json("POST", "/api/v1/promeneurs", &full).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let full_id = r.json()["id"].as_str().unwrap().to_owned();
    let mut bare = public_promeneur(&s, "vide@x.fr", "03310");
    bare["networks"] = json!([]);
    bare["presence"] = json!([]);
    bare["themes"] = json!([]);
    bare["status"] = json!("candidate");
    let r = coord.json("POST", "/api/v1/promeneurs", &bare).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let bare_id = r.json()["id"].as_str().unwrap().to_owned();

    let handles = |p: &serde_json::Value| -> Vec<String> {
        p["networks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n["handle"].as_str().unwrap().to_owned())
            .collect()
    };
    let list = coord
        .get(&format!("/api/v1/promeneurs?structure_id={s}"))
        .await
        .json();
    let items = list["items"].as_array().unwrap();
    assert_eq!(items.len(), 2, "{list}");
    for p in [
        items
            .iter()
            .find(|p| p["id"] == full_id.as_str())
            .unwrap()
            .clone(),
        coord
            .get(&format!("/api/v1/promeneurs/{full_id}"))
            .await
            .json(),
    ] {
        assert_eq!(handles(&p), ["pdn-zoe", "pdn_zoe", "pdn.zoe"], "{p}");
        assert_eq!(
            p["presence_text"],
            "le mardi de 10 h à 11 h et de 17 h à 18 h ; le vendredi de 18 h à 19 h",
            "{p}"
        );
        let starts: Vec<_> = p["presence"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["weekday"].as_i64().unwrap(), s["start"].as_str().unwrap()))
            .collect();
        assert_eq!(starts, [(2, "10:00"), (2, "17:00"), (5, "18:00")]);
        assert_eq!(p["themes"], json!(["orientation", "sante", "addictions"]));
    }
    for p in [
        items
            .iter()
            .find(|p| p["id"] == bare_id.as_str())
            .unwrap()
            .clone(),
        coord
            .get(&format!("/api/v1/promeneurs/{bare_id}"))
            .await
            .json(),
    ] {
        assert_eq!(p["networks"], json!([]), "{p}");
        assert_eq!(p["presence"], json!([]), "{p}");
        assert_eq!(p["themes"], json!([]), "{p}");
    }
    let csv = String::from_utf8(coord.get_bytes("/api/v1/promeneurs/export").await).unwrap();
    let line = csv.lines().find(|l| l.contains("plein@x.fr")).unwrap();
    assert!(
        line.contains("snapchat:pdn-zoe, discord:pdn_zoe, instagram:pdn.zoe"),
        "{line}"
    );
    assert!(line.contains("orientation, sante, addictions"), "{line}");
}
