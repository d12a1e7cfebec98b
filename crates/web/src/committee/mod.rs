//! The committee of a call: the member's pages (scoring, conflicts), the
//! results and proposals, and the API over them.

pub mod api;
pub mod pages;
