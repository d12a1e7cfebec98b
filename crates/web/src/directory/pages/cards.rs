//! The cards of the directory's page of results. A card's markup is the
//! same on every page but for two things: the distance from the place
//! searched and the "online now" badge. The rest is rendered (and escaped)
//! once per entry (its accounts' buttons too), when the entry is first
//! shown, and kept with the directory snapshot; a page writes those fragments around its two
//! varying parts. The bytes are those the page's template wrote per card.

use std::{fmt, sync::OnceLock};

use askama::Template;
use domain::{availability::Availability, presence::paris_time};
use jiff::Timestamp;

use super::Card;
use crate::network::directory::{Hit, Snapshot};

/// A card before its distance (ends with the commune's name).
#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<li>
      <article class="promeneur-card" aria-labelledby="nom-{{ p.id }}">
        <h3 id="nom-{{ p.id }}"><a href="/promeneurs/{{ p.id }}"><span class="visually-hidden">Voir le profil de </span>{{ p.name }}</a></h3>
        <p class="card-job">{{ p.job_title }}, {{ p.structure }} ({{ p.structure_commune }})</p>
        <p><span class="card-key">Commune :</span> {{ p.commune }}"#
)]
struct Head<'a> {
    p: &'a Card<'a>,
}

/// A card after its "online now" badge, to the list item's end.
#[derive(Template)]
#[template(
    ext = "html",
    source = r#"
        {% if !p.presence.is_empty() %}<p><span class="card-key">En ligne :</span> {{ p.presence }}</p>{% endif %}
        {% if !p.themes.is_empty() %}<p><span class="card-key">Thèmes :</span> {{ p.themes }}</p>{% endif %}
        {% if !p.networks.is_empty() %}{{ p.networks|safe }}{% endif %}
      </article>
    </li>
    "#
)]
struct Tail<'a> {
    p: &'a Card<'a>,
}

/// One entry's card without its varying parts, escaped.
struct Fragments {
    head: String,
    tail: String,
}

/// Every entry's fragments, by the entry's index, made when first shown.
struct Kept(Vec<OnceLock<Fragments>>);

/// The cards of a page, written into it by `{{ cards|safe }}`.
pub(super) struct Cards<'a> {
    items: Vec<Item<'a>>,
}

/// A card of a page: its kept fragments and what varies.
struct Item<'a> {
    fragments: &'a Fragments,
    distance_km: Option<f64>,
    availability: Availability,
}

impl<'a> Cards<'a> {
    pub(super) fn new(snapshot: &'a Snapshot, hits: &[Hit<'a>], now: Timestamp) -> Self {
        let online_at = paris_time(now);
        let kept = snapshot.derived(|s| Kept(s.entries.iter().map(|_| OnceLock::new()).collect()));
        let items = hits
            .iter()
            .map(|h| {
                let fragments = kept.0[h.index].get_or_init(|| {
                    let card = Card::new(h.entry, snapshot.theme_labels(), now);
                    Fragments {
                        head: Head { p: &card }.render().unwrap_or_default(),
                        tail: Tail { p: &card }.render().unwrap_or_default(),
                    }
                });
                Item {
                    fragments,
                    distance_km: h.distance_km,
                    availability: Availability::at_paris(&h.entry.slots, online_at),
                }
            })
            .collect();
        Self { items }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

impl fmt::Display for Cards<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for item in &self.items {
            f.write_str(&item.fragments.head)?;
            if let Some(km) = item.distance_km {
                // "à moins d'1 km" or "à 12 km", escaped as askama does
                // (numeric entities; digits need none).
                if km < 1.0 {
                    f.write_str(" — <strong>à moins d&#39;1 km</strong>")?;
                } else {
                    write!(f, " — <strong>à {km:.0} km</strong>")?;
                }
            }
            f.write_str("</p>\n        ")?;
            // Who is online now, and when the others come back: the
            // words hold no user text (day names, hours).
            match item.availability {
                Availability::OnlineUntil(end) => write!(
                    f,
                    r#"<p><span class="badge badge-success">En ligne maintenant</span> <span class="availability">jusqu&#39;à {}</span></p>"#,
                    end.french()
                )?,
                next @ Availability::Next { .. } => write!(
                    f,
                    r#"<p class="availability">{}</p>"#,
                    capitalised(&next.french()).replace('\'', "&#39;")
                )?,
                Availability::Never => {}
            }
            f.write_str(&item.fragments.tail)?;
        }
        Ok(())
    }
}

/// "De retour lundi à 17 h".
fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
