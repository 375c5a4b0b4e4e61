//! The mailbox backend seam: how the gateway reaches a mailbox.
//!
//! EWS is the backend for Exchange Server 2007 to SE. The trait is where a Microsoft Graph
//! backend for Exchange Online will plug in.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use chrono::Utc;
use exchange_auth::{Basic, UserCredentials};
use exchange_ews::calendar::{
    CalendarItem, NewCalendarItem, SendMeetingCancellations, SendMeetingInvitations,
};
use exchange_ews::client::RetryPolicy;
use exchange_ews::error::ConnectFailure;
use exchange_ews::items::DeleteType;
use exchange_ews::{
    DistinguishedFolder, EwsClient, EwsError, ExchangeVersion as EwsVersion, FolderTarget, ItemId,
};
use mediagateway_transport::{
    Appointment, ExchangeVersion, NewAppointment, TimeWindow, TransportError, Unreachable,
};
use secrecy::{ExposeSecret, SecretString};
use sha2::{Digest, Sha256};

/// Everything needed to act in one mailbox.
#[derive(Debug, Clone)]
pub struct MailboxAccess {
    /// The EWS endpoint.
    pub server_url: String,
    /// The data source's Exchange version.
    pub version: ExchangeVersion,
    /// The Exchange user name.
    pub user_name: String,
    /// Its password.
    pub password: SecretString,
    /// The mailbox (primary SMTP address).
    pub mailbox: String,
}

/// What the gateway asks of a mailbox, whatever protocol reaches it.
#[async_trait]
pub trait MailboxBackend: Send + Sync {
    /// Checks that the login data works; returns the server's version when it says.
    async fn check(&self, access: &MailboxAccess) -> Result<Option<String>, TransportError>;
    /// Appointments overlapping `window`.
    async fn find_appointments(
        &self,
        access: &MailboxAccess,
        window: &TimeWindow,
    ) -> Result<Vec<Appointment>, TransportError>;
    /// One appointment.
    async fn appointment(
        &self,
        access: &MailboxAccess,
        id: &str,
    ) -> Result<Appointment, TransportError>;
    /// Creates an appointment.
    async fn create_appointment(
        &self,
        access: &MailboxAccess,
        appointment: &NewAppointment,
    ) -> Result<Appointment, TransportError>;
    /// Deletes an appointment for good.
    async fn delete_appointment(
        &self,
        access: &MailboxAccess,
        id: &str,
    ) -> Result<(), TransportError>;
}

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

    fn client(&self, access: &MailboxAccess) -> Result<EwsClient, TransportError> {
        let mut key = Sha256::new();
        for part in [
            access.server_url.as_str(),
            access.user_name.as_str(),
            access.password.expose_secret(),
        ] {
            key.update((part.len() as u64).to_le_bytes());
            key.update(part.as_bytes());
        }
        key.update([access.version as u8]);
        let key: [u8; 32] = key.finalize().into();
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
        .map_err(|e| TransportError::InvalidArgument {
            what: e.to_string(),
        })?;
        let client = EwsClient::builder(&access.server_url)
            .version(ews_version(access.version))
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

fn calendar() -> FolderTarget {
    FolderTarget::Distinguished(DistinguishedFolder::Calendar)
}

#[async_trait]
impl MailboxBackend for EwsBackend {
    async fn check(&self, access: &MailboxAccess) -> Result<Option<String>, TransportError> {
        let client = self.client(access)?;
        // The cheapest call that proves the login and the mailbox: an empty calendar window.
        let now = Utc::now();
        client
            .find_calendar_items(&calendar(), now, now, Some(1))
            .await
            .map_err(map_error)?;
        Ok(client
            .last_server_version()
            .map(|v| format!("{}.{}.{}.{}", v.major, v.minor, v.build, v.revision)))
    }

    async fn find_appointments(
        &self,
        access: &MailboxAccess,
        window: &TimeWindow,
    ) -> Result<Vec<Appointment>, TransportError> {
        let view = self
            .client(access)?
            .find_calendar_items(&calendar(), window.start(), window.end(), None)
            .await
            .map_err(map_error)?;
        Ok(view.items.into_iter().map(appointment).collect())
    }

    async fn appointment(
        &self,
        access: &MailboxAccess,
        id: &str,
    ) -> Result<Appointment, TransportError> {
        let item = self
            .client(access)?
            .get_calendar_item(&item_id(id)?)
            .await
            .map_err(|e| map_item_error(e, id))?;
        Ok(appointment(item))
    }

    async fn create_appointment(
        &self,
        access: &MailboxAccess,
        new: &NewAppointment,
    ) -> Result<Appointment, TransportError> {
        let item = NewCalendarItem {
            subject: new.subject.clone(),
            start: new.start,
            end: new.end,
            is_all_day: new.is_all_day,
            location: new.location.clone(),
            body: new.body.clone().map(exchange_ews::items::Body::text),
            ..Default::default()
        };
        let id = self
            .client(access)?
            .create_calendar_item(&calendar(), &item, SendMeetingInvitations::SendToNone)
            .await
            .map_err(map_error)?;
        Ok(Appointment {
            id: id.id,
            change_key: id.change_key.unwrap_or_default(),
            subject: new.subject.clone(),
            start: new.start,
            end: new.end,
            is_all_day: new.is_all_day,
            location: new.location.clone(),
            body: new.body.clone(),
            organizer: Some(access.mailbox.clone()),
        })
    }

    async fn delete_appointment(
        &self,
        access: &MailboxAccess,
        id: &str,
    ) -> Result<(), TransportError> {
        self.client(access)?
            .delete_item(
                &item_id(id)?,
                DeleteType::HardDelete,
                SendMeetingCancellations::SendToNone,
            )
            .await
            .map_err(|e| map_item_error(e, id))
    }
}

fn item_id(id: &str) -> Result<ItemId, TransportError> {
    if id.is_empty() || id.len() > 4096 {
        return Err(TransportError::InvalidArgument {
            what: format!("an item id of {} bytes", id.len()),
        });
    }
    Ok(ItemId::new(id))
}

fn ews_version(version: ExchangeVersion) -> EwsVersion {
    match version {
        ExchangeVersion::Exchange2007 => EwsVersion::Exchange2007Sp1,
        // The lowest schema every server of the range accepts; Exchange 2019, SE and Online
        // answer it too.
        _ => EwsVersion::Exchange2010,
    }
}

fn appointment(item: CalendarItem) -> Appointment {
    Appointment {
        id: item.id.id,
        change_key: item.id.change_key.unwrap_or_default(),
        subject: item.subject,
        start: item.start,
        end: item.end,
        is_all_day: item.is_all_day,
        location: item.location,
        body: item.body.map(|b| b.content),
        organizer: item.organizer.and_then(|m| m.email.or(m.name)),
    }
}

fn map_item_error(error: EwsError, id: &str) -> TransportError {
    if error.is_not_found()
        || error
            .response_code()
            .is_some_and(|c| c.as_str() == "ErrorInvalidIdMalformed")
    {
        return TransportError::ItemNotFound { id: id.to_owned() };
    }
    map_error(error)
}

fn unreachable(kind: ConnectFailure) -> Unreachable {
    match kind {
        ConnectFailure::Refused => Unreachable::Refused,
        ConnectFailure::NameNotResolved => Unreachable::NameNotResolved,
        ConnectFailure::Timeout => Unreachable::Timeout,
        ConnectFailure::Tls => Unreachable::Tls,
        _ => Unreachable::Other,
    }
}

/// The one place where EWS failures become gateway errors.
pub(crate) fn map_error(error: EwsError) -> TransportError {
    let detail = error.to_string();
    if error.is_throttled() {
        return TransportError::Throttled {
            back_off: error.back_off(),
            detail,
        };
    }
    if error.is_authentication_failed() {
        return TransportError::ExchangeLoginRefused { detail };
    }
    if let Some(code) = error.response_code() {
        return match code.as_str() {
            "ErrorNonExistentMailbox" => TransportError::MailboxNotFound { detail },
            "ErrorMailboxStoreUnavailable" | "ErrorMailboxMoveInProgress" => {
                TransportError::MailboxNotReady { detail }
            }
            code => TransportError::Exchange {
                code: code.to_owned(),
                detail,
            },
        };
    }
    match error {
        EwsError::Connection { kind, .. } => TransportError::ExchangeUnreachable {
            cause: unreachable(kind),
            detail,
        },
        // A wrong EWS path (404) or a server without EWS: the web services are not reachable.
        EwsError::HttpStatus {
            status: 404 | 502 | 503 | 504,
            ..
        } => TransportError::ExchangeUnreachable {
            cause: Unreachable::Other,
            detail,
        },
        EwsError::HttpStatus { status, .. } => TransportError::Exchange {
            code: format!("HTTP {status}"),
            detail,
        },
        EwsError::InvalidArgument { .. } => TransportError::InvalidArgument { what: detail },
        EwsError::HttpClientSetup { .. } => TransportError::Internal { detail },
        _ => TransportError::Exchange {
            code: "InvalidResponse".to_owned(),
            detail,
        },
    }
}
