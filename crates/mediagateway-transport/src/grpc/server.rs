//! The gRPC server: serves any [`Transport`] over tonic.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::{Request, Response, Status};

use super::convert::{self, required};
use super::proto::media_gateway_server::{MediaGateway, MediaGatewayServer};
use super::proto::{self};
use super::status::to_status;
use super::MAX_MESSAGE_BYTES;
use crate::types::{Login, TimeWindow};
use crate::{Transport, TransportError};

/// Serves a [`Transport`] (usually the gateway itself) over gRPC.
pub struct GrpcServer {
    transport: Arc<dyn Transport>,
}

impl std::fmt::Debug for GrpcServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrpcServer").finish_non_exhaustive()
    }
}

impl GrpcServer {
    /// A server for `transport`.
    pub fn new(transport: Arc<dyn Transport>) -> Self {
        Self { transport }
    }

    /// The tonic service, for composing with other services on one tonic server.
    pub fn into_service(self) -> MediaGatewayServer<Adapter> {
        MediaGatewayServer::new(Adapter {
            transport: self.transport,
        })
        .max_decoding_message_size(MAX_MESSAGE_BYTES)
        .max_encoding_message_size(MAX_MESSAGE_BYTES)
    }

    /// Serves on `listener` until `shutdown` completes.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), TransportError> {
        let address = listener
            .local_addr()
            .map_or_else(|_| "unknown".to_owned(), |a: SocketAddr| a.to_string());
        tonic::transport::Server::builder()
            .add_service(self.into_service())
            .serve_with_incoming_shutdown(TcpListenerStream::new(listener), shutdown)
            .await
            .map_err(|e| TransportError::Internal {
                detail: format!("the gRPC server on {address} failed: {e}"),
            })
    }
}

/// The tonic service behind [`GrpcServer`].
pub struct Adapter {
    transport: Arc<dyn Transport>,
}

impl std::fmt::Debug for Adapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Adapter").finish_non_exhaustive()
    }
}

fn reply<T>(result: Result<T, TransportError>) -> Result<Response<T>, Status> {
    result.map(Response::new).map_err(|e| to_status(&e))
}

#[tonic::async_trait]
impl MediaGateway for Adapter {
    async fn status(
        &self,
        request: Request<proto::StatusRequest>,
    ) -> Result<Response<proto::StatusReply>, Status> {
        reply(
            async {
                let password = convert::admin_password(request.into_inner().context)?;
                let status = self.transport.status(&password).await?;
                Ok(proto::StatusReply {
                    gateway_version: status.gateway_version,
                    default_password: status.default_password,
                    data_sources: status.data_sources,
                })
            }
            .await,
        )
    }

    async fn configure_data_source(
        &self,
        request: Request<proto::ConfigureDataSourceRequest>,
    ) -> Result<Response<proto::ConfigureDataSourceReply>, Status> {
        reply(
            async {
                let request = request.into_inner();
                let password = convert::admin_password(request.context)?;
                let config = convert::config_from_proto(required(request.config, "config")?)?;
                self.transport
                    .configure_data_source(&password, &config)
                    .await?;
                Ok(proto::ConfigureDataSourceReply {})
            }
            .await,
        )
    }

    async fn test_exchange_account(
        &self,
        request: Request<proto::TestExchangeAccountRequest>,
    ) -> Result<Response<proto::TestExchangeAccountReply>, Status> {
        reply(
            async {
                let request = request.into_inner();
                let password = convert::admin_password(request.context)?;
                let check = self
                    .transport
                    .test_exchange_account(&password, &request.data_source)
                    .await?;
                Ok(proto::TestExchangeAccountReply {
                    server_version: check.server_version.unwrap_or_default(),
                    mailbox: check.mailbox,
                })
            }
            .await,
        )
    }

    async fn login(
        &self,
        request: Request<proto::LoginRequest>,
    ) -> Result<Response<proto::LoginReply>, Status> {
        reply(
            async {
                let request = request.into_inner();
                let call = convert::user_call(request.context)?;
                let login = Login {
                    user_name: request.user_name,
                    password: secrecy::SecretString::from(request.password),
                    mailbox: Some(request.mailbox).filter(|m| !m.is_empty()),
                };
                let outcome = self.transport.login(&call, &login).await?;
                Ok(proto::LoginReply {
                    stored: outcome.stored,
                    mailbox: outcome.mailbox,
                })
            }
            .await,
        )
    }

    async fn logout(
        &self,
        request: Request<proto::LogoutRequest>,
    ) -> Result<Response<proto::LogoutReply>, Status> {
        reply(
            async {
                let call = convert::user_call(request.into_inner().context)?;
                let was_logged_in = self.transport.logout(&call).await?;
                Ok(proto::LogoutReply { was_logged_in })
            }
            .await,
        )
    }

    async fn find_appointments(
        &self,
        request: Request<proto::FindAppointmentsRequest>,
    ) -> Result<Response<proto::FindAppointmentsReply>, Status> {
        reply(
            async {
                let request = request.into_inner();
                let call = convert::user_call(request.context)?;
                let window = TimeWindow::new(
                    convert::time(request.start_ms, "start")?,
                    convert::time(request.end_ms, "end")?,
                )?;
                let appointments = self.transport.find_appointments(&call, &window).await?;
                Ok(proto::FindAppointmentsReply {
                    appointments: appointments
                        .into_iter()
                        .map(convert::appointment_to_proto)
                        .collect(),
                })
            }
            .await,
        )
    }

    async fn get_appointment(
        &self,
        request: Request<proto::GetAppointmentRequest>,
    ) -> Result<Response<proto::Appointment>, Status> {
        reply(
            async {
                let request = request.into_inner();
                let call = convert::user_call(request.context)?;
                let appointment = self.transport.appointment(&call, &request.id).await?;
                Ok(convert::appointment_to_proto(appointment))
            }
            .await,
        )
    }

    async fn create_appointment(
        &self,
        request: Request<proto::CreateAppointmentRequest>,
    ) -> Result<Response<proto::Appointment>, Status> {
        reply(
            async {
                let request = request.into_inner();
                let call = convert::user_call(request.context)?;
                let new = convert::new_appointment_from_proto(required(
                    request.appointment,
                    "appointment",
                )?)?;
                let created = self.transport.create_appointment(&call, &new).await?;
                Ok(convert::appointment_to_proto(created))
            }
            .await,
        )
    }

    async fn delete_appointment(
        &self,
        request: Request<proto::DeleteAppointmentRequest>,
    ) -> Result<Response<proto::DeleteAppointmentReply>, Status> {
        reply(
            async {
                let request = request.into_inner();
                let call = convert::user_call(request.context)?;
                self.transport
                    .delete_appointment(&call, &request.id)
                    .await?;
                Ok(proto::DeleteAppointmentReply {})
            }
            .await,
        )
    }
}
