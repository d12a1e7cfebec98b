//! Reading and decoding promeneur rows, with their accounts, slots and
//! themes.

use jiff::civil::Date;
use uuid::Uuid;

use super::{NetworkRow, PresenceRow, Promeneur, Proposal};
use crate::{
    Backend, Db, StoreError,
    conventions::date,
    decode::{corrupt, decode, decode_opt},
    from_micros,
    query::{ScopeColumns, Sql},
};

#[derive(sqlx::FromRow)]
pub(super) struct Row {
    id: Uuid,
    first_name: String,
    last_name: String,
    email: String,
    phone: Option<String>,
    structure_id: Uuid,
    structure_name: String,
    structure_siret: Option<String>,
    structure_commune: String,
    department: String,
    job_title: String,
    commune_insee: String,
    commune_name: String,
    lat: f64,
    lon: f64,
    status: String,
    mandate_hours: Option<i64>,
    mandate_starts_on: Option<String>,
    mandate_ends_on: Option<String>,
    charter_signed_on: Option<String>,
    initial_training_on: Option<String>,
    public_consent: bool,
    public_bio: String,
    photo_id: Option<Uuid>,
    verification_code: String,
    user_id: Option<Uuid>,
    created_at: i64,
    updated_at: i64,
    structure_approved_at: Option<i64>,
    proposal_status: Option<String>,
    proposal_mandate_hours: Option<i64>,
    proposal_mandate_starts_on: Option<String>,
    proposal_mandate_ends_on: Option<String>,
    proposal_charter_signed_on: Option<String>,
    proposal_initial_training_on: Option<String>,
    proposal_by: Option<String>,
    proposal_at: Option<i64>,
    networks: Option<String>,
    presence: Option<String>,
    themes: Option<String>,
}

fn opt_date(s: Option<&str>) -> Result<Option<Date>, StoreError> {
    s.map(date).transpose()
}

impl Row {
    pub(super) fn into_promeneur(self) -> Result<Promeneur, StoreError> {
        let proposal = match (self.proposal_at, self.proposal_by) {
            (Some(at), Some(by)) => Some(Proposal {
                active: self.proposal_status.as_deref() == Some("active"),
                mandate_hours: self.proposal_mandate_hours,
                mandate_starts_on: opt_date(self.proposal_mandate_starts_on.as_deref())?,
                mandate_ends_on: opt_date(self.proposal_mandate_ends_on.as_deref())?,
                charter_signed_on: opt_date(self.proposal_charter_signed_on.as_deref())?,
                initial_training_on: opt_date(self.proposal_initial_training_on.as_deref())?,
                proposed_by: by,
                proposed_at: from_micros(at),
            }),
            _ => None,
        };
        let id = self.id;
        let networks: Vec<(String, String, Option<String>)> =
            children(id, "networks", self.networks.as_deref())?;
        let presence: Vec<(i64, i64, i64)> = children(id, "presence", self.presence.as_deref())?;
        Ok(Promeneur {
            structure_approved: self.structure_approved_at.is_some(),
            proposal,
            id: self.id,
            first_name: self.first_name,
            last_name: self.last_name,
            email: decode("promeneurs", "email", id, &self.email)?,
            phone: self.phone,
            structure_id: self.structure_id,
            structure_name: self.structure_name,
            structure_siret: decode_opt(
                "structures",
                "siret",
                self.structure_id,
                self.structure_siret.as_deref(),
            )?,
            structure_commune: self.structure_commune,
            department: decode("promeneurs", "department", id, &self.department)?,
            job_title: self.job_title,
            commune_insee: self.commune_insee,
            commune_name: self.commune_name,
            lat: self.lat,
            lon: self.lon,
            status: decode("promeneurs", "status", id, &self.status)?,
            mandate_hours: self.mandate_hours,
            mandate_starts_on: opt_date(self.mandate_starts_on.as_deref())?,
            mandate_ends_on: opt_date(self.mandate_ends_on.as_deref())?,
            charter_signed_on: opt_date(self.charter_signed_on.as_deref())?,
            initial_training_on: opt_date(self.initial_training_on.as_deref())?,
            public_consent: self.public_consent,
            public_bio: self.public_bio,
            photo_id: self.photo_id,
            verification_code: self.verification_code,
            user_id: self.user_id,
            created_at: from_micros(self.created_at),
            updated_at: from_micros(self.updated_at),
            networks: networks
                .into_iter()
                .map(|(platform, handle, url)| NetworkRow {
                    platform,
                    handle,
                    url,
                })
                .collect(),
            presence: presence
                .into_iter()
                .map(|(weekday, start_minute, end_minute)| PresenceRow {
                    weekday,
                    start_minute,
                    end_minute,
                })
                .collect(),
            themes: children(id, "themes", self.themes.as_deref())?,
        })
    }
}

/// The promeneur's columns; `$children` are its networks, presence slots
/// and themes folded into one JSON array each (the dialects spell the
/// aggregate differently). One row per promeneur: an export of 10 000 read
/// 71 000 rows when the children came as rows of their own, and each row
/// handed over from SQLite's thread cost more than reading it.
macro_rules! select_with {
    ($children:literal) => {
        concat!(
            "SELECT p.id, p.first_name, p.last_name, p.email, p.phone, p.structure_id,
    s.name AS structure_name, s.siret AS structure_siret, sc.name AS structure_commune, p.department, p.job_title, p.commune_insee,
    c.name AS commune_name, c.lat, c.lon, p.status, p.mandate_hours, p.mandate_starts_on, p.mandate_ends_on,
    p.charter_signed_on, p.initial_training_on, p.public_consent, p.public_bio, p.photo_id,
    p.verification_code, p.user_id, p.created_at, p.updated_at, s.approved_at AS structure_approved_at,
    pp.status AS proposal_status, pp.mandate_hours AS proposal_mandate_hours,
    pp.mandate_starts_on AS proposal_mandate_starts_on, pp.mandate_ends_on AS proposal_mandate_ends_on,
    pp.charter_signed_on AS proposal_charter_signed_on, pp.initial_training_on AS proposal_initial_training_on,
    pp.proposed_by AS proposal_by, pp.proposed_at AS proposal_at, ",
            $children,
            "
    FROM promeneurs p JOIN structures s ON s.id = p.structure_id
    JOIN communes sc ON sc.insee = s.commune_insee
    JOIN communes c ON c.insee = p.commune_insee
    LEFT JOIN promeneur_proposals pp ON pp.promeneur_id = p.id"
        )
    };
}

const SELECT_SQLITE: &str = select_with!(
    "(SELECT json_group_array(json_array(n.platform, n.handle, n.url) ORDER BY n.position)
        FROM promeneur_networks n WHERE n.promeneur_id = p.id) AS networks,
    (SELECT json_group_array(json_array(r.weekday, r.start_minute, r.end_minute) ORDER BY r.weekday, r.start_minute)
        FROM promeneur_presence r WHERE r.promeneur_id = p.id) AS presence,
    (SELECT json_group_array(t.theme ORDER BY h.position)
        FROM promeneur_themes t JOIN themes h ON h.slug = t.theme WHERE t.promeneur_id = p.id) AS themes"
);

const SELECT_POSTGRES: &str = select_with!(
    "(SELECT json_agg(json_build_array(n.platform, n.handle, n.url) ORDER BY n.position)::text
        FROM promeneur_networks n WHERE n.promeneur_id = p.id) AS networks,
    (SELECT json_agg(json_build_array(r.weekday, r.start_minute, r.end_minute) ORDER BY r.weekday, r.start_minute)::text
        FROM promeneur_presence r WHERE r.promeneur_id = p.id) AS presence,
    (SELECT json_agg(t.theme ORDER BY h.position)::text
        FROM promeneur_themes t JOIN themes h ON h.slug = t.theme WHERE t.promeneur_id = p.id) AS themes"
);

/// The query of promeneur rows, with their children, in `db`'s dialect.
pub(super) fn select(db: &Db) -> Sql {
    Sql::new(match db.backend() {
        Backend::Sqlite => SELECT_SQLITE,
        Backend::Postgres => SELECT_POSTGRES,
    })
}

/// One promeneur's children, from their JSON array (none: no row, as
/// PostgreSQL's aggregate gives NULL over nothing).
fn children<T: serde::de::DeserializeOwned>(
    id: Uuid,
    column: &str,
    json: Option<&str>,
) -> Result<Vec<T>, StoreError> {
    match json {
        None => Ok(Vec::new()),
        Some(j) => serde_json::from_str(j).map_err(|e| corrupt("promeneurs", column, id, e)),
    }
}

/// Promeneurs (alias `p`) as network scopes see them.
pub(super) const SCOPE: ScopeColumns<'static> = ScopeColumns {
    department: "p.department",
    structure: "p.structure_id",
    own: "p.user_id = {}",
};
