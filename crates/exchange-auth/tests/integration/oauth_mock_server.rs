//! OAuth2 against a real authorization server: npm `oauth2-mock-server` on loopback.

use std::sync::{Arc, Mutex};

use exchange_auth::oauth::{
    AuthorizationCodeFlow, Endpoints, OAuth2, OAuthClient, PendingAuthorization,
};
use exchange_auth::{AuthError, AuthStrategy, Challenge, Target};
use exchange_test_support::oauth::OAuthMockServer;
use secrecy::{ExposeSecret as _, SecretString};

fn client(server: &OAuthMockServer) -> OAuthClient {
    let endpoints =
        Endpoints::explicit(&server.authorize_url(), &server.token_url(), None).unwrap();
    OAuthClient::new("ews-connector", endpoints).unwrap()
}

fn target() -> Target {
    Target::new("https://outlook.office365.com/EWS/Exchange.asmx").unwrap()
}

fn claims(token: &SecretString) -> serde_json::Value {
    use base64::Engine as _;
    let payload = token.expose_secret().split('.').nth(1).expect("a JWT");
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .unwrap();
    serde_json::from_slice(&bytes).unwrap()
}

/// Signs in at the mock's authorization endpoint (it redirects at once) and returns the `code`
/// and `state` of the redirect.
async fn authorize(url: &url::Url) -> (String, String) {
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let answer = http.get(url.clone()).send().await.unwrap();
    assert_eq!(answer.status(), 302, "the mock redirects with a code");
    let location = answer.headers()["location"].to_str().unwrap();
    let location = url::Url::parse(location).unwrap();
    assert!(location.as_str().starts_with("http://127.0.0.1:9/callback"));
    let get = |k: &str| {
        location
            .query_pairs()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.into_owned())
            .unwrap()
    };
    (get("code"), get("state"))
}

fn flow(server: &OAuthMockServer) -> AuthorizationCodeFlow {
    AuthorizationCodeFlow::new(client(server), "http://127.0.0.1:9/callback").unwrap()
}

#[tokio::test]
async fn client_credentials_for_ews() {
    let Some(server) = OAuthMockServer::shared() else {
        return;
    };
    let strategy = OAuth2::app_only(client(&server).with_secret(SecretString::from("s3cret")));
    assert!(strategy.requires_impersonation());
    assert_eq!(strategy.scheme(), "Bearer");
    assert!(!strategy.is_connection_bound());
    let mut handshake = strategy.begin(&target()).await.unwrap();
    let header = handshake.initial().await.unwrap().unwrap();
    assert!(header.is_sensitive());
    let token = SecretString::from(
        header
            .to_str()
            .unwrap()
            .strip_prefix("Bearer ")
            .unwrap()
            .to_owned(),
    );
    let claims = claims(&token);
    assert_eq!(claims["scope"], "https://outlook.office365.com/.default");
    assert_eq!(claims["iss"], server.issuer());
    assert_eq!(strategy.token_requests(), 1);
}

#[tokio::test]
async fn app_only_needs_a_credential() {
    let Some(server) = OAuthMockServer::shared() else {
        return;
    };
    let strategy = OAuth2::app_only(client(&server));
    let err = strategy.access_token().await.unwrap_err();
    assert!(matches!(err, AuthError::OAuthInvalidConfig { .. }), "{err}");
}

#[tokio::test]
async fn token_cache_shares_one_fetch() {
    let Some(server) = OAuthMockServer::shared() else {
        return;
    };
    let strategy = OAuth2::app_only(client(&server).with_secret(SecretString::from("s3cret")));
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let strategy = strategy.clone();
        tasks.push(tokio::spawn(async move {
            let mut h = strategy.begin(&target()).await.unwrap();
            h.initial()
                .await
                .unwrap()
                .unwrap()
                .to_str()
                .unwrap()
                .to_owned()
        }));
    }
    let mut headers = Vec::new();
    for t in tasks {
        headers.push(t.await.unwrap());
    }
    assert!(headers.windows(2).all(|w| w[0] == w[1]));
    assert_eq!(
        strategy.token_requests(),
        1,
        "concurrent requests share one fetch"
    );
    let mut h = strategy.begin(&target()).await.unwrap();
    assert_eq!(
        h.initial().await.unwrap().unwrap().to_str().unwrap(),
        headers[0]
    );
    assert_eq!(
        strategy.token_requests(),
        1,
        "a second begin uses the cache"
    );
}

#[tokio::test]
async fn authorization_code_with_pkce_then_refresh_with_rotation() {
    let Some(server) = OAuthMockServer::shared() else {
        return;
    };
    let (url, pending) = flow(&server).start();
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    let has = |k: &str, v: &str| pairs.iter().any(|(a, b)| a == k && b == v);
    assert!(has("code_challenge_method", "S256"));
    assert!(has("response_type", "code"));
    assert!(has(
        "scope",
        "https://outlook.office365.com/EWS.AccessAsUser.All offline_access"
    ));
    let (code, state) = authorize(&url).await;
    assert_eq!(state, pending.state().expose_secret());
    let tokens = pending.finish(&code, &state).await.unwrap();
    let first_refresh = tokens.refresh_token().expect("a refresh token").clone();
    let debug = format!("{tokens:?}");
    assert!(!debug.contains(tokens.access_token().expose_secret()));
    assert!(!debug.contains(first_refresh.expose_secret()));

    let seen: Arc<Mutex<Vec<String>>> = Arc::default();
    let hook = {
        let seen = Arc::clone(&seen);
        move |t: &SecretString| seen.lock().unwrap().push(t.expose_secret().to_owned())
    };
    let strategy =
        OAuth2::delegated(client(&server), tokens.clone(), Some(Arc::new(hook))).unwrap();
    assert!(!strategy.requires_impersonation());
    let mut h = strategy.begin(&target()).await.unwrap();
    let first = h.initial().await.unwrap().unwrap();
    assert_eq!(
        strategy.token_requests(),
        0,
        "the sign-in's access token is used first"
    );
    assert_eq!(
        first.to_str().unwrap(),
        format!("Bearer {}", tokens.access_token().expose_secret())
    );
    // Exchange refuses it: one refresh, and the new refresh token is reported.
    let bearer = Challenge::parse(r#"Bearer error="invalid_token""#).unwrap();
    h.challenge(std::slice::from_ref(&bearer)).await.unwrap();
    assert_eq!(strategy.token_requests(), 1);
    let rotated = seen.lock().unwrap().clone();
    assert_eq!(rotated.len(), 1);
    assert_ne!(rotated[0], first_refresh.expose_secret());
    // A second refresh rotates again.
    let mut h = strategy.begin(&target()).await.unwrap();
    h.initial().await.unwrap();
    h.challenge(&[bearer]).await.unwrap();
    let rotated = seen.lock().unwrap().clone();
    assert_eq!(rotated.len(), 2);
    assert_ne!(rotated[0], rotated[1]);
}

#[tokio::test]
async fn wrong_verifier_fails_at_the_token_endpoint() {
    let Some(server) = OAuthMockServer::shared() else {
        return;
    };
    let (url_a, _pending_a) = flow(&server).start();
    let (_url_b, pending_b): (_, PendingAuthorization) = flow(&server).start();
    let (code_a, _) = authorize(&url_a).await;
    // B's state passes the local check, but B's verifier does not match A's challenge.
    let state_b = pending_b.state().expose_secret().to_owned();
    let err = pending_b.finish(&code_a, &state_b).await.unwrap_err();
    assert!(
        matches!(err, AuthError::OAuthTokenEndpoint { .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("code_verifier"), "{err}");
}

#[tokio::test]
async fn wrong_state_fails_in_finish() {
    let Some(server) = OAuthMockServer::shared() else {
        return;
    };
    let (url, pending) = flow(&server).start();
    let (code, state) = authorize(&url).await;
    let forged = format!("{state}x");
    let err = pending.finish(&code, &forged).await.unwrap_err();
    assert!(matches!(err, AuthError::OAuthStateMismatch), "{err:?}");
    let (_, pending) = flow(&server).start();
    assert!(matches!(
        pending.finish(&code, "").await,
        Err(AuthError::OAuthStateMismatch)
    ));
}
