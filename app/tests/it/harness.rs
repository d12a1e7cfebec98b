//! `spawn_app()`: a fresh database and the application router, and a small
//! client that keeps cookies and knows the CSRF token.

use std::{path::PathBuf, sync::Arc};

use axum::{
    Router,
    body::Body,
    http::{HeaderMap, Request, StatusCode, header},
};
use domain::{Clock, FixedClock};
use http_body_util::BodyExt;
use jiff::Timestamp;
use serde_json::Value;
use store::{DatabaseUrl, Db};
use tower::ServiceExt;

pub struct TestApp {
    pub db: Db,
    pub clock: Arc<FixedClock>,
    state: web::AppState,
    router: Router,
    dir: PathBuf,
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

pub async fn fresh_db() -> (Db, PathBuf) {
    let dir =
        std::env::temp_dir().join(format!("promeneurs-test-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = match std::env::var("TEST_DATABASE_URL")
        .ok()
        .filter(|u| !u.is_empty())
    {
        Some(url) => {
            let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
            Db::connect_postgres_schema(&DatabaseUrl::new(url), &schema)
                .await
                .expect("PostgreSQL for tests")
        }
        None => Db::connect(&DatabaseUrl::sqlite_in(&dir)).await.unwrap(),
    };
    db.migrate().await.unwrap();
    store::reference::load(&db).await.unwrap();
    (db, dir)
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// `spawn_app` with settings changed by `configure`.
pub async fn spawn_app_with(configure: impl FnOnce(&mut web::WebConfig)) -> TestApp {
    let (db, dir) = fresh_db().await;
    load_accounts(&db).await;
    let clock = Arc::new(FixedClock::new("2026-11-26T09:00:00Z".parse().unwrap()));
    let mut config = web::WebConfig::new("http://promeneurs.test");
    config.trust_proxy = true;
    config.services.files_dir = dir.join("files");
    config.services.sandbox = sandbox_config();
    configure(&mut config);
    let state = web::AppState::new(db.clone(), config, clock.clone() as Arc<dyn Clock>);
    let router = web::router(state.clone());
    TestApp {
        db,
        clock,
        state,
        router,
        dir,
    }
}

/// The sandbox of the tests: the `promeneurs` binary built with them, with
/// the default limits.
pub fn sandbox_config() -> web::sandbox::SandboxConfig {
    web::sandbox::SandboxConfig {
        binary: Some(env!("CARGO_BIN_EXE_promeneurs").into()),
        ..Default::default()
    }
}

/// The password of every account the tests open.
pub const TEST_PASSWORD: &str = "promeneurs-tests";
pub const ADMIN: &str = "admin@test.promeneurs.fr";
pub const AGENT03: &str = "agent03@test.promeneurs.fr";
pub const AGENT63: &str = "agent63@test.promeneurs.fr";
pub const COORDINATOR: &str = "coordination@test.promeneurs.fr";
/// Accounts with a role and no structure, call or session behind it.
pub const STRUCTURE: &str = "structure@test.promeneurs.fr";
pub const PROMENEUR: &str = "promeneur@test.promeneurs.fr";
pub const COMMITTEE: &str = "comite@test.promeneurs.fr";
pub const TRAINER: &str = "formation@test.promeneurs.fr";
/// The contact address each CAF's settings hold in every test database.
pub const CAF03_CONTACT: &str = "contact-caf03@test.promeneurs.fr";
pub const CAF63_CONTACT: &str = "contact-caf63@test.promeneurs.fr";

/// The accounts and CAF settings every test starts with: one account per
/// role and each CAF's contact. The tests' own, so that the demo data can
/// change without moving them.
async fn load_accounts(db: &Db) {
    use domain::{AdminCap, DepartmentCode, Grant, Role};
    use store::{audit::Actor, reference::CafSettings, users::NewUser};
    let platform = |role| vec![Grant::platform(role)];
    let departmental = |role, codes: &[&str]| {
        codes
            .iter()
            .map(|c| Grant::departmental(role, DepartmentCode::parse(c).unwrap()))
            .collect::<Vec<_>>()
    };
    let accounts = [
        (ADMIN, "Camille Administratrice", platform(Role::Admin)),
        (
            AGENT03,
            "Agent Caf de l'Allier",
            departmental(Role::CafAgent, &["03"]),
        ),
        (
            AGENT63,
            "Agent Caf du Puy-de-Dôme",
            departmental(Role::CafAgent, &["63"]),
        ),
        (
            COORDINATOR,
            "Coordination PDN 03-63",
            departmental(Role::Coordinator, &["03", "63"]),
        ),
        (
            COMMITTEE,
            "Membre du comité technique",
            platform(Role::CommitteeMember),
        ),
        (TRAINER, "Formatrice PDN", platform(Role::Trainer)),
        (
            STRUCTURE,
            "Référent de structure",
            platform(Role::StructureReferent),
        ),
        (PROMENEUR, "Promeneur de test", platform(Role::Promeneur)),
    ];
    let hash = domain::password::NewPassword::parse(TEST_PASSWORD)
        .unwrap()
        .hash();
    let now = Timestamp::now();
    let cap = AdminCap::for_console();
    let actor = Actor::console();
    let mut tx = db.begin().await.unwrap();
    for (email, name, grants) in accounts {
        let new = NewUser {
            email: domain::Email::parse(email).unwrap(),
            name: name.to_owned(),
            grants,
            password_hash: Some(hash.clone()),
        };
        store::users::create(&mut tx, &cap, &actor, now, new)
            .await
            .unwrap();
    }
    // The contacts published in the 2024 call, with test addresses.
    let cafs = [
        (
            "03",
            "Caf de l'Allier — Pôle partenaires\n03000 Moulins",
            "Alexandra Meritet",
            CAF03_CONTACT,
            "04 70 08 49 38",
        ),
        (
            "63",
            "Caf du Puy-de-Dôme\n63000 Clermont-Ferrand",
            "Adrien Couette",
            CAF63_CONTACT,
            "04 73 14 67 62",
        ),
    ];
    for (code, address, contact, email, phone) in cafs {
        let settings = CafSettings {
            caf_address: Some(address.into()),
            contact_name: Some(contact.into()),
            contact_email: Some(email.into()),
            contact_phone: Some(phone.into()),
            ..Default::default()
        };
        let dcap = cap.pilot(&DepartmentCode::parse(code).unwrap());
        store::reference::update_caf_settings(&mut tx, &dcap, &actor, now, &settings)
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    /// The body as text (binary bodies lossily).
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }

    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }

    pub fn error_code(&self) -> String {
        self.json()["error"]["code"]
            .as_str()
            .unwrap_or("")
            .to_owned()
    }
}

/// A browser-like client: keeps the cookies it is given.
pub struct Client<'a> {
    app: &'a TestApp,
    cookies: Vec<(String, String)>,
    pub address: String,
    pub bearer: Option<String>,
}

impl TestApp {
    pub fn client(&self) -> Client<'_> {
        Client {
            app: self,
            cookies: Vec::new(),
            address: "192.0.2.1".into(),
            bearer: None,
        }
    }

    pub async fn logged_in(&self, email: &str) -> Client<'_> {
        let mut c = self.client();
        let r = c.login(email, TEST_PASSWORD).await;
        assert_eq!(
            r.status,
            StatusCode::SEE_OTHER,
            "login of {email}: {}",
            r.body
        );
        c
    }

    /// The body of the last queued e-mail to `to`, if still in the outbox.
    pub async fn last_email_to(&self, to: &str) -> Option<(String, String)> {
        let (jobs, _) =
            store::outbox::list_emails(&self.db, &domain::AdminCap::for_console(), None, 500, 0)
                .await
                .unwrap();
        let email = jobs.into_iter().find(|e| e.to == to)?;
        let body = store_job_body(&self.db, email.id).await;
        Some((email.subject, body))
    }

    pub async fn emails_to(&self, to: &str) -> usize {
        let (jobs, _) =
            store::outbox::list_emails(&self.db, &domain::AdminCap::for_console(), None, 500, 0)
                .await
                .unwrap();
        jobs.into_iter().filter(|e| e.to == to).count()
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Where this app stores documents.
    pub fn files_dir(&self) -> PathBuf {
        self.dir.join("files")
    }

    /// Creates an account with the tests' password and the given grants.
    pub async fn add_user(&self, email: &str, grants: Vec<domain::Grant>) -> uuid::Uuid {
        let mut tx = self.db.begin().await.unwrap();
        let hash = domain::password::NewPassword::parse(TEST_PASSWORD)
            .unwrap()
            .hash();
        let user = store::users::create(
            &mut tx,
            &domain::AdminCap::for_console(),
            &store::audit::Actor::console(),
            self.now(),
            store::users::NewUser {
                email: domain::Email::parse(email).unwrap(),
                name: email.split('@').next().unwrap().to_owned(),
                grants,
                password_hash: Some(hash),
            },
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        user.id
    }
}

impl TestApp {
    /// Promeneur `id` consents to the public directory from its own
    /// account (opened here, without a password, if it has none): consent
    /// is the promeneur's own, staff and referents cannot give it.
    pub async fn consent_from_account(&self, id: &str) {
        let id: uuid::Uuid = id.parse().unwrap();
        let p = store::promeneurs::find_any(&self.db, id)
            .await
            .unwrap()
            .expect("promeneur");
        let mut tx = self.db.begin().await.unwrap();
        let owner = if let Some(u) = p.user_id {
            u
        } else {
            let user = store::users::create(
                &mut tx,
                &domain::AdminCap::for_console(),
                &store::audit::Actor::console(),
                self.now(),
                store::users::NewUser {
                    email: p.email.clone(),
                    name: format!("{} {}", p.first_name, p.last_name),
                    grants: vec![domain::Grant::platform(domain::Role::Promeneur)],
                    password_hash: None,
                },
            )
            .await
            .unwrap();
            store::promeneurs::link_user(&mut tx, id, user.id)
                .await
                .unwrap();
            user.id
        };
        let profile = store::promeneurs::ProfileInput {
            public_consent: true,
            public_bio: p.public_bio.clone(),
            networks: p.networks.clone(),
            presence: p.presence.clone(),
            themes: p.themes.clone(),
        };
        store::promeneurs::update_profile(
            &mut tx,
            owner,
            &store::audit::Actor::user(owner, p.email.as_str()),
            self.now(),
            id,
            &profile,
        )
        .await
        .unwrap();
        tx.commit().await.unwrap();
        self.state.directory.invalidate();
    }
}

impl<'a> Client<'a> {
    /// A second client on the same session (to send requests at once).
    pub fn twin(&self) -> Client<'a> {
        Client {
            app: self.app,
            cookies: self.cookies.clone(),
            address: self.address.clone(),
            bearer: self.bearer.clone(),
        }
    }

    /// The application this client talks to.
    pub fn app(&self) -> &'a TestApp {
        self.app
    }
}

/// The body of a queued e-mail (empty once sent), read without claiming
/// the job.
async fn store_job_body(db: &Db, email_id: uuid::Uuid) -> String {
    let job = store::outbox::peek_email_body(db, email_id).await.unwrap();
    job.unwrap_or_default()
}

/// The link of a reset or activation e-mail.
pub fn link_in(body: &str) -> String {
    let start = body
        .find("http://promeneurs.test/reinitialiser/")
        .expect("a link in the e-mail");
    body[start..].split_whitespace().next().unwrap().to_owned()
}

pub fn path_of(link: &str) -> String {
    link.trim_start_matches("http://promeneurs.test").to_owned()
}

impl Client<'_> {
    pub fn cookie(&self, name: &str) -> Option<String> {
        self.cookies
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
    }

    pub async fn send(&mut self, mut req: Request<Body>) -> Resp {
        let h = req.headers_mut();
        if !self.cookies.is_empty() {
            let c: Vec<String> = self
                .cookies
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect();
            h.insert(header::COOKIE, c.join("; ").parse().unwrap());
        }
        h.insert("x-forwarded-for", self.address.parse().unwrap());
        if let Some(t) = &self.bearer {
            h.insert(
                header::AUTHORIZATION,
                format!("Bearer {t}").parse().unwrap(),
            );
        }
        let res = self.app.router.clone().oneshot(req).await.unwrap();
        let status = res.status();
        let headers = res.headers().clone();
        for v in headers.get_all(header::SET_COOKIE) {
            let s = v.to_str().unwrap();
            let (kv, attrs) = s.split_once(';').unwrap_or((s, ""));
            let (k, v) = kv.split_once('=').unwrap();
            self.cookies.retain(|(n, _)| n != k);
            if !attrs.contains("Max-Age=0") {
                self.cookies.push((k.to_owned(), v.to_owned()));
            }
        }
        let bytes = res.into_body().collect().await.unwrap().to_bytes();
        // Binary bodies (photos, spreadsheets) are kept lossily as text.
        let body = String::from_utf8_lossy(&bytes).into_owned();
        let bytes = bytes.to_vec();
        Resp {
            status,
            headers,
            body,
            bytes,
        }
    }

    /// A GET whose body is binary (spreadsheets, photos).
    pub async fn get_bytes(&mut self, path: &str) -> Vec<u8> {
        let r = self.get(path).await;
        assert_eq!(r.status, StatusCode::OK, "GET {path}");
        r.bytes
    }

    pub async fn get(&mut self, path: &str) -> Resp {
        self.send(Request::get(path).body(Body::empty()).unwrap())
            .await
    }

    /// The token this client's forms carry.
    pub async fn csrf(&mut self) -> String {
        if self.cookie(web::auth::SESSION_COOKIE).is_some() {
            let r = self.get("/api/v1/session").await;
            if r.status == StatusCode::OK {
                return r.json()["csrf_token"].as_str().unwrap().to_owned();
            }
        }
        if self.cookie(web::auth::CSRF_COOKIE).is_none() {
            self.get("/connexion").await;
        }
        self.cookie(web::auth::CSRF_COOKIE)
            .expect("a CSRF cookie after a form page")
    }

    /// Posts a form with its CSRF token.
    pub async fn post_form(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let token = self.csrf().await;
        let mut all: Vec<(&str, &str)> = vec![("csrf_token", &token)];
        all.extend_from_slice(fields);
        self.post_form_raw(path, &all).await
    }

    /// Posts a multipart form (the CSRF token in its first part, as the
    /// pages' upload forms do): text fields and one file.
    pub async fn post_multipart(
        &mut self,
        path: &str,
        fields: &[(&str, &str)],
        file: Option<(&str, &str, &[u8])>,
    ) -> Resp {
        let token = self.csrf().await;
        let boundary = "----promeneurs-test-boundary";
        let mut body = Vec::new();
        let token_field = [("csrf_token", token.as_str())];
        for (k, v) in token_field.iter().chain(fields) {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        if let Some((name, file_name, bytes)) = file {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"; filename=\"{file_name}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
                )
                .as_bytes(),
            );
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        self.send(
            Request::post(path)
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={boundary}"),
                )
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// Posts a form as given (no token added).
    pub async fn post_form_raw(&mut self, path: &str, fields: &[(&str, &str)]) -> Resp {
        let body = serde_urlencoded::to_string(fields).unwrap();
        self.send(
            Request::post(path)
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    pub async fn login(&mut self, email: &str, password: &str) -> Resp {
        self.post_form("/connexion", &[("email", email), ("password", password)])
            .await
    }

    /// A JSON call; with a session cookie, the CSRF header is added.
    pub async fn json(&mut self, method: &str, path: &str, body: &Value) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, "application/json");
        if self.bearer.is_none() && self.cookie(web::auth::SESSION_COOKIE).is_some() {
            let t = self.csrf().await;
            req = req.header("x-csrf-token", t);
        }
        self.send(req.body(Body::from(body.to_string())).unwrap())
            .await
    }

    /// A request with a binary body (files), with the CSRF header when the
    /// session cookie is used.
    pub async fn bytes(
        &mut self,
        method: &str,
        path: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::CONTENT_TYPE, content_type);
        if self.bearer.is_none() && self.cookie(web::auth::SESSION_COOKIE).is_some() {
            let t = self.csrf().await;
            req = req.header("x-csrf-token", t);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    pub async fn raw(&mut self, method: &str, path: &str, content_type: &str, body: &str) -> Resp {
        self.send(
            Request::builder()
                .method(method)
                .uri(path)
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body.to_owned()))
                .unwrap(),
        )
        .await
    }
}
