//! The async client: the request types of every area sent over HTTP(S).

mod back_off;
mod batch;
mod builder;
mod calendar_windows;
mod directory;
mod folders;
mod identity;
mod limit;
mod retry;

pub use back_off::{BackOffScope, BackOffState};
pub use batch::{BatchResult, CreateOptions, MAX_BATCH_SIZE};
pub use builder::EwsClientBuilder;
pub use folders::ItemPager;
pub use identity::Impersonation;
pub use retry::RetryPolicy;

pub use crate::http::{AddressCheck, HostLookup, SystemLookup};

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use tokio::time::Instant;
use tracing::{debug, enabled, trace, Level};

use crate::calendar::{
    CalendarItem, CalendarView, CreateCalendarItem, FindCalendarItems, GetCalendarItem,
    NewCalendarItem, SendMeetingCancellations, SendMeetingInvitations,
};
use crate::http::{body_snippet, Answer, HttpEndpoint};
use crate::items::{DeleteItem, DeleteType};
use crate::timezone::{GetServerTimeZones, TimeZoneContext, TimeZoneDefinition};
use crate::version::ServerVersionInfo;
use crate::{Envelope, EwsError, ExchangeVersion, FolderTarget, ItemId, Operation};
use back_off::BackOffKeys;
use identity::Identity;
use limit::MailboxLimits;
use retry::Jitter;

/// The `tracing` target of request and response bodies (at trace level; never headers).
const WIRE_TARGET: &str = "exchange_ews::wire";

/// A client of one EWS endpoint (`…/EWS/Exchange.asmx`).
///
/// Cloning is cheap: clones share the connection pool, the last server version, the
/// per-mailbox request limits, the [throttling back-offs](BackOffState) and the back-end
/// affinity cookie.
#[derive(Clone)]
pub struct EwsClient {
    inner: Arc<Inner>,
    identity: Arc<Identity>,
    /// A lower limit on answers than the client's, for this clone's requests.
    response_limit: Option<usize>,
}

struct Inner {
    endpoint: HttpEndpoint,
    version: ExchangeVersion,
    timeout: Duration,
    last_server_version: Mutex<Option<ServerVersionInfo>>,
    retry: RetryPolicy,
    jitter: Jitter,
    limits: MailboxLimits,
    back_off: BackOffState,
    /// The server's back-off key: the URL's host and port.
    server_key: String,
    /// Whose mailbox the requests act on without impersonation, as the back-off state knows
    /// it (empty for a state of the client's own).
    account: String,
    time_zone: Option<TimeZoneContext>,
    batch_size: usize,
}

impl EwsClient {
    /// A builder for a client of the endpoint `url`.
    pub fn builder(url: &str) -> EwsClientBuilder {
        EwsClientBuilder::new(url)
    }

    /// The calendar items of `folder` that overlap `start`..`end` (recurring series expanded),
    /// at most `max_entries` of them.
    pub async fn find_calendar_items(
        &self,
        folder: &FolderTarget,
        start: DateTime<Utc>,
        end: DateTime<Utc>,
        max_entries: Option<u32>,
    ) -> Result<CalendarView, EwsError> {
        let request = FindCalendarItems::new(folder.clone(), start, end, max_entries)?;
        self.execute(&request).await
    }

    /// One calendar item with its body.
    pub async fn get_calendar_item(&self, id: &ItemId) -> Result<CalendarItem, EwsError> {
        self.execute(&GetCalendarItem::new(id.clone())?).await
    }

    /// Creates a calendar item in `folder` and returns its id.
    pub async fn create_calendar_item(
        &self,
        folder: &FolderTarget,
        item: &NewCalendarItem,
        invitations: SendMeetingInvitations,
    ) -> Result<ItemId, EwsError> {
        let request = CreateCalendarItem::new(folder.clone(), item.clone(), invitations)?;
        self.execute(&request).await
    }

    /// Deletes an item.
    pub async fn delete_item(
        &self,
        id: &ItemId,
        delete_type: DeleteType,
        cancellations: SendMeetingCancellations,
    ) -> Result<(), EwsError> {
        self.execute(&DeleteItem::new(id.clone(), delete_type, cancellations)?)
            .await
    }

    /// The time zone definitions the server knows: those of the Windows `ids`, or all when
    /// `ids` is empty; with `full_definitions` they carry periods and transitions (needed by
    /// [`TimeZoneDefinition::offset_at`]). Exchange 2010 and later.
    pub async fn server_time_zones(
        &self,
        ids: &[&str],
        full_definitions: bool,
    ) -> Result<Vec<TimeZoneDefinition>, EwsError> {
        self.execute(&GetServerTimeZones::new(ids, full_definitions)?)
            .await
    }

    /// The server version from the SOAP header of the last answer that had one.
    pub fn last_server_version(&self) -> Option<ServerVersionInfo> {
        self.inner
            .last_server_version
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The schema version the client requests.
    pub fn version(&self) -> ExchangeVersion {
        self.inner.version
    }

    /// A client that acts on another mailbox through `impersonation`, sharing this one's
    /// connections, per-mailbox limits and back-off state (but not its affinity cookie, which
    /// belongs to the mailbox); fails on an identifier [`EwsClientBuilder::impersonate`]
    /// would refuse.
    pub fn impersonating(&self, impersonation: Impersonation) -> Result<Self, EwsError> {
        Ok(Self {
            inner: Arc::clone(&self.inner),
            identity: Arc::new(Identity::new(Some(impersonation))?),
            response_limit: self.response_limit,
        })
    }

    /// A client sharing everything with this one whose requests read answers of at most
    /// `max_bytes` (or the client's own limit, when that is lower): a larger answer fails
    /// with [`EwsError::ResponseTooLarge`] without being read to its end. For a request whose
    /// answer the caller bounds, such as an attachment's content.
    pub fn with_response_limit(&self, max_bytes: usize) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
            identity: Arc::clone(&self.identity),
            response_limit: Some(max_bytes),
        }
    }

    /// The mailbox this client impersonates, if any.
    pub fn impersonation(&self) -> Option<&Impersonation> {
        self.identity.impersonation()
    }

    /// Sends any operation and reads its answer, retrying throttled attempts as the
    /// [`RetryPolicy`] says, each attempt after the back-off of its mailbox and server (see
    /// [`BackOffState`]).
    pub async fn execute<O: Operation>(&self, operation: &O) -> Result<O::Output, EwsError> {
        operation.check(self.inner.version)?;
        let mut envelope = operation.envelope(self.inner.version);
        if let Some(context) = &self.inner.time_zone {
            envelope = context.add_to_envelope(&envelope, self.inner.version)?;
        }
        let envelope = self.identity.envelope(envelope)?;
        trace!(target: WIRE_TARGET, operation = O::NAME, body = %envelope, "request");
        let envelope = Bytes::from(envelope);
        let keys = self.back_off_keys();
        let mut waited = Duration::ZERO;
        let mut attempt = 1;
        loop {
            let error = match self
                .attempt::<O>(envelope.clone(), &keys, &mut waited)
                .await
            {
                Ok(output) => return Ok(output),
                Err(error) => error,
            };
            let retry = self
                .inner
                .retry
                .delay_after(&error, attempt, &self.inner.jitter);
            let Some(delay) = retry else {
                return Err(error);
            };
            debug!(
                operation = O::NAME,
                attempt,
                delay_ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX),
                %error,
                "retrying a throttled request"
            );
            tokio::time::sleep(delay).await;
            attempt += 1;
        }
    }

    /// One attempt, after the shared back-off and within the mailbox's concurrency limit (not
    /// held while the call backs off on its own). A throttling answer's back-off is kept for
    /// the requests after it.
    async fn attempt<O: Operation>(
        &self,
        envelope: Bytes,
        keys: &BackOffKeys,
        waited: &mut Duration,
    ) -> Result<O::Output, EwsError> {
        // Before queueing too, so that a call that cannot wait long enough fails at once.
        self.wait_for_back_off(keys, waited).await?;
        let answer = {
            let _permit = self.inner.limits.acquire(self.identity.mailbox_key()).await;
            // Another request's answer may have asked to back off while this one queued.
            self.wait_for_back_off(keys, waited).await?;
            let endpoint = &self.inner.endpoint;
            let limit = self
                .response_limit
                .map_or(endpoint.max_response_bytes, |own| {
                    own.min(endpoint.max_response_bytes)
                });
            endpoint
                .post_limited(envelope, &*self.identity, limit)
                .await?
        };
        if enabled!(target: WIRE_TARGET, Level::TRACE) {
            trace!(
                target: WIRE_TARGET,
                operation = O::NAME,
                status = answer.status.as_u16(),
                body = %String::from_utf8_lossy(&answer.body),
                "response"
            );
        }
        let output = self.interpret::<O>(answer);
        if let Err(error) = &output {
            self.inner.back_off.record(keys, error, Instant::now());
        }
        output
    }

    /// Waits until neither the request's mailbox nor its server backs off; fails at once
    /// when the call's waits would then exceed the policy's `max_delay` in all.
    async fn wait_for_back_off(
        &self,
        keys: &BackOffKeys,
        waited: &mut Duration,
    ) -> Result<(), EwsError> {
        while let Some(pending) = self.inner.back_off.pending(keys, Instant::now()) {
            let budget = self.inner.retry.max_delay().saturating_sub(*waited);
            if pending.remaining > budget {
                return Err(pending.into_error());
            }
            debug!(
                scope = %pending.scope,
                wait_ms = u64::try_from(pending.remaining.as_millis()).unwrap_or(u64::MAX),
                "waiting for a throttling back-off before sending"
            );
            tokio::time::sleep(pending.remaining).await;
            *waited += pending.remaining;
        }
        Ok(())
    }

    /// The back-off keys of this client's requests: its server, and the impersonated
    /// mailbox or else the account's own.
    fn back_off_keys(&self) -> BackOffKeys {
        let mailbox = match self.identity.mailbox_key() {
            "" => self.inner.account.as_str(),
            impersonated => impersonated,
        };
        BackOffKeys::new(&self.inner.server_key, mailbox)
    }

    /// The result of an answer: a success status carries the operation's answer (or a
    /// fault); a failure status is a fault or response error when the body says so, and an
    /// HTTP error otherwise (EWS sends faults with status 500).
    fn interpret<O: Operation>(&self, answer: Answer) -> Result<O::Output, EwsError> {
        let parsed = O::parse_envelope(&answer.body);
        if let Some(version) = parsed.as_ref().ok().and_then(Envelope::server_version) {
            *self
                .inner
                .last_server_version
                .lock()
                .unwrap_or_else(PoisonError::into_inner) = Some(version.clone());
        }
        if answer.status.is_success() {
            return O::output(&parsed?);
        }
        if answer.status == http::StatusCode::FORBIDDEN {
            if let Some(reason) = answer.policy_reason {
                return Err(EwsError::EwsBlocked { reason });
            }
        }
        let http_error = || EwsError::HttpStatus {
            status: answer.status.as_u16(),
            body_snippet: body_snippet(&answer.body),
            retry_after: answer.retry_after,
        };
        match parsed {
            Err(fault @ EwsError::SoapFault { .. }) => Err(fault),
            Ok(envelope) => match O::output(&envelope) {
                Err(error @ EwsError::Response { .. }) => Err(error),
                _ => Err(http_error()),
            },
            Err(_) => Err(http_error()),
        }
    }
}

impl fmt::Debug for EwsClient {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("EwsClient")
            .field("url", &inner.endpoint.url.as_str())
            .field("version", &inner.version)
            .field("auth", &inner.endpoint.auth.scheme())
            .field("timeout", &inner.timeout)
            .field("max_response_bytes", &inner.endpoint.max_response_bytes)
            .field("retry", &inner.retry)
            .field("max_concurrent_per_mailbox", &inner.limits.per_mailbox())
            .field("back_off", &inner.back_off)
            .field("impersonation", &self.identity.impersonation())
            .finish_non_exhaustive()
    }
}
