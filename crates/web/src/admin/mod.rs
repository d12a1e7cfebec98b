//! Administration: accounts, API tokens, the e-mail log and the journal.

pub mod api;
pub mod pages;
