//! The EWS URL policy: a data source pointing at plain http off loopback, a link-local or cloud
//! metadata address, the unspecified address or a host off the allow-list is refused, and
//! nothing is sent there, not even the service account's password.

use mediagateway::UrlPolicy;
use mediagateway_api::{AdminApi, AdminCall, ApiError, GatewayApi, GatewayPassword};
use mediagateway_grpc::GrpcClient;

use crate::support::{data_source_config as config, fake_exchange, served_gateway_with};

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
