//! The admin area: the gateway's status, data-source configuration and connection tests.

use secrecy::SecretString;

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
            /// Creates or replaces a data source's configuration.
            fn configure_data_source(call: $crate::AdminCall, config: $crate::DataSourceConfig) -> ()
                = ConfigureDataSourceRequest => Empty;
            /// Connection test: one call to Exchange with the data source's service account.
            fn test_exchange_account(call: $crate::AdminCall, data_source: str) -> $crate::ExchangeCheck
                = TestExchangeAccountRequest => ExchangeCheck;
            /// Replaces the gateway password; the new one must have at least 8 characters.
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
