//! The Rust type of each field type: how a [`Value`] becomes a struct's field and back.

use std::time::Duration;

use chrono::{DateTime, NaiveDate, Utc};
use mediagateway_api::tables::{MailboxValue, Recurrence, Table, Value};

use crate::ConnectorError;

/// A Rust type a field's values are read into.
pub(crate) trait FieldValue: Sized {
    /// What the field takes, for errors.
    const EXPECTED: &'static str;

    /// The value as this type; on a mismatch, what the value is instead.
    fn from_value(value: Value) -> Result<Self, String>;

    /// The value of this type.
    fn to_value(&self) -> Value;
}

/// Reads `value` of `table.field` as a `T`, naming the field on a mismatch.
pub(crate) fn read<T: FieldValue>(
    table: Table,
    field: &str,
    value: Value,
) -> Result<T, ConnectorError> {
    T::from_value(value).map_err(|found| ConnectorError::WrongValue {
        table,
        field: field.to_owned(),
        expected: T::EXPECTED,
        found,
    })
}

/// The kind of a value, for errors.
pub(crate) fn kind(value: &Value) -> String {
    let kind = match value {
        Value::Text(_) => "Text",
        Value::Integer(_) => "Integer",
        Value::Decimal(_) => "Decimal",
        Value::Boolean(_) => "Boolean",
        Value::DateTime(_) => "DateTime",
        Value::Date(_) => "Date",
        Value::Duration(_) => "Duration",
        Value::Binary(_) => "Binary",
        Value::TextList(_) => "TextList",
        Value::Mailbox(_) => "Mailbox",
        Value::MailboxList(_) => "MailboxList",
        Value::Recurrence(_) => "Recurrence",
    };
    let article = if kind.starts_with(['A', 'E', 'I', 'O', 'U']) {
        "an"
    } else {
        "a"
    };
    format!("{article} {kind} value")
}

/// The impl of a type that is one `Value` variant, as is.
macro_rules! plain_value {
    ($($ty:ty => $article:literal $variant:ident),* $(,)?) => {$(
        impl FieldValue for $ty {
            const EXPECTED: &'static str = concat!($article, " ", stringify!($variant), " value");

            fn from_value(value: Value) -> Result<Self, String> {
                match value {
                    Value::$variant(v) => Ok(v),
                    other => Err(kind(&other)),
                }
            }

            fn to_value(&self) -> Value {
                Value::$variant(self.clone())
            }
        }
    )*};
}

plain_value! {
    String => "a" Text,
    i64 => "an" Integer,
    bool => "a" Boolean,
    DateTime<Utc> => "a" DateTime,
    NaiveDate => "a" Date,
    Vec<u8> => "a" Binary,
    Vec<String> => "a" TextList,
    MailboxValue => "a" Mailbox,
    Vec<MailboxValue> => "a" MailboxList,
    Recurrence => "a" Recurrence,
}

impl FieldValue for f64 {
    const EXPECTED: &'static str = "a Decimal value";

    /// A decimal, or an integer (which a decimal field may hold too).
    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Decimal(v) => Ok(v),
            // Exchange's decimals (percentages) are far below 2^53: the value is exact.
            #[allow(clippy::cast_precision_loss)]
            Value::Integer(v) => Ok(v as f64),
            other => Err(kind(&other)),
        }
    }

    fn to_value(&self) -> Value {
        Value::Decimal(*self)
    }
}

impl FieldValue for Duration {
    const EXPECTED: &'static str = "a Duration value";

    fn from_value(value: Value) -> Result<Self, String> {
        match value {
            Value::Duration(secs) => Ok(Duration::from_secs(secs)),
            other => Err(kind(&other)),
        }
    }

    /// Whole seconds: a fraction is dropped (durations are read-only and come in seconds).
    fn to_value(&self) -> Value {
        Value::Duration(self.as_secs())
    }
}
