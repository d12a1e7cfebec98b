//! Small key/value facts about the installation (demo data loaded, version
//! of the reference data).

use crate::{Db, StoreError, Tx};

pub async fn get(db: &Db, key: &str) -> Result<Option<String>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_scalar::<_, String>("SELECT value FROM meta WHERE key = $1")
            .bind(key)
            .fetch_optional(c)
            .await?
    }))
}

pub async fn set(tx: &mut Tx, key: &str, value: &str) -> Result<(), StoreError> {
    write!(tx, c => {
        sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value")
            .bind(key)
            .bind(value)
            .execute(c)
            .await?.rows_affected()
    });
    Ok(())
}

/// Sets `key` only if absent; returns whether this call set it. Used to do a
/// thing once even when several instances start together.
pub async fn claim(tx: &mut Tx, key: &str, value: &str) -> Result<bool, StoreError> {
    let done = write!(tx, c => {
        sqlx::query("INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING")
            .bind(key)
            .bind(value)
            .execute(c)
            .await?.rows_affected()
    });
    Ok(done == 1)
}
