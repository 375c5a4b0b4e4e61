//! The tables a portal designs with: Exchange's items as tables of typed fields, the way the
//! original connector shows them (Appointment, Contact, Task, Message, Note, Folder, and
//! Attachment as a child of every item table).
//!
//! Each table's fields are declared once, in this module's `fields` tables: name, type,
//! whether the field may be empty, is read-only, sortable or filterable, and how the EWS
//! backend reaches it ([`EwsColumn`]). That one declaration gives the metadata
//! ([`Table::metadata`]) and the backends' mapping; the first EWS version that knows a path is
//! the EWS client's to say, so it is not repeated here.
//!
//! Names are PascalCase, as in the original connector. Every item table has the key `ID`
//! (Exchange's id, which a move or some changes replace) and `PermanentURL`, which stays.
//!
//! ```
//! use mediagateway_api::tables::{FieldType, Table};
//!
//! let appointment = Table::Appointment.metadata();
//! assert_eq!(appointment.primary_key, "ID");
//! let start = appointment.field("Start").unwrap();
//! assert_eq!(start.field_type, FieldType::DateTime);
//! assert!(start.sortable && start.filterable);
//! // The connector's documented non-sortable fields are not sortable.
//! assert!(!appointment.field("PermanentURL").unwrap().sortable);
//! assert_eq!(Table::from_name("Contact"), Some(Table::Contact));
//! ```

mod eval;
mod fields;
mod filter;
mod query;
mod record;
mod recurrence;
mod requests;
mod sync;

pub use eval::compare_records;
pub use filter::{Comparison, Filter, Literal, MAX_DEPTH, MAX_NODES, MAX_TEXT_LEN, MAX_VALUE_LEN};
pub use query::{
    Query, SortKey, MAX_PAGE_SIZE, MAX_PAGE_TOKEN_LEN, MAX_SELECTED_FIELDS, MAX_SORT_KEYS,
};
pub use record::{FieldName, MailboxValue, Record, Value, Write, MAX_LIST_ENTRIES, MAX_TEXT_BYTES};
pub use recurrence::{Pattern, Range, Recurrence, WeekOfMonth, MAX_INTERVAL, MAX_OCCURRENCES};
pub use requests::{
    CreateRecord, DeleteMode, DeleteRecord, FieldChange, FolderRef, GetRecord, MeetingNotice,
    MessageDisposition, RecordChunk, RecordKey, TableQuery, TaskOccurrences, TransferRecord,
    UpdateRecord, WellKnownFolder, WriteOptions, MAX_CHANGES, MAX_KEY_LEN,
};
pub use sync::{Changes, ChangesRequest, ReadFlagChange, MAX_SYNC_CHANGES, MAX_SYNC_STATE_LEN};

/// A table.
///
/// Exhaustive: a new table changes every wire's mapping, which an exhaustive `match` finds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Table {
    /// Calendar items.
    Appointment,
    /// Contacts.
    Contact,
    /// Tasks.
    Task,
    /// E-mail messages.
    Message,
    /// Sticky notes.
    Note,
    /// Folders, with their item counts.
    Folder,
    /// The attachments of an item of any table.
    Attachment,
}

impl Table {
    /// Every table.
    pub const ALL: [Self; 7] = [
        Self::Appointment,
        Self::Contact,
        Self::Task,
        Self::Message,
        Self::Note,
        Self::Folder,
        Self::Attachment,
    ];

    /// Its name: `Appointment`, `Contact`, …
    pub fn name(self) -> &'static str {
        match self {
            Self::Appointment => "Appointment",
            Self::Contact => "Contact",
            Self::Task => "Task",
            Self::Message => "Message",
            Self::Note => "Note",
            Self::Folder => "Folder",
            Self::Attachment => "Attachment",
        }
    }

    /// The table called `name` (exactly), if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|t| t.name() == name)
    }

    /// Its fields, as declared.
    pub fn fields(self) -> &'static [Field] {
        match self {
            Self::Appointment => fields::APPOINTMENT,
            Self::Contact => fields::CONTACT,
            Self::Task => fields::TASK,
            Self::Message => fields::MESSAGE,
            Self::Note => fields::NOTE,
            Self::Folder => fields::FOLDER,
            Self::Attachment => fields::ATTACHMENT,
        }
    }

    /// The field called `name` (exactly), if the table has one. A binary search of the
    /// table's fields by name, sorted once: records look their fields up by the thousand.
    pub fn field(self, name: &str) -> Option<&'static Field> {
        static BY_NAME: std::sync::OnceLock<Vec<Vec<&'static Field>>> = std::sync::OnceLock::new();
        let by_name = BY_NAME.get_or_init(|| {
            Self::ALL
                .iter()
                .map(|table| {
                    let mut fields: Vec<&'static Field> = table.fields().iter().collect();
                    fields.sort_unstable_by_key(|f| f.name);
                    fields
                })
                .collect()
        });
        let table = Self::ALL.iter().position(|t| *t == self).unwrap_or(0);
        let fields = &by_name[table];
        fields
            .binary_search_by(|f| f.name.cmp(name))
            .ok()
            .map(|at| fields[at])
    }

    /// `name` as a record key: the declared name, borrowed, when this table has the field;
    /// an owned copy otherwise.
    pub fn field_name(self, name: &str) -> FieldName {
        self.field(name)
            .map_or_else(|| FieldName::Owned(name.to_owned()), |f| f.name.into())
    }

    /// The field naming the record a row of this table belongs to: `FKItemID` for
    /// attachments, none for the others.
    pub fn parent_key(self) -> Option<&'static str> {
        match self {
            Self::Attachment => Some("FKItemID"),
            _ => None,
        }
    }

    /// The table's metadata, every declared field included. A backend that lacks a field
    /// leaves it out of what it reports (see [`TableInfo::without`]).
    pub fn metadata(self) -> TableInfo {
        TableInfo {
            table: self,
            fields: self.fields().iter().map(FieldInfo::from).collect(),
            primary_key: "ID",
            stable_key: (self != Self::Attachment).then_some("PermanentURL"),
            parent_key: self.parent_key(),
        }
    }
}

impl std::fmt::Display for Table {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The type of a field's values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldType {
    /// A string.
    Text,
    /// A whole number.
    Integer,
    /// A decimal number (a percentage, say).
    Decimal,
    /// True or false.
    Boolean,
    /// An instant (UTC on the wire).
    DateTime,
    /// A calendar date, read in the data source's time zone.
    Date,
    /// A span of time.
    Duration,
    /// Bytes.
    Binary,
    /// A list of strings.
    TextList,
    /// A mailbox: a name and an address.
    Mailbox,
    /// A list of mailboxes.
    MailboxList,
    /// A recurrence pattern and range.
    Recurrence,
    /// One of a fixed set of values.
    Enumeration(&'static [&'static str]),
}

/// How the EWS backend reaches a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EwsColumn {
    /// A property with a field URI (`item:Subject`).
    Field(&'static str),
    /// An entry of an indexed property (`contacts:EmailAddress` with key `EmailAddress1`).
    Indexed(&'static str, &'static str),
    /// Derived by the backend from what it reads (an item's id and change key, the permanent
    /// key, an attachment's content).
    Derived,
}

/// One field of a table, as declared.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Field {
    /// Its name (PascalCase).
    pub name: &'static str,
    /// The type of its values.
    pub field_type: FieldType,
    /// Whether a record may lack a value.
    pub nullable: bool,
    /// Whether only the server sets it.
    pub read_only: bool,
    /// Whether records can be sorted by it.
    pub sortable: bool,
    /// Whether a filter can test it.
    pub filterable: bool,
    /// How the EWS backend reaches it.
    pub ews: EwsColumn,
}

impl Field {
    /// A nullable, writable, sortable and filterable field.
    pub(crate) const fn new(name: &'static str, field_type: FieldType, ews: EwsColumn) -> Self {
        Self {
            name,
            field_type,
            nullable: true,
            read_only: false,
            sortable: true,
            filterable: true,
            ews,
        }
    }

    /// Set by the server only.
    pub(crate) const fn read_only(mut self) -> Self {
        self.read_only = true;
        self
    }

    /// Always has a value.
    pub(crate) const fn required(mut self) -> Self {
        self.nullable = false;
        self
    }

    /// Not a sort key.
    pub(crate) const fn unsorted(mut self) -> Self {
        self.sortable = false;
        self
    }

    /// Neither a sort key nor testable by a filter.
    pub(crate) const fn opaque(mut self) -> Self {
        self.sortable = false;
        self.filterable = false;
        self
    }
}

/// What a portal learns of one field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldInfo {
    /// Its name.
    pub name: String,
    /// The type of its values.
    pub field_type: FieldType,
    /// Whether a record may lack a value.
    pub nullable: bool,
    /// Whether only the server sets it.
    pub read_only: bool,
    /// Whether records can be sorted by it.
    pub sortable: bool,
    /// Whether a filter can test it.
    pub filterable: bool,
}

impl From<&Field> for FieldInfo {
    fn from(field: &Field) -> Self {
        Self {
            name: field.name.to_owned(),
            field_type: field.field_type,
            nullable: field.nullable,
            read_only: field.read_only,
            sortable: field.sortable,
            filterable: field.filterable,
        }
    }
}

/// What a portal learns of one table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableInfo {
    /// The table.
    pub table: Table,
    /// Its fields, in declaration order.
    pub fields: Vec<FieldInfo>,
    /// The primary key: `ID`.
    pub primary_key: &'static str,
    /// The key that stays across edits and moves: `PermanentURL` (none for attachments, which
    /// live and die with their item).
    pub stable_key: Option<&'static str>,
    /// The field naming the parent record (attachments: `FKItemID`).
    pub parent_key: Option<&'static str>,
}

impl TableInfo {
    /// The field called `name`, if the table has it.
    pub fn field(&self, name: &str) -> Option<&FieldInfo> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// This metadata without the fields `missing` picks (those a backend or a server version
    /// lacks). Keys are never left out.
    #[must_use]
    pub fn without(mut self, missing: impl Fn(&FieldInfo) -> bool) -> Self {
        let keys = [Some(self.primary_key), self.stable_key, self.parent_key];
        self.fields
            .retain(|f| keys.contains(&Some(f.name.as_str())) || !missing(f));
        self
    }
}

#[cfg(test)]
mod tests;
