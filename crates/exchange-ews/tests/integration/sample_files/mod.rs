//! The EWS samples of `../shared/ews/samples`, shared by the sample tests.

use exchange_ews::decoded::DecodedResponse;
use exchange_test_support::skip_or_fail;
use exchange_testkit::schema::ews_dir;

/// The two samples that are deliberately not well-formed, with a part of the reason given.
pub(crate) const MALFORMED: [(&str, &str); 2] = [
    (
        "ms-getstreamingevents-response.xml",
        "ends inside <Envelope>",
    ),
    (
        "exl-soap-autodiscover-getusersettings-response.xml",
        "prefix \"i\" used in <RedirectTarget>",
    ),
];

/// Every sample: its file name and bytes, or `None` when the samples are absent.
pub(crate) fn samples() -> Option<Vec<(String, Vec<u8>)>> {
    let Some(dir) = ews_dir() else {
        return skip_or_fail("the EWS samples (set EWS_SHARED_DIR or place them in ../shared/ews)");
    };
    let mut samples: Vec<_> = std::fs::read_dir(dir.join("samples"))
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|e| e == "xml"))
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read(&path).unwrap())
        })
        .collect();
    samples.sort();
    assert!(samples.len() >= 50, "only {} samples", samples.len());
    Some(samples)
}

/// The samples that decode, decoded.
pub(crate) fn decoded() -> Option<Vec<(String, Vec<u8>, DecodedResponse)>> {
    Some(
        samples()?
            .into_iter()
            .filter(|(name, _)| !MALFORMED.iter().any(|(m, _)| m == name))
            .map(|(name, bytes)| {
                let decoded = DecodedResponse::parse(&bytes)
                    .unwrap_or_else(|e| panic!("{name} does not decode: {e}"));
                (name, bytes, decoded)
            })
            .collect(),
    )
}
