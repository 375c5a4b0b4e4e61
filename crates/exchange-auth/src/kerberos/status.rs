//! From GSSAPI failures to [`AuthError`]: the one place MIT's krb5 error codes are read.
//!
//! The minor status of a Kerberos failure is a code of MIT's krb5 error table (`krb5.h`,
//! generated from `krb5_err.et`): the table's base is -1765328384, and the codes are passed as
//! their 32-bit two's complement.

use super::gss::{GssError, GssFailure, GSS_S_BAD_NAME, GSS_S_CREDENTIALS_EXPIRED, GSS_S_NO_CRED};
use crate::AuthError;

// Codes of MIT's krb5 error table (values from krb5.h).
const KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN: i32 = -1_765_328_378;
const KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN: i32 = -1_765_328_377;
const KRB5KDC_ERR_PREAUTH_FAILED: i32 = -1_765_328_360;
const KRB5KRB_AP_ERR_BAD_INTEGRITY: i32 = -1_765_328_353;
const KRB5KRB_AP_ERR_TKT_EXPIRED: i32 = -1_765_328_352;
const KRB5KRB_AP_ERR_SKEW: i32 = -1_765_328_347;
const KRB5_CC_BADNAME: i32 = -1_765_328_245;
const KRB5_CC_NOTFOUND: i32 = -1_765_328_243;
const KRB5_CC_END: i32 = -1_765_328_242;
const KRB5_NO_TKT_SUPPLIED: i32 = -1_765_328_241;
const KRB5_KDCREP_SKEW: i32 = -1_765_328_236;
const KRB5_REALM_UNKNOWN: i32 = -1_765_328_230;
const KRB5_KDC_UNREACH: i32 = -1_765_328_228;
const KRB5_KT_BADNAME: i32 = -1_765_328_205;
const KRB5_KT_NOTFOUND: i32 = -1_765_328_203;
const KRB5_KT_END: i32 = -1_765_328_202;
const KRB5_FCC_PERM: i32 = -1_765_328_190;
const KRB5_FCC_NOFILE: i32 = -1_765_328_189;
const KRB5_PREAUTH_FAILED: i32 = -1_765_328_174;
const KRB5_REALM_CANT_RESOLVE: i32 = -1_765_328_164;
// errno values the library passes through when a keytab file cannot be read (Linux).
const ENOENT: i32 = 2;
const EACCES: i32 = 13;

/// What the failing call was doing, for the errors that name a principal or a realm.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Situation<'a> {
    /// The client principal (user or service account), when known.
    pub(crate) client: Option<&'a str>,
    /// The service principal the context was for (`HTTP/host`), when the failure came from a
    /// context step.
    pub(crate) service: Option<&'a str>,
    /// Where credentials were looked for (`credential cache FILE:/…`, `keytab /…`).
    pub(crate) source: &'a str,
    /// Whether the credentials come from a password (an undecryptable KDC reply then means a
    /// wrong password).
    pub(crate) password: bool,
}

/// The error of a failed wrapper call.
pub(crate) fn to_auth_error(error: GssError, situation: Situation<'_>) -> AuthError {
    match error {
        GssError::Unavailable(e) => e,
        GssError::BadInput(reason) => AuthError::InvalidCredentials { reason },
        GssError::Failed(failure) => classify(&failure, situation),
    }
}

/// Maps one GSSAPI failure, by the krb5 code in its minor status.
pub(crate) fn classify(failure: &GssFailure, situation: Situation<'_>) -> AuthError {
    let code = failure.minor.cast_signed();
    let routine = failure.major & 0x00ff_0000;
    match code {
        KRB5KDC_ERR_PREAUTH_FAILED | KRB5_PREAUTH_FAILED => AuthError::KerberosWrongPassword,
        KRB5KRB_AP_ERR_BAD_INTEGRITY if situation.password => AuthError::KerberosWrongPassword,
        KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN => AuthError::KerberosUnknownPrincipal {
            principal: quoted(&failure.message)
                .or(situation.client)
                .unwrap_or("(the client principal)")
                .to_owned(),
        },
        KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN => AuthError::KerberosUnknownPrincipal {
            principal: situation
                .service
                .or_else(|| quoted(&failure.message))
                .unwrap_or("(the service principal)")
                .to_owned(),
        },
        KRB5_KDC_UNREACH | KRB5_REALM_UNKNOWN | KRB5_REALM_CANT_RESOLVE => {
            AuthError::KdcUnreachable {
                realm: quoted(&failure.message)
                    .map(str::to_owned)
                    .or_else(|| situation.client.and_then(realm_of).map(str::to_owned))
                    .unwrap_or_else(|| "(the default realm)".to_owned()),
            }
        }
        KRB5KRB_AP_ERR_SKEW | KRB5_KDCREP_SKEW => AuthError::ClockSkew,
        KRB5_FCC_NOFILE
        | KRB5_CC_NOTFOUND
        | KRB5_CC_END
        | KRB5_NO_TKT_SUPPLIED
        | KRB5_CC_BADNAME
        | KRB5_FCC_PERM
        | KRB5_KT_BADNAME
        | KRB5_KT_NOTFOUND
        | KRB5_KT_END
        | KRB5KRB_AP_ERR_TKT_EXPIRED
        | ENOENT
        | EACCES => no_credentials(failure, situation),
        _ if routine == GSS_S_NO_CRED || routine == GSS_S_CREDENTIALS_EXPIRED => {
            no_credentials(failure, situation)
        }
        _ if routine == GSS_S_BAD_NAME => AuthError::InvalidCredentials {
            reason: "the Kerberos library cannot parse the principal name",
        },
        _ => AuthError::Gssapi {
            major: failure.major,
            minor: failure.minor,
            message: failure.message.clone(),
        },
    }
}

fn no_credentials(failure: &GssFailure, situation: Situation<'_>) -> AuthError {
    AuthError::NoKerberosCredentials {
        detail: format!("{} ({})", situation.source, failure.message),
    }
}

/// The first `'…'` quoted part of a message: MIT quotes principals and realms
/// (`Client 'bob@EXAMPLE.TEST' not found…`, `Cannot contact any KDC for realm 'DOWN.TEST'`).
fn quoted(message: &str) -> Option<&str> {
    let start = message.find('\'')? + 1;
    let len = message[start..].find('\'')?;
    let inner = &message[start..start + len];
    (!inner.is_empty()).then_some(inner)
}

fn realm_of(principal: &str) -> Option<&str> {
    principal
        .rsplit_once('@')
        .map(|(_, realm)| realm)
        .filter(|r| !r.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    const FAILURE: u32 = 13 << 16;

    fn failure(minor: i32, message: &str) -> GssFailure {
        GssFailure {
            major: FAILURE,
            minor: minor.cast_unsigned(),
            message: message.to_owned(),
        }
    }

    const LOGIN: Situation<'static> = Situation {
        client: Some("alice@EXAMPLE.TEST"),
        service: None,
        source: "password login",
        password: true,
    };
    const CONTEXT: Situation<'static> = Situation {
        client: None,
        service: Some("HTTP/mail.contoso.test"),
        source: "credential cache FILE:/tmp/cc",
        password: false,
    };

    #[test]
    fn codes_match_mits_error_table() {
        // ERROR_TABLE_BASE_krb5 + offset, as krb5_err.et numbers them.
        let base = -1_765_328_384;
        assert_eq!(KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN, base + 6);
        assert_eq!(KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN, base + 7);
        assert_eq!(KRB5KDC_ERR_PREAUTH_FAILED, base + 24);
        assert_eq!(KRB5KRB_AP_ERR_SKEW, base + 37);
        assert_eq!(KRB5_KDC_UNREACH, base + 156);
        assert_eq!(KRB5_FCC_NOFILE, base + 195);
    }

    #[test]
    fn maps_login_failures() {
        let wrong = classify(
            &failure(KRB5KDC_ERR_PREAUTH_FAILED, "Preauthentication failed"),
            LOGIN,
        );
        assert!(matches!(wrong, AuthError::KerberosWrongPassword), "{wrong}");
        let integrity = classify(&failure(KRB5KRB_AP_ERR_BAD_INTEGRITY, "x"), LOGIN);
        assert!(matches!(integrity, AuthError::KerberosWrongPassword));

        let unknown = classify(
            &failure(
                KRB5KDC_ERR_C_PRINCIPAL_UNKNOWN,
                "Client 'bob@EXAMPLE.TEST' not found in Kerberos database",
            ),
            LOGIN,
        );
        assert!(
            matches!(&unknown, AuthError::KerberosUnknownPrincipal { principal } if principal == "bob@EXAMPLE.TEST"),
            "{unknown}"
        );

        let down = classify(
            &failure(
                KRB5_KDC_UNREACH,
                "Cannot contact any KDC for realm 'DOWN.TEST'",
            ),
            LOGIN,
        );
        assert!(matches!(&down, AuthError::KdcUnreachable { realm } if realm == "DOWN.TEST"));
        // Without a realm in the message, the principal's realm is named.
        let down = classify(&failure(KRB5_KDC_UNREACH, "no quotes here"), LOGIN);
        assert!(matches!(&down, AuthError::KdcUnreachable { realm } if realm == "EXAMPLE.TEST"));

        let skew = classify(&failure(KRB5KRB_AP_ERR_SKEW, "Clock skew too great"), LOGIN);
        assert!(matches!(skew, AuthError::ClockSkew));
    }

    #[test]
    fn maps_context_failures() {
        let unknown = classify(
            &failure(
                KRB5KDC_ERR_S_PRINCIPAL_UNKNOWN,
                "Server 'HTTP/x@R' not found",
            ),
            CONTEXT,
        );
        assert!(
            matches!(&unknown, AuthError::KerberosUnknownPrincipal { principal } if principal == "HTTP/mail.contoso.test")
        );
        // An integrity failure while talking to the server is no password problem.
        let integrity = classify(&failure(KRB5KRB_AP_ERR_BAD_INTEGRITY, "bad"), CONTEXT);
        assert!(matches!(integrity, AuthError::Gssapi { .. }), "{integrity}");

        for code in [KRB5_FCC_NOFILE, KRB5_CC_NOTFOUND, KRB5_KT_NOTFOUND, ENOENT] {
            let none = classify(&failure(code, "No credentials cache found"), CONTEXT);
            assert!(
                matches!(&none, AuthError::NoKerberosCredentials { detail } if detail.contains("FILE:/tmp/cc")),
                "{none}"
            );
        }
        let no_cred = GssFailure {
            major: GSS_S_NO_CRED,
            minor: 0,
            message: "No credentials were supplied".into(),
        };
        assert!(matches!(
            classify(&no_cred, CONTEXT),
            AuthError::NoKerberosCredentials { .. }
        ));
    }

    #[test]
    fn unknown_codes_keep_both_statuses() {
        let other = classify(&failure(12345, "something else"), CONTEXT);
        match other {
            AuthError::Gssapi {
                major,
                minor,
                message,
            } => {
                assert_eq!((major, minor), (FAILURE, 12345));
                assert_eq!(message, "something else");
            }
            e => panic!("unexpected {e}"),
        }
    }

    #[test]
    fn quoted_parts() {
        assert_eq!(quoted("realm 'A.B'"), Some("A.B"));
        assert_eq!(quoted("realm ''"), None);
        assert_eq!(quoted("realm 'unterminated"), None);
        assert_eq!(quoted("none"), None);
        assert_eq!(realm_of("alice@"), None);
        assert_eq!(realm_of("alice"), None);
    }
}
