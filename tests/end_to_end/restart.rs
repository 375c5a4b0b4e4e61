//! What a gateway holds survives a restart: data sources, their portal keys and stored
//! accounts. A portal that kept its data source's settings reconnects without the gateway
//! password and without sending anything again.

use std::sync::Arc;

use chrono::{Duration, TimeZone, Utc};
use exchange_connector::{DataSource, DataSourceSettings, NewAppointment, TransportChoice};
use mediagateway::{Gateway, GatewayConfig};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

use crate::support::{data_source, fake_exchange, ALICE, SERVICE};

fn open(dir: &std::path::Path) -> Arc<Gateway> {
    let config = GatewayConfig::in_dir(dir)
        .with_rsa_bits(2048)
        .allow_plain_http_on_loopback();
    Arc::new(Gateway::open(&config).expect("the gateway opens"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn data_sources_keys_and_accounts_survive_a_restart() {
    let fake = fake_exchange().await;
    let dir = tempfile::tempdir().unwrap();
    let portal_user = Uuid::new_v4();
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();

    let saved = {
        let gateway = open(dir.path());
        let exchange = data_source(TransportChoice::InProcess(gateway.clone()), 0, &fake.url())
            .build()
            .unwrap();
        let configured = exchange.configure_gateway().await.unwrap();
        let key = configured.portal_key.expect("a new data source gets a key");
        assert_eq!(exchange.portal_key().as_ref(), Some(&key));
        exchange
            .login(portal_user, ALICE.0, SecretString::from(ALICE.1))
            .await
            .unwrap();
        exchange
            .user(portal_user)
            .create_appointment(&NewAppointment {
                subject: "Before the restart".to_owned(),
                start,
                end: start + Duration::hours(1),
                is_all_day: false,
                location: None,
                body: None,
            })
            .await
            .unwrap();
        // What a portal keeps: its settings, the key included, serialized.
        let settings = exchange.settings();
        let debug = format!("{settings:?}");
        assert!(!debug.contains(key.secret().expose_secret()), "{debug}");
        assert!(!debug.contains(SERVICE.1), "{debug}");
        serde_json::to_string(&settings).unwrap()
    };

    // A new gateway on the same folder; the portal has only its saved settings.
    let gateway = open(dir.path());
    let settings: DataSourceSettings = serde_json::from_str(&saved).unwrap();
    assert!(settings.portal_key.is_some());
    let portal =
        DataSource::from_settings(&settings, TransportChoice::InProcess(gateway.clone())).unwrap();
    let found = portal
        .user(portal_user)
        .calendar(start - Duration::hours(1), start + Duration::hours(2))
        .await
        .unwrap();
    let subjects: Vec<_> = found.iter().map(|a| a.subject.as_str()).collect();
    assert_eq!(subjects, ["Before the restart"]);
}
