//! The public directory (API.md "Public pages"): the search a young person
//! or a parent runs, a promeneur's profile, the map. The directory itself is
//! `services::directory`.

pub mod api;
pub mod pages;
