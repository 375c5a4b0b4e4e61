//! One authenticated POST of an envelope, with the answer read up to a size limit.

use std::time::Duration;

use bytes::Bytes;
use exchange_auth::{AuthError, AuthStrategy, Challenge, Target};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, WWW_AUTHENTICATE};
use http::{HeaderValue, StatusCode};
use url::Url;

use super::failure::{connection_error, retry_after};
use super::identity::Identity;
use crate::EwsError;

/// The most requests one call makes while authenticating (NTLM needs three).
pub(super) const MAX_LEGS: usize = 4;
/// How much of a `401` body is read so that its connection can carry the next leg.
const DRAIN_LIMIT: usize = 64 * 1024;

/// What the server answered.
#[derive(Debug)]
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) retry_after: Option<Duration>,
    /// The `Location` header, which only redirects carry.
    pub(super) location: Option<String>,
    pub(super) body: Vec<u8>,
}

/// The HTTP side of a client: where to post, how to authenticate, how much to accept.
pub(super) struct Transport {
    pub(super) http: reqwest::Client,
    pub(super) url: Url,
    pub(super) auth: std::sync::Arc<dyn AuthStrategy>,
    pub(super) max_response_bytes: usize,
}

impl Transport {
    /// Posts `envelope`, answering `401` challenges through the strategy's handshake.
    ///
    /// A `401` after the last leg (or a handshake that gives up) is
    /// [`EwsError::AuthenticationFailed`].
    pub(super) async fn post(
        &self,
        envelope: Bytes,
        identity: &Identity,
    ) -> Result<Answer, EwsError> {
        let target = Target::new(self.url.as_str()).map_err(auth_failed)?;
        let mut handshake = self.auth.begin(&target).await.map_err(auth_failed)?;
        let mut authorization = handshake.initial().await.map_err(auth_failed)?;
        for leg in 1..=MAX_LEGS {
            let response = self
                .send(envelope.clone(), authorization.as_ref(), identity)
                .await?;
            identity.remember(response.headers());
            if response.status() != StatusCode::UNAUTHORIZED {
                let status = response.status();
                let retry_after = retry_after(response.headers());
                let location = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let body = self.read_body(response, self.max_response_bytes).await?;
                return Ok(Answer {
                    status,
                    retry_after,
                    location,
                    body,
                });
            }
            let challenges: Vec<Challenge> = response
                .headers()
                .get_all(WWW_AUTHENTICATE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .filter_map(Challenge::parse)
                .collect();
            // Connection-bound schemes (NTLM) continue on the same connection, which is only
            // reused once this answer has been read to its end.
            let _ = self.read_body(response, DRAIN_LIMIT).await;
            if leg == MAX_LEGS {
                break;
            }
            authorization = Some(
                handshake
                    .challenge(&challenges)
                    .await
                    .map_err(auth_failed)?,
            );
        }
        Err(auth_failed(AuthError::Rejected {
            scheme: self.auth.scheme(),
        }))
    }

    async fn send(
        &self,
        envelope: Bytes,
        authorization: Option<&HeaderValue>,
        identity: &Identity,
    ) -> Result<reqwest::Response, EwsError> {
        let mut request = self
            .http
            .post(self.url.clone())
            .header(CONTENT_TYPE, "text/xml; charset=utf-8")
            .header(ACCEPT, "text/xml")
            .body(envelope);
        if let Some(value) = authorization {
            // Sensitive values are masked in the `Debug` output of requests and headers.
            let mut value = value.clone();
            value.set_sensitive(true);
            request = request.header(AUTHORIZATION, value);
        }
        request = identity.headers(request);
        request
            .send()
            .await
            .map_err(|e| connection_error(&e, self.is_https()))
    }

    /// Reads the body chunk by chunk, failing as soon as it exceeds `limit` bytes.
    async fn read_body(
        &self,
        mut response: reqwest::Response,
        limit: usize,
    ) -> Result<Vec<u8>, EwsError> {
        let too_large = EwsError::ResponseTooLarge { limit };
        let announced = response.content_length();
        if announced.is_some_and(|n| n > limit as u64) {
            return Err(too_large);
        }
        const FIRST_ALLOCATION: usize = 1024 * 1024;
        let capacity = announced
            .map_or(0, |n| n as usize)
            .min(limit)
            .min(FIRST_ALLOCATION);
        let mut body = Vec::with_capacity(capacity);
        while let Some(chunk) = response
            .chunk()
            .await
            .map_err(|e| connection_error(&e, self.is_https()))?
        {
            if chunk.len() > limit - body.len() {
                return Err(too_large);
            }
            body.extend_from_slice(&chunk);
        }
        Ok(body)
    }

    fn is_https(&self) -> bool {
        self.url.scheme() == "https"
    }
}

/// The `reqwest` client of the crate: a timeout per request, no automatic redirects (a
/// redirected POST would lose its body or leak credentials to another host; callers decide
/// which redirects to follow), and HTTP/1.1 only for connection-bound schemes (NTLM and
/// Negotiate authenticate a connection, which HTTP/2 multiplexes; IIS refuses them over it).
pub(crate) fn http_client(
    timeout: Duration,
    auth: &dyn AuthStrategy,
) -> Result<reqwest::Client, EwsError> {
    let mut http = reqwest::Client::builder()
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .user_agent(concat!("exchange-ews/", env!("CARGO_PKG_VERSION")));
    if auth.is_connection_bound() {
        http = http.http1_only();
    }
    http.build().map_err(|e| EwsError::HttpClientSetup {
        detail: e.to_string(),
    })
}

/// What [`post_once`] got back: the status, the redirect target and the body.
#[derive(Debug)]
pub(crate) struct PlainAnswer {
    pub(crate) status: StatusCode,
    pub(crate) location: Option<String>,
    pub(crate) body: Vec<u8>,
}

/// One authenticated POST of `body` to `url` without a mailbox identity, for requests that
/// are not EWS operations (Autodiscover). Redirects are returned, not followed.
pub(crate) async fn post_once(
    http: &reqwest::Client,
    url: &Url,
    auth: &std::sync::Arc<dyn AuthStrategy>,
    max_response_bytes: usize,
    body: Bytes,
) -> Result<PlainAnswer, EwsError> {
    let transport = Transport {
        http: http.clone(),
        url: url.clone(),
        auth: std::sync::Arc::clone(auth),
        max_response_bytes,
    };
    let answer = transport.post(body, &Identity::new(None)?).await?;
    Ok(PlainAnswer {
        status: answer.status,
        location: answer.location,
        body: answer.body,
    })
}

fn auth_failed(source: AuthError) -> EwsError {
    EwsError::AuthenticationFailed { source }
}
