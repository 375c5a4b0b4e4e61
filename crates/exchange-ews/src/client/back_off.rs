//! Throttling back-offs shared by the requests to one mailbox, and to one server.
//!
//! Exchange's back-off (`BackOffMilliseconds`, `Retry-After`) is meant for every request
//! charged to the same budget, not only for the one whose answer carried it: a request sent
//! during the back-off is refused as well and spends one of its attempts for nothing. So
//! once an answer asks to back off, later requests to the same mailbox or server wait until
//! the back-off ends before they are sent.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use tokio::time::Instant;

use crate::EwsError;

/// The longest back-off kept; a longer one (a hostile `Retry-After`) is kept this long.
const MAX_BACK_OFF: Duration = Duration::from_secs(24 * 60 * 60);

/// The back-offs Exchange asked for, shared by every client given (a clone of) the same
/// state through [`EwsClientBuilder::back_off_state`](crate::EwsClientBuilder::back_off_state).
///
/// A back-off applies to one of two keys:
///
/// - **A mailbox** on a server (its host and port): `ErrorServerBusy`,
///   `ErrorExceededConnectionCount` and `ErrorTooManyObjectsOpened`, as a SOAP fault or in a
///   response message. Exchange charges these to the throttling budget of the account that
///   calls, or of the impersonated mailbox, so other mailboxes on the same server go on.
/// - **The server**: HTTP `503` and `429`. They come from IIS, the front end or a load
///   balancer before the request reaches any mailbox, so they say the whole endpoint is
///   overloaded.
///
/// Only answers that give a back-off count; without one each request backs off on its own,
/// as its [`RetryPolicy`](super::RetryPolicy) says. A request waits for the longer of its
/// mailbox's and its server's back-off before each attempt; the wait is not an attempt.
/// All the waits of one call together may last at most the policy's
/// [`max_delay`](super::RetryPolicy::max_delay): a call that would wait longer fails at once
/// with [`EwsError::BackingOff`], which is [throttled](EwsError::is_throttled) and carries the
/// [back-off](EwsError::back_off) that is left. Nothing ends a back-off early: it runs until
/// its time is up, and a longer one asked for later extends it.
///
/// Cloning is cheap and clones share the back-offs. A client built without a state keeps
/// one of its own, shared by its clones and by the clients
/// [`impersonating`](crate::EwsClient::impersonating) from it. Back-offs that ended are
/// dropped, so the state holds only the keys throttled right now.
///
/// ```
/// use exchange_ews::client::BackOffState;
/// use exchange_ews::EwsClient;
/// # use std::sync::Arc;
/// # use exchange_auth::{Basic, UserCredentials};
/// # use secrecy::SecretString;
/// # fn basic(user: &str) -> Arc<Basic> {
/// #     Arc::new(Basic::new(UserCredentials::new(user, SecretString::from("pw"))).unwrap())
/// # }
///
/// // One state for every client of the process: Alice's two clients wait for each other,
/// // Bob's only when the whole server asks to back off.
/// let state = BackOffState::new();
/// let url = "https://mail.contoso.test/EWS/Exchange.asmx";
/// let alice = EwsClient::builder(url)
///     .auth(basic("alice@contoso.test"))
///     .back_off_state(state.clone(), "alice@contoso.test")
///     .build()?;
/// let alice_again = EwsClient::builder(url)
///     .auth(basic("alice@contoso.test"))
///     .back_off_state(state.clone(), "Alice@Contoso.test")
///     .build()?;
/// let bob = EwsClient::builder(url)
///     .auth(basic("bob@contoso.test"))
///     .back_off_state(state, "bob@contoso.test")
///     .build()?;
/// # Ok::<(), exchange_ews::EwsError>(())
/// ```
#[derive(Clone, Default)]
pub struct BackOffState {
    keys: Arc<Mutex<HashMap<String, BackingOff>>>,
}

/// What a back-off applies to; see [`BackOffState`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BackOffScope {
    /// One mailbox on one server.
    Mailbox,
    /// Every mailbox of one server.
    Server,
}

impl fmt::Display for BackOffScope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Mailbox => "mailbox",
            Self::Server => "server",
        })
    }
}

/// One key's back-off: until when, and the answer that asked for it.
#[derive(Debug, Clone)]
struct BackingOff {
    until: Instant,
    scope: BackOffScope,
    cause: EwsError,
}

/// The keys of the requests of one call: its server's and its mailbox's.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct BackOffKeys {
    server: String,
    mailbox: String,
}

impl BackOffKeys {
    /// The keys of a request to `mailbox` (compared without case) at `server` (host and
    /// port). A mailbox key holds a `/`, a server key never does, so the two never meet.
    pub(super) fn new(server: &str, mailbox: &str) -> Self {
        Self {
            server: server.to_owned(),
            mailbox: format!("{server}/{}", mailbox.trim().to_lowercase()),
        }
    }

    fn of(&self, scope: BackOffScope) -> &str {
        match scope {
            BackOffScope::Mailbox => &self.mailbox,
            BackOffScope::Server => &self.server,
        }
    }
}

/// The back-off a request is to wait for.
#[derive(Debug)]
pub(super) struct Pending {
    pub(super) remaining: Duration,
    pub(super) scope: BackOffScope,
    cause: EwsError,
}

impl Pending {
    /// The error of a call that cannot wait that long.
    pub(super) fn into_error(self) -> EwsError {
        EwsError::BackingOff {
            scope: self.scope,
            remaining: self.remaining,
            cause: Box::new(self.cause),
        }
    }
}

impl BackOffState {
    /// A state without back-offs.
    pub fn new() -> Self {
        Self::default()
    }

    /// The back-off a request to `keys` is to wait for at `now`: the longer of its mailbox's
    /// and its server's, or `None` when neither is backing off.
    pub(super) fn pending(&self, keys: &BackOffKeys, now: Instant) -> Option<Pending> {
        let map = self.lock();
        [BackOffScope::Server, BackOffScope::Mailbox]
            .into_iter()
            .filter_map(|scope| map.get(keys.of(scope)))
            .filter(|entry| entry.until > now)
            .max_by_key(|entry| entry.until)
            .map(|entry| Pending {
                remaining: entry.until - now,
                scope: entry.scope,
                cause: entry.cause.clone(),
            })
    }

    /// Keeps the back-off `answer` asks for, when it is a throttling answer that gives one,
    /// unless the key already backs off longer. Drops the back-offs that have ended.
    pub(super) fn record(&self, keys: &BackOffKeys, answer: &EwsError, now: Instant) {
        let Some(scope) = scope_of(answer) else {
            return;
        };
        let Some(back_off) = answer.back_off().filter(|d| !d.is_zero()) else {
            return;
        };
        let until = now + back_off.min(MAX_BACK_OFF);
        let mut map = self.lock();
        map.retain(|_, entry| entry.until > now);
        let key = keys.of(scope);
        if map.get(key).is_some_and(|entry| entry.until >= until) {
            return;
        }
        map.insert(
            key.to_owned(),
            BackingOff {
                until,
                scope,
                cause: answer.clone(),
            },
        );
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<String, BackingOff>> {
        self.keys.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whose back-off a throttling answer asks for, or `None` for any other answer.
fn scope_of(answer: &EwsError) -> Option<BackOffScope> {
    match answer {
        EwsError::HttpStatus { .. } if answer.is_throttled() => Some(BackOffScope::Server),
        EwsError::Response { .. } | EwsError::SoapFault { .. } if answer.is_throttled() => {
            Some(BackOffScope::Mailbox)
        }
        _ => None,
    }
}

impl fmt::Debug for BackOffState {
    /// How many keys back off, without naming them (mailbox names stay out of logs).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let now = Instant::now();
        let backing_off = self.lock().values().filter(|e| e.until > now).count();
        f.debug_struct("BackOffState")
            .field("backing_off", &backing_off)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ResponseClass;
    use crate::ResponseCode;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn response(code: ResponseCode, back_off: Option<Duration>) -> EwsError {
        EwsError::Response {
            class: ResponseClass::Error,
            code,
            message_text: String::new(),
            back_off,
            details: Vec::new(),
        }
    }

    fn busy(back_off_ms: u64) -> EwsError {
        response(ResponseCode::ErrorServerBusy, Some(ms(back_off_ms)))
    }

    fn unavailable(status: u16, retry_after: Option<Duration>) -> EwsError {
        EwsError::HttpStatus {
            status,
            body_snippet: String::new(),
            retry_after,
        }
    }

    const SERVER: &str = "mail.contoso.test:443";

    fn alice() -> BackOffKeys {
        BackOffKeys::new(SERVER, "alice@contoso.test")
    }

    fn bob() -> BackOffKeys {
        BackOffKeys::new(SERVER, "bob@contoso.test")
    }

    fn left(state: &BackOffState, keys: &BackOffKeys, now: Instant) -> Option<Duration> {
        state.pending(keys, now).map(|p| p.remaining)
    }

    #[test]
    fn a_busy_mailbox_backs_off_alone_until_its_time_is_up() {
        let state = BackOffState::new();
        let now = Instant::now();
        state.record(&alice(), &busy(500), now);
        assert_eq!(left(&state, &alice(), now), Some(ms(500)));
        assert_eq!(left(&state, &alice(), now + ms(200)), Some(ms(300)));
        assert_eq!(left(&state, &alice(), now + ms(500)), None);
        assert_eq!(left(&state, &bob(), now), None);
        let elsewhere = BackOffKeys::new("mail2.contoso.test:443", "alice@contoso.test");
        assert_eq!(left(&state, &elsewhere, now), None);
        // The same mailbox whatever the case of its name.
        let shouting = BackOffKeys::new(SERVER, " ALICE@contoso.test");
        assert_eq!(left(&state, &shouting, now), Some(ms(500)));
    }

    #[test]
    fn an_overloaded_server_holds_back_every_mailbox() {
        let state = BackOffState::new();
        let now = Instant::now();
        for status in [503, 429] {
            state.record(&alice(), &unavailable(status, Some(ms(100))), now);
            let pending = state.pending(&bob(), now).unwrap();
            assert_eq!(pending.remaining, ms(100), "{status}");
            let error = pending.into_error();
            assert!(error.is_throttled(), "{error}");
            assert_eq!(error.back_off(), Some(ms(100)));
            assert!(
                error.to_string().contains("back off from the server"),
                "{error}"
            );
        }
        // The longer of the server's and the mailbox's back-off is the one to wait for.
        state.record(&bob(), &busy(300), now);
        assert_eq!(left(&state, &bob(), now), Some(ms(300)));
        assert_eq!(left(&state, &bob(), now + ms(150)), Some(ms(150)));
        assert_eq!(left(&state, &alice(), now + ms(150)), None);
    }

    #[test]
    fn every_throttling_code_backs_off_its_mailbox() {
        for code in [
            ResponseCode::ErrorServerBusy,
            ResponseCode::ErrorExceededConnectionCount,
            ResponseCode::ErrorTooManyObjectsOpened,
        ] {
            let state = BackOffState::new();
            let now = Instant::now();
            state.record(&alice(), &response(code.clone(), Some(ms(40))), now);
            let pending = state.pending(&alice(), now).unwrap();
            assert_eq!(pending.scope, BackOffScope::Mailbox, "{code}");
            assert_eq!(left(&state, &bob(), now), None, "{code}");
            let fault = EwsError::SoapFault {
                fault_code: format!("a:{code}"),
                fault_string: String::new(),
                response_code: Some(code.clone()),
                back_off: Some(ms(40)),
                details: Vec::new(),
            };
            state.record(&bob(), &fault, now);
            assert_eq!(left(&state, &bob(), now), Some(ms(40)), "{code}");
        }
    }

    #[test]
    fn answers_without_a_back_off_or_throttling_change_nothing() {
        let state = BackOffState::new();
        let now = Instant::now();
        for answer in [
            response(ResponseCode::ErrorServerBusy, None),
            busy(0),
            unavailable(503, None),
            unavailable(503, Some(Duration::ZERO)),
            unavailable(500, Some(ms(100))),
            response(ResponseCode::ErrorItemNotFound, Some(ms(100))),
            EwsError::Connection {
                kind: crate::error::ConnectFailure::Timeout,
                detail: String::new(),
            },
        ] {
            state.record(&alice(), &answer, now);
            assert_eq!(left(&state, &alice(), now), None, "{answer}");
        }
        // A back-off already refused is not a reason to refuse the next call.
        let refused = busy(100);
        state.record(&alice(), &refused, now);
        let error = state.pending(&alice(), now).unwrap().into_error();
        let other = BackOffState::new();
        other.record(&alice(), &error, now);
        assert_eq!(left(&other, &alice(), now), None);
    }

    #[test]
    fn a_longer_back_off_extends_and_a_shorter_one_does_not_cut() {
        let state = BackOffState::new();
        let now = Instant::now();
        state.record(&alice(), &busy(100), now);
        state.record(&alice(), &busy(20), now + ms(10));
        assert_eq!(left(&state, &alice(), now), Some(ms(100)));
        state.record(&alice(), &busy(100), now + ms(50));
        assert_eq!(left(&state, &alice(), now), Some(ms(150)));
        let EwsError::BackingOff { cause, .. } = state.pending(&alice(), now).unwrap().into_error()
        else {
            unreachable!("pending back-offs become BackingOff errors")
        };
        assert_eq!(cause.back_off(), Some(ms(100)));
    }

    #[test]
    fn ended_back_offs_are_dropped_and_absurd_ones_capped() {
        let state = BackOffState::new();
        let now = Instant::now();
        for i in 0..100 {
            let keys = BackOffKeys::new(SERVER, &format!("user{i}@contoso.test"));
            state.record(&keys, &busy(10), now);
        }
        assert_eq!(state.lock().len(), 100);
        state.record(&alice(), &busy(60_000), now + ms(10));
        assert_eq!(state.lock().len(), 1);
        assert_eq!(format!("{state:?}"), "BackOffState { backing_off: 1 }");
        state.record(&bob(), &unavailable(503, Some(Duration::MAX)), now);
        assert_eq!(left(&state, &bob(), now), Some(MAX_BACK_OFF));
    }

    #[test]
    fn clones_share_their_back_offs() {
        let state = BackOffState::new();
        let clone = state.clone();
        let now = Instant::now();
        clone.record(&alice(), &busy(30), now);
        assert_eq!(left(&state, &alice(), now), Some(ms(30)));
        assert_eq!(left(&BackOffState::new(), &alice(), now), None);
    }
}
