//! Workbooks (XLSX, ODS): the cheap checks before reading (inflated size,
//! shared strings, cell span) and the reading of the first sheet.

use std::io::{Cursor, Read, Seek};

use calamine::{Data, Ods, Reader, Xlsx};

use super::{ImportFileError, MAX_CELLS, Table, build_table};
use crate::export::ODS_MIMETYPE;

/// Declared uncompressed size above which a workbook is refused (a small
/// file that inflates to gigabytes is an attack, not a list of people).
const MAX_UNZIPPED: u64 = 200 * 1024 * 1024;

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

pub(super) fn read_workbook(bytes: &[u8]) -> Result<Table, ImportFileError> {
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
pub(super) fn cell_text(cell: &Data) -> String {
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

pub(super) fn float_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{f:.0}")
    } else {
        f.to_string()
    }
}
