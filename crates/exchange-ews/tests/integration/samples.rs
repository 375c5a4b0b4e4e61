//! Every EWS sample of `../shared/ews/samples` decodes generically, with the namespace form
//! and response codes reported, and gives valid JSON.

use crate::{json_check, sample_files};

use std::collections::BTreeSet;

use exchange_ews::decoded::{DecodedResponse, DocumentKind, NamespaceForm};
use exchange_ews::{EwsError, ResponseCode};
use sample_files::{decoded, samples, MALFORMED};

#[test]
fn every_sample_decodes_except_the_two_malformed_ones() {
    let Some(samples) = samples() else { return };
    let mut requests = 0;
    for (name, bytes) in &samples {
        let result = DecodedResponse::parse(bytes);
        if let Some((_, problem)) = MALFORMED.iter().find(|(m, _)| m == name) {
            match result {
                Err(EwsError::MalformedXml { position, reason }) => {
                    assert!(position > 0 && position <= bytes.len() as u64, "{name}");
                    assert!(reason.contains(problem), "{name}: {reason}");
                }
                other => panic!("{name} must be malformed XML, got {other:?}"),
            }
            continue;
        }
        let decoded = result.unwrap_or_else(|e| panic!("{name}: {e}"));
        let expected = if name.contains("-request") {
            requests += 1;
            vec![DocumentKind::Request]
        } else if name.contains("pox-autodiscover") {
            vec![DocumentKind::Autodiscover]
        } else if name.contains("fault") {
            vec![DocumentKind::Fault]
        } else {
            vec![DocumentKind::Response]
        };
        assert!(
            expected.contains(&decoded.kind()),
            "{name}: {:?}",
            decoded.kind()
        );
        if decoded.kind() == DocumentKind::Fault {
            assert!(decoded.fault().is_some(), "{name}");
        } else {
            assert!(decoded.fault().is_none(), "{name}");
        }
    }
    assert_eq!(requests, 15, "every request sample decodes as a request");
}

#[test]
fn requests_name_their_operation() {
    let Some(decoded) = decoded() else { return };
    let mut operations = BTreeSet::new();
    for (name, _, decoded) in decoded
        .iter()
        .filter(|(_, _, d)| d.kind() == DocumentKind::Request)
    {
        let operation = decoded.operation().unwrap_or_else(|| panic!("{name}"));
        assert!(
            !decoded.body().children().is_empty(),
            "{name} has a request tree"
        );
        assert!(decoded.messages().is_empty(), "{name}");
        operations.insert(operation.to_owned());
    }
    let expected = [
        "CreateItem",
        "DeleteItem",
        "FindItem",
        "GetItem",
        "GetUserAvailability",
        "GetUserSettings",
        "ResolveNames",
        "SyncFolderItems",
        "UpdateItem",
    ];
    assert_eq!(
        operations,
        expected.iter().map(ToString::to_string).collect()
    );
}

/// Whether the text declares a SOAP or Exchange namespace with `https://`.
fn declares_https_namespace(text: &str) -> bool {
    text.match_indices("xmlns").any(|(at, _)| {
        let rest = &text[at..];
        let Some(quote) = rest.find(['"', '\'']) else {
            return false;
        };
        let value = &rest[quote + 1..];
        value.starts_with("https://schemas.xmlsoap.org/")
            || value.starts_with("https://schemas.microsoft.com/")
    })
}

#[test]
fn https_namespace_samples_are_counted_and_still_decode() {
    let Some(samples) = samples() else { return };
    let https: Vec<&String> = samples
        .iter()
        .filter(|(_, bytes)| declares_https_namespace(&String::from_utf8_lossy(bytes)))
        .map(|(name, _)| name)
        .collect();
    assert_eq!(https.len(), 18, "{https:#?}");
    let mut decoded_https = 0;
    for (name, bytes) in &samples {
        let uses_https = https.contains(&name);
        match DecodedResponse::parse(bytes) {
            Ok(decoded) => {
                let expected = if uses_https {
                    decoded_https += 1;
                    NamespaceForm::HttpsVariant
                } else {
                    NamespaceForm::Standard
                };
                assert_eq!(decoded.namespace_form(), expected, "{name}");
            }
            // The streaming sample is cut off in the documentation (never closed).
            Err(e) => assert!(
                MALFORMED.iter().any(|(m, _)| m == name),
                "{name} must decode: {e}"
            ),
        }
    }
    assert_eq!(decoded_https, 17, "all but the cut-off streaming sample");
}

#[test]
fn response_codes_are_known_or_reported() {
    let Some(decoded) = decoded() else { return };
    let mut unknown = BTreeSet::new();
    let mut codes = 0;
    for (name, _, decoded) in &decoded {
        let message_codes = decoded.messages().iter().map(|m| m.response_code());
        let fault_code = decoded.fault().map(|f| f.response_code());
        for code in message_codes.chain(fault_code) {
            let code = code.unwrap_or_else(|| panic!("{name}: a message without a code"));
            codes += 1;
            if matches!(code, ResponseCode::Unknown(_)) {
                eprintln!("{name}: response code {code} has no variant");
                unknown.insert(code.as_str().to_owned());
            }
        }
    }
    assert!(codes >= 30, "{codes} codes");
    let expected = [
        "ErrorNameResolutionMultipleResults",
        "ErrorNameResolutionNoResults",
    ];
    assert_eq!(unknown, expected.iter().map(ToString::to_string).collect());
}

#[test]
fn json_of_every_sample_is_valid() {
    let Some(decoded) = decoded() else { return };
    for (name, _, decoded) in &decoded {
        let json = decoded.to_json();
        if let Err(problem) = json_check::validate(&json) {
            panic!("{name}: invalid JSON: {problem}\n{json}");
        }
        assert!(json.starts_with("{\n  \"kind\": \""), "{name}");
        assert!(
            json.contains(&format!("\"name\": \"{}\"", decoded.name())),
            "{name}"
        );
    }
}
