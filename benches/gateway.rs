//! The cost of gateway calls, side by side in one run: the `Status` call and a calendar read of
//! 100 appointments, in-process, over gRPC and over gRPC with TLS, with the floor measured in
//! the same run: a bare tonic unary call (the standard health check, which does no work) over
//! plain gRPC and over TLS.
//!
//! Targets (docs/architecture.md): gRPC `Status` within 1.2× of the bare unary call, and TLS
//! adding at most 15 %.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use exchange_testkit::FakeExchange;
use mediagateway::{Gateway, GatewayConfig, ThrottleConfig};
use mediagateway_api::{
    AdminApi, AdminCall, Authentication, DataSourceConfig, ExchangeGeneration, GatewayApi,
    GatewayPassword, Login, ServiceAccount, SessionApi, TimeWindow, UserCall,
};
use mediagateway_grpc::tls::{ClientTls, ServerTls};
use mediagateway_grpc::GrpcClient;
use secrecy::SecretString;
use tonic_health::pb::health_client::HealthClient;
use tonic_health::pb::HealthCheckRequest;
use uuid::Uuid;

const SERVICE: (&str, &str) = ("svc@contoso.test", "service-password");
const ALICE: (&str, &str) = ("alice@contoso.test", "alice-password");

/// A gateway served plain and with TLS on loopback, a fake Exchange with 100 appointments in
/// Alice's calendar, and Alice logged in.
struct Bench {
    runtime: tokio::runtime::Runtime,
    transports: Vec<(&'static str, Arc<dyn GatewayApi>)>,
    floors: Vec<(&'static str, tonic::transport::Channel)>,
    user: UserCall,
    window: TimeWindow,
    _fake: FakeExchange,
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
                .seed_calendar(ALICE.0, 100, start, Duration::hours(1))
                .start(),
        )
        .expect("the fake Exchange starts");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = GatewayConfig::in_dir(dir.path())
        .with_rsa_bits(2048)
        .allow_plain_http_on_loopback()
        .with_guessing(ThrottleConfig::default());
    let gateway = Arc::new(Gateway::open(&config).expect("the gateway opens"));
    let bind = || {
        runtime
            .block_on(mediagateway::bind(
                "127.0.0.1:0".parse().expect("an address"),
            ))
            .expect("a loopback port")
    };
    let plain = bind();
    let plain_port = plain.local_addr().expect("bound").port();
    runtime.spawn(mediagateway::serve(
        gateway.clone(),
        plain,
        std::future::pending(),
    ));
    let tls = ServerTls::self_signed_in(dir.path()).expect("a certificate");
    let fingerprint = tls.fingerprint().to_owned();
    let secure = bind();
    let tls_port = secure.local_addr().expect("bound").port();
    let served = gateway.clone();
    runtime.spawn(async move {
        mediagateway::serve_tls(served, secure, &tls, std::future::pending()).await
    });
    let grpc = GrpcClient::builder("127.0.0.1", plain_port)
        .build()
        .expect("a client");
    let grpc_tls = GrpcClient::builder("127.0.0.1", tls_port)
        .tls(ClientTls::pinned_fingerprint(&fingerprint).expect("a fingerprint"))
        .build()
        .expect("a client");

    let admin = AdminCall::new(GatewayPassword::from("1234"));
    let config = DataSourceConfig {
        name: "Exchange".to_owned(),
        exchange_generation: ExchangeGeneration::Exchange2010To2019,
        authentication: Authentication::UserNamePassword,
        service_account: ServiceAccount::new(SERVICE.0, SecretString::from(SERVICE.1), fake.url()),
        session_based: false,
        time_zone: "UTC".to_owned(),
        oauth: None,
    };
    let user = runtime.block_on(async {
        let key = gateway
            .configure_data_source(&admin, &config)
            .await
            .expect("configured")
            .portal_key
            .expect("a key");
        let user = UserCall::new(key, "Exchange", Uuid::new_v4());
        let login = Login {
            user_name: ALICE.0.to_owned(),
            password: SecretString::from(ALICE.1),
            mailbox: None,
        };
        gateway.login(&user, &login).await.expect("logged in");
        user
    });
    let window = TimeWindow::new(start, start + Duration::hours(100)).expect("a window");

    // The floor: the health service of the same servers, a tonic unary call that does no work.
    let channel = |port: u16, tls: bool| {
        let client = GrpcClient::builder("127.0.0.1", port);
        let client = if tls {
            client.tls(ClientTls::pinned_fingerprint(&fingerprint).expect("a fingerprint"))
        } else {
            client
        };
        client.build().expect("a client").channel()
    };
    let floors = runtime.block_on(async {
        vec![
            ("bare_unary_grpc", channel(plain_port, false)),
            ("bare_unary_grpc_tls", channel(tls_port, true)),
        ]
    });
    Bench {
        transports: vec![
            ("in_process", gateway as Arc<dyn GatewayApi>),
            ("grpc", Arc::new(grpc)),
            ("grpc_tls", Arc::new(grpc_tls)),
        ],
        floors,
        user,
        window,
        runtime,
        _fake: fake,
        _dir: dir,
    }
}

fn gateway_calls(c: &mut Criterion) {
    let bench = set_up();
    let admin = AdminCall::new(GatewayPassword::from("1234"));

    let mut group = c.benchmark_group("status_call");
    for (name, channel) in &bench.floors {
        let channel = channel.clone();
        group.bench_function(*name, |b| {
            b.to_async(&bench.runtime).iter(|| {
                let mut client = HealthClient::new(channel.clone());
                async move {
                    client
                        .check(HealthCheckRequest {
                            service: String::new(),
                        })
                        .await
                        .expect("the health service answers")
                }
            });
        });
    }
    for (name, api) in &bench.transports {
        bench
            .runtime
            .block_on(api.status(&admin))
            .expect("status answers");
        group.bench_function(*name, |b| {
            b.to_async(&bench.runtime)
                .iter(|| async { api.status(&admin).await.expect("status answers") });
        });
    }
    group.finish();

    let mut group = c.benchmark_group("calendar_read_100");
    group.sample_size(20);
    for (name, api) in &bench.transports {
        let found = bench
            .runtime
            .block_on(api.find_appointments(&bench.user, &bench.window))
            .expect("the calendar reads");
        assert_eq!(found.len(), 100, "{name}");
        group.bench_function(*name, |b| {
            b.to_async(&bench.runtime).iter(|| async {
                api.find_appointments(&bench.user, &bench.window)
                    .await
                    .expect("the calendar reads")
            });
        });
    }
    group.finish();
}

criterion_group!(benches, gateway_calls);
criterion_main!(benches);
