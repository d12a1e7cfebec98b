//! File names given by users, made safe to store, to send back in a
//! `Content-Disposition` header and to unpack from a zip on any system:
//! no path, no control or shell character, no Windows reserved name, and
//! the extension of the type detected from the content.

use std::collections::HashSet;
use std::hash::BuildHasher;

use unicode_normalization::UnicodeNormalization as _;

/// Longest base name (without the extension), in characters.
pub const MAX_BASE_CHARS: usize = 100;

/// Name used when nothing usable is left of the user's name.
const FALLBACK: &str = "document";

/// Punctuation kept as is; every other character that is not a letter, a
/// digit or a space becomes `_`.
const KEPT_PUNCTUATION: &[char] = &['-', '_', '.', '(', ')', '\''];

/// Makes a user's file name safe, ending with `.{ext}` (`ext` is the
/// extension of the type detected from the content, e.g.
/// [`FileType::extension`](crate::filetype::FileType::extension)).
///
/// Only the last path component is kept (`/` and `\` both separate);
/// accents are kept, in composed form (macOS sends `e` + combining acute);
/// control characters are dropped; other characters than letters, digits,
/// spaces and `-_.()'` become `_`; spaces are collapsed; spaces, dots and
/// underscores are trimmed at both ends; the extension given by the user is
/// replaced; the base name is cut at 100 characters; an empty base or a
/// Windows reserved name (`CON`, `NUL`, `COM1`…) becomes `document`.
///
/// A user's extension is 1 to 5 ASCII letters or digits, at least one a
/// letter, after the last dot: "Budget v1.2" or "Fiche n°3. Version finale"
/// have none, and keep their dot.
pub fn safe_filename(raw: &str, ext: &str) -> String {
    let last = raw.rsplit(['/', '\\']).next().unwrap_or_default();

    let mut cleaned = String::with_capacity(last.len());
    for c in last.nfc() {
        if c.is_control() {
            continue;
        }
        let c = if c.is_whitespace() {
            ' '
        } else if c.is_alphanumeric() || KEPT_PUNCTUATION.contains(&c) {
            c
        } else {
            '_'
        };
        if !(c == ' ' && cleaned.ends_with(' ')) {
            cleaned.push(c);
        }
    }

    // The start keeps its dots, so that `.hidden` has no extension.
    let cleaned = cleaned
        .trim_start_matches(' ')
        .trim_end_matches([' ', '.', '_']);
    let base = trim(strip_extension(cleaned));
    let base: String = base.chars().take(MAX_BASE_CHARS).collect();
    let mut base = trim(&base);
    if base.is_empty() || is_windows_reserved(base) {
        base = FALLBACK;
    }

    let ext = ext.trim_matches('.').to_lowercase();
    if ext.is_empty() {
        base.to_owned()
    } else {
        format!("{base}.{ext}")
    }
}

fn trim(s: &str) -> &str {
    s.trim_matches([' ', '.', '_'])
}

fn strip_extension(name: &str) -> &str {
    match name.rsplit_once('.') {
        Some((base, ext))
            if !base.is_empty()
                && (1..=5).contains(&ext.len())
                && ext.bytes().all(|b| b.is_ascii_alphanumeric())
                && ext.bytes().any(|b| b.is_ascii_alphabetic()) =>
        {
            base
        }
        _ => name,
    }
}

/// Windows refuses these names whatever their extension (`con.tar` too) and
/// with trailing spaces.
fn is_windows_reserved(base: &str) -> bool {
    let stem = base.split('.').next().unwrap_or_default().trim_end();
    if ["CON", "PRN", "AUX", "NUL"]
        .iter()
        .any(|r| stem.eq_ignore_ascii_case(r))
    {
        return true;
    }
    let mut chars = stem.chars();
    let prefix: String = chars.by_ref().take(3).collect();
    let digit = chars.next();
    chars.next().is_none()
        && (prefix.eq_ignore_ascii_case("COM") || prefix.eq_ignore_ascii_case("LPT"))
        && digit.is_some_and(|d| d.is_ascii_digit() || matches!(d, '¹' | '²' | '³'))
}

/// Returns `name`, or `base (2).ext`, `base (3).ext`… the first that is not
/// in `names` yet, comparing without case (as Windows and macOS do); adds it
/// to `names`. `names` holds the names already given, as given: start with
/// an empty set for each folder or archive.
///
/// The extension is what follows the last dot of the last path component,
/// so that `Asso. Les Amis/statuts` becomes `Asso. Les Amis/statuts (2)`.
pub fn unique<S: BuildHasher>(names: &mut HashSet<String, S>, name: String) -> String {
    let chosen = if is_taken(names, &name) {
        let file_start = name.rfind('/').map_or(0, |i| i + 1);
        let (base, ext) = match name[file_start..].rfind('.') {
            Some(dot) if dot > 0 => name.split_at(file_start + dot),
            _ => (name.as_str(), ""),
        };
        // Among `names.len() + 1` candidates, one at least is free.
        (2..names.len() + 3)
            .map(|n| format!("{base} ({n}){ext}"))
            .find(|candidate| !is_taken(names, candidate))
            .expect("a finite set leaves a number free")
    } else {
        name
    };
    names.insert(chosen.clone());
    chosen
}

fn is_taken<S>(names: &HashSet<String, S>, candidate: &str) -> bool {
    names.iter().any(|name| {
        name.chars()
            .flat_map(char::to_lowercase)
            .eq(candidate.chars().flat_map(char::to_lowercase))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_last_path_component_is_kept() {
        assert_eq!(safe_filename("../../etc/passwd", "pdf"), "passwd.pdf");
        assert_eq!(
            safe_filename("C:\\Users\\x\\Dossier candidature.pdf", "pdf"),
            "Dossier candidature.pdf"
        );
        assert_eq!(safe_filename("dossier/", "pdf"), "document.pdf");
    }

    #[test]
    fn unsafe_characters_become_underscores_and_are_trimmed_at_the_ends() {
        assert_eq!(safe_filename("<script>.pdf", "pdf"), "script.pdf");
        assert_eq!(
            safe_filename("Budget: 2024 * final?.xlsx", "xlsx"),
            "Budget_ 2024 _ final.xlsx"
        );
        assert_eq!(
            safe_filename("Statuts (version 2) de l'asso.pdf", "pdf"),
            "Statuts (version 2) de l'asso.pdf"
        );
        assert_eq!(safe_filename("a\"b|c;d$e`f.pdf", "pdf"), "a_b_c_d_e_f.pdf");
    }

    #[test]
    fn control_characters_are_dropped_and_spaces_collapsed() {
        assert_eq!(safe_filename("a\0b\nc.pdf", "pdf"), "abc.pdf");
        assert_eq!(
            safe_filename("  Plan \u{a0}  de   financement .pdf", "pdf"),
            "Plan de financement.pdf"
        );
        // A right-to-left override could disguise the extension.
        assert_eq!(safe_filename("fdp.\u{202e}exe.pdf", "pdf"), "fdp._exe.pdf");
    }

    #[test]
    fn hidden_and_empty_names() {
        assert_eq!(safe_filename(".hidden", "pdf"), "hidden.pdf");
        assert_eq!(safe_filename("   ", "pdf"), "document.pdf");
        assert_eq!(safe_filename("", "pdf"), "document.pdf");
        assert_eq!(safe_filename("...pdf", "pdf"), "document.pdf");
        assert_eq!(safe_filename("rapport.docx. ", "pdf"), "rapport.pdf");
        assert_eq!(safe_filename("___.pdf", "odt"), "document.odt");
    }

    #[test]
    fn the_extension_is_the_detected_one() {
        assert_eq!(safe_filename("rapport.exe", "pdf"), "rapport.pdf");
        assert_eq!(safe_filename("photo.JPEG", "jpg"), "photo.jpg");
        assert_eq!(safe_filename("rapport", "PDF"), "rapport.pdf");
        assert_eq!(safe_filename("archive.tar.gz", "pdf"), "archive.tar.pdf");
        // Not extensions: kept as part of the name.
        assert_eq!(safe_filename("Budget v1.2", "ods"), "Budget v1.2.ods");
        assert_eq!(
            safe_filename("Fiche 3. Version finale", "odt"),
            "Fiche 3. Version finale.odt"
        );
    }

    #[test]
    fn accents_are_kept_and_composed() {
        assert_eq!(
            safe_filename("Fiche_complétée.pdf", "pdf"),
            "Fiche_complétée.pdf"
        );
        assert_eq!(
            safe_filename("Fiche comple\u{301}te\u{301}e.pdf", "pdf"),
            "Fiche complétée.pdf"
        );
        assert_eq!(safe_filename("Œuvre ÇA.pdf", "pdf"), "Œuvre ÇA.pdf");
    }

    #[test]
    fn a_long_name_is_cut_at_100_characters() {
        let long = "é".repeat(300) + ".pdf";
        let safe = safe_filename(&long, "pdf");
        assert_eq!(safe, "é".repeat(100) + ".pdf");

        // No space or dot left at the end of the cut.
        let long = format!("{} {}", "a".repeat(99), "b".repeat(50));
        assert_eq!(safe_filename(&long, "pdf"), "a".repeat(99) + ".pdf");
    }

    #[test]
    fn windows_reserved_names_are_replaced() {
        for name in [
            "CON.pdf",
            "con",
            "Nul.txt",
            "aux .pdf",
            "COM1.pdf",
            "lpt9",
            "com².pdf",
        ] {
            assert_eq!(safe_filename(name, "pdf"), "document.pdf", "{name}");
        }
        assert_eq!(safe_filename("con.tar.gz", "pdf"), "document.pdf");
        assert_eq!(safe_filename("console.pdf", "pdf"), "console.pdf");
        assert_eq!(safe_filename("COM10.pdf", "pdf"), "COM10.pdf");
        assert_eq!(safe_filename("LPT.pdf", "pdf"), "LPT.pdf");
    }

    #[test]
    fn unique_numbers_names_already_given() {
        let mut names = HashSet::new();
        assert_eq!(unique(&mut names, "statuts.pdf".into()), "statuts.pdf");
        assert_eq!(unique(&mut names, "statuts.pdf".into()), "statuts (2).pdf");
        assert_eq!(unique(&mut names, "STATUTS.PDF".into()), "STATUTS (3).PDF");
        assert_eq!(unique(&mut names, "Budget.pdf".into()), "Budget.pdf");
        assert_eq!(
            unique(&mut names, "statuts (2).pdf".into()),
            "statuts (2) (2).pdf"
        );
        assert_eq!(names.len(), 5);
    }

    #[test]
    fn unique_compares_accented_names_without_case() {
        let mut names = HashSet::new();
        unique(&mut names, "Élan.pdf".into());
        assert_eq!(unique(&mut names, "élan.pdf".into()), "élan (2).pdf");
    }

    #[test]
    fn unique_numbers_before_the_extension_of_the_file_not_of_the_folder() {
        let mut names = HashSet::new();
        unique(&mut names, "Asso. Les Amis/statuts".into());
        assert_eq!(
            unique(&mut names, "Asso. Les Amis/statuts".into()),
            "Asso. Les Amis/statuts (2)"
        );
        unique(&mut names, ".profile".into());
        assert_eq!(unique(&mut names, ".profile".into()), ".profile (2)");
    }
}
