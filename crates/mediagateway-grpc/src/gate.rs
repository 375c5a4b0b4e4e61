//! The check of a call's credential before its request is read: each area's tonic service is
//! wrapped in [`Gated`], which asks the API's [`Gatekeeper`] with the request's metadata and
//! peer address and answers a refusal without reading the body.

use std::convert::Infallible;
use std::sync::Arc;
use std::task::{Context, Poll};

use mediagateway_api::{GatewayApi, Role};
use tonic::body::Body;
use tonic::codegen::http::{Request, Response};
use tonic::codegen::{BoxFuture, Service};
use tonic::metadata::MetadataMap;
use tonic::server::NamedService;
use tonic::transport::server::TcpConnectInfo;

use crate::convert::credential_from;
use crate::status::to_status;

/// An area's tonic service behind the gatekeeper.
#[derive(Clone)]
pub(crate) struct Gated<S> {
    inner: S,
    role: Role,
    api: Arc<dyn GatewayApi>,
}

impl<S> Gated<S> {
    pub(crate) fn new(inner: S, role: Role, api: Arc<dyn GatewayApi>) -> Self {
        Self { inner, role, api }
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
        let (api, role) = (self.api.clone(), self.role);
        Box::pin(async move {
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
            match admitted {
                Ok(()) => inner.call(request).await,
                Err(error) => Ok(to_status(&error).into_http()),
            }
        })
    }
}
