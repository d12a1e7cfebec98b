//! A text document — a call for applications, terms, a notice — as an A4
//! PDF: a title, an optional subtitle, then headings, paragraphs and
//! bullets, on pages numbered "Page n sur N".
//!
//! It is laid out and written like the accusé de réception, with the
//! standard PDF fonts and uncompressed content streams.
//! [`blocks_from_plain_text`] reads the blocks from a plain-text document.

use crate::pdf_layout::{Block, Font, Line, paragraph, render, win_ansi};

/// A document to write with [`text_pdf`], every text already in French.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TextDocument {
    /// At the top of the first page, and the PDF's title.
    pub title: String,
    /// Under the title, in gray.
    pub subtitle: Option<String>,
    pub blocks: Vec<TextBlock>,
}

/// One part of a [`TextDocument`]'s body, as a single string: the lines of
/// the PDF are made by wrapping it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TextBlock {
    /// In bold and larger; kept on the same page as the text after it.
    Heading(String),
    Paragraph(String),
    /// An item of a list, indented behind a "•".
    Bullet(String),
}

const TITLE_SIZE: f32 = 18.0;
const SUBTITLE_SIZE: f32 = 12.0;
const HEADING_SIZE: f32 = 13.0;
const BODY_SIZE: f32 = 11.0;
/// Indentation of a bullet's text; the "•" hangs to its left.
const BULLET_INDENT: f32 = 22.0;

/// Writes the document as a PDF of as many A4 pages as it needs, each
/// numbered "Page n sur N". The PDF's title is the document's title, its
/// language French.
pub fn text_pdf(doc: &TextDocument) -> Vec<u8> {
    render(&doc.title, &layout(doc))
}

fn layout(doc: &TextDocument) -> Vec<Block> {
    let mut blocks = vec![Block::new(
        0.0,
        paragraph(&[(Font::Bold, &doc.title)], TITLE_SIZE, 0.0),
    )];
    if let Some(subtitle) = &doc.subtitle {
        let mut lines = paragraph(&[(Font::Regular, subtitle)], SUBTITLE_SIZE, 0.0);
        for line in &mut lines {
            line.gray = true;
        }
        blocks.push(Block::new(4.0, lines));
    }

    // `None` right after the title.
    let mut previous: Option<&TextBlock> = None;
    for block in &doc.blocks {
        use TextBlock::{Bullet, Heading, Paragraph};
        let space_before = match (previous, block) {
            (None, _) => 20.0,
            (Some(Heading(_)), Heading(_)) => 10.0,
            (Some(_), Heading(_)) => 18.0,
            (Some(Heading(_)), _) => 6.0,
            (Some(Bullet(_)), Bullet(_)) => 3.0,
            (Some(_), Paragraph(_) | Bullet(_)) => 8.0,
        };
        let laid_out = match block {
            Heading(text) => Block {
                keep_with_next: true,
                ..Block::new(
                    space_before,
                    paragraph(&[(Font::Bold, text)], HEADING_SIZE, 0.0),
                )
            },
            Paragraph(text) => Block::new(
                space_before,
                paragraph(&[(Font::Regular, text)], BODY_SIZE, 0.0),
            ),
            Bullet(text) => Block::new(space_before, bullet(text)),
        };
        // An empty text takes no room.
        if !laid_out.lines.is_empty() {
            blocks.push(laid_out);
            previous = Some(block);
        }
    }
    blocks
}

fn bullet(text: &str) -> Vec<Line> {
    let mut lines = paragraph(&[(Font::Regular, text)], BODY_SIZE, BULLET_INDENT);
    if let Some(first) = lines.first_mut() {
        first.marker = Some((Font::Regular, win_ansi("•")));
    }
    lines
}

// ---------------------------------------------------------------------------
// Plain text.

/// Splits a plain-text document into blocks:
///
/// - blank lines (or lines of spaces) separate paragraphs, and the lines of
///   a paragraph are joined with a space (runs of spaces and tabs become one
///   space);
/// - a paragraph whose first line starts with "- ", "• ", "* " or U+F0B7
///   (the bullet of the Symbol font, which PDF text extraction leaves) is a
///   list: one [`TextBlock::Bullet`] per line starting so, the lines that
///   do not being the continuation of the bullet above them;
/// - a short paragraph (at most 90 characters, not ending with a period)
///   that starts with a numbering ("1.", "2.3.", "a.", "IV.") or is all in
///   capitals is a [`TextBlock::Heading`];
/// - any other is a [`TextBlock::Paragraph`].
pub fn blocks_from_plain_text(text: &str) -> Vec<TextBlock> {
    let mut blocks = Vec::new();
    let mut lines: Vec<&str> = Vec::new();
    for line in text.lines().map(str::trim).chain([""]) {
        if !line.is_empty() {
            lines.push(line);
        } else if !lines.is_empty() {
            push_paragraph(&mut blocks, &lines);
            lines.clear();
        }
    }
    blocks
}

/// The longest paragraph that can be a heading, in characters.
const HEADING_MAX_CHARS: usize = 90;

fn push_paragraph(blocks: &mut Vec<TextBlock>, lines: &[&str]) {
    if bullet_text(lines[0]).is_some() {
        let mut items: Vec<String> = Vec::new();
        for &line in lines {
            if let Some(text) = bullet_text(line) {
                items.push(text.to_owned());
            } else {
                let item = items.last_mut().expect("the first line is a bullet");
                item.push(' ');
                item.push_str(line);
            }
        }
        blocks.extend(
            items
                .iter()
                .map(|item| TextBlock::Bullet(single_spaced(item))),
        );
        return;
    }
    let text = single_spaced(&lines.join(" "));
    blocks.push(if is_heading(&text) {
        TextBlock::Heading(text)
    } else {
        TextBlock::Paragraph(text)
    });
}

/// The text of a (trimmed) line starting with a bullet, without it.
fn bullet_text(line: &str) -> Option<&str> {
    let (marker, rest) = line.split_at(line.chars().next()?.len_utf8());
    let spaced = rest.starts_with(char::is_whitespace);
    let text = rest.trim_start();
    let bullet = match marker {
        "-" | "•" | "*" => spaced,
        // Private-use codes of the Symbol and Wingdings bullets.
        "\u{F0B7}" | "\u{F0A7}" => true,
        _ => false,
    };
    (bullet && !text.is_empty()).then_some(text)
}

/// Runs of spaces, tabs and line breaks as one space (no-break spaces are
/// kept).
fn single_spaced(text: &str) -> String {
    text.split_ascii_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_heading(text: &str) -> bool {
    if text.chars().count() > HEADING_MAX_CHARS || text.ends_with(['.', '…']) {
        return false;
    }
    let mut letters = text.chars().filter(|c| c.is_alphabetic());
    let capitals = letters.clone().nth(1).is_some() && letters.all(char::is_uppercase);
    is_numbered(text) || capitals
}

/// Whether the text starts with "1.", "2.3.", "a.", "B.", "iv." or "IV.",
/// followed by some words.
fn is_numbered(text: &str) -> bool {
    let Some((number, rest)) = text.split_once(' ') else {
        return false;
    };
    let Some(number) = number.strip_suffix('.') else {
        return false;
    };
    let decimal = !number.is_empty()
        && number
            .split('.')
            .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()));
    let letter = number.len() == 1 && number.bytes().all(|b| b.is_ascii_alphabetic());
    let roman = !number.is_empty()
        && (number.bytes().all(|b| b"IVX".contains(&b))
            || number.bytes().all(|b| b"ivx".contains(&b)));
    (decimal || letter || roman) && !rest.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::TextBlock::{Bullet, Heading, Paragraph};
    use super::*;
    use crate::pdf_layout::testing::{contains, page_count};

    fn sample() -> TextDocument {
        TextDocument {
            title: "Appel à candidatures 2024 — Promeneurs du Net".into(),
            subtitle: Some("Caf de l’Allier et Caf du Puy-de-Dôme".into()),
            blocks: vec![
                Heading("1. Principes et enjeux (PDN)".into()),
                Paragraph("Les médias numériques prennent une place grandissante. ".repeat(12)),
                Bullet("Module 1 : la coordination".into()),
                Bullet("Module 2 : les formations complémentaires".into()),
                Paragraph("Contact : partenaires@caf03.caf.fr".into()),
            ],
        }
    }

    #[test]
    fn a_text_document_is_written_as_a_pdf() {
        let doc = sample();
        let pdf = text_pdf(&doc);
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
        assert!(contains(&pdf, &win_ansi(&doc.title)));
        assert!(contains(
            &pdf,
            &win_ansi("Caf de l’Allier et Caf du Puy-de-Dôme")
        ));
        assert!(contains(&pdf, b"(1. Principes et enjeux \\(PDN\\))"));
        assert!(contains(&pdf, b"(Module 1 : la coordination)"));
        assert!(contains(&pdf, b"(\x95)"), "the bullets");
        assert!(contains(&pdf, b"/Helvetica-Bold"));
        assert!(contains(&pdf, b"/WinAnsiEncoding"));
        assert!(contains(&pdf, b"/Lang (fr-FR)"));
        assert!(contains(&pdf, b"/Title"));
        assert_eq!(page_count(&pdf), 1);
        assert!(contains(&pdf, b"(Page 1 sur 1)"));
    }

    #[test]
    #[allow(clippy::float_cmp)] // indents are copied, never computed
    fn headings_are_bold_and_larger_and_bullets_indented() {
        let blocks = layout(&sample());
        let [title, subtitle, heading, paragraph, first, second, _] = &blocks[..] else {
            panic!("{} blocks", blocks.len());
        };
        assert_eq!(title.lines[0].runs[0].0, Font::Bold);
        assert!(subtitle.lines[0].gray);
        let heading = &heading.lines[0];
        assert_eq!(heading.runs[0].0, Font::Bold);
        assert!(heading.size > paragraph.lines[0].size);
        assert!(paragraph.lines.len() > 3, "wrapped");
        assert_eq!(paragraph.lines[0].indent, 0.0);
        assert!(paragraph.lines.iter().all(|line| line.marker.is_none()));
        for bullet in [first, second] {
            assert_eq!(bullet.lines[0].indent, BULLET_INDENT);
            assert_eq!(bullet.lines[0].marker, Some((Font::Regular, vec![0x95])));
        }
        assert!(second.space_before < first.space_before);
        assert!(blocks[2].keep_with_next);
    }

    #[test]
    #[allow(clippy::float_cmp)] // indents are copied, never computed
    fn a_long_bullet_is_wrapped_under_its_text() {
        let lines = bullet(&"mot ".repeat(100));
        assert!(lines.len() > 2);
        assert!(lines[0].marker.is_some());
        for line in &lines {
            assert_eq!(line.indent, BULLET_INDENT);
        }
        assert!(lines[1..].iter().all(|line| line.marker.is_none()));
    }

    #[test]
    fn empty_documents_and_texts_still_make_a_page() {
        let pdf = text_pdf(&TextDocument::default());
        assert_eq!(page_count(&pdf), 1);
        let doc = TextDocument {
            title: "Titre".into(),
            subtitle: None,
            blocks: vec![Paragraph(String::new()), Bullet("  ".into())],
        };
        assert_eq!(layout(&doc).len(), 1);
    }

    #[test]
    fn the_call_for_applications_takes_several_pages() {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../app/demo/appel-a-candidatures-2024.txt"
        ))
        .expect("the demo call for applications");
        let blocks = blocks_from_plain_text(&text);
        assert!(blocks.contains(&Heading(
            "1. Principes et enjeux de la démarche Promeneurs du Net (PDN)".into()
        )));
        assert!(blocks.contains(&Heading("a. Historique de la démarche".into())));
        assert!(blocks.contains(&Heading("4. Composition du dossier de candidature".into())));
        assert!(blocks.contains(&Bullet("Pour la Caf de l’Allier".into())));
        assert!(blocks.contains(&Bullet(
            "La qualité du projet (faisabilité et pertinence)".into()
        )));
        assert!(blocks.contains(&Bullet(
            "28 avril 2024 pour les candidatures pour le module 2".into()
        )));

        let doc = TextDocument {
            title: "Appel à candidatures 2024".into(),
            subtitle: Some("Promeneurs du Net — Allier et Puy-de-Dôme".into()),
            blocks,
        };
        let pdf = text_pdf(&doc);
        assert!(pdf.starts_with(b"%PDF-"));
        assert!(pdf.trim_ascii_end().ends_with(b"%%EOF"));
        assert!(contains(&pdf, &win_ansi("Appel à candidatures 2024")));
        let pages = page_count(&pdf);
        assert!(pages >= 3, "{pages} page(s)");
        assert!(contains(
            &pdf,
            format!("(Page {pages} sur {pages})").as_bytes()
        ));
        assert!(contains(&pdf, b"Promeneurs du Net"));
        assert!(contains(&pdf, b"06-72-21-83-43"), "the last line");
    }

    #[test]
    fn blank_lines_separate_paragraphs() {
        let text = "Première ligne\n  deuxième\tligne  \n\n \nSecond paragraphe.\r\n";
        assert_eq!(
            blocks_from_plain_text(text),
            [
                Paragraph("Première ligne deuxième ligne".into()),
                Paragraph("Second paragraphe.".into()),
            ]
        );
        assert_eq!(blocks_from_plain_text(""), []);
        assert_eq!(blocks_from_plain_text("\n \n\t\n"), []);
        assert_eq!(
            blocks_from_plain_text("12\u{a0}h\u{a0}: accueil"),
            [Paragraph("12\u{a0}h\u{a0}: accueil".into())]
        );
    }

    #[test]
    fn lists_make_one_bullet_per_item() {
        let text = "- premier point\n• deuxième point,\nsuite du deuxième\n* troisième\n\u{F0B7} quatrième\n\n-  cinquième";
        assert_eq!(
            blocks_from_plain_text(text),
            [
                Bullet("premier point".into()),
                Bullet("deuxième point, suite du deuxième".into()),
                Bullet("troisième".into()),
                Bullet("quatrième".into()),
                Bullet("cinquième".into()),
            ]
        );
        // Not a bullet: no space after the dash, a dash alone, a dash
        // inside the paragraph.
        assert_eq!(
            blocks_from_plain_text("-5 degrés"),
            [Paragraph("-5 degrés".into())]
        );
        assert_eq!(blocks_from_plain_text("-"), [Paragraph("-".into())]);
        assert_eq!(
            blocks_from_plain_text("Les pièces :\n- les statuts"),
            [Paragraph("Les pièces : - les statuts".into())]
        );
    }

    #[test]
    fn short_numbered_or_capital_paragraphs_are_headings() {
        for heading in [
            "1. Principes et enjeux",
            "2. Le cadre de la mission\nde coordination 2024/2026",
            "12. Annexes",
            "2.3. Calendrier",
            "a. Historique de la démarche",
            "b. L’objet de l’appel à candidature :",
            "I. Contexte",
            "IV. Budget",
            "iv. Budget",
            "CAHIER DES CHARGES",
            "MODULE 1 — COORDINATION (2024)",
            "ÉCHÉANCIER",
        ] {
            let joined = heading.replace('\n', " ");
            assert_eq!(
                blocks_from_plain_text(heading),
                [Heading(joined)],
                "{heading}"
            );
        }
        for paragraph in [
            // A final period.
            "1. Principes et enjeux.",
            "CAHIER DES CHARGES.",
            // Too long.
            &format!("1. {}", "mot ".repeat(25)),
            // Not a numbering.
            "1.Principes",
            "1 Principes",
            "2024 en chiffres",
            "ab. Texte",
            "ill. Texte",
            "1.",
            "17 mars 2024 28 avril 2024",
            // Not all in capitals.
            "Contact Allier",
            "Alexandra MERITET",
            "04-70-08-49-38",
            "A",
        ] {
            assert_eq!(
                blocks_from_plain_text(paragraph),
                [Paragraph(paragraph.trim().into())],
                "{paragraph}"
            );
        }
    }

    #[test]
    fn a_bullet_is_never_a_heading() {
        assert_eq!(
            blocks_from_plain_text("- 1. PREMIER"),
            [Bullet("1. PREMIER".into())]
        );
    }
}
