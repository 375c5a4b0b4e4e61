//! The mailbox backend seam: how the gateway reaches a mailbox, whatever protocol does it.
//!
//! The gateway asks in the API's terms (appointments, windows, ids); a backend turns that into
//! its protocol. [`EwsBackend`] serves Exchange Server 2007 to SE over EWS; a Microsoft Graph
//! backend for Exchange Online plugs in here too. The seam is split by area like the API:
//! [`MailboxBackend`] checks access and is every area's backend in one object.

mod ews;

use async_trait::async_trait;
use mediagateway_api::tables::{
    Changes, ChangesRequest, CreateRecord, DeleteRecord, GetRecord, Record, Table, TableInfo,
    TableQuery, TransferRecord, UpdateRecord,
};
use std::sync::Arc;

use exchange_auth::oauth::{RefreshTokenHook, TokenSet};
use mediagateway_api::{
    ApiError, ApiStream, Appointment, AttachmentInfo, Authentication, ExchangeGeneration,
    FileAttachment, FreeBusyRequest, MailboxAvailability, NameQuery, NewAppointment,
    NewFileAttachment, OAuthSettings, ResolvedName, TimeWindow,
};
use secrecy::SecretString;

pub use ews::EwsBackend;
pub(crate) use ews::{map_auth_error, sign_in_flow};

/// Everything needed to act in one mailbox.
#[derive(Debug, Clone)]
pub struct MailboxAccess {
    /// The EWS endpoint.
    pub server_url: String,
    /// The data source's Exchange servers.
    pub generation: ExchangeGeneration,
    /// How the user name and password are sent: by the server's offer, or a pinned scheme.
    pub authentication: Authentication,
    /// The Exchange user name.
    pub user_name: String,
    /// Its password.
    pub password: SecretString,
    /// The mailbox (primary SMTP address).
    pub mailbox: String,
    /// The data source's IANA time zone (`Europe/Berlin`): where dates and all-day values are
    /// read and written.
    pub time_zone: String,
    /// With [`Authentication::OAuth2`]: the application and the grant (the password is then
    /// empty and unused).
    pub oauth: Option<OAuthAccess>,
}

/// How an OAuth2 access gets its bearer tokens.
#[derive(Debug, Clone)]
pub struct OAuthAccess {
    /// The data source's application.
    pub settings: OAuthSettings,
    /// Delegated (a portal user's sign-in) or app-only (impersonating the mailbox).
    pub grant: OAuthGrant,
}

/// The grant of an [`OAuthAccess`].
#[derive(Clone)]
pub enum OAuthGrant {
    /// A portal user's sign-in: the refresh token kept for it, the tokens of the sign-in
    /// itself when they are at hand (so its first call needs no refresh), and who hears of the
    /// refresh token's rotations.
    Delegated {
        /// The refresh token as stored.
        refresh_token: SecretString,
        /// Names the sign-in the refresh token comes from: a new sign-in is a new client,
        /// a rotation of the same sign-in is not.
        sign_in: String,
        /// The tokens the sign-in just got, if this access is the sign-in's check.
        tokens: Option<TokenSet>,
        /// Hears of every new refresh token, to store it.
        rotation: Arc<dyn RefreshTokenHook>,
    },
    /// Client credentials, impersonating the access's mailbox (`ExchangeImpersonation` and
    /// `X-AnchorMailbox`).
    AppOnly,
}

impl std::fmt::Debug for OAuthGrant {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Delegated { sign_in, .. } => f
                .debug_struct("Delegated")
                .field("sign_in", sign_in)
                .finish_non_exhaustive(),
            Self::AppOnly => f.write_str("AppOnly"),
        }
    }
}

impl MailboxAccess {
    /// Who this access logs in as, without the password.
    pub fn login(&self) -> MailboxLogin {
        MailboxLogin {
            server_url: self.server_url.clone(),
            user_name: self.user_name.clone(),
        }
    }
}

/// Who a mailbox access logs in as, and where, without a secret: what the gateway names when
/// it tells a backend to forget what it keeps. An admin's reset of all users knows the stored
/// accounts' summaries, not their passwords, so no password is asked for.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MailboxLogin {
    /// The EWS endpoint.
    pub server_url: String,
    /// The Exchange user name.
    pub user_name: String,
}

/// A backend of every area, that can also check access to a mailbox.
#[async_trait]
pub trait MailboxBackend: CalendarBackend + TablesBackend + DirectoryBackend + Send + Sync {
    /// Checks that the login data works; returns the server's version when it says.
    async fn check(&self, access: &MailboxAccess) -> Result<Option<String>, ApiError>;

    /// Drops whatever the backend keeps for `login` (clients, connections, tokens), whatever
    /// password it was made with. The gateway calls it when an account with this login goes:
    /// at logout, at an admin's reset, when a session-based account expires or is evicted.
    /// Another portal user with the same login then gets a fresh one. The default keeps
    /// nothing, so forgets nothing.
    fn forget(&self, login: &MailboxLogin) {
        let _ = login;
    }

    /// The metadata of `table` as this backend serves it for servers of `generation`. The
    /// default: every declared field.
    fn metadata(&self, table: Table, generation: ExchangeGeneration) -> TableInfo {
        let _ = generation;
        table.metadata()
    }
}

/// The calendar area of a backend. The defaults answer `NotSupported`, as the other areas'
/// do.
#[async_trait]
pub trait CalendarBackend: Send + Sync {
    /// Appointments overlapping `window`.
    async fn find_appointments(
        &self,
        access: &MailboxAccess,
        window: &TimeWindow,
    ) -> Result<Vec<Appointment>, ApiError> {
        let _ = (access, window);
        Err(no_calendar())
    }
    /// One appointment.
    async fn get_appointment(
        &self,
        access: &MailboxAccess,
        id: &str,
    ) -> Result<Appointment, ApiError> {
        let _ = (access, id);
        Err(no_calendar())
    }
    /// Creates an appointment.
    async fn create_appointment(
        &self,
        access: &MailboxAccess,
        appointment: &NewAppointment,
    ) -> Result<Appointment, ApiError> {
        let _ = (access, appointment);
        Err(no_calendar())
    }
    /// Deletes an appointment for good.
    async fn delete_appointment(&self, access: &MailboxAccess, id: &str) -> Result<(), ApiError> {
        let _ = (access, id);
        Err(no_calendar())
    }
    /// The attachments of an item, without content. The default: not supported.
    async fn list_attachments(
        &self,
        access: &MailboxAccess,
        item_id: &str,
    ) -> Result<Vec<AttachmentInfo>, ApiError> {
        let _ = (access, item_id);
        Err(no_attachments())
    }
    /// A file attachment with its content. `max_bytes` is the largest content the caller
    /// takes: a backend that can tell the size first refuses a larger one without reading it;
    /// the gateway checks what comes back either way. The default: not supported.
    async fn get_attachment(
        &self,
        access: &MailboxAccess,
        attachment_id: &str,
        max_bytes: usize,
    ) -> Result<FileAttachment, ApiError> {
        let _ = (access, attachment_id, max_bytes);
        Err(no_attachments())
    }
    /// Adds a file to an item. The default: not supported.
    async fn add_attachment(
        &self,
        access: &MailboxAccess,
        attachment: &NewFileAttachment,
    ) -> Result<AttachmentInfo, ApiError> {
        let _ = (access, attachment);
        Err(no_attachments())
    }
    /// Deletes an attachment. The default: not supported.
    async fn delete_attachment(
        &self,
        access: &MailboxAccess,
        attachment_id: &str,
    ) -> Result<(), ApiError> {
        let _ = (access, attachment_id);
        Err(no_attachments())
    }
}

/// What a backend without attachments answers.
fn no_calendar() -> ApiError {
    ApiError::NotSupported {
        what: "this mailbox backend keeps no calendar".to_owned(),
    }
}

fn no_attachments() -> ApiError {
    ApiError::NotSupported {
        what: "this mailbox backend keeps no attachments".to_owned(),
    }
}

/// A query as the gateway hands it to a backend: checked against the metadata the backend
/// serves, with where the page starts.
#[derive(Debug, Clone)]
pub struct BackendQuery {
    /// The query; its page token is the gateway's, already opened into `position`.
    pub query: TableQuery,
    /// The table's metadata as this backend serves it (every field of an empty selection).
    pub info: TableInfo,
    /// Where the page starts, as the backend said when the previous page ended; `None` for
    /// the first page.
    pub position: Option<String>,
    /// The most records a backend reads to answer a query it must evaluate itself (a
    /// calendar window is read whole, then filtered and sorted): more is `LimitExceeded`.
    pub max_read: usize,
}

/// Records of a backend's query as they arrive.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BackendChunk {
    /// Records in the query's order, holding the selected fields (or every field).
    pub records: Vec<Record>,
    /// Where the next page starts, in the backend's own terms (the gateway seals it into a
    /// page token): only on the chunk that ends a page of `page_size` records, and only when
    /// more records follow.
    pub next_position: Option<String>,
}

/// The tables area of a backend: records of a mailbox. Every request was checked against
/// [`MailboxBackend::metadata`] before it comes here. The defaults answer `NotSupported`.
#[async_trait]
pub trait TablesBackend: Send + Sync {
    /// The records matching a query, at most `page_size` of them, then the next position.
    async fn query(
        &self,
        access: &MailboxAccess,
        query: BackendQuery,
    ) -> Result<ApiStream<BackendChunk>, ApiError> {
        let _ = access;
        Err(no_records(query.query.table))
    }
    /// One record.
    async fn get_record(
        &self,
        access: &MailboxAccess,
        info: &TableInfo,
        get: &GetRecord,
    ) -> Result<Record, ApiError> {
        let _ = (access, info);
        Err(no_records(get.table))
    }
    /// One attachment record, with its content (`Value`) when `get.fields` selects it or is
    /// empty. `max_bytes` is the largest content the gateway takes: a larger one is
    /// `LimitExceeded`, refused without being read whole where the backend can tell.
    async fn get_attachment_record(
        &self,
        access: &MailboxAccess,
        info: &TableInfo,
        get: &GetRecord,
        max_bytes: usize,
    ) -> Result<Record, ApiError> {
        let _ = (access, info, max_bytes);
        Err(no_records(get.table))
    }
    /// Creates a record, and returns it as stored.
    async fn create_record(
        &self,
        access: &MailboxAccess,
        info: &TableInfo,
        create: &CreateRecord,
    ) -> Result<Record, ApiError> {
        let _ = (access, info);
        Err(no_records(create.record.table))
    }
    /// Changes a record, and returns it as stored; a stale change key is a `Conflict`.
    async fn update_record(
        &self,
        access: &MailboxAccess,
        info: &TableInfo,
        update: &UpdateRecord,
    ) -> Result<Record, ApiError> {
        let _ = (access, info);
        Err(no_records(update.table))
    }
    /// Deletes a record.
    async fn delete_record(
        &self,
        access: &MailboxAccess,
        info: &TableInfo,
        delete: &DeleteRecord,
    ) -> Result<(), ApiError> {
        let _ = (access, info);
        Err(no_records(delete.table))
    }
    /// The changes of a folder of an item table after the backend's own `sync_state` (the
    /// gateway opened the portal's sealed one), at most `request.max_changes`; the state in
    /// the answer is the backend's, which the gateway seals.
    async fn changes(
        &self,
        access: &MailboxAccess,
        info: &TableInfo,
        request: &ChangesRequest,
    ) -> Result<Changes, ApiError> {
        let _ = (access, info);
        Err(no_records(request.table))
    }
    /// Moves or copies a record, and returns it (or the copy) where it went.
    async fn transfer_record(
        &self,
        access: &MailboxAccess,
        info: &TableInfo,
        transfer: &TransferRecord,
    ) -> Result<Record, ApiError> {
        let _ = (access, info);
        Err(no_records(transfer.table))
    }
}

/// What a backend without records of `table` answers.
fn no_records(table: Table) -> ApiError {
    ApiError::NotSupported {
        what: format!("this mailbox backend keeps no {table} records"),
    }
}

/// The directory area of a backend: free/busy times and name resolution, as the mailbox's
/// user may see them. Every request was checked before it comes here. The defaults answer
/// `NotSupported`.
#[async_trait]
pub trait DirectoryBackend: Send + Sync {
    /// The free/busy times of each mailbox of `request`, one answer per mailbox in the order
    /// asked; a mailbox that cannot be read is that answer's error.
    async fn free_busy(
        &self,
        access: &MailboxAccess,
        request: &FreeBusyRequest,
    ) -> Result<Vec<MailboxAvailability>, ApiError> {
        let _ = (access, request);
        Err(no_directory())
    }
    /// The mailboxes and contacts a name stands for, at most `query.max_results` of them.
    async fn resolve_names(
        &self,
        access: &MailboxAccess,
        query: &NameQuery,
    ) -> Result<Vec<ResolvedName>, ApiError> {
        let _ = (access, query);
        Err(no_directory())
    }
}

/// What a backend without a directory answers.
fn no_directory() -> ApiError {
    ApiError::NotSupported {
        what: "this mailbox backend has no directory".to_owned(),
    }
}
