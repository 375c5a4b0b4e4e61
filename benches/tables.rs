//! The tables area under load, side by side in one run:
//!
//! - **Overhead**: 1,000 appointments of a calendar window read from the fake Exchange through
//!   the connector, gRPC and the gateway (a window query of the Appointment table selecting
//!   the fields a calendar view shows), and directly with `EwsClient::find_calendar_items`
//!   (one CalendarView, the crate's calendar properties), the floor. Target: the gateway path
//!   within 1.25× of the direct one. Reading every field of every appointment (bodies,
//!   attendees and recurrences need a GetItem per page, as EWS has it) is measured too, beside
//!   its own floor: the same FindItem and GetItem pages sent directly.
//! - **Memory**: 10,000 and 100,000 contacts streamed through a gateway and the connector over
//!   gRPC (pages of 1,000 followed by their tokens), each count in a child process of this
//!   benchmark that holds only the gateway and the connector (the fake Exchange with its
//!   100,000 items stays in this one). The child opens the gateway on this process's data
//!   folder, where the data source is configured already, so no admin call runs in it: the
//!   Argon2 check of the gateway password needs 19 MiB, which the allocator keeps resident
//!   afterwards (about 55 MiB before the stream instead of 17). The child's peak resident
//!   memory is printed for both counts. Target: under 64 MiB, and flat in the count.

use std::process::Command;
use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::{DateTime, Duration, TimeZone, Utc};
use criterion::{criterion_group, Criterion};
use exchange_auth::{Basic, UserCredentials};
use exchange_connector::tables::{Query, Table, TableQuery};
use exchange_connector::{
    Authentication, DataSource, ExchangeGeneration, PortalKey, ServiceAccount, TransportChoice,
};
use exchange_ews::calendar::FindCalendarItems;
use exchange_ews::items::{
    BaseShape, DistinguishedPropertySet, ItemShape, MapiPropertyType, PropertyPath,
};
use exchange_ews::{DistinguishedFolder, EwsClient, FolderTarget};
use exchange_testkit::{FakeExchange, SeedKind};
use futures_util::{StreamExt as _, TryStreamExt as _};
use mediagateway::{Gateway, GatewayConfig, ThrottleConfig};
use mediagateway_api::{Credential, GatewayApi, TablesApi, TimeWindow, UserCall};
use mediagateway_grpc::GrpcClient;
use secrecy::{ExposeSecret as _, SecretString};
use uuid::Uuid;

const SERVICE: (&str, &str) = ("svc@contoso.test", "service-password");
const ALICE: (&str, &str) = ("alice@contoso.test", "alice-password");
const BOB: (&str, &str) = ("bob@contoso.test", "bob-password");
const APPOINTMENTS: usize = 1_000;
const CONTACTS: usize = 100_000;
/// Set in a child process: `EWS_URL COUNT`, the contacts to stream.
const STREAM_CHILD: &str = "TABLES_BENCH_STREAM_CHILD";

/// What a calendar view shows of an appointment.
const VIEW_FIELDS: [&str; 7] = [
    "Subject",
    "Start",
    "End",
    "IsAllDayEvent",
    "Location",
    "BusyStatus",
    "Organizer",
];

/// A gateway on a temporary folder served over gRPC on loopback, a data source on `ews_url`
/// configured through it, and its portal key.
async fn gateway_on(ews_url: &str) -> (u16, PortalKey, tempfile::TempDir, Arc<Gateway>) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = GatewayConfig::in_dir(dir.path())
        .with_rsa_bits(2048)
        .allow_plain_http_on_loopback()
        .with_guessing(ThrottleConfig::default());
    let gateway = Arc::new(Gateway::open(&config).expect("the gateway opens"));
    let listener = mediagateway::bind("127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("a loopback port");
    let port = listener.local_addr().expect("bound").port();
    tokio::spawn(mediagateway::serve(
        gateway.clone(),
        listener,
        std::future::pending(),
    ));
    let key = source(port, ews_url, None)
        .configure_gateway()
        .await
        .expect("configured")
        .portal_key
        .expect("a key");
    (port, key, dir, gateway)
}

fn source(port: u16, ews_url: &str, key: Option<PortalKey>) -> DataSource {
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
            ews_url,
        ));
    match key {
        Some(key) => builder.portal_key(key),
        None => builder,
    }
    .build()
    .expect("a data source")
}

struct Bench {
    runtime: tokio::runtime::Runtime,
    fake: FakeExchange,
    grpc: Arc<dyn GatewayApi>,
    in_process: Arc<dyn GatewayApi>,
    alice: UserCall,
    alice_session: exchange_connector::UserSession,
    window: (DateTime<Utc>, DateTime<Utc>),
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
    let (port, key, dir, gateway) = runtime.block_on(gateway_on(&fake.url()));
    let alice = Uuid::new_v4();
    let exchange = source(port, &fake.url(), Some(key.clone()));
    runtime
        .block_on(exchange.login(alice, ALICE.0, SecretString::from(ALICE.1)))
        .expect("logged in");
    let grpc = GrpcClient::builder("127.0.0.1", port)
        .timeout(StdDuration::from_secs(600))
        .build()
        .expect("a client");
    let end = start + Duration::hours(i64::try_from(APPOINTMENTS).expect("fits") + 1);
    Bench {
        runtime,
        grpc: Arc::new(grpc),
        in_process: gateway,
        alice: UserCall::new(key, "Exchange", alice),
        alice_session: exchange.user(alice),
        window: (start - Duration::hours(1), end),
        fake,
        _dir: dir,
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
    let (start, end) = bench.window;
    let calendar = FolderTarget::Distinguished(DistinguishedFolder::Calendar);

    let mut group = c.benchmark_group("appointments_read_1000");
    group.sample_size(10);
    let direct = || async {
        client
            .find_calendar_items(&calendar, start, end, None)
            .await
            .expect("the calendar reads")
            .items
            .len()
    };
    assert_eq!(bench.runtime.block_on(direct()), APPOINTMENTS);
    group.bench_function("direct_ews_client", |b| {
        b.to_async(&bench.runtime).iter(direct);
    });
    // The floor of the same request: the CalendarView the gateway sends for the view's fields
    // (their paths, the appointment's times and the two keys the gateway always reads).
    let mut shape = ItemShape::new(BaseShape::IdOnly);
    for uri in [
        "calendar:Start",
        "calendar:End",
        "item:Subject",
        "calendar:IsAllDayEvent",
        "calendar:Location",
        "calendar:LegacyFreeBusyStatus",
        "calendar:Organizer",
    ] {
        shape = shape.with(PropertyPath::field(uri));
    }
    let shape = shape
        .with(PropertyPath::named(
            DistinguishedPropertySet::PublicStrings,
            "ExchangeConnectorPermanentURL",
            MapiPropertyType::String,
        ))
        .with(PropertyPath::tagged(0x300B, MapiPropertyType::Binary));
    let same_request = FindCalendarItems::new(calendar.clone(), start, end, Some(2001))
        .and_then(|r| r.with_shape(shape))
        .expect("a request");
    let same_shape = || async {
        client
            .execute(&same_request)
            .await
            .expect("the calendar reads")
            .items
            .len()
    };
    assert_eq!(bench.runtime.block_on(same_shape()), APPOINTMENTS);
    group.bench_function("direct_ews_client_same_shape", |b| {
        b.to_async(&bench.runtime).iter(same_shape);
    });
    let through_connector = || async {
        bench
            .alice_session
            .table(Table::Appointment)
            .window(start, end)
            .only(&VIEW_FIELDS)
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
    // The same query with the gateway in the process: what gRPC adds.
    let mut view = TableQuery::new(Table::Appointment, {
        let mut q = Query::new(1000);
        q.fields = VIEW_FIELDS.iter().map(|f| (*f).to_owned()).collect();
        q
    });
    view.window = Some(TimeWindow::new(start, end).expect("a window"));
    let view = &view;
    let in_process = || records(&*bench.in_process, &bench.alice, view);
    assert_eq!(bench.runtime.block_on(in_process()), APPOINTMENTS);
    group.bench_function("gateway_in_process", |b| {
        b.to_async(&bench.runtime).iter(in_process);
    });
    // The same query through the gRPC client without the connector: what the connector adds.
    let over_grpc = || records(&*bench.grpc, &bench.alice, view);
    assert_eq!(bench.runtime.block_on(over_grpc()), APPOINTMENTS);
    group.bench_function("gateway_grpc", |b| {
        b.to_async(&bench.runtime).iter(over_grpc);
    });
    let mut every_field = TableQuery::new(Table::Appointment, Query::new(1000));
    every_field.window = Some(TimeWindow::new(start, end).expect("a window"));
    let every_field = &every_field;
    let all_fields = || records(&*bench.grpc, &bench.alice, every_field);
    assert_eq!(bench.runtime.block_on(all_fields()), APPOINTMENTS);
    group.bench_function("gateway_grpc_every_field", |b| {
        b.to_async(&bench.runtime).iter(all_fields);
    });
    group.finish();

    // The ratios again, from reads run back to back (the floor, the gateway in the process,
    // the bare gRPC client, the connector over gRPC): this machine's speed drifts between
    // criterion's benchmarks by more than the overhead being measured. Besides the time, the
    // processor time of the whole process (every thread, the fake Exchange's included) tells
    // work from waiting.
    let (times, cpu) = bench.runtime.block_on(async {
        let (mut times, mut cpu) = ([vec![], vec![], vec![], vec![]], [0; 4]);
        for _ in 0..PAIRS {
            for (path, times, cpu) in (0..4)
                .zip(&mut times)
                .zip(&mut cpu)
                .map(|((p, t), c)| (p, t, c))
            {
                let (started, ticks) = (std::time::Instant::now(), cpu_ticks());
                match path {
                    0 => same_shape().await,
                    1 => in_process().await,
                    2 => over_grpc().await,
                    _ => through_connector().await,
                };
                times.push(started.elapsed().as_secs_f64() * 1e3);
                *cpu += cpu_ticks() - ticks;
            }
        }
        (times, cpu)
    });
    let per_read = |ticks: u64| ticks as f64 * 1e3 / TICKS_PER_SECOND / PAIRS as f64;
    let ratios = |path: usize| -> f64 {
        median(
            times[path]
                .iter()
                .zip(&times[0])
                .map(|(g, f)| g / f)
                .collect(),
        )
    };
    println!(
        "appointments_read_1000/paired ({PAIRS} rounds): median floor {:.2} ms ({:.2} ms of \
         processor time); gateway in process {:.2} ms ({:.2} ms), median ratio {:.3}; gRPC \
         client + gateway {:.2} ms ({:.2} ms), median ratio {:.3}; connector + gRPC + gateway \
         {:.2} ms ({:.2} ms), median ratio {:.3} (target <= 1.25)",
        median(times[0].clone()),
        per_read(cpu[0]),
        median(times[1].clone()),
        per_read(cpu[1]),
        ratios(1),
        median(times[2].clone()),
        per_read(cpu[2]),
        ratios(2),
        median(times[3].clone()),
        per_read(cpu[3]),
        ratios(3),
    );

    streaming_memory(&bench);
}

/// How many records `query` streams through `api` for `call`.
async fn records(api: &dyn GatewayApi, call: &UserCall, query: &TableQuery) -> usize {
    let chunks: Vec<_> = TablesApi::query(api, call, query)
        .await
        .expect("the query runs")
        .try_collect()
        .await
        .expect("the records arrive");
    chunks.iter().map(|c| c.records.len()).sum()
}

/// How many floor and gateway reads run back to back for the paired ratio.
const PAIRS: usize = 60;

/// The clock ticks of `/proc/self/stat` (USER_HZ, 100 on Linux).
const TICKS_PER_SECOND: f64 = 100.0;

/// The processor time this process has used, user and system, in clock ticks.
fn cpu_ticks() -> u64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // The fields after the command's name, which is in parentheses and may hold spaces.
    let after = stat.rsplit_once(") ").map_or("", |(_, rest)| rest);
    let fields: Vec<&str> = after.split(' ').collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 after the name.
    fields
        .get(11..13)
        .map_or(0, |f| f.iter().filter_map(|v| v.parse::<u64>().ok()).sum())
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

/// A line of `/proc/self/status`, in KiB.
fn status_kib(name: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(name))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// The child: a gateway and the connector stream `count` of Bob's contacts from `ews_url`;
/// prints the peak resident memory of the process.
/// The child: a gateway opened on the parent's data folder (the data source is configured
/// there already, so no admin call runs here) and the connector stream `count` of Bob's
/// contacts from `ews_url`; prints the process's resident memory along the way and its peak.
fn stream_child(spec: &str) {
    let mut parts = spec.splitn(4, ' ');
    let (Some(ews_url), Some(count), Some(dir), Some(key)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        panic!("EWS_URL COUNT DATA_DIR PORTAL_KEY");
    };
    let count: usize = count.parse().expect("a count");
    println!("start_kib={}", status_kib("VmRSS:").unwrap_or(0));
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let streamed = runtime.block_on(async {
        let config = GatewayConfig::in_dir(std::path::Path::new(dir))
            .with_rsa_bits(2048)
            .allow_plain_http_on_loopback();
        let gateway = Arc::new(Gateway::open(&config).expect("the gateway opens"));
        let listener = mediagateway::bind("127.0.0.1:0".parse().expect("an address"))
            .await
            .expect("a loopback port");
        let port = listener.local_addr().expect("bound").port();
        tokio::spawn(mediagateway::serve(
            gateway,
            listener,
            std::future::pending(),
        ));
        println!("gateway_kib={}", status_kib("VmRSS:").unwrap_or(0));
        let exchange = source(port, ews_url, Some(PortalKey::from(key)));
        let bob = Uuid::new_v4();
        exchange
            .login(bob, BOB.0, SecretString::from(BOB.1))
            .await
            .expect("logged in");
        println!("before_kib={}", status_kib("VmRSS:").unwrap_or(0));
        let mut stream = Box::pin(
            exchange
                .user(bob)
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
    println!("peak_kib={}", status_kib("VmHWM:").unwrap_or(0));
}

fn streaming_memory(bench: &Bench) {
    let me = std::env::current_exe().expect("this benchmark's path");
    let Credential::PortalKey(key) = &bench.alice.credential else {
        panic!("a user call carries the portal key");
    };
    let key = key.secret().expose_secret().to_owned();
    for count in [10_000, CONTACTS] {
        let output = Command::new(&me)
            .env(
                STREAM_CHILD,
                format!(
                    "{} {count} {} {key}",
                    bench.fake.url(),
                    bench._dir.path().display()
                ),
            )
            .output()
            .expect("the child runs");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let kib = |key: &str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .and_then(|v| v.parse::<u64>().ok())
                .unwrap_or(0) as f64
                / 1024.0
        };
        println!(
            "stream_memory/{count}: peak resident memory of gateway + connector {:.1} MiB, \
             {:.1} MiB before the stream ({:.1} MiB at the start of the process, {:.1} MiB \
             with the gateway open) (target < 64 MiB, flat in the count)",
            kib("peak_kib="),
            kib("before_kib="),
            kib("start_kib="),
            kib("gateway_kib="),
        );
    }
}

criterion_group!(benches, appointments_read);

fn main() {
    if let Ok(spec) = std::env::var(STREAM_CHILD) {
        stream_child(&spec);
        return;
    }
    benches();
    Criterion::default().configure_from_args().final_summary();
}
