use secrecy::SecretString;

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
