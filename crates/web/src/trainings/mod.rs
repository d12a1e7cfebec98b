//! Trainings (module 2): the catalogue, sessions, registrations with the
//! waiting list, attendance and certificates. The API covers them all;
//! the pages cover the promeneur's journey (sessions, registering,
//! cancelling) so far.

pub mod api;
pub mod pages;
pub mod trainers;
