//! The network area (structures, conventions, promeneurs): its pages
//! (`pages`) and its API (`api`), and what both share on the HTTP side:
//! the lists' query strings (`query`), the spreadsheet exports' handlers
//! (`exports`) and the photo response (`photo`), also used by the public
//! directory. The use cases are in `services::network` (`structures`,
//! `promeneurs`, `conventions`, `signup`, `caf`, `exports`, `input`) and
//! `services::directory` (the in-memory directory, its gate and its map).

pub mod api;
pub use services::directory;
pub mod exports;
pub use services::directory::gate;
pub use services::network::input;
pub mod pages;
pub mod photo;
pub mod query;

use crate::AppError;

/// A kind of structure as the forms offer it.
pub struct KindOption {
    pub value: &'static str,
    pub label: &'static str,
}

/// Every kind of structure, in the forms' order.
pub fn kinds() -> Vec<KindOption> {
    domain::StructureKind::ALL
        .iter()
        .map(|k| KindOption {
            value: k.as_str(),
            label: k.label(),
        })
        .collect()
}

/// A refused file: too large (413), not a spreadsheet (415), else 422.
pub fn import_file_error(e: services::imports::FileError) -> AppError {
    services::ServiceError::from(e).into()
}
