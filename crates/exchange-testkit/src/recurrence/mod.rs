//! Recurrence of calendar items: the patterns and ranges of `t:Recurrence`, and the dates
//! of a series' occurrences.
//!
//! Dates are local to the item's time zone ([`zones`]); the caller turns them into instants.

pub(crate) mod series;
pub(crate) mod zones;

use chrono::{Datelike, Duration, NaiveDate, Weekday};

use crate::dom::Element;
use crate::request::TYPES;

/// The most occurrences a series is expanded to (Exchange's limit on numbered ranges).
pub(crate) const MAX_OCCURRENCES: usize = 999;
/// The most days looked at when expanding a series, so that sparse patterns end.
const MAX_SCAN_DAYS: i64 = 366 * 60;

/// Which of the matching days in a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum WeekIndex {
    /// `First` to `Fourth` (0 to 3).
    Nth(usize),
    /// `Last`.
    Last,
}

/// A recurrence pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Pattern {
    /// `DailyRecurrence`.
    Daily { interval: u32 },
    /// `WeeklyRecurrence`.
    Weekly {
        interval: u32,
        days: Vec<Weekday>,
        first_day: Weekday,
    },
    /// `AbsoluteMonthlyRecurrence`.
    AbsoluteMonthly { interval: u32, day: u32 },
    /// `RelativeMonthlyRecurrence`.
    RelativeMonthly {
        interval: u32,
        days: Vec<Weekday>,
        index: WeekIndex,
    },
    /// `AbsoluteYearlyRecurrence`.
    AbsoluteYearly { month: u32, day: u32 },
    /// `RelativeYearlyRecurrence`.
    RelativeYearly {
        month: u32,
        days: Vec<Weekday>,
        index: WeekIndex,
    },
}

/// How a series ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum End {
    /// `NoEndRecurrence`.
    Never,
    /// `EndDateRecurrence`: the last day that may hold an occurrence.
    Date(NaiveDate),
    /// `NumberedRecurrence`.
    Count(usize),
}

/// A decoded `t:Recurrence`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Recurrence {
    /// The pattern.
    pub(crate) pattern: Pattern,
    /// `StartDate` of the range.
    pub(crate) start: NaiveDate,
    /// The end of the range.
    pub(crate) end: End,
}

fn child_text<'a>(e: &'a Element, name: &str) -> Result<&'a str, String> {
    e.child(TYPES, name)
        .map(|c| c.text().trim())
        .ok_or_else(|| format!("The element '{}' lacks its child '{name}'.", e.name))
}

fn number(e: &Element, name: &str, range: std::ops::RangeInclusive<u32>) -> Result<u32, String> {
    let text = child_text(e, name)?;
    text.parse::<u32>()
        .ok()
        .filter(|n| range.contains(n))
        .ok_or_else(|| format!("The value '{text}' of '{name}' is out of range."))
}

fn day_set(text: &str) -> Result<Vec<Weekday>, String> {
    let mut days = Vec::new();
    for word in text.split_ascii_whitespace() {
        let add: &[Weekday] = match word {
            "Sunday" => &[Weekday::Sun],
            "Monday" => &[Weekday::Mon],
            "Tuesday" => &[Weekday::Tue],
            "Wednesday" => &[Weekday::Wed],
            "Thursday" => &[Weekday::Thu],
            "Friday" => &[Weekday::Fri],
            "Saturday" => &[Weekday::Sat],
            "Day" => &[
                Weekday::Sun,
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
                Weekday::Sat,
            ],
            "Weekday" => &[
                Weekday::Mon,
                Weekday::Tue,
                Weekday::Wed,
                Weekday::Thu,
                Weekday::Fri,
            ],
            "WeekendDay" => &[Weekday::Sat, Weekday::Sun],
            other => return Err(format!("'{other}' is not a day of the week.")),
        };
        for day in add {
            if !days.contains(day) {
                days.push(*day);
            }
        }
    }
    if days.is_empty() {
        return Err("The days of the week are empty.".to_owned());
    }
    Ok(days)
}

fn week_index(e: &Element) -> Result<WeekIndex, String> {
    Ok(match child_text(e, "DayOfWeekIndex")? {
        "First" => WeekIndex::Nth(0),
        "Second" => WeekIndex::Nth(1),
        "Third" => WeekIndex::Nth(2),
        "Fourth" => WeekIndex::Nth(3),
        "Last" => WeekIndex::Last,
        other => return Err(format!("'{other}' is not a day of week index.")),
    })
}

fn month(e: &Element) -> Result<u32, String> {
    const MONTHS: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let text = child_text(e, "Month")?;
    MONTHS
        .iter()
        .position(|m| *m == text)
        .and_then(|i| u32::try_from(i + 1).ok())
        .ok_or_else(|| format!("'{text}' is not a month."))
}

/// An `xs:date`, with or without a zone suffix (which dates of a range ignore).
pub(crate) fn parse_date(text: &str) -> Option<NaiveDate> {
    let text = text.trim();
    let (date, zone) = text.split_at_checked(10)?;
    let zone_ok = zone.is_empty()
        || zone == "Z"
        || (zone.len() == 6
            && matches!(zone.as_bytes()[0], b'+' | b'-')
            && zone.as_bytes()[3] == b':');
    if !zone_ok {
        return None;
    }
    NaiveDate::parse_from_str(date, "%Y-%m-%d").ok()
}

/// Decodes a `t:Recurrence` element; the error says what is wrong.
pub(crate) fn parse(element: &Element) -> Result<Recurrence, String> {
    let mut pattern = None;
    let mut range = None;
    for child in element.children.iter().filter(|c| c.ns == TYPES) {
        let interval = || number(child, "Interval", 1..=999);
        match child.name.as_str() {
            "DailyRecurrence" => {
                pattern = Some(Pattern::Daily {
                    interval: interval()?,
                });
            }
            "WeeklyRecurrence" => {
                let first_day = match child.child(TYPES, "FirstDayOfWeek") {
                    Some(day) => *day_set(day.text())?
                        .first()
                        .ok_or("The first day of the week is empty.")?,
                    None => Weekday::Sun,
                };
                pattern = Some(Pattern::Weekly {
                    interval: interval()?,
                    days: day_set(child_text(child, "DaysOfWeek")?)?,
                    first_day,
                });
            }
            "AbsoluteMonthlyRecurrence" => {
                pattern = Some(Pattern::AbsoluteMonthly {
                    interval: interval()?,
                    day: number(child, "DayOfMonth", 1..=31)?,
                });
            }
            "RelativeMonthlyRecurrence" => {
                pattern = Some(Pattern::RelativeMonthly {
                    interval: interval()?,
                    days: day_set(child_text(child, "DaysOfWeek")?)?,
                    index: week_index(child)?,
                });
            }
            "AbsoluteYearlyRecurrence" => {
                pattern = Some(Pattern::AbsoluteYearly {
                    month: month(child)?,
                    day: number(child, "DayOfMonth", 1..=31)?,
                });
            }
            "RelativeYearlyRecurrence" => {
                pattern = Some(Pattern::RelativeYearly {
                    month: month(child)?,
                    days: day_set(child_text(child, "DaysOfWeek")?)?,
                    index: week_index(child)?,
                });
            }
            "NoEndRecurrence" | "EndDateRecurrence" | "NumberedRecurrence" => {
                let start_text = child_text(child, "StartDate")?;
                let start = parse_date(start_text)
                    .ok_or_else(|| format!("'{start_text}' is not an xs:date."))?;
                let end = match child.name.as_str() {
                    "EndDateRecurrence" => {
                        let text = child_text(child, "EndDate")?;
                        End::Date(
                            parse_date(text)
                                .ok_or_else(|| format!("'{text}' is not an xs:date."))?,
                        )
                    }
                    "NumberedRecurrence" => {
                        let count = number(child, "NumberOfOccurrences", 1..=999)?;
                        End::Count(usize::try_from(count).unwrap_or(MAX_OCCURRENCES))
                    }
                    _ => End::Never,
                };
                range = Some((start, end));
            }
            other => {
                return Err(format!(
                    "'{other}' is not a calendar recurrence pattern or range."
                ))
            }
        }
    }
    let pattern = pattern.ok_or("The recurrence has no pattern.")?;
    let (start, end) = range.ok_or("The recurrence has no range.")?;
    Ok(Recurrence {
        pattern,
        start,
        end,
    })
}

fn days_in_month(year: i32, month: u32) -> u32 {
    let next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)
    };
    next.and_then(|n| n.pred_opt()).map_or(28, |d| d.day())
}

/// The `index`-th day of `month` whose weekday is in `days`.
fn relative_day(year: i32, month: u32, days: &[Weekday], index: WeekIndex) -> Option<NaiveDate> {
    let matching: Vec<NaiveDate> = (1..=days_in_month(year, month))
        .filter_map(|d| NaiveDate::from_ymd_opt(year, month, d))
        .filter(|d| days.contains(&d.weekday()))
        .collect();
    match index {
        WeekIndex::Nth(n) => matching.get(n).copied(),
        WeekIndex::Last => matching.last().copied(),
    }
}

fn months_between(from: NaiveDate, to: NaiveDate) -> i64 {
    i64::from(to.year() - from.year()) * 12 + i64::from(to.month()) - i64::from(from.month())
}

fn week_start(date: NaiveDate, first: Weekday) -> NaiveDate {
    let back = (7 + date.weekday().num_days_from_sunday() - first.num_days_from_sunday()) % 7;
    date - Duration::days(i64::from(back))
}

impl Recurrence {
    /// Whether the pattern puts an occurrence on `date` (on or after the range start).
    fn matches(&self, date: NaiveDate) -> bool {
        let clamp = |day: u32| day.min(days_in_month(date.year(), date.month()));
        match &self.pattern {
            Pattern::Daily { interval } => {
                (date - self.start).num_days() % i64::from(*interval) == 0
            }
            Pattern::Weekly {
                interval,
                days,
                first_day,
            } => {
                let weeks = (week_start(date, *first_day) - week_start(self.start, *first_day))
                    .num_days()
                    / 7;
                days.contains(&date.weekday()) && weeks % i64::from(*interval) == 0
            }
            Pattern::AbsoluteMonthly { interval, day } => {
                months_between(self.start, date) % i64::from(*interval) == 0
                    && date.day() == clamp(*day)
            }
            Pattern::RelativeMonthly {
                interval,
                days,
                index,
            } => {
                months_between(self.start, date) % i64::from(*interval) == 0
                    && relative_day(date.year(), date.month(), days, *index) == Some(date)
            }
            Pattern::AbsoluteYearly { month, day } => {
                date.month() == *month && date.day() == clamp(*day)
            }
            Pattern::RelativeYearly { month, days, index } => {
                date.month() == *month
                    && relative_day(date.year(), date.month(), days, *index) == Some(date)
            }
        }
    }

    /// The occurrences (1-based index and local date) on days before `until`, at most `max`.
    pub(crate) fn dates(&self, until: NaiveDate, max: usize) -> Vec<(usize, NaiveDate)> {
        let mut out = Vec::new();
        let last = match self.end {
            End::Date(end) => end.min(until.pred_opt().unwrap_or(until)),
            _ => until.pred_opt().unwrap_or(until),
        };
        let limit = match self.end {
            End::Count(n) => n.min(max),
            _ => max,
        };
        let mut date = self.start;
        let mut scanned = 0;
        while date <= last && out.len() < limit && scanned < MAX_SCAN_DAYS {
            if self.matches(date) {
                out.push((out.len() + 1, date));
            }
            let Some(next) = date.succ_opt() else { break };
            date = next;
            scanned += 1;
        }
        out
    }

    /// Whether the series ends (by date or count).
    pub(crate) fn ends(&self) -> bool {
        self.end != End::Never
    }
}

#[cfg(test)]
mod tests;
