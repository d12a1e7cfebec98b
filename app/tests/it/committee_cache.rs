//! The committee's lists are computed from data kept in memory per call
//! revision (`services::committee::state`): every change of what they read
//! must show at the next request, whoever made it. Each step below reads
//! the lists first (so that they are kept), changes one thing, and reads
//! again.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::{
    committee::{marks, review},
    harness::*,
};

/// The 63 ranking of M1 as agent63 reads it, by application id.
async fn ranking_63(c: &mut Client<'_>, call: &str) -> Vec<Value> {
    let r = c
        .get(&format!("/api/v1/calls/{call}/modules/M1/results"))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let v = r.json();
    let d63 = v["outcomes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["department"] == "63")
        .cloned()
        .expect("the 63 outcome");
    d63["ranking"].as_array().unwrap().clone()
}

fn row<'a>(ranking: &'a [Value], id: &str) -> Option<&'a Value> {
    ranking.iter().find(|r| r["application_id"] == id)
}

#[tokio::test]
async fn the_lists_show_every_change_at_the_next_request() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    app.seated_member(&s.call, "caf@comite.test", "Caf 63", None)
        .await;
    let mut agent = app.logged_in(AGENT63).await;
    let mut member = app.logged_in("caf@comite.test").await;

    let before = ranking_63(&mut agent, &s.call).await;
    assert_eq!(before.len(), 2, "A and B are in lice in 63");
    assert!(row(&before, &s.a).unwrap()["score"].is_null());
    assert_eq!(row(&before, &s.a).unwrap()["reviews"], 0);

    // A review: its score shows.
    let r = review(&mut member, &s.a, &marks(15, 10)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let after = ranking_63(&mut agent, &s.call).await;
    assert_eq!(row(&after, &s.a).unwrap()["score"], 65.0);
    assert_eq!(row(&after, &s.a).unwrap()["reviews"], 1);

    // The review revised: the new score shows.
    review(&mut member, &s.a, &marks(20, 20)).await;
    let after = ranking_63(&mut agent, &s.call).await;
    assert_eq!(row(&after, &s.a).unwrap()["score"], 100.0);

    // The applicant structure renamed: its new name shows.
    let r = agent
        .json(
            "PATCH",
            &format!("/api/v1/structures/{}", s.b_structure),
            &json!({"name": "Centre B renommé"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let after = ranking_63(&mut agent, &s.call).await;
    assert_eq!(
        row(&after, &s.b).unwrap()["structure_name"],
        "Centre B renommé"
    );

    // A declared conflict: the member no longer counts for B, and its own
    // list marks B.
    assert_eq!(row(&after, &s.b).unwrap()["reviews_expected"], 1);
    let badges = |body: &str| body.matches("badge badge-error").count();
    let home = member.get("/comite").await;
    assert_eq!(home.status, StatusCode::OK);
    assert_eq!(badges(&home.body), 0, "{}", home.body);
    let r = member
        .json(
            "POST",
            &format!("/api/v1/applications/{}/conflict", s.b),
            &json!({"reason": "Ancien salarié de la structure"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let after = ranking_63(&mut agent, &s.call).await;
    assert_eq!(row(&after, &s.b).unwrap()["reviews_expected"], 0);

    assert_eq!(badges(&member.get("/comite").await.body), 1);

    // The applicant withdraws B: it leaves the ranking.
    let mut applicant = app.logged_in("centre-b@structure.test").await;
    let r = applicant
        .json(
            "POST",
            &format!("/api/v1/applications/{}/withdraw", s.b),
            &json!({}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let after = ranking_63(&mut agent, &s.call).await;
    assert!(row(&after, &s.b).is_none(), "{after:?}");
    assert_eq!(after.len(), 1);
}

#[tokio::test]
async fn a_seat_follows_what_its_members_account_becomes() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    app.seated_member(&s.call, "caf@comite.test", "Caf 63", None)
        .await;
    let mut agent = app.logged_in(AGENT63).await;
    let before = ranking_63(&mut agent, &s.call).await;
    assert_eq!(row(&before, &s.b).unwrap()["reviews_expected"], 1);

    // The member's account becomes a referent of B (an administrator
    // grants it): it is now in conflict with B, which no longer expects
    // its review.
    let user = store::users::find_by_email(&app.db, "caf@comite.test")
        .await
        .unwrap()
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    store::users::add_grant(
        &mut tx,
        &domain::AdminCap::for_console(),
        &store::audit::Actor::console(),
        app.now(),
        user,
        &crate::build::referent_of(&s.b_structure)[0],
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let after = ranking_63(&mut agent, &s.call).await;
    assert_eq!(row(&after, &s.b).unwrap()["reviews_expected"], 0);
    assert_eq!(row(&after, &s.a).unwrap()["reviews_expected"], 1);
}
