//! The EWS backend: Exchange Server 2007 to SE (and Exchange Online while EWS lasts there).

mod calendar;
mod errors;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use exchange_auth::{Basic, UserCredentials};
use exchange_ews::client::RetryPolicy;
use exchange_ews::{DistinguishedFolder, EwsClient, ExchangeVersion, FolderTarget};
use mediagateway_api::{ApiError, ExchangeGeneration};
use secrecy::ExposeSecret;

use super::{MailboxAccess, MailboxBackend};
use crate::fingerprint;
use errors::map_error;

/// The EWS backend. It keeps one client (and so one connection pool) per set of login data.
#[derive(Debug)]
pub struct EwsBackend {
    timeout: Duration,
    clients: Mutex<HashMap<[u8; 32], EwsClient>>,
}

/// The longest throttling back-off the gateway waits out itself. Portal calls are interactive:
/// a longer one goes back to the portal as `Throttled` with the server's back-off.
const MAX_INTERACTIVE_BACK_OFF: Duration = Duration::from_secs(5);

/// More cached clients than this and the cache starts over; a client is cheap to rebuild.
const MAX_CACHED_CLIENTS: usize = 4096;

impl EwsBackend {
    /// A backend whose requests time out after `timeout`.
    pub fn new(timeout: Duration) -> Self {
        Self {
            timeout,
            clients: Mutex::new(HashMap::new()),
        }
    }

    /// The client of `access`'s login data, from the cache or new.
    fn client(&self, access: &MailboxAccess) -> Result<EwsClient, ApiError> {
        let key = fingerprint::digest(
            &[
                &access.server_url,
                &access.user_name,
                access.password.expose_secret(),
            ],
            &[access.generation as u8],
        );
        let mut clients = self
            .clients
            .lock()
            .expect("the client cache lock is never poisoned");
        if let Some(client) = clients.get(&key) {
            return Ok(client.clone());
        }
        let basic = Basic::new(UserCredentials::new(
            access.user_name.clone(),
            access.password.clone(),
        ))
        .map_err(|e| ApiError::invalid(e.to_string()))?;
        let client = EwsClient::builder(&access.server_url)
            .version(ews_version(access.generation))
            .auth(Arc::new(basic))
            .timeout(self.timeout)
            .retry(RetryPolicy::new(
                3,
                Duration::from_millis(250),
                MAX_INTERACTIVE_BACK_OFF,
            ))
            .build()
            .map_err(map_error)?;
        if clients.len() >= MAX_CACHED_CLIENTS {
            clients.clear();
        }
        clients.insert(key, client.clone());
        Ok(client)
    }
}

fn calendar_folder() -> FolderTarget {
    FolderTarget::Distinguished(DistinguishedFolder::Calendar)
}

fn ews_version(generation: ExchangeGeneration) -> ExchangeVersion {
    match generation {
        ExchangeGeneration::Exchange2007 => ExchangeVersion::Exchange2007Sp1,
        // The lowest schema every server of the range accepts; Exchange 2019, SE and Online
        // answer it too.
        ExchangeGeneration::Exchange2010To2019 => ExchangeVersion::Exchange2010,
    }
}

#[async_trait]
impl MailboxBackend for EwsBackend {
    async fn check(&self, access: &MailboxAccess) -> Result<Option<String>, ApiError> {
        let client = self.client(access)?;
        // The cheapest call that proves the login and the mailbox: an empty calendar window.
        let now = Utc::now();
        client
            .find_calendar_items(&calendar_folder(), now, now, Some(1))
            .await
            .map_err(map_error)?;
        Ok(client
            .last_server_version()
            .map(|v| format!("{}.{}.{}.{}", v.major, v.minor, v.build, v.revision)))
    }
}
