//! Administration: accounts, API tokens, the e-mail log and the journal.

pub mod api;
mod journal_labels;
pub mod pages;
