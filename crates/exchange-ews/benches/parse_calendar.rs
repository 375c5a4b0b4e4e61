//! Parsing throughput: a `FindItem` `CalendarView` response of 1,000 full calendar items
//! (attendees, recurrences, time zones, response objects, …) read into typed items, every
//! property the reader does not model kept, against a bare `quick_xml` event scan of the same
//! bytes.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use exchange_ews::calendar::FindCalendarItems;
use quick_xml::events::Event;
use quick_xml::Reader;

#[path = "support/calendar_response.rs"]
mod calendar_response;

const ITEMS: usize = 1_000;

/// Counts the events of a document without keeping any of them.
fn scan(bytes: &[u8]) -> usize {
    // Reading from a slice borrows every event from the input: nothing is copied.
    let mut reader = Reader::from_reader(bytes);
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return events,
            Ok(_) => events += 1,
            Err(e) => panic!("the generated response is malformed: {e}"),
        }
    }
}

fn parse_calendar(c: &mut Criterion) {
    let bytes = calendar_response::find_item_response(0, ITEMS);
    let view = FindCalendarItems::parse_response(&bytes).expect("the generated response parses");
    assert_eq!(view.items.len(), ITEMS);
    // The items are read in full: the benchmark measures the whole reader.
    for (n, item) in view.items.iter().enumerate() {
        assert_eq!(item.recurrence.is_some(), calendar_response::is_master(n));
        let attendees = if calendar_response::is_meeting(n) {
            3
        } else {
            0
        };
        assert_eq!(item.required_attendees.len(), attendees);
        assert_eq!(
            item.categories.len(),
            calendar_response::categories(n).len()
        );
        assert!(item.start_time_zone.is_some() && item.sensitivity.is_some());
        assert!(!item.unmodelled.is_empty() && !item.response_objects.is_empty());
    }
    assert!(scan(&bytes) > ITEMS * 50);

    let mut group = c.benchmark_group("quickxml_scan");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("calendar_view_1000", |b| b.iter(|| scan(black_box(&bytes))));
    group.finish();

    let mut group = c.benchmark_group("decode_typed");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("calendar_view_1000", |b| {
        b.iter(|| FindCalendarItems::parse_response(black_box(&bytes)));
    });
    group.finish();
}

criterion_group!(benches, parse_calendar);
criterion_main!(benches);
