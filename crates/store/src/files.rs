//! Small stored files, kept in the database (photos re-encoded by the
//! server, scanned conventions): a backup of the database holds them, and
//! several instances share them. Large application documents have their own
//! streamed storage.

use jiff::Timestamp;
use sha2::{Digest, Sha256};
use uuid::Uuid;

use crate::{Db, StoreError, Tx, micros};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredFile {
    pub id: Uuid,
    pub sha256: String,
    pub file_name: String,
    pub content_type: String,
    pub size: i64,
    pub content: Vec<u8>,
}

/// Stores a file; returns its id.
pub async fn put(
    tx: &mut Tx,
    now: Timestamp,
    file_name: &str,
    content_type: &str,
    content: &[u8],
) -> Result<Uuid, StoreError> {
    let id = Uuid::now_v7();
    let sha = hex::encode(Sha256::digest(content));
    let size = i64::try_from(content.len()).map_err(|e| StoreError::Invalid(e.to_string()))?;
    write!(tx, c => {
        sqlx::query("INSERT INTO stored_files (id, sha256, file_name, content_type, size, content, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)")
            .bind(id)
            .bind(&sha)
            .bind(file_name)
            .bind(content_type)
            .bind(size)
            .bind(content)
            .bind(micros(now))
            .execute(c)
            .await?
            .rows_affected()
    });
    Ok(id)
}

pub async fn get(db: &Db, id: Uuid) -> Result<Option<StoredFile>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_as("SELECT id, sha256, file_name, content_type, size, content FROM stored_files WHERE id = $1")
            .bind(id)
            .fetch_optional(c)
            .await?
    }))
}

/// Removes a file no longer referenced.
pub async fn delete(tx: &mut Tx, id: Uuid) -> Result<(), StoreError> {
    write!(tx, c => {
        sqlx::query("DELETE FROM stored_files WHERE id = $1").bind(id).execute(c).await?.rows_affected()
    });
    Ok(())
}
