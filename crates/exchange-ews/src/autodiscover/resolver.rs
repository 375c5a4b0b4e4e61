//! Setting up an [`Autodiscover`] resolver and the order in which it asks endpoints.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use exchange_auth::AuthStrategy;
use tracing::debug;
use url::Url;

use super::cache::DiscoveryCache;
use super::srv::{self, NoSrvRecords, SrvResolver};
use super::walk::{Outcome, Stop, Trail};
use super::{check_address, AutodiscoverAttempt, AutodiscoverProtocol, Discovery};
use crate::client::{AddressCheck, HostLookup};
use crate::http::{Connections, HttpOptions};
use crate::EwsError;

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_MAX_REDIRECTS: usize = 10;
const DEFAULT_CACHE_TTL: Duration = Duration::from_secs(60 * 60);
const DEFAULT_CACHE_CAPACITY: usize = 1000;
/// Autodiscover answers are a few kilobytes.
const DEFAULT_MAX_RESPONSE_BYTES: usize = 1024 * 1024;

/// Maps the authority of a candidate (`contoso.test`, `autodiscover.contoso.test`, or
/// `host:port` of an SRV record) to the base URL asked there (scheme and authority, no
/// trailing path). The default is `https://<authority>`.
pub type BaseUrlHook = Arc<dyn Fn(&str) -> String + Send + Sync>;

/// Finds the EWS URL of a mailbox from its e-mail address; made by
/// [`Autodiscover::builder`]. Cloning is cheap: clones share connections and the cache.
#[derive(Clone)]
pub struct Autodiscover {
    inner: Arc<Inner>,
}

pub(super) struct Inner {
    pub(super) connections: Arc<Connections>,
    pub(super) auth: Arc<dyn AuthStrategy>,
    pub(super) max_response_bytes: usize,
    pub(super) max_redirects: usize,
    pub(super) settings: Vec<String>,
    pub(super) allow_insecure_http: bool,
    srv: Arc<dyn SrvResolver>,
    base_url: BaseUrlHook,
    cache: DiscoveryCache,
}

impl Autodiscover {
    /// A builder with the defaults: 30 s per request, at most 10 redirects, answers cached
    /// for an hour (up to 1000 addresses), no SRV records, HTTPS only.
    pub fn builder() -> AutodiscoverBuilder {
        AutodiscoverBuilder {
            http: HttpOptions::new(DEFAULT_TIMEOUT, DEFAULT_MAX_RESPONSE_BYTES),
            max_redirects: DEFAULT_MAX_REDIRECTS,
            cache_ttl: DEFAULT_CACHE_TTL,
            cache_capacity: DEFAULT_CACHE_CAPACITY,
            settings: None,
            srv: Arc::new(NoSrvRecords),
            base_url: None,
            allow_insecure_http: false,
        }
    }

    /// The EWS URL and settings of `address`, from the cache when it was found before.
    pub async fn resolve(&self, address: &str) -> Result<Discovery, EwsError> {
        let (start, _) = check_address(address)?;
        if let Some(found) = self.inner.cache.get(&start) {
            return Ok(found);
        }
        let mut trail = Trail::new(&start, self.inner.max_redirects);
        let mut address = start.clone();
        loop {
            match self.search(&mut trail, &address).await? {
                Outcome::Found(found) => {
                    self.inner.cache.insert(&start, found.clone());
                    return Ok(found);
                }
                Outcome::Address(next) => {
                    let (next, _) = check_address(&next).map_err(|_| {
                        EwsError::InvalidAutodiscoverResponse {
                            reason: format!(
                                "the redirect address {:?} is not an e-mail address",
                                next.chars().take(100).collect::<String>()
                            ),
                        }
                    })?;
                    trail.address_redirect(&next)?;
                    address = next;
                }
            }
        }
    }

    /// Forgets every cached answer.
    pub fn clear_cache(&self) {
        self.inner.cache.clear();
    }

    /// Asks the endpoints of `address`'s domain in turn until one answers.
    async fn search(&self, trail: &mut Trail, address: &str) -> Result<Outcome, EwsError> {
        let (_, domain) = check_address(address)?;
        let mut attempts = Vec::new();
        let hosts = [domain.clone(), format!("autodiscover.{domain}")];
        let candidates = self.candidates(&hosts);
        if let Some(outcome) = self
            .ask_each(trail, address, &candidates, &mut attempts)
            .await?
        {
            return Ok(outcome);
        }
        let name = format!("_autodiscover._tcp.{domain}");
        match self.inner.srv.lookup(&name).await {
            Err(failure) => attempts.push(AutodiscoverAttempt { url: name, failure }),
            Ok(records) => match srv::best(&records).and_then(srv::authority) {
                Some(authority) => {
                    let fresh: Vec<_> = self
                        .candidates(&[authority])
                        .into_iter()
                        .filter(|fresh| !candidates.contains(fresh))
                        .collect();
                    if let Some(outcome) =
                        self.ask_each(trail, address, &fresh, &mut attempts).await?
                    {
                        return Ok(outcome);
                    }
                }
                None => attempts.push(AutodiscoverAttempt {
                    url: name,
                    failure: EwsError::Connection {
                        kind: crate::error::ConnectFailure::NameNotResolved,
                        detail: "no usable SRV record".into(),
                    },
                }),
            },
        }
        Err(EwsError::AutodiscoverFailed {
            address: address.to_owned(),
            attempts,
        })
    }

    /// Asks each candidate; a failure is recorded and the next one asked, a fatal error
    /// (a loop, an insecure URL, an unknown user) ends the search.
    async fn ask_each(
        &self,
        trail: &mut Trail,
        address: &str,
        candidates: &[(String, AutodiscoverProtocol)],
        attempts: &mut Vec<AutodiscoverAttempt>,
    ) -> Result<Option<Outcome>, EwsError> {
        for (raw, protocol) in candidates {
            let url = match Url::parse(raw) {
                Ok(url) => url,
                Err(e) => {
                    attempts.push(AutodiscoverAttempt {
                        url: raw.clone(),
                        failure: EwsError::InvalidArgument {
                            argument: "base_url",
                            reason: format!("{raw:?}: {e}"),
                        },
                    });
                    continue;
                }
            };
            match trail.walk(&self.inner, address, url, *protocol).await {
                Ok(outcome) => return Ok(Some(outcome)),
                Err(Stop::Fatal(error)) => return Err(error),
                Err(Stop::Failed(failure)) => {
                    debug!(url = %raw, %failure, "Autodiscover endpoint failed");
                    attempts.push(AutodiscoverAttempt {
                        url: raw.clone(),
                        failure,
                    });
                }
            }
        }
        Ok(None)
    }

    /// The SOAP URLs of `authorities`, then their POX URLs, without repetitions.
    pub(super) fn candidates(&self, authorities: &[String]) -> Vec<(String, AutodiscoverProtocol)> {
        let mut out: Vec<(String, AutodiscoverProtocol)> = Vec::new();
        for (protocol, path) in [
            (AutodiscoverProtocol::Soap, "/autodiscover/autodiscover.svc"),
            (AutodiscoverProtocol::Pox, "/autodiscover/autodiscover.xml"),
        ] {
            for authority in authorities {
                let base = (self.inner.base_url)(authority);
                let url = format!("{}{path}", base.trim_end_matches('/'));
                if !out.iter().any(|(u, _)| *u == url) {
                    out.push((url, protocol));
                }
            }
        }
        out
    }
}

impl fmt::Debug for Autodiscover {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Autodiscover")
            .field("auth", &self.inner.auth.scheme())
            .field("max_redirects", &self.inner.max_redirects)
            .field("settings", &self.inner.settings)
            .field("srv", &self.inner.srv)
            .field("allow_insecure_http", &self.inner.allow_insecure_http)
            .finish_non_exhaustive()
    }
}

/// Sets up an [`Autodiscover`]; made by [`Autodiscover::builder`].
#[must_use]
pub struct AutodiscoverBuilder {
    http: HttpOptions,
    max_redirects: usize,
    cache_ttl: Duration,
    cache_capacity: usize,
    settings: Option<Vec<String>>,
    srv: Arc<dyn SrvResolver>,
    base_url: Option<BaseUrlHook>,
    allow_insecure_http: bool,
}

impl AutodiscoverBuilder {
    /// Trusts the certificates of a PEM bundle besides the built-in roots, as
    /// [`EwsClientBuilder::add_root_certificates_pem`](crate::EwsClientBuilder::add_root_certificates_pem)
    /// does; [`build`](Self::build) refuses a bundle without a usable certificate.
    pub fn add_root_certificates_pem(mut self, pem: impl AsRef<[u8]>) -> Self {
        self.http.root_certificates.push(pem.as_ref().to_vec());
        self
    }

    /// How every request authenticates (required).
    pub fn auth(mut self, strategy: Arc<dyn AuthStrategy>) -> Self {
        self.http.auth = Some(strategy);
        self
    }

    /// Judges the addresses each candidate's and redirect's host name resolves to before
    /// connecting, as
    /// [`EwsClientBuilder::check_addresses`](crate::EwsClientBuilder::check_addresses) does:
    /// a refused candidate is recorded among the attempts and the next one is asked.
    pub fn check_addresses(mut self, check: Arc<dyn AddressCheck>) -> Self {
        self.http.address_check = Some(check);
        self
    }

    /// How host names are resolved, as
    /// [`EwsClientBuilder::host_lookup`](crate::EwsClientBuilder::host_lookup) says.
    pub fn host_lookup(mut self, lookup: Arc<dyn HostLookup>) -> Self {
        self.http.host_lookup = Some(lookup);
        self
    }

    /// The longest one request may take (default 30 seconds).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.http.timeout = timeout;
        self
    }

    /// The most redirects (HTTP, URL and address) one lookup follows (default 10).
    pub fn max_redirects(mut self, limit: usize) -> Self {
        self.max_redirects = limit;
        self
    }

    /// How long an answer is reused (default one hour; zero turns the cache off).
    pub fn cache_ttl(mut self, ttl: Duration) -> Self {
        self.cache_ttl = ttl;
        self
    }

    /// The most addresses cached (default 1000; zero turns the cache off).
    pub fn cache_capacity(mut self, capacity: usize) -> Self {
        self.cache_capacity = capacity;
        self
    }

    /// The largest answer accepted, in bytes (default 1 MiB).
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.http.max_response_bytes = limit;
        self
    }

    /// The settings SOAP Autodiscover asks for (default [`super::DEFAULT_SETTINGS`]); the
    /// EWS URL is read from `ExternalEwsUrl` or `InternalEwsUrl`, so keep one of them.
    pub fn requested_settings(mut self, settings: Vec<String>) -> Self {
        self.settings = Some(settings);
        self
    }

    /// Looks up `_autodiscover._tcp.<domain>` with `resolver` when the HTTPS endpoints fail
    /// (default [`NoSrvRecords`], which finds nothing).
    pub fn srv_resolver(mut self, resolver: Arc<dyn SrvResolver>) -> Self {
        self.srv = resolver;
        self
    }

    /// Where candidates are asked: `hook` maps an authority to a base URL (see
    /// [`BaseUrlHook`]). Meant for tests and proxies; the URLs it gives are still refused
    /// unless they are `https://` (or [`allow_insecure_http`](Self::allow_insecure_http)).
    pub fn base_url(mut self, hook: BaseUrlHook) -> Self {
        self.base_url = Some(hook);
        self
    }

    /// **For tests only**: lets candidates and redirects use `http://`, so that a fake
    /// server on 127.0.0.1 can answer. Never use it against real servers: credentials and
    /// answers would travel in clear text.
    pub fn allow_insecure_http(mut self) -> Self {
        self.allow_insecure_http = true;
        self
    }

    /// The resolver; fails on a missing strategy, a zero timeout or size limit, an unusable
    /// settings list, or when the TLS backend cannot start.
    pub fn build(self) -> Result<Autodiscover, EwsError> {
        let auth = self.http.checked_auth()?;
        let settings = match self.settings {
            Some(settings) => {
                // Checked here so that a bad list fails at set-up, not at the first lookup.
                super::soap::check_settings(&settings)?;
                settings
            }
            None => super::DEFAULT_SETTINGS
                .iter()
                .map(|s| (*s).to_owned())
                .collect(),
        };
        let connections = self.http.connections(auth.as_ref())?;
        let base_url = self
            .base_url
            .unwrap_or_else(|| Arc::new(|authority: &str| format!("https://{authority}")));
        Ok(Autodiscover {
            inner: Arc::new(Inner {
                connections,
                auth,
                max_response_bytes: self.http.max_response_bytes,
                max_redirects: self.max_redirects,
                settings,
                allow_insecure_http: self.allow_insecure_http,
                srv: self.srv,
                base_url,
                cache: DiscoveryCache::new(self.cache_ttl, self.cache_capacity),
            }),
        })
    }
}

impl fmt::Debug for AutodiscoverBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AutodiscoverBuilder")
            .field("auth", &self.http.auth.as_ref().map(|a| a.scheme()))
            .field("timeout", &self.http.timeout)
            .field("address_check", &self.http.address_check)
            .field("host_lookup", &self.http.host_lookup)
            .field("max_redirects", &self.max_redirects)
            .field("cache_ttl", &self.cache_ttl)
            .field("cache_capacity", &self.cache_capacity)
            .field("allow_insecure_http", &self.allow_insecure_http)
            .finish_non_exhaustive()
    }
}
