//! What the end-to-end test binaries share.

use std::path::Path;
use std::sync::Arc;

use exchange_connector::{
    Authentication, DataSource, DataSourceBuilder, ExchangeGeneration, ServiceAccount,
    TransportChoice,
};
use mediagateway::{Gateway, GatewayConfig};
use mediagateway_api::GatewayApi;
use mediagateway_grpc::tls::ServerTls;
use secrecy::SecretString;

/// The service account of the tests' data sources: its user name and password.
pub(crate) const SERVICE: (&str, &str) = ("svc-portal@contoso.test", "service-password");
/// A portal user's Exchange account in [`fake_exchange`]: its user name and password.
#[allow(dead_code)] // `no_secrets_in_logs` includes this file and has accounts of its own
pub(crate) const ALICE: (&str, &str) = ("alice@contoso.test", "alice-password");

/// A fake Exchange on loopback with the service account and [`ALICE`].
#[allow(dead_code)] // as `ALICE`
pub(crate) async fn fake_exchange() -> exchange_testkit::FakeExchange {
    exchange_testkit::FakeExchange::builder()
        .user(SERVICE.0, SERVICE.1, SERVICE.0)
        .user(ALICE.0, ALICE.1, ALICE.0)
        .start()
        .await
        .expect("the fake Exchange starts on loopback")
}

/// A gateway on a temporary folder (a 2048-bit key, for speed), served over gRPC on a free
/// loopback port for as long as the test's runtime lives. Keep the folder until the end.
pub(crate) async fn served_gateway() -> (Arc<Gateway>, u16, tempfile::TempDir) {
    served_gateway_with(|config| config).await
}

/// [`served_gateway`] with settings of the test's own.
pub(crate) async fn served_gateway_with(
    settings: impl FnOnce(GatewayConfig) -> GatewayConfig,
) -> (Arc<Gateway>, u16, tempfile::TempDir) {
    served_gateway_over(Wire::Plain, settings).await
}

/// How a test gateway is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
// `no_secrets_in_logs` includes this file too and serves in plain text only.
#[allow(dead_code)]
pub(crate) enum Wire {
    /// Plain HTTP/2.
    Plain,
    /// TLS with the self-signed certificate the gateway makes in its folder, as `serve` does
    /// without PEM files (`ServerTls::self_signed(folder).certificate_path()`).
    Tls,
}

/// [`served_gateway_with`] over `wire`.
pub(crate) async fn served_gateway_over(
    wire: Wire,
    settings: impl FnOnce(GatewayConfig) -> GatewayConfig,
) -> (Arc<Gateway>, u16, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = settings(
        GatewayConfig::in_dir(dir.path())
            .with_rsa_bits(2048)
            .allow_plain_http_on_loopback(),
    );
    let gateway = Arc::new(Gateway::open(&config).expect("the gateway opens"));
    let listener = mediagateway::bind("127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("a loopback port");
    let port = listener.local_addr().expect("a bound listener").port();
    let api: Arc<dyn GatewayApi> = gateway.clone();
    match wire {
        Wire::Plain => {
            tokio::spawn(mediagateway::serve(api, listener, std::future::pending()));
        }
        Wire::Tls => {
            let tls = mediagateway::server_tls(&config).expect("a self-signed certificate");
            tokio::spawn(async move {
                mediagateway::serve_tls(api, listener, &tls, std::future::pending()).await
            });
        }
    }
    (gateway, port, dir)
}

/// The data source of every test: the service account on `ews_url`, the default password.
pub(crate) fn data_source(
    transport: TransportChoice,
    grpc_port: u16,
    ews_url: &str,
) -> DataSourceBuilder {
    named_data_source("Exchange", transport, grpc_port, ews_url)
}

/// A data source like [`data_source`]'s, called `name`.
pub(crate) fn named_data_source(
    name: &str,
    transport: TransportChoice,
    grpc_port: u16,
    ews_url: &str,
) -> DataSourceBuilder {
    DataSource::builder(name)
        .gateway("127.0.0.1", grpc_port)
        .time_zone("Europe/Berlin")
        .transport(transport)
        .gateway_password(SecretString::from("1234"))
        .exchange_version(ExchangeGeneration::Exchange2010To2019)
        .authentication(Authentication::UserNamePassword)
        .exchange_account(ServiceAccount::new(
            SERVICE.0,
            SecretString::from(SERVICE.1),
            ews_url,
        ))
}

/// Serves `gateway` over gRPC with TLS too, on a free loopback port, with the self-signed
/// certificate kept in `data_dir`; returns the port and the certificate's fingerprint.
pub(crate) async fn also_over_tls(gateway: Arc<Gateway>, data_dir: &Path) -> (u16, String) {
    let tls = ServerTls::self_signed_in(data_dir).expect("a self-signed certificate");
    let fingerprint = tls.fingerprint().to_owned();
    let listener = mediagateway::bind("127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("a loopback port");
    let port = listener.local_addr().expect("a bound listener").port();
    tokio::spawn(async move {
        mediagateway::serve_tls(gateway, listener, &tls, std::future::pending()).await
    });
    (port, fingerprint)
}

/// The configuration of data source `name` with the service account on `ews_url`, as the
/// gateway API takes it.
#[allow(dead_code)] // `no_secrets_in_logs` includes this file and configures through the connector
pub(crate) fn data_source_config(name: &str, ews_url: &str) -> mediagateway_api::DataSourceConfig {
    mediagateway_api::DataSourceConfig {
        name: name.to_owned(),
        exchange_generation: ExchangeGeneration::Exchange2010To2019,
        authentication: Authentication::UserNamePassword,
        service_account: ServiceAccount::new(
            SERVICE.0,
            SecretString::from(SERVICE.1),
            ews_url.to_owned(),
        ),
        session_based: false,
        time_zone: "Europe/Berlin".to_owned(),
        oauth: None,
    }
}
