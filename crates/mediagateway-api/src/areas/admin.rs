//! The admin area: the gateway's status, data-source configuration and connection tests.

use std::time::Duration;

use secrecy::SecretString;

use crate::PortalKey;

/// The admin area's operations, as data (see the [`declare`](crate::declare) module).
#[macro_export]
macro_rules! admin_operations {
    ($callback:ident! { $($prefix:tt)* }) => {
        $callback! {
            $($prefix)*
            /// Administrative calls, authenticated by the gateway password.
            trait AdminApi;
            /// The gateway's version and security status; checks the password.
            fn status(call: $crate::AdminCall) -> $crate::GatewayStatus
                = StatusRequest => GatewayStatus;
            /// Creates or replaces a data source's configuration. A new data source gets its
            /// portal key, handed back once; a replaced one keeps its key.
            fn configure_data_source(call: $crate::AdminCall, config: $crate::DataSourceConfig)
                -> $crate::DataSourceConfigured
                = ConfigureDataSourceRequest => DataSourceConfigured;
            /// Issues a new portal key for a data source; the old one keeps working for the
            /// grace period asked for (at most a week), then stops.
            fn rotate_portal_key(call: $crate::AdminCall, rotation: $crate::KeyRotation)
                -> $crate::PortalKey
                = RotatePortalKeyRequest => PortalKeyReply;
            /// Connection test: one call to Exchange with the data source's service account.
            fn test_exchange_account(call: $crate::AdminCall, data_source: str) -> $crate::ExchangeCheck
                = TestExchangeAccountRequest => ExchangeCheck;
            /// Replaces the gateway password; a weak new password is refused.
            fn change_password(call: $crate::AdminCall, new_password: $crate::GatewayPassword) -> ()
                = ChangePasswordRequest => Empty;
        }
    };
}

use crate::declare_area;

crate::admin_operations!(declare_area! {});

/// The Exchange servers a data source can be configured for: a range of server generations.
///
/// Exhaustive, like every enum that travels on a wire: each wire maps it with an exhaustive
/// `match`, so a new value does not compile until every wire can carry it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExchangeGeneration {
    /// Exchange 2007 SP1.
    Exchange2007,
    /// Exchange 2010 to 2019, Subscription Edition and Exchange Online (Microsoft 365).
    Exchange2010To2019,
}

/// How the gateway logs in to Exchange. Exhaustive, as [`ExchangeGeneration`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Authentication {
    /// User name and password (HTTP Basic).
    UserNamePassword,
}

/// The data source's Exchange account: a plain service mailbox used for connection tests and
/// metadata.
#[derive(Debug, Clone)]
pub struct ServiceAccount {
    /// Exchange user name (`svc@contoso.com` or `CONTOSO\svc`).
    pub user_name: String,
    /// Its password.
    pub password: SecretString,
    /// The EWS endpoint, such as `https://mail.contoso.com/EWS/Exchange.asmx`.
    pub ews_url: String,
}

impl ServiceAccount {
    /// The service mailbox's user name and password, and the EWS server URL
    /// (`https://mail.contoso.com/EWS/Exchange.asmx`).
    pub fn new(
        user_name: impl Into<String>,
        password: SecretString,
        ews_url: impl Into<String>,
    ) -> Self {
        Self {
            user_name: user_name.into(),
            password,
            ews_url: ews_url.into(),
        }
    }
}

/// The configuration of one data source, as the gateway keeps it.
#[derive(Debug, Clone)]
pub struct DataSourceConfig {
    /// The data source's name (the connection name in the portal).
    pub name: String,
    /// The Exchange servers it talks to.
    pub exchange_generation: ExchangeGeneration,
    /// The authentication type.
    pub authentication: Authentication,
    /// The service account.
    pub service_account: ServiceAccount,
    /// Accounts live for the session only and are never written.
    pub session_based: bool,
    /// The IANA time zone of the gateway (`Europe/Berlin`).
    pub time_zone: String,
}

/// What configuring a data source did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSourceConfigured {
    /// The data source's portal key, when this call created the data source: keep it, the
    /// gateway holds only its hash. `None` when an existing data source was replaced.
    pub portal_key: Option<PortalKey>,
    /// The Exchange host before the change, when the call changed it.
    pub previous_ews_host: Option<String>,
}

/// A portal key rotation: which data source, and how long its old key keeps working.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyRotation {
    /// The data source.
    pub data_source: String,
    /// How long the old key stays valid beside the new one (zero: it stops at once).
    pub grace: Duration,
}

impl KeyRotation {
    /// The longest grace period accepted.
    pub const MAX_GRACE: Duration = Duration::from_secs(7 * 24 * 3600);
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
