//! What the public pages of the directory read besides the snapshot: the
//! verification codes, the photos.

use store::files::StoredFile;
use uuid::Uuid;

use crate::{Ctx, ServiceError};

/// A verification code as typed ("7kx4 9qpm"), in its printed form
/// ("7KX4-9QPM"), or `None` when it cannot be one.
pub fn normalise_code(typed: &str) -> Option<String> {
    store::promeneurs::normalise_code(typed)
}

/// The name of a promeneur who has this code but is not (or no longer)
/// public. A structure waiting for the CAF's approval has nothing public,
/// not even the names of its promeneurs: their codes are unknown.
pub async fn name_behind_code(ctx: &Ctx, code: &str) -> Result<Option<String>, ServiceError> {
    Ok(store::promeneurs::find_by_code(&ctx.db, code)
        .await?
        .filter(|p| p.structure_approved)
        .map(|p| format!("{} {}", p.first_name, p.last_name)))
}

/// The photo of a public promeneur (anyone else: not found).
pub async fn photo(ctx: &Ctx, id: Uuid) -> Result<StoredFile, ServiceError> {
    let snapshot = ctx.directory.snapshot(&ctx.db, ctx.now()).await?;
    if !snapshot.get(id).is_some_and(|e| e.has_photo) {
        return Err(ServiceError::NotFound);
    }
    let promeneur = store::promeneurs::find_any(&ctx.db, id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    crate::files::stored(ctx, promeneur.photo_id).await
}
