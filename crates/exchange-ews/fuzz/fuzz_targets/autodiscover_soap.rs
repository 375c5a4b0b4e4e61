//! Fuzzes `exchange_ews::fuzz_targets::autodiscover_soap`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| exchange_ews::fuzz_targets::autodiscover_soap(data));
