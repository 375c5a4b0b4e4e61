//! HTTP Basic authentication as Exchange's IIS front end performs it.

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use http::HeaderValue;
use secrecy::{ExposeSecret as _, SecretString};

use crate::error::Error;
use crate::store::Directory;

/// The longest `Authorization` header the fake decodes.
const MAX_HEADER: usize = 4096;

/// The `WWW-Authenticate` challenges of a 401: Basic alone, the one scheme the fake checks. A
/// client that picks its scheme from the offer must find only what will work (behind Apache,
/// Apache makes the offer).
pub(crate) fn challenges(realm: &str) -> [String; 1] {
    [format!("Basic realm=\"{realm}\"")]
}

/// The user the `Authorization` header authenticates.
pub(crate) fn authenticate(
    directory: &Directory,
    header: Option<&HeaderValue>,
) -> Result<usize, Error> {
    let (login, password) = basic_credentials(header)?;
    directory
        .authenticate(&login, password.expose_secret())
        .ok_or(Error::WrongCredentials)
}

/// The user an authenticating front end named in its request header: a configured login name,
/// or its part before `@` (Kerberos names the user `alice@REALM`, NTLM `alice`).
pub(crate) fn front_end_user(
    directory: &Directory,
    header: Option<&HeaderValue>,
) -> Result<usize, Error> {
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
            authenticate(&d, Some(&header("CONTOSO\\alice:pa:ss wörd"))),
            Ok(0)
        );
        assert_eq!(
            authenticate(&d, Some(&header("contoso\\ALICE:pa:ss wörd"))),
            Ok(0)
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
        assert_eq!(named("contoso\\ALICE"), Ok(0));
        assert_eq!(named("bob"), Ok(1));
        assert_eq!(named("bob@EXAMPLE.TEST"), Ok(1));
        assert_eq!(named("carol@EXAMPLE.TEST"), Err(Error::WrongCredentials));
        assert_eq!(named("  "), Err(Error::MissingCredentials));
        assert_eq!(front_end_user(&d, None), Err(Error::MissingCredentials));
        let long = "b".repeat(MAX_HEADER + 1);
        assert_eq!(named(&long), Err(Error::MissingCredentials));
    }

    #[test]
    fn refuses_wrong_or_missing_credentials() {
        let d = directory();
        assert_eq!(authenticate(&d, None), Err(Error::MissingCredentials));
        assert_eq!(
            authenticate(&d, Some(&header("CONTOSO\\alice:wrong"))),
            Err(Error::WrongCredentials)
        );
        assert_eq!(
            authenticate(&d, Some(&header("bob:pa:ss wörd"))),
            Err(Error::WrongCredentials)
        );
        let ntlm = HeaderValue::from_static(
            "NTLM TlRMTVNTUAABAAAAB4IIogAAAAAAAAAAAAAAAAAAAAAGAbEdAAAADw==",
        );
        assert_eq!(
            authenticate(&d, Some(&ntlm)),
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
            assert!(authenticate(&d, Some(&value)).is_err(), "{raw:?}");
        }
        let huge = HeaderValue::from_str(&format!("Basic {}", "A".repeat(100_000))).unwrap();
        assert_eq!(authenticate(&d, Some(&huge)), Err(Error::WrongCredentials));
    }

    #[test]
    fn the_offer_is_basic_alone_with_its_realm() {
        assert_eq!(challenges("127.0.0.1"), ["Basic realm=\"127.0.0.1\""]);
    }
}
