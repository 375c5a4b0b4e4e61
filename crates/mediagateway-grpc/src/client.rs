//! The gRPC client: a [`GatewayApi`](mediagateway_api::GatewayApi) that talks to a remote
//! gateway.

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use futures_util::StreamExt as _;
use mediagateway_api::{ApiError, ApiStream};
use tonic::transport::{Channel, Endpoint};
use tonic::Status;

use crate::convert::{attach_credential, CallContext, ToWire};
use crate::proto;
use crate::status::from_status;
use crate::tls::{ClientTls, TlsConnector};
use crate::MAX_MESSAGE_BYTES;

/// Settings of a [`GrpcClient`].
#[derive(Debug, Clone)]
pub struct GrpcClientBuilder {
    host: String,
    port: u16,
    connect_timeout: Duration,
    timeout: Duration,
    tls: Option<ClientTls>,
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

    /// Speaks TLS with these settings instead of plain HTTP/2. There is no fallback: if the
    /// handshake fails, so does the call.
    pub fn tls(mut self, tls: ClientTls) -> Self {
        self.tls = Some(tls);
        self
    }

    /// The client. It connects on its first call (and again after the connection is lost).
    pub fn build(self) -> Result<GrpcClient, ApiError> {
        let address = if self.host.contains(':') {
            format!("[{}]:{}", self.host.trim_matches(['[', ']']), self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        };
        let invalid = |e: &dyn std::fmt::Display| {
            ApiError::invalid(format!("gateway address {address:?}: {e}"))
        };
        let mut endpoint = Endpoint::from_shared(format!("http://{address}"))
            .map_err(|e| invalid(&e))?
            .connect_timeout(self.connect_timeout)
            .timeout(self.timeout)
            .tcp_nodelay(true)
            .initial_stream_window_size(crate::STREAM_WINDOW_BYTES)
            .initial_connection_window_size(crate::CONNECTION_WINDOW_BYTES);
        let connector = match &self.tls {
            Some(tls) => {
                // The connector makes the TLS connection; the requests say `https`.
                let origin = format!("https://{address}")
                    .parse()
                    .map_err(|e| invalid(&e))?;
                endpoint = endpoint.origin(origin);
                Some(tls.connector(&self.host, self.port)?)
            }
            None => None,
        };
        Ok(GrpcClient {
            endpoint,
            connector,
            channel: Arc::new(OnceLock::new()),
            address,
        })
    }
}

/// A gateway reached over gRPC: plain HTTP/2 (port 8087 by default) or TLS (port 9087 by
/// default, see [`GrpcClientBuilder::tls`]).
///
/// Clones share one HTTP/2 connection. The client can be built outside an async runtime; it
/// connects on its first call, inside the caller's runtime.
#[derive(Debug, Clone)]
pub struct GrpcClient {
    endpoint: Endpoint,
    connector: Option<TlsConnector>,
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
            tls: None,
        }
    }

    /// The `host:port` this client calls.
    pub fn address(&self) -> &str {
        &self.address
    }

    /// The shared channel (plain or TLS, as built), for calling the gateway's other tonic
    /// services, such as the standard health check. Made on first use, inside the runtime the
    /// calls run in, so call it from there.
    pub fn channel(&self) -> Channel {
        self.channel
            .get_or_init(|| match &self.connector {
                Some(connector) => self.endpoint.connect_with_connector_lazy(connector.clone()),
                None => self.endpoint.connect_lazy(),
            })
            .clone()
    }

    fn error(&self, status: &Status) -> ApiError {
        from_status(status, &self.address)
    }
}

/// A request larger than either side accepts is refused before anything is sent.
fn check_size(len: usize) -> Result<(), ApiError> {
    if len > MAX_MESSAGE_BYTES {
        return Err(ApiError::LimitExceeded {
            what: format!(
                "the request is {len} bytes; the gateway accepts at most {MAX_MESSAGE_BYTES}"
            ),
        });
    }
    Ok(())
}

/// The gateway behind the client checks every call's credential; the client admits them all.
impl mediagateway_api::Gatekeeper for GrpcClient {}

/// A reply the client cannot turn into domain values is the server's fault.
fn invalid_reply(error: ApiError) -> ApiError {
    ApiError::Protocol {
        detail: format!("the gateway sent an invalid reply: {error}"),
    }
}

/// The items of a server-streaming reply as an [`ApiStream`]: each message converted as it
/// arrives, a status as the error it carries, a message that does not convert as a
/// [`Protocol`](ApiError::Protocol) error (see [`until_error`]).
fn reply_stream<M, T>(messages: tonic::Streaming<M>, address: String) -> ApiStream<T>
where
    M: Send + 'static,
    T: TryFrom<M, Error = ApiError> + Send + 'static,
{
    until_error(messages.map(move |message| match message {
        Ok(message) => T::try_from(message).map_err(invalid_reply),
        Err(status) => Err(from_status(&status, &address)),
    }))
}

/// `items` up to and with the first error, which ends the stream (and, for a reply, drops the
/// call, which cancels it).
fn until_error<T, S>(items: S) -> ApiStream<T>
where
    S: futures_util::Stream<Item = Result<T, ApiError>> + Send + 'static,
    T: Send + 'static,
{
    Box::pin(items.scan(false, |ended, item| {
        let next = (!*ended).then(|| {
            *ended = item.is_err();
            item
        });
        std::future::ready(next)
    }))
}

/// Implements an area of the API on [`GrpcClient`] from the area's table: each operation
/// builds its request message from the call and the arguments, calls the tonic stub of the
/// area's service and converts the reply; a streaming one converts its items as they arrive
/// (see [`reply_stream`]).
macro_rules! grpc_client_area {
    (
        [$stub:ty] $(#[$area_doc:meta])* trait $area:ident;
        $($(#[$doc:meta])* fn $method:ident($call:ident: $call_type:ty $(, $arg:ident: $arg_type:ty)*)
            -> $reply:ty = $request_message:ident => $reply_message:ident;)*
        $(streams {
            $($(#[$sdoc:meta])* fn $smethod:ident($scall:ident: $scall_type:ty $(, $sarg:ident: $sarg_type:ty)*)
                -> $sreply:ty = $srequest:ident => $sreply_message:ident as $sstream:ident;)*
        })?
    ) => {
        #[async_trait]
        impl mediagateway_api::$area for GrpcClient {
            $(
                async fn $method(&self, $call: &$call_type $(, $arg: &$arg_type)*)
                    -> Result<$reply, ApiError> {
                    let message = proto::$request_message {
                        context: $call.to_wire(),
                        $($arg: $arg.to_wire(),)*
                    };
                    check_size(prost::Message::encoded_len(&message))?;
                    let mut request = tonic::Request::new(message);
                    attach_credential(
                        request.metadata_mut(),
                        CallContext::credential($call),
                    );
                    let reply = <$stub>::new(self.channel())
                        .max_decoding_message_size(MAX_MESSAGE_BYTES)
                        .max_encoding_message_size(MAX_MESSAGE_BYTES)
                        .$method(request)
                        .await
                        .map_err(|status| self.error(&status))?
                        .into_inner();
                    <$reply>::try_from(reply).map_err(invalid_reply)
                }
            )*
            $($(
                async fn $smethod(&self, $scall: &$scall_type $(, $sarg: &$sarg_type)*)
                    -> Result<ApiStream<$sreply>, ApiError> {
                    let message = proto::$srequest {
                        context: $scall.to_wire(),
                        $($sarg: $sarg.to_wire(),)*
                    };
                    check_size(prost::Message::encoded_len(&message))?;
                    let mut request = tonic::Request::new(message);
                    attach_credential(
                        request.metadata_mut(),
                        CallContext::credential($scall),
                    );
                    let replies = <$stub>::new(self.channel())
                        .max_decoding_message_size(MAX_MESSAGE_BYTES)
                        .max_encoding_message_size(MAX_MESSAGE_BYTES)
                        .$smethod(request)
                        .await
                        .map_err(|status| self.error(&status))?
                        .into_inner();
                    Ok(reply_stream::<proto::$sreply_message, $sreply>(
                        replies,
                        self.address.clone(),
                    ))
                }
            )*)?
        }
    };
}

mediagateway_api::admin_operations!(grpc_client_area! {
    [proto::admin_client::AdminClient<Channel>]
});
mediagateway_api::session_operations!(grpc_client_area! {
    [proto::sessions_client::SessionsClient<Channel>]
});
mediagateway_api::calendar_operations!(grpc_client_area! {
    [proto::calendar_client::CalendarClient<Channel>]
});
mediagateway_api::table_operations!(grpc_client_area! {
    [proto::tables_client::TablesClient<Channel>]
});
mediagateway_api::directory_operations!(grpc_client_area! {
    [proto::directory_client::DirectoryClient<Channel>]
});

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_stream_ends_at_its_first_error() {
        let items = futures_util::stream::iter([
            Ok(1),
            Err(ApiError::invalid("broken")),
            Ok(2),
            Err(ApiError::invalid("again")),
        ]);
        let seen: Vec<Result<i32, ApiError>> = until_error(items).collect().await;
        assert_eq!(seen.len(), 2);
        assert!(matches!(seen[0], Ok(1)));
        assert!(matches!(seen[1], Err(ApiError::InvalidArgument { .. })));
        let fine: Vec<_> = until_error(futures_util::stream::iter([Ok::<_, ApiError>(1), Ok(2)]))
            .collect()
            .await;
        assert_eq!(fine.len(), 2);
    }

    #[test]
    fn an_undecodable_item_is_the_gateways_fault() {
        let error = invalid_reply(ApiError::invalid("table: \"Spreadsheet\" is not a table"));
        assert!(matches!(error, ApiError::Protocol { .. }), "{error:?}");
        assert!(error.to_string().contains("Spreadsheet"), "{error}");
    }
}
