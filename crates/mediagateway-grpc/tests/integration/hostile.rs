//! Clients that never finish a handshake, or send garbage, cost the server nothing but their
//! own connection.

use std::time::Duration;

use mediagateway_grpc::tls::{ClientTls, ServerTls};
use tempfile::TempDir;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use crate::pki;
use crate::support::{client, fixed_status, serve, status};

fn server_tls(dir: &TempDir) -> ServerTls {
    let (certificate, key) =
        pki::self_signed(&["localhost", "127.0.0.1"]).write(dir.path(), "server");
    ServerTls::from_pem_files(certificate, key).expect("usable")
}

/// Reads until the server closes the connection (or resets it).
async fn until_closed(stream: &mut TcpStream) {
    let mut buffer = [0_u8; 1024];
    // A guard against a hang, not a measurement: the server closes long before.
    let closing = async {
        while let Ok(n) = stream.read(&mut buffer).await {
            if n == 0 {
                return;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(30), closing)
        .await
        .expect("the server closes the connection");
}

#[tokio::test]
async fn garbage_and_silence_do_not_stop_the_server() {
    let dir = TempDir::new().expect("a temp dir");
    let tls = server_tls(&dir).handshake_timeout(Duration::from_millis(300));
    let pinned = ClientTls::pinned_fingerprint(tls.fingerprint()).expect("valid");
    let server = serve(Some(tls)).await;

    // A silent client holds its connection while another one is served.
    let mut silent = TcpStream::connect(server.address).await.expect("connects");
    let reply = status(&client(server.address, Some(pinned.clone()))).await;
    assert_eq!(
        reply.expect("served beside a silent client"),
        fixed_status()
    );
    // The silent one is dropped when its handshake time is up.
    until_closed(&mut silent).await;

    let mut garbage = TcpStream::connect(server.address).await.expect("connects");
    garbage
        .write_all(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n\x16\x03\x01\xff\xff garbage")
        .await
        .expect("the server reads");
    until_closed(&mut garbage).await;

    // One that connects and leaves at once.
    drop(TcpStream::connect(server.address).await.expect("connects"));

    let reply = status(&client(server.address, Some(pinned))).await;
    assert_eq!(reply.expect("still serving"), fixed_status());
    assert_eq!(server.api.calls(), 2);
    server.stop().await.expect("the server stops cleanly");
}
