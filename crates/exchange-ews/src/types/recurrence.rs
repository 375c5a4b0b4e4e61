//! Recurrence of calendar items and tasks: a pattern and a range (`t:RecurrenceType`,
//! `t:TaskRecurrenceType`).

use chrono::{Month, NaiveDate};

use super::common::schema_enum;

schema_enum! {
    /// A day, or a set of days, in a recurrence pattern (`t:DayOfWeekType`).
    DayOfWeek {
        /// Sunday.
        Sunday => "Sunday",
        /// Monday.
        Monday => "Monday",
        /// Tuesday.
        Tuesday => "Tuesday",
        /// Wednesday.
        Wednesday => "Wednesday",
        /// Thursday.
        Thursday => "Thursday",
        /// Friday.
        Friday => "Friday",
        /// Saturday.
        Saturday => "Saturday",
        /// Any day.
        Day => "Day",
        /// Any day from Monday to Friday.
        Weekday => "Weekday",
        /// Saturday or Sunday.
        WeekendDay => "WeekendDay",
    }
}

schema_enum! {
    /// Which of the matching days of a month a relative pattern means (`t:DayOfWeekIndexType`).
    DayOfWeekIndex {
        /// The first.
        First => "First",
        /// The second.
        Second => "Second",
        /// The third.
        Third => "Third",
        /// The fourth.
        Fourth => "Fourth",
        /// The last.
        Last => "Last",
    }
}

/// How often a series repeats.
///
/// The `*Regeneration` patterns exist for tasks only: the next task is created a given time
/// after the previous one is completed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum RecurrencePattern {
    /// Every `interval` days.
    Daily {
        /// Days between occurrences (at least 1).
        interval: u32,
    },
    /// Every `interval` weeks on `days`.
    Weekly {
        /// Weeks between occurrences (at least 1).
        interval: u32,
        /// The days of the week (at least one).
        days: Vec<DayOfWeek>,
        /// The first day of the week (Exchange 2010 SP1 and later); `None` leaves the server's.
        first_day_of_week: Option<DayOfWeek>,
    },
    /// Every `interval` months on day `day_of_month`.
    AbsoluteMonthly {
        /// Months between occurrences (at least 1).
        interval: u32,
        /// The day of the month (1 to 31).
        day_of_month: u32,
    },
    /// Every `interval` months on, for example, the second Tuesday.
    RelativeMonthly {
        /// Months between occurrences (at least 1).
        interval: u32,
        /// The day (or set of days).
        day_of_week: DayOfWeek,
        /// Which of the matching days.
        index: DayOfWeekIndex,
    },
    /// Every year on `day_of_month` of `month`.
    AbsoluteYearly {
        /// The day of the month (1 to 31).
        day_of_month: u32,
        /// The month.
        month: Month,
    },
    /// Every year on, for example, the last Friday of `month`.
    RelativeYearly {
        /// The day (or set of days).
        day_of_week: DayOfWeek,
        /// Which of the matching days.
        index: DayOfWeekIndex,
        /// The month.
        month: Month,
    },
    /// A task: `interval` days after the previous one is completed.
    DailyRegeneration {
        /// Days (at least 1).
        interval: u32,
    },
    /// A task: `interval` weeks after the previous one is completed.
    WeeklyRegeneration {
        /// Weeks (at least 1).
        interval: u32,
    },
    /// A task: `interval` months after the previous one is completed.
    MonthlyRegeneration {
        /// Months (at least 1).
        interval: u32,
    },
    /// A task: `interval` years after the previous one is completed.
    YearlyRegeneration {
        /// Years (at least 1).
        interval: u32,
    },
}

impl RecurrencePattern {
    /// The element name of the pattern (`WeeklyRecurrence`, `DailyRegeneration`, …).
    pub fn element_name(&self) -> &'static str {
        match self {
            Self::Daily { .. } => "DailyRecurrence",
            Self::Weekly { .. } => "WeeklyRecurrence",
            Self::AbsoluteMonthly { .. } => "AbsoluteMonthlyRecurrence",
            Self::RelativeMonthly { .. } => "RelativeMonthlyRecurrence",
            Self::AbsoluteYearly { .. } => "AbsoluteYearlyRecurrence",
            Self::RelativeYearly { .. } => "RelativeYearlyRecurrence",
            Self::DailyRegeneration { .. } => "DailyRegeneration",
            Self::WeeklyRegeneration { .. } => "WeeklyRegeneration",
            Self::MonthlyRegeneration { .. } => "MonthlyRegeneration",
            Self::YearlyRegeneration { .. } => "YearlyRegeneration",
        }
    }

    /// Whether the pattern is one of the task-only regenerating ones.
    pub fn is_regeneration(&self) -> bool {
        matches!(
            self,
            Self::DailyRegeneration { .. }
                | Self::WeeklyRegeneration { .. }
                | Self::MonthlyRegeneration { .. }
                | Self::YearlyRegeneration { .. }
        )
    }
}

/// When a series starts and ends. Dates are the dates of the item's time zone.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecurrenceRange {
    /// From `start`, for ever.
    NoEnd {
        /// The first date.
        start: NaiveDate,
    },
    /// From `start` up to and including `end`.
    EndDate {
        /// The first date.
        start: NaiveDate,
        /// The last date.
        end: NaiveDate,
    },
    /// From `start`, `count` occurrences.
    Numbered {
        /// The first date.
        start: NaiveDate,
        /// The number of occurrences (at least 1).
        count: u32,
    },
}

impl RecurrenceRange {
    /// The first date of the range.
    pub fn start(&self) -> NaiveDate {
        match *self {
            Self::NoEnd { start } | Self::EndDate { start, .. } | Self::Numbered { start, .. } => {
                start
            }
        }
    }
}

/// A recurrence: its pattern and its range.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Recurrence {
    /// How often.
    pub pattern: RecurrencePattern,
    /// From when until when.
    pub range: RecurrenceRange,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_patterns_as_the_schema_does() {
        assert_eq!(
            RecurrencePattern::Daily { interval: 1 }.element_name(),
            "DailyRecurrence"
        );
        assert!(RecurrencePattern::YearlyRegeneration { interval: 1 }.is_regeneration());
        assert!(!RecurrencePattern::AbsoluteYearly {
            day_of_month: 1,
            month: Month::May
        }
        .is_regeneration());
        assert_eq!(DayOfWeek::parse("WeekendDay"), Some(DayOfWeek::WeekendDay));
        assert_eq!(DayOfWeekIndex::parse("Last"), Some(DayOfWeekIndex::Last));
    }

    #[test]
    fn ranges_know_their_start() {
        let d = NaiveDate::from_ymd_opt(2024, 3, 1).unwrap();
        assert_eq!(RecurrenceRange::Numbered { start: d, count: 3 }.start(), d);
        assert_eq!(RecurrenceRange::NoEnd { start: d }.start(), d);
    }
}
