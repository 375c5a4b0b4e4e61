//! Fuzzes `exchange_ews::fuzz_targets::server_time_zones`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| exchange_ews::fuzz_targets::server_time_zones(data));
