//! The fuzz target bodies hold on their seeds: every published sample, and cuts of it, run
//! through every target without breaking an invariant. Keeps the targets of `fuzz/` working
//! where cargo-fuzz is not installed.

use exchange_ews::fuzz_targets::{run, TARGETS};
use exchange_test_support::skip_or_fail;
use exchange_testkit::schema::ews_dir;

/// The published samples, or `None` when they are absent.
fn samples() -> Option<Vec<(String, Vec<u8>)>> {
    let Some(dir) = ews_dir() else {
        return skip_or_fail("the EWS samples (set EWS_SHARED_DIR or place them in ../shared/ews)");
    };
    let mut samples: Vec<_> = std::fs::read_dir(dir.join("samples"))
        .expect("the samples folder is readable")
        .map(|entry| entry.expect("the samples folder is readable").path())
        .filter(|path| path.extension().is_some_and(|e| e == "xml"))
        .map(|path| {
            let name = path.display().to_string();
            let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, bytes)
        })
        .collect();
    samples.sort();
    Some(samples)
}

#[test]
fn every_target_holds_on_every_sample() {
    let Some(samples) = samples() else { return };
    assert!(samples.len() >= 40, "only {} samples", samples.len());
    for (name, bytes) in &samples {
        for target in TARGETS {
            eprintln!("{target} {name}");
            assert!(run(target, bytes));
        }
    }
}

#[test]
fn every_target_holds_on_cut_samples() {
    let Some(samples) = samples() else { return };
    for (_, bytes) in &samples {
        // 48 cuts spread over the document, the byte order mark and declaration included.
        for step in 0..48 {
            let cut = bytes.len() * step / 48;
            for target in TARGETS {
                run(target, &bytes[..cut]);
                run(target, &bytes[cut..]);
            }
        }
    }
}
