//! The gRPC server: serves any [`GatewayApi`] over tonic.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;

use mediagateway_api::{ApiError, GatewayApi, Role};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tonic::{Request, Response, Status};

use crate::convert::{credential_from, CallContext, FromWire};
use crate::gate::Gate;
use crate::proto;
use crate::proto::admin_server::AdminServer;
use crate::proto::calendar_server::CalendarServer;
use crate::proto::sessions_server::SessionsServer;
use crate::status::to_status;
use crate::tls::{self, ServerTls};
use crate::{ServerLimits, MAX_CONCURRENT_CALLS_PER_CONNECTION, MAX_MESSAGE_BYTES};

/// Serves a [`GatewayApi`] (usually the gateway itself) over gRPC.
pub struct GrpcServer {
    api: Arc<dyn GatewayApi>,
    limits: ServerLimits,
}

impl std::fmt::Debug for GrpcServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GrpcServer").finish_non_exhaustive()
    }
}

/// The services of every area, each with the message size limits.
macro_rules! services {
    ($adapter:expr, $($server:ident),+) => {
        ($($server::new($adapter.clone())
            .max_decoding_message_size(MAX_MESSAGE_BYTES)
            .max_encoding_message_size(MAX_MESSAGE_BYTES)),+)
    };
}

impl GrpcServer {
    /// A server for `api`.
    pub fn new(api: Arc<dyn GatewayApi>) -> Self {
        Self {
            api,
            limits: ServerLimits::default(),
        }
    }

    /// The same server with `limits`.
    #[must_use]
    pub fn with_limits(mut self, limits: ServerLimits) -> Self {
        self.limits = limits;
        self
    }

    /// The tonic router with one service per area, for composing with other services or
    /// serving on a listener of one's own.
    ///
    /// Each area's service is behind the API's [`Gatekeeper`](mediagateway_api::Gatekeeper):
    /// a call whose credential it refuses is answered before its request is read.
    pub fn into_router(self) -> tonic::service::Routes {
        let gate = Gate::new(self.api.clone(), self.limits);
        let adapter = Adapter { api: self.api };
        let (admin, sessions, calendar) =
            services!(adapter, AdminServer, SessionsServer, CalendarServer);
        tonic::service::Routes::new(gate.wrap(admin, Role::Admin))
            .add_service(gate.wrap(sessions, Role::Portal))
            .add_service(gate.wrap(calendar, Role::Portal))
    }

    /// Serves on `listener` until `shutdown` completes.
    pub async fn serve(
        self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), ApiError> {
        let address = listener
            .local_addr()
            .map_or_else(|_| "unknown".to_owned(), |a: SocketAddr| a.to_string());
        tonic::transport::Server::builder()
            .concurrency_limit_per_connection(MAX_CONCURRENT_CALLS_PER_CONNECTION)
            .add_routes(self.into_router())
            .serve_with_incoming_shutdown(TcpListenerStream::new(listener), shutdown)
            .await
            .map_err(|e| ApiError::Internal {
                detail: format!("the gRPC server on {address} failed: {e}"),
            })
    }
}

impl GrpcServer {
    /// Serves on `listener` with TLS until `shutdown` completes; see [`tls::serve`].
    pub async fn serve_tls(
        self,
        listener: TcpListener,
        tls: &ServerTls,
        shutdown: impl Future<Output = ()> + Send,
    ) -> Result<(), ApiError> {
        tls::serve(self.into_router(), listener, tls, shutdown).await
    }
}

/// The tonic services behind [`GrpcServer`]: one implementation of every area's service.
#[derive(Clone)]
pub struct Adapter {
    api: Arc<dyn GatewayApi>,
}

impl std::fmt::Debug for Adapter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Adapter").finish_non_exhaustive()
    }
}

fn reply<T>(result: Result<T, ApiError>) -> Result<Response<T>, Status> {
    result.map(Response::new).map_err(|e| to_status(&e))
}

/// Implements an area's tonic service on [`Adapter`] from the area's table: each operation
/// takes its request message apart (every field of it must be in the table), converts the
/// call and the arguments, calls the API and converts the reply.
macro_rules! grpc_server_area {
    (
        [$service:path] $(#[$area_doc:meta])* trait $area:ident;
        $($(#[$doc:meta])* fn $method:ident($call:ident: $call_type:ty $(, $arg:ident: $arg_type:ty)*)
            -> $reply:ty = $request_message:ident => $reply_message:ident;)*
    ) => {
        #[tonic::async_trait]
        impl $service for Adapter {
            $(
                async fn $method(
                    &self,
                    request: Request<proto::$request_message>,
                ) -> Result<Response<proto::$reply_message>, Status> {
                    reply(
                        async {
                            let peer = request.remote_addr().map(|address| address.ip());
                            let credential = credential_from(request.metadata())?;
                            let proto::$request_message { context, $($arg),* } =
                                request.into_inner();
                            let $call = <$call_type>::from_request(context, credential, peer)?;
                            $(
                                let $arg = <<$arg_type as ToOwned>::Owned>::from_wire(
                                    $arg,
                                    stringify!($arg),
                                )?;
                            )*
                            let reply: $reply =
                                mediagateway_api::$area::$method(&*self.api, &$call $(, &$arg)*)
                                    .await?;
                            Ok(proto::$reply_message::from(reply))
                        }
                        .await,
                    )
                }
            )*
        }
    };
}

mediagateway_api::admin_operations!(grpc_server_area! { [proto::admin_server::Admin] });
mediagateway_api::session_operations!(grpc_server_area! { [proto::sessions_server::Sessions] });
mediagateway_api::calendar_operations!(grpc_server_area! { [proto::calendar_server::Calendar] });
