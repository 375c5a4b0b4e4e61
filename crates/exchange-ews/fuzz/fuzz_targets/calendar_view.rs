//! Fuzzes `exchange_ews::fuzz_targets::calendar_view`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| exchange_ews::fuzz_targets::calendar_view(data));
