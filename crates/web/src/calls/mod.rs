//! The HTTP side of calls and applications: uploads streamed to the blob
//! store and exports (the self-registration of structures is
//! `services::network::signup`). The use cases
//! are in `services::calls` and `services::applications` (re-exported
//! here while the pages and API move to their area folders).

pub mod api;
pub mod exports;
pub mod pages;
pub mod upload;

pub use services::{DEFAULT_UPLOAD_LIMIT, applications::*, calls::*};
