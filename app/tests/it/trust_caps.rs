//! The capabilities of a call's staff (`CallStaffCap`) and of its
//! committee's members (`ReviewerCap`) reach only that call and, for
//! staff, its départements they hold: an insider holding one for another
//! call or département finds nothing in the store.

use std::collections::BTreeMap;

use domain::{DepartmentCode, Principal, SeatFacts};
use serde_json::json;
use store::{StoreError, audit::Actor};
use uuid::Uuid;

use crate::{build::*, harness::*};

async fn principal(app: &TestApp, email: &str) -> Principal {
    let id = store::users::find_by_email(&app.db, email)
        .await
        .unwrap()
        .unwrap();
    let today = app.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    store::users::principal(&app.db, id, today)
        .await
        .unwrap()
        .unwrap()
}

fn dep(code: &str) -> DepartmentCode {
    DepartmentCode::parse(code).unwrap()
}

#[allow(clippy::needless_pass_by_value)]
fn not_found<T: std::fmt::Debug>(r: Result<T, StoreError>) {
    assert!(matches!(r, Err(StoreError::NotFound)), "{r:?}");
}

/// The committee call (03 and 63) and a second call of the Puy-de-Dôme
/// alone with one filed application.
async fn two_calls(app: &TestApp) -> (CommitteeCall, Uuid, Uuid) {
    let s = app.committee_call().await;
    let other = app
        .published_call(&["63"], json!([module("M1", "2027-03-14")]))
        .await;
    let (email, _) = app.new_referent("Centre E", "63113").await;
    let e = app.filed_application(&email, &other, "M1", &["63"]).await;
    (s, other.parse().unwrap(), e.parse().unwrap())
}

#[tokio::test]
async fn call_staff_act_only_on_their_call_and_departements() {
    let app = spawn_app().await;
    let (s, other, e) = two_calls(&app).await;
    let call: Uuid = s.call.parse().unwrap();
    let (b, c): (Uuid, Uuid) = (s.b.parse().unwrap(), s.c.parse().unwrap());
    let agent03 = principal(&app, AGENT03).await;
    let actor = Actor::user(agent03.user_id, "agent03");
    let now = app.now();
    let cap = agent03.call_staff(call, &[dep("03"), dep("63")]).unwrap();
    let user = app.add_user("siege@comite.test", vec![]).await;

    let mut tx = app.db.begin().await.unwrap();
    // B is filed in the Puy-de-Dôme only: not the 03 agent's.
    not_found(
        store::applications::request_complement(&mut tx, &cap, &actor, now, b, "Pièce ?").await,
    );
    not_found(store::applications::start_review(&mut tx, &cap, &actor, now, b).await);
    // E is of another call.
    not_found(store::applications::start_review(&mut tx, &cap, &actor, now, e).await);
    // C is of the Allier: the same capability reaches it.
    store::applications::request_complement(&mut tx, &cap, &actor, now, c, "Pièce ?")
        .await
        .unwrap();
    // Nor writes B's letters.
    let pdf = store::files::put(&mut tx, now, "courrier.pdf", "application/pdf", b"%PDF-1.4")
        .await
        .unwrap();
    let by = store::letters::LetterWriter::Staff(&cap);
    not_found(store::letters::insert(&mut tx, by, b, "result", "retained", pdf, now).await);
    not_found(store::letters::mark_queued(&mut tx, &cap, b, Uuid::now_v7(), now).await);
    // Nor does the applicant of another structure.
    let stranger = domain::ApplicantCap::for_console(s.b_structure.parse().unwrap());
    let by = store::letters::LetterWriter::Applicant(&stranger);
    not_found(store::letters::insert(&mut tx, by, c, "result", "retained", pdf, now).await);
    // Proposing for the Puy-de-Dôme as staff of the Allier.
    let proposal = store::committee::NewProposal {
        call_id: call,
        module_code: "M1",
        department: "63",
        application_id: Some(b),
        reason: None,
        motivation: "Motivée.",
        proposed_by: agent03.user_id,
    };
    not_found(
        store::committee::propose(
            &mut tx,
            store::committee::Proposer::Staff(&cap),
            &actor,
            now,
            &proposal,
        )
        .await,
    );
    // A capability made from forged facts (the 63-only call said to cover
    // the Allier) still finds nothing: the store reads the call's
    // départements itself.
    let forged = agent03.call_manager(other, &[dep("03")]).unwrap();
    not_found(
        store::committee::add_member(&mut tx, &forged, &actor, now, user, "Caf 03", None).await,
    );
    // A manager of the committee call does not schedule the other call's
    // auditions.
    let managed = agent03.call_manager(call, &[dep("03"), dep("63")]).unwrap();
    let slot = store::auditions::NewSlot {
        call_id: other,
        module_code: "M1",
        starts_at: now,
        duration_minutes: 30,
        place: "Caf",
        video_link: "",
    };
    not_found(store::auditions::create(&mut tx, &managed, &actor, now, &slot).await);
    // A follower (not a manager) seats no one.
    not_found(store::committee::add_member(&mut tx, &cap, &actor, now, user, "Caf 03", None).await);
    store::committee::add_member(&mut tx, &managed, &actor, now, user, "Caf 03", None)
        .await
        .unwrap();
    let slot = store::auditions::create(
        &mut tx,
        &managed,
        &actor,
        now,
        &store::auditions::NewSlot {
            call_id: call,
            ..slot
        },
    )
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // The manager of the other call reaches none of this call's slots.
    let agent63 = principal(&app, AGENT63).await;
    let elsewhere = agent63.call_manager(other, &[dep("63")]).unwrap();
    let actor63 = Actor::user(agent63.user_id, "agent63");
    let found = store::auditions::slot(&app.db, slot)
        .await
        .unwrap()
        .unwrap();
    let mut tx = app.db.begin().await.unwrap();
    not_found(store::auditions::assign(&mut tx, &elsewhere, &actor63, now, slot, Some(b)).await);
    not_found(
        store::auditions::mark_invited(&mut tx, &elsewhere, &actor63, now, &found, &[]).await,
    );
    not_found(store::auditions::delete(&mut tx, &elsewhere, &actor63, now, slot).await);
    store::auditions::delete(&mut tx, &managed, &actor, now, slot)
        .await
        .unwrap();
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn a_member_reviews_only_the_applications_of_its_call() {
    let app = spawn_app().await;
    let (s, other, e) = two_calls(&app).await;
    let call: Uuid = s.call.parse().unwrap();
    let a: Uuid = s.a.parse().unwrap();
    app.seated_member(&s.call, "caf@comite.test", "Caf 03", None)
        .await;
    let p = principal(&app, "caf@comite.test").await;
    let seat = store::committee::member_of(&app.db, call, p.user_id)
        .await
        .unwrap()
        .unwrap();
    let facts = SeatFacts {
        member_id: seat.id,
        call_id: seat.call_id,
        user_id: seat.user_id,
    };
    let cap = p.reviewer(facts).unwrap();
    let actor = Actor::user(p.user_id, "membre");
    let now = app.now();
    let scores = BTreeMap::from([("qualite".to_owned(), 10), ("experience".to_owned(), 10)]);

    let mut tx = app.db.begin().await.unwrap();
    not_found(
        store::committee::put_review(&mut tx, &cap, &actor, now, e, 1, &scores, "", 5_000).await,
    );
    not_found(store::committee::declare_conflict(&mut tx, &cap, &actor, now, e, "Aucune").await);
    // The seat said to be on the other call: the store knows better.
    let forged = p
        .reviewer(SeatFacts {
            call_id: other,
            ..facts
        })
        .unwrap();
    not_found(
        store::committee::put_review(&mut tx, &forged, &actor, now, e, 1, &scores, "", 5_000).await,
    );
    let proposal = store::committee::NewProposal {
        call_id: other,
        module_code: "M1",
        department: "63",
        application_id: Some(e),
        reason: None,
        motivation: "Motivée.",
        proposed_by: p.user_id,
    };
    not_found(
        store::committee::propose(
            &mut tx,
            store::committee::Proposer::Member(&cap),
            &actor,
            now,
            &proposal,
        )
        .await,
    );
    // Its own call's application: reviewed.
    store::committee::put_review(&mut tx, &cap, &actor, now, a, 1, &scores, "", 5_000)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // Someone else's account gets no capability from that seat.
    let agent = principal(&app, AGENT03).await;
    assert!(agent.reviewer(facts).is_none());
}
