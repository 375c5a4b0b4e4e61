//! Who makes a call: the credentials and, for calls on behalf of a portal user, the user.

use std::fmt;

use secrecy::SecretString;
use uuid::Uuid;

/// The gateway password, which authenticates every call.
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

/// An administrative call: authenticated by the gateway password.
#[derive(Debug, Clone)]
pub struct AdminCall {
    /// The gateway password.
    pub password: GatewayPassword,
}

impl AdminCall {
    /// An administrative call made with `password`.
    pub fn new(password: GatewayPassword) -> Self {
        Self { password }
    }
}

/// A call on behalf of a portal user: the gateway password, the data source and the portal
/// user's GUID.
#[derive(Debug, Clone)]
pub struct UserCall {
    /// The gateway password.
    pub password: GatewayPassword,
    /// The data source the user works through.
    pub data_source: String,
    /// The portal user.
    pub portal_user: Uuid,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_password_never_prints() {
        let call = UserCall {
            password: GatewayPassword::from("hunter2-secret"),
            data_source: "Exchange".into(),
            portal_user: Uuid::nil(),
        };
        let admin = AdminCall::new(GatewayPassword::from("hunter2-secret"));
        for text in [format!("{call:?}"), format!("{admin:?}")] {
            assert!(!text.contains("hunter2"), "{text}");
            assert!(text.contains("REDACTED"), "{text}");
        }
    }
}
