//! The running server, its builder, and the handle tests use to steer and inspect it.

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Utc};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::TokioIo;
use secrecy::SecretString;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

use crate::bearer;
use crate::error::Error;
use crate::fault::{Fault, FaultQueue};
use crate::folder_tree;
use crate::log::{LoggedRequest, RequestLog};
use crate::response::ServerVersion;
use crate::seed::{self, Pattern, Seed, SeedKind};
use crate::sent::SentMessage;
use crate::service::{self, lock, Shared, EWS_PATH};
use crate::store::{Directory, Store, User};

/// The default limit on request bodies (8 MiB).
pub const DEFAULT_MAX_REQUEST_BYTES: usize = 8 * 1024 * 1024;

/// The default limit on attachments (3 MiB, so that a base64-encoded one fits in a request).
pub const DEFAULT_MAX_ATTACHMENT_BYTES: usize = 3 * 1024 * 1024;

/// Configures a [`FakeExchange`]: users, delegate grants, server version, size limit.
#[derive(Debug, Default)]
#[must_use = "a builder does nothing until started"]
pub struct FakeExchangeBuilder {
    users: Vec<User>,
    delegates: Vec<(String, String)>,
    version: ServerVersion,
    max_request_bytes: Option<usize>,
    max_attachment_bytes: Option<usize>,
    seeds: Vec<Seed>,
    front_end_user: Option<http::HeaderName>,
    bearer: Option<BearerConfig>,
}

/// What [`FakeExchangeBuilder::trust_bearer_tokens`] was given, checked at the start.
#[derive(Debug)]
struct BearerConfig {
    issuer: String,
    audience: String,
    jwks_json: String,
}

impl FakeExchangeBuilder {
    /// Adds a user who logs in with `user_name` (such as `alice@contoso.test` or
    /// `CONTOSO\alice`, matched without regard to case) and `password`, and owns the mailbox
    /// with the primary SMTP address `smtp`.
    pub fn user(mut self, user_name: &str, password: &str, smtp: &str) -> Self {
        self.users.push(User {
            login: user_name.to_owned(),
            password: SecretString::from(password.to_owned()),
            smtp: smtp.to_owned(),
        });
        self
    }

    /// Runs behind an authenticating reverse proxy (Apache with Kerberos or NTLM, say): the
    /// fake then takes the login name of each request from the request header `header`, set by
    /// the proxy, instead of checking Basic credentials. A request without the header, or
    /// naming no configured user (by login name, or by its part before `@` when the login has
    /// none), is answered `401`. Anyone who reaches the fake directly can claim any user this
    /// way, so the proxy must be the only way in.
    ///
    /// # Panics
    ///
    /// When `header` is not a valid header name.
    pub fn trust_front_end_user_header(mut self, header: &str) -> Self {
        self.front_end_user =
            Some(http::HeaderName::from_bytes(header.as_bytes()).expect("a header name"));
        self
    }

    /// Accepts OAuth2 bearer tokens of `issuer` for `audience`, as Exchange Online does, besides
    /// Basic credentials; `jwks_json` is the issuer's JSON Web Key Set (its `jwks_uri`
    /// document), whose RSA keys may sign tokens.
    ///
    /// A token is accepted when it is a JWT signed with RS256 (no other algorithm) by the key
    /// its `kid` names (or the only key), its `iss` is `issuer`, its `exp` has not passed, its
    /// `nbf` is at most five minutes ahead, and its `aud` is `audience` (without regard to
    /// case or a trailing slash). Then:
    /// - a delegated token (`scp` holds `EWS.AccessAsUser.All`) authenticates the configured
    ///   user named by its `upn`, else `preferred_username`, else `unique_name` (a login name
    ///   or SMTP address, without regard to case);
    /// - an app-only token (`roles` holds `full_access_as_app` or `EWS.AccessAsApp`) must
    ///   impersonate a configured mailbox with `ExchangeImpersonation` (`PrimarySmtpAddress`,
    ///   `SmtpAddress` or `PrincipalName`) and acts as its owner; without the header it gets
    ///   the fault `ErrorInvalidExchangeImpersonationHeaderData`, for an unknown mailbox
    ///   `ErrorNonExistentMailbox`. Users (Basic or delegated) may not impersonate.
    ///
    /// A refused token is answered `401` with a `Bearer … error="invalid_token"` challenge and
    /// Exchange's `x-ms-diagnostics` header (for example
    /// `2000003;reason="The audience claim value is invalid '…'.";error_category="invalid_resource"`
    /// for another audience, `2000002;…;error_category="token_expired"` once expired). Every
    /// `401` then offers `Bearer` besides `Basic`. [`start`](Self::start) fails when the key
    /// set holds no usable RS256 key ([`Error::InvalidJwks`]). Behind an authenticating front
    /// end ([`trust_front_end_user_header`](Self::trust_front_end_user_header)) the front end's
    /// header alone decides, and tokens are not looked at.
    ///
    /// ```
    /// use exchange_testkit::FakeExchange;
    ///
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// // The issuer's key set, as `GET <issuer>/jwks` (or its `jwks_uri`) serves it.
    /// let jwks = r#"{"keys":[{"kty":"RSA","kid":"k1","alg":"RS256","use":"sig","e":"AQAB",
    ///   "n":"o4AgxE2pobN3i5SL2n5RhC7sJRo07IuIJzr-FzbqMOjTLkerf3zrucjw1jX2mciE8u63h1DdIfh1_aoRLMsGYbbpO5_cYKZ5tUunGsnH4hPGRGZM2YIx0o3BMQttbWZ7Y1-GjgGKendCBvH8c6xTE0mS0a0JJXMz1qtMsbtLAmFxRqneCxHHtIT49sadmSIhJqfZh_xaMLsHutuvEFbL_09bK5-OgR0jTn31B0RK880QyxrbXEM-pUJ3sOIPWfwCwIq6e_cVnxUByXEJ3D6aSm5luL2Zh15NpP5Tfo4RItLvDum5aGu5LpJdeqMZn9C5jSK6-Nn5zREpo0csfJLTPQ"}]}"#;
    /// let server = FakeExchange::builder()
    ///     .user("alice@contoso.test", "secret", "alice@contoso.test")
    ///     .trust_bearer_tokens("https://login.example.test", "https://outlook.office365.com", jwks)
    ///     .start()
    ///     .await?;
    /// let answer = reqwest::Client::new()
    ///     .post(server.url())
    ///     .bearer_auth("not.a-valid.token")
    ///     .body("<x/>")
    ///     .send()
    ///     .await?;
    /// assert_eq!(answer.status(), 401);
    /// assert!(answer.headers()["x-ms-diagnostics"]
    ///     .to_str()?
    ///     .ends_with("error_category=\"invalid_token\""));
    /// let offer: Vec<_> = answer.headers().get_all("www-authenticate").iter().collect();
    /// assert!(offer[0].to_str()?.starts_with("Bearer client_id="));
    /// assert_eq!(offer[1], "Basic realm=\"127.0.0.1\"");
    /// # Ok(())
    /// # }
    /// ```
    pub fn trust_bearer_tokens(mut self, issuer: &str, audience: &str, jwks_json: &str) -> Self {
        self.bearer = Some(BearerConfig {
            issuer: issuer.to_owned(),
            audience: audience.to_owned(),
            jwks_json: jwks_json.to_owned(),
        });
        self
    }

    /// Grants `user` (a login name or SMTP address of a configured user) delegate access to
    /// the mailbox `mailbox_smtp`, so that it may read and write that calendar.
    pub fn delegate(mut self, user: &str, mailbox_smtp: &str) -> Self {
        self.delegates
            .push((user.to_owned(), mailbox_smtp.to_owned()));
        self
    }

    /// Sets the `ServerVersionInfo` of response headers (default: Exchange 2016,
    /// `V2017_07_11`).
    pub fn server_version(mut self, version: ServerVersion) -> Self {
        self.version = version;
        self
    }

    /// Sets the largest request body accepted; larger ones get HTTP 413 (default
    /// [`DEFAULT_MAX_REQUEST_BYTES`]).
    pub fn max_request_bytes(mut self, limit: usize) -> Self {
        self.max_request_bytes = Some(limit);
        self
    }

    /// Sets the largest attachment `CreateAttachment` accepts; larger ones get
    /// `ErrorAttachmentSizeLimitExceeded` (default [`DEFAULT_MAX_ATTACHMENT_BYTES`]).
    pub fn max_attachment_bytes(mut self, limit: usize) -> Self {
        self.max_attachment_bytes = Some(limit);
        self
    }

    /// Puts `count` generated calendar items into the calendar of the mailbox `smtp` at the
    /// start: item `i` (from 0) is titled `Seeded item {i}`, starts at `start + i * spacing`
    /// and lasts 30 minutes. For paging tests; an unknown `smtp` makes
    /// [`start`](Self::start) fail.
    pub fn seed_calendar(
        mut self,
        smtp: &str,
        count: usize,
        start: DateTime<Utc>,
        spacing: chrono::Duration,
    ) -> Self {
        self.seeds.push(Seed {
            smtp: smtp.to_owned(),
            folder: folder_tree::TREE[folder_tree::CALENDAR].name.to_owned(),
            pattern: Pattern::Spaced { start, spacing },
            count,
        });
        self
    }

    /// Puts `count` generated items of `kind` into the folder `folder` (a distinguished
    /// folder name such as `contacts`, `tasks`, `inbox` or `notes`) of the mailbox `smtp` at
    /// the start: item `i` (from 0) is titled `Seeded {kind} {i}` (`contact`, `task`,
    /// `message`, `note`, `appointment`). An unknown `smtp` or folder makes
    /// [`start`](Self::start) fail.
    pub fn seed_items(mut self, smtp: &str, folder: &str, kind: SeedKind, count: usize) -> Self {
        self.seeds.push(Seed {
            smtp: smtp.to_owned(),
            folder: folder.to_owned(),
            pattern: Pattern::Kind(kind),
            count,
        });
        self
    }

    /// Checks the configuration and turns it into the shared state.
    fn into_shared(self) -> Result<Shared, Error> {
        let bearer = self
            .bearer
            .map(|c| bearer::Trust::new(&c.issuer, &c.audience, &c.jwks_json))
            .transpose()?;
        let mut directory = Directory::default();
        for user in self.users {
            if directory.users.iter().any(|u| {
                u.login.eq_ignore_ascii_case(&user.login) || u.smtp.eq_ignore_ascii_case(&user.smtp)
            }) {
                return Err(Error::DuplicateUser(user.smtp));
            }
            directory.users.push(user);
        }
        for (user, mailbox) in self.delegates {
            let index = directory
                .users
                .iter()
                .position(|u| {
                    u.login.eq_ignore_ascii_case(&user) || u.smtp.eq_ignore_ascii_case(&user)
                })
                .ok_or_else(|| Error::UnknownUser(user.clone()))?;
            let target = directory
                .mailbox(&mailbox)
                .ok_or_else(|| Error::UnknownUser(mailbox.clone()))?;
            directory.delegates.push((index, target));
        }
        let mut store = Store::new(directory.users.len());
        let now = Utc::now();
        let mut seeds = self.seeds;
        // The items of `seed_calendar` go in first, whatever the order of the calls.
        seeds.sort_by_key(|seed| !matches!(seed.pattern, Pattern::Spaced { .. }));
        for seed in seeds {
            let mailbox = directory
                .mailbox(&seed.smtp)
                .ok_or_else(|| Error::UnknownUser(seed.smtp.clone()))?;
            let folder = folder_tree::by_name(&seed.folder)
                .ok_or_else(|| Error::UnknownFolder(seed.folder.clone()))?;
            for i in 0..seed.count {
                let change = store.next_change();
                store.insert(
                    mailbox,
                    seed::generate(seed.pattern, i, folder, change, now),
                );
            }
        }
        Ok(Shared {
            directory,
            store: Mutex::new(store),
            faults: Mutex::new(FaultQueue::default()),
            log: Mutex::new(RequestLog::default()),
            version: self.version,
            max_request_bytes: self.max_request_bytes.unwrap_or(DEFAULT_MAX_REQUEST_BYTES),
            max_attachment_bytes: self
                .max_attachment_bytes
                .unwrap_or(DEFAULT_MAX_ATTACHMENT_BYTES),
            realm: Ipv4Addr::LOCALHOST.to_string(),
            front_end_user: self.front_end_user,
            bearer,
        })
    }

    /// Binds `127.0.0.1` on a free port and starts serving on a tokio task. A configuration
    /// error (a delegate grant naming an unknown user, a user configured twice) is an error
    /// of kind `InvalidInput` wrapping [`Error`].
    pub async fn start(self) -> std::io::Result<FakeExchange> {
        let shared = Arc::new(
            self.into_shared()
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidInput, e))?,
        );
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).await?;
        let addr = listener.local_addr()?;
        let (stop, stopped) = oneshot::channel();
        let task = tokio::spawn(serve(listener, Arc::clone(&shared), stopped));
        Ok(FakeExchange {
            addr,
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// Accepts connections until told to stop; dropping the connection set closes them all.
async fn serve(listener: TcpListener, shared: Arc<Shared>, mut stopped: oneshot::Receiver<()>) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut stopped => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    let shared = Arc::clone(&shared);
                    connections.spawn(async move {
                        let service = service_fn(move |request| service::handle(Arc::clone(&shared), request));
                        // Errors here are clients going away or injected disconnects.
                        let _ = http1::Builder::new()
                            .keep_alive(true)
                            .serve_connection(TokioIo::new(stream), service)
                            .await;
                    });
                }
                Err(e) => {
                    // Out of file descriptors and the like: wait instead of spinning.
                    tracing::warn!(error = %e, "the fake Exchange server could not accept a connection");
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
}

/// A running fake Exchange server on `127.0.0.1`. Dropping it (or [`FakeExchange::shutdown`])
/// stops it and closes its connections.
#[derive(Debug)]
pub struct FakeExchange {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl FakeExchange {
    /// A builder without users.
    pub fn builder() -> FakeExchangeBuilder {
        FakeExchangeBuilder::default()
    }

    /// The EWS endpoint: `http://127.0.0.1:PORT/EWS/Exchange.asmx`.
    pub fn url(&self) -> String {
        format!("http://{}{EWS_PATH}", self.addr)
    }

    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Makes the next authenticated request to the endpoint answer with `fault`.
    pub fn inject(&self, fault: Fault) {
        self.inject_n(fault, 1);
    }

    /// Makes the next `n` authenticated requests to the endpoint answer with `fault` (after
    /// any faults injected before).
    pub fn inject_n(&self, fault: Fault, n: usize) {
        lock(&self.shared.faults).push(fault, n);
    }

    /// How many injected faults are still waiting for a request.
    pub fn pending_faults(&self) -> usize {
        lock(&self.shared.faults).len()
    }

    /// How many items the calendar of the mailbox `smtp` holds (0 for an unknown mailbox).
    pub fn calendar_len(&self, smtp: &str) -> usize {
        self.item_count(smtp, folder_tree::TREE[folder_tree::CALENDAR].name)
    }

    /// How many items the folder `folder` (a distinguished folder name such as `inbox`) of
    /// the mailbox `smtp` holds (0 for an unknown mailbox or folder).
    pub fn item_count(&self, smtp: &str, folder: &str) -> usize {
        let (Some(mailbox), Some(folder)) = (
            self.shared.directory.mailbox(smtp),
            folder_tree::by_name(folder),
        ) else {
            return 0;
        };
        lock(&self.shared.store).items_in(mailbox, folder).count()
    }

    /// The subjects of the items in the folder `folder` of the mailbox `smtp`, in creation
    /// order (items without subject give an empty string).
    pub fn subjects(&self, smtp: &str, folder: &str) -> Vec<String> {
        let (Some(mailbox), Some(folder)) = (
            self.shared.directory.mailbox(smtp),
            folder_tree::by_name(folder),
        ) else {
            return Vec::new();
        };
        lock(&self.shared.store)
            .items_in(mailbox, folder)
            .map(|i| i.subject.clone().unwrap_or_default())
            .collect()
    }

    /// Every message sent so far, oldest first.
    pub fn sent_messages(&self) -> Vec<SentMessage> {
        let store = lock(&self.shared.store);
        store
            .sent
            .iter()
            .map(|s| SentMessage::of(self.shared.directory.smtp(s.mailbox), &s.item))
            .collect()
    }

    /// The last requests and answers (up to 200), oldest first.
    pub fn logged_requests(&self) -> Vec<LoggedRequest> {
        lock(&self.shared.log).requests()
    }

    /// How many requests named `operation` (such as `FindItem`) since the start, whatever
    /// the answer.
    pub fn request_count(&self, operation: &str) -> usize {
        lock(&self.shared.log).count(operation)
    }

    /// Stops accepting connections, closes the open ones and waits until the server task
    /// has ended.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for FakeExchange {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}
