//! Network operations shared by the pages and the API: authorise, check,
//! write in one transaction, answer with French errors.

use domain::{
    DepartmentCode, NetworkCap, Principal,
    promeneur::PromeneurStatus,
    trust::{Editor, GatingDecision, GatingValues, gating_decision, status_without_proposal},
};
use jiff::civil::Date;
use store::{
    promeneurs::{Promeneur, Proposal},
    structures::Structure,
};
use uuid::Uuid;

use services::network::{gating_of, gating_of_input, set_gating};

use super::input::{
    Context, Errors, NetworkDraft, PromeneurDraft, SlotDraft, StructureDraft, validate_profile,
    validate_promeneur, validate_structure,
};
use crate::{AppError, AppState, accounts::actor};

fn dep(code: &str) -> Result<DepartmentCode, AppError> {
    DepartmentCode::parse(code).map_err(|_| AppError::not_found())
}

fn conflict_message(what: &str) -> AppError {
    match what {
        "siret" => AppError::invalid_field("siret", "Une structure porte déjà ce SIRET."),
        "email" => AppError::invalid_field("email", "Un promeneur a déjà cette adresse e-mail."),
        "proposal" => AppError::conflict(
            "proposal_changed",
            "La proposition vient d'être traitée ou remplacée : rechargez la page.",
        ),
        "status" => AppError::conflict(
            "status_changed",
            "Le statut vient d'être modifié par quelqu'un d'autre : rechargez la page.",
        ),
        _ => AppError::conflict("conflict", "Conflit avec une donnée existante."),
    }
}

fn store_err(e: store::StoreError) -> AppError {
    match e {
        store::StoreError::Conflict(what) => conflict_message(what),
        other => other.into(),
    }
}

pub async fn structure(state: &AppState, p: &Principal, id: Uuid) -> Result<Structure, AppError> {
    store::structures::find(&state.db, &p.structure_scope(), id)
        .await?
        .ok_or_else(AppError::not_found)
}

pub async fn promeneur(state: &AppState, p: &Principal, id: Uuid) -> Result<Promeneur, AppError> {
    store::promeneurs::find(&state.db, &p.network_scope(), id)
        .await?
        .ok_or_else(AppError::not_found)
}

pub async fn create_structure(
    state: &AppState,
    p: &Principal,
    draft: &StructureDraft,
) -> Result<Uuid, AppError> {
    let communes = state.communes().await?;
    let input = validate_structure(draft, &communes).map_err(AppError::invalid)?;
    let cap = p
        .network_editor(&dep(&input.department)?, None)
        .filter(|c| c.staff)
        .ok_or_else(|| {
            if p.network_scope().is_empty() {
                AppError::not_found()
            } else {
                AppError::invalid_field(
                    "commune_insee",
                    "Cette commune est hors de vos départements.",
                )
            }
        })?;
    let mut tx = state.db.begin().await?;
    let id = store::structures::create(&mut tx, &cap, &actor(p), state.now(), &input)
        .await
        .map_err(store_err)?;
    tx.commit().await?;
    state.directory.invalidate();
    Ok(id)
}

pub async fn update_structure(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    draft: &StructureDraft,
) -> Result<(), AppError> {
    let current = structure(state, p, id).await?;
    let cap = p
        .network_editor(&dep(&current.department)?, Some(id))
        .ok_or_else(AppError::not_found)?;
    let communes = state.communes().await?;
    let input = validate_structure(draft, &communes).map_err(AppError::invalid)?;
    if input.department != current.department
        && p.network_editor(&dep(&input.department)?, None)
            .is_none_or(|c| !c.staff)
    {
        return Err(AppError::invalid_field(
            "commune_insee",
            "Cette commune est hors de vos départements.",
        ));
    }
    if !cap.staff && input.siret != current.siret && current.siret.is_some() {
        return Err(AppError::invalid_field(
            "siret",
            "Seule la coordination peut changer le SIRET d'une structure.",
        ));
    }
    let mut tx = state.db.begin().await?;
    store::structures::update(&mut tx, &cap, &actor(p), state.now(), id, &input)
        .await
        .map_err(store_err)?;
    tx.commit().await?;
    state.directory.invalidate();
    Ok(())
}

pub async fn archive_structure(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    archived: bool,
) -> Result<(), AppError> {
    let current = structure(state, p, id).await?;
    let cap = p
        .network_editor(&dep(&current.department)?, Some(id))
        .filter(|c| c.staff)
        .ok_or_else(|| AppError::forbidden("Seule la coordination peut archiver une structure."))?;
    let mut tx = state.db.begin().await?;
    store::structures::set_archived(&mut tx, &cap, &actor(p), state.now(), id, archived).await?;
    tx.commit().await?;
    state.directory.invalidate();
    Ok(())
}

/// Validates a draft for `p`: the structure is one `p` may edit.
async fn check_promeneur(
    state: &AppState,
    p: &Principal,
    draft: &PromeneurDraft,
) -> Result<super::input::ValidPromeneur, AppError> {
    let communes = state.communes().await?;
    let themes: Vec<String> = store::promeneurs::themes(&state.db)
        .await?
        .into_iter()
        .filter(|t| !t.archived)
        .map(|t| t.slug)
        .collect();
    let structure = match Uuid::parse_str(draft.structure.trim()) {
        Ok(id) => store::structures::find(&state.db, &p.network_scope(), id).await?,
        Err(_) => None,
    };
    let lookup = |_: &str| -> Result<(Uuid, String), String> {
        match &structure {
            Some(s) if s.archived_at.is_none() => Ok((s.id, s.department.clone())),
            Some(_) => Err("Cette structure est archivée.".into()),
            None => Err("Structure inconnue.".into()),
        }
    };
    let ctx = Context {
        communes: &communes,
        themes: &themes,
        structures: &lookup,
    };
    validate_promeneur(draft, &ctx).map_err(AppError::invalid)
}

/// What became of a change: written, or (the fields that open the
/// directory, changed by a referent) a proposal waiting for staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Written,
    Proposed,
}

fn editor_of(cap: &NetworkCap) -> Editor {
    if cap.staff {
        Editor::Staff
    } else {
        Editor::Referent
    }
}

fn proposal_of(values: &GatingValues, p: &Principal, state: &AppState) -> Proposal {
    Proposal {
        active: values.active,
        mandate_hours: values.mandate_hours,
        mandate_starts_on: values.mandate_starts_on,
        mandate_ends_on: values.mandate_ends_on,
        charter_signed_on: values.charter_signed_on,
        initial_training_on: values.initial_training_on,
        proposed_by: actor(p).label,
        proposed_at: state.now(),
    }
}

fn refused(fields: &[domain::trust::GatingField]) -> AppError {
    let names: Vec<&str> = fields.iter().map(|f| f.label()).collect();
    AppError::forbidden(format!(
        "Seules la Caf et la coordination du département renseignent : {}.",
        names.join(", ")
    ))
}

/// Consent to appear in the directory is given by the promeneur itself,
/// from its account.
pub fn consent_refused() -> AppError {
    AppError::invalid_field(
        "public_consent",
        "Le consentement à paraître dans l'annuaire est donné par le promeneur lui-même, depuis son compte (« Mon profil »).",
    )
}

/// Creates a promeneur. Consent is never set here (the promeneur gives it
/// from its account); a referent's gating fields (status `active`, mandate,
/// charter, training) become a proposal that staff confirm.
pub async fn create_promeneur(
    state: &AppState,
    p: &Principal,
    draft: &PromeneurDraft,
) -> Result<(Uuid, Outcome), AppError> {
    let valid = check_promeneur(state, p, draft).await?;
    let cap = p
        .network_editor(
            &dep(&valid.input.department)?,
            Some(valid.input.structure_id),
        )
        .ok_or_else(|| AppError::invalid_field("structure_id", "Structure inconnue."))?;
    let mut input = valid.input.clone();
    input.profile.public_consent = false;
    let wanted = gating_of_input(&input, valid.status == PromeneurStatus::Active);
    let mut status = valid.status;
    let proposal = match gating_decision(editor_of(&cap), &GatingValues::default(), &wanted) {
        GatingDecision::Write => None,
        GatingDecision::Propose(_) => {
            set_gating(&mut input, &GatingValues::default());
            status = status_without_proposal(PromeneurStatus::Candidate, status);
            Some(proposal_of(&wanted, p, state))
        }
        GatingDecision::Refuse(fields) => return Err(refused(&fields)),
    };
    let mut tx = state.db.begin().await?;
    let id = store::promeneurs::create(
        &mut tx,
        &cap,
        &actor(p),
        state.now(),
        &input,
        status.as_str(),
        state.today(),
    )
    .await
    .map_err(store_err)?;
    if let Some(proposal) = &proposal {
        let current = store::promeneurs::Current {
            id,
            structure_id: input.structure_id,
            department: input.department.clone(),
            status: status.as_str().to_owned(),
        };
        store::promeneurs::propose(&mut tx, &cap, &actor(p), state.now(), &current, proposal)
            .await?;
    }
    tx.commit().await?;
    state.directory.invalidate();
    Ok((
        id,
        if proposal.is_some() {
            Outcome::Proposed
        } else {
            Outcome::Written
        },
    ))
}

pub async fn update_promeneur(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    draft: &PromeneurDraft,
) -> Result<Outcome, AppError> {
    let current = promeneur(state, p, id).await?;
    // Its current employer must be one the caller edits…
    if p.network_editor(&dep(&current.department)?, Some(current.structure_id))
        .is_none()
    {
        return Err(AppError::forbidden(
            "Vous ne pouvez que consulter cette fiche.",
        ));
    }
    let valid = check_promeneur(state, p, draft).await?;
    // …and so must the new one.
    let cap = p
        .network_editor(
            &dep(&valid.input.department)?,
            Some(valid.input.structure_id),
        )
        .ok_or_else(|| AppError::invalid_field("structure_id", "Structure inconnue."))?;
    let mut input = valid.input.clone();
    // Consent stays what the promeneur gave from its account.
    input.profile.public_consent = current.public_consent;
    let now_values = gating_of(&current);
    let mut wanted = gating_of_input(&input, now_values.active);
    let proposal = match gating_decision(editor_of(&cap), &now_values, &wanted) {
        GatingDecision::Write => None,
        GatingDecision::Propose(_) => {
            set_gating(&mut input, &now_values);
            // A pending request for `active` stays requested.
            wanted.active |= current.proposal.as_ref().is_some_and(|x| x.active);
            Some(proposal_of(&wanted, p, state))
        }
        GatingDecision::Refuse(fields) => return Err(refused(&fields)),
    };
    let mut tx = state.db.begin().await?;
    store::promeneurs::update(
        &mut tx,
        &cap,
        &actor(p),
        state.now(),
        &(&current).into(),
        &input,
    )
    .await
    .map_err(store_err)?;
    if let Some(proposal) = &proposal {
        let moved = store::promeneurs::Current {
            structure_id: input.structure_id,
            department: input.department.clone(),
            ..(&current).into()
        };
        store::promeneurs::propose(&mut tx, &cap, &actor(p), state.now(), &moved, proposal).await?;
    }
    tx.commit().await?;
    state.directory.invalidate();
    Ok(if proposal.is_some() {
        Outcome::Proposed
    } else {
        Outcome::Written
    })
}

/// A promeneur edits its own public profile.
#[allow(clippy::too_many_arguments)]
pub async fn update_own_profile(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    networks: &[NetworkDraft],
    presence: &[SlotDraft],
    themes: &[String],
    public_bio: &str,
    public_consent: bool,
) -> Result<(), AppError> {
    let current = promeneur(state, p, id).await?;
    if current.user_id != Some(p.user_id) {
        return Err(AppError::not_found());
    }
    let known: Vec<String> = store::promeneurs::themes(&state.db)
        .await?
        .into_iter()
        .filter(|t| !t.archived)
        .map(|t| t.slug)
        .collect();
    let mut e = Errors::new();
    let profile = validate_profile(
        networks,
        presence,
        themes,
        &known,
        public_bio,
        public_consent,
        &mut e,
    );
    if !e.is_empty() {
        return Err(AppError::invalid(e));
    }
    let mut tx = state.db.begin().await?;
    store::promeneurs::update_profile(&mut tx, p.user_id, &actor(p), state.now(), id, &profile)
        .await?;
    tx.commit().await?;
    state.directory.invalidate();
    Ok(())
}

pub async fn set_status(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    status: &str,
    on: &str,
    reason: &str,
) -> Result<Outcome, AppError> {
    let current = promeneur(state, p, id).await?;
    let cap = p
        .network_editor(&dep(&current.department)?, Some(current.structure_id))
        .ok_or_else(|| AppError::forbidden("Vous ne pouvez que consulter cette fiche."))?;
    let next = PromeneurStatus::parse(status)
        .map_err(|e| AppError::invalid_field("status", e.to_string()))?;
    let from =
        PromeneurStatus::parse(&current.status).map_err(|e| AppError::internal(e.to_string()))?;
    if !from.can_move_to(next) {
        return Err(AppError::invalid_field(
            "status",
            format!(
                "Un promeneur au statut « {} » ne peut pas passer à « {} ».",
                from.label(),
                next.label()
            ),
        ));
    }
    let on: Date = if on.trim().is_empty() {
        state.today()
    } else {
        domain::date_input::parse_french_date(on)
            .map_err(|e| AppError::invalid_field("on", e.to_string()))?
    };
    if reason.chars().count() > 500 {
        return Err(AppError::invalid_field(
            "reason",
            "Motif trop long (500 caractères au plus).",
        ));
    }
    let now_values = gating_of(&current);
    let wanted = GatingValues {
        active: next == PromeneurStatus::Active,
        ..now_values.clone()
    };
    if let GatingDecision::Propose(_) = gating_decision(editor_of(&cap), &now_values, &wanted) {
        // A referent asks for `active`: with the dates it already proposed.
        let base = current
            .proposal
            .as_ref()
            .map_or(now_values, |x| GatingValues {
                active: true,
                mandate_hours: x.mandate_hours,
                mandate_starts_on: x.mandate_starts_on,
                mandate_ends_on: x.mandate_ends_on,
                charter_signed_on: x.charter_signed_on,
                initial_training_on: x.initial_training_on,
            });
        let proposal = proposal_of(
            &GatingValues {
                active: true,
                ..base
            },
            p,
            state,
        );
        let mut tx = state.db.begin().await?;
        store::promeneurs::propose(
            &mut tx,
            &cap,
            &actor(p),
            state.now(),
            &(&current).into(),
            &proposal,
        )
        .await?;
        tx.commit().await?;
        return Ok(Outcome::Proposed);
    }
    let mut tx = state.db.begin().await?;
    store::promeneurs::set_status(
        &mut tx,
        &cap,
        &actor(p),
        state.now(),
        &(&current).into(),
        next.as_str(),
        on,
        reason.trim(),
    )
    .await
    .map_err(store_err)?;
    tx.commit().await?;
    state.directory.invalidate();
    Ok(Outcome::Written)
}

/// Staff of the promeneur's département accept (write the proposed
/// fields, and move it to `active` when asked) or reject a referent's
/// proposal. Out of scope: 404; a referent: 403; no proposal: 409.
pub async fn decide_proposal(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    accept: bool,
) -> Result<(), AppError> {
    let current = promeneur(state, p, id).await?;
    let cap = p
        .network_editor(&dep(&current.department)?, Some(current.structure_id))
        .filter(|c| c.staff)
        .ok_or_else(|| {
            AppError::forbidden(
                "Seules la Caf et la coordination du département confirment une proposition.",
            )
        })?;
    let proposal = current.proposal.clone().ok_or_else(|| {
        AppError::conflict(
            "no_proposal",
            "Aucune proposition n'attend de confirmation pour ce promeneur.",
        )
    })?;
    let from =
        PromeneurStatus::parse(&current.status).map_err(|e| AppError::internal(e.to_string()))?;
    let activate = accept && proposal.active && from != PromeneurStatus::Active;
    if activate && !from.can_move_to(PromeneurStatus::Active) {
        return Err(AppError::invalid_field(
            "status",
            format!(
                "Un promeneur au statut « {} » ne peut pas passer à « Actif ».",
                from.label()
            ),
        ));
    }
    let cur: store::promeneurs::Current = (&current).into();
    let mut tx = state.db.begin().await?;
    store::promeneurs::decide_proposal(
        &mut tx,
        &cap,
        &actor(p),
        state.now(),
        &cur,
        &proposal,
        accept,
    )
    .await
    .map_err(store_err)?;
    if activate {
        store::promeneurs::set_status(
            &mut tx,
            &cap,
            &actor(p),
            state.now(),
            &cur,
            PromeneurStatus::Active.as_str(),
            state.today(),
            &format!("Proposition de {} confirmée", proposal.proposed_by),
        )
        .await
        .map_err(store_err)?;
    }
    tx.commit().await?;
    state.directory.invalidate();
    Ok(())
}

/// The structures of `p`'s départements waiting for approval (staff only;
/// nothing for anyone else).
pub async fn pending_structures(
    state: &AppState,
    p: &Principal,
) -> Result<Vec<Structure>, AppError> {
    if !p.is_staff() {
        return Ok(Vec::new());
    }
    let (items, _) = store::structures::list(
        &state.db,
        &p.structure_scope(),
        &store::structures::Filter {
            approved: Some(false),
            limit: 1_000,
            ..Default::default()
        },
    )
    .await?;
    Ok(items)
}

/// Approves a structure that signed itself up: staff of its département
/// (404 for anyone else); 409 when it is approved already.
pub async fn approve_structure(state: &AppState, p: &Principal, id: Uuid) -> Result<(), AppError> {
    let current = structure(state, p, id).await?;
    let cap = p
        .network_editor(&dep(&current.department)?, None)
        .filter(|c| c.staff)
        .ok_or_else(AppError::not_found)?;
    if current.approved_at.is_some() {
        return Err(AppError::conflict(
            "already_approved",
            "Cette structure est déjà validée.",
        ));
    }
    let mut tx = state.db.begin().await?;
    store::structures::approve(&mut tx, &cap, &actor(p), state.now(), id)
        .await
        .map_err(|e| match e {
            store::StoreError::NotFound => {
                AppError::conflict("already_approved", "Cette structure est déjà validée.")
            }
            other => other.into(),
        })?;
    tx.commit().await?;
    state.directory.invalidate();
    Ok(())
}

/// The most bytes a photo upload may have.
pub const MAX_PHOTO_BYTES: usize = 8 * 1024 * 1024;

/// Sets (or with `None` removes) a promeneur's photo: staff, the
/// structure's referents, or the promeneur itself.
pub async fn set_photo(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    bytes: Option<&[u8]>,
) -> Result<(), AppError> {
    let current = promeneur(state, p, id).await?;
    let allowed = current.user_id == Some(p.user_id)
        || p.network_editor(&dep(&current.department)?, Some(current.structure_id))
            .is_some();
    if !allowed {
        return Err(AppError::forbidden(
            "Vous ne pouvez que consulter cette fiche.",
        ));
    }
    let photo = match bytes {
        None => None,
        Some(b) if b.len() > MAX_PHOTO_BYTES => {
            return Err(AppError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "Cette photo est trop lourde (8 Mo au plus).",
            ));
        }
        // Decoded in a child process: an image bomb fails this upload only.
        Some(b) => Some(
            crate::sandbox::photo(&state.settings.sandbox, b)
                .await
                .map_err(|e| {
                    if e.too_large {
                        let mut error = AppError::invalid_field("photo", e.message.clone());
                        error.message = e.message;
                        error
                    } else {
                        AppError::new(
                            axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                            "unsupported_type",
                            e.message,
                        )
                    }
                })?,
        ),
    };
    let mut tx = state.db.begin().await?;
    let file = match &photo {
        Some(ph) => Some(
            store::files::put(&mut tx, state.now(), "photo.jpg", "image/jpeg", &ph.bytes).await?,
        ),
        None => None,
    };
    store::promeneurs::set_photo(&mut tx, &actor(p), state.now(), &current, file).await?;
    tx.commit().await?;
    state.directory.invalidate();
    Ok(())
}

/// Opens an account for a promeneur (its professional e-mail, the role
/// `promeneur` only) and e-mails it the activation link: it can then edit
/// its own public profile. Staff or a referent of its structure.
pub async fn invite_promeneur(state: &AppState, p: &Principal, id: Uuid) -> Result<(), AppError> {
    let current = promeneur(state, p, id).await?;
    let cap = p
        .network_editor(&dep(&current.department)?, Some(current.structure_id))
        .ok_or_else(|| AppError::forbidden("Vous ne pouvez que consulter cette fiche."))?;
    if current.user_id.is_some() {
        return Err(AppError::conflict(
            "already_linked",
            "Ce promeneur a déjà son compte.",
        ));
    }
    let email = domain::Email::parse(&current.email)
        .map_err(|e| AppError::invalid_field("email", e.to_string()))?;
    let mut tx = state.db.begin().await?;
    let user = store::users::create_promeneur_account(
        &mut tx,
        &cap,
        &actor(p),
        state.now(),
        current.id,
        email,
        format!("{} {}", current.first_name, current.last_name),
    )
    .await
    .map_err(|e| match e {
        store::StoreError::Conflict("email") => AppError::conflict(
            "account_exists",
            "Un compte existe déjà avec cette adresse e-mail : un administrateur peut lui ajouter le rôle de promeneur.",
        ),
        store::StoreError::Conflict(_) => AppError::conflict(
            "already_linked",
            "Ce promeneur a déjà son compte.",
        ),
        other => other.into(),
    })?;
    crate::accounts::send_activation(state, &mut tx, &user).await?;
    tx.commit().await?;
    state.jobs_queued.notify_one();
    Ok(())
}

/// The most bytes of a scanned convention.
pub const MAX_CONVENTION_BYTES: usize = 20 * 1024 * 1024;

/// Records a convention between a structure and the CAF of `department`
/// (a CAF agent of that département, or an administrator), with its scan.
#[allow(clippy::too_many_arguments)]
pub async fn create_convention(
    state: &AppState,
    p: &Principal,
    structure_id: Uuid,
    department: &str,
    starts_on: &str,
    ends_on: &str,
    signed_on: &str,
    document: Option<(&str, &[u8])>,
) -> Result<Uuid, AppError> {
    let s = structure(state, p, structure_id).await?;
    let cap = DepartmentCode::parse(department.trim())
        .ok()
        .and_then(|d| p.pilot(&d))
        .ok_or_else(|| {
            AppError::invalid_field(
                "department",
                "Seule la Caf de ce département peut enregistrer une convention.",
            )
        })?;
    let mut e = Errors::new();
    let date = |v: &str, field: &str, e: &mut Errors| -> Option<Date> {
        if v.trim().is_empty() {
            e.insert(field.into(), "Indiquez la date.".into());
            return None;
        }
        domain::date_input::parse_french_date(v)
            .map_err(|x| e.insert(field.into(), x.to_string()))
            .ok()
    };
    let starts = date(starts_on, "starts_on", &mut e);
    let ends = date(ends_on, "ends_on", &mut e);
    let signed = if signed_on.trim().is_empty() {
        None
    } else {
        date(signed_on, "signed_on", &mut e)
    };
    if let (Some(a), Some(b)) = (starts, ends)
        && b < a
    {
        e.insert("ends_on".into(), "La fin doit être après le début.".into());
    }
    let document = document.map(SignedDocument::check).transpose()?;
    if !e.is_empty() {
        return Err(AppError::invalid(e));
    }
    let (Some(starts_on), Some(ends_on)) = (starts, ends) else {
        return Err(AppError::invalid(e));
    };
    let mut tx = state.db.begin().await?;
    let document_id = match &document {
        Some(d) => Some(d.store(&mut tx, state.now()).await?),
        None => None,
    };
    let id = store::conventions::create(
        &mut tx,
        &cap,
        &actor(p),
        state.now(),
        &store::conventions::ConventionInput {
            structure_id: s.id,
            starts_on,
            ends_on,
            signed_on: signed,
            document_id,
        },
    )
    .await?;
    tx.commit().await?;
    state.directory.invalidate();
    Ok(id)
}

/// Records the signature of an existing convention (date and, if given,
/// the scan), by the CAF of its département.
pub async fn sign_convention(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    signed_on: &str,
    document: Option<(&str, &[u8])>,
) -> Result<(), AppError> {
    let c = store::conventions::find(&state.db, &p.structure_scope(), id)
        .await?
        .ok_or_else(AppError::not_found)?;
    let cap = DepartmentCode::parse(&c.department)
        .ok()
        .and_then(|d| p.pilot(&d))
        .ok_or_else(|| {
            AppError::forbidden("Seule la Caf de ce département peut enregistrer la signature.")
        })?;
    let on = if signed_on.trim().is_empty() {
        return Err(AppError::invalid_field(
            "signed_on",
            "Indiquez la date de signature.",
        ));
    } else {
        domain::date_input::parse_french_date(signed_on)
            .map_err(|e| AppError::invalid_field("signed_on", e.to_string()))?
    };
    let document = document.map(SignedDocument::check).transpose()?;
    let mut tx = state.db.begin().await?;
    let document_id = match &document {
        Some(d) => Some(d.store(&mut tx, state.now()).await?),
        None => None,
    };
    store::conventions::sign(&mut tx, &cap, &actor(p), state.now(), id, on, document_id).await?;
    tx.commit().await?;
    Ok(())
}

/// A scanned convention, checked: at most 20 MB, PDF, JPEG or PNG by
/// content, stored under a safe name.
struct SignedDocument<'a> {
    name: String,
    mime: &'static str,
    bytes: &'a [u8],
}

impl<'a> SignedDocument<'a> {
    fn check((name, bytes): (&str, &'a [u8])) -> Result<Self, AppError> {
        if bytes.len() > MAX_CONVENTION_BYTES {
            return Err(AppError::new(
                axum::http::StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                "Ce document est trop lourd (20 Mo au plus).",
            ));
        }
        let (ext, mime) = signed_document_type(bytes).ok_or_else(|| {
            AppError::new(
                axum::http::StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported_type",
                "La convention signée doit être un PDF, ou une photo JPEG ou PNG.",
            )
        })?;
        Ok(Self {
            name: format!("convention-{}.{ext}", safe_stem(name)),
            mime,
            bytes,
        })
    }

    async fn store(&self, tx: &mut store::Tx, now: jiff::Timestamp) -> Result<Uuid, AppError> {
        Ok(store::files::put(tx, now, &self.name, self.mime, self.bytes).await?)
    }
}

/// PDF, JPEG or PNG, by content.
fn signed_document_type(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    if bytes.starts_with(b"%PDF-") {
        Some(("pdf", "application/pdf"))
    } else if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(("jpg", "image/jpeg"))
    } else if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(("png", "image/png"))
    } else {
        None
    }
}

/// A file name reduced to ASCII letters, digits and dashes.
fn safe_stem(name: &str) -> String {
    let stem = name.rsplit_once('.').map_or(name, |(s, _)| s);
    let key = domain::text::search_key(stem).replace(' ', "-");
    let cut: String = key
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(60)
        .collect();
    if cut.is_empty() {
        "document".into()
    } else {
        cut
    }
}
