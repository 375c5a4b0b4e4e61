//! The error of every gateway call, whatever carries it.

use std::time::Duration;

use thiserror::Error;

/// Why a connection could not be made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Unreachable {
    /// Nothing listens there (connection refused).
    Refused,
    /// The host name does not resolve.
    NameNotResolved,
    /// No answer in time (often a firewall).
    Timeout,
    /// TLS could not be set up.
    Tls,
    /// The peer's certificate failed verification: an unknown issuer, another pinned
    /// fingerprint, another host name, or out of its validity period.
    CertificateNotTrusted,
    /// Any other failure to connect.
    Other,
}

impl Unreachable {
    /// A short word for messages.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Refused => "refused",
            Self::NameNotResolved => "name not resolved",
            Self::Timeout => "timeout",
            Self::Tls => "TLS",
            Self::CertificateNotTrusted => "certificate not trusted",
            Self::Other => "other",
        }
    }
}

/// The error of a gateway call.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ApiError {
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
    /// The gateway password is wrong or missing.
    #[error("the gateway password is incorrect")]
    PasswordIncorrect,
    /// The portal key is wrong or missing: no data source has it.
    #[error("the portal key is incorrect")]
    PortalKeyIncorrect,
    /// The credential is right but does not reach what the call touches: the gateway password
    /// on a call for a portal user, a portal key on an admin call or on another data source.
    #[error("permission denied: {what}")]
    PermissionDenied {
        /// What was refused, and which credential the call needs.
        what: String,
    },
    /// Too many wrong credentials came from the caller's address: wait before trying again.
    #[error("too many failed attempts; try again in {} s", retry_after.as_secs().max(1))]
    TooManyAttempts {
        /// How long to wait.
        retry_after: Duration,
    },
    /// An EWS URL fails the gateway's URL policy; no password was sent to it.
    #[error("the EWS URL is refused: {reason}")]
    EwsUrlRefused {
        /// Why, and what to do.
        reason: String,
    },
    /// The call goes past one of the gateway's limits (a size, a count, a window).
    #[error("limit exceeded: {what}")]
    LimitExceeded {
        /// Which limit, and its value.
        what: String,
    },
    /// What the call asks for is not something this gateway's mailbox backend can do.
    #[error("not supported by this backend: {what}")]
    NotSupported {
        /// What, and why.
        what: String,
    },
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
    /// Exchange, or the service it trusts (a KDC, a token service), refused the login data.
    #[error("Exchange refused the login data: {detail}")]
    ExchangeLoginRefused {
        /// What Exchange or the strategy said.
        detail: String,
    },
    /// The portal user's stored sign-in no longer works (an OAuth2 refresh token that expired
    /// or was revoked): the account is gone, and the user must sign in again.
    #[error("sign in again: {detail}")]
    SignInAgain {
        /// Why, as the token service said.
        detail: String,
    },
    /// The service that authenticates users (a Kerberos KDC, an OAuth2 token service, the
    /// system's GSSAPI) could not be reached or used: the login data may well be right.
    #[error("the authentication service is unavailable: {detail}")]
    AuthenticationUnavailable {
        /// What failed.
        detail: String,
    },
    /// The authentication settings do not fit the server (a scheme it does not offer, an
    /// OAuth2 client it does not know, missing consent or permissions, clock skew).
    #[error("the authentication settings do not fit the server: {detail}")]
    AuthenticationMisconfigured {
        /// What failed.
        detail: String,
        /// Which of the known set-up mistakes it is, where the gateway can tell.
        problem: AuthProblem,
    },
    /// Exchange refuses EWS to this application by policy (Exchange Online since 2026-10-01,
    /// unless a tenant admin allows the app; off for everyone from 2027-04-01).
    #[error("Exchange refuses EWS to this application: {detail}")]
    EwsBlocked {
        /// The policy's reason, as Exchange gave it.
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
    /// The record changed since the caller read it: the change key given is stale. Read it
    /// again and decide what to write.
    #[error("the record changed since it was read: {id}")]
    Conflict {
        /// The record's id.
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

/// The kind of an [`ApiError`], without its details: what travels on a wire as the error's
/// name (the `ErrorKind` enum of `proto/mediagateway/v1/common.proto`).
///
/// Unlike [`ApiError`] this enum is exhaustive on purpose: it is the wire contract, and every
/// wire adapter maps it with an exhaustive `match`, so a new kind does not compile until each
/// wire has a name for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(missing_docs)] // each kind is the variant of the same name
pub enum ErrorKind {
    GatewayUnreachable,
    PasswordIncorrect,
    PortalKeyIncorrect,
    PermissionDenied,
    TooManyAttempts,
    EwsUrlRefused,
    LimitExceeded,
    NotSupported,
    UnknownDataSource,
    NotLoggedIn,
    InvalidArgument,
    ExchangeLoginRefused,
    SignInAgain,
    AuthenticationUnavailable,
    AuthenticationMisconfigured,
    EwsBlocked,
    MailboxNotFound,
    MailboxNotReady,
    ExchangeUnreachable,
    ItemNotFound,
    Conflict,
    Throttled,
    Exchange,
    Storage,
    Protocol,
    Internal,
}

impl ApiError {
    /// The kind of this error.
    pub fn kind(&self) -> ErrorKind {
        match self {
            Self::GatewayUnreachable { .. } => ErrorKind::GatewayUnreachable,
            Self::PasswordIncorrect => ErrorKind::PasswordIncorrect,
            Self::PortalKeyIncorrect => ErrorKind::PortalKeyIncorrect,
            Self::PermissionDenied { .. } => ErrorKind::PermissionDenied,
            Self::TooManyAttempts { .. } => ErrorKind::TooManyAttempts,
            Self::EwsUrlRefused { .. } => ErrorKind::EwsUrlRefused,
            Self::LimitExceeded { .. } => ErrorKind::LimitExceeded,
            Self::NotSupported { .. } => ErrorKind::NotSupported,
            Self::UnknownDataSource { .. } => ErrorKind::UnknownDataSource,
            Self::NotLoggedIn { .. } => ErrorKind::NotLoggedIn,
            Self::InvalidArgument { .. } => ErrorKind::InvalidArgument,
            Self::ExchangeLoginRefused { .. } => ErrorKind::ExchangeLoginRefused,
            Self::SignInAgain { .. } => ErrorKind::SignInAgain,
            Self::AuthenticationUnavailable { .. } => ErrorKind::AuthenticationUnavailable,
            Self::AuthenticationMisconfigured { .. } => ErrorKind::AuthenticationMisconfigured,
            Self::EwsBlocked { .. } => ErrorKind::EwsBlocked,
            Self::MailboxNotFound { .. } => ErrorKind::MailboxNotFound,
            Self::MailboxNotReady { .. } => ErrorKind::MailboxNotReady,
            Self::ExchangeUnreachable { .. } => ErrorKind::ExchangeUnreachable,
            Self::ItemNotFound { .. } => ErrorKind::ItemNotFound,
            Self::Conflict { .. } => ErrorKind::Conflict,
            Self::Throttled { .. } => ErrorKind::Throttled,
            Self::Exchange { .. } => ErrorKind::Exchange,
            Self::Storage { .. } => ErrorKind::Storage,
            Self::Protocol { .. } => ErrorKind::Protocol,
            Self::Internal { .. } => ErrorKind::Internal,
        }
    }

    /// An [`InvalidArgument`](Self::InvalidArgument) error.
    pub fn invalid(what: impl Into<String>) -> Self {
        Self::InvalidArgument { what: what.into() }
    }

    /// Whether Exchange is throttling the caller.
    pub fn is_throttled(&self) -> bool {
        matches!(self, Self::Throttled { .. })
    }

    /// How long to wait before trying again, when Exchange or the gateway said so.
    pub fn back_off(&self) -> Option<Duration> {
        match self {
            Self::Throttled { back_off, .. } => *back_off,
            Self::TooManyAttempts { retry_after } => Some(*retry_after),
            _ => None,
        }
    }

    /// Whether a password or login was refused (the gateway's or Exchange's). An unavailable
    /// authentication service is not a refusal.
    pub fn is_authentication_failed(&self) -> bool {
        matches!(
            self,
            Self::PasswordIncorrect
                | Self::PortalKeyIncorrect
                | Self::PermissionDenied { .. }
                | Self::ExchangeLoginRefused { .. }
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

    /// Whether the gateway, Exchange or the authentication service could not be reached.
    pub fn is_unreachable(&self) -> bool {
        matches!(
            self,
            Self::GatewayUnreachable { .. }
                | Self::ExchangeUnreachable { .. }
                | Self::AuthenticationUnavailable { .. }
        )
    }
}

/// An [`ApiError`] taken apart for a wire: its kind, its message, and the details a portal
/// acts on. Every wire adapter sends these and rebuilds the error from them, so the `match`es
/// over the error's variants are here, exhaustive, and nowhere else.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorParts {
    /// The kind.
    pub kind: ErrorKind,
    /// The variant's one text: its detail, or the name, id or argument it is about.
    pub message: String,
    /// Why the gateway or Exchange was unreachable.
    pub cause: Option<Unreachable>,
    /// How long Exchange, or the gateway's guessing throttle, asked the caller to wait.
    pub back_off: Option<Duration>,
    /// The Exchange error code of [`ErrorKind::Exchange`].
    pub exchange_code: Option<String>,
    /// The set-up mistake of [`ErrorKind::AuthenticationMisconfigured`].
    pub auth_problem: Option<AuthProblem>,
}

/// The known set-up mistakes behind [`ApiError::AuthenticationMisconfigured`], each with its
/// item in a connection test's checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AuthProblem {
    /// None of these (see the detail).
    Other,
    /// The server does not offer the scheme the data source uses.
    SchemeNotOffered,
    /// The gateway's clock and the KDC's differ by more than Kerberos allows.
    ClockSkew,
    /// The EWS URL names its server by an IP address, where Kerberos needs the host name.
    KerberosNeedsHostName,
    /// The KDC knows no service principal (`HTTP/host`) for the EWS server.
    ServicePrincipalNotFound,
    /// The OAuth2 application lacks an administrator's consent in the tenant.
    ConsentMissing,
    /// The OAuth2 token is for another resource (a Microsoft Graph token used for EWS).
    WrongTokenAudience,
    /// The OAuth2 token lacks the EWS permission (`EWS.AccessAsUser.All` or `full_access_as_app`).
    MissingEwsPermission,
}

impl ErrorParts {
    /// Parts of `kind` with `message` and no details.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            message: message.into(),
            cause: None,
            back_off: None,
            exchange_code: None,
            auth_problem: None,
        }
    }
}

impl ApiError {
    /// The error taken apart for a wire.
    pub fn to_parts(&self) -> ErrorParts {
        let mut parts = ErrorParts::new(self.kind(), String::new());
        parts.message = match self {
            Self::GatewayUnreachable { detail, cause, .. }
            | Self::ExchangeUnreachable { detail, cause } => {
                parts.cause = Some(*cause);
                detail.clone()
            }
            Self::PasswordIncorrect | Self::PortalKeyIncorrect => String::new(),
            Self::TooManyAttempts { retry_after } => {
                parts.back_off = Some(*retry_after);
                String::new()
            }
            Self::PermissionDenied { what }
            | Self::LimitExceeded { what }
            | Self::NotSupported { what }
            | Self::InvalidArgument { what } => what.clone(),
            Self::EwsUrlRefused { reason } => reason.clone(),
            Self::UnknownDataSource { name } => name.clone(),
            Self::NotLoggedIn { portal_user } => portal_user.clone(),
            Self::ItemNotFound { id } | Self::Conflict { id } => id.clone(),
            Self::Throttled { back_off, detail } => {
                parts.back_off = *back_off;
                detail.clone()
            }
            Self::Exchange { code, detail } => {
                parts.exchange_code = Some(code.clone());
                detail.clone()
            }
            Self::AuthenticationMisconfigured { detail, problem } => {
                parts.auth_problem = Some(*problem);
                detail.clone()
            }
            Self::ExchangeLoginRefused { detail }
            | Self::SignInAgain { detail }
            | Self::AuthenticationUnavailable { detail }
            | Self::EwsBlocked { detail }
            | Self::MailboxNotFound { detail }
            | Self::MailboxNotReady { detail }
            | Self::Storage { detail }
            | Self::Protocol { detail }
            | Self::Internal { detail } => detail.clone(),
        };
        parts
    }

    /// The error a client rebuilds from a wire's parts; `gateway_address` is where the client
    /// called (a gateway never sends its own address).
    pub fn from_parts(parts: ErrorParts, gateway_address: &str) -> Self {
        let detail = parts.message;
        let cause = parts.cause.unwrap_or(Unreachable::Other);
        match parts.kind {
            ErrorKind::GatewayUnreachable => Self::GatewayUnreachable {
                address: gateway_address.to_owned(),
                cause,
                detail,
            },
            ErrorKind::PasswordIncorrect => Self::PasswordIncorrect,
            ErrorKind::PortalKeyIncorrect => Self::PortalKeyIncorrect,
            ErrorKind::PermissionDenied => Self::PermissionDenied { what: detail },
            ErrorKind::TooManyAttempts => Self::TooManyAttempts {
                retry_after: parts.back_off.unwrap_or(Duration::from_secs(1)),
            },
            ErrorKind::EwsUrlRefused => Self::EwsUrlRefused { reason: detail },
            ErrorKind::LimitExceeded => Self::LimitExceeded { what: detail },
            ErrorKind::NotSupported => Self::NotSupported { what: detail },
            ErrorKind::UnknownDataSource => Self::UnknownDataSource { name: detail },
            ErrorKind::NotLoggedIn => Self::NotLoggedIn {
                portal_user: detail,
            },
            ErrorKind::InvalidArgument => Self::InvalidArgument { what: detail },
            ErrorKind::ExchangeLoginRefused => Self::ExchangeLoginRefused { detail },
            ErrorKind::SignInAgain => Self::SignInAgain { detail },
            ErrorKind::AuthenticationUnavailable => Self::AuthenticationUnavailable { detail },
            ErrorKind::AuthenticationMisconfigured => Self::AuthenticationMisconfigured {
                detail,
                problem: parts.auth_problem.unwrap_or(AuthProblem::Other),
            },
            ErrorKind::EwsBlocked => Self::EwsBlocked { detail },
            ErrorKind::MailboxNotFound => Self::MailboxNotFound { detail },
            ErrorKind::MailboxNotReady => Self::MailboxNotReady { detail },
            ErrorKind::ExchangeUnreachable => Self::ExchangeUnreachable { cause, detail },
            ErrorKind::ItemNotFound => Self::ItemNotFound { id: detail },
            ErrorKind::Conflict => Self::Conflict { id: detail },
            ErrorKind::Throttled => Self::Throttled {
                back_off: parts.back_off,
                detail,
            },
            ErrorKind::Exchange => Self::Exchange {
                code: parts.exchange_code.unwrap_or_default(),
                detail,
            },
            ErrorKind::Storage => Self::Storage { detail },
            ErrorKind::Protocol => Self::Protocol { detail },
            ErrorKind::Internal => Self::Internal { detail },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_answer_for_the_right_variants() {
        let throttled = ApiError::Throttled {
            back_off: Some(Duration::from_millis(250)),
            detail: String::new(),
        };
        assert!(throttled.is_throttled());
        assert_eq!(throttled.back_off(), Some(Duration::from_millis(250)));
        assert!(!ApiError::PasswordIncorrect.is_throttled());
        assert_eq!(ApiError::PasswordIncorrect.back_off(), None);
        assert!(ApiError::PasswordIncorrect.is_authentication_failed());
        assert!(ApiError::ItemNotFound { id: "x".into() }.is_not_found());
        assert!(!ApiError::PasswordIncorrect.is_not_found());
    }

    /// One error of every variant, for tests of every wire.
    fn every_error() -> Vec<ApiError> {
        let detail = || "what happened".to_owned();
        vec![
            ApiError::GatewayUnreachable {
                address: "127.0.0.1:1".into(),
                cause: Unreachable::Timeout,
                detail: detail(),
            },
            ApiError::PasswordIncorrect,
            ApiError::PortalKeyIncorrect,
            ApiError::PermissionDenied {
                what: "an admin call needs the gateway password".into(),
            },
            ApiError::TooManyAttempts {
                retry_after: Duration::from_secs(8),
            },
            ApiError::EwsUrlRefused {
                reason: "plain http".into(),
            },
            ApiError::LimitExceeded {
                what: "at most 100 data sources".into(),
            },
            ApiError::NotSupported {
                what: "attachments".into(),
            },
            ApiError::UnknownDataSource {
                name: "Mail".into(),
            },
            ApiError::NotLoggedIn {
                portal_user: "8b0c".into(),
            },
            ApiError::InvalidArgument {
                what: "subject".into(),
            },
            ApiError::ExchangeLoginRefused { detail: detail() },
            ApiError::SignInAgain { detail: detail() },
            ApiError::AuthenticationUnavailable { detail: detail() },
            ApiError::AuthenticationMisconfigured {
                detail: detail(),
                problem: AuthProblem::Other,
            },
            ApiError::AuthenticationMisconfigured {
                detail: detail(),
                problem: AuthProblem::KerberosNeedsHostName,
            },
            ApiError::EwsBlocked { detail: detail() },
            ApiError::MailboxNotFound { detail: detail() },
            ApiError::MailboxNotReady { detail: detail() },
            ApiError::ExchangeUnreachable {
                cause: Unreachable::NameNotResolved,
                detail: detail(),
            },
            ApiError::ItemNotFound { id: "AAMk=".into() },
            ApiError::Conflict { id: "AAMk=".into() },
            ApiError::Throttled {
                back_off: Some(Duration::from_millis(1500)),
                detail: detail(),
            },
            ApiError::Throttled {
                back_off: None,
                detail: detail(),
            },
            ApiError::Exchange {
                code: "ErrorInternalServerError".into(),
                detail: detail(),
            },
            ApiError::Storage { detail: detail() },
            ApiError::Protocol { detail: detail() },
            ApiError::Internal { detail: detail() },
        ]
    }

    #[test]
    fn every_error_survives_its_parts() {
        let mut kinds = std::collections::HashSet::new();
        for error in every_error() {
            kinds.insert(error.kind());
            let parts = error.to_parts();
            assert_eq!(ApiError::from_parts(parts, "127.0.0.1:1"), error);
        }
        assert_eq!(kinds.len(), 26, "every kind is covered");
    }

    #[test]
    fn an_unavailable_kdc_is_not_a_refused_login() {
        let outage = ApiError::AuthenticationUnavailable {
            detail: "KDC unreachable".into(),
        };
        assert!(!outage.is_authentication_failed());
        assert!(outage.is_unreachable());
        assert_eq!(outage.kind(), ErrorKind::AuthenticationUnavailable);
    }
}
