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
use domain::{Platform, presence::open_now, text::of_place};
use jiff::Timestamp;
use serde::Deserialize;
use uuid::Uuid;

use crate::{
    AppError, AppState,
    auth::MaybeUser,
    network::directory::{DirectoryQuery, Entry, map::Origin},
    view::{Layout, render_sized},
};

/// Results per page of the directory.
const PER_PAGE: usize = 20;
/// Room for a page of results (about 45 kB with its map), so that its
/// buffer is not grown and copied while it is written. Under 64 KiB: glibc
/// consolidates its whole heap each time a chunk that large is freed.
const PAGE_BYTES: usize = 60 * 1024;

mod cards;
mod map_view;
mod networks;
mod profile;
mod verify;

use map_view::ResultsMap;
use networks::Networks;
use services::directory::radius;

/// A choice of radius near the results' heading.
struct RadiusLink {
    href: String,
    label: String,
    current: bool,
}

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
    /// How far from the commune (km, or `tous`): see `radius`.
    rayon: String,
    /// `carte` for the map of the results, else the list.
    vue: String,
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
            &mut self.rayon,
            &mut self.vue,
        ] {
            *f = f.trim().chars().take(100).collect();
        }
        self
    }

    fn online_now(&self) -> bool {
        matches!(self.online_now.as_str(), "on" | "true" | "1" | "oui")
    }

    fn map_view(&self) -> bool {
        self.vue == "carte"
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
        pairs.push(("rayon", &self.rayon));
        if self.map_view() {
            pairs.push(("vue", "carte"));
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
    networks: Networks<'a>,
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
            networks: Networks::of(e),
            bio: &e.bio,
            has_photo: e.has_photo,
            code: &e.verification_code,
        }
    }
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
    /// The choices of distance, and the one chosen.
    radius_choices: Vec<Choice<'a>>,
    radius_value: String,
    notice: Option<String>,
    suggestions: Vec<Suggestion>,
    heading: String,
    /// After the heading, from a commune: in which order.
    heading_sub: Option<String>,
    /// From a commune: the distances one may choose.
    radius_links: Vec<RadiusLink>,
    /// Nobody within the radius: the link to the nearest ones.
    widen: Option<Suggestion>,
    /// The list's and the map's addresses, when something was found.
    views: Option<(String, String)>,
    map_view: bool,
    cards: cards::Cards<'a>,
    /// Nobody online now: who comes back first (profile, name, when).
    next_online: Option<(String, String, String)>,
    map: Option<ResultsMap<'a>>,
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
    // From a commune: up to a radius, 20 km unless another is asked.
    let radius_km = place.origin.and(radius::parse(&search.rayon));
    let query = DirectoryQuery {
        origin: place.origin.map(|c| (c.lat, c.lon)),
        department: department.as_ref().map(|_| search.department.clone()),
        network,
        theme: theme.as_ref().map(|_| search.theme.clone()),
        q: Some(search.q.clone()).filter(|q| !q.is_empty()),
        online_now: search.online_now(),
        radius_km: radius_km.map(f64::from),
    };
    // The map shows every match, grouped: no page, no card.
    let map_view = search.map_view();
    let per_page = if map_view { 0 } else { PER_PAGE };
    let asked = search.page.parse::<usize>().unwrap_or(1).max(1);
    let (mut total, mut hits) =
        snapshot.search(&query, now, (asked - 1).saturating_mul(PER_PAGE), per_page);
    let last_page = if map_view {
        1
    } else {
        total.div_ceil(PER_PAGE).max(1)
    };
    let page = asked.min(last_page);
    if page != asked {
        (total, hits) = snapshot.search(&query, now, (page - 1) * PER_PAGE, per_page);
    }
    let next_online = if total == 0 && query.online_now {
        next_online(&snapshot, &query, now)
    } else {
        None
    };
    let cards = cards::Cards::new(&snapshot, &hits, now);

    // The title says what was searched, for tabs, history and screen readers.
    let mut what: Vec<String> = Vec::new();
    if let (Some(c), None) = (place.origin, radius_km) {
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
    let heading = radius::heading(total, radius_km, place.origin.map(|c| c.name.as_str()));
    let mut title = match (what.is_empty(), place.origin) {
        (true, None) => "Annuaire des Promeneurs du Net".to_owned(),
        (true, Some(_)) => heading.clone(),
        (false, _) => format!("{heading} — {}", what.join(", ")),
    };
    if page > 1 {
        let _ = write!(title, " (page {page})");
    }
    if map_view {
        title.push_str(" (carte)");
    }

    // Another page, radius or view lands on the results, as the search does.
    let link = |s: &Search, p: usize| {
        let q = s.query(None, p);
        if q.is_empty() {
            "/annuaire#resultats".to_owned()
        } else {
            format!("/annuaire?{q}#resultats")
        }
    };
    let with = |rayon: String, vue: &str| Search {
        rayon,
        vue: vue.to_owned(),
        ..search.clone()
    };
    let radius_links: Vec<RadiusLink> = if place.origin.is_some() {
        radius::CHOICES
            .iter()
            .map(|(_, km)| RadiusLink {
                href: link(&with(radius::value(*km), &search.vue), 1),
                label: radius::label(*km),
                current: *km == radius_km,
            })
            .collect()
    } else {
        Vec::new()
    };
    // Nobody within the radius: how far the nearest is, one link away.
    let widen = match (radius_km, total) {
        (Some(km), 0) => {
            let anywhere = DirectoryQuery {
                radius_km: None,
                ..query.clone()
            };
            let (_, nearest) = snapshot.search(&anywhere, now, 0, 1);
            nearest.first().and_then(|h| h.distance_km).map(|d| {
                let (reach, label) = radius::widen(d, km);
                Suggestion {
                    href: link(&with(radius::value(reach), &search.vue), 1),
                    label,
                }
            })
        }
        _ => None,
    };
    let views = (total > 0).then(|| {
        (
            link(&with(search.rayon.clone(), ""), 1),
            link(&with(search.rayon.clone(), "carte"), 1),
        )
    });
    let map = (map_view && total > 0).then(|| {
        let origin = place.origin.map(|c| Origin {
            name: &c.name,
            lat: c.lat,
            lon: c.lon,
        });
        ResultsMap::new(&snapshot, &query, now, origin, |insee, rayon| {
            let near = Search {
                ou: String::new(),
                ..with(rayon.to_owned(), "")
            };
            format!("/annuaire?{}#resultats", near.query(Some(insee), 1))
        })
    });
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
            radius_choices: radius::CHOICES
                .iter()
                .map(|(value, km)| Choice {
                    value,
                    label: radius::label(*km).into(),
                })
                .collect(),
            radius_value: radius::parse(&search.rayon)
                .map_or_else(|| "tous".to_owned(), |km| km.to_string()),
            notice: place.notice,
            suggestions,
            heading_sub: place.origin.map(|c| match radius_km {
                Some(_) => " du plus proche au plus loin".to_owned(),
                None => format!(" du plus proche au plus loin {}", of_place(&c.name)),
            }),
            heading,
            radius_links,
            widen,
            views,
            map_view,
            cards,
            next_online,
            map,
            pages: if last_page > 1 && last_page <= 10 {
                (1..=last_page)
                    .map(|p| PageLink {
                        number: p,
                        href: link(&search, p),
                        current: p == page,
                    })
                    .collect()
            } else {
                Vec::new()
            },
            previous: (page > 1).then(|| link(&search, page - 1)),
            next: (page < last_page).then(|| link(&search, page + 1)),
            search: Search {
                network: network.map(|n| n.as_str().to_owned()).unwrap_or_default(),
                ..search
            },
        },
        PAGE_BYTES,
    )
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
