//! Setting up an [`EwsClient`].

use std::fmt;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use exchange_auth::{AuthStrategy, Target};
use url::Url;

use super::back_off::BackOffState;
use super::identity::{Identity, Impersonation};
use super::limit::{MailboxLimits, DEFAULT_PER_MAILBOX};
use super::retry::{Jitter, RetryPolicy};
use super::{AddressCheck, HostLookup};
use super::{EwsClient, Inner, MAX_BATCH_SIZE};
use crate::http::{HttpEndpoint, HttpOptions};
use crate::timezone::{TimeZoneContext, WindowsZoneId};
use crate::{EwsError, ExchangeVersion};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(100);
const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

/// Sets up an [`EwsClient`]; made by [`EwsClient::builder`].
#[must_use]
pub struct EwsClientBuilder {
    url: String,
    version: ExchangeVersion,
    http: HttpOptions,
    retry: RetryPolicy,
    max_concurrent_per_mailbox: usize,
    back_off: Option<(BackOffState, String)>,
    impersonation: Option<Impersonation>,
    time_zone: Option<WindowsZoneId>,
    batch_size: usize,
}

impl EwsClientBuilder {
    pub(super) fn new(url: &str) -> Self {
        Self {
            url: url.to_owned(),
            version: ExchangeVersion::default(),
            http: HttpOptions::new(DEFAULT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES),
            retry: RetryPolicy::default(),
            max_concurrent_per_mailbox: DEFAULT_PER_MAILBOX,
            back_off: None,
            impersonation: None,
            time_zone: None,
            batch_size: MAX_BATCH_SIZE,
        }
    }

    /// When throttled calls are sent again (default [`RetryPolicy::default`]). Its
    /// `max_delay` also bounds how long a call waits for the back-off of its mailbox and
    /// server in all (see [`back_off_state`](Self::back_off_state)).
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Shares throttling back-offs with every client built with a clone of `state`: once an
    /// answer asks one of them to back off from a mailbox or a server, the others' requests
    /// to it wait until the back-off ends before they are sent (see [`BackOffState`]).
    ///
    /// `account` names the mailbox the client's requests act on when it does not
    /// impersonate: the login's user name or address, compared without case. Clients of one
    /// account then back off together, clients of other accounts only from the same server.
    /// [`build`](Self::build) refuses an empty name. Without this call the client keeps a
    /// state of its own, which its clones and impersonating clients share.
    pub fn back_off_state(mut self, state: BackOffState, account: &str) -> Self {
        self.back_off = Some((state, account.to_owned()));
        self
    }

    /// The most requests in flight per target mailbox (the impersonated one, else the
    /// account's own); more wait their turn (default 10, Exchange's usual budget).
    pub fn max_concurrent_per_mailbox(mut self, limit: usize) -> Self {
        self.max_concurrent_per_mailbox = limit;
        self
    }

    /// Acts on another mailbox through EWS impersonation (the account needs the
    /// `ApplicationImpersonation` role). [`build`](Self::build) refuses an empty identifier,
    /// one longer than 1024 characters or one with control characters.
    pub fn impersonate(mut self, impersonation: Impersonation) -> Self {
        self.impersonation = Some(impersonation);
        self
    }

    /// Sends a `TimeZoneContext` header naming `zone` with every request (Exchange 2010 and
    /// later; left out when the version is Exchange 2007 SP1), so that the server reads and
    /// writes times without an offset in that zone and expands recurrences in it.
    pub fn time_zone(mut self, zone: WindowsZoneId) -> Self {
        self.time_zone = Some(zone);
        self
    }

    /// How many entries the batch calls ([`EwsClient::create_items`] and the like) send per
    /// request: 1 to [`MAX_BATCH_SIZE`] (the default); [`build`](Self::build) refuses others.
    pub fn batch_size(mut self, size: usize) -> Self {
        self.batch_size = size;
        self
    }

    /// Trusts the certificates of a PEM bundle besides the built-in roots: the certificate
    /// authority of an on-premises Exchange. [`build`](Self::build) refuses a bundle without
    /// a readable certificate.
    pub fn add_root_certificates_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.http.root_certificates.push(pem.as_ref().to_vec());
        self
    }

    /// Judges the addresses the URL's host name resolves to, each time a connection is made
    /// (connection-bound schemes included), before anything is sent; a refused name fails the
    /// request with [`EwsError::AddressRefused`]. Every address of the name is judged and one
    /// refused address refuses them all (see [`AddressCheck`]).
    ///
    /// Names are resolved through [`host_lookup`](Self::host_lookup) then, and no proxy is
    /// used, not even one named by `HTTPS_PROXY`: a proxy would resolve the name out of the
    /// check's sight. A URL whose host is an IP address is never looked up, so never checked:
    /// judge it yourself before building the client.
    pub fn check_addresses(mut self, check: Arc<dyn AddressCheck>) -> Self {
        self.http.address_check = Some(check);
        self
    }

    /// How host names are resolved (default [`SystemLookup`](super::SystemLookup), the
    /// system's resolver): a fixed table in tests, or a resolver of the caller's own.
    pub fn host_lookup(mut self, lookup: Arc<dyn HostLookup>) -> Self {
        self.http.host_lookup = Some(lookup);
        self
    }

    /// The schema version to request (default [`ExchangeVersion::Exchange2010`]).
    pub fn version(mut self, version: ExchangeVersion) -> Self {
        self.version = version;
        self
    }

    /// How every request authenticates (required).
    pub fn auth(mut self, strategy: Arc<dyn AuthStrategy>) -> Self {
        self.http.auth = Some(strategy);
        self
    }

    /// The longest a request may take, from connecting to the last byte of the answer
    /// (default 100 seconds, as Exchange's own clients use).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.http.timeout = timeout;
        self
    }

    /// The largest answer accepted, in bytes (default 64 MiB); a larger one fails with
    /// [`EwsError::ResponseTooLarge`] without being read to its end.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.http.max_response_bytes = limit;
        self
    }

    /// The client; fails on a URL that is not `http(s)://host/…`, a missing strategy, a
    /// zero timeout or limit, or when the TLS backend cannot start.
    pub fn build(self) -> Result<EwsClient, EwsError> {
        let url = check_url(&self.url)?;
        let auth = self.http.checked_auth()?;
        if self.retry.max_attempts() == 0 {
            return Err(EwsError::InvalidArgument {
                argument: "retry",
                reason: "the policy allows no attempt at all".into(),
            });
        }
        if !(1..=tokio::sync::Semaphore::MAX_PERMITS).contains(&self.max_concurrent_per_mailbox) {
            return Err(EwsError::InvalidArgument {
                argument: "max_concurrent_per_mailbox",
                reason: format!("{} is not a usable limit", self.max_concurrent_per_mailbox),
            });
        }
        if !(1..=MAX_BATCH_SIZE).contains(&self.batch_size) {
            return Err(EwsError::InvalidArgument {
                argument: "batch_size",
                reason: format!("{} is not between 1 and {MAX_BATCH_SIZE}", self.batch_size),
            });
        }
        if auth.requires_impersonation() && self.impersonation.is_none() {
            return Err(EwsError::InvalidArgument {
                argument: "impersonate",
                reason: format!(
                    "the {} strategy authenticates an application, which may act on any mailbox \
                     it was granted: name the mailbox with impersonate()",
                    auth.scheme()
                ),
            });
        }
        let (back_off, account) = match self.back_off {
            Some((_, account)) if account.trim().is_empty() => {
                return Err(EwsError::InvalidArgument {
                    argument: "back_off_state",
                    reason: "the account whose mailbox the client acts on has no name".into(),
                })
            }
            Some(shared) => shared,
            // Nobody else uses this state, so the account's own mailbox needs no name in it.
            None => (BackOffState::new(), String::new()),
        };
        let server_key = server_key(&url);
        let identity = Identity::new(self.impersonation)?;
        // Autodiscover, not HTTP redirects, is how clients find a moved mailbox.
        let connections = self.http.connections(auth.as_ref())?;
        Ok(EwsClient {
            inner: Arc::new(Inner {
                endpoint: HttpEndpoint {
                    connections,
                    url,
                    auth,
                    max_response_bytes: self.http.max_response_bytes,
                },
                version: self.version,
                time_zone: self.time_zone.map(TimeZoneContext::new),
                timeout: self.http.timeout,
                last_server_version: Mutex::new(None),
                retry: self.retry,
                jitter: Jitter::new(),
                limits: MailboxLimits::new(self.max_concurrent_per_mailbox),
                back_off,
                server_key,
                account,
                batch_size: self.batch_size,
            }),
            identity: Arc::new(identity),
            response_limit: None,
        })
    }
}

/// The URL's host and port, the key of the server's back-off.
fn server_key(url: &Url) -> String {
    let host = url.host_str().unwrap_or_default();
    match url.port_or_known_default() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_owned(),
    }
}

fn check_url(raw: &str) -> Result<Url, EwsError> {
    let invalid = |reason: &str| EwsError::InvalidArgument {
        argument: "url",
        reason: format!("{raw:?}: {reason}"),
    };
    let url = Url::parse(raw.trim()).map_err(|e| invalid(&e.to_string()))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(invalid("the scheme is not http or https"));
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(invalid("the URL has no host"));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(invalid(
            "credentials belong in the authentication strategy, not the URL",
        ));
    }
    Target::new(url.as_str()).map_err(|e| invalid(&e.to_string()))?;
    Ok(url)
}

impl fmt::Debug for EwsClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EwsClientBuilder")
            .field("url", &self.url)
            .field("version", &self.version)
            .field("auth", &self.http.auth.as_ref().map(|a| a.scheme()))
            .field("timeout", &self.http.timeout)
            .field("max_response_bytes", &self.http.max_response_bytes)
            .field("address_check", &self.http.address_check)
            .field("host_lookup", &self.http.host_lookup)
            .field("retry", &self.retry)
            .field(
                "max_concurrent_per_mailbox",
                &self.max_concurrent_per_mailbox,
            )
            .field("back_off", &self.back_off)
            .field("impersonation", &self.impersonation)
            .field("time_zone", &self.time_zone)
            .field("batch_size", &self.batch_size)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use exchange_auth::{Basic, UserCredentials};
    use secrecy::SecretString;

    fn basic() -> Arc<dyn AuthStrategy> {
        let credentials = UserCredentials::new("alice", SecretString::from("hunter2-secret"));
        Arc::new(Basic::new(credentials).unwrap())
    }

    fn argument_of(result: Result<EwsClient, EwsError>) -> &'static str {
        match result {
            Err(EwsError::InvalidArgument { argument, .. }) => argument,
            other => panic!("expected an invalid argument, got {other:?}"),
        }
    }

    #[test]
    fn builds_with_defaults() {
        let client = EwsClient::builder("https://mail.contoso.test/EWS/Exchange.asmx")
            .auth(basic())
            .build()
            .unwrap();
        assert_eq!(client.version(), ExchangeVersion::Exchange2010);
        assert_eq!(client.inner.timeout, DEFAULT_TIMEOUT);
        assert_eq!(
            client.inner.endpoint.max_response_bytes,
            DEFAULT_MAX_RESPONSE_BYTES
        );
        assert_eq!(client.last_server_version(), None);
    }

    #[test]
    fn refuses_unusable_urls() {
        for url in [
            "",
            "not a url",
            "ftp://mail.contoso.test/EWS/Exchange.asmx",
            "file:///etc/passwd",
            "https://",
            "http://:80/EWS/Exchange.asmx",
            "https://alice:pw@mail.contoso.test/EWS/Exchange.asmx",
            "mailto:alice@contoso.test",
        ] {
            assert_eq!(
                argument_of(EwsClient::builder(url).auth(basic()).build()),
                "url",
                "{url}"
            );
        }
        assert!(
            EwsClient::builder("http://127.0.0.1:8080/EWS/Exchange.asmx")
                .auth(basic())
                .build()
                .is_ok()
        );
        assert!(EwsClient::builder("https://[::1]/EWS/Exchange.asmx")
            .auth(basic())
            .build()
            .is_ok());
    }

    #[test]
    fn refuses_missing_or_zero_settings() {
        let url = "https://mail.contoso.test/EWS/Exchange.asmx";
        assert_eq!(argument_of(EwsClient::builder(url).build()), "auth");
        let zero_timeout = EwsClient::builder(url)
            .auth(basic())
            .timeout(Duration::ZERO)
            .build();
        assert_eq!(argument_of(zero_timeout), "timeout");
        let zero_limit = EwsClient::builder(url)
            .auth(basic())
            .max_response_bytes(0)
            .build();
        assert_eq!(argument_of(zero_limit), "max_response_bytes");
        let no_attempt = EwsClient::builder(url)
            .auth(basic())
            .retry(RetryPolicy::new(0, Duration::ZERO, Duration::ZERO))
            .build();
        assert_eq!(argument_of(no_attempt), "retry");
        for limit in [0, usize::MAX] {
            let unusable = EwsClient::builder(url)
                .auth(basic())
                .max_concurrent_per_mailbox(limit)
                .build();
            assert_eq!(argument_of(unusable), "max_concurrent_per_mailbox");
        }
        let nobody = EwsClient::builder(url)
            .auth(basic())
            .impersonate(Impersonation::Sid(" ".into()))
            .build();
        assert_eq!(argument_of(nobody), "impersonation");
        let no_account = EwsClient::builder(url)
            .auth(basic())
            .back_off_state(BackOffState::new(), " ")
            .build();
        assert_eq!(argument_of(no_account), "back_off_state");
    }

    #[test]
    fn servers_are_keyed_by_host_and_port() {
        let key = |raw: &str| server_key(&check_url(raw).unwrap());
        assert_eq!(
            key("https://Mail.Contoso.TEST/EWS/Exchange.asmx"),
            "mail.contoso.test:443"
        );
        assert_eq!(
            key("http://mail.contoso.test/EWS/Exchange.asmx"),
            "mail.contoso.test:80"
        );
        assert_eq!(
            key("https://mail.contoso.test:8443/EWS/Exchange.asmx"),
            "mail.contoso.test:8443"
        );
        assert_eq!(key("http://[::1]:8080/EWS/Exchange.asmx"), "[::1]:8080");
    }

    #[test]
    fn debug_output_holds_no_secret() {
        let builder = EwsClient::builder("https://mail.contoso.test/EWS/Exchange.asmx")
            .auth(basic())
            .version(ExchangeVersion::Exchange2016)
            .timeout(Duration::from_secs(5))
            .max_response_bytes(1024);
        let printed = format!("{builder:?}");
        assert!(
            printed.contains("Basic") && !printed.contains("hunter2"),
            "{printed}"
        );
        let client = builder.build().unwrap();
        let printed = format!("{client:?}");
        assert!(
            printed.contains("Exchange2016") && printed.contains("Basic"),
            "{printed}"
        );
        assert!(
            !printed.contains("hunter2") && !printed.contains("alice"),
            "{printed}"
        );
        assert_eq!(client.clone().version(), ExchangeVersion::Exchange2016);
    }
}
