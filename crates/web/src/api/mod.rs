//! The JSON API of API.md under `/api/v1`, and its OpenAPI description
//! generated from the handlers' annotations.

mod admin;
mod auditions;
pub mod calls;
mod committee;
mod handovers;
mod letters;
pub mod network;
mod reference;
mod session;

/// The .ics of an application's audition, also served by the pages.
pub use auditions::ics_response as audition_ics;
/// A letter or convention as a PDF, also served by the pages.
pub use letters::pdf_response as letter_pdf;

use axum::{Json, Router, routing::get};
use serde::Serialize;
use utoipa::OpenApi;

use crate::AppState;

#[derive(OpenApi)]
#[openapi(
    info(title = "Promeneurs API", version = "1", description = "API JSON de la plateforme Promeneurs du Net. Voir API.md.",
         license(name = "AGPL-3.0-or-later")),
    paths(
        session::create, session::show, session::delete,
        reference::departments, reference::department, reference::update_department, reference::communes,
        admin::list_users, admin::create_user, admin::audit, admin::emails, admin::revoke_token,
        network::list_structures, network::create_structure, network::show_structure, network::patch_structure,
        network::create_convention, network::structure_conventions, network::list_conventions, network::sign_convention,
        network::list_promeneurs, network::create_promeneur, network::show_promeneur, network::patch_promeneur,
        network::set_status, network::open_account, network::history, network::put_photo, network::delete_photo, network::get_photo,
        network::themes, network::import_file, network::public_promeneurs,
        network::approve_structure, network::decide_proposal,
        calls::list_calls, calls::create_call, calls::show_call, calls::update_call, calls::publish,
        calls::put_module, calls::delete_module, calls::relaunch, calls::module_versions, calls::module_documents,
        calls::add_file, calls::get_file, calls::delete_file,
        calls::call_applications, calls::create_application, calls::export_applications,
        calls::my_applications, calls::show_application, calls::update_application,
        calls::add_document, calls::get_document, calls::delete_document,
        calls::submit, calls::receipts, calls::receipt_pdf, calls::request_complement, calls::messages, calls::withdraw,
        committee::add_member, committee::members, committee::declare_conflict, committee::put_review, committee::reviews,
        committee::results, committee::propose, committee::proposals, committee::validate,
        auditions::create, auditions::list, auditions::assign, auditions::delete, auditions::invite, auditions::ics,
        handovers::create, handovers::list, handovers::show, handovers::tick,
        letters::generate, letters::list, letters::send, letters::letter_pdf, letters::convention_pdf,
        letters::template, letters::set_template,
    ),
    tags((name = "session"), (name = "reference"), (name = "admin"), (name = "network"), (name = "calls"), (name = "committee"), (name = "public"))
)]
struct ApiDoc;

async fn openapi() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/openapi.json", get(openapi))
        .merge(session::router())
        .merge(reference::router())
        .merge(admin::router())
        .merge(network::router())
        .merge(calls::router())
        .merge(committee::router())
        .merge(auditions::router())
        .merge(handovers::router())
        .merge(letters::router())
}

/// An instant as RFC 3339 with the Paris offset.
pub fn rfc3339(t: jiff::Timestamp) -> String {
    domain::clock::in_paris(t)
        .strftime("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

/// `{"items": [...], "total": N}`.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
}

/// `?limit=` (default 50, max 500) and `?offset=`.
#[derive(serde::Deserialize, Default, utoipa::IntoParams)]
pub struct Paging {
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl Paging {
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, 500)
    }

    pub fn offset(&self) -> i64 {
        self.offset.unwrap_or(0).max(0)
    }
}
