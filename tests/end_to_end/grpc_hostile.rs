//! Hostile and oversized input at the gateway's gRPC port: typed errors, and the server keeps
//! serving.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use mediagateway_api::{
    AdminApi, AdminCall, ApiError, Credential, GatewayPassword, Login, PortalKey, SessionApi,
    UserCall,
};
use mediagateway_grpc::GrpcClient;
use secrecy::SecretString;
use uuid::Uuid;

async fn gateway() -> (u16, tempfile::TempDir) {
    let (_, port, dir) = crate::support::served_gateway().await;
    (port, dir)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn garbage_on_the_port_is_dropped_and_the_server_keeps_serving() {
    let (port, _dir) = gateway().await;
    let garbage: Vec<Vec<u8>> = vec![
        b"GET / HTTP/1.1\r\nHost: x\r\n\r\n".to_vec(),
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\xff\xff\xff\xff\xff\xff\xff\xff\xff".to_vec(),
        (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 24) as u8)
            .collect(),
        Vec::new(),
    ];
    for bytes in garbage {
        let length = bytes.len();
        let closed = tokio::task::spawn_blocking(move || {
            let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(5)))
                .unwrap();
            let _ = stream.write_all(&bytes);
            let _ = stream.shutdown(std::net::Shutdown::Write);
            let mut answer = Vec::new();
            // A connection reset counts as closed too; only our read timeout means it hung.
            match stream.read_to_end(&mut answer) {
                Ok(_) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Ok(()),
                Err(e) => Err(e.kind()),
            }
        })
        .await
        .expect("the client thread ends");
        assert_eq!(
            closed,
            Ok(()),
            "the server kept a connection of {length} garbage bytes open"
        );
    }
    let client = GrpcClient::builder("127.0.0.1", port).build().unwrap();
    let status = client
        .status(&AdminCall::new(GatewayPassword::from("1234")))
        .await
        .unwrap();
    assert!(status.default_password);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_and_hostile_fields_get_typed_errors() {
    let (port, _dir) = gateway().await;
    let client = GrpcClient::builder("127.0.0.1", port).build().unwrap();
    let call = UserCall::new(PortalKey::from("mgk1.unknown"), "Nowhere", Uuid::new_v4());
    // Larger than the 4 MiB message limit: refused before anything is sent.
    let huge = Login {
        user_name: "a".repeat(5 * 1024 * 1024),
        password: SecretString::from("x"),
        mailbox: None,
    };
    let err = client.login(&call, &huge).await.unwrap_err();
    assert!(matches!(err, ApiError::LimitExceeded { .. }), "{err:?}");

    // Within the limit, but a data source nobody configured, and a wrong password.
    let login = Login {
        user_name: "\u{0}\u{202e}evil".into(),
        password: SecretString::from("x"),
        mailbox: Some("<script>".into()),
    };
    // An unknown data source looks like a wrong key: a key cannot probe for names.
    let err = client.login(&call, &login).await.unwrap_err();
    assert_eq!(err, ApiError::PortalKeyIncorrect);
    let wrong = UserCall {
        credential: Credential::GatewayPassword(GatewayPassword::from("\u{0}")),
        ..call.clone()
    };
    assert!(matches!(
        client.login(&wrong, &login).await.unwrap_err(),
        ApiError::PermissionDenied { .. }
    ));
    // The server is still there.
    assert!(client
        .status(&AdminCall::new(GatewayPassword::from("1234")))
        .await
        .is_ok());
}
