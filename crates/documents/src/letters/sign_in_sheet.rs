//! The sign-in sheet (feuille d'émargement) of a training session: one
//! row per participant, one signature box per half-day. Its data is
//! given already in French; the template only lays it out.

use serde::Serialize;

use super::{LetterError, render_typed};

/// The default template of a session's sign-in sheet.
pub const SIGN_IN_SHEET_TEMPLATE: &str = include_str!("../../templates/sign_in_sheet.typ");

/// Half-days per table: more are laid out in further tables, so that each
/// signature box keeps a usable width.
pub const HALF_DAYS_PER_TABLE: usize = 4;

/// One half-day, as its column heads it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SheetHalfDay {
    /// "mardi 12 janvier 2027 matin".
    pub label: String,
    /// "9 h – 12 h".
    pub times: String,
}

/// One participant's row.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SheetParticipant {
    pub name: String,
    pub structure: String,
}

/// What a sign-in sheet shows, every text already in French.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SignInSheetData {
    pub training: String,
    /// "Formation initiale"…
    pub kind: String,
    pub provider: Option<String>,
    /// "mardi 12 janvier 2027" or "du … au …".
    pub dates: String,
    /// "Centre social de Cusset" or "en visioconférence".
    pub place: String,
    /// "Allier, Puy-de-Dôme".
    pub departments: String,
    /// Sorted by name.
    pub participants: Vec<SheetParticipant>,
    /// The half-days, in groups of at most [`HALF_DAYS_PER_TABLE`]: one
    /// table each.
    pub tables: Vec<Vec<SheetHalfDay>>,
    /// Landscape when a table has more than two half-days.
    pub landscape: bool,
    /// "5 décembre 2026".
    pub printed_on: String,
}

impl SignInSheetData {
    /// Groups `half_days` into tables and chooses the orientation.
    pub fn lay_out(half_days: &[SheetHalfDay]) -> (Vec<Vec<SheetHalfDay>>, bool) {
        let landscape = half_days.len() > 2;
        let tables = half_days
            .chunks(HALF_DAYS_PER_TABLE)
            .map(<[SheetHalfDay]>::to_vec)
            .collect();
        (tables, landscape)
    }
}

/// A sign-in sheet, with the default template.
pub fn sign_in_sheet(data: &SignInSheetData) -> Result<Vec<u8>, LetterError> {
    render_typed(SIGN_IN_SHEET_TEMPLATE, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(label: &str) -> SheetHalfDay {
        SheetHalfDay {
            label: label.to_owned(),
            times: "9 h – 12 h".to_owned(),
        }
    }

    fn data(half_days: usize) -> SignInSheetData {
        let days: Vec<SheetHalfDay> = (0..half_days)
            .map(|i| day(&format!("jour {} matin", i + 1)))
            .collect();
        let (tables, landscape) = SignInSheetData::lay_out(&days);
        SignInSheetData {
            training: "Être présent en ligne #[x]".into(),
            kind: "Formation initiale".into(),
            provider: Some("Formations Auvergne".into()),
            dates: "mardi 12 janvier 2027".into(),
            place: "Centre social de Cusset".into(),
            departments: "Allier".into(),
            participants: vec![
                SheetParticipant {
                    name: "Léa Alpha".into(),
                    structure: "Centre social".into(),
                },
                SheetParticipant {
                    name: "Zoé $Bravo*".into(),
                    structure: "MJC".into(),
                },
            ],
            tables,
            landscape,
            printed_on: "5 décembre 2026".into(),
        }
    }

    #[test]
    fn many_half_days_make_several_landscape_tables() {
        let (tables, landscape) =
            SignInSheetData::lay_out(&(0..9).map(|_| day("x")).collect::<Vec<_>>());
        assert_eq!(tables.iter().map(Vec::len).collect::<Vec<_>>(), [4, 4, 1]);
        assert!(landscape);
        let (tables, landscape) = SignInSheetData::lay_out(&[day("a"), day("b")]);
        assert_eq!(tables.len(), 1);
        assert!(!landscape);
    }

    #[test]
    fn the_sheet_typesets_with_names_read_as_text() {
        for n in [1, 2, 6] {
            let pdf = sign_in_sheet(&data(n)).unwrap();
            assert!(pdf.starts_with(b"%PDF-"));
        }
        // An empty session still gives a sheet.
        let mut empty = data(2);
        empty.participants.clear();
        assert!(sign_in_sheet(&empty).unwrap().starts_with(b"%PDF-"));
    }
}
