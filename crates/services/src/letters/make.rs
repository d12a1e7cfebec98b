//! Typesetting a module's letters and conventions (in the sandbox) and
//! storing them; the one convention of a structure across modules.

use std::collections::{HashMap, hash_map::Entry};

use documents::letters::{ConventionData, ConventionModule, LetterData, LetterOutcome, Party};
use domain::{
    Principal,
    call::ApplicationStatus,
    clock::french_date,
    decision::{self, ProposalStatus, Verdict},
};
use store::{
    applications::Application,
    calls::Module,
    committee::Proposal,
    letters::{Letter, LetterWriter},
    reference::Department,
};
use uuid::Uuid;

use super::{
    CONVENTION, RESULT, outcome_code,
    templates::{template, template_error, to_value},
    wording::{
        applicant, caf_party, convention_title, not_retained_in, outcome_of, validated_of,
        with_article,
    },
};
use crate::{Ctx, ServiceError, calls};

/// One application's documents to make.
pub(super) struct Job {
    application_id: Uuid,
    outcome: LetterOutcome,
    letter: LetterData,
    convention: Option<ConventionData>,
}

/// Makes the documents not yet made for these decided applications of one
/// module; returns how many were made.
pub(super) async fn make(
    ctx: &Ctx,
    p: &Principal,
    by: LetterWriter<'_>,
    view: &calls::CallView,
    module_code: &str,
    filed: &[Application],
) -> Result<usize, ServiceError> {
    let call_id = view.call.id;
    let proposals = store::committee::proposals(&ctx.db, call_id, module_code).await?;
    let validated: Vec<&Proposal> = proposals
        .iter()
        .filter(|x| x.status == ProposalStatus::Validated)
        .collect();
    let decisions = validated_of(&proposals);
    let departments = store::reference::departments(&ctx.db).await?;
    let existing = store::letters::of_module(&ctx.db, call_id, module_code).await?;
    let today = french_date(ctx.today());
    let mut jobs = Vec::new();
    // The module versions the applications are filed under: usually one.
    let mut versions: HashMap<Uuid, Module> = HashMap::new();
    for a in filed {
        if existing.iter().any(|l| l.application_id == a.id) {
            continue;
        }
        let filed_module = module_version(ctx, &mut versions, a.module_id).await?;
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
            departments
                .iter()
                .filter(|d| codes(d.code.as_str()))
                .collect()
        };
        let applied = named(&|c| a.departments.iter().any(|d| d == c));
        let letter_deps = if outcome == LetterOutcome::Retained {
            named(&|c| retained_in.contains(&c))
        } else {
            applied.clone()
        };
        let party = applicant(ctx, a).await?;
        let reference = store::applications::receipts(&ctx.db, a.id)
            .await?
            .last()
            .map_or_else(|| a.id.to_string(), |r| r.number.clone());
        let spec = filed_module.spec.clone();
        let convention = if outcome == LetterOutcome::Retained {
            convention_of(
                ctx,
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
        let handover = (spec.code == "M1").then_some(ctx.settings.handover_months);
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
    let letter_template = template(ctx, RESULT).await?;
    let convention_template = template(ctx, CONVENTION).await?;
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
        &ctx.settings.sandbox,
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
            .ok_or_else(|| ServiceError::internal("missing letter"))?;
        let convention = match j.convention {
            Some(_) => Some(
                pdfs.next()
                    .ok_or_else(|| ServiceError::internal("missing convention"))?,
            ),
            None => None,
        };
        made.push((j.application_id, j.outcome, letter, convention));
    }
    let now = ctx.now();
    let mut count = 0;
    let mut tx = ctx.db.begin().await?;
    for (app_id, outcome, letter, convention) in made {
        let file =
            store::files::put(&mut tx, now, "courrier.pdf", "application/pdf", &letter).await?;
        if store::letters::insert(
            &mut tx,
            by,
            app_id,
            RESULT,
            outcome_code(outcome),
            file,
            now,
        )
        .await?
        {
            count += 1;
        }
        if let Some(pdf) = convention {
            let file =
                store::files::put(&mut tx, now, "convention.pdf", "application/pdf", &pdf).await?;
            if store::letters::insert(
                &mut tx,
                by,
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
pub(super) async fn module_version<'m>(
    ctx: &Ctx,
    versions: &'m mut HashMap<Uuid, Module>,
    id: Uuid,
) -> Result<&'m Module, ServiceError> {
    if let Entry::Vacant(slot) = versions.entry(id) {
        let m = store::calls::module(&ctx.db, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        slot.insert(m);
    }
    versions.get(&id).ok_or(ServiceError::NotFound)
}

/// The other retained applications of the same structure on the same
/// call (other modules), decided.
pub(super) async fn siblings(ctx: &Ctx, a: &Application) -> Result<Vec<Application>, ServiceError> {
    let (items, _) = store::applications::list(
        &ctx.db,
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
pub(super) async fn shared_convention(
    ctx: &Ctx,
    a: &Application,
) -> Result<Option<Letter>, ServiceError> {
    for s in siblings(ctx, a).await? {
        let found = store::letters::of_application(&ctx.db, s.id)
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
pub(super) async fn convention_of(
    ctx: &Ctx,
    view: &calls::CallView,
    a: &Application,
    verdicts: &[(&str, Verdict)],
    spec: &domain::call::ModuleSpec,
    departments: &[Department],
    structure: Party,
    reference: &str,
    versions: &mut HashMap<Uuid, Module>,
) -> Result<Option<ConventionData>, ServiceError> {
    if shared_convention(ctx, a).await?.is_some() {
        return Ok(None);
    }
    let others = siblings(ctx, a).await?;
    let mut verdicts_of: Vec<OwnedVerdicts> = vec![(a.module_code.clone(), a.id, owned(verdicts))];
    let mut specs: HashMap<Uuid, domain::call::ModuleSpec> = HashMap::new();
    specs.insert(a.id, spec.clone());
    for s in &others {
        let proposals = store::committee::proposals(&ctx.db, s.call_id, &s.module_code).await?;
        let decisions = validated_of(&proposals);
        let v = decision::verdicts(s.id, &s.departments, &decisions);
        verdicts_of.push((s.module_code.clone(), s.id, owned(&v)));
        let m = module_version(ctx, versions, s.module_id).await?;
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
        .filter(|d| plan.departments.iter().any(|c| c == d.code.as_str()))
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
                .filter(|d| m.departments.iter().any(|c| c == d.code.as_str()))
                .map(|d| with_article(&d.name))
                .collect(),
            handover_months: (spec.code == "M1").then_some(ctx.settings.handover_months),
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
pub(super) type OwnedVerdicts = (String, Uuid, Vec<(String, Verdict)>);

pub(super) fn owned(v: &[(&str, Verdict)]) -> Vec<(String, Verdict)> {
    v.iter().map(|(d, x)| ((*d).to_owned(), *x)).collect()
}
