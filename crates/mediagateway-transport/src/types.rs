//! The domain types of the gateway API.

use std::fmt;

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use uuid::Uuid;

use crate::TransportError;

/// The gateway password that authenticates every call.
#[derive(Clone)]
pub struct GatewayPassword(SecretString);

impl GatewayPassword {
    /// Wraps a password.
    pub fn new(password: SecretString) -> Self {
        Self(password)
    }

    /// The password; expose it only to check or send it.
    pub fn secret(&self) -> &SecretString {
        &self.0
    }
}

impl fmt::Debug for GatewayPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("GatewayPassword([REDACTED])")
    }
}

impl From<&str> for GatewayPassword {
    fn from(value: &str) -> Self {
        Self(SecretString::from(value.to_owned()))
    }
}

/// Who makes a call on behalf of a portal user: the gateway password, the data source and the
/// portal user's GUID.
#[derive(Debug, Clone)]
pub struct UserCall {
    /// The gateway password.
    pub password: GatewayPassword,
    /// The data source the user works through.
    pub data_source: String,
    /// The portal user.
    pub portal_user: Uuid,
}

/// The Exchange versions a data source can be configured for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ExchangeVersion {
    /// Exchange 2007 SP1.
    Exchange2007,
    /// Exchange 2010 to 2019, Subscription Edition and Exchange Online (Microsoft 365).
    Exchange2010To2019,
}

/// How the gateway logs in to Exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Authentication {
    /// User name and password (HTTP Basic).
    UserNamePassword,
}

/// The plain service mailbox a data source uses for connection tests and metadata.
#[derive(Debug, Clone)]
pub struct ServiceAccount {
    /// Exchange user name (`svc@contoso.com` or `CONTOSO\svc`).
    pub user_name: String,
    /// Its password.
    pub password: SecretString,
    /// The EWS endpoint, such as `https://mail.contoso.com/EWS/Exchange.asmx`.
    pub ews_url: String,
}

/// The configuration of one data source, as the gateway keeps it.
#[derive(Debug, Clone)]
pub struct DataSourceConfig {
    /// The data source's name (the connection name in the portal).
    pub name: String,
    /// The Exchange version.
    pub exchange_version: ExchangeVersion,
    /// The authentication type.
    pub authentication: Authentication,
    /// The service account.
    pub service_account: ServiceAccount,
    /// Accounts live for the session only and are never written.
    pub session_based: bool,
    /// The IANA time zone of the gateway (`Europe/Berlin`).
    pub time_zone: String,
}

/// What the gateway says about itself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GatewayStatus {
    /// The gateway's version.
    pub gateway_version: String,
    /// Whether the gateway password is still the default `1234`.
    pub default_password: bool,
    /// How many data sources are configured.
    pub data_sources: u32,
}

/// The outcome of the Exchange account connection test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExchangeCheck {
    /// The server's version, as it reported it.
    pub server_version: Option<String>,
    /// The mailbox the test used.
    pub mailbox: String,
}

/// A portal user's Exchange login.
#[derive(Debug, Clone)]
pub struct Login {
    /// Exchange user name.
    pub user_name: String,
    /// Its password.
    pub password: SecretString,
    /// The primary SMTP address when it differs from the user name.
    pub mailbox: Option<String>,
}

/// The outcome of a login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginOutcome {
    /// Whether the account was written to the vault (false for session-based data sources).
    pub stored: bool,
    /// The mailbox the account reaches.
    pub mailbox: String,
}

/// A half-open window of time, `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWindow {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
}

impl TimeWindow {
    /// The window from `start` to `end`; `end` must not be before `start`.
    pub fn new(start: DateTime<Utc>, end: DateTime<Utc>) -> Result<Self, TransportError> {
        if end < start {
            return Err(TransportError::InvalidArgument {
                what: format!("the window ends ({end}) before it starts ({start})"),
            });
        }
        Ok(Self { start, end })
    }

    /// Its start.
    pub fn start(&self) -> DateTime<Utc> {
        self.start
    }

    /// Its end.
    pub fn end(&self) -> DateTime<Utc> {
        self.end
    }
}

/// A calendar item as the portal sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appointment {
    /// Exchange's item id.
    pub id: String,
    /// Exchange's change key (empty when unknown).
    pub change_key: String,
    /// Subject.
    pub subject: String,
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
    /// Whether it is an all-day event.
    pub is_all_day: bool,
    /// Location.
    pub location: Option<String>,
    /// Body text.
    pub body: Option<String>,
    /// The organizer's e-mail address.
    pub organizer: Option<String>,
}

/// An appointment to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAppointment {
    /// Subject.
    pub subject: String,
    /// Start.
    pub start: DateTime<Utc>,
    /// End.
    pub end: DateTime<Utc>,
    /// Whether it is an all-day event.
    pub is_all_day: bool,
    /// Location.
    pub location: Option<String>,
    /// Body text.
    pub body: Option<String>,
}
