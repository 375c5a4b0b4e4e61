//! Known-user requests whose portal user is not a GUID are refused by the server before the
//! API sees them.

use mediagateway_grpc::proto;
use mediagateway_grpc::proto::admin_client::AdminClient;
use tonic::metadata::MetadataValue;
use tonic::Code;

use crate::support::serve;

fn request<T>(message: T) -> tonic::Request<T> {
    let mut request = tonic::Request::new(message);
    request.metadata_mut().insert_bin(
        "mg-gateway-password-bin",
        MetadataValue::from_bytes(b"1234"),
    );
    request
}

fn user(portal_user: &str) -> Option<proto::UserRef> {
    Some(proto::UserRef {
        data_source: "Exchange".to_owned(),
        portal_user: portal_user.to_owned(),
    })
}

#[tokio::test]
async fn a_portal_user_that_is_not_a_guid_is_an_invalid_argument() {
    let server = serve(None).await;
    let mut admin = AdminClient::connect(format!("http://{}", server.address))
        .await
        .expect("the server listens");
    let long = "9".repeat(10_000);
    for bad in ["", "not-a-guid", "'; DROP TABLE records; --", long.as_str()] {
        let details = admin
            .user_details(request(proto::UserDetailsRequest {
                context: Some(proto::AdminContext {}),
                user: user(bad),
            }))
            .await
            .unwrap_err();
        let reset = admin
            .reset_user(request(proto::ResetUserRequest {
                context: Some(proto::AdminContext {}),
                user: user(bad),
            }))
            .await
            .unwrap_err();
        for status in [details, reset] {
            assert_eq!(
                status.code(),
                Code::InvalidArgument,
                "{bad:.20}: {status:?}"
            );
            assert_eq!(
                status
                    .metadata()
                    .get("mg-error-kind")
                    .map(|v| v.to_str().unwrap()),
                Some("ERROR_KIND_INVALID_ARGUMENT")
            );
        }
    }
    let missing = admin
        .reset_user(request(proto::ResetUserRequest {
            context: Some(proto::AdminContext {}),
            user: None,
        }))
        .await
        .unwrap_err();
    assert_eq!(missing.code(), Code::InvalidArgument);
    assert_eq!(server.api.calls(), 0, "nothing malformed reached the API");

    // A GUID gets through to the API (which answers every such call with an error).
    let through = admin
        .user_details(request(proto::UserDetailsRequest {
            context: Some(proto::AdminContext {}),
            user: user("8b0c2a5e-3f41-4d7a-9c1e-5b6f7a8d9e0f"),
        }))
        .await
        .unwrap_err();
    assert_eq!(through.code(), Code::Internal);
    assert_eq!(server.api.calls(), 1);
    server.stop().await.expect("the server stops cleanly");
}
