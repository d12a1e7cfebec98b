//! The form of a call (title, presentation, départements and the contact
//! at each CAF): the départements it offers, what it reads back, and the
//! values it shows again with their errors.

use std::collections::BTreeMap;

use domain::{DepartmentCode, Principal, access::DepartmentScope};
use store::{calls::Call, reference::Department};

use crate::http::form::{ErrorLink, Errs, Fields, error_links};
use crate::{
    AppError, AppState,
    calls::{CallDraft, ContactDraft},
};

/// A département the form offers, with its CAF's contact as placeholder.
pub struct DepartmentOption {
    pub code: String,
    pub name: String,
    pub caf_name: String,
    pub checked: bool,
    pub contact: ContactDraft,
    pub reference: ContactDraft,
}

/// The call's form as typed: kept as is when shown again with errors.
pub struct CallForm {
    pub title: String,
    pub description: String,
    /// Codes of départements outside the checkboxes (a partner CAF).
    pub partners: String,
    pub options: Vec<DepartmentOption>,
    pub errors: Errs,
    pub summary: Vec<ErrorLink>,
}

const CALL_FIELDS: &[&str] = &["title", "description", "departments", "contacts"];

impl CallForm {
    pub fn contact_error(&self, code: &str, field: &str) -> Option<&str> {
        self.errors.on(&format!("contacts.{code}.{field}"))
    }

    /// The contacts fold opens when one is refused, or one differs from
    /// the CAF's record.
    pub fn contacts_open(&self) -> bool {
        let own = |c: &ContactDraft, r: &ContactDraft| {
            [
                (&c.name, &r.name),
                (&c.email, &r.email),
                (&c.phone, &r.phone),
            ]
            .iter()
            .any(|(v, r)| !v.trim().is_empty() && v.trim() != r.trim())
        };
        self.errors.0.keys().any(|k| k.starts_with("contacts"))
            || self.options.iter().any(|d| own(&d.contact, &d.reference))
    }

    pub fn with_errors(mut self, errors: Errs) -> Self {
        self.summary = error_links(&errors, CALL_FIELDS, &[]);
        self.errors = errors;
        self
    }
}

/// The départements offered as checkboxes: the user's (for an
/// administrator, those whose CAF has a contact), and the call's own.
pub async fn department_options(
    state: &AppState,
    p: &Principal,
    current: &[DepartmentCode],
) -> Result<Vec<Department>, AppError> {
    let all_scope = p.staff_scope() == DepartmentScope::All;
    let mine = services::network::departments_of(state, p).await?;
    Ok(mine
        .into_iter()
        .filter(|d| !all_scope || !d.contact_email.is_empty() || current.contains(&d.code))
        .chain(
            services::reference::departments(state)
                .await?
                .into_iter()
                .filter(|d| current.contains(&d.code) && !p.staff_scope().contains(&d.code)),
        )
        .collect())
}

pub fn reference_contact(d: &Department) -> ContactDraft {
    ContactDraft {
        name: d.contact_name.clone(),
        email: d.contact_email.clone(),
        phone: d.contact_phone.clone(),
    }
}

/// What the form posts: the draft for the service, and the partner codes
/// as typed.
pub fn draft_from(f: &Fields) -> (CallDraft, String) {
    let partners = f.get("partners").to_owned();
    let mut departments = f.all("departments");
    departments.extend(
        partners
            .split(|c: char| c == ',' || c == ';' || c.is_whitespace())
            .filter(|s| !s.is_empty())
            .map(str::to_owned),
    );
    let mut contacts: BTreeMap<String, ContactDraft> = BTreeMap::new();
    for (k, v) in &f.0 {
        let Some((code, field)) = k.strip_prefix("contacts.").and_then(|r| r.split_once('.'))
        else {
            continue;
        };
        let c = contacts.entry(code.to_owned()).or_default();
        match field {
            "name" => c.name.clone_from(v),
            "email" => c.email.clone_from(v),
            "phone" => c.phone.clone_from(v),
            _ => {}
        }
    }
    (
        CallDraft {
            title: f.get("title").to_owned(),
            description: f.get("description").to_owned(),
            departments,
            contacts,
        },
        partners,
    )
}

/// The form as posted, to show again.
pub async fn form_from_post(
    state: &AppState,
    p: &Principal,
    f: &Fields,
    current: &[DepartmentCode],
) -> Result<CallForm, AppError> {
    let (d, partners) = draft_from(f);
    let checked = f.all("departments");
    let options = department_options(state, p, current)
        .await?
        .into_iter()
        .map(|dep| DepartmentOption {
            checked: checked.iter().any(|c| c == dep.code.as_str()),
            contact: d
                .contacts
                .get(dep.code.as_str())
                .cloned()
                .unwrap_or_default(),
            reference: reference_contact(&dep),
            code: dep.code.into(),
            name: dep.name,
            caf_name: dep.caf_name,
        })
        .collect();
    Ok(CallForm {
        title: d.title,
        description: d.description,
        partners,
        options,
        errors: Errs::default(),
        summary: Vec::new(),
    })
}

/// The form of an existing call. A contact equal to its CAF's reference
/// contact is left empty, so that it follows later changes of the CAF.
pub async fn form_from_call(
    state: &AppState,
    p: &Principal,
    c: &Call,
) -> Result<CallForm, AppError> {
    let codes = c.department_codes();
    let options = department_options(state, p, &codes)
        .await?
        .into_iter()
        .map(|dep| {
            let reference = reference_contact(&dep);
            let contact = c
                .departments
                .iter()
                .find(|x| x.department == dep.code.as_str())
                .map(|x| {
                    let own = |v: &str, r: &str| if v == r { String::new() } else { v.to_owned() };
                    ContactDraft {
                        name: own(&x.contact_name, &reference.name),
                        email: own(&x.contact_email, &reference.email),
                        phone: own(&x.contact_phone, &reference.phone),
                    }
                })
                .unwrap_or_default();
            DepartmentOption {
                checked: codes.iter().any(|c| c == dep.code.as_str()),
                contact,
                reference,
                code: dep.code.into(),
                name: dep.name,
                caf_name: dep.caf_name,
            }
        })
        .collect();
    Ok(CallForm {
        title: c.title.clone(),
        description: c.description.clone(),
        partners: String::new(),
        options,
        errors: Errs::default(),
        summary: Vec::new(),
    })
}
