//! Who a request is: HTTP Basic credentials as Exchange's IIS front end checks them, the user
//! an authenticating front end names, or a trusted bearer token ([`crate::bearer`]); and
//! whose mailbox it then acts on (`ExchangeImpersonation`).

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use http::HeaderValue;
use secrecy::{ExposeSecret as _, SecretString};

use crate::bearer;
use crate::error::Error;
use crate::log::Authentication;
use crate::request::Impersonation;
use crate::store::Directory;

/// The longest Basic `Authorization` header the fake decodes.
const MAX_HEADER: usize = 4096;

/// Who sent a request, once authenticated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Principal {
    /// HTTP Basic credentials of this user.
    Basic(usize),
    /// The user an authenticating front end named.
    FrontEnd(usize),
    /// A delegated bearer token of this user.
    Delegated(usize),
    /// An app-only bearer token of this application, which must impersonate a mailbox.
    App {
        /// The token's application id (header-safe).
        app_id: String,
    },
}

/// The `WWW-Authenticate` challenges of a 401: Basic, the password scheme the fake checks, and
/// Bearer when it trusts bearer tokens (with `error="invalid_token"` when `refusal` refused
/// one). A client that picks its scheme from the offer must find only what will work (behind
/// Apache, Apache makes the offer).
pub(crate) fn challenges(
    realm: &str,
    bearer: Option<&bearer::Trust>,
    refusal: Option<&Error>,
) -> Vec<String> {
    let mut offer = Vec::with_capacity(2);
    if let Some(trust) = bearer {
        offer.push(trust.challenge(refusal));
    }
    offer.push(format!("Basic realm=\"{realm}\""));
    offer
}

/// Who the `Authorization` header authenticates at `now` (seconds since the epoch): Basic
/// credentials, or a bearer token when `bearer` trusts its issuer.
pub(crate) fn authenticate(
    directory: &Directory,
    bearer: Option<&bearer::Trust>,
    header: Option<&HeaderValue>,
    now: i64,
) -> Result<Principal, Error> {
    let value = header.ok_or(Error::MissingCredentials)?.as_bytes();
    let scheme_end = value.iter().position(|&b| b == b' ').unwrap_or(value.len());
    if let (Some(trust), true) = (bearer, value[..scheme_end].eq_ignore_ascii_case(b"Bearer")) {
        if value.len() > scheme_end + 1 + bearer::MAX_TOKEN {
            return Err(Error::InvalidToken(
                "OAuth token submitted with the request cannot be parsed: the token is longer \
                 than 16 KiB."
                    .to_owned(),
            ));
        }
        let token = std::str::from_utf8(&value[scheme_end..]).map_err(|_| {
            Error::InvalidToken(
                "OAuth token submitted with the request cannot be parsed: it is not ASCII."
                    .to_owned(),
            )
        })?;
        return trust.authenticate(directory, token.trim(), now);
    }
    let (login, password) = basic_credentials(header)?;
    directory
        .authenticate(&login, password.expose_secret())
        .map(Principal::Basic)
        .ok_or(Error::WrongCredentials)
}

/// The user whose mailbox a request of `principal` acts on, and the record of how it
/// authenticated. Only an app-only token may (and must) impersonate; users act as themselves
/// and reach other mailboxes through delegate grants.
pub(crate) fn act(
    directory: &Directory,
    principal: &Principal,
    impersonation: Option<&Impersonation>,
) -> (Authentication, Result<usize, Error>) {
    let login = |user: usize| directory.users[user].login.clone();
    let acting = |user: usize| match impersonation {
        Some(_) => Err(Error::ImpersonationDenied),
        None => Ok(user),
    };
    match principal {
        Principal::Basic(user) => (
            Authentication::Basic {
                login: login(*user),
            },
            acting(*user),
        ),
        Principal::FrontEnd(user) => (
            Authentication::FrontEnd {
                login: login(*user),
            },
            acting(*user),
        ),
        Principal::Delegated(user) => (
            Authentication::DelegatedToken {
                smtp: directory.smtp(*user).to_owned(),
            },
            acting(*user),
        ),
        Principal::App { app_id } => {
            let mailbox = match impersonation {
                None => Err(Error::ImpersonationRequired),
                Some(named) => impersonated(directory, named),
            };
            let record = Authentication::AppToken {
                app_id: app_id.clone(),
                impersonated: mailbox.as_ref().ok().map(|m| directory.smtp(*m).to_owned()),
            };
            (record, mailbox)
        }
    }
}

/// The mailbox `named` identifies: an SMTP address, or a principal name that is a login name
/// or an SMTP address. The fake's users have no security identifiers.
fn impersonated(directory: &Directory, named: &Impersonation) -> Result<usize, Error> {
    let found = match named {
        Impersonation::Smtp(smtp) => directory.mailbox(smtp),
        Impersonation::PrincipalName(name) => {
            directory.by_login(name).or_else(|| directory.mailbox(name))
        }
        Impersonation::Sid(_) => None,
    };
    found.ok_or_else(|| Error::NonExistentMailbox(bearer::printable(named.value())))
}

/// The user an authenticating front end named in its request header: a configured login name,
/// or its part before `@` (Kerberos names the user `alice@REALM`, NTLM `alice`).
pub(crate) fn front_end_user(
    directory: &Directory,
    header: Option<&HeaderValue>,
) -> Result<Principal, Error> {
    let name = header
        .and_then(|v| v.to_str().ok())
        .map(str::trim)
        .filter(|v| !v.is_empty() && v.len() <= MAX_HEADER)
        .ok_or(Error::MissingCredentials)?;
    directory
        .by_login(name)
        .or_else(|| {
            let (user, _realm) = name.split_once('@')?;
            directory.by_login(user)
        })
        .map(Principal::FrontEnd)
        .ok_or(Error::WrongCredentials)
}

/// The login name and password of a Basic `Authorization` header.
fn basic_credentials(header: Option<&HeaderValue>) -> Result<(String, SecretString), Error> {
    let header = header.ok_or(Error::MissingCredentials)?.as_bytes();
    if header.len() > MAX_HEADER {
        return Err(Error::WrongCredentials);
    }
    let header = std::str::from_utf8(header).map_err(|_| Error::WrongCredentials)?;
    let (scheme, token) = header
        .trim()
        .split_once(' ')
        .ok_or(Error::MissingCredentials)?;
    if !scheme.eq_ignore_ascii_case("Basic") {
        // Negotiate or NTLM tokens are not credentials this fake understands.
        return Err(Error::MissingCredentials);
    }
    let decoded = BASE64
        .decode(token.trim())
        .map_err(|_| Error::WrongCredentials)?;
    let decoded = String::from_utf8(decoded).map_err(|_| Error::WrongCredentials)?;
    let (login, password) = decoded.split_once(':').ok_or(Error::WrongCredentials)?;
    Ok((login.to_owned(), SecretString::from(password.to_owned())))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::User;

    fn directory() -> Directory {
        Directory {
            users: vec![User {
                login: "CONTOSO\\alice".into(),
                password: SecretString::from("pa:ss wörd"),
                smtp: "alice@contoso.test".into(),
            }],
            delegates: Vec::new(),
        }
    }

    fn header(user_pass: &str) -> HeaderValue {
        HeaderValue::from_str(&format!("Basic {}", BASE64.encode(user_pass))).unwrap()
    }

    #[test]
    fn accepts_the_right_password_with_any_case_of_login() {
        let d = directory();
        assert_eq!(
            authenticate(&d, None, Some(&header("CONTOSO\\alice:pa:ss wörd")), 0),
            Ok(Principal::Basic(0))
        );
        assert_eq!(
            authenticate(&d, None, Some(&header("contoso\\ALICE:pa:ss wörd")), 0),
            Ok(Principal::Basic(0))
        );
    }

    #[test]
    fn front_end_users_are_found_by_login_or_by_kerberos_name() {
        let mut d = directory();
        d.users.push(User {
            login: "bob".into(),
            password: SecretString::from("unused"),
            smtp: "bob@contoso.test".into(),
        });
        let named = |v: &str| front_end_user(&d, Some(&HeaderValue::from_str(v).unwrap()));
        assert_eq!(named("contoso\\ALICE"), Ok(Principal::FrontEnd(0)));
        assert_eq!(named("bob"), Ok(Principal::FrontEnd(1)));
        assert_eq!(named("bob@EXAMPLE.TEST"), Ok(Principal::FrontEnd(1)));
        assert_eq!(named("carol@EXAMPLE.TEST"), Err(Error::WrongCredentials));
        assert_eq!(named("  "), Err(Error::MissingCredentials));
        assert_eq!(front_end_user(&d, None), Err(Error::MissingCredentials));
        let long = "b".repeat(MAX_HEADER + 1);
        assert_eq!(named(&long), Err(Error::MissingCredentials));
    }

    #[test]
    fn refuses_wrong_or_missing_credentials() {
        let d = directory();
        assert_eq!(
            authenticate(&d, None, None, 0),
            Err(Error::MissingCredentials)
        );
        assert_eq!(
            authenticate(&d, None, Some(&header("CONTOSO\\alice:wrong")), 0),
            Err(Error::WrongCredentials)
        );
        assert_eq!(
            authenticate(&d, None, Some(&header("bob:pa:ss wörd")), 0),
            Err(Error::WrongCredentials)
        );
        let ntlm = HeaderValue::from_static(
            "NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==",
        );
        assert_eq!(
            authenticate(&d, None, Some(&ntlm), 0),
            Err(Error::MissingCredentials)
        );
    }

    #[test]
    fn refuses_malformed_headers_without_panicking() {
        let d = directory();
        for raw in [
            &b"Basic"[..],
            b"Basic !!!not base64!!!",
            b"Basic bm8gY29sb24=",
            b"Basic //79",
            b"",
            b"   ",
            b"Basic \xff\xfe",
        ] {
            let Ok(value) = HeaderValue::from_bytes(raw) else {
                continue;
            };
            assert!(authenticate(&d, None, Some(&value), 0).is_err(), "{raw:?}");
        }
        let huge = HeaderValue::from_str(&format!("Basic {}", "A".repeat(100_000))).unwrap();
        assert_eq!(
            authenticate(&d, None, Some(&huge), 0),
            Err(Error::WrongCredentials)
        );
    }

    #[test]
    fn the_offer_is_basic_alone_with_its_realm() {
        assert_eq!(
            challenges("127.0.0.1", None, None),
            ["Basic realm=\"127.0.0.1\""]
        );
    }

    #[test]
    fn a_bearer_header_without_trust_is_no_credential() {
        let bearer = HeaderValue::from_static("Bearer eyJhbGciOiJSUzI1NiJ9.e30.c2ln");
        assert_eq!(
            authenticate(&directory(), None, Some(&bearer), 0),
            Err(Error::MissingCredentials)
        );
    }

    #[test]
    fn only_app_tokens_impersonate_and_only_mailboxes_that_exist() {
        let mut d = directory();
        d.users.push(User {
            login: "CONTOSO\\bob".into(),
            password: SecretString::from("unused"),
            smtp: "bob@contoso.test".into(),
        });
        let bob = Impersonation::Smtp("BOB@contoso.test".into());
        let app = Principal::App {
            app_id: "app-1".into(),
        };
        let (record, acting) = act(&d, &app, Some(&bob));
        assert_eq!(acting, Ok(1));
        assert_eq!(record.impersonated(), Some("bob@contoso.test"));
        let by_login = Impersonation::PrincipalName("contoso\\BOB".into());
        assert_eq!(act(&d, &app, Some(&by_login)).1, Ok(1));
        let by_upn = Impersonation::PrincipalName("bob@contoso.test".into());
        assert_eq!(act(&d, &app, Some(&by_upn)).1, Ok(1));
        let (record, acting) = act(&d, &app, None);
        assert_eq!(acting, Err(Error::ImpersonationRequired));
        assert_eq!(
            record,
            Authentication::AppToken {
                app_id: "app-1".into(),
                impersonated: None
            }
        );
        for unknown in [
            Impersonation::Smtp("carol@contoso.test".into()),
            Impersonation::PrincipalName("carol".into()),
            Impersonation::Sid("S-1-5-21-1-2-3-1104".into()),
        ] {
            assert_eq!(
                act(&d, &app, Some(&unknown)).1,
                Err(Error::NonExistentMailbox(unknown.value().to_owned()))
            );
        }
        for user in [
            Principal::Basic(0),
            Principal::FrontEnd(0),
            Principal::Delegated(0),
        ] {
            assert_eq!(act(&d, &user, None).1, Ok(0));
            assert_eq!(
                act(&d, &user, Some(&bob)).1,
                Err(Error::ImpersonationDenied)
            );
        }
        assert_eq!(
            act(&d, &Principal::Delegated(1), None).0,
            Authentication::DelegatedToken {
                smtp: "bob@contoso.test".into()
            }
        );
        assert_eq!(
            act(&d, &Principal::Basic(1), None).0,
            Authentication::Basic {
                login: "CONTOSO\\bob".into()
            }
        );
    }
}
