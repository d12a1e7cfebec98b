//! The names of the main towns on the map: the most populated communes of
//! the reference data, each written where it overlaps no name already
//! written (the départements' first), at most [`MAX_TOWNS`] of them.

use std::fmt::Write;

use super::{Anchor, Projection, Rect, View, escape};

const COMMUNES: &str = include_str!("../../../../../data/reference/communes.csv");

/// How many of the most populated communes are tried, and written at most.
const CANDIDATES: usize = 40;
pub(super) const MAX_TOWNS: usize = 14;
/// The size of the towns' names (SVG units, see `.map-town-label`).
const SIZE: f64 = 19.0;
/// The gap between a town's dot and its name.
const OFFSET: f64 = 7.0;
/// Towns closer than this to a town already written are left out (the
/// suburbs of a city: their dots would merge).
const SPACING: f64 = 30.0;

/// A commune of the reference data: name, population, position.
struct Town<'a> {
    name: &'a str,
    population: u64,
    lat: f64,
    lon: f64,
}

/// The rows of `communes.csv` (insee, name, postal codes, département,
/// population, EPCI code and name, lat, lon; no quoted field).
fn towns() -> Vec<Town<'static>> {
    COMMUNES
        .lines()
        .skip(1)
        .filter_map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            let [_, name, _, _, population, .., lat, lon] = fields.as_slice() else {
                return None;
            };
            Some(Town {
                name,
                population: population.parse().ok()?,
                lat: lat.parse().ok()?,
                lon: lon.parse().ok()?,
            })
        })
        .collect()
}

/// The towns' dots and names in `view`, as a decorative group (the links
/// of the map name their places themselves). A name starts beside its
/// dot, or beside the disc drawn over it (`discs`: centre and radius), and
/// overlaps none of the boxes `taken`, which gets it.
pub(super) fn markup(
    projection: &Projection,
    view: &View,
    discs: &[(f64, f64, f64)],
    taken: &mut Vec<Rect>,
) -> String {
    let z = view.zoom;
    let (size, offset, spacing) = (SIZE / z, OFFSET / z, SPACING / z);
    let mut all: Vec<(Town<'_>, f64, f64)> = towns()
        .into_iter()
        .map(|t| {
            let (x, y) = projection.point(t.lon, t.lat);
            (t, x, y)
        })
        .filter(|(_, x, y)| view.contains(*x, *y))
        .collect();
    all.sort_by(|(a, ..), (b, ..)| b.population.cmp(&a.population).then(a.name.cmp(b.name)));
    let mut out = format!(
        r#"<g class="map-towns" aria-hidden="true" font-size="{size:.1}" stroke-width="{:.2}">"#,
        4.0 / z
    );
    let mut dots: Vec<(f64, f64)> = Vec::new();
    let mut written = 0;
    for (t, x, y) in all.iter().take(CANDIDATES) {
        let (x, y) = (*x, *y);
        if written == MAX_TOWNS {
            break;
        }
        if dots.iter().any(|(a, b)| (a - x).hypot(b - y) < spacing) {
            continue;
        }
        let baseline = y + size * 0.35;
        let gap = offset / 2.0;
        let covering = discs
            .iter()
            .filter(|(dx, dy, r)| (dx - x).hypot(dy - y) < r + gap);
        let right = covering
            .clone()
            .map(|(dx, _, r)| dx + r + gap)
            .fold(x + offset, f64::max);
        let left = covering
            .clone()
            .map(|(dx, _, r)| dx - r - gap)
            .fold(x - offset, f64::min);
        // Above or below the disc over the dot, when there is one.
        let above = covering
            .clone()
            .map(|(_, dy, r)| dy - r - gap - size * 0.3)
            .fold(f64::INFINITY, f64::min);
        let below = covering
            .map(|(_, dy, r)| dy + r + gap + size)
            .fold(f64::NEG_INFINITY, f64::max);
        let mut spots = vec![
            (Anchor::Start, right, baseline),
            (Anchor::End, left, baseline),
        ];
        if above.is_finite() {
            spots.extend([(Anchor::Middle, x, above), (Anchor::Middle, x, below)]);
        }
        // A town not written keeps its suburbs from taking its place.
        dots.push((x, y));
        let place = spots
            .into_iter()
            .map(|(anchor, at, baseline)| {
                (
                    anchor,
                    at,
                    baseline,
                    Rect::of_text(t.name, size, at, baseline, anchor),
                )
            })
            .find(|(.., r)| {
                r.left >= view.x
                    && r.right <= view.x + view.width
                    && r.top >= view.y
                    && r.bottom <= view.y + view.height
                    && !taken.iter().any(|o| o.overlaps(r))
            });
        let Some((anchor, at, baseline, rect)) = place else {
            continue;
        };
        taken.push(rect);
        written += 1;
        let _ = write!(
            out,
            r#"<circle class="map-town" cx="{x:.1}" cy="{y:.1}" r="{:.1}"/><text class="map-town-label" x="{at:.1}" y="{baseline:.1}" text-anchor="{}">{}</text>"#,
            3.0 / z,
            match anchor {
                Anchor::Start => "start",
                Anchor::Middle => "middle",
                Anchor::End => "end",
            },
            escape(t.name)
        );
    }
    out.push_str("</g>");
    out
}
