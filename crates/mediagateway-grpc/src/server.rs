//! The gRPC server: serves any [`GatewayApi`] over tonic.

use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::Arc;

use mediagateway_api::{ApiError, GatewayApi, Role};
use tokio::net::TcpListener;
use tokio_stream::wrappers::TcpListenerStream;
use tokio_stream::{Stream, StreamExt as _};
use tonic::{Request, Response, Status};

use tonic_reflection::server::v1::{ServerReflection, ServerReflectionServer};
use tonic_reflection::server::v1alpha;

use crate::convert::{credential_from, CallContext, FromWire};
use crate::gate::Gate;
use crate::health;
use crate::proto;
use crate::proto::admin_server::AdminServer;
use crate::proto::calendar_server::CalendarServer;
use crate::proto::directory_server::DirectoryServer;
use crate::proto::sessions_server::SessionsServer;
use crate::proto::tables_server::TablesServer;
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

    /// The tonic router with one service per area, the health service and server reflection,
    /// for composing with other services or serving on a listener of one's own.
    ///
    /// Each area's service is behind the API's [`Gatekeeper`](mediagateway_api::Gatekeeper)
    /// and the server's limits: a call whose credential it refuses is answered before its
    /// request is read. Health and reflection take no credential. Served this way, the health service reports
    /// SERVING for as long as the router lives; [`serve`](Self::serve) and
    /// [`serve_tls`](Self::serve_tls) turn it NOT_SERVING when they begin to stop.
    pub fn into_router(self) -> tonic::service::Routes {
        self.into_routes().0
    }

    /// The routes, and the switch that turns their health NOT_SERVING.
    fn into_routes(self) -> (tonic::service::Routes, health::Stopping) {
        let gate = Gate::new(self.api.clone(), self.limits);
        let adapter = Adapter { api: self.api };
        let (admin, sessions, calendar, tables, directory) = services!(
            adapter,
            AdminServer,
            SessionsServer,
            CalendarServer,
            TablesServer,
            DirectoryServer
        );
        let (health, stopping) = health::service();
        let mut routes = tonic::service::Routes::new(gate.wrap(admin, Role::Admin))
            .add_service(gate.wrap(sessions, Role::Portal))
            .add_service(gate.wrap(calendar, Role::Portal))
            .add_service(gate.wrap(tables, Role::Portal))
            .add_service(gate.wrap(directory, Role::Portal))
            .add_service(health);
        match reflection() {
            Ok((v1, v1alpha)) => routes = routes.add_service(v1).add_service(v1alpha),
            // The descriptors are compiled into the crate (and a test builds the service
            // from them): a failure here is a bug, and the API is still served without it.
            Err(error) => tracing::error!(%error, "server reflection is not served"),
        }
        (routes, stopping)
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
        let (routes, stopping) = self.into_routes();
        tonic::transport::Server::builder()
            .concurrency_limit_per_connection(MAX_CONCURRENT_CALLS_PER_CONNECTION)
            .initial_stream_window_size(crate::STREAM_WINDOW_BYTES)
            .initial_connection_window_size(crate::CONNECTION_WINDOW_BYTES)
            .add_routes(routes)
            .serve_with_incoming_shutdown(
                // Small replies go out at once, not after a delayed ACK (as over TLS).
                TcpListenerStream::new(listener).map(|accepted| {
                    if let Ok(stream) = &accepted {
                        let _ = stream.set_nodelay(true);
                    }
                    accepted
                }),
                until_stopped(shutdown, stopping),
            )
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
        let (routes, stopping) = self.into_routes();
        tls::serve(routes, listener, tls, until_stopped(shutdown, stopping)).await
    }
}

/// `shutdown`, after which health checks answer NOT_SERVING and health watches end.
async fn until_stopped(shutdown: impl Future<Output = ()>, stopping: health::Stopping) {
    shutdown.await;
    stopping.stop();
}

/// The reflection services (v1 and v1alpha) over the API's descriptors and the health
/// service's.
fn reflection() -> Result<
    (
        ServerReflectionServer<impl ServerReflection>,
        v1alpha::ServerReflectionServer<impl v1alpha::ServerReflection>,
    ),
    tonic_reflection::server::Error,
> {
    let builder = || {
        tonic_reflection::server::Builder::configure()
            .register_encoded_file_descriptor_set(proto::FILE_DESCRIPTOR_SET)
            .register_encoded_file_descriptor_set(tonic_health::pb::FILE_DESCRIPTOR_SET)
    };
    Ok((builder().build_v1()?, builder().build_v1alpha()?))
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

/// A server-streaming reply as the tonic services send it.
type ReplyStream<T> = Pin<Box<dyn Stream<Item = Result<T, Status>> + Send>>;

/// Implements an area's tonic service on [`Adapter`] from the area's table: each operation
/// takes its request message apart (every field of it must be in the table), converts the
/// call and the arguments, calls the API and converts the reply. A streaming operation
/// converts each item as it arrives; an error ends the stream with its status.
macro_rules! grpc_server_area {
    (
        [$service:path] $(#[$area_doc:meta])* trait $area:ident;
        $($(#[$doc:meta])* fn $method:ident($call:ident: $call_type:ty $(, $arg:ident: $arg_type:ty)*)
            -> $reply:ty = $request_message:ident => $reply_message:ident;)*
        $(streams {
            $($(#[$sdoc:meta])* fn $smethod:ident($scall:ident: $scall_type:ty $(, $sarg:ident: $sarg_type:ty)*)
                -> $sreply:ty = $srequest:ident => $sreply_message:ident as $sstream:ident;)*
        })?
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
            $($(
                type $sstream = ReplyStream<proto::$sreply_message>;

                async fn $smethod(
                    &self,
                    request: Request<proto::$srequest>,
                ) -> Result<Response<Self::$sstream>, Status> {
                    reply(
                        async {
                            let peer = request.remote_addr().map(|address| address.ip());
                            let credential = credential_from(request.metadata())?;
                            let proto::$srequest { context, $($sarg),* } = request.into_inner();
                            let $scall = <$scall_type>::from_request(context, credential, peer)?;
                            $(
                                let $sarg = <<$sarg_type as ToOwned>::Owned>::from_wire(
                                    $sarg,
                                    stringify!($sarg),
                                )?;
                            )*
                            let items: mediagateway_api::ApiStream<$sreply> =
                                mediagateway_api::$area::$smethod(
                                    &*self.api,
                                    &$scall $(, &$sarg)*
                                )
                                .await?;
                            let items: Self::$sstream = Box::pin(items.map(|item| {
                                item.map(proto::$sreply_message::from)
                                    .map_err(|e| to_status(&e))
                            }));
                            Ok(items)
                        }
                        .await,
                    )
                }
            )*)?
        }
    };
}

mediagateway_api::admin_operations!(grpc_server_area! { [proto::admin_server::Admin] });
mediagateway_api::session_operations!(grpc_server_area! { [proto::sessions_server::Sessions] });
mediagateway_api::calendar_operations!(grpc_server_area! { [proto::calendar_server::Calendar] });
mediagateway_api::table_operations!(grpc_server_area! { [proto::tables_server::Tables] });
mediagateway_api::directory_operations!(grpc_server_area! {
    [proto::directory_server::Directory]
});
