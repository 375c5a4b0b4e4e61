//! The one place where gateway errors map to gRPC statuses and back.
//!
//! A status carries the gRPC code for generic clients, and in its metadata the error's kind
//! (the name of a `mediagateway.v1.ErrorKind` value) and the details a portal acts on. Every
//! `match` here is exhaustive, so a new error kind does not compile until it has a code and a
//! name. Taking an error apart and putting it together again is the API crate's
//! ([`ErrorParts`]), shared by every wire.

use std::time::Duration;

use mediagateway_api::{ApiError, AuthProblem, ErrorKind, ErrorParts, Unreachable};
use tonic::metadata::{MetadataMap, MetadataValue};
use tonic::{Code, Status};

use crate::proto;
use crate::tls;

const KIND: &str = "mg-error-kind";
const BACK_OFF: &str = "mg-back-off-ms";
const CAUSE: &str = "mg-unreachable";
const EXCHANGE_CODE: &str = "mg-exchange-code";
const AUTH_PROBLEM: &str = "mg-auth-problem";

/// The gRPC code and the wire name of each kind.
fn wire(kind: ErrorKind) -> (Code, proto::ErrorKind) {
    use proto::ErrorKind as Wire;
    match kind {
        ErrorKind::GatewayUnreachable => (Code::Unavailable, Wire::GatewayUnreachable),
        ErrorKind::PasswordIncorrect => (Code::Unauthenticated, Wire::PasswordIncorrect),
        ErrorKind::PortalKeyIncorrect => (Code::Unauthenticated, Wire::PortalKeyIncorrect),
        ErrorKind::PermissionDenied => (Code::PermissionDenied, Wire::PermissionDenied),
        ErrorKind::TooManyAttempts => (Code::ResourceExhausted, Wire::TooManyAttempts),
        ErrorKind::EwsUrlRefused => (Code::FailedPrecondition, Wire::EwsUrlRefused),
        ErrorKind::LimitExceeded => (Code::ResourceExhausted, Wire::LimitExceeded),
        ErrorKind::NotSupported => (Code::Unimplemented, Wire::NotSupported),
        ErrorKind::UnknownDataSource => (Code::NotFound, Wire::UnknownDataSource),
        ErrorKind::NotLoggedIn => (Code::FailedPrecondition, Wire::NotLoggedIn),
        ErrorKind::InvalidArgument => (Code::InvalidArgument, Wire::InvalidArgument),
        ErrorKind::ExchangeLoginRefused => (Code::PermissionDenied, Wire::ExchangeLoginRefused),
        ErrorKind::AuthenticationUnavailable => {
            (Code::Unavailable, Wire::AuthenticationUnavailable)
        }
        ErrorKind::AuthenticationMisconfigured => {
            (Code::FailedPrecondition, Wire::AuthenticationMisconfigured)
        }
        ErrorKind::MailboxNotFound => (Code::NotFound, Wire::MailboxNotFound),
        ErrorKind::MailboxNotReady => (Code::Unavailable, Wire::MailboxNotReady),
        ErrorKind::ExchangeUnreachable => (Code::Unavailable, Wire::ExchangeUnreachable),
        ErrorKind::ItemNotFound => (Code::NotFound, Wire::ItemNotFound),
        ErrorKind::Conflict => (Code::Aborted, Wire::Conflict),
        ErrorKind::EwsBlocked => (Code::FailedPrecondition, Wire::EwsBlocked),
        ErrorKind::SignInAgain => (Code::Unauthenticated, Wire::SignInAgain),
        ErrorKind::Throttled => (Code::ResourceExhausted, Wire::Throttled),
        ErrorKind::Exchange => (Code::Unknown, Wire::Exchange),
        ErrorKind::Storage => (Code::Internal, Wire::Storage),
        ErrorKind::Protocol => (Code::Internal, Wire::Protocol),
        ErrorKind::Internal => (Code::Internal, Wire::Internal),
    }
}

/// The wire name of `kind`, as a status's metadata and a per-mailbox error carry it.
pub(crate) fn kind_to_wire(kind: ErrorKind) -> proto::ErrorKind {
    wire(kind).1
}

/// The kind of a wire name; `None` for `ERROR_KIND_UNSPECIFIED`.
pub(crate) fn kind_from_wire(kind: proto::ErrorKind) -> Option<ErrorKind> {
    use proto::ErrorKind as Wire;
    Some(match kind {
        Wire::Unspecified => return None,
        Wire::GatewayUnreachable => ErrorKind::GatewayUnreachable,
        Wire::PasswordIncorrect => ErrorKind::PasswordIncorrect,
        Wire::PortalKeyIncorrect => ErrorKind::PortalKeyIncorrect,
        Wire::PermissionDenied => ErrorKind::PermissionDenied,
        Wire::TooManyAttempts => ErrorKind::TooManyAttempts,
        Wire::EwsUrlRefused => ErrorKind::EwsUrlRefused,
        Wire::LimitExceeded => ErrorKind::LimitExceeded,
        Wire::NotSupported => ErrorKind::NotSupported,
        Wire::UnknownDataSource => ErrorKind::UnknownDataSource,
        Wire::NotLoggedIn => ErrorKind::NotLoggedIn,
        Wire::InvalidArgument => ErrorKind::InvalidArgument,
        Wire::ExchangeLoginRefused => ErrorKind::ExchangeLoginRefused,
        Wire::AuthenticationUnavailable => ErrorKind::AuthenticationUnavailable,
        Wire::AuthenticationMisconfigured => ErrorKind::AuthenticationMisconfigured,
        Wire::MailboxNotFound => ErrorKind::MailboxNotFound,
        Wire::MailboxNotReady => ErrorKind::MailboxNotReady,
        Wire::ExchangeUnreachable => ErrorKind::ExchangeUnreachable,
        Wire::ItemNotFound => ErrorKind::ItemNotFound,
        Wire::Conflict => ErrorKind::Conflict,
        Wire::EwsBlocked => ErrorKind::EwsBlocked,
        Wire::SignInAgain => ErrorKind::SignInAgain,
        Wire::Throttled => ErrorKind::Throttled,
        Wire::Exchange => ErrorKind::Exchange,
        Wire::Storage => ErrorKind::Storage,
        Wire::Protocol => ErrorKind::Protocol,
        Wire::Internal => ErrorKind::Internal,
    })
}

fn cause_to_wire(cause: Unreachable) -> proto::UnreachableCause {
    use proto::UnreachableCause as Wire;
    match cause {
        Unreachable::Refused => Wire::Refused,
        Unreachable::NameNotResolved => Wire::NameNotResolved,
        Unreachable::Timeout => Wire::Timeout,
        Unreachable::Tls => Wire::Tls,
        Unreachable::CertificateNotTrusted => Wire::CertificateNotTrusted,
        Unreachable::Other => Wire::Other,
    }
}

fn cause_from_wire(cause: proto::UnreachableCause) -> Unreachable {
    use proto::UnreachableCause as Wire;
    match cause {
        Wire::Refused => Unreachable::Refused,
        Wire::NameNotResolved => Unreachable::NameNotResolved,
        Wire::Timeout => Unreachable::Timeout,
        Wire::Tls => Unreachable::Tls,
        Wire::CertificateNotTrusted => Unreachable::CertificateNotTrusted,
        Wire::Other | Wire::Unspecified => Unreachable::Other,
    }
}

fn problem_to_wire(problem: AuthProblem) -> proto::AuthProblem {
    use proto::AuthProblem as Wire;
    match problem {
        AuthProblem::Other => Wire::Other,
        AuthProblem::SchemeNotOffered => Wire::SchemeNotOffered,
        AuthProblem::ClockSkew => Wire::ClockSkew,
        AuthProblem::KerberosNeedsHostName => Wire::KerberosNeedsHostName,
        AuthProblem::ServicePrincipalNotFound => Wire::ServicePrincipalNotFound,
        AuthProblem::ConsentMissing => Wire::ConsentMissing,
        AuthProblem::WrongTokenAudience => Wire::WrongTokenAudience,
        AuthProblem::MissingEwsPermission => Wire::MissingEwsPermission,
    }
}

fn problem_from_wire(problem: proto::AuthProblem) -> AuthProblem {
    use proto::AuthProblem as Wire;
    match problem {
        Wire::SchemeNotOffered => AuthProblem::SchemeNotOffered,
        Wire::ClockSkew => AuthProblem::ClockSkew,
        Wire::KerberosNeedsHostName => AuthProblem::KerberosNeedsHostName,
        Wire::ServicePrincipalNotFound => AuthProblem::ServicePrincipalNotFound,
        Wire::ConsentMissing => AuthProblem::ConsentMissing,
        Wire::WrongTokenAudience => AuthProblem::WrongTokenAudience,
        Wire::MissingEwsPermission => AuthProblem::MissingEwsPermission,
        Wire::Other | Wire::Unspecified => AuthProblem::Other,
    }
}

/// The status a server sends for `error`: the gRPC code, the kind in metadata, the details in
/// the message and metadata.
pub(crate) fn to_status(error: &ApiError) -> Status {
    let parts = error.to_parts();
    let (code, kind) = wire(parts.kind);
    let mut metadata = MetadataMap::new();
    metadata.insert(KIND, MetadataValue::from_static(kind.as_str_name()));
    if let Some(cause) = parts.cause {
        let cause = cause_to_wire(cause).as_str_name();
        metadata.insert(CAUSE, MetadataValue::from_static(cause));
    }
    if let Some(back_off) = parts.back_off {
        let millis = u64::try_from(back_off.as_millis()).unwrap_or(u64::MAX);
        metadata.insert(BACK_OFF, MetadataValue::from(millis));
    }
    if let Some(value) = parts.exchange_code.and_then(|code| code.parse().ok()) {
        metadata.insert(EXCHANGE_CODE, value);
    }
    if let Some(problem) = parts.auth_problem {
        let problem = problem_to_wire(problem).as_str_name();
        metadata.insert(AUTH_PROBLEM, MetadataValue::from_static(problem));
    }
    Status::with_metadata(code, parts.message, metadata)
}

fn text<'a>(metadata: &'a MetadataMap, key: &str) -> Option<&'a str> {
    metadata.get(key).and_then(|v| v.to_str().ok())
}

/// The error a client reads from `status`. A status without the gateway's kind (from a proxy,
/// or from the gRPC library itself) is classified by its code.
pub(crate) fn from_status(status: &Status, address: &str) -> ApiError {
    use proto::ErrorKind as Wire;
    let metadata = status.metadata();
    let Some(kind) = text(metadata, KIND)
        .and_then(Wire::from_str_name)
        .and_then(kind_from_wire)
    else {
        return unclassified(status, address);
    };
    let parts = ErrorParts {
        kind,
        message: status.message().to_owned(),
        cause: text(metadata, CAUSE)
            .and_then(proto::UnreachableCause::from_str_name)
            .map(cause_from_wire),
        back_off: text(metadata, BACK_OFF)
            .and_then(|v| v.parse().ok())
            .map(Duration::from_millis),
        exchange_code: text(metadata, EXCHANGE_CODE).map(str::to_owned),
        auth_problem: text(metadata, AUTH_PROBLEM)
            .and_then(proto::AuthProblem::from_str_name)
            .map(problem_from_wire),
    };
    ApiError::from_parts(parts, address)
}

fn unclassified(status: &Status, address: &str) -> ApiError {
    let detail = format!("{:?}: {}", status.code(), status.message());
    match status.code() {
        // A connection lost after it was made (a TLS alert after the handshake, a peer that
        // hung up) comes as UNKNOWN with the transport's error as its source.
        Code::Unavailable | Code::DeadlineExceeded => ApiError::GatewayUnreachable {
            address: address.to_owned(),
            cause: connect_cause(status),
            detail: source_chain(status),
        },
        _ if from_transport(status) => ApiError::GatewayUnreachable {
            address: address.to_owned(),
            cause: connect_cause(status),
            detail: source_chain(status),
        },
        _ => ApiError::Protocol { detail },
    }
}

/// Whether tonic made `status` from a failure of the connection.
fn from_transport(status: &Status) -> bool {
    let mut source = std::error::Error::source(status);
    while let Some(error) = source {
        if error.is::<tonic::transport::Error>() {
            return true;
        }
        source = error.source();
    }
    false
}

/// Why a connection failed, read from the error chain of a status that tonic made.
fn connect_cause(status: &Status) -> Unreachable {
    if status.code() == Code::DeadlineExceeded {
        return Unreachable::Timeout;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(status);
    while let Some(error) = source {
        if let Some(cause) = tls::failure_cause(error) {
            return cause;
        }
        if let Some(io) = error.downcast_ref::<std::io::Error>() {
            return match io.kind() {
                std::io::ErrorKind::ConnectionRefused => Unreachable::Refused,
                std::io::ErrorKind::TimedOut => Unreachable::Timeout,
                _ if looks_like_dns(&io.to_string()) => Unreachable::NameNotResolved,
                _ => Unreachable::Other,
            };
        }
        if looks_like_dns(&error.to_string()) {
            return Unreachable::NameNotResolved;
        }
        if error.to_string().contains("timed out") {
            return Unreachable::Timeout;
        }
        source = error.source();
    }
    Unreachable::Other
}

fn looks_like_dns(message: &str) -> bool {
    message.contains("failed to lookup address")
        || message.contains("Name or service not known")
        || message.contains("dns error")
}

fn source_chain(status: &Status) -> String {
    let mut out = status.message().to_owned();
    let mut source = std::error::Error::source(status);
    while let Some(error) = source {
        out.push_str(": ");
        out.push_str(&error.to_string());
        source = error.source();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every kind the proto names, but UNSPECIFIED.
    fn wire_kinds() -> Vec<proto::ErrorKind> {
        (1..)
            .map_while(|n| proto::ErrorKind::try_from(n).ok())
            .collect()
    }

    #[test]
    fn every_wire_kind_survives_a_round_trip_through_the_api_error() {
        let kinds = wire_kinds();
        assert_eq!(kinds.len(), 26);
        for kind in kinds {
            let mut sent = Status::new(Code::Unknown, "what happened");
            let metadata = sent.metadata_mut();
            metadata.insert(KIND, MetadataValue::from_static(kind.as_str_name()));
            metadata.insert(
                CAUSE,
                MetadataValue::from_static("UNREACHABLE_CAUSE_TIMEOUT"),
            );
            metadata.insert(BACK_OFF, MetadataValue::from(1500_u64));
            metadata.insert(EXCHANGE_CODE, MetadataValue::from_static("ErrorServerBusy"));
            let error = from_status(&sent, "127.0.0.1:1");
            assert_eq!(wire(error.kind()).1, kind, "{error:?}");
            let again = to_status(&error);
            assert_eq!(text(again.metadata(), KIND), Some(kind.as_str_name()));
            assert_eq!(from_status(&again, "127.0.0.1:1"), error);
            let without_message = [
                proto::ErrorKind::PasswordIncorrect,
                proto::ErrorKind::PortalKeyIncorrect,
                proto::ErrorKind::TooManyAttempts,
            ];
            if !without_message.contains(&kind) {
                assert_eq!(again.message(), "what happened", "{kind:?}");
            }
        }
    }

    #[test]
    fn every_unreachable_cause_survives_a_round_trip() {
        let causes: Vec<_> = (1..)
            .map_while(|n| proto::UnreachableCause::try_from(n).ok())
            .collect();
        assert_eq!(causes.len(), 6);
        for cause in causes {
            let error = ApiError::GatewayUnreachable {
                address: "127.0.0.1:1".into(),
                cause: cause_from_wire(cause),
                detail: "what happened".into(),
            };
            assert_eq!(cause_to_wire(cause_from_wire(cause)), cause);
            assert_eq!(from_status(&to_status(&error), "127.0.0.1:1"), error);
        }
    }

    #[test]
    fn every_auth_problem_survives_a_round_trip() {
        let problems: Vec<_> = (1..)
            .map_while(|n| proto::AuthProblem::try_from(n).ok())
            .collect();
        assert_eq!(problems.len(), 8);
        for problem in problems {
            let error = ApiError::AuthenticationMisconfigured {
                detail: "what happened".into(),
                problem: problem_from_wire(problem),
            };
            assert_eq!(problem_to_wire(problem_from_wire(problem)), problem);
            assert_eq!(from_status(&to_status(&error), "127.0.0.1:1"), error);
        }
        // A status without the problem, from an older gateway, is "other".
        let mut status = to_status(&ApiError::AuthenticationMisconfigured {
            detail: "x".into(),
            problem: AuthProblem::ClockSkew,
        });
        status.metadata_mut().remove(AUTH_PROBLEM);
        assert!(matches!(
            from_status(&status, "127.0.0.1:1"),
            ApiError::AuthenticationMisconfigured {
                problem: AuthProblem::Other,
                ..
            }
        ));
    }

    #[test]
    fn the_details_travel_in_metadata() {
        let error = ApiError::Throttled {
            back_off: Some(Duration::from_millis(1500)),
            detail: "busy".into(),
        };
        let status = to_status(&error);
        assert_eq!(status.code(), Code::ResourceExhausted);
        assert_eq!(text(status.metadata(), BACK_OFF), Some("1500"));
        let error = ApiError::ExchangeUnreachable {
            cause: Unreachable::NameNotResolved,
            detail: String::new(),
        };
        let status = to_status(&error);
        assert_eq!(
            text(status.metadata(), CAUSE),
            Some("UNREACHABLE_CAUSE_NAME_NOT_RESOLVED")
        );
        assert_eq!(from_status(&status, "a"), error);
    }

    #[test]
    fn foreign_statuses_are_classified_by_code() {
        let status = Status::unimplemented("no such method");
        assert!(matches!(
            from_status(&status, "a"),
            ApiError::Protocol { .. }
        ));
        let status = Status::unavailable("connection refused");
        assert!(from_status(&status, "a").is_unreachable());
        for name in ["made-up-kind", "ERROR_KIND_UNSPECIFIED", "throttled"] {
            let mut status = Status::internal("x");
            status
                .metadata_mut()
                .insert(KIND, MetadataValue::from_static(name));
            assert!(
                matches!(from_status(&status, "a"), ApiError::Protocol { .. }),
                "{name}"
            );
        }
    }

    #[test]
    fn a_garbage_back_off_is_ignored() {
        let mut status = to_status(&ApiError::Throttled {
            back_off: None,
            detail: String::new(),
        });
        status
            .metadata_mut()
            .insert(BACK_OFF, MetadataValue::from_static("-12e9x"));
        assert_eq!(from_status(&status, "a").back_off(), None);
    }
}
