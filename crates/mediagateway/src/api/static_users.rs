//! Static users (the admin's "additional users") and the user switch: whose login a user call
//! uses.
//!
//! A static user's login is a vault record of its own (`RecordId::static_user`), sealed like
//! every account; the data source's record names its static users and the portal user each is
//! mapped to, so a call's switch is resolved from the cached data source without a scan.
//!
//! The rule: a call with a data source's portal key acts as the calling portal user's own
//! account, or as one of that data source's static users, by name or through the portal user
//! it is mapped to. It never reaches another portal user's own account.

use mediagateway_api::{
    check_static_user_name, ActAs, ApiError, Authentication, ExchangeCheck, StaticUser,
    StaticUserInfo, StaticUserRef, UserCall, MAX_STATIC_USERS,
};
use mediagateway_vault::{Account, RecordId, Secret};
use secrecy::ExposeSecret as _;

use crate::audit;
use crate::backend::MailboxAccess;
use crate::gateway::storage;
use crate::registry::DataSource;
use crate::{validate, Gateway};

impl Gateway {
    pub(crate) fn put_static(&self, user: &StaticUser) -> Result<(), ApiError> {
        check_static_user_name(&user.name)?;
        validate::name("static user's Exchange user name", &user.user_name)?;
        if let Some(mailbox) = &user.mailbox {
            validate::name("static user's mailbox", mailbox)?;
        }
        let source = self.data_sources.get(&self.vault, &user.data_source)?;
        // An OAuth2 data source reaches its static users app-only, by impersonating their
        // mailboxes: they hold no password.
        let secret = if source.config.authentication == Authentication::OAuth2 {
            if !user.password.expose_secret().is_empty() {
                return Err(ApiError::invalid(
                    "a static user of an OAuth2 data source holds no password: it is reached \
                     app-only, by impersonation",
                ));
            }
            Secret::None
        } else {
            validate::password("static user's password", &user.password)?;
            Secret::Password(user.password.clone())
        };
        let server_url = match &user.server_url {
            Some(url) => {
                validate::server_url(url)?;
                url.clone()
            }
            None => source.config.service_account.ews_url.clone(),
        };
        self.allowed_url(&server_url)?;
        let replaced = source.static_users.contains_key(&user.name);
        if !replaced && source.static_users.len() >= MAX_STATIC_USERS {
            return Err(ApiError::LimitExceeded {
                what: format!("at most {MAX_STATIC_USERS} static users per data source"),
            });
        }
        if let Some(portal_user) = user.portal_user {
            if let Some(other) = source
                .static_user_for(portal_user)
                .filter(|other| *other != user.name)
            {
                return Err(ApiError::invalid(format!(
                    "portal user {portal_user} is mapped to static user {other:?} already"
                )));
            }
        }
        let id = RecordId::static_user(user.data_source.clone(), &user.name);
        // A replaced login is forgotten by the backend, as a changed password is.
        let before = self.vault.details(&id).map_err(storage)?;
        let mut account = Account::new(user.user_name.clone(), server_url, secret);
        account.mailbox = Some(
            user.mailbox
                .clone()
                .unwrap_or_else(|| user.user_name.clone()),
        );
        self.vault.put(&id, &account).map_err(storage)?;
        let mut updated = DataSource::clone(&source);
        updated
            .static_users
            .insert(user.name.clone(), user.portal_user);
        self.data_sources.put(&self.vault, updated)?;
        self.forget(before.iter());
        audit::config_changed(&user.data_source, &["static_users"]);
        Ok(())
    }

    pub(crate) fn list_static(&self, data_source: &str) -> Result<Vec<StaticUserInfo>, ApiError> {
        validate::name("data source name", data_source)?;
        let source = self.data_sources.get(&self.vault, data_source)?;
        let mut users = Vec::new();
        for (name, portal_user) in &source.static_users {
            let id = RecordId::static_user(data_source.to_owned(), name);
            // One removed meanwhile by another gateway is left out.
            if let Some(account) = self.vault.details(&id).map_err(storage)? {
                users.push(StaticUserInfo {
                    name: name.clone(),
                    portal_user: *portal_user,
                    mailbox: account
                        .mailbox
                        .clone()
                        .unwrap_or_else(|| account.user_name.clone()),
                    user_name: account.user_name,
                    server_url: account.server_url,
                });
            }
        }
        Ok(users)
    }

    pub(crate) fn remove_static(&self, user: &StaticUserRef) -> Result<bool, ApiError> {
        check_static_user_name(&user.name)?;
        let source = self.data_sources.get(&self.vault, &user.data_source)?;
        let listed = source.static_users.contains_key(&user.name);
        if listed {
            let mut updated = DataSource::clone(&source);
            updated.static_users.remove(&user.name);
            self.data_sources.put(&self.vault, updated)?;
            audit::config_changed(&user.data_source, &["static_users"]);
        }
        let id = RecordId::static_user(user.data_source.clone(), &user.name);
        let removed = self.remove_accounts(&id)?;
        Ok(listed || removed)
    }

    pub(crate) async fn test_static(
        &self,
        user: &StaticUserRef,
    ) -> Result<ExchangeCheck, ApiError> {
        check_static_user_name(&user.name)?;
        let source = self.data_sources.get(&self.vault, &user.data_source)?;
        let access = self.static_access(&source, &user.name)?;
        let server_version = self.backend.check(&access).await?;
        Ok(ExchangeCheck {
            server_version,
            mailbox: access.mailbox,
        })
    }

    /// The static user a call switches to, if it switches: its name, once the data source
    /// has such a static user (or one mapped to the portal user named).
    pub(crate) fn switched_to<'s>(
        source: &'s DataSource,
        call: &UserCall,
    ) -> Result<Option<&'s str>, ApiError> {
        let refused = |what: String| ApiError::PermissionDenied { what };
        match &call.act_as {
            ActAs::Own => Ok(None),
            ActAs::StaticUser(name) => source
                .static_users
                .get_key_value(name.as_str())
                .map(|(name, _)| Some(name.as_str()))
                .ok_or_else(|| {
                    refused(format!(
                        "data source {:?} has no static user {name:?} to act as",
                        call.data_source
                    ))
                }),
            ActAs::MappedUser(portal_user) => source
                .static_user_for(*portal_user)
                .map(Some)
                .ok_or_else(|| {
                    refused(format!(
                        "no static user of data source {:?} is mapped to portal user \
                         {portal_user}",
                        call.data_source
                    ))
                }),
        }
    }

    /// The mailbox access of static user `name` of `source`.
    pub(crate) fn static_access(
        &self,
        source: &DataSource,
        name: &str,
    ) -> Result<MailboxAccess, ApiError> {
        let config = &source.config;
        if !source.static_users.contains_key(name) {
            return Err(ApiError::invalid(format!(
                "data source {:?} has no static user {name:?}",
                config.name
            )));
        }
        let id = RecordId::static_user(config.name.clone(), name);
        let account = self
            .vault
            .get(&id)
            .map_err(storage)?
            .ok_or_else(|| ApiError::Storage {
                detail: format!("static user {name:?} has no stored login"),
            })?;
        self.account_access(config, &account, &id)
    }
}
