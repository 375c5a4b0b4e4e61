//! A data source's settings as a portal keeps them between runs: serde-serializable, secrets
//! held as secrets in memory and redacted in `Debug`.

use std::fmt;
#[cfg(feature = "grpc")]
use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// How the connector trusts the gateway's TLS certificate.
#[cfg(feature = "grpc")]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GatewayTrust {
    /// The SHA-256 fingerprint of the gateway's certificate (`mediagateway tls fingerprint`).
    PinnedFingerprint(String),
    /// A PEM file of the CA certificates that issued the gateway's certificate.
    CaBundle(PathBuf),
    /// The public web PKI roots.
    PublicRoots,
}

/// Everything a portal keeps about one data source, the portal key included, to reconnect
/// without configuring it again: [`DataSource::settings`](crate::DataSource::settings) writes
/// it, [`DataSource::from_settings`](crate::DataSource::from_settings) reads it.
///
/// It serializes with serde (JSON, TOML, …). The service account's password, the portal key
/// and the gateway password are [`SecretString`]s in memory, redacted in `Debug`, and written
/// as plain strings: store the serialized form as carefully as the passwords themselves.
#[derive(Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DataSourceSettings {
    /// The data source's name.
    pub name: String,
    /// The gateway's host, for gRPC.
    pub gateway_host: Option<String>,
    /// The gateway's port, for gRPC.
    pub gateway_port: u16,
    /// How the gateway's certificate is trusted; `None`: plain gRPC (a gateway on loopback).
    #[cfg(feature = "grpc")]
    #[serde(default)]
    pub gateway_trust: Option<GatewayTrust>,
    /// The IANA time zone.
    pub time_zone: String,
    /// `exchange-2007` or `exchange-2010-to-2019`.
    pub exchange_version: String,
    /// `user-name-password`.
    pub authentication: String,
    /// The service account's user name.
    pub service_user: String,
    /// The service account's password.
    #[serde(with = "secret")]
    pub service_password: SecretString,
    /// The EWS URL.
    pub ews_url: String,
    /// Whether accounts live for the session only.
    pub session_based: bool,
    /// The portal key the gateway handed out, once known.
    #[serde(default, with = "optional_secret")]
    pub portal_key: Option<SecretString>,
    /// The gateway password, kept only by a portal that performs admin steps.
    #[serde(default, with = "optional_secret")]
    pub gateway_password: Option<SecretString>,
}

impl fmt::Debug for DataSourceSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let redacted = |set: bool| if set { "[REDACTED]" } else { "None" };
        f.debug_struct("DataSourceSettings")
            .field("name", &self.name)
            .field("gateway_host", &self.gateway_host)
            .field("gateway_port", &self.gateway_port)
            .field("exchange_version", &self.exchange_version)
            .field("ews_url", &self.ews_url)
            .field("session_based", &self.session_based)
            .field("service_password", &"[REDACTED]")
            .field("portal_key", &redacted(self.portal_key.is_some()))
            .field(
                "gateway_password",
                &redacted(self.gateway_password.is_some()),
            )
            .finish_non_exhaustive()
    }
}

mod secret {
    use super::{Deserialize, Deserializer, ExposeSecret, SecretString, Serializer};

    pub(super) fn serialize<S: Serializer>(
        value: &SecretString,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(value.expose_secret())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<SecretString, D::Error> {
        String::deserialize(deserializer).map(SecretString::from)
    }
}

mod optional_secret {
    use super::{Deserialize, Deserializer, ExposeSecret, SecretString, Serialize, Serializer};

    pub(super) fn serialize<S: Serializer>(
        value: &Option<SecretString>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value
            .as_ref()
            .map(ExposeSecret::expose_secret)
            .serialize(serializer)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<Option<SecretString>, D::Error> {
        Option::<String>::deserialize(deserializer).map(|v| v.map(SecretString::from))
    }
}

#[cfg(test)]
mod tests {
    use mediagateway_api::{Authentication, ExchangeGeneration};

    use super::*;

    fn settings() -> DataSourceSettings {
        DataSourceSettings {
            name: "Exchange".into(),
            gateway_host: Some("gateway.contoso.test".into()),
            gateway_port: 9087,
            #[cfg(feature = "grpc")]
            gateway_trust: Some(GatewayTrust::PinnedFingerprint("AB:CD".into())),
            time_zone: "Europe/Berlin".into(),
            exchange_version: "exchange-2010-to-2019".into(),
            authentication: "user-name-password".into(),
            service_user: "svc@contoso.test".into(),
            service_password: SecretString::from("service-secret"),
            ews_url: "https://mail.contoso.test/EWS/Exchange.asmx".into(),
            session_based: true,
            portal_key: Some(SecretString::from("mgk1.key-secret")),
            gateway_password: None,
        }
    }

    #[test]
    fn settings_survive_json_and_never_print_their_secrets() {
        let json = serde_json::to_string(&settings()).unwrap();
        let back: DataSourceSettings = serde_json::from_str(&json).unwrap();
        assert_eq!(back.portal_key.unwrap().expose_secret(), "mgk1.key-secret");
        assert_eq!(back.service_password.expose_secret(), "service-secret");
        assert!(back.gateway_password.is_none());
        #[cfg(feature = "grpc")]
        assert_eq!(
            back.gateway_trust,
            Some(GatewayTrust::PinnedFingerprint("AB:CD".into()))
        );
        let debug = format!("{:?}", settings());
        assert!(!debug.contains("secret"), "{debug}");
    }

    #[test]
    fn unknown_keys_and_values_are_refused() {
        let mut json: serde_json::Value = serde_json::to_value(settings()).unwrap();
        json["colour"] = "blue".into();
        assert!(serde_json::from_value::<DataSourceSettings>(json).is_err());
        assert_eq!(ExchangeGeneration::from_name("exchange-1999"), None);
        assert_eq!(Authentication::from_name("carrier-pigeon"), None);
        for generation in ExchangeGeneration::ALL {
            assert_eq!(
                ExchangeGeneration::from_name(generation.name()),
                Some(generation)
            );
        }
    }
}
