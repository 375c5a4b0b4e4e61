//! Fuzzes `exchange_ews::fuzz_targets::autodiscover_pox`.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| exchange_ews::fuzz_targets::autodiscover_pox(data));
