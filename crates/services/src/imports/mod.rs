//! Spreadsheet import of structures and promeneurs (UI and `promeneurs
//! import`): the whole file is checked first, every error reported by row
//! and column; nothing is written unless every row is valid; a second
//! import of the same people updates them (by SIRET, by e-mail).
//!
//! Called by the web pages and API, the command line and the demo. A file
//! refused as a whole is a [`FileError`] (its French message; the web layer
//! tells "too large" and "not a spreadsheet" apart); errors of rows are in
//! the [`Plan`]; [`apply`] fails with a
//! [`ServiceError`](crate::ServiceError) (`NotFound` when a row leaves the
//! importer's rights).
//!
//! Here: the kinds, the plan and its errors; the columns and template,
//! the checking of a file (`plan`) and the writing of a plan (`apply`)
//! are in the submodules.

mod apply;
pub mod batch;
mod columns;
mod plan;

use serde::Serialize;
use uuid::Uuid;

pub use apply::{Summary, apply};
pub use columns::template;
use columns::{PROMENEUR_COLUMNS, STRUCTURE_COLUMNS};
pub use plan::plan;

use crate::{Ctx, ServiceError};

/// Keeps a checked file of `user_id` between the preview and the
/// confirmation (pending files older than a day go); returns its batch.
pub async fn keep_batch(
    ctx: &Ctx,
    user_id: Uuid,
    kind: Kind,
    file_name: &str,
    content: &[u8],
) -> Result<Uuid, ServiceError> {
    let mut tx = ctx.db.begin().await?;
    let batch = store::imports::create(
        &mut tx,
        ctx.now(),
        user_id,
        kind.as_str(),
        file_name,
        content,
    )
    .await?;
    tx.commit().await?;
    Ok(batch)
}

/// A batch of `user_id` (others' batches do not exist for them).
pub async fn batch(
    ctx: &Ctx,
    user_id: Uuid,
    id: Uuid,
) -> Result<store::imports::Batch, ServiceError> {
    store::imports::find(&ctx.db, user_id, id)
        .await?
        .ok_or(ServiceError::NotFound)
}

/// The most rows one file may hold.
pub const MAX_ROWS: usize = 20_000;
/// The largest file accepted (bytes).
pub const MAX_BYTES: usize = 10 * 1024 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Structures,
    Promeneurs,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "structures" => Some(Kind::Structures),
            "promeneurs" => Some(Kind::Promeneurs),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Structures => "structures",
            Kind::Promeneurs => "promeneurs",
        }
    }

    /// The template's columns: (header, field key, help).
    pub fn columns(self) -> &'static [(&'static str, &'static str, &'static str)] {
        match self {
            Kind::Structures => STRUCTURE_COLUMNS,
            Kind::Promeneurs => PROMENEUR_COLUMNS,
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct RowError {
    /// The row number as the spreadsheet shows it (the header is row 1).
    pub line: usize,
    /// The column's header in the template.
    pub column: String,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Create,
    Update,
}

#[derive(Debug, Clone, Serialize)]
pub struct PlannedRow {
    pub line: usize,
    pub action: Action,
    pub label: String,
}

enum Payload {
    Structure(Option<Uuid>, store::structures::StructureInput),
    Promeneur(
        Option<store::promeneurs::Current>,
        crate::network::input::ValidPromeneur,
    ),
}

/// The result of checking a file.
pub struct Plan {
    pub kind: Kind,
    pub rows: Vec<PlannedRow>,
    pub errors: Vec<RowError>,
    /// Columns of the file that were not recognised (ignored).
    pub ignored_columns: Vec<String>,
    payloads: Vec<Payload>,
}

impl Plan {
    pub fn creates(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.action == Action::Create)
            .count()
    }
    pub fn updates(&self) -> usize {
        self.rows
            .iter()
            .filter(|r| r.action == Action::Update)
            .count()
    }
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

/// A problem with the file as a whole (type, size, headers).
#[derive(Debug, Clone)]
pub struct FileError(pub String);
