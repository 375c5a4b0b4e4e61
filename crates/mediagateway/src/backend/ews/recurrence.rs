//! Recurrence values of records ↔ EWS recurrences.

use chrono::{Month, Weekday};
use exchange_ews::calendar::{
    DayOfWeek, DayOfWeekIndex, Recurrence as EwsRecurrence, RecurrencePattern, RecurrenceRange,
};
use mediagateway_api::tables::{Pattern, Range, Recurrence, WeekOfMonth};
use mediagateway_api::ApiError;

fn day(weekday: Weekday) -> DayOfWeek {
    match weekday {
        Weekday::Mon => DayOfWeek::Monday,
        Weekday::Tue => DayOfWeek::Tuesday,
        Weekday::Wed => DayOfWeek::Wednesday,
        Weekday::Thu => DayOfWeek::Thursday,
        Weekday::Fri => DayOfWeek::Friday,
        Weekday::Sat => DayOfWeek::Saturday,
        Weekday::Sun => DayOfWeek::Sunday,
    }
}

/// The weekdays an EWS day stands for (`Weekday` is Monday to Friday, …).
fn weekdays(day: DayOfWeek) -> &'static [Weekday] {
    use Weekday::{Fri, Mon, Sat, Sun, Thu, Tue, Wed};
    match day {
        DayOfWeek::Monday => &[Mon],
        DayOfWeek::Tuesday => &[Tue],
        DayOfWeek::Wednesday => &[Wed],
        DayOfWeek::Thursday => &[Thu],
        DayOfWeek::Friday => &[Fri],
        DayOfWeek::Saturday => &[Sat],
        DayOfWeek::Sunday => &[Sun],
        DayOfWeek::Weekday => &[Mon, Tue, Wed, Thu, Fri],
        DayOfWeek::WeekendDay => &[Sat, Sun],
        DayOfWeek::Day => &[Mon, Tue, Wed, Thu, Fri, Sat, Sun],
    }
}

/// The one weekday an EWS day names, if it names one.
fn single_weekday(day: DayOfWeek) -> Option<Weekday> {
    match weekdays(day) {
        [one] => Some(*one),
        _ => None,
    }
}

fn index(week: WeekOfMonth) -> DayOfWeekIndex {
    match week {
        WeekOfMonth::First => DayOfWeekIndex::First,
        WeekOfMonth::Second => DayOfWeekIndex::Second,
        WeekOfMonth::Third => DayOfWeekIndex::Third,
        WeekOfMonth::Fourth => DayOfWeekIndex::Fourth,
        WeekOfMonth::Last => DayOfWeekIndex::Last,
    }
}

fn week(index: DayOfWeekIndex) -> WeekOfMonth {
    match index {
        DayOfWeekIndex::First => WeekOfMonth::First,
        DayOfWeekIndex::Second => WeekOfMonth::Second,
        DayOfWeekIndex::Third => WeekOfMonth::Third,
        DayOfWeekIndex::Fourth => WeekOfMonth::Fourth,
        DayOfWeekIndex::Last => WeekOfMonth::Last,
    }
}

fn month(number: u32) -> Result<Month, ApiError> {
    u8::try_from(number)
        .ok()
        .and_then(|n| Month::try_from(n).ok())
        .ok_or_else(|| ApiError::invalid(format!("{number} is not a month")))
}

/// A record's recurrence as EWS writes it.
pub(crate) fn to_ews(recurrence: &Recurrence) -> Result<EwsRecurrence, ApiError> {
    let pattern = match &recurrence.pattern {
        Pattern::Daily { interval } => RecurrencePattern::Daily {
            interval: *interval,
        },
        Pattern::Weekly { interval, days } => RecurrencePattern::Weekly {
            interval: *interval,
            days: days.iter().copied().map(day).collect(),
            first_day_of_week: None,
        },
        Pattern::MonthlyOnDay { interval, day } => RecurrencePattern::AbsoluteMonthly {
            interval: *interval,
            day_of_month: *day,
        },
        Pattern::MonthlyOnWeekday {
            interval,
            week,
            weekday,
        } => RecurrencePattern::RelativeMonthly {
            interval: *interval,
            day_of_week: day(*weekday),
            index: index(*week),
        },
        Pattern::YearlyOnDay { month: m, day } => RecurrencePattern::AbsoluteYearly {
            day_of_month: *day,
            month: month(*m)?,
        },
        Pattern::YearlyOnWeekday {
            month: m,
            week,
            weekday,
        } => RecurrencePattern::RelativeYearly {
            day_of_week: day(*weekday),
            index: index(*week),
            month: month(*m)?,
        },
    };
    let range = match recurrence.range {
        Range::NoEnd { start } => RecurrenceRange::NoEnd { start },
        Range::Until { start, end } => RecurrenceRange::EndDate { start, end },
        Range::Times { start, count } => RecurrenceRange::Numbered { start, count },
    };
    Ok(EwsRecurrence { pattern, range })
}

/// An EWS recurrence as a record's, when the table's recurrences can say it: not a task's
/// regenerating pattern (the next one due a time after the last is done), nor a monthly or
/// yearly one on "a day", "a weekday" or "a weekend day".
pub(crate) fn from_ews(recurrence: &EwsRecurrence) -> Option<Recurrence> {
    let pattern = match &recurrence.pattern {
        RecurrencePattern::Daily { interval } => Pattern::Daily {
            interval: *interval,
        },
        RecurrencePattern::Weekly { interval, days, .. } => {
            let mut all: Vec<Weekday> = Vec::new();
            for d in days.iter().flat_map(|d| weekdays(*d)) {
                if !all.contains(d) {
                    all.push(*d);
                }
            }
            Pattern::Weekly {
                interval: *interval,
                days: all,
            }
        }
        RecurrencePattern::AbsoluteMonthly {
            interval,
            day_of_month,
        } => Pattern::MonthlyOnDay {
            interval: *interval,
            day: *day_of_month,
        },
        RecurrencePattern::RelativeMonthly {
            interval,
            day_of_week,
            index,
        } => Pattern::MonthlyOnWeekday {
            interval: *interval,
            week: week(*index),
            weekday: single_weekday(*day_of_week)?,
        },
        RecurrencePattern::AbsoluteYearly {
            day_of_month,
            month,
        } => Pattern::YearlyOnDay {
            month: month.number_from_month(),
            day: *day_of_month,
        },
        RecurrencePattern::RelativeYearly {
            day_of_week,
            index,
            month,
        } => Pattern::YearlyOnWeekday {
            month: month.number_from_month(),
            week: week(*index),
            weekday: single_weekday(*day_of_week)?,
        },
        _ => return None,
    };
    let range = match recurrence.range {
        RecurrenceRange::NoEnd { start } => Range::NoEnd { start },
        RecurrenceRange::EndDate { start, end } => Range::Until { start, end },
        RecurrenceRange::Numbered { start, count } => Range::Times { start, count },
    };
    Some(Recurrence { pattern, range })
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    #[test]
    fn every_pattern_and_range_goes_both_ways() {
        let start = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let patterns = [
            Pattern::Daily { interval: 2 },
            Pattern::Weekly {
                interval: 1,
                days: vec![Weekday::Mon, Weekday::Thu],
            },
            Pattern::MonthlyOnDay {
                interval: 3,
                day: 31,
            },
            Pattern::MonthlyOnWeekday {
                interval: 1,
                week: WeekOfMonth::Last,
                weekday: Weekday::Fri,
            },
            Pattern::YearlyOnDay { month: 2, day: 29 },
            Pattern::YearlyOnWeekday {
                month: 11,
                week: WeekOfMonth::Fourth,
                weekday: Weekday::Thu,
            },
        ];
        let ranges = [
            Range::NoEnd { start },
            Range::Until {
                start,
                end: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
            },
            Range::Times { start, count: 7 },
        ];
        for pattern in patterns {
            for range in ranges {
                let recurrence = Recurrence {
                    pattern: pattern.clone(),
                    range,
                };
                let ews = to_ews(&recurrence).unwrap();
                assert_eq!(from_ews(&ews), Some(recurrence));
            }
        }
    }

    #[test]
    fn what_a_record_cannot_say_is_left_out() {
        let start = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let regenerating = EwsRecurrence {
            pattern: RecurrencePattern::WeeklyRegeneration { interval: 1 },
            range: RecurrenceRange::NoEnd { start },
        };
        assert_eq!(from_ews(&regenerating), None);
        let any_weekday = EwsRecurrence {
            pattern: RecurrencePattern::RelativeMonthly {
                interval: 1,
                day_of_week: DayOfWeek::Weekday,
                index: DayOfWeekIndex::First,
            },
            range: RecurrenceRange::NoEnd { start },
        };
        assert_eq!(from_ews(&any_weekday), None);
        let workdays = EwsRecurrence {
            pattern: RecurrencePattern::Weekly {
                interval: 1,
                days: vec![DayOfWeek::Weekday, DayOfWeek::Monday],
                first_day_of_week: Some(DayOfWeek::Monday),
            },
            range: RecurrenceRange::NoEnd { start },
        };
        let Some(Recurrence {
            pattern: Pattern::Weekly { days, .. },
            ..
        }) = from_ews(&workdays)
        else {
            panic!("weekly");
        };
        assert_eq!(days.len(), 5);
    }
}
