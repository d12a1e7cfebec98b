//! Employer structures (centres sociaux, MJC, missions locales…): the
//! organisations that mandate promeneurs under a convention with the CAF.

use domain::{
    DepartmentCode, Email, NetworkCap, NetworkScope, Siret, structure::StructureKind,
    text::search_key,
};
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    decode::{decode, decode_opt},
    from_micros, micros,
    query::{ScopeColumns, Sql, scope_condition},
};

#[derive(Debug, Clone)]
pub struct Structure {
    pub id: Uuid,
    pub name: String,
    pub kind: StructureKind,
    pub siret: Option<Siret>,
    pub commune_insee: String,
    pub commune_name: String,
    pub department: DepartmentCode,
    pub address: String,
    pub contact_name: String,
    pub email: Option<Email>,
    pub phone: Option<String>,
    pub website: Option<String>,
    pub archived_at: Option<Timestamp>,
    /// `None` while a structure that signed itself up waits for staff of
    /// its département: nothing of it is public until then.
    pub approved_at: Option<Timestamp>,
    pub approved_by: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub promeneur_count: i64,
}

/// The fields a user sets; `department` is the commune's, resolved by the
/// caller (it decides which capability is needed).
#[derive(Debug, Clone)]
pub struct StructureInput {
    pub name: String,
    pub kind: StructureKind,
    pub siret: Option<Siret>,
    pub commune_insee: String,
    pub department: DepartmentCode,
    pub address: String,
    pub contact_name: String,
    pub email: Option<Email>,
    pub phone: Option<String>,
    pub website: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    name: String,
    kind: String,
    siret: Option<String>,
    commune_insee: String,
    commune_name: String,
    department: String,
    address: String,
    contact_name: String,
    email: Option<String>,
    phone: Option<String>,
    website: Option<String>,
    archived_at: Option<i64>,
    approved_at: Option<i64>,
    approved_by: Option<String>,
    created_at: i64,
    updated_at: i64,
    promeneur_count: i64,
}

impl Row {
    fn into_structure(self) -> Result<Structure, StoreError> {
        Ok(Structure {
            id: self.id,
            kind: StructureKind::parse(&self.kind)
                .map_err(|e| StoreError::Invalid(e.to_string()))?,
            name: self.name,
            siret: decode_opt("structures", "siret", self.id, self.siret.as_deref())?,
            commune_insee: self.commune_insee,
            commune_name: self.commune_name,
            department: decode("structures", "department", self.id, &self.department)?,
            address: self.address,
            contact_name: self.contact_name,
            email: decode_opt("structures", "email", self.id, self.email.as_deref())?,
            phone: self.phone,
            website: self.website,
            archived_at: self.archived_at.map(from_micros),
            approved_at: self.approved_at.map(from_micros),
            approved_by: self.approved_by,
            created_at: from_micros(self.created_at),
            updated_at: from_micros(self.updated_at),
            promeneur_count: self.promeneur_count,
        })
    }
}

const SELECT: &str = "SELECT s.id, s.name, s.kind, s.siret, s.commune_insee, c.name AS commune_name, s.department,
    s.address, s.contact_name, s.email, s.phone, s.website, s.archived_at, s.approved_at, s.approved_by, s.created_at, s.updated_at,
    (SELECT COUNT(*) FROM promeneurs p WHERE p.structure_id = s.id AND p.status <> 'left') AS promeneur_count
    FROM structures s JOIN communes c ON c.insee = s.commune_insee";

/// Structures (alias `s`) as network scopes see them.
pub(crate) const SCOPE: ScopeColumns<'static> = ScopeColumns {
    department: "s.department",
    structure: "s.id",
    // A promeneur's account never reads its employer's record nor its
    // conventions (`Principal::structure_scope` leaves it out too).
    own: "1 = 0",
};

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub department: Option<DepartmentCode>,
    pub kind: Option<StructureKind>,
    pub q: Option<String>,
    pub include_archived: bool,
    /// `Some(false)`: only structures waiting for approval; `Some(true)`:
    /// only approved ones.
    pub approved: Option<bool>,
    pub limit: i64,
    pub offset: i64,
}

pub async fn list(
    db: &Db,
    scope: &NetworkScope,
    f: &Filter,
) -> Result<(Vec<Structure>, i64), StoreError> {
    let mut w = Sql::default();
    let mut conds = vec![scope_condition(&mut w, scope, &SCOPE)];
    if let Some(d) = &f.department {
        conds.push(format!("s.department = {}", w.arg(d.as_str())));
    }
    if let Some(k) = f.kind {
        conds.push(format!("s.kind = {}", w.arg(k.as_str())));
    }
    if let Some(q) = f.q.as_deref().map(search_key).filter(|q| !q.is_empty()) {
        let m = w.arg(q);
        conds.push(format!(
            "(s.search_key LIKE '%' || {m} || '%' OR s.siret = REPLACE({m}, ' ', ''))"
        ));
    }
    if !f.include_archived {
        conds.push("s.archived_at IS NULL".to_owned());
    }
    match f.approved {
        Some(true) => conds.push("s.approved_at IS NOT NULL".to_owned()),
        Some(false) => conds.push("s.approved_at IS NULL".to_owned()),
        None => {}
    }
    let where_ = format!(" WHERE {}", conds.join(" AND "));
    let mut count = Sql::new("SELECT COUNT(*) FROM structures s");
    count.push(&where_);
    count.args.clone_from(&w.args);
    let mut sql = Sql::new(SELECT);
    sql.push(&where_);
    sql.args = w.args;
    sql.push(&format!(
        " ORDER BY s.search_key, s.id LIMIT {} OFFSET {}",
        f.limit.clamp(1, 10_000),
        f.offset.max(0)
    ));
    let rows: Vec<Row> = sql.fetch_all(db).await?;
    let items = rows
        .into_iter()
        .map(Row::into_structure)
        .collect::<Result<_, _>>()?;
    Ok((items, count.count(db).await?))
}

/// A structure visible in `scope`, or `None` (absent or out of scope).
pub async fn find(
    db: &Db,
    scope: &NetworkScope,
    id: Uuid,
) -> Result<Option<Structure>, StoreError> {
    let mut sql = Sql::new(SELECT);
    let cond = scope_condition(&mut sql, scope, &SCOPE);
    let m = sql.arg(id);
    sql.push(&format!(" WHERE s.id = {m} AND {cond}"));
    sql.fetch_optional::<Row>(db)
        .await?
        .map(Row::into_structure)
        .transpose()
}

/// Looks a structure up by SIRET, whatever the caller's scope: used by the
/// import (within the caller's départements) and by sign-up.
pub async fn find_by_siret(db: &Db, siret: &Siret) -> Result<Option<Structure>, StoreError> {
    let mut sql = Sql::new(SELECT);
    let m = sql.arg(siret.as_str());
    sql.push(&format!(" WHERE s.siret = {m}"));
    sql.fetch_optional::<Row>(db)
        .await?
        .map(Row::into_structure)
        .transpose()
}

/// Every SIRET known, whatever the département (one query: the import
/// tells a structure out of scope from a new one).
pub async fn all_sirets(db: &Db) -> Result<std::collections::HashSet<Siret>, StoreError> {
    let rows: Vec<(Uuid, String)> = read!(db, c => {
        sqlx::query_as("SELECT id, siret FROM structures WHERE siret IS NOT NULL")
            .fetch_all(c)
            .await?
    });
    rows.into_iter()
        .map(|(id, siret)| decode("structures", "siret", id, &siret))
        .collect()
}

fn fields(input: &StructureInput) -> serde_json::Value {
    json!({
        "name": input.name, "kind": input.kind.as_str(), "siret": input.siret,
        "commune_insee": input.commune_insee, "address": input.address,
        "contact_name": input.contact_name, "email": input.email, "phone": input.phone,
        "website": input.website,
    })
}

/// Registers a structure: staff of its département (approved at once), or
/// the sign-up of its first referent (`NetworkCap::for_signup`: pending
/// until staff approve it).
pub async fn create(
    tx: &mut Tx,
    cap: &NetworkCap,
    actor: &Actor,
    now: Timestamp,
    input: &StructureInput,
) -> Result<Uuid, StoreError> {
    if cap.department != input.department || !(cap.staff || cap.signup) {
        return Err(StoreError::NotFound);
    }
    let id = Uuid::now_v7();
    let mut sql = Sql::new(
        "INSERT INTO structures (id, name, search_key, kind, siret, commune_insee, department, address, contact_name, email, phone, website, approved_at, approved_by, created_at, updated_at) VALUES (",
    );
    let values = [
        sql.arg(id),
        sql.arg(input.name.as_str()),
        sql.arg(search_key(&input.name)),
        sql.arg(input.kind.as_str()),
        sql.arg(input.siret.as_ref().map(|s| s.as_str().to_owned())),
        sql.arg(input.commune_insee.as_str()),
        sql.arg(input.department.as_str()),
        sql.arg(input.address.as_str()),
        sql.arg(input.contact_name.as_str()),
        sql.arg(input.email.as_ref().map(|e| e.as_str().to_owned())),
        sql.arg(input.phone.clone()),
        sql.arg(input.website.clone()),
        if cap.signup {
            "NULL".to_owned()
        } else {
            sql.arg(micros(now))
        },
        sql.arg((!cap.signup).then(|| actor.label.clone())),
        sql.arg(micros(now)),
    ];
    sql.push(&values.join(", "));
    sql.push(&format!(", {})", values[14]));
    sql.execute(tx).await.map_err(|e| e.unique_as("siret"))?;
    audit::log(
        tx,
        actor,
        now,
        "create",
        "structure",
        id,
        Some(input.department.as_str()),
        fields(input),
    )
    .await?;
    bump_directory(tx).await?;
    Ok(id)
}

/// Replaces the editable fields. A referent's capability covers its own
/// structure only; the département may change only with staff rights there
/// (checked by the caller, which resolves the new commune).
pub async fn update(
    tx: &mut Tx,
    cap: &NetworkCap,
    actor: &Actor,
    now: Timestamp,
    id: Uuid,
    input: &StructureInput,
) -> Result<(), StoreError> {
    if !cap.staff && cap.structure != Some(id) {
        return Err(StoreError::NotFound);
    }
    let mut sql = Sql::new("UPDATE structures SET ");
    let sets = [
        format!("name = {}", sql.arg(input.name.as_str())),
        format!("search_key = {}", sql.arg(search_key(&input.name))),
        format!("kind = {}", sql.arg(input.kind.as_str())),
        format!(
            "siret = {}",
            sql.arg(input.siret.as_ref().map(|s| s.as_str().to_owned()))
        ),
        format!("commune_insee = {}", sql.arg(input.commune_insee.as_str())),
        format!("department = {}", sql.arg(input.department.as_str())),
        format!("address = {}", sql.arg(input.address.as_str())),
        format!("contact_name = {}", sql.arg(input.contact_name.as_str())),
        format!(
            "email = {}",
            sql.arg(input.email.as_ref().map(|e| e.as_str().to_owned()))
        ),
        format!("phone = {}", sql.arg(input.phone.clone())),
        format!("website = {}", sql.arg(input.website.clone())),
        format!("updated_at = {}", sql.arg(micros(now))),
    ];
    sql.push(&sets.join(", "));
    let idm = sql.arg(id);
    let depm = sql.arg(cap.department.as_str());
    sql.push(&format!(" WHERE id = {idm} AND department = {depm}"));
    let n = sql.execute(tx).await.map_err(|e| e.unique_as("siret"))?;
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    // Promeneurs follow their employer's département.
    let mut follow = Sql::new("UPDATE promeneurs SET department = ");
    let d = follow.arg(input.department.as_str());
    let s = follow.arg(id);
    follow.push(&format!("{d} WHERE structure_id = {s}"));
    follow.execute(tx).await?;
    audit::log(
        tx,
        actor,
        now,
        "update",
        "structure",
        id,
        Some(input.department.as_str()),
        fields(input),
    )
    .await?;
    bump_directory(tx).await
}

pub async fn set_archived(
    tx: &mut Tx,
    cap: &NetworkCap,
    actor: &Actor,
    now: Timestamp,
    id: Uuid,
    archived: bool,
) -> Result<(), StoreError> {
    if !cap.staff {
        return Err(StoreError::NotFound);
    }
    let at = archived.then(|| micros(now));
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE structures SET archived_at = $1, updated_at = $2 WHERE id = $3 AND department = $4")
            .bind(at)
            .bind(micros(now))
            .bind(id)
            .bind(cap.department.as_str())
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::log(
        tx,
        actor,
        now,
        if archived { "archive" } else { "unarchive" },
        "structure",
        id,
        Some(cap.department.as_str()),
        json!({"archived": archived}),
    )
    .await?;
    bump_directory(tx).await
}

/// Approves a structure that signed itself up (staff of its département):
/// its promeneurs may then appear in the directory. `NotFound` when it is
/// out of the capability's département or already approved.
pub async fn approve(
    tx: &mut Tx,
    cap: &NetworkCap,
    actor: &Actor,
    now: Timestamp,
    id: Uuid,
) -> Result<(), StoreError> {
    if !cap.staff {
        return Err(StoreError::NotFound);
    }
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE structures SET approved_at = $1, approved_by = $2, updated_at = $1 WHERE id = $3 AND department = $4 AND approved_at IS NULL")
            .bind(micros(now))
            .bind(&actor.label)
            .bind(id)
            .bind(cap.department.as_str())
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::log(
        tx,
        actor,
        now,
        "approve",
        "structure",
        id,
        Some(cap.department.as_str()),
        json!({"approved": true}),
    )
    .await?;
    bump_directory(tx).await
}

/// Marks the public directory as changed (its in-memory copy reloads).
pub(crate) async fn bump_directory(tx: &mut Tx) -> Result<(), StoreError> {
    write!(tx, c => {
        sqlx::query(
            "INSERT INTO meta (key, value) VALUES ('directory_version', '1')
             ON CONFLICT (key) DO UPDATE SET value = CAST(CAST(meta.value AS BIGINT) + 1 AS TEXT)",
        )
        .execute(c)
        .await?
        .rows_affected()
    });
    Ok(())
}
