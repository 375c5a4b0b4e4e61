//! The path from a portal's `DataSource` through the gateway to (fake) Exchange and back, run
//! over every transport: in-process, gRPC and gRPC over TLS (a pinned self-signed certificate)
//! on loopback.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use exchange_connector::{
    ApiError, Authentication, ClientTls, DataSource, Diagnosis, ExchangeGeneration, NewAppointment,
    NewFileAttachment, ServiceAccount, TransportChoice,
};
use exchange_testkit::schema::SchemaValidator;
use exchange_testkit::{FakeExchange, Fault};
use mediagateway::Gateway;
use mediagateway_vault::RecordId;
use secrecy::SecretString;
use uuid::Uuid;

use crate::support::{data_source, SERVICE};

const ALICE: (&str, &str) = ("alice@contoso.test", "alice-password");
const BOB: (&str, &str) = ("bob@contoso.test", "bob-password");

#[derive(Debug, Clone, Copy)]
enum Kind {
    InProcess,
    Grpc,
    GrpcTls,
}

/// A fake Exchange, a gateway on a temporary folder, and the gateway's gRPC server.
struct World {
    fake: FakeExchange,
    gateway: Arc<Gateway>,
    grpc_port: u16,
    /// The TLS listener's port and its certificate's fingerprint.
    tls: (u16, String),
    data_dir: std::path::PathBuf,
    _dir: tempfile::TempDir,
}

impl World {
    async fn start() -> Self {
        let fake = FakeExchange::builder()
            .user(SERVICE.0, SERVICE.1, SERVICE.0)
            .user(ALICE.0, ALICE.1, ALICE.0)
            .user(BOB.0, BOB.1, BOB.0)
            .start()
            .await
            .expect("the fake Exchange starts on loopback");
        let (gateway, grpc_port, dir) = crate::support::served_gateway().await;
        let tls = crate::support::also_over_tls(gateway.clone(), dir.path()).await;
        Self {
            fake,
            tls,
            gateway,
            data_dir: dir.path().to_owned(),
            grpc_port,
            _dir: dir,
        }
    }

    fn data_source(&self, kind: Kind) -> exchange_connector::DataSourceBuilder {
        match kind {
            Kind::InProcess => data_source(
                TransportChoice::InProcess(self.gateway.clone()),
                0,
                &self.fake.url(),
            ),
            Kind::Grpc => data_source(TransportChoice::Grpc, self.grpc_port, &self.fake.url()),
            Kind::GrpcTls => data_source(TransportChoice::Grpc, self.tls.0, &self.fake.url())
                .tls(ClientTls::pinned_fingerprint(&self.tls.1).expect("a fingerprint")),
        }
    }

    fn stored(&self, portal_user: Uuid) -> bool {
        self.gateway
            .vault()
            .get(&RecordId::new("Exchange", portal_user.to_string()))
            .expect("the vault reads")
            .is_some()
    }
}

fn appointment(subject: &str) -> NewAppointment {
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    NewAppointment {
        subject: subject.to_owned(),
        start,
        end: start + Duration::minutes(45),
        is_all_day: false,
        location: Some("Room <4> & \"Annex\"".to_owned()),
        body: Some("Agenda: ünïcödé, 1 < 2".to_owned()),
    }
}

async fn the_path(kind: Kind, session_based: bool) {
    let world = World::start().await;
    let exchange = world
        .data_source(kind)
        .session_based(session_based)
        .build()
        .unwrap();

    // Step 2: both connection tests pass and flag the default password.
    let gateway_test = exchange.test_gateway().await;
    assert!(gateway_test.passed(), "{gateway_test}");
    assert!(gateway_test.security_notice.is_some());
    let account_test = exchange.test_exchange_account().await;
    assert!(account_test.passed(), "{account_test}");
    assert!(account_test.security_notice.is_some());

    // Step 3: a portal user logs in.
    let portal_user = Uuid::new_v4();
    let outcome = exchange
        .login(portal_user, ALICE.0, SecretString::from(ALICE.1))
        .await
        .unwrap();
    assert_eq!(outcome.stored, !session_based);
    assert_eq!(world.stored(portal_user), !session_based);

    // The tables a portal designs with, read with the portal key.
    let tables = exchange.metadata().await.unwrap();
    let names: Vec<&str> = tables.iter().map(|t| t.table.name()).collect();
    assert_eq!(
        names,
        [
            "Appointment",
            "Contact",
            "Task",
            "Message",
            "Note",
            "Folder",
            "Attachment"
        ]
    );
    let start = tables[0].field("Start").expect("appointments start");
    assert_eq!(
        start.field_type,
        exchange_connector::tables::FieldType::DateTime
    );
    assert!(
        tables[0].field("TimeZone").is_some(),
        "Exchange 2010 and later"
    );
    assert_eq!(tables[6].parent_key, Some("FKItemID"));

    // Step 4: create, read back, find in the window, delete.
    let user = exchange.user(portal_user);
    let new = appointment("Quarterly review");
    let created = user.create_appointment(&new).await.unwrap();
    assert!(!created.id.is_empty());
    assert_eq!(world.fake.calendar_len(ALICE.0), 1);

    let read = user.appointment(&created.id).await.unwrap();
    assert_eq!(read.subject, new.subject);
    assert_eq!((read.start, read.end), (new.start, new.end));
    assert_eq!(read.location, new.location);
    assert_eq!(read.body.as_deref().map(str::trim), new.body.as_deref());

    let window = user
        .calendar(new.start - Duration::days(1), new.start + Duration::days(1))
        .await
        .unwrap();
    assert_eq!(window.len(), 1);
    assert_eq!(window[0].id, created.id);
    let outside = user
        .calendar(new.end + Duration::hours(1), new.end + Duration::days(2))
        .await
        .unwrap();
    assert!(outside.is_empty());

    // Step 5: a file attached, listed, read back whole and removed.
    let content: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let mut file = NewFileAttachment::new(created.id.as_str(), "Agenda – Q1.pdf", content.clone());
    file.content_type = Some("application/pdf".to_owned());
    let added = user.add_attachment(&file).await.unwrap();
    assert!(added.is_file && !added.id.is_empty());
    let listed = user.attachments(&created.id).await.unwrap();
    assert_eq!(listed.len(), 1, "{listed:?}");
    assert_eq!(listed[0].id, added.id);
    assert_eq!(listed[0].name, "Agenda – Q1.pdf");
    assert_eq!(listed[0].size, Some(70_000));
    assert_eq!(listed[0].content_type.as_deref(), Some("application/pdf"));
    let read = user.attachment(&added.id).await.unwrap();
    assert_eq!(read.content, content);
    assert_eq!(read.info.name, "Agenda – Q1.pdf");
    user.delete_attachment(&added.id).await.unwrap();
    assert!(user.attachments(&created.id).await.unwrap().is_empty());
    let gone = user.attachments("AAMkNoSuchItem").await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");

    user.delete_appointment(&created.id).await.unwrap();
    assert_eq!(world.fake.calendar_len(ALICE.0), 0);
    let gone = user.appointment(&created.id).await.unwrap_err();
    assert!(gone.is_not_found(), "{gone}");

    assert!(user.logout().await.unwrap());
    assert!(!world.stored(portal_user));
    let err = user.calendar(new.start, new.end).await.unwrap_err();
    assert!(err.is_login_required(), "{err}");

    // Every request the client sent on the way validates against the EWS schema.
    if let Some(validator) = SchemaValidator::find() {
        let exchanges = world.fake.logged_requests();
        assert!(exchanges.len() >= 7, "{} requests", exchanges.len());
        let verdicts = validator.validate_envelopes(exchanges.iter().map(|e| {
            (
                e.operation.as_deref().unwrap_or("?"),
                e.request_body.as_str(),
            )
        }));
        for verdict in verdicts {
            assert!(verdict.is_valid(), "{verdict:?}");
        }
    }
}

async fn stored_path(kind: Kind) {
    the_path(kind, false).await;
}

async fn session_path(kind: Kind) {
    the_path(kind, true).await;
}

async fn wrong_gateway_password(kind: Kind) {
    let world = World::start().await;
    let exchange = world
        .data_source(kind)
        .gateway_password(SecretString::from("12345"))
        .build()
        .unwrap();
    let test = exchange.test_gateway().await;
    assert_eq!(
        test.diagnosis(),
        Some(Diagnosis::GatewayPasswordIncorrect),
        "{test}"
    );
    assert!(test.security_notice.is_none());
    let test = exchange.test_exchange_account().await;
    assert_eq!(
        test.diagnosis(),
        Some(Diagnosis::GatewayPasswordIncorrect),
        "{test}"
    );
    let portal_user = Uuid::new_v4();
    let err = exchange
        .login(portal_user, ALICE.0, SecretString::from(ALICE.1))
        .await
        .unwrap_err();
    // It never configured the data source, so it has no portal key for the login.
    assert!(
        matches!(err.gateway_error(), Some(ApiError::PortalKeyIncorrect)),
        "{err}"
    );
    assert!(!world.stored(portal_user));
    assert_eq!(world.fake.request_count("FindItem"), 0);
}

async fn wrong_exchange_password(kind: Kind) {
    let world = World::start().await;
    let exchange = world.data_source(kind).build().unwrap();
    exchange.configure_gateway().await.unwrap();
    let portal_user = Uuid::new_v4();
    let err = exchange
        .login(
            portal_user,
            ALICE.0,
            SecretString::from("not alice's password"),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.gateway_error(),
            Some(ApiError::ExchangeLoginRefused { .. })
        ),
        "{err}"
    );
    assert!(!world.stored(portal_user), "a refused login stores nothing");

    // A wrong service account password: the Exchange account test names invalid login data.
    let exchange = world
        .data_source(kind)
        .exchange_account(ServiceAccount::new(
            SERVICE.0,
            SecretString::from("wrong"),
            world.fake.url(),
        ))
        .build()
        .unwrap();
    let test = exchange.test_exchange_account().await;
    assert_eq!(
        test.diagnosis(),
        Some(Diagnosis::InvalidLoginData),
        "{test}"
    );
    // NTLM pinned where the server offers Basic alone: the test names the scheme, and a
    // password never goes out by another.
    let pinned = world
        .data_source(kind)
        .authentication(Authentication::Ntlm)
        .build()
        .unwrap();
    let sent = world.fake.logged_requests().len();
    let test = pinned.test_exchange_account().await;
    assert_eq!(
        test.diagnosis(),
        Some(Diagnosis::SchemeNotOffered),
        "{test}"
    );
    assert!(
        test.to_string().contains("Basic"),
        "the offer is named: {test}"
    );
    let log = world.fake.logged_requests();
    assert!(
        log[sent..].iter().all(|r| r.status == 401),
        "nothing was let in"
    );
    assert!(
        test.security_notice.is_some(),
        "the default password is still flagged"
    );
}

/// Exchange misbehaving: each fault gives its typed error and stores nothing.
async fn exchange_faults(kind: Kind) {
    let world = World::start().await;
    let exchange = world.data_source(kind).build().unwrap();
    exchange.configure_gateway().await.unwrap();
    type Expected = fn(&ApiError) -> bool;
    let cases: [(Fault, Expected); 5] = [
        (
            Fault::MalformedXml,
            |e| matches!(e, ApiError::Exchange { code, .. } if code == "InvalidResponse"),
        ),
        (Fault::error_response("ErrorMailboxStoreUnavailable"), |e| {
            matches!(e, ApiError::MailboxNotReady { .. })
        }),
        (Fault::error_response("ErrorNonExistentMailbox"), |e| {
            matches!(e, ApiError::MailboxNotFound { .. })
        }),
        (
            Fault::Status(500),
            |e| matches!(e, ApiError::Exchange { code, .. } if code == "HTTP 500"),
        ),
        (
            Fault::EwsBlocked {
                reason: "EwsDisabledForTenant".to_owned(),
            },
            |e| matches!(e, ApiError::EwsBlocked { detail } if detail == "EwsDisabledForTenant"),
        ),
    ];
    for (fault, expected) in cases {
        let label = format!("{fault:?}");
        // None of these is retried; the spare faults go to the service account below.
        world.fake.inject_n(fault, 8);
        let portal_user = Uuid::new_v4();
        let err = exchange
            .login(portal_user, ALICE.0, SecretString::from(ALICE.1))
            .await
            .unwrap_err();
        let gateway_error = err.gateway_error().expect("a gateway error");
        assert!(expected(gateway_error), "{label}: {gateway_error:?}");
        assert!(!world.stored(portal_user), "{label}: nothing is stored");
        while world.fake.pending_faults() > 0 {
            let _ = exchange.test_exchange_account().await;
        }
    }
    // The connection test names the cause of a refusal by policy.
    world.fake.inject(Fault::EwsBlocked {
        reason: "EwsDisabledForTenant".to_owned(),
    });
    let test = exchange.test_exchange_account().await;
    assert_eq!(
        test.diagnosis(),
        Some(Diagnosis::EwsBlockedForApp),
        "{test}"
    );
    assert!(test.to_string().contains("EwsAllowedAppIDs"), "{test}");
    // A short back-off is waited out by the gateway itself: the login succeeds.
    world
        .fake
        .inject(Fault::ServerBusyFault { back_off_ms: 100 });
    let portal_user = Uuid::new_v4();
    exchange
        .login(portal_user, ALICE.0, SecretString::from(ALICE.1))
        .await
        .unwrap();
    assert_eq!(world.fake.pending_faults(), 0);
    assert!(world.stored(portal_user));

    // Afterwards the same login works.
    let portal_user = Uuid::new_v4();
    exchange
        .login(portal_user, ALICE.0, SecretString::from(ALICE.1))
        .await
        .unwrap();
    assert!(world.stored(portal_user));

    // A long back-off goes back to the portal at once, and the mailbox's next login waits for
    // its end too: it fails the same way without reaching Exchange.
    world.fake.inject(Fault::ServerBusyFault {
        back_off_ms: 30_000,
    });
    // The first login gets the back-off from Exchange, the second from the gateway.
    for reaching_exchange in [1, 0] {
        let sent = world.fake.logged_requests().len();
        let portal_user = Uuid::new_v4();
        let err = exchange
            .login(portal_user, ALICE.0, SecretString::from(ALICE.1))
            .await
            .unwrap_err();
        let gateway_error = err.gateway_error().expect("a gateway error");
        let back_off = gateway_error.back_off().unwrap_or_default();
        assert!(gateway_error.is_throttled(), "{gateway_error:?}");
        assert!(
            back_off <= std::time::Duration::from_secs(30)
                && back_off > std::time::Duration::from_secs(20),
            "{back_off:?}"
        );
        assert!(!world.stored(portal_user), "nothing is stored");
        assert_eq!(world.fake.logged_requests().len(), sent + reaching_exchange);
    }
    assert_eq!(world.fake.pending_faults(), 0);
}

async fn exchange_not_listening(kind: Kind) {
    let world = World::start().await;
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/EWS/Exchange.asmx", closed.local_addr().unwrap());
    drop(closed);
    let exchange = world
        .data_source(kind)
        .exchange_account(ServiceAccount::new(
            SERVICE.0,
            SecretString::from(SERVICE.1),
            url,
        ))
        .build()
        .unwrap();
    let test = exchange.test_exchange_account().await;
    assert_eq!(test.diagnosis(), Some(Diagnosis::EwsNotReachable), "{test}");
}

async fn bad_arguments(kind: Kind) {
    let world = World::start().await;
    let exchange = world.data_source(kind).build().unwrap();
    exchange.configure_gateway().await.unwrap();
    let portal_user = Uuid::new_v4();
    for (user, password) in [("", "x"), (ALICE.0, ""), ("a\u{0}b", "x")] {
        let err = exchange
            .login(portal_user, user, SecretString::from(password))
            .await
            .unwrap_err();
        assert!(
            matches!(err.gateway_error(), Some(ApiError::InvalidArgument { .. })),
            "{user:?}: {err}"
        );
    }
    exchange
        .login(portal_user, ALICE.0, SecretString::from(ALICE.1))
        .await
        .unwrap();
    let user = exchange.user(portal_user);
    let err = user.appointment("").await.unwrap_err();
    assert!(
        matches!(err.gateway_error(), Some(ApiError::InvalidArgument { .. })),
        "{err}"
    );
    let err = user.appointment("AAMkAGI2bm90LWFuLWlk").await.unwrap_err();
    assert!(err.is_not_found(), "{err}");
    let start = Utc::now();
    assert!(user
        .calendar(start, start - Duration::hours(1))
        .await
        .is_err());
    let mut backwards = appointment("backwards");
    backwards.end = backwards.start - Duration::hours(1);
    assert!(user.create_appointment(&backwards).await.is_err());
    assert_eq!(world.fake.calendar_len(ALICE.0), 0);
}

macro_rules! over_every_transport {
    ($($name:ident => $body:ident;)*) => {
        mod in_process {
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let kind = Kind::InProcess;
                $body(kind).await
            })*
        }
        mod grpc {
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let kind = Kind::Grpc;
                $body(kind).await
            })*
        }
        mod grpc_tls {
            use super::*;
            $(#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn $name() {
                let kind = Kind::GrpcTls;
                $body(kind).await
            })*
        }
    };
}

over_every_transport! {
    stored_login_path => stored_path;
    session_based_login_path => session_path;
    wrong_gateway_password_is_diagnosed => wrong_gateway_password;
    wrong_exchange_password_is_refused_and_nothing_stored => wrong_exchange_password;
    changing_the_gateway_password_clears_the_security_notice => change_gateway_password;
    exchange_faults_give_typed_errors_and_store_nothing => exchange_faults;
    exchange_not_listening_is_diagnosed => exchange_not_listening;
    bad_arguments_give_typed_errors => bad_arguments;
    tampered_vault_record_fails_alone => tampered_vault_record;
}

/// A damaged vault record fails alone, with a typed error; the other accounts still work.
async fn tampered_vault_record(kind: Kind) {
    let world = World::start().await;
    let exchange = world.data_source(kind).build().unwrap();
    exchange.configure_gateway().await.unwrap();
    let (alice, bob) = (Uuid::new_v4(), Uuid::new_v4());
    for (user, (name, password)) in [(alice, ALICE), (bob, BOB)] {
        exchange
            .login(user, name, SecretString::from(password))
            .await
            .unwrap();
    }
    let db = rusqlite::Connection::open(world.data_dir.join("vault/vault.db")).unwrap();
    let mut sealed: Vec<u8> = db
        .query_row(
            "SELECT sealed FROM records WHERE portal_user = ?1",
            [bob.to_string()],
            |row| row.get(0),
        )
        .unwrap();
    let last = sealed.len() - 1;
    sealed[last] ^= 0x01;
    let changed = db
        .execute(
            "UPDATE records SET sealed = ?1 WHERE portal_user = ?2",
            rusqlite::params![sealed, bob.to_string()],
        )
        .unwrap();
    assert_eq!(changed, 1);
    drop(db);

    let start = Utc::now();
    let err = exchange
        .user(bob)
        .calendar(start, start + Duration::days(1))
        .await
        .unwrap_err();
    assert!(
        matches!(err.gateway_error(), Some(ApiError::Storage { .. })),
        "{err}"
    );
    exchange
        .user(alice)
        .calendar(start, start + Duration::days(1))
        .await
        .unwrap();
    // Logging in again replaces the damaged record.
    exchange
        .login(bob, BOB.0, SecretString::from(BOB.1))
        .await
        .unwrap();
    exchange
        .user(bob)
        .calendar(start, start + Duration::days(1))
        .await
        .unwrap();
}

#[tokio::test]
async fn gateway_not_listening_is_diagnosed_as_not_started() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let exchange = data_source(
        TransportChoice::Grpc,
        port,
        "http://127.0.0.1:1/EWS/Exchange.asmx",
    )
    .build()
    .unwrap();
    let test = exchange.test_gateway().await;
    assert_eq!(
        test.diagnosis(),
        Some(Diagnosis::GatewayNotStarted),
        "{test}"
    );
    assert!(test.to_string().contains("not started"), "{test}");
    let test = exchange.test_exchange_account().await;
    assert_eq!(
        test.diagnosis(),
        Some(Diagnosis::GatewayNotStarted),
        "{test}"
    );
}

async fn change_gateway_password(kind: Kind) {
    let world = World::start().await;
    let old = world.data_source(kind).build().unwrap();
    let err = old
        .change_gateway_password(SecretString::from("1111111"))
        .await
        .unwrap_err();
    assert!(
        matches!(err.gateway_error(), Some(ApiError::InvalidArgument { .. })),
        "{err:?}"
    );
    let new = old
        .change_gateway_password(SecretString::from("a long new password"))
        .await
        .unwrap();
    assert_eq!(
        old.test_gateway().await.diagnosis(),
        Some(Diagnosis::GatewayPasswordIncorrect)
    );
    let err = old
        .change_gateway_password(SecretString::from("taken over by the old one"))
        .await
        .unwrap_err();
    assert!(
        matches!(err.gateway_error(), Some(ApiError::PasswordIncorrect)),
        "{err:?}"
    );
    let test = new.test_gateway().await;
    assert!(test.passed(), "{test}");
    assert!(test.security_notice.is_none());
    let rebuilt = world
        .data_source(kind)
        .gateway_password(SecretString::from("a long new password"))
        .build()
        .unwrap();
    assert!(rebuilt.test_gateway().await.passed());
}

#[test]
fn an_incomplete_data_source_names_the_missing_step() {
    let err = DataSource::builder("Exchange")
        .transport(TransportChoice::Grpc)
        .gateway("127.0.0.1", 8087)
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("gateway password"), "{err}");
    let err = DataSource::builder("Exchange")
        .transport(TransportChoice::Grpc)
        .gateway("127.0.0.1", 8087)
        .gateway_password(SecretString::from("1234"))
        .exchange_version(ExchangeGeneration::Exchange2010To2019)
        .authentication(Authentication::UserNamePassword)
        .exchange_account(ServiceAccount::new(
            "svc",
            SecretString::from("pw"),
            "ftp://x",
        ))
        .build()
        .unwrap_err();
    assert!(err.to_string().contains("EWS server URL"), "{err}");
}

#[test]
fn a_grpc_data_source_is_built_outside_a_runtime_and_used_inside_one() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let exchange = data_source(TransportChoice::Grpc, port, "http://127.0.0.1:1/EWS")
        .build()
        .unwrap();
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let test = runtime.block_on(exchange.test_gateway());
    assert_eq!(
        test.diagnosis(),
        Some(Diagnosis::GatewayNotStarted),
        "{test}"
    );
}
