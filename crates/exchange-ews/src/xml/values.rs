//! Conversions between XML Schema values and Rust values.

use chrono::{DateTime, NaiveDateTime, SecondsFormat, Utc};

/// Parses an `xs:dateTime`. A value with `Z` or an offset is converted to UTC; a value
/// without one is read as UTC.
///
/// The rule for values without an offset: without a `TimeZoneContext` header, Exchange means
/// UTC by them, and this client sends that header only when
/// [`EwsClientBuilder::time_zone`](crate::EwsClientBuilder::time_zone) asks for it. The rule
/// stays the same with the header, and never depends on the machine's local time zone.
pub(crate) fn parse_date_time(text: &str) -> Option<DateTime<Utc>> {
    let text = text.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Some(t.with_timezone(&Utc));
    }
    NaiveDateTime::parse_from_str(text, "%Y-%m-%dT%H:%M:%S%.f")
        .ok()
        .map(|t| t.and_utc())
}

/// Formats an `xs:dateTime` in UTC (`2024-05-01T08:30:00Z`, with fractions when present).
pub(crate) fn format_date_time(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// Parses an `xs:boolean` (`true`, `false`, `1`, `0`).
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    match text.trim() {
        "true" | "1" => Some(true),
        "false" | "0" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn parses_the_date_time_forms_exchange_sends() {
        let t = Utc.with_ymd_and_hms(2013, 8, 21, 19, 30, 0).unwrap();
        assert_eq!(parse_date_time("2013-08-21T19:30:00Z"), Some(t));
        assert_eq!(parse_date_time(" 2013-08-21T19:30:00.000Z\n"), Some(t));
        assert_eq!(parse_date_time("2013-08-21T12:30:00-07:00"), Some(t));
        assert_eq!(parse_date_time("2013-08-21T19:30:00"), Some(t));
        assert_eq!(
            parse_date_time("2013-09-19T14:37:10.732-07:00"),
            Some(
                Utc.with_ymd_and_hms(2013, 9, 19, 21, 37, 10).unwrap()
                    + chrono::Duration::milliseconds(732)
            )
        );
    }

    #[test]
    fn reads_date_times_without_an_offset_as_utc() {
        let t = Utc.with_ymd_and_hms(2026, 3, 29, 1, 30, 0).unwrap();
        for text in [
            "2026-03-29T01:30:00",
            "2026-03-29T01:30:00.0000000",
            "2026-03-29T01:30:00Z",
            "2026-03-29T03:30:00+02:00",
        ] {
            assert_eq!(parse_date_time(text), Some(t), "{text}");
        }
        // Exchange's seven fraction digits are kept to the nanosecond's precision.
        assert_eq!(
            parse_date_time("2026-03-29T01:30:00.1234567"),
            Some(t + chrono::Duration::nanoseconds(123_456_700))
        );
        // A local time that a zone skips is still a valid UTC time.
        assert_eq!(
            parse_date_time("2026-03-29T02:30:00"),
            Some(t + chrono::Duration::hours(1))
        );
    }

    #[test]
    fn refuses_what_is_no_date_time() {
        for bad in [
            "",
            "2013-08-21",
            "2013-08-21-08:00",
            "2013-13-01T00:00:00Z",
            "yesterday",
            "2013-08-21T25:00:00Z",
            "\u{0}",
        ] {
            assert_eq!(parse_date_time(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn formats_utc_with_a_z() {
        let t = Utc.with_ymd_and_hms(2024, 5, 1, 8, 30, 0).unwrap();
        assert_eq!(format_date_time(t), "2024-05-01T08:30:00Z");
        let t = t + chrono::Duration::milliseconds(127);
        assert_eq!(format_date_time(t), "2024-05-01T08:30:00.127Z");
        assert_eq!(parse_date_time(&format_date_time(t)), Some(t));
    }

    #[test]
    fn parses_booleans() {
        assert_eq!(parse_bool("true"), Some(true));
        assert_eq!(parse_bool(" 1 "), Some(true));
        assert_eq!(parse_bool("false"), Some(false));
        assert_eq!(parse_bool("0"), Some(false));
        assert_eq!(parse_bool("TRUE"), None);
        assert_eq!(parse_bool(""), None);
    }
}
