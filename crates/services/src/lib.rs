//! The use cases of Promeneurs, one module per area (issue 11, "the
//! house"). A service takes a [`Ctx`] (and, for a person's request, the
//! caller), owns its transaction, its audit entry and its outbox jobs, and
//! returns a [`ServiceError`]: no HTTP status, no HTML page. The web layer,
//! the worker and the command line call services; services never call them.
//!
//! Every use case of the platform lives here, one module per area;
//! `crates/web` reads requests, calls these modules and renders their
//! answers (docs/architecture.md, "The house").

pub mod accounts;
pub mod admin;
pub mod applications;
pub mod auditions;
pub mod call_management;
pub mod calls;
pub mod committee;
mod ctx;
pub mod directory;
mod error;
pub mod files;
pub mod handover;
pub mod home;
pub mod imports;
pub mod journal_labels;
pub mod letters;
pub mod mail;
pub mod network;
pub mod reference;
pub mod relaunch;
pub mod reminders;
pub mod sandbox;
pub mod tasks;
pub mod trainings;

pub use ctx::{Ctx, DEFAULT_UPLOAD_LIMIT, Settings};
pub use error::{FieldErrors, ServiceError};

#[cfg(test)]
mod tests {
    /// The crate must stay free of the HTTP layer: no axum, tower, utoipa
    /// or web among its dependencies (transitive ones come only through
    /// domain and store, which have none of them either).
    #[test]
    fn services_do_not_depend_on_the_http_layer() {
        for manifest in [
            include_str!("../Cargo.toml"),
            include_str!("../../domain/Cargo.toml"),
            include_str!("../../store/Cargo.toml"),
        ] {
            let deps = manifest
                .split("\n[")
                .filter(|section| section.starts_with("dependencies]"))
                .flat_map(str::lines)
                .skip(1)
                .filter_map(|l| l.split(['.', ' ', '=']).next())
                .filter(|name| !name.is_empty() && !name.starts_with('#'))
                .collect::<Vec<_>>();
            assert!(!deps.is_empty(), "no dependencies read from {manifest}");
            for banned in ["axum", "tower", "tower-http", "web", "utoipa"] {
                assert!(
                    !deps.contains(&banned),
                    "{banned} among the dependencies: {deps:?}"
                );
            }
        }
    }
}
