//! The API by area: one trait per area, each declared from its table of operations.

pub(crate) mod admin;
pub(crate) mod calendar;
pub(crate) mod directory;
pub(crate) mod sessions;
pub(crate) mod tables;
