//! The pages every public-service site has, linked from every page's
//! footer and open to anyone: the legal notice, the accessibility
//! statement (RGAA), the personal-data page and the contacts. They read
//! each CAF's settings ("Ma Caf") and, for what is kept and how long, the
//! lifetimes the services really apply.

use askama::Template;
use axum::{Router, extract::State, response::Html, routing::get};
use jiff::SignedDuration;
use store::reference::Department;

use crate::{
    AppError, AppState,
    auth::{CSRF_COOKIE, MaybeUser, SESSION_COOKIE},
    view::{Layout, render},
};

/// The day the accessibility statement was written (RGAA asks for it);
/// to change with the statement.
const STATEMENT_DATE: &str = "5 décembre 2026";

/// Where the source of this software is published (AGPL-3.0-or-later).
const SOURCE_URL: &str = env!("CARGO_PKG_REPOSITORY");

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/mentions-legales", get(legal_notice))
        .route("/accessibilite", get(accessibility))
        .route("/donnees-personnelles", get(personal_data))
        .route("/contact", get(contact))
}

/// A CAF as the public pages show it: only what its agents have set.
pub struct Caf {
    pub department: String,
    pub caf_name: String,
    pub address: Vec<String>,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    pub director: String,
    pub host: Vec<String>,
}

impl From<Department> for Caf {
    fn from(d: Department) -> Self {
        Self {
            department: format!("{} ({})", d.name, d.code),
            caf_name: d.caf_name,
            address: lines(&d.caf_address),
            contact_name: d.contact_name.trim().to_owned(),
            contact_email: d.contact_email.trim().to_owned(),
            contact_phone: d.contact_phone.trim().to_owned(),
            director: d.publication_director.trim().to_owned(),
            host: lines(&d.host),
        }
    }
}

impl Caf {
    /// Whether anyone can be reached at this CAF through these pages.
    pub fn has_contact(&self) -> bool {
        !self.contact_email.is_empty() || !self.contact_phone.is_empty() || !self.address.is_empty()
    }
}

fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

async fn cafs(state: &AppState) -> Result<Vec<Caf>, AppError> {
    Ok(services::reference::departments(state)
        .await?
        .into_iter()
        .map(Caf::from)
        .collect())
}

/// Each host named by the CAFs, once (two CAFs on one site name the same).
fn hosts(cafs: &[Caf]) -> Vec<Vec<String>> {
    let mut out: Vec<Vec<String>> = Vec::new();
    for c in cafs {
        if !c.host.is_empty() && !out.contains(&c.host) {
            out.push(c.host.clone());
        }
    }
    out
}

#[derive(Template)]
#[template(path = "info/legal_notice.html")]
struct LegalNotice {
    layout: Layout,
    cafs: Vec<Caf>,
    hosts: Vec<Vec<String>>,
    base_url: String,
    source_url: &'static str,
}

async fn legal_notice(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
) -> Result<Html<String>, AppError> {
    let cafs = cafs(&state).await?;
    render(&LegalNotice {
        layout: Layout::new(&auth, "Mentions légales"),
        hosts: hosts(&cafs),
        cafs,
        base_url: state.settings.base_url.clone(),
        source_url: SOURCE_URL,
    })
}

#[derive(Template)]
#[template(path = "info/accessibility.html")]
struct Accessibility {
    layout: Layout,
    cafs: Vec<Caf>,
    base_url: String,
    date: &'static str,
}

async fn accessibility(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
) -> Result<Html<String>, AppError> {
    render(&Accessibility {
        layout: Layout::new(&auth, "Déclaration d'accessibilité"),
        cafs: cafs(&state).await?,
        base_url: state.settings.base_url.clone(),
        date: STATEMENT_DATE,
    })
}

/// How long things last, as the services apply them.
struct Lifetimes {
    session_idle: String,
    session_max: String,
    token: String,
    reset_link: String,
    activation_link: String,
    handover_months: u32,
}

#[derive(Template)]
#[template(path = "info/personal_data.html")]
struct PersonalData {
    layout: Layout,
    cafs: Vec<Caf>,
    life: Lifetimes,
    session_cookie: &'static str,
    csrf_cookie: &'static str,
}

async fn personal_data(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
) -> Result<Html<String>, AppError> {
    let s = &state.settings;
    render(&PersonalData {
        layout: Layout::new(&auth, "Données personnelles"),
        cafs: cafs(&state).await?,
        life: Lifetimes {
            session_idle: duration_fr(s.session_ttl),
            session_max: duration_fr(s.session_max),
            token: duration_fr(s.token_lifetime),
            reset_link: duration_fr(s.reset_link_ttl),
            activation_link: duration_fr(s.activation_link_ttl),
            handover_months: s.handover_months,
        },
        session_cookie: SESSION_COOKIE,
        csrf_cookie: CSRF_COOKIE,
    })
}

#[derive(Template)]
#[template(path = "info/contact.html")]
struct Contact {
    layout: Layout,
    cafs: Vec<Caf>,
}

async fn contact(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
) -> Result<Html<String>, AppError> {
    render(&Contact {
        layout: Layout::new(&auth, "Contact"),
        cafs: cafs(&state).await?,
    })
}

/// "12 heures", "1 heure", "7 jours", "180 jours", "30 minutes": whole days
/// from two days up, hours below.
fn duration_fr(d: SignedDuration) -> String {
    let plural = |n: i64, one: &str, many: &str| {
        if n == 1 {
            format!("1 {one}")
        } else {
            format!("{n} {many}")
        }
    };
    let minutes = d.as_mins();
    let hours = d.as_hours();
    if hours >= 48 && hours % 24 == 0 {
        plural(hours / 24, "jour", "jours")
    } else if minutes % 60 == 0 {
        plural(hours, "heure", "heures")
    } else {
        plural(minutes, "minute", "minutes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_french() {
        assert_eq!(duration_fr(SignedDuration::from_hours(12)), "12 heures");
        assert_eq!(duration_fr(SignedDuration::from_hours(1)), "1 heure");
        assert_eq!(duration_fr(SignedDuration::from_hours(24)), "24 heures");
        assert_eq!(duration_fr(SignedDuration::from_hours(24 * 7)), "7 jours");
        assert_eq!(duration_fr(SignedDuration::from_mins(30)), "30 minutes");
    }
}
