//! The network (structures, conventions, promeneurs) and the public
//! directory: input checking, the in-memory directory, spreadsheet import
//! and export, and the operations shared by the pages and the API.

pub mod directory;
pub mod exports;
pub mod gate;
pub use services::network::input;
pub mod map;
pub mod service;
