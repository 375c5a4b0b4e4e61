//! The one error type of the test kit: why the fake refused a request or a configuration.

/// Why the fake Exchange server refused a request (recorded in [`crate::LoggedRequest::rejection`])
/// or why [`crate::FakeExchangeBuilder::start`] refused a configuration (wrapped in the
/// returned [`std::io::Error`] of kind `InvalidInput`).
///
/// Per-item failures inside a successful SOAP answer (such as `ErrorItemNotFound`) are not
/// errors here: they are ordinary EWS response messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The request body is not well-formed XML (or not UTF-8).
    #[error("the request is not well-formed XML (line {line}, position {position}): {reason}")]
    NotWellFormed {
        /// 1-based line of the fault.
        line: usize,
        /// 1-based character position within the line.
        position: usize,
        /// What the parser found.
        reason: String,
    },
    /// The request declares a document type; EWS prohibits DTDs.
    #[error(
        "the request declares a DOCTYPE (line {line}, position {position}), which is prohibited"
    )]
    DoctypeProhibited {
        /// 1-based line of the declaration.
        line: usize,
        /// 1-based character position within the line.
        position: usize,
    },
    /// The request nests elements deeper, or holds more of them, than the fake accepts.
    #[error("the request exceeds the limit of {limit} {what}")]
    TooComplex {
        /// What is counted: nesting levels or elements.
        what: &'static str,
        /// The limit that was exceeded.
        limit: usize,
    },
    /// The document is not a SOAP 1.1 envelope with a body.
    #[error("the request is not a SOAP 1.1 envelope: {0}")]
    NotSoapEnvelope(String),
    /// An element or attribute of the request violates the EWS schema.
    #[error(
        "the request failed schema validation (line {line}, position {position}): {violation}"
    )]
    SchemaViolation {
        /// 1-based line of the offending element.
        line: usize,
        /// 1-based character position within the line.
        position: usize,
        /// What is wrong.
        violation: String,
    },
    /// The body holds an element that is not an operation this fake implements.
    #[error("the operation {0:?} is not implemented by the fake Exchange server")]
    UnknownOperation(String),
    /// `RequestServerVersion` names no Exchange version.
    #[error("the requested server version {0:?} is invalid")]
    InvalidServerVersion(String),
    /// The request asks to impersonate another user, a right no configured user holds (only
    /// an app-only bearer token may impersonate).
    #[error("the account may not impersonate other users")]
    ImpersonationDenied,
    /// An app-only bearer token came without an `ExchangeImpersonation` header, which it needs
    /// to name the mailbox it acts on.
    #[error("an app-only token must name the mailbox it acts on with ExchangeImpersonation")]
    ImpersonationRequired,
    /// `ExchangeImpersonation` names no mailbox of the fake.
    #[error("no mailbox {0:?} exists to impersonate")]
    NonExistentMailbox(String),
    /// The request body is larger than the configured limit.
    #[error("the request body is larger than {limit} bytes")]
    BodyTooLarge {
        /// The configured limit in bytes.
        limit: usize,
    },
    /// The request carries no usable HTTP Basic credentials.
    #[error("the request carries no HTTP Basic credentials")]
    MissingCredentials,
    /// The user name or password of the HTTP Basic credentials is wrong.
    #[error("the HTTP Basic credentials are wrong")]
    WrongCredentials,
    /// The bearer token is malformed or oversized, signed with another algorithm than RS256 or
    /// by no trusted key, from another issuer, not valid yet, or lacks a claim; the reason
    /// never quotes the token.
    #[error("the bearer token is invalid: {0}")]
    InvalidToken(String),
    /// The bearer token's `exp` has passed.
    #[error("the bearer token has expired")]
    TokenExpired,
    /// The bearer token is for another audience (the value it names).
    #[error("the bearer token is for another audience: {0}")]
    WrongAudience(String),
    /// The bearer token carries neither `EWS.AccessAsUser.All` (delegated) nor
    /// `full_access_as_app` (app-only).
    #[error("the bearer token carries no EWS permission")]
    NoEwsPermission,
    /// The delegated bearer token names no configured user (the name it gives).
    #[error("the bearer token names no configured user: {0:?}")]
    UnknownTokenUser(String),
    /// The builder names a user that was not configured with `user()`.
    #[error("no user {0:?} is configured")]
    UnknownUser(String),
    /// The builder names a folder that is not a distinguished folder of the fake.
    #[error("no folder {0:?} exists in the fake's mailboxes")]
    UnknownFolder(String),
    /// The builder configures two users with the same login name or SMTP address.
    #[error("the user or mailbox {0:?} is configured twice")]
    DuplicateUser(String),
    /// The builder's bearer trust is unusable: an empty issuer or audience, or a JSON Web Key
    /// Set without a usable RS256 key.
    #[error("the bearer token trust is unusable: {0}")]
    InvalidJwks(String),
}

impl Error {
    /// Whether the request body was not well-formed XML, declared a DOCTYPE or was too complex.
    pub fn is_malformed(&self) -> bool {
        matches!(
            self,
            Self::NotWellFormed { .. } | Self::DoctypeProhibited { .. } | Self::TooComplex { .. }
        )
    }

    /// Whether the request was well-formed XML that breaks the SOAP or EWS schema.
    pub fn is_schema_violation(&self) -> bool {
        matches!(
            self,
            Self::NotSoapEnvelope(_) | Self::SchemaViolation { .. }
        )
    }

    /// Whether the request named an operation the fake does not implement.
    pub fn is_unknown_operation(&self) -> bool {
        matches!(self, Self::UnknownOperation(_))
    }

    /// Whether the request was refused with `401`: missing or wrong credentials, or a
    /// refused bearer token.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Self::MissingCredentials | Self::WrongCredentials) || self.is_token_refused()
    }

    /// Whether a bearer token was refused (invalid, expired, for another audience, without
    /// EWS permission, or naming no configured user).
    pub fn is_token_refused(&self) -> bool {
        matches!(
            self,
            Self::InvalidToken(_)
                | Self::TokenExpired
                | Self::WrongAudience(_)
                | Self::NoEwsPermission
                | Self::UnknownTokenUser(_)
        )
    }

    /// Whether the request's `ExchangeImpersonation` was refused: not allowed to the caller,
    /// missing where an app-only token needs it, or naming no mailbox.
    pub fn is_impersonation_refused(&self) -> bool {
        matches!(
            self,
            Self::ImpersonationDenied | Self::ImpersonationRequired | Self::NonExistentMailbox(_)
        )
    }

    /// Whether the request body was over the size limit.
    pub fn is_too_large(&self) -> bool {
        matches!(self, Self::BodyTooLarge { .. })
    }

    /// Whether the builder's configuration was refused.
    pub fn is_configuration(&self) -> bool {
        matches!(
            self,
            Self::UnknownUser(_)
                | Self::DuplicateUser(_)
                | Self::UnknownFolder(_)
                | Self::InvalidJwks(_)
        )
    }

    /// The EWS response code a real server puts in the SOAP fault for this refusal, if the
    /// refusal is answered with a fault at all (credentials and size are answered by HTTP).
    pub(crate) fn fault_code(&self) -> Option<&'static str> {
        match self {
            Self::NotWellFormed { .. }
            | Self::DoctypeProhibited { .. }
            | Self::TooComplex { .. }
            | Self::NotSoapEnvelope(_)
            | Self::SchemaViolation { .. } => Some("ErrorSchemaValidation"),
            Self::UnknownOperation(_) => Some("ErrorInvalidRequest"),
            Self::InvalidServerVersion(_) => Some("ErrorInvalidServerVersion"),
            Self::ImpersonationDenied => Some("ErrorImpersonateUserDenied"),
            Self::ImpersonationRequired => Some("ErrorInvalidExchangeImpersonationHeaderData"),
            Self::NonExistentMailbox(_) => Some("ErrorNonExistentMailbox"),
            Self::BodyTooLarge { .. }
            | Self::MissingCredentials
            | Self::WrongCredentials
            | Self::InvalidToken(_)
            | Self::TokenExpired
            | Self::WrongAudience(_)
            | Self::NoEwsPermission
            | Self::UnknownTokenUser(_)
            | Self::UnknownUser(_)
            | Self::UnknownFolder(_)
            | Self::DuplicateUser(_)
            | Self::InvalidJwks(_) => None,
        }
    }

    /// Where in the request the fault was found, for `MessageXml` of schema faults.
    pub(crate) fn location(&self) -> Option<(usize, usize)> {
        match self {
            Self::NotWellFormed { line, position, .. }
            | Self::DoctypeProhibited { line, position }
            | Self::SchemaViolation { line, position, .. } => Some((*line, *position)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helpers_classify_every_variant() {
        let malformed = Error::NotWellFormed {
            line: 1,
            position: 2,
            reason: "x".into(),
        };
        assert!(malformed.is_malformed() && !malformed.is_schema_violation());
        assert_eq!(malformed.location(), Some((1, 2)));
        assert!(Error::DoctypeProhibited {
            line: 1,
            position: 1
        }
        .is_malformed());
        let too_deep = Error::TooComplex {
            what: "nesting levels",
            limit: 3,
        };
        assert!(too_deep.is_malformed());
        assert_eq!(too_deep.location(), None);
        assert!(Error::NotSoapEnvelope("x".into()).is_schema_violation());
        assert!(Error::UnknownOperation("Foo".into()).is_unknown_operation());
        assert!(Error::MissingCredentials.is_unauthorized());
        assert!(Error::WrongCredentials.is_unauthorized());
        assert!(Error::BodyTooLarge { limit: 1 }.is_too_large());
        assert!(Error::UnknownUser("a".into()).is_configuration());
        assert!(Error::DuplicateUser("a".into()).is_configuration());
        assert!(Error::UnknownFolder("x".into()).is_configuration());
        assert!(Error::InvalidJwks("x".into()).is_configuration());
        for refused in [
            Error::InvalidToken("x".into()),
            Error::TokenExpired,
            Error::WrongAudience("x".into()),
            Error::NoEwsPermission,
            Error::UnknownTokenUser("x".into()),
        ] {
            assert!(
                refused.is_token_refused() && refused.is_unauthorized(),
                "{refused}"
            );
            assert_eq!(refused.fault_code(), None);
        }
        assert!(!Error::WrongCredentials.is_token_refused());
        for refused in [
            Error::ImpersonationDenied,
            Error::ImpersonationRequired,
            Error::NonExistentMailbox("x".into()),
        ] {
            assert!(refused.is_impersonation_refused() && !refused.is_unauthorized());
        }
        assert_eq!(Error::UnknownFolder("x".into()).fault_code(), None);
    }

    #[test]
    fn fault_codes_follow_exchange() {
        assert_eq!(
            Error::UnknownOperation("Foo".into()).fault_code(),
            Some("ErrorInvalidRequest")
        );
        assert_eq!(
            Error::DoctypeProhibited {
                line: 1,
                position: 1
            }
            .fault_code(),
            Some("ErrorSchemaValidation")
        );
        assert_eq!(Error::WrongCredentials.fault_code(), None);
        assert_eq!(
            Error::ImpersonationDenied.fault_code(),
            Some("ErrorImpersonateUserDenied")
        );
        assert_eq!(
            Error::ImpersonationRequired.fault_code(),
            Some("ErrorInvalidExchangeImpersonationHeaderData")
        );
        assert_eq!(
            Error::NonExistentMailbox("x@y".into()).fault_code(),
            Some("ErrorNonExistentMailbox")
        );
        assert!(Error::InvalidServerVersion("x".into())
            .to_string()
            .contains("\"x\""));
    }
}
