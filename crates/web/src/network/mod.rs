//! What the pages and the API of the network area (structures,
//! conventions, promeneurs) and of the public directory share on the HTTP
//! side: the lists' query strings (`query`), the spreadsheet exports'
//! handlers (`exports`) and the photo response (`photo`). The use cases are
//! in `services::network` (`structures`, `promeneurs`, `conventions`,
//! `signup`, `caf`, `exports`, `input`, re-exported here) and
//! `services::directory` (the in-memory directory, its gate and its map).

pub use services::directory;
pub mod exports;
pub use services::directory::gate;
pub use services::network::input;
pub mod photo;
pub mod query;
