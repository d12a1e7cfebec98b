//! A document received from someone (a call's file, an application's
//! piece): streamed to the file storage by the caller, checked (size, type
//! by content, safe name), and committed by the service that records it.

use documents::filetype::FileType;
use store::blobs::{Blob, Upload};

use crate::ServiceError;

/// A complete, checked file, not yet committed: dropping it removes the
/// temporary file.
#[derive(Debug)]
pub struct Received {
    upload: Upload,
    pub file_name: String,
    pub file_type: FileType,
    pub size: u64,
}

impl Received {
    /// `file_name` is already made safe; `file_type` decided by content.
    pub fn new(upload: Upload, file_name: String, file_type: FileType) -> Self {
        Self {
            size: upload.size(),
            upload,
            file_name,
            file_type,
        }
    }

    /// Moves the file into the storage under its digest.
    pub async fn commit(self) -> Result<(Blob, String, FileType), ServiceError> {
        let blob = self.upload.commit().await.map_err(ServiceError::internal)?;
        Ok((blob, self.file_name, self.file_type))
    }
}

/// A small file kept in the database (a photo, a scanned convention);
/// none, or gone: not found.
pub async fn stored(
    ctx: &crate::Ctx,
    id: Option<uuid::Uuid>,
) -> Result<store::files::StoredFile, ServiceError> {
    match id {
        Some(id) => store::files::get(&ctx.db, id).await?,
        None => None,
    }
    .ok_or(ServiceError::NotFound)
}
