//! Persistence of Promeneurs. One query definition for SQLite and
//! PostgreSQL: every statement is written once in portable SQL (`$1`
//! placeholders) and the `read!`/`write!` macros run it on whichever backend
//! the `Db` holds. No HTTP or HTML here.

#[macro_use]
mod db;
mod decode;
#[macro_use]
mod query;
pub mod applications;
pub mod audit;
pub mod auditions;
pub mod blobs;
pub mod calls;
pub mod claims;
pub mod committee;
pub mod conventions;
pub mod files;
pub mod handovers;
pub mod imports;
pub mod letters;
pub mod meta;
pub mod outbox;
pub mod promeneurs;
pub mod reference;
pub mod sessions;
mod staff;
pub mod structures;
pub mod tokens;
pub mod trainings;
pub mod users;

pub use db::{Backend, DatabaseUrl, Db, StoreError, Tx, from_micros, micros};
