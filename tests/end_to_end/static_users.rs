//! Static users (the admin's "additional users") and the user switch, over every transport:
//! added, listed without passwords, tested with diagnoses, acted as by name or through the
//! portal user they are mapped to, and never a way to another portal user's own account.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use exchange_connector::{
    ActAs, ApiError, ConnectorError, DataSource, DataSourceBuilder, Diagnosis, GatewayApi,
    NewStaticUser, PortalKey, TransportChoice,
};
use exchange_testkit::FakeExchange;
use mediagateway::Gateway;
use mediagateway_api::{Login, UserCall, MAX_STATIC_USERS};
use mediagateway_grpc::GrpcClient;
use secrecy::SecretString;
use uuid::Uuid;

use crate::support::{named_data_source, served_gateway, SERVICE};

const ALICE: (&str, &str) = ("alice@contoso.test", "alice-password");
const SALES: (&str, &str) = ("sales@contoso.test", "sales-password");
/// Appointments in Sales' calendar and in Alice's.
const SALES_ITEMS: usize = 3;
const ALICE_ITEMS: usize = 1;

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

fn start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 14, 9, 0, 0).unwrap()
}

impl World {
    async fn start(kind: Kind) -> Self {
        let fake = FakeExchange::builder()
            .user(SERVICE.0, SERVICE.1, SERVICE.0)
            .user(ALICE.0, ALICE.1, ALICE.0)
            .user(SALES.0, SALES.1, SALES.0)
            .seed_calendar(SALES.0, SALES_ITEMS, start(), Duration::hours(1))
            .seed_calendar(ALICE.0, ALICE_ITEMS, start(), Duration::hours(1))
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

    /// Data source `name`, configured on the gateway, and its portal key.
    async fn configured(&self, name: &str) -> (DataSource, PortalKey) {
        let source = self.data_source(name).build().unwrap();
        let key = source
            .configure_gateway()
            .await
            .unwrap()
            .portal_key
            .unwrap();
        let source = self
            .data_source(name)
            .portal_key(key.clone())
            .build()
            .unwrap();
        (source, key)
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
}

/// How many appointments `source`'s portal user `user` sees in the seeded window, acting as
/// `act_as`.
async fn calendar(source: &DataSource, user: Uuid, act_as: ActAs) -> Result<usize, ConnectorError> {
    let session = source.user(user).acting_as(act_as);
    let found = session
        .calendar(start() - Duration::hours(1), start() + Duration::days(1))
        .await?;
    Ok(found.len())
}

fn refused(result: Result<impl std::fmt::Debug, ConnectorError>) -> bool {
    matches!(
        result.as_ref().map_err(ConnectorError::gateway_error),
        Err(Some(ApiError::PermissionDenied { .. }))
    )
}

fn invalid(result: Result<impl std::fmt::Debug, ConnectorError>) -> bool {
    matches!(
        result.as_ref().map_err(ConnectorError::gateway_error),
        Err(Some(ApiError::InvalidArgument { .. }))
    )
}

async fn static_users(kind: Kind) {
    let world = World::start(kind).await;
    let (exchange, key) = world.configured("Exchange").await;
    let (other, _) = world.configured("Other").await;
    let mapped = Uuid::new_v4();
    let sales = NewStaticUser {
        portal_user: Some(mapped),
        ..NewStaticUser::new("Sales", SALES.0, SecretString::from(SALES.1))
    };
    exchange.put_static_user(sales.clone()).await.unwrap();
    let listed = exchange.static_users().await.unwrap();
    assert_eq!(listed.len(), 1);
    assert_eq!(
        (listed[0].name.as_str(), listed[0].mailbox.as_str()),
        ("Sales", SALES.0)
    );
    assert_eq!(listed[0].portal_user, Some(mapped));
    assert_eq!(listed[0].server_url, world.fake.url());
    assert!(!format!("{listed:?}").contains(SALES.1), "no password");

    // Connection tests with the Exchange account's diagnoses.
    let test = exchange.test_static_user("Sales").await;
    assert!(test.passed(), "{test}");
    assert!(test.to_string().contains("static user Sales"), "{test}");
    let wrong = NewStaticUser::new("Front desk", SALES.0, SecretString::from("wrong"));
    exchange.put_static_user(wrong).await.unwrap();
    let test = exchange.test_static_user("Front desk").await;
    assert_eq!(
        test.diagnosis(),
        Some(Diagnosis::InvalidLoginData),
        "{test}"
    );
    assert!(exchange.remove_static_user("Front desk").await.unwrap());

    // The user switch: Alice's own calendar, and Sales' by name and through the mapping.
    let alice = Uuid::new_v4();
    exchange
        .login(alice, ALICE.0, SecretString::from(ALICE.1))
        .await
        .unwrap();
    assert_eq!(
        calendar(&exchange, alice, ActAs::Own).await.unwrap(),
        ALICE_ITEMS
    );
    let by_name = ActAs::StaticUser("Sales".into());
    assert_eq!(
        calendar(&exchange, alice, by_name.clone()).await.unwrap(),
        SALES_ITEMS
    );
    // A portal user without an account of its own may act as a static user too.
    let newcomer = Uuid::new_v4();
    assert_eq!(
        calendar(&exchange, newcomer, ActAs::MappedUser(mapped))
            .await
            .unwrap(),
        SALES_ITEMS
    );
    // The records area follows the switch as well.
    let rows = exchange
        .user(newcomer)
        .acting_as(by_name.clone())
        .appointments()
        .window(start() - Duration::hours(1), start() + Duration::days(1))
        .all(100)
        .await
        .unwrap();
    assert_eq!(rows.len(), SALES_ITEMS);

    // Never another portal user's own account: Alice is not a static user, not even through
    // her GUID; nor is a static user of another data source.
    assert!(refused(
        calendar(&exchange, newcomer, ActAs::MappedUser(alice)).await
    ));
    assert!(refused(
        calendar(&exchange, newcomer, ActAs::StaticUser("Nobody".into())).await
    ));
    assert!(refused(calendar(&other, newcomer, by_name.clone()).await));
    assert!(refused(
        calendar(&other, newcomer, ActAs::MappedUser(mapped)).await
    ));
    // Logins and logouts are one's own: a switched one is refused, and stores nothing.
    let api = world.api();
    let switched = UserCall::new(key, "Exchange", newcomer).acting_as(by_name.clone());
    let login = Login {
        user_name: ALICE.0.to_owned(),
        password: SecretString::from(ALICE.1),
        mailbox: None,
    };
    assert!(matches!(
        api.login(&switched, &login).await,
        Err(ApiError::InvalidArgument { .. })
    ));
    assert!(matches!(
        api.logout(&switched).await,
        Err(ApiError::InvalidArgument { .. })
    ));
    assert!(
        exchange.known_user(newcomer).await.is_err(),
        "nothing stored"
    );

    // Bad static users are refused before anything is stored.
    let taken = NewStaticUser {
        portal_user: Some(mapped),
        ..NewStaticUser::new("Sales 2", SALES.0, SecretString::from(SALES.1))
    };
    assert!(invalid(exchange.put_static_user(taken).await));
    for name in ["", " Sales", "a/b", "~x"] {
        let bad = NewStaticUser::new(name, SALES.0, SecretString::from(SALES.1));
        assert!(invalid(exchange.put_static_user(bad).await), "{name:?}");
    }
    let empty = NewStaticUser::new("Empty", SALES.0, SecretString::from(""));
    assert!(invalid(exchange.put_static_user(empty).await));
    let long_name = "a".repeat(300);
    let oversized = NewStaticUser::new("Long", long_name, SecretString::from(SALES.1));
    assert!(invalid(exchange.put_static_user(oversized).await));
    let elsewhere = NewStaticUser {
        server_url: Some("https://169.254.169.254/EWS/Exchange.asmx".into()),
        ..NewStaticUser::new("Elsewhere", SALES.0, SecretString::from(SALES.1))
    };
    let refused_url = exchange.put_static_user(elsewhere).await;
    assert!(
        matches!(
            refused_url.as_ref().map_err(ConnectorError::gateway_error),
            Err(Some(ApiError::EwsUrlRefused { .. }))
        ),
        "{refused_url:?}"
    );
    assert_eq!(exchange.static_users().await.unwrap().len(), 1);

    // Configuring the data source again keeps its static users.
    exchange.configure_gateway().await.unwrap();
    assert_eq!(exchange.static_users().await.unwrap().len(), 1);

    // Removed, the static user can no longer be acted as.
    assert!(exchange.remove_static_user("Sales").await.unwrap());
    assert!(!exchange.remove_static_user("Sales").await.unwrap());
    assert!(refused(calendar(&exchange, alice, by_name).await));
    assert!(refused(
        calendar(&exchange, newcomer, ActAs::MappedUser(mapped)).await
    ));
    assert!(exchange.static_users().await.unwrap().is_empty());

    // At most MAX_STATIC_USERS per data source; a replaced one is no new one.
    for n in 0..MAX_STATIC_USERS {
        let user = NewStaticUser::new(format!("Desk {n}"), SALES.0, SecretString::from(SALES.1));
        other.put_static_user(user).await.unwrap();
    }
    let one_more = NewStaticUser::new("Desk extra", SALES.0, SecretString::from(SALES.1));
    let refused_more = other.put_static_user(one_more).await;
    assert!(
        matches!(
            refused_more.as_ref().map_err(ConnectorError::gateway_error),
            Err(Some(ApiError::LimitExceeded { .. }))
        ),
        "{refused_more:?}"
    );
    let replaced = NewStaticUser::new("Desk 0", SALES.0, SecretString::from(SALES.1));
    other.put_static_user(replaced).await.unwrap();
    assert_eq!(other.static_users().await.unwrap().len(), MAX_STATIC_USERS);
}

mod in_process {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn static_users_and_the_user_switch() {
        super::static_users(super::Kind::InProcess).await;
    }
}

mod grpc {
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn static_users_and_the_user_switch() {
        super::static_users(super::Kind::Grpc).await;
    }
}
