//! Checks of what callers send, before anything is stored or sent to Exchange.

use mediagateway_api::{
    ApiError, Authentication, DataSourceConfig, OAuthCredential, OAuthSettings,
};
use secrecy::{ExposeSecret, SecretString};

/// The longest name of a data source, user name or mailbox the gateway accepts.
const MAX_NAME_BYTES: usize = 256;

/// The longest item id the gateway passes on to Exchange.
const MAX_ITEM_ID_BYTES: usize = 4096;

/// A name that is not empty, not too long and free of control characters.
pub(crate) fn name(what: &str, value: &str) -> Result<(), ApiError> {
    if value.trim().is_empty() {
        return Err(ApiError::invalid(format!("the {what} is empty")));
    }
    if value.len() > MAX_NAME_BYTES || value.chars().any(char::is_control) {
        return Err(ApiError::invalid(format!(
            "the {what} is longer than {MAX_NAME_BYTES} bytes or holds control characters"
        )));
    }
    Ok(())
}

/// A password that is not empty.
pub(crate) fn password(what: &str, value: &SecretString) -> Result<(), ApiError> {
    if value.expose_secret().is_empty() {
        return Err(ApiError::invalid(format!("the {what} is empty")));
    }
    Ok(())
}

/// An http(s) URL with a host.
pub(crate) fn server_url(url: &str) -> Result<(), ApiError> {
    let parsed = url::Url::parse(url)
        .map_err(|e| ApiError::invalid(format!("the EWS server URL {url:?} is not a URL: {e}")))?;
    if !matches!(parsed.scheme(), "https" | "http") || parsed.host().is_none() {
        return Err(ApiError::invalid(format!(
            "the EWS server URL {url:?} must be an http(s) URL with a host"
        )));
    }
    Ok(())
}

/// A data source's configuration.
pub(crate) fn data_source(config: &DataSourceConfig) -> Result<(), ApiError> {
    name("data source name", &config.name)?;
    let account = &config.service_account;
    name("service account user name", &account.user_name)?;
    server_url(&account.ews_url)?;
    match (&config.authentication, &config.oauth) {
        (Authentication::OAuth2, Some(oauth)) => {
            if !account.password.expose_secret().is_empty() {
                return Err(ApiError::invalid(
                    "an OAuth2 data source's service account holds no password: it is reached \
                     app-only, by impersonation",
                ));
            }
            oauth_settings(oauth)
        }
        (Authentication::OAuth2, None) => Err(ApiError::invalid(
            "the OAuth2 authentication type needs the OAuth2 application's settings",
        )),
        (_, Some(_)) => Err(ApiError::invalid(
            "OAuth2 settings are given, but the authentication type is not OAuth2",
        )),
        (_, None) => password("service account password", &account.password),
    }
}

/// The longest OAuth2 certificate (PEM) accepted: it is kept as a setting of the data source.
pub(crate) const MAX_CERTIFICATE_BYTES: usize = 4 * 1024;

/// An OAuth2 application's settings: names, a redirect URI that is `https` (or `http` to a
/// loopback host), endpoints and a credential the OAuth2 client accepts.
fn oauth_settings(oauth: &OAuthSettings) -> Result<(), ApiError> {
    name("OAuth2 tenant", &oauth.tenant)?;
    name("OAuth2 client id", &oauth.client_id)?;
    let redirect = url::Url::parse(&oauth.redirect_uri)
        .map_err(|e| ApiError::invalid(format!("the OAuth2 redirect URI is not a URL: {e}")))?;
    let loopback = match redirect.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(host)) => host.eq_ignore_ascii_case("localhost"),
        None => false,
    };
    if !(redirect.scheme() == "https" || redirect.scheme() == "http" && loopback) {
        return Err(ApiError::invalid(
            "the OAuth2 redirect URI must be https (or http to a loopback host)",
        ));
    }
    match &oauth.credential {
        OAuthCredential::Secret(secret) => password("OAuth2 client secret", secret)?,
        OAuthCredential::Certificate {
            certificate_pem,
            private_key_pem,
        } => {
            if certificate_pem.len() > MAX_CERTIFICATE_BYTES {
                return Err(ApiError::invalid(format!(
                    "the OAuth2 certificate is longer than {MAX_CERTIFICATE_BYTES} bytes"
                )));
            }
            password("OAuth2 private key", private_key_pem)?;
        }
    }
    // The endpoints, the certificate and the key as the OAuth2 client reads them.
    crate::backend::sign_in_flow(oauth)
        .map(drop)
        .map_err(|e| ApiError::invalid(format!("the OAuth2 settings: {e}")))
}

/// An item id, before it reaches Exchange.
pub(crate) fn item_id(id: &str) -> Result<(), ApiError> {
    if id.is_empty() || id.len() > MAX_ITEM_ID_BYTES {
        return Err(ApiError::invalid(format!(
            "an item id of {} bytes",
            id.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_bounded_and_printable() {
        assert!(name("x", "alice@contoso.test").is_ok());
        for bad in ["", "   ", "a\u{0}b", "line\nbreak"] {
            assert!(name("x", bad).is_err(), "{bad:?}");
        }
        assert!(name("x", &"a".repeat(MAX_NAME_BYTES)).is_ok());
        assert!(name("x", &"a".repeat(MAX_NAME_BYTES + 1)).is_err());
    }

    #[test]
    fn server_urls_are_http_with_a_host() {
        assert!(server_url("https://mail.contoso.test/EWS/Exchange.asmx").is_ok());
        for bad in [
            "",
            "mail.contoso.test",
            "ftp://x/",
            "file:///etc/passwd",
            "https://",
        ] {
            assert!(server_url(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn item_ids_are_bounded() {
        assert!(item_id("AAMk").is_ok());
        assert!(item_id("").is_err());
        assert!(item_id(&"A".repeat(MAX_ITEM_ID_BYTES + 1)).is_err());
    }
}
