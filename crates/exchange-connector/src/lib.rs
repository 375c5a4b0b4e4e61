//! Connector for Microsoft Exchange: the facade a portal embeds.
//!
//! A [`DataSource`] is configured step by step (General, Exchange version, Authentication,
//! Exchange account), tests its connection with a [`Diagnosis`] for each failure, logs portal
//! users in, and reads and changes their calendars. It never talks to Exchange itself: every
//! call goes to a MediaGateway through its API ([`GatewayApi`]),
//! over gRPC or in-process.
//!
//! The overview of known users is there too, as admin calls with the gateway password:
//! [`DataSource::known_users`] lists the portal users with an account on the data source
//! (filtered, a page at a time, never a password), [`DataSource::known_user`] shows one,
//! [`DataSource::reset_user`] and [`DataSource::reset_all_users`] remove accounts, so that the
//! users must log in again.
//!
//! # Records of a user's mailbox
//!
//! [`UserSession::table`] and the typed [`appointments`](UserSession::appointments),
//! [`contacts`](UserSession::contacts), [`tasks`](UserSession::tasks),
//! [`messages`](UserSession::messages), [`notes`](UserSession::notes) and
//! [`folders`](UserSession::folders) give a [`Records`] queryset: a query built step by step
//! (filter, order, fields, folder, window, page size) and run as a stream that follows the
//! pages, one page, or every record up to a limit; and the item calls (get, create, update
//! with the change key, delete, move, copy). The typed structs are in [`records`]: one per
//! table, each field an `Option` of its Rust type.
//!
//! ```no_run
//! use chrono::{Duration, Utc};
//! use exchange_connector::tables::{Record, RecordKey, Table, Value};
//! use exchange_connector::{ConnectorError, UserSession};
//! use futures_util::TryStreamExt;
//!
//! # async fn run(session: UserSession) -> Result<(), ConnectorError> {
//! // This week's reviews, by start, a page of 100 at a time as the stream is read.
//! let (a, b) = (Utc::now(), Utc::now() + Duration::days(7));
//! let mut reviews = std::pin::pin!(session
//!     .appointments()
//!     .window(a, b)
//!     .filter("Subject contains \"review\"")
//!     .order_by("Start")
//!     .stream());
//! while let Some(appointment) = reviews.try_next().await? {
//!     println!("{:?} {:?}", appointment.start, appointment.subject);
//! }
//!
//! // Any table as plain records: the first 50 contacts of a company, surname first.
//! let page = session
//!     .table(Table::Contact)
//!     .filter(r#"CompanyName = "Contoso""#)
//!     .order_by("Surname")
//!     .only(&["DisplayName", "Email1"])
//!     .page_size(50)
//!     .page()
//!     .await?;
//! for contact in &page.records {
//!     if let Some(Value::Text(name)) = contact.get("DisplayName") {
//!         println!("{name}");
//!     }
//! }
//!
//! // A typed update: only what changed is sent, with the change key it was read with.
//! let contacts = session.contacts();
//! let ada = contacts.get(RecordKey::Id("AAMkAD…".into())).await?;
//! let mut changed = ada.clone();
//! changed.job_title = Some("Analyst".into());
//! let stored = contacts.update(&ada, &changed).await?;
//! # let _: (Vec<Record>, _) = (Vec::new(), stored);
//! # Ok(()) }
//! ```
//!
//! # Features
//!
//! - `grpc` (default): `TransportChoice::Grpc`, a gateway reached over gRPC. Without it the
//!   connector reaches only a gateway in the same process ([`TransportChoice::InProcess`]) and
//!   builds without tonic, prost or an HTTP stack.
//!
//! ```no_run
//! use exchange_connector::{
//!     Authentication, DataSource, ExchangeGeneration, ServiceAccount, TransportChoice,
//! };
//! use secrecy::SecretString;
//!
//! # #[cfg(feature = "grpc")]
//! # async fn run() -> Result<(), exchange_connector::ConnectorError> {
//! let exchange = DataSource::builder("Exchange")
//!     .gateway("127.0.0.1", 8087)
//!     .time_zone("Europe/Berlin")
//!     .transport(TransportChoice::Grpc)
//!     .gateway_password(SecretString::from("1234"))
//!     .exchange_version(ExchangeGeneration::Exchange2010To2019)
//!     .authentication(Authentication::UserNamePassword)
//!     .exchange_account(ServiceAccount::new(
//!         "svc-portal@contoso.com",
//!         SecretString::from("service password"),
//!         "https://mail.contoso.com/EWS/Exchange.asmx",
//!     ))
//!     .build()?;
//!
//! let test = exchange.test_exchange_account().await;
//! println!("{test}"); // passed, or failed with the checklist item it points to
//!
//! let user = uuid::Uuid::new_v4(); // the portal user's GUID
//! exchange.login(user, "alice@contoso.com", SecretString::from("alice's password")).await?;
//! let now = chrono::Utc::now();
//! for appointment in exchange.user(user).calendar(now, now + chrono::Duration::days(7)).await? {
//!     println!("{} {}", appointment.start, appointment.subject);
//! }
//!
//! // The overview of known users: the first 50 whose GUID, user name or mailbox has "contoso".
//! let page = exchange.known_users(Some("contoso"), 0, 50).await?;
//! for known in &page.users {
//!     println!("{} {}", known.portal_user, known.mailbox.as_deref().unwrap_or("-"));
//! }
//! # Ok(()) }
//! ```

mod data_source;
mod diagnosis;
mod error;
mod known_users;
mod static_users;
pub use static_users::NewStaticUser;
mod query;
pub mod records;
mod settings;
mod user;

pub use data_source::{DataSource, DataSourceBuilder, TransportChoice};
pub use diagnosis::{ConnectionTest, Diagnosis, Outcome, SecurityNotice, TestSubject};
pub use error::ConnectorError;
pub use query::{Page, RecordChanges, Records, DEFAULT_PAGE_SIZE};
// `records::Appointment` is not re-exported here: `Appointment` is the calendar calls' type.
pub use mediagateway_api::tables;
pub use mediagateway_api::{
    ActAs, ApiError, Appointment, AttachmentInfo, Authentication, BusyPeriod, ContactDetails,
    DataSourceConfigured, DataSourceInfo, ExchangeGeneration, FileAttachment, FreeBusy,
    FreeBusyRequest, GatewayApi, KnownUser, LoginOutcome, MailboxAvailability, MailboxType,
    NameQuery, NewAppointment, NewFileAttachment, OAuthCredential, OAuthEndpoints, OAuthSettings,
    PhoneNumber, PortalKey, ResolvedName, ServiceAccount, StaticUser, StaticUserInfo,
    StaticUserRef, UserPage, UserQuery, UserRef,
};
/// The directory's types: free/busy times and resolved names (the busy status of a free/busy
/// period is [`directory::BusyStatus`]; the top-level [`BusyStatus`] is an appointment's).
pub mod directory {
    pub use mediagateway_api::{
        check_smtp_address, BusyPeriod, BusyStatus, ContactDetails, FreeBusy, FreeBusyRequest,
        MailboxAvailability, MailboxType, NameQuery, PhoneNumber, ResolvedName, MAX_ADDRESS_BYTES,
    };
}
/// The TLS trust settings of [`DataSourceBuilder::tls`].
#[cfg(feature = "grpc")]
pub use mediagateway_grpc::tls::ClientTls;
pub use records::{
    BusyStatus, CalendarItemType, Contact, Folder, Importance, Message, Note, ResponseType, Row,
    Sensitivity, TableRow, Task, TaskStatus,
};
pub use settings::DataSourceSettings;
#[cfg(feature = "grpc")]
pub use settings::GatewayTrust;
pub use user::UserSession;
