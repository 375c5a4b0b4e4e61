//! The tables area under load, side by side in one run:
//!
//! - **Overhead**: 1,000 appointments read from the fake Exchange through the connector, gRPC
//!   and the gateway (a query of the Appointment table, one page of 1,000), and directly with
//!   `EwsClient` (the same FindItem pages of 250 the gateway sends), the floor. Target: the
//!   gateway path within 1.25× of the direct one.
//! - **Memory**: 10,000 and 100,000 contacts streamed through the connector over gRPC (pages
//!   of 1,000 followed by their tokens). The peak resident memory the stream adds (the high-
//!   water mark, reset before each run, less the resident memory before it) is printed for
//!   both counts. Target: under 64 MiB, and flat in the count. The fake Exchange holding the
//!   items runs in the same process; what it holds is there before the stream starts and is
//!   not counted.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{Duration, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use exchange_auth::{Basic, UserCredentials};
use exchange_connector::tables::{Query, Table, TableQuery};
use exchange_connector::{
    Authentication, DataSource, ExchangeGeneration, ServiceAccount, TransportChoice,
};
use exchange_ews::items::{FindTypedItems, IndexedPage};
use exchange_ews::{DistinguishedFolder, EwsClient, FolderTarget};
use exchange_testkit::FakeExchange;
use exchange_testkit::SeedKind;
use futures_util::{StreamExt as _, TryStreamExt as _};
use mediagateway::{Gateway, GatewayConfig, ThrottleConfig};
use mediagateway_api::{GatewayApi, TablesApi, UserCall};
use mediagateway_grpc::GrpcClient;
use secrecy::SecretString;
use uuid::Uuid;

const SERVICE: (&str, &str) = ("svc@contoso.test", "service-password");
const ALICE: (&str, &str) = ("alice@contoso.test", "alice-password");
const BOB: (&str, &str) = ("bob@contoso.test", "bob-password");
const APPOINTMENTS: usize = 1_000;
const CONTACTS: usize = 100_000;

struct Bench {
    runtime: tokio::runtime::Runtime,
    fake: FakeExchange,
    grpc: Arc<dyn GatewayApi>,
    /// Alice's calls (1,000 appointments) and the data source for Bob (100,000 contacts).
    alice: UserCall,
    bob: exchange_connector::UserSession,
    alice_session: exchange_connector::UserSession,
    _dir: tempfile::TempDir,
}

fn set_up() -> Bench {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    let fake = runtime
        .block_on(
            FakeExchange::builder()
                .user(SERVICE.0, SERVICE.1, SERVICE.0)
                .user(ALICE.0, ALICE.1, ALICE.0)
                .user(BOB.0, BOB.1, BOB.0)
                .seed_calendar(ALICE.0, APPOINTMENTS, start, Duration::hours(1))
                .seed_items(BOB.0, "contacts", SeedKind::Contact, CONTACTS)
                .start(),
        )
        .expect("the fake Exchange starts");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = GatewayConfig::in_dir(dir.path())
        .with_rsa_bits(2048)
        .allow_plain_http_on_loopback()
        .with_guessing(ThrottleConfig::default());
    let gateway = Arc::new(Gateway::open(&config).expect("the gateway opens"));
    let listener = runtime
        .block_on(mediagateway::bind(
            "127.0.0.1:0".parse().expect("an address"),
        ))
        .expect("a loopback port");
    let port = listener.local_addr().expect("bound").port();
    runtime.spawn(mediagateway::serve(
        gateway.clone(),
        listener,
        std::future::pending(),
    ));
    let source = |key: Option<exchange_connector::PortalKey>| {
        let builder = DataSource::builder("Exchange")
            .gateway("127.0.0.1", port)
            .time_zone("UTC")
            .transport(TransportChoice::Grpc)
            .gateway_password(SecretString::from("1234"))
            .exchange_version(ExchangeGeneration::Exchange2010To2019)
            .authentication(Authentication::UserNamePassword)
            .exchange_account(ServiceAccount::new(
                SERVICE.0,
                SecretString::from(SERVICE.1),
                fake.url(),
            ));
        match key {
            Some(key) => builder.portal_key(key),
            None => builder,
        }
        .build()
        .expect("a data source")
    };
    let (alice, alice_session, bob) = runtime.block_on(async {
        let key = source(None)
            .configure_gateway()
            .await
            .expect("configured")
            .portal_key
            .expect("a key");
        let exchange = source(Some(key.clone()));
        let (alice, bob) = (Uuid::new_v4(), Uuid::new_v4());
        for (user, (name, password)) in [(alice, ALICE), (bob, BOB)] {
            exchange
                .login(user, name, SecretString::from(password))
                .await
                .expect("logged in");
        }
        (
            UserCall::new(key, "Exchange", alice),
            exchange.user(alice),
            exchange.user(bob),
        )
    });
    let grpc = GrpcClient::builder("127.0.0.1", port)
        .timeout(StdDuration::from_secs(600))
        .build()
        .expect("a client");
    Bench {
        runtime,
        fake,
        grpc: Arc::new(grpc),
        alice,
        bob,
        alice_session,
        _dir: dir,
    }
}

/// The floor: Alice's calendar read directly, in FindItem pages of 250 as the gateway reads
/// them, into typed items.
async fn direct(client: &EwsClient) -> usize {
    let mut read = 0;
    let mut offset = 0;
    loop {
        let page = IndexedPage::new(250, offset).expect("a page");
        let request = FindTypedItems::new(
            FolderTarget::Distinguished(DistinguishedFolder::Calendar),
            page,
        )
        .expect("a request");
        let found = client.execute(&request).await.expect("the calendar reads");
        read += found.items.len();
        offset += u32::try_from(found.items.len()).expect("a page fits");
        if found.includes_last_item_in_range || found.items.is_empty() {
            return read;
        }
    }
}

fn appointments_read(c: &mut Criterion) {
    let bench = set_up();
    let basic = Basic::new(UserCredentials::new(ALICE.0, SecretString::from(ALICE.1)))
        .expect("basic credentials");
    let client = EwsClient::builder(&bench.fake.url())
        .auth(Arc::new(basic))
        .build()
        .expect("a client");
    let query = TableQuery::new(Table::Appointment, Query::new(1000));

    let mut group = c.benchmark_group("appointments_read_1000");
    group.sample_size(10);
    assert_eq!(bench.runtime.block_on(direct(&client)), APPOINTMENTS);
    group.bench_function("direct_ews_client", |b| {
        b.to_async(&bench.runtime).iter(|| direct(&client));
    });
    let through_gateway = || async {
        let chunks: Vec<_> = TablesApi::query(&*bench.grpc, &bench.alice, &query)
            .await
            .expect("the query runs")
            .try_collect()
            .await
            .expect("the records arrive");
        chunks.iter().map(|c| c.records.len()).sum::<usize>()
    };
    assert_eq!(bench.runtime.block_on(through_gateway()), APPOINTMENTS);
    group.bench_function("gateway_grpc", |b| {
        b.to_async(&bench.runtime).iter(through_gateway);
    });
    let through_connector = || async {
        bench
            .alice_session
            .table(Table::Appointment)
            .page_size(1000)
            .all(APPOINTMENTS)
            .await
            .expect("the records arrive")
            .len()
    };
    assert_eq!(bench.runtime.block_on(through_connector()), APPOINTMENTS);
    group.bench_function("connector_grpc_gateway", |b| {
        b.to_async(&bench.runtime).iter(through_connector);
    });
    group.finish();

    streaming_memory(&bench);
}

/// A line of `/proc/self/status` in KiB.
fn status_kib(name: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// Streams `count` of Bob's contacts through the connector and returns the peak resident
/// memory the stream added, in MiB (Linux only: `None` elsewhere).
fn stream_peak(bench: &Bench, count: usize) -> Option<f64> {
    // Writing 5 resets the high-water mark of the resident set (Linux 4.0 and later).
    std::fs::write("/proc/self/clear_refs", "5").ok()?;
    let before = status_kib("VmRSS:")?;
    let streamed = bench.runtime.block_on(async {
        let mut stream = Box::pin(
            bench
                .bob
                .table(Table::Contact)
                .page_size(1000)
                .stream()
                .take(count),
        );
        let mut n = 0;
        while let Some(record) = stream.next().await {
            record.expect("a record");
            n += 1;
        }
        n
    });
    assert_eq!(streamed, count);
    let peak = status_kib("VmHWM:")?;
    Some(peak.saturating_sub(before) as f64 / 1024.0)
}

fn streaming_memory(bench: &Bench) {
    // Once to warm the connections and the allocator, then measured.
    let _ = stream_peak(bench, 10_000);
    for count in [10_000, CONTACTS] {
        match stream_peak(bench, count) {
            Some(mib) => {
                let rss = status_kib("VmRSS:").unwrap_or(0) as f64 / 1024.0;
                println!(
                    "stream_memory/{count}: peak resident memory added {mib:.1} MiB \
                     (process {rss:.0} MiB, the fake's items included); target < 64 MiB"
                );
            }
            None => println!("stream_memory/{count}: not measured (no /proc/self/clear_refs)"),
        }
    }
}

criterion_group!(benches, appointments_read);
criterion_main!(benches);
