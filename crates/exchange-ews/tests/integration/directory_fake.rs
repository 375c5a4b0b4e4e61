//! Name resolution and free/busy through the client against the fake Exchange: directory
//! users by address, login and display name, the caller's contacts, the search scopes and the
//! three answers (none, one, several); the free/busy views of one's own and another's
//! calendar, merged, in a legacy time zone, and their per-mailbox errors. Every request and
//! answer validates against the EWS schema.

use std::sync::Arc;

use chrono::{NaiveTime, TimeZone, Utc, Weekday};
use exchange_auth::{Basic, UserCredentials};
use exchange_ews::calendar::{NewCalendarItem, SendMeetingInvitations};
use exchange_ews::client::CreateOptions;
use exchange_ews::directory::{
    AvailabilityMailbox, FreeBusyOptions, FreeBusyViewKind, ResolveNames, SearchScope,
    SerializableTimeZone, TimeZoneTransition,
};
use exchange_ews::items::{EmailAddressKey, NewContact};
use exchange_ews::{DistinguishedFolder, EwsClient, ExchangeVersion, FolderTarget};
use exchange_testkit::schema::SchemaValidator;
use exchange_testkit::FakeExchange;
use secrecy::SecretString;

const ALICE: &str = "alice@contoso.test";
const ANNE: &str = "anne.smith@contoso.test";
const BOB: &str = "bob@contoso.test";

async fn fake() -> FakeExchange {
    FakeExchange::builder()
        .user(ALICE, "alice-pw", ALICE)
        .user(ANNE, "anne-pw", ANNE)
        .user("CONTOSO\\bob", "bob-pw", BOB)
        .start()
        .await
        .expect("the fake starts")
}

fn client(server: &FakeExchange) -> EwsClient {
    client_of(server, ALICE, "alice-pw")
}

fn client_of(server: &FakeExchange, user: &str, password: &str) -> EwsClient {
    let basic = Basic::new(UserCredentials::new(user, SecretString::from(password))).unwrap();
    EwsClient::builder(&server.url())
        .auth(Arc::new(basic))
        .version(ExchangeVersion::Exchange2016)
        .build()
        .unwrap()
}

/// The e-mail addresses of what `entry` resolves to, in the answer's order.
async fn addresses(client: &EwsClient, entry: &str) -> Vec<String> {
    client
        .resolve_names(entry, false)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.mailbox.email.unwrap_or_default())
        .collect()
}

#[tokio::test]
async fn names_resolve_to_users_and_contacts() {
    let server = fake().await;
    let alice = client(&server);
    let carol = NewContact::new("Carol Jones")
        .with_email_address(EmailAddressKey::EmailAddress1, "carol@fabrikam.test");
    let options = CreateOptions {
        folder: Some(FolderTarget::Distinguished(DistinguishedFolder::Contacts)),
        ..CreateOptions::default()
    };
    let created = alice
        .create_items(vec![carol.into()], &options)
        .await
        .unwrap();
    assert!(created[0].is_ok());

    // One: by the start of a display name's word, of an address, or a login.
    assert_eq!(addresses(&alice, "smi").await, [ANNE]);
    assert_eq!(addresses(&alice, "Anne S").await, [ANNE]);
    assert_eq!(addresses(&alice, "contoso\\b").await, [BOB]);
    // Several: a success here, Exchange's warning underneath.
    assert_eq!(addresses(&alice, "a").await, [ALICE, ANNE]);
    // Exactly, by the SMTP form.
    assert_eq!(addresses(&alice, "SMTP:BOB@contoso.test").await, [BOB]);
    assert!(addresses(&alice, "SMTP:bo@contoso.test").await.is_empty());
    // None.
    assert!(addresses(&alice, "zed").await.is_empty());

    // A contact of the caller's: its item id, its type, and the full data when asked.
    let found = alice.resolve_names("carol", true).await.unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    let mailbox = &found[0].mailbox;
    assert_eq!(mailbox.email.as_deref(), Some("carol@fabrikam.test"));
    assert_eq!(mailbox.name.as_deref(), Some("Carol Jones"));
    assert_eq!(mailbox.mailbox_type.as_deref(), Some("Contact"));
    let contact = found[0].contact.as_ref().expect("the full data");
    assert_eq!(contact.display_name.as_deref(), Some("Carol Jones"));
    let anne = alice.resolve_names("anne", true).await.unwrap();
    assert_eq!(anne[0].mailbox.mailbox_type.as_deref(), Some("Mailbox"));
    assert_eq!(
        anne[0]
            .contact
            .as_ref()
            .and_then(|c| c.display_name.as_deref()),
        Some("Anne Smith")
    );

    // The scopes: the directory alone does not know Carol; the contacts alone know no user.
    let scoped = |entry: &str, scope| {
        let request = ResolveNames::new(entry, false)
            .unwrap()
            .with_search_scope(scope);
        let alice = alice.clone();
        async move { alice.execute(&request).await.unwrap().len() }
    };
    assert_eq!(scoped("carol", SearchScope::ActiveDirectory).await, 0);
    assert_eq!(scoped("carol", SearchScope::Contacts).await, 1);
    assert_eq!(scoped("anne", SearchScope::Contacts).await, 0);
    assert_eq!(
        scoped("anne", SearchScope::ContactsActiveDirectory).await,
        1
    );

    validate(&server, "ResolveNames", 12);
}

/// Validates every request and answer of `operation` in the fake's log (at least `least`).
fn validate(server: &FakeExchange, operation: &str, least: usize) {
    let Some(validator) = SchemaValidator::find() else {
        return;
    };
    let log = server.logged_requests();
    let exchanges: Vec<_> = log
        .iter()
        .filter(|e| e.operation.as_deref() == Some(operation))
        .collect();
    assert!(exchanges.len() >= least, "{}", exchanges.len());
    let documents = exchanges.iter().flat_map(|e| {
        [
            ("request", e.request_body.as_str()),
            ("answer", e.response_body.as_str()),
        ]
    });
    for verdict in validator.validate_envelopes(documents) {
        assert!(verdict.is_valid(), "{verdict:?}");
    }
}

/// W. Europe Standard Time as a legacy zone: UTC+1, daylight time (UTC+2) from the last
/// Sunday of March, 02:00, to the last Sunday of October, 03:00.
fn berlin() -> SerializableTimeZone {
    let change = |month, hour, bias| TimeZoneTransition {
        bias_minutes: bias,
        time: NaiveTime::from_hms_opt(hour, 0, 0).unwrap(),
        day_order: 5,
        month,
        day_of_week: Weekday::Sun,
        year: None,
    };
    SerializableTimeZone {
        bias_minutes: -60,
        standard: change(10, 3, 0),
        daylight: change(3, 2, -60),
    }
}

#[tokio::test]
async fn free_busy_shows_ones_own_details_and_anothers_times() {
    let server = fake().await;
    let alice = client(&server);
    let anne = client_of(&server, ANNE, "anne-pw");
    let at = |h, m| Utc.with_ymd_and_hms(2026, 12, 8, h, m, 0).unwrap();
    let calendar = FolderTarget::Distinguished(DistinguishedFolder::Calendar);
    for (who, subject, start, end) in [
        (&anne, "Board meeting", at(9, 0), at(10, 30)),
        (&alice, "Dentist", at(13, 0), at(14, 0)),
    ] {
        let item = NewCalendarItem {
            subject: subject.to_owned(),
            start,
            end,
            location: Some("Room 1".to_owned()),
            ..Default::default()
        };
        who.create_calendar_item(&calendar, &item, SendMeetingInvitations::SendToNone)
            .await
            .unwrap();
    }

    let mailboxes = [
        AvailabilityMailbox::required(ANNE),
        AvailabilityMailbox::required(ALICE),
        AvailabilityMailbox::required("nobody@contoso.test"),
    ];
    let options = FreeBusyOptions {
        merged_interval_minutes: Some(60),
        requested_view: FreeBusyViewKind::DetailedMerged,
    };
    let views = alice
        .user_availability(
            &mailboxes,
            &SerializableTimeZone::utc(),
            at(8, 0),
            at(16, 0),
            options,
        )
        .await
        .unwrap();
    assert_eq!(views.len(), 3);

    // Another's calendar: times and busy types, no details, the merged string.
    let theirs = views[0].as_ref().unwrap();
    assert_eq!(theirs.view_type, "FreeBusyMerged");
    assert_eq!(theirs.merged.as_deref(), Some("02200000"));
    assert_eq!(theirs.events.len(), 1);
    assert_eq!(
        (theirs.events[0].start, theirs.events[0].end),
        (at(9, 0), at(10, 30))
    );
    assert_eq!(theirs.events[0].busy_type, "Busy");
    assert!(theirs.events[0].details.is_none());
    // One's own: the details too.
    let own = views[1].as_ref().unwrap();
    assert_eq!(own.view_type, "DetailedMerged");
    assert_eq!(own.merged.as_deref(), Some("00000200"));
    let details = own.events[0].details.as_ref().expect("one's own details");
    assert_eq!(details.subject.as_deref(), Some("Dentist"));
    assert_eq!(details.location.as_deref(), Some("Room 1"));
    assert!(!details.is_recurring && !details.is_private);
    // An unknown address fails alone.
    let err = views[2].as_ref().unwrap_err();
    assert!(
        err.to_string().contains("ErrorMailRecipientNotFound"),
        "{err}"
    );

    // In a legacy zone the times come as its wall-clock times: 09:00 UTC in December is
    // 10:00 in Berlin.
    let sent = server.logged_requests().len();
    alice
        .user_availability(
            &mailboxes[..1],
            &berlin(),
            at(8, 0),
            at(16, 0),
            FreeBusyOptions::default(),
        )
        .await
        .unwrap();
    let answer = &server.logged_requests()[sent].response_body;
    assert!(
        answer.contains("<t:StartTime>2026-12-08T10:00:00</t:StartTime>"),
        "{answer}"
    );
    // And in summer, 09:00 UTC is 11:00.
    let june = Utc.with_ymd_and_hms(2026, 6, 8, 9, 0, 0).unwrap();
    let item = NewCalendarItem {
        subject: "Summer".to_owned(),
        start: june,
        end: june + chrono::Duration::hours(1),
        ..Default::default()
    };
    anne.create_calendar_item(&calendar, &item, SendMeetingInvitations::SendToNone)
        .await
        .unwrap();
    let sent = server.logged_requests().len();
    alice
        .user_availability(
            &mailboxes[..1],
            &berlin(),
            june,
            june + chrono::Duration::hours(2),
            FreeBusyOptions::default(),
        )
        .await
        .unwrap();
    let answer = &server.logged_requests()[sent].response_body;
    assert!(
        answer.contains("<t:StartTime>2026-06-08T11:00:00</t:StartTime>"),
        "{answer}"
    );

    // A window longer than 62 days is refused per mailbox.
    let long = alice
        .user_availability(
            &mailboxes[..1],
            &SerializableTimeZone::utc(),
            at(0, 0),
            at(0, 0) + chrono::Duration::days(63),
            FreeBusyOptions::default(),
        )
        .await
        .unwrap();
    let err = long[0].as_ref().unwrap_err();
    assert!(err.to_string().contains("ErrorTimeIntervalTooBig"), "{err}");

    // The log names an operation by its body element, here `GetUserAvailabilityRequest`.
    validate(&server, "GetUserAvailabilityRequest", 4);
}
