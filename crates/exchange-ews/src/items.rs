//! Items of every kind: the typed [`Item`] (contacts, tasks, messages, notes, and calendar
//! items from [`calendar`](crate::calendar)), new items to create, field updates, and the
//! restrictions, sort orders and shapes of queries; with the requests that read, find,
//! create, update, delete, move and copy items.
//!
//! [`GetItems`] and [`FindItems`] read items generically, [`GetTypedItems`] and
//! [`FindTypedItems`] into [`Item`]s; [`CreateItems`], [`UpdateItems`] and [`DeleteItems`]
//! write them, and [`MoveItems`] and [`CopyItems`] put them into another folder, each item
//! with its own result.

// The requests.
pub use crate::operations::{
    CopyItems, CreateItems, DeleteItem, DeleteItems, FindItems, FindTypedItems, GenericItem,
    GetItems, GetTypedItems, MoveItems, UpdateItems, UpdatedItem, MAX_ITEMS_PER_REQUEST,
    MAX_ITEM_IDS,
};
// Items as read, and what every kind shares.
pub use crate::types::{
    Body, BodyType, ExtendedProperty, ExtendedValue, Importance, IndexedPage, Item, ItemId,
    ItemPage, ItemSummary, Mailbox, Reminder, Sensitivity, TypedItemPage,
};
// The kinds other than calendar items.
pub use crate::types::{
    Contact, ContactEmailAddress, EmailAddressKey, ImAddressKey, Message, NewContact, NewMessage,
    NewNote, NewTask, PhoneNumberKey, PhysicalAddress, PhysicalAddressKey, PostalAddressIndex,
    Task, TaskDelegationState, TaskStatus, NOTE_ITEM_CLASS,
};
// Writing: new items, field updates and the options of the writes.
pub use crate::types::{
    AffectedTaskOccurrences, ConflictResolution, DeleteType, FieldUpdate, ItemChange, ItemKind,
    MessageDisposition, NewItem, PropertyValue, MAX_UPDATES_PER_CHANGE,
};
// Queries: property paths, restrictions, sort orders and shapes.
pub use crate::types::{
    BaseShape, BodyFormat, Comparison, ContainmentComparison, ContainmentMode,
    DistinguishedPropertySet, ItemShape, MapiPropertyType, Operand, PropertyPath, Restriction,
    SortDirection, SortOrder, MAX_CONSTANT_CHARS, MAX_PATHS, MAX_RESTRICTION_DEPTH,
};
