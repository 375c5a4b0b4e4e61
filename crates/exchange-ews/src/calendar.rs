//! The calendar: calendar items as read and as created, their attendees, recurrences,
//! occurrences and time zones, the meeting messages they send, and the requests that find,
//! read and create them.
//!
//! [`FindCalendarItems`] reads the items of a time range (recurring series expanded),
//! [`GetCalendarItem`] one item in full and [`CreateCalendarItem`] creates one; the client
//! sends them with [`EwsClient::find_calendar_items`](crate::EwsClient::find_calendar_items)
//! and its neighbours. Calendar items are written with the other kinds too, by
//! [`CreateItems`](crate::items::CreateItems).

pub use crate::operations::{CreateCalendarItem, FindCalendarItems, GetCalendarItem};
pub use crate::types::{
    Attendee, CalendarItem, CalendarView, DayOfWeek, DayOfWeekIndex, FreeBusyStatus, ItemTimeZone,
    LegacyTimeZone, MeetingCancellation, MeetingRequest, MeetingRequestType, MeetingResponse,
    NewCalendarItem, Occurrence, Recurrence, RecurrencePattern, RecurrenceRange, ResponseType,
    SendMeetingCancellations, SendMeetingInvitations, SendMeetingInvitationsOrCancellations,
    TimeChange, TimeChangeRule,
};
