//! Letters and conventions typeset by [Typst](https://typst.app): the
//! letter telling each applicant the committee's result, and the
//! convention sent with it to a retained structure.
//!
//! A template is Typst markup that the admins will be able to edit. Its data
//! is never spliced into the markup: it is given as JSON, which the template
//! reads with `json("data.json")`, so a `#`, `*`, `$` or `[` in a name is
//! printed as it is. The default templates are `templates/*.typ`, and the
//! data types of this module are what they read.
//!
//! The fonts (Libertinus Serif for the text) are embedded in the binary and
//! loaded once per [`LetterEngine`]: no system font, no network. Their
//! licences are listed in the crate's `FONTS.md`.

mod data;
mod diagnostic;
mod engine;
mod sign_in_sheet;

pub use data::{
    CafParty, ConventionData, ConventionModule, LetterData, LetterOutcome, NotRetainedIn, Party,
    Signatory, UnsuccessfulReason,
};
pub use engine::{DATA_FILE, LetterEngine};
pub use sign_in_sheet::{
    HALF_DAYS_PER_TABLE, SIGN_IN_SHEET_TEMPLATE, SheetHalfDay, SheetParticipant, SignInSheetData,
    sign_in_sheet,
};

use serde::Serialize;

/// The default template of the result letter.
pub const RESULT_LETTER_TEMPLATE: &str = include_str!("../../templates/result_letter.typ");
/// The default template of the convention.
pub const CONVENTION_TEMPLATE: &str = include_str!("../../templates/convention.typ");

/// Why a letter could not be rendered. Displayed in French, for the admin
/// who edits the template.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LetterError {
    /// The template is not valid Typst, or fails with these data.
    #[error("{}", template_error(message, *line))]
    Template {
        /// In French.
        message: String,
        /// From 1, in the template; `None` when Typst does not know it.
        line: Option<usize>,
    },
    /// The data could not be written as JSON (a map with keys that are not
    /// strings).
    #[error("données de la lettre illisibles\u{202f}: {0}")]
    Data(String),
}

fn template_error(message: &str, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("Erreur dans le modèle, ligne {line}\u{202f}: {message}"),
        None => format!("Erreur dans le modèle\u{202f}: {message}"),
    }
}

/// The default template of a training certificate (attestation de
/// formation).
pub const CERTIFICATE_TEMPLATE: &str = include_str!("../../templates/certificate.typ");

/// What a training certificate states, every text already in French.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct CertificateData {
    pub code: String,
    pub promeneur: String,
    pub structure: String,
    pub training: String,
    /// "Formation initiale"…
    pub kind: String,
    pub provider: Option<String>,
    pub half_days: Vec<String>,
    /// "à Vichy, 12 rue…" or "à distance".
    pub place: String,
    /// "12 janvier 2027".
    pub issued_on: String,
    pub verify_url: String,
}

/// A training certificate, with the default template.
pub fn certificate(data: &CertificateData) -> Result<Vec<u8>, LetterError> {
    render_typed(CERTIFICATE_TEMPLATE, data)
}

/// Renders a template with its data as a PDF, with the process's shared
/// [`LetterEngine`]. The template reads the data with `json("data.json")`.
pub fn render(template: &str, data: &serde_json::Value) -> Result<Vec<u8>, LetterError> {
    LetterEngine::shared().render(template, data)
}

/// The result letter of an application, with the default template.
pub fn result_letter(data: &LetterData) -> Result<Vec<u8>, LetterError> {
    render_typed(RESULT_LETTER_TEMPLATE, data)
}

/// The convention of a retained structure, with the default template.
pub fn convention(data: &ConventionData) -> Result<Vec<u8>, LetterError> {
    render_typed(CONVENTION_TEMPLATE, data)
}

/// Renders a template (an admin's version of a default one) with typed
/// data, through the shared engine.
pub fn render_typed<T: Serialize + ?Sized>(
    template: &str,
    data: &T,
) -> Result<Vec<u8>, LetterError> {
    LetterEngine::shared().render_typed(template, data)
}

impl LetterEngine {
    /// [`result_letter`] with this engine.
    pub fn result_letter(&self, data: &LetterData) -> Result<Vec<u8>, LetterError> {
        self.render_typed(RESULT_LETTER_TEMPLATE, data)
    }

    /// [`convention`] with this engine.
    pub fn convention(&self, data: &ConventionData) -> Result<Vec<u8>, LetterError> {
        self.render_typed(CONVENTION_TEMPLATE, data)
    }
}

#[cfg(test)]
mod tests;
