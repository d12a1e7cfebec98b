//! Result letters and conventions, shared by the pages and the API: one
//! run per module once every decision is validated (a letter for every
//! applicant, a convention for each retained one, typeset with Typst from
//! templates administrators may edit), a review, then "send all" through
//! the outbox with the PDFs attached; a second run sends nothing twice.

use documents::letters::{
    CONVENTION_TEMPLATE, CafParty, ConventionData, ConventionModule, LetterData, LetterError,
    LetterOutcome, NotRetainedIn, Party, RESULT_LETTER_TEMPLATE, Signatory, UnsuccessfulReason,
};
use domain::{
    Principal,
    call::ApplicationStatus,
    clock::french_date,
    decision::{self, Overall, ProposalStatus, Reason, Validated, Verdict},
};
use std::collections::{HashMap, hash_map::Entry};
use store::{
    applications::Application, calls::Module, committee::Proposal, letters::Letter,
    outbox::Attachment, reference::Department,
};

use uuid::Uuid;

use crate::{AppError, AppState, calls, mail::queue_with};

/// The two kinds of documents, as stored and as templates.
pub const RESULT: &str = "result";
pub const CONVENTION: &str = "convention";

/// The built-in template of a kind.
pub fn default_template(kind: &str) -> Option<&'static str> {
    match kind {
        RESULT => Some(RESULT_LETTER_TEMPLATE),
        CONVENTION => Some(CONVENTION_TEMPLATE),
        _ => None,
    }
}

async fn template(state: &AppState, kind: &str) -> Result<String, AppError> {
    Ok(match store::letters::template(&state.db, kind).await? {
        Some(s) => s,
        None => default_template(kind)
            .ok_or_else(AppError::not_found)?
            .to_owned(),
    })
}

/// "l'Allier", "le Puy-de-Dôme" (the départements served have these
/// articles).
fn elided(name: &str) -> bool {
    name.starts_with(['A', 'E', 'I', 'O', 'U', 'Y', 'H', 'É', 'È'])
}

fn with_article(name: &str) -> String {
    if elided(name) {
        format!("l'{name}")
    } else {
        format!("le {name}")
    }
}

/// "de l'Allier", "du Puy-de-Dôme".
fn of(name: &str) -> String {
    if elided(name) {
        format!("de l'{name}")
    } else {
        format!("du {name}")
    }
}

fn caf_party(d: &Department) -> CafParty {
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
        department_code: d.code.clone(),
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

async fn applicant(state: &AppState, a: &Application) -> Result<Party, AppError> {
    let scope = domain::NetworkScope::everything();
    let s = store::structures::find(&state.db, &scope, a.structure_id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let postal = state
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
fn validated_of(proposals: &[Proposal]) -> Vec<Validated<'_>> {
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

fn unsuccessful_reason(r: Reason) -> UnsuccessfulReason {
    match r {
        Reason::TooFewApplications => UnsuccessfulReason::TooFewApplications,
        Reason::InsufficientQuality => UnsuccessfulReason::InsufficientQuality,
    }
}

/// What an application's letter says, from its verdict in each of its
/// départements and the validated proposals: retained where a validated
/// proposal names it, not retained or infructueux elsewhere.
fn outcome_of(
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
fn not_retained_in(verdicts: &[(&str, Verdict)], departments: &[Department]) -> Vec<NotRetainedIn> {
    verdicts
        .iter()
        .filter(|(_, v)| *v != Verdict::Retained)
        .filter_map(|(code, v)| {
            let d = departments.iter().find(|d| d.code == *code)?;
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
fn convention_title(departments: &[&Department], modules: &[&str]) -> String {
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

/// The applications of the call in `p`'s départements (all for an
/// administrator): a CAF makes, lists and sends its own letters.
fn in_scope(p: &Principal, a: &Application) -> bool {
    calls::is_staff_of(p, a)
}

fn outcome_code(o: LetterOutcome) -> &'static str {
    match o {
        LetterOutcome::Retained => "retained",
        LetterOutcome::NotRetained => "not_retained",
        LetterOutcome::ModuleUnsuccessful => "module_unsuccessful",
    }
}

/// One application's documents to make.
struct Job {
    application_id: Uuid,
    outcome: LetterOutcome,
    letter: LetterData,
    convention: Option<ConventionData>,
}

/// The module of a call the caller manages, and its filed applications in
/// the caller's départements, all decided (409 otherwise: nothing is
/// announced before validation). Each CAF waits only for its own.
async fn decided(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<(calls::CallView, Module, Vec<Application>), AppError> {
    let (view, _) = calls::managed_call(state, p, call_id).await?;
    let module = view.module(code).ok_or_else(AppError::not_found)?.clone();
    let (items, _) = store::applications::list(
        &state.db,
        &domain::NetworkScope::everything(),
        &store::applications::Filter {
            call_id: Some(call_id),
            module_code: Some(module.spec.code.clone()),
            filed_only: true,
            limit: 10_000,
            ..Default::default()
        },
    )
    .await?;
    let filed: Vec<Application> = items
        .into_iter()
        .filter(|a| a.status != ApplicationStatus::Withdrawn && in_scope(p, a))
        .collect();
    if filed.is_empty() {
        return Err(AppError::conflict(
            "no_applications",
            "Ce module n'a reçu aucune candidature : il n'y a pas de courrier à faire.",
        ));
    }
    if filed.iter().any(|a| !a.status.is_final()) {
        return Err(AppError::conflict(
            "not_decided",
            "Les décisions de ce module ne sont pas toutes validées par les Caf : les courriers attendent.",
        ));
    }
    Ok((view, module, filed))
}

/// Makes the letters (and conventions) not yet made for a module; returns
/// how many documents were made.
pub async fn generate(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<usize, AppError> {
    let (view, module, filed) = decided(state, p, call_id, code).await?;
    make(state, p, &view, &module.spec.code, &filed).await
}

/// Makes the documents not yet made for these decided applications of one
/// module; returns how many were made.
async fn make(
    state: &AppState,
    p: &Principal,
    view: &calls::CallView,
    module_code: &str,
    filed: &[Application],
) -> Result<usize, AppError> {
    let call_id = view.call.id;
    let proposals = store::committee::proposals(&state.db, call_id, module_code).await?;
    let validated: Vec<&Proposal> = proposals
        .iter()
        .filter(|x| x.status == ProposalStatus::Validated)
        .collect();
    let decisions = validated_of(&proposals);
    let departments = store::reference::departments(&state.db).await?;
    let existing = store::letters::of_module(&state.db, call_id, module_code).await?;
    let today = french_date(state.today());
    let mut jobs = Vec::new();
    // The module versions the applications are filed under: usually one.
    let mut versions: HashMap<Uuid, Module> = HashMap::new();
    for a in filed {
        if existing.iter().any(|l| l.application_id == a.id) {
            continue;
        }
        let filed_module = module_version(state, &mut versions, a.module_id).await?;
        let verdicts = decision::verdicts(a.id, &a.departments, &decisions);
        let (outcome, motivation, reason) = outcome_of(a, &verdicts, &validated);
        let retained_in: Vec<&str> = verdicts
            .iter()
            .filter(|(_, v)| *v == Verdict::Retained)
            .map(|(d, _)| *d)
            .collect();
        // A retained letter comes from the CAFs where it is retained and
        // names only those départements; the others are told apart.
        let named = |codes: &dyn Fn(&str) -> bool| -> Vec<&Department> {
            departments.iter().filter(|d| codes(&d.code)).collect()
        };
        let applied = named(&|c| a.departments.iter().any(|d| d == c));
        let letter_deps = if outcome == LetterOutcome::Retained {
            named(&|c| retained_in.contains(&c))
        } else {
            applied.clone()
        };
        let party = applicant(state, a).await?;
        let reference = store::applications::receipts(&state.db, a.id)
            .await?
            .last()
            .map_or_else(|| a.id.to_string(), |r| r.number.clone());
        let spec = filed_module.spec.clone();
        let convention = if outcome == LetterOutcome::Retained {
            convention_of(
                state,
                view,
                a,
                &verdicts,
                &spec,
                &departments,
                party.clone(),
                &reference,
                &mut versions,
            )
            .await?
        } else {
            None
        };
        let handover = (spec.code == "M1").then_some(state.settings.handover_months);
        let letter = LetterData {
            caf: letter_deps.iter().map(|d| caf_party(d)).collect(),
            applicant: party,
            call_title: view.call.title.clone(),
            module_code: spec.code.clone(),
            module_title: spec.title.clone(),
            departments: letter_deps.iter().map(|d| with_article(&d.name)).collect(),
            applied_departments: applied.iter().map(|d| with_article(&d.name)).collect(),
            not_retained_in: if outcome == LetterOutcome::Retained {
                not_retained_in(&verdicts, &departments)
            } else {
                Vec::new()
            },
            convention_title: (outcome == LetterOutcome::Retained).then(|| match &convention {
                Some(c) => c.title.clone(),
                None => convention_title(&letter_deps, &[&spec.code]),
            }),
            outcome,
            motivation,
            unsuccessful_reason: reason,
            date: today.clone(),
            reference: reference.clone(),
            salutation: None,
            service_starts_on: Some(french_date(spec.service_starts_on)),
            service_ends_on: Some(french_date(spec.service_ends_on)),
            handover_months: handover,
        };
        jobs.push(Job {
            application_id: a.id,
            outcome,
            letter,
            convention,
        });
    }
    if jobs.is_empty() {
        return Ok(0);
    }
    let letter_template = template(state, RESULT).await?;
    let convention_template = template(state, CONVENTION).await?;
    // Typeset in a child process: a template that loops or swells fails
    // this run only.
    let mut documents: Vec<(usize, serde_json::Value)> = Vec::new();
    for j in &jobs {
        documents.push((0, to_value(&j.letter)?));
        if let Some(c) = &j.convention {
            documents.push((1, to_value(c)?));
        }
    }
    let refs: Vec<(usize, &serde_json::Value)> = documents.iter().map(|(i, d)| (*i, d)).collect();
    let mut pdfs = crate::sandbox::render(
        &state.settings.sandbox,
        &[&letter_template, &convention_template],
        &refs,
    )
    .await
    .map_err(template_error)?
    .into_iter();
    let mut made = Vec::with_capacity(jobs.len());
    for j in jobs {
        let letter = pdfs
            .next()
            .ok_or_else(|| AppError::internal("missing letter"))?;
        let convention = match j.convention {
            Some(_) => Some(
                pdfs.next()
                    .ok_or_else(|| AppError::internal("missing convention"))?,
            ),
            None => None,
        };
        made.push((j.application_id, j.outcome, letter, convention));
    }
    let now = state.now();
    let mut count = 0;
    let mut tx = state.db.begin().await?;
    for (app_id, outcome, letter, convention) in made {
        let file =
            store::files::put(&mut tx, now, "courrier.pdf", "application/pdf", &letter).await?;
        if store::letters::insert(&mut tx, app_id, RESULT, outcome_code(outcome), file, now).await?
        {
            count += 1;
        }
        if let Some(pdf) = convention {
            let file =
                store::files::put(&mut tx, now, "convention.pdf", "application/pdf", &pdf).await?;
            if store::letters::insert(
                &mut tx,
                app_id,
                CONVENTION,
                outcome_code(outcome),
                file,
                now,
            )
            .await?
            {
                count += 1;
            }
        }
    }
    store::audit::log(
        &mut tx,
        &crate::accounts::actor(p),
        now,
        "generate_letters",
        "call",
        call_id,
        None,
        serde_json::json!({"module": module_code, "documents": count}),
    )
    .await?;
    tx.commit().await?;
    Ok(count)
}

/// A module version, read once per run.
async fn module_version<'m>(
    state: &AppState,
    versions: &'m mut HashMap<Uuid, Module>,
    id: Uuid,
) -> Result<&'m Module, AppError> {
    if let Entry::Vacant(slot) = versions.entry(id) {
        let m = store::calls::module(&state.db, id)
            .await?
            .ok_or_else(AppError::not_found)?;
        slot.insert(m);
    }
    versions.get(&id).ok_or_else(AppError::not_found)
}

/// The other retained applications of the same structure on the same
/// call (other modules), decided.
async fn siblings(state: &AppState, a: &Application) -> Result<Vec<Application>, AppError> {
    let (items, _) = store::applications::list(
        &state.db,
        &domain::NetworkScope::everything(),
        &store::applications::Filter {
            call_id: Some(a.call_id),
            structure_id: Some(a.structure_id),
            status: Some(ApplicationStatus::Retained),
            filed_only: true,
            limit: 100,
            ..Default::default()
        },
    )
    .await?;
    Ok(items
        .into_iter()
        .filter(|s| s.id != a.id && s.module_code != a.module_code)
        .collect())
}

/// The convention already made for another module of the same structure
/// after `a` was decided: it covers `a` too (the call's one convention
/// "sur les modules 1 et 2").
async fn shared_convention(state: &AppState, a: &Application) -> Result<Option<Letter>, AppError> {
    for s in siblings(state, a).await? {
        let found = store::letters::of_application(&state.db, s.id)
            .await?
            .into_iter()
            .find(|l| l.kind == CONVENTION && l.created_at >= a.updated_at);
        if found.is_some() {
            return Ok(found);
        }
    }
    Ok(None)
}

/// The one convention of a retained application's structure on this call:
/// every module it is retained for (decided so far), each naming only the
/// départements where it is retained, signed by those départements' CAFs.
/// `None` when a convention made for another module already covers it.
#[allow(clippy::too_many_arguments)]
async fn convention_of(
    state: &AppState,
    view: &calls::CallView,
    a: &Application,
    verdicts: &[(&str, Verdict)],
    spec: &domain::call::ModuleSpec,
    departments: &[Department],
    structure: Party,
    reference: &str,
    versions: &mut HashMap<Uuid, Module>,
) -> Result<Option<ConventionData>, AppError> {
    if shared_convention(state, a).await?.is_some() {
        return Ok(None);
    }
    let others = siblings(state, a).await?;
    let mut verdicts_of: Vec<OwnedVerdicts> = vec![(a.module_code.clone(), a.id, owned(verdicts))];
    let mut specs: HashMap<Uuid, domain::call::ModuleSpec> = HashMap::new();
    specs.insert(a.id, spec.clone());
    for s in &others {
        let proposals = store::committee::proposals(&state.db, s.call_id, &s.module_code).await?;
        let decisions = validated_of(&proposals);
        let v = decision::verdicts(s.id, &s.departments, &decisions);
        verdicts_of.push((s.module_code.clone(), s.id, owned(&v)));
        let m = module_version(state, versions, s.module_id).await?;
        specs.insert(s.id, m.spec.clone());
    }
    let borrowed: Vec<decision::ApplicationVerdicts<'_>> = verdicts_of
        .iter()
        .map(|(code, id, v)| {
            (
                code.as_str(),
                *id,
                v.iter().map(|(d, x)| (d.as_str(), *x)).collect(),
            )
        })
        .collect();
    let Some(plan) = decision::convention_plan(&borrowed) else {
        return Ok(None);
    };
    let signing: Vec<&Department> = departments
        .iter()
        .filter(|d| plan.departments.contains(&d.code))
        .collect();
    let codes: Vec<&str> = plan
        .modules
        .iter()
        .map(|m| m.module_code.as_str())
        .collect();
    let mut modules = Vec::new();
    let mut obligations: Vec<String> = Vec::new();
    for m in &plan.modules {
        let Some(spec) = specs.get(&m.application_id) else {
            continue;
        };
        modules.push(ConventionModule {
            code: decision::module_number(&spec.code).to_owned(),
            title: spec.title.clone(),
            service_starts_on: french_date(spec.service_starts_on),
            service_ends_on: french_date(spec.service_ends_on),
            departments: departments
                .iter()
                .filter(|d| m.departments.contains(&d.code))
                .map(|d| with_article(&d.name))
                .collect(),
            handover_months: (spec.code == "M1").then_some(state.settings.handover_months),
        });
        for o in spec
            .description
            .split("\n\n")
            .map(str::trim)
            .filter(|s| !s.is_empty())
        {
            if !obligations.iter().any(|x| x == o) {
                obligations.push(o.to_owned());
            }
        }
    }
    Ok(Some(ConventionData {
        reference: reference.to_owned(),
        title: convention_title(&signing, &codes),
        call_title: view.call.title.clone(),
        structure,
        caf: signing.iter().map(|d| caf_party(d)).collect(),
        modules,
        obligations,
        signed_on: None,
    }))
}

/// [`decision::ApplicationVerdicts`], owned.
type OwnedVerdicts = (String, Uuid, Vec<(String, Verdict)>);

fn owned(v: &[(&str, Verdict)]) -> Vec<(String, Verdict)> {
    v.iter().map(|(d, x)| ((*d).to_owned(), *x)).collect()
}

/// A template error as a 422 naming the line.
pub fn template_error(e: LetterError) -> AppError {
    match e {
        LetterError::Template { message, line } => AppError::invalid_field(
            "template",
            match line {
                Some(l) => {
                    format!("Le modèle de courrier contient une erreur, ligne {l} : {message}")
                }
                None => format!("Le modèle de courrier contient une erreur : {message}"),
            },
        ),
        other @ LetterError::Data(_) => AppError::internal(other),
    }
}

/// The letters made for a module (staff of the call), of the applications
/// in the caller's départements only: each CAF its own.
pub async fn letters(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<Vec<Letter>, AppError> {
    let view = calls::staff_call(state, p, call_id).await?;
    let module = view.module(code).ok_or_else(AppError::not_found)?;
    let mine = scoped_ids(state, p, call_id, &module.spec.code).await?;
    let mut all = store::letters::of_module(&state.db, call_id, &module.spec.code).await?;
    all.retain(|l| mine.contains(&l.application_id));
    Ok(all)
}

/// The filed applications of a module in the caller's départements.
async fn scoped_ids(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<std::collections::HashSet<Uuid>, AppError> {
    let (items, _) = store::applications::list(
        &state.db,
        &domain::NetworkScope::everything(),
        &store::applications::Filter {
            call_id: Some(call_id),
            module_code: Some(code.to_owned()),
            filed_only: true,
            limit: 10_000,
            ..Default::default()
        },
    )
    .await?;
    Ok(items
        .iter()
        .filter(|a| in_scope(p, a))
        .map(|a| a.id)
        .collect())
}

/// E-mails every letter not yet sent of the caller's départements, with
/// its PDFs, each audited (`send_letter`); returns how many applicants
/// were written to now (0 on a second run).
pub async fn send_all(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<usize, AppError> {
    let (view, module, filed) = decided(state, p, call_id, code).await?;
    let all = store::letters::of_module(&state.db, call_id, &module.spec.code).await?;
    let now = state.now();
    let mut sent = 0;
    let mut tx = state.db.begin().await?;
    for a in &filed {
        let mine: Vec<&Letter> = all
            .iter()
            .filter(|l| l.application_id == a.id && l.queued_at.is_none())
            .collect();
        if mine.is_empty() {
            continue;
        }
        let mut attachments = Vec::new();
        for l in &mine {
            let f = store::files::get(&state.db, l.file_id)
                .await?
                .ok_or_else(AppError::not_found)?;
            attachments.push(Attachment {
                file_name: if l.kind == CONVENTION {
                    format!("convention-{}.pdf", module.spec.code)
                } else {
                    format!("courrier-{}.pdf", module.spec.code)
                },
                content_type: "application/pdf".into(),
                content: f.content,
            });
        }
        // Retained, its convention made with another module's letters: the
        // one convention goes with this letter too.
        let own_convention = all
            .iter()
            .any(|l| l.application_id == a.id && l.kind == CONVENTION);
        if !own_convention
            && mine.iter().any(|l| l.outcome == "retained")
            && let Some(shared) = shared_convention(state, a).await?
            && let Some(f) = store::files::get(&state.db, shared.file_id).await?
        {
            attachments.push(Attachment {
                file_name: "convention.pdf".into(),
                content_type: "application/pdf".into(),
                content: f.content,
            });
        }
        let body = LetterMail {
            structure: &a.structure_name,
            call: &view.call.title,
            module: &format!("{} — {}", module.spec.code, module.spec.title),
            retained: mine.iter().any(|l| l.outcome == "retained"),
            link: format!("{}/candidatures/{}", state.settings.base_url, a.id),
        };
        let to =
            store::applications::referent_emails(&state.db, a.structure_id, a.created_by).await?;
        let mut first = None;
        for address in &to {
            let id = queue_with(
                state,
                &mut tx,
                address,
                &format!(
                    "Résultat de l'appel à candidatures — module {}",
                    module.spec.code
                ),
                "letter",
                &body,
                &attachments,
            )
            .await?;
            first.get_or_insert(id);
        }
        if let Some(email) = first
            && store::letters::mark_queued(&mut tx, a.id, email, now).await?
        {
            sent += 1;
            store::audit::log(
                &mut tx,
                &crate::accounts::actor(p),
                now,
                "send_letter",
                "application",
                a.id,
                None,
                serde_json::json!({
                    "module": module.spec.code,
                    "documents": mine.iter().map(|l| l.kind.as_str()).collect::<Vec<_>>(),
                    "recipients": to.len(),
                }),
            )
            .await?;
        }
    }
    tx.commit().await?;
    state.jobs_queued.notify_one();
    Ok(sent)
}

#[derive(askama::Template)]
#[template(path = "emails/letter.txt")]
struct LetterMail<'a> {
    structure: &'a str,
    call: &'a str,
    module: &'a str,
    retained: bool,
    link: String,
}

/// A letter of an application as a PDF, once its decision is validated
/// (API.md): made on the first request if the CAF has not prepared the
/// module's letters yet. Staff of its départements read it too.
pub async fn document(
    state: &AppState,
    p: &Principal,
    application_id: Uuid,
    kind: &str,
) -> Result<Vec<u8>, AppError> {
    let a = calls::application(state, p, application_id).await?;
    let decided = matches!(
        a.status,
        ApplicationStatus::Retained | ApplicationStatus::NotRetained
    );
    if !decided {
        return Err(AppError::not_found());
    }
    let mut letters = store::letters::of_application(&state.db, a.id).await?;
    if letters.is_empty() {
        let view = calls::call(state, Some(p), a.call_id).await?;
        make(state, p, &view, &a.module_code, std::slice::from_ref(&a)).await?;
        letters = store::letters::of_application(&state.db, a.id).await?;
    }
    let mut letter = letters.into_iter().find(|l| l.kind == kind);
    if letter.is_none() && kind == CONVENTION && a.status == ApplicationStatus::Retained {
        // One convention for all the modules of a structure: made with
        // another module's letters.
        letter = shared_convention(state, &a).await?;
    }
    let letter = letter.ok_or_else(AppError::not_found)?;
    Ok(store::files::get(&state.db, letter.file_id)
        .await?
        .ok_or_else(AppError::not_found)?
        .content)
}

fn sample_caf() -> CafParty {
    CafParty {
        department_code: "03".into(),
        name: "Caisse d'allocations familiales de l'Allier".into(),
        short_name: "Caf de l'Allier".into(),
        address: vec!["6 rue Achille Roche".into(), "03000 Moulins".into()],
        city: "Moulins".into(),
        signatory: Signatory {
            name: "Prénom Nom".into(),
            title: "Pour la Caf de l'Allier".into(),
        },
        contact: Some("Prénom Nom — 04 70 00 00 00".into()),
    }
}

fn sample_party() -> Party {
    Party {
        name: "Centre social d'exemple".into(),
        address: vec!["1 place de la Mairie".into(), "03200 Vichy".into()],
        city: "Vichy".into(),
        representative: None,
    }
}

fn to_value<T: serde::Serialize>(data: &T) -> Result<serde_json::Value, AppError> {
    serde_json::to_value(data).map_err(AppError::internal)
}

/// Checks an administrator's template by rendering it with sample data, in
/// the sandbox (422 with the line of the first error, or naming the time
/// or memory it exceeds).
pub async fn check_template(
    sandbox: &crate::sandbox::SandboxConfig,
    kind: &str,
    source: &str,
) -> Result<(), AppError> {
    let data = match kind {
        RESULT => to_value(&LetterData {
            caf: vec![sample_caf()],
            applicant: sample_party(),
            call_title: "Appel à candidatures".into(),
            module_code: "M1".into(),
            module_title: "Coordination".into(),
            departments: vec!["l'Allier".into()],
            applied_departments: vec!["l'Allier".into()],
            not_retained_in: Vec::new(),
            convention_title: None,
            outcome: LetterOutcome::NotRetained,
            motivation: Some("Motivation du comité.".into()),
            unsuccessful_reason: None,
            date: "1er juin 2024".into(),
            reference: "2024-M1-0001".into(),
            salutation: None,
            service_starts_on: Some("1er juin 2024".into()),
            service_ends_on: Some("31 décembre 2026".into()),
            handover_months: Some(1),
        })?,
        CONVENTION => to_value(&ConventionData {
            reference: "2024-M1-0001".into(),
            title: "Coordinateur du réseau des Promeneurs du Net de l'Allier sur le module 1"
                .into(),
            call_title: "Appel à candidatures".into(),
            structure: sample_party(),
            caf: vec![sample_caf()],
            modules: vec![ConventionModule {
                code: "M1".into(),
                title: "Coordination".into(),
                service_starts_on: "1er juin 2024".into(),
                service_ends_on: "31 décembre 2026".into(),
                departments: vec!["l'Allier".into()],
                handover_months: Some(1),
            }],
            obligations: vec!["Animer le réseau.".into()],
            signed_on: None,
        })?,
        _ => return Err(AppError::not_found()),
    };
    crate::sandbox::render(sandbox, &[source], &[(0, &data)])
        .await
        .map(|_| ())
        .map_err(template_error)
}

/// Saves an administrator's template after checking it (`None`: back to
/// the built-in one).
pub async fn set_template(
    state: &AppState,
    p: &Principal,
    kind: &str,
    source: Option<&str>,
) -> Result<(), AppError> {
    let cap = p.admin().ok_or_else(|| {
        AppError::forbidden("Seuls les administrateurs modifient les modèles de courrier.")
    })?;
    default_template(kind).ok_or_else(AppError::not_found)?;
    if let Some(s) = source {
        check_template(&state.settings.sandbox, kind, s).await?;
    }
    let mut tx = state.db.begin().await?;
    store::letters::set_template(
        &mut tx,
        &cap,
        &crate::accounts::actor(p),
        state.now(),
        kind,
        source,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The template in use for a kind, and whether it is the built-in one.
pub async fn current_template(state: &AppState, kind: &str) -> Result<(String, bool), AppError> {
    let builtin = default_template(kind).ok_or_else(AppError::not_found)?;
    Ok(match store::letters::template(&state.db, kind).await? {
        Some(s) => (s, false),
        None => (builtin.to_owned(), true),
    })
}

/// Why the letters of a module cannot be made yet, for the pages: `None`
/// when they can, or the refusal `generate` would give (409:
/// `not_decided`, `no_applications`). Callers who do not manage the call
/// get its error.
pub async fn waiting(
    state: &AppState,
    p: &Principal,
    call_id: Uuid,
    code: &str,
) -> Result<Option<AppError>, AppError> {
    match decided(state, p, call_id, code).await {
        Ok(_) => Ok(None),
        Err(e) if e.status == axum::http::StatusCode::CONFLICT => Ok(Some(e)),
        Err(e) => Err(e),
    }
}
