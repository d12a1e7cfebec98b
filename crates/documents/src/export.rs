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
use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use jiff::civil::Date;
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

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

pub(crate) const ODS_MIMETYPE: &str = "application/vnd.oasis.opendocument.spreadsheet";

/// ODS written by hand: a zip whose first entry is the uncompressed
/// `mimetype`, then the manifest, `content.xml` (bold header row repeated on
/// each printed page, date cells shown as dd/mm/yyyy, column widths) and
/// `settings.xml` (header row frozen).
pub fn to_ods(sheet: &Sheet) -> Result<Vec<u8>, ExportError> {
    let name = sheet_name(&sheet.title);
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let stored = SimpleFileOptions::default().compression_method(CompressionMethod::Stored);
    let deflated = SimpleFileOptions::default().compression_method(CompressionMethod::Deflated);

    zip.start_file("mimetype", stored)?;
    zip.write_all(ODS_MIMETYPE.as_bytes())
        .map_err(zip::result::ZipError::Io)?;
    zip.start_file("META-INF/manifest.xml", deflated)?;
    zip.write_all(ODS_MANIFEST.as_bytes())
        .map_err(zip::result::ZipError::Io)?;
    zip.start_file("content.xml", deflated)?;
    zip.write_all(ods_content(sheet, &name).as_bytes())
        .map_err(zip::result::ZipError::Io)?;
    zip.start_file("settings.xml", deflated)?;
    zip.write_all(ods_settings(&name).as_bytes())
        .map_err(zip::result::ZipError::Io)?;
    Ok(zip.finish()?.into_inner())
}

const ODS_MANIFEST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
 <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>
 <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
 <manifest:file-entry manifest:full-path="settings.xml" manifest:media-type="text/xml"/>
</manifest:manifest>
"#;

fn ods_content(sheet: &Sheet, name: &str) -> String {
    let widths = column_widths(sheet);
    let mut xml = String::with_capacity(2048 + sheet.rows.len() * widths.len() * 64);
    xml.push_str(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        "\n",
        r#"<office:document-content"#,
        r#" xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0""#,
        r#" xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0""#,
        r#" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0""#,
        r#" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0""#,
        r#" xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0""#,
        r#" xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0""#,
        r#" office:version="1.3">"#,
        "<office:automatic-styles>",
        r#"<number:date-style style:name="N1">"#,
        r#"<number:day number:style="long"/><number:text>/</number:text>"#,
        r#"<number:month number:style="long"/><number:text>/</number:text>"#,
        r#"<number:year number:style="long"/></number:date-style>"#,
        r#"<style:style style:name="ce1" style:family="table-cell">"#,
        r#"<style:text-properties fo:font-weight="bold"/></style:style>"#,
        r#"<style:style style:name="ce2" style:family="table-cell" style:data-style-name="N1"/>"#,
    ));
    for (i, width) in widths.iter().enumerate() {
        // About 0.2 cm per character in the default 10 pt font.
        let _ = write!(
            xml,
            r#"<style:style style:name="co{i}" style:family="table-column"><style:table-column-properties style:column-width="{}.{}cm"/></style:style>"#,
            width / 5,
            (width % 5) * 2
        );
    }
    xml.push_str("</office:automatic-styles><office:body><office:spreadsheet>");
    let _ = write!(xml, r#"<table:table table:name="{}">"#, Escaped(name));
    for i in 0..widths.len() {
        let _ = write!(xml, r#"<table:table-column table:style-name="co{i}"/>"#);
    }
    xml.push_str("<table:table-header-rows><table:table-row>");
    for header in &sheet.headers {
        xml.push_str(r#"<table:table-cell table:style-name="ce1" office:value-type="string">"#);
        push_paragraphs(&mut xml, &neutralise(header));
        xml.push_str("</table:table-cell>");
    }
    xml.push_str("</table:table-row></table:table-header-rows>");
    for row in &sheet.rows {
        xml.push_str("<table:table-row>");
        for cell in row {
            match cell {
                Cell::Text(text) => {
                    xml.push_str(r#"<table:table-cell office:value-type="string">"#);
                    push_paragraphs(&mut xml, &neutralise(text));
                    xml.push_str("</table:table-cell>");
                }
                Cell::Int(n) => {
                    let _ = write!(
                        xml,
                        r#"<table:table-cell office:value-type="float" office:value="{n}"><text:p>{n}</text:p></table:table-cell>"#
                    );
                }
                Cell::Date(date) => {
                    let _ = write!(
                        xml,
                        r#"<table:table-cell table:style-name="ce2" office:value-type="date" office:date-value="{date}"><text:p>{}</text:p></table:table-cell>"#,
                        french_date(*date)
                    );
                }
                Cell::Bool(b) => {
                    let _ = write!(
                        xml,
                        r#"<table:table-cell office:value-type="string"><text:p>{}</text:p></table:table-cell>"#,
                        yes_no(*b)
                    );
                }
                Cell::Empty => xml.push_str("<table:table-cell/>"),
            }
        }
        xml.push_str("</table:table-row>");
    }
    xml.push_str("</table:table></office:spreadsheet></office:body></office:document-content>\n");
    xml
}

/// Freezes the first row of the sheet, as LibreOffice records it.
fn ods_settings(name: &str) -> String {
    let item = |name: &str, kind: &str, value: &str| {
        format!(
            r#"<config:config-item config:name="{name}" config:type="{kind}">{value}</config:config-item>"#
        )
    };
    let name = Escaped(name).to_string();
    let mut xml = String::from(concat!(
        r#"<?xml version="1.0" encoding="UTF-8"?>"#,
        "\n",
        r#"<office:document-settings"#,
        r#" xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0""#,
        r#" xmlns:config="urn:oasis:names:tc:opendocument:xmlns:config:1.0""#,
        r#" office:version="1.3"><office:settings>"#,
        r#"<config:config-item-set config:name="ooo:view-settings">"#,
        r#"<config:config-item-map-indexed config:name="Views"><config:config-item-map-entry>"#,
    ));
    xml.push_str(&item("ViewId", "string", "view1"));
    xml.push_str(r#"<config:config-item-map-named config:name="Tables">"#);
    let _ = write!(
        xml,
        r#"<config:config-item-map-entry config:name="{name}">"#
    );
    for (key, kind, value) in [
        ("HorizontalSplitMode", "short", "0"),
        ("VerticalSplitMode", "short", "2"),
        ("HorizontalSplitPosition", "int", "0"),
        ("VerticalSplitPosition", "int", "1"),
        ("ActiveSplitRange", "short", "2"),
        ("PositionLeft", "int", "0"),
        ("PositionRight", "int", "0"),
        ("PositionTop", "int", "0"),
        ("PositionBottom", "int", "1"),
    ] {
        xml.push_str(&item(key, kind, value));
    }
    xml.push_str("</config:config-item-map-entry></config:config-item-map-named>");
    xml.push_str(&item("ActiveTable", "string", &name));
    xml.push_str(concat!(
        "</config:config-item-map-entry></config:config-item-map-indexed>",
        "</config:config-item-set></office:settings></office:document-settings>\n"
    ));
    xml
}

/// Writes a text as ODF paragraphs: one `text:p` per line, tabs and
/// repeated spaces kept (ODF collapses white space otherwise).
fn push_paragraphs(xml: &mut String, text: &str) {
    for line in text.split('\n') {
        xml.push_str("<text:p>");
        let mut after_space = true; // a leading space would be collapsed too
        for c in line.chars() {
            match c {
                ' ' if after_space => xml.push_str("<text:s/>"),
                ' ' => {
                    xml.push(' ');
                    after_space = true;
                    continue;
                }
                '\t' => xml.push_str("<text:tab/>"),
                '\r' => {}
                c => {
                    let _ = write!(xml, "{}", Escaped(c.encode_utf8(&mut [0; 4])));
                }
            }
            after_space = false;
        }
        xml.push_str("</text:p>");
    }
}

/// XML-escapes a text for content or attributes, dropping the characters
/// XML 1.0 cannot carry.
struct Escaped<'a>(&'a str);

impl std::fmt::Display for Escaped<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&apos;")?,
                '\t' | '\n' | '\r' => f.write_char(c)?,
                c if c.is_control() || matches!(c, '\u{fffe}' | '\u{ffff}') => {}
                c => f.write_char(c)?,
            }
        }
        Ok(())
    }
}

pub(crate) fn xml_escape(text: &str) -> String {
    Escaped(text).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Ods, Reader, Xlsx};
    use jiff::civil::date;

    fn sample() -> Sheet {
        Sheet {
            title: "Promeneurs : [Allier] / 2024 ? et bien plus encore".into(),
            headers: vec![
                "Nom".into(),
                "Né le".into(),
                "Âge".into(),
                "Actif".into(),
                "Note".into(),
            ],
            rows: vec![
                vec![
                    "Mérite; \"Alex\"".into(),
                    date(2024, 3, 17).into(),
                    Cell::Int(42),
                    true.into(),
                    "=HYPERLINK(\"http://x\")".into(),
                ],
                vec![
                    "Montluçon  <&>".into(),
                    Cell::Empty,
                    Cell::Int(-7),
                    false.into(),
                    "-2+3".into(),
                ],
                vec!["ligne\ncourte".into()],
            ],
        }
    }

    #[test]
    fn csv_for_french_excel() {
        let csv = to_csv(&sample());
        assert!(csv.starts_with(b"\xEF\xBB\xBF"), "BOM");
        let text = String::from_utf8(csv[3..].to_vec()).unwrap();
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "Nom;Né le;Âge;Actif;Note");
        assert_eq!(
            lines[1],
            r#""Mérite; ""Alex""";17/03/2024;42;oui;"'=HYPERLINK(""http://x"")""#
        );
        assert_eq!(lines[2], "Montluçon  <&>;;-7;non;'-2+3");
        assert_eq!(lines[3], "\"ligne\ncourte\"");
        assert_eq!(lines[4], "");
        assert!(!text.replace("\r\n", "").contains('\r'));
    }

    #[test]
    fn neutralises_formula_starts() {
        for text in ["=1+1", "+33", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert_eq!(neutralise(text), format!("'{text}"));
        }
        for text in ["Vichy", "1-2", "a=b", "", "'déjà"] {
            assert_eq!(neutralise(text), text);
        }
    }

    #[test]
    fn sheet_names_follow_excel_rules() {
        assert_eq!(
            sheet_name("Promeneurs : [Allier] / 2024 ? et bien plus encore")
                .chars()
                .count(),
            31
        );
        assert_eq!(
            sheet_name("Promeneurs : [Allier] / 2024 ? et bien plus encore"),
            "Promeneurs  Allier  2024  et bi"
        );
        assert_eq!(sheet_name("'Liste'"), "Liste");
        assert_eq!(sheet_name(" /*? "), "Feuille1");
        assert_eq!(sheet_name("Présences"), "Présences");
    }

    #[test]
    fn formats_are_parsed_and_described() {
        assert_eq!(ExportFormat::parse(" XLSX "), Some(ExportFormat::Xlsx));
        assert_eq!(ExportFormat::parse("csv"), Some(ExportFormat::Csv));
        assert_eq!(ExportFormat::parse("ods"), Some(ExportFormat::Ods));
        assert_eq!(ExportFormat::parse("pdf"), None);
        assert_eq!(ExportFormat::Ods.extension(), "ods");
        assert_eq!(ExportFormat::Csv.content_type(), "text/csv; charset=utf-8");
        let csv = ExportFormat::Csv.render(&sample()).unwrap();
        assert_eq!(csv, to_csv(&sample()));
    }

    fn check_cells(range: &calamine::Range<Data>) {
        let cell = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
        assert_eq!(cell(0, 0), Data::String("Nom".into()));
        assert_eq!(cell(0, 2), Data::String("Âge".into()));
        assert_eq!(cell(1, 0), Data::String("Mérite; \"Alex\"".into()));
        assert_eq!(cell(1, 3), Data::String("oui".into()));
        assert_eq!(cell(1, 4), Data::String("'=HYPERLINK(\"http://x\")".into()));
        assert_eq!(cell(2, 0), Data::String("Montluçon  <&>".into()));
        assert_eq!(cell(2, 1), Data::Empty);
        assert_eq!(cell(2, 4), Data::String("'-2+3".into()));
        assert_eq!(cell(3, 0), Data::String("ligne\ncourte".into()));
        assert!(
            matches!(cell(1, 2), Data::Float(f) if (f - 42.0).abs() < f64::EPSILON)
                || cell(1, 2) == Data::Int(42)
        );
    }

    #[test]
    fn xlsx_reads_back() {
        let bytes = to_xlsx(&sample()).unwrap();
        let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
        assert_eq!(
            book.sheet_names(),
            vec!["Promeneurs  Allier  2024  et bi".to_owned()]
        );
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        check_cells(&range);
        assert!(
            book.worksheet_formula("Promeneurs  Allier  2024  et bi")
                .unwrap()
                .used_cells()
                .next()
                .is_none()
        );
        let Some(Data::DateTime(dt)) = range.get_value((1, 1)).cloned() else {
            panic!("date cell expected")
        };
        let (year, month, day, ..) = dt.to_ymd_hms_milli();
        assert_eq!((year, month, day), (2024, 3, 17));
    }

    #[test]
    fn ods_reads_back() {
        let bytes = to_ods(&sample()).unwrap();
        // The mimetype comes first, stored, right after its 30-byte local header.
        assert_eq!(&bytes[..4], b"PK\x03\x04");
        assert_eq!(&bytes[30..38], b"mimetype");
        assert_eq!(&bytes[38..38 + ODS_MIMETYPE.len()], ODS_MIMETYPE.as_bytes());
        let mut book = Ods::new(Cursor::new(bytes)).unwrap();
        assert_eq!(
            book.sheet_names(),
            vec!["Promeneurs  Allier  2024  et bi".to_owned()]
        );
        let range = book.worksheet_range_at(0).unwrap().unwrap();
        check_cells(&range);
        assert_eq!(
            range.get_value((1, 1)),
            Some(&Data::DateTimeIso("2024-03-17".into()))
        );
    }

    #[test]
    fn ods_keeps_spaces_tabs_and_drops_invalid_characters() {
        let mut xml = String::new();
        push_paragraphs(&mut xml, " a  b\tc\u{1}<\nd");
        assert_eq!(
            xml,
            "<text:p><text:s/>a <text:s/>b<text:tab/>c&lt;</text:p><text:p>d</text:p>"
        );
    }

    #[test]
    fn empty_sheet_renders() {
        let sheet = Sheet::default();
        assert_eq!(to_csv(&sheet), b"\xEF\xBB\xBF");
        to_xlsx(&sheet).unwrap();
        to_ods(&sheet).unwrap();
    }
}
