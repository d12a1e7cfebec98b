//! Hostile documents (issue 10): a spreadsheet, a photo or a letter
//! template made to exhaust memory or time fails its own request with a
//! French 422, and the server goes on serving.

use std::io::Write;

use axum::http::StatusCode;
use serde_json::json;

use crate::harness::{ADMIN, COORDINATOR, Client, spawn_app, spawn_app_with};

/// A minimal XLSX: `sheet` is the `<sheetData>` content, `strings` the
/// shared strings table (if any).
fn xlsx(sheet: &str, strings: Option<&str>) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    let mut file = |name: &str, content: &str| {
        zip.start_file(name, options).unwrap();
        zip.write_all(content.as_bytes()).unwrap();
    };
    file(
        "[Content_Types].xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#,
    );
    file(
        "_rels/.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#,
    );
    file(
        "xl/workbook.xml",
        r#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Feuille1" sheetId="1" r:id="rId1"/></sheets></workbook>"#,
    );
    file(
        "xl/_rels/workbook.xml.rels",
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#,
    );
    file(
        "xl/worksheets/sheet1.xml",
        &format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheet}</sheetData></worksheet>"#
        ),
    );
    if let Some(strings) = strings {
        file("xl/sharedStrings.xml", strings);
    }
    zip.finish().unwrap().into_inner()
}

async fn dry_run(c: &mut Client<'_>, file: Vec<u8>) -> crate::harness::Resp {
    c.bytes(
        "POST",
        "/api/v1/imports/promeneurs?dry_run=true",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        file,
    )
    .await
}

/// The server still answers: a small valid import passes its dry run.
async fn still_serving(c: &mut Client<'_>) {
    let csv = "nom;type;siret;commune;code_insee\nMJC de Vichy;MJC;73282932000074;Vichy;\n";
    let r = c
        .bytes(
            "POST",
            "/api/v1/imports/structures?dry_run=true",
            "text/csv",
            csv.as_bytes().to_vec(),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["valid"], true, "{}", r.body);
}

fn field_message(r: &crate::harness::Resp, field: &str) -> String {
    r.json()["error"]["fields"][field]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

#[tokio::test]
async fn xlsx_declaring_a_quadrillion_texts_is_refused() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let strings = r#"<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1000000000000000" uniqueCount="1000000000000000"><si><t>prenom</t></si></sst>"#;
    let file = xlsx(
        r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row>"#,
        Some(strings),
    );
    assert!(file.len() < 4096, "a small file: {}", file.len());
    let r = dry_run(&mut coord, file).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let m = field_message(&r, "file");
    assert!(
        m.contains("1\u{202f}000\u{202f}000\u{202f}000\u{202f}000\u{202f}000 textes"),
        "{m}"
    );
    still_serving(&mut coord).await;
}

#[tokio::test]
async fn xlsx_with_cells_at_both_ends_of_the_sheet_is_refused() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let sheet = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>prenom</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>"#;
    let r = dry_run(&mut coord, xlsx(sheet, None)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let m = field_message(&r, "file");
    assert!(
        m.contains("1\u{202f}048\u{202f}576 lignes sur 16\u{202f}384 colonnes"),
        "{m}"
    );
    still_serving(&mut coord).await;
}

/// A PNG header announcing 100 000 × 100 000 pixels, in 57 bytes.
fn png_bomb() -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        let mut body = kind.to_vec();
        body.extend_from_slice(data);
        out.extend_from_slice(&body);
        let mut crc = 0xFFFF_FFFFu32;
        for b in &body {
            crc ^= u32::from(*b);
            for _ in 0..8 {
                crc = if crc & 1 == 1 {
                    (crc >> 1) ^ 0xEDB8_8320
                } else {
                    crc >> 1
                };
            }
        }
        out.extend_from_slice(&(!crc).to_be_bytes());
    }
    let mut out = b"\x89PNG\r\n\x1A\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&100_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    chunk(
        &mut out,
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    chunk(&mut out, b"IEND", &[]);
    out
}

#[tokio::test]
async fn image_bomb_photo_is_refused_before_decoding() {
    let app = spawn_app().await;
    let mut coord = app.logged_in(COORDINATOR).await;
    let s = coord
        .new_structure("MJC", Some(crate::build::SIRET_A), "03310")
        .await;
    let p = coord
        .json(
            "POST",
            "/api/v1/promeneurs",
            &crate::build::public_promeneur(&s, "a@x.fr", "03310"),
        )
        .await
        .json();
    let id = p["id"].as_str().unwrap();
    let r = coord
        .bytes(
            "PUT",
            &format!("/api/v1/promeneurs/{id}/photo"),
            "image/png",
            png_bomb(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(
        r.json()["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("100\u{202f}000 × 100\u{202f}000 pixels"),
        "{}",
        r.body
    );
    // No photo was stored, and the server goes on.
    assert_eq!(
        coord
            .get(&format!("/api/v1/promeneurs/{id}/photo"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    still_serving(&mut coord).await;
}

async fn put_template(admin: &mut Client<'_>, source: &str) -> crate::harness::Resp {
    admin
        .json(
            "PUT",
            "/api/v1/letter-templates/result",
            &json!({ "source": source }),
        )
        .await
}

#[tokio::test]
async fn template_repeating_a_text_a_quadrillion_times_is_refused() {
    let app = spawn_app().await;
    let mut admin = app.logged_in(ADMIN).await;
    let r = put_template(&mut admin, r#"#("a" * 1000000000000000)"#).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let m = field_message(&r, "template");
    assert!(m.contains("mémoire"), "{m}");
    // Nothing saved: the built-in template is still in use.
    let r = admin.get("/api/v1/letter-templates/result").await;
    assert_eq!(r.json()["builtin"], true, "{}", r.body);
    // A good template is still checked and saved.
    let r = put_template(&mut admin, "Bonjour #json(\"data.json\").applicant.name").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
}

#[tokio::test]
async fn template_looping_forever_is_stopped() {
    let app = spawn_app_with(|c| c.services.sandbox.seconds = 1).await;
    let mut admin = app.logged_in(ADMIN).await;
    let started = std::time::Instant::now();
    let r = put_template(
        &mut admin,
        "#for i in range(100000) { for j in range(100000) { for k in range(100000) { } } }",
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let m = field_message(&r, "template");
    assert!(m.contains("temps de calcul permis"), "{m}");
    assert!(started.elapsed() < std::time::Duration::from_secs(10));
    let r = admin.get("/api/v1/letter-templates/result").await;
    assert_eq!(r.json()["builtin"], true, "{}", r.body);
    let r = put_template(&mut admin, "Bonjour #json(\"data.json\").applicant.name").await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.body);
}
