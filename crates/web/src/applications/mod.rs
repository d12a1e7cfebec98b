//! Applications to calls: the applicant's and the staff's pages.

pub mod pages;
