//! The public directory (API.md "Public pages"): the search a young person
//! makes on a phone, a promeneur's profile and photo, and the check of a
//! code printed on posters. Everything is read from the directory snapshot,
//! so only promeneurs that pass the gating (DESIGN §4) ever show; no page
//! here sets a cookie or loads anything from another site.

use std::{collections::HashMap, fmt::Write as _};

use askama::Template;
use axum::{
    Router,
    extract::{Query, State},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use domain::{Platform, presence::open_now};
use jiff::Timestamp;
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    AppError, AppState,
    auth::MaybeUser,
    network::directory::{
        DirectoryQuery, Entry,
        map::{self, Marker, Origin},
    },
    view::{Layout, render_sized},
};

/// Results per page of the directory.
const PER_PAGE: usize = 20;
/// Room for a page of results (about 45 kB with its map), so that its
/// buffer is not grown and copied while it is written. Under 64 KiB: glibc
/// consolidates its whole heap each time a chunk that large is freed.
const PAGE_BYTES: usize = 60 * 1024;

mod cards;
mod profile;
mod verify;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/annuaire", get(directory))
        .route("/promeneurs/{id}", get(profile::profile))
        .route("/promeneurs/{id}/photo", get(profile::photo))
        .route("/verifier", get(verify::verify_form))
        .route("/verifier/{code}", get(verify::verify))
        .route("/verifier/{code}/qr.svg", get(verify::qr))
}

// ------------------------------------------------------------------ search

/// What the search form sends (and what links carry): free text, kept as
/// typed, and checked leniently — a page never answers 422.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
struct Search {
    ou: String,
    commune: String,
    department: String,
    network: String,
    theme: String,
    q: String,
    online_now: String,
    page: String,
}

impl Search {
    fn tidy(mut self) -> Self {
        for f in [
            &mut self.ou,
            &mut self.commune,
            &mut self.department,
            &mut self.network,
            &mut self.theme,
            &mut self.q,
        ] {
            *f = f.trim().chars().take(100).collect();
        }
        self
    }

    fn online_now(&self) -> bool {
        matches!(self.online_now.as_str(), "on" | "true" | "1" | "oui")
    }

    /// The query string of these filters at a page, with the place
    /// replaced by a commune when one is given (the suggestions).
    fn query(&self, commune: Option<&str>, page: usize) -> String {
        let page = page.to_string();
        let mut pairs: Vec<(&str, &str)> = Vec::new();
        if let Some(c) = commune {
            pairs.push(("commune", c));
        } else {
            pairs.push(("ou", &self.ou));
            pairs.push(("commune", &self.commune));
        }
        pairs.extend([
            ("department", self.department.as_str()),
            ("network", self.network.as_str()),
            ("theme", self.theme.as_str()),
            ("q", self.q.as_str()),
        ]);
        if self.online_now() {
            pairs.push(("online_now", "on"));
        }
        if page != "1" {
            pairs.push(("page", &page));
        }
        pairs.retain(|(_, v)| !v.is_empty());
        serde_urlencoded::to_string(pairs).unwrap_or_default()
    }
}

/// An option of a filter, borrowed from the snapshot where it can be.
struct Choice<'a> {
    value: &'a str,
    label: std::borrow::Cow<'a, str>,
}

struct PageLink {
    number: usize,
    href: String,
    current: bool,
}

struct Suggestion {
    href: String,
    label: String,
}

struct NetworkLink<'a> {
    label: &'a str,
    handle: &'a str,
    url: Option<&'a str>,
    /// What the young person should know before writing there.
    note: Option<&'static str>,
}

/// WhatsApp shows each side's phone number to the other: a young person
/// who writes there gives its number away, which the page says it never
/// has to.
const WHATSAPP_NOTE: &str = "attention : WhatsApp lui montrera ton numéro de téléphone";

/// A promeneur as the pages show it, borrowed from the snapshot's entry.
struct Card<'a> {
    id: Uuid,
    name: &'a str,
    job_title: &'a str,
    structure: &'a str,
    structure_commune: &'a str,
    commune: &'a str,
    online: bool,
    presence: &'a str,
    themes: String,
    networks: Vec<NetworkLink<'a>>,
    bio: &'a str,
    has_photo: bool,
    code: &'a str,
}

impl<'a> Card<'a> {
    fn new(e: &'a Entry, themes: &HashMap<String, String>, now: Timestamp) -> Self {
        let mut theme_words = String::new();
        for (i, t) in e.themes.iter().enumerate() {
            if i > 0 {
                // Labels may hold commas ("Orientation, études, formation").
                theme_words.push_str(" ; ");
            }
            theme_words.push_str(themes.get(t).unwrap_or(t));
        }
        Self {
            id: e.id,
            name: &e.display_name,
            job_title: &e.job_title,
            structure: &e.structure_name,
            structure_commune: &e.structure_commune,
            commune: &e.commune_name,
            online: open_now(&e.slots, now),
            presence: &e.presence_words,
            themes: theme_words,
            networks: networks(e),
            bio: &e.bio,
            has_photo: e.has_photo,
            code: &e.verification_code,
        }
    }
}

/// A promeneur's accounts; only web addresses become links.
fn networks(e: &Entry) -> Vec<NetworkLink<'_>> {
    e.networks
        .iter()
        .map(|n| NetworkLink {
            label: &n.label,
            note: (n.platform == "whatsapp").then_some(WHATSAPP_NOTE),
            handle: &n.handle,
            url: n
                .url
                .as_deref()
                .filter(|u| u.starts_with("https://") || u.starts_with("http://")),
        })
        .collect()
}

#[derive(Template)]
#[template(path = "public/annuaire.html")]
struct DirectoryPage<'a> {
    layout: Layout,
    search: Search,
    ou_value: String,
    filters_open: bool,
    departments: Vec<Choice<'a>>,
    networks: Vec<Choice<'a>>,
    themes: Vec<Choice<'a>>,
    notice: Option<String>,
    suggestions: Vec<Suggestion>,
    origin_name: Option<String>,
    heading: String,
    cards: cards::Cards<'a>,
    /// Nobody online now: who comes back first (profile, name, when).
    next_online: Option<(String, String, String)>,
    map: ResultsMap<'a>,
    pages: Vec<PageLink>,
    previous: Option<String>,
    next: Option<String>,
}

/// The directory page. A visitor's page is the same for everyone: it is
/// kept with the directory snapshot and served again until the data change.
async fn directory(
    State(state): State<AppState>,
    MaybeUser(auth): MaybeUser,
    Query(search): Query<Search>,
) -> Result<Response, AppError> {
    if auth.principal.is_some() {
        return Ok(directory_page(&state, &auth, search).await?.into_response());
    }
    let now = state.now();
    let snapshot = state.directory.snapshot(&state.db, now).await?;
    // The key is made of the parameters the page reads, tidied; the minute
    // is in it because cards say who is online now.
    let key = snapshot.keeps_answers().then(|| {
        let tidy = search.clone().tidy();
        let page = tidy.page.parse::<usize>().unwrap_or(1).max(1);
        format!("html:{}:{}", now.as_second() / 60, tidy.query(None, page))
    });
    if let Some(body) = key.as_deref().and_then(|k| snapshot.cached(k)) {
        return Ok(Html(body).into_response());
    }
    let Html(page) = directory_page(&state, &auth, search).await?;
    let body = axum::body::Bytes::from(page);
    if let Some(key) = key {
        snapshot.remember(key, body.clone());
    }
    Ok(Html(body).into_response())
}

async fn directory_page(
    state: &AppState,
    auth: &crate::auth::Auth,
    search: Search,
) -> Result<Html<String>, AppError> {
    let search = search.tidy();
    let communes = state.communes().await?;
    let now = state.now();
    let snapshot = state.directory.snapshot(&state.db, now).await?;
    let departments = snapshot.departments();
    let themes: Vec<Choice> = snapshot
        .themes()
        .iter()
        .map(|t| Choice {
            value: &t.slug,
            label: t.label.as_str().into(),
        })
        .collect();
    let place = services::network::place::locate(&communes, &search.ou, &search.commune);

    let department = departments
        .iter()
        .find(|d| d.code.as_str() == search.department)
        .map(|d| d.name.clone());
    let network = Platform::parse(&search.network).ok();
    let theme = themes
        .iter()
        .find(|t| t.value == search.theme)
        .map(|t| t.label.clone().into_owned());
    let query = DirectoryQuery {
        origin: place.origin.map(|c| (c.lat, c.lon)),
        department: department.as_ref().map(|_| search.department.clone()),
        network,
        theme: theme.as_ref().map(|_| search.theme.clone()),
        q: Some(search.q.clone()).filter(|q| !q.is_empty()),
        online_now: search.online_now(),
    };
    let asked = search.page.parse::<usize>().unwrap_or(1).max(1);
    let (mut total, mut hits) =
        snapshot.search(&query, now, (asked - 1).saturating_mul(PER_PAGE), PER_PAGE);
    let last_page = total.div_ceil(PER_PAGE).max(1);
    let page = asked.min(last_page);
    if page != asked {
        (total, hits) = snapshot.search(&query, now, (page - 1) * PER_PAGE, PER_PAGE);
    }
    let shown = &hits[..];
    let next_online = if total == 0 && query.online_now {
        next_online(&snapshot, &query, now)
    } else {
        None
    };
    let cards = cards::Cards::new(&snapshot, shown, now);
    let markers = cards.markers();
    let origin = place.origin.map(|c| Origin {
        name: &c.name,
        lat: c.lat,
        lon: c.lon,
    });
    let map = ResultsMap { markers, origin };

    // The title says what was searched, for tabs, history and screen readers.
    let mut what: Vec<String> = Vec::new();
    if let Some(c) = place.origin {
        what.push(format!("près de {}", c.name));
    }
    if let Some(n) = network {
        what.push(n.label().to_owned());
    }
    what.extend(theme.clone().map(|t| format!("thème {t}")));
    what.extend(department.clone());
    if !search.q.is_empty() {
        what.push(format!("« {} »", search.q));
    }
    if search.online_now() {
        what.push("en ligne maintenant".to_owned());
    }
    let heading = found_words(total);
    let mut title = if what.is_empty() {
        "Annuaire des Promeneurs du Net".to_owned()
    } else {
        format!("{heading} — {}", what.join(", "))
    };
    if page > 1 {
        let _ = write!(title, " (page {page})");
    }

    // Another page of results lands on the results, as the search does.
    let link = |p: usize| {
        let q = search.query(None, p);
        if q.is_empty() {
            "/annuaire#resultats".to_owned()
        } else {
            format!("/annuaire?{q}#resultats")
        }
    };
    let suggestions = place
        .suggestions
        .iter()
        .map(|c| Suggestion {
            href: format!("/annuaire?{}#resultats", search.query(Some(&c.insee), 1)),
            label: format!(
                "{} ({}, {})",
                c.name,
                c.postal_codes.split_whitespace().next().unwrap_or(""),
                departments
                    .iter()
                    .find(|d| d.code == c.department)
                    .map_or(c.department.as_str(), |d| d.name.as_str())
            ),
        })
        .collect();
    let ou_value = if search.ou.is_empty() {
        place.origin.map_or_else(String::new, |c| {
            match c.postal_codes.split_whitespace().next() {
                Some(p) => format!("{} ({p})", c.name),
                None => c.name.clone(),
            }
        })
    } else {
        search.ou.clone()
    };
    render_sized(
        &DirectoryPage {
            layout: Layout::new(auth, title),
            // "Online now" sits outside the folded filters.
            filters_open: department.is_some()
                || network.is_some()
                || theme.is_some()
                || !search.q.is_empty(),
            ou_value,
            departments: departments
                .iter()
                .map(|d| Choice {
                    value: d.code.as_str(),
                    label: format!("{} — {}", d.code, d.name).into(),
                })
                .collect(),
            networks: Platform::ALL
                .iter()
                .map(|p| Choice {
                    value: p.as_str(),
                    label: p.label().into(),
                })
                .collect(),
            themes,
            notice: place.notice,
            suggestions,
            origin_name: place.origin.map(|c| c.name.clone()),
            heading,
            cards,
            next_online,
            map,
            pages: if last_page > 1 && last_page <= 10 {
                (1..=last_page)
                    .map(|p| PageLink {
                        number: p,
                        href: link(p),
                        current: p == page,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            previous: (page > 1).then(|| link(page - 1)),
            next: (page < last_page).then(|| link(page + 1)),
            search: Search {
                network: network.map(|n| n.as_str().to_owned()).unwrap_or_default(),
                ..search
            },
        },
        PAGE_BYTES,
    )
}

/// The map of a page, written into it by `{{ map|safe }}`.
struct ResultsMap<'a> {
    markers: Vec<Marker<'a>>,
    origin: Option<Origin<'a>>,
}

impl std::fmt::Display for ResultsMap<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        map::write_results_map(f, &self.markers, self.origin.as_ref())
    }
}

fn found_words(n: usize) -> String {
    match n {
        0 => "Aucun promeneur trouvé".to_owned(),
        1 => "1 promeneur trouvé".to_owned(),
        n => format!("{n} promeneurs trouvés"),
    }
}

/// When nobody matching the search is online now: of the 200 nearest who
/// match otherwise, the one back soonest (the nearest of those), with its
/// profile's address, its name and when.
fn next_online(
    snapshot: &services::directory::Snapshot,
    query: &DirectoryQuery,
    now: jiff::Timestamp,
) -> Option<(String, String, String)> {
    use domain::availability::Availability;
    let mut any = query.clone();
    any.online_now = false;
    let (_, hits) = snapshot.search(&any, now, 0, 200);
    let at = domain::presence::paris_time(now);
    hits.iter()
        .filter_map(|h| match Availability::at_paris(&h.entry.slots, at) {
            a @ Availability::Next { days, start, .. } => Some((days, start, h, a)),
            _ => None,
        })
        .min_by_key(|(days, start, _, _)| (*days, *start))
        .map(|(_, _, h, a)| {
            (
                format!("/promeneurs/{}", h.entry.id),
                h.entry.display_name.clone(),
                a.french(),
            )
        })
}
