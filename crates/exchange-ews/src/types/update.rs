//! Changes to existing items: which properties to set, append to or delete.

use chrono::{DateTime, Utc};

use crate::calendar::{Attendee, Recurrence};
use crate::items::{Body, Importance, Mailbox, PropertyPath, Sensitivity};
use crate::operations::{check_count, check_field_update};
use crate::{EwsError, ItemId};

/// The most field updates one [`ItemChange`] may carry.
pub const MAX_UPDATES_PER_CHANGE: usize = 512;

/// The element an update's values are written in (`SetItemField/Message`, …); it must be
/// the kind of the item changed, or a kind it derives from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ItemKind {
    /// Any item (`t:Item`): only the `item:` properties.
    Item,
    /// An e-mail message.
    Message,
    /// An appointment or meeting.
    CalendarItem,
    /// A contact.
    Contact,
    /// A distribution list.
    DistributionList,
    /// A task.
    Task,
    /// A meeting message.
    MeetingMessage,
    /// A meeting request.
    MeetingRequest,
    /// A meeting response.
    MeetingResponse,
    /// A meeting cancellation.
    MeetingCancellation,
    /// A post in a public folder.
    PostItem,
}

impl ItemKind {
    /// Every kind.
    pub const ALL: &'static [Self] = &[
        Self::Item,
        Self::Message,
        Self::CalendarItem,
        Self::Contact,
        Self::DistributionList,
        Self::Task,
        Self::MeetingMessage,
        Self::MeetingRequest,
        Self::MeetingResponse,
        Self::MeetingCancellation,
        Self::PostItem,
    ];

    /// The element name (`Message`, `CalendarItem`, …).
    pub fn element_name(self) -> &'static str {
        match self {
            Self::Item => "Item",
            Self::Message => "Message",
            Self::CalendarItem => "CalendarItem",
            Self::Contact => "Contact",
            Self::DistributionList => "DistributionList",
            Self::Task => "Task",
            Self::MeetingMessage => "MeetingMessage",
            Self::MeetingRequest => "MeetingRequest",
            Self::MeetingResponse => "MeetingResponse",
            Self::MeetingCancellation => "MeetingCancellation",
            Self::PostItem => "PostItem",
        }
    }

    /// The prefixed element name the writer takes.
    pub(crate) fn tag(self) -> &'static str {
        match self {
            Self::Item => "t:Item",
            Self::Message => "t:Message",
            Self::CalendarItem => "t:CalendarItem",
            Self::Contact => "t:Contact",
            Self::DistributionList => "t:DistributionList",
            Self::Task => "t:Task",
            Self::MeetingMessage => "t:MeetingMessage",
            Self::MeetingRequest => "t:MeetingRequest",
            Self::MeetingResponse => "t:MeetingResponse",
            Self::MeetingCancellation => "t:MeetingCancellation",
            Self::PostItem => "t:PostItem",
        }
    }

    /// Whether the kind is a message, for which Exchange requires a `MessageDisposition`.
    pub fn is_message(self) -> bool {
        matches!(
            self,
            Self::Message
                | Self::MeetingMessage
                | Self::MeetingRequest
                | Self::MeetingResponse
                | Self::MeetingCancellation
        )
    }
}

/// A value written into a property by an update.
///
/// Which value fits which property is fixed by the property: text for `item:Subject`, a
/// [`Body`] for `item:Body`, mailboxes for `message:ToRecipients`, …; a value of the wrong
/// shape is refused when the [`FieldUpdate`] is made.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PropertyValue {
    /// Text (also an e-mail address, phone number or address part of a contact).
    Text(String),
    /// A boolean.
    Bool(bool),
    /// An integer.
    Integer(i64),
    /// A point in time.
    DateTime(DateTime<Utc>),
    /// A list of strings (categories, companies, the values of an array property).
    Strings(Vec<String>),
    /// A body.
    Body(Body),
    /// One mailbox (`message:From`, `message:Sender`).
    Mailbox(Mailbox),
    /// Recipients.
    Mailboxes(Vec<Mailbox>),
    /// Attendees of a meeting.
    Attendees(Vec<Attendee>),
    /// A recurrence of a calendar item or task.
    Recurrence(Recurrence),
    /// An importance.
    Importance(Importance),
    /// A sensitivity.
    Sensitivity(Sensitivity),
}

impl PropertyValue {
    /// What kind of value it is, for error messages.
    pub(crate) fn describe(&self) -> &'static str {
        match self {
            Self::Text(_) => "text",
            Self::Bool(_) => "a boolean",
            Self::Integer(_) => "an integer",
            Self::DateTime(_) => "a date-time",
            Self::Strings(_) => "a list of strings",
            Self::Body(_) => "a body",
            Self::Mailbox(_) => "a mailbox",
            Self::Mailboxes(_) => "a list of mailboxes",
            Self::Attendees(_) => "a list of attendees",
            Self::Recurrence(_) => "a recurrence",
            Self::Importance(_) => "an importance",
            Self::Sensitivity(_) => "a sensitivity",
        }
    }
}

macro_rules! value_from {
    ($($source:ty => $variant:ident),+ $(,)?) => {
        $(impl From<$source> for PropertyValue {
            fn from(value: $source) -> Self {
                Self::$variant(value.into())
            }
        })+
    };
}

value_from!(
    &str => Text,
    String => Text,
    bool => Bool,
    i64 => Integer,
    i32 => Integer,
    u32 => Integer,
    DateTime<Utc> => DateTime,
    Vec<String> => Strings,
    Body => Body,
    Mailbox => Mailbox,
    Vec<Mailbox> => Mailboxes,
    Vec<Attendee> => Attendees,
    Recurrence => Recurrence,
    Importance => Importance,
    Sensitivity => Sensitivity,
);

/// One change to one property of an item (`SetItemField`, `AppendToItemField`,
/// `DeleteItemField`).
///
/// Make updates with [`set`](Self::set), [`append`](Self::append) and
/// [`delete`](Self::delete), which refuse a property the crate cannot write, a value of the
/// wrong shape and an append to a property Exchange cannot append to; [`ItemChange::new`]
/// checks the variants built by hand the same way.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum FieldUpdate {
    /// Replaces the property's value.
    Set(PropertyPath, PropertyValue),
    /// Adds to the property's value (body, recipients, attendees, categories, …).
    Append(PropertyPath, PropertyValue),
    /// Removes the property.
    Delete(PropertyPath),
}

impl FieldUpdate {
    /// Sets `path` to `value`.
    pub fn set(
        path: impl Into<PropertyPath>,
        value: impl Into<PropertyValue>,
    ) -> Result<Self, EwsError> {
        let update = Self::Set(path.into(), value.into());
        check_field_update(&update, None)?;
        Ok(update)
    }

    /// Appends `value` to `path`.
    pub fn append(
        path: impl Into<PropertyPath>,
        value: impl Into<PropertyValue>,
    ) -> Result<Self, EwsError> {
        let update = Self::Append(path.into(), value.into());
        check_field_update(&update, None)?;
        Ok(update)
    }

    /// Deletes `path`.
    pub fn delete(path: impl Into<PropertyPath>) -> Result<Self, EwsError> {
        let update = Self::Delete(path.into());
        check_field_update(&update, None)?;
        Ok(update)
    }

    /// The property changed.
    pub fn path(&self) -> &PropertyPath {
        match self {
            Self::Set(path, _) | Self::Append(path, _) | Self::Delete(path) => path,
        }
    }
}

/// The changes to one item (`t:ItemChange`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ItemChange {
    id: ItemId,
    kind: ItemKind,
    updates: Vec<FieldUpdate>,
}

impl ItemChange {
    /// Changes the item `id` of kind `kind` by `updates` (1 to [`MAX_UPDATES_PER_CHANGE`]).
    /// The id should carry the change key the item was read with: Exchange compares it to
    /// detect changes made since, as the request's
    /// [`ConflictResolution`](crate::items::ConflictResolution) says. Each update is checked, and
    /// must fit `kind`.
    pub fn new(id: ItemId, kind: ItemKind, updates: Vec<FieldUpdate>) -> Result<Self, EwsError> {
        id.check("item id")?;
        check_count("updates", updates.len(), MAX_UPDATES_PER_CHANGE)?;
        for update in &updates {
            check_field_update(update, Some(kind))?;
        }
        Ok(Self { id, kind, updates })
    }

    /// The item changed.
    pub fn id(&self) -> &ItemId {
        &self.id
    }

    /// The element the values are written in.
    pub fn kind(&self) -> ItemKind {
        self.kind
    }

    /// The updates, in order.
    pub fn updates(&self) -> &[FieldUpdate] {
        &self.updates
    }
}
