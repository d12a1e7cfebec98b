//! Persistence of Promeneurs. One query definition for SQLite and
//! PostgreSQL: every statement is written once in portable SQL (`$1`
//! placeholders) and the `read!`/`write!` macros run it on whichever backend
//! the `Db` holds. No HTTP or HTML here.

#[macro_use]
mod db;
pub mod audit;
pub mod meta;
pub mod outbox;
pub mod reference;
pub mod sessions;
pub mod tokens;
pub mod users;

pub use db::{Backend, DatabaseUrl, Db, StoreError, Tx, from_micros, micros};
