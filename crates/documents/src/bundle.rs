//! Zip bundles of applications' documents, for a committee to download in
//! one go: files are stored as they are (PDFs, images and office files are
//! already compressed) and streamed from disk, never held whole in memory.

use std::fs::{File, Metadata};
use std::io::{self, Seek, Write};
use std::path::PathBuf;

use jiff::Timestamp;
use jiff::tz::TimeZone;
use zip::result::ZipError;
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, DateTime, ZipWriter};

/// One file of the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BundleEntry {
    /// Name in the archive: `file` or `folder/file` (a folder per
    /// application), each part already made safe (see
    /// [`safe_filename`](crate::filename::safe_filename)) and unique.
    pub name: String,
    /// The file to copy.
    pub source: PathBuf,
}

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("Nom de fichier refusé dans l'archive : {0:?}")]
    InvalidName(String),
    #[error("Lecture d'une pièce ou écriture de l'archive impossible.")]
    Io(#[from] io::Error),
    #[error("La création de l'archive a échoué.")]
    Zip(#[from] ZipError),
}

/// From this size on (4 GiB less one byte, the ZIP marker value), an entry
/// needs the ZIP64 extension.
const LARGE_FILE: u64 = u32::MAX as u64;

/// Writes the entries into a zip, in order, and returns the finished
/// writer. Each file is stored uncompressed and copied from disk in small
/// chunks. The modification time of an entry is the source file's, in UTC
/// (ZIP has no time zone; the `zip` crate also writes UTC).
///
/// A name that is empty, absolute, has more than one folder level, a `..`
/// part, a backslash, a colon or a control character is refused before
/// anything is written for it: unpacking must never write outside the
/// destination folder, on any system.
pub fn write_zip<W: Write + Seek>(out: W, entries: &[BundleEntry]) -> Result<W, BundleError> {
    let mut zip = ZipWriter::new(out);
    for entry in entries {
        check_name(&entry.name)?;
        let mut file = File::open(&entry.source)?;
        let metadata = file.metadata()?;
        let mut options = SimpleFileOptions::default()
            .compression_method(CompressionMethod::Stored)
            .large_file(metadata.len() >= LARGE_FILE)
            .unix_permissions(0o644);
        if let Some(modified) = modified(&metadata) {
            options = options.last_modified_time(modified);
        }
        zip.start_file(entry.name.as_str(), options)?;
        io::copy(&mut file, &mut zip)?;
    }
    Ok(zip.finish()?)
}

fn check_name(name: &str) -> Result<(), BundleError> {
    let parts: Vec<&str> = name.split('/').collect();
    let valid = parts.len() <= 2
        && parts.iter().all(|part| {
            !part.is_empty()
                && *part != "."
                && *part != ".."
                && !part.contains(['\\', ':'])
                && !part.chars().any(char::is_control)
        });
    if valid {
        Ok(())
    } else {
        Err(BundleError::InvalidName(name.to_owned()))
    }
}

fn modified(metadata: &Metadata) -> Option<DateTime> {
    let instant = Timestamp::try_from(metadata.modified().ok()?).ok()?;
    let t = TimeZone::UTC.to_datetime(instant);
    DateTime::from_date_and_time(
        u16::try_from(t.year()).ok()?,
        u8::try_from(t.month()).ok()?,
        u8::try_from(t.day()).ok()?,
        u8::try_from(t.hour()).ok()?,
        u8::try_from(t.minute()).ok()?,
        u8::try_from(t.second()).ok()?,
    )
    .ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Read as _};
    use std::path::Path;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use zip::ZipArchive;

    /// A directory of its own under the system's temporary directory,
    /// removed when dropped.
    struct TempDir(PathBuf);

    impl TempDir {
        fn new() -> Self {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "promeneurs-bundle-{}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&dir).unwrap();
            Self(dir)
        }

        fn file(&self, name: &str, bytes: &[u8]) -> PathBuf {
            let path = self.0.join(name);
            std::fs::write(&path, bytes).unwrap();
            path
        }
    }

    impl Drop for TempDir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn entry(name: &str, source: &Path) -> BundleEntry {
        BundleEntry {
            name: name.to_owned(),
            source: source.to_owned(),
        }
    }

    #[test]
    fn a_committee_downloads_the_documents_of_two_applications_in_one_zip() {
        let dir = TempDir::new();
        let statuts = b"%PDF-1.4\nstatuts de l'association\n%%EOF\n".repeat(1000);
        let budget = b"PK\x03\x04 pretend this is a spreadsheet".to_vec();
        let entries = [
            entry("0042 Centre social/Statuts.pdf", &dir.file("a", &statuts)),
            entry("0043 Mairie d'Yzeure/Budget.ods", &dir.file("b", &budget)),
        ];

        let zip_path = dir.0.join("bundle.zip");
        let out = File::create(&zip_path).unwrap();
        write_zip(out, &entries).unwrap().sync_all().unwrap();

        let mut archive = ZipArchive::new(File::open(&zip_path).unwrap()).unwrap();
        assert_eq!(archive.len(), 2);
        for (name, expected) in [
            ("0042 Centre social/Statuts.pdf", &statuts),
            ("0043 Mairie d'Yzeure/Budget.ods", &budget),
        ] {
            let mut file = archive.by_name(name).unwrap();
            assert_eq!(file.compression(), CompressionMethod::Stored);
            let mut content = Vec::new();
            file.read_to_end(&mut content).unwrap();
            assert_eq!(&content, expected);
        }
    }

    #[test]
    fn an_empty_bundle_is_an_empty_zip() {
        let out = write_zip(Cursor::new(Vec::new()), &[]).unwrap();
        let archive = ZipArchive::new(Cursor::new(out.into_inner())).unwrap();
        assert_eq!(archive.len(), 0);
    }

    #[test]
    fn names_that_would_unpack_elsewhere_are_refused() {
        let dir = TempDir::new();
        let source = dir.file("a", b"x");
        for name in [
            "",
            "/etc/passwd",
            "../x.pdf",
            "a/../../x.pdf",
            "a/b/c.pdf",
            "a//b.pdf",
            "dossier/",
            "C:x.pdf",
            "a\\b.pdf",
            "a\nb.pdf",
            ".",
        ] {
            let result = write_zip(Cursor::new(Vec::new()), &[entry(name, &source)]);
            assert!(
                matches!(result, Err(BundleError::InvalidName(_))),
                "{name:?}"
            );
        }
    }

    #[test]
    fn a_missing_source_is_an_io_error() {
        let dir = TempDir::new();
        let result = write_zip(
            Cursor::new(Vec::new()),
            &[entry("x.pdf", &dir.0.join("absent"))],
        );
        assert!(matches!(result, Err(BundleError::Io(_))));
    }

    #[test]
    fn the_same_name_twice_is_a_zip_error() {
        let dir = TempDir::new();
        let source = dir.file("a", b"x");
        let result = write_zip(
            Cursor::new(Vec::new()),
            &[entry("x.pdf", &source), entry("x.pdf", &source)],
        );
        assert!(matches!(result, Err(BundleError::Zip(_))));
    }
}
