//! Tests of the session accounts.

use secrecy::ExposeSecret;

use super::*;
use crate::record::{Secret, MAX_ID_LEN, MAX_SECRET_LEN};

fn account(secret: &str) -> Account {
    Account::new("alice", "https://x", Secret::password(secret))
}

fn password(account: &Account) -> String {
    match &account.secret {
        Secret::Password(p) => p.expose_secret().to_owned(),
        other => panic!("expected a password, got {other:?}"),
    }
}

#[test]
fn entries_live_until_their_ttl() {
    let sessions = SessionAccounts::new();
    let id = RecordId::new("ds", "u1");
    let t0 = Instant::now();
    sessions
        .put_at(&id, account("pw"), Duration::from_secs(60), t0)
        .unwrap();
    let live = sessions.get_at(&id, t0 + Duration::from_secs(59)).unwrap();
    assert_eq!(password(&live), "pw");
    assert!(sessions.get_at(&id, t0 + Duration::from_secs(60)).is_none());
    // The expired entry was dropped on lookup.
    assert_eq!(sessions.lock().entries.len(), 0);
}

#[test]
fn real_clock_expiry_and_removal() {
    let sessions = SessionAccounts::new();
    let short = RecordId::new("ds", "short");
    let long = RecordId::new("ds", "long");
    sessions
        .put(&short, account("a"), Duration::from_millis(300))
        .unwrap();
    sessions
        .put(&long, account("b"), Duration::from_secs(600))
        .unwrap();
    assert_eq!(sessions.len(), 2);
    std::thread::sleep(Duration::from_millis(400));
    assert!(sessions.get(&short).is_none());
    assert_eq!(sessions.len(), 1);
    assert!(sessions.remove(&long));
    assert!(!sessions.remove(&long));
    assert!(sessions.is_empty());
}

#[test]
fn ttl_is_capped_and_replacing_works() {
    let sessions = SessionAccounts::new();
    let id = RecordId::new("ds", "u");
    let t0 = Instant::now();
    sessions
        .put_at(&id, account("old"), Duration::MAX, t0)
        .unwrap();
    sessions
        .put_at(&id, account("new"), Duration::from_secs(5), t0)
        .unwrap();
    assert_eq!(password(&sessions.get_at(&id, t0).unwrap()), "new");
    sessions
        .put_at(&id, account("x"), Duration::MAX, t0)
        .unwrap();
    assert!(sessions.get_at(&id, t0 + MAX_SESSION_TTL).is_none());
}

#[test]
fn expired_entries_are_swept_as_the_map_grows() {
    let sessions = SessionAccounts::new();
    let t0 = Instant::now();
    for i in 0..SWEEP_FLOOR {
        let id = RecordId::new("ds", format!("u{i}"));
        sessions
            .put_at(&id, account("p"), Duration::from_secs(1), t0)
            .unwrap();
    }
    let later = t0 + Duration::from_secs(2);
    sessions
        .put_at(
            &RecordId::new("ds", "fresh"),
            account("p"),
            Duration::from_secs(1),
            later,
        )
        .unwrap();
    assert_eq!(sessions.lock().entries.len(), 1);
    assert_eq!(sessions.purge_expired(), 0);
}

#[test]
fn input_limits_apply() {
    let sessions = SessionAccounts::new();
    let ttl = Duration::from_secs(1);
    let long_id = RecordId::new("ds", "u".repeat(MAX_ID_LEN + 1));
    assert!(sessions
        .put(&long_id, account("p"), ttl)
        .unwrap_err()
        .is_invalid_input());
    let empty = RecordId::new("", "u");
    assert!(sessions
        .put(&empty, account("p"), ttl)
        .unwrap_err()
        .is_invalid_input());
    let big = account(&"s".repeat(MAX_SECRET_LEN + 1));
    let id = RecordId::new("ds", "u");
    assert!(sessions.put(&id, big, ttl).unwrap_err().is_invalid_input());
    assert!(sessions.is_empty());
}

#[test]
fn users_of_a_data_source_are_listed_without_secrets_and_reset() {
    let sessions = SessionAccounts::new();
    let t0 = Instant::now();
    let ttl = Duration::from_secs(60);
    for (ds, user) in [
        ("ds", "u2"),
        ("ds", "u1"),
        ("other", "u3"),
        ("ds", "@static:x"),
    ] {
        sessions
            .put_at(&RecordId::new(ds, user), account("listed-secret"), ttl, t0)
            .unwrap();
    }
    let expired = RecordId::new("ds", "u0");
    sessions
        .put_at(&expired, account("p"), Duration::ZERO, t0)
        .unwrap();
    let users = sessions.users("ds");
    let ids: Vec<String> = users.iter().map(|s| s.id.to_string()).collect();
    assert_eq!(ids, ["ds/u1", "ds/u2"]);
    assert!(!format!("{users:?}").contains("listed-secret"));
    assert_eq!(
        sessions
            .details(&RecordId::new("ds", "u1"))
            .unwrap()
            .user_name,
        "alice"
    );
    assert!(sessions.details(&expired).is_none());
    assert!(sessions.details(&RecordId::new("ds", "nobody")).is_none());

    assert_eq!(
        sessions.reset_data_source("ds"),
        2,
        "the expired one is not counted"
    );
    assert!(sessions.users("ds").is_empty());
    assert_eq!(sessions.users("other").len(), 1);
    assert!(sessions.get(&RecordId::new("ds", "@static:x")).is_some());
    assert_eq!(sessions.reset_data_source("ds"), 0);
}

#[test]
fn debug_shows_only_a_count() {
    let sessions = SessionAccounts::new();
    let id = RecordId::new("ds", "u");
    sessions
        .put(&id, account("session-secret-xyz"), Duration::from_secs(60))
        .unwrap();
    let text = format!("{sessions:?}");
    assert_eq!(text, "SessionAccounts { entries: 1 }");
}

fn ids(sessions: &SessionAccounts, data_source: &str) -> Vec<String> {
    sessions
        .users(data_source)
        .into_iter()
        .map(|s| s.id.portal_user)
        .collect()
}

#[test]
fn a_full_data_source_evicts_the_entry_put_longest_ago() {
    let sessions = SessionAccounts::with_max_per_data_source(3);
    assert_eq!(sessions.max_per_data_source(), 3);
    let t0 = Instant::now();
    let ttl = Duration::from_secs(60);
    for user in ["u1", "u2", "u3"] {
        sessions
            .put_at(&RecordId::new("ds", user), account("p"), ttl, t0)
            .unwrap();
    }
    sessions
        .put_at(&RecordId::new("other", "o1"), account("p"), ttl, t0)
        .unwrap();
    sessions
        .put_at(&RecordId::new("ds", "u4"), account("p"), ttl, t0)
        .unwrap();
    assert_eq!(ids(&sessions, "ds"), ["u2", "u3", "u4"]);
    assert!(sessions.get(&RecordId::new("ds", "u1")).is_none());
    sessions
        .put_at(&RecordId::new("ds", "u5"), account("p"), ttl, t0)
        .unwrap();
    assert_eq!(ids(&sessions, "ds"), ["u3", "u4", "u5"]);
    assert_eq!(
        ids(&sessions, "other"),
        ["o1"],
        "other data sources keep theirs"
    );
    assert_eq!(
        sessions.lock().entries.len(),
        4,
        "the cap holds in memory too"
    );
}

#[test]
fn putting_an_id_again_refreshes_it_and_evicts_nothing() {
    let sessions = SessionAccounts::with_max_per_data_source(2);
    let t0 = Instant::now();
    let ttl = Duration::from_secs(60);
    let (u1, u2, u3) = (
        RecordId::new("ds", "u1"),
        RecordId::new("ds", "u2"),
        RecordId::new("ds", "u3"),
    );
    sessions.put_at(&u1, account("p"), ttl, t0).unwrap();
    sessions.put_at(&u2, account("p"), ttl, t0).unwrap();
    sessions.put_at(&u1, account("again"), ttl, t0).unwrap();
    assert_eq!(ids(&sessions, "ds"), ["u1", "u2"]);
    // u1 is now the newest, so u2 goes next.
    sessions.put_at(&u3, account("p"), ttl, t0).unwrap();
    assert_eq!(ids(&sessions, "ds"), ["u1", "u3"]);
    assert_eq!(password(&sessions.get(&u1).unwrap()), "again");
}

#[test]
fn expired_entries_go_before_live_ones_and_are_reported() {
    let dropped = std::sync::Arc::new(Mutex::new(Vec::new()));
    let heard = dropped.clone();
    let sessions = SessionAccounts::with_max_per_data_source(2).on_dropped(move |summary| {
        heard.lock().unwrap().push(summary.id.portal_user.clone());
    });
    let t0 = Instant::now();
    let long = Duration::from_secs(60);
    sessions
        .put_at(&RecordId::new("ds", "old"), account("p"), long, t0)
        .unwrap();
    sessions
        .put_at(
            &RecordId::new("ds", "short"),
            account("p"),
            Duration::from_secs(1),
            t0,
        )
        .unwrap();
    let later = t0 + Duration::from_secs(2);
    sessions
        .put_at(&RecordId::new("ds", "new"), account("p"), long, later)
        .unwrap();
    assert_eq!(*dropped.lock().unwrap(), ["short"], "the expired one went");
    assert!(sessions
        .get_at(&RecordId::new("ds", "old"), later)
        .is_some());
    sessions
        .put_at(&RecordId::new("ds", "newer"), account("p"), long, later)
        .unwrap();
    assert_eq!(
        *dropped.lock().unwrap(),
        ["short", "old"],
        "then the oldest"
    );

    // Expiry found by a lookup is reported; removals of live entries on request are not.
    let t1 = t0 + Duration::from_secs(120);
    assert!(sessions.get_at(&RecordId::new("ds", "new"), t1).is_none());
    assert!(sessions.remove(&RecordId::new("ds", "newer")));
    assert_eq!(*dropped.lock().unwrap(), ["short", "old", "new"]);
    // remove and reset_data_source read the real clock, to which t0 is past.
    let gone = RecordId::new("ds", "gone");
    sessions
        .put_at(&gone, account("p"), Duration::ZERO, t0)
        .unwrap();
    assert!(!sessions.remove(&gone), "it had expired");
    sessions
        .put_at(
            &RecordId::new("ds", "left"),
            account("p"),
            Duration::ZERO,
            t0,
        )
        .unwrap();
    sessions
        .put_at(&RecordId::new("ds", "kept"), account("p"), long, t0)
        .unwrap();
    assert_eq!(sessions.reset_data_source("ds"), 1);
    assert_eq!(
        *dropped.lock().unwrap(),
        ["short", "old", "new", "gone", "left"]
    );
    assert!(
        sessions.lock().by_source.is_empty(),
        "no order is left behind"
    );
}
