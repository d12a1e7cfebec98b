//! Reading promeneurs: lists, finds, the directory's candidates, the
//! status history.

use domain::{DepartmentCode, Email, NetworkScope, promeneur::PromeneurStatus, text::search_key};
use uuid::Uuid;

use super::{
    Current, Promeneur,
    rows::{Row, SCOPE, select},
};
use crate::{
    Db, StoreError,
    decode::decode,
    query::{Sql, scope_condition},
};

/// Every promeneur by e-mail, whatever the scope, in one query: the import
/// finds which rows update an existing record.
pub async fn current_by_email(
    db: &Db,
) -> Result<std::collections::HashMap<Email, Current>, StoreError> {
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
    rows.into_iter()
        .map(|r| {
            Ok((
                decode("promeneurs", "email", r.id, &r.email)?,
                Current {
                    id: r.id,
                    structure_id: r.structure_id,
                    department: decode("promeneurs", "department", r.id, &r.department)?,
                    status: decode("promeneurs", "status", r.id, &r.status)?,
                },
            ))
        })
        .collect()
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub department: Option<DepartmentCode>,
    pub status: Option<PromeneurStatus>,
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
    // The page's ids first, from the index on (department, search_key, id,
    // email) alone, then their rows: sorting the joined rows of every
    // promeneur in scope cost 30 ms at 10 000 (migration 0007).
    let mut sql = select(db);
    sql.push(" WHERE p.id IN (SELECT p.id FROM promeneurs p");
    sql.push(&where_);
    sql.args = w.args;
    sql.push(&format!(
        " ORDER BY p.search_key, p.id LIMIT {} OFFSET {}) ORDER BY p.search_key, p.id",
        f.limit.clamp(1, 20_000),
        f.offset.max(0)
    ));
    let items = sql
        .fetch_all::<Row>(db)
        .await?
        .into_iter()
        .map(Row::into_promeneur)
        .collect::<Result<Vec<_>, _>>()?;
    Ok((items, count.count(db).await?))
}

/// How many promeneurs in scope wait for staff to confirm a referent's
/// proposal: read from the (few) proposals, not from every promeneur.
pub async fn count_to_confirm(db: &Db, scope: &NetworkScope) -> Result<i64, StoreError> {
    let mut sql = Sql::new(
        // CROSS JOIN: SQLite walks the proposals first (PostgreSQL plans
        // it as any join).
        "SELECT COUNT(*) FROM promeneur_proposals q CROSS JOIN promeneurs p WHERE p.id = q.promeneur_id AND ",
    );
    let cond = scope_condition(&mut sql, scope, &SCOPE);
    sql.push(&cond);
    sql.count(db).await
}

pub async fn find(
    db: &Db,
    scope: &NetworkScope,
    id: Uuid,
) -> Result<Option<Promeneur>, StoreError> {
    let mut sql = select(db);
    let cond = scope_condition(&mut sql, scope, &SCOPE);
    let m = sql.arg(id);
    sql.push(&format!(" WHERE p.id = {m} AND {cond}"));
    one(db, &sql).await
}

/// Any promeneur by id, whatever the scope: the public pages decide what
/// they show through the directory gating.
pub async fn find_any(db: &Db, id: Uuid) -> Result<Option<Promeneur>, StoreError> {
    let mut sql = select(db);
    let m = sql.arg(id);
    sql.push(&format!(" WHERE p.id = {m}"));
    one(db, &sql).await
}

pub async fn find_by_email(db: &Db, email: &Email) -> Result<Option<Promeneur>, StoreError> {
    let mut sql = select(db);
    let m = sql.arg(email.as_str());
    sql.push(&format!(" WHERE p.email = {m}"));
    one(db, &sql).await
}

pub async fn find_by_code(db: &Db, code: &str) -> Result<Option<Promeneur>, StoreError> {
    let mut sql = select(db);
    let m = sql.arg(code);
    sql.push(&format!(" WHERE p.verification_code = {m}"));
    one(db, &sql).await
}

/// The promeneur record linked to a user account.
pub async fn find_by_user(db: &Db, user_id: Uuid) -> Result<Option<Promeneur>, StoreError> {
    let mut sql = select(db);
    let m = sql.arg(user_id);
    sql.push(&format!(" WHERE p.user_id = {m}"));
    one(db, &sql).await
}

async fn one(db: &Db, sql: &Sql) -> Result<Option<Promeneur>, StoreError> {
    let Some(row) = sql.fetch_optional::<Row>(db).await? else {
        return Ok(None);
    };
    row.into_promeneur().map(Some)
}

/// Every active promeneur who consented to publication, with accounts,
/// slots and themes: the directory applies the rest of the gating (dates)
/// in memory.
pub async fn directory_candidates(db: &Db) -> Result<Vec<Promeneur>, StoreError> {
    let mut sql = select(db);
    sql.push(
        " WHERE p.status = 'active' AND p.public_consent = TRUE AND s.archived_at IS NULL AND s.approved_at IS NOT NULL ORDER BY p.id",
    );
    sql.fetch_all::<Row>(db)
        .await?
        .into_iter()
        .map(Row::into_promeneur)
        .collect()
}

#[derive(Debug, Clone)]
pub struct StatusChange {
    pub status: PromeneurStatus,
    pub on_date: String,
    pub reason: String,
    pub actor_label: String,
    pub recorded_at: jiff::Timestamp,
}

pub async fn status_history(db: &Db, id: Uuid) -> Result<Vec<StatusChange>, StoreError> {
    #[derive(sqlx::FromRow)]
    struct HistoryRow {
        id: Uuid,
        status: String,
        on_date: String,
        reason: String,
        actor_label: String,
        recorded_at: i64,
    }
    let rows: Vec<HistoryRow> = read!(db, c => {
        sqlx::query_as("SELECT id, status, on_date, reason, actor_label, recorded_at FROM promeneur_status_history WHERE promeneur_id = $1 ORDER BY recorded_at, id")
            .bind(id).fetch_all(c).await?
    });
    rows.into_iter()
        .map(|r| {
            Ok(StatusChange {
                status: decode("promeneur_status_history", "status", r.id, &r.status)?,
                on_date: r.on_date,
                reason: r.reason,
                actor_label: r.actor_label,
                recorded_at: crate::from_micros(r.recorded_at),
            })
        })
        .collect()
}
