//! The audit log: who changed what, when. Each mutation writes its entry in
//! the same transaction as the change itself.

use jiff::Timestamp;
use serde_json::Value;
use uuid::Uuid;

use crate::{Db, StoreError, Tx, from_micros, micros};

/// Who acts: a user, or the operator's console, or the platform itself.
#[derive(Debug, Clone)]
pub struct Actor {
    pub id: Option<Uuid>,
    pub label: String,
}

impl Actor {
    pub fn user(id: Uuid, email: &str) -> Self {
        Self {
            id: Some(id),
            label: email.to_owned(),
        }
    }

    pub fn console() -> Self {
        Self {
            id: None,
            label: "console".to_owned(),
        }
    }

    pub fn system() -> Self {
        Self {
            id: None,
            label: "système".to_owned(),
        }
    }
}

#[derive(Debug)]
pub struct Change<'a> {
    pub action: &'a str,
    pub entity: &'a str,
    pub entity_id: String,
    pub department: Option<&'a str>,
    /// The changed fields (never secrets).
    pub fields: Value,
}

pub async fn record(
    tx: &mut Tx,
    actor: &Actor,
    at: Timestamp,
    change: Change<'_>,
) -> Result<(), StoreError> {
    let changes = change.fields.to_string();
    write!(tx, c => {
        sqlx::query(
            "INSERT INTO audit_log (id, at, actor_id, actor_label, action, entity, entity_id, department, changes)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(Uuid::now_v7())
        .bind(micros(at))
        .bind(actor.id)
        .bind(&actor.label)
        .bind(change.action)
        .bind(change.entity)
        .bind(&change.entity_id)
        .bind(change.department)
        .bind(&changes)
        .execute(c)
        .await?.rows_affected()
    });
    Ok(())
}

/// Shorthand for `record` with a change on one entity.
#[allow(clippy::too_many_arguments)]
pub async fn log(
    tx: &mut Tx,
    actor: &Actor,
    at: Timestamp,
    action: &str,
    entity: &str,
    entity_id: impl ToString,
    department: Option<&str>,
    fields: Value,
) -> Result<(), StoreError> {
    record(
        tx,
        actor,
        at,
        Change {
            action,
            entity,
            entity_id: entity_id.to_string(),
            department,
            fields,
        },
    )
    .await
}

#[derive(Debug, Clone)]
pub struct Entry {
    pub id: Uuid,
    pub at: Timestamp,
    pub actor_id: Option<Uuid>,
    pub actor_label: String,
    pub action: String,
    pub entity: String,
    pub entity_id: String,
    pub department: Option<String>,
    pub changes: Value,
}

#[derive(sqlx::FromRow)]
struct EntryRow {
    id: Uuid,
    at: i64,
    actor_id: Option<Uuid>,
    actor_label: String,
    action: String,
    entity: String,
    entity_id: String,
    department: Option<String>,
    changes: String,
}

/// What to show. `departments: Some(..)` limits the log to entries of those
/// départements (entries without a département are then hidden).
#[derive(Debug, Default, Clone)]
pub struct Filter {
    pub departments: Option<Vec<String>>,
    pub entity: Option<String>,
    pub entity_id: Option<String>,
    pub action: Option<String>,
    pub actor: Option<String>,
    pub from: Option<Timestamp>,
    pub to: Option<Timestamp>,
    pub limit: i64,
    pub offset: i64,
}

enum Bind {
    Text(String),
    Int(i64),
}

pub async fn list(db: &Db, f: &Filter) -> Result<(Vec<Entry>, i64), StoreError> {
    let mut conds: Vec<String> = Vec::new();
    let mut binds: Vec<Bind> = Vec::new();
    fn push(conds: &mut Vec<String>, binds: &mut Vec<Bind>, cond: &str, b: Bind) {
        binds.push(b);
        conds.push(cond.replace('?', &format!("${}", binds.len())));
    }
    if let Some(deps) = &f.departments {
        if deps.is_empty() {
            return Ok((Vec::new(), 0));
        }
        let mut marks = Vec::new();
        for d in deps {
            binds.push(Bind::Text(d.clone()));
            marks.push(format!("${}", binds.len()));
        }
        conds.push(format!("department IN ({})", marks.join(", ")));
    }
    if let Some(v) = &f.entity {
        push(&mut conds, &mut binds, "entity = ?", Bind::Text(v.clone()));
    }
    if let Some(v) = &f.entity_id {
        push(
            &mut conds,
            &mut binds,
            "entity_id = ?",
            Bind::Text(v.clone()),
        );
    }
    if let Some(v) = &f.action {
        push(&mut conds, &mut binds, "action = ?", Bind::Text(v.clone()));
    }
    if let Some(v) = &f.actor {
        push(
            &mut conds,
            &mut binds,
            "actor_label LIKE ?",
            Bind::Text(format!("%{}%", v.to_lowercase())),
        );
    }
    if let Some(v) = f.from {
        push(&mut conds, &mut binds, "at >= ?", Bind::Int(micros(v)));
    }
    if let Some(v) = f.to {
        push(&mut conds, &mut binds, "at < ?", Bind::Int(micros(v)));
    }
    let where_ = if conds.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conds.join(" AND "))
    };
    let count_sql = format!("SELECT COUNT(*) FROM audit_log {where_}");
    let list_sql = format!(
        "SELECT id, at, actor_id, actor_label, action, entity, entity_id, department, changes FROM audit_log {where_}
         ORDER BY at DESC, id DESC LIMIT {} OFFSET {}",
        f.limit.clamp(1, 500),
        f.offset.max(0)
    );
    let (rows, total): (Vec<EntryRow>, i64) = read!(db, c => {
        let mut q = sqlx::query_as::<_, EntryRow>(sqlx::AssertSqlSafe(list_sql.as_str()));
        let mut qc = sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(count_sql.as_str()));
        for b in &binds {
            match b {
                Bind::Text(s) => { q = q.bind(s.clone()); qc = qc.bind(s.clone()); }
                Bind::Int(i) => { q = q.bind(*i); qc = qc.bind(*i); }
            }
        }
        (q.fetch_all(c).await?, qc.fetch_one(c).await?)
    });
    let items = rows
        .into_iter()
        .map(|r| Entry {
            id: r.id,
            at: from_micros(r.at),
            actor_id: r.actor_id,
            actor_label: r.actor_label,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            department: r.department,
            changes: serde_json::from_str(&r.changes).unwrap_or(Value::Null),
        })
        .collect();
    Ok((items, total))
}
