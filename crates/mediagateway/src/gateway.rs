//! The gateway: data sources, accounts and the mailbox backend, behind the API's areas.

use std::path::Path;
use std::time::Duration;

use mediagateway_api::{ApiError, DataSourceConfig, GatewayPassword, UserCall};
use mediagateway_vault::{
    ensure_private_dir, RecordId, Secret, SessionAccounts, Vault, VaultError, VaultOptions,
};

use crate::admin_password::AdminPassword;
use crate::backend::{EwsBackend, MailboxAccess, MailboxBackend};
use crate::config::GatewayConfig;
use crate::registry::DataSources;
use crate::startup_error::StartupError;

/// The MediaGateway: data sources, accounts and the calls a portal makes.
///
/// It implements every area of the API itself (see the `api` module), so a portal in the same
/// process uses it directly as a [`GatewayApi`](mediagateway_api::GatewayApi); the gRPC server
/// serves it to portals elsewhere.
pub struct Gateway {
    pub(crate) admin: AdminPassword,
    pub(crate) vault: Vault,
    pub(crate) sessions: SessionAccounts,
    pub(crate) session_ttl: Duration,
    pub(crate) data_sources: DataSources,
    pub(crate) backend: Box<dyn MailboxBackend>,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("vault_key", &self.vault.key_id())
            .finish_non_exhaustive()
    }
}

impl Gateway {
    /// Opens the gateway of `config`: creates its data folder, password hash, RSA key and vault
    /// on first start.
    pub fn open(config: &GatewayConfig) -> Result<Self, StartupError> {
        Self::open_with_backend(config, Box::new(EwsBackend::new(config.exchange_timeout)))
    }

    /// Like [`open`](Self::open), with another way of reaching mailboxes.
    pub fn open_with_backend(
        config: &GatewayConfig,
        backend: Box<dyn MailboxBackend>,
    ) -> Result<Self, StartupError> {
        let dir = &config.data_dir;
        ensure_private_dir(dir)?;
        let admin = AdminPassword::load_or_create(&dir.join("admin-password"))?;
        if admin.is_default() {
            tracing::warn!(
                "the gateway password is still the default 1234: change it before production use"
            );
        }
        let vault = Vault::open_with(
            &dir.join("vault"),
            VaultOptions::new().rsa_bits(config.rsa_bits),
        )?;
        Ok(Self {
            admin,
            vault,
            sessions: SessionAccounts::new(),
            session_ttl: config.session_ttl,
            data_sources: DataSources::default(),
            backend,
        })
    }

    /// Opens a gateway whose data folder is `dir`, with default settings otherwise.
    pub fn open_in(dir: &Path) -> Result<Self, StartupError> {
        Self::open(&GatewayConfig::in_dir(dir))
    }

    /// The vault, for administration.
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// Checks the gateway password.
    pub(crate) fn authenticate(&self, password: &GatewayPassword) -> Result<(), ApiError> {
        if self.admin.verify(password.secret()) {
            Ok(())
        } else {
            Err(ApiError::PasswordIncorrect)
        }
    }

    /// The mailbox access of a data source's service account.
    pub(crate) fn service_access(config: &DataSourceConfig) -> MailboxAccess {
        let account = &config.service_account;
        MailboxAccess {
            server_url: account.ews_url.clone(),
            generation: config.exchange_generation,
            user_name: account.user_name.clone(),
            password: account.password.clone(),
            mailbox: account.user_name.clone(),
        }
    }

    /// The mailbox access of the calling portal user: from the session store for
    /// session-based data sources, else from the vault.
    pub(crate) fn user_access(&self, call: &UserCall) -> Result<MailboxAccess, ApiError> {
        self.authenticate(&call.password)?;
        let config = self.data_sources.get(&call.data_source)?;
        let id = user_record(call);
        let account = if config.session_based {
            self.sessions.get(&id)
        } else {
            self.vault.get(&id).map_err(storage)?
        };
        let account = account.ok_or_else(|| ApiError::NotLoggedIn {
            portal_user: call.portal_user.to_string(),
        })?;
        let Secret::Password(password) = &account.secret else {
            return Err(ApiError::Storage {
                detail: "the stored account holds no password".to_owned(),
            });
        };
        Ok(MailboxAccess {
            server_url: account.server_url.clone(),
            generation: config.exchange_generation,
            user_name: account.user_name.clone(),
            password: password.clone(),
            mailbox: account
                .mailbox
                .clone()
                .unwrap_or_else(|| account.user_name.clone()),
        })
    }
}

/// The record of the calling portal user's account.
pub(crate) fn user_record(call: &UserCall) -> RecordId {
    RecordId::new(call.data_source.clone(), call.portal_user.to_string())
}

pub(crate) fn storage(error: VaultError) -> ApiError {
    ApiError::Storage {
        detail: error.to_string(),
    }
}
