//! The integration tests of this crate, built as one test binary: one link instead of one per
//! file. Each module below was a test file of its own; the modules without tests are shared
//! helpers.

#[macro_use]
mod items_support;
mod autodiscover_support;
mod calendar_fixtures;
#[path = "../../benches/support/calendar_response.rs"]
mod calendar_response;
mod common;
mod json_check;
mod sample_files;
mod schema_queries;
mod writes_cases;
mod writes_support;
mod xml_check;

mod autodiscover_redirects;
mod autodiscover_search;
mod calendar_full;
mod client_addresses;
mod client_back_off;
mod client_directory;
mod client_failures;
mod client_identity;
mod client_retry;
mod client_success;
mod client_time_zones;
mod connection_bound;
mod directory_fake;
#[cfg(feature = "dump")]
mod ews_dump;
mod folders_fake;
#[cfg(feature = "fuzzing")]
mod fuzz_targets_samples;
mod generated_calendar;
mod items_fake;
mod items_move_fake;
mod items_new;
mod items_properties;
mod items_typed;
mod items_typed_errors;
mod items_typed_meetings;
mod items_typed_samples;
mod paging_hostile;
mod properties;
mod recurrence_fake;
mod response_properties;
mod restrictions_fake;
mod robustness;
mod samples;
mod samples_typed;
mod schema;
mod schema_calendar;
mod schema_items;
mod schema_writes;
mod wire_log;
mod writes_items_wiremock;
mod writes_wiremock;
