//! Resolving host names at connect time, with a check on the addresses a name resolves to.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use async_trait::async_trait;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};

/// Judges the addresses a host name resolved to, before any connection to them is made:
/// installed with [`EwsClientBuilder::check_addresses`](crate::EwsClientBuilder::check_addresses)
/// (and the Autodiscover builder's method of the same name).
///
/// The check sees every address of the name at once. Refuse the whole name when any of them
/// is unwelcome rather than filtering that one out: a name that points partly at a forbidden
/// address is not trustworthy, and whoever controls its DNS could drop the good addresses next.
///
/// Names only: a URL whose host is an IP address is connected to without a lookup, so the
/// check never sees it. Judge such URLs yourself before building the client.
///
/// ```
/// use std::net::IpAddr;
/// use exchange_ews::client::AddressCheck;
///
/// /// Refuses link-local addresses, where cloud metadata services answer.
/// #[derive(Debug)]
/// struct NoLinkLocal;
///
/// impl AddressCheck for NoLinkLocal {
///     fn check(&self, host: &str, addresses: &[IpAddr]) -> Result<(), String> {
///         match addresses.iter().find(|a| matches!(a, IpAddr::V4(v4) if v4.is_link_local())) {
///             Some(address) => Err(format!("{host} resolves to the link-local {address}")),
///             None => Ok(()),
///         }
///     }
/// }
///
/// let refused = NoLinkLocal.check("mail.contoso.test", &["169.254.169.254".parse()?]);
/// assert!(refused.is_err());
/// assert!(NoLinkLocal.check("mail.contoso.test", &["10.0.0.5".parse()?]).is_ok());
/// # Ok::<(), std::net::AddrParseError>(())
/// ```
pub trait AddressCheck: Send + Sync + fmt::Debug {
    /// `Ok` when connections to `host` at `addresses` may be made; otherwise why not, which
    /// the failed request reports as [`EwsError::AddressRefused`](crate::EwsError::AddressRefused).
    fn check(&self, host: &str, addresses: &[IpAddr]) -> Result<(), String>;
}

/// Finds the addresses of a host name: the lookup under an [`AddressCheck`]. The default,
/// [`SystemLookup`], asks the system's resolver; tests plug in a fixed table instead.
#[async_trait]
pub trait HostLookup: Send + Sync + fmt::Debug {
    /// The addresses of `host` (a name, never an IP address). An empty list is taken as a
    /// name that does not resolve.
    async fn lookup(&self, host: &str) -> io::Result<Vec<IpAddr>>;
}

/// The default [`HostLookup`]: the system's resolver (`getaddrinfo`, through tokio).
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemLookup;

#[async_trait]
impl HostLookup for SystemLookup {
    async fn lookup(&self, host: &str) -> io::Result<Vec<IpAddr>> {
        let found = tokio::net::lookup_host((host, 0)).await?;
        Ok(found.map(|address| address.ip()).collect())
    }
}

/// The resolver of a client: the lookup, then the check of everything it found.
#[derive(Debug, Clone)]
pub(super) struct CheckedResolver {
    pub(super) lookup: Arc<dyn HostLookup>,
    pub(super) check: Option<Arc<dyn AddressCheck>>,
}

impl Resolve for CheckedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_owned();
        let resolver = self.clone();
        Box::pin(async move {
            let addresses = resolver.lookup.lookup(&host).await?;
            if addresses.is_empty() {
                return Err(io::Error::new(
                    io::ErrorKind::NotFound,
                    format!("{host} has no address"),
                )
                .into());
            }
            if let Some(check) = &resolver.check {
                check
                    .check(&host, &addresses)
                    .map_err(|reason| AddressRefusal { host, reason })?;
            }
            // Port 0 stands for the URL's port (or the scheme's default).
            let addrs: Addrs = Box::new(
                addresses
                    .into_iter()
                    .map(|address| SocketAddr::new(address, 0)),
            );
            Ok(addrs)
        })
    }
}

/// What the resolver fails with when the check refuses a name; found again in the chain of
/// the failed request's error, where it becomes [`EwsError::AddressRefused`](crate::EwsError).
#[derive(Debug)]
pub(super) struct AddressRefusal {
    pub(super) host: String,
    pub(super) reason: String,
}

impl fmt::Display for AddressRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the addresses of {} are refused: {}",
            self.host, self.reason
        )
    }
}

impl StdError for AddressRefusal {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[derive(Debug)]
    struct Table(Vec<IpAddr>);

    #[async_trait]
    impl HostLookup for Table {
        async fn lookup(&self, _host: &str) -> io::Result<Vec<IpAddr>> {
            Ok(self.0.clone())
        }
    }

    /// Refuses a name when any of its addresses is 10.0.0.1, naming the host.
    #[derive(Debug)]
    struct NotTen;

    impl AddressCheck for NotTen {
        fn check(&self, host: &str, addresses: &[IpAddr]) -> Result<(), String> {
            let bad: IpAddr = [10, 0, 0, 1].into();
            if addresses.contains(&bad) {
                Err(format!("{host} points at {bad}"))
            } else {
                Ok(())
            }
        }
    }

    fn resolver(addresses: &[[u8; 4]]) -> CheckedResolver {
        CheckedResolver {
            lookup: Arc::new(Table(addresses.iter().map(|&a| a.into()).collect())),
            check: Some(Arc::new(NotTen)),
        }
    }

    async fn resolve(resolver: &CheckedResolver) -> Result<Vec<SocketAddr>, String> {
        let name = Name::from_str("mail.contoso.test").unwrap();
        match resolver.resolve(name).await {
            Ok(addrs) => Ok(addrs.collect()),
            Err(e) => Err(e.to_string()),
        }
    }

    #[tokio::test]
    async fn one_refused_address_refuses_the_whole_name() {
        let refused = resolve(&resolver(&[[10, 0, 0, 2], [10, 0, 0, 1]]))
            .await
            .unwrap_err();
        assert_eq!(
            refused,
            "the addresses of mail.contoso.test are refused: mail.contoso.test points at 10.0.0.1"
        );
        let allowed = resolve(&resolver(&[[10, 0, 0, 2], [10, 0, 0, 3]]))
            .await
            .unwrap();
        assert_eq!(
            allowed,
            [
                SocketAddr::from(([10, 0, 0, 2], 0)),
                SocketAddr::from(([10, 0, 0, 3], 0))
            ]
        );
    }

    #[tokio::test]
    async fn a_name_without_addresses_does_not_resolve() {
        let err = resolve(&resolver(&[])).await.unwrap_err();
        assert_eq!(err, "mail.contoso.test has no address");
    }
}
