//! The templates of the letters and conventions: the built-in ones, an
//! administrator's, checked by typesetting them with sample data.

use documents::letters::{
    CafParty, ConventionData, ConventionModule, LetterData, LetterError, LetterOutcome, Party,
    Signatory,
};
use domain::Principal;

use super::{CONVENTION, RESULT, default_template};
use crate::{Ctx, ServiceError};

pub(super) async fn template(ctx: &Ctx, kind: &str) -> Result<String, ServiceError> {
    Ok(match store::letters::template(&ctx.db, kind).await? {
        Some(s) => s,
        None => default_template(kind)
            .ok_or(ServiceError::NotFound)?
            .to_owned(),
    })
}

/// A template error as a 422 naming the line.
pub fn template_error(e: LetterError) -> ServiceError {
    match e {
        LetterError::Template { message, line } => ServiceError::invalid_field(
            "template",
            match line {
                Some(l) => {
                    format!("Le modèle de courrier contient une erreur, ligne {l} : {message}")
                }
                None => format!("Le modèle de courrier contient une erreur : {message}"),
            },
        ),
        other @ LetterError::Data(_) => ServiceError::internal(other),
    }
}

pub(super) fn sample_caf() -> CafParty {
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

pub(super) fn sample_party() -> Party {
    Party {
        name: "Centre social d'exemple".into(),
        address: vec!["1 place de la Mairie".into(), "03200 Vichy".into()],
        city: "Vichy".into(),
        representative: None,
    }
}

pub(super) fn to_value<T: serde::Serialize>(data: &T) -> Result<serde_json::Value, ServiceError> {
    serde_json::to_value(data).map_err(ServiceError::internal)
}

/// Checks an administrator's template by rendering it with sample data, in
/// the sandbox (422 with the line of the first error, or naming the time
/// or memory it exceeds).
pub async fn check_template(
    sandbox: &crate::sandbox::SandboxConfig,
    kind: &str,
    source: &str,
) -> Result<(), ServiceError> {
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
        _ => return Err(ServiceError::NotFound),
    };
    crate::sandbox::render(sandbox, &[source], &[(0, &data)])
        .await
        .map(|_| ())
        .map_err(template_error)
}

/// Saves an administrator's template after checking it (`None`: back to
/// the built-in one).
pub async fn set_template(
    ctx: &Ctx,
    p: &Principal,
    kind: &str,
    source: Option<&str>,
) -> Result<(), ServiceError> {
    let cap = p.admin().ok_or_else(|| {
        ServiceError::forbidden("Seuls les administrateurs modifient les modèles de courrier.")
    })?;
    default_template(kind).ok_or(ServiceError::NotFound)?;
    if let Some(s) = source {
        check_template(&ctx.settings.sandbox, kind, s).await?;
    }
    let mut tx = ctx.db.begin().await?;
    store::letters::set_template(
        &mut tx,
        &cap,
        &crate::accounts::actor(p),
        ctx.now(),
        kind,
        source,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The template in use for a kind, and whether it is the built-in one.
pub async fn current_template(ctx: &Ctx, kind: &str) -> Result<(String, bool), ServiceError> {
    let builtin = default_template(kind).ok_or(ServiceError::NotFound)?;
    Ok(match store::letters::template(&ctx.db, kind).await? {
        Some(s) => (s, false),
        None => (builtin.to_owned(), true),
    })
}
