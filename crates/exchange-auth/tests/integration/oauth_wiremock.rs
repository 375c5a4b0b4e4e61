//! OAuth2 against scripted answers: device code, error answers, client assertions, the 401
//! sequence and hostile token answers.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use exchange_auth::oauth::{
    Authority, ClientCertificate, DeviceCodeFlow, Endpoints, OAuth2, OAuthClient, Tenant,
};
use exchange_auth::{AuthError, AuthStrategy, Challenge, Target};
use secrecy::{ExposeSecret as _, SecretString};
use wiremock::matchers::{body_string_contains, method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "/tenant/oauth2/v2.0/token";
const SECRET: &str = "very-secret-value";

fn client(server: &MockServer) -> OAuthClient {
    let endpoints = Authority::custom(&server.uri())
        .unwrap()
        .endpoints(&Tenant::new("tenant").unwrap())
        .unwrap();
    OAuthClient::new("app-id", endpoints).unwrap()
}

fn app(server: &MockServer) -> OAuth2 {
    OAuth2::app_only(client(server).with_secret(SecretString::from(SECRET)))
}

fn target() -> Target {
    Target::new("https://outlook.office365.com/EWS/Exchange.asmx").unwrap()
}

fn token_json(access: &str) -> serde_json::Value {
    serde_json::json!({"access_token": access, "token_type": "Bearer", "expires_in": 3600})
}

fn jwt(claims: serde_json::Value) -> String {
    format!(
        "eyJhbGciOiJub25lIn0.{}.c2ln",
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}

fn oauth_error(error: &str, description: &str) -> ResponseTemplate {
    ResponseTemplate::new(400).set_body_json(serde_json::json!({
        "error": error, "error_description": description, "error_codes": [1]
    }))
}

async fn answer_token_with(answer: ResponseTemplate) -> Result<SecretString, AuthError> {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(answer)
        .mount(&server)
        .await;
    app(&server).access_token().await
}

// ---- device code ----

async fn device_server(token_answers: Vec<ResponseTemplate>) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/tenant/oauth2/v2.0/devicecode"))
        .and(body_string_contains("EWS.AccessAsUser.All"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "device_code": "dev-code", "user_code": "ABCD-EFGH",
            "verification_uri": "https://microsoft.com/devicelogin",
            "expires_in": 900, "interval": 1, "message": "To sign in, ..."
        })))
        .mount(&server)
        .await;
    let n = token_answers.len();
    for (i, answer) in token_answers.into_iter().enumerate() {
        let mock = Mock::given(method("POST"))
            .and(path(TOKEN))
            .and(body_string_contains("device_code=dev-code"))
            .respond_with(answer)
            .with_priority(u8::try_from(i + 1).unwrap());
        // The last answer repeats; the others are given once each, in order.
        if i + 1 < n {
            mock.up_to_n_times(1).mount(&server).await;
        } else {
            mock.mount(&server).await;
        }
    }
    server
}

fn recording_sleep(log: &Arc<Mutex<Vec<Duration>>>) -> impl Fn(Duration) -> std::future::Ready<()> {
    let log = Arc::clone(log);
    move |d| {
        log.lock().unwrap().push(d);
        std::future::ready(())
    }
}

#[tokio::test]
async fn device_code_pending_slow_down_success() {
    let server = device_server(vec![
        oauth_error("authorization_pending", "AADSTS70016: pending"),
        oauth_error("slow_down", "slow down"),
        oauth_error("authorization_pending", "AADSTS70016: pending"),
        ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "at", "refresh_token": "rt", "token_type": "Bearer", "expires_in": 3600,
            "scope": "https://outlook.office365.com/EWS.AccessAsUser.All"
        })),
    ])
    .await;
    let flow = DeviceCodeFlow::start(client(&server)).await.unwrap();
    assert_eq!(flow.user_code(), "ABCD-EFGH");
    assert_eq!(flow.verification_uri(), "https://microsoft.com/devicelogin");
    assert_eq!(flow.interval(), Duration::from_secs(1));
    let waits = Arc::default();
    let tokens = flow
        .poll_with_sleep(None, recording_sleep(&waits))
        .await
        .unwrap();
    assert_eq!(tokens.access_token().expose_secret(), "at");
    assert_eq!(tokens.refresh_token().unwrap().expose_secret(), "rt");
    // pending keeps the interval, slow_down adds five seconds, and it stays added.
    assert_eq!(
        *waits.lock().unwrap(),
        [
            Duration::from_secs(1),
            Duration::from_secs(6),
            Duration::from_secs(6)
        ]
    );
    let strategy = OAuth2::delegated(client(&server), tokens, None).unwrap();
    assert_eq!(strategy.access_token().await.unwrap().expose_secret(), "at");
}

#[tokio::test]
async fn device_code_expired_and_denied() {
    let server = device_server(vec![oauth_error("expired_token", "AADSTS70019: expired")]).await;
    let flow = DeviceCodeFlow::start(client(&server)).await.unwrap();
    let waits = Arc::default();
    let err = flow
        .poll_with_sleep(None, recording_sleep(&waits))
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::OAuthDeviceCodeExpired), "{err:?}");

    let server = device_server(vec![oauth_error("access_denied", "the user said no")]).await;
    let flow = DeviceCodeFlow::start(client(&server)).await.unwrap();
    let err = flow
        .poll_with_sleep(None, recording_sleep(&waits))
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::OAuthAccessDenied), "{err:?}");
}

#[tokio::test]
async fn device_code_timeout_and_cancel() {
    let server = device_server(vec![oauth_error("authorization_pending", "pending")]).await;
    let flow = DeviceCodeFlow::start(client(&server)).await.unwrap();
    let err = flow
        .poll_with_sleep(Some(Duration::from_millis(50)), |_| {
            tokio::time::sleep(Duration::from_millis(20))
        })
        .await
        .unwrap_err();
    assert!(
        matches!(err, AuthError::OAuthGaveUp("timed out")),
        "{err:?}"
    );
    let err = flow
        .poll_until(None, tokio::time::sleep(Duration::from_millis(100)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, AuthError::OAuthGaveUp("cancelled")),
        "{err:?}"
    );
}

#[tokio::test]
async fn device_code_needs_an_endpoint_and_a_sane_answer() {
    let server = MockServer::start().await;
    let endpoints =
        Endpoints::explicit(&server.uri(), &format!("{}/t", server.uri()), None).unwrap();
    let err = DeviceCodeFlow::start(OAuthClient::new("a", endpoints).unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::OAuthInvalidConfig { .. }));
    for body in [
        serde_json::json!({"device_code": "d"}),
        serde_json::json!({"device_code": "d", "user_code": "", "verification_uri": "https://x", "expires_in": 5}),
        serde_json::json!({"device_code": "d", "user_code": "u", "verification_uri": "https://x", "expires_in": -5}),
        serde_json::json!({"device_code": "d", "user_code": "u", "verification_uri": "https://x", "expires_in": 60, "interval": u64::MAX}),
        serde_json::json!({"device_code": "d", "user_code": "u", "verification_uri": "https://x", "expires_in": u64::MAX}),
    ] {
        let server = MockServer::start().await;
        Mock::given(path("/tenant/oauth2/v2.0/devicecode"))
            .respond_with(ResponseTemplate::new(200).set_body_json(body.clone()))
            .mount(&server)
            .await;
        let err = DeviceCodeFlow::start(client(&server)).await.unwrap_err();
        assert!(
            matches!(err, AuthError::OAuthBadResponse { .. }),
            "{body}: {err:?}"
        );
    }
}

// ---- error answers ----

#[tokio::test]
async fn error_answers_explain_the_mistake() {
    type Check = fn(&AuthError) -> bool;
    let cases: Vec<(&str, &str, Check)> = vec![
        (
            "invalid_grant",
            "AADSTS50126: Error validating credentials due to invalid username or password.",
            |e| {
                matches!(
                    e,
                    AuthError::OAuthInvalidGrant {
                        aadsts: Some(50126),
                        ..
                    }
                )
            },
        ),
        (
            "invalid_grant",
            "AADSTS70008: The provided authorization code or refresh token has expired",
            |e| {
                matches!(e, AuthError::OAuthSignInAgain { aadsts: 70008, .. })
                    && e.to_string().contains("sign in again")
            },
        ),
        (
            "invalid_grant",
            "AADSTS700082: The refresh token has expired due to inactivity.",
            |e| matches!(e, AuthError::OAuthSignInAgain { aadsts: 700082, .. }),
        ),
        (
            "invalid_grant",
            "AADSTS50173: The provided grant has expired due to it being revoked",
            |e| matches!(e, AuthError::OAuthSignInAgain { aadsts: 50173, .. }),
        ),
        (
            "invalid_grant",
            "AADSTS700084: The refresh token was issued to a single page app",
            |e| matches!(e, AuthError::OAuthSignInAgain { aadsts: 700084, .. }),
        ),
        (
            "invalid_grant",
            "AADSTS65001: The user or administrator has not consented",
            |e| {
                matches!(e, AuthError::OAuthConsentRequired { aadsts: 65001, .. })
                    && e.to_string().contains("admin consent")
            },
        ),
        (
            "invalid_request",
            "AADSTS90094: The grant requires admin permission.",
            |e| matches!(e, AuthError::OAuthConsentRequired { aadsts: 90094, .. }),
        ),
        (
            "invalid_request",
            "AADSTS90099: The application has not been authorized in the tenant",
            |e| matches!(e, AuthError::OAuthConsentRequired { aadsts: 90099, .. }),
        ),
        (
            "invalid_client",
            "AADSTS7000215: Invalid client secret provided.",
            |e| {
                matches!(
                    e,
                    AuthError::OAuthInvalidClient {
                        aadsts: Some(7000215),
                        ..
                    }
                ) && e.to_string().contains("secret is wrong")
            },
        ),
        (
            "invalid_client",
            "AADSTS700027: Client assertion failed signature validation.",
            |e| {
                matches!(
                    e,
                    AuthError::OAuthInvalidClient {
                        aadsts: Some(700027),
                        ..
                    }
                ) && e.to_string().contains("certificate")
            },
        ),
        (
            "unauthorized_client",
            "AADSTS700025: Client is public",
            |e| {
                matches!(
                    e,
                    AuthError::OAuthUnauthorizedClient {
                        aadsts: Some(700025),
                        ..
                    }
                )
            },
        ),
        (
            "temporarily_unavailable",
            "try later",
            |e| matches!(e, AuthError::OAuthTokenEndpoint { error, .. } if error == "temporarily_unavailable"),
        ),
    ];
    for (error, description, expected) in cases {
        let err = answer_token_with(oauth_error(error, description))
            .await
            .unwrap_err();
        assert!(expected(&err), "{error} {description}: {err:?}");
        assert!(!err.to_string().contains(SECRET));
    }
}

#[tokio::test]
async fn unreachable_endpoint_is_typed() {
    let port = exchange_test_support::free_port();
    let endpoints = Endpoints::explicit(
        &format!("http://127.0.0.1:{port}/a"),
        &format!("http://127.0.0.1:{port}/t"),
        None,
    )
    .unwrap();
    let strategy = OAuth2::app_only(
        OAuthClient::new("a", endpoints)
            .unwrap()
            .with_secret(SecretString::from(SECRET)),
    );
    let err = strategy.access_token().await.unwrap_err();
    assert!(matches!(err, AuthError::OAuthUnreachable { .. }), "{err:?}");
}

// ---- hostile token answers ----

#[tokio::test]
async fn hostile_token_answers_are_typed_errors() {
    let answers = vec![
        ResponseTemplate::new(200).set_body_string("<html>not json</html>"),
        ResponseTemplate::new(200).set_body_string(r#"{"access_token":"abc","token_ty"#),
        ResponseTemplate::new(200).set_body_string(""),
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"token_type": "Bearer"})),
        ResponseTemplate::new(200).set_body_json(serde_json::json!({"access_token": "abc"})),
        ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"access_token": "abc", "token_type": "Bearer", "expires_in": -1}),
        ),
        ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"access_token": "abc", "token_type": "Bearer", "expires_in": 1e300}),
        ),
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({"access_token": "", "token_type": "Bearer"})),
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({"access_token": "a\nb", "token_type": "Bearer"})),
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({"access_token": 5, "token_type": "Bearer"})),
        ResponseTemplate::new(200)
            .set_body_json(serde_json::json!({"access_token": "abc", "token_type": "mac"})),
        ResponseTemplate::new(200).set_body_json(serde_json::json!([1, 2])),
        ResponseTemplate::new(200).set_body_string(format!(
            r#"{{"access_token":"{}","token_type":"Bearer"}}"#,
            "a".repeat(1 << 20)
        )),
        ResponseTemplate::new(500).set_body_string("Internal Server Error"),
    ];
    for (i, answer) in answers.into_iter().enumerate() {
        let err = answer_token_with(answer).await.unwrap_err();
        assert!(
            matches!(err, AuthError::OAuthBadResponse { .. }),
            "answer {i}: {err:?}"
        );
    }
}

#[tokio::test]
async fn huge_expires_in_is_capped_and_redirects_are_not_followed() {
    let server = MockServer::start().await;
    Mock::given(path(TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "abc", "token_type": "bearer", "expires_in": u64::MAX
        })))
        .mount(&server)
        .await;
    let tokens = client(&server)
        .with_secret(SecretString::from(SECRET))
        .client_credentials(&["s".to_owned()])
        .await
        .unwrap();
    assert_eq!(tokens.lifetime(), Duration::from_secs(24 * 3600));

    let elsewhere = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_json("stolen")))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let server = MockServer::start().await;
    Mock::given(path(TOKEN))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("{}/token", elsewhere.uri())),
        )
        .mount(&server)
        .await;
    let err = app(&server).access_token().await.unwrap_err();
    assert!(matches!(err, AuthError::OAuthBadResponse { .. }), "{err:?}");
}

// ---- client assertion ----

#[tokio::test]
async fn client_assertion_is_a_signed_jwt() {
    use rsa::pkcs8::EncodePrivateKey as _;
    use rsa::signature::Verifier as _;
    use rsa::Generate as _;

    let key = rsa::pkcs1v15::SigningKey::<sha2::Sha256>::generate();
    let pem = key.to_pkcs8_pem(rsa::pkcs8::LineEnding::LF).unwrap();
    let verifying = rsa::pkcs1v15::VerifyingKey::<sha2::Sha256>::new(key.as_ref().to_public_key());
    let der = [0x30, 0x03, 0x02, 0x01, 0x01];
    let cert = ClientCertificate::from_pem(&der, &SecretString::from(pem.as_str())).unwrap();
    assert_eq!(cert.x5t(), "kNgLAhRxXCEX8dsxDMVvHofcR3U");
    assert_eq!(
        cert.x5t_s256(),
        "G2X2ilIshYcV9d2VHNBALcFmkXeIFL8HWYIreiV0IdA"
    );
    assert!(!format!("{cert:?}").contains("PRIVATE"));

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(token_json("at")))
        .expect(1)
        .mount(&server)
        .await;
    let strategy = OAuth2::app_only(client(&server).with_certificate(cert));
    strategy.access_token().await.unwrap();

    let requests: Vec<Request> = server.received_requests().await.unwrap();
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&requests[0].body)
        .into_owned()
        .collect();
    let field = |k: &str| form.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone());
    assert_eq!(field("grant_type").as_deref(), Some("client_credentials"));
    assert_eq!(field("client_id").as_deref(), Some("app-id"));
    assert_eq!(
        field("scope").as_deref(),
        Some("https://outlook.office365.com/.default")
    );
    assert_eq!(field("client_secret"), None);
    assert_eq!(
        field("client_assertion_type").as_deref(),
        Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    );
    let assertion = field("client_assertion").unwrap();
    let parts: Vec<&str> = assertion.split('.').collect();
    assert_eq!(parts.len(), 3);
    let signature =
        rsa::pkcs1v15::Signature::try_from(URL_SAFE_NO_PAD.decode(parts[2]).unwrap().as_slice())
            .unwrap();
    let signed = format!("{}.{}", parts[0], parts[1]);
    verifying
        .verify(signed.as_bytes(), &signature)
        .expect("RS256 signature verifies");
    let mut tampered = signed.clone().into_bytes();
    tampered[signed.len() - 1] ^= 1;
    assert!(verifying.verify(&tampered, &signature).is_err());

    let header: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[0]).unwrap()).unwrap();
    assert_eq!(header["alg"], "RS256");
    assert_eq!(header["x5t"], "kNgLAhRxXCEX8dsxDMVvHofcR3U");
    assert_eq!(
        header["x5t#S256"],
        "G2X2ilIshYcV9d2VHNBALcFmkXeIFL8HWYIreiV0IdA"
    );
    let claims: serde_json::Value =
        serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).unwrap()).unwrap();
    assert_eq!(claims["aud"], format!("{}{TOKEN}", server.uri()));
    assert_eq!(claims["iss"], "app-id");
    assert_eq!(claims["sub"], "app-id");
    assert_eq!(claims["jti"].as_str().unwrap().len(), 36);
    let (nbf, iat, exp) = (
        claims["nbf"].as_u64().unwrap(),
        claims["iat"].as_u64().unwrap(),
        claims["exp"].as_u64().unwrap(),
    );
    assert!(nbf <= iat && iat < exp && exp - nbf <= 600);
}

// ---- the 401 sequence ----

async fn sequence_server(tokens: &[String]) -> MockServer {
    let server = MockServer::start().await;
    let n = tokens.len();
    for (i, t) in tokens.iter().enumerate() {
        let mock = Mock::given(path(TOKEN))
            .respond_with(ResponseTemplate::new(200).set_body_json(token_json(t)))
            .with_priority(u8::try_from(i + 1).unwrap());
        if i + 1 < n {
            mock.up_to_n_times(1).mount(&server).await;
        } else {
            mock.mount(&server).await;
        }
    }
    server
}

#[tokio::test]
async fn refused_token_is_refreshed_once_then_explained() {
    let server = sequence_server(&["tok-1".into(), "tok-2".into(), "tok-3".into()]).await;
    let strategy = app(&server);
    let mut h = strategy.begin(&target()).await.unwrap();
    assert_eq!(
        h.initial().await.unwrap().unwrap().to_str().unwrap(),
        "Bearer tok-1"
    );
    let refused = Challenge::parse(
        r#"Bearer client_id="00000002-0000-0ff1-ce00-000000000000", error="invalid_token", error_description="The token has expired""#,
    )
    .unwrap();
    let retry = h.challenge(std::slice::from_ref(&refused)).await.unwrap();
    assert_eq!(retry.to_str().unwrap(), "Bearer tok-2");
    assert!(retry.is_sensitive());
    let err = h
        .challenge(std::slice::from_ref(&refused))
        .await
        .unwrap_err();
    match &err {
        AuthError::OAuthTokenRefused { error, description } => {
            assert_eq!(error, "invalid_token");
            assert_eq!(description, "The token has expired");
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.to_string().contains("tok-2"));
    let with_secret = client(&server).with_secret(SecretString::from(SECRET));
    assert!(!format!("{with_secret:?}").contains(SECRET));
    assert!(!format!("{strategy:?}").contains(SECRET));
    assert_eq!(strategy.token_requests(), 2, "one refresh, no loop");
    // The next request uses the refreshed token without fetching again.
    let mut h = strategy.begin(&target()).await.unwrap();
    assert_eq!(
        h.initial().await.unwrap().unwrap().to_str().unwrap(),
        "Bearer tok-2"
    );
    assert_eq!(strategy.token_requests(), 2);
    // A server that does not offer Bearer at all is named.
    let err = h
        .challenge(&[Challenge::parse("NTLM").unwrap()])
        .await
        .unwrap_err();
    assert!(matches!(err, AuthError::SchemeNotOffered { .. }), "{err:?}");
}

#[tokio::test]
async fn graph_token_and_missing_permission_are_diagnosed() {
    let graph =
        jwt(serde_json::json!({"aud": "https://graph.microsoft.com", "roles": ["Mail.Read"]}));
    let server = sequence_server(&[graph]).await;
    let strategy = app(&server);
    let mut h = strategy.begin(&target()).await.unwrap();
    h.initial().await.unwrap();
    let bearer = [Challenge::parse(r#"Bearer error="invalid_token""#).unwrap()];
    h.challenge(&bearer).await.unwrap();
    let err = h.challenge(&bearer).await.unwrap_err();
    assert!(
        matches!(err, AuthError::OAuthWrongAudience { ref audience } if audience == "https://graph.microsoft.com"),
        "{err:?}"
    );

    let no_role =
        jwt(serde_json::json!({"aud": "https://outlook.office365.com", "roles": ["Mail.Read"]}));
    let server = sequence_server(&[no_role]).await;
    let strategy = app(&server);
    let mut h = strategy.begin(&target()).await.unwrap();
    h.initial().await.unwrap();
    h.challenge(&bearer).await.unwrap();
    let err = h.challenge(&bearer).await.unwrap_err();
    assert!(
        matches!(err, AuthError::OAuthMissingEwsPermission { needed: "full_access_as_app", ref granted } if granted == "Mail.Read"),
        "{err:?}"
    );

    // A delegated Graph-only scope set.
    let delegated = jwt(
        serde_json::json!({"aud": "https://outlook.office365.com", "scp": "Mail.Read User.Read"}),
    );
    let server = MockServer::start().await;
    Mock::given(path(TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": delegated, "refresh_token": "rt-new", "token_type": "Bearer", "expires_in": 3600
        })))
        .mount(&server)
        .await;
    let strategy =
        OAuth2::delegated_from_refresh_token(client(&server), SecretString::from("rt-old"), None);
    let mut h = strategy.begin(&target()).await.unwrap();
    h.initial().await.unwrap();
    h.challenge(&bearer).await.unwrap();
    let err = h.challenge(&bearer).await.unwrap_err();
    assert!(
        matches!(
            err,
            AuthError::OAuthMissingEwsPermission {
                needed: "EWS.AccessAsUser.All",
                ..
            }
        ),
        "{err:?}"
    );
}

#[tokio::test]
async fn rotated_refresh_token_is_used_and_reported() {
    let server = MockServer::start().await;
    for (old, new, access) in [("rt-1", "rt-2", "at-1"), ("rt-2", "rt-3", "at-2")] {
        Mock::given(path(TOKEN))
            .and(body_string_contains("grant_type=refresh_token"))
            .and(body_string_contains(format!("refresh_token={old}&")))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "access_token": access, "refresh_token": new, "token_type": "Bearer", "expires_in": 3600
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let hook = {
        let seen = Arc::clone(&seen);
        move |t: &SecretString| seen.lock().unwrap().push(t.expose_secret().to_owned())
    };
    let strategy = OAuth2::delegated_from_refresh_token(
        client(&server),
        SecretString::from("rt-1"),
        Some(Arc::new(hook)),
    );
    let mut h = strategy.begin(&target()).await.unwrap();
    assert_eq!(
        h.initial().await.unwrap().unwrap().to_str().unwrap(),
        "Bearer at-1"
    );
    let retry = h
        .challenge(&[Challenge::parse("Bearer").unwrap()])
        .await
        .unwrap();
    assert_eq!(retry.to_str().unwrap(), "Bearer at-2");
    assert_eq!(*seen.lock().unwrap(), ["rt-2", "rt-3"]);
    assert!(!format!("{strategy:?}").contains("rt-3"));
}

#[tokio::test]
async fn concurrent_requests_share_one_fetch_and_margin_expires_tokens() {
    let server = MockServer::start().await;
    Mock::given(path(TOKEN))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(token_json("shared"))
                .set_delay(Duration::from_millis(200)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let strategy = app(&server);
    let tasks: Vec<_> = (0..16)
        .map(|_| {
            let s = strategy.clone();
            tokio::spawn(async move { s.access_token().await.unwrap().expose_secret().to_owned() })
        })
        .collect();
    for t in tasks {
        assert_eq!(t.await.unwrap(), "shared");
    }
    assert_eq!(strategy.token_requests(), 1);
    server.verify().await;

    // A token whose lifetime is within the margin is fetched again each time it is asked for.
    let server = MockServer::start().await;
    Mock::given(path(TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "short", "token_type": "Bearer", "expires_in": 0
        })))
        .mount(&server)
        .await;
    let strategy = app(&server).with_expiry_margin(Duration::from_secs(60));
    strategy.access_token().await.unwrap();
    strategy.access_token().await.unwrap();
    assert_eq!(strategy.token_requests(), 2);
}

#[tokio::test]
async fn failed_renewal_inside_the_margin_keeps_the_current_token() {
    let server = MockServer::start().await;
    Mock::given(path(TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "access_token": "first", "token_type": "Bearer", "expires_in": 2
        })))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(path(TOKEN))
        .respond_with(oauth_error("temporarily_unavailable", "down"))
        .with_priority(2)
        .mount(&server)
        .await;
    let strategy = app(&server);
    assert_eq!(
        strategy.access_token().await.unwrap().expose_secret(),
        "first"
    );
    // Inside the margin (half of the two-second lifetime) but not expired: kept.
    tokio::time::sleep(Duration::from_millis(1200)).await;
    assert_eq!(
        strategy.access_token().await.unwrap().expose_secret(),
        "first"
    );
    assert_eq!(strategy.token_requests(), 2);
    // Expired: the failure is reported.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    let err = strategy.access_token().await.unwrap_err();
    assert!(
        matches!(err, AuthError::OAuthTokenEndpoint { .. }),
        "{err:?}"
    );
    // A refused token is never reused, even when renewing fails.
    let server = sequence_server(&["only".into()]).await;
    let strategy = app(&server);
    let mut h = strategy.begin(&target()).await.unwrap();
    h.initial().await.unwrap();
    server.reset().await;
    Mock::given(path(TOKEN))
        .respond_with(oauth_error("temporarily_unavailable", "down"))
        .mount(&server)
        .await;
    let err = h
        .challenge(&[Challenge::parse("Bearer").unwrap()])
        .await
        .unwrap_err();
    assert!(
        matches!(err, AuthError::OAuthTokenEndpoint { .. }),
        "{err:?}"
    );
}
