//! The pages after the committee, without JavaScript: a CAF agent
//! schedules the auditions of a module, gives the slots and sends the
//! invitations, and the applicant finds its audition and its .ics; an
//! unsuccessful module is relaunched from the results page; a CAF agent
//! organises a handover (tuilage) whose checklist each coordinator ticks.

use axum::http::{StatusCode, header};
use serde_json::json;

use crate::harness::*;

/// The text of a page, with the apostrophes and quotes askama escapes put
/// back.
fn text(r: &Resp) -> String {
    r.body
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&#34;", "\"")
}

/// A slot of M1 by the API; returns its id.
async fn slot(c: &mut Client<'_>, call: &str, time: &str, place: &str) -> String {
    let r = c
        .json(
            "POST",
            &format!("/api/v1/calls/{call}/modules/M1/auditions"),
            &json!({"time": time, "place": place}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_slot_form_defaults_to_the_audition_day_and_wants_a_place_or_a_link() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    let page = format!("/gestion/appels/{}/modules/M1/auditions", s.call);
    let mut agent = app.logged_in(AGENT03).await;
    // Linked from each module of the call's page.
    let manage = text(&agent.get(&format!("/gestion/appels/{}", s.call)).await);
    assert!(manage.contains(&format!("href=\"{page}\"")), "{manage}");
    assert!(manage.contains(&format!(
        "href=\"/gestion/appels/{}/modules/M2/auditions\"",
        s.call
    )));
    let r = agent.get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    let body = text(&r);
    assert!(body.contains("Aucun créneau pour l'instant."), "{body}");
    assert!(
        body.contains("Laissez vide pour le jour d'audition du module : jeudi 18 mars 2027."),
        "{body}"
    );
    assert!(body.contains("<legend>Nouveau créneau</legend>"));
    assert!(body.contains("value=\"45\""));

    // Neither a place nor a link: 422, the values kept, the message
    // linked to its field.
    let r = agent
        .post_form(
            &page,
            &[
                ("date", ""),
                ("time", "10:30"),
                ("duration_minutes", "30"),
                ("place", " "),
                ("video_link", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = text(&r);
    assert!(
        body.contains("<title>Erreur : Auditions du module M1"),
        "{body}"
    );
    assert!(
        body.contains("Indiquez un lieu ou un lien de visioconférence."),
        "{body}"
    );
    assert!(body.contains("href=\"#place\""));
    assert!(body.contains("aria-describedby=\"place-error place-hint\""));
    assert!(body.contains("value=\"10:30\""));
    assert!(body.contains("value=\"30\""));
    assert!(
        store::auditions::slots(&app.db, s.call.parse().unwrap(), "M1")
            .await
            .unwrap()
            .is_empty()
    );

    // Without a day: the module's audition day.
    let r = agent
        .post_form(
            &page,
            &[
                ("date", ""),
                ("time", "09:30"),
                ("duration_minutes", ""),
                ("place", "Caf de l'Allier, Moulins"),
                ("video_link", ""),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location(),
        format!("{page}?message=creneau-ajoute#creneaux")
    );
    let body = text(&agent.get(&format!("{page}?message=creneau-ajoute")).await);
    assert!(body.contains("Le créneau est ajouté."));
    assert!(body.contains("<th scope=\"row\" id=\"slot-"), "{body}");
    assert!(body.contains("jeudi 18 mars 2027 à 9 h 30"), "{body}");
    assert!(body.contains("<td>45 min</td>"));
    assert!(body.contains("Caf de l'Allier, Moulins"));

    // The coordinator and a committee member read, without the forms; a
    // structure does not see the page.
    app.seated_member(&s.call, "caf@comite.test", "Caf 03", None)
        .await;
    for who in [COORDINATOR, "caf@comite.test"] {
        let mut c = app.logged_in(who).await;
        let r = c.get(&page).await;
        assert_eq!(r.status, StatusCode::OK, "{who}");
        let body = text(&r);
        assert!(body.contains("jeudi 18 mars 2027 à 9 h 30"), "{who}");
        assert!(!body.contains("Ajouter un créneau"), "{who}");
        assert!(!body.contains("/attribution"), "{who}");
    }
    let mut coord = app.logged_in(COORDINATOR).await;
    let r = coord
        .post_form(&page, &[("time", "11:00"), ("place", "Moulins")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let mut referent = app.logged_in("centre-a@structure.test").await;
    assert_eq!(referent.get(&page).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn slots_are_given_through_the_page_and_the_invitations_are_sent() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    let page = format!("/gestion/appels/{}/modules/M1/auditions", s.call);
    let mut agent = app.logged_in(AGENT03).await;
    let first = slot(&mut agent, &s.call, "09:30", "Caf de l'Allier, Moulins").await;
    let second = slot(&mut agent, &s.call, "10:30", "Caf de l'Allier, Moulins").await;
    // The select offers the module's filed applications the agent reads.
    let body = text(&agent.get(&page).await);
    assert!(
        body.contains(&format!("<label for=\"slot-{first}-application\"")),
        "{body}"
    );
    assert!(body.contains(&format!(
        "<option value=\"{}\">Centre A (03, 63)</option>",
        s.a
    )));
    assert!(body.contains(&format!("<option value=\"{}\">Centre C (03)</option>", s.c)));
    assert!(
        !body.contains(&format!("value=\"{}\"", s.d)),
        "M2's application"
    );
    assert!(!body.contains("Envoyer les convocations"));

    let give = |slot: &str| format!("{page}/{slot}/attribution");
    let r = agent
        .post_form(&give(&first), &[("application_id", &s.a)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.location(),
        format!("{page}?message=creneau-attribue#creneaux")
    );
    // A again, on another slot: 409, said in French next to that slot.
    let r = agent
        .post_form(&give(&second), &[("application_id", &s.a)])
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let body = text(&r);
    assert!(
        body.contains(
            "Centre A a déjà le créneau du jeudi 18 mars 2027 à 9 h 30 : libérez-le d'abord"
        ),
        "{body}"
    );
    assert!(body.contains(&format!("href=\"#slot-{second}-application\"")));
    assert!(body.contains(&format!(
        "aria-describedby=\"slot-{second}-application-error\""
    )));
    // The choice is kept in that slot's list (and the first slot's).
    assert_eq!(
        body.matches(&format!(
            "<option value=\"{}\" selected>Centre A (03, 63) — a le créneau du jeudi 18 mars 2027 à 9 h 30</option>",
            s.a
        ))
        .count(),
        2,
        "{body}"
    );
    let r = agent
        .post_form(&give(&second), &[("application_id", &s.c)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let body = text(&agent.get(&page).await);
    assert!(body.contains("2 convocations à envoyer."), "{body}");
    assert_eq!(body.matches(">À envoyer</span>").count(), 2);

    // The invitations: a flash with their number, the e-mails queued.
    let r = agent.post_form(&format!("{page}/convocations"), &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("{page}?envoyees=2#creneaux"));
    let body = text(&agent.get(&format!("{page}?envoyees=2")).await);
    assert!(body.contains("2 convocations envoyées."), "{body}");
    assert!(body.contains("Envoyée le"));
    assert!(body.contains("Aucune convocation à envoyer pour l'instant."));
    for (email, when) in [
        ("centre-a@structure.test", "jeudi 18 mars 2027 à 9 h 30"),
        ("centre-c@structure.test", "jeudi 18 mars 2027 à 10 h 30"),
    ] {
        let (subject, body) = app.last_email_to(email).await.expect("an invitation");
        assert_eq!(subject, format!("Convocation à l'audition du {when}"));
        assert!(body.contains("Caf de l'Allier, Moulins"), "{body}");
    }
    let r = agent.post_form(&format!("{page}/convocations"), &[]).await;
    assert_eq!(r.location(), format!("{page}?envoyees=0#creneaux"));
    // Each invitation sent is in the audit log, with its recipients.
    let log = agent
        .get("/api/v1/audit?entity=audition_slot&limit=500")
        .await
        .json();
    let sent: Vec<&serde_json::Value> = log["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "send_invitation")
        .collect();
    assert_eq!(sent.len(), 2, "{log}");
    assert!(
        sent.iter()
            .any(|e| e["changes"]["recipients"][0] == "centre-a@structure.test"),
        "{log}"
    );

    // Freed, then deleted.
    let r = agent
        .post_form(&give(&second), &[("application_id", "")])
        .await;
    assert_eq!(
        r.location(),
        format!("{page}?message=creneau-libere#creneaux")
    );
    let r = agent
        .post_form(&format!("{page}/{second}/suppression"), &[])
        .await;
    assert_eq!(
        r.location(),
        format!("{page}?message=creneau-supprime#creneaux")
    );
    let body = text(&agent.get(&page).await);
    assert!(!body.contains("10 h 30"), "{body}");
    assert!(body.contains("Créneaux d'audition du module M1, dans l'ordre de passage (1)"));
}

#[tokio::test]
async fn the_applicant_sees_its_audition_and_downloads_the_ics() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    let mut referent = app.logged_in("centre-a@structure.test").await;
    let show = format!("/candidatures/{}", s.a);
    let ics = format!("/candidatures/{}/audition.ics", s.a);
    assert!(!text(&referent.get(&show).await).contains("Audition :"));
    assert_eq!(referent.get(&ics).await.status, StatusCode::NOT_FOUND);

    let mut agent = app.logged_in(AGENT03).await;
    let first = slot(&mut agent, &s.call, "09:30", "Caf de l'Allier, Moulins").await;
    let r = agent
        .json(
            "PUT",
            &format!("/api/v1/auditions/{first}"),
            &json!({"application_id": s.a}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    let body = text(&referent.get(&show).await);
    assert!(
        body.contains(
            "<strong>Audition :</strong> jeudi 18 mars 2027 à 9 h 30 (45 minutes), Caf de l'Allier, Moulins — "
        ),
        "{body}"
    );
    assert!(body.contains(&format!(
        "<a href=\"{ics}\" download>ajouter à mon agenda</a>"
    )));
    let r = referent.get(&ics).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(
        r.headers[header::CONTENT_TYPE]
            .to_str()
            .unwrap()
            .starts_with("text/calendar")
    );
    assert!(r.body.contains("DTSTART:20270318T083000Z"), "{}", r.body);
    assert!(
        r.body.contains("LOCATION:Caf de l'Allier\\, Moulins"),
        "{}",
        r.body
    );
    // Another structure sees neither this audition nor its file.
    let mut other = app.logged_in("centre-c@structure.test").await;
    assert_eq!(other.get(&ics).await.status, StatusCode::NOT_FOUND);
    let own = text(&other.get(&format!("/candidatures/{}", s.c)).await);
    assert!(!own.contains("Audition :"));
}

#[tokio::test]
async fn an_unsuccessful_module_is_relaunched_from_the_results_page() {
    let app = spawn_app().await;
    let s = app.committee_call().await;
    let results = format!("/gestion/appels/{}/modules/M2/resultats", s.call);
    let form = "Relancer ce module dans ce département";
    // After the deadline of M2; a second agent of the CAF 63 validates what
    // the first one proposes.
    app.clock.set("2027-05-01T08:00:00Z".parse().unwrap());
    app.add_user(
        "agent63-bis@caf.test",
        vec![domain::Grant::departmental(
            domain::Role::CafAgent,
            domain::DepartmentCode::parse("63").unwrap(),
        )],
    )
    .await;
    let mut agent63 = app.logged_in(AGENT63).await;
    let body = text(&agent63.get(&results).await);
    assert!(
        body.contains("Infructueux : trop peu de candidatures"),
        "{body}"
    );
    assert!(!body.contains(form), "not before a proposal");
    // Proposed: not yet.
    let r = agent63
        .json(
            "POST",
            &format!("/api/v1/calls/{}/modules/M2/proposals", s.call),
            &json!({"department": "63", "unsuccessful": true, "motivation": "Une seule candidature."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let proposal = r.json()["id"].as_str().unwrap().to_owned();
    assert!(!text(&agent63.get(&results).await).contains(form));
    let r = app
        .logged_in("agent63-bis@caf.test")
        .await
        .json(
            "POST",
            &format!("/api/v1/proposals/{proposal}/validation"),
            &json!({"approve": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    // Validated: the CAF agent of 63 relaunches, in 63 only; the
    // coordinator reads the results but does not relaunch.
    let body = text(&agent63.get(&results).await);
    assert!(body.contains(form), "{body}");
    assert!(body.contains("<input type=\"hidden\" name=\"department\" value=\"63\">\n  <label for=\"relance-63-deadline\">"));
    assert!(!text(&app.logged_in(COORDINATOR).await.get(&results).await).contains(form));
    assert!(!text(&app.logged_in(AGENT03).await.get(&results).await).contains(form));

    let action = format!("/gestion/appels/{}/modules/M2/relance", s.call);
    let r = agent63
        .post_form(&action, &[("department", "63"), ("deadline", "")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = text(&r);
    assert!(body.contains("Indiquez la nouvelle date limite"), "{body}");
    assert!(body.contains("href=\"#relance-63-deadline\""));
    assert!(body.contains("<h2 id=\"error-summary-title\">Le module n'est pas relancé</h2>"));
    assert!(
        body.contains("aria-describedby=\"relance-63-deadline-error relance-63-deadline-hint\"")
    );

    let r = agent63
        .post_form(&action, &[("department", "63"), ("deadline", "2027-09-30")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let location = r.location().to_owned();
    let new = location
        .strip_prefix("/gestion/appels/")
        .and_then(|l| l.strip_suffix("?message=appel-relance"))
        .unwrap_or_else(|| panic!("{location}"))
        .to_owned();
    let body = text(&agent63.get(&location).await);
    assert!(body.contains("Le module est relancé"), "{body}");
    assert!(body.contains("Brouillon"));
    assert!(
        body.contains(&format!(
            "Relance de l'appel « <a href=\"/gestion/appels/{}\">Appel à candidatures 2027</a> »",
            s.call
        )),
        "{body}"
    );
    // Both ways: the first call lists its relaunch, the public page of the
    // new one links back.
    let body = text(&agent63.get(&format!("/gestion/appels/{}", s.call)).await);
    assert!(body.contains("<h2 id=\"relances\">Relances</h2>"), "{body}");
    assert!(body.contains(&format!(
        "<a href=\"/gestion/appels/{new}\">Appel à candidatures 2027 — relance du module M2"
    )));
    let body = text(&agent63.get(&format!("/appels/{new}")).await);
    assert!(
        body.contains(&format!(
            "Relance de l'appel « <a href=\"/appels/{}\">Appel à candidatures 2027</a> »",
            s.call
        )),
        "{body}"
    );
}

/// Opens the handover of 63 from the coordinator to a new one starting on
/// 1 December 2026 through the form; returns its id.
async fn handover(app: &TestApp) -> String {
    let mut agent63 = app.logged_in(AGENT63).await;
    let r = agent63
        .post_form(
            "/gestion/tuilages/nouveau",
            &[
                ("department", "63"),
                ("outgoing_email", COORDINATOR),
                ("incoming_email", "nouvelle@coordination.test"),
                ("starts_on", "2026-12-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    r.location()
        .strip_prefix("/gestion/tuilages/")
        .and_then(|l| l.strip_suffix("?message=tuilage-cree"))
        .unwrap_or_else(|| panic!("{}", r.location()))
        .to_owned()
}

#[tokio::test]
async fn a_caf_agent_organises_a_handover_through_its_form() {
    let app = spawn_app().await;
    app.add_user("nouvelle@coordination.test", vec![]).await;
    let mut agent63 = app.logged_in(AGENT63).await;
    let r = agent63.get("/gestion/tuilages").await;
    assert_eq!(r.status, StatusCode::OK);
    let body = text(&r);
    assert!(
        body.contains("<a href=\"/gestion/tuilages\">Tuilage</a>"),
        "{body}"
    );
    assert!(body.contains("Aucun tuilage pour l'instant."));
    let body = text(&agent63.get("/gestion/tuilages/nouveau").await);
    assert!(
        body.contains("<option value=\"63\" selected>Puy-de-Dôme (63)</option>"),
        "{body}"
    );
    assert!(!body.contains("value=\"03\""));
    // An unknown account: 422, the values kept, linked to the field.
    let r = agent63
        .post_form(
            "/gestion/tuilages/nouveau",
            &[
                ("department", "63"),
                ("outgoing_email", "personne@coordination.test"),
                ("incoming_email", "nouvelle@coordination.test"),
                ("starts_on", "2026-12-01"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = text(&r);
    assert!(body.contains("<title>Erreur : organiser un tuilage"));
    assert!(body.contains("Aucun compte n'a cette adresse"), "{body}");
    assert!(body.contains("href=\"#outgoing_email\""));
    assert!(body.contains("aria-describedby=\"outgoing_email-error outgoing_email-hint\""));
    assert!(body.contains("value=\"nouvelle@coordination.test\""));
    assert!(body.contains("value=\"2026-12-01\""));
    // Only a CAF agent organises it; a structure does not see the pages.
    let mut coord = app.logged_in(COORDINATOR).await;
    assert_eq!(
        coord.get("/gestion/tuilages/nouveau").await.status,
        StatusCode::FORBIDDEN
    );
    let (referent, _) = app.new_referent("Centre R", "63113").await;
    let mut referent = app.logged_in(&referent).await;
    assert_eq!(
        referent.get("/gestion/tuilages").await.status,
        StatusCode::NOT_FOUND
    );
    assert!(!text(&referent.get("/compte").await).contains("/gestion/tuilages"));

    let id = handover(&app).await;
    let body = text(
        &agent63
            .get(&format!("/gestion/tuilages/{id}?message=tuilage-cree"))
            .await,
    );
    assert!(body.contains("Le tuilage est organisé"), "{body}");
    assert!(body.contains("<h1>Tuilage — Puy-de-Dôme (63)</h1>"));
    assert!(body.contains("Coordination PDN 03-63"));
    assert!(
        body.contains("nouvelle, à partir du 1er décembre 2026"),
        "{body}"
    );
    assert!(body.contains(
        "Le coordinateur sortant garde un accès en lecture jusqu'au 31 décembre 2026 inclus."
    ));
    assert!(body.contains(
        "Jusqu'au 30 novembre 2026 inclus, le coordinateur sortant garde tous ses droits."
    ));
    assert!(
        body.contains("<caption id=\"checklist-caption\">Liste du tuilage (4 éléments)</caption>")
    );
    assert!(body.contains("<th scope=\"row\" id=\"element-"));
    // The CAF agent reads both columns, ticks neither.
    assert!(!body.contains("aria-pressed"), "{body}");
    assert_eq!(body.matches("À faire").count(), 8);
    let list = text(&agent63.get("/gestion/tuilages").await);
    assert!(
        list.contains(&format!(
            "<a href=\"/gestion/tuilages/{id}\">Puy-de-Dôme (63)"
        )),
        "{list}"
    );
    assert!(list.contains("sortant : 0 sur 4 ; nouveau : 0 sur 4"));
}

#[tokio::test]
async fn each_coordinator_ticks_its_own_column_until_the_end_of_the_period() {
    let app = spawn_app().await;
    app.add_user("nouvelle@coordination.test", vec![]).await;
    let id = handover(&app).await;
    let page = format!("/gestion/tuilages/{id}");
    let h = store::handovers::find(&app.db, id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    let item = h.items[0].id.to_string();
    let tick = format!("{page}/elements/{item}");

    // The new coordinator starts; the outgoing one reads.
    app.clock.set("2026-12-02T08:00:00Z".parse().unwrap());
    let mut outgoing = app.logged_in(COORDINATOR).await;
    let r = outgoing.get(&page).await;
    assert_eq!(r.status, StatusCode::OK);
    let body = text(&r);
    assert!(body.contains("<a href=\"/gestion/tuilages\">Tuilage</a>"));
    assert!(!body.contains("garde tous ses droits"));
    // Its own column only: one button per item.
    assert_eq!(body.matches("aria-pressed=\"false\"").count(), 4, "{body}");
    assert!(body.contains(&format!(
        "<form class=\"inline\" method=\"post\" action=\"{tick}\">"
    )));
    let r = outgoing.post_form(&tick, &[("done", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), format!("{page}#element-{item}"));
    let body = text(&outgoing.get(&page).await);
    assert_eq!(body.matches("aria-pressed=\"true\"").count(), 1, "{body}");
    assert!(body.contains("le 2 décembre 2026 à 9 h"), "{body}");

    // The new coordinator sees it done, read-only, and ticks its side:
    // the outgoing side is not touched.
    let mut incoming = app.logged_in("nouvelle@coordination.test").await;
    let body = text(&incoming.get(&page).await);
    assert_eq!(body.matches("aria-pressed=\"false\"").count(), 4, "{body}");
    assert!(body.contains("Fait le 2 décembre 2026 à 9 h"), "{body}");
    let r = incoming.post_form(&tick, &[("done", "1")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = outgoing.post_form(&tick, &[("done", "0")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let h = store::handovers::find(&app.db, id.parse().unwrap())
        .await
        .unwrap()
        .unwrap();
    assert!(h.items[0].outgoing_done_at.is_none());
    assert!(h.items[0].incoming_done_at.is_some());
    // The CAF agent does not tick.
    let mut agent63 = app.logged_in(AGENT63).await;
    assert_eq!(
        agent63.post_form(&tick, &[("done", "1")]).await.status,
        StatusCode::FORBIDDEN
    );
    let list = text(&outgoing.get("/gestion/tuilages").await);
    assert!(list.contains(&format!("/gestion/tuilages/{id}")), "{list}");

    // The last day of the period, then the day after: 404.
    app.clock.set("2026-12-31T20:00:00Z".parse().unwrap());
    let mut outgoing = app.logged_in(COORDINATOR).await;
    assert_eq!(outgoing.get(&page).await.status, StatusCode::OK);
    app.clock.set("2027-01-01T08:00:00Z".parse().unwrap());
    let mut outgoing = app.logged_in(COORDINATOR).await;
    assert_eq!(outgoing.get(&page).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        outgoing.post_form(&tick, &[("done", "1")]).await.status,
        StatusCode::NOT_FOUND
    );
    let list = text(&outgoing.get("/gestion/tuilages").await);
    assert!(!list.contains(&format!("/gestion/tuilages/{id}")), "{list}");
    let mut incoming = app.logged_in("nouvelle@coordination.test").await;
    assert_eq!(incoming.get(&page).await.status, StatusCode::OK);
}
