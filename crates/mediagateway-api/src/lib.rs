//! The MediaGateway API: what a portal can ask of the gateway, free of any wire.
//!
//! The API is split by area, one trait each: [`AdminApi`] (status, data-source configuration,
//! connection tests, the known users of a data source), [`SessionApi`] (portal users log in
//! and out), [`CalendarApi`] (appointments), [`TablesApi`] (the metadata of a data source's
//! [`tables`] and the records in them) and [`DirectoryApi`] (free/busy times of mailboxes and
//! name resolution). [`GatewayApi`] is all of them in one object:
//! the gateway implements it, the wire clients (`mediagateway-grpc`) implement it, the wire
//! servers serve any `Arc<dyn GatewayApi>`, and the connector calls one.
//!
//! Every call names who makes it: an [`AdminCall`] (the gateway password), a [`UserCall`] (a
//! data source's [`PortalKey`], the data source and the portal user) or a [`PortalCall`] (the
//! key and the data source, for calls about the data source as a whole). Every failure is an
//! [`ApiError`], whose [`ErrorKind`] is what travels on a wire.
//!
//! # Roles
//!
//! - **admin**: the gateway password. It authorizes the admin area (status, data-source
//!   configuration, portal keys, connection tests, the password itself, listing and resetting
//!   known users) and nothing else.
//! - **portal**: a data source's portal key, issued when the data source is first configured.
//!   It authorizes calls on behalf of that data source's portal users (login, logout, the item
//!   calls) and no others: not another data source's, and no admin call.
//!
//! The portal asserts which portal user is acting, because it authenticates its own users: a
//! portal key is as powerful as every account of its data source, and no more.
//!
//! # Areas
//!
//! Each area's operations are declared once, as a table (`admin_operations!`,
//! `session_operations!`, `calendar_operations!`, `table_operations!`,
//! `directory_operations!`), from which the trait and every wire adapter are derived; see
//! [`declare`].
//!
//! A sessions area that logs every call and forwards it to another:
//!
//! ```
//! use std::sync::Arc;
//! use mediagateway_api::{
//!     ApiError, Login, LoginOutcome, OAuthAuthorization, OAuthLoginFinish, OAuthLoginStart,
//!     PortalKey, SessionApi, UserCall,
//! };
//!
//! struct Logged(Arc<dyn SessionApi>);
//!
//! #[async_trait::async_trait]
//! impl SessionApi for Logged {
//!     async fn login(&self, call: &UserCall, login: &Login) -> Result<LoginOutcome, ApiError> {
//!         println!("login of {} on {}", call.portal_user, call.data_source);
//!         self.0.login(call, login).await
//!     }
//!     async fn logout(&self, call: &UserCall) -> Result<bool, ApiError> {
//!         println!("logout of {}", call.portal_user);
//!         self.0.logout(call).await
//!     }
//!     async fn begin_oauth_login(
//!         &self,
//!         call: &UserCall,
//!         start: &OAuthLoginStart,
//!     ) -> Result<OAuthAuthorization, ApiError> {
//!         println!("sign-in of {} starts", call.portal_user);
//!         self.0.begin_oauth_login(call, start).await
//!     }
//!     async fn finish_oauth_login(
//!         &self,
//!         call: &UserCall,
//!         finish: &OAuthLoginFinish,
//!     ) -> Result<LoginOutcome, ApiError> {
//!         println!("sign-in of {} finishes", call.portal_user);
//!         self.0.finish_oauth_login(call, finish).await
//!     }
//! }
//!
//! struct NobodyIn;
//!
//! #[async_trait::async_trait]
//! impl SessionApi for NobodyIn {
//!     async fn login(&self, _: &UserCall, _: &Login) -> Result<LoginOutcome, ApiError> {
//!         Err(ApiError::PortalKeyIncorrect)
//!     }
//!     async fn logout(&self, _: &UserCall) -> Result<bool, ApiError> {
//!         Ok(false)
//!     }
//!     async fn begin_oauth_login(
//!         &self,
//!         _: &UserCall,
//!         _: &OAuthLoginStart,
//!     ) -> Result<OAuthAuthorization, ApiError> {
//!         Err(ApiError::PortalKeyIncorrect)
//!     }
//!     async fn finish_oauth_login(
//!         &self,
//!         _: &UserCall,
//!         _: &OAuthLoginFinish,
//!     ) -> Result<LoginOutcome, ApiError> {
//!         Err(ApiError::PortalKeyIncorrect)
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let sessions = Logged(Arc::new(NobodyIn));
//! let call = UserCall::new(PortalKey::from("mgk1.example"), "Exchange", uuid::Uuid::new_v4());
//! assert!(!sessions.logout(&call).await?);
//! # Ok::<(), ApiError>(()) }).unwrap();
//! ```
//!
//! # Async traits
//!
//! The traits use `async-trait`, so that every one of them works as a trait object
//! (`Arc<dyn GatewayApi>`).

pub mod declare;
pub mod tables;

mod areas;
mod call;
mod error;
mod gate;

pub use areas::admin::{
    check_static_user_name, AdminApi, Authentication, DataSourceConfig, DataSourceConfigured,
    DataSourceInfo, ExchangeCheck, ExchangeGeneration, GatewayStatus, KeyRotation, KnownUser,
    OAuthCredential, OAuthEndpoints, OAuthSettings, ServiceAccount, StaticUser, StaticUserInfo,
    StaticUserRef, UserPage, UserQuery, UserRef, MAX_STATIC_USERS,
};
pub use areas::calendar::{
    Appointment, AttachmentInfo, CalendarApi, FileAttachment, NewAppointment, NewFileAttachment,
    TimeWindow,
};
pub use areas::directory::{
    check_smtp_address, BusyPeriod, BusyStatus, ContactDetails, DirectoryApi, FreeBusy,
    FreeBusyRequest, MailboxAvailability, MailboxType, NameQuery, PhoneNumber, ResolvedName,
    MAX_ADDRESS_BYTES,
};
pub use areas::sessions::{
    Login, LoginOutcome, OAuthAuthorization, OAuthLoginFinish, OAuthLoginStart, SessionApi,
    OAUTH_SIGN_IN_TTL,
};
pub use areas::tables::TablesApi;
pub use call::{ActAs, AdminCall, Credential, GatewayPassword, PortalCall, PortalKey, UserCall};
pub use error::{ApiError, AuthProblem, ErrorKind, ErrorParts, Unreachable};
pub use gate::{Gatekeeper, Role};

#[doc(hidden)]
pub use async_trait::async_trait as __async_trait;

/// A stream of replies of a streaming call: items as they arrive, or the error that ended the
/// stream. It is `'static`, so a wire can send it on after the call returns.
pub type ApiStream<T> =
    std::pin::Pin<Box<dyn futures_core::Stream<Item = Result<T, ApiError>> + Send + 'static>>;

/// The whole gateway API: every area in one object, and its [`Gatekeeper`].
///
/// Implemented for everything that implements every area and the gatekeeper, so an
/// implementation only implements those (`impl Gatekeeper for MyGateway {}` takes the provided
/// check, which admits every call).
pub trait GatewayApi:
    AdminApi + SessionApi + CalendarApi + TablesApi + DirectoryApi + Gatekeeper
{
}

impl<T: AdminApi + SessionApi + CalendarApi + TablesApi + DirectoryApi + Gatekeeper> GatewayApi
    for T
{
}
