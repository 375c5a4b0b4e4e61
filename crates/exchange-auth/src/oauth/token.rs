//! Tokens as they come back from the token endpoint, and the local diagnosis of an access
//! token's claims.

use std::time::{Duration, Instant};

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use oauth2::TokenResponse as _;
use secrecy::{ExposeSecret as _, SecretString};

use crate::AuthError;

/// Lifetime assumed when the answer has no `expires_in`.
const DEFAULT_LIFETIME: Duration = Duration::from_secs(10 * 60);
/// Longest lifetime believed (Entra ID issues 60–90 minutes; a day covers every real server).
const MAX_LIFETIME: Duration = Duration::from_secs(24 * 60 * 60);

/// The tokens of one successful token request.
///
/// `Debug` shows the scopes and the lifetime only.
#[derive(Clone)]
pub struct TokenSet {
    access: SecretString,
    refresh: Option<SecretString>,
    scopes: Vec<String>,
    lifetime: Duration,
    received: Instant,
}

impl std::fmt::Debug for TokenSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenSet")
            .field("access_token", &"[redacted]")
            .field(
                "refresh_token",
                &self.refresh.as_ref().map(|_| "[redacted]"),
            )
            .field("scopes", &self.scopes)
            .field("lifetime", &self.lifetime)
            .finish()
    }
}

impl TokenSet {
    pub(crate) fn from_response(
        response: &oauth2::basic::BasicTokenResponse,
    ) -> Result<Self, AuthError> {
        let access = response.access_token().secret();
        if access.is_empty()
            || access.len() > 32 * 1024
            || !access.bytes().all(|b| b.is_ascii_graphic())
        {
            return Err(AuthError::OAuthBadResponse {
                reason:
                    "the access token is empty, too long or has characters a header cannot carry"
                        .to_owned(),
            });
        }
        let refresh = response.refresh_token().map(oauth2::RefreshToken::secret);
        if refresh.is_some_and(String::is_empty) {
            return Err(AuthError::OAuthBadResponse {
                reason: "the refresh token is empty".to_owned(),
            });
        }
        if !matches!(response.token_type(), oauth2::basic::BasicTokenType::Bearer) {
            return Err(AuthError::OAuthBadResponse {
                reason: "the token type is not Bearer".to_owned(),
            });
        }
        Ok(Self {
            access: SecretString::from(access.clone()),
            refresh: refresh.map(|r| SecretString::from(r.clone())),
            scopes: response
                .scopes()
                .map(|s| s.iter().map(|s| s.to_string()).collect())
                .unwrap_or_default(),
            lifetime: response
                .expires_in()
                .unwrap_or(DEFAULT_LIFETIME)
                .min(MAX_LIFETIME),
            received: Instant::now(),
        })
    }

    /// The access token.
    pub fn access_token(&self) -> &SecretString {
        &self.access
    }

    /// The refresh token, when one was issued (delegated sign-ins with `offline_access`).
    pub fn refresh_token(&self) -> Option<&SecretString> {
        self.refresh.as_ref()
    }

    /// The scopes the server granted, when it said.
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The lifetime the server gave the access token (`expires_in`), capped at a day; ten
    /// minutes when it gave none.
    pub fn lifetime(&self) -> Duration {
        self.lifetime
    }

    /// Whether the access token is still good for `margin` from now. The margin shrinks to half
    /// the lifetime for short-lived tokens, so that they are used at all.
    pub(crate) fn is_fresh(&self, margin: Duration) -> bool {
        let margin = margin.min(self.lifetime / 2);
        self.received.elapsed() + margin < self.lifetime
    }

    /// Whether the access token's lifetime is over (the margin aside).
    pub(crate) fn is_expired(&self) -> bool {
        self.received.elapsed() >= self.lifetime
    }

    pub(crate) fn take_refresh(&mut self) -> Option<SecretString> {
        self.refresh.take()
    }
}

/// Who the token acts for, which decides the permission EWS needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Acting {
    App,
    User,
}

/// Checks an access token's claims for the usual set-up mistakes: a Microsoft Graph token, or
/// one without the EWS permission. The token is decoded without verifying its signature, so
/// this only explains a refusal; it never decides that a token is good. Opaque tokens (not a
/// JWT) pass.
pub(crate) fn diagnose(access_token: &SecretString, acting: Acting) -> Result<(), AuthError> {
    let Some(claims) = payload(access_token.expose_secret()) else {
        return Ok(());
    };
    let audience = claims
        .get("aud")
        .and_then(|a| a.as_str())
        .unwrap_or_default();
    if audience.trim_end_matches('/') == "https://graph.microsoft.com"
        || audience.starts_with("https://graph.microsoft.")
        || audience == "00000003-0000-0000-c000-000000000000"
        || audience == "https://microsoftgraph.chinacloudapi.cn"
    {
        return Err(AuthError::OAuthWrongAudience {
            audience: crate::oauth::http::clean(audience),
        });
    }
    let (needed, granted): (&'static str, Vec<String>) = match acting {
        Acting::App => (
            "full_access_as_app",
            claims
                .get("roles")
                .and_then(|r| r.as_array())
                .map(|r| {
                    r.iter()
                        .filter_map(|v| v.as_str().map(str::to_owned))
                        .collect()
                })
                .unwrap_or_default(),
        ),
        Acting::User => (
            "EWS.AccessAsUser.All",
            claims
                .get("scp")
                .and_then(|s| s.as_str())
                .map(|s| s.split_whitespace().map(str::to_owned).collect())
                .unwrap_or_default(),
        ),
    };
    // `EWS.AccessAsApp` is the newer name of the app-only EWS permission.
    let has = granted
        .iter()
        .any(|g| g == needed || (acting == Acting::App && g == "EWS.AccessAsApp"));
    if has {
        return Ok(());
    }
    let granted = if granted.is_empty() {
        "none".to_owned()
    } else {
        crate::oauth::http::clean(&granted.join(" "))
    };
    Err(AuthError::OAuthMissingEwsPermission { needed, granted })
}

/// The JSON payload of a JWT, or `None` when the token is not a JWT whose payload is a JSON
/// object.
fn payload(token: &str) -> Option<serde_json::Map<String, serde_json::Value>> {
    const MAX_TOKEN: usize = 32 * 1024;
    if token.len() > MAX_TOKEN {
        return None;
    }
    let mut parts = token.split('.');
    let (_header, body, _signature) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let bytes = URL_SAFE_NO_PAD.decode(body.trim_end_matches('=')).ok()?;
    match serde_json::from_slice(&bytes).ok()? {
        serde_json::Value::Object(map) => Some(map),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: serde_json::Value) -> SecretString {
        SecretString::from(format!(
            "eyJhbGciOiJub25lIn0.{}.c2ln",
            URL_SAFE_NO_PAD.encode(claims.to_string())
        ))
    }

    #[test]
    fn graph_tokens_and_missing_permissions_are_named() {
        for aud in [
            "https://graph.microsoft.com",
            "00000003-0000-0000-c000-000000000000",
        ] {
            let t = jwt(serde_json::json!({"aud": aud, "roles": ["full_access_as_app"]}));
            assert!(matches!(
                diagnose(&t, Acting::App),
                Err(AuthError::OAuthWrongAudience { .. })
            ));
        }
        let ews = "https://outlook.office365.com";
        let t = jwt(serde_json::json!({"aud": ews, "roles": ["Mail.Read"]}));
        let e = diagnose(&t, Acting::App).unwrap_err();
        assert!(
            e.to_string().contains("full_access_as_app") && e.to_string().contains("Mail.Read"),
            "{e}"
        );
        let t = jwt(serde_json::json!({"aud": ews}));
        assert!(matches!(
            diagnose(&t, Acting::App),
            Err(AuthError::OAuthMissingEwsPermission { ref granted, .. }) if granted == "none"
        ));
        let t = jwt(serde_json::json!({"aud": ews, "scp": "Mail.Read User.Read"}));
        assert!(matches!(
            diagnose(&t, Acting::User),
            Err(AuthError::OAuthMissingEwsPermission {
                needed: "EWS.AccessAsUser.All",
                ..
            })
        ));
        let t = jwt(serde_json::json!({"aud": ews, "scp": "EWS.AccessAsUser.All User.Read"}));
        assert!(diagnose(&t, Acting::User).is_ok());
        let t = jwt(serde_json::json!({"aud": ews, "roles": ["full_access_as_app"]}));
        assert!(diagnose(&t, Acting::App).is_ok());
    }

    #[test]
    fn garbage_payloads_skip_the_checks() {
        for token in [
            "opaque-token",
            "a.b",
            "a.b.c.d",
            "a.!!!.c",
            "a..c",
            "a.bnVsbA.c",     // null
            "a.WzFd.c",       // [1]
            "a.eyJhdWQiOg.c", // truncated JSON
            "a.\u{0}\u{1}.c",
        ] {
            assert!(
                diagnose(&SecretString::from(token), Acting::App).is_ok(),
                "{token}"
            );
        }
        let huge = format!("a.{}.c", "A".repeat(100_000));
        assert!(diagnose(&SecretString::from(huge), Acting::User).is_ok());
        // Claims of the wrong type are treated as absent, not trusted.
        let t = jwt(serde_json::json!({"aud": 5, "roles": "full_access_as_app", "scp": 7}));
        assert!(matches!(
            diagnose(&t, Acting::App),
            Err(AuthError::OAuthMissingEwsPermission { .. })
        ));
    }
}
