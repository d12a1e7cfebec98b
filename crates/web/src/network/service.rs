//! Network operations shared by the pages and the API: authorise, check,
//! write in one transaction, answer with French errors.

use domain::{DepartmentCode, Principal, promeneur::PromeneurStatus};
use jiff::civil::Date;
use store::{promeneurs::Promeneur, structures::Structure};
use uuid::Uuid;

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

pub async fn create_promeneur(
    state: &AppState,
    p: &Principal,
    draft: &PromeneurDraft,
) -> Result<Uuid, AppError> {
    let valid = check_promeneur(state, p, draft).await?;
    let cap = p
        .network_editor(
            &dep(&valid.input.department)?,
            Some(valid.input.structure_id),
        )
        .ok_or_else(|| AppError::invalid_field("structure_id", "Structure inconnue."))?;
    let mut tx = state.db.begin().await?;
    let id = store::promeneurs::create(
        &mut tx,
        &cap,
        &actor(p),
        state.now(),
        &valid.input,
        valid.status.as_str(),
        state.today(),
    )
    .await
    .map_err(store_err)?;
    tx.commit().await?;
    state.directory.invalidate();
    Ok(id)
}

pub async fn update_promeneur(
    state: &AppState,
    p: &Principal,
    id: Uuid,
    draft: &PromeneurDraft,
) -> Result<(), AppError> {
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
    let mut tx = state.db.begin().await?;
    store::promeneurs::update(
        &mut tx,
        &cap,
        &actor(p),
        state.now(),
        &(&current).into(),
        &valid.input,
    )
    .await
    .map_err(store_err)?;
    tx.commit().await?;
    state.directory.invalidate();
    Ok(())
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
) -> Result<(), AppError> {
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
            crate::sandbox::photo(&state.config.sandbox, b)
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
