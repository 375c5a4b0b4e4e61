//! The MediaGateway API: what a portal can ask of the gateway, free of any wire.
//!
//! The API is split by area, one trait each: [`AdminApi`] (status, data-source configuration,
//! connection tests), [`SessionApi`] (portal users log in and out) and [`CalendarApi`]
//! (appointments). [`GatewayApi`] is all of them in one object: the gateway implements it, the
//! wire clients (`mediagateway-grpc`) implement it, the wire servers serve any
//! `Arc<dyn GatewayApi>`, and the connector calls one.
//!
//! Every call names who makes it: an [`AdminCall`] (the gateway password) or a [`UserCall`]
//! (the gateway password, the data source and the portal user). Every failure is an
//! [`ApiError`], whose [`ErrorKind`] is what travels on a wire.
//!
//! Each area's operations are declared once, as a table (`admin_operations!`,
//! `session_operations!`, `calendar_operations!`), from which the trait and every wire
//! adapter are derived; see [`declare`].
//!
//! A gateway that logs every call and forwards it to another:
//!
//! ```
//! use std::sync::Arc;
//! use mediagateway_api::{
//!     AdminApi, AdminCall, ApiError, DataSourceConfig, ExchangeCheck, GatewayPassword,
//!     GatewayStatus,
//! };
//!
//! struct Logged(Arc<dyn AdminApi>);
//!
//! #[async_trait::async_trait]
//! impl AdminApi for Logged {
//!     async fn status(&self, call: &AdminCall) -> Result<GatewayStatus, ApiError> {
//!         println!("status");
//!         self.0.status(call).await
//!     }
//!     async fn configure_data_source(
//!         &self,
//!         call: &AdminCall,
//!         config: &DataSourceConfig,
//!     ) -> Result<(), ApiError> {
//!         println!("configure {}", config.name);
//!         self.0.configure_data_source(call, config).await
//!     }
//!     async fn test_exchange_account(
//!         &self,
//!         call: &AdminCall,
//!         data_source: &str,
//!     ) -> Result<ExchangeCheck, ApiError> {
//!         println!("test {data_source}");
//!         self.0.test_exchange_account(call, data_source).await
//!     }
//!     async fn change_password(
//!         &self,
//!         call: &AdminCall,
//!         new_password: &GatewayPassword,
//!     ) -> Result<(), ApiError> {
//!         println!("change the password");
//!         self.0.change_password(call, new_password).await
//!     }
//! }
//!
//! struct Fixed;
//!
//! #[async_trait::async_trait]
//! impl AdminApi for Fixed {
//!     async fn status(&self, _: &AdminCall) -> Result<GatewayStatus, ApiError> {
//!         Ok(GatewayStatus { gateway_version: "0".into(), default_password: true, data_sources: 0 })
//!     }
//!     async fn configure_data_source(&self, _: &AdminCall, _: &DataSourceConfig) -> Result<(), ApiError> {
//!         Err(ApiError::PasswordIncorrect)
//!     }
//!     async fn test_exchange_account(&self, _: &AdminCall, name: &str) -> Result<ExchangeCheck, ApiError> {
//!         Err(ApiError::UnknownDataSource { name: name.to_owned() })
//!     }
//!     async fn change_password(&self, _: &AdminCall, _: &GatewayPassword) -> Result<(), ApiError> {
//!         Err(ApiError::PasswordIncorrect)
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let gateway = Logged(Arc::new(Fixed));
//! let status = gateway.status(&AdminCall::new(GatewayPassword::from("1234"))).await?;
//! assert!(status.default_password);
//! # Ok::<(), ApiError>(()) }).unwrap();
//! ```
//!
//! # Async traits
//!
//! The traits use `async-trait`, so that every one of them works as a trait object
//! (`Arc<dyn GatewayApi>`).

pub mod declare;

mod areas;
mod call;
mod error;

pub use areas::admin::{
    AdminApi, Authentication, DataSourceConfig, ExchangeCheck, ExchangeGeneration, GatewayStatus,
    ServiceAccount,
};
pub use areas::calendar::{Appointment, CalendarApi, NewAppointment, TimeWindow};
pub use areas::sessions::{Login, LoginOutcome, SessionApi};
pub use call::{AdminCall, GatewayPassword, UserCall};
pub use error::{ApiError, ErrorKind, ErrorParts, Unreachable};

#[doc(hidden)]
pub use async_trait::async_trait as __async_trait;

/// The whole gateway API: every area in one object.
///
/// Implemented for everything that implements every area, so an implementation only
/// implements the areas.
pub trait GatewayApi: AdminApi + SessionApi + CalendarApi {}

impl<T: AdminApi + SessionApi + CalendarApi> GatewayApi for T {}
