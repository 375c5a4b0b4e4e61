//! The connections of one set of HTTP settings: one shared pool for one-shot schemes, or
//! single-connection clients leased per request for connection-bound ones.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use exchange_auth::AuthStrategy;

use super::resolve::CheckedResolver;
use crate::EwsError;

/// The most idle connections kept per client for connection-bound strategies.
const MAX_IDLE_BOUND: usize = 16;

/// How the HTTP clients of an [`EwsClient`](crate::EwsClient) or an
/// [`Autodiscover`](crate::autodiscover::Autodiscover) are made.
#[derive(Clone)]
pub(crate) struct HttpSettings {
    pub(super) timeout: Duration,
    /// Certificates trusted besides the built-in roots (an on-premises CA).
    pub(super) roots: Vec<reqwest::Certificate>,
    /// Our own resolver instead of `reqwest`'s, when an address check or a lookup is given.
    pub(super) resolver: Option<Arc<CheckedResolver>>,
}

impl HttpSettings {
    pub(super) fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            roots: Vec::new(),
            resolver: None,
        }
    }

    /// A client with this crate's settings: a timeout per request, no automatic redirects (a
    /// redirected POST would lose its body or leak credentials to another host; callers decide
    /// which redirects to follow). A `bound` client is for connection-bound schemes: HTTP/1.1
    /// only (NTLM and Negotiate authenticate a connection, which HTTP/2 multiplexes; IIS refuses
    /// them over it), at most one kept-alive connection, and the server certificate kept for
    /// the channel bindings. With an address check, no proxy is used: a proxy would resolve
    /// the name itself, out of the check's sight.
    fn client(&self, bound: bool) -> Result<reqwest::Client, EwsError> {
        let mut http = reqwest::Client::builder()
            .timeout(self.timeout)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("exchange-ews/", env!("CARGO_PKG_VERSION")));
        for root in &self.roots {
            http = http.add_root_certificate(root.clone());
        }
        if let Some(resolver) = &self.resolver {
            http = http.dns_resolver(Arc::clone(resolver));
            if resolver.check.is_some() {
                http = http.no_proxy();
            }
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
    pub(super) fn new(
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

    pub(super) fn lease(&self) -> Result<Lease<'_>, EwsError> {
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
pub(super) struct Lease<'a> {
    pub(super) client: reqwest::Client,
    home: Option<&'a Mutex<Vec<reqwest::Client>>>,
}

impl Lease<'_> {
    pub(super) fn is_bound(&self) -> bool {
        self.home.is_some()
    }

    pub(super) fn keep(self) {
        if let Some(home) = self.home {
            let mut idle = home.lock().unwrap_or_else(PoisonError::into_inner);
            if idle.len() < MAX_IDLE_BOUND {
                idle.push(self.client);
            }
        }
    }
}
