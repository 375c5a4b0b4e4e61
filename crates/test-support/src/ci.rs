//! The one rule for a test whose real peer (a program, a library, the EWS schema) is missing
//! here: skip it on a developer's machine, fail it under CI.
//!
//! CI counts as set unless the variable `CI` is unset, empty, `0` or `false` (in any case).
//! The rule fails closed: `CI=yes`, `CI=TRUE` or `CI=github` all mean CI, so a misspelled
//! value cannot turn a missing peer into a silent pass.

use std::ffi::OsStr;

/// The environment variable that says a run is under CI.
pub const CI_VAR: &str = "CI";

/// Whether this run is under CI, where every peer of the tests must be present: `CI` is set
/// to anything but the empty string, `0` or `false` (in any case).
pub fn under_ci() -> bool {
    means_ci(std::env::var_os(CI_VAR).as_deref())
}

/// The rule on the value of `CI`.
fn means_ci(value: Option<&OsStr>) -> bool {
    let Some(value) = value else { return false };
    let value = value.to_string_lossy();
    !(value.is_empty() || value == "0" || value.eq_ignore_ascii_case("false"))
}

/// Reports that a test cannot run here because of `why` (a peer is not installed, did not
/// start, …): under CI this panics, elsewhere it prints `skipping: <why>` and the caller
/// returns early.
///
/// # Panics
///
/// Under CI (see [`under_ci`]).
pub fn peer_missing(why: &str) {
    report(why, under_ci());
}

/// [`peer_missing`] for a thing that is missing, as a value to return: `None` after printing
/// `skipping: <what> is missing`.
///
/// # Panics
///
/// Under CI (see [`under_ci`]).
pub fn skip_or_fail<T>(what: &str) -> Option<T> {
    peer_missing(&format!("{what} is missing"));
    None
}

fn report(why: &str, under_ci: bool) {
    assert!(
        !under_ci,
        "{why}; under CI ({CI_VAR} is set) every peer of the tests must be present"
    );
    eprintln!("skipping: {why}");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ci_is_set_unless_unset_empty_zero_or_false() {
        for off in [
            None,
            Some(""),
            Some("0"),
            Some("false"),
            Some("FALSE"),
            Some("False"),
        ] {
            assert!(!means_ci(off.map(OsStr::new)), "{off:?}");
        }
        for on in ["true", "1", "TRUE", "yes", "github", " false", "00", "no"] {
            assert!(means_ci(Some(OsStr::new(on))), "{on:?}");
        }
    }

    #[test]
    fn a_missing_peer_is_skipped_outside_ci() {
        report("the peer is not installed", false);
    }

    #[test]
    #[should_panic(expected = "the peer is not installed; under CI")]
    fn a_missing_peer_fails_under_ci() {
        report("the peer is not installed", true);
    }
}
