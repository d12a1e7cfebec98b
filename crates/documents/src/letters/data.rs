//! What the default templates are given, as JSON: every text already in
//! French, dates already written out ("1er juin 2024").

use serde::Serialize;

/// Someone who signs: a CAF's director, a structure's president.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Signatory {
    /// With the civility, as it is printed: "Madame Agnès Dupré".
    pub name: String,
    /// "Présidente", "Directeur de la Caf de l'Allier".
    pub title: String,
}

/// A structure: the applicant of a letter, the other party of a
/// convention.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct Party {
    /// "Fédération des centres sociaux de l'Allier".
    pub name: String,
    /// The lines of the postal address after the name, the last one with
    /// the postal code and the town: `["12 rue de Paris", "03000 Moulins"]`.
    pub address: Vec<String>,
    /// Where the party signs a convention: "Moulins".
    pub city: String,
    /// Who the letter is for and who signs the convention for the party.
    pub representative: Option<Signatory>,
}

/// A Caisse d'allocations familiales that runs the call.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct CafParty {
    /// "03".
    pub department_code: String,
    /// "Caisse d'allocations familiales de l'Allier".
    pub name: String,
    /// How the texts name it: "Caf de l'Allier".
    pub short_name: String,
    pub address: Vec<String>,
    /// Where it signs: "Moulins".
    pub city: String,
    pub signatory: Signatory,
    /// Who follows the file, printed under the letterhead: "Alexandra
    /// Meritet — 04 70 08 49 38 — partenaires@caf03.caf.fr".
    pub contact: Option<String>,
}

/// What a result letter tells its recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterOutcome {
    /// The application is retained: the convention comes with the letter.
    Retained,
    /// Another application was retained, or none: the committee's
    /// motivation says why.
    NotRetained,
    /// The module is declared infructueux in the département(s) of the
    /// letter; a new call may be launched.
    ModuleUnsuccessful,
}

/// Why a (module, département) is declared infructueux (DESIGN §4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnsuccessfulReason {
    /// One application or none.
    TooFewApplications,
    /// No application reaches the module's quality threshold.
    InsufficientQuality,
}

/// A département of the application where it was not retained, told in a
/// letter that announces a retention elsewhere.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotRetainedIn {
    /// With its article: "le Puy-de-Dôme".
    pub department: String,
    /// `other_retained` (another application was retained there),
    /// `too_few_applications` or `insufficient_quality` (the module is
    /// infructueux there), `unsuccessful` (infructueux, reason not
    /// recorded).
    pub reason: String,
}

/// A letter telling an applicant the result of the committee, for one
/// module and the départements of its application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LetterData {
    /// The CAFs of the départements concerned: their letterheads, their
    /// signatures. The first one's town heads the date line.
    pub caf: Vec<CafParty>,
    pub applicant: Party,
    /// "Appel à candidatures Promeneurs du Net 2024".
    pub call_title: String,
    /// "1".
    pub module_code: String,
    /// "Coordination du réseau des Promeneurs du Net".
    pub module_title: String,
    /// With their article, as written after "pour":
    /// `["l'Allier", "le Puy-de-Dôme"]`. For a retained application, only
    /// the départements where it is retained.
    pub departments: Vec<String>,
    /// Every département of the application, with its article.
    pub applied_departments: Vec<String>,
    /// For a retained application: the départements of the application
    /// where it was not retained, and why.
    pub not_retained_in: Vec<NotRetainedIn>,
    /// For a retained application: the title of the convention sent with
    /// the letter.
    pub convention_title: Option<String>,
    pub outcome: LetterOutcome,
    /// The committee's motivation; paragraphs separated by a blank line.
    pub motivation: Option<String>,
    /// For [`LetterOutcome::ModuleUnsuccessful`].
    pub unsuccessful_reason: Option<UnsuccessfulReason>,
    /// Already in French: "15 avril 2024".
    pub date: String,
    /// The application's number: "AAP-2024-M1-0042".
    pub reference: String,
    /// "Madame, Monsieur," when `None`.
    pub salutation: Option<String>,
    /// When the retained structure starts and ends: "1er juin 2024".
    pub service_starts_on: Option<String>,
    pub service_ends_on: Option<String>,
    /// The months of tuilage with the outgoing coordinator (module 1 of
    /// the 2024 call: one).
    pub handover_months: Option<u32>,
}

/// One module of a convention.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ConventionModule {
    /// "1".
    pub code: String,
    /// "Coordination du réseau des Promeneurs du Net".
    pub title: String,
    /// Already in French: "1er juin 2024".
    pub service_starts_on: String,
    pub service_ends_on: String,
    /// With their article, as in [`LetterData::departments`].
    pub departments: Vec<String>,
    /// The months of tuilage with the outgoing structure, if any.
    pub handover_months: Option<u32>,
}

/// The convention between a retained structure and the CAF(s) concerned.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize)]
pub struct ConventionData {
    /// The convention's number, printed on every page.
    pub reference: String,
    /// "Coordinateur du réseau des Promeneurs du Net de l'Allier sur les
    /// modules 1 et 2": names only where the structure is retained.
    pub title: String,
    /// "Appel à candidatures Promeneurs du Net 2024".
    pub call_title: String,
    /// The structure, with its representative who signs.
    pub structure: Party,
    /// Each CAF concerned, with its signatory.
    pub caf: Vec<CafParty>,
    pub modules: Vec<ConventionModule>,
    /// The structure's commitments, taken from the call's cahier des
    /// charges, one sentence each.
    pub obligations: Vec<String>,
    /// The date of signature, in French; `None` leaves "le …" to be filled
    /// by hand.
    pub signed_on: Option<String>,
}
