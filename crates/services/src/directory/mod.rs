//! The public directory, served from memory: a snapshot of the promeneurs
//! that pass the gating (DESIGN §4), rebuilt when network data changes
//! (a version number bumped by every write, checked at most once a second)
//! or when the day changes in Europe/Paris (mandates end at midnight).

use std::{
    fmt::Write as _,
    sync::{Arc, RwLock},
    time::{Duration, Instant},
};

use domain::{
    DepartmentCode, clock::in_paris, geo::GeoPoint, network::Platform, presence::PresenceSlot,
    text::search_key,
};
use jiff::{Timestamp, civil::Date};
use serde::Serialize;
use store::{
    Db, StoreError,
    promeneurs::{Promeneur, Theme},
};
use uuid::Uuid;

pub mod gate;
pub mod map;
pub mod public;
pub mod radius;
mod search;

use gate::{slots_of, visible};

#[derive(Debug, Clone, Serialize)]
pub struct PublicNetwork {
    pub platform: String,
    pub label: String,
    pub handle: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PublicSlot {
    pub weekday: u8,
    pub start: String,
    pub end: String,
}

/// One public promeneur, ready to show.
#[derive(Debug, Clone)]
pub struct Entry {
    pub id: Uuid,
    pub display_name: String,
    pub job_title: String,
    pub structure_name: String,
    pub structure_commune: String,
    pub commune_insee: String,
    pub commune_name: String,
    pub department: String,
    pub lat: f64,
    pub lon: f64,
    pub networks: Vec<PublicNetwork>,
    pub themes: Vec<String>,
    pub slots: Vec<PresenceSlot>,
    pub presence_words: String,
    pub bio: String,
    pub has_photo: bool,
    pub verification_code: String,
    search: String,
    /// The item's JSON without its closing brace (a distance may follow).
    json_head: String,
}

pub struct Snapshot {
    pub version: i64,
    pub day: Date,
    pub entries: Vec<Entry>,
    /// The distinct positions (communes) of the entries by latitude, each
    /// with its entries' indices in `by_place[place.members]`, ascending;
    /// those with a latitude (see `GeoPoint::has_latitude`) are
    /// `places[with_latitude]`.
    places: Vec<Place>,
    by_place: Vec<usize>,
    with_latitude: std::ops::Range<usize>,
    /// What the pages name the filters with, read with the entries (a
    /// change of themes bumps the same version).
    departments: Vec<DepartmentName>,
    themes: Vec<Theme>,
    theme_labels: std::collections::HashMap<String, String>,
    /// Responses already made from this snapshot, by request (public pages
    /// and API answers are the same for every visitor). A new snapshot
    /// starts empty, so nothing stale is ever served.
    cache: std::sync::Mutex<std::collections::HashMap<String, bytes::Bytes>>,
    cache_entries: usize,
    /// What the web layer derives from this snapshot and keeps with it
    /// (its pages' markup of each entry), made on first use.
    derived: std::sync::OnceLock<Box<dyn std::any::Any + Send + Sync>>,
}

/// A commune where promeneurs are, and where its entries' indices lie in
/// `Snapshot::by_place`.
struct Place {
    at: GeoPoint,
    members: std::ops::Range<usize>,
}

/// A département as the directory's filter names it (code and name only:
/// the CAF's details change without a new snapshot).
#[derive(Debug, Clone)]
pub struct DepartmentName {
    pub code: DepartmentCode,
    pub name: String,
}

/// What a snapshot is built from besides the promeneurs.
#[derive(Debug, Clone, Default)]
pub struct Labels {
    pub departments: Vec<DepartmentName>,
    /// Every theme; the archived ones are left out.
    pub themes: Vec<Theme>,
}

/// How many responses a snapshot keeps at most by default (then it starts
/// again).
pub const CACHE_ENTRIES: usize = 2048;

#[derive(Debug, Clone, Default)]
pub struct DirectoryQuery {
    pub origin: Option<(f64, f64)>,
    pub department: Option<String>,
    pub network: Option<Platform>,
    pub theme: Option<String>,
    pub q: Option<String>,
    pub online_now: bool,
    /// With an origin: only the promeneurs at most this far (km).
    pub radius_km: Option<f64>,
}

impl DirectoryQuery {
    /// What identifies the answer to this query (with the minute when it
    /// depends on the time): made from the parsed query, so that
    /// parameters the application ignores do not make new answers.
    pub fn cache_key(&self, now: Timestamp, time_dependent: bool) -> String {
        let minute = if time_dependent || self.online_now {
            now.as_second() / 60
        } else {
            0
        };
        format!(
            "{minute}|{:?}|{:?}|{:?}|{:?}|{:?}|{}|{:?}",
            self.origin.map(|(lat, lon)| (lat.to_bits(), lon.to_bits())),
            self.department,
            self.network.map(Platform::as_str),
            self.theme,
            self.q.as_deref().map(search_key),
            self.online_now,
            self.radius_km.map(f64::to_bits)
        )
    }
}

pub struct Hit<'a> {
    pub entry: &'a Entry,
    /// The entry's place in `Snapshot::entries` (what a caller keeps per
    /// entry with [`Snapshot::derived`] is found by it).
    pub index: usize,
    pub distance_km: Option<f64>,
}

impl Snapshot {
    fn build(
        version: i64,
        day: Date,
        rows: Vec<Promeneur>,
        labels: Labels,
        cache_entries: usize,
    ) -> Self {
        let entries: Vec<Entry> = rows
            .into_iter()
            .filter(|p| visible(p, day))
            .map(entry)
            .collect();
        Self::from_entries(version, day, entries, labels, cache_entries)
    }

    fn from_entries(
        version: i64,
        day: Date,
        mut entries: Vec<Entry>,
        labels: Labels,
        cache_entries: usize,
    ) -> Self {
        // In name order: an entry's index settles ties of distance.
        entries.sort_by(|a, b| {
            a.display_name
                .cmp(&b.display_name)
                .then_with(|| a.id.cmp(&b.id))
        });
        let (places, by_place) = group_by_place(&entries);
        let with_latitude = places.partition_point(|p| p.at.lat().total_cmp(&-90.0).is_lt())
            ..places.partition_point(|p| p.at.lat().total_cmp(&90.0).is_le());
        let themes: Vec<Theme> = labels.themes.into_iter().filter(|t| !t.archived).collect();
        let theme_labels = themes
            .iter()
            .map(|t| (t.slug.clone(), t.label.clone()))
            .collect();
        Self {
            version,
            day,
            entries,
            places,
            by_place,
            with_latitude,
            departments: labels.departments,
            themes,
            theme_labels,
            cache: std::sync::Mutex::default(),
            cache_entries,
            derived: std::sync::OnceLock::new(),
        }
    }

    /// The départements served, by code.
    pub fn departments(&self) -> &[DepartmentName] {
        &self.departments
    }

    /// The themes one may still choose, in their order.
    pub fn themes(&self) -> &[Theme] {
        &self.themes
    }

    /// The label of each theme one may still choose, by slug.
    pub fn theme_labels(&self) -> &std::collections::HashMap<String, String> {
        &self.theme_labels
    }

    pub fn cached(&self, key: &str) -> Option<bytes::Bytes> {
        if self.cache_entries == 0 {
            return None;
        }
        self.cache.lock().expect("cache lock").get(key).cloned()
    }

    /// Whether answers are kept at all (else their keys need not be made).
    pub fn keeps_answers(&self) -> bool {
        self.cache_entries > 0
    }

    pub fn remember(&self, key: String, body: bytes::Bytes) {
        if self.cache_entries == 0 {
            return;
        }
        let mut cache = self.cache.lock().expect("cache lock");
        if cache.len() >= self.cache_entries {
            cache.clear();
        }
        cache.insert(key, body);
    }

    /// What the caller derives from this snapshot, made by `make` on first
    /// use and kept until the snapshot is replaced. One type per snapshot:
    /// only the directory's pages use it.
    ///
    /// # Panics
    /// When called with another type than the first time.
    pub fn derived<T: std::any::Any + Send + Sync>(&self, make: impl FnOnce(&Self) -> T) -> &T {
        self.derived
            .get_or_init(|| Box::new(make(self)))
            .downcast_ref()
            .expect("one type of derived data per snapshot")
    }

    pub fn get(&self, id: Uuid) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    pub fn by_code(&self, code: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.verification_code == code)
    }
}

/// The entries' communes by latitude (`f64::total_cmp`: not a number at
/// either end), and their entries' indices grouped by commune (ascending
/// within each).
fn group_by_place(entries: &[Entry]) -> (Vec<Place>, Vec<usize>) {
    let mut first: Vec<GeoPoint> = Vec::new();
    let mut members: Vec<Vec<usize>> = Vec::new();
    let mut known: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (i, e) in entries.iter().enumerate() {
        let n = *known.entry(e.commune_insee.as_str()).or_insert_with(|| {
            first.push(GeoPoint::new(e.lat, e.lon));
            members.push(Vec::new());
            first.len() - 1
        });
        members[n].push(i);
    }
    let mut by_place = Vec::with_capacity(entries.len());
    let mut places: Vec<(GeoPoint, Vec<usize>)> = first.into_iter().zip(members).collect();
    places.sort_by(|a, b| a.0.lat().total_cmp(&b.0.lat()));
    let places = places
        .into_iter()
        .map(|(at, m)| {
            let start = by_place.len();
            by_place.extend(m);
            Place {
                at,
                members: start..by_place.len(),
            }
        })
        .collect();
    (places, by_place)
}

/// The JSON page of the public API, assembled from pre-serialised items.
pub fn json_page(total: usize, hits: &[Hit<'_>]) -> String {
    let mut out = String::with_capacity(64 + hits.len() * 600);
    out.push_str("{\"items\":[");
    for (i, h) in hits.iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&h.entry.json_head);
        if let Some(d) = h.distance_km {
            let _ = write!(out, ",\"distance_km\":{d:.1}");
        }
        out.push('}');
    }
    let _ = write!(out, "],\"total\":{total}}}");
    out
}

#[derive(Serialize)]
struct ItemJson<'a> {
    id: Uuid,
    display_name: &'a str,
    job_title: &'a str,
    structure: StructureJson<'a>,
    commune: CommuneJson<'a>,
    department: &'a str,
    networks: &'a [PublicNetwork],
    themes: &'a [String],
    presence: Vec<PublicSlot>,
    presence_text: &'a str,
    profile_url: String,
    photo_url: Option<String>,
}

#[derive(Serialize)]
struct StructureJson<'a> {
    name: &'a str,
    commune: &'a str,
}

#[derive(Serialize)]
struct CommuneJson<'a> {
    insee: &'a str,
    name: &'a str,
}

fn entry(p: Promeneur) -> Entry {
    let slots = slots_of(&p);
    let presence_words = domain::presence::describe_all(&slots);
    let networks: Vec<PublicNetwork> = p
        .networks
        .iter()
        .map(|n| PublicNetwork {
            label: Platform::parse(&n.platform)
                .map_or("Autre", Platform::label)
                .to_owned(),
            platform: n.platform.clone(),
            handle: n.handle.clone(),
            url: n.url.clone(),
        })
        .collect();
    let display_name = format!("{} {}", p.first_name, p.last_name);
    let search = search_key(&format!(
        "{display_name} {} {} {} {}",
        p.structure_name, p.structure_commune, p.commune_name, p.job_title
    ));
    let mut e = Entry {
        id: p.id,
        display_name,
        job_title: p.job_title,
        structure_name: p.structure_name,
        structure_commune: p.structure_commune,
        commune_insee: p.commune_insee,
        commune_name: p.commune_name,
        department: p.department.into(),
        lat: p.lat,
        lon: p.lon,
        networks,
        themes: p.themes,
        slots,
        presence_words,
        bio: p.public_bio,
        has_photo: p.photo_id.is_some(),
        verification_code: p.verification_code,
        search,
        json_head: String::new(),
    };
    let item = ItemJson {
        id: e.id,
        display_name: &e.display_name,
        job_title: &e.job_title,
        structure: StructureJson {
            name: &e.structure_name,
            commune: &e.structure_commune,
        },
        commune: CommuneJson {
            insee: &e.commune_insee,
            name: &e.commune_name,
        },
        department: &e.department,
        networks: &e.networks,
        themes: &e.themes,
        presence: e
            .slots
            .iter()
            .map(|s| PublicSlot {
                weekday: s.weekday().number(),
                start: s.start().to_string(),
                end: s.end().to_string(),
            })
            .collect(),
        presence_text: &e.presence_words,
        profile_url: format!("/promeneurs/{}", e.id),
        photo_url: e.has_photo.then(|| format!("/promeneurs/{}/photo", e.id)),
    };
    let mut json = serde_json::to_string(&item).unwrap_or_else(|_| "{}".to_owned());
    json.pop();
    e.json_head = json;
    e
}

/// The shared, lazily refreshed snapshot.
pub struct Directory {
    current: RwLock<Option<Arc<Snapshot>>>,
    checked: std::sync::Mutex<Option<Instant>>,
    rebuilding: tokio::sync::Mutex<()>,
    pub check_every: Duration,
    cache_entries: usize,
}

impl Default for Directory {
    fn default() -> Self {
        Self::with_cache(CACHE_ENTRIES)
    }
}

impl Directory {
    /// A directory keeping at most `cache_entries` answers per snapshot
    /// (0: none, every request is computed).
    pub fn with_cache(cache_entries: usize) -> Self {
        Self {
            current: RwLock::new(None),
            checked: std::sync::Mutex::new(None),
            rebuilding: tokio::sync::Mutex::new(()),
            check_every: Duration::from_secs(1),
            cache_entries,
        }
    }

    /// The current snapshot, rebuilt first if the data or the day changed.
    pub async fn snapshot(&self, db: &Db, now: Timestamp) -> Result<Arc<Snapshot>, StoreError> {
        let day = in_paris(now).date();
        let current = self.current.read().expect("directory lock").clone();
        if let Some(s) = &current
            && s.day == day
            && !self.due_for_check()
        {
            return Ok(s.clone());
        }
        let _guard = self.rebuilding.lock().await;
        // Someone else may have rebuilt while we waited.
        let current = self.current.read().expect("directory lock").clone();
        let version = store::promeneurs::directory_version(db).await?;
        *self.checked.lock().expect("directory lock") = Some(Instant::now());
        if let Some(s) = current
            && s.day == day
            && s.version == version
        {
            return Ok(s);
        }
        let rows = store::promeneurs::directory_candidates(db).await?;
        let labels = Labels {
            departments: store::reference::departments(db)
                .await?
                .into_iter()
                .map(|d| DepartmentName {
                    code: d.code,
                    name: d.name,
                })
                .collect(),
            themes: store::promeneurs::themes(db).await?,
        };
        let fresh = Arc::new(Snapshot::build(
            version,
            day,
            rows,
            labels,
            self.cache_entries,
        ));
        *self.current.write().expect("directory lock") = Some(fresh.clone());
        Ok(fresh)
    }

    fn due_for_check(&self) -> bool {
        let mut checked = self.checked.lock().expect("directory lock");
        match *checked {
            Some(t) if t.elapsed() < self.check_every => false,
            _ => {
                // Claim this check so concurrent requests keep serving.
                *checked = Some(Instant::now());
                true
            }
        }
    }

    /// Forgets the snapshot (tests, after a write in this process).
    pub fn invalidate(&self) {
        *self.checked.lock().expect("directory lock") = None;
    }
}
