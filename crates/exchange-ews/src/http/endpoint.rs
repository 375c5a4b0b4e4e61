//! One authenticated POST of an envelope, with the answer read up to a size limit.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use exchange_auth::{AuthError, AuthStrategy, Challenge, ChannelBindings, Handshake, Target};
use http::header::{ACCEPT, AUTHORIZATION, CONTENT_TYPE, LOCATION, WWW_AUTHENTICATE};
use http::{HeaderValue, StatusCode};
use hyper_util::client::legacy::connect::HttpInfo;
use url::Url;

use super::failure::{connection_error, retry_after};
use super::identity::Identity;
use crate::EwsError;

/// The most requests one call makes while authenticating: NTLM over a new connection needs
/// three (the first without credentials, then its two messages).
pub(super) const MAX_LEGS: usize = 4;
/// How much of a `401` body is read so that its connection can carry the next leg.
const DRAIN_LIMIT: usize = 64 * 1024;
/// The most idle connections kept per client for connection-bound strategies.
const MAX_IDLE_BOUND: usize = 16;

/// What the server answered.
#[derive(Debug)]
pub(super) struct Answer {
    pub(super) status: StatusCode,
    pub(super) retry_after: Option<Duration>,
    /// The `Location` header, which only redirects carry.
    pub(super) location: Option<String>,
    pub(super) body: Vec<u8>,
}

/// How the HTTP clients of an [`EwsClient`](crate::EwsClient) or an
/// [`Autodiscover`](crate::autodiscover::Autodiscover) are made.
#[derive(Clone)]
pub(crate) struct HttpSettings {
    pub(crate) timeout: Duration,
    /// Certificates trusted besides the built-in roots (an on-premises CA).
    pub(crate) roots: Vec<reqwest::Certificate>,
}

impl HttpSettings {
    pub(crate) fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            roots: Vec::new(),
        }
    }

    /// A client with this crate's settings: a timeout per request, no automatic redirects (a
    /// redirected POST would lose its body or leak credentials to another host; callers decide
    /// which redirects to follow). A `bound` client is for connection-bound schemes: HTTP/1.1
    /// only (NTLM and Negotiate authenticate a connection, which HTTP/2 multiplexes; IIS refuses
    /// them over it), at most one kept-alive connection, and the server certificate kept for
    /// the channel bindings.
    fn client(&self, bound: bool) -> Result<reqwest::Client, EwsError> {
        let mut http = reqwest::Client::builder()
            .timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("exchange-ews/", env!("CARGO_PKG_VERSION")));
        for root in &self.roots {
            http = http.add_root_certificate(root.clone());
        }
        if bound {
            http = http.http1_only().pool_max_idle_per_host(1).tls_info(true);
        }
        http.build().map_err(|e| EwsError::HttpClientSetup {
            detail: e.to_string(),
        })
    }
}

/// The connections of one client. One-shot schemes (Basic, Bearer) share one pooled
/// `reqwest` client. Connection-bound schemes (NTLM, Negotiate) lease a client that holds a
/// single connection for the whole of one request, so that every leg of its handshake travels
/// over that connection, and give it back afterwards: a connection that finished a handshake
/// stays authenticated, and the next request on it needs no handshake at all.
pub(crate) enum Connections {
    /// One pooled client for every request.
    Shared(reqwest::Client),
    /// Idle single-connection clients, and how to make more.
    Bound {
        settings: HttpSettings,
        idle: Mutex<Vec<reqwest::Client>>,
    },
}

impl Connections {
    pub(crate) fn new(
        settings: HttpSettings,
        auth: &dyn AuthStrategy,
    ) -> Result<Arc<Self>, EwsError> {
        let connections = if auth.is_connection_bound() {
            // Made now too, so that a TLS backend that cannot start fails at set-up.
            let first = settings.client(true)?;
            Self::Bound {
                settings,
                idle: Mutex::new(vec![first]),
            }
        } else {
            Self::Shared(settings.client(false)?)
        };
        Ok(Arc::new(connections))
    }

    fn lease(&self) -> Result<Lease<'_>, EwsError> {
        match self {
            Self::Shared(client) => Ok(Lease {
                client: client.clone(),
                home: None,
            }),
            Self::Bound { settings, idle } => {
                let reused = idle.lock().unwrap_or_else(PoisonError::into_inner).pop();
                let client = match reused {
                    Some(client) => client,
                    None => settings.client(true)?,
                };
                Ok(Lease {
                    client,
                    home: Some(idle),
                })
            }
        }
    }
}

/// A client used by one request; a connection-bound one goes back to the idle list when the
/// request ended cleanly ([`Lease::keep`]), and is dropped with its connection otherwise.
struct Lease<'a> {
    client: reqwest::Client,
    home: Option<&'a Mutex<Vec<reqwest::Client>>>,
}

impl Lease<'_> {
    fn is_bound(&self) -> bool {
        self.home.is_some()
    }

    fn keep(self) {
        if let Some(home) = self.home {
            let mut idle = home.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.len() < MAX_IDLE_BOUND {
                idle.push(self.client);
            }
        }
    }
}

/// The HTTP side of a client: where to post, how to authenticate, how much to accept.
pub(super) struct Transport {
    pub(super) connections: Arc<Connections>,
    pub(super) url: Url,
    pub(super) auth: Arc<dyn AuthStrategy>,
    pub(super) max_response_bytes: usize,
}

impl Transport {
    /// Posts `envelope`, answering `401` challenges through the strategy's handshake.
    ///
    /// One-shot schemes send their credentials with the first request. Connection-bound
    /// schemes send it without: a connection that is already authenticated gets its answer
    /// straight away, and on a new one the `401` shows the server's certificate, whose channel
    /// bindings (Extended Protection) the handshake then carries. A `401` after the last leg,
    /// a handshake that gives up, a connection lost in the middle of a handshake and a final
    /// answer the handshake does not accept are [`EwsError::AuthenticationFailed`].
    pub(super) async fn post(
        &self,
        envelope: Bytes,
        identity: &Identity,
    ) -> Result<Answer, EwsError> {
        let lease = self.connections.lease()?;
        let mut target = Target::new(self.url.as_str()).map_err(auth_failed)?;
        let mut handshake: Option<Box<dyn Handshake>> = None;
        let mut authorization = None;
        if !lease.is_bound() {
            let mut started = self.auth.begin(&target).await.map_err(auth_failed)?;
            authorization = started.initial().await.map_err(auth_failed)?;
            handshake = Some(started);
        }
        let mut connection: Option<SocketAddr> = None;
        for leg in 1..=MAX_LEGS {
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
                if handshake.is_some() && connection.is_some() && local != connection {
                    return Err(auth_failed(AuthError::ConnectionLost {
                        scheme: self.auth.scheme(),
                    }));
                }
                connection = local;
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
                let body = self.read_body(response, self.max_response_bytes).await?;
                lease.keep();
                return Ok(Answer {
                    status,
                    retry_after,
                    location,
                    body,
                });
            }
            let certificate = server_certificate(&response);
            // Connection-bound schemes continue on the same connection, which is only reused
            // once this answer has been read to its end.
            let _ = self.read_body(response, DRAIN_LIMIT).await;
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
        identity: &Identity,
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
    connections: &Arc<Connections>,
    url: &Url,
    auth: &Arc<dyn AuthStrategy>,
    max_response_bytes: usize,
    body: Bytes,
) -> Result<PlainAnswer, EwsError> {
    let transport = Transport {
        connections: Arc::clone(connections),
        url: url.clone(),
        auth: Arc::clone(auth),
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
