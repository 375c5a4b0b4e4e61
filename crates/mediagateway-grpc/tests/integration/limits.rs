//! The server's limits on calls: at most so many at once (the rest refused at once, not
//! queued), and at most so long each; both answer `LimitExceeded`. One connection has at most
//! 64 calls running; its further calls wait for a free place.

use std::time::Duration;

use mediagateway_api::{AdminApi, AdminCall, ApiError, GatewayPassword};
use mediagateway_grpc::{ServerLimits, MAX_CONCURRENT_CALLS_PER_CONNECTION};

use crate::support::{client, serve_with, CountingApi};

fn admin() -> AdminCall {
    AdminCall::new(GatewayPassword::from("any"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_past_the_limit_at_once_are_refused_and_the_others_answered() {
    let api = CountingApi::slow(Duration::from_millis(400));
    let running = serve_with(None, api, ServerLimits::default().max_concurrent_calls(2)).await;
    let gateway = client(running.address, None);
    let calls: Vec<_> = (0..3)
        .map(|_| {
            let gateway = gateway.clone();
            tokio::spawn(async move { gateway.status(&admin()).await })
        })
        .collect();
    let mut answered = 0;
    let mut refused = 0;
    for call in calls {
        match call.await.unwrap() {
            Ok(_) => answered += 1,
            Err(ApiError::LimitExceeded { what }) => {
                assert!(what.contains("at most 2 calls at once"), "{what}");
                refused += 1;
            }
            Err(other) => panic!("{other:?}"),
        }
    }
    assert_eq!((answered, refused), (2, 1));
    assert_eq!(
        running.api.calls(),
        2,
        "the refused call never reached the API"
    );
    // The permits come back: the next call is answered.
    assert!(gateway.status(&admin()).await.is_ok());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_past_its_time_is_cut_off() {
    let api = CountingApi::slow(Duration::from_secs(5));
    let limits = ServerLimits::default().call_timeout(Duration::from_millis(200));
    let running = serve_with(None, api, limits).await;
    let gateway = client(running.address, None);
    let err = gateway.status(&admin()).await.unwrap_err();
    let ApiError::LimitExceeded { what } = err else {
        panic!("{err:?}");
    };
    assert!(what.contains("at most 0.2 s"), "{what}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_connection_runs_at_most_64_calls_at_once_and_the_rest_wait() {
    let api = CountingApi::slow(Duration::from_millis(300));
    let running = serve_with(None, api, ServerLimits::default()).await;
    // One client: one HTTP/2 connection.
    let gateway = client(running.address, None);
    let calls: Vec<_> = (0..MAX_CONCURRENT_CALLS_PER_CONNECTION + 16)
        .map(|_| {
            let gateway = gateway.clone();
            tokio::spawn(async move { gateway.status(&admin()).await })
        })
        .collect();
    for call in calls {
        assert!(call.await.unwrap().is_ok(), "a waiting call is answered");
    }
    assert_eq!(
        running.api.calls(),
        MAX_CONCURRENT_CALLS_PER_CONNECTION + 16
    );
    assert_eq!(running.api.peak(), MAX_CONCURRENT_CALLS_PER_CONNECTION);
}
