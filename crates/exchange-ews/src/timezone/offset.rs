//! What a [`TimeZoneDefinition`] says about instants: the UTC offset in force, and the UTC
//! instants of local times.

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, NaiveDateTime, TimeDelta, Utc, Weekday};

use super::definition::{
    Period, TimeZoneDefinition, Transition, TransitionKind, TransitionTarget, TransitionsGroup,
};
use crate::EwsError;

/// The most occurrences [`TimeZoneDefinition::weekly_occurrences`] expands (a century).
pub const MAX_WEEKLY_OCCURRENCES: usize = 5_300;

/// Farther than any two transitions of one zone lie apart around a local time, and farther
/// than any offset reaches: the offsets a day before and after bracket a local time.
const BRACKET: TimeDelta = TimeDelta::hours(26);

impl TimeZoneDefinition {
    /// The period in force at `instant`, or `None` for a definition without periods and
    /// transitions (the short form `GetServerTimeZones` sends without full data).
    ///
    /// The last `AbsoluteDateTransition` at or before `instant` (else the initial
    /// `Transition`) picks a period or a group; within a group, the last yearly transition
    /// before `instant` picks the period. A yearly transition happens at its `TimeOffset` in
    /// the local time of the period before it.
    pub fn period_at(&self, instant: DateTime<Utc>) -> Option<&Period> {
        let active = self
            .transitions
            .iter()
            .rev()
            .find(|t| match t.kind {
                TransitionKind::AbsoluteDate(at) => at <= instant,
                _ => true,
            })
            // Before the first dated transition with no initial one, the first rule holds.
            .or_else(|| self.transitions.first())?;
        match &active.to {
            TransitionTarget::Period(id) => self.period(id),
            TransitionTarget::Group(id) => self.period_in_group(self.group(id)?, instant),
        }
    }

    /// The offset of local time from UTC at `instant` (`+01:00` in Berlin in January), or
    /// `None` for a definition without periods and transitions.
    pub fn offset_at(&self, instant: DateTime<Utc>) -> Option<FixedOffset> {
        self.period_at(instant).and_then(Period::utc_offset)
    }

    /// The UTC instant of a local time of this zone, or `None` for a definition without
    /// periods or a time at the end of chrono's range.
    ///
    /// A local time that happens twice (when clocks go back) is the first of the two; one
    /// that does not happen (when clocks go forward) is moved forward by the gap, as
    /// calendar programs do: 02:30 on the day Berlin skips to 03:00 is 03:30 summer time.
    pub fn local_to_utc(&self, local: NaiveDateTime) -> Option<DateTime<Utc>> {
        let as_utc = local.and_utc();
        let before = self.offset_at(as_utc.checked_sub_signed(BRACKET)?)?;
        let after = self.offset_at(as_utc.checked_add_signed(BRACKET)?)?;
        for offset in [before, after] {
            let utc = as_utc.checked_sub_signed(offset_delta(offset))?;
            if self.offset_at(utc)? == offset {
                return Some(utc);
            }
        }
        as_utc.checked_sub_signed(offset_delta(before))
    }

    /// The UTC instants of a weekly series: `count` occurrences at the local time `first`
    /// and every seven days after, each keeping its local time across offset changes (a
    /// 09:00 meeting stays at 09:00 when daylight saving time begins).
    ///
    /// Fails for more than [`MAX_WEEKLY_OCCURRENCES`] occurrences, for a definition without
    /// periods, and for occurrences beyond chrono's range of dates.
    pub fn weekly_occurrences(
        &self,
        first: NaiveDateTime,
        count: usize,
    ) -> Result<Vec<DateTime<Utc>>, EwsError> {
        if count > MAX_WEEKLY_OCCURRENCES {
            return Err(EwsError::InvalidArgument {
                argument: "count",
                reason: format!("{count} is more than {MAX_WEEKLY_OCCURRENCES} occurrences"),
            });
        }
        let mut out = Vec::with_capacity(count);
        let mut local = first;
        for index in 0..count {
            let utc = self
                .local_to_utc(local)
                .ok_or_else(|| EwsError::InvalidArgument {
                    argument: "first",
                    reason: format!(
                        "occurrence {index} ({local}) has no UTC instant in the time zone {:?}",
                        self.id
                    ),
                })?;
            out.push(utc);
            if index + 1 < count {
                local = local
                    .checked_add_signed(TimeDelta::weeks(1))
                    .ok_or_else(|| EwsError::InvalidArgument {
                        argument: "first",
                        reason: format!("the series runs past the last date after {local}"),
                    })?;
            }
        }
        Ok(out)
    }

    /// The period a group puts in force at `instant`.
    fn period_in_group(&self, group: &TransitionsGroup, instant: DateTime<Utc>) -> Option<&Period> {
        if let [Transition {
            to: TransitionTarget::Period(id),
            kind: TransitionKind::Initial,
        }] = group.transitions.as_slice()
        {
            return self.period(id);
        }
        // The yearly transitions of the years around the instant, in local time. Sorted,
        // each one's predecessor names the period whose offset its local time is in.
        // Periods are looked up once per transition, not once per year.
        let yearly: Vec<(&TransitionKind, &Period)> = group
            .transitions
            .iter()
            .map(|t| match &t.to {
                TransitionTarget::Period(to) => Some((&t.kind, self.period(to)?)),
                TransitionTarget::Group(_) => None,
            })
            .collect::<Option<_>>()?;
        let year = instant.year();
        let mut local: Vec<(NaiveDateTime, &Period)> = (year - 1..=year + 1)
            .flat_map(|y| yearly.iter().map(move |(kind, to)| (y, kind, to)))
            .filter_map(|(y, kind, to)| Some((local_instant(kind, y)?, *to)))
            .collect();
        local.sort_by_key(|(at, _)| *at);
        let mut in_force: Option<(DateTime<Utc>, &Period)> = None;
        for (index, (at, to)) in local.iter().enumerate() {
            let (_, before) = local[(index + local.len() - 1) % local.len()];
            let offset = before.utc_offset()?;
            let Some(utc) = at.and_utc().checked_sub_signed(offset_delta(offset)) else {
                continue;
            };
            if utc <= instant && in_force.is_none_or(|(latest, _)| utc >= latest) {
                in_force = Some((utc, to));
            }
        }
        // Before the first transition of the range (at the start of chrono's range of
        // dates), the period of the last one holds, as it does every year.
        match in_force {
            Some((_, to)) => Some(to),
            None => local.last().map(|(_, to)| *to),
        }
    }
}

fn offset_delta(offset: FixedOffset) -> TimeDelta {
    TimeDelta::seconds(i64::from(offset.local_minus_utc()))
}

/// The local time of a yearly transition in `year`; `None` for other kinds of transition
/// and years outside chrono's range.
fn local_instant(kind: &TransitionKind, year: i32) -> Option<NaiveDateTime> {
    let (date, time_offset) = match *kind {
        TransitionKind::RecurringDay {
            time_offset,
            month,
            day_of_week,
            occurrence,
        } => (
            nth_weekday(year, month, day_of_week, occurrence)?,
            time_offset,
        ),
        TransitionKind::RecurringDate {
            time_offset,
            month,
            day,
        } => {
            let last = last_day(year, month)?;
            (
                NaiveDate::from_ymd_opt(year, month, day.min(last))?,
                time_offset,
            )
        }
        TransitionKind::Initial | TransitionKind::AbsoluteDate(_) => return None,
    };
    date.and_hms_opt(0, 0, 0)?.checked_add_signed(time_offset)
}

/// The `occurrence`th `weekday` of the month (5 = the last when there is no fifth; negative
/// counts from the end, -5 being the first when there is no fifth from the end).
fn nth_weekday(year: i32, month: u32, weekday: Weekday, occurrence: i8) -> Option<NaiveDate> {
    // Parsed transitions hold 1 to 5 or -1 to -5; fields changed since may hold anything.
    if !(1..=5).contains(&occurrence.unsigned_abs()) {
        return None;
    }
    let last = last_day(year, month)?;
    let wanted = weekday.num_days_from_monday();
    let step = 7 * (u32::from(occurrence.unsigned_abs()) - 1);
    let day = if occurrence > 0 {
        let first = NaiveDate::from_ymd_opt(year, month, 1)?
            .weekday()
            .num_days_from_monday();
        let day = 1 + (wanted + 7 - first) % 7 + step;
        if day > last {
            day - 7
        } else {
            day
        }
    } else {
        let at_end = NaiveDate::from_ymd_opt(year, month, last)?
            .weekday()
            .num_days_from_monday();
        let day = last - (at_end + 7 - wanted) % 7;
        if day > step {
            day - step
        } else {
            day + 7 - step
        }
    };
    NaiveDate::from_ymd_opt(year, month, day)
}

/// The number of days of the month.
fn last_day(year: i32, month: u32) -> Option<u32> {
    let (next_year, next_month) = if month == 12 {
        (year.checked_add(1)?, 1)
    } else {
        (year, month + 1)
    };
    Some(
        NaiveDate::from_ymd_opt(next_year, next_month, 1)?
            .pred_opt()?
            .day(),
    )
}

#[cfg(test)]
#[path = "offset_tests.rs"]
pub(super) mod tests;
