//! Typed records: one Rust struct per table, with a field for each of the table's declared
//! fields ([`Table::fields`]).
//!
//! [`Appointment`], [`Contact`], [`Task`], [`Message`], [`Note`] and [`Folder`] are declared by
//! one macro from a list of `rust_name: Type = "FieldName"` lines; the macro writes the struct
//! and its [`TableRow`] impl, so a struct and its conversions cannot drift apart. The field
//! names are the declared PascalCase names in snake_case (`PermanentURL` is `permanent_url`,
//! `ETag` is `e_tag`).
//!
//! # Every field is an `Option`
//!
//! A field is `None` when the record lacks a value, and that is not only the case for the
//! nullable fields:
//!
//! - a query that selects fields ([`Records::only`](crate::Records::only)) returns the keys and
//!   those fields, so a required field such as `Start` is missing from its records;
//! - a new record has no `ID`, `PermanentURL` or `ETag` until the server stores it;
//! - an update names the fields it changes, and a struct with only those set is the natural
//!   way to write it.
//!
//! A plain `T` for required fields would make all three fail or invent values, so the structs
//! use `Option<T>` throughout and [`Default`] is "no value anywhere". Whether a new record has
//! its required fields is checked by the gateway ([`Record::check_write`]).
//!
//! # Types
//!
//! | Field type | Rust type |
//! |---|---|
//! | Text | `String` |
//! | Integer | `i64` |
//! | Decimal | `f64` (an integer value is read as its `f64`) |
//! | Boolean | `bool` |
//! | DateTime | `DateTime<Utc>` |
//! | Date | `NaiveDate` |
//! | Duration | [`std::time::Duration`] (whole seconds on the wire; a fraction is dropped) |
//! | Binary | `Vec<u8>` |
//! | TextList | `Vec<String>` |
//! | Mailbox, MailboxList | [`MailboxValue`](mediagateway_api::tables::MailboxValue), `Vec<MailboxValue>` |
//! | Recurrence | [`Recurrence`](mediagateway_api::tables::Recurrence) |
//! | Enumeration | an enum per value set: [`Importance`], [`Sensitivity`], [`BusyStatus`], [`CalendarItemType`], [`ResponseType`], [`TaskStatus`] |
//!
//! # Conversions are strict
//!
//! [`TableRow::from_record`] refuses a record of another table
//! ([`ConnectorError::WrongTable`]), a field the struct does not know
//! ([`ConnectorError::UnknownField`]) and a value of another type or an enumeration text outside
//! the declared set ([`ConnectorError::WrongValue`], naming the field). Nothing in a record is
//! dropped on the way.
//!
//! ```
//! use exchange_connector::records::{Contact, TableRow};
//! use exchange_connector::tables::{FieldChange, Value};
//!
//! let stored = Contact {
//!     id: Some("AAMk1".into()),
//!     e_tag: Some("CQAA1".into()),
//!     surname: Some("Lovelace".into()),
//!     job_title: Some("Analyst".into()),
//!     ..Contact::default()
//! };
//! let record = stored.to_record();
//! assert_eq!(record.get("Surname"), Some(&Value::Text("Lovelace".into())));
//! assert_eq!(Contact::from_record(record).unwrap(), stored);
//!
//! let mut changed = stored.clone();
//! changed.given_name = Some("Ada".into());
//! changed.job_title = None;
//! assert_eq!(
//!     Contact::changes(&stored, &changed),
//!     vec![
//!         FieldChange::Set("GivenName".into(), Value::Text("Ada".into())),
//!         FieldChange::Clear("JobTitle".into()),
//!     ]
//! );
//! ```

use mediagateway_api::tables::{FieldChange, Record, Table, Value};

use crate::ConnectorError;

#[macro_use]
mod declare;
mod enums;
mod values;

mod items;

pub use enums::{BusyStatus, CalendarItemType, Importance, ResponseType, Sensitivity, TaskStatus};
pub use items::{Appointment, Attachment, Contact, Folder, Message, Note, Task};

/// A typed struct of one table's records.
pub trait TableRow: Sized {
    /// Its table.
    const TABLE: Table;

    /// The names of its fields, in the table's declaration order.
    const FIELDS: &'static [&'static str];

    /// Reads a record of [`Self::TABLE`]: every value must fit its field's Rust type, and every
    /// field must be one of the struct's.
    fn from_record(record: Record) -> Result<Self, ConnectorError>;

    /// The record of this struct's values; a `None` field is left out.
    fn to_record(&self) -> Record;

    /// The record's `ID`, when it has one.
    fn id(&self) -> Option<&str>;

    /// The record's `ETag` (its change key), when it has one.
    fn e_tag(&self) -> Option<&str>;

    /// The changes that turn `original` into `changed`: `Set` for a value that is new or
    /// differs, `Clear` for one that became `None`. Read-only fields (keys, counts, server
    /// times) are skipped, whatever their values.
    fn changes(original: &Self, changed: &Self) -> Vec<FieldChange> {
        record_changes(Self::TABLE, &original.to_record(), &changed.to_record())
    }
}

/// What a queryset yields: one of the typed structs ([`TableRow`]), or a plain [`Record`]
/// (for [`UserSession::table`](crate::UserSession::table)).
pub trait Row: Sized + Send + 'static {
    /// Reads a record of `table`.
    fn from_table_record(table: Table, record: Record) -> Result<Self, ConnectorError>;

    /// The record of this row, for a write to `table`.
    fn to_table_record(&self, table: Table) -> Result<Record, ConnectorError>;

    /// The changes that turn `original` into `changed` (see [`TableRow::changes`]).
    fn row_changes(table: Table, original: &Self, changed: &Self) -> Vec<FieldChange>;

    /// The row's `ID`.
    fn row_id(&self) -> Option<&str>;

    /// The row's `ETag`.
    fn row_e_tag(&self) -> Option<&str>;
}

impl<T: TableRow + Send + 'static> Row for T {
    fn from_table_record(_: Table, record: Record) -> Result<Self, ConnectorError> {
        T::from_record(record)
    }

    fn to_table_record(&self, _: Table) -> Result<Record, ConnectorError> {
        Ok(self.to_record())
    }

    fn row_changes(_: Table, original: &Self, changed: &Self) -> Vec<FieldChange> {
        T::changes(original, changed)
    }

    fn row_id(&self) -> Option<&str> {
        self.id()
    }

    fn row_e_tag(&self) -> Option<&str> {
        self.e_tag()
    }
}

impl Row for Record {
    /// Checks the table only: the record's values are the gateway's, as they came.
    fn from_table_record(table: Table, record: Record) -> Result<Self, ConnectorError> {
        same_table(table, record.table)?;
        Ok(record)
    }

    fn to_table_record(&self, table: Table) -> Result<Record, ConnectorError> {
        same_table(table, self.table)?;
        Ok(self.clone())
    }

    fn row_changes(table: Table, original: &Self, changed: &Self) -> Vec<FieldChange> {
        record_changes(table, original, changed)
    }

    fn row_id(&self) -> Option<&str> {
        text_of(self, "ID")
    }

    fn row_e_tag(&self) -> Option<&str> {
        text_of(self, "ETag")
    }
}

fn text_of<'a>(record: &'a Record, field: &str) -> Option<&'a str> {
    match record.get(field) {
        Some(Value::Text(text)) => Some(text),
        _ => None,
    }
}

fn same_table(expected: Table, found: Table) -> Result<(), ConnectorError> {
    if expected == found {
        Ok(())
    } else {
        Err(ConnectorError::WrongTable { expected, found })
    }
}

/// The changes from `original` to `changed` over the writable declared fields of `table`, in
/// declaration order.
fn record_changes(table: Table, original: &Record, changed: &Record) -> Vec<FieldChange> {
    table
        .fields()
        .iter()
        .filter(|field| !field.read_only)
        .filter_map(
            |field| match (original.get(field.name), changed.get(field.name)) {
                (before, Some(after)) if before != Some(after) => {
                    Some(FieldChange::Set(field.name.to_owned(), after.clone()))
                }
                (Some(_), None) => Some(FieldChange::Clear(field.name.to_owned())),
                _ => None,
            },
        )
        .collect()
}

#[cfg(test)]
mod strategies;
#[cfg(test)]
mod tests;
