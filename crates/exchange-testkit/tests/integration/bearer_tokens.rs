//! Bearer tokens of a real OAuth2 server (npm `oauth2-mock-server` behaving as Entra ID,
//! `rigs/oauth2.sh`) at the fake Exchange, through the workspace's own EWS client and OAuth2
//! strategy: a delegated sign-in reads its user's calendar, an app-only token reads the mailbox
//! it impersonates, an expired token is refreshed once, a revoked sign-in must sign in again.
//!
//! Skipped where Node.js or npm is missing, except under CI.

use std::sync::Arc;

use chrono::{DateTime, Duration, TimeZone as _, Utc};
use exchange_auth::oauth::{AuthorizationCodeFlow, Endpoints, OAuth2, OAuthClient, TokenSet};
use exchange_auth::{AuthError, Offered, UserCredentials};
use exchange_ews::client::Impersonation;
use exchange_ews::{DistinguishedFolder, EwsClient, EwsError, ExchangeVersion, FolderTarget};
use exchange_test_support::oauth::OAuthMockServer;
use exchange_testkit::{Authentication, Error, FakeExchange, LoggedRequest};
use secrecy::{ExposeSecret as _, SecretString};

/// The resource Exchange Online's tokens are for.
const EXCHANGE: &str = "https://outlook.office365.com";
const CALLBACK: &str = "http://127.0.0.1:9/callback";
const ALICE: &str = "alice@contoso.test";
const BOB: &str = "bob@contoso.test";
/// Signs in only in the test of expired tokens, so no other test sees them.
const ERIN: &str = "erin@contoso.test";
/// Signs in only in the test of revoked sign-ins.
const FRANK: &str = "frank@contoso.test";

fn first_day() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 5, 4, 9, 0, 0).unwrap()
}

/// The fake with four users, each with `n + 1` calendar items for the `n`-th of them, trusting
/// the mock's tokens for `audience`.
async fn fake(server: &OAuthMockServer, audience: &str) -> FakeExchange {
    let jwks = server.jwks_json().expect("the mock serves its JWKS");
    let mut builder =
        FakeExchange::builder().trust_bearer_tokens(&server.issuer(), audience, &jwks);
    for (n, smtp) in [ALICE, BOB, ERIN, FRANK].into_iter().enumerate() {
        builder = builder.user(smtp, "password", smtp).seed_calendar(
            smtp,
            n + 1,
            first_day(),
            Duration::hours(2),
        );
    }
    builder.start().await.expect("the fake starts")
}

fn oauth_client(server: &OAuthMockServer) -> OAuthClient {
    let endpoints =
        Endpoints::explicit(&server.authorize_url(), &server.token_url(), None).unwrap();
    OAuthClient::new("gateway-tests", endpoints).unwrap()
}

/// `user` signs in by authorization code with PKCE: the mock's `/authorize` redirects at once
/// with a code for the user its `login_hint` names.
async fn sign_in(server: &OAuthMockServer, user: &str) -> TokenSet {
    let flow = AuthorizationCodeFlow::new(oauth_client(server), CALLBACK).unwrap();
    let (mut url, pending) = flow.start();
    url.query_pairs_mut().append_pair("login_hint", user);
    let browser = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = browser.get(url.as_str()).send().await.unwrap();
    assert_eq!(answer.status(), 302, "the mock redirects with a code");
    let location = reqwest::Url::parse(answer.headers()["location"].to_str().unwrap()).unwrap();
    let query = |name: &str| {
        location
            .query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
            .unwrap_or_else(|| panic!("the redirect has no {name}: {location}"))
    };
    pending
        .finish(&query("code"), &query("state"))
        .await
        .unwrap()
}

fn ews(fake: &FakeExchange, strategy: OAuth2, impersonate: Option<&str>) -> EwsClient {
    let mut builder = EwsClient::builder(&fake.url())
        .auth(Arc::new(strategy))
        .version(ExchangeVersion::Exchange2016);
    if let Some(mailbox) = impersonate {
        builder = builder.impersonate(Impersonation::PrimarySmtpAddress(mailbox.to_owned()));
    }
    builder.build().unwrap()
}

/// How many calendar items the client sees in the seeded week.
async fn calendar_len(client: &EwsClient) -> Result<usize, EwsError> {
    let calendar = FolderTarget::Distinguished(DistinguishedFolder::Calendar);
    let start = first_day() - Duration::days(1);
    let view = client
        .find_calendar_items(&calendar, start, start + Duration::days(7), None)
        .await?;
    Ok(view.items.len())
}

fn last_request(fake: &FakeExchange) -> LoggedRequest {
    fake.logged_requests().pop().expect("a request was logged")
}

fn auth_error(error: EwsError) -> AuthError {
    match error {
        EwsError::AuthenticationFailed { source } => source,
        other => panic!("expected an authentication failure, got {other}"),
    }
}

#[tokio::test]
async fn a_delegated_sign_in_reads_its_own_calendar() {
    let Some(server) = OAuthMockServer::shared() else {
        return;
    };
    let fake = fake(&server, EXCHANGE).await;
    let tokens = sign_in(&server, ALICE).await;
    let strategy = OAuth2::delegated(oauth_client(&server), tokens, None).unwrap();
    let alice = ews(&fake, strategy.clone(), None);
    assert_eq!(calendar_len(&alice).await.unwrap(), 1);
    assert_eq!(
        strategy.token_requests(),
        0,
        "the sign-in's token was taken"
    );
    let logged = last_request(&fake);
    assert_eq!(logged.status, 200);
    assert_eq!(
        logged.authentication,
        Some(Authentication::DelegatedToken { smtp: ALICE.into() })
    );
    assert_eq!(logged.anchor_mailbox, None);
    // No token or password reaches the log.
    let token = strategy.access_token().await.unwrap();
    let logged = format!("{:?}", fake.logged_requests());
    assert!(!logged.contains(token.expose_secret()));

    // A delegated token may not impersonate, whatever mailbox it names.
    let strategy =
        OAuth2::delegated(oauth_client(&server), sign_in(&server, ALICE).await, None).unwrap();
    let error = calendar_len(&ews(&fake, strategy, Some(BOB)))
        .await
        .unwrap_err();
    assert_eq!(
        error.response_code().map(ToString::to_string).as_deref(),
        Some("ErrorImpersonateUserDenied"),
        "{error}"
    );
    assert_eq!(
        last_request(&fake).rejection,
        Some(Error::ImpersonationDenied)
    );
}

#[tokio::test]
async fn an_app_only_token_reads_the_mailbox_it_impersonates() {
    let Some(server) = OAuthMockServer::shared() else {
        return;
    };
    let fake = fake(&server, EXCHANGE).await;
    let app = OAuth2::app_only(oauth_client(&server).with_secret(SecretString::from("s3cret")));
    assert_eq!(
        calendar_len(&ews(&fake, app.clone(), Some(BOB)))
            .await
            .unwrap(),
        2
    );
    let logged = last_request(&fake);
    assert_eq!(
        logged.authentication,
        Some(Authentication::AppToken {
            app_id: "gateway-tests".into(),
            impersonated: Some(BOB.into()),
        })
    );
    assert_eq!(logged.anchor_mailbox.as_deref(), Some(BOB));
    assert!(logged
        .request_body
        .contains("<t:PrimarySmtpAddress>bob@contoso.test<"));

    // An unknown mailbox.
    let error = calendar_len(&ews(&fake, app.clone(), Some("nobody@contoso.test")))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, EwsError::SoapFault { fault_code, .. } if fault_code == "a:ErrorNonExistentMailbox"),
        "{error}"
    );
    let logged = last_request(&fake);
    assert_eq!(logged.status, 500);
    assert_eq!(
        logged.rejection,
        Some(Error::NonExistentMailbox("nobody@contoso.test".into()))
    );
    assert_eq!(
        logged
            .authentication
            .as_ref()
            .and_then(Authentication::impersonated),
        None
    );

    // Without impersonation (the EWS client refuses to build so; a raw request does not).
    let token = app.access_token().await.unwrap();
    let find = r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"
    xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"
    xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
  <soap:Header><t:RequestServerVersion Version="Exchange2016"/></soap:Header>
  <soap:Body><m:FindItem Traversal="Shallow">
    <m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>
    <m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds>
  </m:FindItem></soap:Body>
</soap:Envelope>"#;
    let answer = reqwest::Client::new()
        .post(fake.url())
        .bearer_auth(token.expose_secret())
        .header("Content-Type", "text/xml; charset=utf-8")
        .body(find)
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 500);
    let fault = answer.text().await.unwrap();
    assert!(
        fault.contains("<faultcode xmlns:a=\"http://schemas.microsoft.com/exchange/services/2006/types\">a:ErrorInvalidExchangeImpersonationHeaderData</faultcode>"),
        "{fault}"
    );
    assert!(fault.contains(
        "ExchangeImpersonation SOAP header must be present for this type of OAuth token."
    ));
    assert_eq!(
        last_request(&fake).rejection,
        Some(Error::ImpersonationRequired)
    );
}

#[tokio::test]
async fn an_expired_token_is_refreshed_once_and_the_request_sent_again() {
    let Some(server) = OAuthMockServer::shared() else {
        return;
    };
    let fake = fake(&server, EXCHANGE).await;
    // The sign-in's access token arrives expired, although its expires_in says an hour.
    server.expire_next_tokens_for(ERIN, 1).unwrap();
    let tokens = sign_in(&server, ERIN).await;
    let strategy = OAuth2::delegated(oauth_client(&server), tokens, None).unwrap();
    assert_eq!(
        calendar_len(&ews(&fake, strategy.clone(), None))
            .await
            .unwrap(),
        3
    );
    assert_eq!(strategy.token_requests(), 1, "one refresh");
    let log = fake.logged_requests();
    let [refused, accepted] = &log[log.len() - 2..] else {
        unreachable!("two requests at least")
    };
    assert_eq!(refused.status, 401);
    assert_eq!(refused.rejection, Some(Error::TokenExpired));
    assert_eq!(refused.authentication, None);
    assert_eq!(accepted.status, 200);
    assert_eq!(
        accepted.authentication,
        Some(Authentication::DelegatedToken { smtp: ERIN.into() })
    );

    // App-only: the same, through the client credentials grant.
    server
        .expire_next_tokens_for("gateway-tests-expiring", 1)
        .unwrap();
    let endpoints =
        Endpoints::explicit(&server.authorize_url(), &server.token_url(), None).unwrap();
    let app = OAuth2::app_only(
        OAuthClient::new("gateway-tests-expiring", endpoints)
            .unwrap()
            .with_secret(SecretString::from("s3cret")),
    );
    assert_eq!(
        calendar_len(&ews(&fake, app.clone(), Some(ERIN)))
            .await
            .unwrap(),
        3
    );
    assert_eq!(
        app.token_requests(),
        2,
        "the first token and its replacement"
    );
}

#[tokio::test]
async fn a_revoked_sign_in_must_sign_in_again() {
    let Some(server) = OAuthMockServer::shared() else {
        return;
    };
    let fake = fake(&server, EXCHANGE).await;
    let refresh = sign_in(&server, FRANK)
        .await
        .refresh_token()
        .expect("a refresh token")
        .clone();
    let stored =
        || OAuth2::delegated_from_refresh_token(oauth_client(&server), refresh.clone(), None);
    assert_eq!(calendar_len(&ews(&fake, stored(), None)).await.unwrap(), 4);
    // That refresh rotated the token: the stored one is used up.
    let error = auth_error(calendar_len(&ews(&fake, stored(), None)).await.unwrap_err());
    assert!(
        matches!(
            error,
            AuthError::OAuthInvalidGrant {
                aadsts: Some(70000),
                ..
            }
        ),
        "{error}"
    );
    // An administrator revokes the user's sessions.
    let tokens = sign_in(&server, FRANK).await;
    let refresh = tokens.refresh_token().unwrap().clone();
    assert!(server.revoke_user(FRANK).unwrap() >= 1);
    let strategy = OAuth2::delegated_from_refresh_token(oauth_client(&server), refresh, None);
    let error = auth_error(calendar_len(&ews(&fake, strategy, None)).await.unwrap_err());
    assert!(
        matches!(error, AuthError::OAuthSignInAgain { aadsts: 50173, .. }),
        "{error}"
    );
    assert_eq!(
        error.class(),
        exchange_auth::FailureClass::CredentialsRefused
    );
}

#[tokio::test]
async fn tokens_for_another_audience_are_refused_after_one_retry_and_their_claims_pass_exchange_auth_s_checks(
) {
    let Some(server) = OAuthMockServer::shared() else {
        return;
    };
    // A server that is not Exchange Online: every token of the mock is for another audience.
    let fake = fake(&server, "https://mail.contoso.test").await;
    let delegated =
        OAuth2::delegated(oauth_client(&server), sign_in(&server, ALICE).await, None).unwrap();
    let app = OAuth2::app_only(oauth_client(&server).with_secret(SecretString::from("s3cret")));
    for (strategy, mailbox) in [(delegated, None), (app, Some(ALICE))] {
        let error = auth_error(
            calendar_len(&ews(&fake, strategy.clone(), mailbox))
                .await
                .unwrap_err(),
        );
        // The strategy finds nothing wrong in the token's own claims (audience, scp or roles),
        // so it reports Exchange's refusal rather than a set-up mistake.
        assert!(
            matches!(&error, AuthError::OAuthTokenRefused { error, .. } if error == "invalid_token"),
            "{error}"
        );
        let log = fake.logged_requests();
        let refusals = &log[log.len() - 2..];
        for refused in refusals {
            assert_eq!(refused.status, 401);
            assert_eq!(
                refused.rejection,
                Some(Error::WrongAudience(EXCHANGE.into()))
            );
        }
    }
    let answer = reqwest::Client::new()
        .post(fake.url())
        .bearer_auth("e30.e30.e30")
        .body("<x/>")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    assert!(answer.headers()["x-ms-diagnostics"]
        .to_str()
        .unwrap()
        .starts_with("2000001;reason=\""));
}

#[tokio::test]
async fn passwords_still_log_in_by_the_offered_scheme_beside_bearer_tokens() {
    let Some(server) = OAuthMockServer::shared() else {
        return;
    };
    let fake = fake(&server, EXCHANGE).await;
    let answer = reqwest::Client::new()
        .post(fake.url())
        .body("<x/>")
        .send()
        .await
        .unwrap();
    assert_eq!(answer.status(), 401);
    let offer: Vec<String> = answer
        .headers()
        .get_all("www-authenticate")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    assert_eq!(offer.len(), 2, "{offer:?}");
    assert!(offer[0].starts_with("Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\""));
    assert!(!offer[0].contains("error="));
    assert_eq!(offer[1], "Basic realm=\"127.0.0.1\"");

    let offered = Offered::new(UserCredentials::new(BOB, SecretString::from("password"))).unwrap();
    let bob = EwsClient::builder(&fake.url())
        .auth(Arc::new(offered))
        .version(ExchangeVersion::Exchange2016)
        .build()
        .unwrap();
    assert_eq!(calendar_len(&bob).await.unwrap(), 2);
    assert_eq!(
        last_request(&fake).authentication,
        Some(Authentication::Basic { login: BOB.into() })
    );
}
