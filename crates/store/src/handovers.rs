//! The handover (tuilage) between an outgoing and an incoming coordinator
//! of a département: the outgoing coordinator's role turns read-only on
//! the day the new one starts and ends by itself after the read period;
//! a checklist is ticked by both.

use domain::{DepartmentCap, DepartmentCode, Grant, Role};
use jiff::{Timestamp, civil::Date};
use serde_json::json;
use uuid::Uuid;

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    conventions::date,
    decode::decode,
    from_micros, micros,
};

#[derive(Debug, Clone)]
pub struct Item {
    pub id: Uuid,
    pub label: String,
    pub outgoing_done_at: Option<Timestamp>,
    pub incoming_done_at: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct Handover {
    pub id: Uuid,
    pub department: DepartmentCode,
    pub outgoing_user_id: Uuid,
    pub outgoing_name: String,
    pub incoming_user_id: Uuid,
    pub incoming_name: String,
    pub starts_on: Date,
    /// The last day the outgoing coordinator reads.
    pub read_until: Date,
    pub items: Vec<Item>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    department: String,
    outgoing_user_id: Uuid,
    outgoing_name: String,
    incoming_user_id: Uuid,
    incoming_name: String,
    starts_on: String,
    read_until: String,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: Uuid,
    handover_id: Uuid,
    label: String,
    outgoing_done_at: Option<i64>,
    incoming_done_at: Option<i64>,
}

const SELECT: &str = "SELECT h.id, h.department, h.outgoing_user_id, o.name AS outgoing_name,
    h.incoming_user_id, i.name AS incoming_name, h.starts_on, h.read_until
    FROM handovers h JOIN users o ON o.id = h.outgoing_user_id JOIN users i ON i.id = h.incoming_user_id";

async fn assemble(db: &Db, rows: Vec<Row>) -> Result<Vec<Handover>, StoreError> {
    let ids: Vec<Uuid> = rows.iter().map(|r| r.id).collect();
    let mut items: Vec<ItemRow> = if ids.is_empty() {
        Vec::new()
    } else {
        let mut sql = crate::query::Sql::new(
            "SELECT id, handover_id, label, outgoing_done_at, incoming_done_at FROM handover_items WHERE ",
        );
        let inl = sql.in_list("handover_id", &ids);
        sql.push(&inl);
        sql.push(" ORDER BY position");
        sql.fetch_all(db).await?
    };
    rows.into_iter()
        .map(|r| {
            let mine = items
                .extract_if(.., |i| i.handover_id == r.id)
                .map(|i| Item {
                    id: i.id,
                    label: i.label,
                    outgoing_done_at: i.outgoing_done_at.map(from_micros),
                    incoming_done_at: i.incoming_done_at.map(from_micros),
                })
                .collect();
            Ok(Handover {
                id: r.id,
                department: decode("handovers", "department", r.id, &r.department)?,
                outgoing_user_id: r.outgoing_user_id,
                outgoing_name: r.outgoing_name,
                incoming_user_id: r.incoming_user_id,
                incoming_name: r.incoming_name,
                starts_on: date(&r.starts_on)?,
                read_until: date(&r.read_until)?,
                items: mine,
            })
        })
        .collect()
}

pub async fn find(db: &Db, id: Uuid) -> Result<Option<Handover>, StoreError> {
    let sql = format!("{SELECT} WHERE h.id = $1");
    let rows: Vec<Row> = read!(db, c => {
        sqlx::query_as(sqlx::AssertSqlSafe(sql.as_str())).bind(id).fetch_all(c).await?
    });
    Ok(assemble(db, rows).await?.pop())
}

/// Handovers of these départements (`None`: all), or involving this
/// user, newest first.
pub async fn list(
    db: &Db,
    departments: Option<&[String]>,
    user_id: Uuid,
) -> Result<Vec<Handover>, StoreError> {
    let mut sql = crate::query::Sql::new(SELECT);
    let u = sql.arg(user_id);
    let cond = match departments {
        None => "1 = 1".to_owned(),
        Some([]) => format!("h.outgoing_user_id = {u} OR h.incoming_user_id = {u}"),
        Some(codes) => {
            let inl = sql.in_list("h.department", codes);
            format!("h.outgoing_user_id = {u} OR h.incoming_user_id = {u} OR {inl}")
        }
    };
    sql.push(&format!(" WHERE {cond} ORDER BY h.starts_on DESC"));
    let rows: Vec<Row> = sql.fetch_all(db).await?;
    assemble(db, rows).await
}

#[derive(Debug, Clone)]
pub struct NewHandover<'a> {
    pub outgoing_user_id: Uuid,
    pub incoming_user_id: Uuid,
    pub starts_on: Date,
    pub read_until: Date,
    pub items: &'a [&'a str],
}

/// Opens the handover in `cap`'s département: the outgoing coordinator's
/// role there reads only from `starts_on` and ends after `read_until`; the
/// incoming one gets the role if it has not got it yet.
pub async fn create(
    tx: &mut Tx,
    cap: &DepartmentCap,
    actor: &Actor,
    now: Timestamp,
    h: &NewHandover<'_>,
) -> Result<Uuid, StoreError> {
    let department = cap.department.as_str();
    let n = write!(&mut *tx, c => {
        sqlx::query("UPDATE user_roles SET read_only_from = $3, expires_on = $4
                     WHERE user_id = $1 AND role = 'coordinator' AND department = $2")
            .bind(h.outgoing_user_id)
            .bind(department)
            .bind(h.starts_on.to_string())
            .bind(h.read_until.to_string())
            .execute(c)
            .await?
            .rows_affected()
    });
    if n == 0 {
        return Err(StoreError::Conflict("not_coordinator"));
    }
    let has: i64 = write!(&mut *tx, c => {
        sqlx::query_scalar("SELECT COUNT(*) FROM user_roles WHERE user_id = $1 AND role = 'coordinator' AND department = $2")
            .bind(h.incoming_user_id)
            .bind(department)
            .fetch_one(c)
            .await?
    });
    if has == 0 {
        crate::users::grant_role(
            tx,
            actor,
            now,
            h.incoming_user_id,
            &Grant::departmental(Role::Coordinator, cap.department.clone()),
        )
        .await?;
    }
    let id = Uuid::now_v7();
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO handovers (id, department, outgoing_user_id, incoming_user_id, starts_on, read_until, created_by, created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(id)
            .bind(department)
            .bind(h.outgoing_user_id)
            .bind(h.incoming_user_id)
            .bind(h.starts_on.to_string())
            .bind(h.read_until.to_string())
            .bind(actor.id)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    for (position, label) in h.items.iter().enumerate() {
        write!(&mut *tx, c => {
            sqlx::query("INSERT INTO handover_items (id, handover_id, position, label) VALUES ($1, $2, $3, $4)")
                .bind(Uuid::now_v7())
                .bind(id)
                .bind(i64::try_from(position).unwrap_or(0))
                .bind(*label)
                .execute(c)
                .await?
                .rows_affected()
        });
    }
    audit::log(
        tx,
        actor,
        now,
        "create",
        "handover",
        id,
        Some(department),
        json!({"outgoing": h.outgoing_user_id, "incoming": h.incoming_user_id,
               "starts_on": h.starts_on.to_string(), "read_until": h.read_until.to_string()}),
    )
    .await?;
    Ok(id)
}

/// Ticks (or unticks) an item for one side.
pub async fn tick(
    tx: &mut Tx,
    actor: &Actor,
    now: Timestamp,
    handover_id: Uuid,
    item_id: Uuid,
    outgoing: bool,
    done: bool,
) -> Result<(), StoreError> {
    let column = if outgoing {
        "outgoing_done_at"
    } else {
        "incoming_done_at"
    };
    let sql = format!("UPDATE handover_items SET {column} = $3 WHERE id = $1 AND handover_id = $2");
    let n = write!(&mut *tx, c => {
        sqlx::query(sqlx::AssertSqlSafe(sql.as_str()))
            .bind(item_id)
            .bind(handover_id)
            .bind(done.then(|| micros(now)))
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
        "tick",
        "handover",
        handover_id,
        None,
        json!({"item": item_id, "side": if outgoing { "outgoing" } else { "incoming" }, "done": done}),
    )
    .await
}
