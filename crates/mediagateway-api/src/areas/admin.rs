//! The admin area: the gateway's status, data-source configuration, connection tests and the
//! known users of each data source.

use std::time::Duration;

use chrono::{DateTime, Utc};
use secrecy::SecretString;
use uuid::Uuid;

use crate::{ApiError, PortalKey};

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
            /// Every data source the gateway holds, by name, without secrets.
            fn list_data_sources(call: $crate::AdminCall) -> ::std::vec::Vec<$crate::DataSourceInfo>
                = ListDataSourcesRequest => DataSourceList;
            /// One data source's configuration as the gateway holds it, without secrets.
            fn get_data_source(call: $crate::AdminCall, data_source: str) -> $crate::DataSourceInfo
                = GetDataSourceRequest => DataSourceInfo;
            /// Removes a data source: its configuration, its portal keys and every account of
            /// its portal users. Says how many portal users' accounts went with it.
            fn delete_data_source(call: $crate::AdminCall, data_source: str) -> u32
                = DeleteDataSourceRequest => DeleteDataSourceReply;
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
            /// A page of a data source's known users (stored and session-based accounts, never
            /// the service account), by portal user, optionally filtered.
            fn list_users(call: $crate::AdminCall, query: $crate::UserQuery) -> $crate::UserPage
                = ListUsersRequest => UserPage;
            /// One known user; `NotLoggedIn` when the portal user has no account there.
            fn user_details(call: $crate::AdminCall, user: $crate::UserRef) -> $crate::KnownUser
                = UserDetailsRequest => KnownUser;
            /// Removes a portal user's stored and session account; says whether there was one.
            fn reset_user(call: $crate::AdminCall, user: $crate::UserRef) -> bool
                = ResetUserRequest => ResetUserReply;
            /// Removes every portal user's account of a data source, keeping its service
            /// account; says how many were removed.
            fn reset_all_users(call: $crate::AdminCall, data_source: str) -> u32
                = ResetAllUsersRequest => ResetAllUsersReply;
            /// Adds a static user to a data source, or replaces the one of that name: an
            /// Exchange login of its own, sealed like the other accounts, that calls of the
            /// data source may act as (see [`ActAs`](crate::ActAs)).
            fn put_static_user(call: $crate::AdminCall, user: $crate::StaticUser) -> ()
                = PutStaticUserRequest => Empty;
            /// The static users of a data source, by name, without their passwords.
            fn list_static_users(call: $crate::AdminCall, data_source: str)
                -> ::std::vec::Vec<$crate::StaticUserInfo>
                = ListStaticUsersRequest => StaticUserList;
            /// Removes a static user; says whether there was one.
            fn remove_static_user(call: $crate::AdminCall, user: $crate::StaticUserRef) -> bool
                = RemoveStaticUserRequest => RemoveStaticUserReply;
            /// Connection test of a static user: one call to Exchange with its login.
            fn test_static_user(call: $crate::AdminCall, user: $crate::StaticUserRef)
                -> $crate::ExchangeCheck
                = TestStaticUserRequest => ExchangeCheck;
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

impl ExchangeGeneration {
    /// Every generation.
    pub const ALL: [Self; 2] = [Self::Exchange2007, Self::Exchange2010To2019];

    /// Its name in stored settings: `exchange-2007` or `exchange-2010-to-2019`.
    pub fn name(self) -> &'static str {
        match self {
            Self::Exchange2007 => "exchange-2007",
            Self::Exchange2010To2019 => "exchange-2010-to-2019",
        }
    }

    /// The generation of a [`name`](Self::name), if it is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|g| g.name() == name)
    }
}

/// How the gateway logs in to Exchange. Exhaustive, as [`ExchangeGeneration`].
///
/// Each is a user name and password. [`UserNamePassword`](Self::UserNamePassword) sends them
/// by the scheme the server offers (Negotiate before NTLM before Basic) and keeps the one the
/// server accepted; the others pin a scheme whatever the server offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Authentication {
    /// User name and password, by the scheme the server's first `401` offers.
    UserNamePassword,
    /// User name and password, always HTTP Basic (HTTPS only; never Exchange Online).
    Basic,
    /// User name and password, always NTLM (NTLMv2).
    Ntlm,
    /// User name and password, always Negotiate: Kerberos with the password, NTLM inside
    /// SPNEGO where no ticket can be had.
    Negotiate,
    /// User name and password, Kerberos only (Negotiate without NTLM): the user name is a
    /// principal (`alice` or `alice@REALM`) and the EWS URL names the server by its host name.
    Kerberos,
    /// OAuth2 bearer tokens (Exchange Online), by the application in the data source's
    /// [`OAuthSettings`]: each portal user signs in once in the browser (the authorization
    /// code flow, [`SessionApi::begin_oauth_login`](crate::SessionApi::begin_oauth_login)) and
    /// the gateway keeps the refresh token; the service account and the static users are
    /// reached app-only (client credentials) by impersonating their mailboxes, and hold no
    /// password.
    OAuth2,
}

impl Authentication {
    /// Every authentication type.
    pub const ALL: [Self; 6] = [
        Self::UserNamePassword,
        Self::Basic,
        Self::Ntlm,
        Self::Negotiate,
        Self::Kerberos,
        Self::OAuth2,
    ];

    /// Its name in stored settings: `user-name-password`, `basic`, `ntlm`, `negotiate`,
    /// `kerberos`, `oauth2`.
    pub fn name(self) -> &'static str {
        match self {
            Self::UserNamePassword => "user-name-password",
            Self::Basic => "basic",
            Self::Ntlm => "ntlm",
            Self::Negotiate => "negotiate",
            Self::Kerberos => "kerberos",
            Self::OAuth2 => "oauth2",
        }
    }

    /// The authentication type of a [`name`](Self::name), if it is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }
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
    /// The OAuth2 application: required with [`Authentication::OAuth2`], refused otherwise.
    pub oauth: Option<OAuthSettings>,
}

/// The application a data source signs in with when its authentication is
/// [`Authentication::OAuth2`]: registered in Microsoft Entra ID with the delegated
/// `EWS.AccessAsUser.All` permission (for portal users) and the application permission
/// `full_access_as_app` (for the service account and static users), admin consent given.
///
/// The gateway seals the credential like an account's password and never hands it out.
#[derive(Debug, Clone)]
pub struct OAuthSettings {
    /// The directory (tenant) id or domain, such as `contoso.onmicrosoft.com`.
    pub tenant: String,
    /// The application (client) id.
    pub client_id: String,
    /// How the application proves itself to the token endpoint.
    pub credential: OAuthCredential,
    /// Where the browser returns after signing in: the portal's page that hands the gateway
    /// the `code` and `state` it got ([`SessionApi::finish_oauth_login`](crate::SessionApi::finish_oauth_login)).
    pub redirect_uri: String,
    /// The authorization server's endpoints when they are not the Microsoft identity
    /// platform's for [`tenant`](Self::tenant) (an on-premises or test authority).
    pub endpoints: Option<OAuthEndpoints>,
}

/// The endpoints of an authorization server not laid out like the Microsoft identity
/// platform: each `https`, or `http` to a loopback host.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthEndpoints {
    /// Where the user signs in.
    pub authorize: String,
    /// Where codes and refresh tokens are redeemed.
    pub token: String,
}

/// How an OAuth2 application proves itself to the token endpoint.
#[derive(Clone)]
pub enum OAuthCredential {
    /// A client secret.
    Secret(SecretString),
    /// A certificate registered with the application (PEM) and its private key (PKCS#8 PEM):
    /// the gateway signs a client assertion with it.
    Certificate {
        /// The certificate, PEM.
        certificate_pem: String,
        /// Its private key, PEM.
        private_key_pem: SecretString,
    },
}

impl std::fmt::Debug for OAuthCredential {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Secret(_) => f.write_str("Secret([REDACTED])"),
            Self::Certificate { .. } => f.write_str("Certificate { .. }"),
        }
    }
}

/// A data source as the gateway holds it, for the admin: every setting but the service
/// account's password, which the gateway never hands out, and the state of its portal keys.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataSourceInfo {
    /// The data source's name.
    pub name: String,
    /// The Exchange servers it talks to.
    pub exchange_generation: ExchangeGeneration,
    /// The authentication type.
    pub authentication: Authentication,
    /// The service account's Exchange user name.
    pub service_user_name: String,
    /// The EWS endpoint.
    pub ews_url: String,
    /// Accounts live for the session only and are never written.
    pub session_based: bool,
    /// The IANA time zone of the gateway.
    pub time_zone: String,
    /// Until when the key before the last rotation still works, if it does.
    pub previous_key_until: Option<DateTime<Utc>>,
}

impl DataSourceInfo {
    /// What the admin sees of `config`, whose previous portal key works until
    /// `previous_key_until`.
    pub fn of(config: &DataSourceConfig, previous_key_until: Option<DateTime<Utc>>) -> Self {
        Self {
            name: config.name.clone(),
            exchange_generation: config.exchange_generation,
            authentication: config.authentication,
            service_user_name: config.service_account.user_name.clone(),
            ews_url: config.service_account.ews_url.clone(),
            session_based: config.session_based,
            time_zone: config.time_zone.clone(),
            previous_key_until,
        }
    }
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

/// Which known users of a data source to list: an optional filter and a page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserQuery {
    /// The data source.
    pub data_source: String,
    /// Keeps the users whose portal user GUID, Exchange user name or mailbox contains it,
    /// ignoring case; `None` or empty keeps every user. At most [`Self::MAX_FILTER_LEN`] bytes.
    pub filter: Option<String>,
    /// How many matching users to skip.
    pub offset: u32,
    /// How many to return at most: 1 to [`Self::MAX_LIMIT`].
    pub limit: u32,
}

impl UserQuery {
    /// The largest page.
    pub const MAX_LIMIT: u32 = 500;
    /// The longest filter, in bytes: no user name or mailbox the gateway accepts is longer.
    pub const MAX_FILTER_LEN: usize = 256;

    /// The first `limit` users of `data_source`, unfiltered.
    pub fn new(data_source: impl Into<String>, limit: u32) -> Self {
        Self {
            data_source: data_source.into(),
            filter: None,
            offset: 0,
            limit,
        }
    }

    /// Checks the page size and the filter's length.
    pub fn check(&self) -> Result<(), ApiError> {
        if !(1..=Self::MAX_LIMIT).contains(&self.limit) {
            return Err(ApiError::invalid(format!(
                "a page of {} users; it takes 1 to {}",
                self.limit,
                Self::MAX_LIMIT
            )));
        }
        if let Some(filter) = &self.filter {
            if filter.len() > Self::MAX_FILTER_LEN {
                return Err(ApiError::invalid(format!(
                    "a filter of {} bytes; it takes at most {}",
                    filter.len(),
                    Self::MAX_FILTER_LEN
                )));
            }
        }
        Ok(())
    }
}

/// One page of known users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserPage {
    /// The users, by portal user GUID.
    pub users: Vec<KnownUser>,
    /// Whether more users match after this page.
    pub more: bool,
}

/// A portal user with an account on a data source, as the gateway shows it: never a secret.
///
/// Accounts without a secret (Kerberos) show only the mailbox and the server URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownUser {
    /// The portal user.
    pub portal_user: Uuid,
    /// The Exchange user name.
    pub user_name: Option<String>,
    /// The mailbox the account reaches.
    pub mailbox: Option<String>,
    /// Whether the account is stored in the vault (`false`: it lives for the session only).
    pub stored: bool,
    /// The EWS URL the account uses.
    pub server_url: Option<String>,
    /// When the account was first kept.
    pub created: Option<DateTime<Utc>>,
    /// When it last changed.
    pub updated: Option<DateTime<Utc>>,
    /// When it was last used to reach Exchange.
    pub last_used: Option<DateTime<Utc>>,
}

/// One portal user of one data source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRef {
    /// The data source.
    pub data_source: String,
    /// The portal user.
    pub portal_user: Uuid,
}

impl UserRef {
    /// `portal_user` of `data_source`.
    pub fn new(data_source: impl Into<String>, portal_user: Uuid) -> Self {
        Self {
            data_source: data_source.into(),
            portal_user,
        }
    }
}

/// The most static users a data source holds.
pub const MAX_STATIC_USERS: usize = 48;

/// A static user of a data source (the original connector's "additional users"): an Exchange
/// login of its own that the data source's calls may act as, by its name, or as the portal
/// user it is mapped to.
#[derive(Debug, Clone)]
pub struct StaticUser {
    /// The data source.
    pub data_source: String,
    /// Its name, unique in the data source (`Sales`): letters, digits, `-`, `_`, `.` and
    /// spaces, 1 to 64 characters.
    pub name: String,
    /// The portal user it stands for, if any: a call may act as "the user given by GUID"
    /// only through such a mapping.
    pub portal_user: Option<Uuid>,
    /// The Exchange user name.
    pub user_name: String,
    /// Its password.
    pub password: SecretString,
    /// The mailbox (primary SMTP address); the user name when absent.
    pub mailbox: Option<String>,
    /// The EWS URL; the service account's when absent.
    pub server_url: Option<String>,
}

/// A static user as the admin sees it: everything but the password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticUserInfo {
    /// Its name.
    pub name: String,
    /// The portal user it stands for, if any.
    pub portal_user: Option<Uuid>,
    /// The Exchange user name.
    pub user_name: String,
    /// The mailbox.
    pub mailbox: String,
    /// The EWS URL it logs in at.
    pub server_url: String,
}

/// One static user of one data source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StaticUserRef {
    /// The data source.
    pub data_source: String,
    /// The static user's name.
    pub name: String,
}

impl StaticUserRef {
    /// Static user `name` of `data_source`.
    pub fn new(data_source: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            data_source: data_source.into(),
            name: name.into(),
        }
    }
}

/// Checks a static user's name: 1 to 64 characters, letters, digits, `-`, `_`, `.` and inner
/// spaces.
pub fn check_static_user_name(name: &str) -> Result<(), ApiError> {
    let fine = !name.is_empty()
        && name.chars().count() <= 64
        && name.trim() == name
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ' '));
    if fine {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "static user name {name:?}: 1 to 64 letters, digits, '-', '_', '.' or inner spaces"
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_user_names_are_checked() {
        for fine in ["Sales", "reception-1", "Team A.b_c", "Empfang", "x"] {
            assert!(check_static_user_name(fine).is_ok(), "{fine}");
        }
        let long = "a".repeat(65);
        for bad in [
            "",
            " Sales",
            "Sales ",
            "a/b",
            "a\\b",
            "a\nb",
            "~guid",
            long.as_str(),
        ] {
            assert!(check_static_user_name(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn a_query_takes_pages_of_1_to_500_and_a_short_filter() {
        for (limit, ok) in [
            (0, false),
            (1, true),
            (500, true),
            (501, false),
            (u32::MAX, false),
        ] {
            let query = UserQuery::new("Exchange", limit);
            assert_eq!(query.check().is_ok(), ok, "limit {limit}");
        }
        let mut query = UserQuery::new("Exchange", 10);
        query.filter = Some("a".repeat(UserQuery::MAX_FILTER_LEN));
        assert!(query.check().is_ok());
        query.filter = Some("a".repeat(10_000));
        let err = query.check().unwrap_err();
        assert!(matches!(err, ApiError::InvalidArgument { .. }), "{err:?}");
        assert!(err.to_string().contains("10000 bytes"), "{err}");
    }
}
