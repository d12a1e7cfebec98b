//! Tests of the reading of spreadsheets (CSV, XLSX, ODS).

use std::io::Cursor;

use calamine::Data;
use jiff::civil::date;

use super::{
    text::detect_delimiter,
    workbook::{cell_text, float_text},
    *,
};
use crate::export::{Cell, Sheet, to_ods, to_xlsx};

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
    let far = sheet(r#"<row r="1"><c r="A1"/></row><row r="1048576"><c r="XFD1048576"/></row>"#);
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
    let csv =
        "Nom,Commentaire,Ville\n\"Dupont, Marie\",\"deux\nlignes\",Riom\nMartin,x,\"Issoire\"\n";
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
