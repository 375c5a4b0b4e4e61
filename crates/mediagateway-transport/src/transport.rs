//! The `Transport` trait: the gateway's operations.

use async_trait::async_trait;

use crate::types::{
    Appointment, DataSourceConfig, ExchangeCheck, GatewayPassword, GatewayStatus, Login,
    LoginOutcome, NewAppointment, TimeWindow, UserCall,
};
use crate::TransportError;

/// The operations of the MediaGateway, whatever carries them.
///
/// The gateway itself implements it (in-process use), and so does the gRPC client; the gRPC
/// server serves any implementation. Every call is authenticated by the gateway password.
#[async_trait]
pub trait Transport: Send + Sync {
    /// The gateway's version and security status; checks the password.
    async fn status(&self, password: &GatewayPassword) -> Result<GatewayStatus, TransportError>;

    /// Creates or replaces a data source's configuration.
    async fn configure_data_source(
        &self,
        password: &GatewayPassword,
        config: &DataSourceConfig,
    ) -> Result<(), TransportError>;

    /// Connection test: one EWS call with the data source's service account.
    async fn test_exchange_account(
        &self,
        password: &GatewayPassword,
        data_source: &str,
    ) -> Result<ExchangeCheck, TransportError>;

    /// Logs a portal user in; the credentials are checked against Exchange first.
    async fn login(&self, call: &UserCall, login: &Login) -> Result<LoginOutcome, TransportError>;

    /// Forgets the portal user's account; says whether there was one.
    async fn logout(&self, call: &UserCall) -> Result<bool, TransportError>;

    /// Appointments of the user's calendar that overlap `window`, by start.
    async fn find_appointments(
        &self,
        call: &UserCall,
        window: &TimeWindow,
    ) -> Result<Vec<Appointment>, TransportError>;

    /// One appointment by id.
    async fn appointment(&self, call: &UserCall, id: &str) -> Result<Appointment, TransportError>;

    /// Creates an appointment (no invitations are sent) and returns it as stored.
    async fn create_appointment(
        &self,
        call: &UserCall,
        appointment: &NewAppointment,
    ) -> Result<Appointment, TransportError>;

    /// Deletes an appointment for good (no cancellations are sent).
    async fn delete_appointment(&self, call: &UserCall, id: &str) -> Result<(), TransportError>;
}
