//! Promeneurs: identity, employer, mandate, social-network accounts,
//! presence slots, themes, status history, and what the public directory
//! reads. Values arrive parsed by the domain types of the web layer; this
//! module stores them as plain columns.

use domain::{NetworkCap, NetworkScope, text::search_key};
use jiff::{Timestamp, civil::Date};
use rand::Rng;
use serde_json::json;
use uuid::Uuid;

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    conventions::date,
    from_micros, micros,
    query::{ScopeColumns, Sql, scope_condition},
    structures::bump_directory,
};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkRow {
    pub platform: String,
    pub handle: String,
    pub url: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PresenceRow {
    pub weekday: i64,
    pub start_minute: i64,
    pub end_minute: i64,
}

#[derive(Debug, Clone)]
pub struct Promeneur {
    pub id: Uuid,
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub structure_id: Uuid,
    pub structure_name: String,
    pub structure_siret: Option<String>,
    pub structure_commune: String,
    pub department: String,
    pub job_title: String,
    pub commune_insee: String,
    pub commune_name: String,
    pub lat: f64,
    pub lon: f64,
    pub status: String,
    pub mandate_hours: Option<i64>,
    pub mandate_starts_on: Option<Date>,
    pub mandate_ends_on: Option<Date>,
    pub charter_signed_on: Option<Date>,
    pub initial_training_on: Option<Date>,
    pub public_consent: bool,
    pub public_bio: String,
    pub photo_id: Option<Uuid>,
    pub verification_code: String,
    pub user_id: Option<Uuid>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub networks: Vec<NetworkRow>,
    pub presence: Vec<PresenceRow>,
    pub themes: Vec<String>,
    /// Whether its structure was approved by staff (a structure that
    /// signed itself up waits): nothing of it is public before.
    pub structure_approved: bool,
    /// What a referent proposed for the fields that open the directory,
    /// waiting for staff.
    pub proposal: Option<Proposal>,
}

/// The values of the gating fields a referent proposed (all of them, as
/// they would be once confirmed) and whether it asks for `active`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Proposal {
    pub active: bool,
    pub mandate_hours: Option<i64>,
    pub mandate_starts_on: Option<Date>,
    pub mandate_ends_on: Option<Date>,
    pub charter_signed_on: Option<Date>,
    pub initial_training_on: Option<Date>,
    pub proposed_by: String,
    pub proposed_at: Timestamp,
}

/// What a change needs to know of the record it changes.
#[derive(Debug, Clone)]
pub struct Current {
    pub id: Uuid,
    pub structure_id: Uuid,
    pub department: String,
    pub status: String,
}

impl From<&Promeneur> for Current {
    fn from(p: &Promeneur) -> Self {
        Self {
            id: p.id,
            structure_id: p.structure_id,
            department: p.department.clone(),
            status: p.status.clone(),
        }
    }
}

/// Every promeneur by e-mail, whatever the scope, in one query: the import
/// finds which rows update an existing record.
pub async fn current_by_email(
    db: &Db,
) -> Result<std::collections::HashMap<String, Current>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct EmailRow {
        id: Uuid,
        email: String,
        structure_id: Uuid,
        department: String,
        status: String,
    }
    let rows: Vec<EmailRow> = read!(db, c => {
        sqlx::query_as("SELECT id, email, structure_id, department, status FROM promeneurs")
            .fetch_all(c)
            .await?
    });
    Ok(rows
        .into_iter()
        .map(|r| {
            (
                r.email,
                Current {
                    id: r.id,
                    structure_id: r.structure_id,
                    department: r.department,
                    status: r.status,
                },
            )
        })
        .collect())
}

/// Everything staff (or a referent) set on a promeneur.
#[derive(Debug, Clone)]
pub struct PromeneurInput {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: Option<String>,
    pub structure_id: Uuid,
    /// The structure's département (resolved by the caller).
    pub department: String,
    pub job_title: String,
    pub commune_insee: String,
    pub mandate_hours: Option<i64>,
    pub mandate_starts_on: Option<Date>,
    pub mandate_ends_on: Option<Date>,
    pub charter_signed_on: Option<Date>,
    pub initial_training_on: Option<Date>,
    pub profile: ProfileInput,
}

/// What a promeneur edits on its own public profile.
#[derive(Debug, Clone, Default)]
pub struct ProfileInput {
    pub public_consent: bool,
    pub public_bio: String,
    pub networks: Vec<NetworkRow>,
    pub presence: Vec<PresenceRow>,
    pub themes: Vec<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
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
    fn into_promeneur(self) -> Result<Promeneur, StoreError> {
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
        Ok(Promeneur {
            structure_approved: self.structure_approved_at.is_some(),
            proposal,
            id: self.id,
            first_name: self.first_name,
            last_name: self.last_name,
            email: self.email,
            phone: self.phone,
            structure_id: self.structure_id,
            structure_name: self.structure_name,
            structure_siret: self.structure_siret,
            structure_commune: self.structure_commune,
            department: self.department,
            job_title: self.job_title,
            commune_insee: self.commune_insee,
            commune_name: self.commune_name,
            lat: self.lat,
            lon: self.lon,
            status: self.status,
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

const SELECT: &str = "SELECT p.id, p.first_name, p.last_name, p.email, p.phone, p.structure_id,
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
const SCOPE: ScopeColumns<'static> = ScopeColumns {
    department: "p.department",
    structure: "p.structure_id",
    own: "p.user_id = {}",
};

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub department: Option<String>,
    pub status: Option<String>,
    pub structure_id: Option<Uuid>,
    pub q: Option<String>,
    /// Only promeneurs with a proposal waiting for staff.
    pub to_confirm: bool,
    pub limit: i64,
    pub offset: i64,
}

pub async fn list(
    db: &Db,
    scope: &NetworkScope,
    f: &Filter,
) -> Result<(Vec<Promeneur>, i64), StoreError> {
    let mut w = Sql::default();
    let mut conds = vec![scope_condition(&mut w, scope, &SCOPE)];
    if let Some(d) = &f.department {
        conds.push(format!("p.department = {}", w.arg(d.as_str())));
    }
    if let Some(s) = &f.status {
        conds.push(format!("p.status = {}", w.arg(s.as_str())));
    }
    if let Some(s) = f.structure_id {
        conds.push(format!("p.structure_id = {}", w.arg(s)));
    }
    if f.to_confirm {
        conds.push(
            "EXISTS (SELECT 1 FROM promeneur_proposals q WHERE q.promeneur_id = p.id)".to_owned(),
        );
    }
    if let Some(q) = f.q.as_deref().map(search_key).filter(|q| !q.is_empty()) {
        let m = w.arg(q);
        let e = w.arg(f.q.as_deref().unwrap_or_default().trim().to_lowercase());
        conds.push(format!(
            "(p.search_key LIKE '%' || {m} || '%' OR p.email = {e})"
        ));
    }
    let where_ = format!(" WHERE {}", conds.join(" AND "));
    let mut count = Sql::new("SELECT COUNT(*) FROM promeneurs p");
    count.push(&where_);
    count.args.clone_from(&w.args);
    let mut sql = Sql::new(SELECT);
    sql.push(&where_);
    sql.args = w.args;
    sql.push(&format!(
        " ORDER BY p.search_key, p.id LIMIT {} OFFSET {}",
        f.limit.clamp(1, 20_000),
        f.offset.max(0)
    ));
    let mut items = sql
        .fetch_all::<Row>(db)
        .await?
        .into_iter()
        .map(Row::into_promeneur)
        .collect::<Result<Vec<_>, _>>()?;
    attach_children(db, &mut items, None).await?;
    Ok((items, count.count(db).await?))
}

pub async fn find(
    db: &Db,
    scope: &NetworkScope,
    id: Uuid,
) -> Result<Option<Promeneur>, StoreError> {
    let mut sql = Sql::new(SELECT);
    let cond = scope_condition(&mut sql, scope, &SCOPE);
    let m = sql.arg(id);
    sql.push(&format!(" WHERE p.id = {m} AND {cond}"));
    one(db, &sql).await
}

/// Any promeneur by id, whatever the scope: the public pages decide what
/// they show through the directory gating.
pub async fn find_any(db: &Db, id: Uuid) -> Result<Option<Promeneur>, StoreError> {
    let mut sql = Sql::new(SELECT);
    let m = sql.arg(id);
    sql.push(&format!(" WHERE p.id = {m}"));
    one(db, &sql).await
}

pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<Promeneur>, StoreError> {
    let mut sql = Sql::new(SELECT);
    let m = sql.arg(email);
    sql.push(&format!(" WHERE p.email = {m}"));
    one(db, &sql).await
}

pub async fn find_by_code(db: &Db, code: &str) -> Result<Option<Promeneur>, StoreError> {
    let mut sql = Sql::new(SELECT);
    let m = sql.arg(code);
    sql.push(&format!(" WHERE p.verification_code = {m}"));
    one(db, &sql).await
}

/// The promeneur record linked to a user account.
pub async fn find_by_user(db: &Db, user_id: Uuid) -> Result<Option<Promeneur>, StoreError> {
    let mut sql = Sql::new(SELECT);
    let m = sql.arg(user_id);
    sql.push(&format!(" WHERE p.user_id = {m}"));
    one(db, &sql).await
}

async fn one(db: &Db, sql: &Sql) -> Result<Option<Promeneur>, StoreError> {
    let Some(row) = sql.fetch_optional::<Row>(db).await? else {
        return Ok(None);
    };
    let mut items = vec![row.into_promeneur()?];
    attach_children(db, &mut items, None).await?;
    Ok(items.pop())
}

/// Every active promeneur who consented to publication, with accounts,
/// slots and themes: the directory applies the rest of the gating (dates)
/// in memory.
pub async fn directory_candidates(db: &Db) -> Result<Vec<Promeneur>, StoreError> {
    let mut sql = Sql::new(SELECT);
    sql.push(
        " WHERE p.status = 'active' AND p.public_consent = TRUE AND s.archived_at IS NULL AND s.approved_at IS NOT NULL ORDER BY p.id",
    );
    let mut items = sql
        .fetch_all::<Row>(db)
        .await?
        .into_iter()
        .map(Row::into_promeneur)
        .collect::<Result<Vec<_>, _>>()?;
    attach_children(
        db,
        &mut items,
        Some("SELECT id FROM promeneurs WHERE status = 'active' AND public_consent = TRUE"),
    )
    .await?;
    Ok(items)
}

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
async fn attach_children(
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

/// A new, unguessable verification code such as "7KX4-9QPM" (no 0/O, 1/I/L).
pub fn new_verification_code() -> String {
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    let mut code = String::with_capacity(9);
    for i in 0..8 {
        if i == 4 {
            code.push('-');
        }
        code.push(char::from(ALPHABET[rng.random_range(0..ALPHABET.len())]));
    }
    code
}

/// Normalises a code as typed ("7kx4 9qpm", "7KX49QPM") to its stored form.
pub fn normalise_code(input: &str) -> Option<String> {
    let chars: Vec<char> = input
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect();
    (chars.len() == 8).then(|| {
        let (a, b) = chars.split_at(4);
        format!(
            "{}-{}",
            a.iter().collect::<String>(),
            b.iter().collect::<String>()
        )
    })
}

fn opt(d: Option<Date>) -> Option<String> {
    d.map(|d| d.to_string())
}

fn fields(input: &PromeneurInput) -> serde_json::Value {
    json!({
        "first_name": input.first_name, "last_name": input.last_name, "email": input.email,
        "phone": input.phone, "structure_id": input.structure_id, "job_title": input.job_title,
        "commune_insee": input.commune_insee, "mandate_hours": input.mandate_hours,
        "mandate_starts_on": opt(input.mandate_starts_on), "mandate_ends_on": opt(input.mandate_ends_on),
        "charter_signed_on": opt(input.charter_signed_on),
        "initial_training_on": opt(input.initial_training_on),
        "public_consent": input.profile.public_consent,
    })
}

/// Creates a promeneur with its first status. A duplicate e-mail is
/// `Conflict("email")`.
#[allow(clippy::too_many_arguments)]
pub async fn create(
    tx: &mut Tx,
    cap: &NetworkCap,
    actor: &Actor,
    now: Timestamp,
    input: &PromeneurInput,
    status: &str,
    status_on: Date,
) -> Result<Uuid, StoreError> {
    check_cap(cap, input)?;
    let id = Uuid::now_v7();
    let mut sql = Sql::new(
        "INSERT INTO promeneurs (id, first_name, last_name, search_key, email, phone, structure_id, department,
         job_title, commune_insee, status, mandate_hours, mandate_starts_on, mandate_ends_on, charter_signed_on,
         initial_training_on, public_consent, public_bio, verification_code, created_at, updated_at) VALUES (",
    );
    let values = [
        sql.arg(id),
        sql.arg(input.first_name.as_str()),
        sql.arg(input.last_name.as_str()),
        sql.arg(search_key(&format!(
            "{} {}",
            input.first_name, input.last_name
        ))),
        sql.arg(input.email.as_str()),
        sql.arg(input.phone.clone()),
        sql.arg(input.structure_id),
        sql.arg(input.department.as_str()),
        sql.arg(input.job_title.as_str()),
        sql.arg(input.commune_insee.as_str()),
        sql.arg(status),
        opt_int(&mut sql, input.mandate_hours),
        sql.arg(opt(input.mandate_starts_on)),
        sql.arg(opt(input.mandate_ends_on)),
        sql.arg(opt(input.charter_signed_on)),
        sql.arg(opt(input.initial_training_on)),
        sql.arg(input.profile.public_consent),
        sql.arg(input.profile.public_bio.as_str()),
        sql.arg(new_verification_code()),
        sql.arg(micros(now)),
    ];
    let at = values[19].clone();
    sql.push(&values.join(", "));
    sql.push(&format!(", {at})"));
    sql.execute(tx).await.map_err(|e| e.unique_as("email"))?;
    write_children(tx, id, &input.profile).await?;
    insert_history(tx, actor, now, id, status, status_on, "").await?;
    let mut f = fields(input);
    f["status"] = json!(status);
    audit::log(
        tx,
        actor,
        now,
        "create",
        "promeneur",
        id,
        Some(&input.department),
        f,
    )
    .await?;
    bump_directory(tx).await?;
    Ok(id)
}

fn opt_int(sql: &mut Sql, v: Option<i64>) -> String {
    match v {
        Some(v) => sql.arg(v),
        None => "NULL".to_owned(),
    }
}

fn check_cap(cap: &NetworkCap, input: &PromeneurInput) -> Result<(), StoreError> {
    let structure_ok = cap.staff || cap.structure == Some(input.structure_id);
    if cap.department.as_str() == input.department && structure_ok {
        Ok(())
    } else {
        Err(StoreError::NotFound)
    }
}

/// Replaces every field set by staff or a referent (not the status).
pub async fn update(
    tx: &mut Tx,
    cap: &NetworkCap,
    actor: &Actor,
    now: Timestamp,
    current: &Current,
    input: &PromeneurInput,
) -> Result<(), StoreError> {
    let id = current.id;
    check_cap(cap, input)?;
    // The current record must be within the capability too.
    // (The caller checked the caller's rights on the current record's
    // département when it differs: a move between départements.)
    if !cap.staff && cap.structure != Some(current.structure_id) {
        return Err(StoreError::NotFound);
    }
    let mut sql = Sql::new("UPDATE promeneurs SET ");
    let sets = [
        format!("first_name = {}", sql.arg(input.first_name.as_str())),
        format!("last_name = {}", sql.arg(input.last_name.as_str())),
        format!(
            "search_key = {}",
            sql.arg(search_key(&format!(
                "{} {}",
                input.first_name, input.last_name
            )))
        ),
        format!("email = {}", sql.arg(input.email.as_str())),
        format!("phone = {}", sql.arg(input.phone.clone())),
        format!("structure_id = {}", sql.arg(input.structure_id)),
        format!("department = {}", sql.arg(input.department.as_str())),
        format!("job_title = {}", sql.arg(input.job_title.as_str())),
        format!("commune_insee = {}", sql.arg(input.commune_insee.as_str())),
        format!("mandate_hours = {}", opt_int(&mut sql, input.mandate_hours)),
        format!(
            "mandate_starts_on = {}",
            sql.arg(opt(input.mandate_starts_on))
        ),
        format!("mandate_ends_on = {}", sql.arg(opt(input.mandate_ends_on))),
        format!(
            "charter_signed_on = {}",
            sql.arg(opt(input.charter_signed_on))
        ),
        format!(
            "initial_training_on = {}",
            sql.arg(opt(input.initial_training_on))
        ),
        format!("public_consent = {}", sql.arg(input.profile.public_consent)),
        format!(
            "public_bio = {}",
            sql.arg(input.profile.public_bio.as_str())
        ),
        format!("updated_at = {}", sql.arg(micros(now))),
    ];
    sql.push(&sets.join(", "));
    let m = sql.arg(id);
    sql.push(&format!(" WHERE id = {m}"));
    let n = sql.execute(tx).await.map_err(|e| e.unique_as("email"))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    write_children(tx, id, &input.profile).await?;
    audit::log(
        tx,
        actor,
        now,
        "update",
        "promeneur",
        id,
        Some(&input.department),
        fields(input),
    )
    .await?;
    bump_directory(tx).await
}

/// A promeneur edits its own public profile (`owner` is its account).
pub async fn update_profile(
    tx: &mut Tx,
    owner: Uuid,
    actor: &Actor,
    now: Timestamp,
    id: Uuid,
    profile: &ProfileInput,
) -> Result<(), StoreError> {
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE promeneurs SET public_consent = $1, public_bio = $2, updated_at = $3 WHERE id = $4 AND user_id = $5")
            .bind(profile.public_consent)
            .bind(&profile.public_bio)
            .bind(micros(now))
            .bind(id)
            .bind(owner)
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    write_children(tx, id, profile).await?;
    audit::log(
        tx,
        actor,
        now,
        "update_profile",
        "promeneur",
        id,
        None,
        json!({"public_consent": profile.public_consent, "networks": profile.networks.len(),
               "presence": profile.presence.len(), "themes": profile.themes}),
    )
    .await?;
    bump_directory(tx).await
}

async fn write_children(tx: &mut Tx, id: Uuid, p: &ProfileInput) -> Result<(), StoreError> {
    write!(&mut *tx, c => {
        sqlx::query("DELETE FROM promeneur_networks WHERE promeneur_id = $1").bind(id).execute(&mut *c).await?;
        sqlx::query("DELETE FROM promeneur_presence WHERE promeneur_id = $1").bind(id).execute(&mut *c).await?;
        sqlx::query("DELETE FROM promeneur_themes WHERE promeneur_id = $1").bind(id).execute(&mut *c).await?.rows_affected()
    });
    for (i, n) in p.networks.iter().enumerate() {
        let pos = i64::try_from(i).unwrap_or(i64::MAX);
        write!(&mut *tx, c => {
            sqlx::query("INSERT INTO promeneur_networks (promeneur_id, position, platform, handle, url) VALUES ($1, $2, $3, $4, $5)")
                .bind(id).bind(pos).bind(&n.platform).bind(&n.handle).bind(&n.url)
                .execute(c).await?.rows_affected()
        });
    }
    for (i, s) in p.presence.iter().enumerate() {
        let pos = i64::try_from(i).unwrap_or(i64::MAX);
        write!(&mut *tx, c => {
            sqlx::query("INSERT INTO promeneur_presence (promeneur_id, position, weekday, start_minute, end_minute) VALUES ($1, $2, $3, $4, $5)")
                .bind(id).bind(pos).bind(s.weekday).bind(s.start_minute).bind(s.end_minute)
                .execute(c).await?.rows_affected()
        });
    }
    let mut seen = std::collections::BTreeSet::new();
    for t in &p.themes {
        if !seen.insert(t) {
            continue;
        }
        write!(&mut *tx, c => {
            sqlx::query("INSERT INTO promeneur_themes (promeneur_id, theme) VALUES ($1, $2)")
                .bind(id).bind(t)
                .execute(c).await?.rows_affected()
        });
    }
    Ok(())
}

async fn insert_history(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    id: Uuid,
    status: &str,
    on: Date,
    reason: &str,
) -> Result<(), StoreError> {
    write!(tx, c => {
        sqlx::query("INSERT INTO promeneur_status_history (id, promeneur_id, status, on_date, reason, actor_label, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(Uuid::now_v7()).bind(id).bind(status).bind(on.to_string()).bind(reason)
            .bind(&actor.label).bind(micros(now))
            .execute(c).await?.rows_affected()
    });
    Ok(())
}

/// Moves a promeneur to `status` (the caller checked the transition).
#[allow(clippy::too_many_arguments)]
pub async fn set_status(
    tx: &mut Tx,
    cap: &NetworkCap,
    actor: &Actor,
    now: Timestamp,
    current: &Current,
    status: &str,
    on: Date,
    reason: &str,
) -> Result<(), StoreError> {
    if current.department != cap.department.as_str()
        || !(cap.staff || cap.structure == Some(current.structure_id))
    {
        return Err(StoreError::NotFound);
    }
    // Guarded by the old status: of two concurrent moves, one wins.
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE promeneurs SET status = $1, updated_at = $2 WHERE id = $3 AND status = $4")
            .bind(status).bind(micros(now)).bind(current.id).bind(&current.status)
            .execute(c).await?.rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("status"));
    }
    insert_history(tx, actor, now, current.id, status, on, reason).await?;
    audit::log(
        tx,
        actor,
        now,
        "set_status",
        "promeneur",
        current.id,
        Some(&current.department),
        json!({"from": current.status, "status": status, "on": on.to_string(), "reason": reason}),
    )
    .await?;
    bump_directory(tx).await
}

/// Stores (or replaces) the proposal of a referent for the gating fields
/// of promeneur `id`; staff confirm it with [`accept_proposal`].
pub async fn propose(
    tx: &mut Tx,
    cap: &NetworkCap,
    actor: &Actor,
    now: Timestamp,
    current: &Current,
    proposal: &Proposal,
) -> Result<(), StoreError> {
    if current.department != cap.department.as_str()
        || !(cap.staff || cap.structure == Some(current.structure_id))
    {
        return Err(StoreError::NotFound);
    }
    let status = proposal.active.then_some("active".to_owned());
    write!(&mut *tx, c => {
        sqlx::query("DELETE FROM promeneur_proposals WHERE promeneur_id = $1")
            .bind(current.id).execute(&mut *c).await?;
        sqlx::query("INSERT INTO promeneur_proposals (promeneur_id, status, mandate_hours, mandate_starts_on, mandate_ends_on, charter_signed_on, initial_training_on, proposed_by, proposed_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)")
            .bind(current.id)
            .bind(status.clone())
            .bind(proposal.mandate_hours)
            .bind(opt(proposal.mandate_starts_on))
            .bind(opt(proposal.mandate_ends_on))
            .bind(opt(proposal.charter_signed_on))
            .bind(opt(proposal.initial_training_on))
            .bind(&actor.label)
            .bind(micros(now))
            .execute(c).await?.rows_affected()
    });
    audit::log(
        tx,
        actor,
        now,
        "propose",
        "promeneur",
        current.id,
        Some(&current.department),
        json!({
            "status": status, "mandate_hours": proposal.mandate_hours,
            "mandate_starts_on": opt(proposal.mandate_starts_on),
            "mandate_ends_on": opt(proposal.mandate_ends_on),
            "charter_signed_on": opt(proposal.charter_signed_on),
            "initial_training_on": opt(proposal.initial_training_on),
        }),
    )
    .await
}

/// Staff confirm (write the gating fields of) or reject a proposal; the
/// status, if proposed, is moved by the caller through [`set_status`].
/// `NotFound` without a proposal or out of the capability.
pub async fn decide_proposal(
    tx: &mut Tx,
    cap: &NetworkCap,
    actor: &Actor,
    now: Timestamp,
    current: &Current,
    proposal: &Proposal,
    accept: bool,
) -> Result<(), StoreError> {
    if current.department != cap.department.as_str() || !cap.staff {
        return Err(StoreError::NotFound);
    }
    let n = write!(&mut *tx, c => {
        sqlx::query("DELETE FROM promeneur_proposals WHERE promeneur_id = $1 AND proposed_at = $2")
            .bind(current.id).bind(micros(proposal.proposed_at))
            .execute(c).await?.rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("proposal"));
    }
    if accept {
        write!(&mut *tx, c => {
            sqlx::query("UPDATE promeneurs SET mandate_hours = $1, mandate_starts_on = $2, mandate_ends_on = $3, charter_signed_on = $4, initial_training_on = $5, updated_at = $6 WHERE id = $7")
                .bind(proposal.mandate_hours)
                .bind(opt(proposal.mandate_starts_on))
                .bind(opt(proposal.mandate_ends_on))
                .bind(opt(proposal.charter_signed_on))
                .bind(opt(proposal.initial_training_on))
                .bind(micros(now))
                .bind(current.id)
                .execute(c).await?.rows_affected()
        });
    }
    audit::log(
        tx,
        actor,
        now,
        if accept {
            "confirm_proposal"
        } else {
            "reject_proposal"
        },
        "promeneur",
        current.id,
        Some(&current.department),
        json!({"proposed_by": proposal.proposed_by, "active": proposal.active}),
    )
    .await?;
    bump_directory(tx).await
}

/// Sets or removes the photo (an id from `files::put`).
pub async fn set_photo(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    current: &Promeneur,
    photo: Option<Uuid>,
) -> Result<(), StoreError> {
    write!(&mut *tx, c => {
        sqlx::query("UPDATE promeneurs SET photo_id = $1, updated_at = $2 WHERE id = $3")
            .bind(photo).bind(micros(now)).bind(current.id)
            .execute(c).await?.rows_affected()
    });
    if let Some(old) = current.photo_id {
        crate::files::delete(tx, old).await?;
    }
    audit::log(
        tx,
        actor,
        now,
        "set_photo",
        "promeneur",
        current.id,
        Some(&current.department),
        json!({"photo": photo.is_some()}),
    )
    .await?;
    bump_directory(tx).await
}

/// Links a promeneur record to a user account (its own login).
pub async fn link_user(tx: &mut Tx, id: Uuid, user_id: Uuid) -> Result<(), StoreError> {
    write!(tx, c => {
        sqlx::query("UPDATE promeneurs SET user_id = $1 WHERE id = $2")
            .bind(user_id).bind(id).execute(c).await?.rows_affected()
    });
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StatusChange {
    pub status: String,
    pub on_date: String,
    pub reason: String,
    pub actor_label: String,
    pub recorded_at: i64,
}

pub async fn status_history(db: &Db, id: Uuid) -> Result<Vec<StatusChange>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_as("SELECT status, on_date, reason, actor_label, recorded_at FROM promeneur_status_history WHERE promeneur_id = $1 ORDER BY recorded_at, id")
            .bind(id).fetch_all(c).await?
    }))
}

#[derive(Debug, Clone, sqlx::FromRow, serde::Serialize)]
pub struct Theme {
    pub slug: String,
    pub label: String,
    pub position: i64,
    pub archived: bool,
}

pub async fn themes(db: &Db) -> Result<Vec<Theme>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_as("SELECT slug, label, position, archived FROM themes ORDER BY position, slug")
            .fetch_all(c).await?
    }))
}

/// Adds a theme or renames/archives one (administrators).
pub async fn save_theme(
    tx: &mut Tx,
    _cap: &domain::AdminCap,
    actor: &Actor,
    now: Timestamp,
    theme: &Theme,
) -> Result<(), StoreError> {
    write!(&mut *tx, c => {
        sqlx::query(
            "INSERT INTO themes (slug, label, position, archived) VALUES ($1, $2, $3, $4)
             ON CONFLICT (slug) DO UPDATE SET label = $2, position = $3, archived = $4",
        )
        .bind(&theme.slug).bind(&theme.label).bind(theme.position).bind(theme.archived)
        .execute(c).await?.rows_affected()
    });
    audit::log(
        tx,
        actor,
        now,
        "save",
        "theme",
        &theme.slug,
        None,
        json!({"label": theme.label, "position": theme.position, "archived": theme.archived}),
    )
    .await?;
    bump_directory(tx).await
}

/// The version of the directory data: changes with every network write.
pub async fn directory_version(db: &Db) -> Result<i64, StoreError> {
    Ok(crate::meta::get(db, "directory_version")
        .await?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}
