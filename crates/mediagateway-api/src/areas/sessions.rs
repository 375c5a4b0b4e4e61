//! The sessions area: portal users log in and out.

use secrecy::SecretString;

/// The sessions area's operations, as data (see the [`declare`](crate::declare) module).
#[macro_export]
macro_rules! session_operations {
    ($callback:ident! { $($prefix:tt)* }) => {
        $callback! {
            $($prefix)*
            /// Logins and logouts of portal users.
            trait SessionApi;
            /// Logs a portal user in; the credentials are checked against Exchange first.
            fn login(call: $crate::UserCall, login: $crate::Login) -> $crate::LoginOutcome
                = LoginRequest => LoginOutcome;
            /// Forgets the portal user's account; says whether there was one.
            fn logout(call: $crate::UserCall) -> bool = LogoutRequest => LogoutReply;
            /// Starts a portal user's OAuth2 sign-in (data sources with
            /// [`Authentication::OAuth2`](crate::Authentication::OAuth2)): the URL to send
            /// the user's browser to. The sign-in is bound to this portal user and data source
            /// and must be finished within [`OAUTH_SIGN_IN_TTL`](crate::OAUTH_SIGN_IN_TTL).
            fn begin_oauth_login(call: $crate::UserCall, start: $crate::OAuthLoginStart)
                -> $crate::OAuthAuthorization
                = BeginOAuthLoginRequest => OAuthAuthorization;
            /// Finishes the sign-in with the `code` and `state` the browser brought back to
            /// the redirect URI: the gateway redeems the code, checks the mailbox with the
            /// token and keeps the refresh token as the portal user's account (sealed in the
            /// vault, or for the session only).
            fn finish_oauth_login(call: $crate::UserCall, finish: $crate::OAuthLoginFinish)
                -> $crate::LoginOutcome
                = FinishOAuthLoginRequest => LoginOutcome;
        }
    };
}

use crate::declare_area;

crate::session_operations!(declare_area! {});

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

/// How long a started OAuth2 sign-in waits for its code.
pub const OAUTH_SIGN_IN_TTL: std::time::Duration = std::time::Duration::from_secs(10 * 60);

/// The start of an OAuth2 sign-in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OAuthLoginStart {
    /// The user's sign-in name, when the portal knows it: passed as `login_hint`, so the user
    /// need not type it.
    pub login_hint: Option<String>,
}

/// Where the portal sends the user's browser to sign in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OAuthAuthorization {
    /// The authorization URL (with the PKCE challenge and the sign-in's `state`).
    pub authorization_url: String,
}

/// What the browser brought back to the redirect URI.
#[derive(Debug, Clone)]
pub struct OAuthLoginFinish {
    /// The authorization code: short-lived, but a credential until redeemed.
    pub code: SecretString,
    /// The `state` of the sign-in.
    pub state: String,
}
