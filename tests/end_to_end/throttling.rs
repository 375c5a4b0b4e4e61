//! Throttling under load: many portal users reading one mailbox while Exchange throttles it.
//! Through the gateway, whose clients share their back-offs, every call succeeds; the same
//! load through direct clients that share nothing (one per user, the gateway's retry policy:
//! what a portal gets from a plain `EwsClient`) fails no fewer calls.
//!
//! Exchange here is a responder of this file that throttles by time, as Exchange's budgets
//! do: once a storm starts it refuses every request with `ErrorServerBusy` and a 20 ms
//! back-off until no request came for those 20 ms, at most `BURST` times. Requests sent into
//! the storm keep it going; requests that wait for the back-off end it. The fake Exchange's
//! injected faults are counted, not timed: every request sent during such a burst is refused
//! however long the clients wait, so it cannot show the difference.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use chrono::{TimeZone, Utc};
use exchange_auth::{Basic, UserCredentials};
use exchange_ews::client::RetryPolicy;
use exchange_ews::{DistinguishedFolder, EwsClient, ExchangeVersion, FolderTarget};
use mediagateway_api::{
    AdminApi, AdminCall, ApiError, CalendarApi, GatewayPassword, Login, SessionApi, TimeWindow,
    UserCall,
};
use secrecy::SecretString;
use uuid::Uuid;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

use crate::support::{data_source_config, served_gateway, ALICE};

/// Portal users reading the mailbox at once, each as its own portal user with the same
/// Exchange login.
const USERS: usize = 64;
/// Calendar reads per user.
const READS: usize = 20;
/// The most requests one storm refuses.
const BURST: usize = 200;
/// The back-off every refusal announces.
const BACK_OFF: Duration = Duration::from_millis(20);
/// The gateway's requests in flight per mailbox (the client's default).
const IN_FLIGHT_PER_MAILBOX: usize = 10;

const SERVER_BUSY: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body><s:Fault>
<faultcode xmlns:a="http://schemas.microsoft.com/exchange/services/2006/types">a:ErrorServerBusy</faultcode>
<faultstring xml:lang="en-US">The server cannot service this request right now. Try again later.</faultstring>
<detail><e:ResponseCode xmlns:e="http://schemas.microsoft.com/exchange/services/2006/errors">ErrorServerBusy</e:ResponseCode>
<t:MessageXml xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types"><t:Value Name="BackOffMilliseconds">20</t:Value></t:MessageXml>
</detail></s:Fault></s:Body></s:Envelope>"#;

/// Exchange with one mailbox whose calendar is empty, throttling it while a storm lasts.
#[derive(Clone, Default)]
struct Storm(Arc<Mutex<Weather>>);

#[derive(Default)]
struct Weather {
    raging: bool,
    last_refusal: Option<Instant>,
    refused: usize,
}

impl Storm {
    fn lock(&self) -> MutexGuard<'_, Weather> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Starts a storm: the next request is refused.
    fn start(&self) {
        *self.lock() = Weather {
            raging: true,
            ..Weather::default()
        };
    }

    /// How many requests the last storm refused.
    fn refused(&self) -> usize {
        self.lock().refused
    }
}

impl Respond for Storm {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let mut weather = self.lock();
        let now = Instant::now();
        let fed = weather
            .last_refusal
            .is_none_or(|at| now.duration_since(at) < BACK_OFF);
        if weather.raging && fed && weather.refused < BURST {
            weather.refused += 1;
            weather.last_refusal = Some(now);
            return ResponseTemplate::new(500).set_body_raw(SERVER_BUSY, "text/xml; charset=utf-8");
        }
        weather.raging = false;
        ResponseTemplate::new(200).set_body_raw(
            include_str!("find_item_empty.xml"),
            "text/xml; charset=utf-8",
        )
    }
}

fn window() -> TimeWindow {
    let start = Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap();
    TimeWindow::new(start, start + chrono::Duration::days(7)).unwrap()
}

/// Runs `read` `READS` times for each of `USERS` users at once; returns the failures.
async fn load<E, F>(read: impl Fn(usize) -> F) -> Vec<E>
where
    E: Send + 'static,
    F: std::future::Future<Output = Result<(), E>> + Send + 'static,
{
    let users: Vec<_> = (0..USERS)
        .map(|user| {
            let reads: Vec<F> = (0..READS).map(|_| read(user)).collect();
            tokio::spawn(async move {
                let mut failures = Vec::new();
                for read in reads {
                    if let Err(e) = read.await {
                        failures.push(e);
                    }
                }
                failures
            })
        })
        .collect();
    let mut failures = Vec::new();
    for user in users {
        failures.extend(user.await.expect("a user's reads do not panic"));
    }
    failures
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn throttled_mailbox_under_load_fails_no_more_calls_through_the_gateway() {
    let exchange = MockServer::start().await;
    let storm = Storm::default();
    Mock::given(method("POST"))
        .respond_with(storm.clone())
        .mount(&exchange)
        .await;
    let ews_url = format!("{}/EWS/Exchange.asmx", exchange.uri());
    let (gateway, _port, _dir) = served_gateway().await;
    let admin = AdminCall::new(GatewayPassword::from("1234"));
    let mut config = data_source_config("Exchange", &ews_url);
    config.session_based = true;
    let key = gateway
        .configure_data_source(&admin, &config)
        .await
        .unwrap()
        .portal_key
        .unwrap();
    let mut users = Vec::new();
    for _ in 0..USERS {
        let user = UserCall::new(key.clone(), "Exchange", Uuid::new_v4());
        let login = Login {
            user_name: ALICE.0.to_owned(),
            password: SecretString::from(ALICE.1),
            mailbox: None,
        };
        gateway.login(&user, &login).await.unwrap();
        users.push(user);
    }

    storm.start();
    let started = Instant::now();
    let through_gateway = load(|user| {
        let (gateway, user) = (gateway.clone(), users[user].clone());
        async move {
            gateway
                .find_appointments(&user, &window())
                .await
                .map(|_| ())
        }
    })
    .await;
    let gateway_time = started.elapsed();
    let refused_to_gateway = storm.refused();

    let basic =
        Arc::new(Basic::new(UserCredentials::new(ALICE.0, SecretString::from(ALICE.1))).unwrap());
    let clients: Vec<EwsClient> = (0..USERS)
        .map(|_| {
            EwsClient::builder(&ews_url)
                .auth(basic.clone())
                .version(ExchangeVersion::Exchange2010)
                .retry(RetryPolicy::new(
                    3,
                    Duration::from_millis(250),
                    Duration::from_secs(5),
                ))
                .build()
                .unwrap()
        })
        .collect();
    storm.start();
    let started = Instant::now();
    let direct = load(|user| {
        let client = clients[user].clone();
        async move {
            let calendar = FolderTarget::Distinguished(DistinguishedFolder::Calendar);
            let window = window();
            client
                .find_calendar_items(&calendar, window.start(), window.end(), None)
                .await
                .map(|_| ())
        }
    })
    .await;
    let direct_time = started.elapsed();
    let refused_to_direct = storm.refused();

    let summary = format!(
        "{} of {} calls failed through the gateway ({refused_to_gateway} refused, \
         {gateway_time:?}), {} directly ({refused_to_direct} refused, {direct_time:?})",
        through_gateway.len(),
        USERS * READS,
        direct.len(),
    );
    assert!(refused_to_gateway > 0 && refused_to_direct > 0, "{summary}");
    for failure in &through_gateway {
        assert!(
            matches!(
                failure,
                ApiError::Throttled {
                    back_off: Some(_),
                    ..
                }
            ),
            "{failure:?}"
        );
    }
    for failure in &direct {
        assert!(
            failure.is_throttled() && failure.back_off().is_some(),
            "{failure}"
        );
    }
    // The requests in flight when the storm began are refused; every other one waits for
    // the back-off, so none is refused twice.
    assert!(refused_to_gateway <= IN_FLIGHT_PER_MAILBOX, "{summary}");
    assert!(through_gateway.is_empty(), "{summary}");
    assert!(through_gateway.len() <= direct.len(), "{summary}");
}
