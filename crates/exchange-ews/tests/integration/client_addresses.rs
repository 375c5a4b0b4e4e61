//! The address check: a host name that resolves to a forbidden address gets no request at all,
//! over one-shot and connection-bound schemes alike; one that resolves to an allowed address
//! is reached through the lookup the client was given.

use crate::common;

use std::io;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use common::*;
use exchange_auth::{AuthStrategy, Ntlm, UserCredentials};
use exchange_ews::client::{AddressCheck, HostLookup, RetryPolicy};
use exchange_ews::{EwsClient, EwsError, ExchangeVersion, ItemId};
use secrecy::SecretString;
use wiremock::MockServer;

/// The name the tests' URLs use; only the tests' lookup knows it.
const HOST: &str = "exchange.test";

/// Resolves [`HOST`] to its addresses, and nothing else.
#[derive(Debug)]
struct OneName(Vec<IpAddr>);

#[async_trait]
impl HostLookup for OneName {
    async fn lookup(&self, host: &str) -> io::Result<Vec<IpAddr>> {
        if host == HOST {
            Ok(self.0.clone())
        } else {
            Err(io::Error::new(io::ErrorKind::NotFound, host.to_owned()))
        }
    }
}

/// Refuses the cloud metadata addresses and the rest of IPv4 link-local.
#[derive(Debug)]
struct NoMetadata;

impl AddressCheck for NoMetadata {
    fn check(&self, host: &str, addresses: &[IpAddr]) -> Result<(), String> {
        let aws_v6: IpAddr = "fd00:ec2::254".parse().expect("an IPv6 address");
        match addresses.iter().find(|address| match address {
            IpAddr::V4(v4) => v4.is_link_local(),
            IpAddr::V6(_) => **address == aws_v6,
        }) {
            Some(address) => Err(format!("{host} resolves to the metadata address {address}")),
            None => Ok(()),
        }
    }
}

/// A client of `exchange.test` on the mock's port, resolved by `lookup` to `addresses`.
fn client(server: &MockServer, addresses: &[&str], auth: Arc<dyn AuthStrategy>) -> EwsClient {
    let url = format!("http://{HOST}:{}{EWS_PATH}", server.address().port());
    EwsClient::builder(&url)
        .auth(auth)
        .version(ExchangeVersion::Exchange2013Sp1)
        .timeout(Duration::from_secs(10))
        .retry(RetryPolicy::none())
        .host_lookup(Arc::new(OneName(
            addresses
                .iter()
                .map(|a| a.parse().expect("an IP address"))
                .collect(),
        )))
        .check_addresses(Arc::new(NoMetadata))
        .build()
        .unwrap()
}

/// The name resolves to the mock's loopback address first and `address` second: were the
/// check ever broken, the client would connect to the mock (and the test fail) rather than
/// send anything to `address`, which is off this machine.
async fn refused_without_a_request(address: &str, auth: Arc<dyn AuthStrategy>) {
    let server = MockServer::start().await;
    answer(&server, 200, "").await;
    let err = client(&server, &["127.0.0.1", address], auth)
        .get_calendar_item(&ItemId::new("AAMk1"))
        .await
        .unwrap_err();
    let EwsError::AddressRefused { host, reason } = &err else {
        panic!("{address}: expected a refused address, got {err:?}");
    };
    assert!(err.is_address_refused());
    assert_eq!(host, HOST);
    assert!(reason.contains(address), "{reason}");
    assert!(
        server.received_requests().await.unwrap().is_empty(),
        "{address} got a request"
    );
}

#[tokio::test]
async fn a_name_resolving_to_metadata_gets_nothing() {
    refused_without_a_request("169.254.169.254", basic()).await;
    refused_without_a_request("fd00:ec2::254", basic()).await;
}

#[tokio::test]
async fn connection_bound_schemes_are_checked_too() {
    let ntlm = Ntlm::new(UserCredentials::new("alice", SecretString::from("pw"))).unwrap();
    refused_without_a_request("169.254.169.254", Arc::new(ntlm)).await;
}

#[tokio::test]
async fn a_name_resolving_to_an_allowed_address_is_reached_through_the_lookup() {
    let server = MockServer::start().await;
    let item = response(
        "GetItem",
        "Success",
        &format!(
            "<m:ResponseCode>NoError</m:ResponseCode><m:Items>{}</m:Items>",
            calendar_item_xml("AAMk1", "Stand-up")
        ),
    );
    answer(&server, 200, item).await;
    let found = client(&server, &["127.0.0.1"], basic())
        .get_calendar_item(&ItemId::new("AAMk1"))
        .await
        .unwrap();
    assert_eq!(found.subject, "Stand-up");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 1);
    assert_eq!(
        requests[0].headers.get("host").unwrap(),
        &format!("{HOST}:{}", server.address().port())
    );
}
