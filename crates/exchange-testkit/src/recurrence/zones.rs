//! A few Windows time zones with their daylight saving rules, enough to keep a series at the
//! same local time across a change of offset.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, Utc, Weekday};

/// A yearly change of offset: the `week`-th Sunday (5 = the last) of `month`, at `hour`
/// local wall-clock time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Transition {
    month: u32,
    week: u32,
    hour: u32,
}

/// A time zone of the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Zone {
    /// The Windows id, such as `W. Europe Standard Time`.
    pub(crate) id: &'static str,
    /// The standard offset from UTC in minutes.
    bias: i64,
    /// The start and end of daylight saving time (one hour ahead), if observed.
    dst: Option<(Transition, Transition)>,
}

const EU: Option<(Transition, Transition)> = Some((
    Transition {
        month: 3,
        week: 5,
        hour: 2,
    },
    Transition {
        month: 10,
        week: 5,
        hour: 3,
    },
));
const UK: Option<(Transition, Transition)> = Some((
    Transition {
        month: 3,
        week: 5,
        hour: 1,
    },
    Transition {
        month: 10,
        week: 5,
        hour: 2,
    },
));
const US: Option<(Transition, Transition)> = Some((
    Transition {
        month: 3,
        week: 2,
        hour: 2,
    },
    Transition {
        month: 11,
        week: 1,
        hour: 2,
    },
));

const fn zone(id: &'static str, bias: i64, dst: Option<(Transition, Transition)>) -> Zone {
    Zone { id, bias, dst }
}

/// The zones the fake knows.
const ZONES: &[Zone] = &[
    zone("UTC", 0, None),
    zone("GMT Standard Time", 0, UK),
    zone("Greenwich Standard Time", 0, None),
    zone("W. Europe Standard Time", 60, EU),
    zone("Romance Standard Time", 60, EU),
    zone("Central Europe Standard Time", 60, EU),
    zone("Central European Standard Time", 60, EU),
    zone("E. Europe Standard Time", 120, EU),
    zone("Eastern Standard Time", -300, US),
    zone("Central Standard Time", -360, US),
    zone("Mountain Standard Time", -420, US),
    zone("Pacific Standard Time", -480, US),
    zone("Tokyo Standard Time", 540, None),
    zone("India Standard Time", 330, None),
];

/// The zone with this Windows id.
pub(crate) fn find(id: &str) -> Option<Zone> {
    ZONES.iter().copied().find(|z| z.id == id.trim())
}

/// UTC, for items without a time zone.
pub(crate) fn utc() -> Zone {
    ZONES[0]
}

fn sunday(year: i32, t: Transition) -> Option<NaiveDateTime> {
    let first = NaiveDate::from_ymd_opt(year, t.month, 1)?;
    let to_sunday = (7 - first.weekday().num_days_from_sunday()) % 7;
    let mut day = first + Duration::days(i64::from(to_sunday) + 7 * i64::from(t.week - 1));
    while day.month() != t.month {
        day -= Duration::days(7);
    }
    debug_assert_eq!(day.weekday(), Weekday::Sun);
    day.and_hms_opt(t.hour, 0, 0)
}

impl Zone {
    /// Whether daylight saving time applies at this local wall-clock time.
    fn in_dst(self, local: NaiveDateTime) -> bool {
        let Some((start, end)) = self.dst else {
            return false;
        };
        match (sunday(local.year(), start), sunday(local.year(), end)) {
            (Some(from), Some(to)) => local >= from && local < to,
            _ => false,
        }
    }

    /// The instant of a local wall-clock time (times in the spring gap count as standard);
    /// `None` at the ends of the calendar.
    pub(crate) fn to_utc(self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        let offset = self.bias + if self.in_dst(local) { 60 } else { 0 };
        Some(
            local
                .checked_sub_signed(Duration::minutes(offset))?
                .and_utc(),
        )
    }

    /// The local wall-clock time of an instant; `None` at the ends of the calendar.
    pub(crate) fn to_local(self, instant: DateTime<Utc>) -> Option<NaiveDateTime> {
        let standard = instant
            .naive_utc()
            .checked_add_signed(Duration::minutes(self.bias))?;
        let daylight = standard.checked_add_signed(Duration::hours(1))?;
        Some(if self.in_dst(daylight) {
            daylight
        } else {
            standard
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn local(s: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M").unwrap()
    }

    #[test]
    fn europe_changes_on_the_last_sundays() {
        let berlin = find("W. Europe Standard Time").unwrap();
        assert_eq!(
            berlin
                .to_utc(local("2024-03-30T09:00"))
                .unwrap()
                .to_rfc3339(),
            "2024-03-30T08:00:00+00:00"
        );
        assert_eq!(
            berlin
                .to_utc(local("2024-04-01T09:00"))
                .unwrap()
                .to_rfc3339(),
            "2024-04-01T07:00:00+00:00"
        );
        assert_eq!(
            berlin
                .to_utc(local("2024-10-28T09:00"))
                .unwrap()
                .to_rfc3339(),
            "2024-10-28T08:00:00+00:00"
        );
        let instant = berlin.to_utc(local("2024-07-01T09:00"));
        assert_eq!(
            berlin.to_local(instant.unwrap()),
            Some(local("2024-07-01T09:00"))
        );
        let instant = berlin.to_utc(local("2024-12-01T09:00"));
        assert_eq!(
            berlin.to_local(instant.unwrap()),
            Some(local("2024-12-01T09:00"))
        );
        assert_eq!(berlin.to_local(DateTime::<Utc>::MAX_UTC), None);
        assert_eq!(
            find("Pacific Standard Time")
                .unwrap()
                .to_utc(NaiveDateTime::MAX),
            None
        );
    }

    #[test]
    fn america_changes_on_its_own_sundays() {
        let new_york = find("Eastern Standard Time").unwrap();
        assert_eq!(
            new_york
                .to_utc(local("2024-03-09T09:00"))
                .unwrap()
                .to_rfc3339(),
            "2024-03-09T14:00:00+00:00"
        );
        assert_eq!(
            new_york
                .to_utc(local("2024-03-11T09:00"))
                .unwrap()
                .to_rfc3339(),
            "2024-03-11T13:00:00+00:00"
        );
        assert_eq!(
            new_york
                .to_utc(local("2024-11-04T09:00"))
                .unwrap()
                .to_rfc3339(),
            "2024-11-04T14:00:00+00:00"
        );
        assert_eq!(find(" Pacific Standard Time ").map(|z| z.bias), Some(-480));
        assert_eq!(find("Mars Standard Time"), None);
        assert_eq!(
            utc()
                .to_utc(local("2024-07-01T09:00"))
                .unwrap()
                .to_rfc3339(),
            "2024-07-01T09:00:00+00:00"
        );
    }
}
