//! Reading a spreadsheet sent by a user (CSV, XLSX or ODS) into rows of text.
//!
//! The type is decided by the content, never by the file name. The first
//! non-empty row holds the headers; callers match them leniently with
//! [`normalise_header`] and validate each cell themselves, quoting
//! [`Row::line`] in their messages. The maximum file size is enforced by the
//! caller before calling [`read_table`].

//!
//! Here: the table, the errors and what is common to every type; the
//! workbooks (XLSX, ODS) and the text files (CSV) are read in the
//! submodules.

mod text;
mod workbook;

use text::{decode_text, read_csv};
pub use workbook::precheck;
use workbook::read_workbook;

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
mod tests;
