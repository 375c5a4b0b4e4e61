//! The server side: the gateway's certificate, client certificates, and the accept loop that
//! hands tonic connections with a finished handshake.

use std::fmt;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;

use mediagateway_api::ApiError;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio_rustls::rustls::server::WebPkiClientVerifier;
use tokio_rustls::rustls::sign::{CertifiedKey, SingleCertAndKey};
use tokio_rustls::rustls::{RootCertStore, ServerConfig};
use tokio_rustls::TlsAcceptor;
use tokio_stream::wrappers::ReceiverStream;
use tonic::transport::server::{Connected, TcpConnectInfo};

use super::{fingerprint_of, pem, TlsError};

mod self_signed;

pub use self_signed::SelfSigned;

/// How long a client has for its handshake unless set otherwise.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// Handshakes in progress at most; a connection beyond them is closed at once, so that
/// clients that never finish cannot make the server hold unbounded state.
const MAX_PENDING_HANDSHAKES: usize = 1024;

/// The gateway's side of TLS: its certificate chain and key, and optionally the CA whose
/// client certificates it requires.
///
/// Cheap to clone. Its `Debug` output shows the fingerprint, never the key.
#[derive(Clone)]
pub struct ServerTls {
    key: Arc<CertifiedKey>,
    client_roots: Option<Arc<RootCertStore>>,
    config: Arc<ServerConfig>,
    fingerprint: String,
    handshake_timeout: Duration,
}

impl fmt::Debug for ServerTls {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ServerTls")
            .field("fingerprint", &self.fingerprint)
            .field("client_certificates", &self.client_roots.is_some())
            .field("handshake_timeout", &self.handshake_timeout)
            .finish_non_exhaustive()
    }
}

impl ServerTls {
    /// The certificate chain (leaf first) and private key in two PEM files.
    pub fn from_pem_files(
        certificate_path: impl AsRef<Path>,
        key_path: impl AsRef<Path>,
    ) -> Result<Self, TlsError> {
        let key = pem::certified_key_from_files(certificate_path.as_ref(), key_path.as_ref())?;
        Self::new(key, None, HANDSHAKE_TIMEOUT)
    }

    /// The self-signed certificate kept in `data_dir/tls/`, made on the first call; the same
    /// as `ServerTls::self_signed(data_dir).load_or_create()`.
    pub fn self_signed_in(data_dir: impl AsRef<Path>) -> Result<Self, TlsError> {
        Self::self_signed(data_dir).load_or_create()
    }

    /// Settings for a self-signed certificate kept in `data_dir/tls/`, for names beyond
    /// `localhost`, `127.0.0.1` and `::1`.
    pub fn self_signed(data_dir: impl AsRef<Path>) -> SelfSigned {
        SelfSigned::new(data_dir.as_ref())
    }

    /// Requires every client to present a certificate issued by a CA of the PEM bundle at
    /// `ca_path` (mutual TLS). A client without one, or with another, fails its handshake.
    pub fn require_client_certificates(self, ca_path: impl AsRef<Path>) -> Result<Self, TlsError> {
        let path = ca_path.as_ref();
        let roots = pem::root_store(&pem::read(path)?, &path.display().to_string())?;
        Self::new(self.key, Some(Arc::new(roots)), self.handshake_timeout)
    }

    /// How long a client has to finish its handshake (10 s by default).
    pub fn handshake_timeout(mut self, timeout: Duration) -> Self {
        self.handshake_timeout = timeout;
        self
    }

    /// The SHA-256 fingerprint of the leaf certificate, as uppercase hexadecimal byte values
    /// separated by `:`: what a client pins with
    /// [`ClientTls::pinned_fingerprint`](super::ClientTls::pinned_fingerprint).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// Whether clients must present a certificate.
    pub fn requires_client_certificates(&self) -> bool {
        self.client_roots.is_some()
    }

    fn new(
        key: Arc<CertifiedKey>,
        client_roots: Option<Arc<RootCertStore>>,
        handshake_timeout: Duration,
    ) -> Result<Self, TlsError> {
        let leaf = key.cert.first().ok_or_else(|| TlsError::NotPem {
            origin: "the certificate chain".into(),
            expected: "certificate",
            detail: "the chain is empty".into(),
        })?;
        let fingerprint = fingerprint_of(leaf);
        let unusable = |detail: String| TlsError::Unusable {
            origin: "the TLS settings".into(),
            detail,
        };
        let builder = ServerConfig::builder_with_provider(pem::provider())
            .with_safe_default_protocol_versions()
            .map_err(|e| unusable(e.to_string()))?;
        let builder = match &client_roots {
            Some(roots) => {
                let verifier =
                    WebPkiClientVerifier::builder_with_provider(roots.clone(), pem::provider())
                        .build()
                        .map_err(|e| unusable(e.to_string()))?;
                builder.with_client_cert_verifier(verifier)
            }
            None => builder.with_no_client_auth(),
        };
        let mut config = builder.with_cert_resolver(Arc::new(SingleCertAndKey::from(key.clone())));
        config.alpn_protocols = vec![pem::ALPN_H2.to_vec()];
        Ok(Self {
            key,
            client_roots,
            config: Arc::new(config),
            fingerprint,
            handshake_timeout,
        })
    }
}

/// Serves `routes` (from [`GrpcServer::into_router`](crate::GrpcServer::into_router), maybe
/// with services of one's own) over TLS on `listener` until `shutdown` completes.
///
/// Handshakes run concurrently, each within the [handshake
/// timeout](ServerTls::handshake_timeout); one that fails or times out closes its connection
/// and nothing else. Handlers see the peer's address in
/// [`Request::remote_addr`](tonic::Request::remote_addr) as over plain TCP.
pub async fn serve(
    routes: tonic::service::Routes,
    listener: TcpListener,
    tls: &ServerTls,
    shutdown: impl Future<Output = ()> + Send,
) -> Result<(), ApiError> {
    let address = listener
        .local_addr()
        .map_or_else(|_| "unknown".to_owned(), |a| a.to_string());
    let (sender, receiver) = mpsc::channel(16);
    let acceptor = TlsAcceptor::from(tls.config.clone());
    let accepting = AbortOnDrop(tokio::spawn(accept_loop(
        listener,
        acceptor,
        tls.handshake_timeout,
        sender,
    )));
    let incoming = tokio_stream::StreamExt::map(ReceiverStream::new(receiver), Ok::<_, io::Error>);
    let served = tonic::transport::Server::builder()
        .concurrency_limit_per_connection(crate::MAX_CONCURRENT_CALLS_PER_CONNECTION)
        .initial_stream_window_size(crate::STREAM_WINDOW_BYTES)
        .initial_connection_window_size(crate::CONNECTION_WINDOW_BYTES)
        .add_routes(routes)
        .serve_with_incoming_shutdown(incoming, shutdown)
        .await;
    drop(accepting);
    served.map_err(|e| ApiError::Internal {
        detail: format!("the gRPC server on {address} (TLS) failed: {e}"),
    })
}

/// Stops the accept loop, and with it the handshakes in progress, when serving ends.
struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// Accepts connections and hands those whose handshake succeeded to `connections`, until the
/// server stops taking them.
async fn accept_loop(
    listener: TcpListener,
    acceptor: TlsAcceptor,
    handshake_timeout: Duration,
    connections: mpsc::Sender<TlsConnection>,
) {
    let mut handshakes = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((_, peer)) if handshakes.len() >= MAX_PENDING_HANDSHAKES => {
                    tracing::warn!(%peer, "too many TLS handshakes in progress; connection closed");
                }
                Ok((tcp, peer)) => {
                    handshakes.spawn(handshake(acceptor.clone(), tcp, peer, handshake_timeout));
                }
                Err(error) => {
                    // A failed accept (a connection reset before it was taken, no file
                    // descriptors left) must not end the loop; the pause keeps a lasting
                    // failure from spinning.
                    tracing::warn!(%error, "accepting a TLS connection failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(done) = handshakes.join_next(), if !handshakes.is_empty() => {
                if let Ok(Some(connection)) = done {
                    if connections.send(connection).await.is_err() {
                        return;
                    }
                }
            }
            () = connections.closed() => return,
        }
    }
}

async fn handshake(
    acceptor: TlsAcceptor,
    tcp: TcpStream,
    peer: SocketAddr,
    timeout: Duration,
) -> Option<TlsConnection> {
    let info = TcpConnectInfo {
        local_addr: tcp.local_addr().ok(),
        remote_addr: Some(peer),
    };
    // Best effort: Nagle's delay only slows small gRPC frames down.
    let _ = tcp.set_nodelay(true);
    match tokio::time::timeout(timeout, acceptor.accept(tcp)).await {
        Ok(Ok(stream)) => Some(TlsConnection { stream, info }),
        Ok(Err(error)) => {
            tracing::debug!(%peer, %error, "TLS handshake failed");
            None
        }
        Err(_) => {
            tracing::debug!(%peer, ?timeout, "TLS handshake timed out");
            None
        }
    }
}

/// A connection after its handshake, with the addresses tonic puts in each request's
/// extensions (so that [`tonic::Request::remote_addr`] works as over plain TCP).
struct TlsConnection {
    stream: tokio_rustls::server::TlsStream<TcpStream>,
    info: TcpConnectInfo,
}

impl Connected for TlsConnection {
    type ConnectInfo = TcpConnectInfo;

    fn connect_info(&self) -> TcpConnectInfo {
        self.info.clone()
    }
}

impl AsyncRead for TlsConnection {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_read(cx, buf)
    }
}

impl AsyncWrite for TlsConnection {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().stream).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.stream.is_write_vectored()
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().stream).poll_shutdown(cx)
    }
}
