//! The walk by commune gives exactly what a full sort of every match by
//! (distance, name) gives: same total, same window, same order, same
//! distances.

use domain::{
    geo::distance_km,
    network::Platform,
    presence::{PresenceSlot, TimeOfDay, Weekday, open_now},
    text::search_key,
};
use jiff::{Timestamp, civil::date};
use uuid::Uuid;

use super::super::{DirectoryQuery, Entry, Labels, PublicNetwork, Snapshot};

const FIRST: [&str; 5] = ["Léa", "Adam", "Zoé", "Marc", "Inès"];
const LAST: [&str; 4] = ["Martin", "Bernard", "Roux", "Marchand"];
const THEMES: [&str; 3] = ["sante", "emploi", "loisirs"];
const PLATFORMS: [&str; 3] = ["instagram", "discord", "snapchat"];

/// A small deterministic generator (no dependency, same data every run).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        usize::try_from((self.0 >> 33) % n as u64).expect("small")
    }
}

/// Communes: (insee, lat, lon). The second and third share a position (a
/// tie of distance between two communes), the fourth is a hair away, the
/// fifth and sixth have no latitude one can bound a distance with, the
/// seventh and eighth are at the same latitude on both sides of the tie.
fn communes() -> Vec<(String, f64, f64)> {
    let mut out = vec![
        ("03310".to_owned(), 46.12, 3.42),
        ("03185".to_owned(), 46.34, 2.60),
        ("03186".to_owned(), 46.34, 2.60),
        ("03187".to_owned(), 46.34, 2.600_000_001),
        ("03999".to_owned(), 95.0, 3.0),
        ("03998".to_owned(), f64::NAN, 3.0),
        ("03188".to_owned(), 46.34, 2.50),
        ("03189".to_owned(), 46.34, 2.70),
    ];
    for i in 0..36_u32 {
        out.push((
            format!("63{i:03}"),
            45.5 + f64::from(i % 6) * 0.1,
            2.9 + f64::from(i / 6) * 0.07,
        ));
    }
    out
}

fn entry(i: usize, rng: &mut Lcg, places: &[(String, f64, f64)]) -> Entry {
    let (insee, lat, lon) = places[rng.next(places.len())].clone();
    let display_name = format!("{} {}", FIRST[rng.next(5)], LAST[rng.next(4)]);
    let department = insee[..2].to_owned();
    let themes = (0..rng.next(3))
        .map(|_| THEMES[rng.next(3)].to_owned())
        .collect();
    let networks = (0..rng.next(3))
        .map(|_| {
            let platform = PLATFORMS[rng.next(3)].to_owned();
            PublicNetwork {
                label: platform.clone(),
                platform,
                handle: "h".to_owned(),
                url: None,
            }
        })
        .collect();
    let slots = (0..rng.next(3))
        .filter_map(|_| {
            let day = Weekday::from_number(u8::try_from(1 + rng.next(7)).ok()?).ok()?;
            let start = u16::try_from(8 * 60 + rng.next(10) * 60).ok()?;
            PresenceSlot::new(
                day,
                TimeOfDay::from_minutes(start).ok()?,
                TimeOfDay::from_minutes(start + 120).ok()?,
            )
            .ok()
        })
        .collect();
    Entry {
        id: Uuid::from_u128(u128::try_from(i).expect("small") + 1),
        search: search_key(&format!("{display_name} {insee}")),
        display_name,
        job_title: String::new(),
        structure_name: String::new(),
        structure_commune: String::new(),
        commune_name: insee.clone(),
        commune_insee: insee,
        department,
        lat,
        lon,
        networks,
        themes,
        slots,
        presence_words: String::new(),
        bio: String::new(),
        has_photo: false,
        verification_code: String::new(),
        json_head: String::new(),
    }
}

fn snapshot(n: usize, seed: u64) -> Snapshot {
    let mut rng = Lcg(seed);
    let places = communes();
    let entries = (0..n).map(|i| entry(i, &mut rng, &places)).collect();
    Snapshot::from_entries(1, date(2026, 12, 2), entries, Labels::default(), 0)
}

/// What the search must give, the slow way: every match, sorted.
fn full_sort(
    s: &Snapshot,
    q: &DirectoryQuery,
    now: Timestamp,
    offset: usize,
    limit: usize,
) -> (usize, Vec<(Uuid, Option<u64>)>) {
    let key = q.q.as_deref().map(search_key).filter(|k| !k.is_empty());
    let mut found: Vec<(Option<f64>, usize)> = s
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| {
            q.department.as_ref().is_none_or(|d| &e.department == d)
                && q.network
                    .is_none_or(|p| e.networks.iter().any(|n| n.platform == p.as_str()))
                && q.theme.as_ref().is_none_or(|t| e.themes.contains(t))
                && key.as_ref().is_none_or(|k| e.search.contains(k.as_str()))
                && (!q.online_now || open_now(&e.slots, now))
        })
        .map(|(i, e)| (q.origin.map(|(a, b)| distance_km(a, b, e.lat, e.lon)), i))
        .filter(|(d, _)| match (d, q.radius_km) {
            (Some(d), Some(r)) => *d <= r,
            _ => true,
        })
        .collect();
    found.sort_by(|a, b| {
        let by_distance = match (a.0, b.0) {
            (Some(x), Some(y)) => x.total_cmp(&y),
            _ => std::cmp::Ordering::Equal,
        };
        by_distance.then(a.1.cmp(&b.1))
    });
    let page = found
        .iter()
        .skip(offset)
        .take(limit)
        .map(|&(d, i)| (s.entries[i].id, d.map(f64::to_bits)))
        .collect();
    (found.len(), page)
}

fn walked(
    s: &Snapshot,
    q: &DirectoryQuery,
    now: Timestamp,
    offset: usize,
    limit: usize,
) -> (usize, Vec<(Uuid, Option<u64>)>) {
    let (total, hits) = s.search(q, now, offset, limit);
    // Each hit names its entry's place in the snapshot.
    assert!(
        hits.iter()
            .all(|h| std::ptr::from_ref(&s.entries[h.index]) == std::ptr::from_ref(h.entry))
    );
    let page = hits
        .iter()
        .map(|h| (h.entry.id, h.distance_km.map(f64::to_bits)))
        .collect();
    (total, page)
}

fn queries() -> Vec<DirectoryQuery> {
    let origins = [
        None,
        Some((46.12, 3.42)),
        Some((46.34, 2.60)),
        Some((46.34, 2.65)),
        Some((45.7, 3.1)),
        Some((45.5, 2.9)),
        Some((48.85, 2.35)),
        Some((44.0, 3.0)),
        Some((f64::NAN, 3.0)),
        Some((-95.0, 3.0)),
    ];
    let mut out = Vec::new();
    for origin in origins {
        let base = DirectoryQuery {
            origin,
            ..DirectoryQuery::default()
        };
        out.push(base.clone());
        out.push(DirectoryQuery {
            department: Some("63".to_owned()),
            ..base.clone()
        });
        out.push(DirectoryQuery {
            network: Some(Platform::Discord),
            ..base.clone()
        });
        out.push(DirectoryQuery {
            theme: Some("sante".to_owned()),
            ..base.clone()
        });
        out.push(DirectoryQuery {
            q: Some("MARC".to_owned()),
            ..base.clone()
        });
        out.push(DirectoryQuery {
            q: Some("  ".to_owned()),
            ..base.clone()
        });
        out.push(DirectoryQuery {
            online_now: true,
            ..base.clone()
        });
        out.push(DirectoryQuery {
            department: Some("03".to_owned()),
            theme: Some("emploi".to_owned()),
            q: Some("léa".to_owned()),
            ..base.clone()
        });
        out.push(DirectoryQuery {
            department: Some("99".to_owned()),
            ..base.clone()
        });
        // Radii: nobody, a commune's own, a few communes, all.
        for radius in [0.0, 0.5, 12.0, 20.0, 40.0, 5_000.0] {
            out.push(DirectoryQuery {
                radius_km: Some(radius),
                ..base.clone()
            });
            out.push(DirectoryQuery {
                radius_km: Some(radius),
                network: Some(Platform::Snapchat),
                online_now: true,
                ..base.clone()
            });
        }
    }
    out
}

const WINDOWS: [(usize, usize); 9] = [
    (0, 50),
    (0, 1),
    (0, 0),
    (7, 13),
    (45, 20),
    (190, 20),
    (199, 50),
    (500, 10),
    (3, usize::MAX),
];

#[test]
fn the_walk_by_commune_gives_what_a_full_sort_gives() {
    // Wednesday 2 December 2026, 15:30 in Paris.
    let now: Timestamp = "2026-12-02T14:30:00Z".parse().expect("instant");
    for seed in [1, 42, 7_777] {
        let s = snapshot(200, seed);
        for q in queries() {
            for (offset, limit) in WINDOWS {
                assert_eq!(
                    walked(&s, &q, now, offset, limit),
                    full_sort(&s, &q, now, offset, limit),
                    "seed {seed}, query {q:?}, window {offset}+{limit}"
                );
            }
        }
    }
}

#[test]
fn communes_at_the_same_distance_mix_their_promeneurs_by_name() {
    let s = snapshot(200, 3);
    let q = DirectoryQuery {
        origin: Some((46.34, 2.60)),
        ..DirectoryQuery::default()
    };
    let now = Timestamp::UNIX_EPOCH;
    let (total, hits) = s.search(&q, now, 0, 200);
    assert_eq!(total, 200);
    let at_zero: Vec<&Entry> = hits
        .iter()
        .take_while(|h| h.distance_km == Some(0.0))
        .map(|h| h.entry)
        .collect();
    let communes: std::collections::HashSet<&str> =
        at_zero.iter().map(|e| e.commune_insee.as_str()).collect();
    assert_eq!(
        communes,
        ["03185", "03186"].into_iter().collect(),
        "two communes at the very same place"
    );
    assert!(
        at_zero
            .windows(2)
            .all(|w| (&w[0].display_name, w[0].id) < (&w[1].display_name, w[1].id)),
        "in name order across the two communes"
    );
    // The commune a hair away comes right after, not mixed in.
    assert_eq!(hits[at_zero.len()].entry.commune_insee, "03187");
}

#[test]
fn an_empty_snapshot_finds_nothing() {
    let s = snapshot(0, 1);
    let q = DirectoryQuery {
        origin: Some((46.0, 3.0)),
        ..DirectoryQuery::default()
    };
    let (total, hits) = s.search(&q, Timestamp::UNIX_EPOCH, 0, 50);
    assert_eq!((total, hits.len()), (0, 0));
}

#[test]
fn a_radius_keeps_only_the_promeneurs_near_enough() {
    let s = snapshot(200, 5);
    let now = Timestamp::UNIX_EPOCH;
    let all = DirectoryQuery {
        origin: Some((46.34, 2.60)),
        ..DirectoryQuery::default()
    };
    let (everyone, _) = s.search(&all, now, 0, 0);
    let near = DirectoryQuery {
        radius_km: Some(10.0),
        ..all.clone()
    };
    let (total, hits) = s.search(&near, now, 0, 500);
    assert!(total > 0 && total < everyone, "{total} of {everyone}");
    assert_eq!(hits.len(), total);
    assert!(
        hits.iter()
            .all(|h| h.distance_km.is_some_and(|d| d <= 10.0))
    );
    // What a map draws: the same promeneurs, by commune.
    let by_place = s.matches_by_place(&near, now);
    assert_eq!(by_place.iter().map(|(_, n)| n).sum::<usize>(), total);
    assert!(by_place.iter().all(|(e, _)| {
        ["03185", "03186", "03187", "03188", "03189"].contains(&e.commune_insee.as_str())
    }));
    let (none, hits) = s.search(
        &DirectoryQuery {
            radius_km: Some(5.0),
            origin: Some((44.0, 3.0)),
            ..DirectoryQuery::default()
        },
        now,
        0,
        20,
    );
    assert_eq!((none, hits.len()), (0, 0), "nobody 5 km around");
    // Without an origin a radius means nothing.
    let (no_origin, _) = s.search(
        &DirectoryQuery {
            radius_km: Some(5.0),
            ..DirectoryQuery::default()
        },
        now,
        0,
        0,
    );
    assert_eq!(no_origin, everyone);
}
