//! Each person's home after logging in (`/accueil`, `GET /api/v1/home`):
//! what to do next, by role, built by `services::home`.

pub mod api;
pub mod pages;
