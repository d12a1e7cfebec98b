//! The filters of the network lists (structures, conventions, promeneurs)
//! as typed in a query string, shared by the pages, the API and the
//! spreadsheet exports. Errors: a bad id is not found, a bad value is an
//! invalid field.

use domain::{DepartmentCode, StructureKind, promeneur::PromeneurStatus};
use jiff::civil::Date;
use store::{conventions, promeneurs, structures};
use uuid::Uuid;

use crate::ServiceError;

fn non_empty(s: Option<&str>) -> Option<&str> {
    s.filter(|v| !v.is_empty())
}

/// The département of a filter: none when empty, 422 when not a code.
fn department_of(d: Option<&str>) -> Result<Option<DepartmentCode>, ServiceError> {
    match d.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) => DepartmentCode::parse(d).map(Some).map_err(|_| {
            ServiceError::invalid_field("department", format!("Département inconnu : « {d} »."))
        }),
    }
}

fn id(s: Option<&str>) -> Result<Option<Uuid>, ServiceError> {
    non_empty(s)
        .map(|s| Uuid::parse_str(s).map_err(|_| ServiceError::NotFound))
        .transpose()
}

/// `approval`: `pending` (waiting for approval) or `approved`.
pub fn structures(
    department: Option<&str>,
    kind: Option<&str>,
    q: Option<&str>,
    archived: bool,
    approval: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<structures::Filter, ServiceError> {
    Ok(structures::Filter {
        department: department_of(department)?,
        kind: non_empty(kind)
            .map(|k| {
                StructureKind::parse(k)
                    .map_err(|e| ServiceError::invalid_field("kind", e.to_string()))
            })
            .transpose()?,
        q: q.map(str::to_owned),
        include_archived: archived,
        approved: match approval.unwrap_or("").trim() {
            "" => None,
            "pending" => Some(false),
            "approved" => Some(true),
            _ => {
                return Err(ServiceError::invalid_field(
                    "approval",
                    "Valeurs possibles : pending (à valider) ou approved (validées).",
                ));
            }
        },
        limit,
        offset,
    })
}

/// `to_renew`: only those ending within the renewal window, or expired.
pub fn conventions(
    department: Option<&str>,
    structure_id: Option<&str>,
    to_renew: bool,
    today: Date,
    limit: i64,
    offset: i64,
) -> Result<conventions::Filter, ServiceError> {
    Ok(conventions::Filter {
        structure_id: id(structure_id)?,
        department: department_of(department)?,
        ending_before: to_renew.then(|| {
            today
                .checked_add(jiff::ToSpan::days(domain::convention::RENEWAL_WINDOW_DAYS))
                .unwrap_or(today)
        }),
        limit,
        offset,
    })
}

/// `to_confirm`: only promeneurs with a referent's proposal waiting.
pub fn promeneurs(
    department: Option<&str>,
    status: Option<&str>,
    structure_id: Option<&str>,
    q: Option<&str>,
    to_confirm: bool,
    limit: i64,
    offset: i64,
) -> Result<promeneurs::Filter, ServiceError> {
    Ok(promeneurs::Filter {
        department: department_of(department)?,
        status: non_empty(status)
            .map(|s| {
                PromeneurStatus::parse(s)
                    .map_err(|e| ServiceError::invalid_field("status", e.to_string()))
            })
            .transpose()?,
        structure_id: id(structure_id)?,
        q: q.map(str::to_owned),
        to_confirm,
        limit,
        offset,
    })
}
