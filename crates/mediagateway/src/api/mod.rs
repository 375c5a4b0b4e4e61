//! The gateway's implementation of the API: one module per area.

mod admin;
mod calendar;
mod directory;
mod known_users;
pub(crate) mod oauth;
mod sessions;
mod static_users;
mod tables;
