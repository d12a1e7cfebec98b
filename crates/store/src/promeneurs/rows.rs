//! Decoding promeneur rows, and loading their accounts, slots and themes.

use jiff::civil::Date;
use uuid::Uuid;

use super::{NetworkRow, PresenceRow, Promeneur, Proposal};
use crate::{
    Db, StoreError,
    conventions::date,
    decode::{decode, decode_opt},
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
            networks: Vec::new(),
            presence: Vec::new(),
            themes: Vec::new(),
        })
    }
}

pub(super) const SELECT: &str = "SELECT p.id, p.first_name, p.last_name, p.email, p.phone, p.structure_id,
    s.name AS structure_name, s.siret AS structure_siret, sc.name AS structure_commune, p.department, p.job_title, p.commune_insee,
    c.name AS commune_name, c.lat, c.lon, p.status, p.mandate_hours, p.mandate_starts_on, p.mandate_ends_on,
    p.charter_signed_on, p.initial_training_on, p.public_consent, p.public_bio, p.photo_id,
    p.verification_code, p.user_id, p.created_at, p.updated_at, s.approved_at AS structure_approved_at,
    pp.status AS proposal_status, pp.mandate_hours AS proposal_mandate_hours,
    pp.mandate_starts_on AS proposal_mandate_starts_on, pp.mandate_ends_on AS proposal_mandate_ends_on,
    pp.charter_signed_on AS proposal_charter_signed_on, pp.initial_training_on AS proposal_initial_training_on,
    pp.proposed_by AS proposal_by, pp.proposed_at AS proposal_at
    FROM promeneurs p JOIN structures s ON s.id = p.structure_id
    JOIN communes sc ON sc.insee = s.commune_insee
    JOIN communes c ON c.insee = p.commune_insee
    LEFT JOIN promeneur_proposals pp ON pp.promeneur_id = p.id";

/// Promeneurs (alias `p`) as network scopes see them.
pub(super) const SCOPE: ScopeColumns<'static> = ScopeColumns {
    department: "p.department",
    structure: "p.structure_id",
    own: "p.user_id = {}",
};

#[derive(sqlx::FromRow)]
struct NetRow {
    promeneur_id: Uuid,
    platform: String,
    handle: String,
    url: Option<String>,
}

#[derive(sqlx::FromRow)]
struct SlotRow {
    promeneur_id: Uuid,
    weekday: i64,
    start_minute: i64,
    end_minute: i64,
}

#[derive(sqlx::FromRow)]
struct ThemeRow {
    promeneur_id: Uuid,
    theme: String,
}

/// Loads accounts, slots and themes of `items`: by their ids, or for large
/// sets by the sub-select `all` that selects the same promeneurs.
pub(super) async fn attach_children(
    db: &Db,
    items: &mut [Promeneur],
    all: Option<&str>,
) -> Result<(), StoreError> {
    if items.is_empty() {
        return Ok(());
    }
    let ids: Vec<Uuid> = items.iter().map(|p| p.id).collect();
    let cond = |sql: &mut Sql| match all {
        Some(sub) => format!("promeneur_id IN ({sub})"),
        None => sql.in_list("promeneur_id", &ids),
    };
    let mut nets =
        Sql::new("SELECT promeneur_id, platform, handle, url FROM promeneur_networks WHERE ");
    let c = cond(&mut nets);
    nets.push(&c).push(" ORDER BY promeneur_id, position");
    let mut slots = Sql::new(
        "SELECT promeneur_id, weekday, start_minute, end_minute FROM promeneur_presence WHERE ",
    );
    let c = cond(&mut slots);
    slots
        .push(&c)
        .push(" ORDER BY promeneur_id, weekday, start_minute");
    let mut themes = Sql::new(
        "SELECT t.promeneur_id, t.theme FROM promeneur_themes t JOIN themes h ON h.slug = t.theme WHERE ",
    );
    let c = cond(&mut themes).replace("promeneur_id IN", "t.promeneur_id IN");
    themes.push(&c).push(" ORDER BY t.promeneur_id, h.position");
    let index: std::collections::HashMap<Uuid, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    for r in nets.fetch_all::<NetRow>(db).await? {
        if let Some(&i) = index.get(&r.promeneur_id) {
            items[i].networks.push(NetworkRow {
                platform: r.platform,
                handle: r.handle,
                url: r.url,
            });
        }
    }
    for r in slots.fetch_all::<SlotRow>(db).await? {
        if let Some(&i) = index.get(&r.promeneur_id) {
            items[i].presence.push(PresenceRow {
                weekday: r.weekday,
                start_minute: r.start_minute,
                end_minute: r.end_minute,
            });
        }
    }
    for r in themes.fetch_all::<ThemeRow>(db).await? {
        if let Some(&i) = index.get(&r.promeneur_id) {
            items[i].themes.push(r.theme);
        }
    }
    Ok(())
}
