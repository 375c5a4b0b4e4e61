//! `xs:duration` values of time zone definitions (`-PT60M`, `PT2H30M`, `P1DT0S`).

use chrono::TimeDelta;

/// The longest duration accepted (a week): biases and transition times stay within a day,
/// and the bound keeps every sum of them far from overflowing.
const MAX_SECONDS: i64 = 7 * 24 * 3600;

/// Parses an `xs:duration` of days, hours, minutes and (fractional) seconds. Years and
/// months are refused: their length depends on the date, and time zone data never uses them.
pub(crate) fn parse_duration(text: &str) -> Option<TimeDelta> {
    let text = text.trim();
    let (negative, rest) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let rest = rest.strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) if !time.is_empty() => (date, Some(time)),
        Some(_) => return None,
        None => (rest, None),
    };
    if date.is_empty() && time.is_none() {
        return None;
    }
    let mut millis: i64 = 0;
    if !date.is_empty() {
        let days = date.strip_suffix('D')?;
        millis = whole(days)?.checked_mul(86_400_000)?;
    }
    if let Some(mut time) = time {
        for (unit, factor) in [('H', 3_600_000), ('M', 60_000)] {
            if let Some((number, after)) = time.split_once(unit) {
                millis = millis.checked_add(whole(number)?.checked_mul(factor)?)?;
                time = after;
            }
        }
        if !time.is_empty() {
            millis = millis.checked_add(seconds_in_millis(time.strip_suffix('S')?)?)?;
        }
    }
    if millis > MAX_SECONDS * 1000 {
        return None;
    }
    let delta = TimeDelta::try_milliseconds(millis)?;
    Some(if negative { -delta } else { delta })
}

/// A non-empty run of ASCII digits (at most 12, which no valid duration here needs).
fn whole(digits: &str) -> Option<i64> {
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// Seconds with an optional fraction, in milliseconds (further digits are dropped).
fn seconds_in_millis(text: &str) -> Option<i64> {
    let (seconds, fraction) = match text.split_once('.') {
        Some((s, f)) if !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()) => (s, f),
        Some(_) => return None,
        None => (text, ""),
    };
    let mut millis = whole(seconds)?.checked_mul(1000)?;
    for (digit, scale) in fraction.bytes().zip([100, 10, 1]) {
        millis += i64::from(digit - b'0') * scale;
    }
    Some(millis)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_forms_exchange_sends() {
        assert_eq!(parse_duration("-PT60M"), Some(TimeDelta::minutes(-60)));
        assert_eq!(parse_duration("PT180M"), Some(TimeDelta::minutes(180)));
        assert_eq!(parse_duration(" PT2H30M "), Some(TimeDelta::minutes(150)));
        assert_eq!(parse_duration("PT0S"), Some(TimeDelta::zero()));
        assert_eq!(parse_duration("P0D"), Some(TimeDelta::zero()));
        assert_eq!(parse_duration("P1DT1S"), Some(TimeDelta::seconds(86_401)));
        assert_eq!(
            parse_duration("PT1.5S"),
            Some(TimeDelta::milliseconds(1500))
        );
        assert_eq!(parse_duration("-PT5H30M"), Some(TimeDelta::minutes(-330)));
        assert_eq!(parse_duration("PT0.0001S"), Some(TimeDelta::zero()));
    }

    #[test]
    fn refuses_malformed_and_oversized_durations() {
        let long = format!("PT{}M", "9".repeat(10_000));
        for bad in [
            "",
            "P",
            "PT",
            "-",
            "PT60",
            "60M",
            "PT-60M",
            "P1Y",
            "P1M",
            "PT1H1H",
            "PT1S1M",
            "PT.5S",
            "PT1.S",
            "PT1.xS",
            "P1DT",
            "PTHM",
            "+PT1M",
            "PT1\u{0}M",
            "PT8D",
            "P8D",
            "PT999999999999M",
            &long,
            "PT1,5S",
            "pt60m",
            "PT٣M",
        ] {
            assert_eq!(parse_duration(bad), None, "{bad:?}");
        }
        assert_eq!(parse_duration("P7D"), Some(TimeDelta::days(7)));
    }
}
