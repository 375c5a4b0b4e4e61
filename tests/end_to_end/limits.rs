//! The gateway's limits, each gone past over every transport: data sources, the calendar
//! window and the appointments one read returns, text and attachment sizes, and failed
//! Exchange logins. Each gives `LimitExceeded` or
//! `TooManyAttempts`, and nothing past a limit reaches Exchange. Past the session-based
//! accounts a data source keeps, the oldest login is logged out.

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use mediagateway::{Limits, ThrottleConfig};
use mediagateway_api::{
    AdminApi, AdminCall, ApiError, CalendarApi, GatewayApi, GatewayPassword, Login, NewAppointment,
    NewFileAttachment, PortalKey, SessionApi, TimeWindow, UserCall,
};
use mediagateway_grpc::GrpcClient;
use secrecy::SecretString;
use uuid::Uuid;

use crate::support::{data_source_config as config, fake_exchange, served_gateway_with, ALICE};

fn login(password: &str) -> Login {
    Login {
        user_name: ALICE.0.to_owned(),
        password: SecretString::from(password),
        mailbox: None,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_limit_refuses_the_call_past_it() {
    let fake = fake_exchange().await;
    let mut limits = Limits::default();
    limits.max_data_sources = 2;
    let (gateway, port, _dir) = served_gateway_with(|config| {
        config
            .with_limits(limits)
            .with_failed_logins(ThrottleConfig {
                free_attempts: 3,
                ..ThrottleConfig::default()
            })
            .with_guessing(ThrottleConfig {
                free_attempts: u32::MAX,
                ..ThrottleConfig::default()
            })
    })
    .await;
    let grpc = GrpcClient::builder("127.0.0.1", port).build().unwrap();
    let admin = AdminCall::new(GatewayPassword::from("1234"));

    // At most two data sources; replacing one is not a new one.
    let key: PortalKey = gateway
        .configure_data_source(&admin, &config("A", &fake.url()))
        .await
        .unwrap()
        .portal_key
        .unwrap();
    grpc.configure_data_source(&admin, &config("B", &fake.url()))
        .await
        .unwrap();
    for api in [&*gateway as &dyn GatewayApi, &grpc] {
        let err = api
            .configure_data_source(&admin, &config("C", &fake.url()))
            .await
            .unwrap_err();
        assert!(matches!(err, ApiError::LimitExceeded { .. }), "{err:?}");
        assert!(api
            .configure_data_source(&admin, &config("A", &fake.url()))
            .await
            .is_ok());
    }

    let transports: [Arc<dyn GatewayApi>; 2] = [gateway.clone(), Arc::new(grpc)];
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    for api in &transports {
        let user = UserCall::new(key.clone(), "A", Uuid::new_v4());
        api.login(&user, &login(ALICE.1)).await.unwrap();
        let sent = fake.logged_requests().len();
        let long = TimeWindow::new(start, start + chrono::Duration::days(732)).unwrap();
        assert!(matches!(
            api.find_appointments(&user, &long).await,
            Err(ApiError::LimitExceeded { .. })
        ));
        let wordy = NewAppointment {
            subject: "s".repeat(1025),
            start,
            end: start + chrono::Duration::hours(1),
            is_all_day: false,
            location: None,
            body: None,
        };
        assert!(matches!(
            api.create_appointment(&user, &wordy).await,
            Err(ApiError::LimitExceeded { .. })
        ));
        assert_eq!(
            fake.logged_requests().len(),
            sent,
            "nothing reached Exchange"
        );
    }

    // Failed Exchange logins: three reach Exchange, then the portal user and the Exchange user
    // name are both held back, whatever the portal user.
    let guesser = UserCall::new(key.clone(), "A", Uuid::new_v4());
    for _ in 0..3 {
        assert!(matches!(
            gateway.login(&guesser, &login("wrong")).await,
            Err(ApiError::ExchangeLoginRefused { .. })
        ));
    }
    let sent = fake.logged_requests().len();
    for api in &transports {
        let err = api.login(&guesser, &login("wrong")).await.unwrap_err();
        let ApiError::TooManyAttempts { retry_after } = err else {
            panic!("{err:?}");
        };
        assert!(retry_after <= Duration::from_secs(1));
        let someone_else = UserCall::new(key.clone(), "A", Uuid::new_v4());
        assert!(matches!(
            api.login(&someone_else, &login(ALICE.1)).await,
            Err(ApiError::TooManyAttempts { .. })
        ));
    }
    assert_eq!(
        fake.logged_requests().len(),
        sent,
        "no guess reached Exchange"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_login_past_the_session_limit_logs_out_the_oldest() {
    let fake = fake_exchange().await;
    let mut limits = Limits::default();
    limits.max_sessions_per_data_source = 2;
    let (gateway, port, _dir) = served_gateway_with(|config| config.with_limits(limits)).await;
    let grpc = GrpcClient::builder("127.0.0.1", port).build().unwrap();
    let admin = AdminCall::new(GatewayPassword::from("1234"));
    let mut sessions = config("S", &fake.url());
    sessions.session_based = true;
    let key: PortalKey = gateway
        .configure_data_source(&admin, &sessions)
        .await
        .unwrap()
        .portal_key
        .unwrap();
    let users: Vec<UserCall> = (0..3)
        .map(|_| UserCall::new(key.clone(), "S", Uuid::new_v4()))
        .collect();
    for user in &users {
        let outcome = grpc.login(user, &login(ALICE.1)).await.unwrap();
        assert!(!outcome.stored);
    }
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
    let window = TimeWindow::new(start, start + chrono::Duration::days(1)).unwrap();
    for api in [&*gateway as &dyn GatewayApi, &grpc] {
        let err = api.find_appointments(&users[0], &window).await.unwrap_err();
        assert!(matches!(err, ApiError::NotLoggedIn { .. }), "{err:?}");
        for user in &users[1..] {
            api.find_appointments(user, &window).await.unwrap();
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn attachments_and_calendar_reads_past_their_limits_are_refused() {
    let fake = fake_exchange().await;
    let mut limits = Limits::default();
    limits.max_attachment_bytes = 1024;
    limits.max_appointments_per_read = 2;
    let (gateway, port, _dir) = served_gateway_with(|config| config.with_limits(limits)).await;
    // A gateway with the default limits on the same Exchange, to put a larger attachment
    // there.
    let (roomy, _, _roomy_dir) = served_gateway_with(|config| config).await;
    let admin = AdminCall::new(GatewayPassword::from("1234"));
    let key = gateway
        .configure_data_source(&admin, &config("A", &fake.url()))
        .await
        .unwrap()
        .portal_key
        .unwrap();
    let roomy_key = roomy
        .configure_data_source(&admin, &config("A", &fake.url()))
        .await
        .unwrap()
        .portal_key
        .unwrap();
    let grpc = GrpcClient::builder("127.0.0.1", port).build().unwrap();
    let transports: [Arc<dyn GatewayApi>; 2] = [gateway.clone(), Arc::new(grpc)];

    for (day, api) in transports.iter().enumerate() {
        let user = UserCall::new(key.clone(), "A", Uuid::new_v4());
        api.login(&user, &login(ALICE.1)).await.unwrap();
        let day = i64::try_from(day).unwrap();
        let start =
            Utc.with_ymd_and_hms(2026, 12, 7, 8, 0, 0).unwrap() + chrono::Duration::days(day);
        let mut ids = Vec::new();
        for hour in 0..3 {
            let at = start + chrono::Duration::hours(hour);
            let new = NewAppointment {
                subject: format!("Meeting {hour}"),
                start: at,
                end: at + chrono::Duration::minutes(30),
                is_all_day: false,
                location: None,
                body: None,
            };
            ids.push(api.create_appointment(&user, &new).await.unwrap().id);
        }
        // Three in the window: refused, not cut short; two are read.
        let whole = TimeWindow::new(start, start + chrono::Duration::hours(3)).unwrap();
        let err = api.find_appointments(&user, &whole).await.unwrap_err();
        let ApiError::LimitExceeded { what } = err else {
            panic!("{err:?}");
        };
        assert!(what.contains("at most 2 appointments"), "{what}");
        let two = TimeWindow::new(start, start + chrono::Duration::hours(2)).unwrap();
        assert_eq!(api.find_appointments(&user, &two).await.unwrap().len(), 2);

        // An attachment one byte past the limit never reaches Exchange; one at it does.
        let sent = fake.logged_requests().len();
        let big = NewFileAttachment::new(ids[0].as_str(), "big.bin", vec![7; 1025]);
        let err = api.add_attachment(&user, &big).await.unwrap_err();
        let ApiError::LimitExceeded { what } = err else {
            panic!("{err:?}");
        };
        assert!(what.contains("at most 1024 bytes"), "{what}");
        assert_eq!(
            fake.logged_requests().len(),
            sent,
            "nothing reached Exchange"
        );
        let fits = NewFileAttachment::new(ids[0].as_str(), "fits.bin", vec![7; 1024]);
        let fits = api.add_attachment(&user, &fits).await.unwrap();
        assert_eq!(
            api.get_attachment(&user, &fits.id)
                .await
                .unwrap()
                .content
                .len(),
            1024
        );

        // A larger one already in the mailbox is not handed out.
        let roomy_user = UserCall::new(roomy_key.clone(), "A", Uuid::new_v4());
        roomy.login(&roomy_user, &login(ALICE.1)).await.unwrap();
        let large = NewFileAttachment::new(ids[1].as_str(), "large.bin", vec![1; 5000]);
        let large = roomy.add_attachment(&roomy_user, &large).await.unwrap();
        let err = api.get_attachment(&user, &large.id).await.unwrap_err();
        let ApiError::LimitExceeded { what } = err else {
            panic!("{err:?}");
        };
        assert!(
            what.contains("this one has 5000"),
            "read, then refused: {what}"
        );
        // One whose answer is longer than any allowed content makes is not even read whole.
        let huge = NewFileAttachment::new(ids[1].as_str(), "huge.bin", vec![2; 200_000]);
        let huge = roomy.add_attachment(&roomy_user, &huge).await.unwrap();
        let err = api.get_attachment(&user, &huge.id).await.unwrap_err();
        let ApiError::LimitExceeded { what } = err else {
            panic!("{err:?}");
        };
        assert!(what.contains("was not read"), "{what}");
        let listed = api.list_attachments(&user, &ids[1]).await.unwrap();
        let sizes: Vec<Option<u64>> = listed.iter().map(|a| a.size).collect();
        assert_eq!(
            sizes,
            [Some(5000), Some(200_000)],
            "listing shows them, with their size"
        );
        // The same through the Attachment table: read and refused, or not read whole.
        for (id, says) in [(&large.id, "this one has 5000"), (&huge.id, "was not read")] {
            let get = mediagateway_api::tables::GetRecord {
                table: mediagateway_api::tables::Table::Attachment,
                key: mediagateway_api::tables::RecordKey::Id(id.clone()),
                fields: vec![],
            };
            let err = api.get_record(&user, &get).await.unwrap_err();
            let ApiError::LimitExceeded { what } = err else {
                panic!("{err:?}");
            };
            assert!(what.contains(says), "{what}");
        }
    }
}
