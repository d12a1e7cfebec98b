//! The handover (tuilage) between two coordinators: its pages and its API.

pub mod api;
pub mod pages;
