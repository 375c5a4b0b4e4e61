//! The directory area end to end: free/busy times of mailboxes (another's without details,
//! one's own with them, an unknown one failing alone, across the change of summer time of the
//! data source's zone) and name resolution, with bad input refused before Exchange is asked.
//! It runs over every transport: in-process, gRPC and gRPC with TLS.

use chrono::{DateTime, Duration, TimeZone, Utc};
use exchange_connector::tables::{CreateRecord, Record, Table, Value};
use exchange_connector::ApiError;
use mediagateway_api::{BusyStatus, FreeBusyRequest, MailboxType, NameQuery, TimeWindow, UserCall};

// The set-up of the tables' suite: a fake Exchange, a gateway served plain and with TLS, a
// data source in Europe/Berlin, Alice and Bob logged in, reached over one transport.
use crate::tables::{Kind, World, ALICE, BOB};
const NOBODY: &str = "nobody@contoso.test";

/// Creates an appointment in `call`'s calendar through the tables.
async fn appointment(world: &World, call: &UserCall, subject: &str, start: DateTime<Utc>) {
    let record = Record::new(Table::Appointment)
        .with("Subject", Value::Text(subject.to_owned()))
        .with("Start", Value::DateTime(start))
        .with("End", Value::DateTime(start + Duration::hours(1)))
        .with("Location", Value::Text("Room 7".to_owned()));
    world
        .api
        .create_record(call, &CreateRecord::new(record))
        .await
        .expect("the appointment is created");
}

fn window(start: DateTime<Utc>, hours: i64) -> TimeWindow {
    TimeWindow::new(start, start + Duration::hours(hours)).unwrap()
}

async fn free_busy_of_mailboxes(kind: Kind) {
    let world = World::start(kind).await;
    // December (UTC+1 in Berlin) and June (UTC+2): the times come back as instants either way.
    let december = Utc.with_ymd_and_hms(2026, 12, 8, 9, 0, 0).unwrap();
    let june = Utc.with_ymd_and_hms(2026, 6, 8, 9, 0, 0).unwrap();
    for start in [december, june] {
        appointment(&world, &world.bob, "Bob's review", start).await;
    }
    appointment(
        &world,
        &world.alice,
        "Alice's dentist",
        december + Duration::hours(4),
    )
    .await;

    for start in [december, june] {
        let request = FreeBusyRequest::new(
            window(start - Duration::hours(1), 8),
            [BOB.0, ALICE.0, NOBODY],
        );
        let answers = world
            .api
            .free_busy(&world.alice, &request)
            .await
            .expect("free/busy times are read");
        assert_eq!(
            answers
                .iter()
                .map(|a| a.mailbox.as_str())
                .collect::<Vec<_>>(),
            [BOB.0, ALICE.0, NOBODY],
            "one answer per mailbox, in the order asked"
        );
        let bob = answers[0].result.as_ref().expect("Bob's times");
        assert_eq!(bob.periods.len(), 1, "{bob:?}");
        let period = &bob.periods[0];
        assert_eq!(
            (period.start, period.end, period.status),
            (start, start + Duration::hours(1), BusyStatus::Busy),
            "{start}"
        );
        assert_eq!(period.subject, None, "another's calendar shows no details");
        assert!(
            bob.merged.as_deref().is_some_and(|m| m.contains('2')),
            "{bob:?}"
        );
        let alice = answers[1].result.as_ref().expect("Alice's times");
        if start == december {
            assert_eq!(alice.periods.len(), 1, "{alice:?}");
            assert_eq!(alice.periods[0].start, start + Duration::hours(4));
            assert_eq!(alice.periods[0].subject.as_deref(), Some("Alice's dentist"));
            assert_eq!(alice.periods[0].location.as_deref(), Some("Room 7"));
        } else {
            assert!(alice.periods.is_empty(), "{alice:?}");
        }
        let err = answers[2].result.as_ref().unwrap_err();
        assert!(matches!(err, ApiError::MailboxNotFound { .. }), "{err:?}");
    }
}

async fn names_are_resolved(kind: Kind) {
    let world = World::start(kind).await;
    let names = world
        .api
        .resolve_names(&world.alice, &NameQuery::new("bob"))
        .await
        .expect("the name is resolved");
    let bob = names
        .iter()
        .find(|n| n.address == BOB.0)
        .unwrap_or_else(|| panic!("{names:?}"));
    assert_eq!(bob.mailbox_type, MailboxType::Mailbox);
    assert!(!bob.display_name.is_empty());

    // A contact of Alice's is found when contacts are asked for, and only then.
    let contact = Record::new(Table::Contact)
        .with("GivenName", Value::Text("Bobby".to_owned()))
        .with("Surname", Value::Text("Tables".to_owned()))
        .with("Email1", Value::Text("bobby@example.test".to_owned()));
    world
        .api
        .create_record(&world.alice, &CreateRecord::new(contact))
        .await
        .expect("the contact is created");
    let exact = NameQuery::new("SMTP:bobby@example.test");
    let with_contacts = world
        .api
        .resolve_names(&world.alice, &exact)
        .await
        .expect("the contact is resolved");
    assert_eq!(
        with_contacts
            .iter()
            .map(|n| (n.address.as_str(), n.mailbox_type))
            .collect::<Vec<_>>(),
        [("bobby@example.test", MailboxType::Contact)]
    );
    let mut directory_only = exact;
    directory_only.include_contacts = false;
    let none = world
        .api
        .resolve_names(&world.alice, &directory_only)
        .await
        .expect("nothing is not an error");
    assert!(none.is_empty(), "{none:?}");

    let mut one = NameQuery::new("b");
    one.max_results = 1;
    let limited = world.api.resolve_names(&world.alice, &one).await.unwrap();
    assert!(limited.len() <= 1, "{limited:?}");
}

async fn bad_input_never_reaches_exchange(kind: Kind) {
    let world = World::start(kind).await;
    let call = &world.alice;
    let sent = world.fake.logged_requests().len();
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    let day = window(start, 24);
    let many: Vec<String> = (0..101).map(|i| format!("user{i}@contoso.test")).collect();
    let requests = [
        (
            "a window of 63 days",
            FreeBusyRequest::new(window(start, 63 * 24), [BOB.0]),
        ),
        (
            "no mailbox",
            FreeBusyRequest::new(day, Vec::<String>::new()),
        ),
        ("101 mailboxes", FreeBusyRequest::new(day, many)),
        (
            "a bad address",
            FreeBusyRequest::new(day, [BOB.0, "bob at contoso"]),
        ),
        (
            "an address too long",
            FreeBusyRequest::new(day, [format!("{}@contoso.test", "a".repeat(300))]),
        ),
    ];
    for (what, request) in requests {
        let err = world.api.free_busy(call, &request).await.unwrap_err();
        assert!(
            matches!(err, ApiError::InvalidArgument { .. }),
            "{what}: {err:?}"
        );
    }
    let mut too_many = NameQuery::new("bob");
    too_many.max_results = 101;
    let queries = [
        ("an empty name", NameQuery::new("")),
        ("a blank name", NameQuery::new("   ")),
        ("a name too long", NameQuery::new("b".repeat(257))),
        ("too many results", too_many),
    ];
    for (what, query) in queries {
        let err = world.api.resolve_names(call, &query).await.unwrap_err();
        assert!(
            matches!(err, ApiError::InvalidArgument { .. }),
            "{what}: {err:?}"
        );
    }
    assert_eq!(
        world.fake.logged_requests().len(),
        sent,
        "nothing was sent to Exchange"
    );
}

macro_rules! over_every_transport {
    ($($scenario:ident),+ $(,)?) => {
        mod in_process {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $scenario() {
                super::$scenario(super::Kind::InProcess).await;
            })+
        }
        mod grpc {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $scenario() {
                super::$scenario(super::Kind::Grpc).await;
            })+
        }
        mod grpc_tls {
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $scenario() {
                super::$scenario(super::Kind::GrpcTls).await;
            })+
        }
    };
}

over_every_transport!(
    free_busy_of_mailboxes,
    names_are_resolved,
    bad_input_never_reaches_exchange,
);
