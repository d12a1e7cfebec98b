//! The HTTP side of calls and applications: uploads streamed to the blob
//! store, exports, and the self-registration of structures. The use cases
//! are in `services::calls` and `services::applications` (re-exported
//! here while the pages and API move to their area folders).

pub mod exports;
pub mod signup;
pub mod upload;

pub use services::{DEFAULT_UPLOAD_LIMIT, applications::*, calls::*};
