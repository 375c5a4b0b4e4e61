//! An implementation of the gateway API of one's own: it logs every call (the area, the
//! operation, the time it took and the kind of error, never an argument) and forwards it to the
//! real gateway. Served over gRPC, a portal cannot tell it from the gateway.
//!
//! The forwarding is written once for every operation from the API's tables
//! (`admin_operations!`, `session_operations!`, `calendar_operations!`, `table_operations!`,
//! `directory_operations!`), so it stays complete when the API grows.
//!
//! ```text
//! cargo run --example gateway-api-logging
//! ```

use std::error::Error;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use async_trait::async_trait;
use chrono::{Duration, Utc};
use exchange_connector::{
    ApiError, Authentication, DataSource, ExchangeGeneration, GatewayApi, ServiceAccount,
    TransportChoice,
};
use exchange_testkit::FakeExchange;
use mediagateway::{Gateway, GatewayConfig};
use mediagateway_api::{Credential, Gatekeeper, Role};
use secrecy::SecretString;
use uuid::Uuid;

/// Forwards every call to `inner` and logs it.
struct Logged {
    inner: Arc<dyn GatewayApi>,
    calls: Mutex<Vec<&'static str>>,
}

impl Logged {
    fn record<T>(&self, operation: &'static str, started: Instant, result: &Result<T, ApiError>) {
        let outcome = match result {
            Ok(_) => "ok".to_owned(),
            Err(error) => format!("{:?}", error.kind()),
        };
        println!("{operation} took {:?}: {outcome}", started.elapsed());
        self.calls
            .lock()
            .expect("no thread panics while logging")
            .push(operation);
    }
}

/// Implements one area on [`Logged`] from the area's table. A streaming operation is logged
/// when its stream is returned, not when the stream ends.
macro_rules! logged_area {
    (
        $(#[$area_doc:meta])* trait $area:ident;
        $($(#[$doc:meta])* fn $method:ident($call:ident: $call_type:ty $(, $arg:ident: $arg_type:ty)*)
            -> $reply:ty = $request_message:ident => $reply_message:ident;)*
        $(streams {
            $($(#[$sdoc:meta])* fn $smethod:ident($scall:ident: $scall_type:ty $(, $sarg:ident: $sarg_type:ty)*)
                -> $sreply:ty = $srequest:ident => $sreply_message:ident as $sstream:ident;)*
        })?
    ) => {
        #[async_trait]
        impl mediagateway_api::$area for Logged {
            $(
                async fn $method(&self, $call: &$call_type $(, $arg: &$arg_type)*)
                    -> Result<$reply, ApiError> {
                    let started = Instant::now();
                    let result =
                        mediagateway_api::$area::$method(&*self.inner, $call $(, $arg)*).await;
                    self.record(stringify!($method), started, &result);
                    result
                }
            )*
            $($(
                async fn $smethod(&self, $scall: &$scall_type $(, $sarg: &$sarg_type)*)
                    -> Result<mediagateway_api::ApiStream<$sreply>, ApiError> {
                    let started = Instant::now();
                    let result =
                        mediagateway_api::$area::$smethod(&*self.inner, $scall $(, $sarg)*).await;
                    self.record(stringify!($smethod), started, &result);
                    result
                }
            )*)?
        }
    };
}

mediagateway_api::admin_operations!(logged_area! {});
mediagateway_api::session_operations!(logged_area! {});
mediagateway_api::calendar_operations!(logged_area! {});
mediagateway_api::table_operations!(logged_area! {});
mediagateway_api::directory_operations!(logged_area! {});

/// The credential checks before a request is read are the wrapped gateway's.
#[async_trait]
impl Gatekeeper for Logged {
    async fn admit(
        &self,
        role: Role,
        credential: &Credential,
        peer: Option<IpAddr>,
    ) -> Result<(), ApiError> {
        self.inner.admit(role, credential, peer).await
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let fake = FakeExchange::builder()
        .user("svc@contoso.test", "service-password", "svc@contoso.test")
        .user("alice@contoso.test", "alice-password", "alice@contoso.test")
        .start()
        .await?;
    let dir = tempfile::tempdir()?;
    let gateway = Gateway::open(
        &GatewayConfig::in_dir(dir.path())
            .with_rsa_bits(2048)
            // The fake Exchange of this example answers plain http on loopback.
            .allow_plain_http_on_loopback(),
    )?;
    let logged = Arc::new(Logged {
        inner: Arc::new(gateway),
        calls: Mutex::new(Vec::new()),
    });

    let listener = mediagateway::bind("127.0.0.1:0".parse()?).await?;
    let port = listener.local_addr()?.port();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(mediagateway::serve(logged.clone(), listener, async {
        let _ = stopped.await;
    }));

    let exchange = DataSource::builder("Exchange")
        .gateway("127.0.0.1", port)
        .transport(TransportChoice::Grpc)
        .gateway_password(SecretString::from("1234"))
        .exchange_version(ExchangeGeneration::Exchange2010To2019)
        .authentication(Authentication::UserNamePassword)
        .exchange_account(ServiceAccount::new(
            "svc@contoso.test",
            SecretString::from("service-password"),
            fake.url(),
        ))
        .build()?;
    println!("{}", exchange.test_exchange_account().await);
    let portal_user = Uuid::new_v4();
    exchange
        .login(
            portal_user,
            "alice@contoso.test",
            SecretString::from("alice-password"),
        )
        .await?;
    let now = Utc::now();
    exchange
        .user(portal_user)
        .calendar(now, now + Duration::days(7))
        .await?;
    let wrong = exchange.user(portal_user).appointment("no-such-item").await;

    let _ = stop.send(());
    server.await??;
    fake.shutdown().await;
    let calls = logged
        .calls
        .lock()
        .expect("no thread panics while logging")
        .clone();
    let expected = [
        "status",
        "configure_data_source",
        "test_exchange_account",
        "login",
        "find_appointments",
        "get_appointment",
    ];
    if calls != expected || !wrong.is_err_and(|e| e.is_not_found()) {
        return Err(format!("logged {calls:?}, expected {expected:?}").into());
    }
    println!("every call was logged and forwarded");
    Ok(())
}
