//! The known users of a data source, for the admin area: its portal users' accounts, stored
//! and session-based, shown without secrets, and their resets.

use std::collections::btree_map::{BTreeMap, Entry};

use mediagateway_api::{ApiError, KnownUser, UserPage, UserQuery, UserRef};
use mediagateway_vault::{AccountSummary, RecordId, SecretKind, Vault, VaultError};
use uuid::Uuid;

use crate::gateway::storage;
use crate::registry::DataSource;
use crate::{audit, validate, Gateway};

impl Gateway {
    /// A page of the known users of the data source `query` names.
    pub(crate) fn list_known_users(&self, query: &UserQuery) -> Result<UserPage, ApiError> {
        query.check()?;
        let source = self.known_data_source(&query.data_source)?;
        let needle = query
            .filter
            .as_deref()
            .map(str::to_lowercase)
            .filter(|needle| !needle.is_empty());
        let mut matching = self
            .known_users(&source)?
            .into_iter()
            .filter(|user| needle.as_deref().is_none_or(|needle| matches(user, needle)));
        let offset = usize::try_from(query.offset).unwrap_or(usize::MAX);
        let limit = usize::try_from(query.limit).unwrap_or(usize::MAX);
        let users: Vec<KnownUser> = matching.by_ref().skip(offset).take(limit).collect();
        let more = matching.next().is_some();
        Ok(UserPage { users, more })
    }

    /// One known user: the account the data source uses, if the portal user has one.
    pub(crate) fn known_user(&self, user: &UserRef) -> Result<KnownUser, ApiError> {
        let source = self.known_data_source(&user.data_source)?;
        let id = RecordId::new(user.data_source.clone(), user.portal_user.to_string());
        let stored = self
            .vault
            .details(&id)
            .map_err(storage)?
            .and_then(|summary| shown(&summary, true));
        let in_session = self
            .sessions
            .details(&id)
            .and_then(|summary| shown(&summary, false));
        let (used, other) = if source.config.session_based {
            (in_session, stored)
        } else {
            (stored, in_session)
        };
        used.or(other).ok_or_else(|| ApiError::NotLoggedIn {
            portal_user: user.portal_user.to_string(),
        })
    }

    /// Removes the portal user's stored and session account; true if there was one.
    pub(crate) fn reset_known_user(&self, user: &UserRef) -> Result<bool, ApiError> {
        self.known_data_source(&user.data_source)?;
        let id = RecordId::new(user.data_source.clone(), user.portal_user.to_string());
        let reset = self.remove_accounts(&id)?;
        if reset {
            audit::user_reset(&user.data_source, user.portal_user);
        }
        Ok(reset)
    }

    /// Removes every portal user's account of `data_source`, and has the backend forget their
    /// logins; returns how many there were. The accounts are listed first for their logins,
    /// which opens every stored one, as a listing does.
    pub(crate) fn reset_known_users(&self, data_source: &str) -> Result<u32, ApiError> {
        self.known_data_source(data_source)?;
        let (_, count) =
            self.remove_all_accounts(data_source, |vault| vault.reset_data_source(data_source))?;
        audit::all_users_reset(data_source, count);
        Ok(u32::try_from(count).unwrap_or(u32::MAX))
    }

    /// Removes every session account of `data_source` and, with `delete`, its vault records,
    /// and has the backend forget their logins. Returns how many portal users' accounts were
    /// listed first (for their logins: that opens every stored one, as a listing does) and how
    /// many records the session store and `delete` removed.
    pub(crate) fn remove_all_accounts(
        &self,
        data_source: &str,
        delete: impl FnOnce(&Vault) -> Result<usize, VaultError>,
    ) -> Result<(usize, usize), ApiError> {
        let in_session = self.sessions.users(data_source);
        let stored = self.vault.users(data_source).map_err(storage)?;
        let removed = self.sessions.reset_data_source(data_source);
        let deleted = delete(&self.vault).map_err(storage)?;
        self.forget(in_session.iter().chain(&stored));
        Ok((in_session.len() + stored.len(), removed + deleted))
    }

    /// The configured data source called `name`; a malformed name is an invalid argument.
    fn known_data_source(&self, name: &str) -> Result<std::sync::Arc<DataSource>, ApiError> {
        validate::name("data source name", name)?;
        self.data_sources.get(&self.vault, name)
    }

    /// Every known user of `source`, by portal user. A portal user with both a stored and a
    /// session account (the data source changed between the two) is shown with the one the
    /// data source uses now. Every page reads them all, as the vault's own listing does: the
    /// store's order need not be the GUIDs' order, and a page must be the same on every store.
    fn known_users(&self, source: &DataSource) -> Result<Vec<KnownUser>, ApiError> {
        let name = &source.config.name;
        let stored = self.vault.users(name).map_err(storage)?;
        let in_session = self.sessions.users(name);
        let prefer_stored = !source.config.session_based;
        let mut users = BTreeMap::new();
        for (summaries, is_stored) in [(stored, true), (in_session, false)] {
            for user in summaries.iter().filter_map(|s| shown(s, is_stored)) {
                match users.entry(user.portal_user) {
                    Entry::Vacant(entry) => {
                        entry.insert(user);
                    }
                    Entry::Occupied(mut entry) if is_stored == prefer_stored => {
                        entry.insert(user);
                    }
                    Entry::Occupied(_) => {}
                }
            }
        }
        Ok(users.into_values().collect())
    }
}

/// What the admin sees of an account. An account without a secret (Kerberos) shows only its
/// mailbox and server URL. `None` for a record whose portal user is not a GUID: the gateway
/// writes none, so it is not one of its users.
fn shown(summary: &AccountSummary, stored: bool) -> Option<KnownUser> {
    let Ok(portal_user) = Uuid::try_parse(&summary.id.portal_user) else {
        tracing::debug!(record = %summary.id, "a record whose portal user is not a GUID is not listed");
        return None;
    };
    let non_empty = |text: &str| Some(text.to_owned()).filter(|t| !t.is_empty());
    let full = summary.secret_kind != SecretKind::None;
    Some(KnownUser {
        portal_user,
        user_name: non_empty(&summary.user_name).filter(|_| full),
        mailbox: summary.mailbox.as_deref().and_then(non_empty),
        stored,
        server_url: non_empty(&summary.server_url),
        created: Some(summary.created).filter(|_| full),
        updated: Some(summary.updated).filter(|_| full),
        last_used: summary.last_used.filter(|_| full),
    })
}

/// Whether `needle`, already lower-cased, occurs in what is shown of the portal user's GUID,
/// user name or mailbox: a hidden field is not searched.
fn matches(user: &KnownUser, needle: &str) -> bool {
    let hit = |text: &str| text.to_lowercase().contains(needle);
    hit(&user.portal_user.hyphenated().to_string())
        || user.user_name.as_deref().is_some_and(hit)
        || user.mailbox.as_deref().is_some_and(hit)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use chrono::Utc;
    use mediagateway_api::{Authentication, DataSourceConfig, ExchangeGeneration, ServiceAccount};
    use mediagateway_vault::{Account, Secret};
    use secrecy::SecretString;

    use super::*;
    use crate::config::GatewayConfig;
    use crate::portal_keys::PortalKeys;

    fn summary(portal_user: &str, secret: Secret) -> AccountSummary {
        let mut account = Account::new("CONTOSO\\Alice", "https://mail.contoso.test/EWS", secret);
        account.mailbox = Some("Alice.Smith@Contoso.test".to_owned());
        account.last_used = Some(Utc::now());
        account.summary(&RecordId::new("Exchange", portal_user))
    }

    #[test]
    fn an_account_without_a_secret_shows_only_mailbox_and_url() {
        let guid = Uuid::new_v4();
        let password = shown(&summary(&guid.to_string(), Secret::password("p")), true).unwrap();
        assert_eq!(password.user_name.as_deref(), Some("CONTOSO\\Alice"));
        assert!(password.created.is_some() && password.last_used.is_some());
        let token = shown(
            &summary(&guid.to_string(), Secret::refresh_token("t")),
            false,
        )
        .unwrap();
        assert_eq!(token.user_name, password.user_name);
        assert!(!token.stored);
        let kerberos = shown(&summary(&guid.to_string(), Secret::None), true).unwrap();
        assert_eq!(kerberos.portal_user, guid);
        assert_eq!(kerberos.user_name, None);
        assert_eq!(
            (kerberos.created, kerberos.updated, kerberos.last_used),
            (None, None, None)
        );
        assert_eq!(
            kerberos.mailbox.as_deref(),
            Some("Alice.Smith@Contoso.test")
        );
        assert_eq!(
            kerberos.server_url.as_deref(),
            Some("https://mail.contoso.test/EWS")
        );
        assert!(shown(&summary("not-a-guid", Secret::None), true).is_none());
    }

    #[test]
    fn the_filter_searches_what_is_shown_ignoring_case() {
        let guid = Uuid::parse_str("8b0c2a5e-3f41-4d7a-9c1e-5b6f7a8d9e0f").unwrap();
        let user = shown(&summary(&guid.to_string(), Secret::password("p")), true).unwrap();
        for needle in ["8b0c2a5e-3f41", "contoso\\alice", "smith@contoso", "e0f"] {
            assert!(matches(&user, needle), "{needle}");
        }
        assert!(!matches(&user, "bob"));
        let kerberos = shown(&summary(&guid.to_string(), Secret::None), true).unwrap();
        assert!(
            !matches(&kerberos, "contoso\\alice"),
            "the hidden user name"
        );
        assert!(matches(&kerberos, "alice.smith"));
    }

    #[test]
    fn resets_remove_every_account_but_the_service_account() {
        let dir = tempfile::tempdir().unwrap();
        let config = GatewayConfig::in_dir(dir.path()).with_rsa_bits(2048);
        let gateway = Gateway::open(&config).unwrap();
        let (_, keys) = PortalKeys::issue().unwrap();
        let source = DataSource {
            config: DataSourceConfig {
                name: "Exchange".to_owned(),
                exchange_generation: ExchangeGeneration::Exchange2010To2019,
                authentication: Authentication::UserNamePassword,
                service_account: ServiceAccount::new(
                    "svc@contoso.test",
                    SecretString::from("service-password"),
                    "https://mail.contoso.test/EWS/Exchange.asmx",
                ),
                session_based: false,
                time_zone: "UTC".to_owned(),
                oauth: None,
            },
            keys,
            static_users: Default::default(),
        };
        gateway.data_sources.put(&gateway.vault, source).unwrap();
        let (alice, bob, carol) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        let account = || Account::new("u@contoso.test", "https://x", Secret::password("p"));
        let id = |user: Uuid| RecordId::new("Exchange", user.to_string());
        gateway.vault.put(&id(alice), &account()).unwrap();
        gateway.vault.put(&id(bob), &account()).unwrap();
        let ttl = Duration::from_secs(60);
        gateway.sessions.put(&id(carol), account(), ttl).unwrap();

        // The audit events of resets are checked where a global subscriber sees every thread
        // (`tests/no_secrets_in_logs.rs`): a per-thread capture races with the other tests here.
        let alice = UserRef::new("Exchange", alice);
        assert!(gateway.reset_known_user(&alice).unwrap());
        assert!(!gateway.reset_known_user(&alice).unwrap());
        assert_eq!(gateway.reset_known_users("Exchange").unwrap(), 2);
        let service = RecordId::service_account("Exchange");
        assert!(gateway.vault.get(&service).unwrap().is_some());
        assert!(gateway.sessions.is_empty() && gateway.vault.len().unwrap() == 1);
    }
}
