//! The sessions area: portal users log in and out.

use std::time::Instant;

use async_trait::async_trait;
use chrono::Utc;
use mediagateway_api::{
    ActAs, ApiError, Authentication, ErrorKind, Login, LoginOutcome, OAuthAuthorization,
    OAuthLoginFinish, OAuthLoginStart, SessionApi, UserCall,
};
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
        own_only(call)?;
        let config = &source.config;
        if config.authentication == Authentication::OAuth2 {
            return Err(ApiError::invalid(format!(
                "data source {:?} signs users in with OAuth2 (begin_oauth_login), not with a \
                 password",
                config.name
            )));
        }
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
            authentication: config.authentication,
            user_name: login.user_name.clone(),
            password: login.password.clone(),
            mailbox: mailbox.clone(),
            time_zone: config.time_zone.clone(),
            oauth: None,
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
        let stored = self
            .accounts(config)
            .put(&user_record(call), account)
            .map_err(storage)?;
        audit::login_succeeded(&call.data_source, call.portal_user, &login.user_name);
        Ok(LoginOutcome { stored, mailbox })
    }

    async fn logout(&self, call: &UserCall) -> Result<bool, ApiError> {
        self.authorize_user(call)?;
        own_only(call)?;
        self.remove_accounts(&user_record(call))
    }

    async fn begin_oauth_login(
        &self,
        call: &UserCall,
        start: &OAuthLoginStart,
    ) -> Result<OAuthAuthorization, ApiError> {
        own_only(call)?;
        self.begin_sign_in(call, start)
    }

    async fn finish_oauth_login(
        &self,
        call: &UserCall,
        finish: &OAuthLoginFinish,
    ) -> Result<LoginOutcome, ApiError> {
        own_only(call)?;
        self.finish_sign_in(call, finish).await
    }
}

/// Logins and logouts are the portal user's own: a static user's login is the admin's.
fn own_only(call: &UserCall) -> Result<(), ApiError> {
    if call.act_as == ActAs::Own {
        Ok(())
    } else {
        Err(ApiError::invalid(
            "a login or logout is the portal user's own; it cannot act as a static user",
        ))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use std::sync::{Arc, Mutex};

    use mediagateway_api::{
        Authentication, DataSourceConfig, ExchangeGeneration, PortalKey, ServiceAccount, UserRef,
    };
    use secrecy::SecretString;
    use uuid::Uuid;

    use super::*;
    use crate::backend::{CalendarBackend, MailboxBackend, MailboxLogin};
    use crate::config::GatewayConfig;
    use crate::portal_keys::PortalKeys;
    use crate::registry::DataSource;
    use crate::Limits;

    const EWS: &str = "https://mail.contoso.test/EWS/Exchange.asmx";

    /// Accepts every login and records the user names of the logins it is told to forget.
    #[derive(Default)]
    struct Recording {
        forgotten: Arc<Mutex<Vec<String>>>,
    }

    #[async_trait]
    impl MailboxBackend for Recording {
        async fn check(&self, _: &MailboxAccess) -> Result<Option<String>, ApiError> {
            Ok(None)
        }

        fn forget(&self, login: &MailboxLogin) {
            assert_eq!(login.server_url, EWS);
            self.forgotten.lock().unwrap().push(login.user_name.clone());
        }
    }

    /// Keeps no records: the defaults answer `NotSupported`.
    impl crate::TablesBackend for Recording {}
    impl crate::DirectoryBackend for Recording {}

    impl CalendarBackend for Recording {}

    pub(crate) fn add_data_source(gateway: &Gateway, name: &str, session_based: bool) -> PortalKey {
        let (key, keys) = PortalKeys::issue().unwrap();
        let config = DataSourceConfig {
            name: name.to_owned(),
            exchange_generation: ExchangeGeneration::Exchange2010To2019,
            authentication: Authentication::UserNamePassword,
            service_account: ServiceAccount::new(
                "svc@contoso.test",
                SecretString::from("service-password"),
                EWS,
            ),
            session_based,
            time_zone: "UTC".to_owned(),
            oauth: None,
        };
        gateway
            .data_sources
            .put(&gateway.vault, DataSource::new(config, keys))
            .unwrap();
        key
    }

    pub(crate) fn login_as(user_name: &str) -> Login {
        Login {
            user_name: user_name.to_owned(),
            password: SecretString::from("password"),
            mailbox: None,
        }
    }

    #[tokio::test]
    async fn logins_are_forgotten_at_logout_reset_and_eviction() {
        let dir = tempfile::tempdir().unwrap();
        let limits = Limits {
            max_sessions_per_data_source: 2,
            ..Limits::default()
        };
        let config = GatewayConfig::in_dir(dir.path())
            .with_rsa_bits(2048)
            .with_limits(limits);
        let backend = Recording::default();
        let forgotten = backend.forgotten.clone();
        let gateway = Gateway::open_with_backend(&config, Box::new(backend)).unwrap();
        let heard = || forgotten.lock().unwrap().clone();

        let s_key = add_data_source(&gateway, "S", true);
        let calls: Vec<UserCall> = (0..3)
            .map(|_| UserCall::new(s_key.clone(), "S", Uuid::new_v4()))
            .collect();
        for (call, user) in calls.iter().zip(["a", "b", "c"]) {
            gateway.login(call, &login_as(user)).await.unwrap();
        }
        assert_eq!(heard(), ["a"], "the third login evicted the first");
        assert!(gateway.logout(&calls[1]).await.unwrap());
        assert_eq!(heard(), ["a", "b"]);
        assert!(!gateway.logout(&calls[1]).await.unwrap());
        assert_eq!(heard(), ["a", "b"], "nothing left to forget");
        let c = UserRef::new("S", calls[2].portal_user);
        assert!(gateway.reset_known_user(&c).unwrap());
        assert_eq!(heard(), ["a", "b", "c"]);

        let key = add_data_source(&gateway, "V", false);
        let (d, e) = (
            UserCall::new(key.clone(), "V", Uuid::new_v4()),
            UserCall::new(key, "V", Uuid::new_v4()),
        );
        gateway.login(&d, &login_as("d")).await.unwrap();
        gateway.login(&e, &login_as("e")).await.unwrap();
        let f = UserCall::new(s_key, "S", Uuid::new_v4());
        gateway.login(&f, &login_as("f")).await.unwrap();
        assert!(gateway.logout(&d).await.unwrap());
        assert_eq!(gateway.reset_known_users("V").unwrap(), 1);
        assert_eq!(gateway.reset_known_users("S").unwrap(), 1);
        assert_eq!(heard(), ["a", "b", "c", "d", "e", "f"]);
    }
}
