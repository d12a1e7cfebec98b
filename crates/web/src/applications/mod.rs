//! Applications to calls: the applicant's and the staff's pages and the API.

pub mod api;
pub mod pages;
