//! The filters of the network lists (structures, conventions, promeneurs)
//! as read from a query string: shared by the pages, the API and the
//! spreadsheet exports of the network area. Their errors are the services'
//! (a bad id 404, a bad value 422), so an export checks the caller's scope
//! before the query, as it always did.

use domain::{DepartmentCode, promeneur::PromeneurStatus};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use services::ServiceError;

use crate::http::json::Paging;

fn parse_id(s: &str) -> Result<Uuid, ServiceError> {
    Uuid::parse_str(s).map_err(|_| ServiceError::NotFound)
}

/// The département of a filter: none when empty, 422 when not a code.
fn parse_department(d: Option<&str>) -> Result<Option<DepartmentCode>, ServiceError> {
    match d.map(str::trim).filter(|d| !d.is_empty()) {
        None => Ok(None),
        Some(d) => DepartmentCode::parse(d).map(Some).map_err(|_| {
            ServiceError::invalid_field("department", format!("Département inconnu : « {d} »."))
        }),
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StructureQuery {
    pub department: Option<String>,
    pub kind: Option<String>,
    pub q: Option<String>,
    /// Include archived structures.
    pub archived: Option<bool>,
    /// `pending`: only structures waiting for approval; `approved`: only
    /// approved ones.
    pub approval: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl StructureQuery {
    pub fn filter(&self, paging: bool) -> Result<store::structures::Filter, ServiceError> {
        let pg = Paging {
            limit: self.limit,
            offset: self.offset,
        };
        Ok(store::structures::Filter {
            department: parse_department(self.department.as_deref())?,
            kind: match self.kind.as_deref().filter(|k| !k.is_empty()) {
                None => None,
                Some(k) => Some(
                    domain::StructureKind::parse(k)
                        .map_err(|e| ServiceError::invalid_field("kind", e.to_string()))?,
                ),
            },
            q: self.q.clone(),
            include_archived: self.archived.unwrap_or(false),
            approved: match self.approval.as_deref().unwrap_or("").trim() {
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
            limit: if paging { pg.limit() } else { 100_000 },
            offset: if paging { pg.offset() } else { 0 },
        })
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ConventionQuery {
    pub department: Option<String>,
    pub structure_id: Option<String>,
    /// Only those to renew (ending within 90 days) or expired.
    pub to_renew: Option<bool>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl ConventionQuery {
    pub fn filter(
        &self,
        today: jiff::civil::Date,
        paging: bool,
    ) -> Result<store::conventions::Filter, ServiceError> {
        let pg = Paging {
            limit: self.limit,
            offset: self.offset,
        };
        Ok(store::conventions::Filter {
            structure_id: match self.structure_id.as_deref().filter(|s| !s.is_empty()) {
                Some(s) => Some(parse_id(s)?),
                None => None,
            },
            department: parse_department(self.department.as_deref())?,
            ending_before: self.to_renew.unwrap_or(false).then(|| {
                today
                    .checked_add(jiff::ToSpan::days(domain::convention::RENEWAL_WINDOW_DAYS))
                    .unwrap_or(today)
            }),
            limit: if paging { pg.limit() } else { 100_000 },
            offset: if paging { pg.offset() } else { 0 },
        })
    }
}

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PromeneurQuery {
    pub department: Option<String>,
    pub status: Option<String>,
    pub structure_id: Option<String>,
    pub q: Option<String>,
    /// Only promeneurs with a referent's proposal waiting for staff.
    pub to_confirm: Option<bool>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl PromeneurQuery {
    pub fn filter(&self, paging: bool) -> Result<store::promeneurs::Filter, ServiceError> {
        let pg = Paging {
            limit: self.limit,
            offset: self.offset,
        };
        Ok(store::promeneurs::Filter {
            department: parse_department(self.department.as_deref())?,
            status: match self.status.as_deref().filter(|s| !s.is_empty()) {
                Some(s) => Some(
                    PromeneurStatus::parse(s)
                        .map_err(|e| ServiceError::invalid_field("status", e.to_string()))?,
                ),
                None => None,
            },
            structure_id: match self.structure_id.as_deref().filter(|s| !s.is_empty()) {
                Some(s) => Some(parse_id(s)?),
                None => None,
            },
            q: self.q.clone(),
            to_confirm: self.to_confirm.unwrap_or(false),
            limit: if paging { pg.limit() } else { 20_000 },
            offset: if paging { pg.offset() } else { 0 },
        })
    }
}
