//! What every service needs from its surroundings.

use std::sync::Arc;

use domain::{Clock, clock::in_paris};
use jiff::{Timestamp, civil::Date};
use store::Db;

/// The context of a service: the database, the clock, and the settings the
/// services moved so far need. Cheap to clone.
#[derive(Clone)]
pub struct Ctx {
    pub db: Db,
    pub clock: Arc<dyn Clock>,
    /// The public address, for links in e-mails ("https://pdn.caf03.fr",
    /// no trailing slash).
    pub base_url: String,
}

impl Ctx {
    pub fn new(db: Db, clock: Arc<dyn Clock>, base_url: &str) -> Self {
        Self {
            db,
            clock,
            base_url: base_url.trim_end_matches('/').to_owned(),
        }
    }

    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }

    /// Today in Paris.
    pub fn today(&self) -> Date {
        in_paris(self.now()).date()
    }
}

impl std::fmt::Debug for Ctx {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ctx")
            .field("base_url", &self.base_url)
            .finish_non_exhaustive()
    }
}
