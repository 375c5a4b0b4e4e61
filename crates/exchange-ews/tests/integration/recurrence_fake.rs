//! Recurring series through the client against the fake Exchange server: a weekly meeting
//! written with its Windows time zone keeps its local time across a daylight-saving change
//! when the server expands it, and its master reads back with pattern, range and occurrences.

use std::sync::Arc;

use chrono::{Datelike, NaiveDate, TimeZone, Timelike, Utc};
use exchange_auth::{Basic, UserCredentials};
use exchange_ews::calendar::{
    DayOfWeek, NewCalendarItem, Recurrence, RecurrencePattern, RecurrenceRange,
    SendMeetingCancellations, SendMeetingInvitations,
};
use exchange_ews::items::DeleteType;
use exchange_ews::timezone::WindowsZoneId;
use exchange_ews::{DistinguishedFolder, EwsClient, ExchangeVersion, FolderTarget};
use exchange_testkit::FakeExchange;
use secrecy::SecretString;

const ALICE: &str = "alice@contoso.test";

async fn setup() -> (FakeExchange, EwsClient) {
    let server = FakeExchange::builder()
        .user(ALICE, "alice-pw", ALICE)
        .start()
        .await
        .expect("the fake starts");
    let basic = Basic::new(UserCredentials::new(ALICE, SecretString::from("alice-pw"))).unwrap();
    let client = EwsClient::builder(&server.url())
        .auth(Arc::new(basic))
        .version(ExchangeVersion::Exchange2016)
        .build()
        .unwrap();
    (server, client)
}

fn calendar() -> FolderTarget {
    FolderTarget::Distinguished(DistinguishedFolder::Calendar)
}

#[tokio::test]
async fn a_weekly_series_keeps_nine_o_clock_local_across_the_march_change() {
    let (_server, alice) = setup().await;
    // Monday 16 March 2026, 09:00 in Berlin (CET, UTC+1); summer time starts on the 29th.
    let start = Utc.with_ymd_and_hms(2026, 3, 16, 8, 0, 0).unwrap();
    let recurrence = Recurrence {
        pattern: RecurrencePattern::Weekly {
            interval: 1,
            days: vec![DayOfWeek::Monday],
            first_day_of_week: None,
        },
        range: RecurrenceRange::Numbered {
            start: NaiveDate::from_ymd_opt(2026, 3, 16).unwrap(),
            count: 4,
        },
    };
    let item = NewCalendarItem::new("Weekly sync", start, start + chrono::Duration::hours(1))
        .with_time_zone(WindowsZoneId::new("W. Europe Standard Time").unwrap())
        .with_recurrence(recurrence.clone());
    let master_id = alice
        .create_calendar_item(&calendar(), &item, SendMeetingInvitations::SendToNone)
        .await
        .unwrap();

    let window_start = Utc.with_ymd_and_hms(2026, 3, 15, 0, 0, 0).unwrap();
    let window_end = Utc.with_ymd_and_hms(2026, 4, 12, 0, 0, 0).unwrap();
    let view = alice
        .find_calendar_items(&calendar(), window_start, window_end, None)
        .await
        .unwrap();
    let hours: Vec<u32> = view.items.iter().map(|i| i.start.hour()).collect();
    // 09:00 local is 08:00 UTC in winter and 07:00 UTC in summer.
    assert_eq!(hours, [8, 8, 7, 7], "{:#?}", view.items);
    let days: Vec<u32> = view.items.iter().map(|i| i.start.day0() + 1).collect();
    assert_eq!(days, [16, 23, 30, 6]);
    assert!(view
        .items
        .iter()
        .all(|i| i.calendar_item_type.as_deref() == Some("Occurrence")));

    let master = alice.get_calendar_item(&master_id).await.unwrap();
    assert!(master.is_recurring_master(), "{master:#?}");
    assert_eq!(master.recurrence.as_ref(), Some(&recurrence));
    assert_eq!(
        master
            .start_time_zone
            .as_ref()
            .and_then(|z| z.id.as_deref()),
        Some("W. Europe Standard Time")
    );
    let first = master.first_occurrence.as_ref().expect("first occurrence");
    let last = master.last_occurrence.as_ref().expect("last occurrence");
    assert_eq!(first.start, start);
    assert_eq!(
        last.start,
        Utc.with_ymd_and_hms(2026, 4, 6, 7, 0, 0).unwrap()
    );

    // Deleting one occurrence leaves the others and is recorded on the master.
    alice
        .delete_item(
            &view.items[1].id,
            DeleteType::MoveToDeletedItems,
            SendMeetingCancellations::SendToNone,
        )
        .await
        .unwrap();
    let view = alice
        .find_calendar_items(&calendar(), window_start, window_end, None)
        .await
        .unwrap();
    assert_eq!(view.items.len(), 3);
    let master = alice.get_calendar_item(&master_id).await.unwrap();
    assert_eq!(master.deleted_occurrences.len(), 1, "{master:#?}");
}
