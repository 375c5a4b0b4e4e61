//! The one place where EWS failures become gateway errors.

use exchange_auth::{AuthError, FailureClass};
use exchange_ews::error::ConnectFailure;
use exchange_ews::{EwsError, ResponseCode};
use mediagateway_api::{ApiError, AuthProblem, Unreachable};

/// The gateway error of an EWS failure.
pub(crate) fn map_error(error: EwsError) -> ApiError {
    let detail = error.to_string();
    if error.is_throttled() {
        return ApiError::Throttled {
            back_off: error.back_off(),
            detail,
        };
    }
    if let Some(code) = error.response_code() {
        return match code {
            ResponseCode::ErrorNonExistentMailbox => ApiError::MailboxNotFound { detail },
            ResponseCode::ErrorMailboxStoreUnavailable
            | ResponseCode::ErrorMailboxMoveInProgress => ApiError::MailboxNotReady { detail },
            code => ApiError::Exchange {
                code: code.as_str().to_owned(),
                detail,
            },
        };
    }
    match error {
        EwsError::AuthenticationFailed { source } => authentication(&source, detail),
        EwsError::EwsBlocked { reason } => ApiError::EwsBlocked { detail: reason },
        // The URL passed the policy, but its host name resolved to a forbidden address.
        EwsError::AddressRefused { host, reason } => ApiError::EwsUrlRefused {
            reason: format!("the EWS host {host} resolves to a refused address: {reason}"),
        },
        EwsError::Connection { kind, .. } => ApiError::ExchangeUnreachable {
            cause: unreachable(kind),
            detail,
        },
        // A wrong EWS path (404) or a server without EWS: the web services are not reachable.
        EwsError::HttpStatus {
            status: 404 | 502 | 503 | 504,
            ..
        } => ApiError::ExchangeUnreachable {
            cause: Unreachable::Other,
            detail,
        },
        EwsError::HttpStatus { status, .. } => ApiError::Exchange {
            code: format!("HTTP {status}"),
            detail,
        },
        EwsError::InvalidArgument { .. } => ApiError::InvalidArgument { what: detail },
        EwsError::HttpClientSetup { .. } => ApiError::Internal { detail },
        _ => ApiError::Exchange {
            code: "InvalidResponse".to_owned(),
            detail,
        },
    }
}

/// The gateway error of a failure of an item call: a missing or malformed id is "not found",
/// a stale change key a conflict.
pub(crate) fn map_item_error(error: EwsError, id: &str) -> ApiError {
    if error.is_not_found() || error.response_code() == Some(&ResponseCode::ErrorInvalidIdMalformed)
    {
        return ApiError::ItemNotFound { id: id.to_owned() };
    }
    if error.response_code() == Some(&ResponseCode::ErrorIrresolvableConflict) {
        return ApiError::Conflict { id: id.to_owned() };
    }
    map_error(error)
}

/// The gateway error of an authentication failure outside an EWS call (redeeming a sign-in's
/// code).
pub(crate) fn map_auth_error(error: AuthError) -> ApiError {
    let detail = error.to_string();
    authentication(&error, detail)
}

/// A refused password is the user's to fix; an unreachable KDC or token service is not.
fn authentication(error: &AuthError, detail: String) -> ApiError {
    // A KDC that does not know the server's own principal is the server's set-up, not the
    // user's password: no failed login is counted against the user.
    if problem(error) == AuthProblem::ServicePrincipalNotFound {
        return ApiError::AuthenticationMisconfigured {
            detail,
            problem: AuthProblem::ServicePrincipalNotFound,
        };
    }
    // A refresh token that expired or was revoked: only a new sign-in helps.
    if matches!(
        error,
        AuthError::OAuthInvalidGrant { .. } | AuthError::OAuthSignInAgain { .. }
    ) {
        return ApiError::SignInAgain { detail };
    }
    match error.class() {
        FailureClass::CredentialsRefused => ApiError::ExchangeLoginRefused { detail },
        FailureClass::ServiceUnavailable => ApiError::AuthenticationUnavailable { detail },
        FailureClass::Protocol => ApiError::Exchange {
            code: "AuthenticationProtocol".to_owned(),
            detail,
        },
        _ => ApiError::AuthenticationMisconfigured {
            detail,
            problem: problem(error),
        },
    }
}

/// Which known set-up mistake a misconfiguration is.
fn problem(error: &AuthError) -> AuthProblem {
    match error {
        AuthError::SchemeNotOffered { .. } => AuthProblem::SchemeNotOffered,
        AuthError::ClockSkew => AuthProblem::ClockSkew,
        AuthError::KerberosNeedsHostName { .. } => AuthProblem::KerberosNeedsHostName,
        // The KDC does not know the server's service principal; an unknown user principal is
        // a refused login, classed elsewhere.
        AuthError::KerberosUnknownPrincipal { principal } if principal.starts_with("HTTP/") => {
            AuthProblem::ServicePrincipalNotFound
        }
        AuthError::OAuthConsentRequired { .. } => AuthProblem::ConsentMissing,
        AuthError::OAuthWrongAudience { .. } => AuthProblem::WrongTokenAudience,
        AuthError::OAuthMissingEwsPermission { .. } => AuthProblem::MissingEwsPermission,
        _ => AuthProblem::Other,
    }
}

fn unreachable(kind: ConnectFailure) -> Unreachable {
    match kind {
        ConnectFailure::Refused => Unreachable::Refused,
        ConnectFailure::NameNotResolved => Unreachable::NameNotResolved,
        ConnectFailure::Timeout => Unreachable::Timeout,
        ConnectFailure::Tls => Unreachable::Tls,
        _ => Unreachable::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_address_is_a_refused_url() {
        let refused = map_error(EwsError::AddressRefused {
            host: "mail.contoso.test".into(),
            reason: "the EWS host's address 169.254.169.254 is a cloud metadata service".into(),
        });
        let ApiError::EwsUrlRefused { reason } = &refused else {
            panic!("{refused:?}");
        };
        assert!(
            reason.contains("mail.contoso.test") && reason.contains("169.254.169.254"),
            "{reason}"
        );
    }

    fn auth_failure(source: AuthError) -> EwsError {
        EwsError::AuthenticationFailed { source }
    }

    #[test]
    fn a_kdc_outage_is_not_a_wrong_password() {
        let outage = map_error(auth_failure(AuthError::KdcUnreachable {
            realm: "CONTOSO.TEST".into(),
        }));
        assert!(
            matches!(outage, ApiError::AuthenticationUnavailable { .. }),
            "{outage:?}"
        );
        let wrong = map_error(auth_failure(AuthError::KerberosWrongPassword));
        assert!(
            matches!(wrong, ApiError::ExchangeLoginRefused { .. }),
            "{wrong:?}"
        );
        let skew = map_error(auth_failure(AuthError::ClockSkew));
        assert!(
            matches!(
                skew,
                ApiError::AuthenticationMisconfigured {
                    problem: AuthProblem::ClockSkew,
                    ..
                }
            ),
            "{skew:?}"
        );
    }

    #[test]
    fn each_known_set_up_mistake_is_named() {
        let problem_of = |source| match map_error(auth_failure(source)) {
            ApiError::AuthenticationMisconfigured { problem, .. } => Some(problem),
            _ => None,
        };
        let cases = [
            (
                AuthError::SchemeNotOffered {
                    scheme: "NTLM",
                    offered: "Basic".into(),
                },
                AuthProblem::SchemeNotOffered,
            ),
            (
                AuthError::KerberosNeedsHostName {
                    host: "10.0.0.5".into(),
                },
                AuthProblem::KerberosNeedsHostName,
            ),
            (
                AuthError::KerberosUnknownPrincipal {
                    principal: "HTTP/mail.contoso.test@CONTOSO.TEST".into(),
                },
                AuthProblem::ServicePrincipalNotFound,
            ),
        ];
        for (source, expected) in cases {
            let label = format!("{source:?}");
            assert_eq!(problem_of(source), Some(expected), "{label}");
        }
    }
}
