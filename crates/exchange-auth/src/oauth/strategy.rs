//! The `Bearer` strategy: a cached access token, fetched once for all concurrent requests,
//! refreshed once when Exchange refuses it.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use async_trait::async_trait;
use http::HeaderValue;
use secrecy::{ExposeSecret as _, SecretString};
use tokio::sync::Mutex;

use super::token::{diagnose, Acting};
use super::{OAuthClient, TokenSet};
use crate::secret;
use crate::{AuthError, AuthStrategy, Challenge, Handshake, Target};

/// Told about every new refresh token, so the application can store it (the old one may stop
/// working as soon as the new one is issued).
pub trait RefreshTokenHook: Send + Sync {
    /// `token` replaced the previous refresh token.
    fn refresh_token_rotated(&self, token: &SecretString);
}

impl<F: Fn(&SecretString) + Send + Sync> RefreshTokenHook for F {
    fn refresh_token_rotated(&self, token: &SecretString) {
        self(token);
    }
}

/// The default expiry margin: a token with less than this left is replaced before use.
pub const DEFAULT_EXPIRY_MARGIN: Duration = Duration::from_secs(5 * 60);

enum Grant {
    AppOnly,
    Delegated {
        hook: Option<Arc<dyn RefreshTokenHook>>,
    },
}

struct State {
    access: Option<TokenSet>,
    refresh: Option<SecretString>,
}

struct Inner {
    client: OAuthClient,
    grant: Grant,
    scopes: Vec<String>,
    margin: Duration,
    state: Mutex<State>,
    fetches: AtomicU64,
}

/// OAuth2 bearer authentication for Exchange Online: app-only (client credentials) or
/// delegated (a refresh token from an authorization code or device code sign-in).
///
/// Cloning shares the token cache.
#[derive(Clone)]
pub struct OAuth2 {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for OAuth2 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OAuth2")
            .field("client_id", &self.inner.client.client_id())
            .field("app_only", &matches!(self.inner.grant, Grant::AppOnly))
            .field("scopes", &self.inner.scopes)
            .finish_non_exhaustive()
    }
}

impl OAuth2 {
    /// App-only access through the client credentials grant, with the `.default` scope of the
    /// client's cloud. EWS requests must then impersonate a mailbox.
    pub fn app_only(client: OAuthClient) -> Self {
        let scopes = client.cloud().app_only_scopes();
        Self::build(client, Grant::AppOnly, scopes, None, None)
    }

    /// Delegated access from the tokens of a user's sign-in (which must include a refresh
    /// token). `hook` hears of every new refresh token.
    pub fn delegated(
        client: OAuthClient,
        mut tokens: TokenSet,
        hook: Option<Arc<dyn RefreshTokenHook>>,
    ) -> Result<Self, AuthError> {
        let refresh = tokens
            .take_refresh()
            .ok_or_else(|| AuthError::OAuthInvalidConfig {
                reason: "the sign-in returned no refresh token; ask for the offline_access scope"
                    .to_owned(),
            })?;
        let scopes = client.cloud().delegated_scopes();
        Ok(Self::build(
            client,
            Grant::Delegated { hook },
            scopes,
            Some(tokens),
            Some(refresh),
        ))
    }

    /// Delegated access from a stored refresh token.
    pub fn delegated_from_refresh_token(
        client: OAuthClient,
        refresh_token: SecretString,
        hook: Option<Arc<dyn RefreshTokenHook>>,
    ) -> Self {
        let scopes = client.cloud().delegated_scopes();
        Self::build(
            client,
            Grant::Delegated { hook },
            scopes,
            None,
            Some(refresh_token),
        )
    }

    fn build(
        client: OAuthClient,
        grant: Grant,
        scopes: Vec<String>,
        access: Option<TokenSet>,
        refresh: Option<SecretString>,
    ) -> Self {
        Self {
            inner: Arc::new(Inner {
                client,
                grant,
                scopes,
                margin: DEFAULT_EXPIRY_MARGIN,
                state: Mutex::new(State { access, refresh }),
                fetches: AtomicU64::new(0),
            }),
        }
    }

    /// Replaces the expiry margin (default [`DEFAULT_EXPIRY_MARGIN`]). Call before sharing the
    /// strategy.
    ///
    /// # Panics
    ///
    /// When the strategy was already cloned.
    pub fn with_expiry_margin(mut self, margin: Duration) -> Self {
        Arc::get_mut(&mut self.inner)
            .expect("the expiry margin is set before the strategy is cloned")
            .margin = margin;
        self
    }

    /// Replaces the scopes asked for on every token request.
    ///
    /// # Panics
    ///
    /// When the strategy was already cloned.
    pub fn with_scopes(mut self, scopes: Vec<String>) -> Self {
        Arc::get_mut(&mut self.inner)
            .expect("the scopes are set before the strategy is cloned")
            .scopes = scopes;
        self
    }

    /// How many token requests this strategy has sent (for monitoring).
    pub fn token_requests(&self) -> u64 {
        self.inner.fetches.load(Ordering::Relaxed)
    }

    /// The current access token, fetched when there is none or it expires within the margin.
    /// Concurrent callers wait for one request.
    pub async fn access_token(&self) -> Result<SecretString, AuthError> {
        self.inner.token(None).await
    }
}

impl Inner {
    fn acting(&self) -> Acting {
        match self.grant {
            Grant::AppOnly => Acting::App,
            Grant::Delegated { .. } => Acting::User,
        }
    }

    /// The cached token, or a new one. With `stale`, a cached token equal to it is not used
    /// (Exchange refused it); one that another request already replaced is.
    async fn token(&self, stale: Option<&SecretString>) -> Result<SecretString, AuthError> {
        let mut state = self.state.lock().await;
        let mut still_valid = None;
        if let Some(cached) = state.access.take() {
            let refused =
                stale.is_some_and(|s| s.expose_secret() == cached.access_token().expose_secret());
            if !refused && cached.is_fresh(self.margin) {
                let token = cached.access_token().clone();
                state.access = Some(cached);
                return Ok(token);
            }
            if !refused && !cached.is_expired() {
                still_valid = Some(cached);
            }
        }
        self.fetches.fetch_add(1, Ordering::Relaxed);
        let mut tokens = match (self.fetch(&mut state).await, still_valid) {
            (Ok(tokens), _) => tokens,
            // Renewing inside the margin failed, but the current token has not expired yet:
            // it carries on, and the next request tries again.
            (Err(error), Some(current)) => {
                tracing::warn!(%error, "renewing the access token failed; the current one is used until it expires");
                let token = current.access_token().clone();
                state.access = Some(current);
                return Ok(token);
            }
            (Err(error), None) => return Err(error),
        };
        let _ = tokens.take_refresh();
        let access = tokens.access_token().clone();
        state.access = Some(tokens);
        Ok(access)
    }

    /// One token request; a rotated refresh token replaces the stored one and is reported.
    async fn fetch(&self, state: &mut State) -> Result<TokenSet, AuthError> {
        match &self.grant {
            Grant::AppOnly => self.client.client_credentials(&self.scopes).await,
            Grant::Delegated { hook } => {
                let refresh = state
                    .refresh
                    .as_ref()
                    .ok_or(AuthError::OAuthInvalidConfig {
                        reason: "no refresh token".to_owned(),
                    })?;
                let mut tokens = self.client.refresh(refresh, &self.scopes).await?;
                if let Some(new) = tokens.take_refresh() {
                    state.refresh = Some(new.clone());
                    if let Some(hook) = hook {
                        hook.refresh_token_rotated(&new);
                    }
                }
                Ok(tokens)
            }
        }
    }
}

#[async_trait]
impl AuthStrategy for OAuth2 {
    fn scheme(&self) -> &'static str {
        "Bearer"
    }

    fn requires_impersonation(&self) -> bool {
        matches!(self.inner.grant, Grant::AppOnly)
    }

    async fn begin(&self, _target: &Target) -> Result<Box<dyn Handshake>, AuthError> {
        Ok(Box::new(BearerHandshake {
            inner: Arc::clone(&self.inner),
            sent: None,
            retried: false,
        }))
    }
}

struct BearerHandshake {
    inner: Arc<Inner>,
    sent: Option<SecretString>,
    retried: bool,
}

impl BearerHandshake {
    fn header(&mut self, token: SecretString) -> Result<HeaderValue, AuthError> {
        let value = secret::header("Bearer", token.expose_secret()).map_err(|_| {
            AuthError::OAuthBadResponse {
                reason: "the access token cannot be sent in a header".to_owned(),
            }
        })?;
        self.sent = Some(token);
        Ok(value)
    }
}

#[async_trait]
impl Handshake for BearerHandshake {
    async fn initial(&mut self) -> Result<Option<HeaderValue>, AuthError> {
        let token = self.inner.token(None).await?;
        self.header(token).map(Some)
    }

    async fn challenge(&mut self, challenges: &[Challenge]) -> Result<HeaderValue, AuthError> {
        // A 401 without any challenge still earns the one retry with a fresh token.
        let bearer = if challenges.is_empty() {
            None
        } else {
            Some(Challenge::find(challenges, "Bearer")?)
        };
        if !self.retried {
            self.retried = true;
            let token = self.inner.token(self.sent.as_ref()).await?;
            return self.header(token);
        }
        // Refused twice: explain from the token's own claims when they show the mistake,
        // otherwise from Exchange's answer.
        if let Some(sent) = &self.sent {
            diagnose(sent, self.inner.acting())?;
        }
        let params = bearer
            .and_then(Challenge::data)
            .map(auth_params)
            .unwrap_or_default();
        let get = |name: &str| {
            params
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case(name))
                .map(|(_, v)| super::http::clean(v))
        };
        Err(AuthError::OAuthTokenRefused {
            error: get("error").unwrap_or_else(|| "none".to_owned()),
            description: get("error_description").unwrap_or_else(|| {
                "a fresh token was refused too; check that the application has EWS permission and the mailbox exists".to_owned()
            }),
        })
    }
}

/// The `name=value` and `name="quoted value"` parameters of a challenge.
fn auth_params(data: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = data.trim();
    while !rest.is_empty() && out.len() < 32 {
        let Some(eq) = rest.find('=') else { break };
        let name = rest[..eq].trim().trim_start_matches(',').trim().to_owned();
        rest = rest[eq + 1..].trim_start();
        let value;
        if let Some(quoted) = rest.strip_prefix('"') {
            let mut v = String::new();
            let mut chars = quoted.char_indices();
            let mut end = quoted.len();
            while let Some((i, c)) = chars.next() {
                match c {
                    '\\' => {
                        if let Some((_, n)) = chars.next() {
                            v.push(n);
                        }
                    }
                    '"' => {
                        end = i + 1;
                        break;
                    }
                    c => v.push(c),
                }
            }
            value = v;
            rest = quoted.get(end..).unwrap_or("");
        } else {
            let end = rest.find(',').unwrap_or(rest.len());
            value = rest[..end].trim().to_owned();
            rest = &rest[end..];
        }
        rest = rest.trim_start().trim_start_matches(',').trim_start();
        if !name.is_empty() {
            out.push((name, value));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::auth_params;

    #[test]
    fn challenge_parameters() {
        let p = auth_params(
            r#"realm="", error="invalid_token", error_description="The token \"x\" expired", authorization_uri="https://login.example/a""#,
        );
        assert_eq!(p[1], ("error".to_owned(), "invalid_token".to_owned()));
        assert_eq!(p[2].1, r#"The token "x" expired"#);
        assert_eq!(p.len(), 4);
        let p = auth_params("error=insufficient_scope,scope=a");
        assert_eq!(
            p,
            [
                ("error".into(), "insufficient_scope".into()),
                ("scope".into(), "a".into())
            ]
        );
        for junk in ["", "=", "\"", "a=\"unterminated", "===,,,", "a=\\"] {
            let _ = auth_params(junk);
        }
        assert_eq!(auth_params("a=\"unterminated")[0].1, "unterminated");
        assert_eq!(auth_params(&"a=b,".repeat(1000)).len(), 32);
    }
}
