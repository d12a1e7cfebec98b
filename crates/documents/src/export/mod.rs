//! Spreadsheet exports of any list: CSV for French Excel, XLSX and ODS.
//!
//! A [`Sheet`] is a title, a header row and rows of typed [`Cell`]s; the
//! caller builds it from whatever list it shows and picks an
//! [`ExportFormat`].
//!
//! # Formula injection
//!
//! Exported data comes from users (names, comments…). A text starting with
//! `=`, `+`, `-`, `@`, a tab or a carriage return would be run as a formula
//! by a spreadsheet opening the CSV (OWASP "CSV injection"). Such texts are
//! neutralised by prefixing them with `'`, in every format and in the header
//! row too:
//! - in CSV this is the OWASP recommendation;
//! - in XLSX and ODS the cell is always written as a plain string, never a
//!   formula, so it would be safe without the prefix; it is added anyway so
//!   that a cell copied and pasted from the export into another sheet, or
//!   re-exported as CSV by the user, stays inert. The visible cost is a
//!   leading `'` on texts like "-20 %" or "+33 6…": type phone numbers as
//!   "06…" to avoid it.
//!
//! # Booleans
//!
//! Booleans are written as the texts "oui"/"non" in all three formats (not as
//! spreadsheet booleans, which French Excel would show as VRAI/FAUX).

use std::borrow::Cow;

use jiff::civil::Date;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

mod ods;

pub use ods::to_ods;
pub(crate) use ods::{ODS_MIMETYPE, xml_escape};

/// A list to export: one worksheet.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Sheet {
    /// Worksheet name (shortened and cleaned for Excel's rules).
    pub title: String,
    pub headers: Vec<String>,
    /// Rows may be shorter or longer than `headers`.
    pub rows: Vec<Vec<Cell>>,
}

/// One typed cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    Text(String),
    Int(i64),
    Date(Date),
    Bool(bool),
    Empty,
}

impl From<String> for Cell {
    fn from(value: String) -> Self {
        Self::Text(value)
    }
}

impl From<&str> for Cell {
    fn from(value: &str) -> Self {
        Self::Text(value.to_owned())
    }
}

impl From<i64> for Cell {
    fn from(value: i64) -> Self {
        Self::Int(value)
    }
}

impl From<Date> for Cell {
    fn from(value: Date) -> Self {
        Self::Date(value)
    }
}

impl From<bool> for Cell {
    fn from(value: bool) -> Self {
        Self::Bool(value)
    }
}

impl<T: Into<Cell>> From<Option<T>> for Cell {
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Empty, Into::into)
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(
        "Cette liste est trop grande pour un tableur (plus de 1 048 576 lignes ou 16 384 colonnes)."
    )]
    TooLarge,
    #[error("La création du fichier XLSX a échoué.")]
    Xlsx(#[from] XlsxError),
    #[error("La création du fichier ODS a échoué.")]
    Ods(#[from] zip::result::ZipError),
}

/// The three formats offered to users.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    Csv,
    Xlsx,
    Ods,
}

impl ExportFormat {
    /// Parses "csv", "xlsx" or "ods" (case and surrounding spaces ignored),
    /// e.g. from a `?format=` query parameter.
    pub fn parse(input: &str) -> Option<Self> {
        match input.trim().to_ascii_lowercase().as_str() {
            "csv" => Some(Self::Csv),
            "xlsx" => Some(Self::Xlsx),
            "ods" => Some(Self::Ods),
            _ => None,
        }
    }

    /// Value for the `Content-Type` header.
    pub fn content_type(self) -> &'static str {
        match self {
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Ods => "application/vnd.oasis.opendocument.spreadsheet",
        }
    }

    /// File extension, without the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
            Self::Ods => "ods",
        }
    }

    pub fn render(self, sheet: &Sheet) -> Result<Vec<u8>, ExportError> {
        match self {
            Self::Csv => Ok(to_csv(sheet)),
            Self::Xlsx => to_xlsx(sheet),
            Self::Ods => to_ods(sheet),
        }
    }
}

/// Prefixes `'` to a text a spreadsheet could take for a formula.
fn neutralise(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// "17/03/2024".
fn french_date(date: Date) -> String {
    format!("{:02}/{:02}/{:04}", date.day(), date.month(), date.year())
}

fn yes_no(value: bool) -> &'static str {
    if value { "oui" } else { "non" }
}

/// The text a cell shows: used by CSV and to size columns.
fn display(cell: &Cell) -> Cow<'_, str> {
    match cell {
        Cell::Text(text) => neutralise(text),
        Cell::Int(n) => Cow::Owned(n.to_string()),
        Cell::Date(date) => Cow::Owned(french_date(*date)),
        Cell::Bool(b) => Cow::Borrowed(yes_no(*b)),
        Cell::Empty => Cow::Borrowed(""),
    }
}

/// CSV for French Excel: UTF-8 with BOM, `;` between fields, CRLF line ends,
/// dates as "17/03/2024", booleans as "oui"/"non".
pub fn to_csv(sheet: &Sheet) -> Vec<u8> {
    let mut out = String::with_capacity(64 + sheet.rows.len() * sheet.headers.len() * 12);
    out.push('\u{feff}');
    if !sheet.headers.is_empty() {
        push_csv_record(&mut out, sheet.headers.iter().map(|h| neutralise(h)));
    }
    for row in &sheet.rows {
        push_csv_record(&mut out, row.iter().map(display));
    }
    out.into_bytes()
}

/// One CSV record: fields quoted when they hold `;`, `"` or a line break.
fn push_csv_record<'a>(out: &mut String, fields: impl Iterator<Item = Cow<'a, str>>) {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.push(';');
        }
        if field.contains([';', '"', '\n', '\r']) {
            out.push('"');
            out.push_str(&field.replace('"', "\"\""));
            out.push('"');
        } else {
            out.push_str(&field);
        }
    }
    out.push_str("\r\n");
}

/// Worksheet name allowed by Excel (and used for ODS too): without
/// `[]:*?/\`, not starting or ending with `'`, at most 31 UTF-16 units, not
/// empty.
fn sheet_name(title: &str) -> String {
    let cleaned: String = title
        .chars()
        .filter(|c| !matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') && !c.is_control())
        .collect();
    let mut name = String::new();
    let mut units = 0;
    for c in cleaned.trim().trim_matches('\'').chars() {
        units += c.len_utf16();
        if units > 31 {
            break;
        }
        name.push(c);
    }
    let name = name.trim().trim_matches('\'').trim();
    if name.is_empty() {
        "Feuille1".to_owned()
    } else {
        name.to_owned()
    }
}

/// Column widths in characters, from the longest line of each column.
fn column_widths(sheet: &Sheet) -> Vec<usize> {
    let columns = sheet
        .rows
        .iter()
        .map(Vec::len)
        .chain([sheet.headers.len()])
        .max()
        .unwrap_or(0);
    let longest = |text: &str| text.lines().map(|l| l.chars().count()).max().unwrap_or(0);
    let mut widths = vec![0; columns];
    for (i, header) in sheet.headers.iter().enumerate() {
        // Bold text is a little wider.
        widths[i] = longest(header) + 1;
    }
    // Looking at the first thousand rows is enough to size columns.
    for row in sheet.rows.iter().take(1000) {
        for (i, cell) in row.iter().enumerate() {
            widths[i] = widths[i].max(longest(&display(cell)));
        }
    }
    widths.into_iter().map(|w| (w + 2).clamp(6, 60)).collect()
}

/// Largest integer written as a number: beyond, f64 would round it (and
/// Excel shows 15 digits at most), so it is written as text.
const MAX_EXACT_INT: i64 = 999_999_999_999_999;

/// XLSX: bold and frozen header row with an autofilter, real date cells shown
/// as dd/mm/yyyy, columns sized to their content.
pub fn to_xlsx(sheet: &Sheet) -> Result<Vec<u8>, ExportError> {
    let mut workbook = Workbook::new();
    // Excel's own level: 10 000 promeneurs save in about two thirds of the
    // time of the default level 6, for a file about 5 % larger.
    workbook.set_zip_compression_level(3);
    let bold = Format::new().set_bold();
    let date_format = Format::new().set_num_format("dd/mm/yyyy");
    let worksheet = workbook.add_worksheet();
    worksheet.set_name(sheet_name(&sheet.title))?;

    for (col, header) in sheet.headers.iter().enumerate() {
        worksheet.write_string_with_format(0, col_index(col)?, neutralise(header), &bold)?;
    }
    for (r, row) in sheet.rows.iter().enumerate() {
        let row_index = u32::try_from(r + 1).map_err(|_| ExportError::TooLarge)?;
        for (col, cell) in row.iter().enumerate() {
            let col = col_index(col)?;
            match cell {
                Cell::Text(text) => {
                    worksheet.write_string(row_index, col, neutralise(text))?;
                }
                Cell::Int(n) if (-MAX_EXACT_INT..=MAX_EXACT_INT).contains(n) => {
                    // Exact: |n| < 2^53.
                    #[allow(clippy::cast_precision_loss)]
                    worksheet.write_number(row_index, col, *n as f64)?;
                }
                Cell::Int(n) => {
                    worksheet.write_string(row_index, col, n.to_string())?;
                }
                Cell::Date(date) => {
                    // Excel dates start in 1900: older ones are written as text.
                    let excel = u16::try_from(date.year())
                        .ok()
                        .and_then(|year| {
                            ExcelDateTime::from_ymd(
                                year,
                                date.month().unsigned_abs(),
                                date.day().unsigned_abs(),
                            )
                            .ok()
                        })
                        .filter(|_| date.year() >= 1900);
                    match excel {
                        Some(excel) => {
                            worksheet.write_datetime_with_format(
                                row_index,
                                col,
                                &excel,
                                &date_format,
                            )?;
                        }
                        None => {
                            worksheet.write_string(row_index, col, french_date(*date))?;
                        }
                    }
                }
                Cell::Bool(b) => {
                    worksheet.write_string(row_index, col, yes_no(*b))?;
                }
                Cell::Empty => {}
            }
        }
    }

    let widths = column_widths(sheet);
    for (col, width) in widths.iter().enumerate() {
        // Widths are at most 60: exact in f64.
        #[allow(clippy::cast_precision_loss)]
        worksheet.set_column_width(col_index(col)?, *width as f64)?;
    }
    worksheet.set_freeze_panes(1, 0)?;
    if !sheet.headers.is_empty() {
        let last_row = u32::try_from(sheet.rows.len()).map_err(|_| ExportError::TooLarge)?;
        let last_col = col_index(widths.len().max(sheet.headers.len()) - 1)?;
        worksheet.autofilter(0, 0, last_row, last_col)?;
    }
    Ok(workbook.save_to_buffer()?)
}

fn col_index(col: usize) -> Result<u16, ExportError> {
    u16::try_from(col).map_err(|_| ExportError::TooLarge)
}

#[cfg(test)]
mod tests;
