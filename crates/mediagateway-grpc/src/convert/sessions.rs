//! The sessions area's messages.

use mediagateway_api::{
    ApiError, Login, LoginOutcome, OAuthAuthorization, OAuthLoginFinish, OAuthLoginStart,
};
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

impl From<&OAuthLoginStart> for proto::OAuthLoginStart {
    fn from(start: &OAuthLoginStart) -> Self {
        Self {
            login_hint: start.login_hint.clone().unwrap_or_default(),
        }
    }
}

impl TryFrom<proto::OAuthLoginStart> for OAuthLoginStart {
    type Error = ApiError;

    fn try_from(start: proto::OAuthLoginStart) -> Result<Self, ApiError> {
        Ok(Self {
            login_hint: Some(start.login_hint).filter(|h| !h.is_empty()),
        })
    }
}

same_fields! {
    OAuthAuthorization => proto::OAuthAuthorization { authorization_url }
}

impl From<&OAuthLoginFinish> for proto::OAuthLoginFinish {
    fn from(finish: &OAuthLoginFinish) -> Self {
        Self {
            code: finish.code.expose_secret().to_owned(),
            state: finish.state.clone(),
        }
    }
}

impl TryFrom<proto::OAuthLoginFinish> for OAuthLoginFinish {
    type Error = ApiError;

    fn try_from(finish: proto::OAuthLoginFinish) -> Result<Self, ApiError> {
        Ok(Self {
            code: SecretString::from(finish.code),
            state: finish.state,
        })
    }
}
