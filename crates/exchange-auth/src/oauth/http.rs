//! The HTTP side of token requests: the workspace's reqwest, redirects off, the answer body
//! capped, and the token endpoint's error answers mapped to [`AuthError`] in one place.
//!
//! `oauth2`'s own reqwest adapter reads the whole body with no limit, so the requests go through
//! [`CappedHttp`], which implements `oauth2`'s `AsyncHttpClient` over the same client.

use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use oauth2::{
    ErrorResponseType, HttpRequest, HttpResponse, RequestTokenError, StandardErrorResponse,
};

use crate::AuthError;

/// The largest token endpoint answer read (Entra ID answers are a few KiB).
pub(crate) const MAX_BODY: usize = 64 * 1024;

/// Why a token request failed below the OAuth2 layer.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HttpFailure {
    #[error("{0}")]
    Transport(String),
    #[error("the answer is larger than {MAX_BODY} bytes")]
    TooLarge,
}

/// reqwest with redirects off and the answer body capped at [`MAX_BODY`].
#[derive(Debug, Clone)]
pub(crate) struct CappedHttp {
    client: reqwest::Client,
}

impl CappedHttp {
    pub(crate) fn new() -> Result<Self, AuthError> {
        let client = reqwest::Client::builder()
            // A token endpoint never redirects; following one could send the grant elsewhere.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .map_err(|e| AuthError::OAuthInvalidConfig {
                reason: format!("HTTP client: {e}"),
            })?;
        Ok(Self { client })
    }

    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, HttpFailure> {
        let request: reqwest::Request = request
            .try_into()
            .map_err(|e: reqwest::Error| HttpFailure::Transport(describe(&e)))?;
        let mut response = self
            .client
            .execute(request)
            .await
            .map_err(|e| HttpFailure::Transport(describe(&e)))?;
        if response
            .content_length()
            .is_some_and(|n| n > MAX_BODY as u64)
        {
            return Err(HttpFailure::TooLarge);
        }
        let mut builder = http::Response::builder().status(response.status());
        for (name, value) in response.headers() {
            builder = builder.header(name, value);
        }
        let mut body = Vec::new();
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| HttpFailure::Transport(describe(&e)))?
        {
            if body.len() + chunk.len() > MAX_BODY {
                return Err(HttpFailure::TooLarge);
            }
            body.extend_from_slice(&chunk);
        }
        builder
            .body(body)
            .map_err(|e| HttpFailure::Transport(e.to_string()))
    }
}

/// A reqwest error without the URL (the URL of a token request carries no secret, but the
/// message stays short and the same for every endpoint).
fn describe(e: &reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timed out"
    } else if e.is_connect() {
        "connection failed"
    } else if e.is_body() || e.is_decode() {
        "the answer broke off"
    } else if e.is_redirect() {
        "redirected"
    } else {
        "request failed"
    };
    let mut source = std::error::Error::source(e);
    let mut detail = String::new();
    while let Some(s) = source {
        detail = s.to_string();
        source = s.source();
    }
    if detail.is_empty() {
        kind.to_owned()
    } else {
        format!("{kind}: {detail}")
    }
}

impl<'c> oauth2::AsyncHttpClient<'c> for CappedHttp {
    type Error = HttpFailure;
    type Future = Pin<Box<dyn Future<Output = Result<HttpResponse, HttpFailure>> + Send + 'c>>;

    fn call(&'c self, request: HttpRequest) -> Self::Future {
        Box::pin(self.send(request))
    }
}

/// What an Entra ID error answer means for the person setting things up.
pub(crate) fn map_token_error<T>(
    error: RequestTokenError<HttpFailure, StandardErrorResponse<T>>,
) -> AuthError
where
    T: ErrorResponseType + AsRef<str> + std::fmt::Display + 'static,
{
    match error {
        RequestTokenError::ServerResponse(answer) => {
            let description = answer
                .error_description()
                .map(|d| clean(d))
                .unwrap_or_default();
            from_error_code(answer.error().as_ref(), description)
        }
        RequestTokenError::Request(HttpFailure::TooLarge) => AuthError::OAuthBadResponse {
            reason: format!("the answer is larger than {MAX_BODY} bytes"),
        },
        RequestTokenError::Request(HttpFailure::Transport(reason)) => {
            AuthError::OAuthUnreachable { reason }
        }
        RequestTokenError::Parse(error, body) => from_unparsable(&error.to_string(), &body),
        RequestTokenError::Other(reason) => AuthError::OAuthBadResponse { reason },
    }
}

/// Maps an OAuth2 `error` code and its description (where Entra ID puts `AADSTS<n>:`) to the
/// variant that names the likely mistake.
pub(crate) fn from_error_code(error: &str, description: String) -> AuthError {
    let aadsts = aadsts_code(&description);
    match aadsts {
        Some(code @ (70008 | 700082 | 50173 | 700084 | 50133 | 700081 | 50078 | 50076)) => {
            return AuthError::OAuthSignInAgain {
                aadsts: code,
                description,
            }
        }
        Some(code @ (65001 | 65004 | 90094 | 90099 | 90095 | 500011)) => {
            return AuthError::OAuthConsentRequired {
                aadsts: code,
                description,
            }
        }
        Some(7000215 | 7000222 | 700027 | 700016 | 7000218) => {
            return AuthError::OAuthInvalidClient {
                aadsts,
                description,
            }
        }
        _ => {}
    }
    match error {
        "invalid_grant" => AuthError::OAuthInvalidGrant {
            aadsts,
            description,
        },
        "invalid_client" => AuthError::OAuthInvalidClient {
            aadsts,
            description,
        },
        "unauthorized_client" => AuthError::OAuthUnauthorizedClient {
            aadsts,
            description,
        },
        "consent_required" | "interaction_required" => AuthError::OAuthConsentRequired {
            aadsts: aadsts.unwrap_or(0),
            description,
        },
        "expired_token" => AuthError::OAuthDeviceCodeExpired,
        "access_denied" | "authorization_declined" => AuthError::OAuthAccessDenied,
        other => AuthError::OAuthTokenEndpoint {
            error: clean(other),
            aadsts,
            description,
        },
    }
}

/// An answer that is neither a token nor an OAuth2 error: an RFC 9457 problem document (some
/// servers answer so) is reported through its title and detail, anything else as unusable.
fn from_unparsable(parse_error: &str, body: &[u8]) -> AuthError {
    #[derive(serde::Deserialize)]
    struct Problem {
        title: Option<String>,
        detail: Option<String>,
    }
    if let Ok(Problem {
        title: Some(title),
        detail,
    }) = serde_json::from_slice::<Problem>(body)
    {
        return AuthError::OAuthTokenEndpoint {
            error: clean(&title),
            aadsts: None,
            description: detail.map(|d| clean(&d)).unwrap_or_default(),
        };
    }
    let what = if body.is_empty() {
        "the answer is empty".to_owned()
    } else if serde_json::from_slice::<serde_json::Value>(body).is_err() {
        "the answer is not JSON (or is cut short)".to_owned()
    } else {
        // serde's message names the field and the expected type, and may quote the value it
        // got, which can be a token: quoted text is left out.
        format!(
            "the JSON does not fit: {}",
            clean(&without_quoted_text(parse_error))
        )
    };
    AuthError::OAuthBadResponse { reason: what }
}

/// `text` with every double-quoted part replaced by `"…"`.
fn without_quoted_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut quoted = false;
    for c in text.chars() {
        if c == '"' {
            if !quoted {
                out.push_str("\"…");
            }
            quoted = !quoted;
            if !quoted {
                out.push('"');
            }
        } else if !quoted {
            out.push(c);
        }
    }
    out
}

/// The `AADSTS<digits>` code at the start of (or inside) an Entra ID description.
pub(crate) fn aadsts_code(description: &str) -> Option<u32> {
    let at = description.find("AADSTS")?;
    let digits: String = description[at + 6..]
        .chars()
        .take_while(char::is_ascii_digit)
        .take(9)
        .collect();
    digits.parse().ok()
}

/// Server text made safe for an error message: control characters dropped, at most 400
/// characters.
pub(crate) fn clean(text: &str) -> String {
    const MAX: usize = 400;
    let mut out: String = text.chars().filter(|c| !c.is_control()).take(MAX).collect();
    if text.chars().filter(|c| !c.is_control()).nth(MAX).is_some() {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aadsts_codes_are_found_and_garbage_is_not() {
        assert_eq!(
            aadsts_code("AADSTS70008: The refresh token has expired"),
            Some(70008)
        );
        assert_eq!(
            aadsts_code("x AADSTS7000215: Invalid client secret"),
            Some(7000215)
        );
        assert_eq!(aadsts_code("AADSTS"), None);
        assert_eq!(aadsts_code("AADSTSxyz"), None);
        assert_eq!(aadsts_code("AADSTS99999999999999999999"), Some(999_999_999));
        assert_eq!(aadsts_code(""), None);
    }

    #[test]
    fn codes_name_the_mistake() {
        let d = |s: &str| s.to_owned();
        assert!(matches!(
            from_error_code(
                "invalid_grant",
                d("AADSTS50126: Error validating credentials")
            ),
            AuthError::OAuthInvalidGrant {
                aadsts: Some(50126),
                ..
            }
        ));
        for code in [70008, 700082, 50173, 700084] {
            assert!(matches!(
                from_error_code("invalid_grant", format!("AADSTS{code}: gone")),
                AuthError::OAuthSignInAgain { aadsts, .. } if aadsts == code
            ));
        }
        for code in [65001, 90094, 90099] {
            assert!(matches!(
                from_error_code("invalid_grant", format!("AADSTS{code}: consent")),
                AuthError::OAuthConsentRequired { aadsts, .. } if aadsts == code
            ));
        }
        let e = from_error_code("invalid_client", d("AADSTS7000215: Invalid client secret"));
        assert!(
            e.to_string().contains("client secret is wrong or expired"),
            "{e}"
        );
        let e = from_error_code("invalid_client", d("AADSTS700027: Client assertion"));
        assert!(e.to_string().contains("certificate"), "{e}");
        assert!(matches!(
            from_error_code("unauthorized_client", d("AADSTS700016: app not found")),
            AuthError::OAuthInvalidClient { .. }
        ));
        assert!(matches!(
            from_error_code("unauthorized_client", d("no code")),
            AuthError::OAuthUnauthorizedClient { aadsts: None, .. }
        ));
        assert!(matches!(
            from_error_code("temporarily_unavailable\u{7}", d("")),
            AuthError::OAuthTokenEndpoint { ref error, .. } if error == "temporarily_unavailable"
        ));
    }

    #[test]
    fn server_text_is_cleaned_and_capped() {
        assert_eq!(clean("a\r\nb\u{0}"), "ab");
        let long = clean(&"x".repeat(10_000));
        assert_eq!(long.chars().count(), 401);
        assert!(long.ends_with('…'));
    }

    #[test]
    fn unparsable_answers_are_typed() {
        for body in [&b""[..], b"<html>", b"{\"access_tok", b"\xff\xfe"] {
            assert!(
                matches!(
                    from_unparsable("x", body),
                    AuthError::OAuthBadResponse { .. }
                ),
                "{body:?}"
            );
        }
        // A value serde quotes in its message (here a token in the wrong field) stays out.
        let body = br#"{"access_token":"abc","token_type":"Bearer","expires_in":"eyJ.secret.sig"}"#;
        let serde_error = serde_json::from_slice::<Vec<u8>>(b"\"eyJ.secret.sig\"")
            .unwrap_err()
            .to_string();
        assert!(serde_error.contains("eyJ.secret.sig"), "{serde_error}");
        let e = from_unparsable(&serde_error, body);
        assert!(!e.to_string().contains("secret"), "{e}");
        assert!(e.to_string().contains("does not fit"), "{e}");
        let e = from_unparsable(
            "x",
            br#"{"title":"Bad Request","detail":"code_verifier provided does not match code_challenge"}"#,
        );
        assert!(e.to_string().contains("code_verifier"), "{e}");
    }
}
