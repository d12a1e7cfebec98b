//! Text files (CSV): decoding (UTF-8, UTF-16, Windows-1252), the
//! delimiter, and a lenient RFC 4180 reader.

use encoding_rs::{UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::{ImportFileError, Table, build_table};

/// Decodes a text file: UTF-8 (BOM stripped), UTF-16 with a BOM (Excel's
/// "Unicode text"), else Windows-1252. Binary content is refused.
pub(super) fn decode_text(bytes: &[u8]) -> Result<String, ImportFileError> {
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

pub(super) fn read_csv(text: &str) -> Result<Table, ImportFileError> {
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
pub(super) fn detect_delimiter(header: &str) -> char {
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
