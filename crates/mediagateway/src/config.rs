//! The gateway's configuration: defaults that work with no file, or a TOML file.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::startup_error::StartupError;
use crate::{HashLimiter, ThrottleConfig, UrlPolicy};

/// How the gateway runs.
///
/// Every field has a default; a TOML file overrides some of them:
///
/// ```toml
/// listen = "127.0.0.1:8087"
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
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct GatewayConfig {
    /// Where the gRPC server listens (default `127.0.0.1:8087`).
    pub listen: SocketAddr,
    /// The folder of the password hash, the RSA key and the vault.
    pub data_dir: PathBuf,
    /// The size of a new vault's RSA key (default 3072).
    pub rsa_bits: usize,
    /// How long one EWS request may take (default 100 s, as Exchange's own limit).
    pub exchange_timeout: Duration,
    /// How long a session-based account lives (default 8 hours).
    pub session_ttl: Duration,
    /// Which EWS URLs the gateway sends passwords to (default: any host, HTTPS only, never a
    /// link-local, metadata or unspecified address).
    pub ews_url_policy: UrlPolicy,
    /// How wrong gateway passwords and portal keys from one address are slowed down.
    pub guessing: ThrottleConfig,
    /// How many Argon2 password checks run at once, off the async workers.
    pub password_checks: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    listen: Option<SocketAddr>,
    data_dir: Option<PathBuf>,
    rsa_bits: Option<usize>,
    exchange_timeout_secs: Option<u64>,
    session_ttl_secs: Option<u64>,
    ews_url_policy: Option<UrlPolicy>,
}

impl Default for GatewayConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::from(([127, 0, 0, 1], 8087)),
            data_dir: default_data_dir(),
            rsa_bits: 3072,
            exchange_timeout: Duration::from_secs(100),
            session_ttl: Duration::from_secs(8 * 3600),
            ews_url_policy: UrlPolicy::default(),
            guessing: ThrottleConfig::default(),
            password_checks: HashLimiter::default().permits(),
        }
    }
}

/// `$XDG_DATA_HOME/mediagateway`, else `~/.local/share/mediagateway`, else `./mediagateway-data`.
fn default_data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("mediagateway");
    }
    if let Some(home) = std::env::var_os("HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(home).join(".local/share/mediagateway");
    }
    PathBuf::from("mediagateway-data")
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

    /// Sets the EWS URL policy.
    pub fn with_ews_url_policy(mut self, policy: UrlPolicy) -> Self {
        self.ews_url_policy = policy;
        self
    }

    /// Development only: lets the gateway send passwords over plain http to an Exchange (or a
    /// stand-in) on this machine. Every other host still needs HTTPS.
    pub fn allow_plain_http_on_loopback(mut self) -> Self {
        self.ews_url_policy.allow_plain_http_on_loopback = true;
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
            config.listen = listen;
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
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_file_keeps_the_defaults() {
        let config = GatewayConfig::from_toml("").unwrap();
        assert_eq!(config.listen.to_string(), "127.0.0.1:8087");
        assert_eq!(config.rsa_bits, 3072);
    }

    #[test]
    fn a_file_overrides() {
        let config = GatewayConfig::from_toml(
            "listen = \"127.0.0.1:9999\"\ndata_dir = \"/tmp/x\"\nrsa_bits = 2048\nsession_ttl_secs = 60\n",
        )
        .unwrap();
        assert_eq!(config.listen.port(), 9999);
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
