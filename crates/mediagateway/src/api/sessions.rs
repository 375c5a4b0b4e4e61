//! The sessions area: portal users log in and out.

use std::time::Instant;

use async_trait::async_trait;
use chrono::Utc;
use mediagateway_api::{ApiError, ErrorKind, Login, LoginOutcome, SessionApi, UserCall};
use mediagateway_vault::{Account, Secret};

use crate::audit;
use crate::backend::MailboxAccess;
use crate::fingerprint::access_fingerprint;
use crate::gateway::{storage, user_record, LoginKey};
use crate::{validate, Gateway};

#[async_trait]
impl SessionApi for Gateway {
    async fn login(&self, call: &UserCall, login: &Login) -> Result<LoginOutcome, ApiError> {
        let source = self.authorize_user(call)?;
        let config = &source.config;
        validate::name("user name", &login.user_name)?;
        validate::password("password", &login.password)?;
        let mailbox = match &login.mailbox {
            Some(mailbox) => {
                validate::name("mailbox", mailbox)?;
                mailbox.clone()
            }
            None => login.user_name.clone(),
        };
        let server_url = &config.service_account.ews_url;
        self.allowed_url(server_url)?;
        let access = MailboxAccess {
            server_url: server_url.clone(),
            generation: config.exchange_generation,
            user_name: login.user_name.clone(),
            password: login.password.clone(),
            mailbox: mailbox.clone(),
        };
        // Failed logins are counted per portal user and per Exchange user name, so the gateway
        // cannot be used to guess Exchange passwords or to lock directory accounts out.
        let keys = [
            LoginKey::PortalUser(call.data_source.clone(), call.portal_user),
            LoginKey::ExchangeUser(call.data_source.clone(), login.user_name.to_lowercase()),
        ];
        let now = Instant::now();
        for key in &keys {
            if let Err(retry) = self.failed_logins.check(key, now) {
                audit::login_failed(
                    &call.data_source,
                    call.portal_user,
                    &login.user_name,
                    ErrorKind::TooManyAttempts,
                );
                return Err(ApiError::TooManyAttempts {
                    retry_after: retry.duration(),
                });
            }
        }
        // Nothing is kept unless Exchange accepts the login data.
        if let Err(error) = self.backend.check(&access).await {
            audit::login_failed(
                &call.data_source,
                call.portal_user,
                &login.user_name,
                error.kind(),
            );
            if matches!(error, ApiError::ExchangeLoginRefused { .. }) {
                for key in &keys {
                    self.failed_logins.failure(key, Instant::now());
                }
            }
            return Err(error);
        }
        for key in &keys {
            self.failed_logins.success(key);
        }
        let mut account = Account::new(
            login.user_name.clone(),
            server_url.clone(),
            Secret::Password(login.password.clone()),
        );
        account.mailbox = Some(mailbox.clone());
        account.fingerprint = Some(access_fingerprint(server_url, &login.user_name, &mailbox));
        account.last_used = Some(Utc::now());
        let id = user_record(call);
        let stored = if config.session_based {
            self.sessions
                .put(&id, account, self.session_ttl)
                .map_err(storage)?;
            false
        } else {
            self.vault.put(&id, &account).map_err(storage)?;
            true
        };
        audit::login_succeeded(&call.data_source, call.portal_user, &login.user_name);
        Ok(LoginOutcome { stored, mailbox })
    }

    async fn logout(&self, call: &UserCall) -> Result<bool, ApiError> {
        self.authorize_user(call)?;
        let id = user_record(call);
        let in_session = self.sessions.remove(&id);
        let in_vault = self.vault.delete(&id).map_err(storage)?;
        Ok(in_session || in_vault)
    }
}
