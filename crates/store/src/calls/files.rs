//! The files staff offer for download with a call.

use domain::DepartmentCap;
use jiff::Timestamp;
use serde_json::json;
use uuid::Uuid;

use super::touch;
use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    micros,
    query::Sql,
};

/// A file staff offer for download with the call (cahier des charges,
/// application form).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct CallFile {
    pub id: Uuid,
    pub call_id: Uuid,
    pub label: String,
    pub file_name: String,
    pub file_type: String,
    pub size: i64,
    pub sha256: String,
}

/// The files of several calls (lists).
pub async fn files_of(db: &Db, call_ids: &[Uuid]) -> Result<Vec<CallFile>, StoreError> {
    if call_ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(
        "SELECT id, call_id, label, file_name, file_type, size, sha256 FROM call_files WHERE ",
    );
    let inl = sql.in_list("call_id", call_ids);
    sql.push(&inl);
    sql.push(" ORDER BY created_at");
    sql.fetch_all(db).await
}

/// Files offered with a call.
pub async fn files(db: &Db, call_id: Uuid) -> Result<Vec<CallFile>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_as("SELECT id, call_id, label, file_name, file_type, size, sha256 FROM call_files WHERE call_id = $1 ORDER BY created_at")
            .bind(call_id)
            .fetch_all(c)
            .await?
    }))
}

#[derive(Debug, Clone)]
pub struct NewFile<'a> {
    pub label: &'a str,
    pub file_name: &'a str,
    pub file_type: &'a str,
    pub size: u64,
    pub sha256: &'a str,
}

pub async fn add_file(
    tx: &mut Tx,
    cap: &DepartmentCap,
    actor: &Actor,
    now: Timestamp,
    call_id: Uuid,
    f: &NewFile<'_>,
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO call_files (id, call_id, label, file_name, file_type, size, sha256, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)")
            .bind(id)
            .bind(call_id)
            .bind(f.label)
            .bind(f.file_name)
            .bind(f.file_type)
            .bind(i64::try_from(f.size).unwrap_or(i64::MAX))
            .bind(f.sha256)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    touch(tx, call_id, now).await?;
    audit::log(
        tx,
        actor,
        now,
        "add_file",
        "call",
        call_id,
        Some(cap.department.as_str()),
        json!({"file_id": id, "label": f.label, "file_name": f.file_name, "sha256": f.sha256}),
    )
    .await?;
    Ok(id)
}

pub async fn remove_file(
    tx: &mut Tx,
    cap: &DepartmentCap,
    actor: &Actor,
    now: Timestamp,
    call_id: Uuid,
    file_id: Uuid,
) -> Result<(), StoreError> {
    let n = write!(&mut *tx, c => {
        sqlx::query("DELETE FROM call_files WHERE id = $1 AND call_id = $2").bind(file_id).bind(call_id).execute(c).await?.rows_affected()
    });
    if n == 0 {
        return Err(StoreError::NotFound);
    }
    audit::log(
        tx,
        actor,
        now,
        "remove_file",
        "call",
        call_id,
        Some(cap.department.as_str()),
        json!({"file_id": file_id}),
    )
    .await
}
