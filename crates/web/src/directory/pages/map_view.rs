//! The "Carte" view of the results: every promeneur found (not one page),
//! grouped by place, each group a link to the results near its commune;
//! the same groups listed as text under the map.

use std::fmt;

use jiff::Timestamp;

use crate::network::directory::{
    DirectoryQuery, Snapshot,
    map::{self, Cluster, Origin, View},
};

/// The radius of the results a group leads to (km): about the size of a
/// group on the map.
const GROUP_RADIUS: &str = "10";

pub(super) struct ResultsMap<'a> {
    groups: Vec<Cluster<'a>>,
    hrefs: Vec<String>,
    origin: Option<Origin<'a>>,
    view: View,
}

impl<'a> ResultsMap<'a> {
    /// The map of `query`'s matches; `href(insee, radius)` is the address
    /// of the results near a commune.
    pub(super) fn new(
        snapshot: &'a Snapshot,
        query: &DirectoryQuery,
        now: Timestamp,
        origin: Option<Origin<'a>>,
        href: impl Fn(&str, &str) -> String,
    ) -> Self {
        let (groups, view) = map::of_search(snapshot, query, now);
        let hrefs = groups.iter().map(|g| href(g.insee, GROUP_RADIUS)).collect();
        Self {
            groups,
            hrefs,
            origin,
            view,
        }
    }

    /// Each group's name ("Vichy : 5 promeneurs") and link, the biggest
    /// first.
    pub(super) fn items(&self) -> impl Iterator<Item = (String, &str)> {
        self.groups
            .iter()
            .zip(&self.hrefs)
            .map(|(g, h)| (g.label(), h.as_str()))
    }
}

/// The map, written into the page by `{{ map|safe }}`.
impl fmt::Display for ResultsMap<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        map::write_cluster_map(
            f,
            &self.groups,
            &self.hrefs,
            self.origin.as_ref(),
            &self.view,
        )
    }
}
