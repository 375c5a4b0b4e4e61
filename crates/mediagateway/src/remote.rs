//! The operator's commands that talk to a running gateway through its API, as a portal does:
//! the address and TLS trust from flags or the gateway's configuration, the password from
//! `MEDIAGATEWAY_PASSWORD` or a prompt.

use std::path::PathBuf;

use clap::Args;
use mediagateway::GatewayConfig;
use mediagateway_api::{AdminCall, GatewayPassword};
use mediagateway_grpc::tls::{certificate_fingerprint, ClientTls, ServerTls};
use mediagateway_grpc::GrpcClient;
use secrecy::SecretString;

/// The environment variable the commands read the gateway password from.
const PASSWORD_ENV: &str = "MEDIAGATEWAY_PASSWORD";

/// How to reach the gateway.
#[derive(Args)]
pub(crate) struct Remote {
    /// The gateway's configuration file: its listeners, TLS files and data folder.
    #[arg(long)]
    config: Option<PathBuf>,
    /// The gateway's data folder, for its self-signed certificate.
    #[arg(long)]
    data_dir: Option<PathBuf>,
    /// The gateway's address, HOST:PORT (default: the configuration's TLS listener).
    #[arg(long)]
    address: Option<String>,
    /// Trust the gateway's certificate by this SHA-256 fingerprint.
    #[arg(long, conflicts_with_all = ["ca", "plain"])]
    fingerprint: Option<String>,
    /// Trust the CA certificates of this PEM file.
    #[arg(long, conflicts_with = "plain")]
    ca: Option<PathBuf>,
    /// Plain gRPC, to the configuration's plain listener by default (a gateway on loopback).
    #[arg(long)]
    plain: bool,
}

type Failure = Box<dyn std::error::Error>;

impl Remote {
    /// A client of the gateway, and the admin call with the password.
    pub(crate) fn connect(&self) -> Result<(GrpcClient, AdminCall), Failure> {
        let mut config = match &self.config {
            Some(path) => GatewayConfig::from_file(path)?,
            None => GatewayConfig::default(),
        };
        if let Some(dir) = &self.data_dir {
            config.data_dir.clone_from(dir);
        }
        let listener = if self.plain {
            config.listen
        } else {
            config.tls_listen
        };
        let (host, port) = match &self.address {
            Some(address) => {
                let (host, port) = address
                    .rsplit_once(':')
                    .ok_or_else(|| format!("--address {address:?}: use HOST:PORT"))?;
                (host.trim_matches(['[', ']']).to_owned(), port.parse()?)
            }
            None => {
                let address = listener.ok_or("that listener is off in the configuration")?;
                let ip = address.ip();
                let host = if ip.is_unspecified() {
                    "localhost".to_owned()
                } else {
                    ip.to_string()
                };
                (host, address.port())
            }
        };
        let mut client = GrpcClient::builder(host, port);
        if !self.plain {
            client = client.tls(self.trust(&config)?);
        }
        Ok((client.build()?, AdminCall::new(password()?)))
    }

    /// The trust flags, or else the certificate the configuration names, or the self-signed
    /// one in the data folder (a gateway on this machine).
    fn trust(&self, config: &GatewayConfig) -> Result<ClientTls, Failure> {
        if let Some(fingerprint) = &self.fingerprint {
            return Ok(ClientTls::pinned_fingerprint(fingerprint)?);
        }
        if let Some(ca) = &self.ca {
            return Ok(ClientTls::ca_bundle_file(ca)?);
        }
        let certificate = match &config.tls_identity {
            Some((certificate, _)) => certificate.clone(),
            None => ServerTls::self_signed(&config.data_dir).certificate_path(),
        };
        let fingerprint = certificate_fingerprint(&certificate).map_err(|e| {
            format!("{e}: give --fingerprint or --ca for a gateway on another machine")
        })?;
        Ok(ClientTls::pinned_fingerprint(&fingerprint)?)
    }
}

/// The gateway password: from the environment, else a prompt without echo.
fn password() -> Result<GatewayPassword, Failure> {
    if let Ok(password) = std::env::var(PASSWORD_ENV) {
        return Ok(GatewayPassword::new(SecretString::from(password)));
    }
    let typed = rpassword::prompt_password("Gateway password: ")?;
    Ok(GatewayPassword::new(SecretString::from(typed)))
}
