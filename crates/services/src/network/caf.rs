//! "Ma Caf": each CAF's own details (name, address, contact), used on
//! letters and public pages; edited by the CAF's agents (and
//! administrators), from the pages and the API alike.

use domain::{DepartmentCap, DepartmentCode, Principal};
use store::reference::CafSettings;

use crate::{Ctx, ServiceError, accounts::actor};

/// The capability to pilot `code`, or a 404 as if it did not exist.
pub fn pilot(p: &Principal, code: &str) -> Result<DepartmentCap, ServiceError> {
    DepartmentCode::parse(code)
        .ok()
        .and_then(|d| p.pilot(&d))
        .ok_or(ServiceError::NotFound)
}

/// The fields as typed; `None` leaves a field unchanged.
#[derive(Debug, Clone, Default)]
pub struct CafDraft {
    pub caf_name: Option<String>,
    pub caf_address: Option<String>,
    pub contact_name: Option<String>,
    pub contact_email: Option<String>,
    pub contact_phone: Option<String>,
    pub publication_director: Option<String>,
    pub host: Option<String>,
}

/// Checks and normalises the fields.
pub fn parse(f: &CafDraft) -> Result<CafSettings, ServiceError> {
    let clean = |v: &Option<String>| v.as_ref().map(|s| s.trim().to_owned());
    let email = clean(&f.contact_email);
    if let Some(e) = email.as_deref().filter(|e| !e.is_empty())
        && domain::Email::parse(e).is_err()
    {
        return Err(ServiceError::invalid_field(
            "contact_email",
            "Adresse e-mail invalide.",
        ));
    }
    if clean(&f.caf_name).is_some_and(|n| n.is_empty()) {
        return Err(ServiceError::invalid_field(
            "caf_name",
            "Le nom de la Caf ne peut pas être vide.",
        ));
    }
    for v in [
        &f.caf_name,
        &f.caf_address,
        &f.contact_name,
        &f.contact_email,
        &f.contact_phone,
        &f.publication_director,
        &f.host,
    ]
    .into_iter()
    .flatten()
    {
        if v.chars().count() > 500 {
            return Err(ServiceError::BadRequest(
                "Un champ dépasse 500 caractères.".into(),
            ));
        }
    }
    Ok(CafSettings {
        caf_name: clean(&f.caf_name),
        caf_address: clean(&f.caf_address),
        contact_name: clean(&f.contact_name),
        contact_email: email.map(|e| e.to_lowercase()),
        contact_phone: clean(&f.contact_phone),
        publication_director: clean(&f.publication_director),
        host: clean(&f.host),
    })
}

/// Writes the CAF's details of `cap`'s département.
pub async fn update(
    ctx: &Ctx,
    p: &Principal,
    cap: &DepartmentCap,
    draft: &CafDraft,
) -> Result<(), ServiceError> {
    let settings = parse(draft)?;
    let mut tx = ctx.db.begin().await?;
    store::reference::update_caf_settings(&mut tx, cap, &actor(p), ctx.now(), &settings).await?;
    tx.commit().await?;
    crate::reference::forget_cafs_label(ctx);
    Ok(())
}
