//! Reading a spreadsheet sent by a user (CSV, XLSX or ODS) into rows of text.
//!
//! The type is decided by the content, never by the file name. The first
//! non-empty row holds the headers; callers match them leniently with
//! [`normalise_header`] and validate each cell themselves, quoting
//! [`Row::line`] in their messages. The maximum file size is enforced by the
//! caller before calling [`read_table`].

use std::io::{Cursor, Read, Seek};

use calamine::{Data, Ods, Reader, Xlsx};
use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

use crate::export::ODS_MIMETYPE;

/// The first sheet of a spreadsheet, as text.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Table {
    /// Trimmed; trailing empty header cells are dropped.
    pub headers: Vec<String>,
    /// Non-empty rows after the header row, each exactly as long as `headers`.
    pub rows: Vec<Row>,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Row {
    /// 1-based row number as the user sees it in the spreadsheet (the header
    /// row is 1 when it is the first row); empty rows are skipped but counted.
    pub line: usize,
    /// Trimmed cells, one per header; missing cells are "".
    pub cells: Vec<String>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ImportFileError {
    #[error("Le fichier est vide.")]
    Empty,
    #[error(
        "La première ligne remplie doit donner l'intitulé de chaque colonne : la colonne {column} n'en a pas."
    )]
    NoHeader { column: String },
    #[error("Ce fichier n'est pas un tableur reconnu : envoyez un fichier CSV, XLSX ou ODS.")]
    UnsupportedType,
    #[error("Le fichier est mal formé : {0}.")]
    Malformed(String),
    /// The shared strings table of an XLSX file announces more texts than
    /// its size can hold (the reader would reserve memory for all of them).
    #[error(
        "Le fichier déclare {} textes, bien plus qu'il n'en contient : il est corrompu ou piégé. Enregistrez-le à nouveau depuis votre tableur.",
        thousands(*declared)
    )]
    TooManyStrings { declared: u64 },
    /// A sheet spans more cells than can be read (every cell of the
    /// rectangle between the first and the last one is allocated).
    #[error(
        "Le fichier déclare une feuille de {} lignes sur {} colonnes, trop grande pour être lue ({} cellules au plus). Supprimez les cellules éloignées ou enregistrez le tableau dans un nouveau fichier.",
        thousands(*rows),
        thousands(*columns),
        thousands(MAX_CELLS)
    )]
    SheetTooLarge { rows: u64, columns: u64 },
}

/// The most cells (rows × columns of the rectangle holding every filled
/// cell) a sheet may span: about 130 MB once read.
pub const MAX_CELLS: u64 = 4_000_000;

/// A number with French thousands separators (narrow no-break spaces):
/// 1000000 → "1 000 000".
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() * 2);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

/// Declared uncompressed size above which a workbook is refused (a small
/// file that inflates to gigabytes is an attack, not a list of people).
const MAX_UNZIPPED: u64 = 200 * 1024 * 1024;

/// Reads the first sheet of a CSV, XLSX or ODS file.
pub fn read_table(bytes: &[u8]) -> Result<Table, ImportFileError> {
    if bytes.is_empty() {
        return Err(ImportFileError::Empty);
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return read_workbook(bytes);
    }
    let text = decode_text(bytes)?;
    read_csv(&text)
}

// ---------------------------------------------------------------- workbooks

enum Kind {
    Xlsx,
    Ods,
}

fn unreadable<E>(_: E) -> ImportFileError {
    ImportFileError::Malformed("le classeur ne peut pas être lu".into())
}

/// Cheap checks of a file before it is read: a workbook whose entries
/// inflate beyond 200 MB, whose shared strings table announces more texts
/// than it can hold, or whose sheets span more than [`MAX_CELLS`] cells is
/// refused, reading only its XML as a stream (little memory, no cell kept).
/// CSV files pass (their reading never allocates more than their size).
pub fn precheck(bytes: &[u8]) -> Result<(), ImportFileError> {
    if !(bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06")) {
        return Ok(());
    }
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ImportFileError::UnsupportedType)?;
    precheck_zip(&mut zip)
}

fn precheck_zip(zip: &mut zip::ZipArchive<Cursor<&[u8]>>) -> Result<(), ImportFileError> {
    let mut unzipped = 0u64;
    for i in 0..zip.len() {
        let entry = zip.by_index_raw(i).map_err(unreadable)?;
        unzipped = unzipped.saturating_add(entry.size());
    }
    if unzipped > MAX_UNZIPPED {
        return Err(ImportFileError::Malformed(
            "le classeur décompressé est trop volumineux".into(),
        ));
    }
    if let Ok(entry) = zip.by_name("xl/sharedStrings.xml") {
        let size = entry.size();
        let mut head = Vec::with_capacity(2048);
        entry
            .take(2048)
            .read_to_end(&mut head)
            .map_err(unreadable)?;
        // Each text is an `<si>…</si>` element: at least 9 bytes.
        if let Some(declared) = attribute_number(&head, "uniqueCount")
            && declared > size / 9 + 1
        {
            return Err(ImportFileError::TooManyStrings { declared });
        }
    }
    let sheets: Vec<String> = zip
        .file_names()
        .filter_map(Result::ok)
        .filter(|n| (n.starts_with("xl/worksheets/") && n.ends_with(".xml")) || n == "content.xml")
        .map(std::borrow::Cow::into_owned)
        .collect();
    for name in sheets {
        let entry = zip.by_name(&name).map_err(unreadable)?;
        let limit = entry.size();
        scan_cell_references(entry.take(limit))?;
    }
    Ok(())
}

/// The value of `name="123"` in the first bytes of an XML document.
fn attribute_number(xml: &[u8], name: &str) -> Option<u64> {
    let pattern = format!(" {name}=\"");
    let start = xml
        .windows(pattern.len())
        .position(|w| w == pattern.as_bytes())?
        + pattern.len();
    let digits: Vec<u8> = xml[start..]
        .iter()
        .copied()
        .take_while(u8::is_ascii_digit)
        .collect();
    std::str::from_utf8(&digits)
        .ok()?
        .parse()
        .ok()
        .or(Some(u64::MAX))
        .filter(|_| !digits.is_empty())
}

/// Streams a sheet's XML and refuses it when its cell references (`r="A1"`
/// of cells and rows, `ref="A1:C9"` of the dimension) span more than
/// [`MAX_CELLS`] cells. ODS content passes (it has no such references).
fn scan_cell_references(mut xml: impl Read) -> Result<(), ImportFileError> {
    let mut buffer = vec![0u8; 64 * 1024];
    // The end of the previous chunk, so that a reference cut in two is
    // still seen whole.
    let mut carry: Vec<u8> = Vec::new();
    let (mut min_row, mut max_row, mut min_col, mut max_col) = (u64::MAX, 0u64, u64::MAX, 0u64);
    let mut seen = false;
    loop {
        let n = xml.read(&mut buffer).map_err(unreadable)?;
        if n == 0 {
            break;
        }
        let mut chunk = std::mem::take(&mut carry);
        chunk.extend_from_slice(&buffer[..n]);
        let mut i = 0;
        while i < chunk.len() {
            let rest = &chunk[i..];
            let skip = if rest.starts_with(b" r=\"") {
                3
            } else if rest.starts_with(b" ref=\"") {
                5
            } else {
                i += 1;
                continue;
            };
            let value_start = i + skip + 1;
            let Some(len) = chunk[value_start..]
                .iter()
                .take(40)
                .position(|&b| b == b'"')
            else {
                if chunk.len() - value_start < 40 {
                    // Cut by the chunk: look at it again with the next one.
                    break;
                }
                i += 1;
                continue;
            };
            for reference in chunk[value_start..value_start + len].split(|&b| b == b':') {
                if let Some((row, col)) = parse_reference(reference) {
                    seen = true;
                    if let Some(row) = row {
                        min_row = min_row.min(row);
                        max_row = max_row.max(row);
                    }
                    if let Some(col) = col {
                        min_col = min_col.min(col);
                        max_col = max_col.max(col);
                    }
                }
            }
            i = value_start + len;
        }
        if i < chunk.len() {
            carry = chunk[i..].to_vec();
        } else {
            carry = chunk[chunk.len().saturating_sub(8)..].to_vec();
        }
        if seen && min_row <= max_row && min_col <= max_col {
            let rows = max_row - min_row + 1;
            let columns = max_col - min_col + 1;
            if rows.saturating_mul(columns) > MAX_CELLS {
                return Err(ImportFileError::SheetTooLarge { rows, columns });
            }
        }
    }
    Ok(())
}

/// "XFD1048576" → (Some(1048576), Some(16384)); "12" (a row) → (Some(12),
/// None); "$A$1" as "A1". `None` when it is not a cell reference.
fn parse_reference(reference: &[u8]) -> Option<(Option<u64>, Option<u64>)> {
    let reference: Vec<u8> = reference.iter().copied().filter(|&b| b != b'$').collect();
    let letters = reference
        .iter()
        .take_while(|b| b.is_ascii_uppercase())
        .count();
    let (col, row) = reference.split_at(letters);
    if letters > 3 || row.len() > 7 || !row.iter().all(u8::is_ascii_digit) {
        return None;
    }
    if col.is_empty() && row.is_empty() {
        return None;
    }
    let col = (!col.is_empty()).then(|| {
        col.iter()
            .fold(0u64, |n, &b| n * 26 + u64::from(b - b'A' + 1))
    });
    let row = std::str::from_utf8(row).ok().and_then(|r| r.parse().ok());
    Some((row, col))
}

fn read_workbook(bytes: &[u8]) -> Result<Table, ImportFileError> {
    let mut zip =
        zip::ZipArchive::new(Cursor::new(bytes)).map_err(|_| ImportFileError::UnsupportedType)?;
    precheck_zip(&mut zip)?;
    let kind = if zip.index_for_name("xl/workbook.xml").is_some() {
        Kind::Xlsx
    } else {
        let mut mimetype = String::new();
        match zip.by_name("mimetype") {
            Ok(entry) => {
                entry
                    .take(100)
                    .read_to_string(&mut mimetype)
                    .map_err(|_| ImportFileError::UnsupportedType)?;
            }
            Err(_) => return Err(ImportFileError::UnsupportedType),
        }
        if mimetype.trim() != ODS_MIMETYPE {
            return Err(ImportFileError::UnsupportedType);
        }
        Kind::Ods
    };
    let range = match kind {
        Kind::Xlsx => first_sheet(Xlsx::new(Cursor::new(bytes)).map_err(unreadable)?),
        Kind::Ods => first_sheet(Ods::new(Cursor::new(bytes)).map_err(unreadable)?),
    }?;
    let Some((top, left)) = range.start() else {
        return Err(ImportFileError::Empty);
    };
    let top = usize::try_from(top).unwrap_or(0);
    let left = usize::try_from(left).unwrap_or(0);
    let lines = range
        .rows()
        .enumerate()
        .map(|(i, row)| (top + i + 1, row.iter().map(cell_text).collect()));
    build_table(lines, left)
}

fn first_sheet<R, RS>(mut book: R) -> Result<calamine::Range<Data>, ImportFileError>
where
    R: Reader<RS>,
    RS: Read + Seek,
{
    match book.worksheet_range_at(0) {
        None => Err(ImportFileError::Empty),
        Some(Ok(range)) => Ok(range),
        Some(Err(_)) => Err(ImportFileError::Malformed(
            "la première feuille ne peut pas être lue".into(),
        )),
    }
}

/// A cell as text: dates as "YYYY-MM-DD" ("YYYY-MM-DD HH:MM:SS" with a
/// time), integers without ".0", booleans as "oui"/"non", errors as shown
/// ("#DIV/0!").
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_owned(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "oui" } else { "non" }.to_owned(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTime(duration) => float_text(duration.as_f64()),
        Data::DateTimeIso(iso) => match iso.split_once('T') {
            Some((day, time)) if time.trim_start_matches(['0', ':', '.']).is_empty() => {
                day.to_owned()
            }
            Some((day, time)) => format!("{day} {}", time.split('.').next().unwrap_or(time)),
            None => iso.clone(),
        },
        Data::DurationIso(iso) => iso.clone(),
        Data::Error(e) => e.to_string(),
    }
}

fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}

// ---------------------------------------------------------------- CSV

/// Decodes a text file: UTF-8 (BOM stripped), UTF-16 with a BOM (Excel's
/// "Unicode text"), else Windows-1252. Binary content is refused.
fn decode_text(bytes: &[u8]) -> Result<String, ImportFileError> {
    if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        return Ok(UTF_16LE.decode_without_bom_handling(rest).0.into_owned());
    }
    if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        return Ok(UTF_16BE.decode_without_bom_handling(rest).0.into_owned());
    }
    const MAGIC: &[&[u8]] = &[
        b"%PDF",             // PDF
        b"MZ",               // Windows executable
        b"\x7FELF",          // Linux executable
        b"\x89PNG",          // PNG
        b"\xFF\xD8\xFF",     // JPEG
        b"GIF8",             // GIF
        b"PK",               // zip (DOCX, other archives…)
        b"\xD0\xCF\x11\xE0", // old Office files (XLS, DOC)
        b"\x1F\x8B",         // gzip
        b"Rar!",             // RAR
        b"7z\xBC\xAF",       // 7-Zip
        b"RIFF",             // WEBP, AVI, WAV
        b"{\\rtf",           // RTF
    ];
    if MAGIC.iter().any(|magic| bytes.starts_with(magic))
        // Control characters never appear in a CSV file (tab, line ends and
        // the old DOS end-of-file marker 0x1A excepted).
        || bytes.iter().any(|&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C | 0x1A))
    {
        return Err(ImportFileError::UnsupportedType);
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    Ok(match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    })
}

fn read_csv(text: &str) -> Result<Table, ImportFileError> {
    let text = text.trim_end_matches('\u{1A}');
    // The header is the first line with something else than separators.
    let Some(header_start) = first_meaningful_line(text) else {
        return Err(ImportFileError::Empty);
    };
    let (before, text) = text.split_at(header_start);
    let delimiter = detect_delimiter(text);
    let mut parser = CsvParser::new(text, delimiter);
    // Lines before the header are blank: count them to keep numbers true.
    let mut blank = CsvParser::new(before, delimiter);
    while blank.next_record()?.is_some() {}
    parser.row = blank.row;
    let mut lines = Vec::new();
    while let Some(record) = parser.next_record()? {
        lines.push(record);
    }
    build_table(lines, 0)
}

/// Byte offset of the first line holding more than separators and spaces
/// (if any, it has no quote: the lines before are single rows).
fn first_meaningful_line(text: &str) -> Option<usize> {
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if line
            .chars()
            .any(|c| !matches!(c, ';' | ',' | '\t' | '\r' | '\n' | ' '))
        {
            return Some(start);
        }
        start += line.len();
    }
    None
}

/// Among `;`, `,` and tab, the delimiter that splits the header line into
/// the most fields (`;` wins ties, then `,`).
fn detect_delimiter(header: &str) -> char {
    let mut best = (';', 0);
    for delimiter in [';', ',', '\t'] {
        let fields = match CsvParser::new(header, delimiter).next_record() {
            Ok(Some((_, cells))) => cells.len(),
            _ => 0,
        };
        if fields > best.1 {
            best = (delimiter, fields);
        }
    }
    best.0
}

/// A small RFC 4180 reader, lenient like spreadsheets are: `"` opens a
/// quoted field only at its start (spaces before it allowed), `""` inside
/// it is a quote, text after the closing quote is kept, records end with
/// CRLF, LF or CR. It numbers records as a spreadsheet numbers rows: blank
/// lines count, line breaks inside quoted fields do not.
struct CsvParser<'a> {
    chars: std::iter::Peekable<std::str::Chars<'a>>,
    delimiter: char,
    row: usize,
}

impl<'a> CsvParser<'a> {
    fn new(text: &'a str, delimiter: char) -> Self {
        Self {
            chars: text.chars().peekable(),
            delimiter,
            row: 0,
        }
    }

    fn next_record(&mut self) -> Result<Option<(usize, Vec<String>)>, ImportFileError> {
        if self.chars.peek().is_none() {
            return Ok(None);
        }
        self.row += 1;
        let mut cells = Vec::new();
        let mut field = String::new();
        while let Some(c) = self.chars.next() {
            match c {
                '"' if field.trim().is_empty() => {
                    field.clear();
                    self.quoted(&mut field)?;
                }
                '\r' => {
                    self.chars.next_if_eq(&'\n');
                    break;
                }
                '\n' => break,
                c if c == self.delimiter => cells.push(std::mem::take(&mut field)),
                c => field.push(c),
            }
        }
        cells.push(field);
        for cell in &mut cells {
            let trimmed = cell.trim();
            if trimmed.len() != cell.len() {
                *cell = trimmed.to_owned();
            }
        }
        Ok(Some((self.row, cells)))
    }

    /// Reads a quoted field after its opening quote, up to its closing one.
    fn quoted(&mut self, field: &mut String) -> Result<(), ImportFileError> {
        loop {
            match self.chars.next() {
                None => {
                    return Err(ImportFileError::Malformed(format!(
                        "ligne {}, un guillemet ouvert n'est jamais fermé",
                        self.row
                    )));
                }
                Some('"') => {
                    if self.chars.next_if_eq(&'"').is_none() {
                        return Ok(());
                    }
                    field.push('"');
                }
                Some('\r') => {
                    // Keep line breaks inside cells as "\n".
                    self.chars.next_if_eq(&'\n');
                    field.push('\n');
                }
                Some(c) => field.push(c),
            }
        }
    }
}

// ---------------------------------------------------------------- common

/// Builds the table from numbered rows: the first non-empty row gives the
/// headers, empty rows are skipped, columns empty in every row on the left
/// are dropped, every row gets one cell per header. `first_column` is the
/// index of the first given column (for the column names in messages).
fn build_table(
    lines: impl IntoIterator<Item = (usize, Vec<String>)>,
    first_column: usize,
) -> Result<Table, ImportFileError> {
    let mut lines: Vec<(usize, Vec<String>)> = lines
        .into_iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.is_empty()))
        .collect();
    let empty_left = lines
        .iter()
        .filter_map(|(_, cells)| cells.iter().position(|c| !c.is_empty()))
        .min()
        .unwrap_or(0);
    for (_, cells) in &mut lines {
        cells.drain(..empty_left);
    }
    let first_column = first_column + empty_left;
    let mut lines = lines.into_iter();
    let Some((_, mut headers)) = lines.next() else {
        return Err(ImportFileError::Empty);
    };
    for header in &mut headers {
        *header = header.trim().to_owned();
    }
    while headers.last().is_some_and(String::is_empty) {
        headers.pop();
    }
    if let Some(i) = headers.iter().position(String::is_empty) {
        return Err(ImportFileError::NoHeader {
            column: column_name(first_column + i),
        });
    }
    let mut rows = Vec::new();
    for (line, mut cells) in lines {
        if let Some(extra) = cells.iter().skip(headers.len()).position(|c| !c.is_empty()) {
            return Err(ImportFileError::Malformed(format!(
                "ligne {line}, la colonne {} est remplie mais n'a pas d'intitulé",
                column_name(first_column + headers.len() + extra)
            )));
        }
        cells.resize(headers.len(), String::new());
        rows.push(Row { line, cells });
    }
    Ok(Table { headers, rows })
}

/// Spreadsheet column name: 0 → "A", 25 → "Z", 26 → "AA".
fn column_name(index: usize) -> String {
    let mut name = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        name.push(b'A' + u8::try_from(rem).unwrap_or(0));
        n = (n - 1) / 26;
    }
    name.reverse();
    String::from_utf8(name).unwrap_or_default()
}

/// A header reduced to a lenient key: lower-case, without accents, words
/// joined by '_' ("Début mandat" → "debut_mandat", "Adresse e-mail" →
/// "adresse_e_mail", "N° SIRET" → "n_siret").
pub fn normalise_header(header: &str) -> String {
    let mut out = String::with_capacity(header.len());
    let mut pending_separator = false;
    for c in header.chars().flat_map(char::to_lowercase) {
        let folded = match c {
            'à' | 'á' | 'â' | 'ã' | 'ä' | 'å' => "a",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' => "n",
            'ò' | 'ó' | 'ô' | 'õ' | 'ö' => "o",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'œ' => "oe",
            'æ' => "ae",
            'ß' => "ss",
            c if c.is_alphanumeric() => {
                if pending_separator && !out.is_empty() {
                    out.push('_');
                }
                pending_separator = false;
                out.push(c);
                continue;
            }
            _ => {
                pending_separator = true;
                continue;
            }
        };
        if pending_separator && !out.is_empty() {
            out.push('_');
        }
        pending_separator = false;
        out.push_str(folded);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::{Cell, Sheet, to_ods, to_xlsx};
    use jiff::civil::date;

    /// A workbook made of these entries.
    fn zipped(entries: &[(&str, &str)]) -> Vec<u8> {
        use std::io::Write;
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        for (name, content) in entries {
            zip.start_file(*name, zip::write::SimpleFileOptions::default())
                .unwrap();
            zip.write_all(content.as_bytes()).unwrap();
        }
        zip.finish().unwrap().into_inner()
    }

    #[test]
    fn precheck_refuses_shared_strings_declared_beyond_their_size() {
        let sst = |n: &str| {
            format!(
                r#"<sst xmlns="x" count="{n}" uniqueCount="{n}"><si><t>a</t></si><si><t>b</t></si></sst>"#
            )
        };
        let bomb = zipped(&[
            ("xl/workbook.xml", "<workbook/>"),
            ("xl/sharedStrings.xml", &sst("1000000000000000")),
        ]);
        assert_eq!(
            precheck(&bomb),
            Err(ImportFileError::TooManyStrings {
                declared: 1_000_000_000_000_000
            })
        );
        assert!(precheck(&bomb).unwrap_err().to_string().starts_with(
            "Le fichier déclare 1\u{202f}000\u{202f}000\u{202f}000\u{202f}000\u{202f}000 textes"
        ));
        // read_table checks the same before reading.
        assert!(matches!(
            read_table(&bomb),
            Err(ImportFileError::TooManyStrings { .. })
        ));
        // A number too long for u64 is still refused.
        let huge = zipped(&[("xl/sharedStrings.xml", &sst("99999999999999999999999"))]);
        assert!(matches!(
            precheck(&huge),
            Err(ImportFileError::TooManyStrings { declared: u64::MAX })
        ));
        let honest = zipped(&[("xl/sharedStrings.xml", &sst("2"))]);
        assert_eq!(precheck(&honest), Ok(()));
    }

    #[test]
    fn precheck_refuses_sheets_spanning_too_many_cells() {
        let sheet = |cells: &str| {
            zipped(&[(
                "xl/worksheets/sheet1.xml",
                &format!("<worksheet><sheetData>{cells}</sheetData></worksheet>"),
            )])
        };
        let far =
            sheet(r#"<row r="1"><c r="A1"/></row><row r="1048576"><c r="XFD1048576"/></row>"#);
        assert_eq!(
            precheck(&far),
            Err(ImportFileError::SheetTooLarge {
                rows: 1_048_576,
                columns: 16_384
            })
        );
        // The declared dimension counts too ($ signs allowed).
        let declared = zipped(&[(
            "xl/worksheets/sheet1.xml",
            r#"<worksheet><dimension ref="$A$1:$XFD$1048576"/></worksheet>"#,
        )]);
        assert!(matches!(
            precheck(&declared),
            Err(ImportFileError::SheetTooLarge { .. })
        ));
        // A reference cut between two chunks of the stream is seen whole.
        let padding = " ".repeat(64 * 1024 - 60);
        let cut = sheet(&format!(
            r#"<row r="1"><c r="A1"/></row>{padding}<row r="900000"><c r="ZZ900000"/></row>"#
        ));
        assert!(matches!(
            precheck(&cut),
            Err(ImportFileError::SheetTooLarge {
                rows: 900_000,
                columns: 702
            })
        ));
        // A real sheet passes, CSV is not looked at.
        let fine =
            sheet(r#"<row r="1"><c r="A1"/><c r="T1"/></row><row r="20001"><c r="T20001"/></row>"#);
        assert_eq!(precheck(&fine), Ok(()));
        assert_eq!(precheck(b"nom;prenom\n"), Ok(()));
        assert_eq!(precheck(&to_xlsx(&sheet_of_exports()).unwrap()), Ok(()));
        assert_eq!(precheck(&to_ods(&sheet_of_exports()).unwrap()), Ok(()));
    }

    fn sheet_of_exports() -> Sheet {
        sheet()
    }

    #[test]
    fn thousands_are_separated() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1\u{202f}000");
        assert_eq!(thousands(16_384), "16\u{202f}384");
    }

    fn strings(cells: &[&str]) -> Vec<String> {
        cells.iter().map(|&c| c.to_owned()).collect()
    }

    #[test]
    fn reads_semicolon_csv_with_true_line_numbers() {
        let csv = "Nom ; Prénom;Commune\r\nDupont; Marie ;Vichy\r\n;;\r\n\r\nMartin;Paul\r\n";
        let table = read_table(csv.as_bytes()).unwrap();
        assert_eq!(table.headers, strings(&["Nom", "Prénom", "Commune"]));
        assert_eq!(table.rows.len(), 2);
        assert_eq!(
            table.rows[0],
            Row {
                line: 2,
                cells: strings(&["Dupont", "Marie", "Vichy"])
            }
        );
        assert_eq!(
            table.rows[1],
            Row {
                line: 5,
                cells: strings(&["Martin", "Paul", ""])
            }
        );
    }

    #[test]
    fn reads_comma_csv_with_quotes_and_line_breaks() {
        let csv = "Nom,Commentaire,Ville\n\"Dupont, Marie\",\"deux\nlignes\",Riom\nMartin,x,\"Issoire\"\n";
        let table = read_table(csv.as_bytes()).unwrap();
        assert_eq!(table.headers, strings(&["Nom", "Commentaire", "Ville"]));
        assert_eq!(
            table.rows[0].cells,
            strings(&["Dupont, Marie", "deux\nlignes", "Riom"])
        );
        assert_eq!(table.rows[0].line, 2);
        assert_eq!(table.rows[1].line, 3);
    }

    #[test]
    fn reads_tab_separated_utf16_from_excel() {
        let text = "Nom\tVille\r\nDupont\tSaint-Éloy-les-Mines\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let table = read_table(&bytes).unwrap();
        assert_eq!(
            table.rows[0].cells,
            strings(&["Dupont", "Saint-Éloy-les-Mines"])
        );
    }

    #[test]
    fn semicolon_wins_ties_and_most_fields_win() {
        assert_eq!(detect_delimiter("a;b,c\n"), ';');
        assert_eq!(detect_delimiter("a,b,c;d\n"), ',');
        assert_eq!(detect_delimiter("a\tb\tc\n"), '\t');
        assert_eq!(detect_delimiter("\"x;y\",b\n"), ',');
        assert_eq!(detect_delimiter("seul\n"), ';');
        let table = read_table(b";;\r\n\r\nNom,Ville\r\nA,B\r\n").unwrap();
        assert_eq!(table.headers, strings(&["Nom", "Ville"]));
        assert_eq!(table.rows[0].line, 4);
    }

    #[test]
    fn decodes_windows_1252_and_strips_bom() {
        let table = read_table(b"Ville;Nom\r\nMontlu\xE7on;\x80uvre \x9C\r\n").unwrap();
        assert_eq!(table.rows[0].cells, strings(&["Montluçon", "€uvre œ"]));
        let table = read_table("\u{feff}Ville;Nom\r\nMontluçon;x\r\n".as_bytes()).unwrap();
        assert_eq!(table.headers, strings(&["Ville", "Nom"]));
    }

    #[test]
    fn refuses_binaries_and_empty_files() {
        assert_eq!(read_table(b""), Err(ImportFileError::Empty));
        assert_eq!(read_table(b" \r\n;;\r\n"), Err(ImportFileError::Empty));
        assert_eq!(
            read_table("\u{feff}".as_bytes()),
            Err(ImportFileError::Empty)
        );
        for binary in [
            &b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj"[..],
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00",
            b"\x7FELF\x02\x01\x01",
            b"PK\x03\x04\x14\x00\x00\x00not really a zip",
            b"Nom;Ville\nDupont\x00;Vichy\n",
        ] {
            assert_eq!(read_table(binary), Err(ImportFileError::UnsupportedType));
        }
        assert_eq!(
            ImportFileError::UnsupportedType.to_string(),
            "Ce fichier n'est pas un tableur reconnu : envoyez un fichier CSV, XLSX ou ODS."
        );
    }

    #[test]
    fn refuses_other_zip_documents() {
        let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
        zip.start_file(
            "word/document.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        std::io::Write::write_all(&mut zip, b"<w:document/>").unwrap();
        let bytes = zip.finish().unwrap().into_inner();
        assert_eq!(read_table(&bytes), Err(ImportFileError::UnsupportedType));
    }

    #[test]
    fn header_problems_are_reported() {
        assert_eq!(
            read_table(b"Nom;;Ville\nA;B;C\n"),
            Err(ImportFileError::NoHeader { column: "B".into() })
        );
        // Trailing empty headers (";;" left by Excel) are fine…
        let table = read_table(b"Nom;Ville;;\nA;B;;\n").unwrap();
        assert_eq!(table.headers.len(), 2);
        // …unless data sits under them.
        assert_eq!(
            read_table(b"Nom;Ville\nA;B\nC;D;E\n"),
            Err(ImportFileError::Malformed(
                "ligne 3, la colonne C est remplie mais n'a pas d'intitulé".into()
            ))
        );
        // Column names count the empty columns on the left.
        assert_eq!(
            read_table(b";Nom;;Ville\n;A;B;C\n"),
            Err(ImportFileError::NoHeader { column: "C".into() })
        );
        assert_eq!(column_name(0), "A");
        assert_eq!(column_name(25), "Z");
        assert_eq!(column_name(26), "AA");
        assert_eq!(column_name(701), "ZZ");
    }

    fn sheet() -> Sheet {
        Sheet {
            title: "Liste".into(),
            headers: vec![
                "Nom".into(),
                "Début mandat".into(),
                "Âge".into(),
                "Consentement public".into(),
            ],
            rows: vec![
                vec![
                    "  Dupont ".into(),
                    date(2024, 3, 17).into(),
                    Cell::Int(42),
                    true.into(),
                ],
                vec![Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty],
                vec!["Martin".into(), Cell::Empty, Cell::Int(-3)],
            ],
        }
    }

    fn check_round_trip(table: &Table) {
        assert_eq!(
            table.headers,
            strings(&["Nom", "Début mandat", "Âge", "Consentement public"])
        );
        assert_eq!(
            table.rows,
            vec![
                Row {
                    line: 2,
                    cells: strings(&["Dupont", "2024-03-17", "42", "oui"])
                },
                Row {
                    line: 4,
                    cells: strings(&["Martin", "", "-3", ""])
                },
            ]
        );
    }

    #[test]
    fn reads_xlsx_written_by_export() {
        let bytes = to_xlsx(&sheet()).unwrap();
        check_round_trip(&read_table(&bytes).unwrap());
    }

    #[test]
    fn reads_ods_written_by_export() {
        let bytes = to_ods(&sheet()).unwrap();
        check_round_trip(&read_table(&bytes).unwrap());
    }

    #[test]
    fn workbook_rows_and_columns_keep_their_place() {
        // A sheet starting at C3: header on line 3, data on line 5.
        let mut workbook = rust_xlsxwriter::Workbook::new();
        let ws = workbook.add_worksheet();
        ws.write_string(2, 2, "Nom").unwrap();
        ws.write_string(2, 3, "Taux").unwrap();
        ws.write_string(4, 2, "Dupont").unwrap();
        ws.write_number(4, 3, 0.25).unwrap();
        let table = read_table(&workbook.save_to_buffer().unwrap()).unwrap();
        assert_eq!(table.headers, strings(&["Nom", "Taux"]));
        assert_eq!(
            table.rows,
            vec![Row {
                line: 5,
                cells: strings(&["Dupont", "0.25"])
            }]
        );
    }

    #[test]
    fn cells_become_text() {
        assert_eq!(float_text(3.0), "3");
        assert_eq!(float_text(0.1), "0.1");
        assert_eq!(float_text(-2.5), "-2.5");
        assert_eq!(
            cell_text(&Data::DateTimeIso("2024-03-17T00:00:00".into())),
            "2024-03-17"
        );
        assert_eq!(
            cell_text(&Data::DateTimeIso("2024-03-17T10:30:00".into())),
            "2024-03-17 10:30:00"
        );
        assert_eq!(cell_text(&Data::String(" x ".into())), "x");
    }

    #[test]
    fn normalises_headers() {
        assert_eq!(normalise_header("Prénom"), "prenom");
        assert_eq!(normalise_header(" Début mandat "), "debut_mandat");
        assert_eq!(
            normalise_header("Consentement public"),
            "consentement_public"
        );
        assert_eq!(normalise_header("Adresse e-mail"), "adresse_e_mail");
        assert_eq!(normalise_header("Nom d’usage"), "nom_d_usage");
        assert_eq!(normalise_header("N° SIRET"), "n_siret");
        assert_eq!(normalise_header("CŒUR  de--métier"), "coeur_de_metier");
    }
}
