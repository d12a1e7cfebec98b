//! The small typesetting shared by the PDFs Promeneurs writes (the
//! [accusé de réception](crate::receipt), [text documents](crate::text_pdf)):
//! text in blocks of wrapped lines, placed on A4 pages numbered
//! "Page n sur N", written with `pdf-writer`.
//!
//! Only the standard PDF fonts (Helvetica, Helvetica-Bold, Courier) are
//! used, which every reader has: no font to embed, no typesetting engine,
//! a few kilobytes per page. Text is encoded in Windows-1252
//! (`WinAnsiEncoding`) and wrapped by measuring it with the fonts' published
//! widths. Content streams are left uncompressed: they are small, and tests
//! can search them.

use std::fmt::Write as _;

use pdf_writer::{Finish, Name, Pdf, Rect, Ref, TextStr};
use unicode_normalization::UnicodeNormalization as _;

/// A4 portrait, in points.
const PAGE_WIDTH: f32 = 595.276;
const PAGE_HEIGHT: f32 = 841.89;
/// 2 cm.
const MARGIN: f32 = 56.693;
pub(crate) const TEXT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN;
const FOOTER_SIZE: f32 = 9.0;
/// The footer's baseline is the bottom margin; the body stays above this.
const BODY_BOTTOM: f32 = MARGIN + 3.0 * FOOTER_SIZE;
/// Line height, as a multiple of the font size.
const LEADING: f32 = 1.35;
/// How far left of its line's text a [`Line::marker`] is drawn.
pub(crate) const MARKER_HANG: f32 = 11.0;

/// Writes the blocks on as many A4 pages as they need, each page numbered
/// "Page n sur N"; `title` is the document's title in its metadata.
pub(crate) fn render(title: &str, blocks: &[Block]) -> Vec<u8> {
    write_pdf(title, &paginate(blocks))
}

// ---------------------------------------------------------------------------
// Layout: blocks of wrapped lines, then placed on pages.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Font {
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
    pub(crate) fn width(self, byte: u8) -> u16 {
        let index = usize::from(byte.saturating_sub(0x20));
        match self {
            Self::Regular => HELVETICA_WIDTHS[index],
            Self::Bold => HELVETICA_BOLD_WIDTHS[index],
            Self::Mono => 600,
        }
    }
}

/// A run of text in one font, encoded in Windows-1252.
pub(crate) type Run = (Font, Vec<u8>);

#[derive(Debug)]
pub(crate) struct Line {
    pub(crate) size: f32,
    /// From the left margin to the text.
    pub(crate) indent: f32,
    pub(crate) gray: bool,
    /// A bullet or number hanging [`MARKER_HANG`] left of the text.
    pub(crate) marker: Option<Run>,
    pub(crate) runs: Vec<Run>,
}

impl Line {
    fn height(&self) -> f32 {
        self.size * LEADING
    }
}

/// Lines kept on the same page when they fit on one.
#[derive(Debug)]
pub(crate) struct Block {
    /// Dropped at the top of a page.
    pub(crate) space_before: f32,
    pub(crate) lines: Vec<Line>,
    /// Not left alone at the bottom of a page: the first line of the next
    /// block goes with it (for headings).
    pub(crate) keep_with_next: bool,
}

impl Block {
    pub(crate) fn new(space_before: f32, lines: Vec<Line>) -> Self {
        Self {
            space_before,
            lines,
            keep_with_next: false,
        }
    }
}

/// A line placed on a page, `y` being its baseline.
#[derive(Debug)]
struct Placed<'a> {
    x: f32,
    y: f32,
    line: &'a Line,
}

/// Wraps text written in one or more fonts to the text width, breaking at
/// spaces (a no-break space holds its words together), and inside a word
/// only when it is longer than a whole line.
pub(crate) fn paragraph(spans: &[(Font, &str)], size: f32, indent: f32) -> Vec<Line> {
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
                marker: None,
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
    for (i, block) in blocks.iter().enumerate() {
        let height: f32 = block.lines.iter().map(Line::height).sum();
        // What must fit below the block for it to stay on this page.
        let kept = match blocks.get(i + 1) {
            Some(next) if block.keep_with_next => {
                next.space_before + next.lines.first().map_or(0.0, Line::height)
            }
            _ => 0.0,
        };
        let mut space = if pages.last().is_some_and(Vec::is_empty) {
            0.0
        } else {
            block.space_before
        };
        if space > 0.0
            && y - space - height - kept < BODY_BOTTOM
            && height + kept <= top - BODY_BOTTOM
        {
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

fn write_pdf(title: &str, pages: &[Vec<Placed>]) -> Vec<u8> {
    let count = i32::try_from(pages.len()).expect("fewer than 2³¹ pages");
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
        .title(TextStr(title))
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
        marker: None,
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
    match &line.marker {
        None => {
            let _ = writeln!(ops, "BT\n{:.2} {:.2} Td", placed.x, placed.y);
            content.extend_from_slice(ops.as_bytes());
        }
        Some((font, bytes)) => {
            let x = placed.x - MARKER_HANG;
            let _ = writeln!(ops, "BT\n{x:.2} {:.2} Td", placed.y);
            content.extend_from_slice(ops.as_bytes());
            show_run(content, *font, line.size, bytes);
            // Relative to the start of the marker.
            content.extend_from_slice(format!("{MARKER_HANG:.2} 0 Td\n").as_bytes());
        }
    }
    for (font, bytes) in &line.runs {
        show_run(content, *font, line.size, bytes);
    }
    content.extend_from_slice(if line.gray { b"ET Q\n" } else { b"ET\n" });
}

fn show_run(content: &mut Vec<u8>, font: Font, size: f32, bytes: &[u8]) {
    content.extend_from_slice(format!("/{} {size} Tf\n", font.resource()).as_bytes());
    push_literal(content, bytes);
    content.extend_from_slice(b" Tj\n");
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
pub(crate) fn win_ansi(s: &str) -> Vec<u8> {
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

/// Helpers for the tests of the documents written here.
#[cfg(test)]
pub(crate) mod testing {
    pub(crate) fn contains(haystack: &[u8], needle: &[u8]) -> bool {
        haystack.windows(needle.len()).any(|w| w == needle)
    }

    /// The number of `/Type /Page` objects (not `/Pages`).
    pub(crate) fn page_count(pdf: &[u8]) -> usize {
        let needle = b"/Type /Page";
        pdf.windows(needle.len() + 1)
            .filter(|w| w.starts_with(needle) && w[needle.len()] != b's')
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::contains;
    use super::*;

    fn line(text: &str, size: f32) -> Line {
        paragraph(&[(Font::Regular, text)], size, 0.0).remove(0)
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
    fn a_marker_hangs_left_of_its_text() {
        let mut bullet = line("Premier point", 11.0);
        bullet.marker = Some((Font::Regular, win_ansi("•")));
        let mut content = Vec::new();
        show(
            &mut content,
            &Placed {
                x: 80.0,
                y: 700.0,
                line: &bullet,
            },
        );
        assert_eq!(
            content,
            b"BT\n69.00 700.00 Td\n/F1 11 Tf\n(\x95) Tj\n11.00 0 Td\n/F1 11 Tf\n(Premier point) Tj\nET\n"
        );
    }

    #[test]
    fn a_heading_is_not_left_alone_at_the_bottom_of_a_page() {
        let fill = |n: usize| Block::new(0.0, (0..n).map(|_| line("texte", 10.0)).collect());
        let heading = |keep_with_next| Block {
            keep_with_next,
            ..Block::new(4.0, vec![line("Titre", 14.0)])
        };
        let body = || Block::new(6.0, vec![line("Suite", 10.0), line("Suite", 10.0)]);
        // A length of text after which the heading fits at the bottom of
        // the first page, but not the first line after it.
        let per_page = paginate(&[fill(200)]).swap_remove(0).len();
        let n = (1..per_page)
            .rev()
            .find(|&n| {
                let blocks = [fill(n), heading(false), body()];
                let pages = paginate(&blocks);
                pages.len() == 2 && pages[0].len() == n + 1
            })
            .expect("a length leaving the heading alone");
        let blocks = [fill(n), heading(true), body()];
        let pages = paginate(&blocks);
        assert_eq!(pages[0].len(), n);
        assert_eq!(pages[1].len(), 3);
        assert!(contains(&render("Essai", &blocks), b"(Titre)"));
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
}
