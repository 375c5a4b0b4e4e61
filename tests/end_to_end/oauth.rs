//! OAuth2 through the gateway, over every transport, against the real OAuth2 server of the
//! tests (`oauth2-mock-server`, see `rigs/oauth2.sh`) and a fake Exchange that trusts its
//! tokens: a portal user's whole delegated sign-in (authorization URL → code → the gateway
//! redeems it → calendar reads with the bearer token → refreshes with rotation → a revoked
//! sign-in asks for a new one), the service account and a static user reached app-only by
//! impersonation, and the sign-in bound to the portal user who started it.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use exchange_connector::{
    ApiError, ConnectorError, DataSource, Diagnosis, NewStaticUser, OAuthCredential,
    OAuthEndpoints, OAuthSettings, PortalKey, ServiceAccount, TransportChoice,
};
use exchange_test_support::oauth::OAuthMockServer;
use exchange_testkit::Authentication as FakeAuthentication;
use exchange_testkit::FakeExchange;
use mediagateway::{Gateway, GatewayConfig};
use mediagateway_api::{Authentication, ErrorKind};
use secrecy::SecretString;
use uuid::Uuid;

use crate::support::{named_data_source, served_gateway, SERVICE};

const SALES: (&str, &str) = ("sales@contoso.test", "sales-password");
const ALICE_ITEMS: usize = 2;
const SALES_ITEMS: usize = 3;
/// The audience of EWS tokens in Exchange Online.
const EWS_AUDIENCE: &str = "https://outlook.office365.com";
/// Where the portal would receive the browser after the sign-in.
const REDIRECT: &str = "http://127.0.0.1:9/signed-in";

#[derive(Debug, Clone, Copy)]
enum Kind {
    InProcess,
    Grpc,
}

struct World {
    mock: Arc<OAuthMockServer>,
    fake: FakeExchange,
    exchange: DataSource,
    settings: OAuthSettings,
    key: PortalKey,
    gateway: Arc<Gateway>,
    /// Alice's address, of this test alone: the OAuth2 server is shared by the tests, and
    /// one revoking Alice's sign-ins must not touch another's.
    alice: String,
    dir: tempfile::TempDir,
}

fn start() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 14, 9, 0, 0).unwrap()
}

impl World {
    /// `None` (after saying why) when the OAuth2 server cannot run here, outside CI.
    async fn start(kind: Kind, test: &str) -> Option<Self> {
        let mock = OAuthMockServer::shared()?;
        let alice = format!("alice.{test}.{kind:?}@contoso.test").to_lowercase();
        let jwks = mock.jwks_json().expect("the OAuth2 server's key set");
        let fake = FakeExchange::builder()
            .user(SERVICE.0, SERVICE.1, SERVICE.0)
            .user(&alice, "alice-password", &alice)
            .user(SALES.0, SALES.1, SALES.0)
            .seed_calendar(&alice, ALICE_ITEMS, start(), Duration::hours(1))
            .seed_calendar(SALES.0, SALES_ITEMS, start(), Duration::hours(1))
            .trust_bearer_tokens(&mock.issuer(), EWS_AUDIENCE, &jwks)
            .start()
            .await
            .expect("the fake Exchange starts on loopback");
        let (gateway, grpc_port, dir) = served_gateway().await;
        let transport = match kind {
            Kind::InProcess => TransportChoice::InProcess(gateway.clone()),
            Kind::Grpc => TransportChoice::Grpc,
        };
        let settings = OAuthSettings {
            tenant: "contoso.test".to_owned(),
            client_id: "portal-app".to_owned(),
            credential: OAuthCredential::Secret(SecretString::from("app-secret")),
            redirect_uri: REDIRECT.to_owned(),
            endpoints: Some(OAuthEndpoints {
                authorize: mock.authorize_url(),
                token: mock.token_url(),
            }),
        };
        let builder = || {
            named_data_source("Online", transport.clone(), grpc_port, &fake.url())
                .authentication(Authentication::OAuth2)
                .exchange_account(ServiceAccount::new(
                    SERVICE.0,
                    SecretString::from(String::new()),
                    fake.url(),
                ))
                .oauth(settings.clone())
        };
        let key = builder()
            .build()
            .unwrap()
            .configure_gateway()
            .await
            .unwrap()
            .portal_key
            .expect("a new data source gets its key");
        let exchange = builder().portal_key(key.clone()).build().unwrap();
        Some(Self {
            mock,
            fake,
            exchange,
            settings,
            key,
            alice,
            gateway,
            dir,
        })
    }

    /// The data source through another gateway on the same data folder, as after a restart:
    /// it knows the accounts only from the vault.
    fn restarted(&self) -> DataSource {
        let config = GatewayConfig::in_dir(self.dir.path())
            .with_rsa_bits(2048)
            .allow_plain_http_on_loopback();
        let gateway = Arc::new(Gateway::open(&config).expect("the gateway opens again"));
        named_data_source(
            "Online",
            TransportChoice::InProcess(gateway),
            0,
            &self.fake.url(),
        )
        .authentication(Authentication::OAuth2)
        .exchange_account(ServiceAccount::new(
            SERVICE.0,
            SecretString::from(String::new()),
            self.fake.url(),
        ))
        .oauth(self.settings.clone())
        .portal_key(self.key.clone())
        .build()
        .unwrap()
    }

    /// What the browser does: opens the authorization URL and follows it to the redirect,
    /// whose `code` and `state` come back.
    async fn browser(&self, authorization_url: &str) -> (String, String) {
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap();
        let answer = client.get(authorization_url).send().await.unwrap();
        assert!(answer.status().is_redirection(), "{}", answer.status());
        let location = answer.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(REDIRECT), "{location}");
        let url = reqwest::Url::parse(&location).unwrap();
        let get = |name: &str| {
            url.query_pairs()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
                .unwrap_or_else(|| panic!("the redirect carries {name}"))
        };
        (get("code"), get("state"))
    }

    /// Signs `portal_user` in as `user` through the whole loop.
    async fn sign_in(&self, portal_user: Uuid, user: &str) {
        let url = self
            .exchange
            .begin_oauth_login(portal_user, Some(user))
            .await
            .unwrap();
        let (code, state) = self.browser(&url).await;
        let outcome = self
            .exchange
            .finish_oauth_login(portal_user, SecretString::from(code), &state)
            .await
            .unwrap();
        assert_eq!(outcome.mailbox, user);
        assert!(outcome.stored);
    }

    async fn appointments(&self, portal_user: Uuid) -> Result<usize, ConnectorError> {
        appointments(&self.exchange, portal_user).await
    }
}

async fn appointments(source: &DataSource, portal_user: Uuid) -> Result<usize, ConnectorError> {
    let window = (start() - Duration::hours(1), start() + Duration::days(1));
    let session = source.user(portal_user);
    Ok(session.calendar(window.0, window.1).await?.len())
}

/// Asserts that `result` is the gateway's `InvalidArgument`.
fn invalid<T: std::fmt::Debug>(result: Result<T, ConnectorError>, what: &str) {
    let error = gateway_error(result.expect_err(what));
    assert_eq!(error.kind(), ErrorKind::InvalidArgument, "{what}: {error}");
}

fn gateway_error(error: ConnectorError) -> ApiError {
    match error {
        ConnectorError::Gateway(error) => error,
        other => panic!("expected a gateway error, got {other:?}"),
    }
}

async fn delegated_sign_in_loop(kind: Kind) {
    let Some(world) = World::start(kind, "delegated").await else {
        return;
    };
    let alice = Uuid::new_v4();

    // The authorization URL carries PKCE, the state and the hint.
    let url = world
        .exchange
        .begin_oauth_login(alice, Some(&*world.alice))
        .await
        .unwrap();
    assert!(url.starts_with(&world.mock.authorize_url()), "{url}");
    for part in [
        "code_challenge_method=S256",
        "code_challenge=",
        "state=",
        "login_hint=",
    ] {
        assert!(url.contains(part), "{part} in {url}");
    }
    let (code, state) = world.browser(&url).await;

    // Another portal user cannot finish Alice's sign-in; she still can.
    let bob = Uuid::new_v4();
    let error = world
        .exchange
        .finish_oauth_login(bob, SecretString::from(code.clone()), &state)
        .await
        .unwrap_err();
    assert_eq!(gateway_error(error).kind(), ErrorKind::PermissionDenied);
    let outcome = world
        .exchange
        .finish_oauth_login(alice, SecretString::from(code.clone()), &state)
        .await
        .unwrap();
    assert_eq!(outcome.mailbox, &*world.alice);
    // A sign-in is finished once.
    let error = world
        .exchange
        .finish_oauth_login(alice, SecretString::from(code), &state)
        .await
        .unwrap_err();
    assert_eq!(gateway_error(error).kind(), ErrorKind::InvalidArgument);

    // Alice reads her calendar with a delegated bearer token.
    assert_eq!(world.appointments(alice).await.unwrap(), ALICE_ITEMS);
    let last = world.fake.logged_requests().pop().unwrap();
    assert_eq!(
        last.authentication,
        Some(FakeAuthentication::DelegatedToken {
            smtp: world.alice.clone()
        })
    );

    // A sign-in whose first token Exchange refuses as expired is refreshed at once, and the
    // rotated refresh token is what the gateway keeps: the server refuses a refresh token
    // used before, and a restarted gateway refreshes from the vault's token first thing.
    world.mock.expire_next_tokens_for(&world.alice, 1).unwrap();
    world.sign_in(alice, &world.alice).await;
    assert_eq!(world.appointments(alice).await.unwrap(), ALICE_ITEMS);
    let first_restart = world.restarted();
    assert_eq!(
        appointments(&first_restart, alice).await.unwrap(),
        ALICE_ITEMS
    );
    // That refresh rotated the token again; the vault holds the newest.
    let second_restart = world.restarted();
    assert_eq!(
        appointments(&second_restart, alice).await.unwrap(),
        ALICE_ITEMS
    );
    let stats = world.mock.stats_json().unwrap();
    assert!(stats.contains("refresh_token"), "{stats}");

    // Revoked: the next refresh is refused, and Alice is asked to sign in again.
    assert!(world.mock.revoke_user(&world.alice).unwrap() >= 1);
    let error = gateway_error(
        appointments(&world.restarted(), alice)
            .await
            .expect_err("a revoked sign-in stops working"),
    );
    assert_eq!(error.kind(), ErrorKind::SignInAgain, "{error}");
    assert_eq!(Diagnosis::of(&error), Diagnosis::SignInExpired);

    // Signing in again brings her back.
    world.sign_in(alice, &world.alice).await;
    assert_eq!(world.appointments(alice).await.unwrap(), ALICE_ITEMS);

    // A password login is not how this data source signs users in.
    let error = world
        .exchange
        .login(alice, &*world.alice, SecretString::from("alice-password"))
        .await
        .unwrap_err();
    assert_eq!(gateway_error(error).kind(), ErrorKind::InvalidArgument);
}

async fn app_only_service_account_and_static_user(kind: Kind) {
    let Some(world) = World::start(kind, "app_only").await else {
        return;
    };
    // The connection test reaches the service mailbox app-only, by impersonation.
    let test = world.exchange.test_exchange_account().await;
    assert!(test.passed(), "{test}");
    let last = world.fake.logged_requests().pop().unwrap();
    assert_eq!(last.anchor_mailbox.as_deref(), Some(SERVICE.0));
    assert!(matches!(
        last.authentication,
        Some(FakeAuthentication::AppToken { impersonated: Some(ref m), .. }) if m == SERVICE.0
    ));

    // A static user of an OAuth2 data source holds no password...
    let with_password = NewStaticUser::new("Sales", SALES.0, SecretString::from(SALES.1));
    let error = world
        .exchange
        .put_static_user(with_password)
        .await
        .unwrap_err();
    assert_eq!(gateway_error(error).kind(), ErrorKind::InvalidArgument);
    let sales = NewStaticUser::new("Sales", SALES.0, SecretString::from(String::new()));
    world.exchange.put_static_user(sales).await.unwrap();
    let test = world.exchange.test_static_user("Sales").await;
    assert!(test.passed(), "{test}");

    // ...and a portal user acting as it reads the Sales calendar app-only.
    let alice = Uuid::new_v4();
    world.sign_in(alice, &world.alice).await;
    let window = (start() - Duration::hours(1), start() + Duration::days(1));
    let read = world
        .exchange
        .user(alice)
        .acting_as(exchange_connector::ActAs::StaticUser("Sales".to_owned()))
        .calendar(window.0, window.1)
        .await
        .unwrap();
    assert_eq!(read.len(), SALES_ITEMS);
    let last = world.fake.logged_requests().pop().unwrap();
    assert_eq!(last.anchor_mailbox.as_deref(), Some(SALES.0));
    assert!(matches!(
        last.authentication,
        Some(FakeAuthentication::AppToken { impersonated: Some(ref m), .. }) if m == SALES.0
    ));
}

/// The sign-in calls and the OAuth2 settings past their bounds: each refused with a typed
/// error, before anything reaches the OAuth2 server.
async fn inputs_past_their_bounds(kind: Kind) {
    let Some(world) = World::start(kind, "bounds").await else {
        return;
    };
    let carol = Uuid::new_v4();
    for hint in ["a".repeat(257), "line\nbreak".to_owned(), " ".to_owned()] {
        let begun = world.exchange.begin_oauth_login(carol, Some(&hint)).await;
        invalid(begun.map(drop), &format!("the login hint {hint:?}"));
    }
    let finish = |code: String, state: String| {
        let exchange = world.exchange.clone();
        async move {
            exchange
                .finish_oauth_login(carol, SecretString::from(code), &state)
                .await
        }
    };
    let url = world.exchange.begin_oauth_login(carol, None).await.unwrap();
    let state = reqwest::Url::parse(&url)
        .unwrap()
        .query_pairs()
        .find(|(key, _)| key == "state")
        .map(|(_, value)| value.into_owned())
        .unwrap();
    invalid(
        finish("code".into(), "s".repeat(513)).await,
        "an oversized state",
    );
    invalid(finish("code".into(), String::new()).await, "an empty state");
    invalid(
        finish("c".repeat(8 * 1024 + 1), state.clone()).await,
        "an oversized code",
    );
    invalid(finish(String::new(), state.clone()).await, "an empty code");
    // A user has at most four sign-ins waiting: the oldest goes first.
    for _ in 0..4 {
        world.exchange.begin_oauth_login(carol, None).await.unwrap();
    }
    invalid(
        finish("code".into(), state).await,
        "a sign-in pushed out by newer ones",
    );

    // Settings that do not fit are refused when the data source is configured.
    let settings = |change: &dyn Fn(&mut OAuthSettings)| {
        let mut settings = world.settings.clone();
        change(&mut settings);
        settings
    };
    let configure = |authentication, password: &str, oauth: Option<OAuthSettings>| {
        let mut builder = named_data_source(
            "Bounds",
            TransportChoice::InProcess(world.gateway.clone()),
            0,
            &world.fake.url(),
        )
        .authentication(authentication)
        .exchange_account(ServiceAccount::new(
            SERVICE.0,
            SecretString::from(password.to_owned()),
            world.fake.url(),
        ));
        if let Some(oauth) = oauth {
            builder = builder.oauth(oauth);
        }
        let source = builder.build().unwrap();
        async move { source.configure_gateway().await }
    };
    let cases: Vec<(&str, Authentication, &str, Option<OAuthSettings>)> = vec![
        ("OAuth2 without settings", Authentication::OAuth2, "", None),
        (
            "settings without OAuth2",
            Authentication::Basic,
            "pw",
            Some(world.settings.clone()),
        ),
        (
            "a service password with OAuth2",
            Authentication::OAuth2,
            "pw",
            Some(world.settings.clone()),
        ),
        (
            "a redirect URI in clear to another host",
            Authentication::OAuth2,
            "",
            Some(settings(&|s| {
                s.redirect_uri = "http://portal.contoso.test/signed-in".into();
            })),
        ),
        (
            "a token endpoint in clear to another host",
            Authentication::OAuth2,
            "",
            Some(settings(&|s| {
                s.endpoints = Some(OAuthEndpoints {
                    authorize: "https://login.contoso.test/authorize".into(),
                    token: "http://login.contoso.test/token".into(),
                });
            })),
        ),
        (
            "an empty client secret",
            Authentication::OAuth2,
            "",
            Some(settings(&|s| {
                s.credential = OAuthCredential::Secret(SecretString::from(String::new()));
            })),
        ),
        (
            "an oversized certificate",
            Authentication::OAuth2,
            "",
            Some(settings(&|s| {
                s.credential = OAuthCredential::Certificate {
                    certificate_pem: "A".repeat(5000),
                    private_key_pem: SecretString::from("key"),
                };
            })),
        ),
        (
            "a certificate that is not PEM",
            Authentication::OAuth2,
            "",
            Some(settings(&|s| {
                s.credential = OAuthCredential::Certificate {
                    certificate_pem: "not a certificate".into(),
                    private_key_pem: SecretString::from("not a key"),
                };
            })),
        ),
        (
            "an oversized client id",
            Authentication::OAuth2,
            "",
            Some(settings(&|s| s.client_id = "c".repeat(300))),
        ),
    ];
    for (what, authentication, password, oauth) in cases {
        invalid(configure(authentication, password, oauth).await, what);
    }
}

#[tokio::test]
async fn inputs_past_their_bounds_in_process() {
    inputs_past_their_bounds(Kind::InProcess).await;
}

#[tokio::test]
async fn inputs_past_their_bounds_over_grpc() {
    inputs_past_their_bounds(Kind::Grpc).await;
}

#[tokio::test]
async fn delegated_sign_in_loop_in_process() {
    delegated_sign_in_loop(Kind::InProcess).await;
}

#[tokio::test]
async fn delegated_sign_in_loop_over_grpc() {
    delegated_sign_in_loop(Kind::Grpc).await;
}

#[tokio::test]
async fn app_only_access_in_process() {
    app_only_service_account_and_static_user(Kind::InProcess).await;
}

#[tokio::test]
async fn app_only_access_over_grpc() {
    app_only_service_account_and_static_user(Kind::Grpc).await;
}
