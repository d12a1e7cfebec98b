//! The filters of the network lists (structures, conventions, promeneurs)
//! as read from a query string: shared by the pages, the API and the
//! spreadsheet exports of the network area. Their errors are the services'
//! (a bad id 404, a bad value 422), so an export checks the caller's scope
//! before the query, as it always did.

use serde::Deserialize;
use utoipa::IntoParams;

use services::{ServiceError, network::filters};

use crate::http::json::Paging;

/// The page asked for, or everything (up to `all`) for an export.
fn window(limit: Option<i64>, offset: Option<i64>, paging: bool, all: i64) -> (i64, i64) {
    let pg = Paging { limit, offset };
    if paging {
        (pg.limit(), pg.offset())
    } else {
        (all, 0)
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
        let (limit, offset) = window(self.limit, self.offset, paging, 100_000);
        filters::structures(
            self.department.as_deref(),
            self.kind.as_deref(),
            self.q.as_deref(),
            self.archived.unwrap_or(false),
            self.approval.as_deref(),
            limit,
            offset,
        )
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
        let (limit, offset) = window(self.limit, self.offset, paging, 100_000);
        filters::conventions(
            self.department.as_deref(),
            self.structure_id.as_deref(),
            self.to_renew.unwrap_or(false),
            today,
            limit,
            offset,
        )
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
        let (limit, offset) = window(self.limit, self.offset, paging, 20_000);
        filters::promeneurs(
            self.department.as_deref(),
            self.status.as_deref(),
            self.structure_id.as_deref(),
            self.q.as_deref(),
            self.to_confirm.unwrap_or(false),
            limit,
            offset,
        )
    }
}
