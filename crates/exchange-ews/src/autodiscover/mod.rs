//! Autodiscover: finding the EWS URL of a mailbox from its e-mail address.
//!
//! The sans-IO half builds requests and parses answers: [`GetUserSettings`] for SOAP
//! Autodiscover (`autodiscover.svc`), [`PoxAutodiscover`] for the older POX protocol
//! (`autodiscover.xml`). The async half, [`Autodiscover`], asks the usual endpoints of the
//! address's domain in turn, follows redirects within bounds and caches what it found.
//!
//! ```
//! use exchange_ews::autodiscover::{AutodiscoverCode, GetUserSettings};
//!
//! let answer = br#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
//!   <GetUserSettingsResponseMessage xmlns="http://schemas.microsoft.com/exchange/2010/Autodiscover">
//!     <Response><ErrorCode>NoError</ErrorCode><UserResponses><UserResponse>
//!       <ErrorCode>NoError</ErrorCode><ErrorMessage>No error.</ErrorMessage>
//!       <UserSettings><UserSetting>
//!         <Name>ExternalEwsUrl</Name><Value>https://mail.contoso.test/EWS/Exchange.asmx</Value>
//!       </UserSetting></UserSettings>
//!     </UserResponse></UserResponses></Response>
//!   </GetUserSettingsResponseMessage>
//! </s:Body></s:Envelope>"#;
//! let user = GetUserSettings::parse_response(answer)?;
//! assert_eq!(user.error_code, AutodiscoverCode::NoError);
//! assert_eq!(user.ews_url(), Some("https://mail.contoso.test/EWS/Exchange.asmx"));
//! # Ok::<(), exchange_ews::EwsError>(())
//! ```
//!
//! ```no_run
//! use std::sync::Arc;
//! use exchange_auth::{Basic, UserCredentials};
//! use exchange_ews::autodiscover::Autodiscover;
//! use secrecy::SecretString;
//!
//! # async fn run() -> Result<(), exchange_ews::EwsError> {
//! let basic = Basic::new(UserCredentials::new("alice@contoso.test", SecretString::from("pw")))
//!     .expect("valid credentials");
//! let autodiscover = Autodiscover::builder().auth(Arc::new(basic)).build()?;
//! let found = autodiscover.resolve("alice@contoso.test").await?;
//! println!("EWS at {}", found.ews_url);
//! # Ok(()) }
//! ```
//!
//! # Order of the search
//!
//! For the domain `D` of the address: SOAP at `https://D/autodiscover/autodiscover.svc` and
//! `https://autodiscover.D/autodiscover/autodiscover.svc`, then POX at the same hosts
//! (`…/autodiscover/autodiscover.xml`), then the host and port of the SRV record
//! `_autodiscover._tcp.D` (SOAP, then POX). The crate has no DNS client: the default
//! [`SrvResolver`] ([`NoSrvRecords`]) finds nothing, and callers that want this last step
//! plug in one of their own with [`AutodiscoverBuilder::srv_resolver`].
//!
//! Only `https://` URLs are asked; a redirect elsewhere is refused
//! ([`EwsError::InsecureUrl`]).

mod cache;
mod pox;
mod resolver;
mod soap;
mod srv;
mod walk;

#[cfg(test)]
mod tests;

pub use pox::{PoxAutodiscover, PoxProtocol, PoxResponse, PoxSettings, RESPONSE_SCHEMA};
pub use resolver::{Autodiscover, AutodiscoverBuilder, BaseUrlHook};
pub use soap::{AutodiscoverCode, GetUserSettings, UserResponse, UserSetting, DEFAULT_SETTINGS};
pub use srv::{NoSrvRecords, SrvRecord, SrvResolver};

use std::fmt;

use crate::EwsError;

/// The longest e-mail address accepted (RFC 5321 allows 320 characters).
const MAX_ADDRESS_CHARS: usize = 320;

/// What Autodiscover found for a mailbox.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Discovery {
    /// The address that was answered (after any address redirects).
    pub mailbox: String,
    /// The EWS URL of the mailbox.
    pub ews_url: String,
    /// The Autodiscover URL that answered.
    pub endpoint: String,
    /// How it answered.
    pub protocol: AutodiscoverProtocol,
    /// The settings of a SOAP answer (`UserDisplayName`, `CasVersion`, …); a POX answer
    /// gives `UserDisplayName` and `UserDN` when it has them.
    pub settings: Vec<UserSetting>,
}

impl Discovery {
    /// The value of the setting `name`.
    pub fn setting(&self, name: &str) -> Option<&str> {
        self.settings
            .iter()
            .find(|s| s.name == name)
            .map(|s| s.value.as_str())
    }
}

/// The protocol of an Autodiscover endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AutodiscoverProtocol {
    /// SOAP `GetUserSettings` (`autodiscover.svc`).
    Soap,
    /// Plain old XML (`autodiscover.xml`).
    Pox,
}

/// One endpoint Autodiscover tried, and why it gave no answer.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AutodiscoverAttempt {
    /// The URL asked (or the SRV name looked up).
    pub url: String,
    /// Why it failed.
    pub failure: EwsError,
}

impl fmt::Display for AutodiscoverAttempt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.url, self.failure)
    }
}

/// The attempts of an [`EwsError::AutodiscoverFailed`], for its message.
pub(crate) fn describe_attempts(attempts: &[AutodiscoverAttempt]) -> String {
    if attempts.is_empty() {
        return "no endpoint to try".into();
    }
    attempts
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// The address trimmed, and its domain lower-cased; fails on anything but `local@domain`
/// with a plain DNS name as domain (so that it can be put into a URL as it is).
pub(crate) fn check_address(address: &str) -> Result<(String, String), EwsError> {
    let invalid = |reason: &str| EwsError::InvalidArgument {
        argument: "address",
        reason: format!(
            "{:?}: {reason}",
            address.chars().take(MAX_ADDRESS_CHARS).collect::<String>()
        ),
    };
    let address = address.trim();
    if address.chars().count() > MAX_ADDRESS_CHARS {
        return Err(invalid("the address is too long"));
    }
    if address.chars().any(|c| c.is_control() || c.is_whitespace()) {
        return Err(invalid("the address holds spaces or control characters"));
    }
    let Some((local, domain)) = address.rsplit_once('@') else {
        return Err(invalid("the address has no @"));
    };
    if local.is_empty() {
        return Err(invalid("the address has nothing before the @"));
    }
    let labels_ok = domain.split('.').all(|label| {
        !label.is_empty()
            && !label.starts_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
    });
    if domain.is_empty() || !labels_ok {
        return Err(invalid("the domain is not a DNS name"));
    }
    Ok((address.to_owned(), domain.to_ascii_lowercase()))
}

impl EwsError {
    /// Whether Autodiscover answered that the mailbox does not exist.
    pub fn is_user_not_found(&self) -> bool {
        matches!(self, Self::UserNotFound { .. })
    }

    /// Whether Autodiscover found nothing, was redirected too often or in a loop.
    pub fn is_autodiscover_failed(&self) -> bool {
        matches!(
            self,
            Self::AutodiscoverFailed { .. }
                | Self::TooManyRedirects { .. }
                | Self::RedirectLoop { .. }
        )
    }

    /// Whether a URL was refused for not being `https://`.
    pub fn is_insecure_url(&self) -> bool {
        matches!(self, Self::InsecureUrl { .. })
    }
}
