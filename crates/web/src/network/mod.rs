//! The network (structures, conventions, promeneurs) and the public
//! directory: the in-memory directory, spreadsheet export and the
//! operations shared by the pages and the API. Input checking and the
//! spreadsheet import live in `services` (`services::network::input`,
//! re-exported here, and `services::imports`).

pub use services::directory;
pub mod exports;
pub use services::directory::gate;
pub use services::network::input;
pub mod map;
pub mod service;
