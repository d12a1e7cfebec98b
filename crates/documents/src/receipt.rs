//! The "accusé de réception" given to a structure when it submits an
//! application: a small PDF stating the instant of the submission and the
//! SHA-256 of each document, so that both sides can prove what was sent.
//!
//! It is written directly with `pdf-writer` and the standard PDF fonts
//! (Helvetica, Courier), which every reader has: no font to embed, no
//! typesetting engine, and a few kilobytes per receipt. Text is encoded in
//! Windows-1252 (`WinAnsiEncoding`) and wrapped by measuring it with the
//! fonts' published widths. Content streams are left uncompressed: they are
//! small, and tests can search them.

use std::fmt::Write as _;

use pdf_writer::{Finish, Name, Pdf, Rect, Ref, TextStr};
use unicode_normalization::UnicodeNormalization as _;

/// What the receipt states, every text already in French.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Receipt {
    pub number: String,
    pub call_title: String,
    /// E.g. "Module 1 — Coordination…".
    pub module: String,
    pub structure: String,
    /// E.g. "Allier (03) et Puy-de-Dôme (63)".
    pub departments: String,
    /// E.g. "dimanche 17 mars 2024 à 23 h 58 min 12 s".
    pub submitted_at: String,
    pub submitted_by: String,
    pub documents: Vec<ReceiptDocument>,
}

/// One document of the application.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReceiptDocument {
    /// What the document is, e.g. "Statuts".
    pub kind: String,
    pub filename: String,
    /// In bytes.
    pub size: u64,
    /// Lowercase hexadecimal.
    pub sha256: String,
}

const FINAL_PARAGRAPH: &str = "Cet accusé de réception atteste le dépôt de la candidature à \
    l'instant indiqué, mesuré par le serveur. L'empreinte SHA-256 de chaque pièce permet de \
    vérifier qu'elle n'a pas été modifiée depuis.";

/// A4 portrait, in points.
const PAGE_WIDTH: f32 = 595.276;
const PAGE_HEIGHT: f32 = 841.89;
/// 2 cm.
const MARGIN: f32 = 56.693;
const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const FOOTER_SIZE: f32 = 9.0;
/// The footer's baseline is the bottom margin; the body stays above this.
const BODY_BOTTOM: f32 = MARGIN + 3.0 * FOOTER_SIZE;
/// Line height, as a multiple of the font size.
const LEADING: f32 = 1.35;
/// Indentation of a document's file name and SHA-256 under its kind.
const INDENT: f32 = 14.0;

/// Writes the receipt as a PDF of one page, or more when the application
/// has many documents, each page numbered "Page n sur N".
pub fn receipt_pdf(r: &Receipt) -> Vec<u8> {
    let blocks = blocks(r);
    write_pdf(r, &paginate(&blocks))
}

/// Formats a size in bytes the French way, in binary units as the upload
/// limits are (10 Mo = 10 × 1024 × 1024 octets): "12 octets", "350 ko",
/// "1,2 Mo". One decimal below 10 units, none above.
pub fn french_size(bytes: u64) -> String {
    const UNITS: [&str; 4] = ["ko", "Mo", "Go", "To"];
    if bytes < 1024 {
        return match bytes {
            0 | 1 => format!("{bytes} octet"),
            _ => format!("{bytes} octets"),
        };
    }
    let bytes = u128::from(bytes);
    let mut unit_size = 1u128;
    for (i, unit) in UNITS.iter().enumerate() {
        unit_size *= 1024;
        let tenths = (bytes * 10 + unit_size / 2) / unit_size;
        if tenths < 100 {
            return match tenths % 10 {
                0 => format!("{} {unit}", tenths / 10),
                d => format!("{},{d} {unit}", tenths / 10),
            };
        }
        let whole = (bytes + unit_size / 2) / unit_size;
        // 1023,7 ko rounds to 1024 ko: shown as 1 Mo instead.
        if whole < 1024 || i == UNITS.len() - 1 {
            return format!("{whole} {unit}");
        }
    }
    unreachable!("the last unit always returns")
}

// ---------------------------------------------------------------------------
// Layout: the receipt as blocks of wrapped lines, then placed on pages.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
    Mono,
}

impl Font {
    const ALL: [Self; 3] = [Self::Regular, Self::Bold, Self::Mono];

    /// Name in the pages' resources.
    fn resource(self) -> &'static str {
        match self {
            Self::Regular => "F1",
            Self::Bold => "F2",
            Self::Mono => "F3",
        }
    }

    fn base_font(self) -> &'static [u8] {
        match self {
            Self::Regular => b"Helvetica",
            Self::Bold => b"Helvetica-Bold",
            Self::Mono => b"Courier",
        }
    }

    /// Advance width of a Windows-1252 byte, in thousandths of the size.
    fn width(self, byte: u8) -> u16 {
        let index = usize::from(byte.saturating_sub(0x20));
        match self {
            Self::Regular => HELVETICA_WIDTHS[index],
            Self::Bold => HELVETICA_BOLD_WIDTHS[index],
            Self::Mono => 600,
        }
    }
}

/// A run of text in one font, encoded in Windows-1252.
type Run = (Font, Vec<u8>);

#[derive(Debug)]
struct Line {
    size: f32,
    indent: f32,
    gray: bool,
    runs: Vec<Run>,
}

impl Line {
    fn height(&self) -> f32 {
        self.size * LEADING
    }
}

/// Lines kept on the same page when they fit on one.
#[derive(Debug)]
struct Block {
    space_before: f32,
    lines: Vec<Line>,
}

/// A line placed on a page, `y` being its baseline.
#[derive(Debug)]
struct Placed<'a> {
    x: f32,
    y: f32,
    line: &'a Line,
}

fn blocks(r: &Receipt) -> Vec<Block> {
    use Font::{Bold, Mono, Regular};
    let mut blocks = vec![
        Block {
            space_before: 0.0,
            lines: paragraph(&[(Bold, "Accusé de réception")], 20.0, 0.0),
        },
        Block {
            space_before: 2.0,
            lines: paragraph(&[(Bold, &format!("N°\u{a0}{}", r.number))], 13.0, 0.0),
        },
    ];

    let fields = [
        ("Appel à candidatures", &r.call_title),
        ("Module", &r.module),
        ("Structure", &r.structure),
        ("Départements", &r.departments),
        ("Déposée le", &r.submitted_at),
        ("Par", &r.submitted_by),
    ];
    for (i, (label, value)) in fields.into_iter().enumerate() {
        let label = format!("{label}\u{a0}:");
        blocks.push(Block {
            space_before: if i == 0 { 16.0 } else { 3.0 },
            lines: paragraph(
                &[(Bold, &label), (Regular, " "), (Regular, value)],
                11.0,
                0.0,
            ),
        });
    }

    blocks.push(Block {
        space_before: 20.0,
        lines: paragraph(&[(Bold, "Pièces déposées")], 14.0, 0.0),
    });
    if r.documents.is_empty() {
        blocks.push(Block {
            space_before: 6.0,
            lines: paragraph(&[(Regular, "Aucune pièce.")], 11.0, 0.0),
        });
    }
    for (i, document) in r.documents.iter().enumerate() {
        let mut lines = paragraph(
            &[(Bold, &format!("{}. {}", i + 1, document.kind))],
            11.0,
            0.0,
        );
        let description = format!("{} — {}", document.filename, french_size(document.size));
        lines.extend(paragraph(&[(Regular, &description)], 10.0, INDENT));
        let sha = format!("SHA-256\u{a0}: {}", document.sha256);
        lines.extend(paragraph(&[(Mono, &sha)], 8.0, INDENT));
        blocks.push(Block {
            space_before: 8.0,
            lines,
        });
    }

    blocks.push(Block {
        space_before: 22.0,
        lines: paragraph(&[(Regular, FINAL_PARAGRAPH)], 10.0, 0.0),
    });
    blocks
}

/// Wraps text written in one or more fonts to the text width, breaking at
/// spaces (a no-break space holds its words together), and inside a word
/// only when it is longer than a whole line.
fn paragraph(spans: &[(Font, &str)], size: f32, indent: f32) -> Vec<Line> {
    let glyphs: Vec<(u8, Font)> = spans
        .iter()
        .flat_map(|&(font, text)| {
            // Line breaks and tabs in the user's text are spaces here.
            let text: String = text
                .chars()
                .map(|c| {
                    if c.is_control() && c.is_whitespace() {
                        ' '
                    } else {
                        c
                    }
                })
                .collect();
            win_ansi(&text).into_iter().map(move |byte| (byte, font))
        })
        .collect();
    let width = |glyphs: &[(u8, Font)]| -> f32 {
        glyphs
            .iter()
            .map(|&(byte, font)| f32::from(font.width(byte)) * size / 1000.0)
            .sum()
    };
    let max_width = TEXT_WIDTH - indent;

    let mut lines: Vec<Vec<(u8, Font)>> = Vec::new();
    let mut line: Vec<(u8, Font)> = Vec::new();
    let mut line_width = 0.0;
    for word in glyphs.split(|&(byte, _)| byte == b' ') {
        let Some(&(_, first_font)) = word.first() else {
            continue;
        };
        let word_width = width(word);
        let space = (b' ', first_font);
        let space_width = width(&[space]);
        if !line.is_empty() && line_width + space_width + word_width <= max_width {
            line.push(space);
            line.extend_from_slice(word);
            line_width += space_width + word_width;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
            line_width = 0.0;
        }
        if word_width <= max_width {
            line.extend_from_slice(word);
            line_width = word_width;
        } else {
            for &glyph in word {
                let glyph_width = width(&[glyph]);
                if !line.is_empty() && line_width + glyph_width > max_width {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(glyph);
                line_width += glyph_width;
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }

    lines
        .into_iter()
        .map(|glyphs| {
            let mut runs: Vec<Run> = Vec::new();
            for (byte, font) in glyphs {
                match runs.last_mut() {
                    Some((run_font, bytes)) if *run_font == font => bytes.push(byte),
                    _ => runs.push((font, vec![byte])),
                }
            }
            Line {
                size,
                indent,
                gray: false,
                runs,
            }
        })
        .collect()
}

/// Places the blocks' lines on pages, starting a new page before a block
/// that does not fit on what is left of the current one but fits on a
/// page; a longer block is split where the page ends.
fn paginate(blocks: &[Block]) -> Vec<Vec<Placed<'_>>> {
    let top = PAGE_HEIGHT - MARGIN;
    let mut pages: Vec<Vec<Placed>> = vec![Vec::new()];
    let mut y = top;
    for block in blocks {
        let height: f32 = block.lines.iter().map(Line::height).sum();
        let mut space = if pages.last().is_some_and(Vec::is_empty) {
            0.0
        } else {
            block.space_before
        };
        if space > 0.0 && y - space - height < BODY_BOTTOM && height <= top - BODY_BOTTOM {
            pages.push(Vec::new());
            y = top;
            space = 0.0;
        }
        y -= space;
        for line in &block.lines {
            let page_is_empty = pages.last().is_some_and(Vec::is_empty);
            if !page_is_empty && y - line.height() < BODY_BOTTOM {
                pages.push(Vec::new());
                y = top;
            }
            y -= line.height();
            pages.last_mut().expect("at least one page").push(Placed {
                x: MARGIN + line.indent,
                y,
                line,
            });
        }
    }
    pages
}

// ---------------------------------------------------------------------------
// PDF objects and content streams.

fn write_pdf(r: &Receipt, pages: &[Vec<Placed>]) -> Vec<u8> {
    let count = i32::try_from(pages.len()).expect("a receipt has few pages");
    let catalog_id = Ref::new(1);
    let tree_id = Ref::new(2);
    let info_id = Ref::new(3);
    let font_ids = [Ref::new(4), Ref::new(5), Ref::new(6)];
    let page_id = |i: i32| Ref::new(7 + 2 * i);
    let content_id = |i: i32| Ref::new(8 + 2 * i);

    let mut pdf = Pdf::new();
    pdf.catalog(catalog_id)
        .pages(tree_id)
        .lang(TextStr("fr-FR"));
    pdf.document_info(info_id)
        .title(TextStr(&format!("Accusé de réception {}", r.number)))
        .creator(TextStr("Promeneurs"));
    pdf.pages(tree_id)
        .kids((0..count).map(page_id))
        .count(count);
    for (font, id) in Font::ALL.into_iter().zip(font_ids) {
        pdf.type1_font(id)
            .base_font(Name(font.base_font()))
            .encoding_predefined(Name(b"WinAnsiEncoding"));
    }

    for (i, lines) in (0..count).zip(pages) {
        let mut page = pdf.page(page_id(i));
        page.media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(tree_id)
            .contents(content_id(i));
        let mut resources = page.resources();
        let mut fonts = resources.fonts();
        for (font, id) in Font::ALL.into_iter().zip(font_ids) {
            fonts.pair(Name(font.resource().as_bytes()), id);
        }
        fonts.finish();
        resources.finish();
        page.finish();

        let footer = footer(i + 1, count);
        let footer_width: f32 = footer.runs[0]
            .1
            .iter()
            .map(|&byte| f32::from(Font::Regular.width(byte)) * FOOTER_SIZE / 1000.0)
            .sum();
        let mut content = Vec::new();
        for placed in lines.iter().chain([&Placed {
            x: (PAGE_WIDTH - footer_width) / 2.0,
            y: MARGIN,
            line: &footer,
        }]) {
            show(&mut content, placed);
        }
        pdf.stream(content_id(i), &content);
    }
    pdf.finish()
}

fn footer(page: i32, count: i32) -> Line {
    Line {
        size: FOOTER_SIZE,
        indent: 0.0,
        gray: true,
        runs: vec![(Font::Regular, win_ansi(&format!("Page {page} sur {count}")))],
    }
}

/// Appends the operators drawing one line; consecutive `Tj` continue where
/// the previous run ended.
fn show(content: &mut Vec<u8>, placed: &Placed) {
    let line = placed.line;
    let mut ops = String::new();
    if line.gray {
        ops.push_str("q 0.4 g\n");
    }
    let _ = writeln!(ops, "BT\n{:.2} {:.2} Td", placed.x, placed.y);
    content.extend_from_slice(ops.as_bytes());
    for (font, bytes) in &line.runs {
        content.extend_from_slice(format!("/{} {} Tf\n", font.resource(), line.size).as_bytes());
        push_literal(content, bytes);
        content.extend_from_slice(b" Tj\n");
    }
    content.extend_from_slice(if line.gray { b"ET Q\n" } else { b"ET\n" });
}

/// A PDF literal string, its bytes written as they are (so that the text
/// can be found in the file) except the three that must be escaped.
fn push_literal(content: &mut Vec<u8>, bytes: &[u8]) {
    content.push(b'(');
    for &byte in bytes {
        if matches!(byte, b'(' | b')' | b'\\') {
            content.push(b'\\');
        }
        content.push(byte);
    }
    content.push(b')');
}

// ---------------------------------------------------------------------------
// Windows-1252 and the fonts' widths.

/// Encodes text in Windows-1252, the `WinAnsiEncoding` of the standard
/// fonts: Latin-1 and the typographic characters French uses (’ « » – — …
/// € œ Œ Ÿ…); a narrow no-break space becomes a no-break space; anything
/// else, control characters included, becomes `?`. Decomposed accents
/// (`e` + combining acute) are composed first.
fn win_ansi(s: &str) -> Vec<u8> {
    s.nfc().map(win_ansi_byte).collect()
}

fn win_ansi_byte(c: char) -> u8 {
    match c {
        ' '..='~' | '\u{A0}'..='\u{FF}' => u8::try_from(c).unwrap_or(b'?'),
        '\u{202F}' => 0xA0,
        '€' => 0x80,
        '‚' => 0x82,
        'ƒ' => 0x83,
        '„' => 0x84,
        '…' => 0x85,
        '†' => 0x86,
        '‡' => 0x87,
        'ˆ' => 0x88,
        '‰' => 0x89,
        'Š' => 0x8A,
        '‹' => 0x8B,
        'Œ' => 0x8C,
        'Ž' => 0x8E,
        '‘' => 0x91,
        '’' => 0x92,
        '“' => 0x93,
        '”' => 0x94,
        '•' => 0x95,
        '–' => 0x96,
        '—' => 0x97,
        '˜' => 0x98,
        '™' => 0x99,
        'š' => 0x9A,
        '›' => 0x9B,
        'œ' => 0x9C,
        'ž' => 0x9E,
        'Ÿ' => 0x9F,
        _ => b'?',
    }
}

/// Advance widths of Helvetica for the bytes 0x20 to 0xFF in
/// `WinAnsiEncoding`, in thousandths of the font size, from Adobe's
/// `Helvetica.afm` (core 14 fonts); 0 for the five unused codes.
#[rustfmt::skip]
const HELVETICA_WIDTHS: [u16; 224] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, // 0x30
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, // 0x50
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, // 0x60
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584, 0,   // 0x70
    556, 0, 222, 556, 333, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,    // 0x80
    0, 222, 222, 333, 333, 350, 556, 1000, 333, 1000, 500, 333, 944, 0, 500, 667,   // 0x90
    278, 333, 556, 556, 556, 556, 260, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 578, 537, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    667, 667, 667, 667, 667, 667, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 500, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    556, 556, 556, 556, 556, 556, 556, 584, 611, 556, 556, 556, 556, 500, 556, 500, // 0xF0
];

/// The same for Helvetica-Bold, from `Helvetica-Bold.afm`.
#[rustfmt::skip]
const HELVETICA_BOLD_WIDTHS: [u16; 224] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, // 0x20
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611, // 0x30
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778, // 0x40
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, // 0x50
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, // 0x60
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584, 0,   // 0x70
    556, 0, 278, 556, 500, 1000, 556, 556, 333, 1000, 667, 333, 1000, 0, 611, 0,    // 0x80
    0, 278, 278, 500, 500, 350, 556, 1000, 333, 1000, 556, 333, 944, 0, 500, 667,   // 0x90
    278, 333, 556, 556, 556, 556, 280, 556, 333, 737, 370, 556, 584, 333, 737, 333, // 0xA0
    400, 584, 333, 333, 333, 611, 556, 278, 333, 333, 365, 556, 834, 834, 834, 611, // 0xB0
    722, 722, 722, 722, 722, 722, 1000, 722, 667, 667, 667, 667, 278, 278, 278, 278, // 0xC0
    722, 722, 778, 778, 778, 778, 778, 584, 778, 722, 722, 722, 722, 667, 667, 611, // 0xD0
    556, 556, 556, 556, 556, 556, 889, 556, 556, 556, 556, 556, 278, 278, 278, 278, // 0xE0
    611, 611, 611, 611, 611, 611, 611, 584, 611, 611, 611, 611, 611, 556, 611, 556, // 0xF0
];

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(documents: usize) -> Receipt {
        Receipt {
            number: "AAP-2024-M1-0042".into(),
            call_title: "Appel à projets 2024 « Promeneurs du Net »".into(),
            module: "Module 1 — Coordination départementale".into(),
            structure: "Centre social L’Escale".into(),
            departments: "Allier (03) et Puy-de-Dôme (63)".into(),
            submitted_at: "dimanche 17 mars 2024 à 23 h 58 min 12 s".into(),
            submitted_by: "Agnès Dupré".into(),
            documents: (0..documents)
                .map(|i| ReceiptDocument {
                    kind: format!("Pièce n°\u{a0}{}", i + 1),
                    filename: format!("Pièce {}.pdf", i + 1),
                    size: 1_234_567 + i as u64,
                    sha256: format!("{i:02x}{}", "ab".repeat(31)),
                })
                .collect(),
        }
    }

    fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    fn page_count(pdf: &[u8]) -> usize {
        let needle = b"/Type /Page";
        pdf.windows(needle.len() + 1)
            .filter(|w| w.starts_with(needle) && w[needle.len()] != b's')
            .count()
    }

    #[test]
    fn a_structure_gets_a_receipt_of_its_submission() {
        let receipt = sample(3);
        let pdf = receipt_pdf(&receipt);
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
        assert!(contains(&pdf, &win_ansi("Accusé de réception")));
        assert!(contains(&pdf, receipt.number.as_bytes()));
        for document in &receipt.documents {
            assert!(contains(&pdf, document.sha256.as_bytes()));
            assert!(contains(&pdf, &win_ansi(&document.filename)));
        }
        assert!(contains(&pdf, &win_ansi("Centre social L’Escale")));
        assert!(contains(&pdf, b"/WinAnsiEncoding"));
        assert!(contains(&pdf, b"/Lang (fr-FR)"));
        assert!(contains(&pdf, b"/Title"));
        assert_eq!(page_count(&pdf), 1);
        assert!(contains(&pdf, b"(Page 1 sur 1)"));
    }

    #[test]
    fn a_long_list_of_documents_takes_several_numbered_pages() {
        let receipt = sample(60);
        let pdf = receipt_pdf(&receipt);
        let pages = page_count(&pdf);
        assert!(pages > 1, "{pages} page(s)");
        assert!(contains(
            &pdf,
            format!("(Page {pages} sur {pages})").as_bytes()
        ));
        for document in &receipt.documents {
            assert!(contains(&pdf, document.sha256.as_bytes()));
        }
        assert!(contains(&pdf, &win_ansi("modifiée depuis.")));
    }

    #[test]
    fn a_receipt_without_documents_still_has_its_page() {
        let pdf = receipt_pdf(&sample(0));
        assert_eq!(page_count(&pdf), 1);
        assert!(contains(&pdf, b"(Aucune pi\xE8ce.)"));
    }

    #[test]
    fn long_texts_are_wrapped_within_the_margins() {
        let text = "mot ".repeat(200);
        let lines = paragraph(&[(Font::Regular, &text)], 11.0, 0.0);
        assert!(lines.len() > 5);
        for line in &lines {
            let width: f32 = line
                .runs
                .iter()
                .flat_map(|(font, bytes)| bytes.iter().map(|&b| f32::from(font.width(b))))
                .sum::<f32>()
                * 11.0
                / 1000.0;
            assert!(width <= TEXT_WIDTH, "{width}");
        }
        // A word longer than a line is cut.
        let lines = paragraph(&[(Font::Mono, &"x".repeat(200))], 10.0, 0.0);
        assert_eq!(lines.len(), 3);
        assert_eq!(lines[0].runs[0].1.len(), 80);
        assert_eq!(lines[2].runs[0].1.len(), 40);
    }

    #[test]
    fn parentheses_in_texts_are_escaped() {
        let mut out = Vec::new();
        push_literal(&mut out, b"Allier (03) \\");
        assert_eq!(out, b"(Allier \\(03\\) \\\\)");
    }

    #[test]
    fn win_ansi_encodes_french_text() {
        assert_eq!(win_ansi("Accusé"), b"Accus\xE9");
        assert_eq!(win_ansi("Œuvre cœur"), b"\x8Cuvre c\x9Cur");
        assert_eq!(
            win_ansi("« l’été — 12 € … »"),
            b"\xAB l\x92\xE9t\xE9 \x97 12 \x80 \x85 \xBB"
        );
        assert_eq!(win_ansi("“x” ‘y’ a–b"), b"\x93x\x94 \x91y\x92 a\x96b");
        assert_eq!(
            win_ansi("ÀÂÇÈÉÊËÎÏÔÙÛÜŸ"),
            b"\xC0\xC2\xC7\xC8\xC9\xCA\xCB\xCE\xCF\xD4\xD9\xDB\xDC\x9F"
        );
        assert_eq!(win_ansi("12\u{202F}h\u{a0}:"), b"12\xA0h\xA0:");
    }

    #[test]
    fn win_ansi_composes_accents_and_replaces_the_rest() {
        assert_eq!(win_ansi("e\u{301}te\u{301}"), b"\xE9t\xE9");
        assert_eq!(win_ansi("Łódź"), b"?\xF3d?");
        assert_eq!(win_ansi("日本"), b"??");
        assert_eq!(win_ansi("a\nb\u{7f}"), b"a?b?");
        assert_eq!(win_ansi("😀"), b"?");
    }

    #[test]
    fn french_sizes() {
        assert_eq!(french_size(0), "0 octet");
        assert_eq!(french_size(1), "1 octet");
        assert_eq!(french_size(12), "12 octets");
        assert_eq!(french_size(1023), "1023 octets");
        assert_eq!(french_size(1024), "1 ko");
        assert_eq!(french_size(1536), "1,5 ko");
        assert_eq!(french_size(350 * 1024), "350 ko");
        assert_eq!(french_size(1024 * 1024 - 1), "1 Mo");
        assert_eq!(french_size(1_258_291), "1,2 Mo");
        assert_eq!(french_size(10 * 1024 * 1024), "10 Mo");
        assert_eq!(french_size(3 * 1024 * 1024 * 1024), "3 Go");
        assert_eq!(french_size(u64::MAX), "16777216 To");
    }
}
