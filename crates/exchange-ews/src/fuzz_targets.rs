//! The bodies of the fuzz targets of `fuzz/` and of the `fuzz_smoke` test.
//!
//! Each function feeds arbitrary bytes to one decoder and panics when an invariant breaks:
//! beyond "no panic", a decoder must be deterministic, its errors must be decoding errors
//! with a message, and what it returns must be consistent with the other decoders. The
//! module is public only so that the fuzz package and the integration tests can reach it.

use chrono::{DateTime, TimeZone, Utc};

use crate::attachments::{CreateAttachment, DeleteAttachment, GetAttachment};
use crate::autodiscover::{GetUserSettings, PoxAutodiscover, PoxResponse};
use crate::calendar::{FindCalendarItems, GetCalendarItem};
use crate::decoded::{DecodedResponse, DocumentKind, MessageClass};
use crate::items::{
    CopyItems, CreateItems, DeleteItems, FindTypedItems, GetItems, GetTypedItems, MoveItems,
    UpdateItems,
};
use crate::timezone::GetServerTimeZones;
use crate::xml::{Prune, Pruning};
use crate::{Envelope, EwsError};

/// The names of the fuzz targets, as `fuzz/Cargo.toml` names its binaries.
pub const TARGETS: &[&str] = &[
    "decode_any",
    "calendar_view",
    "get_item",
    "autodiscover_soap",
    "autodiscover_pox",
    "server_time_zones",
    "typed_items",
    "item_writes",
];

/// Runs the target named `name` on `data`; `false` when no target has that name.
pub fn run(name: &str, data: &[u8]) -> bool {
    match name {
        "decode_any" => decode_any(data),
        "calendar_view" => calendar_view(data),
        "get_item" => get_item(data),
        "autodiscover_soap" => autodiscover_soap(data),
        "autodiscover_pox" => autodiscover_pox(data),
        "server_time_zones" => server_time_zones(data),
        "typed_items" => typed_items(data),
        "item_writes" => item_writes(data),
        _ => return false,
    }
    true
}

/// [`DecodedResponse::parse`]: the JSON form is well-formed, the parts agree with the
/// kind, and the typed envelope parser accepts what the stricter decoder accepts.
pub fn decode_any(data: &[u8]) {
    let decoded = match DecodedResponse::parse(data) {
        Ok(decoded) => decoded,
        Err(error) => return check_decode_error(&error),
    };
    let json = decoded.to_json();
    if let Err(at) = check_json(&json) {
        panic!("the JSON form is not well-formed at byte {at}: {json}");
    }
    assert_eq!(
        decoded.kind() == DocumentKind::Fault,
        decoded.fault().is_some()
    );
    if matches!(
        decoded.kind(),
        DocumentKind::Fault | DocumentKind::Autodiscover
    ) {
        assert_eq!(decoded.operation(), None);
        assert!(decoded.messages().is_empty());
    }
    if let Some(failure) = decoded.first_failure() {
        assert_ne!(failure.class(), MessageClass::Success);
    }
    // The decoder refuses more than the envelope parser (undeclared prefixes), never less.
    match (decoded.kind(), Envelope::parse(data)) {
        (DocumentKind::Autodiscover, Err(EwsError::NotSoap { root })) => {
            assert_eq!(root, "Autodiscover");
        }
        (DocumentKind::Fault, Err(EwsError::SoapFault { .. })) => {}
        (DocumentKind::Response | DocumentKind::Request, Ok(envelope)) => {
            assert_eq!(envelope.response_name(), decoded.name());
            // The decoder also reads the element form of SOAP Autodiscover, so it may find
            // a version where the envelope parser finds none; never the other way round.
            if let Some(version) = envelope.server_version() {
                assert_eq!(decoded.server_version(), Some(version));
            }
        }
        (kind, other) => panic!("decoded as {kind:?}, but the envelope parser gave {other:?}"),
    }
    assert_eq!(DecodedResponse::parse(data).ok().as_ref(), Some(&decoded));
}

/// [`FindCalendarItems::parse_response`]: deterministic, typed errors, and the pruned tree
/// it reads from succeeds exactly when the full one does.
pub fn calendar_view(data: &[u8]) {
    check_pruning(data);
    let first = FindCalendarItems::parse_response(data);
    match &first {
        Ok(_) => assert_eq!(FindCalendarItems::parse_response(data).ok(), first.ok()),
        Err(error) => check_operation_error(error),
    }
}

/// [`GetCalendarItem::parse_response`]: deterministic, typed errors, and agreement with the
/// pruned tree.
pub fn get_item(data: &[u8]) {
    check_pruning(data);
    match GetCalendarItem::parse_response(data) {
        Ok(item) => {
            assert_eq!(GetCalendarItem::parse_response(data).ok(), Some(item));
        }
        Err(error) => check_operation_error(&error),
    }
}

/// [`GetTypedItems`] and [`FindTypedItems`]: deterministic, typed errors (per item too), and
/// every typed item agrees with the generic reading of the same answer.
pub fn typed_items(data: &[u8]) {
    let typed = GetTypedItems::parse_response(data);
    match &typed {
        Ok(items) => {
            let again = GetTypedItems::parse_response(data).expect("the same answer parses");
            assert_eq!(format!("{again:?}"), format!("{items:?}"));
            for item in items {
                if let Err(error) = item {
                    check_operation_error(error);
                }
            }
            // What the generic reader keeps reads to the same typed items.
            if let Ok(generic) = GetItems::parse_response(data) {
                assert_eq!(generic.len(), items.len());
                for (generic, typed) in generic.iter().zip(items) {
                    if let (Ok(generic), Ok(typed)) = (generic, typed) {
                        assert_eq!(generic.typed().as_ref().ok(), Some(typed));
                    }
                }
            }
        }
        Err(error) => check_operation_error(error),
    }
    match FindTypedItems::parse_response(data) {
        Ok(page) => assert_eq!(FindTypedItems::parse_response(data).ok(), Some(page)),
        Err(error) => check_operation_error(&error),
    }
}

/// What a multi-entry answer parses to: one result per entry, or the error of the call.
type PerEntry<T> = Result<Vec<Result<T, EwsError>>, EwsError>;

/// The answers of the write operations (`CreateItem`, `UpdateItem`, `DeleteItem`,
/// `MoveItem`, `CopyItem`, the attachment operations): deterministic, and every error, of
/// the call or of one entry, a typed one.
pub fn item_writes(data: &[u8]) {
    fn each<T: std::fmt::Debug>(parse: fn(&[u8]) -> PerEntry<T>, data: &[u8]) {
        match parse(data) {
            Ok(entries) => {
                for entry in &entries {
                    if let Err(error) = entry {
                        check_operation_error(error);
                    }
                }
                let again = parse(data).expect("the same answer parses the same");
                assert_eq!(format!("{again:?}"), format!("{entries:?}"));
            }
            Err(error) => check_operation_error(&error),
        }
    }
    each(CreateItems::parse_response, data);
    each(UpdateItems::parse_response, data);
    each(DeleteItems::parse_response, data);
    each(MoveItems::parse_response, data);
    each(CopyItems::parse_response, data);
    each(CreateAttachment::parse_response, data);
    each(GetAttachment::parse_response, data);
    each(DeleteAttachment::parse_response, data);
}

/// [`GetUserSettings::parse_response`]: settings have trimmed, non-empty names, and the EWS
/// URL is one of them.
pub fn autodiscover_soap(data: &[u8]) {
    match GetUserSettings::parse_response(data) {
        Ok(response) => {
            for setting in &response.settings {
                assert!(!setting.name.is_empty());
                assert_eq!(setting.name.trim(), setting.name);
                assert_eq!(setting.value.trim(), setting.value);
            }
            if let Some(url) = response.ews_url() {
                assert!(response.settings.iter().any(|s| s.value == url));
            }
            assert_eq!(GetUserSettings::parse_response(data).ok(), Some(response));
        }
        Err(error) => check_operation_error(&error),
    }
}

/// [`PoxAutodiscover::parse_response`]: the EWS URL of settings is one of their protocols'.
pub fn autodiscover_pox(data: &[u8]) {
    match PoxAutodiscover::parse_response(data) {
        Ok(response) => {
            if let PoxResponse::Settings(settings) = &response {
                if let Some(url) = settings.ews_url() {
                    assert!(settings
                        .protocols
                        .iter()
                        .any(|p| p.ews_url.as_deref() == Some(url)));
                }
            }
            assert_eq!(PoxAutodiscover::parse_response(data).ok(), Some(response));
        }
        Err(error) => check_decode_error(&error),
    }
}

/// [`GetServerTimeZones::parse_response`]: ids are trimmed and not empty, and computing
/// offsets and local times of every definition stays total.
pub fn server_time_zones(data: &[u8]) {
    let definitions = match GetServerTimeZones::parse_response(data) {
        Ok(definitions) => definitions,
        Err(error) => return check_operation_error(&error),
    };
    for definition in &definitions {
        assert!(!definition.id.is_empty());
        assert_eq!(definition.id.trim(), definition.id);
        for instant in probe_instants() {
            if let Some(offset) = definition.offset_at(instant) {
                assert!(offset.local_minus_utc().abs() < 86_400);
            }
            // Local times near the bounds of what chrono can hold must not overflow.
            let _ = definition.local_to_utc(instant.naive_utc());
        }
    }
}

/// Instants across the range `xs:dateTime` values can take, bounds included.
fn probe_instants() -> impl Iterator<Item = DateTime<Utc>> {
    [
        Some(DateTime::<Utc>::MIN_UTC),
        Utc.with_ymd_and_hms(1, 1, 1, 0, 0, 0).single(),
        Utc.with_ymd_and_hms(1970, 1, 1, 0, 0, 0).single(),
        Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).single(),
        Utc.with_ymd_and_hms(2026, 10, 25, 0, 59, 59).single(),
        Utc.with_ymd_and_hms(9999, 12, 31, 23, 59, 59).single(),
        Some(DateTime::<Utc>::MAX_UTC),
    ]
    .into_iter()
    .flatten()
}

/// The pruned parse succeeds exactly when the full parse does.
fn check_pruning(data: &[u8]) {
    const PRUNING: Pruning = Pruning {
        rules: &[Prune {
            path: &["CalendarItem"],
            keep: &["ItemId", "Start", "End"],
        }],
    };
    let full = Envelope::parse(data);
    let pruned = Envelope::parse_pruned(data, PRUNING);
    assert_eq!(
        full.is_ok(),
        pruned.is_ok(),
        "full parse {full:?}, pruned parse {pruned:?}"
    );
}

/// An error of a typed operation parser: a decoding error, or what the server reported.
fn check_operation_error(error: &EwsError) {
    if matches!(error, EwsError::Response { .. }) {
        assert!(!error.to_string().is_empty());
    } else {
        check_decode_error(error);
    }
}

/// An error of a decoder: one that says the input could not be understood (or a fault the
/// input carries), with a message.
fn check_decode_error(error: &EwsError) {
    assert!(
        error.is_malformed_response() || matches!(error, EwsError::SoapFault { .. }),
        "not a decoding error: {error:?}"
    );
    assert!(!error.to_string().is_empty());
}

/// Checks the structure of JSON text: balanced brackets outside strings, strings closed,
/// no raw control characters in them and only JSON's escapes. Returns the byte offset of
/// the first problem.
fn check_json(json: &str) -> Result<(), usize> {
    let bytes = json.as_bytes();
    let mut open = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'{' | b'[' => open.push(bytes[at]),
            b'}' if open.pop() != Some(b'{') => return Err(at),
            b']' if open.pop() != Some(b'[') => return Err(at),
            b'"' => at = string_end(bytes, at + 1)?,
            _ => {}
        }
        at += 1;
    }
    if open.is_empty() {
        Ok(())
    } else {
        Err(bytes.len())
    }
}

/// The offset of the quote that closes the JSON string starting at `at`.
fn string_end(bytes: &[u8], mut at: usize) -> Result<usize, usize> {
    loop {
        match bytes.get(at) {
            Some(b'"') => return Ok(at),
            None | Some(0..=0x1F) => return Err(at),
            Some(b'\\') => {
                match bytes.get(at + 1) {
                    Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => at += 2,
                    Some(b'u') => {
                        let digits = bytes.get(at + 2..at + 6).ok_or(at)?;
                        if !digits.iter().all(u8::is_ascii_hexdigit) {
                            return Err(at);
                        }
                        at += 6;
                    }
                    _ => return Err(at),
                }
                continue;
            }
            Some(_) => {}
        }
        at += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_json_structure() {
        assert_eq!(
            check_json(r#"{"a": ["b\n\u00e9", 1, null], "c": {}}"#),
            Ok(())
        );
        assert_eq!(check_json(r#"{"a": [}"#), Err(7));
        assert_eq!(check_json(r#"{"a"#), Err(3));
        assert_eq!(check_json("[\"\u{1}\"]"), Err(2));
        assert_eq!(check_json(r#"["\x"]"#), Err(2));
        assert_eq!(check_json(r#"["\u12"]"#), Err(2));
        assert_eq!(check_json("[[]"), Err(3));
    }

    #[test]
    fn runs_every_target_by_name() {
        for name in TARGETS {
            assert!(run(name, b"<not xml"));
            assert!(run(name, b""));
        }
        assert!(!run("no_such_target", b""));
    }
}
