//! Reading and writing items, one file per kind: the elements every kind shares, calendar
//! items and their values, contacts, tasks, messages and meeting messages, recurrences and
//! mailboxes. The operations of every area read and write their items through these.

pub(crate) mod calendar;
pub(crate) mod calendar_values;
pub(crate) mod calendar_write;
mod contact;
pub(crate) mod item;
pub(crate) mod item_values;
pub(crate) mod item_write;
pub(crate) mod mailbox;
mod message;
pub(crate) mod recurrence;
mod task;

pub(crate) use calendar_write::{check_calendar_item, write_calendar_item};
pub(crate) use contact::{check_new_contact, write_new_contact};
pub(crate) use item_values::item_from_node;
pub(crate) use message::{check_new_message, check_new_note, write_new_message, write_new_note};
pub(crate) use task::{check_new_task, write_new_task};
