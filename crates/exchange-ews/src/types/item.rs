//! Items of every kind, read into typed structs: the [`Item`] enum and the properties all
//! kinds share.

use chrono::{DateTime, Utc};

use crate::calendar::CalendarItem;
use crate::decoded::Node;
use crate::items::{GenericItem, PropertyPath};
use crate::types::{Contact, MeetingCancellation, MeetingRequest, MeetingResponse, Message, Task};
use crate::{EwsError, ItemId};

/// Declares an item struct: the properties every item kind shares (`t:ItemType`), then the
/// fields given, then `unmodelled`. Generates `from_properties`, which fills the shared ones.
macro_rules! item_struct {
    ($(#[$meta:meta])* $name:ident { $($(#[$fmeta:meta])* $field:ident: $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Default)]
        pub struct $name {
            /// `ItemId`: the id and change key.
            pub id: $crate::ItemId,
            /// `ParentFolderId`: the folder holding the item.
            pub parent_folder_id: Option<$crate::folders::FolderId>,
            /// `ItemClass`: the message class (`IPM.Note`, `IPM.Contact`, …).
            pub item_class: Option<String>,
            /// `Subject`.
            pub subject: Option<String>,
            /// `Sensitivity`.
            pub sensitivity: Option<$crate::items::Sensitivity>,
            /// `Body` (only `GetItem` returns it).
            pub body: Option<$crate::items::Body>,
            /// `Attachments`: what the item says of each attachment (not the content).
            pub attachments: Vec<$crate::attachments::AttachmentSummary>,
            /// `DateTimeReceived`.
            pub date_time_received: Option<chrono::DateTime<chrono::Utc>>,
            /// `Size` in bytes.
            pub size: Option<u64>,
            /// `Categories`.
            pub categories: Vec<String>,
            /// `Importance`.
            pub importance: Option<$crate::items::Importance>,
            /// `DateTimeSent`.
            pub date_time_sent: Option<chrono::DateTime<chrono::Utc>>,
            /// `DateTimeCreated`.
            pub date_time_created: Option<chrono::DateTime<chrono::Utc>>,
            /// `ReminderIsSet`, `ReminderMinutesBeforeStart` and `ReminderDueBy`.
            pub reminder: $crate::items::Reminder,
            /// `HasAttachments`.
            pub has_attachments: Option<bool>,
            /// `ExtendedProperty`: the extended (MAPI) properties the shape asked for.
            pub extended_properties: Vec<$crate::items::ExtendedProperty>,
            /// `Culture`: the language of the item (`en-US`).
            pub culture: Option<String>,
            /// `LastModifiedTime` (Exchange 2010 and later).
            pub last_modified: Option<chrono::DateTime<chrono::Utc>>,
            $($(#[$fmeta])* pub $field: $ty,)*
            /// Every child element this crate does not read, in document order.
            pub unmodelled: Vec<$crate::decoded::Node>,
        }

        impl $name {
            /// The item with the shared properties `p` and every other field at its default.
            pub(crate) fn from_properties(p: $crate::types::ItemProperties) -> Self {
                Self {
                    id: p.id,
                    parent_folder_id: p.parent_folder_id,
                    item_class: p.item_class,
                    subject: p.subject,
                    sensitivity: p.sensitivity,
                    body: p.body,
                    attachments: p.attachments,
                    date_time_received: p.date_time_received,
                    size: p.size,
                    categories: p.categories,
                    importance: p.importance,
                    date_time_sent: p.date_time_sent,
                    date_time_created: p.date_time_created,
                    reminder: p.reminder,
                    has_attachments: p.has_attachments,
                    extended_properties: p.extended_properties,
                    culture: p.culture,
                    last_modified: p.last_modified,
                    ..Self::default()
                }
            }
        }
    };
}
pub(crate) use item_struct;

/// The properties of `t:ItemType` that every typed item carries, as read once for all kinds.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ItemProperties {
    pub(crate) id: ItemId,
    pub(crate) parent_folder_id: Option<crate::folders::FolderId>,
    pub(crate) item_class: Option<String>,
    pub(crate) subject: Option<String>,
    pub(crate) sensitivity: Option<crate::items::Sensitivity>,
    pub(crate) body: Option<crate::items::Body>,
    pub(crate) attachments: Vec<AttachmentSummary>,
    pub(crate) date_time_received: Option<DateTime<Utc>>,
    pub(crate) size: Option<u64>,
    pub(crate) categories: Vec<String>,
    pub(crate) importance: Option<crate::items::Importance>,
    pub(crate) date_time_sent: Option<DateTime<Utc>>,
    pub(crate) date_time_created: Option<DateTime<Utc>>,
    pub(crate) reminder: crate::items::Reminder,
    pub(crate) has_attachments: Option<bool>,
    pub(crate) extended_properties: Vec<ExtendedProperty>,
    pub(crate) culture: Option<String>,
    pub(crate) last_modified: Option<DateTime<Utc>>,
}

/// An item of any kind, read into the struct of its kind.
///
/// The kind follows the element Exchange sent (`t:Contact`, `t:Task`, …); a `t:Message`
/// whose item class is `IPM.StickyNote` is a [`Note`](Self::Note). Kinds this crate does not
/// model (`t:PostItem`, `t:DistributionList`, anything newer) are kept whole as
/// [`Other`](Self::Other), never an error.
///
/// Every kind needs its `ItemId`. A calendar item is typed when it carries its `Start` and
/// `End` (the `Default` and `AllProperties` shapes return them); one read in a shape without
/// them (`IdOnly`) comes as [`Other`](Self::Other) with kind `CalendarItem`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Item {
    /// An appointment or meeting (`t:CalendarItem`).
    Calendar(CalendarItem),
    /// A contact (`t:Contact`).
    Contact(Contact),
    /// A task (`t:Task`).
    Task(Task),
    /// An e-mail message (`t:Message`).
    Message(Message),
    /// A sticky note: a `t:Message` of item class `IPM.StickyNote` (the `notes` folder).
    Note(Message),
    /// A meeting request (`t:MeetingRequest`).
    MeetingRequest(MeetingRequest),
    /// An attendee's answer to a meeting request (`t:MeetingResponse`).
    MeetingResponse(MeetingResponse),
    /// A meeting cancellation (`t:MeetingCancellation`).
    MeetingCancellation(MeetingCancellation),
    /// An item of a kind this crate does not model, as sent.
    Other(GenericItem),
}

impl Item {
    /// Reads an item element kept as a generic [`Node`] (the `element` of a
    /// [`Changed::Item`](crate::sync::Changed::Item), the `node` of a [`GenericItem`]) into the
    /// struct of its kind.
    pub fn from_node(node: &Node) -> Result<Self, EwsError> {
        crate::operations::item_from_node(node)
    }

    /// The item's id.
    pub fn id(&self) -> &ItemId {
        match self {
            Self::Calendar(i) => &i.id,
            Self::Contact(i) => &i.id,
            Self::Task(i) => &i.id,
            Self::Message(i) | Self::Note(i) => &i.id,
            Self::MeetingRequest(i) => &i.message.id,
            Self::MeetingResponse(i) => &i.message.id,
            Self::MeetingCancellation(i) => &i.message.id,
            Self::Other(i) => &i.id,
        }
    }

    /// The element the item came as (`CalendarItem`, `Contact`, `Message`, …).
    pub fn kind(&self) -> &str {
        match self {
            Self::Calendar(_) => "CalendarItem",
            Self::Contact(_) => "Contact",
            Self::Task(_) => "Task",
            Self::Message(_) | Self::Note(_) => "Message",
            Self::MeetingRequest(_) => "MeetingRequest",
            Self::MeetingResponse(_) => "MeetingResponse",
            Self::MeetingCancellation(_) => "MeetingCancellation",
            Self::Other(i) => &i.kind,
        }
    }
}

/// What an item says of one of its attachments (`t:FileAttachment`, `t:ItemAttachment`,
/// `t:ReferenceAttachment`): enough to list them; the content is read with the attachment
/// operations.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct AttachmentSummary {
    /// `FileAttachment`, `ItemAttachment` or `ReferenceAttachment`.
    pub kind: String,
    /// `AttachmentId`.
    pub id: Option<String>,
    /// `Name`: the file name or the attached item's subject.
    pub name: Option<String>,
    /// `ContentType` (`application/pdf`).
    pub content_type: Option<String>,
    /// `ContentId`: how an inline attachment is named in an HTML body.
    pub content_id: Option<String>,
    /// `Size` in bytes (Exchange 2010 and later).
    pub size: Option<u64>,
    /// `LastModifiedTime` (Exchange 2010 and later).
    pub last_modified_time: Option<DateTime<Utc>>,
    /// `IsInline` (Exchange 2010 and later).
    pub is_inline: Option<bool>,
}

/// An extended (MAPI) property of an item (`t:ExtendedProperty`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ExtendedProperty {
    /// Which property (a [`PropertyPath::Extended`]).
    pub path: PropertyPath,
    /// Its value, as text.
    pub value: ExtendedValue,
}

/// The value of an extended property.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ExtendedValue {
    /// `Value`: one value.
    Single(String),
    /// `Values`: the values of an array property.
    Array(Vec<String>),
}

/// One page of `FindItem` read into typed items (see
/// [`FindTypedItems`](crate::items::FindTypedItems)).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TypedItemPage {
    /// The items of the page.
    pub items: Vec<Item>,
    /// `IncludesLastItemInRange`: whether this page ends the view.
    pub includes_last_item_in_range: bool,
    /// `IndexedPagingOffset`: the offset of the next page, when the server sent one.
    pub indexed_paging_offset: Option<u32>,
    /// `TotalItemsInView`: how many items the whole view holds.
    pub total_items_in_view: Option<u32>,
}
