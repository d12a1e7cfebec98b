//! Calls for applications (DESIGN §4): the definition of a module, the
//! statuses of an application and their transitions, the receipt number.
//! Pure rules; the store keeps them and the web layer asks them.

mod status;

use std::collections::BTreeMap;

pub use status::{ApplicationStatus, Transition, TransitionError};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::{
    DepartmentCode,
    clock::{MONTHS, french_date},
    deadline::Deadline,
};

/// One line of the scoring grid of a module.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Criterion {
    pub key: String,
    pub label: String,
    pub weight: u32,
    pub max_score: u32,
}

/// A document the applicant must upload, by kind ("formulaire", "budget").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequiredDocument {
    pub kind: String,
    pub label: String,
}

/// A question of the application form beyond the project summary (the
/// coordinator's profile for module 1, the trainers' for module 2…).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Question {
    pub key: String,
    pub label: String,
}

/// The months in which the decision is expected ("avril à mai 2024").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DecisionWindow {
    /// First day of the first month.
    pub from: Date,
    /// First day of the last month.
    pub to: Date,
}

impl DecisionWindow {
    /// Reads "2024-04" or "2024-04/2024-05" (months `YYYY-MM`).
    pub fn parse(input: &str) -> Option<Self> {
        let month = |s: &str| -> Option<Date> {
            let (y, m) = s.trim().split_once('-')?;
            if m.len() != 2 {
                return None;
            }
            Date::new(y.parse().ok()?, m.parse().ok()?, 1).ok()
        };
        let (from, to) = if let Some((a, b)) = input.split_once('/') {
            (month(a)?, month(b)?)
        } else {
            let m = month(input)?;
            (m, m)
        };
        (from <= to).then_some(Self { from, to })
    }

    /// "2024-04/2024-05", or "2024-04" for one month.
    pub fn encode(self) -> String {
        let m = |d: Date| format!("{:04}-{:02}", d.year(), d.month());
        if self.from == self.to {
            m(self.from)
        } else {
            format!("{}/{}", m(self.from), m(self.to))
        }
    }

    /// "avril 2024", "avril à mai 2024", "décembre 2024 à janvier 2025".
    pub fn french(self) -> String {
        let name = |d: Date| MONTHS[usize::from(d.month().unsigned_abs()) - 1];
        if self.from == self.to {
            format!("{} {}", name(self.from), self.from.year())
        } else if self.from.year() == self.to.year() {
            format!("{} à {} {}", name(self.from), name(self.to), self.to.year())
        } else {
            format!(
                "{} {} à {} {}",
                name(self.from),
                self.from.year(),
                name(self.to),
                self.to.year()
            )
        }
    }
}

/// A module as typed by staff or sent to the API, before checking.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ModuleDraft {
    pub code: String,
    pub title: String,
    pub description: String,
    pub service_starts_on: String,
    pub service_ends_on: String,
    pub deadline: String,
    pub audition_on: Option<String>,
    pub decision_window: Option<String>,
    pub min_applications: Option<i64>,
    pub quality_threshold: Option<i64>,
    pub criteria: Vec<CriterionDraft>,
    pub required_documents: Vec<RequiredDocument>,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CriterionDraft {
    pub key: String,
    pub label: String,
    pub weight: i64,
    pub max_score: i64,
}

/// A checked module definition: what an application is filed under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleSpec {
    pub code: String,
    pub title: String,
    pub description: String,
    pub service_starts_on: Date,
    pub service_ends_on: Date,
    pub deadline: Deadline,
    pub audition_on: Option<Date>,
    pub decision_window: Option<DecisionWindow>,
    pub min_applications: u32,
    pub quality_threshold: Option<u32>,
    pub criteria: Vec<Criterion>,
    pub required_documents: Vec<RequiredDocument>,
    pub questions: Vec<Question>,
}

/// Errors by field, in French. Keys are the draft's field names
/// (`criteria.2.weight` for a line of a list).
pub type FieldErrors = BTreeMap<String, String>;

fn slug_ok(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 40
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

fn parse_date(errors: &mut FieldErrors, field: &str, s: &str, required: bool) -> Option<Date> {
    let s = s.trim();
    if s.is_empty() {
        if required {
            errors.insert(field.into(), "Indiquez une date.".into());
        }
        return None;
    }
    match crate::parse_french_date(s) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.insert(field.into(), e.to_string());
            None
        }
    }
}

impl ModuleDraft {
    /// Checks every field and returns the definition or all the errors.
    pub fn validate(&self) -> Result<ModuleSpec, FieldErrors> {
        let mut e = FieldErrors::new();
        let code = self.code.trim().to_uppercase();
        if code.is_empty()
            || code.len() > 10
            || !code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        {
            e.insert(
                "code".into(),
                "Le code du module s'écrit en lettres et chiffres, 10 caractères au plus (M1)."
                    .into(),
            );
        }
        let title = self.title.trim().to_owned();
        if title.is_empty() || title.chars().count() > 200 {
            e.insert(
                "title".into(),
                "Donnez un intitulé au module (200 caractères au plus).".into(),
            );
        }
        if self.description.chars().count() > 20_000 {
            e.insert(
                "description".into(),
                "La description est trop longue (20 000 caractères au plus).".into(),
            );
        }
        let starts = parse_date(&mut e, "service_starts_on", &self.service_starts_on, true);
        let ends = parse_date(&mut e, "service_ends_on", &self.service_ends_on, true);
        if let (Some(s), Some(t)) = (starts, ends)
            && t < s
        {
            e.insert(
                "service_ends_on".into(),
                "La fin de la prestation précède son début.".into(),
            );
        }
        let deadline = if self.deadline.trim().is_empty() {
            e.insert(
                "deadline".into(),
                "Indiquez la date limite de dépôt.".into(),
            );
            None
        } else {
            match Deadline::parse(&self.deadline) {
                Ok(d) => Some(d),
                Err(err) => {
                    e.insert("deadline".into(), err.to_string());
                    None
                }
            }
        };
        let audition_on = self
            .audition_on
            .as_deref()
            .and_then(|s| parse_date(&mut e, "audition_on", s, false));
        let decision_window = match self.decision_window.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(s) => {
                let w = DecisionWindow::parse(s);
                if w.is_none() {
                    e.insert(
                        "decision_window".into(),
                        "Écrivez le mois de la décision (2024-04) ou deux mois (2024-04/2024-05)."
                            .into(),
                    );
                }
                w
            }
        };
        let asked = self.min_applications.unwrap_or(2);
        let min_applications = if let (1..=50, Ok(n)) = (asked, u32::try_from(asked)) {
            n
        } else {
            e.insert(
                "min_applications".into(),
                "Le nombre minimal de candidatures est compris entre 1 et 50.".into(),
            );
            2
        };
        let quality_threshold = match self.quality_threshold {
            None => None,
            Some(n @ 0..=100) => u32::try_from(n).ok(),
            Some(_) => {
                e.insert(
                    "quality_threshold".into(),
                    "Le seuil de qualité est une note sur 100.".into(),
                );
                None
            }
        };
        let mut criteria = Vec::new();
        for (i, c) in self.criteria.iter().enumerate() {
            let key = c.key.trim().to_lowercase();
            if !slug_ok(&key) || criteria.iter().any(|k: &Criterion| k.key == key) {
                e.insert(
                    format!("criteria.{i}.key"),
                    "Chaque critère a une clé unique en minuscules, chiffres et tirets.".into(),
                );
            }
            if c.label.trim().is_empty() {
                e.insert(
                    format!("criteria.{i}.label"),
                    "Donnez un intitulé au critère.".into(),
                );
            }
            if !(1..=100).contains(&c.weight) {
                e.insert(
                    format!("criteria.{i}.weight"),
                    "La pondération est un entier de 1 à 100.".into(),
                );
            }
            if !(1..=100).contains(&c.max_score) {
                e.insert(
                    format!("criteria.{i}.max_score"),
                    "La note maximale est un entier de 1 à 100.".into(),
                );
            }
            criteria.push(Criterion {
                key,
                label: c.label.trim().to_owned(),
                weight: u32::try_from(c.weight.clamp(0, 100)).unwrap_or(0),
                max_score: u32::try_from(c.max_score.clamp(0, 100)).unwrap_or(0),
            });
        }
        let mut required_documents: Vec<RequiredDocument> = Vec::new();
        for (i, d) in self.required_documents.iter().enumerate() {
            let kind = d.kind.trim().to_lowercase();
            if !slug_ok(&kind) || required_documents.iter().any(|r| r.kind == kind) {
                e.insert(
                    format!("required_documents.{i}.kind"),
                    "Chaque pièce a un type unique en minuscules, chiffres et tirets.".into(),
                );
            }
            if d.label.trim().is_empty() {
                e.insert(
                    format!("required_documents.{i}.label"),
                    "Donnez un intitulé à la pièce.".into(),
                );
            }
            required_documents.push(RequiredDocument {
                kind,
                label: d.label.trim().to_owned(),
            });
        }
        let mut questions: Vec<Question> = Vec::new();
        for (i, q) in self.questions.iter().enumerate() {
            let key = q.key.trim().to_lowercase();
            if !slug_ok(&key) || key == "summary" || questions.iter().any(|r| r.key == key) {
                e.insert(
                    format!("questions.{i}.key"),
                    "Chaque question a une clé unique en minuscules, chiffres et tirets.".into(),
                );
            }
            if q.label.trim().is_empty() {
                e.insert(
                    format!("questions.{i}.label"),
                    "Écrivez la question.".into(),
                );
            }
            questions.push(Question {
                key,
                label: q.label.trim().to_owned(),
            });
        }
        match (starts, ends, deadline) {
            (Some(service_starts_on), Some(service_ends_on), Some(deadline)) if e.is_empty() => {
                Ok(ModuleSpec {
                    code,
                    title,
                    description: self.description.trim().to_owned(),
                    service_starts_on,
                    service_ends_on,
                    deadline,
                    audition_on,
                    decision_window,
                    min_applications,
                    quality_threshold,
                    criteria,
                    required_documents,
                    questions,
                })
            }
            _ => Err(e),
        }
    }
}

impl ModuleSpec {
    /// What is missing before this module can be published.
    pub fn publication_errors(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.criteria.is_empty() {
            out.push(format!(
                "Le module {} n'a pas de grille de notation : ajoutez au moins un critère.",
                self.code
            ));
        }
        if self.required_documents.is_empty() {
            out.push(format!(
                "Le module {} ne demande aucune pièce : indiquez au moins le dossier de candidature.",
                self.code
            ));
        }
        out
    }

    /// The label of a kind of document ("Autre pièce" for one the module
    /// does not list).
    pub fn document_label(&self, kind: &str) -> String {
        self.required_documents
            .iter()
            .find(|d| d.kind == kind)
            .map_or_else(|| "Autre pièce".to_owned(), |d| d.label.clone())
    }

    /// "du 1er juin 2024 au 31 décembre 2026".
    pub fn service_period_french(&self) -> String {
        format!(
            "du {} au {}",
            french_date(self.service_starts_on),
            french_date(self.service_ends_on)
        )
    }
}

/// Where a call stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallStatus {
    Draft,
    Published,
}

impl CallStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "draft" => Some(Self::Draft),
            "published" => Some(Self::Published),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Draft => "Brouillon",
            Self::Published => "Publié",
        }
    }
}

/// The départements an application answers for: one or more of the call's.
pub fn check_scope(
    call: &[DepartmentCode],
    asked: &[DepartmentCode],
) -> Result<Vec<DepartmentCode>, &'static str> {
    let mut out: Vec<DepartmentCode> = Vec::new();
    for d in asked {
        if !call.contains(d) {
            return Err("Ce département n'est pas couvert par l'appel.");
        }
        if !out.contains(d) {
            out.push(d.clone());
        }
    }
    if out.is_empty() {
        return Err("Choisissez au moins un département.");
    }
    out.sort();
    Ok(out)
}

/// "2024-M1-0007": the year of the deadline, the module and a number given
/// in order of filing within the call.
pub fn receipt_number(year: i16, module: &str, seq: i64) -> String {
    format!("{year}-{module}-{seq:04}")
}

#[cfg(test)]
mod tests;
