//! File storage for large documents (applications' pieces, the files of a
//! call): a directory, content-addressed by SHA-256. An upload is streamed
//! to a temporary file while its digest and size are computed, and renamed
//! into place only when complete; a record points to it only after that.
//! A crash mid-upload leaves a temporary file, removed at the next start,
//! and never a record.

use std::{
    collections::HashSet,
    io,
    path::{Path, PathBuf},
    time::{Duration, SystemTime},
};

use sha2::{Digest, Sha256};
use tokio::io::AsyncWriteExt;
use uuid::Uuid;

use crate::{Db, StoreError};

/// A file kept in the storage.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub sha256: String,
    pub size: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error("file larger than {limit} bytes")]
    TooLarge { limit: u64 },
    #[error("file storage: {0}")]
    Io(#[from] io::Error),
}

/// The storage root: `sha256/ab/abcdef…` for files, `tmp/` for uploads in
/// progress.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

fn valid_sha(sha: &str) -> bool {
    sha.len() == 64
        && sha
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

impl BlobStore {
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    /// Where the file of this digest lives (`None` for a malformed digest).
    pub fn path_of(&self, sha256: &str) -> Option<PathBuf> {
        valid_sha(sha256).then(|| self.root.join("sha256").join(&sha256[..2]).join(sha256))
    }

    /// Starts an upload of at most `limit` bytes.
    pub async fn begin(&self, limit: u64) -> io::Result<Upload> {
        let dir = self.tmp_dir();
        tokio::fs::create_dir_all(&dir).await?;
        let path = dir.join(format!("{}.part", Uuid::new_v4().simple()));
        let file = tokio::fs::File::create(&path).await?;
        Ok(Upload {
            store: self.clone(),
            file: Some(tokio::io::BufWriter::with_capacity(256 * 1024, file)),
            path,
            hasher: Sha256::new(),
            size: 0,
            limit,
            done: false,
        })
    }

    /// Stores bytes already in memory (demo data, small generated files).
    pub async fn put_bytes(&self, bytes: &[u8]) -> Result<Blob, UploadError> {
        let mut up = self.begin(u64::MAX).await?;
        up.write(bytes).await?;
        up.finish_writing().await?;
        Ok(up.commit().await?)
    }

    /// Opens a stored file for reading.
    pub async fn open(&self, sha256: &str) -> io::Result<tokio::fs::File> {
        let path = self
            .path_of(sha256)
            .ok_or_else(|| io::Error::new(io::ErrorKind::NotFound, "malformed digest"))?;
        tokio::fs::File::open(path).await
    }

    /// Cleaning at start: every temporary file of an interrupted upload is
    /// removed, and so is every stored file that no record points to and
    /// that is older than `grace` (an upload of another instance may be
    /// between its rename and its record). Returns (temporary, orphan)
    /// counts.
    pub async fn clean(&self, db: &Db, grace: Duration) -> Result<(usize, usize), StoreError> {
        let mut temporary = 0;
        if let Ok(mut rd) = tokio::fs::read_dir(self.tmp_dir()).await {
            while let Some(e) = rd.next_entry().await.map_err(io_err)? {
                if tokio::fs::remove_file(e.path()).await.is_ok() {
                    temporary += 1;
                }
            }
        }
        let referenced: HashSet<String> = referenced(db).await?.into_iter().collect();
        let mut orphans = 0;
        let now = SystemTime::now();
        let Ok(mut shards) = tokio::fs::read_dir(self.root.join("sha256")).await else {
            return Ok((temporary, 0));
        };
        while let Some(shard) = shards.next_entry().await.map_err(io_err)? {
            let Ok(mut files) = tokio::fs::read_dir(shard.path()).await else {
                continue;
            };
            while let Some(f) = files.next_entry().await.map_err(io_err)? {
                let name = f.file_name().to_string_lossy().into_owned();
                if referenced.contains(&name) {
                    continue;
                }
                let old = f
                    .metadata()
                    .await
                    .ok()
                    .and_then(|m| m.modified().ok())
                    .and_then(|m| now.duration_since(m).ok())
                    .is_some_and(|age| age >= grace);
                if old && tokio::fs::remove_file(f.path()).await.is_ok() {
                    orphans += 1;
                }
            }
        }
        Ok((temporary, orphans))
    }
}

#[expect(clippy::needless_pass_by_value, reason = "a `map_err` adapter")]
fn io_err(e: io::Error) -> StoreError {
    StoreError::Invalid(format!("file storage: {e}"))
}

/// Digests of every file some record points to.
async fn referenced(db: &Db) -> Result<Vec<String>, StoreError> {
    Ok(read!(db, c => {
        sqlx::query_scalar::<_, String>(
            "SELECT sha256 FROM application_documents UNION SELECT sha256 FROM call_files",
        )
        .fetch_all(c)
        .await?
    }))
}

/// An upload in progress. Dropped before `commit`, it removes its
/// temporary file.
#[derive(Debug)]
pub struct Upload {
    store: BlobStore,
    file: Option<tokio::io::BufWriter<tokio::fs::File>>,
    path: PathBuf,
    hasher: Sha256,
    size: u64,
    limit: u64,
    done: bool,
}

impl Upload {
    /// Appends a chunk; refuses (and the caller drops the upload) once the
    /// size passes the limit.
    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), UploadError> {
        self.size += chunk.len() as u64;
        if self.size > self.limit {
            return Err(UploadError::TooLarge { limit: self.limit });
        }
        self.hasher.update(chunk);
        let file = self
            .file
            .as_mut()
            .ok_or_else(|| io::Error::other("upload already finished"))?;
        file.write_all(chunk).await?;
        Ok(())
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Flushes to disk; the temporary file can then be inspected.
    pub async fn finish_writing(&mut self) -> io::Result<()> {
        if let Some(mut f) = self.file.take() {
            f.flush().await?;
            f.get_ref().sync_all().await?;
        }
        Ok(())
    }

    /// The temporary file (complete after `finish_writing`).
    pub fn temp_path(&self) -> &Path {
        &self.path
    }

    /// Moves the file into place under its digest.
    pub async fn commit(mut self) -> io::Result<Blob> {
        self.finish_writing().await?;
        let sha256 = hex::encode(std::mem::take(&mut self.hasher).finalize());
        let target = self
            .store
            .path_of(&sha256)
            .expect("a SHA-256 digest in hex is valid");
        if let Some(dir) = target.parent() {
            tokio::fs::create_dir_all(dir).await?;
        }
        if tokio::fs::try_exists(&target).await.unwrap_or(false) {
            // Same content already stored: keep it, and touch it so that a
            // concurrent cleaning sees it as recent.
            let _ = tokio::fs::remove_file(&self.path).await;
            let f = std::fs::File::options().append(true).open(&target)?;
            let _ = f.set_modified(SystemTime::now());
        } else {
            tokio::fs::rename(&self.path, &target).await?;
        }
        self.done = true;
        Ok(Blob {
            sha256,
            size: self.size,
        })
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        if !self.done {
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> BlobStore {
        BlobStore::new(std::env::temp_dir().join(format!("blobs-{}", Uuid::new_v4().simple())))
    }

    #[tokio::test]
    async fn an_upload_is_hashed_and_renamed_into_place() {
        let s = store();
        let mut up = s.begin(100).await.unwrap();
        up.write(b"hello ").await.unwrap();
        up.write(b"world").await.unwrap();
        let tmp = up.temp_path().to_owned();
        let blob = up.commit().await.unwrap();
        assert_eq!(
            blob.sha256,
            "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9"
        );
        assert_eq!(blob.size, 11);
        assert!(!tmp.exists());
        let stored = std::fs::read(s.path_of(&blob.sha256).unwrap()).unwrap();
        assert_eq!(stored, b"hello world");
        // The same content again: one file.
        assert_eq!(s.put_bytes(b"hello world").await.unwrap(), blob);
        let _ = std::fs::remove_dir_all(s.root());
    }

    #[tokio::test]
    async fn a_too_large_or_abandoned_upload_leaves_nothing() {
        let s = store();
        let mut up = s.begin(4).await.unwrap();
        assert!(matches!(
            up.write(b"12345").await,
            Err(UploadError::TooLarge { limit: 4 })
        ));
        let tmp = up.temp_path().to_owned();
        drop(up);
        assert!(!tmp.exists());
        assert!(!s.root().join("sha256").exists());
        let _ = std::fs::remove_dir_all(s.root());
    }

    #[test]
    fn malformed_digests_have_no_path() {
        let s = BlobStore::new("/x");
        assert!(s.path_of("../../etc/passwd").is_none());
        assert!(s.path_of(&"A".repeat(64)).is_none());
        assert!(s.path_of(&"a".repeat(64)).is_some());
    }
}
