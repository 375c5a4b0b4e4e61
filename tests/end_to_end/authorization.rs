//! The authorization matrix: every operation of the API, called with no credential, a wrong
//! password, the gateway password, the portal key of data source A and that of data source B,
//! over every transport. Each cell is either allowed (the call gets past authorization; it may
//! still fail for another reason, such as an item that does not exist) or refused with the
//! exact kind of error.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use futures_util::TryStreamExt as _;
use mediagateway::ThrottleConfig;
use mediagateway_api::tables::{
    ChangesRequest, CreateRecord, DeleteMode, DeleteRecord, FieldChange, FolderRef, GetRecord,
    Query, Record, RecordKey, Table, TableQuery, TransferRecord, UpdateRecord, Value,
    WellKnownFolder, WriteOptions,
};
use mediagateway_api::{
    AdminApi, AdminCall, ApiError, Credential, FreeBusyRequest, GatewayApi, GatewayPassword,
    KeyRotation, Login, NameQuery, NewAppointment, NewFileAttachment, OAuthLoginFinish,
    OAuthLoginStart, PortalCall, PortalKey, SessionApi, StaticUser, StaticUserRef, TimeWindow,
    UserCall, UserQuery, UserRef,
};
use mediagateway_grpc::tls::ClientTls;
use mediagateway_grpc::GrpcClient;
use secrecy::SecretString;
use uuid::Uuid;

use crate::support::{
    also_over_tls, data_source_config as config, fake_exchange, served_gateway,
    served_gateway_with, ALICE,
};

/// What a cell expects.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    Allowed,
    PasswordIncorrect,
    PortalKeyIncorrect,
    PermissionDenied,
}

/// Which of the five credentials a call presents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Nobody,
    WrongPassword,
    Admin,
    PortalA,
    PortalB,
}

const EVERYONE: [Who; 5] = [
    Who::Nobody,
    Who::WrongPassword,
    Who::Admin,
    Who::PortalA,
    Who::PortalB,
];

struct Keys {
    a: PortalKey,
    b: PortalKey,
}

impl Keys {
    fn credential(&self, who: Who) -> Credential {
        match who {
            Who::Nobody => Credential::None,
            Who::WrongPassword => Credential::GatewayPassword(GatewayPassword::from("12345")),
            Who::Admin => Credential::GatewayPassword(GatewayPassword::from("1234")),
            Who::PortalA => Credential::PortalKey(self.a.clone()),
            Who::PortalB => Credential::PortalKey(self.b.clone()),
        }
    }
}

fn admin_expect(who: Who) -> Expect {
    match who {
        Who::Nobody | Who::WrongPassword => Expect::PasswordIncorrect,
        Who::Admin => Expect::Allowed,
        Who::PortalA | Who::PortalB => Expect::PermissionDenied,
    }
}

/// Calls on behalf of a portal user of data source A.
fn user_expect(who: Who) -> Expect {
    match who {
        Who::Nobody | Who::PortalB => Expect::PortalKeyIncorrect,
        Who::WrongPassword | Who::Admin => Expect::PermissionDenied,
        Who::PortalA => Expect::Allowed,
    }
}

fn outcome<T>(result: Result<T, ApiError>) -> (Expect, Option<ApiError>) {
    match result {
        Ok(_) => (Expect::Allowed, None),
        Err(ApiError::PasswordIncorrect) => (Expect::PasswordIncorrect, None),
        Err(ApiError::PortalKeyIncorrect) => (Expect::PortalKeyIncorrect, None),
        Err(ApiError::PermissionDenied { .. }) => (Expect::PermissionDenied, None),
        Err(other) => (Expect::Allowed, Some(other)),
    }
}

/// Every operation of the API with `who`'s credential; the name of each with its outcome.
async fn every_operation(
    api: &dyn GatewayApi,
    keys: &Keys,
    who: Who,
    ews_url: &str,
) -> Vec<(&'static str, Expect, Expect, Option<ApiError>)> {
    let admin = AdminCall::with_credential(keys.credential(who));
    let user = UserCall::with_credential(keys.credential(who), "A", Uuid::new_v4());
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    let end = start + chrono::Duration::hours(1);
    let window = TimeWindow::new(start, end).unwrap();
    let mut out = Vec::new();
    let mut note = |name, expect, result: (Expect, Option<ApiError>)| {
        out.push((name, expect, result.0, result.1));
    };
    note(
        "status",
        admin_expect(who),
        outcome(api.status(&admin).await),
    );
    note(
        "configure_data_source",
        admin_expect(who),
        outcome(
            api.configure_data_source(&admin, &config("C", ews_url))
                .await,
        ),
    );
    let rotation = KeyRotation {
        data_source: "C".to_owned(),
        grace: Duration::ZERO,
    };
    note(
        "rotate_portal_key",
        admin_expect(who),
        outcome(api.rotate_portal_key(&admin, &rotation).await),
    );
    note(
        "test_exchange_account",
        admin_expect(who),
        outcome(api.test_exchange_account(&admin, "A").await),
    );
    // A weak new password: authorized calls get past the role check and are refused by the
    // password rule, so the matrix changes nothing.
    note(
        "change_password",
        admin_expect(who),
        outcome(
            api.change_password(&admin, &GatewayPassword::from("1234"))
                .await,
        ),
    );
    let query = UserQuery::new("A", 10);
    note(
        "list_users",
        admin_expect(who),
        outcome(api.list_users(&admin, &query).await),
    );
    note(
        "user_details",
        admin_expect(who),
        outcome(
            api.user_details(&admin, &UserRef::new("A", Uuid::new_v4()))
                .await,
        ),
    );
    // The resets touch the throwaway data source C only, so no other cell is disturbed.
    note(
        "reset_user",
        admin_expect(who),
        outcome(
            api.reset_user(&admin, &UserRef::new("C", Uuid::new_v4()))
                .await,
        ),
    );
    note(
        "reset_all_users",
        admin_expect(who),
        outcome(api.reset_all_users(&admin, "C").await),
    );
    // Static users of the throwaway data source C.
    let desk = StaticUser {
        data_source: "C".to_owned(),
        name: "Desk".to_owned(),
        portal_user: None,
        user_name: "desk@contoso.test".to_owned(),
        password: SecretString::from("desk-password"),
        mailbox: None,
        server_url: None,
    };
    note(
        "put_static_user",
        admin_expect(who),
        outcome(api.put_static_user(&admin, &desk).await),
    );
    note(
        "list_static_users",
        admin_expect(who),
        outcome(api.list_static_users(&admin, "C").await),
    );
    note(
        "test_static_user",
        admin_expect(who),
        outcome(
            api.test_static_user(&admin, &StaticUserRef::new("C", "Desk"))
                .await,
        ),
    );
    note(
        "remove_static_user",
        admin_expect(who),
        outcome(
            api.remove_static_user(&admin, &StaticUserRef::new("C", "Desk"))
                .await,
        ),
    );
    note(
        "list_data_sources",
        admin_expect(who),
        outcome(api.list_data_sources(&admin).await),
    );
    note(
        "get_data_source",
        admin_expect(who),
        outcome(api.get_data_source(&admin, "A").await),
    );
    // The throwaway data source C again: the next admin run configures it anew.
    note(
        "delete_data_source",
        admin_expect(who),
        outcome(api.delete_data_source(&admin, "C").await),
    );
    let login = Login {
        user_name: ALICE.0.to_owned(),
        password: SecretString::from(ALICE.1),
        mailbox: None,
    };
    note(
        "login",
        user_expect(who),
        outcome(api.login(&user, &login).await),
    );
    note(
        "find_appointments",
        user_expect(who),
        outcome(api.find_appointments(&user, &window).await),
    );
    note(
        "get_appointment",
        user_expect(who),
        outcome(api.get_appointment(&user, "AAMkNowhere").await),
    );
    let new = NewAppointment {
        subject: "Matrix".to_owned(),
        start,
        end,
        is_all_day: false,
        location: None,
        body: None,
    };
    note(
        "create_appointment",
        user_expect(who),
        outcome(api.create_appointment(&user, &new).await),
    );
    note(
        "delete_appointment",
        user_expect(who),
        outcome(api.delete_appointment(&user, "AAMkNowhere").await),
    );
    note(
        "list_attachments",
        user_expect(who),
        outcome(api.list_attachments(&user, "AAMkNowhere").await),
    );
    note(
        "get_attachment",
        user_expect(who),
        outcome(api.get_attachment(&user, "AAMkNowhere").await),
    );
    let file = NewFileAttachment::new("AAMkNowhere", "matrix.txt", b"matrix".to_vec());
    note(
        "add_attachment",
        user_expect(who),
        outcome(api.add_attachment(&user, &file).await),
    );
    note(
        "delete_attachment",
        user_expect(who),
        outcome(api.delete_attachment(&user, "AAMkNowhere").await),
    );
    let free_busy = FreeBusyRequest::new(window, [ALICE.0]);
    note(
        "free_busy",
        user_expect(who),
        outcome(api.free_busy(&user, &free_busy).await),
    );
    note(
        "resolve_names",
        user_expect(who),
        outcome(api.resolve_names(&user, &NameQuery::new("alice")).await),
    );
    table_operations(api, &user, who, &mut note).await;
    // Data source A signs in with a password: a caller who gets past the credential check is
    // refused the OAuth2 sign-in for that reason (an allowed call, by the matrix's count).
    note(
        "begin_oauth_login",
        user_expect(who),
        outcome(
            api.begin_oauth_login(&user, &OAuthLoginStart::default())
                .await,
        ),
    );
    let finish = OAuthLoginFinish {
        code: SecretString::from("code"),
        state: "state".to_owned(),
    };
    note(
        "finish_oauth_login",
        user_expect(who),
        outcome(api.finish_oauth_login(&user, &finish).await),
    );
    note("logout", user_expect(who), outcome(api.logout(&user).await));
    let portal = PortalCall::with_credential(keys.credential(who), "A");
    note(
        "metadata",
        user_expect(who),
        outcome(api.metadata(&portal).await),
    );
    out
}

/// The record calls of the tables area, each on a contact that does not exist.
async fn table_operations(
    api: &dyn GatewayApi,
    user: &UserCall,
    who: Who,
    note: &mut impl FnMut(&'static str, Expect, (Expect, Option<ApiError>)),
) {
    let nowhere = || "AAMkNowhere".to_owned();
    let get = GetRecord {
        table: Table::Contact,
        key: RecordKey::Id(nowhere()),
        fields: Vec::new(),
    };
    note(
        "get_record",
        user_expect(who),
        outcome(api.get_record(user, &get).await),
    );
    let contact = Record::new(Table::Contact).with("Surname", Value::Text("Matrix".into()));
    note(
        "create_record",
        user_expect(who),
        outcome(api.create_record(user, &CreateRecord::new(contact)).await),
    );
    let update = UpdateRecord {
        table: Table::Contact,
        id: nowhere(),
        change_key: None,
        changes: vec![FieldChange::Clear("JobTitle".into())],
        options: WriteOptions::default(),
    };
    note(
        "update_record",
        user_expect(who),
        outcome(api.update_record(user, &update).await),
    );
    let delete = DeleteRecord {
        table: Table::Contact,
        id: nowhere(),
        mode: DeleteMode::Hard,
        options: WriteOptions::default(),
    };
    note(
        "delete_record",
        user_expect(who),
        outcome(api.delete_record(user, &delete).await),
    );
    let transfer = TransferRecord {
        table: Table::Contact,
        id: nowhere(),
        folder: FolderRef::WellKnown(WellKnownFolder::DeletedItems),
        copy: false,
    };
    note(
        "transfer_record",
        user_expect(who),
        outcome(api.transfer_record(user, &transfer).await),
    );
    note(
        "changes",
        user_expect(who),
        outcome(
            api.changes(user, &ChangesRequest::new(Table::Contact, 10))
                .await,
        ),
    );
    // A stream's refusal comes when the call is made, or with its first item over a wire.
    let query = TableQuery::new(Table::Contact, Query::new(10));
    let streamed = async {
        let chunks: Vec<_> = api.query(user, &query).await?.try_collect().await?;
        Ok::<_, ApiError>(chunks)
    };
    note("query", user_expect(who), outcome(streamed.await));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_takes_exactly_its_role_over_every_transport() {
    let fake = fake_exchange().await;
    // The matrix makes many wrong calls from one address on purpose: no slowing down here.
    let (gateway, port, dir) = served_gateway_with(|config| {
        config.with_guessing(ThrottleConfig {
            free_attempts: u32::MAX,
            ..ThrottleConfig::default()
        })
    })
    .await;
    let grpc = GrpcClient::builder("127.0.0.1", port).build().unwrap();
    let (tls_port, fingerprint) = also_over_tls(gateway.clone(), dir.path()).await;
    let grpc_tls = GrpcClient::builder("127.0.0.1", tls_port)
        .tls(ClientTls::pinned_fingerprint(&fingerprint).unwrap())
        .build()
        .unwrap();
    let transports: [(&str, Arc<dyn GatewayApi>); 3] = [
        ("in-process", gateway.clone()),
        ("gRPC", Arc::new(grpc)),
        ("gRPC over TLS", Arc::new(grpc_tls)),
    ];

    let admin = AdminCall::new(GatewayPassword::from("1234"));
    let mut issued = Vec::new();
    for name in ["A", "B", "C"] {
        let configured = gateway
            .configure_data_source(&admin, &config(name, &fake.url()))
            .await
            .unwrap();
        issued.push(configured.portal_key.expect("a new data source gets a key"));
    }
    let keys = Keys {
        a: issued[0].clone(),
        b: issued[1].clone(),
    };

    let mut cells = 0;
    for (transport, api) in &transports {
        for who in EVERYONE {
            for (operation, expected, got, other) in
                every_operation(api.as_ref(), &keys, who, &fake.url()).await
            {
                assert_eq!(
                    got, expected,
                    "{operation} over {transport} as {who:?} (other error: {other:?})"
                );
                if expected != Expect::Allowed {
                    assert!(other.is_none());
                }
                cells += 1;
            }
        }
    }
    assert_eq!(
        cells,
        3 * 5 * 38,
        "every operation of every area is in the matrix"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rotated_key_works_beside_the_old_one_for_its_grace_period_only() {
    let fake = fake_exchange().await;
    let (gateway, port, _dir) = served_gateway().await;
    let grpc = GrpcClient::builder("127.0.0.1", port).build().unwrap();
    let admin = AdminCall::new(GatewayPassword::from("1234"));
    let first = gateway
        .configure_data_source(&admin, &config("A", &fake.url()))
        .await
        .unwrap()
        .portal_key
        .unwrap();
    // Configuring it again keeps the key and hands out none.
    let again = grpc
        .configure_data_source(&admin, &config("A", &fake.url()))
        .await
        .unwrap();
    assert_eq!(again.portal_key, None);
    assert_eq!(again.previous_ews_host, None);

    let logout = |key: &PortalKey| {
        let call = UserCall::new(key.clone(), "A", Uuid::new_v4());
        let grpc = grpc.clone();
        async move { grpc.logout(&call).await }
    };
    assert_eq!(logout(&first).await, Ok(false));
    let rotate = |grace: Duration| {
        let rotation = KeyRotation {
            data_source: "A".to_owned(),
            grace,
        };
        let grpc = grpc.clone();
        let admin = admin.clone();
        async move { grpc.rotate_portal_key(&admin, &rotation).await.unwrap() }
    };
    let second = rotate(Duration::from_secs(3600)).await;
    assert_ne!(second, first);
    assert_eq!(logout(&second).await, Ok(false));
    assert_eq!(logout(&first).await, Ok(false), "within the grace period");
    let third = rotate(Duration::ZERO).await;
    assert_eq!(logout(&third).await, Ok(false));
    for old in [&first, &second] {
        assert_eq!(logout(old).await, Err(ApiError::PortalKeyIncorrect));
    }
    let too_long = KeyRotation {
        data_source: "A".to_owned(),
        grace: KeyRotation::MAX_GRACE + Duration::from_secs(1),
    };
    for api in [&*gateway as &dyn GatewayApi, &grpc] {
        assert!(matches!(
            api.rotate_portal_key(&admin, &too_long).await,
            Err(ApiError::InvalidArgument { .. })
        ));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_credentials_from_one_address_are_slowed_down() {
    let (gateway, port, _dir) = served_gateway_with(|config| {
        config.with_guessing(ThrottleConfig {
            free_attempts: 3,
            base_delay: Duration::from_millis(300),
            ..ThrottleConfig::default()
        })
    })
    .await;
    let grpc = GrpcClient::builder("127.0.0.1", port).build().unwrap();
    let wrong = AdminCall::new(GatewayPassword::from("not the password"));
    let right = AdminCall::new(GatewayPassword::from("1234"));
    for _ in 0..3 {
        assert_eq!(
            grpc.status(&wrong).await.unwrap_err(),
            ApiError::PasswordIncorrect
        );
    }
    // The address is in its delay now: even the right password waits, and says how long.
    let err = grpc.status(&right).await.unwrap_err();
    let ApiError::TooManyAttempts { retry_after } = err else {
        panic!("{err:?}");
    };
    assert!(retry_after <= Duration::from_millis(300), "{retry_after:?}");
    // Wrong portal keys count against the same address.
    let call = UserCall::new(PortalKey::from("mgk1.guess"), "A", Uuid::new_v4());
    assert!(matches!(
        grpc.logout(&call).await,
        Err(ApiError::TooManyAttempts { .. })
    ));
    // A portal in the same process has no address and is not slowed down.
    assert!(gateway.status(&right).await.is_ok());
    tokio::time::sleep(retry_after + Duration::from_millis(50)).await;
    assert!(grpc.status(&right).await.is_ok(), "after the delay");
}
