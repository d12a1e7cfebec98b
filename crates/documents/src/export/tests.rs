//! Unit tests of the exports (CSV, XLSX, ODS).
use std::io::Cursor;

use super::ods::push_paragraphs;
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
