//! The integration tests of this crate, built as one test binary: one link instead of one per
//! file. Each module below was a test file of its own; the modules without tests are shared
//! helpers.

mod support;

mod attachments;
mod bearer_tokens;
mod calendar;
mod delegation;
mod faults;
mod folders;
mod hostile;
mod http;
mod items;
mod queries;
mod queries_fields;
mod recurrence;
mod sync;
mod updates;
mod updates_generic;
mod write_rules;
