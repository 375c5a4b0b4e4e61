//! When and after how long a throttled call is sent again.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::{EwsError, ResponseCode};

const DEFAULT_MAX_ATTEMPTS: u32 = 4;
const DEFAULT_BASE_DELAY: Duration = Duration::from_millis(500);
const DEFAULT_MAX_DELAY: Duration = Duration::from_secs(60);

/// How often and after how long the client sends a throttled call again.
///
/// Only answers that mean Exchange did not process the request are retried:
/// `ErrorServerBusy`, `ErrorExceededConnectionCount` and `ErrorTooManyObjectsOpened` (as a
/// SOAP fault or in the response message) and HTTP `503` and `429`. They are safe to retry for every
/// operation, creating and deleting ones too. Authentication failures, every other EWS error
/// and transport failures are returned at once.
///
/// The delay before a retry is the server's back-off (`BackOffMilliseconds`, `Retry-After`)
/// when it gives one, else an exponential back-off (`base_delay × 2ⁿ`, at most `max_delay`)
/// with full jitter. A server back-off longer than `max_delay` is not waited for: the call
/// fails with the throttled error at once so that the caller can schedule the work later.
///
/// A server back-off also holds back the other requests to the same mailbox or server, of
/// this client and of every client sharing its [`BackOffState`](super::BackOffState): each
/// attempt first waits until the back-off ends. That wait is not an attempt, and a retry
/// waits for the longer of its own delay and the back-off, not for both. The waits for
/// back-offs beyond a retry's own delay may last at most `max_delay` per call in all: a call
/// that would wait longer fails at once with [`EwsError::BackingOff`], a throttled error
/// carrying the back-off that is left.
///
/// ```
/// use std::time::Duration;
/// use exchange_ews::client::RetryPolicy;
///
/// let policy = RetryPolicy::new(6, Duration::from_millis(200), Duration::from_secs(10));
/// assert_eq!(policy.max_attempts(), 6);
/// assert_eq!(RetryPolicy::default().max_attempts(), 4);
/// assert_eq!(RetryPolicy::none().max_attempts(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    max_attempts: u32,
    base_delay: Duration,
    max_delay: Duration,
    jitter: bool,
}

impl Default for RetryPolicy {
    /// At most 4 attempts, a base delay of 500 ms, a cap of 60 s, with jitter.
    fn default() -> Self {
        Self::new(DEFAULT_MAX_ATTEMPTS, DEFAULT_BASE_DELAY, DEFAULT_MAX_DELAY)
    }
}

impl RetryPolicy {
    /// At most `max_attempts` attempts (the first one included), waiting `base_delay`
    /// doubled per retry but never more than `max_delay`, with jitter.
    ///
    /// [`EwsClientBuilder::build`](crate::EwsClientBuilder::build) refuses zero attempts.
    pub fn new(max_attempts: u32, base_delay: Duration, max_delay: Duration) -> Self {
        Self {
            max_attempts,
            base_delay,
            max_delay,
            jitter: true,
        }
    }

    /// One attempt: every error is returned at once.
    pub fn none() -> Self {
        Self::new(1, Duration::ZERO, Duration::ZERO)
    }

    /// With or without full jitter on the computed delays (on by default). The server's
    /// back-off is always used as given.
    pub fn jitter(mut self, on: bool) -> Self {
        self.jitter = on;
        self
    }

    /// The most attempts of one call, the first one included.
    pub fn max_attempts(&self) -> u32 {
        self.max_attempts
    }

    /// The delay before the first retry when the server gives none.
    pub fn base_delay(&self) -> Duration {
        self.base_delay
    }

    /// The longest delay the client waits; a longer server back-off fails the call at once.
    /// It also bounds the waits of one call for shared back-offs, in all.
    pub fn max_delay(&self) -> Duration {
        self.max_delay
    }

    /// Whether computed delays are jittered.
    pub fn has_jitter(&self) -> bool {
        self.jitter
    }

    /// The delay before the next attempt after `error` ended attempt number `attempt`
    /// (counted from 1), or `None` when the error is to be returned.
    pub(crate) fn delay_after(
        &self,
        error: &EwsError,
        attempt: u32,
        random: &Jitter,
    ) -> Option<Duration> {
        if attempt >= self.max_attempts || !is_retryable(error) {
            return None;
        }
        if let Some(back_off) = error.back_off() {
            return (back_off <= self.max_delay).then_some(back_off);
        }
        let doublings = attempt.saturating_sub(1).min(31);
        let delay = self
            .base_delay
            .saturating_mul(1u32 << doublings)
            .min(self.max_delay);
        Some(if self.jitter {
            random.below(delay)
        } else {
            delay
        })
    }
}

/// Whether `error` means Exchange refused the request before processing it.
fn is_retryable(error: &EwsError) -> bool {
    match error {
        // Both statuses refuse a request before it reaches the mailbox.
        EwsError::HttpStatus { status, .. } => matches!(status, 429 | 503),
        EwsError::Response { code, .. } => is_throttling(code),
        EwsError::SoapFault { response_code, .. } => {
            response_code.as_ref().is_some_and(is_throttling)
        }
        _ => false,
    }
}

fn is_throttling(code: &ResponseCode) -> bool {
    matches!(
        code,
        ResponseCode::ErrorServerBusy
            | ResponseCode::ErrorExceededConnectionCount
            | ResponseCode::ErrorTooManyObjectsOpened
    )
}

/// A cheap xorshift generator for jitter; spreading retries needs no cryptographic quality.
#[derive(Debug)]
pub(crate) struct Jitter {
    state: Mutex<u64>,
}

impl Jitter {
    /// A generator seeded from the clock and a process-wide counter, so that clients made in
    /// the same instant still differ.
    pub(crate) fn new() -> Self {
        static CLIENTS: AtomicU64 = AtomicU64::new(0);
        #[allow(clippy::cast_possible_truncation)] // the low 64 bits are the ones that vary
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64);
        let count = CLIENTS.fetch_add(1, Ordering::Relaxed);
        Self::seeded(nanos ^ count.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }

    fn seeded(seed: u64) -> Self {
        // Xorshift never leaves the all-zero state.
        let state = if seed == 0 {
            0x2545_F491_4F6C_DD1D
        } else {
            seed
        };
        Self {
            state: Mutex::new(state),
        }
    }

    fn next(&self) -> u64 {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let mut x = *state;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        *state = x;
        x
    }

    /// A duration spread evenly over `0..=limit` (to the nanosecond).
    pub(crate) fn below(&self, limit: Duration) -> Duration {
        let nanos = u64::try_from(limit.as_nanos()).unwrap_or(u64::MAX);
        match nanos.checked_add(1) {
            Some(span) => Duration::from_nanos(self.next() % span),
            None => Duration::from_nanos(self.next()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ResponseClass;

    fn response(code: ResponseCode, back_off: Option<Duration>) -> EwsError {
        EwsError::Response {
            class: ResponseClass::Error,
            code,
            message_text: String::new(),
            back_off,
            details: Vec::new(),
        }
    }

    fn busy() -> EwsError {
        response(ResponseCode::ErrorServerBusy, None)
    }

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn delays_double_up_to_the_cap_without_jitter() {
        let policy = RetryPolicy::new(10, ms(500), ms(3000)).jitter(false);
        let random = Jitter::seeded(1);
        let delays: Vec<_> = (1..10)
            .map(|a| policy.delay_after(&busy(), a, &random).unwrap())
            .collect();
        assert_eq!(
            delays,
            [500, 1000, 2000, 3000, 3000, 3000, 3000, 3000, 3000].map(ms)
        );
        assert_eq!(policy.delay_after(&busy(), 10, &random), None);
    }

    #[test]
    fn huge_attempt_numbers_saturate_at_the_cap() {
        let policy = RetryPolicy::new(u32::MAX, Duration::MAX, Duration::MAX).jitter(false);
        let random = Jitter::seeded(1);
        assert_eq!(
            policy.delay_after(&busy(), u32::MAX - 1, &random),
            Some(Duration::MAX)
        );
        let jittered = RetryPolicy::new(u32::MAX, Duration::MAX, Duration::MAX);
        assert!(jittered.delay_after(&busy(), 1000, &random).is_some());
    }

    #[test]
    fn jitter_stays_within_zero_and_the_computed_delay() {
        let policy = RetryPolicy::new(10, ms(100), ms(1000));
        let random = Jitter::new();
        for attempt in 1..10 {
            let ceiling = ms(100 * (1 << (attempt - 1))).min(ms(1000));
            let samples: Vec<_> = (0..200)
                .map(|_| policy.delay_after(&busy(), attempt, &random).unwrap())
                .collect();
            assert!(samples.iter().all(|d| *d <= ceiling), "{samples:?}");
            // Full jitter spreads the delays, it does not pin them.
            assert!(samples.iter().any(|d| *d < ceiling / 2), "{samples:?}");
            assert!(samples.iter().any(|d| *d > ceiling / 2), "{samples:?}");
        }
        assert_eq!(random.below(Duration::ZERO), Duration::ZERO);
    }

    #[test]
    fn the_server_back_off_wins_unless_it_exceeds_the_cap() {
        let policy = RetryPolicy::new(4, ms(500), ms(60_000));
        let random = Jitter::seeded(7);
        let told = response(ResponseCode::ErrorServerBusy, Some(ms(1234)));
        for attempt in 1..4 {
            assert_eq!(policy.delay_after(&told, attempt, &random), Some(ms(1234)));
        }
        let too_long = response(ResponseCode::ErrorServerBusy, Some(ms(60_001)));
        assert_eq!(policy.delay_after(&too_long, 1, &random), None);
        let retry_after_zero = EwsError::HttpStatus {
            status: 503,
            body_snippet: String::new(),
            retry_after: Some(Duration::ZERO),
        };
        assert_eq!(
            policy.delay_after(&retry_after_zero, 1, &random),
            Some(Duration::ZERO)
        );
    }

    #[test]
    fn only_refusals_before_processing_are_retried() {
        let policy = RetryPolicy::default();
        let random = Jitter::seeded(3);
        let fault = |code: Option<ResponseCode>| EwsError::SoapFault {
            fault_code: "a:ErrorServerBusy".into(),
            fault_string: String::new(),
            response_code: code,
            back_off: None,
            details: Vec::new(),
        };
        let status = |status| EwsError::HttpStatus {
            status,
            body_snippet: String::new(),
            retry_after: None,
        };
        for retried in [
            busy(),
            response(ResponseCode::ErrorExceededConnectionCount, None),
            response(ResponseCode::ErrorTooManyObjectsOpened, None),
            fault(Some(ResponseCode::ErrorServerBusy)),
            status(503),
            status(429),
        ] {
            assert!(
                policy.delay_after(&retried, 1, &random).is_some(),
                "{retried}"
            );
        }
        for returned in [
            response(ResponseCode::ErrorItemNotFound, None),
            response(ResponseCode::ErrorInternalServerError, None),
            fault(None),
            status(500),
            status(401),
            EwsError::AuthenticationFailed {
                source: exchange_auth::AuthError::Rejected { scheme: "Basic" },
            },
            EwsError::Connection {
                kind: crate::error::ConnectFailure::Timeout,
                detail: String::new(),
            },
        ] {
            assert_eq!(
                policy.delay_after(&returned, 1, &random),
                None,
                "{returned}"
            );
        }
    }

    #[test]
    fn no_retries_means_one_attempt() {
        let random = Jitter::seeded(5);
        assert_eq!(RetryPolicy::none().delay_after(&busy(), 1, &random), None);
        let zero = RetryPolicy::new(0, ms(1), ms(1));
        assert_eq!(zero.delay_after(&busy(), 1, &random), None);
        let defaults = RetryPolicy::default();
        assert_eq!(
            (
                defaults.max_attempts(),
                defaults.base_delay(),
                defaults.max_delay()
            ),
            (4, ms(500), ms(60_000))
        );
        assert!(defaults.has_jitter());
    }

    #[test]
    fn generators_seeded_alike_agree_and_zero_seeds_still_move() {
        let (a, b) = (Jitter::seeded(42), Jitter::seeded(42));
        assert_eq!(a.next(), b.next());
        let zero = Jitter::seeded(0);
        assert_ne!(zero.next(), 0);
        assert_ne!(Jitter::new().next(), Jitter::new().next());
    }
}
