//! Hostile and oversized input at the gateway's gRPC port: typed errors, and the server keeps
//! serving.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use mediagateway_api::{
    AdminApi, AdminCall, ApiError, Credential, GatewayPassword, Login, PortalCall, PortalKey,
    SessionApi, TablesApi, UserCall,
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

    // A data source name no data source can have: a typed refusal, for user calls and for
    // calls about a data source alike, before the store is asked. The key is well-formed, so
    // the call gets past the gate to the name.
    let long = "d".repeat(300);
    let key = PortalKey::from(format!("mgk1.{}", "A".repeat(43)).as_str());
    let user = UserCall::new(key.clone(), long.as_str(), Uuid::new_v4());
    let err = client.logout(&user).await.unwrap_err();
    assert!(matches!(err, ApiError::InvalidArgument { .. }), "{err:?}");
    let portal = PortalCall::new(key.clone(), long.as_str());
    let err = client.metadata(&portal).await.unwrap_err();
    assert!(matches!(err, ApiError::InvalidArgument { .. }), "{err:?}");
    let control = PortalCall::new(key.clone(), "line\nbreak");
    let err = client.metadata(&control).await.unwrap_err();
    assert!(matches!(err, ApiError::InvalidArgument { .. }), "{err:?}");

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

/// Sends and receives message bytes as they are, so a test can put anything in a body.
#[derive(Debug, Clone, Copy, Default)]
struct Raw;

impl tonic::codec::Codec for Raw {
    type Encode = Vec<u8>;
    type Decode = Vec<u8>;
    type Encoder = Raw;
    type Decoder = Raw;

    fn encoder(&mut self) -> Raw {
        Raw
    }

    fn decoder(&mut self) -> Raw {
        Raw
    }
}

impl tonic::codec::Encoder for Raw {
    type Item = Vec<u8>;
    type Error = tonic::Status;

    fn encode(
        &mut self,
        item: Vec<u8>,
        dst: &mut tonic::codec::EncodeBuf<'_>,
    ) -> Result<(), tonic::Status> {
        bytes::BufMut::put_slice(dst, &item);
        Ok(())
    }
}

impl tonic::codec::Decoder for Raw {
    type Item = Vec<u8>;
    type Error = tonic::Status;

    fn decode(
        &mut self,
        src: &mut tonic::codec::DecodeBuf<'_>,
    ) -> Result<Option<Vec<u8>>, tonic::Status> {
        let bytes = bytes::Buf::chunk(src).to_vec();
        bytes::Buf::advance(src, bytes.len());
        Ok(Some(bytes))
    }
}

/// Calls `path` with `body` as the message and `password` in the metadata; the status code and
/// the error kind of the answer.
async fn raw_call(
    client: &GrpcClient,
    path: &'static str,
    body: Vec<u8>,
    password: Option<&str>,
) -> (tonic::Code, Option<String>) {
    let mut grpc = tonic::client::Grpc::new(client.channel());
    grpc.ready().await.expect("the channel is ready");
    let mut request = tonic::Request::new(body);
    if let Some(password) = password {
        request.metadata_mut().insert_bin(
            "mg-gateway-password-bin",
            tonic::metadata::MetadataValue::from_bytes(password.as_bytes()),
        );
    }
    let path = tonic::codegen::http::uri::PathAndQuery::from_static(path);
    match grpc.unary(request, path, Raw).await {
        Ok(_) => (tonic::Code::Ok, None),
        Err(status) => (
            status.code(),
            status
                .metadata()
                .get("mg-error-kind")
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned),
        ),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_credential_is_answered_before_the_body_is_read() {
    let (port, _dir) = gateway().await;
    let client = GrpcClient::builder("127.0.0.1", port).build().unwrap();
    // Not protobuf at all: a field number of zero.
    let garbage = vec![0x00, 0xff, 0xff, 0xff, 0xff, 0x0f];
    let status = "/mediagateway.v1.Admin/Status";
    for password in [None, Some("wrong")] {
        let (code, kind) = raw_call(&client, status, garbage.clone(), password).await;
        assert_eq!(code, tonic::Code::Unauthenticated, "{password:?}");
        assert_eq!(kind.as_deref(), Some("ERROR_KIND_PASSWORD_INCORRECT"));
    }
    let (code, kind) = raw_call(
        &client,
        "/mediagateway.v1.Sessions/Logout",
        garbage.clone(),
        Some("1234"),
    )
    .await;
    assert_eq!(code, tonic::Code::PermissionDenied);
    assert_eq!(kind.as_deref(), Some("ERROR_KIND_PERMISSION_DENIED"));
    // With the right password the body is read, and this one is refused as malformed.
    let (code, kind) = raw_call(&client, status, garbage, Some("1234")).await;
    assert_ne!(code, tonic::Code::Unauthenticated);
    assert_ne!(code, tonic::Code::Ok);
    assert_eq!(kind, None, "tonic's own decoding error, not the gateway's");
    // And a proper empty request is answered.
    let (code, _) = raw_call(&client, status, Vec::new(), Some("1234")).await;
    assert_eq!(code, tonic::Code::Ok);
}
