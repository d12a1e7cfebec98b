//! The directory's offline map: the outlines of the départements served
//! (IGN ADMIN EXPRESS, `data/reference/outlines.json`) drawn as inline SVG
//! by the server, with one link marker per promeneur shown. No tiles, no
//! script, no request elsewhere: it prints, and the text list beside it
//! says the same things (the map is an extra, never the only way).

use std::{fmt::Write, sync::OnceLock};

use serde::Deserialize;
use uuid::Uuid;

const OUTLINES: &str = include_str!("../../../../data/reference/outlines.json");

/// Width of the drawing in SVG units; the height follows the projection.
const WIDTH: f64 = 600.0;
/// Room around the outlines, so that edge markers are not cut.
const PAD: f64 = 24.0;
/// Outline points closer than this (SVG units) to the last kept one are
/// dropped: invisible at any screen size, and half the bytes.
const SIMPLIFY: f64 = 1.5;
/// The visible dot, and the transparent disc that takes taps and clicks
/// (44 units: about 24 CSS px when the map is 330 px wide on a phone).
const DOT_RADIUS: f64 = 8.0;
/// The two radii as the markup writes them.
const HIT_R: &str = "22";
const DOT_R: &str = "8";
/// Département names sit this far above their outline's mean point, off
/// the main towns (Clermont-Ferrand is near the middle of the Puy-de-Dôme).
const LABEL_RAISE: f64 = 60.0;
/// Promeneurs of the same commune are spread on rings of this radius.
const SPREAD: f64 = 14.0;

/// A promeneur on the map: where, and the start of its link
/// ([`marker_head`], which a caller may keep from one map to the next).
pub struct Marker<'a> {
    pub head: &'a str,
    pub lat: f64,
    pub lon: f64,
}

/// The start of a promeneur's marker, up to its position: the link to the
/// profile, named "Name, Commune" (escaped).
pub fn marker_head(id: Uuid, name: &str, commune: &str) -> String {
    let mut head = String::with_capacity(160 + 2 * (name.len() + commune.len()));
    let mut label = String::with_capacity(name.len() + commune.len() + 2);
    let _ = escape_into(&mut label, name);
    label.push_str(", ");
    let _ = escape_into(&mut label, commune);
    let _ = write!(
        head,
        r#"<a class="map-marker" href="/promeneurs/{id}" aria-label="{label}"><title>{label}</title><circle class="map-hit" cx=""#
    );
    head
}

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

/// What every map shares, built once: the projection, the size and the
/// outlines' markup.
struct Base {
    projection: Projection,
    height: f64,
    outlines: String,
}

fn base() -> &'static Base {
    static BASE: OnceLock<Base> = OnceLock::new();
    BASE.get_or_init(|| {
        let data: Outlines = serde_json::from_str(OUTLINES).expect("valid outlines.json");
        let projection = Projection::new(data.bbox);
        let (_, bottom) = projection.point(data.bbox[0], data.bbox[1]);
        let mut outlines = String::from(r#"<g class="map-departments" aria-hidden="true">"#);
        let mut labels = String::new();
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
                let _ = write!(
                    labels,
                    r#"<text class="map-label" x="{:.0}" y="{:.0}" text-anchor="middle">{}</text>"#,
                    sx / n,
                    sy / n - LABEL_RAISE,
                    escape(&d.name)
                );
            }
        }
        outlines.push_str(&labels);
        outlines.push_str("</g>");
        Base {
            projection,
            height: bottom + PAD,
            outlines,
        }
    })
}

/// The map of a page of results: an `<svg role="group">` (it holds links,
/// so it is not an image) with the outlines, the searched commune and one
/// link per promeneur, named by its `<title>` and `aria-label`.
pub fn results_map(markers: &[Marker<'_>], origin: Option<&Origin<'_>>) -> String {
    let mut svg = String::with_capacity(base().outlines.len() + 400 + markers.len() * 260);
    let _ = write_results_map(&mut svg, markers, origin);
    svg
}

/// [`results_map`], written where the page is (no string of its own).
pub fn write_results_map<W: Write + ?Sized>(
    svg: &mut W,
    markers: &[Marker<'_>],
    origin: Option<&Origin<'_>>,
) -> std::fmt::Result {
    let base = base();
    svg.write_str(r#"<svg class="results-map" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 "#)?;
    write!(
        svg,
        r#"{WIDTH:.0} {:.0}" role="group" aria-label="Carte des résultats">"#,
        base.height
    )?;
    svg.write_str(&base.outlines)?;
    // Promeneurs of one commune share its position: spread them out so
    // that each stays visible and can be tapped. A page has a few dozen
    // markers at most: a list is quicker than a hash map.
    let mut taken: Vec<((i64, i64), usize)> = Vec::with_capacity(markers.len());
    let mut x_text = Tenths::default();
    let mut y_text = Tenths::default();
    for m in markers {
        let (x, y) = base.projection.point(m.lon, m.lat);
        #[expect(
            clippy::cast_possible_truncation,
            reason = "screen units, well within i64"
        )]
        let key = ((x / 4.0).round() as i64, (y / 4.0).round() as i64);
        let k = if let Some((_, n)) = taken.iter_mut().find(|(at, _)| *at == key) {
            *n += 1;
            *n - 1
        } else {
            taken.push((key, 1));
            0
        };
        let (x, y) = spread(x, y, k);
        let (x, y) = clamp(x, y, base.height);
        let (x, y) = (x_text.of(x), y_text.of(y));
        svg.write_str(m.head)?;
        svg.write_str(x)?;
        svg.write_str(r#"" cy=""#)?;
        svg.write_str(y)?;
        svg.write_str(r#"" r=""#)?;
        svg.write_str(HIT_R)?;
        svg.write_str(r#""/><circle class="map-dot" cx=""#)?;
        svg.write_str(x)?;
        svg.write_str(r#"" cy=""#)?;
        svg.write_str(y)?;
        svg.write_str(r#"" r=""#)?;
        svg.write_str(DOT_R)?;
        svg.write_str(r#""/></a>"#)?;
    }
    // The searched commune last, as a hollow diamond over the markers
    // (taps go through it: see `.map-origin` in theme.css).
    if let Some(o) = origin {
        let (x, y) = base.projection.point(o.lon, o.lat);
        let (x, y) = clamp(x, y, base.height);
        let name = escape(&format!("Ta recherche : {}", o.name));
        let r = DOT_RADIUS + 10.0;
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

/// A number as `{:.1}` writes it, made without the general float
/// formatting when it is plainly not a tie (the markers' coordinates: a
/// quarter of the map's cost went to formatting them).
#[derive(Default)]
struct Tenths {
    text: String,
}

impl Tenths {
    fn of(&mut self, v: f64) -> &str {
        self.text.clear();
        let t = v * 10.0;
        let floor = t.floor();
        let frac = t - floor;
        // The product is within an ulp of ten times `v` (under 1e-9 here):
        // away from a tie, it rounds as the exact value does.
        if v.is_sign_positive() && t < 1e9 && (frac - 0.5).abs() > 1e-6 {
            #[expect(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                reason = "a non-negative whole number under 1e9"
            )]
            let n = (if frac > 0.5 { floor + 1.0 } else { floor }) as u64;
            let _ = write!(self.text, "{}.{}", n / 10, n % 10);
        } else {
            let _ = write!(self.text, "{v:.1}");
        }
        &self.text
    }
}

/// The k-th marker at one place: the first on it, the next ones on rings
/// of six around it.
fn spread(x: f64, y: f64, k: usize) -> (f64, f64) {
    if k == 0 {
        return (x, y);
    }
    let ring = (k - 1) / 6 + 1;
    let slot = (k - 1) % 6;
    let r = SPREAD * f64::from(u32::try_from(ring).unwrap_or(u32::MAX));
    let angle = std::f64::consts::FRAC_PI_3 * f64::from(u32::try_from(slot).unwrap_or(0));
    (x + r * angle.cos(), y + r * angle.sin())
}

fn clamp(x: f64, y: f64, height: f64) -> (f64, f64) {
    (
        x.clamp(DOT_RADIUS, WIDTH - DOT_RADIUS),
        y.clamp(DOT_RADIUS, height - DOT_RADIUS),
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
mod tests {
    use super::*;

    #[test]
    fn markers_are_links_inside_a_group_not_an_image() {
        let id = Uuid::nil();
        let (lea, sam) = (
            marker_head(id, "Léa <Martin>", "Vichy"),
            marker_head(id, "Sam", "Vichy"),
        );
        let svg = results_map(
            &[
                Marker {
                    head: &lea,
                    lat: 46.12484,
                    lon: 3.42843,
                },
                Marker {
                    head: &sam,
                    lat: 46.12484,
                    lon: 3.42843,
                },
            ],
            Some(&Origin {
                name: "Vichy",
                lat: 46.12484,
                lon: 3.42843,
            }),
        );
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains(r#"role="group" aria-label="Carte des résultats""#));
        assert!(!svg.contains(r#"<svg class="results-map" role="img""#));
        assert_eq!(svg.matches(r#"<a class="map-marker""#).count(), 2);
        assert!(svg.contains("<title>Léa &lt;Martin&gt;, Vichy</title>"));
        assert!(svg.contains("Ta recherche : Vichy"));
        assert_eq!(svg.matches(r#"class="map-department""#).count(), 2);
        // Two promeneurs of one commune are not drawn on top of each other.
        let dots: Vec<&str> = svg
            .split(r#"<circle class="map-dot" "#)
            .skip(1)
            .map(|s| s.split(" r=").next().unwrap())
            .collect();
        assert_ne!(dots[0], dots[1]);
    }

    #[test]
    fn tenths_are_written_as_the_formatting_does() {
        let mut t = Tenths::default();
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        let mut values = vec![
            0.0, 0.05, 0.25, 0.35, 1.45, 2.5, 8.0, 12.35, 591.95, 9.999_999, 1e12,
        ];
        for _ in 0..200_000 {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            #[expect(clippy::cast_precision_loss, reason = "a test's random numbers")]
            let v = (state >> 11) as f64 / (1u64 << 53) as f64 * 1000.0;
            values.push(v);
            // Ties and their neighbours: k / 20 exactly, and a hair off.
            let tie = (v * 20.0).round() / 20.0;
            values.extend([tie, tie.next_up(), tie.next_down()]);
        }
        for v in values {
            assert_eq!(t.of(v), format!("{v:.1}"), "{v:e}");
        }
    }

    #[test]
    fn the_radii_are_written_as_before() {
        assert_eq!(format!("{DOT_RADIUS}"), DOT_R);
    }

    #[test]
    fn escaping_writes_runs_and_entities() {
        assert_eq!(escape(r#"a<b>&"c'd"#), "a&lt;b&gt;&amp;&quot;c&#39;d");
        assert_eq!(escape("Léa"), "Léa");
        assert_eq!(escape("<script>"), "&lt;script&gt;");
    }

    #[test]
    fn the_projection_keeps_the_bbox_inside_the_drawing() {
        let b = base();
        let (x, y) = b.projection.point(2.2768, 46.8043);
        assert!((x - PAD).abs() < 1e-6 && (y - PAD).abs() < 1e-6);
        let (x, y) = b.projection.point(4.0057, 45.2871);
        assert!((x - (WIDTH - PAD)).abs() < 1e-6);
        assert!((y - (b.height - PAD)).abs() < 1e-6);
        // Portrait: the two départements are taller than wide once scaled.
        assert!(b.height > WIDTH);
    }
}
