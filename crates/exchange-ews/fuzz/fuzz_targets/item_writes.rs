//! Fuzzes `exchange_ews::fuzz_targets::item_writes`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| exchange_ews::fuzz_targets::item_writes(data));
