//! Documents produced and read by Promeneurs, with no I/O of their own (no
//! database, no network): everything works on bytes in memory, except
//! [`filetype::detect`] and [`bundle`], which read the files they are given.
//!
//! - [`export`]: any list as CSV (for French Excel), XLSX or ODS, with
//!   formula injection neutralised;
//! - [`import`]: a user's CSV, XLSX or ODS file as rows of text, the type
//!   decided by the content;
//! - [`qr`]: QR codes as small standalone SVG images;
//! - [`photo`]: ID photos checked, shrunk to 512 px and stripped of their
//!   metadata;
//! - [`filetype`]: the types of application documents, detected by content;
//! - [`filename`]: users' file names made safe and unique;
//! - [`receipt`]: the accusé de réception of a submission, as a PDF;
//! - [`text_pdf`](mod@text_pdf): a text document (headings, paragraphs,
//!   bullets) as a PDF, and plain text read as such a document;
//! - [`bundle`]: applications' documents streamed into one zip;
//! - [`letters`]: the result letters and the conventions, typeset by Typst
//!   from templates the admins can edit, with embedded fonts.

pub mod bundle;
pub mod export;
pub mod filename;
pub mod filetype;
pub mod ics;
pub mod import;
pub mod letters;
mod pdf_layout;
pub mod photo;
pub mod qr;
pub mod receipt;
pub mod text_pdf;

pub use bundle::{BundleEntry, BundleError, write_zip};
pub use export::{Cell, ExportError, ExportFormat, Sheet, to_csv, to_ods, to_xlsx};
pub use filename::safe_filename;
pub use filetype::FileType;
pub use import::{ImportFileError, Row, Table, normalise_header, read_table};
pub use letters::{
    CafParty, ConventionData, ConventionModule, LetterData, LetterEngine, LetterError,
    LetterOutcome, Party, Signatory, UnsuccessfulReason, convention, result_letter,
};
pub use photo::{Photo, PhotoError, normalise_photo};
pub use qr::{QrError, qr_svg};
pub use receipt::{Receipt, ReceiptDocument, french_size, receipt_pdf};
pub use text_pdf::{TextBlock, TextDocument, blocks_from_plain_text, text_pdf};
