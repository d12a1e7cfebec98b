//! Accounts: signing in and out, the password, one's account page, a
//! structure signing up; the API's session. The use cases are
//! `services::accounts` and `services::network::signup`.

pub mod api;
pub mod pages;
