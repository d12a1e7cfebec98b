//! Stored text decoded into the domain types. The columns hold what the
//! domain parsed on the way in; a value it refuses on the way out means the
//! row is corrupt, which is an error naming the table, the column and the
//! row (never a panic, never a silent default).

use std::fmt::Display;

use domain::{DepartmentCode, Email, Siret, promeneur::PromeneurStatus};

use crate::StoreError;

/// A domain type kept as text in a column.
pub(crate) trait Stored: Sized {
    fn from_stored(value: &str) -> Result<Self, String>;
}

impl Stored for DepartmentCode {
    fn from_stored(value: &str) -> Result<Self, String> {
        DepartmentCode::parse(value).map_err(|e| e.to_string())
    }
}

impl Stored for Email {
    fn from_stored(value: &str) -> Result<Self, String> {
        Email::parse(value).map_err(|e| e.to_string())
    }
}

impl Stored for Siret {
    fn from_stored(value: &str) -> Result<Self, String> {
        Siret::parse(value).map_err(|e| e.to_string())
    }
}

impl Stored for PromeneurStatus {
    /// Only the code itself: the French labels that `parse` also reads are
    /// never stored.
    fn from_stored(value: &str) -> Result<Self, String> {
        PromeneurStatus::ALL
            .into_iter()
            .find(|s| s.as_str() == value)
            .ok_or_else(|| format!("unknown promeneur status {value:?}"))
    }
}

/// The error of a corrupt column.
pub(crate) fn corrupt(table: &str, column: &str, row: impl Display, e: impl Display) -> StoreError {
    StoreError::Invalid(format!("corrupt {table}.{column} in row {row}: {e}"))
}

/// Decodes `value`, read from `table.column` of the row `row`.
pub(crate) fn decode<T: Stored>(
    table: &str,
    column: &str,
    row: impl Display,
    value: &str,
) -> Result<T, StoreError> {
    T::from_stored(value).map_err(|e| corrupt(table, column, row, e))
}

/// Decodes an optional column.
pub(crate) fn decode_opt<T: Stored>(
    table: &str,
    column: &str,
    row: impl Display,
    value: Option<&str>,
) -> Result<Option<T>, StoreError> {
    value.map(|v| decode(table, column, row, v)).transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_corrupt_value_names_its_table_column_and_row() {
        let e = decode::<DepartmentCode>("promeneurs", "department", "42", "ZZ").unwrap_err();
        assert!(
            matches!(&e, StoreError::Invalid(m) if m.contains("promeneurs.department") && m.contains("row 42")),
            "{e}"
        );
        assert!(decode::<PromeneurStatus>("promeneurs", "status", 1, "Actif").is_err());
        assert_eq!(
            decode::<PromeneurStatus>("promeneurs", "status", 1, "active").unwrap(),
            PromeneurStatus::Active
        );
        assert_eq!(decode_opt::<Email>("t", "c", 1, None).unwrap(), None);
    }
}

#[cfg(test)]
mod corrupt_rows {
    use sqlx::sqlite::SqliteConnectOptions;
    use uuid::Uuid;

    use crate::{Db, StoreError, promeneurs, reference, structures};

    fn invalid(e: &StoreError, what: &str) {
        assert!(
            matches!(e, StoreError::Invalid(m) if m.contains(what)),
            "{what}: {e}"
        );
    }

    /// A row holding a département the domain refuses (written behind the
    /// application's back) is an error naming the column, not a panic nor
    /// a default.
    #[tokio::test]
    async fn a_corrupt_department_is_an_error_naming_its_column() {
        let path = std::env::temp_dir().join(format!("promeneurs-corrupt-{}.db", Uuid::now_v7()));
        let db = Db::connect_sqlite(SqliteConnectOptions::new().filename(&path))
            .await
            .unwrap();
        db.migrate().await.unwrap();
        reference::load(&db).await.unwrap();
        let (structure, promeneur) = (Uuid::now_v7(), Uuid::now_v7());
        let mut tx = db.begin().await.unwrap();
        write!(&mut tx, c => {
            sqlx::query("INSERT INTO departments (code, name, caf_name) VALUES ('ZZ', 'Nulle part', 'Caf')")
                .execute(&mut *c).await.unwrap();
            sqlx::query("INSERT INTO structures (id, name, search_key, kind, commune_insee, department, created_at, updated_at) VALUES ($1, 'MJC', 'mjc', 'mjc', '03310', 'ZZ', 0, 0)")
                .bind(structure).execute(&mut *c).await.unwrap();
            sqlx::query("INSERT INTO promeneurs (id, first_name, last_name, search_key, email, structure_id, department, job_title, commune_insee, status, verification_code, created_at, updated_at) VALUES ($1, 'A', 'B', 'a b', 'a.b@example.org', $2, 'ZZ', 'Animateur', '03310', 'active', 'AAAA-BBBB', 0, 0)")
                .bind(promeneur).bind(structure).execute(&mut *c).await.unwrap().rows_affected()
        });
        tx.commit().await.unwrap();

        invalid(
            &promeneurs::find_any(&db, promeneur).await.unwrap_err(),
            "promeneurs.department",
        );
        invalid(
            &structures::find(&db, &domain::NetworkScope::everything(), structure)
                .await
                .unwrap_err(),
            "structures.department",
        );
        invalid(
            &reference::departments(&db).await.unwrap_err(),
            "departments.code",
        );
        db.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
