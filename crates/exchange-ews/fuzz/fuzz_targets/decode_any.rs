//! Fuzzes `exchange_ews::fuzz_targets::decode_any`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| exchange_ews::fuzz_targets::decode_any(data));
