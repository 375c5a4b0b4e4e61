use secrecy::SecretString;

use crate::AuthError;

/// A user name and password, as typed into the login box.
///
/// `Debug` shows the user name and redacts the password.
#[derive(Debug, Clone)]
pub struct UserCredentials {
    user: String,
    password: SecretString,
}

impl UserCredentials {
    /// Credentials of `user` (`alice@contoso.com`, `CONTOSO\alice` or `alice`).
    pub fn new(user: impl Into<String>, password: SecretString) -> Self {
        Self {
            user: user.into(),
            password,
        }
    }

    /// The user name.
    pub fn user(&self) -> &str {
        &self.user
    }

    /// The password; expose it only where it is sent.
    pub fn password(&self) -> &SecretString {
        &self.password
    }
}

/// The forms a user name takes, as NTLM and Kerberos read them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum UserName<'a> {
    /// `DOMAIN\user`: NTLM's down-level logon name; names no Kerberos principal.
    DownLevel {
        /// The NetBIOS domain.
        domain: &'a str,
        /// The user within it.
        user: &'a str,
    },
    /// `user@domain` (a UPN) or `user@REALM` (a Kerberos principal).
    Principal {
        /// The part before the last `@`.
        user: &'a str,
        /// The part after it.
        realm: &'a str,
    },
    /// A bare `user`: the server's (or `krb5.conf`'s) own domain applies.
    Plain(&'a str),
}

impl<'a> UserName<'a> {
    /// Reads `name`, refusing empty names, control characters and forms with an empty part.
    pub(crate) fn parse(name: &'a str) -> Result<Self, AuthError> {
        let invalid = |reason| Err(AuthError::InvalidCredentials { reason });
        if name.is_empty() {
            return invalid("the user name is empty");
        }
        if name.chars().any(char::is_control) {
            return invalid("the user name contains control characters");
        }
        if let Some((domain, user)) = name.split_once('\\') {
            if domain.is_empty() || user.is_empty() || user.contains('\\') {
                return invalid(
                    "a DOMAIN\\user name needs one backslash between two non-empty parts",
                );
            }
            return Ok(Self::DownLevel { domain, user });
        }
        match name.rsplit_once('@') {
            Some((user, realm)) if !user.is_empty() && !realm.is_empty() => {
                Ok(Self::Principal { user, realm })
            }
            Some(_) => invalid("a user@domain name needs a non-empty user and domain"),
            None => Ok(Self::Plain(name)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn user_name_forms() {
        assert_eq!(
            UserName::parse("CONTOSO\\alice").unwrap(),
            UserName::DownLevel {
                domain: "CONTOSO",
                user: "alice"
            }
        );
        assert_eq!(
            UserName::parse("alice@contoso.com").unwrap(),
            UserName::Principal {
                user: "alice",
                realm: "contoso.com"
            }
        );
        // The realm follows the last `@`.
        assert_eq!(
            UserName::parse("a@b@EXAMPLE.TEST").unwrap(),
            UserName::Principal {
                user: "a@b",
                realm: "EXAMPLE.TEST"
            }
        );
        assert_eq!(UserName::parse("alice").unwrap(), UserName::Plain("alice"));
    }

    #[test]
    fn malformed_user_names_are_refused() {
        for bad in [
            "",
            "\\alice",
            "CONTOSO\\",
            "a\\b\\c",
            "\\",
            "alice@",
            "@contoso.com",
            "@",
            "ali\nce",
            "al\0ice",
            "alice\u{7f}",
        ] {
            assert!(
                matches!(
                    UserName::parse(bad),
                    Err(AuthError::InvalidCredentials { .. })
                ),
                "{bad:?}"
            );
        }
    }
}
