//! Trainings (module 2): the catalogue, sessions, registrations with the
//! waiting list, attendance and certificates. The API for now; the pages
//! follow.

pub mod api;
