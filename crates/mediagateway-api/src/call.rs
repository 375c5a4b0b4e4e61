//! Who makes a call: the credential it presents, where it comes from and, for calls on behalf
//! of a portal user, the data source and the user.

use std::fmt;
use std::net::IpAddr;

use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

/// The gateway password: the admin credential.
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

/// A data source's portal key: the credential of calls on behalf of its portal users.
///
/// The gateway makes it (256 random bits, written as `mgk1.` and 43 base64url characters) and
/// keeps only its SHA-256 hash.
#[derive(Clone)]
pub struct PortalKey(SecretString);

impl PortalKey {
    /// The prefix every key the gateway issues starts with.
    pub const PREFIX: &'static str = "mgk1.";
    /// The longest key accepted, in bytes (keys are 48 bytes; the rest is slack).
    pub const MAX_LEN: usize = 256;

    /// Wraps a key.
    pub fn new(key: SecretString) -> Self {
        Self(key)
    }

    /// The key; expose it only to check, send or store it.
    pub fn secret(&self) -> &SecretString {
        &self.0
    }
}

impl fmt::Debug for PortalKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("PortalKey([REDACTED])")
    }
}

impl From<&str> for PortalKey {
    fn from(value: &str) -> Self {
        Self(SecretString::from(value.to_owned()))
    }
}

impl PartialEq for PortalKey {
    /// Compares in constant time for keys of equal length.
    fn eq(&self, other: &Self) -> bool {
        let (a, b) = (
            self.0.expose_secret().as_bytes(),
            other.0.expose_secret().as_bytes(),
        );
        a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
    }
}

impl Eq for PortalKey {}

/// The credential a call presents.
#[derive(Debug, Clone, Default)]
pub enum Credential {
    /// None at all.
    #[default]
    None,
    /// The gateway password (the admin role).
    GatewayPassword(GatewayPassword),
    /// A data source's portal key (the portal role).
    PortalKey(PortalKey),
}

impl Credential {
    /// A short name for messages and logs: never the secret.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::None => "no credential",
            Self::GatewayPassword(_) => "the gateway password",
            Self::PortalKey(_) => "a portal key",
        }
    }
}

/// An administrative call: made with the gateway password.
#[derive(Debug, Clone)]
pub struct AdminCall {
    /// What the caller presents; the admin area takes only the gateway password.
    pub credential: Credential,
    /// The caller's address as the wire saw it (`None` in the same process). A wire server
    /// sets it from the connection; the gateway rate-limits failed credentials by it.
    pub peer: Option<IpAddr>,
}

impl AdminCall {
    /// An administrative call made with `password`.
    pub fn new(password: GatewayPassword) -> Self {
        Self::with_credential(Credential::GatewayPassword(password))
    }

    /// An administrative call presenting `credential` (for wires, and for tests of refusals).
    pub fn with_credential(credential: Credential) -> Self {
        Self {
            credential,
            peer: None,
        }
    }

    /// The same call, coming from `peer`.
    #[must_use]
    pub fn from_peer(mut self, peer: Option<IpAddr>) -> Self {
        self.peer = peer;
        self
    }
}

/// A call on behalf of a portal user: the data source's portal key, the data source and the
/// portal user's GUID.
#[derive(Debug, Clone)]
pub struct UserCall {
    /// What the caller presents; user calls take only the data source's portal key.
    pub credential: Credential,
    /// The data source the user works through.
    pub data_source: String,
    /// The portal user.
    pub portal_user: Uuid,
    /// The caller's address as the wire saw it (`None` in the same process).
    pub peer: Option<IpAddr>,
    /// Whose Exchange login the call uses: the portal user's own, or a static user's of the
    /// data source (the user switch).
    pub act_as: ActAs,
}

/// Whose Exchange login a user call uses (the original connector's user switch). Calls never
/// reach another portal user's own account: only the data source's static users can be acted
/// as, by name or through the portal user a static user is mapped to.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum ActAs {
    /// The calling portal user's own account.
    #[default]
    Own,
    /// The static user of this name.
    StaticUser(String),
    /// The static user mapped to this portal user ("the user given by GUID"); refused when no
    /// static user is mapped to it.
    MappedUser(Uuid),
}

impl UserCall {
    /// A call with `key` for `portal_user` of `data_source`.
    pub fn new(key: PortalKey, data_source: impl Into<String>, portal_user: Uuid) -> Self {
        Self::with_credential(Credential::PortalKey(key), data_source, portal_user)
    }

    /// A call presenting `credential` (for wires, and for tests of refusals).
    pub fn with_credential(
        credential: Credential,
        data_source: impl Into<String>,
        portal_user: Uuid,
    ) -> Self {
        Self {
            credential,
            data_source: data_source.into(),
            portal_user,
            peer: None,
            act_as: ActAs::Own,
        }
    }

    /// This call acting as `act_as` (the user switch).
    #[must_use]
    pub fn acting_as(mut self, act_as: ActAs) -> Self {
        self.act_as = act_as;
        self
    }

    /// The same call, coming from `peer`.
    #[must_use]
    pub fn from_peer(mut self, peer: Option<IpAddr>) -> Self {
        self.peer = peer;
        self
    }
}

/// A call made for a data source as a whole, not for one of its users (reading its tables'
/// metadata): the data source's portal key and the data source.
#[derive(Debug, Clone)]
pub struct PortalCall {
    /// What the caller presents; portal calls take only the data source's portal key.
    pub credential: Credential,
    /// The data source.
    pub data_source: String,
    /// The caller's address as the wire saw it (`None` in the same process).
    pub peer: Option<IpAddr>,
}

impl PortalCall {
    /// A call with `key` for `data_source`.
    pub fn new(key: PortalKey, data_source: impl Into<String>) -> Self {
        Self::with_credential(Credential::PortalKey(key), data_source)
    }

    /// A call presenting `credential` (for wires, and for tests of refusals).
    pub fn with_credential(credential: Credential, data_source: impl Into<String>) -> Self {
        Self {
            credential,
            data_source: data_source.into(),
            peer: None,
        }
    }

    /// The same call, coming from `peer`.
    #[must_use]
    pub fn from_peer(mut self, peer: Option<IpAddr>) -> Self {
        self.peer = peer;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_never_print() {
        let call = UserCall::new(
            PortalKey::from("mgk1.hunter2-secret"),
            "Exchange",
            Uuid::nil(),
        );
        let admin = AdminCall::new(GatewayPassword::from("hunter2-secret"));
        for text in [format!("{call:?}"), format!("{admin:?}")] {
            assert!(!text.contains("hunter2"), "{text}");
            assert!(text.contains("REDACTED"), "{text}");
        }
    }

    #[test]
    fn keys_compare_by_value() {
        assert_eq!(PortalKey::from("mgk1.a"), PortalKey::from("mgk1.a"));
        assert_ne!(PortalKey::from("mgk1.a"), PortalKey::from("mgk1.b"));
        assert_ne!(PortalKey::from("mgk1.a"), PortalKey::from("mgk1.aa"));
    }
}
