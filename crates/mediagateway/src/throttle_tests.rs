use super::*;

const SECOND: Duration = Duration::from_secs(1);

fn defaults() -> Throttle<&'static str> {
    Throttle::default()
}

/// Fails `key` `n` times at `now`, returning the last delay.
fn fail(
    throttle: &Throttle<&'static str>,
    key: &'static str,
    n: u32,
    now: Instant,
) -> Option<Duration> {
    (0..n).map(|_| throttle.failure(&key, now)).last().flatten()
}

#[test]
fn the_free_attempts_go_undelayed_and_the_last_one_imposes_the_first_delay() {
    let throttle = defaults();
    let now = Instant::now();
    for attempt in 1..=4 {
        assert_eq!(throttle.check(&"peer", now), Ok(()), "attempt {attempt}");
        assert_eq!(throttle.failure(&"peer", now), None, "failure {attempt}");
    }
    assert_eq!(
        throttle.check(&"peer", now),
        Ok(()),
        "the fifth attempt is free"
    );
    assert_eq!(throttle.failure(&"peer", now), Some(SECOND));
    assert_eq!(throttle.check(&"peer", now), Err(RetryAfter(SECOND)));
    let half = now + SECOND / 2;
    assert_eq!(throttle.check(&"peer", half), Err(RetryAfter(SECOND / 2)));
    assert_eq!(throttle.check(&"peer", now + SECOND), Ok(()));
}

#[test]
fn the_delay_doubles_and_stops_at_the_maximum() {
    let throttle = defaults();
    let now = Instant::now();
    let delays: Vec<u64> = (0..12)
        .map(|_| throttle.failure(&"peer", now).map_or(0, |d| d.as_secs()))
        .collect();
    assert_eq!(delays, [0, 0, 0, 0, 1, 2, 4, 8, 16, 32, 60, 60]);
    // Far past any shift a u32 can hold, still capped and no overflow.
    assert_eq!(
        fail(&throttle, "peer", 100, now),
        Some(Duration::from_secs(60))
    );
    assert_eq!(
        throttle.check(&"peer", now + Duration::from_secs(59)),
        Err(RetryAfter(SECOND))
    );
}

#[test]
fn the_delay_counts_from_the_failure_that_imposed_it() {
    let throttle = defaults();
    let start = Instant::now();
    fail(&throttle, "peer", 5, start);
    let later = start + Duration::from_secs(10);
    assert_eq!(throttle.check(&"peer", later), Ok(()));
    assert_eq!(throttle.failure(&"peer", later), Some(2 * SECOND));
    assert_eq!(
        throttle.check(&"peer", later + SECOND),
        Err(RetryAfter(SECOND))
    );
}

#[test]
fn success_forgets_the_failures() {
    let throttle = defaults();
    let now = Instant::now();
    fail(&throttle, "peer", 7, now);
    throttle.success(&"peer");
    assert_eq!(throttle.check(&"peer", now), Ok(()));
    assert_eq!(throttle.tracked_keys(), 0);
    assert_eq!(
        throttle.failure(&"peer", now),
        None,
        "counting starts again"
    );
    throttle.success(&"never failed");
}

#[test]
fn after_the_window_the_right_password_is_let_through() {
    let throttle = defaults();
    let now = Instant::now();
    assert!(fail(&throttle, "peer", 9, now).is_some());
    let window = ThrottleConfig::default().window;
    // Still remembered just before the window ends: the next failure is delayed at once.
    let before = now + window - SECOND;
    assert_eq!(throttle.check(&"peer", before), Ok(()));
    assert_eq!(throttle.tracked_keys(), 1);
    // Forgotten at the window's end: the attempt (the right password) goes through.
    let after = before + window;
    assert_eq!(throttle.check(&"peer", after), Ok(()));
    assert_eq!(throttle.tracked_keys(), 0);
    assert_eq!(
        throttle.failure(&"peer", after),
        None,
        "counting starts again"
    );
}

#[test]
fn failures_inside_the_window_keep_the_record() {
    let throttle = defaults();
    let mut now = Instant::now();
    let window = ThrottleConfig::default().window;
    for _ in 0..4 {
        throttle.failure(&"peer", now);
        now += window - SECOND;
    }
    assert_eq!(
        throttle.failure(&"peer", now),
        Some(SECOND),
        "five in a row"
    );
}

#[test]
fn a_delay_longer_than_the_window_is_served_in_full() {
    let throttle = Throttle::new(ThrottleConfig {
        free_attempts: 0,
        base_delay: Duration::from_secs(120),
        max_delay: Duration::from_secs(120),
        window: Duration::from_secs(60),
        max_keys: 10,
    });
    let now = Instant::now();
    assert_eq!(
        throttle.failure(&"peer", now),
        Some(Duration::from_secs(120))
    );
    assert!(throttle
        .check(&"peer", now + Duration::from_secs(90))
        .is_err());
    assert!(throttle
        .check(&"peer", now + Duration::from_secs(120))
        .is_ok());
}

#[test]
fn keys_are_independent() {
    let throttle = defaults();
    let now = Instant::now();
    fail(&throttle, "mallory", 8, now);
    assert!(throttle.check(&"mallory", now).is_err());
    assert_eq!(throttle.check(&"alice", now), Ok(()));
    assert_eq!(throttle.failure(&"alice", now), None);
    throttle.success(&"alice");
    assert!(throttle.check(&"mallory", now).is_err());
}

#[test]
fn the_oldest_key_is_forgotten_when_full() {
    let throttle = Throttle::new(ThrottleConfig {
        max_keys: 3,
        free_attempts: 1,
        ..ThrottleConfig::default()
    });
    let start = Instant::now();
    for (i, key) in ["a", "b", "c"].into_iter().enumerate() {
        throttle.failure(&key, start + SECOND * u32::try_from(i).unwrap());
    }
    // "a" failing again makes it the newest; "b" is then the oldest.
    throttle.failure(&"a", start + 3 * SECOND);
    throttle.failure(&"d", start + 4 * SECOND);
    assert_eq!(throttle.tracked_keys(), 3);
    let later = start + 4 * SECOND + SECOND / 2;
    assert!(throttle.check(&"a", later).is_err(), "a is remembered");
    assert_eq!(
        throttle.failure(&"b", later),
        Some(SECOND),
        "b was forgotten"
    );
}

#[test]
fn hostile_input_stays_bounded() {
    let throttle: Throttle<u64> = Throttle::new(ThrottleConfig {
        max_keys: 100,
        ..ThrottleConfig::default()
    });
    let now = Instant::now();
    throttle.failure(&u64::MAX, now);
    for _ in 0..5 {
        throttle.failure(&7, now);
    }
    for key in 0..50_000u64 {
        throttle.failure(&(key + 1000), now);
        assert!(throttle.tracked_keys() <= 100);
    }
    assert_eq!(throttle.tracked_keys(), 100);
    let state = throttle.lock();
    assert_eq!(state.by_age.len(), state.records.len(), "the index matches");
}

#[test]
fn no_memory_means_no_delay() {
    let throttle = Throttle::new(ThrottleConfig {
        max_keys: 0,
        free_attempts: 0,
        ..ThrottleConfig::default()
    });
    let now = Instant::now();
    assert_eq!(throttle.failure(&"peer", now), None);
    assert_eq!(throttle.tracked_keys(), 0);
}

#[test]
fn concurrent_failures_are_all_counted() {
    let throttle = std::sync::Arc::new(Throttle::<u8>::new(ThrottleConfig {
        free_attempts: 1001,
        ..ThrottleConfig::default()
    }));
    let now = Instant::now();
    std::thread::scope(|scope| {
        for _ in 0..4 {
            let throttle = &throttle;
            scope.spawn(move || {
                for _ in 0..250 {
                    throttle.failure(&1, now);
                }
            });
        }
    });
    assert_eq!(
        throttle.failure(&1, now),
        Some(SECOND),
        "the 1001st failure"
    );
}

#[test]
fn a_late_clock_reading_keeps_the_age_order() {
    let throttle = Throttle::new(ThrottleConfig {
        max_keys: 2,
        ..ThrottleConfig::default()
    });
    let now = Instant::now();
    throttle.failure(&"a", now + SECOND);
    // Read before "a"'s but counted after it: it is the newer record.
    throttle.failure(&"b", now);
    throttle.failure(&"c", now + SECOND);
    let state = throttle.lock();
    assert!(
        !state.records.contains_key("a"),
        "a, counted first, went first"
    );
    assert!(state.records.contains_key("b"));
}

#[test]
fn the_refusal_says_when_to_retry() {
    assert_eq!(
        RetryAfter(Duration::from_millis(1500)).to_string(),
        "too many failed attempts; try again in 2 s"
    );
    assert_eq!(RetryAfter(SECOND).duration(), SECOND);
    let debug = format!("{:?}", defaults());
    assert!(debug.contains("tracked_keys: 0"), "{debug}");
}
