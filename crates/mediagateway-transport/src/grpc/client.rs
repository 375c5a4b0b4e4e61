//! The gRPC client: a [`Transport`] that talks to a remote gateway.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use tonic::transport::{Channel, Endpoint};
use tonic::Status;

use super::convert;
use super::proto::media_gateway_client::MediaGatewayClient;
use super::proto::{self};
use super::status::from_status;
use super::MAX_MESSAGE_BYTES;
use crate::types::{
    Appointment, DataSourceConfig, ExchangeCheck, GatewayPassword, GatewayStatus, Login,
    LoginOutcome, NewAppointment, TimeWindow, UserCall,
};
use crate::{Transport, TransportError};
use secrecy::ExposeSecret;

/// Settings of a [`GrpcClient`].
#[derive(Debug, Clone)]
pub struct GrpcClientBuilder {
    host: String,
    port: u16,
    connect_timeout: Duration,
    timeout: Duration,
}

impl GrpcClientBuilder {
    /// How long to wait for the connection (default 5 s).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// How long one call may take (default 120 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The client. It connects on its first call (and again after the connection is lost).
    pub fn build(self) -> Result<GrpcClient, TransportError> {
        let address = if self.host.contains(':') {
            format!("[{}]:{}", self.host.trim_matches(['[', ']']), self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        };
        let endpoint = Endpoint::from_shared(format!("http://{address}"))
            .map_err(|e| TransportError::InvalidArgument {
                what: format!("gateway address {address:?}: {e}"),
            })?
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .tcp_nodelay(true);
        Ok(GrpcClient {
            endpoint,
            channel: Arc::new(OnceLock::new()),
            address,
        })
    }
}

/// A gateway reached over gRPC (plain HTTP/2; port 8087 by default).
///
/// Clones share one HTTP/2 connection. The client can be built outside an async runtime; it
/// connects on its first call, inside the caller's runtime.
#[derive(Debug, Clone)]
pub struct GrpcClient {
    endpoint: Endpoint,
    channel: Arc<OnceLock<Channel>>,
    address: String,
}

impl GrpcClient {
    /// Settings for a client of the gateway at `host:port`.
    pub fn builder(host: impl Into<String>, port: u16) -> GrpcClientBuilder {
        GrpcClientBuilder {
            host: host.into(),
            port,
            connect_timeout: Duration::from_secs(5),
            timeout: Duration::from_secs(120),
        }
    }

    /// The `host:port` this client calls.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The stub over the shared channel; the channel is made on first use because making it
    /// needs the runtime the calls run in.
    fn stub(&self) -> MediaGatewayClient<Channel> {
        let channel = self
            .channel
            .get_or_init(|| self.endpoint.connect_lazy())
            .clone();
        MediaGatewayClient::new(channel)
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES)
    }

    fn error(&self, status: Status) -> TransportError {
        from_status(&status, &self.address)
    }
}

#[async_trait]
impl Transport for GrpcClient {
    async fn status(&self, password: &GatewayPassword) -> Result<GatewayStatus, TransportError> {
        let request = proto::StatusRequest {
            context: convert::admin_context(password),
        };
        let reply = self
            .stub()
            .status(request)
            .await
            .map_err(|s| self.error(s))?
            .into_inner();
        Ok(GatewayStatus {
            gateway_version: reply.gateway_version,
            default_password: reply.default_password,
            data_sources: reply.data_sources,
        })
    }

    async fn configure_data_source(
        &self,
        password: &GatewayPassword,
        config: &DataSourceConfig,
    ) -> Result<(), TransportError> {
        let request = proto::ConfigureDataSourceRequest {
            context: convert::admin_context(password),
            config: Some(convert::config_to_proto(config)),
        };
        self.stub()
            .configure_data_source(request)
            .await
            .map_err(|s| self.error(s))?;
        Ok(())
    }

    async fn test_exchange_account(
        &self,
        password: &GatewayPassword,
        data_source: &str,
    ) -> Result<ExchangeCheck, TransportError> {
        let request = proto::TestExchangeAccountRequest {
            context: convert::admin_context(password),
            data_source: data_source.to_owned(),
        };
        let reply = self
            .stub()
            .test_exchange_account(request)
            .await
            .map_err(|s| self.error(s))?
            .into_inner();
        Ok(ExchangeCheck {
            server_version: Some(reply.server_version).filter(|v| !v.is_empty()),
            mailbox: reply.mailbox,
        })
    }

    async fn login(&self, call: &UserCall, login: &Login) -> Result<LoginOutcome, TransportError> {
        let request = proto::LoginRequest {
            context: convert::user_context(call),
            user_name: login.user_name.clone(),
            password: login.password.expose_secret().to_owned(),
            mailbox: login.mailbox.clone().unwrap_or_default(),
        };
        let reply = self
            .stub()
            .login(request)
            .await
            .map_err(|s| self.error(s))?
            .into_inner();
        Ok(LoginOutcome {
            stored: reply.stored,
            mailbox: reply.mailbox,
        })
    }

    async fn logout(&self, call: &UserCall) -> Result<bool, TransportError> {
        let request = proto::LogoutRequest {
            context: convert::user_context(call),
        };
        let reply = self
            .stub()
            .logout(request)
            .await
            .map_err(|s| self.error(s))?
            .into_inner();
        Ok(reply.was_logged_in)
    }

    async fn find_appointments(
        &self,
        call: &UserCall,
        window: &TimeWindow,
    ) -> Result<Vec<Appointment>, TransportError> {
        let request = proto::FindAppointmentsRequest {
            context: convert::user_context(call),
            start_ms: convert::millis(window.start()),
            end_ms: convert::millis(window.end()),
        };
        let reply = self
            .stub()
            .find_appointments(request)
            .await
            .map_err(|s| self.error(s))?
            .into_inner();
        reply
            .appointments
            .into_iter()
            .map(|a| convert::appointment_from_proto(a).map_err(protocol))
            .collect()
    }

    async fn appointment(&self, call: &UserCall, id: &str) -> Result<Appointment, TransportError> {
        let request = proto::GetAppointmentRequest {
            context: convert::user_context(call),
            id: id.to_owned(),
        };
        let reply = self
            .stub()
            .get_appointment(request)
            .await
            .map_err(|s| self.error(s))?
            .into_inner();
        convert::appointment_from_proto(reply).map_err(protocol)
    }

    async fn create_appointment(
        &self,
        call: &UserCall,
        appointment: &NewAppointment,
    ) -> Result<Appointment, TransportError> {
        let request = proto::CreateAppointmentRequest {
            context: convert::user_context(call),
            appointment: Some(convert::new_appointment_to_proto(appointment)),
        };
        let reply = self
            .stub()
            .create_appointment(request)
            .await
            .map_err(|s| self.error(s))?
            .into_inner();
        convert::appointment_from_proto(reply).map_err(protocol)
    }

    async fn delete_appointment(&self, call: &UserCall, id: &str) -> Result<(), TransportError> {
        let request = proto::DeleteAppointmentRequest {
            context: convert::user_context(call),
            id: id.to_owned(),
        };
        self.stub()
            .delete_appointment(request)
            .await
            .map_err(|s| self.error(s))?;
        Ok(())
    }
}

/// A reply the client cannot turn into domain values is the server's fault.
fn protocol(error: TransportError) -> TransportError {
    TransportError::Protocol {
        detail: format!("the gateway sent an invalid reply: {error}"),
    }
}
