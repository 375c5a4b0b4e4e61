//! The integration tests of this crate, built as one test binary: one link instead of one per
//! file. Each module below was a test file of its own; the modules without tests are shared
//! helpers.

mod common;

mod accounts;
mod concurrent_open;
mod concurrent_writers;
mod crash;
mod files;
mod open_errors;
mod passphrase;
mod postgres_cache;
mod records;
mod rotation;
mod rotation_stores;
mod secrets;
mod store_suite;
mod tamper;
