use thiserror::Error;

/// Why authenticating to Exchange failed.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum AuthError {
    /// The server refused the credentials of this scheme.
    #[error("the server refused the {scheme} credentials")]
    Rejected {
        /// The scheme whose credentials were refused.
        scheme: &'static str,
    },
    /// The server does not offer the scheme this strategy speaks.
    #[error("the server does not offer {scheme} authentication (it offers: {offered})")]
    SchemeNotOffered {
        /// The scheme of the strategy.
        scheme: &'static str,
        /// The schemes the server offered, comma separated.
        offered: String,
    },
    /// Basic authentication was used against Exchange Online, where Microsoft removed it.
    #[error("Basic authentication was switched off for Exchange Online ({host}); use OAuth2")]
    BasicNotSupportedByExchangeOnline {
        /// The host name of the Exchange Online endpoint.
        host: String,
    },
    /// The credentials cannot be used with this scheme at all.
    #[error("invalid credentials: {reason}")]
    InvalidCredentials {
        /// What is wrong with them (never the secret itself).
        reason: &'static str,
    },
    /// The server URL is not usable as an authentication target.
    #[error("invalid server URL {url:?}: {reason}")]
    InvalidTarget {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The connection of a connection-bound handshake (NTLM, Negotiate) closed before the
    /// handshake finished; the server or a proxy between does not keep connections alive.
    #[error(
        "the connection closed in the middle of the {scheme} handshake; {scheme} needs a \
         kept-alive connection (is a proxy in between closing connections?)"
    )]
    ConnectionLost {
        /// The scheme of the handshake.
        scheme: &'static str,
    },
    // NTLM and SPNEGO.
    /// The server's NTLM CHALLENGE message is malformed.
    #[error("invalid NTLM challenge from the server: {reason}")]
    NtlmChallengeInvalid {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The server offers only NTLMv1 (no extended session security or no target information),
    /// which is too weak to answer.
    #[error("the server offers only NTLMv1, which is refused; enable NTLMv2 on the server")]
    NtlmV1Refused,
    /// The operating system's random number generator failed.
    #[error("the operating system's random number generator is unavailable")]
    NtlmRandomUnavailable,
    /// A SPNEGO token from the server is malformed or unexpected.
    #[error("invalid SPNEGO token from the server: {reason}")]
    SpnegoInvalid {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The server's SPNEGO mechListMIC does not verify: the mechanism list may have been
    /// tampered with, or the answer did not come from the authenticated server.
    #[error("the server's SPNEGO mechListMIC does not verify")]
    SpnegoMicInvalid,
    /// The server certificate given for channel bindings is not a well-formed DER certificate.
    #[error("the server certificate cannot be parsed for channel bindings: {reason}")]
    ChannelBindingsCertificateInvalid {
        /// What is wrong with it.
        reason: &'static str,
    },

    // Kerberos and Negotiate.
    /// MIT Kerberos' GSSAPI library cannot be loaded.
    #[error(
        "Kerberos is not available: MIT Kerberos' GSSAPI library (libgssapi_krb5.so.2) cannot be \
         loaded ({detail}); install MIT Kerberos (Debian/Ubuntu: libgssapi-krb5-2, Fedora/RHEL: krb5-libs)"
    )]
    GssapiUnavailable {
        /// What the dynamic loader said.
        detail: String,
    },
    /// The server URL names an IP address, and Kerberos needs a host name.
    #[error(
        "Kerberos needs the server's fully qualified host name, not the address {host}: the \
         service principal (HTTP/<host>) is derived from the name in the URL"
    )]
    KerberosNeedsHostName {
        /// The IP address in the URL.
        host: String,
    },
    /// The KDC refused the password (pre-authentication failed).
    #[error("the Kerberos KDC refused the password (pre-authentication failed)")]
    KerberosWrongPassword,
    /// The KDC does not know a principal: the user's, or the server's service principal.
    #[error(
        "the Kerberos KDC does not know the principal {principal} (for a service principal \
         HTTP/<host>: the URL must use the name the server is registered under)"
    )]
    KerberosUnknownPrincipal {
        /// The principal as the KDC was asked for it.
        principal: String,
    },
    /// No KDC of the realm answered (or none is configured for it).
    #[error(
        "no Kerberos KDC for realm {realm} can be reached; check the [realms] section of \
         krb5.conf (KRB5_CONFIG) and the network"
    )]
    KdcUnreachable {
        /// The realm.
        realm: String,
    },
    /// This machine's clock and the KDC's or server's differ by more than the allowed skew.
    #[error(
        "the clocks of this machine and of the Kerberos KDC or server differ by more than the \
         allowed skew (5 minutes by default); synchronise the clock"
    )]
    ClockSkew,
    /// No Kerberos credentials: no ticket in the credential cache, or no usable keytab.
    #[error("no Kerberos credentials: {detail}")]
    NoKerberosCredentials {
        /// Where they were looked for, and what the library said.
        detail: String,
    },
    /// The server's Negotiate token is not usable (not base64, too large, empty).
    #[error("the server sent an unusable Negotiate token: {reason}")]
    NegotiateBadToken {
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The server's answer did not prove its identity (Kerberos mutual authentication).
    #[error("the server did not prove its identity (Kerberos mutual authentication): {reason}")]
    KerberosMutualAuthFailed {
        /// What was wrong.
        reason: String,
    },
    /// Any other GSSAPI failure.
    #[error("GSSAPI failed (major {major:#x}, minor {minor}): {message}")]
    Gssapi {
        /// The GSSAPI major status.
        major: u32,
        /// The mechanism's minor status (for Kerberos, a code of MIT's krb5 error table).
        minor: u32,
        /// The library's explanation.
        message: String,
    },

    // OAuth2.
    /// The OAuth2 configuration cannot work (an endpoint that is not https, a bad tenant, a
    /// private key that does not parse).
    #[error("OAuth2 configuration: {reason}")]
    OAuthInvalidConfig {
        /// What is wrong.
        reason: String,
    },
    /// The token endpoint could not be reached, or the connection broke.
    #[error("the OAuth2 token endpoint could not be reached: {reason}")]
    OAuthUnreachable {
        /// What went wrong (no request or answer content).
        reason: String,
    },
    /// The token endpoint answered something that is not a usable token answer (not JSON,
    /// truncated, too large, fields missing or of the wrong type).
    #[error("the OAuth2 token endpoint sent an unusable answer: {reason}")]
    OAuthBadResponse {
        /// What is wrong with the answer.
        reason: String,
    },
    /// `invalid_grant`: the user name or password is wrong (AADSTS50126), the authorization
    /// code was used or is wrong, or the PKCE verifier does not match.
    #[error("the sign-in was refused (invalid_grant{}): {description}", crate::oauth::aadsts_suffix(*.aadsts))]
    OAuthInvalidGrant {
        /// The `AADSTS` code, when the server sent one.
        aadsts: Option<u32>,
        /// The server's description.
        description: String,
    },
    /// The refresh token expired or was revoked (password changed, sessions revoked, inactive
    /// for too long): the user must sign in again.
    #[error(
        "the stored sign-in expired or was revoked (AADSTS{aadsts}); sign in again: {description}"
    )]
    OAuthSignInAgain {
        /// The `AADSTS` code.
        aadsts: u32,
        /// The server's description.
        description: String,
    },
    /// An administrator has not consented to the application's EWS permission in this tenant.
    #[error("admin consent is missing (AADSTS{aadsts}): an administrator must grant the application's EWS permission in the tenant: {description}")]
    OAuthConsentRequired {
        /// The `AADSTS` code.
        aadsts: u32,
        /// The server's description.
        description: String,
    },
    /// `invalid_client`: the client secret is wrong or expired (AADSTS7000215), or the
    /// certificate is not registered with the application (AADSTS700027).
    #[error("the application's credentials were refused (invalid_client{}): {}; {description}", crate::oauth::aadsts_suffix(*.aadsts), crate::oauth::client_hint(*.aadsts))]
    OAuthInvalidClient {
        /// The `AADSTS` code, when the server sent one.
        aadsts: Option<u32>,
        /// The server's description.
        description: String,
    },
    /// `unauthorized_client`: the application may not use this grant (a public-client flow on a
    /// confidential app, an application not enabled in the tenant).
    #[error("the application may not use this sign-in method (unauthorized_client{}): {description}", crate::oauth::aadsts_suffix(*.aadsts))]
    OAuthUnauthorizedClient {
        /// The `AADSTS` code, when the server sent one.
        aadsts: Option<u32>,
        /// The server's description.
        description: String,
    },
    /// Another error answer of the token endpoint.
    #[error("the OAuth2 token endpoint refused the request ({error}{}): {description}", crate::oauth::aadsts_suffix(*.aadsts))]
    OAuthTokenEndpoint {
        /// The `error` code of the answer.
        error: String,
        /// The `AADSTS` code, when the server sent one.
        aadsts: Option<u32>,
        /// The server's description.
        description: String,
    },
    /// The `state` returned with the authorization code is not the one sent: the answer does
    /// not belong to this sign-in (a forged or replayed redirect).
    #[error("the authorization answer's state does not match the sign-in it claims to finish")]
    OAuthStateMismatch,
    /// The device code expired before the user finished signing in.
    #[error("the device code expired before the sign-in was finished; start again")]
    OAuthDeviceCodeExpired,
    /// The user declined the sign-in.
    #[error("the user declined the sign-in")]
    OAuthAccessDenied,
    /// Waiting for the user was given up (timeout or cancellation).
    #[error("waiting for the sign-in was {0}")]
    OAuthGaveUp(&'static str),
    /// The access token is for another resource than EWS (a Microsoft Graph token).
    #[error("the access token is for {audience}, not for Exchange Web Services; request scopes of the EWS resource (https://outlook.office365.com/...) instead of Microsoft Graph")]
    OAuthWrongAudience {
        /// The token's audience.
        audience: String,
    },
    /// The access token carries no EWS permission.
    #[error("the access token has no EWS permission (it has: {granted}); grant the application {needed} under Office 365 Exchange Online (not Microsoft Graph)")]
    OAuthMissingEwsPermission {
        /// The permission EWS needs (`full_access_as_app` or `EWS.AccessAsUser.All`).
        needed: &'static str,
        /// The permissions the token carries (roles or scopes), or `none`.
        granted: String,
    },
    /// Exchange refused the bearer token again after a fresh one was fetched.
    #[error("Exchange refused the OAuth2 token ({error}): {description}")]
    OAuthTokenRefused {
        /// The `error` parameter of `WWW-Authenticate: Bearer`, or `none`.
        error: String,
        /// Its `error_description`, or a hint when there was none.
        description: String,
    },
}

/// What an authentication failure says about the login data, for callers that must tell a
/// user "your password is wrong" apart from "the KDC is down".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FailureClass {
    /// The credentials were refused, expired or revoked, or are unusable: the user must give
    /// other login data (or sign in again).
    CredentialsRefused,
    /// The service that authenticates (a Kerberos KDC, an OAuth2 token endpoint, the system's
    /// GSSAPI or random number generator) is unreachable or unusable: the login data may be
    /// right.
    ServiceUnavailable,
    /// The settings do not fit the server: a scheme it does not offer, a client it does not
    /// know, missing consent or permissions, clock skew, an address where a host name is
    /// needed.
    Misconfigured,
    /// A peer broke the protocol (a malformed challenge, token or answer).
    Protocol,
}

impl AuthError {
    /// Whether the server refused the credentials (as opposed to a set-up mistake).
    pub fn is_rejected(&self) -> bool {
        matches!(self, Self::Rejected { .. })
    }

    /// What the failure says about the login data.
    pub fn class(&self) -> FailureClass {
        use FailureClass::{CredentialsRefused, Misconfigured, Protocol, ServiceUnavailable};
        match self {
            Self::Rejected { .. }
            | Self::InvalidCredentials { .. }
            | Self::KerberosWrongPassword
            | Self::KerberosUnknownPrincipal { .. }
            | Self::NoKerberosCredentials { .. }
            | Self::OAuthInvalidGrant { .. }
            | Self::OAuthSignInAgain { .. }
            | Self::OAuthStateMismatch
            | Self::OAuthDeviceCodeExpired
            | Self::OAuthAccessDenied
            | Self::OAuthTokenRefused { .. } => CredentialsRefused,
            Self::NtlmRandomUnavailable
            | Self::GssapiUnavailable { .. }
            | Self::KdcUnreachable { .. }
            | Self::OAuthUnreachable { .. }
            | Self::OAuthTokenEndpoint { .. }
            | Self::OAuthGaveUp(_) => ServiceUnavailable,
            Self::SchemeNotOffered { .. }
            | Self::BasicNotSupportedByExchangeOnline { .. }
            | Self::InvalidTarget { .. }
            | Self::ConnectionLost { .. }
            | Self::NtlmV1Refused
            | Self::KerberosNeedsHostName { .. }
            | Self::ClockSkew
            | Self::OAuthInvalidConfig { .. }
            | Self::OAuthConsentRequired { .. }
            | Self::OAuthInvalidClient { .. }
            | Self::OAuthUnauthorizedClient { .. }
            | Self::OAuthWrongAudience { .. }
            | Self::OAuthMissingEwsPermission { .. } => Misconfigured,
            Self::NtlmChallengeInvalid { .. }
            | Self::SpnegoInvalid { .. }
            | Self::SpnegoMicInvalid
            | Self::ChannelBindingsCertificateInvalid { .. }
            | Self::NegotiateBadToken { .. }
            | Self::KerberosMutualAuthFailed { .. }
            | Self::Gssapi { .. }
            | Self::OAuthBadResponse { .. } => Protocol,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreachable_kdc_is_not_a_refused_password() {
        let outage = AuthError::KdcUnreachable {
            realm: "CONTOSO.TEST".into(),
        };
        assert_eq!(outage.class(), FailureClass::ServiceUnavailable);
        assert_eq!(
            AuthError::KerberosWrongPassword.class(),
            FailureClass::CredentialsRefused
        );
        assert_eq!(
            AuthError::Rejected { scheme: "Basic" }.class(),
            FailureClass::CredentialsRefused
        );
        assert_eq!(AuthError::ClockSkew.class(), FailureClass::Misconfigured);
        assert_eq!(AuthError::SpnegoMicInvalid.class(), FailureClass::Protocol);
    }
}
