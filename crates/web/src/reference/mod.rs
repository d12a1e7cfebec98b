//! Reference data: departments and their CAF's settings, communes.

pub mod api;
pub mod pages;
