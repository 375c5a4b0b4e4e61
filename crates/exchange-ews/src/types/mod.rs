//! The data types of requests and responses.

mod attachment;
mod availability;
mod calendar;
mod calendar_new;
mod calendar_parts;
mod common;
mod contact;
mod contact_fields;
mod directory;
mod field_versions;
mod folder;
mod ids;
mod item;
mod meeting;
mod message;
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
mod task;
mod update;

pub use attachment::{
    Attachment, AttachmentId, AttachmentShape, NewAttachment, NewFileAttachment,
    MAX_ATTACHMENT_BYTES,
};
pub use availability::{
    AttendeeType, AvailabilityMailbox, CalendarEvent, CalendarEventDetails, FreeBusyOptions,
    FreeBusyView, FreeBusyViewKind, SerializableTimeZone, TimeZoneTransition, WorkingHours,
    WorkingPeriod,
};
pub use calendar::{Body, BodyType, CalendarItem, CalendarView, Mailbox};
pub use calendar_new::NewCalendarItem;
pub use calendar_parts::{
    FreeBusyStatus, ItemTimeZone, LegacyTimeZone, Occurrence, Reminder, TimeChange, TimeChangeRule,
};
pub use common::{Attendee, Importance, ResponseType, Sensitivity};
pub use contact::{Contact, ContactEmailAddress, ImAddressKey, NewContact, PostalAddressIndex};
pub use contact_fields::{EmailAddressKey, PhoneNumberKey, PhysicalAddress, PhysicalAddressKey};
pub use directory::{
    AlternateId, ContactDataShape, ConvertedId, IdFormat, Resolution, ResolvedContact, SearchScope,
};
pub(crate) use field_versions::field_since;
pub use folder::{Folder, FolderId, FolderPage, Traversal};
pub use ids::{DistinguishedFolder, FolderTarget, ItemId};
pub(crate) use item::ItemProperties;
pub use item::{AttachmentSummary, ExtendedProperty, ExtendedValue, Item, TypedItemPage};
pub use meeting::{MeetingCancellation, MeetingRequest, MeetingRequestType, MeetingResponse};
pub use message::{Message, NewMessage, NewNote, NOTE_ITEM_CLASS};
pub use new_item::NewItem;
pub use options::{
    AffectedTaskOccurrences, ConflictResolution, DeleteType, MessageDisposition,
    SendMeetingCancellations, SendMeetingInvitations, SendMeetingInvitationsOrCancellations,
};
pub use paging::{IndexedPage, ItemPage, ItemSummary};
pub use property_path::{DistinguishedPropertySet, MapiPropertyType, PropertyPath};
pub use recurrence::{DayOfWeek, DayOfWeekIndex, Recurrence, RecurrencePattern, RecurrenceRange};
pub use restriction::{Restriction, MAX_CONSTANT_CHARS, MAX_RESTRICTION_DEPTH};
pub use search_terms::{Comparison, ContainmentComparison, ContainmentMode, Operand};
pub use shape::{BaseShape, BodyFormat, ItemShape, SortDirection, SortOrder, MAX_PATHS};
pub use sync::{Change, Changed, ChangedId, SyncItemShape, SyncResult};
pub use task::{NewTask, Task, TaskDelegationState, TaskStatus};
pub use update::{FieldUpdate, ItemChange, ItemKind, PropertyValue, MAX_UPDATES_PER_CHANGE};
