//! What a letter says and to whom: the parties (the CAFs, the applicant),
//! the outcome from the validated decisions, the French phrasing of the
//! départements.

use documents::letters::{
    CafParty, LetterOutcome, NotRetainedIn, Party, Signatory, UnsuccessfulReason,
};
use domain::decision::{self, Overall, ProposalStatus, Reason, Validated, Verdict};
use store::{applications::Application, committee::Proposal, reference::Department};

use crate::{Ctx, ServiceError};

/// "l'Allier", "le Puy-de-Dôme" (the départements served have these
/// articles).
pub(super) fn elided(name: &str) -> bool {
    name.starts_with(['A', 'E', 'I', 'O', 'U', 'Y', 'H', 'É', 'È'])
}

pub(super) fn with_article(name: &str) -> String {
    if elided(name) {
        format!("l'{name}")
    } else {
        format!("le {name}")
    }
}

/// "de l'Allier", "du Puy-de-Dôme".
pub(super) fn of(name: &str) -> String {
    if elided(name) {
        format!("de l'{name}")
    } else {
        format!("du {name}")
    }
}

pub(super) fn caf_party(d: &Department) -> CafParty {
    let address: Vec<String> = d
        .caf_address
        .split(['\n', ','])
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    let city = address
        .last()
        .map(|l| {
            l.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ')
                .to_owned()
        })
        .unwrap_or_default();
    let contact = [
        d.contact_name.as_str(),
        d.contact_phone.as_str(),
        d.contact_email.as_str(),
    ]
    .iter()
    .filter(|s| !s.is_empty())
    .copied()
    .collect::<Vec<_>>()
    .join(" — ");
    CafParty {
        department_code: d.code.as_str().to_owned(),
        name: d.caf_name.clone(),
        short_name: format!("Caf {}", of(&d.name)),
        address,
        city,
        signatory: Signatory {
            name: d.contact_name.clone(),
            title: format!("Pour la Caf {}", of(&d.name)),
        },
        contact: (!contact.is_empty()).then_some(contact),
    }
}

pub(super) async fn applicant(ctx: &Ctx, a: &Application) -> Result<Party, ServiceError> {
    let scope = domain::NetworkScope::everything();
    let s = store::structures::find(&ctx.db, &scope, a.structure_id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let postal = ctx
        .communes()
        .await?
        .get(&s.commune_insee)
        .and_then(|c| {
            c.postal_codes
                .split([',', ' ', ';'])
                .find(|p| !p.is_empty())
        })
        .unwrap_or_default()
        .to_owned();
    let mut address: Vec<String> = s
        .address
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect();
    address.push(format!("{postal} {}", s.commune_name).trim().to_owned());
    Ok(Party {
        name: s.name,
        address,
        city: s.commune_name,
        representative: (!s.contact_name.is_empty()).then(|| Signatory {
            name: s.contact_name.clone(),
            title: String::new(),
        }),
    })
}

/// The validated decisions of a module, as the verdicts read them.
pub(super) fn validated_of(proposals: &[Proposal]) -> Vec<Validated<'_>> {
    proposals
        .iter()
        .filter(|x| x.status == ProposalStatus::Validated)
        .map(|x| Validated {
            department: x.department.as_str(),
            application_id: if x.unsuccessful {
                None
            } else {
                x.application_id
            },
            unsuccessful: x.reason,
        })
        .collect()
}

pub(super) fn unsuccessful_reason(r: Reason) -> UnsuccessfulReason {
    match r {
        Reason::TooFewApplications => UnsuccessfulReason::TooFewApplications,
        Reason::InsufficientQuality => UnsuccessfulReason::InsufficientQuality,
    }
}

/// What an application's letter says, from its verdict in each of its
/// départements and the validated proposals: retained where a validated
/// proposal names it, not retained or infructueux elsewhere.
pub(super) fn outcome_of(
    a: &Application,
    verdicts: &[(&str, Verdict)],
    validated: &[&Proposal],
) -> (LetterOutcome, Option<String>, Option<UnsuccessfulReason>) {
    let mine: Vec<&&Proposal> = validated
        .iter()
        .filter(|p| a.departments.contains(&p.department))
        .collect();
    match decision::overall(verdicts) {
        Overall::Retained => {
            let why = mine
                .iter()
                .find(|p| p.application_id == Some(a.id) && !p.unsuccessful)
                .map(|p| p.motivation.clone());
            (LetterOutcome::Retained, why, None)
        }
        Overall::Unsuccessful => {
            let reason = mine.iter().find_map(|p| p.reason).map(unsuccessful_reason);
            let why = mine.first().map(|p| p.motivation.clone());
            (LetterOutcome::ModuleUnsuccessful, why, reason)
        }
        Overall::NotRetained | Overall::Undecided => {
            let why: Vec<String> = mine.iter().map(|p| p.motivation.clone()).collect();
            (
                LetterOutcome::NotRetained,
                (!why.is_empty()).then(|| why.join("\n\n")),
                None,
            )
        }
    }
}

/// Where a retained application was not retained, and why, for its
/// letter.
pub(super) fn not_retained_in(
    verdicts: &[(&str, Verdict)],
    departments: &[Department],
) -> Vec<NotRetainedIn> {
    verdicts
        .iter()
        .filter(|(_, v)| *v != Verdict::Retained)
        .filter_map(|(code, v)| {
            let d = departments.iter().find(|d| d.code.as_str() == *code)?;
            let reason = match v {
                Verdict::OtherRetained => "other_retained",
                Verdict::Unsuccessful(Some(r)) => r.as_str(),
                Verdict::Unsuccessful(None) | Verdict::Undecided | Verdict::Retained => {
                    "unsuccessful"
                }
            };
            Some(NotRetainedIn {
                department: with_article(&d.name),
                reason: reason.to_owned(),
            })
        })
        .collect()
}

/// "Coordinateur du réseau des Promeneurs du Net de l'Allier sur les
/// modules 1 et 2": the title the call gives the convention, naming only
/// the départements where the structure is retained.
pub(super) fn convention_title(departments: &[&Department], modules: &[&str]) -> String {
    let places: Vec<String> = departments.iter().map(|d| of(&d.name)).collect();
    let places = match places.as_slice() {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} et {last}", init.join(", ")),
    };
    format!(
        "Coordinateur du réseau des Promeneurs du Net {places} {}",
        decision::modules_phrase(modules)
    )
}
