//! `xs:dateTime` values as EWS sends and receives them.
//!
//! Requests may carry `…Z`, an offset such as `+01:00`, or no offset at all (taken as UTC, the
//! fake keeps no time zone context). Responses always use UTC with a `Z`, like Exchange.

use chrono::{DateTime, NaiveDateTime, SubsecRound, Utc};

/// Parses an `xs:dateTime`; `None` when the value is not one. Sub-second digits are dropped,
/// as the store keeps whole seconds.
pub(crate) fn parse(value: &str) -> Option<DateTime<Utc>> {
    // xs:dateTime collapses surrounding whitespace.
    let value = value.trim_matches([' ', '\t', '\r', '\n']);
    // chrono also accepts a space or a lowercase `t` as separator; the schema does not.
    if value.as_bytes().get(10) != Some(&b'T') || !value.is_ascii() {
        return None;
    }
    let parsed = match DateTime::parse_from_rfc3339(value) {
        Ok(with_offset) => with_offset.with_timezone(&Utc),
        Err(_) => NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M:%S%.f")
            .ok()?
            .and_utc(),
    };
    Some(parsed.trunc_subsecs(0))
}

/// Formats a UTC instant the way Exchange does: `2006-11-02T14:00:00Z`.
pub(crate) fn format(value: DateTime<Utc>) -> String {
    value.format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

/// Formats the span between two instants as an `xs:duration` (`PT1H30M`, `P1D`, `PT0S`).
pub(crate) fn duration(start: DateTime<Utc>, end: DateTime<Utc>) -> String {
    let total = (end - start).num_seconds().max(0);
    let (days, rest) = (total / 86_400, total % 86_400);
    let (hours, minutes, seconds) = (rest / 3_600, rest % 3_600 / 60, rest % 60);
    let mut out = String::from("P");
    if days > 0 {
        out.push_str(&format!("{days}D"));
    }
    if rest > 0 || days == 0 {
        out.push('T');
        if hours > 0 {
            out.push_str(&format!("{hours}H"));
        }
        if minutes > 0 {
            out.push_str(&format!("{minutes}M"));
        }
        if seconds > 0 || rest == 0 {
            out.push_str(&format!("{seconds}S"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn accepts_utc_offsets_and_no_offset() {
        assert_eq!(
            parse("2006-11-02T14:00:00Z"),
            Some(utc("2006-11-02T14:00:00Z"))
        );
        assert_eq!(
            parse("2006-11-02T14:00:00+01:00"),
            Some(utc("2006-11-02T13:00:00Z"))
        );
        assert_eq!(
            parse("2006-11-02T14:00:00-08:00"),
            Some(utc("2006-11-02T22:00:00Z"))
        );
        assert_eq!(
            parse("2006-11-02T14:00:00"),
            Some(utc("2006-11-02T14:00:00Z"))
        );
        assert_eq!(
            parse(" 2006-11-02T14:00:00Z\n"),
            Some(utc("2006-11-02T14:00:00Z"))
        );
    }

    #[test]
    fn drops_fractions_of_a_second() {
        assert_eq!(
            parse("2013-08-21T17:30:24.127Z"),
            Some(utc("2013-08-21T17:30:24Z"))
        );
        assert_eq!(
            parse("2013-08-21T17:30:24.5"),
            Some(utc("2013-08-21T17:30:24Z"))
        );
    }

    #[test]
    fn refuses_what_is_not_a_date_time() {
        for bad in [
            "",
            "2006-11-02",
            "2006-11-02 14:00:00Z",
            "2006-11-02t14:00:00Z",
            "2006-13-02T14:00:00Z",
            "2006-11-02T25:00:00Z",
            "2006-11-02T14:00:00+25:00",
            "2006-11-02T14:00:00Zjunk",
            "2006-11-02T14:00",
            "２００６-11-02T14:00:00Z",
            "not a date at all, but long enough",
        ] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        let huge = "9".repeat(10_000);
        assert_eq!(parse(&huge), None);
    }

    #[test]
    fn formats_in_utc_with_z() {
        assert_eq!(
            format(utc("2006-11-02T14:00:00+01:00")),
            "2006-11-02T13:00:00Z"
        );
    }

    #[test]
    fn durations_use_the_largest_units() {
        let start = utc("2024-01-01T00:00:00Z");
        let after = |secs: i64| start + chrono::Duration::seconds(secs);
        assert_eq!(duration(start, start), "PT0S");
        assert_eq!(duration(start, after(1_800)), "PT30M");
        assert_eq!(duration(start, after(5_400)), "PT1H30M");
        assert_eq!(duration(start, after(86_400)), "P1D");
        assert_eq!(duration(start, after(90_061)), "P1DT1H1M1S");
        assert_eq!(duration(after(10), start), "PT0S");
    }
}
