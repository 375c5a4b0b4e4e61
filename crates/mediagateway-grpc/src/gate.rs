//! The check of a call's credential before its request is read: each area's tonic service is
//! wrapped in [`Gated`], which asks the API's [`Gatekeeper`](mediagateway_api::Gatekeeper) with
//! the request's metadata and peer address and answers a refusal without reading the body. It
//! also holds the server's limits: calls at once, and how long one may take.

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use mediagateway_api::{ApiError, GatewayApi, Role};
use tokio::sync::Semaphore;
use tonic::body::Body;
use tonic::codegen::http::{Request, Response};
use tonic::codegen::{BoxFuture, Service};
use tonic::metadata::MetadataMap;
use tonic::server::NamedService;
use tonic::transport::server::TcpConnectInfo;

use crate::convert::credential_from;
use crate::status::to_status;
use crate::ServerLimits;

/// An area's tonic service behind the gatekeeper.
#[derive(Clone)]
pub(crate) struct Gated<S> {
    inner: S,
    role: Role,
    gate: Gate,
}

/// What every area's service of one server shares: the API, its count of calls in flight, and
/// the limits.
#[derive(Clone)]
pub(crate) struct Gate {
    api: Arc<dyn GatewayApi>,
    calls: Arc<Semaphore>,
    limits: ServerLimits,
}

impl Gate {
    pub(crate) fn new(api: Arc<dyn GatewayApi>, limits: ServerLimits) -> Self {
        Self {
            api,
            calls: Arc::new(Semaphore::new(limits.max_concurrent_calls)),
            limits,
        }
    }

    /// `inner`, an area's service taking `role`, behind this gate.
    pub(crate) fn wrap<S>(&self, inner: S, role: Role) -> Gated<S> {
        Gated {
            inner,
            role,
            gate: self.clone(),
        }
    }
}

impl<S: NamedService> NamedService for Gated<S> {
    const NAME: &'static str = S::NAME;
}

impl<S> Service<Request<Body>> for Gated<S>
where
    S: Service<Request<Body>, Response = Response<Body>, Error = Infallible>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
{
    type Response = Response<Body>;
    type Error = Infallible;
    type Future = BoxFuture<Self::Response, Self::Error>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), Self::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: Request<Body>) -> Self::Future {
        // The service that was polled ready serves this call; a fresh clone waits for the next.
        let ready = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, ready);
        let Gate { api, calls, limits } = self.gate.clone();
        let role = self.role;
        Box::pin(async move {
            // Past the limit a call is refused at once: the gateway sheds load, it does not
            // queue it.
            let Ok(_permit) = calls.try_acquire_owned() else {
                let error = ApiError::LimitExceeded {
                    what: format!(
                        "at most {} calls at once; try again shortly",
                        limits.max_concurrent_calls
                    ),
                };
                return Ok(to_status(&error).into_http());
            };
            let peer = request
                .extensions()
                .get::<TcpConnectInfo>()
                .and_then(TcpConnectInfo::remote_addr)
                .map(|address| address.ip());
            let metadata = MetadataMap::from_headers(request.headers().clone());
            let admitted = match credential_from(&metadata) {
                Ok(credential) => api.admit(role, &credential, peer).await,
                Err(error) => Err(error),
            };
            if let Err(error) = admitted {
                return Ok(to_status(&error).into_http());
            }
            match tokio::time::timeout(limits.call_timeout, inner.call(request)).await {
                Ok(answer) => answer,
                Err(_) => {
                    let error = ApiError::LimitExceeded {
                        what: format!(
                            "a call may take at most {} s",
                            limits.call_timeout.as_secs_f64()
                        ),
                    };
                    Ok(to_status(&error).into_http())
                }
            }
        })
    }
}
