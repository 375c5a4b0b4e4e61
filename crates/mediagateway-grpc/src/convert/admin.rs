//! The admin area's messages.

use std::time::Duration;

use mediagateway_api::{
    ApiError, Authentication, DataSourceConfig, DataSourceConfigured, DataSourceInfo,
    ExchangeCheck, ExchangeGeneration, GatewayPassword, GatewayStatus, KeyRotation,
    OAuthCredential, OAuthEndpoints, OAuthSettings, PortalKey, ServiceAccount,
};
use secrecy::{ExposeSecret, SecretString};

use super::{millis, time, FromWire, ToWire};
use crate::proto;

same_fields! {
    GatewayStatus => proto::GatewayStatus { gateway_version, default_password, data_sources }
}

impl From<ExchangeGeneration> for proto::ExchangeGeneration {
    fn from(generation: ExchangeGeneration) -> Self {
        match generation {
            ExchangeGeneration::Exchange2007 => Self::ExchangeGeneration2007,
            ExchangeGeneration::Exchange2010To2019 => Self::ExchangeGeneration2010To2019,
        }
    }
}

impl TryFrom<proto::ExchangeGeneration> for ExchangeGeneration {
    type Error = ApiError;

    fn try_from(generation: proto::ExchangeGeneration) -> Result<Self, ApiError> {
        match generation {
            proto::ExchangeGeneration::ExchangeGeneration2007 => Ok(Self::Exchange2007),
            proto::ExchangeGeneration::ExchangeGeneration2010To2019 => Ok(Self::Exchange2010To2019),
            proto::ExchangeGeneration::Unspecified => {
                Err(ApiError::invalid("the Exchange generation is missing"))
            }
        }
    }
}

impl From<Authentication> for proto::Authentication {
    fn from(authentication: Authentication) -> Self {
        match authentication {
            Authentication::UserNamePassword => Self::UserNamePassword,
            Authentication::Basic => Self::Basic,
            Authentication::Ntlm => Self::Ntlm,
            Authentication::Negotiate => Self::Negotiate,
            Authentication::Kerberos => Self::Kerberos,
            Authentication::OAuth2 => Self::Oauth2,
        }
    }
}

impl TryFrom<proto::Authentication> for Authentication {
    type Error = ApiError;

    fn try_from(authentication: proto::Authentication) -> Result<Self, ApiError> {
        match authentication {
            proto::Authentication::UserNamePassword => Ok(Self::UserNamePassword),
            proto::Authentication::Basic => Ok(Self::Basic),
            proto::Authentication::Ntlm => Ok(Self::Ntlm),
            proto::Authentication::Negotiate => Ok(Self::Negotiate),
            proto::Authentication::Kerberos => Ok(Self::Kerberos),
            proto::Authentication::Oauth2 => Ok(Self::OAuth2),
            proto::Authentication::Unspecified => {
                Err(ApiError::invalid("the authentication type is missing"))
            }
        }
    }
}

impl From<&DataSourceConfig> for proto::DataSourceConfig {
    fn from(config: &DataSourceConfig) -> Self {
        Self {
            name: config.name.clone(),
            exchange_generation: proto::ExchangeGeneration::from(config.exchange_generation) as i32,
            authentication: proto::Authentication::from(config.authentication) as i32,
            service_account: Some(proto::ServiceAccount {
                user_name: config.service_account.user_name.clone(),
                password: config.service_account.password.expose_secret().to_owned(),
                ews_url: config.service_account.ews_url.clone(),
            }),
            session_based: config.session_based,
            time_zone: config.time_zone.clone(),
            oauth: config.oauth.as_ref().map(proto::OAuthSettings::from),
        }
    }
}

impl From<&OAuthSettings> for proto::OAuthSettings {
    fn from(settings: &OAuthSettings) -> Self {
        use proto::o_auth_settings::Credential;
        let credential = match &settings.credential {
            OAuthCredential::Secret(secret) => {
                Credential::ClientSecret(secret.expose_secret().to_owned())
            }
            OAuthCredential::Certificate {
                certificate_pem,
                private_key_pem,
            } => Credential::Certificate(proto::OAuthCertificate {
                certificate_pem: certificate_pem.clone(),
                private_key_pem: private_key_pem.expose_secret().to_owned(),
            }),
        };
        let (authorize, token) = match &settings.endpoints {
            Some(endpoints) => (endpoints.authorize.clone(), endpoints.token.clone()),
            None => (String::new(), String::new()),
        };
        Self {
            tenant: settings.tenant.clone(),
            client_id: settings.client_id.clone(),
            credential: Some(credential),
            redirect_uri: settings.redirect_uri.clone(),
            authorize_endpoint: authorize,
            token_endpoint: token,
        }
    }
}

impl TryFrom<proto::OAuthSettings> for OAuthSettings {
    type Error = ApiError;

    fn try_from(settings: proto::OAuthSettings) -> Result<Self, ApiError> {
        use proto::o_auth_settings::Credential;
        let credential = match settings.credential {
            Some(Credential::ClientSecret(secret)) => {
                OAuthCredential::Secret(SecretString::from(secret))
            }
            Some(Credential::Certificate(certificate)) => OAuthCredential::Certificate {
                certificate_pem: certificate.certificate_pem,
                private_key_pem: SecretString::from(certificate.private_key_pem),
            },
            None => return Err(ApiError::invalid("the OAuth2 credential is missing")),
        };
        let endpoints = match (settings.authorize_endpoint, settings.token_endpoint) {
            (authorize, token) if authorize.is_empty() && token.is_empty() => None,
            (authorize, token) if !authorize.is_empty() && !token.is_empty() => {
                Some(OAuthEndpoints { authorize, token })
            }
            _ => {
                return Err(ApiError::invalid(
                    "give both OAuth2 endpoints (authorize and token) or neither",
                ))
            }
        };
        Ok(Self {
            tenant: settings.tenant,
            client_id: settings.client_id,
            credential,
            redirect_uri: settings.redirect_uri,
            endpoints,
        })
    }
}

/// The Exchange generation of a wire value: unknown and missing values are refused.
fn generation(wire: i32) -> Result<ExchangeGeneration, ApiError> {
    proto::ExchangeGeneration::try_from(wire)
        .map_err(|_| ApiError::invalid("the Exchange generation is unknown"))?
        .try_into()
}

/// The authentication type of a wire value: unknown and missing values are refused.
fn authentication(wire: i32) -> Result<Authentication, ApiError> {
    proto::Authentication::try_from(wire)
        .map_err(|_| ApiError::invalid("the authentication type is unknown"))?
        .try_into()
}

impl TryFrom<proto::DataSourceConfig> for DataSourceConfig {
    type Error = ApiError;

    fn try_from(config: proto::DataSourceConfig) -> Result<Self, ApiError> {
        let account = ServiceAccount::from_wire(config.service_account, "service account")?;
        Ok(Self {
            name: config.name,
            exchange_generation: generation(config.exchange_generation)?,
            authentication: authentication(config.authentication)?,
            service_account: account,
            session_based: config.session_based,
            time_zone: config.time_zone,
            oauth: config.oauth.map(OAuthSettings::try_from).transpose()?,
        })
    }
}

impl From<DataSourceInfo> for proto::DataSourceInfo {
    fn from(info: DataSourceInfo) -> Self {
        Self {
            name: info.name,
            exchange_generation: proto::ExchangeGeneration::from(info.exchange_generation) as i32,
            authentication: proto::Authentication::from(info.authentication) as i32,
            service_user_name: info.service_user_name,
            ews_url: info.ews_url,
            session_based: info.session_based,
            time_zone: info.time_zone,
            previous_key_until_ms: info.previous_key_until.map(millis),
        }
    }
}

impl TryFrom<proto::DataSourceInfo> for DataSourceInfo {
    type Error = ApiError;

    fn try_from(info: proto::DataSourceInfo) -> Result<Self, ApiError> {
        Ok(Self {
            name: info.name,
            exchange_generation: generation(info.exchange_generation)?,
            authentication: authentication(info.authentication)?,
            service_user_name: info.service_user_name,
            ews_url: info.ews_url,
            session_based: info.session_based,
            time_zone: info.time_zone,
            previous_key_until: info
                .previous_key_until_ms
                .map(|ms| time(ms, "the previous key's end"))
                .transpose()?,
        })
    }
}

impl From<Vec<DataSourceInfo>> for proto::DataSourceList {
    fn from(data_sources: Vec<DataSourceInfo>) -> Self {
        Self {
            data_sources: data_sources.into_iter().map(Into::into).collect(),
        }
    }
}

impl TryFrom<proto::DataSourceList> for Vec<DataSourceInfo> {
    type Error = ApiError;

    fn try_from(list: proto::DataSourceList) -> Result<Self, ApiError> {
        list.data_sources
            .into_iter()
            .map(DataSourceInfo::try_from)
            .collect()
    }
}

impl From<u32> for proto::DeleteDataSourceReply {
    fn from(removed_accounts: u32) -> Self {
        Self { removed_accounts }
    }
}

impl TryFrom<proto::DeleteDataSourceReply> for u32 {
    type Error = ApiError;

    fn try_from(reply: proto::DeleteDataSourceReply) -> Result<Self, ApiError> {
        Ok(reply.removed_accounts)
    }
}

impl TryFrom<proto::ServiceAccount> for ServiceAccount {
    type Error = ApiError;

    fn try_from(account: proto::ServiceAccount) -> Result<Self, ApiError> {
        Ok(Self::new(
            account.user_name,
            SecretString::from(account.password),
            account.ews_url,
        ))
    }
}

impl From<ExchangeCheck> for proto::ExchangeCheck {
    fn from(check: ExchangeCheck) -> Self {
        Self {
            server_version: check.server_version.unwrap_or_default(),
            mailbox: check.mailbox,
        }
    }
}

impl TryFrom<proto::ExchangeCheck> for ExchangeCheck {
    type Error = ApiError;

    fn try_from(check: proto::ExchangeCheck) -> Result<Self, ApiError> {
        Ok(Self {
            server_version: Some(check.server_version).filter(|v| !v.is_empty()),
            mailbox: check.mailbox,
        })
    }
}

fn non_empty(text: String) -> Option<String> {
    Some(text).filter(|t| !t.is_empty())
}

fn key(text: String) -> PortalKey {
    PortalKey::new(SecretString::from(text))
}

impl From<DataSourceConfigured> for proto::DataSourceConfigured {
    fn from(done: DataSourceConfigured) -> Self {
        Self {
            portal_key: done
                .portal_key
                .map(|k| k.secret().expose_secret().to_owned())
                .unwrap_or_default(),
            previous_ews_host: done.previous_ews_host.unwrap_or_default(),
        }
    }
}

impl TryFrom<proto::DataSourceConfigured> for DataSourceConfigured {
    type Error = ApiError;

    fn try_from(done: proto::DataSourceConfigured) -> Result<Self, ApiError> {
        Ok(Self {
            portal_key: non_empty(done.portal_key).map(key),
            previous_ews_host: non_empty(done.previous_ews_host),
        })
    }
}

impl From<&KeyRotation> for proto::KeyRotation {
    fn from(rotation: &KeyRotation) -> Self {
        Self {
            data_source: rotation.data_source.clone(),
            grace_seconds: rotation.grace.as_secs(),
        }
    }
}

impl TryFrom<proto::KeyRotation> for KeyRotation {
    type Error = ApiError;

    fn try_from(rotation: proto::KeyRotation) -> Result<Self, ApiError> {
        let grace = Duration::from_secs(rotation.grace_seconds);
        if grace > KeyRotation::MAX_GRACE {
            return Err(ApiError::invalid(format!(
                "a grace period of {} s is longer than the most, {} s",
                rotation.grace_seconds,
                KeyRotation::MAX_GRACE.as_secs()
            )));
        }
        Ok(Self {
            data_source: rotation.data_source,
            grace,
        })
    }
}

impl From<PortalKey> for proto::PortalKeyReply {
    fn from(portal_key: PortalKey) -> Self {
        Self {
            portal_key: portal_key.secret().expose_secret().to_owned(),
        }
    }
}

impl TryFrom<proto::PortalKeyReply> for PortalKey {
    type Error = ApiError;

    fn try_from(reply: proto::PortalKeyReply) -> Result<Self, ApiError> {
        non_empty(reply.portal_key)
            .map(key)
            .ok_or_else(|| ApiError::invalid("the portal key is missing"))
    }
}

impl ToWire<String> for GatewayPassword {
    fn to_wire(&self) -> String {
        self.secret().expose_secret().to_owned()
    }
}

impl FromWire<String> for GatewayPassword {
    fn from_wire(wire: String, _field: &str) -> Result<Self, ApiError> {
        Ok(Self::new(SecretString::from(wire)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config(generation: i32, authentication: i32) -> proto::DataSourceConfig {
        proto::DataSourceConfig {
            exchange_generation: generation,
            authentication,
            service_account: Some(proto::ServiceAccount::default()),
            ..Default::default()
        }
    }

    #[test]
    fn unknown_or_missing_enum_values_are_refused() {
        assert!(DataSourceConfig::try_from(config(2, 1)).is_ok());
        for (generation, authentication) in [(99, 1), (0, 1), (2, 0), (2, 42), (-1, 1)] {
            let err = DataSourceConfig::try_from(config(generation, authentication)).unwrap_err();
            assert!(
                matches!(err, ApiError::InvalidArgument { .. }),
                "{generation}/{authentication}: {err:?}"
            );
        }
        let missing = proto::DataSourceConfig {
            service_account: None,
            ..config(2, 1)
        };
        let err = DataSourceConfig::try_from(missing).unwrap_err();
        assert!(
            err.to_string().contains("service account is missing"),
            "{err}"
        );
    }
}
