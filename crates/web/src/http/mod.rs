//! What the pages and the API share: who is calling (sessions, Bearer
//! tokens, CSRF, cookies), the error type and its rendering (JSON under
//! `/api`, a French page elsewhere), forms (fields, errors, their
//! summary), the identifiers of a path, the API's paging, the
//! security headers, and the progress of imports running in the process.

pub mod auth;
pub mod error;
pub mod form;
mod id;
pub mod json;
pub mod multipart_token;
mod progress;
pub mod security;
pub mod sheet;

pub use id::Id;
pub use progress::ImportProgress;
