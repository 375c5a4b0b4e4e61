//! The data types of requests and responses.

mod availability;
mod calendar;
mod common;
mod contact_fields;
mod directory;
mod field_versions;
mod folder;
mod ids;
mod new_item;
mod options;
mod paging;
mod property_path;
#[cfg(test)]
mod query_tests;
mod recurrence;
mod restriction;
mod search_terms;
mod shape;
mod sync;

pub use availability::{
    AttendeeType, AvailabilityMailbox, CalendarEvent, CalendarEventDetails, FreeBusyOptions,
    FreeBusyView, FreeBusyViewKind, SerializableTimeZone, TimeZoneTransition, WorkingHours,
    WorkingPeriod,
};
pub use calendar::{Body, BodyType, CalendarItem, CalendarView, Mailbox, NewCalendarItem};
pub use common::{Attendee, Importance, ResponseType, Sensitivity};
pub use contact_fields::{EmailAddressKey, PhoneNumberKey, PhysicalAddress, PhysicalAddressKey};
pub use directory::{
    AlternateId, ContactDataShape, ConvertedId, IdFormat, Resolution, ResolvedContact, SearchScope,
};
pub use folder::{Folder, FolderId, FolderPage, Traversal};
pub use ids::{DistinguishedFolder, FolderTarget, ItemId};
pub use new_item::NewItem;
pub use options::{DeleteType, SendMeetingCancellations, SendMeetingInvitations};
pub use paging::{IndexedPage, ItemPage, ItemSummary};
pub use property_path::{DistinguishedPropertySet, MapiPropertyType, PropertyPath};
pub use recurrence::{DayOfWeek, DayOfWeekIndex, Recurrence, RecurrencePattern, RecurrenceRange};
pub use restriction::{Restriction, MAX_CONSTANT_CHARS, MAX_RESTRICTION_DEPTH};
pub use search_terms::{Comparison, ContainmentComparison, ContainmentMode, Operand};
pub use shape::{BaseShape, BodyFormat, ItemShape, SortDirection, SortOrder, MAX_PATHS};
pub use sync::{Change, Changed, ChangedId, SyncItemShape, SyncResult};
