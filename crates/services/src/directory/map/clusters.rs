//! The promeneurs found, grouped by place for the map: each commune where
//! some are, merged with the communes drawn too close to it to be told
//! apart (or tapped apart), the most populated first.

use super::{View, base};

/// Where some promeneurs found are: a commune and how many.
#[derive(Debug, Clone, Copy)]
pub struct Spot<'a> {
    pub insee: &'a str,
    pub name: &'a str,
    pub lat: f64,
    pub lon: f64,
    pub count: usize,
}

/// A group of promeneurs on the map, named after its commune with the
/// most of them, drawn there (SVG units).
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster<'a> {
    pub insee: &'a str,
    pub name: &'a str,
    pub x: f64,
    pub y: f64,
    pub count: usize,
    /// How many communes it gathers.
    pub communes: usize,
    /// SVG units per unit on screen (the inverse of the view's zoom).
    scale: f64,
}

/// The radius of the disc that takes taps and clicks, at least (48 units:
/// about 26 CSS px when the map is 330 px wide on a phone).
pub(super) const HIT_RADIUS: f64 = 24.0;
/// Room kept between two groups' discs.
const GAP: f64 = 4.0;

/// The radius of a group's disc: grows with its count, within bounds.
fn radius_of(count: usize) -> f64 {
    let n = f64::from(u32::try_from(count).unwrap_or(u32::MAX));
    (15.0 + 4.0 * n.sqrt()).min(40.0)
}

impl Cluster<'_> {
    /// The radius of its disc, in the units of its view.
    pub fn radius(&self) -> f64 {
        radius_of(self.count) * self.scale
    }

    /// "Vichy : 5 promeneurs", "Clermont-Ferrand et alentours : 14
    /// promeneurs": the link's name, and the text list's.
    pub fn label(&self) -> String {
        let who = if self.count == 1 {
            "1 promeneur".to_owned()
        } else {
            format!("{} promeneurs", self.count)
        };
        if self.communes == 1 {
            format!("{} : {who}", self.name)
        } else {
            format!("{} et alentours : {who}", self.name)
        }
    }
}

/// The groups of `spots` in `view`, the biggest first (then by name):
/// each spot joins the nearest group whose disc its own would touch on
/// screen, else starts one. Spots without a position one can draw are
/// left out.
pub fn clusters<'a>(spots: &[Spot<'a>], view: &View) -> Vec<Cluster<'a>> {
    let projection = &base().projection;
    let scale = 1.0 / view.zoom;
    let mut order: Vec<&Spot<'a>> = spots.iter().filter(|s| s.count > 0).collect();
    order.sort_by(|a, b| {
        b.count
            .cmp(&a.count)
            .then_with(|| a.name.cmp(b.name))
            .then_with(|| a.insee.cmp(b.insee))
    });
    let mut out: Vec<Cluster<'a>> = Vec::new();
    for s in order {
        let (x, y) = projection.point(s.lon, s.lat);
        if !(x.is_finite() && y.is_finite()) {
            continue;
        }
        let reach = |c: &Cluster<'_>| {
            scale * (radius_of(c.count) + radius_of(s.count) + GAP).max(2.0 * HIT_RADIUS)
        };
        let nearest = out
            .iter_mut()
            .map(|c| ((c.x - x).hypot(c.y - y), c))
            .filter(|(d, c)| *d < reach(c))
            .min_by(|a, b| a.0.total_cmp(&b.0));
        match nearest {
            Some((_, c)) => {
                c.count += s.count;
                c.communes += 1;
            }
            None => out.push(Cluster {
                insee: s.insee,
                name: s.name,
                x,
                y,
                count: s.count,
                communes: 1,
                scale,
            }),
        }
    }
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(b.name)));
    out
}

/// The groups of a search's matches (every one, not a page) and the view
/// they are drawn in: zoomed on the disc searched when there is one.
pub fn of_search<'a>(
    snapshot: &'a crate::directory::Snapshot,
    query: &crate::directory::DirectoryQuery,
    now: jiff::Timestamp,
) -> (Vec<Cluster<'a>>, View) {
    let spots: Vec<Spot<'a>> = snapshot
        .matches_by_place(query, now)
        .into_iter()
        .map(|(e, count)| Spot {
            insee: &e.commune_insee,
            name: &e.commune_name,
            lat: e.lat,
            lon: e.lon,
            count,
        })
        .collect();
    let view = match (query.origin, query.radius_km) {
        (Some((lat, lon)), Some(r)) => View::around(lat, lon, r),
        _ => View::whole(),
    };
    (clusters(&spots, &view), view)
}
