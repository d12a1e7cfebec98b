//! Builders: what many tests set up, made in one call each, through the
//! same doors a user would take (the API), so that a test reads as the
//! story it tells and not as its setup.
//!
//! - `client.new_structure(…)`, `app.new_structure(…)`: a structure;
//! - `app.add_referent(email, structure)`, `app.new_referent(name, commune)`:
//!   a structure's referent account;
//! - `app.new_promeneur(structure, email, commune)`: a promeneur with its
//!   own account;
//! - `app.published_call(départements, modules)` with `module(code, deadline)`;
//! - `apply`, `upload`, `app.filed_application(…)`: an application, drafted
//!   or filed with its signed form;
//! - `app.seated_member(…)`: a committee member of a call;
//! - `app.validated_proposal(…)`: a proposal of the committee, validated by
//!   the CAF of its département;
//! - `app.committee_call()`: a call with four filed applications (see
//!   `CommitteeCall`);
//! - `app.activate(email)`: an account opened through its activation e-mail.

use axum::{
    body::Body,
    http::{Request, StatusCode, header},
};
use domain::{Grant, Role};
use serde_json::{Value, json};

use crate::harness::*;

/// A SIRET that passes the Luhn key.
pub const SIRET_A: &str = "73282932000074";

/// A document that is a PDF by content.
pub const PDF: &[u8] = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";

/// A SIRET that passes the Luhn key, from its first 13 digits.
pub fn valid_siret(head: &str) -> String {
    (0..10)
        .map(|d| format!("{head}{d}"))
        .find(|s| domain::Siret::parse(s).is_ok())
        .unwrap()
}

/// The grant of a referent of `structure`.
pub fn referent_of(structure: &str) -> Vec<Grant> {
    vec![Grant {
        role: Role::StructureReferent,
        department: None,
        structure_id: Some(structure.parse().unwrap()),
        call_id: None,
    }]
}

/// A module of a call over the API: two criteria, the signed form
/// required, one question.
pub fn module(code: &str, deadline: &str) -> Value {
    json!({
        "code": code, "title": format!("Module {code}"), "description": "Ce qui est demandé.",
        "service_starts_on": "2027-06-01", "service_ends_on": "2029-12-31",
        "deadline": deadline, "audition_on": "2027-03-18", "decision_window": "2027-04/2027-05",
        "min_applications": 2,
        "criteria": [
            {"key": "qualite", "label": "Qualité du projet", "weight": 3, "max_score": 20},
            {"key": "experience", "label": "Expérience jeunesse", "weight": 2, "max_score": 20}
        ],
        "required_documents": [{"kind": "formulaire", "label": "Dossier de candidature signé"}],
        "questions": [{"key": "profil", "label": "Profil du coordinateur"}]
    })
}

/// A promeneur that passes the directory gating once it consents from its
/// own account (`TestApp::consent_from_account`): staff cannot consent
/// for it.
pub fn public_promeneur(structure: &str, email: &str, commune: &str) -> Value {
    json!({
        "first_name": "Léa", "last_name": "Martin", "email": email, "phone": "06 12 34 56 78",
        "structure_id": structure, "job_title": "Animatrice jeunesse", "commune_insee": commune,
        "networks": [{"platform": "instagram", "handle": "@pdn.lea"}, {"platform": "snapchat", "handle": "pdn-lea"}],
        "themes": ["orientation", "sante"],
        "presence": [{"weekday": 2, "start": "17:00", "end": "19:00"}],
        "mandate": {"hours_per_week": 6, "starts_on": "2025-09-01"},
        "charter_signed_on": "2025-09-15", "initial_training_on": "2025-10-10",
        "public_bio": "Je réponds à vos questions.", "status": "active"
    })
}

/// The CAF agent of the département of a commune (03 or 63).
fn agent_of(commune_or_department: &str) -> &'static str {
    if commune_or_department.starts_with("03") {
        AGENT03
    } else {
        AGENT63
    }
}

impl Client<'_> {
    /// A structure made by this client over the API; returns its id.
    pub async fn new_structure(
        &mut self,
        name: &str,
        siret: Option<&str>,
        commune: &str,
    ) -> String {
        let r = self
            .json(
                "POST",
                "/api/v1/structures",
                &json!({"name": name, "kind": "centre_social", "siret": siret, "commune_insee": commune,
                        "email": "accueil@structure.fr"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        r.json()["id"].as_str().unwrap().to_owned()
    }
}

/// An application to `module` of `call` for `deps`, drafted by this
/// client over the API; returns its id.
pub async fn apply(c: &mut Client<'_>, call: &str, module: &str, deps: &[&str]) -> String {
    let r = c
        .json(
            "POST",
            &format!("/api/v1/calls/{call}/applications"),
            &json!({"module": module, "departments": deps, "summary": "Notre projet."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    r.json()["id"].as_str().unwrap().to_owned()
}

/// Uploads a document of `kind` to an application over the API.
pub async fn upload(
    c: &mut Client<'_>,
    app_id: &str,
    kind: &str,
    name: &str,
    bytes: &[u8],
) -> Resp {
    // The API takes the CSRF token in its header.
    let token = c.csrf().await;
    let boundary = "----api-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    c.send(
        Request::post(format!("/api/v1/applications/{app_id}/documents"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header("x-csrf-token", token)
            .body(Body::from(body))
            .unwrap(),
    )
    .await
}

/// A call with four filed applications, ready for its committee.
pub struct CommitteeCall {
    pub call: String,
    /// A (03+63), B (63), C (03) in M1; D (03+63) alone in M2.
    pub a: String,
    pub b: String,
    pub c: String,
    pub d: String,
    pub b_structure: String,
}

impl TestApp {
    /// A structure in `commune`, made by the CAF agent of its département
    /// (03 or 63); returns its id.
    pub async fn new_structure(&self, name: &str, siret: Option<&str>, commune: &str) -> String {
        let mut staff = self.logged_in(agent_of(commune)).await;
        staff.new_structure(name, siret, commune).await
    }

    /// An account (demo password) that is a referent of `structure`.
    pub async fn add_referent(&self, email: &str, structure: &str) -> uuid::Uuid {
        self.add_user(email, referent_of(structure)).await
    }

    /// A promeneur of `structure` in `commune` (made by the CAF agent of
    /// its département, public once it consents) with its own account
    /// `email` (demo password); returns (promeneur, user).
    pub async fn new_promeneur(
        &self,
        structure: &str,
        email: &str,
        commune: &str,
    ) -> (uuid::Uuid, uuid::Uuid) {
        let mut staff = self.logged_in(agent_of(commune)).await;
        let r = staff
            .json(
                "POST",
                "/api/v1/promeneurs",
                &public_promeneur(structure, email, commune),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let promeneur: uuid::Uuid = r.json()["id"].as_str().unwrap().parse().unwrap();
        let user = self
            .add_user(email, vec![Grant::platform(Role::Promeneur)])
            .await;
        let mut tx = self.db.begin().await.unwrap();
        store::promeneurs::link_user(&mut tx, promeneur, user)
            .await
            .unwrap();
        tx.commit().await.unwrap();
        (promeneur, user)
    }

    /// A referent of a new structure `name` of `commune`; returns (email,
    /// structure).
    pub async fn new_referent(&self, name: &str, commune: &str) -> (String, String) {
        let s = self.new_structure(name, None, commune).await;
        let email = format!("{}@structure.test", name.to_lowercase().replace(' ', "-"));
        self.add_referent(&email, &s).await;
        (email, s)
    }

    /// A published call of the given départements, by agent03 (or agent63
    /// for a 63-only call); returns its id.
    pub async fn published_call(&self, departments: &[&str], modules: Value) -> String {
        let agent = if departments.contains(&"03") {
            AGENT03
        } else {
            AGENT63
        };
        let mut c = self.logged_in(agent).await;
        let r = c
            .json(
                "POST",
                "/api/v1/calls",
                &json!({"title": "Appel à candidatures 2027", "departments": departments, "modules": modules}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let id = r.json()["id"].as_str().unwrap().to_owned();
        let r = c
            .json("POST", &format!("/api/v1/calls/{id}/publish"), &json!({}))
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        id
    }

    /// An application filed by the referent `email`, with its signed
    /// form; returns its id.
    pub async fn filed_application(
        &self,
        email: &str,
        call: &str,
        module: &str,
        deps: &[&str],
    ) -> String {
        let mut c = self.logged_in(email).await;
        let id = apply(&mut c, call, module, deps).await;
        upload(&mut c, &id, "formulaire", "dossier.pdf", PDF).await;
        let r = c
            .json(
                "POST",
                &format!("/api/v1/applications/{id}/submit"),
                &json!({}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        id
    }

    /// A new account `email` seated on the committee of `call` by agent03.
    pub async fn seated_member(
        &self,
        call: &str,
        email: &str,
        institution: &str,
        structure: Option<&str>,
    ) {
        let user = self.add_user(email, vec![]).await;
        let mut agent = self.logged_in(AGENT03).await;
        let r = agent
            .json(
                "POST",
                &format!("/api/v1/calls/{call}/committee"),
                &json!({"user_id": user.to_string(), "institution": institution, "structure_id": structure}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }

    /// The committee member `member` proposes `application` for `module`
    /// in `department`, and the CAF agent of that département validates.
    pub async fn validated_proposal(
        &self,
        member: &str,
        call: &str,
        (module, department): (&str, &str),
        application: &str,
        motivation: &str,
    ) {
        let mut m = self.logged_in(member).await;
        let r = m
            .json(
                "POST",
                &format!("/api/v1/calls/{call}/modules/{module}/proposals"),
                &json!({"department": department, "application_id": application,
                        "motivation": motivation}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
        let pid = r.json()["id"].as_str().unwrap().to_owned();
        let mut agent = self.logged_in(agent_of(department)).await;
        let r = agent
            .json(
                "POST",
                &format!("/api/v1/proposals/{pid}/validation"),
                &json!({"approve": true}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }

    /// A call of 03 and 63 (M1 until 14 March 2027, M2 until 25 April)
    /// with four applications filed by three new structures.
    pub async fn committee_call(&self) -> CommitteeCall {
        let call = self
            .published_call(
                &["03", "63"],
                json!([module("M1", "2027-03-14"), module("M2", "2027-04-25")]),
            )
            .await;
        let (ea, _) = self.new_referent("Centre A", "03185").await;
        let (eb, b_structure) = self.new_referent("Centre B", "63113").await;
        let (ec, _) = self.new_referent("Centre C", "03185").await;
        CommitteeCall {
            a: self
                .filed_application(&ea, &call, "M1", &["03", "63"])
                .await,
            b: self.filed_application(&eb, &call, "M1", &["63"]).await,
            c: self.filed_application(&ec, &call, "M1", &["03"]).await,
            d: self
                .filed_application(&ea, &call, "M2", &["03", "63"])
                .await,
            call,
            b_structure,
        }
    }

    /// Opens the account `email` through the link of its activation
    /// e-mail, with the demo password.
    pub async fn activate(&self, email: &str) {
        let (subject, body) = self.last_email_to(email).await.expect("activation e-mail");
        assert!(subject.contains("Activez votre compte"), "{subject}");
        let path = path_of(&link_in(&body));
        let mut visitor = self.client();
        assert_eq!(visitor.get(&path).await.status, StatusCode::OK);
        let r = visitor
            .post_form(
                &path,
                &[
                    ("password", TEST_PASSWORD),
                    ("password_confirm", TEST_PASSWORD),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
}
