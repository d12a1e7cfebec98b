//! Reference data: départements (with each CAF's contact settings) and the
//! communes of the départements served. The files of `data/reference/` are
//! built into the binary and loaded at start when their version changes.

use domain::{DepartmentCap, DepartmentCode, text::search_key};
use jiff::Timestamp;
use serde_json::json;
use sha2::{Digest, Sha256};

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor, Change},
    decode::decode,
    meta,
};

const DEPARTMENTS_CSV: &str = include_str!("../../../data/reference/departments.csv");
const COMMUNES_CSV: &str = include_str!("../../../data/reference/communes.csv");

#[derive(Debug, Clone, serde::Serialize)]
pub struct Department {
    pub code: DepartmentCode,
    pub name: String,
    pub caf_name: String,
    pub caf_address: String,
    pub contact_name: String,
    pub contact_email: String,
    pub contact_phone: String,
    /// The director of the publication (mentions légales); empty: not set.
    pub publication_director: String,
    /// Who hosts the site: name, address, telephone; empty: not set.
    pub host: String,
}

#[derive(Debug, Clone)]
pub struct Commune {
    pub insee: String,
    pub name: String,
    pub postal_codes: String,
    pub department: DepartmentCode,
    pub population: i64,
    pub epci_code: Option<String>,
    pub epci_name: Option<String>,
    pub lat: f64,
    pub lon: f64,
}

#[derive(sqlx::FromRow)]
struct DepartmentRow {
    code: String,
    name: String,
    caf_name: String,
    caf_address: String,
    contact_name: String,
    contact_email: String,
    contact_phone: String,
    publication_director: String,
    host: String,
}

impl DepartmentRow {
    fn into_department(self) -> Result<Department, StoreError> {
        Ok(Department {
            code: decode("departments", "code", &self.code, &self.code)?,
            name: self.name,
            caf_name: self.caf_name,
            caf_address: self.caf_address,
            contact_name: self.contact_name,
            contact_email: self.contact_email,
            contact_phone: self.contact_phone,
            publication_director: self.publication_director,
            host: self.host,
        })
    }
}

#[derive(sqlx::FromRow)]
struct CommuneRow {
    insee: String,
    name: String,
    postal_codes: String,
    department: String,
    population: i64,
    epci_code: Option<String>,
    epci_name: Option<String>,
    lat: f64,
    lon: f64,
}

impl CommuneRow {
    fn into_commune(self) -> Result<Commune, StoreError> {
        Ok(Commune {
            department: decode("communes", "department", &self.insee, &self.department)?,
            insee: self.insee,
            name: self.name,
            postal_codes: self.postal_codes,
            population: self.population,
            epci_code: self.epci_code,
            epci_name: self.epci_name,
            lat: self.lat,
            lon: self.lon,
        })
    }
}

impl Commune {
    pub fn postal_code_list(&self) -> Vec<String> {
        self.postal_codes
            .split_whitespace()
            .map(str::to_owned)
            .collect()
    }
}

fn version() -> String {
    let mut h = Sha256::new();
    h.update(DEPARTMENTS_CSV);
    h.update(COMMUNES_CSV);
    hex::encode(&h.finalize()[..8])
}

fn parse_err(e: &csv::Error) -> StoreError {
    StoreError::Invalid(format!("reference data: {e}"))
}

/// Loads the built-in reference data if this database has another version
/// of it. Returns whether anything was written.
pub async fn load(db: &Db) -> Result<bool, StoreError> {
    let v = version();
    if meta::get(db, "reference_version").await?.as_deref() == Some(v.as_str()) {
        return Ok(false);
    }
    let mut tx = db.begin().await?;
    let mut deps = csv::Reader::from_reader(DEPARTMENTS_CSV.as_bytes());
    for rec in deps.records() {
        let rec = rec.map_err(|e| parse_err(&e))?;
        write!(&mut tx, c => {
            sqlx::query(
                "INSERT INTO departments (code, name, caf_name) VALUES ($1, $2, $3)
                 ON CONFLICT (code) DO UPDATE SET name = excluded.name",
            )
            .bind(&rec[0])
            .bind(&rec[1])
            .bind(&rec[2])
            .execute(c)
            .await?.rows_affected()
        });
    }
    let mut rows = Vec::new();
    let mut communes = csv::Reader::from_reader(COMMUNES_CSV.as_bytes());
    for rec in communes.records() {
        rows.push(rec.map_err(|e| parse_err(&e))?);
    }
    // Several rows per statement: 780 round trips would slow every start
    // (and every test) on PostgreSQL.
    for chunk in rows.chunks(100) {
        let mut sql = String::from(
            "INSERT INTO communes (insee, name, search_key, postal_codes, department, population, epci_code, epci_name, lat, lon) VALUES ",
        );
        for i in 0..chunk.len() {
            let b = i * 10;
            if i > 0 {
                sql.push_str(", ");
            }
            sql.push('(');
            sql.push_str(
                &(1..=10)
                    .map(|k| format!("${}", b + k))
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            sql.push(')');
        }
        sql.push_str(
            " ON CONFLICT (insee) DO UPDATE SET name = excluded.name, search_key = excluded.search_key,
              postal_codes = excluded.postal_codes, department = excluded.department, population = excluded.population,
              epci_code = excluded.epci_code, epci_name = excluded.epci_name, lat = excluded.lat, lon = excluded.lon",
        );
        write!(&mut tx, c => {
            let mut q = sqlx::query(sqlx::AssertSqlSafe(sql.as_str()));
            for r in chunk {
                let opt = |s: &str| if s.is_empty() { None } else { Some(s.to_owned()) };
                q = q
                    .bind(r[0].to_owned())
                    .bind(r[1].to_owned())
                    .bind(search_key(&r[1]))
                    .bind(r[2].to_owned())
                    .bind(r[3].to_owned())
                    .bind(r[4].parse::<i64>().unwrap_or(0))
                    .bind(opt(&r[5]))
                    .bind(opt(&r[6]))
                    .bind(r[7].parse::<f64>().unwrap_or(0.0))
                    .bind(r[8].parse::<f64>().unwrap_or(0.0));
            }
            q.execute(c).await?.rows_affected()
        });
    }
    meta::set(&mut tx, "reference_version", &v).await?;
    tx.commit().await?;
    Ok(true)
}

const DEPARTMENT_COLUMNS: &str = "code, name, caf_name, caf_address, contact_name, contact_email, contact_phone, publication_director, host";

pub async fn departments(db: &Db) -> Result<Vec<Department>, StoreError> {
    let sql = format!("SELECT {DEPARTMENT_COLUMNS} FROM departments ORDER BY code");
    let rows: Vec<DepartmentRow> =
        read!(db, c => { sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).fetch_all(c).await? });
    rows.into_iter()
        .map(DepartmentRow::into_department)
        .collect()
}

pub async fn department(db: &Db, code: &str) -> Result<Option<Department>, StoreError> {
    let sql = format!("SELECT {DEPARTMENT_COLUMNS} FROM departments WHERE code = $1");
    let row: Option<DepartmentRow> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(code).fetch_optional(c).await?
    });
    row.map(DepartmentRow::into_department).transpose()
}

/// The CAF's own details for letters and contacts; only a CAF agent of that
/// département (or an administrator) holds the capability.
#[derive(Debug, Clone, Default, serde::Deserialize)]
pub struct CafSettings {
    pub caf_name: Option<String>,
    pub caf_address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub publication_director: Option<String>,
    pub host: Option<String>,
}

pub async fn update_caf_settings(
    tx: &mut Tx,
    cap: &DepartmentCap,
    actor: &Actor,
    now: Timestamp,
    s: &CafSettings,
) -> Result<(), StoreError> {
    let code = cap.department.as_str();
    let done = write!(&mut *tx, c => {
        sqlx::query(
            "UPDATE departments SET caf_name = COALESCE($1, caf_name), caf_address = COALESCE($2, caf_address),
             contact_name = COALESCE($3, contact_name), contact_email = COALESCE($4, contact_email),
             contact_phone = COALESCE($5, contact_phone),
             publication_director = COALESCE($6, publication_director), host = COALESCE($7, host)
             WHERE code = $8",
        )
        .bind(&s.caf_name)
        .bind(&s.caf_address)
        .bind(&s.contact_name)
        .bind(&s.contact_email)
        .bind(&s.contact_phone)
        .bind(&s.publication_director)
        .bind(&s.host)
        .bind(code)
        .execute(c)
        .await?.rows_affected()
    });
    if done == 0 {
        return Err(StoreError::NotFound);
    }
    let mut fields = serde_json::Map::new();
    for (k, v) in [
        ("caf_name", &s.caf_name),
        ("caf_address", &s.caf_address),
        ("contact_name", &s.contact_name),
        ("contact_email", &s.contact_email),
        ("contact_phone", &s.contact_phone),
        ("publication_director", &s.publication_director),
        ("host", &s.host),
    ] {
        if let Some(v) = v {
            fields.insert(k.to_owned(), json!(v));
        }
    }
    audit::record(
        tx,
        actor,
        now,
        Change {
            action: "update",
            entity: "department",
            entity_id: code.to_owned(),
            department: Some(code),
            fields: serde_json::Value::Object(fields),
        },
    )
    .await
}

/// Communes matching a name (any case, any accents) or a postal code,
/// best matches first: exact, then prefix, then by population.
pub async fn search_communes(
    db: &Db,
    q: &str,
    department: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<Commune>, i64), StoreError> {
    let key = search_key(q);
    let dep = department.unwrap_or("");
    let digits = !key.is_empty() && key.chars().all(|c| c.is_ascii_digit() || c == ' ');
    let cond = if digits {
        "(postal_codes LIKE '%' || $1 || '%' OR insee = $1)"
    } else {
        "(search_key LIKE '%' || $1 || '%')"
    };
    let where_ = format!("WHERE {cond} AND ($2 = '' OR department = $2)");
    let sql = format!(
        "SELECT insee, name, postal_codes, department, population, epci_code, epci_name, lat, lon FROM communes {where_}
         ORDER BY CASE WHEN search_key = $1 THEN 0 WHEN search_key LIKE $1 || '%' THEN 1 ELSE 2 END, population DESC, name
         LIMIT {} OFFSET {}",
        limit.clamp(1, 500),
        offset.max(0)
    );
    let count_sql = format!("SELECT COUNT(*) FROM communes {where_}");
    let key = key.replace(' ', if digits { "" } else { " " });
    let (rows, count) = read!(db, c => {
        (
            sqlx::query_as::<_, CommuneRow>(sqlx::AssertSqlSafe(sql.as_str())).bind(&key).bind(dep).fetch_all(c).await?,
            sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql.as_str())).bind(&key).bind(dep).fetch_one(c).await?,
        )
    });
    let items = rows
        .into_iter()
        .map(CommuneRow::into_commune)
        .collect::<Result<_, _>>()?;
    Ok((items, count))
}

pub async fn commune(db: &Db, insee: &str) -> Result<Option<Commune>, StoreError> {
    let row: Option<CommuneRow> = read!(db, c => {
        sqlx::query_as(
            "SELECT insee, name, postal_codes, department, population, epci_code, epci_name, lat, lon FROM communes WHERE insee = $1",
        )
        .bind(insee)
        .fetch_optional(c)
        .await?
    });
    row.map(CommuneRow::into_commune).transpose()
}

/// Every commune served.
pub async fn all_communes(db: &Db) -> Result<Vec<Commune>, StoreError> {
    let rows: Vec<CommuneRow> = read!(db, c => {
        sqlx::query_as(
            "SELECT insee, name, postal_codes, department, population, epci_code, epci_name, lat, lon FROM communes ORDER BY insee",
        )
        .fetch_all(c)
        .await?
    });
    rows.into_iter().map(CommuneRow::into_commune).collect()
}
