//! What the end-to-end test binaries share.

use std::sync::Arc;

use mediagateway::{Gateway, GatewayConfig};

/// A gateway on a temporary folder (a 2048-bit key, for speed), served over gRPC on a free
/// loopback port for as long as the test's runtime lives. Keep the folder until the end.
pub(crate) async fn served_gateway() -> (Arc<Gateway>, u16, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let config = GatewayConfig::in_dir(dir.path()).with_rsa_bits(2048);
    let gateway = Arc::new(Gateway::open(&config).expect("the gateway opens"));
    let listener = mediagateway::bind("127.0.0.1:0".parse().expect("an address"))
        .await
        .expect("a loopback port");
    let port = listener.local_addr().expect("a bound listener").port();
    tokio::spawn(mediagateway::serve(
        gateway.clone(),
        listener,
        std::future::pending(),
    ));
    (gateway, port, dir)
}
