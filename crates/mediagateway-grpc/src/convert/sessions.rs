//! The sessions area's messages.

use mediagateway_api::{ApiError, Login, LoginOutcome};
use secrecy::{ExposeSecret, SecretString};

use crate::proto;

impl From<&Login> for proto::Login {
    fn from(login: &Login) -> Self {
        Self {
            user_name: login.user_name.clone(),
            password: login.password.expose_secret().to_owned(),
            mailbox: login.mailbox.clone().unwrap_or_default(),
        }
    }
}

impl TryFrom<proto::Login> for Login {
    type Error = ApiError;

    fn try_from(login: proto::Login) -> Result<Self, ApiError> {
        Ok(Self {
            user_name: login.user_name,
            password: SecretString::from(login.password),
            mailbox: Some(login.mailbox).filter(|m| !m.is_empty()),
        })
    }
}

same_fields! {
    LoginOutcome => proto::LoginOutcome { stored, mailbox }
}

impl From<bool> for proto::LogoutReply {
    fn from(was_logged_in: bool) -> Self {
        Self { was_logged_in }
    }
}

impl TryFrom<proto::LogoutReply> for bool {
    type Error = ApiError;

    fn try_from(reply: proto::LogoutReply) -> Result<Self, ApiError> {
        Ok(reply.was_logged_in)
    }
}
