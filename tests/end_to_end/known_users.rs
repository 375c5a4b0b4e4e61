//! The overview of known users: listing, filtering, paging, details and resets of a data
//! source's portal users through the connector, over every transport.

use std::sync::Arc;

use chrono::Utc;
use exchange_connector::{
    ApiError, ConnectorError, DataSource, DataSourceBuilder, GatewayApi, KnownUser,
    TransportChoice, UserQuery,
};
use exchange_testkit::FakeExchange;
use mediagateway::Gateway;
use mediagateway_api::{AdminCall, GatewayPassword};
use mediagateway_grpc::GrpcClient;
use mediagateway_vault::{Account, RecordId, Secret};
use secrecy::SecretString;
use uuid::Uuid;

use crate::support::{named_data_source, served_gateway, SERVICE};

const ALICE: (&str, &str) = ("alice@contoso.test", "alice-password");
const BOB: (&str, &str) = ("bob@contoso.test", "bob-password");
const CAROL: (&str, &str) = ("carol@contoso.test", "carol-password");
/// The mailbox of the account without a secret, and the user name it must not show.
const KERBEROS: (&str, &str) = ("kerberos@contoso.test", "kerb-user@CONTOSO.TEST");

#[derive(Debug, Clone, Copy)]
enum Kind {
    InProcess,
    Grpc,
}

struct World {
    fake: FakeExchange,
    gateway: Arc<Gateway>,
    grpc_port: u16,
    kind: Kind,
    _dir: tempfile::TempDir,
}

impl World {
    async fn start(kind: Kind) -> Self {
        let fake = FakeExchange::builder()
            .user(SERVICE.0, SERVICE.1, SERVICE.0)
            .user(ALICE.0, ALICE.1, ALICE.0)
            .user(BOB.0, BOB.1, BOB.0)
            .user(CAROL.0, CAROL.1, CAROL.0)
            .start()
            .await
            .expect("the fake Exchange starts on loopback");
        let (gateway, grpc_port, dir) = served_gateway().await;
        Self {
            fake,
            gateway,
            grpc_port,
            kind,
            _dir: dir,
        }
    }

    fn data_source(&self, name: &str) -> DataSourceBuilder {
        let transport = match self.kind {
            Kind::InProcess => TransportChoice::InProcess(self.gateway.clone()),
            Kind::Grpc => TransportChoice::Grpc,
        };
        named_data_source(name, transport, self.grpc_port, &self.fake.url())
    }

    /// The gateway's API over this world's transport, for calls the connector does not make.
    fn api(&self) -> Arc<dyn GatewayApi> {
        match self.kind {
            Kind::InProcess => self.gateway.clone(),
            Kind::Grpc => Arc::new(
                GrpcClient::builder("127.0.0.1", self.grpc_port)
                    .build()
                    .expect("a loopback address"),
            ),
        }
    }

    /// The data sources "Exchange" (stored accounts) and "Sessions" (session-based),
    /// configured on the gateway.
    async fn stored_and_session_based(&self) -> (DataSource, DataSource) {
        let exchange = self.data_source("Exchange").build().unwrap();
        exchange.configure_gateway().await.unwrap();
        let sessions = self
            .data_source("Sessions")
            .session_based(true)
            .build()
            .unwrap();
        sessions.configure_gateway().await.unwrap();
        (exchange, sessions)
    }

    async fn login(&self, source: &DataSource, portal_user: Uuid, (name, password): (&str, &str)) {
        source
            .login(portal_user, name, SecretString::from(password))
            .await
            .unwrap_or_else(|e| panic!("{name} logs in: {e}"));
    }
}

fn invalid(result: Result<impl std::fmt::Debug, ConnectorError>) -> bool {
    matches!(
        result.as_ref().map_err(ConnectorError::gateway_error),
        Err(Some(ApiError::InvalidArgument { .. }))
    )
}

fn unknown_source(result: Result<impl std::fmt::Debug, ConnectorError>) -> bool {
    matches!(
        result.as_ref().map_err(ConnectorError::gateway_error),
        Err(Some(ApiError::UnknownDataSource { .. }))
    )
}

fn guids(users: &[KnownUser]) -> Vec<Uuid> {
    users.iter().map(|u| u.portal_user).collect()
}

async fn known_users(kind: Kind) {
    let world = World::start(kind).await;
    let (exchange, sessions) = world.stored_and_session_based().await;

    let (alice, bob, carol, kerberos) = (
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
        Uuid::new_v4(),
    );
    let before = Utc::now() - chrono::Duration::seconds(1);
    world.login(&exchange, alice, ALICE).await;
    world.login(&exchange, bob, BOB).await;
    world.login(&sessions, carol, CAROL).await;
    let mut account = Account::new(KERBEROS.1, world.fake.url(), Secret::None);
    account.mailbox = Some(KERBEROS.0.to_owned());
    world
        .gateway
        .vault()
        .put(&RecordId::new("Exchange", kerberos.to_string()), &account)
        .unwrap();

    // Everyone of the stored data source, by GUID; the service account is not one of them.
    let page = exchange.known_users(None, 0, 500).await.unwrap();
    let mut expected = vec![alice, bob, kerberos];
    expected.sort();
    assert_eq!(guids(&page.users), expected);
    assert!(!page.more);
    let find = |guid: Uuid| {
        page.users
            .iter()
            .find(|u| u.portal_user == guid)
            .cloned()
            .expect("listed")
    };
    let listed_alice = find(alice);
    assert_eq!(listed_alice.user_name.as_deref(), Some(ALICE.0));
    assert_eq!(listed_alice.mailbox.as_deref(), Some(ALICE.0));
    assert!(listed_alice.stored);
    assert_eq!(listed_alice.server_url, Some(world.fake.url()));
    let created = listed_alice.created.expect("a created time");
    assert!(created >= before && created <= Utc::now(), "{created}");
    assert!(listed_alice.updated.is_some() && listed_alice.last_used.is_some());
    // The account without a secret shows its mailbox and URL only.
    let listed_kerberos = find(kerberos);
    assert_eq!(listed_kerberos.mailbox.as_deref(), Some(KERBEROS.0));
    assert_eq!(listed_kerberos.server_url, Some(world.fake.url()));
    assert_eq!(listed_kerberos.user_name, None);
    assert_eq!(
        (
            listed_kerberos.created,
            listed_kerberos.updated,
            listed_kerberos.last_used
        ),
        (None, None, None)
    );
    assert!(
        !format!("{page:?}").contains(ALICE.1),
        "no password is listed"
    );

    // The session-based data source lists its own user, not stored.
    let page = sessions.known_users(None, 0, 10).await.unwrap();
    assert_eq!(guids(&page.users), [carol]);
    assert!(!page.users[0].stored);
    assert_eq!(page.users[0].user_name.as_deref(), Some(CAROL.0));

    // Filters: a GUID prefix in capitals, a user name in another case, a mailbox; a hidden
    // user name finds nothing.
    let prefix = alice.to_string()[..13].to_uppercase();
    let filtered = |filter: String| {
        let exchange = exchange.clone();
        async move {
            guids(
                &exchange
                    .known_users(Some(&filter), 0, 500)
                    .await
                    .unwrap()
                    .users,
            )
        }
    };
    assert_eq!(filtered(prefix).await, [alice]);
    assert_eq!(filtered("BOB@Contoso".to_owned()).await, [bob]);
    assert_eq!(filtered("kerberos@".to_owned()).await, [kerberos]);
    assert_eq!(filtered("kerb-user".to_owned()).await, Vec::<Uuid>::new());
    assert_eq!(filtered("contoso.TEST".to_owned()).await, expected);
    assert_eq!(filtered(String::new()).await, expected, "empty keeps all");
    assert_eq!(
        filtered(CAROL.0.to_owned()).await,
        Vec::<Uuid>::new(),
        "another data source's user"
    );

    // Pages.
    let first = exchange.known_users(None, 0, 2).await.unwrap();
    assert_eq!(guids(&first.users), expected[..2]);
    assert!(first.more);
    let second = exchange.known_users(None, 2, 2).await.unwrap();
    assert_eq!(guids(&second.users), expected[2..]);
    assert!(!second.more);
    let exact = exchange.known_users(None, 1, 2).await.unwrap();
    assert_eq!(guids(&exact.users), expected[1..]);
    assert!(!exact.more);
    for offset in [3, u32::MAX] {
        let past = exchange.known_users(None, offset, 2).await.unwrap();
        assert!(past.users.is_empty() && !past.more, "offset {offset}");
    }
    let filtered_page = exchange.known_users(Some("contoso"), 1, 1).await.unwrap();
    assert_eq!(guids(&filtered_page.users), expected[1..2]);
    assert!(filtered_page.more);

    // Details.
    assert_eq!(exchange.known_user(bob).await.unwrap(), find(bob));
    assert_eq!(
        exchange.known_user(kerberos).await.unwrap(),
        listed_kerberos
    );
    assert_eq!(sessions.known_user(carol).await.unwrap().portal_user, carol);
    for (source, nobody) in [
        (&exchange, Uuid::new_v4()),
        (&exchange, carol),
        (&sessions, bob),
    ] {
        let err = source.known_user(nobody).await.unwrap_err();
        assert!(err.is_login_required(), "{err}");
    }

    // Bad pages and filters are refused.
    assert!(invalid(exchange.known_users(None, 0, 0).await));
    assert!(invalid(
        exchange
            .known_users(None, 0, UserQuery::MAX_LIMIT + 1)
            .await
    ));
    assert!(exchange
        .known_users(None, 0, UserQuery::MAX_LIMIT)
        .await
        .is_ok());
    let long = "a".repeat(10_000);
    assert!(invalid(exchange.known_users(Some(&long), 0, 10).await));

    // An unknown data source, for all four.
    let nowhere = world.data_source("Nowhere").build().unwrap();
    assert!(unknown_source(nowhere.known_users(None, 0, 10).await));
    assert!(unknown_source(nowhere.known_user(alice).await));
    assert!(unknown_source(nowhere.reset_user(alice).await));
    assert!(unknown_source(nowhere.reset_all_users().await));

    // Resetting one user: gone from the list, and logged out.
    let start = Utc::now();
    let week = start + chrono::Duration::days(7);
    exchange.user(alice).calendar(start, week).await.unwrap();
    assert!(exchange.reset_user(alice).await.unwrap());
    assert!(!exchange.reset_user(alice).await.unwrap());
    let err = exchange
        .user(alice)
        .calendar(start, week)
        .await
        .unwrap_err();
    assert!(err.is_login_required(), "{err}");
    assert!(exchange
        .known_user(alice)
        .await
        .unwrap_err()
        .is_login_required());
    let left = exchange.known_users(None, 0, 10).await.unwrap();
    assert_eq!(
        guids(&left.users),
        expected
            .iter()
            .copied()
            .filter(|u| *u != alice)
            .collect::<Vec<_>>()
    );
    exchange.user(bob).calendar(start, week).await.unwrap();
    // A session account too.
    assert!(sessions.reset_user(carol).await.unwrap());
    let err = sessions
        .user(carol)
        .calendar(start, week)
        .await
        .unwrap_err();
    assert!(err.is_login_required(), "{err}");

    // Resetting all: bob and the account without a secret; the service account stays.
    assert_eq!(exchange.reset_all_users().await.unwrap(), 2);
    assert_eq!(exchange.reset_all_users().await.unwrap(), 0);
    assert!(exchange
        .known_users(None, 0, 10)
        .await
        .unwrap()
        .users
        .is_empty());
    let err = exchange.user(bob).calendar(start, week).await.unwrap_err();
    assert!(err.is_login_required(), "{err}");
    let admin = AdminCall::new(GatewayPassword::from("1234"));
    let check = world
        .api()
        .test_exchange_account(&admin, "Exchange")
        .await
        .expect("the service account is kept");
    assert_eq!(check.mailbox, SERVICE.0);
    let test = exchange.test_exchange_account().await;
    assert!(test.passed(), "{test}");
    // The data source still takes logins.
    world.login(&exchange, bob, BOB).await;
    assert_eq!(
        guids(&exchange.known_users(None, 0, 10).await.unwrap().users),
        [bob]
    );
    world.login(&sessions, carol, CAROL).await;
    assert_eq!(sessions.reset_all_users().await.unwrap(), 1);
    assert!(sessions
        .known_users(None, 0, 10)
        .await
        .unwrap()
        .users
        .is_empty());
}

/// Whether the gateway refused the portal key.
fn key_refused(result: Result<impl std::fmt::Debug, ConnectorError>) -> bool {
    matches!(
        result.as_ref().map_err(ConnectorError::gateway_error),
        Err(Some(ApiError::PortalKeyIncorrect))
    )
}

/// The admin's data-source calls: list, read (never a secret) and delete, with what deleting
/// takes along.
async fn data_sources(kind: Kind) {
    let world = World::start(kind).await;
    let (exchange, sessions) = world.stored_and_session_based().await;
    let (alice, bob, carol) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
    world.login(&exchange, alice, ALICE).await;
    world.login(&exchange, bob, BOB).await;
    world.login(&sessions, carol, CAROL).await;
    let api = world.api();
    let admin = AdminCall::new(GatewayPassword::from("1234"));

    let listed = api.list_data_sources(&admin).await.unwrap();
    let names: Vec<&str> = listed.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["Exchange", "Sessions"]);
    assert!(listed[1].session_based && !listed[0].session_based);
    assert!(
        !format!("{listed:?}").contains(SERVICE.1),
        "no password is handed out"
    );

    // What the configuration view shows, a rotation's grace period included.
    let shown = exchange.gateway_configuration().await.unwrap();
    assert_eq!(shown, listed[0]);
    assert_eq!(
        (shown.service_user_name.as_str(), shown.ews_url.as_str()),
        (SERVICE.0, world.fake.url().as_str())
    );
    assert_eq!(shown.previous_key_until, None);
    let rotation = mediagateway_api::KeyRotation {
        data_source: "Sessions".to_owned(),
        grace: std::time::Duration::from_secs(3600),
    };
    api.rotate_portal_key(&admin, &rotation).await.unwrap();
    let until = sessions
        .gateway_configuration()
        .await
        .unwrap()
        .previous_key_until
        .expect("the old key works for an hour");
    let left = until - Utc::now();
    assert!(
        left > chrono::Duration::minutes(59) && left <= chrono::Duration::hours(1),
        "{left}"
    );

    // Deleting takes the configuration, the key and every account along; nothing else.
    assert_eq!(exchange.remove_from_gateway().await.unwrap(), 2);
    assert!(key_refused(
        exchange.user(alice).calendar(Utc::now(), Utc::now()).await
    ));
    assert!(unknown_source(exchange.gateway_configuration().await));
    assert!(unknown_source(exchange.remove_from_gateway().await));
    assert!(unknown_source(exchange.known_users(None, 0, 10).await));
    let vault = world.gateway.vault();
    assert_eq!(vault.data_sources().unwrap(), ["Sessions"]);
    assert!(vault.users("Exchange").unwrap().is_empty());
    let names: Vec<String> = api
        .list_data_sources(&admin)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.name)
        .collect();
    assert_eq!(names, ["Sessions"]);
    sessions
        .user(carol)
        .calendar(Utc::now(), Utc::now())
        .await
        .expect("the other data source is untouched");

    // A session-based data source takes its sessions along.
    assert_eq!(sessions.remove_from_gateway().await.unwrap(), 1);
    assert!(world.gateway.vault().data_sources().unwrap().is_empty());

    // Configured again under the same name, it is a new data source: a new key, no accounts.
    let again = world.data_source("Exchange").build().unwrap();
    let configured = again.configure_gateway().await.unwrap();
    assert!(configured.portal_key.is_some());
    assert!(key_refused(
        exchange.user(alice).calendar(Utc::now(), Utc::now()).await
    ));
    assert!(again
        .known_users(None, 0, 10)
        .await
        .unwrap()
        .users
        .is_empty());

    // An Exchange 2007 data source's tables lack what its EWS version does not know.
    let old = world
        .data_source("Old")
        .exchange_version(exchange_connector::ExchangeGeneration::Exchange2007)
        .build()
        .unwrap();
    old.configure_gateway().await.unwrap();
    let appointment = &old.metadata().await.unwrap()[0];
    assert!(appointment.field("TimeZone").is_none() && appointment.field("Start").is_some());
    assert!(
        key_refused(exchange.metadata().await),
        "the deleted data source's key"
    );

    for bad in ["", "line\nbreak"] {
        assert!(matches!(
            api.get_data_source(&admin, bad).await,
            Err(ApiError::InvalidArgument { .. })
        ));
        assert!(matches!(
            api.delete_data_source(&admin, bad).await,
            Err(ApiError::InvalidArgument { .. })
        ));
    }
}

mod in_process {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn known_users_are_listed_filtered_paged_and_reset() {
        super::known_users(super::Kind::InProcess).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn data_sources_are_listed_read_and_deleted_with_their_accounts() {
        super::data_sources(super::Kind::InProcess).await;
    }
}

mod grpc {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn known_users_are_listed_filtered_paged_and_reset() {
        super::known_users(super::Kind::Grpc).await;
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn data_sources_are_listed_read_and_deleted_with_their_accounts() {
        super::data_sources(super::Kind::Grpc).await;
    }
}
