//! The gateway: implements [`Transport`] over the vault, the auth strategies and EWS.

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use mediagateway_transport::{
    Appointment, DataSourceConfig, ExchangeCheck, GatewayPassword, GatewayStatus, Login,
    LoginOutcome, NewAppointment, TimeWindow, Transport, TransportError, UserCall,
};
use mediagateway_vault::{
    Account, RecordId, Secret, SessionAccounts, Vault, VaultError, VaultOptions,
};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

use crate::backend::{EwsBackend, MailboxAccess, MailboxBackend};
use crate::config::GatewayConfig;
use crate::error::GatewayError;
use crate::fs_util::create_private_dir;
use crate::password::AdminPassword;

/// The MediaGateway: data sources, accounts and the calls a portal makes.
///
/// It implements [`Transport`] itself, so a portal in the same process uses it directly; the
/// gRPC server serves it to portals elsewhere.
pub struct Gateway {
    admin: AdminPassword,
    vault: Vault,
    sessions: SessionAccounts,
    session_ttl: Duration,
    data_sources: RwLock<HashMap<String, Arc<DataSourceConfig>>>,
    backend: Box<dyn MailboxBackend>,
}

impl std::fmt::Debug for Gateway {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gateway")
            .field("vault_key", &self.vault.key_id())
            .finish_non_exhaustive()
    }
}

/// The longest name of a data source, user name or mailbox the gateway accepts.
const MAX_NAME_BYTES: usize = 256;

impl Gateway {
    /// Opens the gateway of `config`: creates its data folder, password hash, RSA key and vault
    /// on first start.
    pub fn open(config: &GatewayConfig) -> Result<Self, GatewayError> {
        Self::open_with_backend(config, Box::new(EwsBackend::new(config.exchange_timeout)))
    }

    /// Like [`open`](Self::open), with another way of reaching mailboxes.
    pub fn open_with_backend(
        config: &GatewayConfig,
        backend: Box<dyn MailboxBackend>,
    ) -> Result<Self, GatewayError> {
        let dir = &config.data_dir;
        create_private_dir(dir).map_err(|source| GatewayError::Io {
            path: dir.clone(),
            source,
        })?;
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
            data_sources: RwLock::new(HashMap::new()),
            backend,
        })
    }

    /// Opens a gateway whose data folder is `dir`, with default settings otherwise.
    pub fn open_in(dir: &Path) -> Result<Self, GatewayError> {
        Self::open(&GatewayConfig::in_dir(dir))
    }

    /// Changes the gateway password.
    pub fn change_password(
        &self,
        old: &GatewayPassword,
        new: &SecretString,
    ) -> Result<(), TransportError> {
        self.authenticate(old)?;
        self.admin.change(new).map_err(|e| match e {
            GatewayError::WeakPassword => TransportError::InvalidArgument {
                what: e.to_string(),
            },
            e => TransportError::Storage {
                detail: e.to_string(),
            },
        })
    }

    /// The vault, for administration.
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    fn authenticate(&self, password: &GatewayPassword) -> Result<(), TransportError> {
        if self.admin.verify(password.secret()) {
            Ok(())
        } else {
            Err(TransportError::PasswordIncorrect)
        }
    }

    fn data_source(&self, name: &str) -> Result<Arc<DataSourceConfig>, TransportError> {
        self.data_sources
            .read()
            .expect("the data source lock is never poisoned")
            .get(name)
            .cloned()
            .ok_or_else(|| TransportError::UnknownDataSource {
                name: name.to_owned(),
            })
    }

    fn service_access(&self, config: &DataSourceConfig) -> MailboxAccess {
        let account = &config.service_account;
        MailboxAccess {
            server_url: account.ews_url.clone(),
            version: config.exchange_version,
            user_name: account.user_name.clone(),
            password: account.password.clone(),
            mailbox: account.user_name.clone(),
        }
    }

    /// The mailbox access of the calling portal user: from the session store for
    /// session-based data sources, else from the vault.
    fn user_access(&self, call: &UserCall) -> Result<MailboxAccess, TransportError> {
        self.authenticate(&call.password)?;
        let config = self.data_source(&call.data_source)?;
        let id = RecordId::new(call.data_source.clone(), call.portal_user.to_string());
        let account = if config.session_based {
            self.sessions.get(&id)
        } else {
            self.vault.get(&id).map_err(storage)?
        };
        let account = account.ok_or_else(|| TransportError::NotLoggedIn {
            portal_user: call.portal_user.to_string(),
        })?;
        let Secret::Password(password) = &account.secret else {
            return Err(TransportError::Storage {
                detail: "the stored account holds no password".to_owned(),
            });
        };
        Ok(MailboxAccess {
            server_url: account.server_url.clone(),
            version: config.exchange_version,
            user_name: account.user_name.clone(),
            password: password.clone(),
            mailbox: account
                .mailbox
                .clone()
                .unwrap_or_else(|| account.user_name.clone()),
        })
    }
}

fn storage(error: VaultError) -> TransportError {
    TransportError::Storage {
        detail: error.to_string(),
    }
}

fn check_name(what: &str, value: &str) -> Result<(), TransportError> {
    if value.trim().is_empty() {
        return Err(TransportError::InvalidArgument {
            what: format!("the {what} is empty"),
        });
    }
    if value.len() > MAX_NAME_BYTES || value.chars().any(char::is_control) {
        return Err(TransportError::InvalidArgument {
            what: format!(
                "the {what} is longer than {MAX_NAME_BYTES} bytes or holds control characters"
            ),
        });
    }
    Ok(())
}

fn check_url(url: &str) -> Result<(), TransportError> {
    let parsed = url::Url::parse(url).map_err(|e| TransportError::InvalidArgument {
        what: format!("the EWS server URL {url:?} is not a URL: {e}"),
    })?;
    if !matches!(parsed.scheme(), "https" | "http") || parsed.host().is_none() {
        return Err(TransportError::InvalidArgument {
            what: format!("the EWS server URL {url:?} must be an http(s) URL with a host"),
        });
    }
    Ok(())
}

/// A fingerprint of the access data an account was made from: when it changes, the portal
/// shows the login box again.
fn fingerprint(config: &DataSourceConfig, user_name: &str, mailbox: &str) -> String {
    let mut sha = Sha256::new();
    for part in [&config.service_account.ews_url, user_name, mailbox] {
        sha.update((part.len() as u64).to_le_bytes());
        sha.update(part.as_bytes());
    }
    sha.finalize().iter().map(|b| format!("{b:02x}")).collect()
}

#[async_trait]
impl Transport for Gateway {
    async fn status(&self, password: &GatewayPassword) -> Result<GatewayStatus, TransportError> {
        self.authenticate(password)?;
        let data_sources = self
            .data_sources
            .read()
            .expect("the data source lock is never poisoned")
            .len();
        Ok(GatewayStatus {
            gateway_version: env!("CARGO_PKG_VERSION").to_owned(),
            default_password: self.admin.is_default(),
            data_sources: u32::try_from(data_sources).unwrap_or(u32::MAX),
        })
    }

    async fn configure_data_source(
        &self,
        password: &GatewayPassword,
        config: &DataSourceConfig,
    ) -> Result<(), TransportError> {
        self.authenticate(password)?;
        check_name("data source name", &config.name)?;
        check_name(
            "service account user name",
            &config.service_account.user_name,
        )?;
        check_url(&config.service_account.ews_url)?;
        if config.service_account.password.expose_secret().is_empty() {
            return Err(TransportError::InvalidArgument {
                what: "the service account password is empty".to_owned(),
            });
        }
        let account = Account::new(
            config.service_account.user_name.clone(),
            config.service_account.ews_url.clone(),
            Secret::Password(config.service_account.password.clone()),
        );
        self.vault
            .put(&RecordId::service_account(config.name.clone()), &account)
            .map_err(storage)?;
        self.data_sources
            .write()
            .expect("the data source lock is never poisoned")
            .insert(config.name.clone(), Arc::new(config.clone()));
        tracing::info!(data_source = %config.name, "data source configured");
        Ok(())
    }

    async fn test_exchange_account(
        &self,
        password: &GatewayPassword,
        data_source: &str,
    ) -> Result<ExchangeCheck, TransportError> {
        self.authenticate(password)?;
        let config = self.data_source(data_source)?;
        let access = self.service_access(&config);
        let server_version = self.backend.check(&access).await?;
        Ok(ExchangeCheck {
            server_version,
            mailbox: access.mailbox,
        })
    }

    async fn login(&self, call: &UserCall, login: &Login) -> Result<LoginOutcome, TransportError> {
        self.authenticate(&call.password)?;
        let config = self.data_source(&call.data_source)?;
        check_name("user name", &login.user_name)?;
        if login.password.expose_secret().is_empty() {
            return Err(TransportError::InvalidArgument {
                what: "the password is empty".to_owned(),
            });
        }
        let mailbox = match &login.mailbox {
            Some(mailbox) => {
                check_name("mailbox", mailbox)?;
                mailbox.clone()
            }
            None => login.user_name.clone(),
        };
        let access = MailboxAccess {
            server_url: config.service_account.ews_url.clone(),
            version: config.exchange_version,
            user_name: login.user_name.clone(),
            password: login.password.clone(),
            mailbox: mailbox.clone(),
        };
        // Nothing is kept unless Exchange accepts the login data.
        self.backend.check(&access).await?;
        let mut account = Account::new(
            login.user_name.clone(),
            config.service_account.ews_url.clone(),
            Secret::Password(login.password.clone()),
        );
        account.mailbox = Some(mailbox.clone());
        account.fingerprint = Some(fingerprint(&config, &login.user_name, &mailbox));
        account.last_used = Some(Utc::now());
        let id = RecordId::new(call.data_source.clone(), call.portal_user.to_string());
        let stored = if config.session_based {
            self.sessions
                .put(&id, account, self.session_ttl)
                .map_err(storage)?;
            false
        } else {
            self.vault.put(&id, &account).map_err(storage)?;
            true
        };
        tracing::info!(
            data_source = %call.data_source,
            portal_user = %call.portal_user,
            stored,
            "portal user logged in"
        );
        Ok(LoginOutcome { stored, mailbox })
    }

    async fn logout(&self, call: &UserCall) -> Result<bool, TransportError> {
        self.authenticate(&call.password)?;
        self.data_source(&call.data_source)?;
        let id = RecordId::new(call.data_source.clone(), call.portal_user.to_string());
        let in_session = self.sessions.remove(&id);
        let in_vault = self.vault.delete(&id).map_err(storage)?;
        Ok(in_session || in_vault)
    }

    async fn find_appointments(
        &self,
        call: &UserCall,
        window: &TimeWindow,
    ) -> Result<Vec<Appointment>, TransportError> {
        let access = self.user_access(call)?;
        self.backend.find_appointments(&access, window).await
    }

    async fn appointment(&self, call: &UserCall, id: &str) -> Result<Appointment, TransportError> {
        let access = self.user_access(call)?;
        self.backend.appointment(&access, id).await
    }

    async fn create_appointment(
        &self,
        call: &UserCall,
        appointment: &NewAppointment,
    ) -> Result<Appointment, TransportError> {
        let access = self.user_access(call)?;
        TimeWindow::new(appointment.start, appointment.end)?;
        self.backend.create_appointment(&access, appointment).await
    }

    async fn delete_appointment(&self, call: &UserCall, id: &str) -> Result<(), TransportError> {
        let access = self.user_access(call)?;
        self.backend.delete_appointment(&access, id).await
    }
}
