//! Connector for Microsoft Exchange: the facade a portal embeds.
//!
//! A [`DataSource`] is configured step by step (General, Exchange version, Authentication,
//! Exchange account), tests its connection with a [`Diagnosis`] for each failure, logs portal
//! users in, and reads and changes their calendars. It never talks to Exchange itself: every
//! call goes to a MediaGateway through its API ([`GatewayApi`]),
//! over gRPC or in-process.
//!
//! # Features
//!
//! - `grpc` (default): [`TransportChoice::Grpc`], a gateway reached over gRPC. Without it the
//!   connector reaches only a gateway in the same process ([`TransportChoice::InProcess`]) and
//!   builds without tonic, prost or an HTTP stack.
//!
//! ```no_run
//! use exchange_connector::{
//!     Authentication, DataSource, ExchangeGeneration, ServiceAccount, TransportChoice,
//! };
//! use secrecy::SecretString;
//!
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
//! # Ok(()) }
//! ```

mod data_source;
mod diagnosis;
mod error;
mod settings;
mod user;

pub use data_source::{DataSource, DataSourceBuilder, TransportChoice};
pub use diagnosis::{ConnectionTest, Diagnosis, Outcome, SecurityNotice, TestSubject};
pub use error::ConnectorError;
pub use mediagateway_api::{
    ApiError, Appointment, Authentication, DataSourceConfigured, ExchangeGeneration, GatewayApi,
    LoginOutcome, NewAppointment, PortalKey, ServiceAccount,
};
/// The TLS trust settings of [`DataSourceBuilder::tls`].
#[cfg(feature = "grpc")]
pub use mediagateway_grpc::tls::ClientTls;
pub use settings::DataSourceSettings;
#[cfg(feature = "grpc")]
pub use settings::GatewayTrust;
pub use user::UserSession;
