//! The gateway's configuration: defaults that work with no file, or a TOML file.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use exchange_ews::client::HostLookup;
use secrecy::SecretString;
use serde::Deserialize;

use crate::limits::LimitsFile;
use crate::startup_error::StartupError;
use crate::{HashLimiter, Limits, ThrottleConfig, UrlPolicy};

/// How the gateway runs.
///
/// Every field has a default; a TOML file overrides some of them:
///
/// ```toml
/// # The plain listener, or "off". Off loopback only with the dangerous option below.
/// listen = "127.0.0.1:8087"
/// # The TLS listener, or "off".
/// tls_listen = "127.0.0.1:9087"
/// # PEM files of the TLS certificate (chain) and its key; without them the gateway makes a
/// # self-signed certificate in the data folder on first start and keeps it.
/// tls_certificate = "/etc/mediagateway/gateway-cert.pem"
/// tls_key = "/etc/mediagateway/gateway-key.pem"
/// # Require portals to present a client certificate issued by this CA (PEM).
/// tls_client_ca = "/etc/mediagateway/portals-ca.pem"
/// # Serve plain text on an address other than loopback: passwords and keys cross the network
/// # in clear. Never in production.
/// dangerously_allow_plaintext_off_loopback = false
/// data_dir = "/var/lib/mediagateway"
/// rsa_bits = 3072
/// exchange_timeout_secs = 100
/// session_ttl_secs = 28800
///
/// [ews_url_policy]
/// # Development only: plain http to an Exchange on this machine.
/// allow_plain_http_on_loopback = false
/// # Empty: any host. `*.contoso.com` allows every name below contoso.com.
/// allowed_hosts = ["mail.contoso.com"]
///
/// # Several gateways on one PostgreSQL database (feature `postgres`), sharing the vault's key.
/// [vault]
/// postgres = "host=db.contoso.com user=gateway dbname=gateway"
/// postgres_schema = "mediagateway_vault"
/// key_file = "/etc/mediagateway/vault-key.pem"
///
/// [limits]
/// max_data_sources = 100
/// max_calendar_window_days = 731
/// max_subject_bytes = 1024
/// max_body_bytes = 1048576
/// # Past this, a login evicts the data source's oldest session-based account.
/// max_sessions_per_data_source = 10000
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GatewayConfig {
    /// Where the plain gRPC listener listens (default `127.0.0.1:8087`; `None`: no plain
    /// listener).
    pub listen: Option<SocketAddr>,
    /// Where the gRPC listener with TLS listens (default `127.0.0.1:9087`; `None`: none).
    pub tls_listen: Option<SocketAddr>,
    /// The TLS certificate chain and key (PEM files); `None`: a self-signed certificate made
    /// in the data folder on first start.
    pub tls_identity: Option<(PathBuf, PathBuf)>,
    /// When set, portals must present a client certificate issued by this CA (a PEM file).
    pub tls_client_ca: Option<PathBuf>,
    /// Allows the plain listener on an address other than loopback.
    pub dangerously_allow_plaintext_off_loopback: bool,
    /// The folder of the password hash, the RSA key and the vault.
    pub data_dir: PathBuf,
    /// The size of a new vault's RSA key (default 3072).
    pub rsa_bits: usize,
    /// How long one EWS request may take (default 100 s, as Exchange's own limit).
    pub exchange_timeout: Duration,
    /// How long a session-based account lives (default 8 hours).
    pub session_ttl: Duration,
    /// Which EWS URLs the gateway sends passwords to (default: any host, HTTPS only, never a
    /// link-local, metadata or unspecified address, whether named in the URL or resolved from
    /// its host name).
    pub ews_url_policy: UrlPolicy,
    /// How EWS host names are resolved (default `None`: the system's resolver). A public hook
    /// for tests, which map names to the fake Exchange without the system's DNS, and for
    /// deployments with a resolver of their own; the addresses it gives are judged by
    /// [`ews_url_policy`](Self::ews_url_policy) all the same. Not read from the file.
    pub ews_host_lookup: Option<Arc<dyn HostLookup>>,
    /// How wrong gateway passwords and portal keys from one address are slowed down.
    pub guessing: ThrottleConfig,
    /// How many Argon2 password checks run at once, off the async workers.
    pub password_checks: usize,
    /// Limits on counts, windows and text sizes.
    pub limits: Limits,
    /// Where the vault keeps its records.
    pub vault: VaultStore,
    /// How failed Exchange logins are slowed down, per portal user and per Exchange user name,
    /// so the gateway cannot be used to guess Exchange passwords or lock accounts out.
    pub failed_logins: ThrottleConfig,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    listen: Option<String>,
    tls_listen: Option<String>,
    tls_certificate: Option<PathBuf>,
    tls_key: Option<PathBuf>,
    tls_client_ca: Option<PathBuf>,
    dangerously_allow_plaintext_off_loopback: Option<bool>,
    data_dir: Option<PathBuf>,
    rsa_bits: Option<usize>,
    exchange_timeout_secs: Option<u64>,
    session_ttl_secs: Option<u64>,
    ews_url_policy: Option<UrlPolicy>,
    limits: Option<LimitsFile>,
    vault: Option<VaultFile>,
}

/// The `[vault]` table.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct VaultFile {
    postgres: Option<String>,
    postgres_schema: Option<String>,
    key_file: Option<PathBuf>,
}

/// Where the vault keeps its records (and with them the data sources).
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub enum VaultStore {
    /// SQLite in the data folder, with the vault's key beside it (the default).
    #[default]
    Sqlite,
    /// A PostgreSQL database, which several gateways may share; they must share the vault's key
    /// too (the same `key_file`). Needs the `postgres` feature.
    Postgres {
        /// The connection string (`host=… port=… user=… dbname=…`; it may hold a password).
        connection: SecretString,
        /// The schema (default `mediagateway_vault`).
        schema: Option<String>,
        /// The vault's private key (PEM); made on first start when missing. Default
        /// `DATA_DIR/vault-key.pem`.
        key_file: Option<PathBuf>,
    },
}

impl Default for GatewayConfig {
    fn default() -> Self {
        Self {
            listen: Some(SocketAddr::from(([127, 0, 0, 1], 8087))),
            tls_listen: Some(SocketAddr::from(([127, 0, 0, 1], 9087))),
            tls_identity: None,
            tls_client_ca: None,
            dangerously_allow_plaintext_off_loopback: false,
            data_dir: default_data_dir(),
            rsa_bits: 3072,
            exchange_timeout: Duration::from_secs(100),
            session_ttl: Duration::from_secs(8 * 3600),
            ews_url_policy: UrlPolicy::default(),
            ews_host_lookup: None,
            guessing: ThrottleConfig::default(),
            password_checks: HashLimiter::default().permits(),
            limits: Limits::default(),
            vault: VaultStore::Sqlite,
            failed_logins: ThrottleConfig::default(),
        }
    }
}

/// `$XDG_DATA_HOME/mediagateway`, else `~/.local/share/mediagateway`, else (a service account
/// without a home) `/var/lib/mediagateway`; never the current directory.
fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("mediagateway");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(home).join(".local/share/mediagateway");
    }
    PathBuf::from("/var/lib/mediagateway")
}

impl GatewayConfig {
    /// The defaults, with `dir` as the data folder.
    pub fn in_dir(dir: &Path) -> Self {
        Self {
            data_dir: dir.to_owned(),
            ..Self::default()
        }
    }

    /// Sets the RSA key size of a new vault (at least 2048 bits).
    pub fn with_rsa_bits(mut self, bits: usize) -> Self {
        self.rsa_bits = bits;
        self
    }

    /// The listeners refused before anything is served: a plain listener off loopback unless the
    /// dangerous option is set, any listener off loopback while the gateway password is the
    /// default, and no listener at all. The reason is one line that says what to do.
    pub fn check_listeners(&self, default_password: bool) -> Result<(), StartupError> {
        let refuse = |reason: String| Err(StartupError::Refused { reason });
        if self.listen.is_none() && self.tls_listen.is_none() {
            return refuse(
                "both listeners are off: set listen or tls_listen to an address".to_owned(),
            );
        }
        if let Some(address) = self.listen {
            if !address.ip().is_loopback() && !self.dangerously_allow_plaintext_off_loopback {
                return refuse(format!(
                    "refusing plain-text gRPC on {address}: passwords and keys would cross the \
                     network in clear; use tls_listen for other hosts (or, never in production, \
                     set dangerously_allow_plaintext_off_loopback = true)"
                ));
            }
        }
        let off_loopback = [self.listen, self.tls_listen]
            .into_iter()
            .flatten()
            .find(|address| !address.ip().is_loopback());
        if let (Some(address), true) = (off_loopback, default_password) {
            return refuse(format!(
                "refusing to listen on {address} while the gateway password is the default \
                 1234: set a new one first (mediagateway password set), then start again"
            ));
        }
        Ok(())
    }

    /// Sets the EWS URL policy.
    pub fn with_ews_url_policy(mut self, policy: UrlPolicy) -> Self {
        self.ews_url_policy = policy;
        self
    }

    /// Resolves EWS host names with `lookup` (see
    /// [`ews_host_lookup`](Self::ews_host_lookup)).
    pub fn with_ews_host_lookup(mut self, lookup: Arc<dyn HostLookup>) -> Self {
        self.ews_host_lookup = Some(lookup);
        self
    }

    /// Development only: lets the gateway send passwords over plain http to an Exchange (or a
    /// stand-in) on this machine. Every other host still needs HTTPS.
    pub fn allow_plain_http_on_loopback(mut self) -> Self {
        self.ews_url_policy.allow_plain_http_on_loopback = true;
        self
    }

    /// Sets the limits.
    pub fn with_limits(mut self, limits: Limits) -> Self {
        self.limits = limits;
        self
    }

    /// Sets how failed Exchange logins are slowed down.
    pub fn with_failed_logins(mut self, failed_logins: ThrottleConfig) -> Self {
        self.failed_logins = failed_logins;
        self
    }

    /// Sets how wrong credentials are slowed down.
    pub fn with_guessing(mut self, guessing: ThrottleConfig) -> Self {
        self.guessing = guessing;
        self
    }

    /// Reads a TOML configuration file; what it leaves out keeps its default.
    pub fn from_file(path: &Path) -> Result<Self, StartupError> {
        let text = std::fs::read_to_string(path).map_err(|source| StartupError::Io {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(&text).map_err(|reason| StartupError::Config {
            path: path.to_owned(),
            reason,
        })
    }

    fn from_toml(text: &str) -> Result<Self, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut config = Self::default();
        if let Some(listen) = file.listen {
            config.listen = listen_address("listen", &listen)?;
        }
        if let Some(listen) = file.tls_listen {
            config.tls_listen = listen_address("tls_listen", &listen)?;
        }
        config.tls_identity = match (file.tls_certificate, file.tls_key) {
            (Some(certificate), Some(key)) => Some((certificate, key)),
            (None, None) => None,
            _ => {
                return Err(
                    "tls_certificate and tls_key go together: give both or neither".to_owned(),
                )
            }
        };
        config.tls_client_ca = file.tls_client_ca;
        if let Some(dangerous) = file.dangerously_allow_plaintext_off_loopback {
            config.dangerously_allow_plaintext_off_loopback = dangerous;
        }
        if let Some(dir) = file.data_dir {
            config.data_dir = dir;
        }
        if let Some(bits) = file.rsa_bits {
            if !(2048..=8192).contains(&bits) {
                return Err(format!("rsa_bits = {bits}: use 2048 to 8192"));
            }
            config.rsa_bits = bits;
        }
        if let Some(secs) = file.exchange_timeout_secs {
            if secs == 0 || secs > 3600 {
                return Err(format!("exchange_timeout_secs = {secs}: use 1 to 3600"));
            }
            config.exchange_timeout = Duration::from_secs(secs);
        }
        if let Some(secs) = file.session_ttl_secs {
            if secs == 0 {
                return Err("session_ttl_secs must be positive".to_owned());
            }
            config.session_ttl = Duration::from_secs(secs);
        }
        if let Some(policy) = file.ews_url_policy {
            config.ews_url_policy = policy;
        }
        if let Some(limits) = file.limits {
            limits.apply(&mut config.limits)?;
        }
        if let Some(vault) = file.vault {
            config.vault = match vault {
                VaultFile {
                    postgres: Some(connection),
                    postgres_schema,
                    key_file,
                } => VaultStore::Postgres {
                    connection: SecretString::from(connection),
                    schema: postgres_schema,
                    key_file,
                },
                VaultFile { postgres: None, .. } => {
                    return Err(
                        "[vault] needs postgres = \"host=… dbname=…\" (SQLite needs no table)"
                            .to_owned(),
                    )
                }
            };
        }
        Ok(config)
    }
}

/// A listener address from the configuration: a socket address, or `off`.
fn listen_address(key: &str, text: &str) -> Result<Option<SocketAddr>, String> {
    if text == "off" {
        return Ok(None);
    }
    text.parse()
        .map(Some)
        .map_err(|_| format!("{key} = {text:?}: use an address such as 127.0.0.1:8087, or \"off\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_keeps_the_defaults() {
        let config = GatewayConfig::from_toml("").unwrap();
        assert_eq!(config.listen.unwrap().to_string(), "127.0.0.1:8087");
        assert_eq!(config.tls_listen.unwrap().to_string(), "127.0.0.1:9087");
        assert!(config.tls_identity.is_none());
        assert_eq!(config.rsa_bits, 3072);
    }

    #[test]
    fn a_file_overrides() {
        let config = GatewayConfig::from_toml(
            "listen = \"127.0.0.1:9999\"\ndata_dir = \"/tmp/x\"\nrsa_bits = 2048\nsession_ttl_secs = 60\n",
        )
        .unwrap();
        assert_eq!(config.listen.unwrap().port(), 9999);
        assert_eq!(config.data_dir, PathBuf::from("/tmp/x"));
        assert_eq!(config.rsa_bits, 2048);
        assert_eq!(config.session_ttl, Duration::from_secs(60));
    }

    #[test]
    fn bad_files_are_refused_with_a_reason() {
        for bad in [
            "listen = \"nowhere\"",
            "unknown_key = 1",
            "rsa_bits = 512",
            "exchange_timeout_secs = 0",
            "session_ttl_secs = 0",
            "listen = [",
            "\u{0}",
            "[ews_url_policy]\nallow_plain_http = true",
            "[ews_url_policy]\nallowed_hosts = [\"a b\"]",
        ] {
            assert!(
                GatewayConfig::from_toml(bad).is_err(),
                "{bad:?} was accepted"
            );
        }
    }

    #[test]
    fn listeners_can_be_turned_off_and_tls_files_go_together() {
        let config = GatewayConfig::from_toml(
            "listen = \"off\"\ntls_listen = \"[::1]:9443\"\ntls_certificate = \"c.pem\"\ntls_key = \"k.pem\"\n",
        )
        .unwrap();
        assert_eq!(config.listen, None);
        assert_eq!(config.tls_listen.unwrap().port(), 9443);
        assert_eq!(
            config.tls_identity,
            Some((PathBuf::from("c.pem"), PathBuf::from("k.pem")))
        );
        for bad in ["tls_key = \"k.pem\"", "tls_listen = \"everywhere\""] {
            assert!(GatewayConfig::from_toml(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn unsafe_listeners_are_refused_with_what_to_do() {
        let on = |listen: &str, tls: &str| {
            GatewayConfig::from_toml(&format!("listen = \"{listen}\"\ntls_listen = \"{tls}\"\n"))
                .unwrap()
        };
        let plain_everywhere = on("0.0.0.0:8087", "off");
        let err = plain_everywhere
            .check_listeners(false)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("plain-text") && err.contains("tls_listen"),
            "{err}"
        );
        let mut dangerous = plain_everywhere.clone();
        dangerous.dangerously_allow_plaintext_off_loopback = true;
        assert!(dangerous.check_listeners(false).is_ok());
        let tls_everywhere = on("127.0.0.1:8087", "0.0.0.0:9087");
        assert!(tls_everywhere.check_listeners(false).is_ok());
        let err = tls_everywhere
            .check_listeners(true)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("default") && err.contains("password set"),
            "{err}"
        );
        assert!(on("127.0.0.1:8087", "[::1]:9087")
            .check_listeners(true)
            .is_ok());
        assert!(on("off", "off").check_listeners(false).is_err());
    }

    #[test]
    fn the_url_policy_is_read_from_its_table() {
        let config = GatewayConfig::from_toml(
            "[ews_url_policy]\nallow_plain_http_on_loopback = true\nallowed_hosts = [\"mail.contoso.com\"]\n",
        )
        .unwrap();
        assert!(config.ews_url_policy.allow_plain_http_on_loopback);
        assert!(config
            .ews_url_policy
            .check("https://mail.contoso.com/EWS/Exchange.asmx")
            .is_ok());
        assert!(config
            .ews_url_policy
            .check("https://evil.test/EWS/Exchange.asmx")
            .is_err());
        assert!(
            !GatewayConfig::default()
                .ews_url_policy
                .allow_plain_http_on_loopback
        );
    }

    #[test]
    fn a_missing_file_is_an_io_error_naming_it() {
        let err = GatewayConfig::from_file(Path::new("/nonexistent/gw.toml")).unwrap_err();
        assert!(err.to_string().contains("/nonexistent/gw.toml"), "{err}");
    }
}
