//! Uploaded spreadsheets waiting for confirmation.

use jiff::Timestamp;
use uuid::Uuid;

use crate::{Db, StoreError, Tx, from_micros, micros};

#[derive(Debug, Clone)]
pub struct Batch {
    pub id: Uuid,
    pub user_id: Uuid,
    pub kind: String,
    pub file_name: String,
    pub content: Vec<u8>,
    pub status: String,
    pub summary: String,
    pub created_at: Timestamp,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    user_id: Uuid,
    kind: String,
    file_name: String,
    content: Vec<u8>,
    status: String,
    summary: String,
    created_at: i64,
}

pub async fn create(
    tx: &mut Tx,
    now: Timestamp,
    user_id: Uuid,
    kind: &str,
    file_name: &str,
    content: &[u8],
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    write!(&mut *tx, c => {
        sqlx::query("INSERT INTO import_batches (id, user_id, kind, file_name, content, status, created_at) VALUES ($1, $2, $3, $4, $5, 'pending', $6)")
            .bind(id).bind(user_id).bind(kind).bind(file_name).bind(content).bind(micros(now))
            .execute(c).await?.rows_affected()
    });
    // Pending files older than a day are of no use.
    write!(&mut *tx, c => {
        sqlx::query("DELETE FROM import_batches WHERE status = 'pending' AND created_at < $1")
            .bind(micros(now) - 86_400_000_000)
            .execute(c).await?.rows_affected()
    });
    Ok(id)
}

/// A batch of `user_id` (others' batches do not exist for them).
pub async fn find(db: &Db, user_id: Uuid, id: Uuid) -> Result<Option<Batch>, StoreError> {
    let row: Option<Row> = read!(db, c => {
        sqlx::query_as("SELECT id, user_id, kind, file_name, content, status, summary, created_at FROM import_batches WHERE id = $1 AND user_id = $2")
            .bind(id).bind(user_id).fetch_optional(c).await?
    });
    Ok(row.map(|r| Batch {
        id: r.id,
        user_id: r.user_id,
        kind: r.kind,
        file_name: r.file_name,
        content: r.content,
        status: r.status,
        summary: r.summary,
        created_at: from_micros(r.created_at),
    }))
}

/// Marks a batch applied; `false` if it already was (a double click).
pub async fn mark_applied(
    tx: &mut Tx,
    now: Timestamp,
    id: Uuid,
    summary: &str,
) -> Result<bool, StoreError> {
    let n = write!(tx, c => {
        sqlx::query("UPDATE import_batches SET status = 'applied', summary = $1, applied_at = $2, content = $3 WHERE id = $4 AND status = 'pending'")
            .bind(summary).bind(micros(now)).bind(Vec::<u8>::new()).bind(id)
            .execute(c).await?.rows_affected()
    });
    Ok(n == 1)
}
