//! Records: a row of a table as typed values by field name, and the checks a write must pass.

use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::{FieldType, Recurrence, Table, TableInfo};
use crate::ApiError;

/// The longest text value a record may carry, in bytes (bodies included: the gateway's own
/// body limit is usually lower).
pub const MAX_TEXT_BYTES: usize = 4 * 1024 * 1024;
/// The most entries of a list value.
pub const MAX_LIST_ENTRIES: usize = 1024;

/// A mailbox: a display name and an address.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MailboxValue {
    /// The display name, when known.
    pub name: Option<String>,
    /// The SMTP address.
    pub address: String,
}

/// A field's value, typed as its field. A field a record lacks has no value (it is null).
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Text, and an enumeration's value.
    Text(String),
    /// A whole number.
    Integer(i64),
    /// A decimal number.
    Decimal(f64),
    /// True or false.
    Boolean(bool),
    /// An instant.
    DateTime(DateTime<Utc>),
    /// A date.
    Date(NaiveDate),
    /// A span of time, in whole seconds.
    Duration(u64),
    /// Bytes.
    Binary(Vec<u8>),
    /// A list of strings.
    TextList(Vec<String>),
    /// A mailbox.
    Mailbox(MailboxValue),
    /// A list of mailboxes.
    MailboxList(Vec<MailboxValue>),
    /// How a series repeats.
    Recurrence(Recurrence),
}

impl Value {
    /// Whether this value may be a value of `field_type`.
    pub fn fits(&self, field_type: FieldType) -> bool {
        match (field_type, self) {
            (FieldType::Enumeration(values), Self::Text(v)) => values.contains(&v.as_str()),
            (FieldType::Text, Self::Text(_))
            | (FieldType::Integer, Self::Integer(_))
            | (FieldType::Decimal, Self::Integer(_))
            | (FieldType::Boolean, Self::Boolean(_))
            | (FieldType::DateTime, Self::DateTime(_))
            | (FieldType::Date, Self::Date(_))
            | (FieldType::Duration, Self::Duration(_))
            | (FieldType::Binary, Self::Binary(_))
            | (FieldType::TextList, Self::TextList(_))
            | (FieldType::Mailbox, Self::Mailbox(_))
            | (FieldType::MailboxList, Self::MailboxList(_))
            | (FieldType::Recurrence, Self::Recurrence(_)) => true,
            (FieldType::Decimal, Self::Decimal(d)) => d.is_finite(),
            _ => false,
        }
    }

    /// Checks the value's own bounds: text sizes and list lengths.
    fn check_bounds(&self, field: &str) -> Result<(), ApiError> {
        let too_long = |len: usize| {
            Err(ApiError::invalid(format!(
                "{field} holds {len} bytes; at most {MAX_TEXT_BYTES}"
            )))
        };
        let too_many = |len: usize| {
            Err(ApiError::invalid(format!(
                "{field} holds {len} entries; at most {MAX_LIST_ENTRIES}"
            )))
        };
        match self {
            Self::Text(text) if text.len() > MAX_TEXT_BYTES => too_long(text.len()),
            Self::TextList(list) if list.len() > MAX_LIST_ENTRIES => too_many(list.len()),
            Self::MailboxList(list) if list.len() > MAX_LIST_ENTRIES => too_many(list.len()),
            Self::Recurrence(recurrence) => recurrence.check(),
            Self::TextList(list) => match list.iter().map(String::len).sum::<usize>() {
                n if n > MAX_TEXT_BYTES => too_long(n),
                _ => Ok(()),
            },
            _ => Ok(()),
        }
    }
}

/// A field's name in a [`Record`]: borrowed from the table's declaration when the field is
/// one of the table's (so records made by the thousand allocate no names), owned otherwise.
pub type FieldName = Cow<'static, str>;

/// A row of a table: typed values by field name. A field without a value is absent.
#[derive(Debug, Clone, PartialEq)]
pub struct Record {
    /// The table.
    pub table: Table,
    /// The values, by field name.
    pub values: BTreeMap<FieldName, Value>,
}

/// What a write is: a new record, or changes to one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// A new record: every required writable field needs a value.
    Create,
    /// Changes to a record: only the fields given change.
    Update,
}

impl Record {
    /// An empty record of `table`.
    pub fn new(table: Table) -> Self {
        Self {
            table,
            values: BTreeMap::new(),
        }
    }

    /// This record with `field` set to `value`.
    #[must_use]
    pub fn with(mut self, field: impl Into<FieldName>, value: Value) -> Self {
        self.values.insert(field.into(), value);
        self
    }

    /// Sets `field` to `value`; the name is the table's own when the table has that field.
    pub fn set(&mut self, field: &str, value: Value) -> Option<Value> {
        self.values.insert(self.table.field_name(field), value)
    }

    /// The value of `field`, if it has one.
    pub fn get(&self, field: &str) -> Option<&Value> {
        self.values.get(field)
    }

    /// Checks a write of this record to `table`: every field exists and is writable, every
    /// value fits its field's type and bounds, and a new record has every required writable
    /// field.
    pub fn check_write(&self, table: &TableInfo, write: Write) -> Result<(), ApiError> {
        if self.table != table.table {
            return Err(ApiError::invalid(format!(
                "a {} record written to {}",
                self.table, table.table
            )));
        }
        for (name, value) in &self.values {
            let field = table.field(name).ok_or_else(|| {
                ApiError::invalid(format!("{} has no field {name:?}", table.table))
            })?;
            if field.read_only {
                return Err(ApiError::invalid(format!(
                    "{}.{name} is read-only",
                    table.table
                )));
            }
            if !value.fits(field.field_type) {
                return Err(ApiError::invalid(format!(
                    "{}.{name} is {:?}; the value given is not",
                    table.table, field.field_type
                )));
            }
            value.check_bounds(name)?;
        }
        if write == Write::Create {
            let missing: Vec<&str> = table
                .fields
                .iter()
                .filter(|f| {
                    !f.nullable && !f.read_only && !self.values.contains_key(f.name.as_str())
                })
                .map(|f| f.name.as_str())
                .collect();
            if !missing.is_empty() {
                return Err(ApiError::invalid(format!(
                    "a new {} needs {}",
                    table.table,
                    missing.join(", ")
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn meeting() -> Record {
        let start = Utc.with_ymd_and_hms(2026, 12, 8, 9, 0, 0).unwrap();
        Record::new(Table::Appointment)
            .with("Subject", Value::Text("Review".into()))
            .with("Start", Value::DateTime(start))
            .with("End", Value::DateTime(start + chrono::Duration::hours(1)))
    }

    #[test]
    fn a_new_record_needs_its_required_fields_and_writable_ones_only() {
        let table = Table::Appointment.metadata();
        meeting().check_write(&table, Write::Create).unwrap();
        let mut no_end = meeting();
        no_end.values.remove("End");
        let err = no_end.check_write(&table, Write::Create).unwrap_err();
        assert!(err.to_string().contains("needs End"), "{err}");
        no_end.check_write(&table, Write::Update).unwrap();
        for (field, value, says) in [
            ("ID", Value::Text("AAMk".into()), "read-only"),
            ("Nope", Value::Text("x".into()), "no field"),
            ("Start", Value::Text("tomorrow".into()), "DateTime"),
            ("BusyStatus", Value::Text("Sleeping".into()), "Enumeration"),
            (
                "Categories",
                Value::TextList(vec!["x".into(); 2000]),
                "entries",
            ),
            (
                "Subject",
                Value::Text("x".repeat(MAX_TEXT_BYTES + 1)),
                "bytes",
            ),
        ] {
            let err = meeting()
                .with(field, value)
                .check_write(&table, Write::Update)
                .unwrap_err();
            assert!(
                matches!(err, ApiError::InvalidArgument { .. }) && err.to_string().contains(says),
                "{field}: {err}"
            );
        }
        let contact = Record::new(Table::Contact).with("DisplayName", Value::Text("Ada".into()));
        assert!(
            contact.check_write(&table, Write::Update).is_err(),
            "another table"
        );
    }

    #[test]
    fn values_fit_their_types() {
        assert!(Value::Integer(3).fits(FieldType::Decimal));
        assert!(!Value::Decimal(f64::INFINITY).fits(FieldType::Decimal));
        assert!(!Value::Decimal(0.5).fits(FieldType::Integer));
        assert!(Value::Text("High".into()).fits(FieldType::Enumeration(&["Low", "High"])));
        assert!(!Value::Text("high".into()).fits(FieldType::Enumeration(&["Low", "High"])));
        assert!(!Value::Boolean(true).fits(FieldType::Recurrence));
        let daily = Recurrence {
            pattern: crate::tables::Pattern::Daily { interval: 1 },
            range: crate::tables::Range::NoEnd {
                start: NaiveDate::from_ymd_opt(2026, 12, 7).unwrap(),
            },
        };
        assert!(Value::Recurrence(daily.clone()).fits(FieldType::Recurrence));
        let table = Table::Appointment.metadata();
        let record = Record::new(Table::Appointment);
        record
            .clone()
            .with("Recurrence", Value::Recurrence(daily.clone()))
            .check_write(&table, Write::Update)
            .unwrap();
        let mut never = daily;
        never.pattern = crate::tables::Pattern::Daily { interval: 0 };
        let err = record
            .with("Recurrence", Value::Recurrence(never))
            .check_write(&table, Write::Update)
            .unwrap_err();
        assert!(err.to_string().contains("interval"), "{err}");
    }
}
