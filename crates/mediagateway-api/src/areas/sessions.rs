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
