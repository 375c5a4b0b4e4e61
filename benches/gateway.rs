//! The cost of one small gateway call (`Status`): in-process and over gRPC on loopback.
//!
//! Targets (docs/architecture.md): in-process under 10 µs, gRPC p50 under 150 µs.

use std::sync::Arc;

use criterion::{criterion_group, criterion_main, Criterion};
use mediagateway::{Gateway, GatewayConfig};
use mediagateway_api::{AdminApi, AdminCall, GatewayPassword};
use mediagateway_grpc::GrpcClient;

fn status_call(c: &mut Criterion) {
    let runtime = tokio::runtime::Runtime::new().expect("a tokio runtime");
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = GatewayConfig::in_dir(dir.path())
        .with_rsa_bits(2048)
        .allow_plain_http_on_loopback();
    let gateway = Arc::new(Gateway::open(&config).expect("the gateway opens"));
    let password = GatewayPassword::from("1234");

    let mut group = c.benchmark_group("gateway_status_call");
    group.bench_function("in_process", |b| {
        b.to_async(&runtime).iter(|| async {
            gateway
                .status(&AdminCall::new(password.clone()))
                .await
                .expect("status answers")
        });
    });

    let listener = runtime
        .block_on(mediagateway::bind(
            "127.0.0.1:0".parse().expect("an address"),
        ))
        .expect("a loopback port");
    let port = listener.local_addr().expect("bound").port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    runtime.spawn(mediagateway::serve(gateway.clone(), listener, async {
        let _ = stopped.await;
    }));
    let client = GrpcClient::builder("127.0.0.1", port)
        .build()
        .expect("a client");
    runtime
        .block_on(client.status(&AdminCall::new(password.clone())))
        .expect("the server answers");
    group.bench_function("grpc_loopback", |b| {
        b.to_async(&runtime).iter(|| async {
            client
                .status(&AdminCall::new(password.clone()))
                .await
                .expect("status answers")
        });
    });
    group.finish();
    let _ = stop.send(());
}

criterion_group!(benches, status_call);
criterion_main!(benches);
