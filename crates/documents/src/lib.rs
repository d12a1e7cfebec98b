//! Documents produced and read by Promeneurs, with no I/O of their own (no
//! database, no files, no network): everything works on bytes in memory.
//!
//! - [`export`]: any list as CSV (for French Excel), XLSX or ODS, with
//!   formula injection neutralised;
//! - [`import`]: a user's CSV, XLSX or ODS file as rows of text, the type
//!   decided by the content;
//! - [`qr`]: QR codes as small standalone SVG images;
//! - [`photo`]: ID photos checked, shrunk to 512 px and stripped of their
//!   metadata.

pub mod export;
pub mod import;
pub mod photo;
pub mod qr;

pub use export::{Cell, ExportError, ExportFormat, Sheet, to_csv, to_ods, to_xlsx};
pub use import::{ImportFileError, Row, Table, normalise_header, read_table};
pub use photo::{Photo, PhotoError, normalise_photo};
pub use qr::{QrError, qr_svg};
