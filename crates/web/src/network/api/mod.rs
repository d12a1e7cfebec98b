//! The network over the API (API.md "Network"): structures, conventions,
//! promeneurs, status, photo, themes, import and exports; and the public
//! directory endpoint.

use axum::extract::DefaultBodyLimit;
use services::{imports, network::promeneurs::MAX_PHOTO_BYTES};
use utoipa_axum::{
    router::{OpenApiRouter, UtoipaMethodRouterExt},
    routes,
};

use crate::{AppState, network::exports};

mod import;
mod promeneur_io;
mod promeneurs;
mod structures;

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(
            structures::list_structures,
            structures::create_structure
        ))
        .routes(routes!(exports::structures))
        .routes(routes!(structures::approve_structure))
        .routes(routes!(
            structures::show_structure,
            structures::patch_structure
        ))
        .routes(routes!(
            structures::create_convention,
            structures::structure_conventions
        ))
        .routes(routes!(structures::list_conventions))
        .routes(routes!(structures::sign_convention))
        .routes(routes!(exports::conventions))
        .routes(routes!(
            promeneurs::list_promeneurs,
            promeneurs::create_promeneur
        ))
        .routes(routes!(exports::promeneurs))
        .routes(routes!(
            promeneurs::show_promeneur,
            promeneurs::patch_promeneur
        ))
        .routes(routes!(promeneurs::set_status))
        .routes(routes!(promeneurs::decide_proposal))
        .routes(routes!(promeneurs::open_account))
        .routes(routes!(promeneurs::history))
        .routes(
            routes!(
                promeneurs::put_photo,
                promeneurs::delete_photo,
                promeneurs::get_photo
            )
            .layer(DefaultBodyLimit::max(MAX_PHOTO_BYTES + 1)),
        )
        .routes(routes!(promeneurs::themes))
        .routes(routes!(import::import_file).layer(DefaultBodyLimit::max(imports::MAX_BYTES + 1)))
        .routes(routes!(exports::template))
}

/// A field of a partial change: replaced when given, kept otherwise.
fn set(slot: &mut String, value: Option<String>) {
    if let Some(v) = value {
        *slot = v;
    }
}
