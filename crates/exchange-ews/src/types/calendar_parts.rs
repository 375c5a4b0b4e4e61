//! The parts of a calendar item: reminder, occurrences, time zones and free/busy status.

use chrono::{DateTime, Month, NaiveDate, NaiveTime, TimeDelta, Utc};

use super::common::schema_enum;
use crate::calendar::{DayOfWeek, DayOfWeekIndex};
use crate::ItemId;

schema_enum! {
    /// The free/busy status of a calendar item (`t:LegacyFreeBusyType`).
    FreeBusyStatus {
        /// Free.
        Free => "Free",
        /// Tentatively busy.
        Tentative => "Tentative",
        /// Busy.
        Busy => "Busy",
        /// Out of office.
        OutOfOffice => "OOF",
        /// Working elsewhere (Exchange 2013 and later).
        WorkingElsewhere => "WorkingElsewhere",
        /// No data.
        NoData => "NoData",
    }
}

/// The reminder of an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Reminder {
    /// Whether the reminder is on.
    pub is_set: bool,
    /// Minutes before the start that it goes off.
    pub minutes_before_start: Option<u32>,
    /// When it goes off next.
    pub due_by: Option<DateTime<Utc>>,
}

/// One occurrence of a series (`t:OccurrenceInfoType`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct Occurrence {
    /// The occurrence's own id.
    pub id: ItemId,
    /// When it starts.
    pub start: DateTime<Utc>,
    /// When it ends.
    pub end: DateTime<Utc>,
    /// When the series had it start.
    pub original_start: DateTime<Utc>,
}

/// The time zone of an item's start or end as the server names it (Exchange 2010 and later:
/// `StartTimeZone`, `EndTimeZone`, or the 2013 `StartTimeZoneId`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ItemTimeZone {
    /// The Windows id (`W. Europe Standard Time`).
    pub id: Option<String>,
    /// The display name (`(UTC+01:00) Amsterdam, Berlin, …`).
    pub name: Option<String>,
}

/// The time zone of an Exchange 2007 item (`t:TimeZoneType`): a base offset and, with
/// daylight saving time, the two yearly changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct LegacyTimeZone {
    /// The name (`Pacific Standard Time`).
    pub name: Option<String>,
    /// The offset to add to local time to get UTC (`PT8H` for UTC−8).
    pub base_offset: Option<TimeDelta>,
    /// The change to standard time.
    pub standard: Option<TimeChange>,
    /// The change to daylight saving time.
    pub daylight: Option<TimeChange>,
}

/// A yearly change of a legacy time zone (`t:TimeChangeType`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TimeChange {
    /// The name of the change's period, when sent.
    pub name: Option<String>,
    /// The offset added to the base offset from the change on.
    pub offset: TimeDelta,
    /// When in the year the change happens.
    pub rule: Option<TimeChangeRule>,
    /// The local time of day of the change.
    pub time: NaiveTime,
}

/// When in the year a legacy time zone changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TimeChangeRule {
    /// Every year on, for example, the last Sunday of March.
    Relative {
        /// The day of the week.
        day_of_week: DayOfWeek,
        /// Which of the month's matching days.
        index: DayOfWeekIndex,
        /// The month.
        month: Month,
    },
    /// Once, on this date.
    Absolute(NaiveDate),
}
