//! A tiny gateway API that counts its calls, servers on 127.0.0.1 and clients for them.

use std::any::Any;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

use mediagateway_api::{
    AdminApi, AdminCall, ApiError, GatewayPassword, GatewayStatus, Unreachable,
};
use mediagateway_grpc::tls::{ClientTls, ServerTls};
use mediagateway_grpc::{GrpcClient, GrpcServer, ServerLimits};
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

/// The status every server here reports.
pub(crate) fn fixed_status() -> GatewayStatus {
    GatewayStatus {
        gateway_version: "9.8.7".into(),
        default_password: false,
        data_sources: 3,
    }
}

/// Answers `status` with [`fixed_status`] and every other operation with an error; counts
/// every call that reaches it.
#[derive(Debug, Default)]
pub(crate) struct CountingApi {
    calls: AtomicUsize,
    /// Operations running now, and the most that ever ran at once.
    running: AtomicUsize,
    peak: AtomicUsize,
    /// How long each operation takes before it answers.
    delay: Duration,
}

/// Admits every call: the wire's own checks are what these tests are about.
impl mediagateway_api::Gatekeeper for CountingApi {}

impl CountingApi {
    /// An API whose every operation takes `delay` before it answers.
    pub(crate) fn slow(delay: Duration) -> Self {
        Self {
            delay,
            ..Self::default()
        }
    }

    pub(crate) fn calls(&self) -> usize {
        self.calls.load(Ordering::SeqCst)
    }

    /// The most operations that ever ran at once.
    pub(crate) fn peak(&self) -> usize {
        self.peak.load(Ordering::SeqCst)
    }

    /// Waits out the delay, counted as running meanwhile.
    async fn take_time(&self) {
        if self.delay.is_zero() {
            return;
        }
        let now = self.running.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(now, Ordering::SeqCst);
        tokio::time::sleep(self.delay).await;
        self.running.fetch_sub(1, Ordering::SeqCst);
    }

    /// The canned answer of an operation replying `T`.
    fn answer<T: Any>(&self) -> Result<T, ApiError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let status: Box<dyn Any> = Box::new(fixed_status());
        status
            .downcast::<T>()
            .map(|status| *status)
            .map_err(|_| ApiError::Internal {
                detail: "not implemented by the test API".into(),
            })
    }
}

/// Implements every operation of an area's table with [`CountingApi::answer`], so the test
/// API keeps up with the tables; a streaming operation answers a stream of that one answer.
macro_rules! canned_area {
    (
        $(#[$area_doc:meta])* trait $area:ident;
        $($(#[$doc:meta])* fn $method:ident($call:ident: $call_type:ty $(, $arg:ident: $arg_type:ty)*)
            -> $reply:ty = $request_message:ident => $reply_message:ident;)*
        $(streams {
            $($(#[$sdoc:meta])* fn $smethod:ident($scall:ident: $scall_type:ty $(, $sarg:ident: $sarg_type:ty)*)
                -> $sreply:ty = $srequest:ident => $sreply_message:ident as $sstream:ident;)*
        })?
    ) => {
        #[async_trait::async_trait]
        impl mediagateway_api::$area for CountingApi {
            $(
                async fn $method(&self, _: &$call_type $(, _: &$arg_type)*)
                    -> Result<$reply, ApiError> {
                    self.take_time().await;
                    self.answer::<$reply>()
                }
            )*
            $($(
                async fn $smethod(&self, _: &$scall_type $(, _: &$sarg_type)*)
                    -> Result<mediagateway_api::ApiStream<$sreply>, ApiError> {
                    self.take_time().await;
                    Ok(Box::pin(tokio_stream::once(self.answer::<$sreply>())))
                }
            )*)?
        }
    };
}

mediagateway_api::admin_operations!(canned_area! {});
mediagateway_api::session_operations!(canned_area! {});
mediagateway_api::calendar_operations!(canned_area! {});
mediagateway_api::table_operations!(canned_area! {});
mediagateway_api::directory_operations!(canned_area! {});

/// A server on 127.0.0.1, stopped when dropped.
pub(crate) struct Running {
    pub(crate) address: SocketAddr,
    pub(crate) api: Arc<CountingApi>,
    stop: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<Result<(), ApiError>>>,
}

impl Running {
    /// Stops the server and returns how serving ended.
    pub(crate) async fn stop(mut self) -> Result<(), ApiError> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        let task = self.task.take().expect("the task is only taken here");
        task.await.expect("the server task does not panic")
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Serves the counting API with TLS, or in plain HTTP/2 without.
pub(crate) async fn serve(tls: Option<ServerTls>) -> Running {
    serve_with(tls, CountingApi::default(), ServerLimits::default()).await
}

/// Serves `api` with `limits`, with TLS or in plain HTTP/2 without.
pub(crate) async fn serve_with(
    tls: Option<ServerTls>,
    api: CountingApi,
    limits: ServerLimits,
) -> Running {
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .expect("loopback has free ports");
    let address = listener
        .local_addr()
        .expect("a bound listener has an address");
    let api = Arc::new(api);
    let (stop, stopped) = oneshot::channel::<()>();
    let server = GrpcServer::new(api.clone()).with_limits(limits);
    let shutdown = async {
        let _ = stopped.await;
    };
    let task = tokio::spawn(async move {
        match tls {
            Some(tls) => server.serve_tls(listener, &tls, shutdown).await,
            None => server.serve(listener, shutdown).await,
        }
    });
    Running {
        address,
        api,
        stop: Some(stop),
        task: Some(task),
    }
}

/// A client of `address`, with TLS or without.
pub(crate) fn client(address: SocketAddr, tls: Option<ClientTls>) -> GrpcClient {
    let mut builder = GrpcClient::builder(address.ip().to_string(), address.port());
    if let Some(tls) = tls {
        builder = builder.tls(tls);
    }
    builder.build().expect("a loopback address is valid")
}

/// One `status` call.
pub(crate) async fn status(client: &GrpcClient) -> Result<GatewayStatus, ApiError> {
    client
        .status(&AdminCall::new(GatewayPassword::from("1234")))
        .await
}

/// The cause of a `GatewayUnreachable` error; any other outcome fails the test.
pub(crate) fn unreachable_cause(result: Result<GatewayStatus, ApiError>) -> Unreachable {
    match result {
        Err(ApiError::GatewayUnreachable { cause, .. }) => cause,
        other => panic!("expected GatewayUnreachable, got {other:?}"),
    }
}
