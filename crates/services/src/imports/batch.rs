//! The browser's import: the file kept between the preview and the
//! confirmation (a batch), the confirmation that checks it again and
//! writes it (in the background for large files), and the progress of the
//! imports running in this process.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use domain::Principal;
use uuid::Uuid;

use super::{FileError, Kind, Plan, apply, plan};
use crate::{Ctx, ServiceError, accounts::actor};

/// Above this many rows, the import runs in the background with progress.
pub const BACKGROUND_ROWS: usize = 300;

/// Progress of the spreadsheet imports running in this process: (rows
/// done, rows in all) by import batch.
#[derive(Default)]
pub struct Progress(pub Mutex<HashMap<Uuid, (usize, usize)>>);

impl Progress {
    /// (rows done, rows in all) of a batch being written.
    pub fn of(&self, id: Uuid) -> Option<(usize, usize)> {
        self.0.lock().expect("progress lock").get(&id).copied()
    }
}

impl From<FileError> for ServiceError {
    /// Too large, not a spreadsheet, or else an invalid `file`.
    fn from(e: FileError) -> Self {
        let m = e.0;
        if m.contains("trop gros") {
            Self::TooLarge(m)
        } else if m.contains("tableur reconnu") {
            Self::UnsupportedType(m)
        } else {
            Self::invalid_field("file", m)
        }
    }
}

/// What a confirmation did.
pub enum Confirmed {
    /// Written, being written in the background, or already (a second
    /// click): the batch's status tells.
    Started,
    /// The data changed since the preview and the file has errors now:
    /// nothing written. The plan, and the file's name.
    Invalid(Plan, String),
}

/// Confirms a batch of `p`'s: checks the file again against the current
/// data and writes it in one transaction, in the background past
/// [`BACKGROUND_ROWS`] rows.
pub async fn confirm(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    progress: &Arc<Progress>,
) -> Result<Confirmed, ServiceError> {
    let batch = super::batch(ctx, p.user_id, id).await?;
    if batch.status != "pending" || progress.of(id).is_some() {
        return Ok(Confirmed::Started);
    }
    let kind = Kind::parse(&batch.kind).ok_or(ServiceError::NotFound)?;
    let communes = ctx.communes().await?;
    let plan = plan(
        &ctx.db,
        p,
        &communes,
        kind,
        &batch.content,
        &ctx.settings.sandbox,
    )
    .await?;
    if !plan.is_valid() {
        return Ok(Confirmed::Invalid(plan, batch.file_name));
    }
    let total = plan.rows.len();
    progress
        .0
        .lock()
        .expect("progress lock")
        .insert(id, (0, total));
    let (ctx, p, progress) = (ctx.clone(), p.clone(), Arc::clone(progress));
    let task = async move {
        let tell = {
            let progress = Arc::clone(&progress);
            move |done: usize| {
                if let Some(e) = progress.0.lock().expect("progress lock").get_mut(&id) {
                    e.0 = done;
                }
            }
        };
        let result = apply(
            &ctx.db,
            &p,
            &actor(&p),
            ctx.now(),
            ctx.today(),
            &plan,
            Some(id),
            &tell,
        )
        .await;
        ctx.directory.invalidate();
        progress.0.lock().expect("progress lock").remove(&id);
        if let Err(e) = &result {
            tracing::error!(error = %e, batch = %id, "import failed");
        }
        result
    };
    if total > BACKGROUND_ROWS {
        tokio::spawn(task);
    } else {
        task.await?;
    }
    Ok(Confirmed::Started)
}
