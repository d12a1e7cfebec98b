//! Conventions between a structure and the CAF of a département: record
//! one with its scan, record its signature.

use domain::{DepartmentCode, Principal};
use jiff::civil::Date;
use uuid::Uuid;

use super::{input::Errors, structures::structure};
use crate::{Ctx, ServiceError, accounts::actor};

/// The most bytes of a scanned convention.
pub const MAX_CONVENTION_BYTES: usize = 20 * 1024 * 1024;

/// Records a convention between a structure and the CAF of `department`
/// (a CAF agent of that département, or an administrator), with its scan.
#[allow(clippy::too_many_arguments)]
pub async fn create_convention(
    ctx: &Ctx,
    p: &Principal,
    structure_id: Uuid,
    department: &str,
    starts_on: &str,
    ends_on: &str,
    signed_on: &str,
    document: Option<(&str, &[u8])>,
) -> Result<Uuid, ServiceError> {
    let s = structure(ctx, p, structure_id).await?;
    let cap = DepartmentCode::parse(department.trim())
        .ok()
        .and_then(|d| p.pilot(&d))
        .ok_or_else(|| {
            ServiceError::invalid_field(
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
        return Err(ServiceError::invalid(e));
    }
    let (Some(starts_on), Some(ends_on)) = (starts, ends) else {
        return Err(ServiceError::invalid(e));
    };
    let mut tx = ctx.db.begin().await?;
    let document_id = match &document {
        Some(d) => Some(d.store(&mut tx, ctx.now()).await?),
        None => None,
    };
    let id = store::conventions::create(
        &mut tx,
        &cap,
        &actor(p),
        ctx.now(),
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
    ctx.directory.invalidate();
    Ok(id)
}

/// Records the signature of an existing convention (date and, if given,
/// the scan), by the CAF of its département.
pub async fn sign_convention(
    ctx: &Ctx,
    p: &Principal,
    id: Uuid,
    signed_on: &str,
    document: Option<(&str, &[u8])>,
) -> Result<(), ServiceError> {
    let c = store::conventions::find(&ctx.db, &p.structure_scope(), id)
        .await?
        .ok_or(ServiceError::NotFound)?;
    let cap = p.pilot(&c.department).ok_or_else(|| {
        ServiceError::forbidden("Seule la Caf de ce département peut enregistrer la signature.")
    })?;
    let on = if signed_on.trim().is_empty() {
        return Err(ServiceError::invalid_field(
            "signed_on",
            "Indiquez la date de signature.",
        ));
    } else {
        domain::date_input::parse_french_date(signed_on)
            .map_err(|e| ServiceError::invalid_field("signed_on", e.to_string()))?
    };
    let document = document.map(SignedDocument::check).transpose()?;
    let mut tx = ctx.db.begin().await?;
    let document_id = match &document {
        Some(d) => Some(d.store(&mut tx, ctx.now()).await?),
        None => None,
    };
    store::conventions::sign(&mut tx, &cap, &actor(p), ctx.now(), id, on, document_id).await?;
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
    fn check((name, bytes): (&str, &'a [u8])) -> Result<Self, ServiceError> {
        if bytes.len() > MAX_CONVENTION_BYTES {
            return Err(ServiceError::TooLarge(
                "Ce document est trop lourd (20 Mo au plus).".into(),
            ));
        }
        let (ext, mime) = signed_document_type(bytes).ok_or_else(|| {
            ServiceError::UnsupportedType(
                "La convention signée doit être un PDF, ou une photo JPEG ou PNG.".into(),
            )
        })?;
        Ok(Self {
            name: format!("convention-{}.{ext}", safe_stem(name)),
            mime,
            bytes,
        })
    }

    async fn store(&self, tx: &mut store::Tx, now: jiff::Timestamp) -> Result<Uuid, ServiceError> {
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
