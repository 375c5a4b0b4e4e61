//! The admin area: status, data-source configuration, portal keys, connection tests and the
//! known users (in `known_users`).

use async_trait::async_trait;
use chrono::Utc;
use mediagateway_api::{
    AdminApi, AdminCall, ApiError, DataSourceConfig, DataSourceConfigured, DataSourceInfo,
    ExchangeCheck, GatewayPassword, GatewayStatus, KeyRotation, KnownUser, PortalKey, StaticUser,
    StaticUserInfo, StaticUserRef, UserPage, UserQuery, UserRef,
};

use secrecy::ExposeSecret;

use crate::audit;
use crate::portal_keys::PortalKeys;
use crate::registry::{DataSource, DataSources};
use crate::{validate, Gateway};

/// The names of the settings that differ, never their values.
fn changed_fields(old: &DataSourceConfig, new: &DataSourceConfig) -> Vec<&'static str> {
    let (a, b) = (&old.service_account, &new.service_account);
    [
        (
            "exchange_generation",
            old.exchange_generation != new.exchange_generation,
        ),
        ("authentication", old.authentication != new.authentication),
        ("service_account.user_name", a.user_name != b.user_name),
        (
            "service_account.password",
            a.password.expose_secret() != b.password.expose_secret(),
        ),
        ("service_account.ews_url", a.ews_url != b.ews_url),
        ("session_based", old.session_based != new.session_based),
        ("time_zone", old.time_zone != new.time_zone),
    ]
    .into_iter()
    .filter_map(|(name, changed)| changed.then_some(name))
    .collect()
}

/// The host of an EWS URL, for telling an operator what changed.
fn host(url: &str) -> String {
    url::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(str::to_owned))
        .unwrap_or_else(|| url.to_owned())
}

/// What the admin sees of a data source.
fn info(source: &DataSource) -> DataSourceInfo {
    let until = source
        .keys
        .previous
        .map(|(_, until)| until)
        .filter(|until| *until > Utc::now());
    DataSourceInfo::of(&source.config, until)
}

#[async_trait]
impl AdminApi for Gateway {
    async fn status(&self, call: &AdminCall) -> Result<GatewayStatus, ApiError> {
        self.authorize_admin(call).await?;
        Ok(GatewayStatus {
            gateway_version: env!("CARGO_PKG_VERSION").to_owned(),
            default_password: self.admin.is_default(),
            data_sources: u32::try_from(self.data_sources.len()).unwrap_or(u32::MAX),
        })
    }

    async fn configure_data_source(
        &self,
        call: &AdminCall,
        config: &DataSourceConfig,
    ) -> Result<DataSourceConfigured, ApiError> {
        self.authorize_admin(call).await?;
        validate::data_source(config)?;
        self.allowed_url(&config.service_account.ews_url)?;
        let existing = self.data_sources.find(&self.vault, &config.name)?;
        if existing.is_none() {
            let configured = DataSources::names(&self.vault)?.len();
            self.limits.another_data_source(configured)?;
        }
        let (portal_key, keys, static_users) = match &existing {
            Some(source) => (None, source.keys.clone(), source.static_users.clone()),
            None => {
                let (key, keys) = PortalKeys::issue()?;
                (Some(key), keys, Default::default())
            }
        };
        let new_url = &config.service_account.ews_url;
        let previous_ews_host = existing
            .as_ref()
            .map(|source| host(&source.config.service_account.ews_url))
            .filter(|old| *old != host(new_url));
        self.data_sources.put(
            &self.vault,
            DataSource {
                config: config.clone(),
                keys,
                static_users,
            },
        )?;
        if let Some(old) = &previous_ews_host {
            audit::ews_host_changed(&config.name, old, &host(new_url));
        }
        let changed = match &existing {
            Some(source) => changed_fields(&source.config, config),
            None => vec!["created"],
        };
        if !changed.is_empty() {
            audit::config_changed(&config.name, &changed);
        }
        Ok(DataSourceConfigured {
            portal_key,
            previous_ews_host,
        })
    }

    async fn list_data_sources(&self, call: &AdminCall) -> Result<Vec<DataSourceInfo>, ApiError> {
        self.authorize_admin(call).await?;
        let mut sources = Vec::new();
        for name in DataSources::names(&self.vault)? {
            // One deleted meanwhile by another gateway is left out.
            if let Some(source) = self.data_sources.find(&self.vault, &name)? {
                sources.push(info(&source));
            }
        }
        Ok(sources)
    }

    async fn get_data_source(
        &self,
        call: &AdminCall,
        data_source: &str,
    ) -> Result<DataSourceInfo, ApiError> {
        self.authorize_admin(call).await?;
        validate::name("data source name", data_source)?;
        let source = self.data_sources.get(&self.vault, data_source)?;
        Ok(info(&source))
    }

    async fn delete_data_source(
        &self,
        call: &AdminCall,
        data_source: &str,
    ) -> Result<u32, ApiError> {
        self.authorize_admin(call).await?;
        validate::name("data source name", data_source)?;
        self.data_sources.get(&self.vault, data_source)?;
        // The service account record goes with the others: the data source is gone for every
        // gateway sharing the store once their copy is older than the registry's refresh.
        let (accounts, _) =
            self.remove_all_accounts(data_source, |vault| vault.delete_data_source(data_source))?;
        self.data_sources.forget(data_source);
        audit::data_source_deleted(data_source, accounts);
        Ok(u32::try_from(accounts).unwrap_or(u32::MAX))
    }

    async fn rotate_portal_key(
        &self,
        call: &AdminCall,
        rotation: &KeyRotation,
    ) -> Result<PortalKey, ApiError> {
        self.authorize_admin(call).await?;
        if rotation.grace > KeyRotation::MAX_GRACE {
            return Err(ApiError::invalid(format!(
                "a grace period longer than {} s",
                KeyRotation::MAX_GRACE.as_secs()
            )));
        }
        let source = self.data_sources.get(&self.vault, &rotation.data_source)?;
        let grace = chrono::Duration::from_std(rotation.grace)
            .map_err(|_| ApiError::invalid("the grace period is out of range"))?;
        let (key, keys) = source.keys.rotate(Utc::now() + grace)?;
        self.data_sources.put(
            &self.vault,
            DataSource {
                config: source.config.clone(),
                keys,
                static_users: source.static_users.clone(),
            },
        )?;
        audit::portal_key_rotated(&rotation.data_source, rotation.grace);
        Ok(key)
    }

    async fn test_exchange_account(
        &self,
        call: &AdminCall,
        data_source: &str,
    ) -> Result<ExchangeCheck, ApiError> {
        self.authorize_admin(call).await?;
        let source = self.data_sources.get(&self.vault, data_source)?;
        let access = self.service_access(&source.config)?;
        let server_version = self.backend.check(&access).await?;
        Ok(ExchangeCheck {
            server_version,
            mailbox: access.mailbox,
        })
    }

    async fn change_password(
        &self,
        call: &AdminCall,
        new_password: &GatewayPassword,
    ) -> Result<(), ApiError> {
        self.authorize_admin(call).await?;
        self.admin.change(new_password.secret())?;
        audit::gateway_password_changed(call.peer);
        Ok(())
    }

    async fn list_users(&self, call: &AdminCall, query: &UserQuery) -> Result<UserPage, ApiError> {
        self.authorize_admin(call).await?;
        self.list_known_users(query)
    }

    async fn user_details(&self, call: &AdminCall, user: &UserRef) -> Result<KnownUser, ApiError> {
        self.authorize_admin(call).await?;
        self.known_user(user)
    }

    async fn put_static_user(&self, call: &AdminCall, user: &StaticUser) -> Result<(), ApiError> {
        self.authorize_admin(call).await?;
        self.put_static(user)
    }

    async fn list_static_users(
        &self,
        call: &AdminCall,
        data_source: &str,
    ) -> Result<Vec<StaticUserInfo>, ApiError> {
        self.authorize_admin(call).await?;
        self.list_static(data_source)
    }

    async fn remove_static_user(
        &self,
        call: &AdminCall,
        user: &StaticUserRef,
    ) -> Result<bool, ApiError> {
        self.authorize_admin(call).await?;
        self.remove_static(user)
    }

    async fn test_static_user(
        &self,
        call: &AdminCall,
        user: &StaticUserRef,
    ) -> Result<ExchangeCheck, ApiError> {
        self.authorize_admin(call).await?;
        self.test_static(user).await
    }

    async fn reset_user(&self, call: &AdminCall, user: &UserRef) -> Result<bool, ApiError> {
        self.authorize_admin(call).await?;
        self.reset_known_user(user)
    }

    async fn reset_all_users(&self, call: &AdminCall, data_source: &str) -> Result<u32, ApiError> {
        self.authorize_admin(call).await?;
        self.reset_known_users(data_source)
    }
}
