//! The data sources the gateway knows, by name: kept in the vault, sealed like the accounts, and
//! cached in memory.
//!
//! A data source is one vault record, its service account's (`RecordId::service_account`): the
//! account holds the service user, the EWS URL and the password; its attributes hold the other
//! settings and the portal key hashes. Every gateway sharing the vault's store sees the same
//! data sources: one it has not cached yet is read from the store when first asked for, and a
//! cached one is read again once it is [`REFRESH`] old.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use mediagateway_api::{
    ApiError, Authentication, DataSourceConfig, ExchangeGeneration, OAuthCredential,
    OAuthEndpoints, OAuthSettings, ServiceAccount,
};
use mediagateway_vault::{Account, RecordId, Secret, Vault};
use secrecy::SecretString;
use uuid::Uuid;

use crate::gateway::storage;
use crate::portal_keys::{KeyHash, PortalKeys};

/// A configured data source: its configuration and its portal keys.
#[derive(Debug, Clone)]
pub(crate) struct DataSource {
    pub(crate) config: DataSourceConfig,
    pub(crate) keys: PortalKeys,
    /// The static users, by name, with the portal user each stands for (their logins are
    /// vault records of their own, `RecordId::static_user`).
    pub(crate) static_users: BTreeMap<String, Option<Uuid>>,
}

impl DataSource {
    /// A data source without static users.
    #[cfg(test)]
    pub(crate) fn new(config: DataSourceConfig, keys: PortalKeys) -> Self {
        Self {
            config,
            keys,
            static_users: BTreeMap::new(),
        }
    }

    /// The name of the static user mapped to `portal_user`, if there is one.
    pub(crate) fn static_user_for(&self, portal_user: Uuid) -> Option<&str> {
        self.static_users
            .iter()
            .find(|(_, mapped)| **mapped == Some(portal_user))
            .map(|(name, _)| name.as_str())
    }
}

/// How long a data source read from the vault is used before it is read again, so that a
/// change made by another gateway sharing the store (a key rotation, a new EWS URL, a
/// deletion) takes effect here within this time.
pub(crate) const REFRESH: Duration = Duration::from_secs(5);

/// A data source in memory, and when it was read.
#[derive(Debug)]
struct Cached {
    source: Arc<DataSource>,
    read_at: Instant,
}

/// The configured data sources.
#[derive(Debug, Default)]
pub(crate) struct DataSources {
    by_name: RwLock<HashMap<String, Cached>>,
}

impl DataSources {
    /// Every data source the vault holds.
    pub(crate) fn load(vault: &Vault) -> Result<Self, ApiError> {
        let registry = Self::default();
        for name in vault.data_sources().map_err(storage)? {
            registry.read(vault, &name)?;
        }
        Ok(registry)
    }

    /// The names of every data source in the vault, in order: this gateway's and those other
    /// gateways sharing the store configured.
    pub(crate) fn names(vault: &Vault) -> Result<Vec<String>, ApiError> {
        vault.data_sources().map_err(storage)
    }

    /// The data source called `name`, from memory or else from the vault.
    pub(crate) fn get(&self, vault: &Vault, name: &str) -> Result<Arc<DataSource>, ApiError> {
        self.find(vault, name)?
            .ok_or_else(|| ApiError::UnknownDataSource {
                name: name.to_owned(),
            })
    }

    /// The data source called `name`, if there is one: from memory when it was read less than
    /// [`REFRESH`] ago, else from the vault.
    pub(crate) fn find(
        &self,
        vault: &Vault,
        name: &str,
    ) -> Result<Option<Arc<DataSource>>, ApiError> {
        if let Some(found) = self.lock_read().get(name) {
            if found.read_at.elapsed() < REFRESH {
                return Ok(Some(found.source.clone()));
            }
        }
        self.read(vault, name)
    }

    /// Reads a data source from the vault into memory; forgets it when the vault has none.
    fn read(&self, vault: &Vault, name: &str) -> Result<Option<Arc<DataSource>>, ApiError> {
        let account = vault
            .get(&RecordId::service_account(name))
            .map_err(storage)?;
        let Some(account) = account.filter(|account| {
            if account.attributes.is_empty() {
                // Written by a gateway that kept data sources in memory only: its settings are
                // gone.
                tracing::warn!(data_source = %name, "a data source from an older gateway has no stored settings: configure it again");
            }
            !account.attributes.is_empty()
        }) else {
            self.forget(name);
            return Ok(None);
        };
        let source = Arc::new(decode(name, &account)?);
        self.cache(name, source.clone());
        Ok(Some(source))
    }

    /// Stores a data source (new or replaced) in the vault, then in memory.
    pub(crate) fn put(&self, vault: &Vault, source: DataSource) -> Result<(), ApiError> {
        let name = source.config.name.clone();
        vault
            .put(&RecordId::service_account(name.clone()), &encode(&source))
            .map_err(storage)?;
        self.cache(&name, Arc::new(source));
        Ok(())
    }

    /// Drops the data source called `name` from memory (after it was deleted from the vault).
    pub(crate) fn forget(&self, name: &str) {
        self.lock_write().remove(name);
    }

    /// How many data sources this gateway holds in memory.
    pub(crate) fn len(&self) -> usize {
        self.lock_read().len()
    }

    fn cache(&self, name: &str, source: Arc<DataSource>) {
        let cached = Cached {
            source,
            read_at: Instant::now(),
        };
        self.lock_write().insert(name.to_owned(), cached);
    }

    fn lock_read(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, Cached>> {
        self.by_name
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    fn lock_write(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, Cached>> {
        self.by_name
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

const GENERATION: &str = "exchange_generation";
const AUTHENTICATION: &str = "authentication";
const SESSION_BASED: &str = "session_based";
const TIME_ZONE: &str = "time_zone";
const KEY: &str = "portal_key_sha256";
const PREVIOUS_KEY: &str = "previous_portal_key_sha256";
const PREVIOUS_KEY_UNTIL: &str = "previous_portal_key_until";
/// The prefix of a static user's attribute: `static_user:<name>`, its mapped portal user or "".
const STATIC_USER: &str = "static_user:";
/// The OAuth2 application's settings (its secret, or its certificate's private key, is the
/// record's secret: an OAuth2 data source's service account holds no password).
const OAUTH_TENANT: &str = "oauth_tenant";
const OAUTH_CLIENT_ID: &str = "oauth_client_id";
const OAUTH_REDIRECT_URI: &str = "oauth_redirect_uri";
const OAUTH_AUTHORIZE: &str = "oauth_authorize_endpoint";
const OAUTH_TOKEN: &str = "oauth_token_endpoint";
/// The certificate (PEM) of an application that signs in with one; absent with a secret.
const OAUTH_CERTIFICATE: &str = "oauth_certificate";

/// The vault record of a data source.
fn encode(source: &DataSource) -> Account {
    let config = &source.config;
    let account = &config.service_account;
    let secret = match config.oauth.as_ref().map(|o| &o.credential) {
        None => account.password.clone(),
        Some(OAuthCredential::Secret(secret)) => secret.clone(),
        Some(OAuthCredential::Certificate {
            private_key_pem, ..
        }) => private_key_pem.clone(),
    };
    let mut record = Account::new(
        account.user_name.clone(),
        account.ews_url.clone(),
        Secret::Password(secret),
    );
    let attributes = &mut record.attributes;
    let mut set = |name: &str, value: String| attributes.insert(name.to_owned(), value);
    if let Some(oauth) = &config.oauth {
        set(OAUTH_TENANT, oauth.tenant.clone());
        set(OAUTH_CLIENT_ID, oauth.client_id.clone());
        set(OAUTH_REDIRECT_URI, oauth.redirect_uri.clone());
        if let Some(endpoints) = &oauth.endpoints {
            set(OAUTH_AUTHORIZE, endpoints.authorize.clone());
            set(OAUTH_TOKEN, endpoints.token.clone());
        }
        if let OAuthCredential::Certificate {
            certificate_pem, ..
        } = &oauth.credential
        {
            set(OAUTH_CERTIFICATE, certificate_pem.clone());
        }
    }
    set(GENERATION, config.exchange_generation.name().to_owned());
    set(AUTHENTICATION, config.authentication.name().to_owned());
    set(SESSION_BASED, config.session_based.to_string());
    set(TIME_ZONE, config.time_zone.clone());
    set(KEY, source.keys.current.to_hex());
    if let Some((previous, until)) = source.keys.previous {
        set(PREVIOUS_KEY, previous.to_hex());
        set(PREVIOUS_KEY_UNTIL, until.to_rfc3339());
    }
    for (name, portal_user) in &source.static_users {
        let mapped = portal_user.map(|u| u.hyphenated().to_string());
        set(&format!("{STATIC_USER}{name}"), mapped.unwrap_or_default());
    }
    record
}

/// A data source from its vault record.
fn decode(name: &str, record: &Account) -> Result<DataSource, ApiError> {
    let bad = |what: &str| ApiError::Storage {
        detail: format!("the stored data source {name:?} has {what}"),
    };
    let attribute = |key: &str| {
        record
            .attributes
            .get(key)
            .map(String::as_str)
            .ok_or_else(|| bad(&format!("no {key}")))
    };
    let exchange_generation =
        ExchangeGeneration::from_name(attribute(GENERATION).unwrap_or_default())
            .ok_or_else(|| bad("an unknown Exchange generation"))?;
    let authentication = Authentication::from_name(attribute(AUTHENTICATION).unwrap_or_default())
        .ok_or_else(|| bad("an unknown authentication type"))?;
    let session_based = match attribute(SESSION_BASED)? {
        "true" => true,
        "false" => false,
        _ => return Err(bad("an invalid session_based flag")),
    };
    let Secret::Password(password) = &record.secret else {
        return Err(bad("no service account password"));
    };
    let previous = match (
        record.attributes.get(PREVIOUS_KEY),
        record.attributes.get(PREVIOUS_KEY_UNTIL),
    ) {
        (Some(hash), Some(until)) => Some((
            KeyHash::from_hex(hash)?,
            DateTime::parse_from_rfc3339(until)
                .map_err(|_| bad("an invalid grace period end"))?
                .with_timezone(&Utc),
        )),
        (None, None) => None,
        _ => return Err(bad("half a previous portal key")),
    };
    let oauth = match record.attributes.get(OAUTH_CLIENT_ID) {
        None => None,
        Some(client_id) => {
            let optional = |key: &str| record.attributes.get(key).cloned();
            let endpoints = match (optional(OAUTH_AUTHORIZE), optional(OAUTH_TOKEN)) {
                (Some(authorize), Some(token)) => Some(OAuthEndpoints { authorize, token }),
                (None, None) => None,
                _ => return Err(bad("half the OAuth2 endpoints")),
            };
            let credential = match optional(OAUTH_CERTIFICATE) {
                None => OAuthCredential::Secret(password.clone()),
                Some(certificate_pem) => OAuthCredential::Certificate {
                    certificate_pem,
                    private_key_pem: password.clone(),
                },
            };
            Some(OAuthSettings {
                tenant: attribute(OAUTH_TENANT)?.to_owned(),
                client_id: client_id.clone(),
                credential,
                redirect_uri: attribute(OAUTH_REDIRECT_URI)?.to_owned(),
                endpoints,
            })
        }
    };
    if (authentication == Authentication::OAuth2) != oauth.is_some() {
        return Err(bad(
            "OAuth2 settings that do not fit its authentication type",
        ));
    }
    // An OAuth2 data source's record secret is its application's; the service account has none.
    let service_password = match oauth {
        Some(_) => SecretString::from(String::new()),
        None => password.clone(),
    };
    let mut static_users = BTreeMap::new();
    for (key, mapped) in &record.attributes {
        if let Some(static_name) = key.strip_prefix(STATIC_USER) {
            let portal_user = match mapped.as_str() {
                "" => None,
                guid => Some(Uuid::try_parse(guid).map_err(|_| bad("an invalid static user"))?),
            };
            static_users.insert(static_name.to_owned(), portal_user);
        }
    }
    Ok(DataSource {
        static_users,
        config: DataSourceConfig {
            name: name.to_owned(),
            exchange_generation,
            authentication,
            service_account: ServiceAccount::new(
                record.user_name.clone(),
                service_password,
                record.server_url.clone(),
            ),
            session_based,
            time_zone: attribute(TIME_ZONE)?.to_owned(),
            oauth,
        },
        keys: PortalKeys {
            current: KeyHash::from_hex(attribute(KEY)?)?,
            previous,
        },
    })
}

#[cfg(test)]
mod tests {
    use secrecy::{ExposeSecret, SecretString};

    use super::*;

    fn source(session_based: bool) -> DataSource {
        let (_, keys) = PortalKeys::issue().unwrap();
        let (_, keys) = keys
            .rotate(Utc::now() + chrono::Duration::hours(1))
            .unwrap();
        DataSource {
            static_users: BTreeMap::from([
                ("Sales".to_owned(), Some(Uuid::new_v4())),
                ("Reception desk".to_owned(), None),
            ]),
            config: DataSourceConfig {
                name: "Exchange".into(),
                exchange_generation: ExchangeGeneration::Exchange2007,
                authentication: Authentication::UserNamePassword,
                service_account: ServiceAccount::new(
                    "svc@contoso.test",
                    SecretString::from("service-password"),
                    "https://mail.contoso.test/EWS/Exchange.asmx",
                ),
                session_based,
                time_zone: "Europe/Berlin".into(),
                oauth: None,
            },
            keys,
        }
    }

    #[test]
    fn a_data_source_survives_its_record() {
        for session_based in [false, true] {
            let source = source(session_based);
            let back = decode("Exchange", &encode(&source)).unwrap();
            assert_eq!(back.keys.current, source.keys.current);
            let (hash, until) = back.keys.previous.unwrap();
            let (sent_hash, sent_until) = source.keys.previous.unwrap();
            assert_eq!(hash, sent_hash);
            assert_eq!(until.timestamp(), sent_until.timestamp());
            let (a, b) = (&back.config, &source.config);
            assert_eq!(a.session_based, b.session_based);
            assert_eq!(a.exchange_generation, b.exchange_generation);
            assert_eq!(a.time_zone, b.time_zone);
            assert_eq!(a.service_account.ews_url, b.service_account.ews_url);
            assert_eq!(
                a.service_account.password.expose_secret(),
                "service-password"
            );
            assert_eq!(back.static_users, source.static_users);
            let sales = source.static_users["Sales"].unwrap();
            assert_eq!(back.static_user_for(sales), Some("Sales"));
            assert_eq!(back.static_user_for(Uuid::new_v4()), None);
        }
    }

    #[test]
    fn damaged_records_are_storage_errors() {
        let good = encode(&source(false));
        let damages: [(&str, Option<&str>); 6] = [
            (GENERATION, Some("exchange-1999")),
            (AUTHENTICATION, None),
            (SESSION_BASED, Some("yes")),
            (KEY, Some("not hex")),
            (PREVIOUS_KEY_UNTIL, None),
            (PREVIOUS_KEY_UNTIL, Some("tomorrow")),
        ];
        for (key, value) in damages {
            let mut record = good.clone();
            match value {
                Some(value) => record.attributes.insert(key.to_owned(), value.to_owned()),
                None => record.attributes.remove(key),
            };
            assert!(
                matches!(decode("Exchange", &record), Err(ApiError::Storage { .. })),
                "{key} = {value:?}"
            );
        }
        let mut no_password = good;
        no_password.secret = Secret::None;
        assert!(decode("Exchange", &no_password).is_err());
    }
}
