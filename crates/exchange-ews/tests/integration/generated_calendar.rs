//! The generated calendar views of the parsing benchmark and the streaming example are read
//! right: every field of every item, escaped and non-ASCII text included.

use chrono::{DateTime, Utc};
use exchange_ews::calendar::FindCalendarItems;
use exchange_ews::{Envelope, EwsError, ItemId};

use crate::calendar_response;

use calendar_response::{
    change_key, end, find_item_response, item_id, start, LOCATIONS, ORGANIZERS, SUBJECTS,
};

/// The display name of organizer `i` as it decodes (the benchmark and the example do not
/// read names, so this expectation lives with the test).
fn organizer_name(i: usize) -> &'static str {
    match i % ORGANIZERS.len() {
        1 => "Bob O'Neil",
        n => ORGANIZERS[n].0,
    }
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[test]
fn reads_every_generated_item() {
    let first = 99_950;
    let bytes = find_item_response(first, 100);
    let view = FindCalendarItems::parse_response(&bytes).unwrap();
    assert!(view.includes_last_item_in_range);
    assert_eq!(view.items.len(), 100);
    for (item, n) in view.items.iter().zip(first..) {
        assert_eq!(
            item.id,
            ItemId::new(item_id(n)).with_change_key(change_key(n))
        );
        assert_eq!(item.subject, SUBJECTS[n % SUBJECTS.len()].1);
        assert_eq!(
            item.location.as_deref(),
            Some(LOCATIONS[n % LOCATIONS.len()].1)
        );
        assert_eq!((item.start, item.end), (at(&start(n)), at(&end(n))));
        assert!(item.end > item.start);
        let organizer = item.organizer.as_ref().unwrap();
        assert_eq!(organizer.name.as_deref(), Some(organizer_name(n)));
        assert_eq!(
            organizer.email.as_deref(),
            Some(ORGANIZERS[n % ORGANIZERS.len()].1)
        );
        assert_eq!(item.item_class.as_deref(), Some("IPM.Appointment"));
        assert_eq!(item.is_all_day, n.is_multiple_of(10));
        assert_eq!(item.is_meeting, n.is_multiple_of(3));
        assert_eq!(item.is_cancelled, n.is_multiple_of(17));
        assert_eq!(item.is_recurring, n.is_multiple_of(5));
        assert!(item.uid.as_deref().unwrap().contains(&format!("{n:010}")));
        assert!(item.last_modified.is_some());
        assert_eq!(item.body, None);
    }
}

#[test]
fn generated_text_holds_escapes_and_non_ascii() {
    let decoded: String = SUBJECTS.iter().chain(&LOCATIONS).map(|(_, t)| *t).collect();
    assert!(decoded.contains('&') && decoded.contains('\u{11}') && decoded.contains('<'));
    assert!(!decoded.is_ascii());
    let bytes = find_item_response(0, 12);
    let text = std::str::from_utf8(&bytes).unwrap();
    assert!(text.contains("&amp;") && text.contains("&#x11;") && text.contains("週次定例会議"));
}

#[test]
fn pages_are_deterministic_and_envelopes_carry_the_server_version() {
    assert_eq!(find_item_response(5, 3), find_item_response(5, 3));
    let envelope = Envelope::parse(&find_item_response(0, 2)).unwrap();
    assert_eq!(envelope.response_name(), "FindItemResponse");
    assert_eq!(envelope.server_version().unwrap().major, 15);
    let empty = FindCalendarItems::parse_response(&find_item_response(0, 0)).unwrap();
    assert!(empty.items.is_empty());
}

#[test]
fn refuses_truncated_and_corrupted_pages() {
    let bytes = find_item_response(0, 20);
    for cut in [bytes.len() / 3, bytes.len() / 2, bytes.len() - 20] {
        match FindCalendarItems::parse_response(&bytes[..cut]) {
            Err(EwsError::MalformedXml { position, .. }) => assert!(position <= cut as u64),
            other => panic!("cut at {cut}: {other:?}"),
        }
    }
    // A broken reference in a property nobody reads is still refused.
    let text = String::from_utf8(bytes).unwrap();
    let hostile = text.replacen("<t:Culture>en-US", "<t:Culture>&bogus;", 1);
    assert!(matches!(
        FindCalendarItems::parse_response(hostile.as_bytes()),
        Err(EwsError::MalformedXml { .. })
    ));
    let bad_date = text.replacen("<t:Start>2024", "<t:Start>x024", 1);
    assert!(matches!(
        FindCalendarItems::parse_response(bad_date.as_bytes()),
        Err(EwsError::InvalidValue { .. })
    ));
}
