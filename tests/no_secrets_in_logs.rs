//! Every log line of a full run — gateway start, connection tests, login, calendar calls,
//! EWS request and response bodies at trace level, an OAuth2 sign-in with its refreshes and
//! app-only calls — is captured, and no password, client secret, code or token appears.

use base64::Engine as _;
use chrono::{Duration, Utc};
use exchange_connector::{
    ActAs, Authentication, ClientTls, NewAppointment, NewStaticUser, OAuthCredential,
    OAuthEndpoints, OAuthSettings, ServiceAccount, TransportChoice,
};
use exchange_test_support::oauth::OAuthMockServer;
use exchange_test_support::CapturedLogs;
use exchange_testkit::FakeExchange;
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

#[path = "end_to_end/support.rs"]
mod support;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_run_logs_no_secret() {
    let captured = CapturedLogs::install_global(tracing::Level::TRACE);

    let secrets = [
        "svc-Secret-9f2",
        "alice-Secret-77c",
        "gateway-Secret-31a",
        "sales-Secret-5b8",
    ];
    let oauth = OAuthMockServer::shared();
    let mut fake = FakeExchange::builder()
        .user("svc@contoso.test", secrets[0], "svc@contoso.test")
        .user("alice@contoso.test", secrets[1], "alice@contoso.test")
        .user("sales@contoso.test", secrets[3], "sales@contoso.test");
    if let Some(oauth) = &oauth {
        let jwks = oauth.jwks_json().expect("the OAuth2 server's key set");
        fake = fake.trust_bearer_tokens(&oauth.issuer(), "https://outlook.office365.com", &jwks);
    }
    let fake = fake.start().await.unwrap();
    let (gateway, _, dir) = support::served_gateway().await;
    // Over TLS, so the TLS listener's logs are in the run too.
    let (port, fingerprint) = support::also_over_tls(gateway, dir.path()).await;

    let exchange = support::data_source(TransportChoice::Grpc, port, &fake.url())
        .tls(ClientTls::pinned_fingerprint(&fingerprint).unwrap())
        .exchange_account(ServiceAccount::new(
            "svc@contoso.test",
            SecretString::from(secrets[0]),
            fake.url(),
        ))
        .build()
        .unwrap()
        .change_gateway_password(SecretString::from(secrets[2]))
        .await
        .unwrap();
    assert!(exchange.test_gateway().await.passed());
    assert!(exchange.test_exchange_account().await.passed());
    let portal_user = Uuid::new_v4();
    exchange
        .login(
            portal_user,
            "alice@contoso.test",
            SecretString::from(secrets[1]),
        )
        .await
        .unwrap();
    // A refused login logs its failure, not the password tried.
    assert!(exchange
        .login(
            Uuid::new_v4(),
            "alice@contoso.test",
            SecretString::from("wrong-Secret-0d4")
        )
        .await
        .is_err());
    let user = exchange.user(portal_user);
    let start = Utc::now();
    let created = user
        .create_appointment(&NewAppointment {
            subject: "logged".into(),
            start,
            end: start + Duration::hours(1),
            is_all_day: false,
            location: None,
            body: None,
        })
        .await
        .unwrap();
    user.appointment(&created.id).await.unwrap();
    user.calendar(start, start + Duration::hours(2))
        .await
        .unwrap();
    user.delete_appointment(&created.id).await.unwrap();
    // A static user: added, tested, acted as, listed and removed.
    let sales = NewStaticUser::new(
        "Sales",
        "sales@contoso.test",
        SecretString::from(secrets[3]),
    );
    exchange.put_static_user(sales).await.unwrap();
    assert!(exchange.test_static_user("Sales").await.passed());
    exchange
        .user(portal_user)
        .acting_as(ActAs::StaticUser("Sales".into()))
        .calendar(start, start + Duration::hours(2))
        .await
        .unwrap();
    assert_eq!(exchange.static_users().await.unwrap().len(), 1);
    assert!(exchange.remove_static_user("Sales").await.unwrap());
    // An admin resets the user, then every user of the data source.
    assert!(exchange.reset_user(portal_user).await.unwrap());
    exchange
        .login(
            portal_user,
            "alice@contoso.test",
            SecretString::from(secrets[1]),
        )
        .await
        .unwrap();
    assert_eq!(exchange.reset_all_users().await.unwrap(), 1);

    // An OAuth2 data source on the same gateway: a sign-in whose first token has expired (so
    // it is refreshed at once), calendar reads, the app-only service account and static user.
    let mut oauth_secrets = Vec::new();
    if let Some(oauth) = &oauth {
        let client_secret = "client-Secret-4e1";
        let online = support::named_data_source("Online", TransportChoice::Grpc, port, &fake.url())
            .tls(ClientTls::pinned_fingerprint(&fingerprint).unwrap())
            .gateway_password(SecretString::from(secrets[2]))
            .authentication(Authentication::OAuth2)
            .exchange_account(ServiceAccount::new(
                "svc@contoso.test",
                SecretString::from(String::new()),
                fake.url(),
            ))
            .oauth(OAuthSettings {
                tenant: "contoso.test".into(),
                client_id: "logged-portal".into(),
                credential: OAuthCredential::Secret(SecretString::from(client_secret)),
                redirect_uri: "http://127.0.0.1:9/signed-in".into(),
                endpoints: Some(OAuthEndpoints {
                    authorize: oauth.authorize_url(),
                    token: oauth.token_url(),
                }),
            })
            .build()
            .unwrap();
        let key = online
            .configure_gateway()
            .await
            .unwrap()
            .portal_key
            .unwrap();
        oauth_secrets.push(key.secret().expose_secret().to_owned());
        assert!(online.test_exchange_account().await.passed());
        oauth
            .expire_next_tokens_for("alice@contoso.test", 1)
            .unwrap();
        let carol = Uuid::new_v4();
        let url = online
            .begin_oauth_login(carol, Some("alice@contoso.test"))
            .await
            .unwrap();
        let redirect = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .unwrap()
            .get(&url)
            .send()
            .await
            .unwrap();
        let location =
            reqwest::Url::parse(redirect.headers()["location"].to_str().unwrap()).unwrap();
        let query = |name: &str| {
            location
                .query_pairs()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
                .unwrap()
        };
        let (code, state) = (query("code"), query("state"));
        online
            .finish_oauth_login(carol, SecretString::from(code.clone()), &state)
            .await
            .unwrap();
        online
            .user(carol)
            .calendar(start, start + Duration::hours(2))
            .await
            .unwrap();
        let sales = NewStaticUser::new(
            "Sales",
            "sales@contoso.test",
            SecretString::from(String::new()),
        );
        online.put_static_user(sales).await.unwrap();
        online
            .user(carol)
            .acting_as(ActAs::StaticUser("Sales".into()))
            .calendar(start, start + Duration::hours(2))
            .await
            .unwrap();
        oauth_secrets.extend([client_secret.to_owned(), code]);
    }

    let logs = captured.text();
    // The audit trail has every event of the run.
    for event in [
        "admin_auth_succeeded",
        "config_changed",
        "gateway_password_changed",
        "login_succeeded",
        "login_failed",
        "user_reset",
        "all_users_reset",
    ] {
        assert!(
            logs.contains(&format!("event=\"{event}\"")),
            "no {event} in the audit trail:\n{logs}"
        );
    }
    assert!(
        logs.contains("FindItem"),
        "EWS bodies were logged at trace level"
    );
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut forbidden: Vec<String> = secrets.iter().map(ToString::to_string).collect();
    forbidden.push("wrong-Secret-0d4".into());
    let key = exchange
        .portal_key()
        .expect("configuring handed out the key");
    forbidden.push(key.secret().expose_secret().to_owned());
    forbidden.push(b64.encode(format!("alice@contoso.test:{}", secrets[1])));
    forbidden.push(b64.encode(format!("svc@contoso.test:{}", secrets[0])));
    forbidden.push(b64.encode(format!("sales@contoso.test:{}", secrets[3])));
    if !oauth_secrets.is_empty() {
        assert!(
            logs.contains("data_source=\"Online\""),
            "the OAuth2 run is in the logs"
        );
    }
    forbidden.extend(oauth_secrets);
    // Tokens are JWTs ("eyJ…" header and payload) or named in token endpoint bodies.
    forbidden.extend(["eyJ".to_owned(), "refresh_token\":".to_owned()]);
    for secret in forbidden {
        assert!(!logs.contains(&secret), "{secret} appears in the logs");
    }
}
