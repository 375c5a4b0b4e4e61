//! The error of every gateway call, whatever the transport.

use std::time::Duration;

use thiserror::Error;

/// Why a connection could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Unreachable {
    /// Nothing listens there (connection refused).
    Refused,
    /// The host name does not resolve.
    NameNotResolved,
    /// No answer in time (often a firewall).
    Timeout,
    /// TLS could not be set up.
    Tls,
    /// Any other failure to connect.
    Other,
}

impl Unreachable {
    /// A stable name, used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Refused => "refused",
            Self::NameNotResolved => "name-not-resolved",
            Self::Timeout => "timeout",
            Self::Tls => "tls",
            Self::Other => "other",
        }
    }

    /// The inverse of [`as_str`](Self::as_str); unknown names are `Other`.
    pub fn from_name(name: &str) -> Self {
        match name {
            "refused" => Self::Refused,
            "name-not-resolved" => Self::NameNotResolved,
            "timeout" => Self::Timeout,
            "tls" => Self::Tls,
            _ => Self::Other,
        }
    }
}

/// The error of a gateway call.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportError {
    /// The gateway could not be reached.
    #[error("the gateway at {address} is unreachable ({}): {detail}", cause.as_str())]
    GatewayUnreachable {
        /// Where the client tried to connect.
        address: String,
        /// Why it could not.
        cause: Unreachable,
        /// What the connection attempt reported.
        detail: String,
    },
    /// The gateway password is wrong.
    #[error("the gateway password is incorrect")]
    PasswordIncorrect,
    /// No data source of that name is configured on the gateway.
    #[error("no data source {name:?} is configured on the gateway")]
    UnknownDataSource {
        /// The name asked for.
        name: String,
    },
    /// The portal user has no account on this data source.
    #[error("portal user {portal_user} is not logged in")]
    NotLoggedIn {
        /// The portal user's GUID.
        portal_user: String,
    },
    /// An argument of the call is not valid.
    #[error("invalid argument: {what}")]
    InvalidArgument {
        /// What is wrong.
        what: String,
    },
    /// Exchange refused the login data.
    #[error("Exchange refused the login data: {detail}")]
    ExchangeLoginRefused {
        /// What Exchange or the strategy said.
        detail: String,
    },
    /// The mailbox does not exist.
    #[error("the mailbox does not exist: {detail}")]
    MailboxNotFound {
        /// What Exchange said.
        detail: String,
    },
    /// The mailbox exists but cannot be used yet (not initialized, being moved, store down).
    #[error("the mailbox is not available yet: {detail}")]
    MailboxNotReady {
        /// What Exchange said.
        detail: String,
    },
    /// Exchange's web services could not be reached.
    #[error("Exchange is unreachable ({}): {detail}", cause.as_str())]
    ExchangeUnreachable {
        /// Why.
        cause: Unreachable,
        /// What the connection attempt reported.
        detail: String,
    },
    /// The item does not exist (any more).
    #[error("the item does not exist: {id}")]
    ItemNotFound {
        /// The item id asked for.
        id: String,
    },
    /// Exchange is throttling; try again later.
    #[error("Exchange is busy; try again later: {detail}")]
    Throttled {
        /// How long Exchange asked the caller to wait.
        back_off: Option<Duration>,
        /// What Exchange said.
        detail: String,
    },
    /// Exchange answered with an error the gateway does not classify further.
    #[error("Exchange error {code}: {detail}")]
    Exchange {
        /// The EWS response code, SOAP fault code or HTTP status.
        code: String,
        /// What Exchange said.
        detail: String,
    },
    /// The gateway's account storage failed.
    #[error("the gateway's account storage failed: {detail}")]
    Storage {
        /// What failed.
        detail: String,
    },
    /// The other side broke the protocol (a malformed or unexpected message).
    #[error("protocol error: {detail}")]
    Protocol {
        /// What was wrong.
        detail: String,
    },
    /// The gateway failed for a reason of its own.
    #[error("internal gateway error: {detail}")]
    Internal {
        /// What failed.
        detail: String,
    },
}

/// The kind of a [`TransportError`], without its details: what travels on the wire as the
/// error's name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
#[allow(missing_docs)] // each kind is the variant of the same name
pub enum ErrorKind {
    GatewayUnreachable,
    PasswordIncorrect,
    UnknownDataSource,
    NotLoggedIn,
    InvalidArgument,
    ExchangeLoginRefused,
    MailboxNotFound,
    MailboxNotReady,
    ExchangeUnreachable,
    ItemNotFound,
    Throttled,
    Exchange,
    Storage,
    Protocol,
    Internal,
}

impl ErrorKind {
    const ALL: [(Self, &'static str); 15] = [
        (Self::GatewayUnreachable, "gateway-unreachable"),
        (Self::PasswordIncorrect, "password-incorrect"),
        (Self::UnknownDataSource, "unknown-data-source"),
        (Self::NotLoggedIn, "not-logged-in"),
        (Self::InvalidArgument, "invalid-argument"),
        (Self::ExchangeLoginRefused, "exchange-login-refused"),
        (Self::MailboxNotFound, "mailbox-not-found"),
        (Self::MailboxNotReady, "mailbox-not-ready"),
        (Self::ExchangeUnreachable, "exchange-unreachable"),
        (Self::ItemNotFound, "item-not-found"),
        (Self::Throttled, "throttled"),
        (Self::Exchange, "exchange"),
        (Self::Storage, "storage"),
        (Self::Protocol, "protocol"),
        (Self::Internal, "internal"),
    ];

    /// The stable name of the kind.
    pub fn as_str(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(k, _)| *k == self)
            .map(|(_, name)| *name)
            .expect("every kind is listed in ALL")
    }

    /// The kind of a stable name.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.iter().find(|(_, n)| *n == name).map(|(k, _)| *k)
    }
}

impl TransportError {
    /// The kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::GatewayUnreachable { .. } => ErrorKind::GatewayUnreachable,
            Self::PasswordIncorrect => ErrorKind::PasswordIncorrect,
            Self::UnknownDataSource { .. } => ErrorKind::UnknownDataSource,
            Self::NotLoggedIn { .. } => ErrorKind::NotLoggedIn,
            Self::InvalidArgument { .. } => ErrorKind::InvalidArgument,
            Self::ExchangeLoginRefused { .. } => ErrorKind::ExchangeLoginRefused,
            Self::MailboxNotFound { .. } => ErrorKind::MailboxNotFound,
            Self::MailboxNotReady { .. } => ErrorKind::MailboxNotReady,
            Self::ExchangeUnreachable { .. } => ErrorKind::ExchangeUnreachable,
            Self::ItemNotFound { .. } => ErrorKind::ItemNotFound,
            Self::Throttled { .. } => ErrorKind::Throttled,
            Self::Exchange { .. } => ErrorKind::Exchange,
            Self::Storage { .. } => ErrorKind::Storage,
            Self::Protocol { .. } => ErrorKind::Protocol,
            Self::Internal { .. } => ErrorKind::Internal,
        }
    }

    /// Whether Exchange is throttling the caller.
    pub fn is_throttled(&self) -> bool {
        matches!(self, Self::Throttled { .. })
    }

    /// How long to wait before trying again, when Exchange said so.
    pub fn back_off(&self) -> Option<Duration> {
        match self {
            Self::Throttled { back_off, .. } => *back_off,
            _ => None,
        }
    }

    /// Whether a password or login was refused (the gateway's or Exchange's).
    pub fn is_authentication_failed(&self) -> bool {
        matches!(
            self,
            Self::PasswordIncorrect | Self::ExchangeLoginRefused { .. }
        )
    }

    /// Whether the thing asked for does not exist (item, mailbox, data source).
    pub fn is_not_found(&self) -> bool {
        matches!(
            self,
            Self::ItemNotFound { .. }
                | Self::MailboxNotFound { .. }
                | Self::UnknownDataSource { .. }
        )
    }

    /// Whether the gateway or Exchange could not be reached.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            Self::GatewayUnreachable { .. } | Self::ExchangeUnreachable { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for (kind, name) in ErrorKind::ALL {
            assert_eq!(kind.as_str(), name);
            assert_eq!(ErrorKind::from_name(name), Some(kind));
            assert!(seen.insert(name), "{name} twice");
        }
        assert_eq!(ErrorKind::from_name("no-such-kind"), None);
        assert_eq!(ErrorKind::from_name(""), None);
    }

    #[test]
    fn helpers_answer_for_the_right_variants() {
        let throttled = TransportError::Throttled {
            back_off: Some(Duration::from_millis(250)),
            detail: String::new(),
        };
        assert!(throttled.is_throttled());
        assert_eq!(throttled.back_off(), Some(Duration::from_millis(250)));
        assert!(!TransportError::PasswordIncorrect.is_throttled());
        assert!(TransportError::PasswordIncorrect.is_authentication_failed());
        assert!(TransportError::ItemNotFound { id: "x".into() }.is_not_found());
        assert!(!TransportError::PasswordIncorrect.is_not_found());
    }
}
