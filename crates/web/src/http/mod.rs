//! What the pages and the API share: who is calling (sessions, Bearer
//! tokens, CSRF, cookies), the error type and its rendering (JSON under
//! `/api`, a French page elsewhere), and the security headers.

pub mod auth;
pub mod error;
pub mod security;
