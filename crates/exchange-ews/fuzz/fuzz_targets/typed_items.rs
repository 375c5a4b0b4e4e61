//! Fuzzes `exchange_ews::fuzz_targets::typed_items`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| exchange_ews::fuzz_targets::typed_items(data));
