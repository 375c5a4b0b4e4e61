//! The directory and availability: names resolved to mailboxes and contacts, free/busy
//! views of mailboxes over a time window, and ids converted between formats.

pub use crate::operations::{ConvertId, GetUserAvailability, ResolveNames};
pub use crate::types::{
    AlternateId, AttendeeType, AvailabilityMailbox, CalendarEvent, CalendarEventDetails,
    ContactDataShape, ConvertedId, FreeBusyOptions, FreeBusyView, FreeBusyViewKind, IdFormat,
    Resolution, ResolvedContact, SearchScope, SerializableTimeZone, TimeZoneTransition,
    WorkingHours, WorkingPeriod,
};
