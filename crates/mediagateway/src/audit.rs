//! The audit trail: one `tracing` event per security-relevant action, with target
//! [`TARGET`] and structured fields, so that a subscriber can route them to their own log
//! (`RUST_LOG=mediagateway::audit=info`).
//!
//! Every event has an `event` field naming it (`admin_auth_succeeded`, `login_failed`, …).
//! Successes are logged at `INFO`, failures and throttling at `WARN`. The functions take only
//! names, identifiers, addresses and counts: no parameter could carry a password, a key or a
//! token, so none can reach the trail.

use std::fmt;
use std::net::IpAddr;
use std::time::Duration;

use mediagateway_api::ErrorKind;
use uuid::Uuid;

/// The target of every audit event.
pub(crate) const TARGET: &str = "mediagateway::audit";

/// A caller's address, or `in-process` for a portal calling the gateway directly.
struct Peer(Option<IpAddr>);

impl fmt::Display for Peer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(address) => address.fmt(f),
            None => f.write_str("in-process"),
        }
    }
}

/// A call for a portal user of `data_source` came with no key, or a key that is not the data
/// source's.
pub(crate) fn portal_auth_failed(peer: Option<IpAddr>, data_source: &str) {
    tracing::warn!(target: TARGET, event = "portal_auth_failed", peer = %Peer(peer), data_source,
        "portal key refused");
}

/// A caller gave the right gateway password.
pub(crate) fn admin_auth_succeeded(peer: Option<IpAddr>) {
    tracing::info!(target: TARGET, event = "admin_auth_succeeded", peer = %Peer(peer),
        "gateway password accepted");
}

/// A caller gave a wrong gateway password.
pub(crate) fn admin_auth_failed(peer: Option<IpAddr>) {
    tracing::warn!(target: TARGET, event = "admin_auth_failed", peer = %Peer(peer),
        "gateway password refused");
}

/// A data source's configuration changed; `fields` names what changed (never the values).
pub(crate) fn config_changed(data_source: &str, fields: &[&str]) {
    tracing::info!(target: TARGET, event = "config_changed", data_source,
        fields = %fields.join(","), "data source configuration changed");
}

/// A data source's EWS host changed from `old_host` to `new_host`.
pub(crate) fn ews_host_changed(data_source: &str, old_host: &str, new_host: &str) {
    tracing::warn!(target: TARGET, event = "ews_host_changed", data_source, old_host, new_host,
        "EWS host changed: passwords now go to the new host");
}

/// A data source's portal key was rotated; the old one works for `grace` more.
pub(crate) fn portal_key_rotated(data_source: &str, grace: Duration) {
    tracing::info!(target: TARGET, event = "portal_key_rotated", data_source,
        grace_secs = grace.as_secs(), "portal key rotated");
}

/// A portal user's Exchange login was accepted and stored.
pub(crate) fn login_succeeded(data_source: &str, portal_user: Uuid, exchange_user: &str) {
    tracing::info!(target: TARGET, event = "login_succeeded", data_source,
        portal_user = %portal_user, exchange_user, "Exchange login stored");
}

/// A portal user's Exchange login was refused, for `reason`.
pub(crate) fn login_failed(
    data_source: &str,
    portal_user: Uuid,
    exchange_user: &str,
    reason: ErrorKind,
) {
    tracing::warn!(target: TARGET, event = "login_failed", data_source,
        portal_user = %portal_user, exchange_user, reason = ?reason, "Exchange login refused");
}

/// A portal user's stored account was removed.
pub(crate) fn user_reset(data_source: &str, portal_user: Uuid) {
    tracing::info!(target: TARGET, event = "user_reset", data_source, portal_user = %portal_user,
        "user account reset");
}

/// Every stored account of a data source was removed, `count` of them.
pub(crate) fn all_users_reset(data_source: &str, count: usize) {
    tracing::warn!(target: TARGET, event = "all_users_reset", data_source, count,
        "all user accounts reset");
}

/// A data source was deleted, with its keys and `accounts` portal users' accounts.
pub(crate) fn data_source_deleted(data_source: &str, accounts: usize) {
    tracing::warn!(target: TARGET, event = "data_source_deleted", data_source, accounts,
        "data source deleted");
}

/// The gateway password was changed by the caller at `peer`.
pub(crate) fn gateway_password_changed(peer: Option<IpAddr>) {
    tracing::warn!(target: TARGET, event = "gateway_password_changed", peer = %Peer(peer),
        "gateway password changed");
}

/// A caller was refused for too many failed attempts; it may retry after `retry_after`.
pub(crate) fn throttled(peer: Option<IpAddr>, retry_after: Duration) {
    tracing::warn!(target: TARGET, event = "throttled", peer = %Peer(peer),
        retry_after_ms = u64::try_from(retry_after.as_millis()).unwrap_or(u64::MAX),
        "attempt refused: too many failures");
}

#[cfg(test)]
mod tests {
    use exchange_test_support::capture_logs;
    use tracing::Level;

    use super::*;

    /// The one line of `logs` whose `event` field is `event`.
    fn line<'a>(logs: &'a str, event: &str) -> &'a str {
        let needle = format!("event=\"{event}\"");
        let mut lines = logs.lines().filter(|l| l.contains(&needle));
        let found = lines
            .next()
            .unwrap_or_else(|| panic!("no {event} in:\n{logs}"));
        assert!(lines.next().is_none(), "one {event} only:\n{logs}");
        found
    }

    fn assert_fields(logs: &str, event: &str, level: &str, fields: &[&str]) {
        let line = line(logs, event);
        assert!(line.contains(&format!("{level} {TARGET}: ")), "{line}");
        for field in fields {
            assert!(line.contains(field), "{field} missing: {line}");
        }
    }

    #[test]
    fn every_event_carries_its_target_and_fields() {
        let portal_user = Uuid::parse_str("8b0c2a5e-3f41-4d7a-9c1e-5b6f7a8d9e0f").unwrap();
        let peer: IpAddr = "192.0.2.7".parse().unwrap();
        let logs = capture_logs(Level::TRACE, || {
            // Another test's thread may have met these call sites with no subscriber.
            tracing::callsite::rebuild_interest_cache();
            admin_auth_succeeded(Some(peer));
            admin_auth_failed(None);
            portal_auth_failed(Some(peer), "Exchange");
            config_changed("Exchange", &["ews_url", "service_account.password"]);
            ews_host_changed("Exchange", "mail.contoso.com", "mail2.contoso.com");
            portal_key_rotated("Exchange", Duration::from_secs(3600));
            login_succeeded("Exchange", portal_user, "alice@contoso.com");
            login_failed(
                "Exchange",
                portal_user,
                "bob@contoso.com",
                ErrorKind::ExchangeLoginRefused,
            );
            user_reset("Exchange", portal_user);
            all_users_reset("Exchange", 42);
            gateway_password_changed(Some("2001:db8::7".parse().unwrap()));
            throttled(Some(peer), Duration::from_millis(1500));
        });
        let guid = "portal_user=8b0c2a5e-3f41-4d7a-9c1e-5b6f7a8d9e0f";
        let source = "data_source=\"Exchange\"";
        assert_fields(&logs, "admin_auth_succeeded", "INFO", &["peer=192.0.2.7"]);
        assert_fields(&logs, "admin_auth_failed", "WARN", &["peer=in-process"]);
        assert_fields(
            &logs,
            "portal_auth_failed",
            "WARN",
            &["peer=192.0.2.7", "data_source=\"Exchange\""],
        );
        assert_fields(
            &logs,
            "config_changed",
            "INFO",
            &[source, "fields=ews_url,service_account.password"],
        );
        assert_fields(
            &logs,
            "ews_host_changed",
            "WARN",
            &[
                source,
                "old_host=\"mail.contoso.com\"",
                "new_host=\"mail2.contoso.com\"",
            ],
        );
        assert_fields(
            &logs,
            "portal_key_rotated",
            "INFO",
            &[source, "grace_secs=3600"],
        );
        assert_fields(
            &logs,
            "login_succeeded",
            "INFO",
            &[source, guid, "exchange_user=\"alice@contoso.com\""],
        );
        assert_fields(
            &logs,
            "login_failed",
            "WARN",
            &[
                source,
                guid,
                "exchange_user=\"bob@contoso.com\"",
                "reason=ExchangeLoginRefused",
            ],
        );
        assert_fields(&logs, "user_reset", "INFO", &[source, guid]);
        assert_fields(&logs, "all_users_reset", "WARN", &[source, "count=42"]);
        assert_fields(
            &logs,
            "gateway_password_changed",
            "WARN",
            &["peer=2001:db8::7"],
        );
        assert_fields(
            &logs,
            "throttled",
            "WARN",
            &["peer=192.0.2.7", "retry_after_ms=1500"],
        );
        assert_eq!(logs.lines().count(), 12, "{logs}");
    }

    #[test]
    fn the_events_can_be_kept_apart_by_target() {
        let logs = capture_logs(Level::INFO, || {
            tracing::callsite::rebuild_interest_cache();
            tracing::info!(target: "mediagateway::gateway", "not an audit event");
            user_reset("Exchange", Uuid::nil());
        });
        let audit: Vec<_> = logs.lines().filter(|l| l.contains(TARGET)).collect();
        assert_eq!(audit.len(), 1, "{logs}");
        assert!(audit[0].contains("user account reset"), "{logs}");
    }
}
