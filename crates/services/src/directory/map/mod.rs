//! The directory's offline map: the outlines of the départements served
//! (IGN ADMIN EXPRESS, `data/reference/outlines.json`) and their main
//! towns (`data/reference/communes.csv`), drawn as inline SVG by the
//! server, with the promeneurs found grouped by place: one link per group,
//! with its count, to the results near that place. No tiles, no script,
//! no request elsewhere: it prints, and the page lists the same groups as
//! text (the map is an extra, never the only way).

use std::{fmt::Write, sync::OnceLock};

use serde::Deserialize;

mod clusters;
mod towns;

pub use clusters::{Cluster, Spot, clusters, of_search};

/// Radii from which the map shows both départements whole (km).
const WHOLE_FROM_KM: f64 = 60.0;
/// Kilometres in a degree of latitude.
const KM_PER_DEGREE: f64 = 111.195;

/// The part of the drawing shown (SVG units), and how much it is
/// enlarged: everything drawn on top of the outlines (discs, names) is
/// divided by `zoom`, so it keeps its size on screen.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
    zoom: f64,
}

impl View {
    /// Both départements.
    pub fn whole() -> Self {
        let base = base();
        Self {
            x: 0.0,
            y: 0.0,
            width: WIDTH,
            height: base.height,
            zoom: 1.0,
        }
    }

    /// The square around a commune that holds the disc of `radius_km`
    /// (both départements from 60 km).
    pub fn around(lat: f64, lon: f64, radius_km: f64) -> Self {
        let base = base();
        let (x, y) = base.projection.point(lon, lat);
        let half = radius_km * 1.1 / KM_PER_DEGREE * base.projection.y_scale;
        if !(x.is_finite() && y.is_finite() && half > 0.0) || radius_km >= WHOLE_FROM_KM {
            return Self::whole();
        }
        Self {
            x: x - half,
            y: y - half,
            width: 2.0 * half,
            height: 2.0 * half,
            zoom: WIDTH / (2.0 * half),
        }
    }

    fn is_whole(&self) -> bool {
        self.zoom <= 1.0
    }

    fn contains(&self, x: f64, y: f64) -> bool {
        (self.x..=self.x + self.width).contains(&x) && (self.y..=self.y + self.height).contains(&y)
    }
}

const OUTLINES: &str = include_str!("../../../../../data/reference/outlines.json");

/// Width of the drawing in SVG units; the height follows the projection.
const WIDTH: f64 = 600.0;
/// Room around the outlines, so that edge markers are not cut.
const PAD: f64 = 24.0;
/// Outline points closer than this (SVG units) to the last kept one are
/// dropped: invisible at any screen size, and half the bytes.
const SIMPLIFY: f64 = 1.5;
/// Département names sit this far above their outline's mean point, off
/// the main towns (Clermont-Ferrand is near the middle of the Puy-de-Dôme).
const LABEL_RAISE: f64 = 60.0;
/// The size of the départements' names (SVG units, see `.map-label`).
const LABEL_SIZE: f64 = 22.0;
/// The size of the counts in the discs (SVG units).
const COUNT_SIZE: f64 = 22.0;

/// The commune searched from: drawn, not a link.
pub struct Origin<'a> {
    pub name: &'a str,
    pub lat: f64,
    pub lon: f64,
}

#[derive(Deserialize)]
struct Outlines {
    departments: Vec<DepartmentOutline>,
    bbox: [f64; 4],
}

#[derive(Deserialize)]
struct DepartmentOutline {
    name: String,
    rings: Vec<Vec<[f64; 2]>>,
}

/// Equirectangular projection of the bounding box, longitudes scaled by the
/// cosine of the mean latitude (good enough at the scale of two
/// départements).
struct Projection {
    min_lon: f64,
    max_lat: f64,
    x_scale: f64,
    y_scale: f64,
}

impl Projection {
    fn new(bbox: [f64; 4]) -> Self {
        let [min_lon, min_lat, max_lon, max_lat] = bbox;
        let k = f64::midpoint(min_lat, max_lat).to_radians().cos();
        let scale = (WIDTH - 2.0 * PAD) / ((max_lon - min_lon) * k);
        Self {
            min_lon,
            max_lat,
            x_scale: scale * k,
            y_scale: scale,
        }
    }

    fn point(&self, lon: f64, lat: f64) -> (f64, f64) {
        (
            PAD + (lon - self.min_lon) * self.x_scale,
            PAD + (self.max_lat - lat) * self.y_scale,
        )
    }
}

/// A box taken by a label (left, top, right, bottom), in SVG units.
#[derive(Debug, Clone, Copy)]
struct Rect {
    left: f64,
    top: f64,
    right: f64,
    bottom: f64,
}

impl Rect {
    /// The box of `text` in a font of `size`, anchored at its start, its
    /// middle or its end on `x`, its baseline on `y` (an average width per
    /// character: the map's labels are short and in one system font).
    fn of_text(text: &str, size: f64, x: f64, y: f64, anchor: Anchor) -> Self {
        let chars = f64::from(u32::try_from(text.chars().count()).unwrap_or(u32::MAX));
        let width = chars * size * 0.58;
        let left = match anchor {
            Anchor::Start => x,
            Anchor::Middle => x - width / 2.0,
            Anchor::End => x - width,
        };
        Self {
            left,
            top: y - size,
            right: left + width,
            bottom: y + size * 0.3,
        }
    }

    fn overlaps(&self, other: &Self) -> bool {
        self.left < other.right
            && other.left < self.right
            && self.top < other.bottom
            && other.top < self.bottom
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Anchor {
    Start,
    Middle,
    End,
}

/// What every map shares, built once: the projection, the size, the
/// outlines' markup and the boxes of the départements' names.
struct Base {
    projection: Projection,
    height: f64,
    outlines: String,
    /// The départements' names' boxes (the towns' names avoid them; a
    /// zoomed map hides them).
    labels: Vec<Rect>,
}

fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(|| {
        let data: Outlines = serde_json::from_str(OUTLINES).expect("valid outlines.json");
        let projection = Projection::new(data.bbox);
        let (_, bottom) = projection.point(data.bbox[0], data.bbox[1]);
        let height = bottom + PAD;
        let mut outlines = String::from(r#"<g class="map-departments" aria-hidden="true">"#);
        let mut labels = String::new();
        let mut taken = Vec::new();
        for d in &data.departments {
            let _ = write!(outlines, r#"<path class="map-department" d=""#);
            let (mut sx, mut sy, mut n) = (0.0, 0.0, 0.0);
            for ring in &d.rings {
                let mut last: Option<(f64, f64)> = None;
                for (i, [lon, lat]) in ring.iter().enumerate() {
                    let (x, y) = projection.point(*lon, *lat);
                    if let Some((lx, ly)) = last
                        && (x - lx).hypot(y - ly) < SIMPLIFY
                        && i + 1 < ring.len()
                    {
                        continue;
                    }
                    let _ = write!(
                        outlines,
                        "{}{x:.1} {y:.1}",
                        if last.is_none() { "M" } else { "L" }
                    );
                    last = Some((x, y));
                    sx += x;
                    sy += y;
                    n += 1.0;
                }
                outlines.push('Z');
            }
            outlines.push_str(r#""/>"#);
            if n > 0.0 {
                let (x, y) = (sx / n, sy / n - LABEL_RAISE);
                taken.push(Rect::of_text(&d.name, LABEL_SIZE, x, y, Anchor::Middle));
                let _ = write!(
                    labels,
                    r#"<text class="map-label" x="{x:.0}" y="{y:.0}" text-anchor="middle">{}</text>"#,
                    escape(&d.name)
                );
            }
        }
        outlines.push_str(&labels);
        outlines.push_str("</g>");
        Base {
            projection,
            height,
            outlines,
            labels: taken,
        }
    })
}

/// The map of a search's results: an `<svg role="group">` (it holds
/// links, so it is not an image) with the outlines, the groups of
/// promeneurs — each a link to its `hrefs[i]`, named by its `<title>` and
/// `aria-label` — the main towns' names over them, and the commune
/// searched from.
pub fn write_cluster_map<W: Write + ?Sized>(
    svg: &mut W,
    groups: &[Cluster<'_>],
    hrefs: &[String],
    origin: Option<&Origin<'_>>,
    view: &View,
) -> std::fmt::Result {
    let base = base();
    let z = view.zoom;
    write!(
        svg,
        r#"<svg class="results-map{}" xmlns="http://www.w3.org/2000/svg" viewBox="{:.1} {:.1} {:.1} {:.1}" role="group" aria-label="Carte des promeneurs trouvés">"#,
        if view.is_whole() { "" } else { " map-zoomed" },
        view.x,
        view.y,
        view.width,
        view.height,
    )?;
    svg.write_str(&base.outlines)?;
    let size = |v: f64| v / z;
    // Each group's disc, kept inside the view; the towns' names avoid them
    // (and the départements' names on the whole map).
    let discs: Vec<(f64, f64, f64)> = groups
        .iter()
        .map(|g| {
            let r = g.radius();
            let (x, y) = clamp(g.x, g.y, r, view);
            (x, y, r)
        })
        .collect();
    let mut taken: Vec<Rect> = if view.is_whole() {
        base.labels.clone()
    } else {
        Vec::new()
    };
    taken.extend(discs.iter().map(|&(x, y, r)| Rect {
        left: x - r,
        top: y - r,
        right: x + r,
        bottom: y + r,
    }));
    svg.write_str(&towns::markup(&base.projection, view, &discs, &mut taken))?;
    // The biggest groups first, so that the small ones stay on top.
    for ((g, href), &(x, y, r)) in groups.iter().zip(hrefs).zip(&discs) {
        let label = escape(&g.label());
        write!(
            svg,
            r#"<a class="map-cluster" href="{}" aria-label="{label}"><title>{label}</title><circle class="map-hit" cx="{x:.1}" cy="{y:.1}" r="{:.1}"/><circle class="map-dot" cx="{x:.1}" cy="{y:.1}" r="{r:.1}"/><text class="map-count" x="{x:.1}" y="{y:.1}" font-size="{:.1}" text-anchor="middle" dominant-baseline="central" aria-hidden="true">{}</text></a>"#,
            escape(href),
            r.max(size(clusters::HIT_RADIUS)),
            size(COUNT_SIZE),
            g.count,
        )?;
    }
    // The searched commune last, as a hollow diamond over the markers
    // (taps go through it: see `.map-origin` in theme.css).
    if let Some(o) = origin {
        let (x, y) = base.projection.point(o.lon, o.lat);
        let r = size(18.0);
        let (x, y) = clamp(x, y, r, view);
        let name = escape(&format!("Ta recherche : {}", o.name));
        write!(
            svg,
            r#"<g class="map-origin" role="img" aria-label="{name}"><title>{name}</title><path d="M{x:.1} {:.1}L{:.1} {y:.1}L{x:.1} {:.1}L{:.1} {y:.1}Z"/></g>"#,
            y - r,
            x + r,
            y + r,
            x - r,
        )?;
    }
    svg.write_str("</svg>")
}

/// A disc of radius `r` kept inside the view.
fn clamp(x: f64, y: f64, r: f64, view: &View) -> (f64, f64) {
    (
        x.clamp(view.x + r, view.x + view.width - r),
        y.clamp(view.y + r, view.y + view.height - r),
    )
}

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let _ = escape_into(&mut out, s);
    out
}

/// Writes `s` escaped for HTML text and attributes: runs without a special
/// character are written whole.
fn escape_into<W: Write + ?Sized>(out: &mut W, s: &str) -> std::fmt::Result {
    let mut start = 0;
    for (i, b) in s.bytes().enumerate() {
        let entity = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.write_str(&s[start..i])?;
        out.write_str(entity)?;
        start = i + 1;
    }
    out.write_str(&s[start..])
}

#[cfg(test)]
mod tests;
