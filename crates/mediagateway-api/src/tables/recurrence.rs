//! The value of a recurrence field: how a series of appointments or tasks repeats, and for
//! how long. Dates are the data source's local dates, as Exchange keeps them.

use chrono::{NaiveDate, Weekday};

use crate::ApiError;

/// The longest interval accepted (every 999 days, weeks, months or years).
pub const MAX_INTERVAL: u32 = 999;
/// The most occurrences a numbered range may have.
pub const MAX_OCCURRENCES: u32 = 999;

/// Which weekday of a month: the first to the fourth, or the last.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WeekOfMonth {
    /// The first.
    First,
    /// The second.
    Second,
    /// The third.
    Third,
    /// The fourth.
    Fourth,
    /// The last.
    Last,
}

/// How a series repeats.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// Every `interval` days.
    Daily {
        /// 1 to [`MAX_INTERVAL`].
        interval: u32,
    },
    /// Every `interval` weeks, on `days`.
    Weekly {
        /// 1 to [`MAX_INTERVAL`].
        interval: u32,
        /// At least one day, each once.
        days: Vec<Weekday>,
    },
    /// Every `interval` months, on day `day` (a shorter month: its last day).
    MonthlyOnDay {
        /// 1 to [`MAX_INTERVAL`].
        interval: u32,
        /// 1 to 31.
        day: u32,
    },
    /// Every `interval` months, on the `week`-th `weekday`.
    MonthlyOnWeekday {
        /// 1 to [`MAX_INTERVAL`].
        interval: u32,
        /// Which one of the month's.
        week: WeekOfMonth,
        /// The weekday.
        weekday: Weekday,
    },
    /// Every year on `day` of `month`.
    YearlyOnDay {
        /// 1 to 12.
        month: u32,
        /// 1 to the month's length (29 for February).
        day: u32,
    },
    /// Every year on the `week`-th `weekday` of `month`.
    YearlyOnWeekday {
        /// 1 to 12.
        month: u32,
        /// Which one of the month's.
        week: WeekOfMonth,
        /// The weekday.
        weekday: Weekday,
    },
}

/// For how long a series repeats, from its first date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Range {
    /// Without end.
    NoEnd {
        /// The first date.
        start: NaiveDate,
    },
    /// Until `end`, inclusive.
    Until {
        /// The first date.
        start: NaiveDate,
        /// The last date (not before `start`).
        end: NaiveDate,
    },
    /// `count` times.
    Times {
        /// The first date.
        start: NaiveDate,
        /// 1 to [`MAX_OCCURRENCES`].
        count: u32,
    },
}

impl Range {
    /// The first date.
    pub fn start(&self) -> NaiveDate {
        match *self {
            Self::NoEnd { start } | Self::Until { start, .. } | Self::Times { start, .. } => start,
        }
    }
}

/// A recurrence: its pattern and its range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Recurrence {
    /// How it repeats.
    pub pattern: Pattern,
    /// For how long.
    pub range: Range,
}

impl Recurrence {
    /// Checks the bounds: intervals, days of months, weekdays, the range.
    pub fn check(&self) -> Result<(), ApiError> {
        let interval = |interval: u32| {
            if (1..=MAX_INTERVAL).contains(&interval) {
                Ok(())
            } else {
                Err(ApiError::invalid(format!(
                    "a recurrence interval of {interval}; it takes 1 to {MAX_INTERVAL}"
                )))
            }
        };
        let month = |month: u32| {
            if (1..=12).contains(&month) {
                Ok(())
            } else {
                Err(ApiError::invalid(format!("month {month} of a recurrence")))
            }
        };
        match &self.pattern {
            Pattern::Daily { interval: n } | Pattern::MonthlyOnWeekday { interval: n, .. } => {
                interval(*n)?;
            }
            Pattern::Weekly { interval: n, days } => {
                interval(*n)?;
                let repeated = days.iter().enumerate().any(|(i, d)| days[..i].contains(d));
                if days.is_empty() || repeated {
                    return Err(ApiError::invalid(
                        "a weekly recurrence takes at least one weekday, each once",
                    ));
                }
            }
            Pattern::MonthlyOnDay { interval: n, day } => {
                interval(*n)?;
                if !(1..=31).contains(day) {
                    return Err(ApiError::invalid(format!("day {day} of a month")));
                }
            }
            Pattern::YearlyOnDay { month: m, day } => {
                month(*m)?;
                // February 29 repeats; Exchange places it on the 28th in other years.
                let longest = NaiveDate::from_ymd_opt(2024, *m % 12 + 1, 1)
                    .and_then(|next| next.pred_opt())
                    .map_or(31, |last| chrono::Datelike::day(&last));
                if !(1..=longest).contains(day) {
                    return Err(ApiError::invalid(format!("day {day} of month {m}")));
                }
            }
            Pattern::YearlyOnWeekday { month: m, .. } => month(*m)?,
        }
        match self.range {
            Range::Until { start, end } if end < start => {
                Err(ApiError::invalid("a recurrence that ends before it starts"))
            }
            Range::Times { count, .. } if !(1..=MAX_OCCURRENCES).contains(&count) => {
                Err(ApiError::invalid(format!(
                    "a recurrence of {count} occurrences; it takes 1 to {MAX_OCCURRENCES}"
                )))
            }
            _ => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn weekly(days: Vec<Weekday>) -> Recurrence {
        Recurrence {
            pattern: Pattern::Weekly { interval: 1, days },
            range: Range::Times {
                start: date(2026, 12, 7),
                count: 10,
            },
        }
    }

    #[test]
    fn recurrences_are_bounded() {
        weekly(vec![Weekday::Mon, Weekday::Thu]).check().unwrap();
        assert!(weekly(vec![]).check().is_err());
        assert!(weekly(vec![Weekday::Mon, Weekday::Mon]).check().is_err());
        let start = date(2026, 12, 7);
        for (pattern, ok) in [
            (Pattern::Daily { interval: 0 }, false),
            (Pattern::Daily { interval: 999 }, true),
            (Pattern::Daily { interval: 1000 }, false),
            (
                Pattern::MonthlyOnDay {
                    interval: 1,
                    day: 31,
                },
                true,
            ),
            (
                Pattern::MonthlyOnDay {
                    interval: 1,
                    day: 32,
                },
                false,
            ),
            (Pattern::YearlyOnDay { month: 2, day: 29 }, true),
            (Pattern::YearlyOnDay { month: 2, day: 30 }, false),
            (Pattern::YearlyOnDay { month: 4, day: 31 }, false),
            (Pattern::YearlyOnDay { month: 12, day: 31 }, true),
            (Pattern::YearlyOnDay { month: 13, day: 1 }, false),
            (
                Pattern::YearlyOnWeekday {
                    month: 0,
                    week: WeekOfMonth::Last,
                    weekday: Weekday::Sun,
                },
                false,
            ),
        ] {
            let recurrence = Recurrence {
                pattern: pattern.clone(),
                range: Range::NoEnd { start },
            };
            assert_eq!(recurrence.check().is_ok(), ok, "{pattern:?}");
        }
        let daily = Pattern::Daily { interval: 1 };
        for (range, ok) in [
            (Range::Until { start, end: start }, true),
            (
                Range::Until {
                    start,
                    end: date(2026, 12, 6),
                },
                false,
            ),
            (Range::Times { start, count: 0 }, false),
            (Range::Times { start, count: 1000 }, false),
        ] {
            let recurrence = Recurrence {
                pattern: daily.clone(),
                range,
            };
            assert_eq!(recurrence.check().is_ok(), ok, "{range:?}");
            assert_eq!(range.start(), start);
        }
    }
}
