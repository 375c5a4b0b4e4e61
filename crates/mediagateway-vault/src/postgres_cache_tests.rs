use super::*;

fn id(source: &str, user: &str) -> RecordId {
    RecordId {
        data_source: source.to_owned(),
        portal_user: user.to_owned(),
    }
}

fn record(source: &str, user: &str, fill: u8) -> SealedRecord {
    SealedRecord {
        id: id(source, user),
        key_id: "k".to_owned(),
        sealed: vec![fill; 8],
    }
}

#[test]
fn payloads_round_trip_any_id() {
    for (source, user) in [("ds", "alice"), ("", ""), ("a\0b", "ü'\"\\"), ("x", "")] {
        let text = payload(&id(source, user));
        assert!(text.bytes().all(|b| b.is_ascii_hexdigit()), "{text}");
        assert_eq!(parse_payload(&text), Invalidation::One(id(source, user)));
    }
}

#[test]
fn oversized_ids_clear_everything() {
    let long = "u".repeat(4000);
    assert_eq!(payload(&id("ds", &long)), CLEAR_ALL);
    assert_eq!(parse_payload(CLEAR_ALL), Invalidation::All);
}

#[test]
fn hostile_payloads_clear_everything() {
    let good = payload(&id("ds", "user"));
    let oversized = "0".repeat(MAX_PAYLOAD + 1);
    for bad in [
        "",
        "0",
        "zz",
        "000000",
        "ffffffff00",
        "00000005616263",
        &good[..good.len() - 1],
        "00000000ff",
        "0000000é",
        oversized.as_str(),
    ] {
        assert_eq!(parse_payload(bad), Invalidation::All, "{bad:?}");
    }
}

#[test]
fn channels_are_short_identifiers_per_schema() {
    let a = channel("a".repeat(63).as_str());
    assert!(a.len() < 63);
    assert!(a
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_'));
    assert_ne!(channel("a"), channel("b"));
}

#[test]
fn fills_only_while_listening_and_unchanged() {
    let cache = Cache::new(10);
    let r = record("ds", "u", 1);
    cache.fill(cache.generation(), &r);
    assert!(cache.record(&r.id).is_none(), "not listening yet");
    cache.reset(true);
    let before = cache.generation();
    cache.evict([&r.id]);
    cache.fill(before, &r);
    assert!(cache.record(&r.id).is_none(), "invalidated while reading");
    cache.fill(cache.generation(), &r);
    assert_eq!(cache.record(&r.id), Some(r.clone()));
    cache.apply(parse_payload(&payload(&r.id)));
    assert!(cache.record(&r.id).is_none());
    cache.fill(cache.generation(), &r);
    cache.reset(false);
    assert!(
        cache.record(&r.id).is_none(),
        "cleared when the listener stops"
    );
}

#[test]
fn a_full_cache_starts_over() {
    let cache = Cache::new(3);
    cache.reset(true);
    for n in 0..3u8 {
        cache.fill(cache.generation(), &record("ds", &n.to_string(), n));
    }
    assert_eq!(cache.len(), 3);
    cache.fill(cache.generation(), &record("ds", "new", 9));
    assert_eq!(cache.len(), 1);
    assert!(cache.record(&id("ds", "new")).is_some());
}
