//! The "accusé de réception" given to a structure when it submits an
//! application: a small PDF stating the instant of the submission and the
//! SHA-256 of each document, so that both sides can prove what was sent.
//!
//! It is laid out and written by the crate's `pdf_layout` module, with the
//! standard PDF fonts (Helvetica, Courier), which every reader has, and
//! uncompressed content streams.

use crate::pdf_layout::{Block, Font, paragraph, render};

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

/// Indentation of a document's file name and SHA-256 under its kind.
const INDENT: f32 = 14.0;

/// Writes the receipt as a PDF of one page, or more when the application
/// has many documents, each page numbered "Page n sur N".
pub fn receipt_pdf(r: &Receipt) -> Vec<u8> {
    render(&format!("Accusé de réception {}", r.number), &blocks(r))
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

/// The receipt as blocks of wrapped lines.
fn blocks(r: &Receipt) -> Vec<Block> {
    use Font::{Bold, Mono, Regular};
    let number = format!("N°\u{a0}{}", r.number);
    let mut blocks = vec![
        Block::new(0.0, paragraph(&[(Bold, "Accusé de réception")], 20.0, 0.0)),
        Block::new(2.0, paragraph(&[(Bold, &number)], 13.0, 0.0)),
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
        let spans = [(Bold, label.as_str()), (Regular, " "), (Regular, value)];
        let space = if i == 0 { 16.0 } else { 3.0 };
        blocks.push(Block::new(space, paragraph(&spans, 11.0, 0.0)));
    }

    let heading = paragraph(&[(Bold, "Pièces déposées")], 14.0, 0.0);
    blocks.push(Block::new(20.0, heading));
    if r.documents.is_empty() {
        let none = paragraph(&[(Regular, "Aucune pièce.")], 11.0, 0.0);
        blocks.push(Block::new(6.0, none));
    }
    for (i, document) in r.documents.iter().enumerate() {
        let kind = format!("{}. {}", i + 1, document.kind);
        let mut lines = paragraph(&[(Bold, &kind)], 11.0, 0.0);
        let description = format!("{} — {}", document.filename, french_size(document.size));
        lines.extend(paragraph(&[(Regular, &description)], 10.0, INDENT));
        let sha = format!("SHA-256\u{a0}: {}", document.sha256);
        lines.extend(paragraph(&[(Mono, &sha)], 8.0, INDENT));
        blocks.push(Block::new(8.0, lines));
    }

    let last = paragraph(&[(Regular, FINAL_PARAGRAPH)], 10.0, 0.0);
    blocks.push(Block::new(22.0, last));
    blocks
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pdf_layout::testing::{contains, page_count};
    use crate::pdf_layout::win_ansi;

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
