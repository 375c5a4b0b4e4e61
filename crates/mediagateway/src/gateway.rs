//! The gateway: data sources, accounts and the mailbox backend, behind the API's areas.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use mediagateway_api::{AdminCall, ApiError, Credential, DataSourceConfig, UserCall};
use mediagateway_vault::{
    ensure_private_dir, RecordId, Secret, SessionAccounts, Vault, VaultError, VaultOptions,
};

use crate::admin_password::AdminPassword;
use crate::backend::{EwsBackend, MailboxAccess, MailboxBackend};
use crate::config::GatewayConfig;
use crate::registry::{DataSource, DataSources};
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
            data_sources: DataSources::load(&vault).map_err(StartupError::DataSources)?,
            vault,
            sessions: SessionAccounts::new(),
            session_ttl: config.session_ttl,
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

    /// Authorizes an admin call: it must present the gateway password.
    pub(crate) fn authorize_admin(&self, call: &AdminCall) -> Result<(), ApiError> {
        match &call.credential {
            Credential::GatewayPassword(password) if self.admin.verify(password.secret()) => Ok(()),
            Credential::GatewayPassword(_) | Credential::None => Err(ApiError::PasswordIncorrect),
            Credential::PortalKey(_) => Err(ApiError::PermissionDenied {
                what: "a portal key does not authorize admin calls: they take the gateway password"
                    .to_owned(),
            }),
        }
    }

    /// Authorizes a call on behalf of a portal user: it must present the portal key of the data
    /// source it names. Returns that data source.
    pub(crate) fn authorize_user(&self, call: &UserCall) -> Result<Arc<DataSource>, ApiError> {
        let key = match &call.credential {
            Credential::PortalKey(key) => key,
            Credential::None => return Err(ApiError::PortalKeyIncorrect),
            Credential::GatewayPassword(_) => {
                return Err(ApiError::PermissionDenied {
                    what: "the gateway password does not authorize calls for portal users: \
                           they take the data source's portal key"
                        .to_owned(),
                })
            }
        };
        // An unknown data source and a wrong key look the same, so a key cannot be used to
        // find out which data sources exist.
        let source = self
            .data_sources
            .find(&self.vault, &call.data_source)?
            .ok_or(ApiError::PortalKeyIncorrect)?;
        if source.keys.accept(key, Utc::now()) {
            Ok(source)
        } else {
            Err(ApiError::PortalKeyIncorrect)
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
        let source = self.authorize_user(call)?;
        let config = &source.config;
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
