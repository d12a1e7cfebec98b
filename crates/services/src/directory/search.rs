//! The search of a snapshot: the matches of a query, counted, and the
//! window of them a page shows — by distance from the origin when there is
//! one (then by name), else by name.
//!
//! Entries are kept in name order and grouped by commune, and the communes
//! by latitude. A search from an origin walks the communes from the nearest
//! until the window is full, measuring (haversine) only those whose gap in
//! latitude could make them as near as the next one to show: it touches a
//! few communes and their entries, not all of them. Communes at exactly the
//! same distance are walked together, their entries merged by name order,
//! which is the order a full sort by (distance, name) gives.

use std::{cmp::Ordering, collections::BinaryHeap};

use domain::{
    geo::GeoPoint,
    presence::{TimeOfDay, Weekday, open_at, paris_time},
    text::search_key,
};
use jiff::Timestamp;

use super::{DirectoryQuery, Entry, Hit, Snapshot};

/// The filters of a query, ready to test entries.
struct Filter<'q> {
    q: &'q DirectoryQuery,
    key: Option<String>,
    /// When "online now" is asked: the day and time in Paris.
    online_at: Option<(Weekday, TimeOfDay)>,
}

impl<'q> Filter<'q> {
    fn new(q: &'q DirectoryQuery, now: Timestamp) -> Self {
        Self {
            q,
            key: q.q.as_deref().map(search_key).filter(|k| !k.is_empty()),
            online_at: q.online_now.then(|| paris_time(now)),
        }
    }

    /// Whether every entry matches.
    fn is_empty(&self) -> bool {
        let q = self.q;
        q.department.is_none()
            && q.network.is_none()
            && q.theme.is_none()
            && self.key.is_none()
            && !q.online_now
    }

    fn matches(&self, e: &Entry) -> bool {
        let q = self.q;
        q.department.as_ref().is_none_or(|d| &e.department == d)
            && q.network
                .is_none_or(|p| e.networks.iter().any(|n| n.platform == p.as_str()))
            && q.theme.as_ref().is_none_or(|t| e.themes.contains(t))
            && self
                .key
                .as_ref()
                .is_none_or(|k| e.search.contains(k.as_str()))
            && self.online_at.is_none_or(|at| open_at(&e.slots, at))
    }
}

/// A commune in the heap of those not walked yet: the nearest comes out
/// first (then the first built, an arbitrary but fixed order).
struct Near {
    km: f64,
    place: usize,
}

impl Ord for Near {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .km
            .total_cmp(&self.km)
            .then(other.place.cmp(&self.place))
    }
}

impl PartialOrd for Near {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl PartialEq for Near {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other).is_eq()
    }
}

impl Eq for Near {}

/// The window `offset..offset + limit` of a sequence, filled as it goes.
struct Window<'a> {
    offset: usize,
    end: usize,
    seen: usize,
    hits: Vec<Hit<'a>>,
}

impl<'a> Window<'a> {
    fn full(&self) -> bool {
        self.seen >= self.end
    }

    fn offer(&mut self, entry: &'a Entry, index: usize, distance_km: Option<f64>) {
        if self.seen >= self.offset && self.seen < self.end {
            self.hits.push(Hit {
                entry,
                index,
                distance_km,
            });
        }
        self.seen += 1;
    }
}

/// The communes not measured yet, by latitude: those below the origin's
/// (`down`, walked downwards) and above it (`up`, walked upwards). Their
/// latitude gap to the origin is a floor of their distance that grows
/// outwards, so the next commune to measure is at one of the two ends.
struct Band {
    range: std::ops::Range<usize>,
    down: usize,
    up: usize,
}

impl Band {
    fn new(s: &Snapshot, origin: GeoPoint) -> Self {
        if !origin.has_latitude() {
            return Self {
                range: 0..0,
                down: 0,
                up: 0,
            };
        }
        let range = s.with_latitude.clone();
        let split =
            range.start + s.places[range.clone()].partition_point(|p| p.at.lat() < origin.lat());
        Self {
            range,
            down: split,
            up: split,
        }
    }

    /// The floor of the distance of the next commune to measure, and it.
    fn next_floor(&self, s: &Snapshot, origin: GeoPoint) -> Option<(f64, usize)> {
        let floor = |p: usize| (origin.distance_floor_km(&s.places[p].at), p);
        let below = (self.down > self.range.start).then(|| floor(self.down - 1));
        let above = (self.up < self.range.end).then(|| floor(self.up));
        match (below, above) {
            (Some(b), Some(a)) => Some(if a.0 < b.0 { a } else { b }),
            (b, a) => b.or(a),
        }
    }

    fn take(&mut self, place: usize) {
        if place == self.up {
            self.up += 1;
        } else {
            self.down -= 1;
        }
    }
}

impl Snapshot {
    /// The matches of a query: how many there are, and those of the window
    /// `offset..offset + limit` — by distance from the origin when there is
    /// one (then by name), else by name.
    pub fn search(
        &self,
        q: &DirectoryQuery,
        now: Timestamp,
        offset: usize,
        limit: usize,
    ) -> (usize, Vec<Hit<'_>>) {
        let filter = Filter::new(q, now);
        let within = q.origin.zip(q.radius_km);
        let total = if let Some(((lat, lon), radius)) = within {
            self.count_within(GeoPoint::new(lat, lon), radius, &filter)
        } else if filter.is_empty() {
            self.entries.len()
        } else {
            self.entries.iter().filter(|e| filter.matches(e)).count()
        };
        if offset >= total {
            return (total, Vec::new());
        }
        let mut window = Window {
            offset,
            end: offset.saturating_add(limit),
            seen: 0,
            hits: Vec::with_capacity(limit.min(total - offset)),
        };
        match q.origin {
            Some((lat, lon)) => {
                self.walk(GeoPoint::new(lat, lon), q.radius_km, &filter, &mut window);
            }
            None => {
                for (i, e) in self.entries.iter().enumerate() {
                    if window.full() {
                        break;
                    }
                    if filter.matches(e) {
                        window.offer(e, i, None);
                    }
                }
            }
        }
        (total, window.hits)
    }

    /// Fills the window with the matches by distance from `origin`, then
    /// name: the communes from the nearest, those at the same distance
    /// together, up to `radius` km when there is one.
    fn walk<'a>(
        &'a self,
        origin: GeoPoint,
        radius: Option<f64>,
        filter: &Filter<'_>,
        window: &mut Window<'a>,
    ) {
        let mut near: BinaryHeap<Near> = BinaryHeap::new();
        let mut band = Band::new(self, origin);
        // Communes without a bound on their distance are measured at once.
        for place in (0..self.places.len()).filter(|p| !band.range.contains(p)) {
            near.push(self.measure(origin, place));
        }
        // A commune's matches (grown only past a large commune's).
        let mut group: Vec<usize> = Vec::with_capacity(128);
        while !window.full() {
            // Every commune that may be as near as the nearest measured one
            // is measured, so the nearest and its ties are in the heap.
            while let Some((floor, place)) = band.next_floor(self, origin) {
                if near.peek().is_some_and(|n| n.km.total_cmp(&floor).is_lt()) {
                    break;
                }
                band.take(place);
                near.push(self.measure(origin, place));
            }
            let Some(first) = near.pop() else { break };
            if radius.is_some_and(|r| !within(first.km, r)) {
                // The nearest left is too far: so are all the others.
                break;
            }
            group.clear();
            self.add_matches(first.place, filter, &mut group);
            let mut merged = false;
            while near
                .peek()
                .is_some_and(|n| n.km.total_cmp(&first.km).is_eq())
            {
                let Some(next) = near.pop() else { break };
                self.add_matches(next.place, filter, &mut group);
                merged = true;
            }
            if merged {
                group.sort_unstable();
            }
            for &i in &group {
                if window.full() {
                    break;
                }
                window.offer(&self.entries[i], i, Some(first.km));
            }
        }
    }

    /// How many matches are at most `radius` km from `origin`: only the
    /// communes in the band of latitude that can be that near are
    /// measured (all of them when latitudes bound nothing).
    fn count_within(&self, origin: GeoPoint, radius: f64, filter: &Filter<'_>) -> usize {
        let all = self.with_latitude.clone();
        let band = if origin.has_latitude() {
            // A smaller radius than the Earth's: a band a little too wide,
            // never too narrow.
            let span = (radius / 6_300.0).to_degrees();
            let (low, high) = (origin.lat() - span, origin.lat() + span);
            let sorted = &self.places[all.clone()];
            all.start + sorted.partition_point(|p| p.at.lat() < low)
                ..all.start + sorted.partition_point(|p| p.at.lat() <= high)
        } else {
            all.clone()
        };
        let mut count = 0;
        for place in (0..all.start).chain(band).chain(all.end..self.places.len()) {
            let p = &self.places[place];
            if within(origin.distance_km(&p.at), radius) {
                let members = &self.by_place[p.members.clone()];
                count += if filter.is_empty() {
                    members.len()
                } else {
                    members
                        .iter()
                        .filter(|&&i| filter.matches(&self.entries[i]))
                        .count()
                };
            }
        }
        count
    }

    /// The matches of a query by commune (within its radius, if it has
    /// one): each commune's first entry, and how many match there, in the
    /// snapshot's order of communes. What a map draws.
    pub fn matches_by_place(&self, q: &DirectoryQuery, now: Timestamp) -> Vec<(&Entry, usize)> {
        let filter = Filter::new(q, now);
        let within_of = q
            .origin
            .zip(q.radius_km)
            .map(|((lat, lon), r)| (GeoPoint::new(lat, lon), r));
        self.places
            .iter()
            .filter(|p| within_of.is_none_or(|(origin, r)| within(origin.distance_km(&p.at), r)))
            .filter_map(|p| {
                let members = &self.by_place[p.members.clone()];
                let mut matching = members
                    .iter()
                    .filter(|&&i| filter.matches(&self.entries[i]));
                let first = *matching.next()?;
                Some((&self.entries[first], 1 + matching.count()))
            })
            .collect()
    }

    fn measure(&self, origin: GeoPoint, place: usize) -> Near {
        Near {
            km: origin.distance_km(&self.places[place].at),
            place,
        }
    }

    fn add_matches(&self, place: usize, filter: &Filter<'_>, out: &mut Vec<usize>) {
        let members = &self.by_place[self.places[place].members.clone()];
        out.extend(
            members
                .iter()
                .copied()
                .filter(|&i| filter.matches(&self.entries[i])),
        );
    }
}

/// Whether a distance is within a radius (not a number: never).
fn within(km: f64, radius: f64) -> bool {
    km <= radius
}

#[cfg(test)]
#[path = "search_tests.rs"]
mod tests;
