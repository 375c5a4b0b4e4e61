//! Reading, writing and checking `t:Recurrence` (`t:RecurrenceType`, `t:TaskRecurrenceType`).

use chrono::{Datelike, Month, NaiveDate};

use crate::calendar::{DayOfWeek, DayOfWeekIndex, Recurrence, RecurrencePattern, RecurrenceRange};
use crate::operations::reading::value::{invalid, number};
use crate::soap::cut;
use crate::xml::{Element, XmlWriter};
use crate::{EwsError, ExchangeVersion};

/// The pattern elements a `t:Recurrence` may hold.
const PATTERNS: &[&str] = &[
    "RelativeYearlyRecurrence",
    "AbsoluteYearlyRecurrence",
    "RelativeMonthlyRecurrence",
    "AbsoluteMonthlyRecurrence",
    "WeeklyRecurrence",
    "DailyRecurrence",
    "DailyRegeneration",
    "WeeklyRegeneration",
    "MonthlyRegeneration",
    "YearlyRegeneration",
];

/// The range elements a `t:Recurrence` may hold.
const RANGES: &[&str] = &["NoEndRecurrence", "EndDateRecurrence", "NumberedRecurrence"];

/// Reads a `t:Recurrence`: its one pattern child and its one range child.
pub(crate) fn read_recurrence(e: &Element) -> Result<Recurrence, EwsError> {
    let pattern = e
        .children()
        .iter()
        .find(|c| PATTERNS.contains(&c.name()))
        .ok_or_else(|| missing(e, "a recurrence pattern"))?;
    let range = e
        .children()
        .iter()
        .find(|c| RANGES.contains(&c.name()))
        .ok_or_else(|| missing(e, "a recurrence range"))?;
    Ok(Recurrence {
        pattern: read_pattern(pattern)?,
        range: read_range(range)?,
    })
}

/// The error for a recurrence without a known pattern or range: an unknown element in its
/// place is an invalid value, nothing at all a missing element.
fn missing(parent: &Element, expected: &'static str) -> EwsError {
    let unknown = parent
        .children()
        .iter()
        .find(|c| !PATTERNS.contains(&c.name()) && !RANGES.contains(&c.name()));
    match unknown {
        Some(other) => EwsError::InvalidValue {
            element: parent.name().to_owned(),
            value: cut(other.name()),
            expected,
        },
        None => EwsError::MissingElement {
            element: expected.to_owned(),
            parent: parent.name().to_owned(),
        },
    }
}

fn read_pattern(e: &Element) -> Result<RecurrencePattern, EwsError> {
    Ok(match e.name() {
        "DailyRecurrence" => RecurrencePattern::Daily {
            interval: interval(e)?,
        },
        "WeeklyRecurrence" => RecurrencePattern::Weekly {
            interval: interval(e)?,
            days: days_of_week(e.required_child("DaysOfWeek")?)?,
            first_day_of_week: e.child("FirstDayOfWeek").map(day_of_week).transpose()?,
        },
        "AbsoluteMonthlyRecurrence" => RecurrencePattern::AbsoluteMonthly {
            interval: interval(e)?,
            day_of_month: number(e.required_child("DayOfMonth")?, "a non-negative xs:int")?,
        },
        "RelativeMonthlyRecurrence" => RecurrencePattern::RelativeMonthly {
            interval: interval(e)?,
            day_of_week: day_of_week(e.required_child("DaysOfWeek")?)?,
            index: day_index(e.required_child("DayOfWeekIndex")?)?,
        },
        "AbsoluteYearlyRecurrence" => RecurrencePattern::AbsoluteYearly {
            day_of_month: number(e.required_child("DayOfMonth")?, "a non-negative xs:int")?,
            month: month(e.required_child("Month")?)?,
        },
        "RelativeYearlyRecurrence" => RecurrencePattern::RelativeYearly {
            day_of_week: day_of_week(e.required_child("DaysOfWeek")?)?,
            index: day_index(e.required_child("DayOfWeekIndex")?)?,
            month: month(e.required_child("Month")?)?,
        },
        "DailyRegeneration" => RecurrencePattern::DailyRegeneration {
            interval: interval(e)?,
        },
        "WeeklyRegeneration" => RecurrencePattern::WeeklyRegeneration {
            interval: interval(e)?,
        },
        "MonthlyRegeneration" => RecurrencePattern::MonthlyRegeneration {
            interval: interval(e)?,
        },
        // Only pattern names reach here (see `PATTERNS`).
        _ => RecurrencePattern::YearlyRegeneration {
            interval: interval(e)?,
        },
    })
}

fn read_range(e: &Element) -> Result<RecurrenceRange, EwsError> {
    let start = date(e.required_child("StartDate")?)?;
    Ok(match e.name() {
        "EndDateRecurrence" => RecurrenceRange::EndDate {
            start,
            end: date(e.required_child("EndDate")?)?,
        },
        "NumberedRecurrence" => RecurrenceRange::Numbered {
            start,
            count: number(
                e.required_child("NumberOfOccurrences")?,
                "a non-negative xs:int",
            )?,
        },
        _ => RecurrenceRange::NoEnd { start },
    })
}

fn interval(e: &Element) -> Result<u32, EwsError> {
    number(e.required_child("Interval")?, "a non-negative xs:int")
}

pub(crate) fn day_of_week(e: &Element) -> Result<DayOfWeek, EwsError> {
    DayOfWeek::parse(e.text()).ok_or_else(|| invalid(e, "a day of the week"))
}

fn days_of_week(e: &Element) -> Result<Vec<DayOfWeek>, EwsError> {
    e.text()
        .split_ascii_whitespace()
        .map(|d| DayOfWeek::parse(d).ok_or_else(|| invalid(e, "a list of days of the week")))
        .collect()
}

pub(crate) fn day_index(e: &Element) -> Result<DayOfWeekIndex, EwsError> {
    DayOfWeekIndex::parse(e.text())
        .ok_or_else(|| invalid(e, "First, Second, Third, Fourth or Last"))
}

pub(crate) fn month(e: &Element) -> Result<Month, EwsError> {
    e.text()
        .trim()
        .parse::<Month>()
        .ok()
        // chrono also accepts `jan`; the schema wants the full English name.
        .filter(|m| m.name() == e.text().trim())
        .ok_or_else(|| invalid(e, "an English month name"))
}

/// Reads an `xs:date`, which may carry a time zone (`2024-05-01-07:00`, `2024-05-01Z`): the
/// date part is the date of the item's own zone, so the suffix is dropped.
fn date(e: &Element) -> Result<NaiveDate, EwsError> {
    let text = e.text().trim();
    let date_part = text.get(..10).unwrap_or(text);
    let zone = text.get(10..).unwrap_or("");
    let zone_ok = zone.is_empty() || zone == "Z" || is_offset(zone);
    NaiveDate::parse_from_str(date_part, "%Y-%m-%d")
        .ok()
        .filter(|_| zone_ok && date_part.len() == 10)
        .ok_or_else(|| invalid(e, "an xs:date"))
}

/// Whether `text` is an `xs:date` offset: `+hh:mm` or `-hh:mm`.
fn is_offset(text: &str) -> bool {
    let b = text.as_bytes();
    b.len() == 6
        && matches!(b[0], b'+' | b'-')
        && b[1..3].iter().all(u8::is_ascii_digit)
        && b[3] == b':'
        && b[4..6].iter().all(u8::is_ascii_digit)
}

/// Writes `t:Recurrence`, pattern then range, each in schema order. `FirstDayOfWeek` is
/// written only for Exchange 2010 SP1 and later, which know it.
pub(crate) fn write_recurrence(w: &mut XmlWriter, r: &Recurrence, version: ExchangeVersion) {
    w.start("t:Recurrence", &[]);
    write_pattern(w, &r.pattern, version);
    write_range(w, &r.range);
    w.end();
}

fn write_pattern(w: &mut XmlWriter, p: &RecurrencePattern, version: ExchangeVersion) {
    let name = pattern_tag(p);
    w.start(name, &[]);
    match p {
        RecurrencePattern::Daily { interval }
        | RecurrencePattern::DailyRegeneration { interval }
        | RecurrencePattern::WeeklyRegeneration { interval }
        | RecurrencePattern::MonthlyRegeneration { interval }
        | RecurrencePattern::YearlyRegeneration { interval } => {
            w.text_element("t:Interval", &[], &interval.to_string());
        }
        RecurrencePattern::Weekly {
            interval,
            days,
            first_day_of_week,
        } => {
            let days: Vec<&str> = days.iter().map(|d| d.as_str()).collect();
            w.text_element("t:Interval", &[], &interval.to_string())
                .text_element("t:DaysOfWeek", &[], &days.join(" "));
            if let Some(first) = first_day_of_week {
                if version >= ExchangeVersion::Exchange2010Sp1 {
                    w.text_element("t:FirstDayOfWeek", &[], first.as_str());
                }
            }
        }
        RecurrencePattern::AbsoluteMonthly {
            interval,
            day_of_month,
        } => {
            w.text_element("t:Interval", &[], &interval.to_string())
                .text_element("t:DayOfMonth", &[], &day_of_month.to_string());
        }
        RecurrencePattern::RelativeMonthly {
            interval,
            day_of_week,
            index,
        } => {
            w.text_element("t:Interval", &[], &interval.to_string())
                .text_element("t:DaysOfWeek", &[], day_of_week.as_str())
                .text_element("t:DayOfWeekIndex", &[], index.as_str());
        }
        RecurrencePattern::AbsoluteYearly {
            day_of_month,
            month,
        } => {
            w.text_element("t:DayOfMonth", &[], &day_of_month.to_string())
                .text_element("t:Month", &[], month.name());
        }
        RecurrencePattern::RelativeYearly {
            day_of_week,
            index,
            month,
        } => {
            w.text_element("t:DaysOfWeek", &[], day_of_week.as_str())
                .text_element("t:DayOfWeekIndex", &[], index.as_str())
                .text_element("t:Month", &[], month.name());
        }
    }
    w.end();
}

/// The prefixed element name of a pattern (the writer takes static names).
fn pattern_tag(p: &RecurrencePattern) -> &'static str {
    match p {
        RecurrencePattern::Daily { .. } => "t:DailyRecurrence",
        RecurrencePattern::Weekly { .. } => "t:WeeklyRecurrence",
        RecurrencePattern::AbsoluteMonthly { .. } => "t:AbsoluteMonthlyRecurrence",
        RecurrencePattern::RelativeMonthly { .. } => "t:RelativeMonthlyRecurrence",
        RecurrencePattern::AbsoluteYearly { .. } => "t:AbsoluteYearlyRecurrence",
        RecurrencePattern::RelativeYearly { .. } => "t:RelativeYearlyRecurrence",
        RecurrencePattern::DailyRegeneration { .. } => "t:DailyRegeneration",
        RecurrencePattern::WeeklyRegeneration { .. } => "t:WeeklyRegeneration",
        RecurrencePattern::MonthlyRegeneration { .. } => "t:MonthlyRegeneration",
        RecurrencePattern::YearlyRegeneration { .. } => "t:YearlyRegeneration",
    }
}

fn write_range(w: &mut XmlWriter, r: &RecurrenceRange) {
    let start = r.start().format("%Y-%m-%d").to_string();
    match r {
        RecurrenceRange::NoEnd { .. } => {
            w.start("t:NoEndRecurrence", &[])
                .text_element("t:StartDate", &[], &start);
        }
        RecurrenceRange::EndDate { end, .. } => {
            w.start("t:EndDateRecurrence", &[])
                .text_element("t:StartDate", &[], &start)
                .text_element("t:EndDate", &[], &end.format("%Y-%m-%d").to_string());
        }
        RecurrenceRange::Numbered { count, .. } => {
            w.start("t:NumberedRecurrence", &[])
                .text_element("t:StartDate", &[], &start)
                .text_element("t:NumberOfOccurrences", &[], &count.to_string());
        }
    }
    w.end();
}

/// Refuses a recurrence Exchange would refuse: intervals and counts of at least 1, days of
/// the month from 1 to 31, at least one day for a weekly pattern, an end not before the
/// start, and years `xs:date` carries as Exchange reads them.
pub(crate) fn check_recurrence(r: &Recurrence) -> Result<(), EwsError> {
    let refuse = |reason: String| {
        Err(EwsError::InvalidArgument {
            argument: "recurrence",
            reason,
        })
    };
    let interval = match &r.pattern {
        RecurrencePattern::Daily { interval }
        | RecurrencePattern::Weekly { interval, .. }
        | RecurrencePattern::AbsoluteMonthly { interval, .. }
        | RecurrencePattern::RelativeMonthly { interval, .. }
        | RecurrencePattern::DailyRegeneration { interval }
        | RecurrencePattern::WeeklyRegeneration { interval }
        | RecurrencePattern::MonthlyRegeneration { interval }
        | RecurrencePattern::YearlyRegeneration { interval } => Some(*interval),
        RecurrencePattern::AbsoluteYearly { .. } | RecurrencePattern::RelativeYearly { .. } => None,
    };
    // The schema's xs:int is signed: a larger interval would not be read back.
    if let Some(i) = interval.filter(|i| *i == 0 || *i > i32::MAX as u32) {
        return refuse(format!("the interval {i} is not between 1 and 2147483647"));
    }
    match &r.pattern {
        RecurrencePattern::AbsoluteMonthly { day_of_month, .. }
        | RecurrencePattern::AbsoluteYearly { day_of_month, .. }
            if !(1..=31).contains(day_of_month) =>
        {
            return refuse(format!(
                "the day of the month {day_of_month} is not 1 to 31"
            ));
        }
        RecurrencePattern::Weekly { days, .. } if days.is_empty() => {
            return refuse("a weekly pattern needs at least one day".into());
        }
        _ => {}
    }
    let dates = match r.range {
        RecurrenceRange::NoEnd { start } | RecurrenceRange::Numbered { start, .. } => {
            vec![start]
        }
        RecurrenceRange::EndDate { start, end } => vec![start, end],
    };
    if let Some(d) = dates.iter().find(|d| !(1..=9999).contains(&d.year())) {
        return refuse(format!("the date {d} is outside the years 1 to 9999"));
    }
    match r.range {
        RecurrenceRange::EndDate { start, end } if end < start => refuse(format!(
            "the end date {end} is before the start date {start}"
        )),
        RecurrenceRange::Numbered { count, .. } if count == 0 || count > i32::MAX as u32 => refuse(
            format!("{count} occurrences is not between 1 and 2147483647"),
        ),
        _ => Ok(()),
    }
}

#[cfg(test)]
#[path = "recurrence_tests.rs"]
mod tests;
