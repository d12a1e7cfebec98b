//! The network (structures, conventions, promeneurs) and the public
//! directory: the in-memory directory, spreadsheet export and the
//! operations shared by the pages and the API. Input checking and the
//! spreadsheet import live in `services` (`services::network::input`,
//! re-exported here, and `services::imports`).

pub mod directory;
pub mod exports;
pub mod gate;
pub use services::network::input;
pub mod map;
pub mod service;
