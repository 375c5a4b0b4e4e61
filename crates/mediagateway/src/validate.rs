//! Checks of what callers send, before anything is stored or sent to Exchange.

use mediagateway_api::{ApiError, DataSourceConfig};
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
    password("service account password", &account.password)
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
