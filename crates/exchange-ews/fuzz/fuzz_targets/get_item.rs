//! Fuzzes `exchange_ews::fuzz_targets::get_item`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| exchange_ews::fuzz_targets::get_item(data));
