//! Trainings (module 2): the catalogue, sessions, registrations with the
//! waiting list, attendance and certificates. The API covers them all;
//! the pages: the promeneur's journey (sessions, registering, cancelling,
//! its passport), the catalogue and session forms of those who run
//! trainings, the session's registrations, the roll call, and the
//! employer's approvals.

pub mod api;
pub mod documents;
pub mod manage;
pub mod pages;
pub mod roll;
pub mod survey;
pub mod trainers;
