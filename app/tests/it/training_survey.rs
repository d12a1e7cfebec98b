//! The satisfaction survey of a training session: participants answer
//! once after the session's end; the results (count, means, comments in
//! text order) go to those who run it and the staff of its départements,
//! and show nothing but the count below three answers.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::harness::*;
use crate::training_documents::{
    mark, promeneur, register, roll_call_day, session, training, two_half_days,
};

/// Four seats for Alpha, Bravo, Charlie (present at a half-day at least)
/// and Delta (absent), Echo on the waiting list.
struct Fixture {
    training: String,
    session: String,
    /// Alpha's, Bravo's, Charlie's, Delta's, Echo's registrations.
    regs: Vec<String>,
}

async fn fixture(app: &TestApp) -> Fixture {
    let (_, structure) = app.new_referent("Centre social", "03185").await;
    let mut agent = app.logged_in(AGENT03).await;
    let tr = training(&mut agent, "continuing", None).await;
    let (sid, parts) = session(&mut agent, &tr, &two_half_days(4)).await;
    let mut regs = Vec::new();
    for name in ["Alpha", "Bravo", "Charlie", "Delta", "Echo"] {
        let email = format!("{}@x.fr", name.to_lowercase());
        let id = promeneur(app, &structure, &email, name).await;
        regs.push(register(&mut agent, &sid, &id).await);
    }
    roll_call_day(app);
    let mut agent = app.logged_in(AGENT03).await;
    mark(&mut agent, &regs[0], &parts[0], "present").await;
    mark(&mut agent, &regs[1], &parts[0], "late").await;
    mark(&mut agent, &regs[1], &parts[1], "absent").await;
    mark(&mut agent, &regs[2], &parts[1], "present").await;
    mark(&mut agent, &regs[3], &parts[0], "absent").await;
    mark(&mut agent, &regs[3], &parts[1], "excused").await;
    Fixture {
        training: tr,
        session: sid,
        regs,
    }
}

fn answer(content: i64, comment: &str) -> Value {
    json!({"content_score": content, "facilitation_score": 4, "usefulness_score": 3, "comment": comment})
}

async fn post(c: &mut Client<'_>, registration: &str, body: &Value) -> Resp {
    c.json(
        "POST",
        &format!("/api/v1/registrations/{registration}/survey"),
        body,
    )
    .await
}

/// After the session's end (16 h 30 in Paris on 12 January 2027).
fn after_the_end(app: &TestApp) {
    app.clock.set("2027-01-12T16:00:00Z".parse().unwrap());
}

#[tokio::test]
async fn participants_answer_once_after_the_end_and_results_wait_for_three_answers() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let mut alpha = app.logged_in("alpha@x.fr").await;
    // Before the end: 409, with the date.
    let r = post(&mut alpha, &f.regs[0], &answer(5, "Très bien")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(
        r.body.contains("mardi 12 janvier 2027 à 16 h 30"),
        "{}",
        r.body
    );

    after_the_end(&app);
    let mut alpha = app.logged_in("alpha@x.fr").await;
    let mut agent = app.logged_in(AGENT03).await;
    let results = format!("/api/v1/sessions/{}/survey", f.session);
    // Bad scores or too long a comment: 422, nothing stored.
    for bad in [
        json!({"content_score": 6, "facilitation_score": 4, "usefulness_score": 3}),
        json!({"facilitation_score": 4, "usefulness_score": 3}),
        answer(4, &"x".repeat(2_001)),
    ] {
        let r = post(&mut alpha, &f.regs[0], &bad).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    }
    assert_eq!(agent.get(&results).await.json()["answers"], 0);
    let r = post(&mut alpha, &f.regs[0], &answer(5, "Zèle des formateurs")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    // Twice: 409.
    let r = post(&mut alpha, &f.regs[0], &answer(1, "Encore")).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("Vous avez déjà répondu"), "{}", r.body);
    // Not a participant: absent at every half-day, waitlisted, someone
    // else's registration (even staff's): 404.
    let mut delta = app.logged_in("delta@x.fr").await;
    assert_eq!(
        post(&mut delta, &f.regs[3], &answer(3, "")).await.status,
        StatusCode::NOT_FOUND
    );
    let mut echo = app.logged_in("echo@x.fr").await;
    assert_eq!(
        post(&mut echo, &f.regs[4], &answer(3, "")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post(&mut agent, &f.regs[1], &answer(3, "")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post(&mut delta, &f.regs[1], &answer(3, "")).await.status,
        StatusCode::NOT_FOUND
    );

    // One answer, then two: the count only, no score, no comment.
    let page = format!("/formations/sessions/{}/avis", f.session);
    for (who, reg, comment) in [
        (None, None, None),
        (
            Some("bravo@x.fr"),
            Some(&f.regs[1]),
            Some("Animation vivante"),
        ),
    ] {
        if let (Some(who), Some(reg), Some(comment)) = (who, reg, comment) {
            let mut c = app.logged_in(who).await;
            let r = post(&mut c, reg, &answer(2, comment)).await;
            assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
        }
        let got = agent.get(&results).await.json();
        assert!(got["means"].is_null(), "{got}");
        assert_eq!(got["comments"], json!([]), "{got}");
        let html = agent.get(&page).await;
        assert_eq!(html.status, StatusCode::OK);
        assert!(
            html.body.contains("visibles à partir de 3 réponses"),
            "{}",
            html.body
        );
        for hidden in ["Zèle", "Animation", "/ 5"] {
            assert!(!html.body.contains(hidden), "{hidden}: {}", html.body);
        }
    }
    assert_eq!(agent.get(&results).await.json()["answers"], 2);

    // Three: the means and the comments, sorted by their text.
    let mut charlie = app.logged_in("charlie@x.fr").await;
    let r = post(&mut charlie, &f.regs[2], &answer(4, "")).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    let got = agent.get(&results).await.json();
    assert_eq!(got["answers"], 3);
    assert_eq!(got["means"]["content"], 3.7);
    assert_eq!(got["means"]["facilitation"], 4.0);
    assert_eq!(
        got["comments"],
        json!(["Animation vivante", "Zèle des formateurs"])
    );
    let html = agent.get(&page).await.body;
    assert!(html.contains("3,7 / 5"), "{html}");
    assert!(html.contains("Zèle des formateurs"), "{html}");
    // Per training too.
    let got = agent
        .get(&format!("/api/v1/trainings/{}/survey", f.training))
        .await
        .json();
    assert_eq!(
        (got["answers"].clone(), got["sessions"].clone()),
        (json!(3), json!(1))
    );

    // Participants never read the results; another département does not
    // see the session.
    assert_eq!(alpha.get(&results).await.status, StatusCode::FORBIDDEN);
    assert_eq!(alpha.get(&page).await.status, StatusCode::FORBIDDEN);
    let mut agent63 = app.logged_in(AGENT63).await;
    assert_eq!(agent63.get(&results).await.status, StatusCode::NOT_FOUND);
    assert_eq!(agent63.get(&page).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        agent63
            .get(&format!("/api/v1/trainings/{}/survey", f.training))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn a_double_click_stores_one_answer() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    after_the_end(&app);
    let mut alpha = app.logged_in("alpha@x.fr").await;
    let mut twin = alpha.twin();
    let body = answer(5, "Deux fois");
    let (x, y) = tokio::join!(
        post(&mut alpha, &f.regs[0], &body),
        post(&mut twin, &f.regs[0], &body)
    );
    let mut got = [x.status, y.status];
    got.sort();
    assert_eq!(
        got,
        [StatusCode::NO_CONTENT, StatusCode::CONFLICT],
        "{} / {}",
        x.body,
        y.body
    );
    let mut agent = app.logged_in(AGENT03).await;
    let r = agent
        .get(&format!("/api/v1/sessions/{}/survey", f.session))
        .await;
    assert_eq!(r.json()["answers"], 1, "{}", r.body);
}

#[tokio::test]
async fn the_survey_form_works_without_javascript_and_says_what_is_wrong() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    let session_page = format!("/formations/sessions/{}", f.session);
    let form = format!("/formations/inscriptions/{}/avis", f.regs[0]);
    let mut alpha = app.logged_in("alpha@x.fr").await;
    // Before the end: no link; the form says when it opens.
    assert!(!alpha.get(&session_page).await.body.contains(&form));
    let r = alpha.get(&form).await;
    assert!(
        r.body.contains("ouvre à la fin de la session"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("<fieldset"), "{}", r.body);

    after_the_end(&app);
    let mut alpha = app.logged_in("alpha@x.fr").await;
    // The home lists it as to do.
    let home = alpha.get("/api/v1/home").await.json();
    assert!(
        home.to_string().contains(&format!("\"href\":\"{form}\"")),
        "{home}"
    );
    let body = alpha.get(&session_page).await.body;
    assert!(
        body.contains(&format!("href=\"{form}\">Donner votre avis")),
        "{body}"
    );
    let r = alpha.get(&form).await;
    assert_eq!(r.status, StatusCode::OK);
    for expected in [
        "<legend>Le contenu de la formation</legend>",
        "<legend>L&#39;animation</legend>",
        "type=\"radio\" id=\"usefulness_score-5\" name=\"usefulness_score\" value=\"5\"",
        "<label for=\"comment\">",
    ] {
        assert!(r.body.contains(expected), "no {expected}: {}", r.body);
    }
    // A score missing: 422, the summary links to it, the rest is kept.
    let r = alpha
        .post_form(
            &form,
            &[
                ("content_score", "4"),
                ("usefulness_score", "5"),
                ("comment", "Utile"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("error-summary"), "{}", r.body);
    assert!(
        r.body.contains("href=\"#facilitation_score\""),
        "{}",
        r.body
    );
    assert!(
        r.body
            .contains("aria-describedby=\"facilitation_score-error\""),
        "{}",
        r.body
    );
    assert!(r.body.contains("value=\"4\" checked"), "{}", r.body);
    assert!(r.body.contains(">Utile</textarea>"), "{}", r.body);
    // Answered: back to the form, which thanks and offers no form.
    let fields = [
        ("content_score", "4"),
        ("facilitation_score", "5"),
        ("usefulness_score", "5"),
        ("comment", "Utile"),
    ];
    let r = alpha.post_form(&form, &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = alpha.get(r.location()).await;
    assert!(
        r.body.contains("votre réponse est enregistrée"),
        "{}",
        r.body
    );
    assert!(!r.body.contains("<fieldset"), "{}", r.body);
    let body = alpha.get(&session_page).await.body;
    assert!(!body.contains("Donner votre avis"), "{body}");
    let home = alpha.get("/api/v1/home").await.body;
    assert!(!home.contains(&form), "{home}");
    assert!(
        body.contains("votre avis sur cette formation est enregistré"),
        "{body}"
    );
    // Again from the page: 409 with the reason.
    let r = alpha.post_form(&form, &fields).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(r.body.contains("Vous avez déjà répondu"), "{}", r.body);
    // Someone else's form: 404.
    let mut bravo = app.logged_in("bravo@x.fr").await;
    assert_eq!(bravo.get(&form).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_training_counts_only_the_sessions_over_the_threshold() {
    let app = spawn_app().await;
    let f = fixture(&app).await;
    // A second session of the training, where Alpha alone will answer.
    let mut agent = app.logged_in(AGENT03).await;
    let mut body = two_half_days(4);
    body["registration_closes_at"] = json!("2027-01-12T16:00:00+01:00");
    let (second, parts) = session(&mut agent, &f.training, &body).await;
    let alpha_id = agent
        .get(&format!("/api/v1/registrations/{}", f.regs[0]))
        .await
        .json()["promeneur_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let again = register(&mut agent, &second, &alpha_id).await;
    mark(&mut agent, &again, &parts[0], "present").await;
    after_the_end(&app);
    for (who, reg, comment) in [
        ("alpha@x.fr", &f.regs[0], "Bien"),
        ("bravo@x.fr", &f.regs[1], "Clair"),
        ("charlie@x.fr", &f.regs[2], "Dense"),
        ("alpha@x.fr", &again, "Seul avis"),
    ] {
        let mut c = app.logged_in(who).await;
        let r = post(&mut c, reg, &answer(5, comment)).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
    }
    let mut agent = app.logged_in(AGENT03).await;
    let got = agent
        .get(&format!("/api/v1/trainings/{}/survey", f.training))
        .await
        .json();
    assert_eq!(got["answers"], 3, "{got}");
    assert_eq!(got["sessions"], 1, "{got}");
    assert_eq!(got["comments"], json!(["Bien", "Clair", "Dense"]), "{got}");
    let got = agent
        .get(&format!("/api/v1/sessions/{second}/survey"))
        .await
        .json();
    assert_eq!(
        (got["answers"].clone(), got["comments"].clone()),
        (json!(1), json!([]))
    );
}
