//! One authenticated POST to an endpoint, with the answer read up to a size limit.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use exchange_auth::{AuthError, AuthStrategy, Challenge, ChannelBindings, Handshake, Target};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, WWW_AUTHENTICATE};
use http::{HeaderMap, HeaderValue, StatusCode};
use hyper_util::client::legacy::connect::HttpInfo;
use url::Url;

use super::affinity::AffinityCookie;
use super::connections::Connections;
use super::failure::{connection_error, retry_after};
use crate::EwsError;

/// The most requests one call makes while authenticating: NTLM over a new connection needs
/// three (the first without credentials, then its two messages).
const MAX_LEGS: usize = 4;
/// How often a handshake starts again when a leg went out over another connection than the
/// one before it (the pool had not got the connection back yet, or the server closed it).
const MAX_RESTARTS: usize = 2;
/// How much of a `401` body is read so that its connection can carry the next leg.
const DRAIN_LIMIT: usize = 64 * 1024;

/// What the server answered.
#[derive(Debug)]
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) retry_after: Option<Duration>,
    /// The `Location` header, which only redirects carry.
    pub(crate) location: Option<String>,
    /// The `X-EWS-Policy-Reason` header (Exchange Online's refusal of EWS to an app), cut
    /// short and without control characters.
    pub(crate) policy_reason: Option<String>,
    pub(crate) body: Vec<u8>,
}

/// What the caller of a POST adds to each of its requests and keeps from each answer (the
/// routing headers and the back-end affinity cookie of an EWS client).
pub(crate) trait RequestHeaders {
    /// Adds the headers to one request.
    fn add_to(&self, request: reqwest::RequestBuilder) -> reqwest::RequestBuilder;

    /// Keeps what an answer's headers set.
    fn remember(&self, headers: &HeaderMap);
}

/// An HTTP endpoint and how to reach it: where to post, how to authenticate, how much to
/// accept.
pub(crate) struct HttpEndpoint {
    pub(crate) connections: Arc<Connections>,
    pub(crate) url: Url,
    pub(crate) auth: Arc<dyn AuthStrategy>,
    pub(crate) max_response_bytes: usize,
}

impl HttpEndpoint {
    /// Posts `envelope`, answering `401` challenges through the strategy's handshake.
    ///
    /// One-shot schemes send their credentials with the first request. Connection-bound
    /// schemes send it without: a connection that is already authenticated gets its answer
    /// straight away, and on a new one the `401` shows the server's certificate, whose channel
    /// bindings (Extended Protection) the handshake then carries. A `401` after the last leg,
    /// a handshake that gives up, a connection lost in the middle of a handshake and a final
    /// answer the handshake does not accept are [`EwsError::AuthenticationFailed`].
    pub(crate) async fn post(
        &self,
        envelope: Bytes,
        identity: &(impl RequestHeaders + Sync),
    ) -> Result<Answer, EwsError> {
        self.post_limited(envelope, identity, self.max_response_bytes)
            .await
    }

    /// [`post`](Self::post), reading an answer of at most `max_response_bytes`.
    pub(crate) async fn post_limited(
        &self,
        envelope: Bytes,
        identity: &(impl RequestHeaders + Sync),
        max_response_bytes: usize,
    ) -> Result<Answer, EwsError> {
        let lease = self.connections.lease()?;
        let mut target = Target::new(self.url.as_str()).map_err(auth_failed)?;
        let mut handshake: Option<Box<dyn Handshake>> = None;
        let mut authorization = None;
        // A bound connection may be authenticated already, so its first leg goes without a
        // header, unless the strategy sends its header first anyway (a one-shot scheme chosen
        // by the server's offer).
        if !lease.is_bound() || self.auth.sends_first() {
            let mut started = self.auth.begin(&target).await.map_err(auth_failed)?;
            authorization = started.initial().await.map_err(auth_failed)?;
            handshake = Some(started);
        }
        // The connection of the last leg that carried a header: the next leg of the handshake
        // must travel over it. A leg without one (the first, which learns the offer) binds
        // nothing, so a connection the pool replaced after it costs nothing.
        let mut connection: Option<SocketAddr> = None;
        let (mut leg, mut restarts) = (0, 0);
        loop {
            leg += 1;
            let sent_header = authorization.is_some();
            let response = self
                .send(
                    &lease.client,
                    envelope.clone(),
                    authorization.as_ref(),
                    identity,
                )
                .await?;
            identity.remember(response.headers());
            if lease.is_bound() {
                let local = local_address(&response);
                let moved = sent_header && connection.is_some() && local != connection;
                if moved && response.status() == StatusCode::UNAUTHORIZED {
                    // The leg reached a connection that knows nothing of the handshake (the
                    // request carried no more than a failed leg, so nothing happened): start
                    // the handshake again there, a bounded number of times.
                    if restarts == MAX_RESTARTS {
                        return Err(auth_failed(AuthError::ConnectionLost {
                            scheme: self.auth.scheme(),
                        }));
                    }
                    restarts += 1;
                    let _ = self.read_body(response, DRAIN_LIMIT).await;
                    tokio::task::yield_now().await;
                    let started =
                        handshake.insert(self.auth.begin(&target).await.map_err(auth_failed)?);
                    authorization = started.initial().await.map_err(auth_failed)?;
                    connection = None;
                    leg = 0;
                    continue;
                }
                if sent_header {
                    connection = local;
                }
            }
            let challenges: Vec<Challenge> = response
                .headers()
                .get_all(WWW_AUTHENTICATE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .filter_map(Challenge::parse)
                .collect();
            if response.status() != StatusCode::UNAUTHORIZED {
                if let Some(handshake) = handshake.as_mut() {
                    handshake.accepted(&challenges).map_err(auth_failed)?;
                }
                let status = response.status();
                let retry_after = retry_after(response.headers());
                let location = response
                    .headers()
                    .get(LOCATION)
                    .and_then(|v| v.to_str().ok())
                    .map(str::to_owned);
                let policy_reason = response
                    .headers()
                    .get("x-ews-policy-reason")
                    .map(|v| super::failure::body_snippet(v.as_bytes()));
                let body = self.read_body(response, max_response_bytes).await?;
                lease.keep();
                return Ok(Answer {
                    status,
                    retry_after,
                    location,
                    policy_reason,
                    body,
                });
            }
            let certificate = server_certificate(&response);
            // Connection-bound schemes continue on the same connection, which is only reused
            // once this answer has been read to its end.
            let _ = self.read_body(response, DRAIN_LIMIT).await;
            // Gives the connection's task its turn to hand the connection back to the pool
            // before the next leg asks for one.
            tokio::task::yield_now().await;
            if leg == MAX_LEGS {
                break;
            }
            let next = match handshake.as_mut() {
                Some(running) => running.challenge(&challenges).await,
                None => {
                    if let Some(der) = certificate {
                        let bindings =
                            ChannelBindings::from_server_certificate(&der).map_err(auth_failed)?;
                        target = target.with_channel_bindings(bindings);
                    }
                    let started =
                        handshake.insert(self.auth.begin(&target).await.map_err(auth_failed)?);
                    match started.initial().await.map_err(auth_failed)? {
                        Some(first) => Ok(first),
                        None => started.challenge(&challenges).await,
                    }
                }
            };
            authorization = Some(next.map_err(auth_failed)?);
        }
        Err(auth_failed(AuthError::Rejected {
            scheme: self.auth.scheme(),
        }))
    }

    async fn send(
        &self,
        client: &reqwest::Client,
        envelope: Bytes,
        authorization: Option<&HeaderValue>,
        identity: &impl RequestHeaders,
    ) -> Result<reqwest::Response, EwsError> {
        let mut request = client
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
        request = identity.add_to(request);
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
            .map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX))
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

/// The local address of the connection an answer came over: it tells connections apart.
fn local_address(response: &reqwest::Response) -> Option<SocketAddr> {
    response
        .extensions()
        .get::<HttpInfo>()
        .map(HttpInfo::local_addr)
}

/// The server's certificate (DER), when the answer came over TLS.
fn server_certificate(response: &reqwest::Response) -> Option<Vec<u8>> {
    response
        .extensions()
        .get::<reqwest::tls::TlsInfo>()
        .and_then(reqwest::tls::TlsInfo::peer_certificate)
        .map(<[u8]>::to_vec)
}

/// One authenticated POST of `body` to `url` without a mailbox identity, for requests that
/// are not EWS operations (Autodiscover). Redirects are returned, not followed.
pub(crate) async fn post_once(
    connections: &Arc<Connections>,
    url: &Url,
    auth: &Arc<dyn AuthStrategy>,
    max_response_bytes: usize,
    body: Bytes,
) -> Result<Answer, EwsError> {
    let endpoint = HttpEndpoint {
        connections: Arc::clone(connections),
        url: url.clone(),
        auth: Arc::clone(auth),
        max_response_bytes,
    };
    endpoint.post(body, &AffinityCookie::default()).await
}

fn auth_failed(source: AuthError) -> EwsError {
    EwsError::AuthenticationFailed { source }
}
