//! The EWS URL policy: where the gateway may send Exchange passwords.
//!
//! See [`UrlPolicy`] for what it refuses.

use std::fmt;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use serde::{Deserialize, Deserializer};
use url::{Host, Url};

/// Host names of cloud metadata services, refused like their addresses.
const METADATA_HOSTS: &[&str] = &["metadata.google.internal", "metadata.goog"];

/// Where the gateway may send Exchange passwords.
///
/// [`UrlPolicy::check`] judges an EWS URL (a data source's server URL, an Autodiscover answer)
/// before any password is sent to it; [`UrlPolicy::check_addresses`] judges the addresses its
/// host name resolved to, before connecting, so that a name cannot lead to a forbidden address
/// either ([`EwsBackend`](crate::EwsBackend) installs it as its clients' address check, run
/// each time they connect).
///
/// A URL is refused when it
/// - is not a valid absolute URL;
/// - is not `https`: plain `http` is allowed only with
///   [`allow_plain_http_on_loopback`](UrlPolicy::allow_plain_http_on_loopback) on and a host of
///   `localhost`, `127.0.0.0/8` or `::1` (a development server on this machine);
/// - carries user information (`https://user:pass@host/`): login data never travels in URLs;
/// - names a host that is not on [`allowed_hosts`](UrlPolicy::allowed_hosts), when that list is
///   not empty;
/// - names a known cloud metadata host (`metadata.google.internal`, `metadata.goog`);
/// - names, or resolves to, a forbidden address: see [`ForbiddenRange`].
///
/// IP-address hosts are judged by the address the `url` crate reads, so other spellings of a
/// forbidden address are refused as well: `http://2852039166/`, `http://0xA9FEA9FE/`,
/// `http://0251.0376.0251.0376/` and `http://169.254.43518/` all read as `169.254.169.254`.
/// An IPv6 address that carries an IPv4 address (`::ffff:a.b.c.d`, the deprecated
/// `::a.b.c.d`, and the NAT64 prefix `64:ff9b::/96`) is judged by that IPv4 address too.
///
/// Private ranges (`10/8`, `172.16/12`, `192.168/16`, `fc00::/7` but for the metadata address)
/// and loopback are allowed: on-premises Exchange servers live there. Use the allow-list to
/// narrow the hosts further.
///
/// Embedded in the gateway's TOML configuration; every field may be left out:
///
/// ```toml
/// allow_plain_http_on_loopback = false
/// allowed_hosts = ["mail.contoso.com", "*.exchange.contoso.com"]
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UrlPolicy {
    /// Allows plain `http` to `localhost`, `127.0.0.0/8` and `::1`: for a development server
    /// on this machine only. Off by default.
    pub allow_plain_http_on_loopback: bool,
    /// The host names (or IP addresses) EWS URLs may name; empty allows any host that passes
    /// the other checks.
    ///
    /// Names match exactly, ignoring case and a trailing dot; international names match in
    /// either spelling (`bücher.example` or `xn--bcher-kva.example`). An entry `*.contoso.com`
    /// matches every name below `contoso.com` (`mail.contoso.com`, `a.b.contoso.com`) but not
    /// `contoso.com` itself; `*` stands only as the whole first label. IPv6 addresses are
    /// written in brackets (`[2001:db8::5]`). Entries that are no valid host never match; the
    /// configuration file refuses them when it is read.
    #[serde(deserialize_with = "valid_hosts")]
    pub allowed_hosts: Vec<String>,
}

/// A range of addresses the gateway never sends passwords to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ForbiddenRange {
    /// A cloud metadata service (`169.254.169.254`, `fd00:ec2::254`, `100.100.100.200`,
    /// `192.0.0.192`): it hands out the machine's cloud credentials.
    CloudMetadata,
    /// Link-local (`169.254.0.0/16`, `fe80::/10`): no Exchange server is configured there.
    LinkLocal,
    /// Unspecified or "this network" (`0.0.0.0/8`, `::`): on Linux it reaches this machine.
    Unspecified,
    /// Multicast (`224.0.0.0/4`, `ff00::/8`).
    Multicast,
    /// The broadcast address `255.255.255.255`.
    Broadcast,
}

impl fmt::Display for ForbiddenRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CloudMetadata => "a cloud metadata service",
            Self::LinkLocal => "link-local",
            Self::Unspecified => "unspecified",
            Self::Multicast => "multicast",
            Self::Broadcast => "broadcast",
        })
    }
}

/// Why an EWS URL, or an address its host resolved to, was refused.
///
/// The messages name the host and what to do; they never hold the URL's user information or
/// anything else that could be a credential.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum UrlRefused {
    /// Not a valid absolute URL.
    #[error(
        "the EWS URL is not a valid URL ({reason}); give a full URL such as \
         https://mail.contoso.com/EWS/Exchange.asmx"
    )]
    Malformed {
        /// What the URL parser said.
        reason: String,
    },
    /// A scheme other than `https` and `http` (plain `http` has the next two variants).
    #[error("the EWS URL's scheme {scheme:?} is not allowed; use https")]
    Scheme {
        /// The scheme given.
        scheme: String,
    },
    /// Plain `http` while the policy does not allow it.
    #[error(
        "the EWS URL to {host} uses plain http, which would send passwords unencrypted; use \
         https (plain http is allowed only to this machine, with \
         allow_plain_http_on_loopback, for development)"
    )]
    PlainHttp {
        /// The URL's host.
        host: String,
    },
    /// Plain `http` to a host that is not this machine, while the policy allows it only there.
    #[error(
        "the EWS URL to {host} uses plain http, which is allowed only to localhost, \
         127.0.0.0/8 or ::1; use https"
    )]
    PlainHttpNotLoopback {
        /// The URL's host.
        host: String,
    },
    /// The URL carries a user name or password (`user:pass@host`).
    #[error(
        "the EWS URL holds a user name or password before its host; remove it and give the \
         login data in the account settings instead"
    )]
    UserInfo,
    /// The URL names no host.
    #[error(
        "the EWS URL names no host; give one, such as https://mail.contoso.com/EWS/Exchange.asmx"
    )]
    NoHost,
    /// The host is not on the allow-list.
    #[error(
        "the EWS host {host} is not on the gateway's list of allowed hosts; add it to \
         allowed_hosts in the gateway's configuration if it is your Exchange server"
    )]
    HostNotAllowed {
        /// The URL's host.
        host: String,
    },
    /// The host is a known cloud metadata service name.
    #[error("the EWS host {host} is a cloud metadata service, not an Exchange server")]
    MetadataHost {
        /// The URL's host.
        host: String,
    },
    /// The host is, or resolved to, a forbidden address.
    #[error(
        "the EWS host's address {address} is {range}, where no Exchange server is reached; \
         give the Exchange server's name or routable address"
    )]
    ForbiddenAddress {
        /// The address.
        address: IpAddr,
        /// The range it is in.
        range: ForbiddenRange,
    },
}

impl UrlRefused {
    /// Whether an address (of the URL or resolved from its host) is the reason.
    #[must_use]
    pub fn is_forbidden_address(&self) -> bool {
        matches!(
            self,
            Self::ForbiddenAddress { .. } | Self::MetadataHost { .. }
        )
    }

    /// Whether the scheme is the reason (not https, or http where it is not allowed).
    #[must_use]
    pub fn is_insecure_scheme(&self) -> bool {
        matches!(
            self,
            Self::Scheme { .. } | Self::PlainHttp { .. } | Self::PlainHttpNotLoopback { .. }
        )
    }
}

impl UrlPolicy {
    /// Checks an EWS URL; returns it parsed when passwords may be sent to it.
    ///
    /// # Errors
    ///
    /// [`UrlRefused`] saying which rule of [`UrlPolicy`] the URL breaks.
    pub fn check(&self, url: &str) -> Result<Url, UrlRefused> {
        let parsed = Url::parse(url).map_err(|e| UrlRefused::Malformed {
            reason: e.to_string(),
        })?;
        let scheme = parsed.scheme();
        if !matches!(scheme, "https" | "http") {
            return Err(UrlRefused::Scheme {
                scheme: scheme.to_owned(),
            });
        }
        let host = parsed.host().ok_or(UrlRefused::NoHost)?;
        let shown = host.to_string();
        if scheme == "http" {
            if !self.allow_plain_http_on_loopback {
                return Err(UrlRefused::PlainHttp { host: shown });
            }
            if !is_loopback(&host) {
                return Err(UrlRefused::PlainHttpNotLoopback { host: shown });
            }
        }
        if !parsed.username().is_empty() || parsed.password().is_some() {
            return Err(UrlRefused::UserInfo);
        }
        match host {
            Host::Ipv4(v4) => check_address(IpAddr::V4(v4))?,
            Host::Ipv6(v6) => check_address(IpAddr::V6(v6))?,
            Host::Domain(name) => {
                if METADATA_HOSTS.contains(&without_root(name)) {
                    return Err(UrlRefused::MetadataHost { host: shown });
                }
            }
        }
        if !self.allowed_hosts.is_empty()
            && !self
                .allowed_hosts
                .iter()
                .any(|entry| entry_matches(entry, &host))
        {
            return Err(UrlRefused::HostNotAllowed { host: shown });
        }
        Ok(parsed)
    }

    /// Checks the addresses an EWS host name resolved to, before connecting: refused when any
    /// of them is forbidden (see [`ForbiddenRange`]), so that a name pointing partly into a
    /// forbidden range is not used at all. An empty list passes: there is nothing to connect to.
    ///
    /// # Errors
    ///
    /// [`UrlRefused::ForbiddenAddress`] for the first forbidden address.
    pub fn check_addresses(&self, addrs: &[IpAddr]) -> Result<(), UrlRefused> {
        addrs.iter().try_for_each(|&address| check_address(address))
    }
}

/// The forbidden range `address` is in, if any.
fn forbidden_range(address: IpAddr) -> Option<ForbiddenRange> {
    match address {
        IpAddr::V4(v4) => forbidden_v4(v4),
        IpAddr::V6(v6) => embedded_v4(v6).map_or_else(|| forbidden_v6(v6), forbidden_v4),
    }
}

fn forbidden_v4(v4: Ipv4Addr) -> Option<ForbiddenRange> {
    const METADATA: [Ipv4Addr; 3] = [
        Ipv4Addr::new(169, 254, 169, 254),
        // Alibaba Cloud's and Oracle Cloud's metadata services.
        Ipv4Addr::new(100, 100, 100, 200),
        Ipv4Addr::new(192, 0, 0, 192),
    ];
    if METADATA.contains(&v4) {
        Some(ForbiddenRange::CloudMetadata)
    } else if v4.is_link_local() {
        Some(ForbiddenRange::LinkLocal)
    } else if v4.octets()[0] == 0 {
        Some(ForbiddenRange::Unspecified)
    } else if v4.is_multicast() {
        Some(ForbiddenRange::Multicast)
    } else if v4.is_broadcast() {
        Some(ForbiddenRange::Broadcast)
    } else {
        None
    }
}

fn forbidden_v6(v6: Ipv6Addr) -> Option<ForbiddenRange> {
    const AWS_METADATA: Ipv6Addr = Ipv6Addr::new(0xfd00, 0xec2, 0, 0, 0, 0, 0, 0x254);
    if v6 == AWS_METADATA {
        Some(ForbiddenRange::CloudMetadata)
    } else if v6.segments()[0] & 0xffc0 == 0xfe80 {
        Some(ForbiddenRange::LinkLocal)
    } else if v6.is_unspecified() {
        Some(ForbiddenRange::Unspecified)
    } else if v6.is_multicast() {
        Some(ForbiddenRange::Multicast)
    } else {
        None
    }
}

/// The IPv4 address an IPv6 address stands for: IPv4-mapped (`::ffff:0:0/96`), the deprecated
/// IPv4-compatible form (`::/96` but `::` and `::1`), and the NAT64 well-known prefix
/// (`64:ff9b::/96`).
fn embedded_v4(v6: Ipv6Addr) -> Option<Ipv4Addr> {
    if let Some(v4) = v6.to_ipv4_mapped() {
        return Some(v4);
    }
    let [.., a, b, c, d] = v6.octets();
    let low = Ipv4Addr::new(a, b, c, d);
    match v6.segments()[..6] {
        [0, 0, 0, 0, 0, 0] if !v6.is_unspecified() && !v6.is_loopback() => Some(low),
        [0x64, 0xff9b, 0, 0, 0, 0] => Some(low),
        _ => None,
    }
}

fn check_address(address: IpAddr) -> Result<(), UrlRefused> {
    match forbidden_range(address) {
        Some(range) => Err(UrlRefused::ForbiddenAddress { address, range }),
        None => Ok(()),
    }
}

fn is_loopback(host: &Host<&str>) -> bool {
    match host {
        Host::Domain(name) => without_root(name) == "localhost",
        Host::Ipv4(v4) => v4.is_loopback(),
        Host::Ipv6(v6) => {
            v6.is_loopback() || v6.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    }
}

/// A host name without the trailing dot of a fully qualified name.
fn without_root(name: &str) -> &str {
    name.strip_suffix('.').unwrap_or(name)
}

/// An allow-list entry as the host it names, or as the suffix its wildcard stands for.
enum Entry {
    Exact(Host),
    /// `*.contoso.com`, holding `.contoso.com`.
    Below(String),
}

fn parse_entry(entry: &str) -> Option<Entry> {
    let entry = entry.trim();
    if let Some(parent) = entry.strip_prefix("*.") {
        return match Host::parse(without_root(parent)).ok()? {
            Host::Domain(name) if !name.contains('*') => Some(Entry::Below(format!(".{name}"))),
            _ => None,
        };
    }
    match Host::parse(without_root(entry)).ok()? {
        Host::Domain(name) if name.contains('*') => None,
        host => Some(Entry::Exact(host)),
    }
}

fn entry_matches(entry: &str, host: &Host<&str>) -> bool {
    match (parse_entry(entry), host) {
        (Some(Entry::Exact(Host::Domain(allowed))), Host::Domain(name)) => {
            allowed == without_root(name)
        }
        (Some(Entry::Exact(Host::Ipv4(allowed))), Host::Ipv4(v4)) => allowed == *v4,
        (Some(Entry::Exact(Host::Ipv6(allowed))), Host::Ipv6(v6)) => allowed == *v6,
        (Some(Entry::Below(suffix)), Host::Domain(name)) => without_root(name).ends_with(&suffix),
        _ => false,
    }
}

fn valid_hosts<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let hosts = Vec::<String>::deserialize(deserializer)?;
    if let Some(bad) = hosts.iter().find(|entry| parse_entry(entry).is_none()) {
        return Err(serde::de::Error::custom(format!(
            "allowed_hosts: {bad:?} is not a host name, IP address or *.name wildcard"
        )));
    }
    Ok(hosts)
}

#[cfg(test)]
#[path = "url_policy_tests.rs"]
mod tests;
