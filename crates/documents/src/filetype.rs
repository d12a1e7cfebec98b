//! The types of file an applicant may upload, and their detection by
//! content: the name and the type announced by the browser are never
//! trusted, so that an executable renamed `statuts.pdf` is refused.

use std::fs::File;
use std::io::{self, BufReader, Read, Seek};
use std::path::Path;

use zip::ZipArchive;

/// A type of document accepted in an application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileType {
    Pdf,
    Odt,
    Docx,
    Ods,
    Xlsx,
    Png,
    Jpeg,
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1A\n";
const ODT_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.text";
const ODS_MIMETYPE: &[u8] = b"application/vnd.oasis.opendocument.spreadsheet";
/// Longer than any mimetype we accept: a larger `mimetype` entry is not
/// read further.
const MAX_MIMETYPE_LEN: u64 = 100;

impl FileType {
    pub const ALL: [Self; 7] = [
        Self::Pdf,
        Self::Odt,
        Self::Docx,
        Self::Ods,
        Self::Xlsx,
        Self::Png,
        Self::Jpeg,
    ];

    /// Stable identifier, as stored in the database and used in forms.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Pdf => "pdf",
            Self::Odt => "odt",
            Self::Docx => "docx",
            Self::Ods => "ods",
            Self::Xlsx => "xlsx",
            Self::Png => "png",
            Self::Jpeg => "jpeg",
        }
    }

    /// The inverse of [`FileType::as_str`].
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.as_str() == s)
    }

    /// File name extension, without the dot.
    pub const fn extension(self) -> &'static str {
        match self {
            Self::Jpeg => "jpg",
            other => other.as_str(),
        }
    }

    pub const fn mime(self) -> &'static str {
        match self {
            Self::Pdf => "application/pdf",
            Self::Odt => "application/vnd.oasis.opendocument.text",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            Self::Ods => "application/vnd.oasis.opendocument.spreadsheet",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Png => "image/png",
            Self::Jpeg => "image/jpeg",
        }
    }

    /// Name shown to users, in French.
    pub const fn label(self) -> &'static str {
        match self {
            Self::Pdf => "PDF",
            Self::Odt => "document ODT",
            Self::Docx => "document Word",
            Self::Ods => "tableur ODS",
            Self::Xlsx => "tableur Excel",
            Self::Png => "image PNG",
            Self::Jpeg => "image JPEG",
        }
    }
}

/// Decides the type of a file by its content only, reading its first bytes
/// and, for a zip, its central directory and at most 100 bytes of its
/// `mimetype` entry: never the whole file.
///
/// `Ok(None)` for anything else: an executable, HTML, text, an empty file,
/// a zip that is not an office document, a corrupt or truncated zip. `Err`
/// only when the file cannot be opened or its first bytes read.
pub fn detect(path: &Path) -> io::Result<Option<FileType>> {
    let mut file = File::open(path)?;
    let mut head = Vec::with_capacity(PNG_SIGNATURE.len());
    (&mut file)
        .take(PNG_SIGNATURE.len() as u64)
        .read_to_end(&mut head)?;

    if head.starts_with(b"%PDF-") {
        Ok(Some(FileType::Pdf))
    } else if head.starts_with(PNG_SIGNATURE) {
        Ok(Some(FileType::Png))
    } else if head.starts_with(b"\xFF\xD8\xFF") {
        Ok(Some(FileType::Jpeg))
    } else if head.starts_with(b"PK\x03\x04") {
        file.rewind()?;
        Ok(detect_office(BufReader::new(file)))
    } else {
        Ok(None)
    }
}

/// OpenDocument files name their type in a `mimetype` entry; Office Open
/// XML files have a `[Content_Types].xml` and a main part whose path tells
/// the application. Any error while reading the zip means "not a document
/// we accept", whether the zip is corrupt or the disk failed.
fn detect_office<R: Read + Seek>(reader: R) -> Option<FileType> {
    let mut archive = ZipArchive::new(reader).ok()?;

    if let Ok(entry) = archive.by_name("mimetype") {
        let mut mimetype = Vec::new();
        if entry
            .take(MAX_MIMETYPE_LEN)
            .read_to_end(&mut mimetype)
            .is_ok()
        {
            if mimetype == ODT_MIMETYPE {
                return Some(FileType::Odt);
            }
            if mimetype == ODS_MIMETYPE {
                return Some(FileType::Ods);
            }
        }
    }

    let has = |name: &str| archive.index_for_name(name).is_some();
    if !has("[Content_Types].xml") {
        None
    } else if has("word/document.xml") {
        Some(FileType::Docx)
    } else if has("xl/workbook.xml") {
        Some(FileType::Xlsx)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write as _};
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use zip::ZipWriter;
    use zip::write::SimpleFileOptions;

    /// A file in a directory of its own under the system's temporary
    /// directory, removed when dropped.
    struct TempFile {
        dir: PathBuf,
        path: PathBuf,
    }

    impl TempFile {
        fn new(name: &str, bytes: &[u8]) -> Self {
            static COUNTER: AtomicUsize = AtomicUsize::new(0);
            let dir = std::env::temp_dir().join(format!(
                "promeneurs-filetype-{}-{}",
                std::process::id(),
                COUNTER.fetch_add(1, Ordering::Relaxed)
            ));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join(name);
            std::fs::write(&path, bytes).unwrap();
            Self { dir, path }
        }
    }

    impl Drop for TempFile {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }

    fn detect_bytes(name: &str, bytes: &[u8]) -> Option<FileType> {
        let file = TempFile::new(name, bytes);
        detect(&file.path).unwrap()
    }

    fn zip_of(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in entries {
            zip.start_file(*name, SimpleFileOptions::default()).unwrap();
            zip.write_all(content).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    fn opendocument(mimetype: &[u8]) -> Vec<u8> {
        zip_of(&[
            ("mimetype", mimetype),
            ("content.xml", b"<office:document-content/>"),
            ("META-INF/manifest.xml", b"<manifest:manifest/>"),
        ])
    }

    fn office_open_xml(main_part: &str) -> Vec<u8> {
        zip_of(&[
            ("[Content_Types].xml", b"<Types/>"),
            ("_rels/.rels", b"<Relationships/>"),
            (main_part, b"<document/>"),
        ])
    }

    #[test]
    fn names_round_trip() {
        for t in FileType::ALL {
            assert_eq!(FileType::parse(t.as_str()), Some(t));
            assert!(t.mime().contains('/'));
            assert!(!t.label().is_empty());
        }
        assert_eq!(FileType::parse("jpg"), None);
        assert_eq!(FileType::parse("PDF"), None);
        assert_eq!(FileType::Jpeg.extension(), "jpg");
        assert_eq!(FileType::Docx.extension(), "docx");
        assert_eq!(FileType::Xlsx.label(), "tableur Excel");
    }

    #[test]
    fn a_pdf_is_detected_by_its_header() {
        let pdf = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
        assert_eq!(detect_bytes("statuts.bin", pdf), Some(FileType::Pdf));
    }

    #[test]
    fn images_are_detected_by_their_signature() {
        let png = b"\x89PNG\r\n\x1A\n\0\0\0\rIHDR";
        assert_eq!(detect_bytes("photo", png), Some(FileType::Png));
        let jpeg = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0";
        assert_eq!(detect_bytes("photo.png", jpeg), Some(FileType::Jpeg));
    }

    #[test]
    fn opendocument_files_are_detected_by_their_mimetype_entry() {
        assert_eq!(
            detect_bytes("budget.pdf", &opendocument(ODT_MIMETYPE)),
            Some(FileType::Odt)
        );
        assert_eq!(
            detect_bytes("budget", &opendocument(ODS_MIMETYPE)),
            Some(FileType::Ods)
        );
        // A presentation is an OpenDocument file we do not accept.
        assert_eq!(
            detect_bytes(
                "x.odt",
                &opendocument(b"application/vnd.oasis.opendocument.presentation")
            ),
            None
        );
        // The mimetype must be exact, not merely start the same way.
        assert_eq!(
            detect_bytes(
                "x.odt",
                &opendocument(b"application/vnd.oasis.opendocument.text-template")
            ),
            None
        );
    }

    #[test]
    fn office_open_xml_files_are_detected_by_their_main_part() {
        assert_eq!(
            detect_bytes("lettre.odt", &office_open_xml("word/document.xml")),
            Some(FileType::Docx)
        );
        assert_eq!(
            detect_bytes("budget", &office_open_xml("xl/workbook.xml")),
            Some(FileType::Xlsx)
        );
        // No [Content_Types].xml: just a zip holding a file of that name.
        assert_eq!(
            detect_bytes(
                "x.docx",
                &zip_of(&[("word/document.xml", b"<document/>".as_slice())])
            ),
            None
        );
    }

    #[test]
    fn a_renamed_executable_is_refused() {
        assert_eq!(
            detect_bytes("x.pdf", b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xFF\xFF"),
            None
        );
        assert_eq!(detect_bytes("x.pdf", b"\x7FELF\x02\x01\x01\0"), None);
    }

    #[test]
    fn text_html_and_empty_files_are_refused() {
        assert_eq!(detect_bytes("x.pdf", b""), None);
        assert_eq!(detect_bytes("x.pdf", b"%PD"), None);
        assert_eq!(
            detect_bytes("x.docx", b"<!DOCTYPE html><html><body></body></html>"),
            None
        );
        assert_eq!(detect_bytes("x.odt", b"Bonjour,\nvoici mon dossier."), None);
    }

    #[test]
    fn a_zip_that_is_no_office_document_is_refused() {
        let zip = zip_of(&[("dossier/statuts.pdf", b"%PDF-1.4\n".as_slice())]);
        assert_eq!(detect_bytes("x.docx", &zip), None);
    }

    #[test]
    fn a_truncated_zip_is_refused() {
        let docx = office_open_xml("word/document.xml");
        assert_eq!(detect_bytes("x.docx", &docx[..docx.len() / 2]), None);
        assert_eq!(detect_bytes("x.docx", b"PK\x03\x04"), None);
    }

    #[test]
    fn a_missing_file_is_an_error() {
        let file = TempFile::new("present", b"");
        assert!(detect(&file.dir.join("absent.pdf")).is_err());
    }
}
