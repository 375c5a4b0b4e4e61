//! Interactive sign-ins of a user: authorization code with PKCE, and device code (RFC 8628).

use std::future::Future;
use std::time::Duration;

use oauth2::{
    AuthUrl, AuthorizationCode, CsrfToken, DeviceAuthorizationUrl, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, StandardDeviceAuthorizationResponse,
};
use secrecy::{ExposeSecret as _, SecretString};
use url::Url;

use super::http::map_token_error;
use super::{OAuthClient, TokenSet};
use crate::{secret, AuthError};

/// Authorization code sign-in with PKCE (S256): [`start`](Self::start) gives the URL the user
/// opens; the redirect brings back `code` and `state`, which
/// [`PendingAuthorization::finish`] exchanges for tokens.
#[derive(Debug, Clone)]
pub struct AuthorizationCodeFlow {
    client: OAuthClient,
    redirect: Url,
    scopes: Vec<String>,
}

impl AuthorizationCodeFlow {
    /// A sign-in of `client` that redirects to `redirect_uri`, asking for the delegated EWS
    /// scopes of the client's cloud.
    pub fn new(client: OAuthClient, redirect_uri: &str) -> Result<Self, AuthError> {
        let redirect = Url::parse(redirect_uri).map_err(|_| AuthError::OAuthInvalidConfig {
            reason: "the redirect URI is not a URL".to_owned(),
        })?;
        let scopes = client.cloud().delegated_scopes();
        Ok(Self {
            client,
            redirect,
            scopes,
        })
    }

    /// Replaces the scopes asked for.
    pub fn with_scopes(mut self, scopes: Vec<String>) -> Self {
        self.scopes = scopes;
        self
    }

    /// The URL to open in the user's browser, and the state to finish the sign-in with.
    pub fn start(&self) -> (Url, PendingAuthorization) {
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let client = self
            .client
            .token_client()
            .set_auth_uri(AuthUrl::from_url(
                self.client.endpoints().authorize().clone(),
            ))
            .set_redirect_uri(RedirectUrl::from_url(self.redirect.clone()));
        let (url, state) = client
            .authorize_url(CsrfToken::new_random)
            .add_scopes(self.scopes.iter().map(|s| Scope::new(s.clone())))
            .set_pkce_challenge(challenge)
            .url();
        let pending = PendingAuthorization {
            flow: self.clone(),
            verifier: SecretString::from(verifier.secret().to_owned()),
            state: SecretString::from(state.secret().to_owned()),
        };
        (url, pending)
    }
}

/// A started authorization code sign-in, waiting for the redirect.
///
/// `Debug` redacts the PKCE verifier and the state.
pub struct PendingAuthorization {
    flow: AuthorizationCodeFlow,
    verifier: SecretString,
    state: SecretString,
}

impl std::fmt::Debug for PendingAuthorization {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PendingAuthorization")
            .field("redirect", &self.flow.redirect.as_str())
            .finish_non_exhaustive()
    }
}

impl PendingAuthorization {
    /// The `state` value sent with the authorization request (the redirect must bring it back).
    pub fn state(&self) -> &SecretString {
        &self.state
    }

    /// Exchanges the `code` of the redirect for tokens, after checking that the redirect's
    /// `state` is this sign-in's.
    pub async fn finish(self, code: &str, state: &str) -> Result<TokenSet, AuthError> {
        if !secret::constant_time_eq(state.as_bytes(), self.state.expose_secret().as_bytes()) {
            return Err(AuthError::OAuthStateMismatch);
        }
        if code.is_empty() || code.len() > 8 * 1024 {
            return Err(AuthError::OAuthInvalidConfig {
                reason: "the authorization code is empty or too long".to_owned(),
            });
        }
        let client = self.flow.client.token_client();
        let redirect = RedirectUrl::from_url(self.flow.redirect.clone());
        let mut request = client
            .exchange_code(AuthorizationCode::new(code.to_owned()))
            .set_redirect_uri(std::borrow::Cow::Owned(redirect))
            .set_pkce_verifier(PkceCodeVerifier::new(
                self.verifier.expose_secret().to_owned(),
            ));
        for (name, value) in self.flow.client.assertion_params()? {
            request = request.add_extra_param(name, value);
        }
        let response = request
            .request_async(self.flow.client.http())
            .await
            .map_err(map_token_error)?;
        TokenSet::from_response(&response)
    }
}

/// Device code sign-in (RFC 8628): the user opens a URL on another device and types a code.
#[derive(Debug)]
pub struct DeviceCodeFlow {
    client: OAuthClient,
    details: StandardDeviceAuthorizationResponse,
}

impl DeviceCodeFlow {
    /// Asks the device authorization endpoint for a user code, for the delegated EWS scopes of
    /// the client's cloud.
    pub async fn start(client: OAuthClient) -> Result<Self, AuthError> {
        let scopes = client.cloud().delegated_scopes();
        Self::start_with_scopes(client, &scopes).await
    }

    /// Like [`start`](Self::start), with other scopes.
    pub async fn start_with_scopes(
        client: OAuthClient,
        scopes: &[String],
    ) -> Result<Self, AuthError> {
        let url = client.endpoints().device_code().cloned().ok_or_else(|| {
            AuthError::OAuthInvalidConfig {
                reason: "the authorization server has no device code endpoint".to_owned(),
            }
        })?;
        let oauth = client
            .token_client()
            .set_device_authorization_url(DeviceAuthorizationUrl::from_url(url));
        let mut request = oauth
            .exchange_device_code()
            .add_scopes(scopes.iter().map(|s| Scope::new(s.clone())));
        for (name, value) in client.assertion_params()? {
            request = request.add_extra_param(name, value);
        }
        let details: StandardDeviceAuthorizationResponse = request
            .request_async(client.http())
            .await
            .map_err(map_token_error)?;
        // Bounds keep `oauth2`'s interval arithmetic (interval + 5 s on slow_down) from
        // overflowing, and a sign-in from waiting for ever.
        if details.interval() > Duration::from_secs(60 * 60)
            || details.expires_in() > Duration::from_secs(24 * 60 * 60)
        {
            return Err(AuthError::OAuthBadResponse {
                reason: "the polling interval or the code's lifetime is out of range".to_owned(),
            });
        }
        let user_code = details.user_code().secret();
        if user_code.is_empty() || user_code.len() > 64 {
            return Err(AuthError::OAuthBadResponse {
                reason: "the user code is empty or too long".to_owned(),
            });
        }
        Ok(Self { client, details })
    }

    /// The code the user types.
    pub fn user_code(&self) -> &str {
        self.details.user_code().secret()
    }

    /// Where the user types it.
    pub fn verification_uri(&self) -> &str {
        self.details.verification_uri().as_str()
    }

    /// The verification URI with the code filled in, when the server gives one.
    pub fn verification_uri_complete(&self) -> Option<&str> {
        self.details
            .verification_uri_complete()
            .map(|u| u.secret().as_str())
    }

    /// The polling interval the server asked for.
    pub fn interval(&self) -> Duration {
        self.details.interval()
    }

    /// How long the code is valid.
    pub fn expires_in(&self) -> Duration {
        self.details.expires_in()
    }

    /// Polls the token endpoint until the user has signed in, declined, or the code expired
    /// (or `timeout`, when given, passed first). Dropping the future cancels the polling.
    pub async fn poll(&self, timeout: Option<Duration>) -> Result<TokenSet, AuthError> {
        self.poll_with_sleep(timeout, tokio::time::sleep).await
    }

    /// Like [`poll`](Self::poll), giving up with [`AuthError::OAuthGaveUp`] when `cancel`
    /// completes first.
    pub async fn poll_until<C: Future<Output = ()>>(
        &self,
        timeout: Option<Duration>,
        cancel: C,
    ) -> Result<TokenSet, AuthError> {
        tokio::select! {
            result = self.poll(timeout) => result,
            () = cancel => Err(AuthError::OAuthGaveUp("cancelled")),
        }
    }

    /// Like [`poll`](Self::poll), waiting between polls with `sleep` (an application with its
    /// own timer, or one that reports the waits). `authorization_pending` keeps the interval,
    /// `slow_down` adds five seconds to it.
    pub async fn poll_with_sleep<S, F>(
        &self,
        timeout: Option<Duration>,
        sleep: S,
    ) -> Result<TokenSet, AuthError>
    where
        S: Fn(Duration) -> F,
        F: Future<Output = ()>,
    {
        let client = self.client.token_client();
        let mut request = client.exchange_device_access_token(&self.details);
        for (name, value) in self.client.assertion_params()? {
            request = request.add_extra_param(name, value);
        }
        let limit = timeout.map(|t| t.min(self.details.expires_in()));
        let response = request
            .request_async(self.client.http(), sleep, limit)
            .await
            .map_err(|e| match e {
                // `oauth2` reports its own deadline as `expired_token` with this text.
                oauth2::RequestTokenError::ServerResponse(ref r)
                    if limit.is_some()
                        && matches!(
                            r.error(),
                            oauth2::DeviceCodeErrorResponseType::ExpiredToken
                        )
                        && r.error_description().map(String::as_str)
                            == Some("This device code has expired.") =>
                {
                    if limit < Some(self.details.expires_in()) {
                        AuthError::OAuthGaveUp("timed out")
                    } else {
                        AuthError::OAuthDeviceCodeExpired
                    }
                }
                other => map_token_error(other),
            })?;
        TokenSet::from_response(&response)
    }
}
