//! The one place where gateway errors map to gRPC statuses and back.

use std::time::Duration;

use tonic::metadata::{MetadataMap, MetadataValue};
use tonic::{Code, Status};

use crate::error::{ErrorKind, TransportError, Unreachable};

const KIND: &str = "mg-error-kind";
const BACK_OFF: &str = "mg-back-off-ms";
const CAUSE: &str = "mg-unreachable";
const EXCHANGE_CODE: &str = "mg-exchange-code";

fn code(kind: ErrorKind) -> Code {
    match kind {
        ErrorKind::PasswordIncorrect => Code::Unauthenticated,
        ErrorKind::ExchangeLoginRefused => Code::PermissionDenied,
        ErrorKind::UnknownDataSource | ErrorKind::MailboxNotFound | ErrorKind::ItemNotFound => {
            Code::NotFound
        }
        ErrorKind::NotLoggedIn => Code::FailedPrecondition,
        ErrorKind::InvalidArgument => Code::InvalidArgument,
        ErrorKind::GatewayUnreachable
        | ErrorKind::MailboxNotReady
        | ErrorKind::ExchangeUnreachable => Code::Unavailable,
        ErrorKind::Throttled => Code::ResourceExhausted,
        ErrorKind::Exchange => Code::Unknown,
        ErrorKind::Storage | ErrorKind::Protocol | ErrorKind::Internal => Code::Internal,
        // A kind added later without a code of its own.
        #[allow(unreachable_patterns)]
        _ => Code::Internal,
    }
}

/// The status a server sends for `error`: the gRPC code, the kind in metadata, the details in
/// the message and metadata.
pub(crate) fn to_status(error: &TransportError) -> Status {
    let kind = error.kind();
    let mut metadata = MetadataMap::new();
    metadata.insert(KIND, MetadataValue::from_static(kind.as_str()));
    let message = match error {
        TransportError::GatewayUnreachable { detail, cause, .. }
        | TransportError::ExchangeUnreachable { detail, cause } => {
            metadata.insert(CAUSE, MetadataValue::from_static(cause.as_str()));
            detail.clone()
        }
        TransportError::PasswordIncorrect => String::new(),
        TransportError::UnknownDataSource { name } => name.clone(),
        TransportError::NotLoggedIn { portal_user } => portal_user.clone(),
        TransportError::InvalidArgument { what } => what.clone(),
        TransportError::ItemNotFound { id } => id.clone(),
        TransportError::Throttled { back_off, detail } => {
            if let Some(back_off) = back_off {
                metadata.insert(
                    BACK_OFF,
                    back_off.as_millis().to_string().parse().expect("digits"),
                );
            }
            detail.clone()
        }
        TransportError::Exchange { code, detail } => {
            if let Ok(value) = code.parse() {
                metadata.insert(EXCHANGE_CODE, value);
            }
            detail.clone()
        }
        TransportError::ExchangeLoginRefused { detail }
        | TransportError::MailboxNotFound { detail }
        | TransportError::MailboxNotReady { detail }
        | TransportError::Storage { detail }
        | TransportError::Protocol { detail }
        | TransportError::Internal { detail } => detail.clone(),
    };
    Status::with_metadata(code(kind), message, metadata)
}

fn text<'a>(metadata: &'a MetadataMap, key: &str) -> Option<&'a str> {
    metadata.get(key).and_then(|v| v.to_str().ok())
}

/// The error a client reads from `status`. A status without the gateway's kind (from a proxy,
/// or from the gRPC library itself) is classified by its code.
pub(crate) fn from_status(status: &Status, address: &str) -> TransportError {
    let metadata = status.metadata();
    let detail = status.message().to_owned();
    let Some(kind) = text(metadata, KIND).and_then(ErrorKind::from_name) else {
        return unclassified(status, address);
    };
    let cause = || Unreachable::from_name(text(metadata, CAUSE).unwrap_or_default());
    match kind {
        ErrorKind::GatewayUnreachable => TransportError::GatewayUnreachable {
            address: address.to_owned(),
            cause: cause(),
            detail,
        },
        ErrorKind::PasswordIncorrect => TransportError::PasswordIncorrect,
        ErrorKind::UnknownDataSource => TransportError::UnknownDataSource { name: detail },
        ErrorKind::NotLoggedIn => TransportError::NotLoggedIn {
            portal_user: detail,
        },
        ErrorKind::InvalidArgument => TransportError::InvalidArgument { what: detail },
        ErrorKind::ExchangeLoginRefused => TransportError::ExchangeLoginRefused { detail },
        ErrorKind::MailboxNotFound => TransportError::MailboxNotFound { detail },
        ErrorKind::MailboxNotReady => TransportError::MailboxNotReady { detail },
        ErrorKind::ExchangeUnreachable => TransportError::ExchangeUnreachable {
            cause: cause(),
            detail,
        },
        ErrorKind::ItemNotFound => TransportError::ItemNotFound { id: detail },
        ErrorKind::Throttled => TransportError::Throttled {
            back_off: text(metadata, BACK_OFF)
                .and_then(|v| v.parse().ok())
                .map(Duration::from_millis),
            detail,
        },
        ErrorKind::Exchange => TransportError::Exchange {
            code: text(metadata, EXCHANGE_CODE).unwrap_or_default().to_owned(),
            detail,
        },
        ErrorKind::Storage => TransportError::Storage { detail },
        ErrorKind::Protocol => TransportError::Protocol { detail },
        ErrorKind::Internal => TransportError::Internal { detail },
        #[allow(unreachable_patterns)]
        _ => unclassified(status, address),
    }
}

fn unclassified(status: &Status, address: &str) -> TransportError {
    let detail = format!("{:?}: {}", status.code(), status.message());
    match status.code() {
        Code::Unavailable | Code::DeadlineExceeded => TransportError::GatewayUnreachable {
            address: address.to_owned(),
            cause: connect_cause(status),
            detail: source_chain(status),
        },
        _ => TransportError::Protocol { detail },
    }
}

/// Why a connection failed, read from the error chain of a status that tonic made.
fn connect_cause(status: &Status) -> Unreachable {
    if status.code() == Code::DeadlineExceeded {
        return Unreachable::Timeout;
    }
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(status);
    while let Some(error) = source {
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

    fn every_error() -> Vec<TransportError> {
        vec![
            TransportError::GatewayUnreachable {
                address: "127.0.0.1:1".into(),
                cause: Unreachable::Timeout,
                detail: "no answer".into(),
            },
            TransportError::PasswordIncorrect,
            TransportError::UnknownDataSource {
                name: "Mail".into(),
            },
            TransportError::NotLoggedIn {
                portal_user: "8b0c…".into(),
            },
            TransportError::InvalidArgument {
                what: "subject".into(),
            },
            TransportError::ExchangeLoginRefused {
                detail: "401".into(),
            },
            TransportError::MailboxNotFound { detail: "x".into() },
            TransportError::MailboxNotReady { detail: "y".into() },
            TransportError::ExchangeUnreachable {
                cause: Unreachable::NameNotResolved,
                detail: "dns".into(),
            },
            TransportError::ItemNotFound { id: "AAMk=".into() },
            TransportError::Throttled {
                back_off: Some(Duration::from_millis(1500)),
                detail: "busy".into(),
            },
            TransportError::Throttled {
                back_off: None,
                detail: "busy".into(),
            },
            TransportError::Exchange {
                code: "ErrorInternalServerError".into(),
                detail: "boom".into(),
            },
            TransportError::Storage {
                detail: "disk".into(),
            },
            TransportError::Protocol {
                detail: "bad".into(),
            },
            TransportError::Internal {
                detail: "bug".into(),
            },
        ]
    }

    #[test]
    fn every_error_survives_the_wire() {
        for error in every_error() {
            let status = to_status(&error);
            assert_eq!(from_status(&status, "127.0.0.1:1"), error, "{status:?}");
        }
    }

    #[test]
    fn foreign_statuses_are_classified_by_code() {
        let status = Status::unimplemented("no such method");
        assert!(matches!(
            from_status(&status, "a"),
            TransportError::Protocol { .. }
        ));
        let status = Status::unavailable("connection refused");
        assert!(from_status(&status, "a").is_unreachable());
        let mut status = Status::internal("x");
        status
            .metadata_mut()
            .insert(KIND, MetadataValue::from_static("made-up-kind"));
        assert!(matches!(
            from_status(&status, "a"),
            TransportError::Protocol { .. }
        ));
    }

    #[test]
    fn a_garbage_back_off_is_ignored() {
        let mut status = to_status(&TransportError::Throttled {
            back_off: None,
            detail: String::new(),
        });
        status
            .metadata_mut()
            .insert(BACK_OFF, MetadataValue::from_static("-12e9x"));
        assert_eq!(from_status(&status, "a").back_off(), None);
    }
}
