//! The staff's lists of structures and promeneurs, 50 rows a page, with
//! links to the previous and next pages that keep the filters.

use axum::http::StatusCode;

use crate::harness::*;

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
