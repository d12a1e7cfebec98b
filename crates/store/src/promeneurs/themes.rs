//! The theme catalogue and the version of the directory data.

use jiff::Timestamp;
use serde_json::json;

use crate::{
    Db, StoreError, Tx,
    audit::{self, Actor},
    structures::bump_directory,
};

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
