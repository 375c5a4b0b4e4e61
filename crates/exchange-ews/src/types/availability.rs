//! Types of `GetUserAvailability`: the mailboxes asked about, the time zone of the request
//! and the free/busy views of the answer.

use chrono::{DateTime, NaiveTime, Utc, Weekday};

use crate::decoded::Node;

/// How a mailbox takes part in the meeting being planned (`AttendeeType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AttendeeType {
    /// The organizer.
    Organizer,
    /// A required attendee.
    Required,
    /// An optional attendee.
    Optional,
    /// A room.
    Room,
    /// Another resource.
    Resource,
}

impl AttendeeType {
    /// The element value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Organizer => "Organizer",
            Self::Required => "Required",
            Self::Optional => "Optional",
            Self::Room => "Room",
            Self::Resource => "Resource",
        }
    }
}

/// A mailbox whose availability is asked for (`MailboxData`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AvailabilityMailbox {
    /// The SMTP address.
    pub address: String,
    /// How the mailbox takes part.
    pub attendee_type: AttendeeType,
    /// `ExcludeConflicts`: leave this mailbox's conflicts out of suggestions.
    pub exclude_conflicts: bool,
}

impl AvailabilityMailbox {
    /// A required attendee.
    pub fn required(address: impl Into<String>) -> Self {
        Self {
            address: address.into(),
            attendee_type: AttendeeType::Required,
            exclude_conflicts: false,
        }
    }
}

/// One change of a [`SerializableTimeZone`] (`StandardTime`, `DaylightTime`): the rule for
/// the day and time of the change and the bias that applies afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TimeZoneTransition {
    /// Minutes added to the zone's bias after the change.
    pub bias_minutes: i32,
    /// The local time of the change.
    pub time: NaiveTime,
    /// Which occurrence of the weekday in the month (1–4, 5 for the last); 0 with month 0
    /// when the zone has no such change.
    pub day_order: i16,
    /// The month (1–12); 0 when the zone has no such change.
    pub month: i16,
    /// The weekday of the change.
    pub day_of_week: Weekday,
    /// The year, for a rule of one year only.
    pub year: Option<String>,
}

impl TimeZoneTransition {
    /// A transition that never happens (month 0), for zones without daylight saving.
    pub fn none() -> Self {
        Self {
            bias_minutes: 0,
            time: NaiveTime::MIN,
            day_order: 0,
            month: 0,
            day_of_week: Weekday::Sun,
            year: None,
        }
    }
}

/// The legacy time zone form of the availability service (`SerializableTimeZone`): minutes
/// to add to local time for UTC, and the two yearly changes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SerializableTimeZone {
    /// `Bias`: UTC = local time + bias (480 for UTC−8).
    pub bias_minutes: i32,
    /// `StandardTime`: the change back to standard time.
    pub standard: TimeZoneTransition,
    /// `DaylightTime`: the change to daylight saving time.
    pub daylight: TimeZoneTransition,
}

impl SerializableTimeZone {
    /// UTC, without daylight saving.
    pub fn utc() -> Self {
        Self {
            bias_minutes: 0,
            standard: TimeZoneTransition::none(),
            daylight: TimeZoneTransition::none(),
        }
    }
}

/// The kind of free/busy view (`FreeBusyViewType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FreeBusyViewKind {
    /// No view.
    None,
    /// Only the merged string.
    MergedOnly,
    /// Events without details.
    FreeBusy,
    /// Events without details and the merged string.
    FreeBusyMerged,
    /// Events with details.
    Detailed,
    /// Events with details and the merged string.
    DetailedMerged,
}

impl FreeBusyViewKind {
    /// The element value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::None => "None",
            Self::MergedOnly => "MergedOnly",
            Self::FreeBusy => "FreeBusy",
            Self::FreeBusyMerged => "FreeBusyMerged",
            Self::Detailed => "Detailed",
            Self::DetailedMerged => "DetailedMerged",
        }
    }
}

/// `FreeBusyViewOptions` beyond the time window.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FreeBusyOptions {
    /// `MergedFreeBusyIntervalInMinutes` (5 to 1440); the server's default (30) when `None`.
    pub merged_interval_minutes: Option<u32>,
    /// `RequestedView`.
    pub requested_view: FreeBusyViewKind,
}

impl Default for FreeBusyOptions {
    fn default() -> Self {
        Self {
            merged_interval_minutes: None,
            requested_view: FreeBusyViewKind::DetailedMerged,
        }
    }
}

/// The details of a calendar event, for views with details (`CalendarEventDetails`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct CalendarEventDetails {
    /// `ID`: the item's entry id, in hex.
    pub id: Option<String>,
    /// `Subject`.
    pub subject: Option<String>,
    /// `Location`.
    pub location: Option<String>,
    /// `IsMeeting`.
    pub is_meeting: bool,
    /// `IsRecurring`.
    pub is_recurring: bool,
    /// `IsException`.
    pub is_exception: bool,
    /// `IsReminderSet`.
    pub is_reminder_set: bool,
    /// `IsPrivate`.
    pub is_private: bool,
    /// The child elements not modelled above, as sent.
    pub other: Vec<Node>,
}

/// A busy time of a mailbox (`CalendarEvent`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalendarEvent {
    /// `StartTime`.
    pub start: DateTime<Utc>,
    /// `EndTime`.
    pub end: DateTime<Utc>,
    /// `BusyType` (`Free`, `Tentative`, `Busy`, `OOF`, `WorkingElsewhere`, `NoData`).
    pub busy_type: String,
    /// The details, in detailed views.
    pub details: Option<CalendarEventDetails>,
}

/// A stretch of working time on some weekdays (`WorkingPeriod`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingPeriod {
    /// The days (`Monday`, …, or `Weekday`, `WeekendDay`, `Day`), as sent.
    pub days: Vec<String>,
    /// `StartTimeInMinutes` after midnight.
    pub start_minutes: u32,
    /// `EndTimeInMinutes` after midnight.
    pub end_minutes: u32,
}

/// The working hours of a mailbox (`WorkingHours`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkingHours {
    /// The zone the periods are in.
    pub time_zone: SerializableTimeZone,
    /// The working periods.
    pub periods: Vec<WorkingPeriod>,
}

/// The free/busy view of one mailbox (`FreeBusyView`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FreeBusyView {
    /// `FreeBusyViewType` as sent (`DetailedMerged`, `FreeBusy`, …).
    pub view_type: String,
    /// `MergedFreeBusy`: one digit per interval (0 free, 1 tentative, 2 busy, 3 away, 4 no
    /// data).
    pub merged: Option<String>,
    /// `CalendarEventArray`.
    pub events: Vec<CalendarEvent>,
    /// `WorkingHours`.
    pub working_hours: Option<WorkingHours>,
    /// The child elements not modelled above, as sent.
    pub other: Vec<Node>,
}
