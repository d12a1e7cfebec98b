//! ODS written by hand (no crate beyond the zip writer the XLSX writer
//! already brings): the sheet's cells as OpenDocument XML.

use std::fmt::Write as _;
use std::io::{Cursor, Write as _};

use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

use super::{Cell, ExportError, Sheet, column_widths, french_date, neutralise, sheet_name, yes_no};

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
pub(super) fn push_paragraphs(xml: &mut String, text: &str) {
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
