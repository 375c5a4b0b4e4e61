//! Connection tests and their diagnoses.

use std::fmt;

use mediagateway_api::{ApiError, AuthProblem, Unreachable};

/// The outcome of one connection test.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectionTest {
    /// What was tested.
    pub subject: TestSubject,
    /// Passed, or failed with a diagnosis.
    pub outcome: Outcome,
    /// Set while the gateway password is still the default `1234`.
    pub security_notice: Option<SecurityNotice>,
}

impl ConnectionTest {
    /// Whether the test passed.
    pub fn passed(&self) -> bool {
        matches!(self.outcome, Outcome::Passed { .. })
    }

    /// The diagnosis of a failed test.
    pub fn diagnosis(&self) -> Option<Diagnosis> {
        match &self.outcome {
            Outcome::Failed { diagnosis, .. } => Some(*diagnosis),
            Outcome::Passed { .. } => None,
        }
    }
}

impl fmt::Display for ConnectionTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.outcome {
            Outcome::Passed { details } => write!(f, "{}: passed ({details})", self.subject)?,
            Outcome::Failed { diagnosis, detail } => write!(
                f,
                "{}: failed: {} ({})",
                self.subject,
                diagnosis.explanation(),
                detail
            )?,
        }
        if let Some(notice) = &self.security_notice {
            write!(f, "\n  SECURITY: {notice}")?;
        }
        Ok(())
    }
}

/// What a connection test tested.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TestSubject {
    /// The gateway: reachable, password right.
    Gateway,
    /// The Exchange service account: an EWS call made with it.
    ExchangeAccount,
    /// A static user: an EWS call made with its login.
    StaticUser,
}

impl fmt::Display for TestSubject {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Gateway => "gateway",
            Self::ExchangeAccount => "Exchange account",
            Self::StaticUser => "static user",
        })
    }
}

/// Passed or failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The test passed.
    Passed {
        /// What the other side reported (versions, mailbox).
        details: String,
    },
    /// The test failed.
    Failed {
        /// The item of the checklist the failure points to.
        diagnosis: Diagnosis,
        /// The error as reported.
        detail: String,
    },
}

/// The cause a failed connection test points to, as an item of the set-up checklist.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Diagnosis {
    /// Nothing listens on the gateway's host and port.
    GatewayNotStarted,
    /// The gateway's host name does not resolve.
    GatewayHostWrong,
    /// The gateway does not answer in time.
    GatewayFirewall,
    /// The gateway's TLS certificate is not trusted by the client.
    GatewayCertificateNotTrusted,
    /// The gateway is unreachable for another reason.
    GatewayUnreachable,
    /// The gateway password is incorrect.
    GatewayPasswordIncorrect,
    /// The data source's portal key is wrong or unknown to the gateway.
    PortalKeyIncorrect,
    /// The credential is right but does not authorize the call (the gateway password on a user
    /// call, a portal key on an admin step).
    WrongCredential,
    /// Too many wrong passwords or keys came from this address.
    TooManyAttempts,
    /// The gateway's URL policy refuses the EWS server URL.
    EwsUrlRefused,
    /// The mailbox does not exist.
    MailboxDoesNotExist,
    /// Exchange refused the login data.
    InvalidLoginData,
    /// The stored OAuth2 sign-in expired or was revoked: the user must sign in again.
    SignInExpired,
    /// The mailbox exists but was never opened (or is being moved).
    MailboxNotInitialized,
    /// Exchange's web services (EWS/OWA) cannot be reached from the gateway.
    EwsNotReachable,
    /// The service that authenticates users (a Kerberos KDC, an OAuth2 token service) cannot
    /// be reached or used from the gateway.
    AuthenticationServiceUnreachable,
    /// The authentication settings do not fit the server.
    AuthenticationSettingsWrong,
    /// The server does not offer the authentication scheme the data source pins.
    SchemeNotOffered,
    /// The gateway's clock and the Kerberos KDC's differ too much.
    ClockSkew,
    /// The EWS URL names the server by an IP address; Kerberos needs its host name.
    KerberosNeedsHostName,
    /// The KDC has no service principal (`HTTP/host`) for the EWS server.
    ServicePrincipalNotFound,
    /// The OAuth2 application lacks the tenant administrator's consent.
    AdminConsentMissing,
    /// The OAuth2 token is for another resource (a Microsoft Graph token used for EWS).
    GraphTokenForEws,
    /// The OAuth2 token lacks the EWS permission.
    MissingEwsPermission,
    /// Exchange Online refuses EWS to this application: a tenant admin must allow it, or the
    /// data source must move to Microsoft Graph.
    EwsBlockedForApp,
    /// Exchange answered with an error the checklist does not name.
    ExchangeError,
    /// The gateway does not know the data source, or the configuration is invalid.
    ConfigurationInvalid,
    /// Another failure (see the detail).
    Other,
}

impl Diagnosis {
    /// The checklist item, in words.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::GatewayNotStarted => {
                "the gateway is not installed or not started (connection refused)"
            }
            Self::GatewayHostWrong => "the gateway host is wrong (the name does not resolve)",
            Self::GatewayFirewall => "a firewall blocks the gateway port (no answer in time)",
            Self::GatewayCertificateNotTrusted => {
                "the gateway's TLS certificate is not trusted (check the pinned certificate \
                 fingerprint, or that the CA bundle holds the CA that issued the gateway's \
                 certificate; check also the host name and the certificate's validity dates)"
            }
            Self::GatewayUnreachable => "the gateway cannot be reached",
            Self::GatewayPasswordIncorrect => "the gateway password is incorrect",
            Self::PortalKeyIncorrect => {
                "the data source's portal key is wrong (configure the data source on the gateway \
                 with the gateway password, or have the key rotated, and keep the key it hands out)"
            }
            Self::WrongCredential => {
                "the credential does not authorize this call (admin steps take the gateway \
                 password, calls for portal users the data source's portal key)"
            }
            Self::TooManyAttempts => {
                "too many wrong passwords or keys came from this address: wait, then try again"
            }
            Self::EwsUrlRefused => {
                "the gateway's policy refuses the EWS server URL (https only, allowed hosts, no \
                 link-local or metadata addresses)"
            }
            Self::MailboxDoesNotExist => "the mailbox does not exist",
            Self::InvalidLoginData => "the login data is invalid",
            Self::SignInExpired => {
                "the stored sign-in expired or was revoked: sign in again (the login box)"
            }
            Self::MailboxNotInitialized => {
                "the mailbox is not yet initialized (log in to it once with Outlook on the web)"
            }
            Self::EwsNotReachable => {
                "EWS/OWA is not reachable from the gateway (check the server URL)"
            }
            Self::AuthenticationServiceUnreachable => {
                "the authentication service (Kerberos KDC, OAuth2 token service) cannot be \
                 reached from the gateway"
            }
            Self::AuthenticationSettingsWrong => {
                "the authentication settings do not fit the server (scheme, client, consent, \
                 permissions or clock)"
            }
            Self::SchemeNotOffered => {
                "the server does not offer the authentication scheme the data source pins \
                 (choose the scheme the server offers, or let the gateway pick by the offer)"
            }
            Self::ClockSkew => {
                "the gateway's clock and the Kerberos KDC's differ by more than Kerberos allows \
                 (synchronize the clocks)"
            }
            Self::KerberosNeedsHostName => {
                "the EWS URL names the server by an IP address; Kerberos needs its host name"
            }
            Self::ServicePrincipalNotFound => {
                "the Kerberos KDC has no service principal HTTP/<host> for the EWS server \
                 (register the SPN, or use the server's canonical host name)"
            }
            Self::AdminConsentMissing => {
                "the OAuth2 application lacks the tenant administrator's consent"
            }
            Self::GraphTokenForEws => {
                "the OAuth2 token is for Microsoft Graph, not for Exchange Web Services \
                 (request the EWS resource's scopes)"
            }
            Self::MissingEwsPermission => {
                "the OAuth2 token lacks the EWS permission (EWS.AccessAsUser.All, or \
                 full_access_as_app for app-only)"
            }
            Self::EwsBlockedForApp => {
                "Exchange Online refuses EWS to this application: since 2026-10-01 a tenant \
                 admin must allow it (Set-OrganizationConfig -EwsEnabled, EwsAllowedAppIDs), \
                 and from 2027-04-01 EWS is off in Exchange Online for everyone (use the \
                 Microsoft Graph backend)"
            }
            Self::ExchangeError => "Exchange answered with an error",
            Self::ConfigurationInvalid => "the data source configuration is invalid",
            Self::Other => "the test failed",
        }
    }

    /// The checklist item of a gateway call's error.
    pub fn of(error: &ApiError) -> Self {
        match error {
            ApiError::GatewayUnreachable { cause, .. } => match cause {
                Unreachable::Refused => Self::GatewayNotStarted,
                Unreachable::NameNotResolved => Self::GatewayHostWrong,
                Unreachable::Timeout => Self::GatewayFirewall,
                Unreachable::CertificateNotTrusted => Self::GatewayCertificateNotTrusted,
                _ => Self::GatewayUnreachable,
            },
            ApiError::PasswordIncorrect => Self::GatewayPasswordIncorrect,
            ApiError::PortalKeyIncorrect => Self::PortalKeyIncorrect,
            ApiError::PermissionDenied { .. } => Self::WrongCredential,
            ApiError::TooManyAttempts { .. } => Self::TooManyAttempts,
            ApiError::EwsUrlRefused { .. } => Self::EwsUrlRefused,
            ApiError::MailboxNotFound { .. } => Self::MailboxDoesNotExist,
            ApiError::ExchangeLoginRefused { .. } => Self::InvalidLoginData,
            ApiError::SignInAgain { .. } => Self::SignInExpired,
            ApiError::MailboxNotReady { .. } => Self::MailboxNotInitialized,
            ApiError::ExchangeUnreachable { .. } => Self::EwsNotReachable,
            ApiError::AuthenticationUnavailable { .. } => Self::AuthenticationServiceUnreachable,
            ApiError::AuthenticationMisconfigured { problem, .. } => match problem {
                AuthProblem::SchemeNotOffered => Self::SchemeNotOffered,
                AuthProblem::ClockSkew => Self::ClockSkew,
                AuthProblem::KerberosNeedsHostName => Self::KerberosNeedsHostName,
                AuthProblem::ServicePrincipalNotFound => Self::ServicePrincipalNotFound,
                AuthProblem::ConsentMissing => Self::AdminConsentMissing,
                AuthProblem::WrongTokenAudience => Self::GraphTokenForEws,
                AuthProblem::MissingEwsPermission => Self::MissingEwsPermission,
                AuthProblem::Other => Self::AuthenticationSettingsWrong,
            },
            ApiError::EwsBlocked { .. } => Self::EwsBlockedForApp,
            ApiError::Exchange { .. } | ApiError::Throttled { .. } => Self::ExchangeError,
            ApiError::UnknownDataSource { .. }
            | ApiError::InvalidArgument { .. }
            | ApiError::LimitExceeded { .. } => Self::ConfigurationInvalid,
            _ => Self::Other,
        }
    }
}

/// A warning the portal must show: the gateway still uses its default password.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityNotice {
    /// The text to show.
    pub message: &'static str,
}

impl SecurityNotice {
    pub(crate) fn default_password() -> Self {
        Self {
            message: "the gateway password is still the default \"1234\": change it now, \
                      anyone who can reach the gateway can use it",
        }
    }
}

impl fmt::Display for SecurityNotice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_unreachable_cause_has_its_own_checklist_item() {
        let err = |cause| ApiError::GatewayUnreachable {
            address: "127.0.0.1:1".into(),
            cause,
            detail: String::new(),
        };
        assert_eq!(
            Diagnosis::of(&err(Unreachable::Refused)),
            Diagnosis::GatewayNotStarted
        );
        assert_eq!(
            Diagnosis::of(&err(Unreachable::NameNotResolved)),
            Diagnosis::GatewayHostWrong
        );
        assert_eq!(
            Diagnosis::of(&err(Unreachable::Timeout)),
            Diagnosis::GatewayFirewall
        );
        assert_eq!(
            Diagnosis::of(&err(Unreachable::CertificateNotTrusted)),
            Diagnosis::GatewayCertificateNotTrusted
        );
        assert_eq!(
            Diagnosis::of(&err(Unreachable::Tls)),
            Diagnosis::GatewayUnreachable
        );
        assert!(Diagnosis::GatewayNotStarted
            .explanation()
            .contains("not started"));
        let certificate = Diagnosis::GatewayCertificateNotTrusted.explanation();
        assert!(certificate.contains("fingerprint") && certificate.contains("CA bundle"));
    }

    #[test]
    fn an_unavailable_kdc_is_not_invalid_login_data() {
        let outage = ApiError::AuthenticationUnavailable {
            detail: "no KDC".into(),
        };
        assert_eq!(
            Diagnosis::of(&outage),
            Diagnosis::AuthenticationServiceUnreachable
        );
        let refused = ApiError::ExchangeLoginRefused {
            detail: "401".into(),
        };
        assert_eq!(Diagnosis::of(&refused), Diagnosis::InvalidLoginData);
    }
}
