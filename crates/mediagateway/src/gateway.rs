//! The gateway: data sources, accounts and the mailbox backend, behind the API's areas.

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use chrono::Utc;
use mediagateway_api::{
    AdminCall, ApiError, Credential, DataSourceConfig, Gatekeeper, PortalCall, Role, UserCall,
};
use mediagateway_vault::{
    ensure_private_dir, Account, AccountSummary, RecordId, Secret, SessionAccounts, Vault,
    VaultError, VaultOptions,
};
use secrecy::SecretString;

use crate::admin_password::AdminPassword;
use crate::audit;
use crate::backend::{
    EwsBackend, MailboxAccess, MailboxBackend, MailboxLogin, OAuthAccess, OAuthGrant,
};
use crate::config::{GatewayConfig, VaultStore};
use crate::page_tokens::{self, PageTokens};
use crate::portal_keys::PortalKeys;
use crate::registry::{DataSource, DataSources};
use crate::startup_error::StartupError;
use crate::{HashLimiter, Limits, Throttle, UrlPolicy};

/// What failed Exchange logins are counted by: the portal user, and the Exchange user name.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum LoginKey {
    /// A portal user of a data source.
    PortalUser(String, uuid::Uuid),
    /// An Exchange user name (lower case) at a data source.
    ExchangeUser(String, String),
}

/// The gateway password's file in the data folder.
pub(crate) const PASSWORD_FILE: &str = "admin-password";

/// The MediaGateway: data sources, accounts and the calls a portal makes.
///
/// It implements every area of the API itself (see the `api` module), so a portal in the same
/// process uses it directly as a [`GatewayApi`](mediagateway_api::GatewayApi); the gRPC server
/// serves it to portals elsewhere.
pub struct Gateway {
    pub(crate) admin: Arc<AdminPassword>,
    pub(crate) password_checks: HashLimiter,
    pub(crate) guesses: Throttle<IpAddr>,
    pub(crate) ews_url_policy: UrlPolicy,
    pub(crate) limits: Limits,
    /// Failed Exchange logins by portal user and by Exchange user name.
    pub(crate) failed_logins: Throttle<LoginKey>,
    pub(crate) vault: Arc<Vault>,
    pub(crate) sessions: Arc<SessionAccounts>,
    pub(crate) session_ttl: Duration,
    /// OAuth2 sign-ins started and not finished yet.
    pub(crate) sign_ins: crate::api::oauth::SignIns,
    pub(crate) data_sources: DataSources,
    /// Shared with the session accounts' hook, which makes it forget expired and evicted logins.
    pub(crate) backend: Arc<dyn MailboxBackend>,
    /// Signs and checks the page tokens of queries.
    pub(crate) page_tokens: Arc<PageTokens>,
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
    /// on first start. Mailboxes are reached over EWS, the addresses of EWS host names judged
    /// by the configuration's `ews_url_policy`.
    pub fn open(config: &GatewayConfig) -> Result<Self, StartupError> {
        let mut backend =
            EwsBackend::new(config.exchange_timeout).with_url_policy(&config.ews_url_policy);
        if let Some(lookup) = &config.ews_host_lookup {
            backend = backend.with_host_lookup(Arc::clone(lookup));
        }
        Self::open_with_backend(config, Box::new(backend))
    }

    /// Like [`open`](Self::open), with another way of reaching mailboxes. The gateway judges
    /// EWS URLs by `config`'s policy before it asks `backend`; checking where host names
    /// resolve to is the backend's part ([`EwsBackend::with_url_policy`]).
    pub fn open_with_backend(
        config: &GatewayConfig,
        backend: Box<dyn MailboxBackend>,
    ) -> Result<Self, StartupError> {
        let dir = &config.data_dir;
        ensure_private_dir(dir)?;
        let password_file = dir.join(PASSWORD_FILE);
        if !password_file.exists() && dir.join("vault").exists() {
            // A vault without its password file: never fall back to a fresh 1234.
            return Err(StartupError::PasswordFile {
                path: password_file,
                reason: "missing, but the folder holds a vault: restore the file, or set a new \
                         password with `mediagateway password set`"
                    .to_owned(),
            });
        }
        let admin = AdminPassword::load_or_create(&password_file)?;
        if admin.is_default() {
            tracing::warn!(
                "the gateway password is still the default 1234: change it before production use"
            );
        }
        let vault = open_vault(config)?;
        let backend: Arc<dyn MailboxBackend> = Arc::from(backend);
        // A session-based account's login is forgotten when the store drops it by itself;
        // logout and resets forget what they remove themselves.
        let forgets = backend.clone();
        let sessions =
            SessionAccounts::with_max_per_data_source(config.limits.max_sessions_per_data_source)
                .on_dropped(move |summary| forgets.forget(&login_of(summary)));
        Ok(Self {
            admin: Arc::new(admin),
            password_checks: HashLimiter::new(config.password_checks),
            guesses: Throttle::new(config.guessing.clone()),
            ews_url_policy: config.ews_url_policy.clone(),
            limits: config.limits.clone(),
            failed_logins: Throttle::new(config.failed_logins.clone()),
            data_sources: DataSources::load(&vault).map_err(StartupError::DataSources)?,
            page_tokens: Arc::new(PageTokens::new(vault.derive_key(page_tokens::KEY_PURPOSE))),
            vault: Arc::new(vault),
            sessions: Arc::new(sessions),
            session_ttl: config.session_ttl,
            sign_ins: crate::api::oauth::SignIns::default(),
            backend,
        })
    }

    /// Opens a gateway whose data folder is `dir`, with default settings otherwise.
    pub fn open_in(dir: &Path) -> Result<Self, StartupError> {
        Self::open(&GatewayConfig::in_dir(dir))
    }

    /// Sets the gateway password of the data folder `dir` while no gateway runs on it (a
    /// running one keeps the password it read until it restarts): for the operator's
    /// `mediagateway password set`. The same rule as the API's password change applies.
    pub fn set_password(dir: &Path, new: &SecretString) -> Result<(), StartupError> {
        ensure_private_dir(dir)?;
        let path = dir.join(PASSWORD_FILE);
        let admin = if path.exists() {
            AdminPassword::load_or_create(&path)?
        } else {
            AdminPassword::create_unset(&path)
        };
        admin.change(new).map_err(|e| StartupError::PasswordFile {
            path,
            reason: e.to_string(),
        })
    }

    /// Whether the gateway password is still the default `1234`.
    pub fn uses_default_password(&self) -> bool {
        self.admin.is_default()
    }

    /// The vault, for administration.
    pub fn vault(&self) -> &Vault {
        &self.vault
    }

    /// Authorizes an admin call: it must present the gateway password. Wrong passwords from
    /// one address are slowed down (calls in the same process are not: they have no address),
    /// and every attempt is audited.
    pub(crate) async fn authorize_admin(&self, call: &AdminCall) -> Result<(), ApiError> {
        self.check_admin(&call.credential, call.peer).await?;
        audit::admin_auth_succeeded(call.peer);
        if let Some(peer) = call.peer {
            self.guesses.success(&peer);
        }
        Ok(())
    }

    /// The admin check without the success's audit event: refusals are counted and audited.
    async fn check_admin(
        &self,
        credential: &Credential,
        peer: Option<IpAddr>,
    ) -> Result<(), ApiError> {
        let password = match credential {
            Credential::GatewayPassword(password) => Some(password.secret().clone()),
            Credential::None => None,
            Credential::PortalKey(_) => {
                return Err(ApiError::PermissionDenied {
                    what: "a portal key does not authorize admin calls: they take the gateway \
                           password"
                        .to_owned(),
                })
            }
        };
        self.not_throttled(peer)?;
        let right = match password {
            Some(password) => {
                self.admin
                    .verify_limited(password, &self.password_checks)
                    .await
            }
            None => false,
        };
        if right {
            Ok(())
        } else {
            audit::admin_auth_failed(peer);
            self.guessed_wrong(peer);
            Err(ApiError::PasswordIncorrect)
        }
    }

    /// What can be checked of a portal call before its request is read: the role of the
    /// credential, the caller's delay, and the key's form. Which data source the key belongs to
    /// is in the request, so [`authorize_user`](Self::authorize_user) checks that.
    fn check_portal(&self, credential: &Credential, peer: Option<IpAddr>) -> Result<(), ApiError> {
        let key = match credential {
            Credential::PortalKey(key) => Some(key),
            Credential::None => None,
            Credential::GatewayPassword(_) => return Err(password_on_user_call()),
        };
        self.not_throttled(peer)?;
        if key.is_some_and(PortalKeys::well_formed) {
            return Ok(());
        }
        audit::portal_auth_failed(peer, "");
        self.guessed_wrong(peer);
        Err(ApiError::PortalKeyIncorrect)
    }

    /// Authorizes a call on behalf of a portal user: it must present the portal key of the data
    /// source it names. Returns that data source.
    pub(crate) fn authorize_user(&self, call: &UserCall) -> Result<Arc<DataSource>, ApiError> {
        self.authorize_key(&call.credential, &call.data_source, call.peer)
    }

    /// Authorizes a call for a data source as a whole: it must present that data source's
    /// portal key. Returns the data source.
    pub(crate) fn authorize_portal(&self, call: &PortalCall) -> Result<Arc<DataSource>, ApiError> {
        self.authorize_key(&call.credential, &call.data_source, call.peer)
    }

    /// The data source `data_source`, once `credential` is its portal key.
    fn authorize_key(
        &self,
        credential: &Credential,
        data_source: &str,
        peer: Option<IpAddr>,
    ) -> Result<Arc<DataSource>, ApiError> {
        let key = match credential {
            Credential::PortalKey(key) => Some(key),
            Credential::None => None,
            Credential::GatewayPassword(_) => return Err(password_on_user_call()),
        };
        self.not_throttled(peer)?;
        // A name no data source can have is refused as such before the store is asked; that
        // says nothing about which data sources exist.
        crate::validate::name("data source name", data_source)?;
        // An unknown data source and a wrong key look the same, so a key cannot be used to
        // find out which data sources exist.
        let source = self.data_sources.find(&self.vault, data_source)?;
        match (source, key) {
            (Some(source), Some(key)) if source.keys.accept(key, Utc::now()) => Ok(source),
            _ => {
                audit::portal_auth_failed(peer, data_source);
                self.guessed_wrong(peer);
                Err(ApiError::PortalKeyIncorrect)
            }
        }
    }

    /// Refuses a caller whose address is in its delay after wrong credentials.
    fn not_throttled(&self, peer: Option<IpAddr>) -> Result<(), ApiError> {
        let Some(address) = peer else {
            return Ok(());
        };
        self.guesses
            .check(&address, Instant::now())
            .map_err(|retry| {
                audit::throttled(peer, retry.duration());
                ApiError::TooManyAttempts {
                    retry_after: retry.duration(),
                }
            })
    }

    /// Counts a wrong credential against the caller's address.
    fn guessed_wrong(&self, peer: Option<IpAddr>) {
        if let Some(address) = peer {
            self.guesses.failure(&address, Instant::now());
        }
    }

    /// Checks an EWS URL against the gateway's policy before any password is sent to it.
    pub(crate) fn allowed_url(&self, url: &str) -> Result<(), ApiError> {
        self.ews_url_policy
            .check(url)
            .map(drop)
            .map_err(|refused| ApiError::EwsUrlRefused {
                reason: refused.to_string(),
            })
    }

    /// The mailbox access of a data source's service account.
    pub(crate) fn service_access(
        &self,
        config: &DataSourceConfig,
    ) -> Result<MailboxAccess, ApiError> {
        let account = &config.service_account;
        self.allowed_url(&account.ews_url)?;
        Ok(MailboxAccess {
            server_url: account.ews_url.clone(),
            generation: config.exchange_generation,
            authentication: config.authentication,
            user_name: account.user_name.clone(),
            password: account.password.clone(),
            mailbox: account.user_name.clone(),
            time_zone: config.time_zone.clone(),
            // With OAuth2 the service mailbox is reached app-only, by impersonation.
            oauth: config.oauth.clone().map(|settings| OAuthAccess {
                settings,
                grant: OAuthGrant::AppOnly,
            }),
        })
    }

    /// The mailbox access of the calling portal user: from the session store for
    /// session-based data sources, else from the vault.
    pub(crate) fn user_access(&self, call: &UserCall) -> Result<MailboxAccess, ApiError> {
        let source = self.authorize_user(call)?;
        if let Some(name) = Self::switched_to(&source, call)? {
            return self.static_access(&source, name);
        }
        let config = &source.config;
        let id = user_record(call);
        let account = self.accounts(config).get(&id).map_err(storage)?;
        let account = account.ok_or_else(|| ApiError::NotLoggedIn {
            portal_user: call.portal_user.to_string(),
        })?;
        self.account_access(config, &account, &id)
    }

    /// The mailbox access of a stored `account` (a portal user's or a static user's) of the
    /// data source configured as `config`.
    pub(crate) fn account_access(
        &self,
        config: &DataSourceConfig,
        account: &Account,
        id: &RecordId,
    ) -> Result<MailboxAccess, ApiError> {
        // An account is used only with the URL it was made with, and only while the policy
        // allows that URL.
        self.allowed_url(&account.server_url)?;
        let (password, oauth) = match (&account.secret, &config.oauth) {
            (Secret::Password(password), None) => (password.clone(), None),
            // A static user of an OAuth2 data source: app-only, impersonating its mailbox.
            (_, Some(settings)) if id.static_user_name().is_some() => (
                SecretString::from(String::new()),
                Some(OAuthAccess {
                    settings: settings.clone(),
                    grant: OAuthGrant::AppOnly,
                }),
            ),
            (Secret::RefreshToken(token), Some(settings)) => {
                let sign_in = account
                    .attributes
                    .get(crate::api::oauth::SIGN_IN)
                    .cloned()
                    .unwrap_or_default();
                let rotation: Arc<dyn exchange_auth::oauth::RefreshTokenHook> =
                    self.rotation(id, config, &sign_in);
                (
                    SecretString::from(String::new()),
                    Some(OAuthAccess {
                        settings: settings.clone(),
                        grant: OAuthGrant::Delegated {
                            refresh_token: token.clone(),
                            sign_in,
                            tokens: None,
                            rotation,
                        },
                    }),
                )
            }
            // A login of another authentication type than the data source's now: it must be
            // made again.
            _ => {
                return Err(ApiError::NotLoggedIn {
                    portal_user: id.portal_user.clone(),
                })
            }
        };
        Ok(MailboxAccess {
            server_url: account.server_url.clone(),
            generation: config.exchange_generation,
            authentication: config.authentication,
            user_name: account.user_name.clone(),
            password,
            mailbox: account
                .mailbox
                .clone()
                .unwrap_or_else(|| account.user_name.clone()),
            time_zone: config.time_zone.clone(),
            oauth,
        })
    }
}

/// Where the portal users' accounts of one data source live: the session store for a
/// session-based data source, else the vault.
#[derive(Clone)]
pub(crate) struct UserAccounts {
    vault: Arc<Vault>,
    sessions: Arc<SessionAccounts>,
    session_ttl: Duration,
    session_based: bool,
}

impl UserAccounts {
    /// The account under `id`.
    pub(crate) fn get(&self, id: &RecordId) -> Result<Option<Account>, VaultError> {
        if self.session_based {
            Ok(self.sessions.get(id))
        } else {
            self.vault.get(id)
        }
    }

    /// Writes `account` under `id`; true when it went to the vault, false when for the
    /// session only.
    pub(crate) fn put(&self, id: &RecordId, account: Account) -> Result<bool, VaultError> {
        if self.session_based {
            self.sessions.put(id, account, self.session_ttl)?;
            Ok(false)
        } else {
            self.vault.put(id, &account)?;
            Ok(true)
        }
    }
}

impl Gateway {
    /// Where the portal users' accounts of the data source configured as `config` live.
    pub(crate) fn accounts(&self, config: &DataSourceConfig) -> UserAccounts {
        UserAccounts {
            vault: Arc::clone(&self.vault),
            sessions: Arc::clone(&self.sessions),
            session_ttl: self.session_ttl,
            session_based: config.session_based,
        }
    }

    /// Removes the stored and the session account under `id`, and has the backend forget
    /// their logins; true if there was a live one. The accounts are read first, since the
    /// backend is told the login (server URL and user name) they held.
    pub(crate) fn remove_accounts(&self, id: &RecordId) -> Result<bool, ApiError> {
        let in_session = self.sessions.details(id);
        let stored = self.vault.details(id).map_err(storage)?;
        let removed_session = self.sessions.remove(id);
        let removed_stored = self.vault.delete(id).map_err(storage)?;
        self.forget(in_session.iter().chain(&stored));
        Ok(removed_session || removed_stored)
    }

    /// Has the backend forget the logins of `accounts`.
    pub(crate) fn forget<'a>(&self, accounts: impl IntoIterator<Item = &'a AccountSummary>) {
        for account in accounts {
            self.backend.forget(&login_of(account));
        }
    }
}

/// The login an account holds.
fn login_of(account: &AccountSummary) -> MailboxLogin {
    MailboxLogin {
        server_url: account.server_url.clone(),
        user_name: account.user_name.clone(),
    }
}

/// The vault of `config`: SQLite in the data folder, or a PostgreSQL database.
fn open_vault(config: &GatewayConfig) -> Result<Vault, StartupError> {
    match &config.vault {
        VaultStore::Sqlite => Ok(Vault::open_with(
            &config.data_dir.join("vault"),
            VaultOptions::new().rsa_bits(config.rsa_bits),
        )?),
        #[cfg(feature = "postgres")]
        VaultStore::Postgres {
            connection,
            schema,
            key_file,
        } => {
            use mediagateway_vault::{KeyPair, PostgresOptions, PostgresStore};
            use secrecy::ExposeSecret;
            let key_file = key_file
                .clone()
                .unwrap_or_else(|| config.data_dir.join("vault-key.pem"));
            let keys = match std::fs::read_to_string(&key_file) {
                Ok(pem) => KeyPair::from_pkcs8_pem(&pem)?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    let keys = KeyPair::generate(config.rsa_bits)?;
                    let pem = keys.to_pkcs8_pem()?;
                    mediagateway_vault::write_private_file(
                        &key_file,
                        pem.expose_secret().as_bytes(),
                    )?;
                    keys
                }
                Err(source) => {
                    return Err(StartupError::Io {
                        path: key_file,
                        source,
                    })
                }
            };
            let mut options = PostgresOptions::new(connection.expose_secret().to_owned());
            if let Some(schema) = schema {
                options = options.schema(schema.clone());
            }
            let store = PostgresStore::open(&options)?;
            Ok(Vault::with_store(Box::new(store), &keys)?)
        }
        #[cfg(not(feature = "postgres"))]
        VaultStore::Postgres { .. } => Err(StartupError::Refused {
            reason: "the configuration asks for a PostgreSQL vault, but this gateway was built \
                     without the postgres feature"
                .to_owned(),
        }),
    }
}

/// The refusal of the gateway password on a call for a portal user.
fn password_on_user_call() -> ApiError {
    ApiError::PermissionDenied {
        what: "the gateway password does not authorize calls for portal users: they take the \
               data source's portal key"
            .to_owned(),
    }
}

#[async_trait]
impl Gatekeeper for Gateway {
    async fn admit(
        &self,
        role: Role,
        credential: &Credential,
        peer: Option<IpAddr>,
    ) -> Result<(), ApiError> {
        match role {
            Role::Admin => self.check_admin(credential, peer).await,
            Role::Portal => self.check_portal(credential, peer),
        }
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
