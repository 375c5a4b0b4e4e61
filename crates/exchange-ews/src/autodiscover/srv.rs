//! The DNS SRV record `_autodiscover._tcp.<domain>`, the last place Autodiscover looks.

use async_trait::async_trait;

use crate::EwsError;

/// One SRV record: where a service runs.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SrvRecord {
    /// Lower is tried first.
    pub priority: u16,
    /// Among records of one priority, higher is preferred.
    pub weight: u16,
    /// The port.
    pub port: u16,
    /// The host name (or address) of the target.
    pub target: String,
}

impl SrvRecord {
    /// A record of priority 0 and weight 0.
    pub fn new(target: &str, port: u16) -> Self {
        Self {
            priority: 0,
            weight: 0,
            port,
            target: target.to_owned(),
        }
    }
}

/// Looks up SRV records; the resolver asks it for `_autodiscover._tcp.<domain>`.
///
/// The crate has no DNS client of its own: plug in one that uses the resolver of the
/// platform or a DNS library.
#[async_trait]
pub trait SrvResolver: Send + Sync + std::fmt::Debug {
    /// The SRV records of `name` (empty when there are none). A failed lookup is an error,
    /// which Autodiscover records among its attempts.
    async fn lookup(&self, name: &str) -> Result<Vec<SrvRecord>, EwsError>;
}

/// The default [`SrvResolver`]: it finds no record, so Autodiscover stops after the HTTPS
/// endpoints unless the caller plugs in a real one.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoSrvRecords;

#[async_trait]
impl SrvResolver for NoSrvRecords {
    async fn lookup(&self, _name: &str) -> Result<Vec<SrvRecord>, EwsError> {
        Ok(Vec::new())
    }
}

/// The record to use: the lowest priority, and of those the highest weight (a fixed choice
/// rather than a weighted random one, so that answers are cached and tested alike).
pub(super) fn best(records: &[SrvRecord]) -> Option<&SrvRecord> {
    records
        .iter()
        .filter(|r| r.port != 0 && !r.target.trim_end_matches('.').is_empty())
        .min_by_key(|r| (r.priority, std::cmp::Reverse(r.weight)))
}

/// The authority (`host:port`) of a record; a target is refused unless it is a plain host
/// name or address, so that it cannot smuggle a path or credentials into the URL.
pub(super) fn authority(record: &SrvRecord) -> Option<String> {
    let host = record.target.trim_end_matches('.');
    let plain = host
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    plain.then(|| format!("{}:{}", host.to_ascii_lowercase(), record.port))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn picks_the_lowest_priority_then_the_highest_weight() {
        let records = [
            SrvRecord {
                priority: 10,
                weight: 100,
                port: 443,
                target: "late.contoso.test.".into(),
            },
            SrvRecord {
                priority: 0,
                weight: 5,
                port: 443,
                target: "light.contoso.test.".into(),
            },
            SrvRecord {
                priority: 0,
                weight: 50,
                port: 8443,
                target: "heavy.contoso.test.".into(),
            },
            SrvRecord::new(".", 443),
        ];
        let chosen = best(&records).unwrap();
        assert_eq!(authority(chosen).unwrap(), "heavy.contoso.test:8443");
        assert_eq!(best(&[]), None);
        assert_eq!(best(&[SrvRecord::new("x.test", 0)]), None);
    }

    #[test]
    fn refuses_targets_that_are_not_host_names() {
        for target in ["evil.test/path", "user@evil.test", "evil.test:1", "a b"] {
            assert_eq!(authority(&SrvRecord::new(target, 443)), None, "{target}");
        }
    }

    #[tokio::test]
    async fn the_default_resolver_finds_nothing() {
        let found = NoSrvRecords.lookup("_autodiscover._tcp.contoso.test").await;
        assert!(found.unwrap().is_empty());
    }
}
