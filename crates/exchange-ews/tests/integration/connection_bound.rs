//! Connection-bound authentication (NTLM, Negotiate) as the client performs it: every leg of a
//! handshake on one connection, authenticated connections reused without a new handshake, a
//! connection lost mid-handshake reported, the final answer checked by the handshake, and
//! channel bindings taken from the server's TLS certificate.

use crate::common;

use std::collections::HashSet;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use bytes::Bytes;
use chrono::{TimeZone, Utc};
use common::*;
use exchange_auth::{AuthError, AuthStrategy, Challenge, ChannelBindings, Handshake, Target};
use exchange_ews::client::Impersonation;
use exchange_ews::{DistinguishedFolder, EwsClient, EwsError, FolderTarget};
use http::{HeaderValue, Request, Response, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use sha2::{Digest, Sha256};
use tokio::net::TcpListener;

/// What the server saw: one entry per request, with the number of its connection and its
/// `Authorization` header.
type Legs = Arc<Mutex<Vec<(usize, Option<String>)>>>;

/// A server speaking a made-up connection-bound scheme `Pair`: a request without credentials
/// gets `401 Pair`; `Pair hello` gets `401 Pair nonce-<connection>`; `Pair answer-<connection>`
/// authenticates the connection, which then needs no credentials any more.
struct PairServer {
    addr: SocketAddr,
    legs: Legs,
    connections: Arc<AtomicUsize>,
}

#[derive(Clone, Copy, Default)]
struct Options {
    /// Close the connection after sending the nonce.
    close_after_nonce: bool,
    /// Close the connection after the offer (the 401 to a request without credentials).
    close_after_offer: bool,
    /// Close the connection after the first nonce only.
    close_after_first_nonce: bool,
    /// Serve TLS with this certificate and key (DER).
    tls: Option<(&'static [u8], &'static [u8])>,
}

impl PairServer {
    async fn start(options: Options) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let legs: Legs = Arc::default();
        let connections = Arc::new(AtomicUsize::new(0));
        let acceptor = options.tls.map(|(cert, key)| tls_acceptor(cert, key));
        let (legs_, connections_) = (Arc::clone(&legs), Arc::clone(&connections));
        tokio::spawn(async move {
            loop {
                let Ok((stream, _)) = listener.accept().await else {
                    return;
                };
                let id = connections_.fetch_add(1, Ordering::SeqCst);
                let legs = Arc::clone(&legs_);
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let authenticated = Arc::new(AtomicBool::new(false));
                    let service = service_fn(move |request: Request<Incoming>| {
                        let legs = Arc::clone(&legs);
                        let authenticated = Arc::clone(&authenticated);
                        async move {
                            Ok::<_, Infallible>(
                                answer(id, request, &legs, &authenticated, options).await,
                            )
                        }
                    });
                    let builder = hyper::server::conn::http1::Builder::new();
                    match acceptor {
                        Some(acceptor) => {
                            if let Ok(tls) = acceptor.accept(stream).await {
                                let _ = builder.serve_connection(TokioIo::new(tls), service).await;
                            }
                        }
                        None => {
                            let _ = builder
                                .serve_connection(TokioIo::new(stream), service)
                                .await;
                        }
                    }
                });
            }
        });
        Self {
            addr,
            legs,
            connections,
        }
    }

    fn legs(&self) -> Vec<(usize, Option<String>)> {
        self.legs.lock().unwrap().clone()
    }

    fn connections(&self) -> usize {
        self.connections.load(Ordering::SeqCst)
    }
}

async fn answer(
    connection: usize,
    request: Request<Incoming>,
    legs: &Legs,
    authenticated: &AtomicBool,
    options: Options,
) -> Response<Full<Bytes>> {
    let authorization = request
        .headers()
        .get(http::header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let _ = request.into_body().collect().await;
    let first_nonce = !legs
        .lock()
        .unwrap()
        .iter()
        .any(|(_, a)| a.as_deref() == Some("Pair hello"));
    legs.lock()
        .unwrap()
        .push((connection, authorization.clone()));
    let challenge = |data: Option<String>, close: bool| {
        let mut response = Response::builder().status(StatusCode::UNAUTHORIZED).header(
            http::header::WWW_AUTHENTICATE,
            data.map_or("Pair".to_owned(), |d| format!("Pair {d}")),
        );
        if close {
            response = response.header(http::header::CONNECTION, "close");
        }
        response
            .body(Full::new(Bytes::from_static(b"401")))
            .unwrap()
    };
    #[allow(clippy::match_same_arms)] // no credentials and a wrong answer: two cases, one challenge
    match authorization.as_deref() {
        _ if authenticated.load(Ordering::SeqCst) => ok(),
        None => challenge(None, options.close_after_offer),
        Some("Pair hello") => challenge(
            Some(format!("nonce-{connection}")),
            options.close_after_nonce || (options.close_after_first_nonce && first_nonce),
        ),
        Some(other) if other == format!("Pair answer-{connection}") => {
            authenticated.store(true, Ordering::SeqCst);
            ok()
        }
        Some(_) => challenge(None, false),
    }
}

fn ok() -> Response<Full<Bytes>> {
    Response::builder()
        .header(http::header::CONTENT_TYPE, "text/xml; charset=utf-8")
        .header(http::header::WWW_AUTHENTICATE, "Pair done")
        .body(Full::new(Bytes::from(find_item_success())))
        .unwrap()
}

fn tls_acceptor(cert: &'static [u8], key: &'static [u8]) -> tokio_rustls::TlsAcceptor {
    use tokio_rustls::rustls;
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(
            vec![rustls::pki_types::CertificateDer::from(cert.to_vec())],
            rustls::pki_types::PrivateKeyDer::try_from(key.to_vec()).unwrap(),
        )
        .unwrap();
    tokio_rustls::TlsAcceptor::from(Arc::new(config))
}

/// The client side of `Pair`.
#[derive(Debug, Default)]
struct Pair {
    bindings: Mutex<Vec<Option<Vec<u8>>>>,
    refuse_final_answer: bool,
    app_only: bool,
}

#[async_trait]
impl AuthStrategy for Pair {
    fn scheme(&self) -> &'static str {
        "Pair"
    }

    fn is_connection_bound(&self) -> bool {
        true
    }

    fn requires_impersonation(&self) -> bool {
        self.app_only
    }

    async fn begin(&self, target: &Target) -> Result<Box<dyn Handshake>, AuthError> {
        self.bindings.lock().unwrap().push(
            target
                .channel_bindings()
                .map(ChannelBindings::application_data),
        );
        Ok(Box::new(PairHandshake {
            refuse_final_answer: self.refuse_final_answer,
        }))
    }
}

struct PairHandshake {
    refuse_final_answer: bool,
}

#[async_trait]
impl Handshake for PairHandshake {
    async fn initial(&mut self) -> Result<Option<HeaderValue>, AuthError> {
        Ok(Some(HeaderValue::from_static("Pair hello")))
    }

    async fn challenge(&mut self, challenges: &[Challenge]) -> Result<HeaderValue, AuthError> {
        let nonce = challenges
            .iter()
            .find(|c| c.is("Pair"))
            .and_then(Challenge::data)
            .and_then(|d| d.strip_prefix("nonce-"))
            .ok_or(AuthError::Rejected { scheme: "Pair" })?;
        Ok(HeaderValue::from_str(&format!("Pair answer-{nonce}")).unwrap())
    }

    fn accepted(&mut self, challenges: &[Challenge]) -> Result<(), AuthError> {
        let done = challenges
            .iter()
            .any(|c| c.is("Pair") && c.data() == Some("done"));
        if self.refuse_final_answer || !done {
            return Err(AuthError::Rejected { scheme: "Pair" });
        }
        Ok(())
    }
}

fn client(url: &str, strategy: Arc<Pair>) -> EwsClient {
    EwsClient::builder(url)
        .auth(strategy)
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

async fn find(client: &EwsClient) -> Result<(), EwsError> {
    let start = Utc.with_ymd_and_hms(2024, 5, 1, 0, 0, 0).unwrap();
    client
        .find_calendar_items(
            &FolderTarget::Distinguished(DistinguishedFolder::Calendar),
            start,
            start + chrono::Duration::days(7),
            Some(10),
        )
        .await
        .map(drop)
}

#[tokio::test]
async fn every_leg_uses_one_connection_and_the_connection_stays_authenticated() {
    let server = PairServer::start(Options::default()).await;
    let strategy = Arc::new(Pair::default());
    let client = client(
        &format!("http://127.0.0.1:{}{EWS_PATH}", server.addr.port()),
        Arc::clone(&strategy),
    );
    for _ in 0..3 {
        find(&client).await.unwrap();
    }
    assert_eq!(server.connections(), 1);
    let legs = server.legs();
    let headers: Vec<Option<&str>> = legs.iter().map(|(_, a)| a.as_deref()).collect();
    assert_eq!(
        headers,
        [
            None,
            Some("Pair hello"),
            Some("Pair answer-0"),
            // The authenticated connection carries the next requests without a handshake.
            None,
            None
        ]
    );
    // Plain HTTP: no channel bindings.
    assert_eq!(*strategy.bindings.lock().unwrap(), [None]);
}

#[tokio::test]
async fn concurrent_requests_authenticate_their_own_connections() {
    let server = PairServer::start(Options::default()).await;
    let client = client(
        &format!("http://127.0.0.1:{}{EWS_PATH}", server.addr.port()),
        Arc::new(Pair::default()),
    );
    let calls: Vec<_> = (0..6)
        .map(|_| {
            let client = client.clone();
            tokio::spawn(async move { find(&client).await })
        })
        .collect();
    for call in calls {
        call.await.unwrap().unwrap();
    }
    // Every answer leg came over the connection its nonce was issued on (the server refuses
    // others), and no connection was authenticated twice.
    let legs = server.legs();
    let answered: Vec<usize> = legs
        .iter()
        .filter(|(_, a)| a.as_deref().is_some_and(|a| a.contains("answer")))
        .map(|(c, _)| *c)
        .collect();
    let distinct: HashSet<_> = answered.iter().collect();
    assert_eq!(answered.len(), distinct.len());
    assert!(server.connections() >= 1 && server.connections() <= 6);
}

#[tokio::test]
async fn a_connection_closed_in_the_middle_of_a_handshake_is_a_clear_error() {
    let server = PairServer::start(Options {
        close_after_nonce: true,
        ..Options::default()
    })
    .await;
    let client = client(
        &format!("http://127.0.0.1:{}{EWS_PATH}", server.addr.port()),
        Arc::new(Pair::default()),
    );
    let error = find(&client).await.unwrap_err();
    match &error {
        EwsError::AuthenticationFailed {
            source: AuthError::ConnectionLost { scheme: "Pair" },
        } => {}
        other => panic!("expected a lost connection, got {other:?}"),
    }
    assert!(error.to_string().contains("kept-alive"), "{error}");
}

#[tokio::test]
async fn a_connection_closed_after_the_offer_costs_nothing() {
    // The first leg carries no credentials, so the handshake may start on a new connection;
    // only its own legs must share one.
    let server = PairServer::start(Options {
        close_after_offer: true,
        ..Options::default()
    })
    .await;
    let client = client(
        &format!("http://127.0.0.1:{}{EWS_PATH}", server.addr.port()),
        Arc::new(Pair::default()),
    );
    find(&client).await.unwrap();
    let legs = server.legs();
    assert_eq!(legs.len(), 3, "{legs:?}");
    assert_ne!(legs[0].0, legs[1].0, "the offer's connection was closed");
    assert_eq!(legs[1].0, legs[2].0, "the handshake kept to its connection");
}

#[tokio::test]
async fn a_handshake_whose_connection_went_away_once_starts_again_on_the_new_one() {
    let server = PairServer::start(Options {
        close_after_first_nonce: true,
        ..Options::default()
    })
    .await;
    let client = client(
        &format!("http://127.0.0.1:{}{EWS_PATH}", server.addr.port()),
        Arc::new(Pair::default()),
    );
    find(&client).await.unwrap();
    let legs = server.legs();
    let headers: Vec<Option<&str>> = legs.iter().map(|(_, a)| a.as_deref()).collect();
    // The offer; hello and the nonce on the first connection, closed; the answer on a new
    // one, refused there; hello, nonce and answer again on that one.
    assert_eq!(headers.len(), 5, "{legs:?}");
    assert_eq!(headers[0], None);
    assert_eq!(headers[1], Some("Pair hello"));
    assert_eq!(headers[3], Some("Pair hello"));
    let (moved, settled) = (legs[2].0, legs[4].0);
    assert_ne!(legs[1].0, moved);
    assert_eq!((legs[3].0, settled), (moved, moved));
    assert_eq!(headers[4], Some(format!("Pair answer-{moved}").as_str()));
}

#[tokio::test]
async fn a_final_answer_the_handshake_refuses_is_not_trusted() {
    let server = PairServer::start(Options::default()).await;
    let client = client(
        &format!("http://127.0.0.1:{}{EWS_PATH}", server.addr.port()),
        Arc::new(Pair {
            refuse_final_answer: true,
            ..Pair::default()
        }),
    );
    let error = find(&client).await.unwrap_err();
    assert!(error.is_authentication_failed(), "{error:?}");
}

#[tokio::test]
async fn channel_bindings_come_from_the_server_certificate() {
    let certified = rcgen::generate_simple_self_signed(vec!["localhost".to_owned()]).unwrap();
    let cert_der: &'static [u8] = Vec::leak(certified.cert.der().to_vec());
    let key_der: &'static [u8] = Vec::leak(certified.signing_key.serialize_der());
    let server = PairServer::start(Options {
        tls: Some((cert_der, key_der)),
        ..Options::default()
    })
    .await;
    let strategy = Arc::new(Pair::default());
    let client = EwsClient::builder(&format!(
        "https://localhost:{}{EWS_PATH}",
        server.addr.port()
    ))
    .auth(Arc::clone(&strategy) as Arc<dyn AuthStrategy>)
    .add_root_certificates_pem(certified.cert.pem())
    .timeout(Duration::from_secs(10))
    .build()
    .unwrap();
    find(&client).await.unwrap();
    find(&client).await.unwrap();
    // rcgen signs with ECDSA P-256 and SHA-256, so RFC 5929 hashes the certificate with
    // SHA-256; one handshake, on the one connection.
    let expected = ChannelBindings::tls_server_end_point(Sha256::digest(cert_der).to_vec());
    assert_eq!(
        *strategy.bindings.lock().unwrap(),
        [Some(expected.application_data())]
    );
    assert_eq!(server.connections(), 1);
}

#[test]
fn app_only_strategies_need_a_mailbox_to_act_on() {
    let app_only = || {
        Arc::new(Pair {
            app_only: true,
            ..Pair::default()
        })
    };
    let url = "https://mail.contoso.test/EWS/Exchange.asmx";
    match EwsClient::builder(url).auth(app_only()).build() {
        Err(EwsError::InvalidArgument { argument, reason }) => {
            assert_eq!(argument, "impersonate");
            assert!(reason.contains("impersonate()"), "{reason}");
        }
        other => panic!("expected a refusal, got {other:?}"),
    }
    EwsClient::builder(url)
        .auth(app_only())
        .impersonate(Impersonation::PrimarySmtpAddress("bob@contoso.test".into()))
        .build()
        .unwrap();
}

#[test]
fn unreadable_root_certificates_are_refused() {
    let url = "https://mail.contoso.test/EWS/Exchange.asmx";
    for bundle in [
        &b"not a certificate"[..],
        b"",
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
    ] {
        match EwsClient::builder(url)
            .auth(basic())
            .add_root_certificates_pem(bundle)
            .build()
        {
            Err(EwsError::InvalidArgument { argument, .. }) => {
                assert_eq!(argument, "root_certificates");
            }
            other => panic!("expected a refusal of {bundle:?}, got {other:?}"),
        }
    }
}
