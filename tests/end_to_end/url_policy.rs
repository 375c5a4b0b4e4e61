//! The EWS URL policy: a data source pointing at plain http off loopback, a link-local or cloud
//! metadata address, the unspecified address or a host off the allow-list is refused, and
//! nothing is sent there, not even the service account's password. A host name is judged by
//! the addresses it resolves to as well, when the gateway connects.

use std::io;
use std::net::IpAddr;
use std::sync::Arc;

use async_trait::async_trait;
use exchange_ews::client::HostLookup;
use mediagateway::{Gateway, UrlPolicy};
use mediagateway_api::{
    AdminApi, AdminCall, ApiError, GatewayApi, GatewayPassword, Login, SessionApi, UserCall,
};
use mediagateway_grpc::GrpcClient;
use secrecy::SecretString;
use uuid::Uuid;

use crate::support::{data_source_config as config, fake_exchange, served_gateway_with, ALICE};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_urls_get_no_password_and_no_data_source() {
    let fake = fake_exchange().await;
    let (gateway, port, _dir) = served_gateway_with(|config| {
        config.with_ews_url_policy(UrlPolicy {
            allow_plain_http_on_loopback: true,
            allowed_hosts: vec!["127.0.0.1".to_owned(), "*.contoso.test".to_owned()],
        })
    })
    .await;
    let grpc = GrpcClient::builder("127.0.0.1", port).build().unwrap();
    let admin = AdminCall::new(GatewayPassword::from("1234"));
    let fake_port = fake.url().split(':').nth(2).unwrap_or_default().to_owned();
    let refused = [
        "http://mail.contoso.test/EWS/Exchange.asmx".to_owned(),
        "https://169.254.169.254/EWS/Exchange.asmx".to_owned(),
        "https://[fd00:ec2::254]/EWS/Exchange.asmx".to_owned(),
        "https://[::]/EWS/Exchange.asmx".to_owned(),
        "https://0.0.0.0/EWS/Exchange.asmx".to_owned(),
        "https://mail.fabrikam.test/EWS/Exchange.asmx".to_owned(),
        format!("http://svc:pw@127.0.0.1:{fake_port}"),
    ];
    for api in [&*gateway as &dyn GatewayApi, &grpc] {
        for (i, url) in refused.iter().enumerate() {
            let name = format!("Refused {i}");
            let err = api
                .configure_data_source(&admin, &config(&name, url))
                .await
                .unwrap_err();
            assert!(
                matches!(err, ApiError::EwsUrlRefused { .. }),
                "{url}: {err:?}"
            );
            assert!(
                matches!(
                    api.test_exchange_account(&admin, &name).await,
                    Err(ApiError::UnknownDataSource { .. })
                ),
                "{url} was kept"
            );
        }
    }
    assert!(
        fake.logged_requests().is_empty(),
        "nothing reached Exchange"
    );
    // The allowed host works.
    gateway
        .configure_data_source(&admin, &config("Allowed", &fake.url()))
        .await
        .unwrap();
    gateway
        .test_exchange_account(&admin, "Allowed")
        .await
        .unwrap();
    assert!(!fake.logged_requests().is_empty());
}

/// Resolves `localhost` to its addresses; other names do not resolve.
#[derive(Debug)]
struct Localhost(Vec<IpAddr>);

#[async_trait]
impl HostLookup for Localhost {
    async fn lookup(&self, host: &str) -> io::Result<Vec<IpAddr>> {
        if host == "localhost" {
            Ok(self.0.clone())
        } else {
            Err(io::Error::new(io::ErrorKind::NotFound, host.to_owned()))
        }
    }
}

/// A gateway whose EWS host names resolve by [`Localhost`] to 127.0.0.1 and then to
/// `address` (so that, were the check broken, the fake Exchange on loopback would get the
/// request, never `address`), with the data source
/// `Named` on `http://localhost:PORT` of `fake`, a name the URL policy lets through (plain http
/// to this machine, as the tests allow); the gateway's gRPC port and the portal user's call.
async fn source_named_by_host(
    fake: &exchange_testkit::FakeExchange,
    address: [u8; 4],
) -> (Arc<Gateway>, u16, tempfile::TempDir, UserCall) {
    let lookup = Arc::new(Localhost(vec![[127, 0, 0, 1].into(), address.into()]));
    let (gateway, port, dir) =
        served_gateway_with(|config| config.with_ews_host_lookup(lookup)).await;
    let url = format!("http://localhost:{}/EWS/Exchange.asmx", fake.addr().port());
    let configured = gateway
        .configure_data_source(&admin(), &config("Named", &url))
        .await
        .expect("the URL itself passes the policy");
    let key = configured.portal_key.expect("a new data source gets a key");
    (
        gateway,
        port,
        dir,
        UserCall::new(key, "Named", Uuid::new_v4()),
    )
}

fn admin() -> AdminCall {
    AdminCall::new(GatewayPassword::from("1234"))
}

fn alice() -> Login {
    Login {
        user_name: ALICE.0.to_owned(),
        password: SecretString::from(ALICE.1),
        mailbox: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_resolving_to_a_metadata_address_gets_nothing() {
    let fake = fake_exchange().await;
    let (gateway, port, _dir, user) = source_named_by_host(&fake, [169, 254, 169, 254]).await;
    let grpc = GrpcClient::builder("127.0.0.1", port).build().unwrap();
    for api in [&*gateway as &dyn GatewayApi, &grpc] {
        let err = api
            .test_exchange_account(&admin(), "Named")
            .await
            .unwrap_err();
        let ApiError::EwsUrlRefused { reason } = &err else {
            panic!("the service account: {err:?}");
        };
        assert!(reason.contains("169.254.169.254"), "{reason}");
        let err = api.login(&user, &alice()).await.unwrap_err();
        assert!(
            matches!(err, ApiError::EwsUrlRefused { .. }),
            "a portal user's login: {err:?}"
        );
    }
    assert!(
        fake.logged_requests().is_empty(),
        "nothing reached Exchange"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_name_resolving_to_loopback_reaches_exchange() {
    let fake = fake_exchange().await;
    let (gateway, _port, _dir, user) = source_named_by_host(&fake, [127, 0, 0, 1]).await;
    gateway
        .test_exchange_account(&admin(), "Named")
        .await
        .unwrap();
    let outcome = gateway.login(&user, &alice()).await.unwrap();
    assert_eq!(outcome.mailbox, ALICE.0);
    assert!(!fake.logged_requests().is_empty());
}
