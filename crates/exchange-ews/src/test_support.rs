//! Helpers of the unit tests.

use exchange_test_support::skip_or_fail;
use exchange_testkit::schema::ews_dir;

/// The bytes of a Microsoft (or library) sample of `../shared/ews/samples`, or `None` when
/// the samples are absent (the test is then skipped, or fails under CI).
pub(crate) fn sample(name: &str) -> Option<Vec<u8>> {
    let Some(dir) = ews_dir() else {
        return skip_or_fail("the EWS samples (set EWS_SHARED_DIR or place them in ../shared/ews)");
    };
    let path = dir.join("samples").join(name);
    Some(std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display())))
}
