//! Every authentication strategy end to end against real peers on loopback, with every log line
//! captured and searched for secrets afterwards.
//!
//! - Negotiate (Kerberos with a password, and from a credential cache filled by `kinit`) and NTLM
//!   through Apache (`mod_auth_gssapi`, `gss-ntlmssp`) acting as an authenticating reverse proxy
//!   in front of the fake Exchange: a real `FindItem` answer comes back through it.
//! - Negotiate falling back to NTLM inside SPNEGO when no Kerberos ticket can be had.
//! - Kerberos from a service account's keytab, reading a calendar it was delegated; Basic
//!   straight to the fake Exchange.
//! - OAuth2 app-only with tokens from a real OAuth2 server (`oauth2-mock-server`), against an
//!   EWS endpoint that refuses the first token: the strategy fetches a new one and the request
//!   is sent once more.
//!
//! The binary has its own `main` (`harness = false`): MIT Kerberos reads `KRB5_CONFIG` from the
//! environment, which is set here before any thread starts, and one global log subscriber
//! captures the whole run.

use std::future::Future;
use std::pin::Pin;
use std::process::ExitCode;
use std::sync::{Arc, Mutex};

use chrono::{Duration, Utc};
use exchange_auth::oauth::{Endpoints, OAuthClient};
use exchange_auth::{
    AuthError, AuthStrategy, Basic, Kerberos, Negotiate, Ntlm, OAuth2, Offered, PasswordScheme,
    UserCredentials,
};
use exchange_ews::client::Impersonation;
use exchange_ews::{DistinguishedFolder, EwsClient, EwsError, FolderTarget};
use exchange_test_support::kerberos::KerberosRig;
use exchange_test_support::oauth::OAuthMockServer;
use exchange_test_support::CapturedLogs;
use exchange_testkit::FakeExchange;
use mediagateway::{Gateway, GatewayConfig};
use mediagateway_api::{
    AdminApi as _, AdminCall, Authentication, CalendarApi as _, DataSourceConfig,
    ExchangeGeneration, GatewayPassword, Login, ServiceAccount, SessionApi as _, TimeWindow,
    UserCall,
};
use secrecy::{ExposeSecret, SecretString};
use wiremock::matchers::{header, header_exists, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// How many calendar items the fake's mailbox holds.
const SEEDED: usize = 4;
const WRONG_PASSWORD: &str = "Wrong-Pa55word-1c9e";

/// Secrets seen during the run, which no log line may hold.
#[derive(Clone, Default)]
struct Secrets(Arc<Mutex<Vec<String>>>);

impl Secrets {
    fn add(&self, secret: &str) {
        self.0.lock().unwrap().push(secret.to_owned());
    }
}

type Case = fn(Arc<KerberosRig>, Secrets) -> Pin<Box<dyn Future<Output = Result<(), String>>>>;

fn main() -> ExitCode {
    let captured = CapturedLogs::install_global(tracing::Level::TRACE);
    let Some(rig) = KerberosRig::shared() else {
        return ExitCode::SUCCESS;
    };
    // Before any thread of this process starts: MIT Kerberos reads it when first used.
    std::env::set_var("KRB5_CONFIG", rig.krb5_config());
    std::env::set_var("KRB5CCNAME", "MEMORY:auth-end-to-end");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime");
    let secrets = Secrets::default();
    secrets.add(rig.password().expose_secret());
    secrets.add(WRONG_PASSWORD);

    let cases: [(&str, Case); 13] = [
        ("basic_straight_to_the_fake", |_, s| {
            Box::pin(basic_straight_to_the_fake(s))
        }),
        ("kerberos_from_a_keytab_through_apache", |r, s| {
            Box::pin(kerberos_from_a_keytab(r, s))
        }),
        ("negotiate_with_a_password_through_apache", |r, s| {
            Box::pin(negotiate_with_a_password(r, s))
        }),
        ("kerberos_from_a_credential_cache_through_apache", |r, s| {
            Box::pin(kerberos_from_a_credential_cache(r, s))
        }),
        ("ntlm_through_apache", |r, s| {
            Box::pin(ntlm_through_apache(r, s))
        }),
        ("ntlm_with_a_wrong_password_is_refused", |r, s| {
            Box::pin(ntlm_with_a_wrong_password(r, s))
        }),
        ("negotiate_falls_back_to_ntlm_without_a_ticket", |r, s| {
            Box::pin(negotiate_falls_back_to_ntlm(r, s))
        }),
        ("offered_takes_negotiate_through_apache", |r, s| {
            Box::pin(offered_takes_negotiate(r, s))
        }),
        (
            "offered_goes_on_with_ntlm_where_negotiate_takes_only_ntlm",
            |r, s| Box::pin(offered_takes_ntlm(r, s)),
        ),
        ("gateway_logs_in_by_a_pinned_ntlm_through_apache", |r, s| {
            Box::pin(gateway_by_pinned_ntlm(r, s))
        }),
        (
            "gateway_logs_in_by_the_offered_negotiate_through_apache",
            |r, s| Box::pin(gateway_by_offered_negotiate(r, s)),
        ),
        (
            "gateway_kerberos_only_and_its_host_name_diagnosis",
            |r, s| Box::pin(gateway_kerberos_only(r, s)),
        ),
        ("oauth_app_only_refreshes_once_after_a_401", |_, s| {
            Box::pin(oauth_app_only_refreshes_once(s))
        }),
    ];
    let mut failed = 0;
    for (name, case) in cases {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            runtime.block_on(case(Arc::clone(&rig), secrets.clone()))
        }))
        .unwrap_or_else(|_| Err("the case panicked (its message is above)".to_owned()));
        match result {
            Ok(()) => println!("test {name} ... ok"),
            Err(message) => {
                failed += 1;
                println!("test {name} ... FAILED\n    {message}");
            }
        }
    }

    let logs = captured.text();
    let mut leaks = Vec::new();
    for secret in secrets.0.lock().unwrap().iter() {
        if logs.contains(secret.as_str()) {
            leaks.push("a password or token of the run".to_owned());
        }
    }
    // Base64 of the start of SPNEGO (`YII`, the DER of an InitialContextToken), of NTLMSSP
    // messages (`TlRMTVNT`) and of JWTs (`eyJ`) after their schemes.
    for marker in [
        "Negotiate YII",
        "Negotiate oX",
        "NTLM TlRMTVNT",
        "Bearer eyJ",
        "TlRMTVNTUAAD",
    ] {
        if logs.contains(marker) {
            leaks.push(format!("a token ({marker}…)"));
        }
    }
    if logs.lines().count() < 10 {
        leaks.push(format!(
            "too few log lines to judge ({})",
            logs.lines().count()
        ));
    }
    if leaks.is_empty() {
        println!("test logs_hold_no_password_ticket_or_token ... ok");
    } else {
        failed += 1;
        println!("test logs_hold_no_password_ticket_or_token ... FAILED: {leaks:?}");
    }
    drop(runtime);
    drop(rig);
    println!("\ntest result: {failed} failed");
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// A fake Exchange whose user `alice` has `SEEDED` calendar items ahead.
fn with_alice(password: &str) -> exchange_testkit::FakeExchangeBuilder {
    FakeExchange::builder()
        .user("alice", password, "alice@example.test")
        .seed_calendar(
            "alice@example.test",
            SEEDED,
            Utc::now() + Duration::hours(1),
            Duration::hours(3),
        )
}

/// The fake Exchange behind Apache: it believes the user Apache names in `X-Remote-User`.
async fn fake_behind_apache() -> Result<FakeExchange, String> {
    with_alice("unused-behind-the-proxy")
        .user("svc-ews", "unused-behind-the-proxy", "svc-ews@example.test")
        .delegate("svc-ews", "alice@example.test")
        .trust_front_end_user_header("X-Remote-User")
        .start()
        .await
        .map_err(|e| format!("fake Exchange: {e}"))
}

/// The URL of the fake Exchange's EWS endpoint behind Apache's `<proxy>` location.
fn behind(rig: &KerberosRig, proxy: &str, fake: &FakeExchange) -> String {
    rig.url(&format!(
        "/{proxy}/{}/EWS/Exchange.asmx",
        fake.addr().port()
    ))
}

/// How many items a `FindItem` calendar view of `folder` at `url` finds, with `strategy`.
async fn calendar_at(
    url: &str,
    strategy: Arc<dyn AuthStrategy>,
    folder: FolderTarget,
) -> Result<usize, EwsError> {
    let client = EwsClient::builder(url)
        .auth(strategy)
        .timeout(std::time::Duration::from_secs(20))
        .build()?;
    let view = client
        .find_calendar_items(&folder, Utc::now(), Utc::now() + Duration::days(2), None)
        .await?;
    Ok(view.items.len())
}

/// The caller's own calendar through Apache's `<proxy>` location with `strategy`.
async fn calendar_through(
    rig: &KerberosRig,
    proxy: &str,
    fake: &FakeExchange,
    strategy: Arc<dyn AuthStrategy>,
) -> Result<usize, EwsError> {
    let own = FolderTarget::Distinguished(DistinguishedFolder::Calendar);
    calendar_at(&behind(rig, proxy, fake), strategy, own).await
}

fn alice(rig: &KerberosRig) -> UserCredentials {
    UserCredentials::new(rig.user(), rig.password())
}

fn expect_items(found: Result<usize, EwsError>) -> Result<(), String> {
    match found {
        Ok(n) if n == SEEDED => Ok(()),
        Ok(n) => Err(format!("{n} items came back, {SEEDED} were seeded")),
        Err(e) => Err(format!("the call failed: {e} ({e:?})")),
    }
}

async fn negotiate_with_a_password(rig: Arc<KerberosRig>, _: Secrets) -> Result<(), String> {
    let fake = fake_behind_apache().await?;
    let strategy = Negotiate::with_password(alice(&rig)).map_err(|e| e.to_string())?;
    expect_items(calendar_through(&rig, "negotiate-proxy", &fake, Arc::new(strategy)).await)
}

async fn kerberos_from_a_credential_cache(rig: Arc<KerberosRig>, _: Secrets) -> Result<(), String> {
    let fake = fake_behind_apache().await?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let ccache = dir.path().join("ccache");
    rig.kinit(&ccache);
    let strategy =
        Kerberos::from_ccache(format!("FILE:{}", ccache.display())).map_err(|e| e.to_string())?;
    expect_items(calendar_through(&rig, "negotiate-proxy", &fake, Arc::new(strategy)).await)
}

async fn basic_straight_to_the_fake(secrets: Secrets) -> Result<(), String> {
    const PASSWORD: &str = "basic-Pa55word-7e3a";
    secrets.add(PASSWORD);
    let fake = with_alice(PASSWORD)
        .start()
        .await
        .map_err(|e| format!("fake Exchange: {e}"))?;
    let strategy = Basic::new(UserCredentials::new("alice", SecretString::from(PASSWORD)))
        .map_err(|e| e.to_string())?;
    let own = FolderTarget::Distinguished(DistinguishedFolder::Calendar);
    expect_items(calendar_at(&fake.url(), Arc::new(strategy), own).await)
}

async fn kerberos_from_a_keytab(rig: Arc<KerberosRig>, _: Secrets) -> Result<(), String> {
    let fake = fake_behind_apache().await?;
    let strategy = Kerberos::from_keytab(rig.service_keytab(), &rig.service_principal())
        .map_err(|e| e.to_string())?;
    // The service account reads alice's calendar as her delegate.
    let alices =
        FolderTarget::DistinguishedOf(DistinguishedFolder::Calendar, "alice@example.test".into());
    let url = behind(&rig, "negotiate-proxy", &fake);
    expect_items(calendar_at(&url, Arc::new(strategy), alices).await)
}

async fn ntlm_through_apache(rig: Arc<KerberosRig>, _: Secrets) -> Result<(), String> {
    let fake = fake_behind_apache().await?;
    let strategy = Ntlm::new(alice(&rig)).map_err(|e| e.to_string())?;
    expect_items(calendar_through(&rig, "ntlm-proxy", &fake, Arc::new(strategy)).await)
}

async fn ntlm_with_a_wrong_password(rig: Arc<KerberosRig>, _: Secrets) -> Result<(), String> {
    let fake = fake_behind_apache().await?;
    let wrong = UserCredentials::new(rig.user(), SecretString::from(WRONG_PASSWORD));
    let strategy = Ntlm::new(wrong).map_err(|e| e.to_string())?;
    match calendar_through(&rig, "ntlm-proxy", &fake, Arc::new(strategy)).await {
        Err(EwsError::AuthenticationFailed {
            source: AuthError::Rejected { scheme: "NTLM" },
        }) if fake.logged_requests().is_empty() => Ok(()),
        Err(EwsError::AuthenticationFailed { source }) => Err(format!(
            "refused, but with {source:?}, and {} requests reached the fake",
            fake.logged_requests().len()
        )),
        other => Err(format!("expected a refusal, got {other:?}")),
    }
}

async fn negotiate_falls_back_to_ntlm(rig: Arc<KerberosRig>, _: Secrets) -> Result<(), String> {
    let fake = fake_behind_apache().await?;
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    // A credential cache that does not exist: Kerberos has no ticket to offer.
    let empty = dir.path().join("no-such-ccache");
    let kerberos =
        Kerberos::from_ccache(format!("FILE:{}", empty.display())).map_err(|e| e.to_string())?;
    let strategy = Negotiate::with_ntlm_fallback(kerberos, alice(&rig));
    expect_items(calendar_through(&rig, "negotiate-proxy", &fake, Arc::new(strategy)).await)
}

/// A password by the server's offer: the calendar twice, the second time by the scheme the
/// first one settled on. Returns that scheme.
async fn offered_through(rig: &KerberosRig, proxy: &str) -> Result<Option<PasswordScheme>, String> {
    let fake = fake_behind_apache().await?;
    let strategy = Arc::new(Offered::new(alice(rig)).map_err(|e| e.to_string())?);
    let client = EwsClient::builder(&behind(rig, proxy, &fake))
        .auth(Arc::clone(&strategy) as Arc<dyn AuthStrategy>)
        .timeout(std::time::Duration::from_secs(20))
        .build()
        .map_err(|e| e.to_string())?;
    let own = FolderTarget::Distinguished(DistinguishedFolder::Calendar);
    for _ in 0..2 {
        let view = client
            .find_calendar_items(&own, Utc::now(), Utc::now() + Duration::days(2), None)
            .await
            .map(|v| v.items.len());
        expect_items(view)?;
    }
    Ok(strategy.chosen())
}

async fn offered_takes_negotiate(rig: Arc<KerberosRig>, _: Secrets) -> Result<(), String> {
    match offered_through(&rig, "negotiate-proxy").await? {
        Some(PasswordScheme::Negotiate) => Ok(()),
        other => Err(format!(
            "Apache offers Negotiate first, but {other:?} was kept"
        )),
    }
}

/// A gateway whose data source reaches the fake Exchange through Apache's `<proxy>` location
/// with `authentication`: the service account and a portal user (both alice) log in, and the
/// user's calendar is read through the gateway.
/// A gateway on a temporary folder with one data source, `name`, whose service account is the
/// rig's user at `url`.
struct ApacheGateway {
    gateway: Gateway,
    admin: AdminCall,
    key: mediagateway_api::PortalKey,
    _dir: tempfile::TempDir,
}

impl ApacheGateway {
    async fn configured(
        rig: &KerberosRig,
        name: &str,
        authentication: Authentication,
        url: String,
        session_based: bool,
    ) -> Result<Self, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let config = GatewayConfig::in_dir(dir.path())
            .with_rsa_bits(2048)
            .allow_plain_http_on_loopback();
        let gateway = Gateway::open(&config).map_err(|e| format!("the gateway: {e}"))?;
        let admin = AdminCall::new(GatewayPassword::from("1234"));
        let source = DataSourceConfig {
            name: name.to_owned(),
            exchange_generation: ExchangeGeneration::Exchange2010To2019,
            authentication,
            service_account: ServiceAccount::new(rig.user(), rig.password(), url),
            session_based,
            time_zone: "UTC".to_owned(),
            oauth: None,
        };
        let configured = gateway
            .configure_data_source(&admin, &source)
            .await
            .map_err(|e| format!("configuring: {e}"))?;
        let key = configured.portal_key.ok_or("no portal key")?;
        Ok(Self {
            gateway,
            admin,
            key,
            _dir: dir,
        })
    }
}

async fn gateway_through(
    rig: &KerberosRig,
    proxy: &str,
    authentication: Authentication,
    session_based: bool,
) -> Result<(), String> {
    let fake = fake_behind_apache().await?;
    let url = behind(rig, proxy, &fake);
    let apache =
        ApacheGateway::configured(rig, "Apache", authentication, url, session_based).await?;
    let (gateway, key) = (&apache.gateway, apache.key.clone());
    let call = UserCall::new(key, "Apache", uuid::Uuid::new_v4());
    let login = Login {
        user_name: rig.user().to_owned(),
        password: rig.password(),
        mailbox: Some("alice@example.test".to_owned()),
    };
    // A wrong password is a refused login, and nothing is kept.
    let wrong = Login {
        password: SecretString::from(WRONG_PASSWORD),
        ..login.clone()
    };
    match gateway.login(&call, &wrong).await {
        Err(mediagateway_api::ApiError::ExchangeLoginRefused { .. }) => {}
        other => return Err(format!("a wrong password through {proxy}: {other:?}")),
    }
    let outcome = gateway
        .login(&call, &login)
        .await
        .map_err(|e| format!("the login: {e}"))?;
    if outcome.stored == session_based {
        return Err(format!(
            "stored {} for a session-based {session_based} data source",
            outcome.stored
        ));
    }
    let window =
        TimeWindow::new(Utc::now(), Utc::now() + Duration::days(2)).map_err(|e| e.to_string())?;
    let found = gateway
        .find_appointments(&call, &window)
        .await
        .map_err(|e| format!("the calendar: {e}"))?;
    if found.len() != SEEDED {
        return Err(format!(
            "{} appointments, {SEEDED} were seeded",
            found.len()
        ));
    }
    Ok(())
}

/// Kerberos only through the gateway: a login by the host name works (stored and
/// session-based); the same server named by its IP address is diagnosed, not retried by NTLM.
async fn gateway_kerberos_only(rig: Arc<KerberosRig>, _: Secrets) -> Result<(), String> {
    gateway_through(&rig, "negotiate-proxy", Authentication::Kerberos, false).await?;
    gateway_through(&rig, "negotiate-proxy", Authentication::Kerberos, true).await?;
    let fake = fake_behind_apache().await?;
    let by_ip = format!(
        "http://127.0.0.1:{}/negotiate-proxy/{}/EWS/Exchange.asmx",
        rig.http_port(),
        fake.addr().port()
    );
    let apache =
        ApacheGateway::configured(&rig, "ByAddress", Authentication::Kerberos, by_ip, false)
            .await?;
    match apache
        .gateway
        .test_exchange_account(&apache.admin, "ByAddress")
        .await
    {
        Err(mediagateway_api::ApiError::AuthenticationMisconfigured {
            problem: mediagateway_api::AuthProblem::KerberosNeedsHostName,
            ..
        }) => Ok(()),
        other => Err(format!("an IP address with Kerberos only: {other:?}")),
    }
}

async fn offered_takes_ntlm(rig: Arc<KerberosRig>, _: Secrets) -> Result<(), String> {
    // Apache's NTLM location offers Negotiate and NTLM, and refuses Kerberos inside Negotiate.
    match offered_through(&rig, "ntlm-proxy").await? {
        Some(PasswordScheme::Ntlm) => Ok(()),
        other => Err(format!("NTLM should have been kept, not {other:?}")),
    }
}

async fn gateway_by_pinned_ntlm(rig: Arc<KerberosRig>, _: Secrets) -> Result<(), String> {
    // A stored login, then a session-based one.
    gateway_through(&rig, "ntlm-proxy", Authentication::Ntlm, false).await?;
    gateway_through(&rig, "ntlm-proxy", Authentication::Ntlm, true).await
}

async fn gateway_by_offered_negotiate(rig: Arc<KerberosRig>, _: Secrets) -> Result<(), String> {
    gateway_through(
        &rig,
        "negotiate-proxy",
        Authentication::UserNamePassword,
        false,
    )
    .await?;
    gateway_through(
        &rig,
        "negotiate-proxy",
        Authentication::UserNamePassword,
        true,
    )
    .await
}

async fn oauth_app_only_refreshes_once(secrets: Secrets) -> Result<(), String> {
    let Some(oauth_server) = OAuthMockServer::shared() else {
        return Ok(());
    };
    let endpoints = Endpoints::explicit(
        &oauth_server.authorize_url(),
        &oauth_server.token_url(),
        None,
    )
    .map_err(|e| e.to_string())?;
    let client = OAuthClient::new("portal-app", endpoints)
        .map_err(|e| e.to_string())?
        .with_secret(SecretString::from("portal-app-Secret-5d1"));
    secrets.add("portal-app-Secret-5d1");
    let strategy = Arc::new(OAuth2::app_only(client));
    // The first token is the one the EWS endpoint refuses.
    let first = strategy.access_token().await.map_err(|e| e.to_string())?;
    secrets.add(first.expose_secret());

    let ews = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header(
            "Authorization",
            format!("Bearer {}", first.expose_secret()).as_str(),
        ))
        .respond_with(ResponseTemplate::new(401).insert_header(
            "WWW-Authenticate",
            r#"Bearer error="invalid_token", error_description="The token has expired""#,
        ))
        .up_to_n_times(1)
        .expect(1)
        .mount(&ews)
        .await;
    Mock::given(method("POST"))
        .and(header_exists("Authorization"))
        .and(header("X-AnchorMailbox", "bob@contoso.test"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            include_str!("end_to_end/find_item_empty.xml"),
            "text/xml; charset=utf-8",
        ))
        .expect(1)
        .mount(&ews)
        .await;
    let client = EwsClient::builder(&format!("{}/EWS/Exchange.asmx", ews.uri()))
        .auth(Arc::clone(&strategy) as Arc<dyn AuthStrategy>)
        .impersonate(Impersonation::PrimarySmtpAddress("bob@contoso.test".into()))
        .build()
        .map_err(|e| e.to_string())?;
    let view = client
        .find_calendar_items(
            &FolderTarget::Distinguished(DistinguishedFolder::Calendar),
            Utc::now(),
            Utc::now() + Duration::days(1),
            None,
        )
        .await
        .map_err(|e| format!("the retried call failed: {e}"))?;
    let second = strategy.access_token().await.map_err(|e| e.to_string())?;
    secrets.add(second.expose_secret());
    // The first token was fetched for the test, the second after the 401; the mock server may
    // sign the same claims again within one second, so the tokens themselves can be equal.
    if strategy.token_requests() != 2 {
        return Err(format!(
            "{} token requests, expected 2 (one before and one after the 401)",
            strategy.token_requests()
        ));
    }
    let requests = ews.received_requests().await.unwrap_or_default();
    let impersonated = requests.iter().all(|r| {
        String::from_utf8_lossy(&r.body).contains("<t:PrimarySmtpAddress>bob@contoso.test<")
    });
    if requests.len() != 2 || !impersonated || !view.items.is_empty() {
        return Err(format!(
            "{} requests (2 expected), impersonation in all: {impersonated}",
            requests.len()
        ));
    }
    Ok(())
}
