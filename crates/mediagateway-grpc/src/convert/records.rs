//! The records of the tables area: typed values, records and recurrences, and the helpers
//! the other messages of the area read theirs with.
//!
//! Decoding refuses what no table could accept (an unknown table or enum value, a missing
//! message, a date that does not exist, a field named twice) and leaves the checks against a
//! table's metadata to the gateway.

use chrono::{Datelike, NaiveDate, Weekday};
use mediagateway_api::tables::{
    MailboxValue, Pattern, Range, Record, RecordChunk, Recurrence, Table, Value, WeekOfMonth,
};
use mediagateway_api::ApiError;

use super::{millis, time};
use crate::proto;

/// The table called `name`.
pub(super) fn table(name: &str) -> Result<Table, ApiError> {
    Table::from_name(name)
        .ok_or_else(|| ApiError::invalid(format!("table: {name:?} is not a table")))
}

/// An enum of the wire read from its number; a number the enum does not have is refused.
pub(super) fn wire_enum<E: TryFrom<i32>>(value: i32, field: &str) -> Result<E, ApiError> {
    E::try_from(value)
        .map_err(|_| ApiError::invalid(format!("{field}: {value} is not one of its values")))
}

/// The refusal of an enum's UNSPECIFIED value where the API has no default.
pub(super) fn unspecified<T>(field: &str) -> Result<T, ApiError> {
    Err(ApiError::invalid(format!("{field} is unspecified")))
}

/// A message that must be there, read; its errors name `field`.
pub(super) fn required<W, T>(wire: Option<W>, field: &str) -> Result<T, ApiError>
where
    T: TryFrom<W, Error = ApiError>,
{
    let wire = wire.ok_or_else(|| ApiError::invalid(format!("{field} is missing")))?;
    T::try_from(wire).map_err(within(field))
}

/// A message that may be absent, read when present; its errors name `field`.
pub(super) fn optional<W, T>(wire: Option<W>, field: &str) -> Result<Option<T>, ApiError>
where
    T: TryFrom<W, Error = ApiError>,
{
    wire.map(|w| T::try_from(w).map_err(within(field)))
        .transpose()
}

/// An error of a part of a message, named by `field` in front of what is wrong.
pub(super) fn within(field: &str) -> impl Fn(ApiError) -> ApiError + '_ {
    move |error| match error {
        ApiError::InvalidArgument { what } => ApiError::invalid(format!("{field}: {what}")),
        other => other,
    }
}

pub(super) fn wire_date(date: NaiveDate) -> proto::Date {
    proto::Date {
        year: date.year(),
        month: date.month(),
        day: date.day(),
    }
}

/// The date a message names, if there is one.
pub(super) fn date(date: Option<proto::Date>, field: &str) -> Result<NaiveDate, ApiError> {
    let date = date.ok_or_else(|| ApiError::invalid(format!("{field} is missing")))?;
    NaiveDate::from_ymd_opt(date.year, date.month, date.day).ok_or_else(|| {
        ApiError::invalid(format!(
            "{field}: {}-{}-{} is not a date",
            date.year, date.month, date.day
        ))
    })
}

/// A decimal that is a finite number.
pub(super) fn finite(decimal: f64, field: &str) -> Result<f64, ApiError> {
    if decimal.is_finite() {
        Ok(decimal)
    } else {
        Err(ApiError::invalid(format!(
            "{field}: {decimal} is not a finite number"
        )))
    }
}

fn wire_weekday(day: Weekday) -> i32 {
    let day = match day {
        Weekday::Mon => proto::Weekday::Monday,
        Weekday::Tue => proto::Weekday::Tuesday,
        Weekday::Wed => proto::Weekday::Wednesday,
        Weekday::Thu => proto::Weekday::Thursday,
        Weekday::Fri => proto::Weekday::Friday,
        Weekday::Sat => proto::Weekday::Saturday,
        Weekday::Sun => proto::Weekday::Sunday,
    };
    day as i32
}

fn weekday(day: i32) -> Result<Weekday, ApiError> {
    Ok(match wire_enum(day, "weekday")? {
        proto::Weekday::Monday => Weekday::Mon,
        proto::Weekday::Tuesday => Weekday::Tue,
        proto::Weekday::Wednesday => Weekday::Wed,
        proto::Weekday::Thursday => Weekday::Thu,
        proto::Weekday::Friday => Weekday::Fri,
        proto::Weekday::Saturday => Weekday::Sat,
        proto::Weekday::Sunday => Weekday::Sun,
        proto::Weekday::Unspecified => return unspecified("weekday"),
    })
}

fn wire_week(week: WeekOfMonth) -> i32 {
    let week = match week {
        WeekOfMonth::First => proto::WeekOfMonth::First,
        WeekOfMonth::Second => proto::WeekOfMonth::Second,
        WeekOfMonth::Third => proto::WeekOfMonth::Third,
        WeekOfMonth::Fourth => proto::WeekOfMonth::Fourth,
        WeekOfMonth::Last => proto::WeekOfMonth::Last,
    };
    week as i32
}

fn week(week: i32) -> Result<WeekOfMonth, ApiError> {
    Ok(match wire_enum(week, "week")? {
        proto::WeekOfMonth::First => WeekOfMonth::First,
        proto::WeekOfMonth::Second => WeekOfMonth::Second,
        proto::WeekOfMonth::Third => WeekOfMonth::Third,
        proto::WeekOfMonth::Fourth => WeekOfMonth::Fourth,
        proto::WeekOfMonth::Last => WeekOfMonth::Last,
        proto::WeekOfMonth::Unspecified => return unspecified("week"),
    })
}

impl From<&Recurrence> for proto::Recurrence {
    fn from(recurrence: &Recurrence) -> Self {
        use proto::recurrence_pattern::{self as p, Kind};
        use proto::recurrence_range::End;
        let kind = match &recurrence.pattern {
            Pattern::Daily { interval } => Kind::Daily(p::Daily {
                interval: *interval,
            }),
            Pattern::Weekly { interval, days } => Kind::Weekly(p::Weekly {
                interval: *interval,
                days: days.iter().copied().map(wire_weekday).collect(),
            }),
            Pattern::MonthlyOnDay { interval, day } => Kind::MonthlyOnDay(p::MonthlyOnDay {
                interval: *interval,
                day: *day,
            }),
            Pattern::MonthlyOnWeekday {
                interval,
                week,
                weekday,
            } => Kind::MonthlyOnWeekday(p::MonthlyOnWeekday {
                interval: *interval,
                week: wire_week(*week),
                weekday: wire_weekday(*weekday),
            }),
            Pattern::YearlyOnDay { month, day } => Kind::YearlyOnDay(p::YearlyOnDay {
                month: *month,
                day: *day,
            }),
            Pattern::YearlyOnWeekday {
                month,
                week,
                weekday,
            } => Kind::YearlyOnWeekday(p::YearlyOnWeekday {
                month: *month,
                week: wire_week(*week),
                weekday: wire_weekday(*weekday),
            }),
        };
        let end = match recurrence.range {
            Range::NoEnd { .. } => End::NoEnd(proto::Empty {}),
            Range::Until { end, .. } => End::Until(wire_date(end)),
            Range::Times { count, .. } => End::Times(count),
        };
        Self {
            pattern: Some(proto::RecurrencePattern { kind: Some(kind) }),
            range: Some(proto::RecurrenceRange {
                start: Some(wire_date(recurrence.range.start())),
                end: Some(end),
            }),
        }
    }
}

impl TryFrom<proto::Recurrence> for Recurrence {
    type Error = ApiError;

    fn try_from(recurrence: proto::Recurrence) -> Result<Self, ApiError> {
        use proto::recurrence_pattern::Kind;
        use proto::recurrence_range::End;
        let missing = |what: &str| ApiError::invalid(format!("the recurrence's {what} is missing"));
        let pattern = match recurrence
            .pattern
            .and_then(|p| p.kind)
            .ok_or_else(|| missing("pattern"))?
        {
            Kind::Daily(p) => Pattern::Daily {
                interval: p.interval,
            },
            Kind::Weekly(p) => Pattern::Weekly {
                interval: p.interval,
                days: p.days.into_iter().map(weekday).collect::<Result<_, _>>()?,
            },
            Kind::MonthlyOnDay(p) => Pattern::MonthlyOnDay {
                interval: p.interval,
                day: p.day,
            },
            Kind::MonthlyOnWeekday(p) => Pattern::MonthlyOnWeekday {
                interval: p.interval,
                week: week(p.week)?,
                weekday: weekday(p.weekday)?,
            },
            Kind::YearlyOnDay(p) => Pattern::YearlyOnDay {
                month: p.month,
                day: p.day,
            },
            Kind::YearlyOnWeekday(p) => Pattern::YearlyOnWeekday {
                month: p.month,
                week: week(p.week)?,
                weekday: weekday(p.weekday)?,
            },
        };
        let range = recurrence.range.ok_or_else(|| missing("range"))?;
        let start = date(range.start, "the recurrence's start")?;
        let range = match range.end.ok_or_else(|| missing("end"))? {
            End::NoEnd(proto::Empty {}) => Range::NoEnd { start },
            End::Until(end) => Range::Until {
                start,
                end: date(Some(end), "the recurrence's end")?,
            },
            End::Times(count) => Range::Times { start, count },
        };
        Ok(Self { pattern, range })
    }
}

impl From<MailboxValue> for proto::Mailbox {
    fn from(mailbox: MailboxValue) -> Self {
        Self {
            name: mailbox.name,
            address: mailbox.address,
        }
    }
}

impl From<&MailboxValue> for proto::Mailbox {
    fn from(mailbox: &MailboxValue) -> Self {
        mailbox.clone().into()
    }
}

impl TryFrom<proto::Mailbox> for MailboxValue {
    type Error = ApiError;

    fn try_from(mailbox: proto::Mailbox) -> Result<Self, ApiError> {
        Ok(Self {
            name: mailbox.name,
            address: mailbox.address,
        })
    }
}

impl From<Value> for proto::Value {
    fn from(value: Value) -> Self {
        use proto::value::Kind;
        let kind = match value {
            Value::Text(text) => Kind::Text(text),
            Value::Integer(n) => Kind::Integer(n),
            Value::Decimal(d) => Kind::Decimal(d),
            Value::Boolean(b) => Kind::Boolean(b),
            Value::DateTime(t) => Kind::DateTimeMs(millis(t)),
            Value::Date(d) => Kind::Date(wire_date(d)),
            Value::Duration(seconds) => Kind::DurationSeconds(seconds),
            Value::Binary(bytes) => Kind::Binary(bytes),
            Value::TextList(values) => Kind::TextList(proto::TextList { values }),
            Value::Mailbox(mailbox) => Kind::Mailbox(mailbox.into()),
            Value::MailboxList(list) => Kind::MailboxList(proto::MailboxList {
                mailboxes: list.into_iter().map(Into::into).collect(),
            }),
            Value::Recurrence(recurrence) => Kind::Recurrence((&recurrence).into()),
        };
        Self { kind: Some(kind) }
    }
}

impl From<&Value> for proto::Value {
    fn from(value: &Value) -> Self {
        value.clone().into()
    }
}

impl TryFrom<proto::Value> for Value {
    type Error = ApiError;

    fn try_from(value: proto::Value) -> Result<Self, ApiError> {
        use proto::value::Kind;
        let kind = value
            .kind
            .ok_or_else(|| ApiError::invalid("a value of no type"))?;
        Ok(match kind {
            Kind::Text(text) => Self::Text(text),
            Kind::Integer(n) => Self::Integer(n),
            Kind::Decimal(d) => Self::Decimal(finite(d, "a decimal")?),
            Kind::Boolean(b) => Self::Boolean(b),
            Kind::DateTimeMs(ms) => Self::DateTime(time(ms, "an instant")?),
            Kind::Date(d) => Self::Date(date(Some(d), "a date")?),
            Kind::DurationSeconds(seconds) => Self::Duration(seconds),
            Kind::Binary(bytes) => Self::Binary(bytes),
            Kind::TextList(list) => Self::TextList(list.values),
            Kind::Mailbox(mailbox) => Self::Mailbox(mailbox.try_into()?),
            Kind::MailboxList(list) => Self::MailboxList(
                list.mailboxes
                    .into_iter()
                    .map(MailboxValue::try_from)
                    .collect::<Result<_, _>>()?,
            ),
            Kind::Recurrence(recurrence) => Self::Recurrence(recurrence.try_into()?),
        })
    }
}

impl From<Record> for proto::Record {
    fn from(record: Record) -> Self {
        Self {
            table: record.table.name().to_owned(),
            values: record
                .values
                .into_iter()
                .map(|(field, value)| proto::FieldValue {
                    field: field.into_owned(),
                    value: Some(value.into()),
                })
                .collect(),
        }
    }
}

impl From<&Record> for proto::Record {
    fn from(record: &Record) -> Self {
        record.clone().into()
    }
}

impl TryFrom<proto::Record> for Record {
    type Error = ApiError;

    fn try_from(record: proto::Record) -> Result<Self, ApiError> {
        let mut decoded = Self::new(table(&record.table)?);
        for proto::FieldValue { field, value } in record.values {
            let value = value.ok_or_else(|| {
                ApiError::invalid(format!("{field} has no value (a null field is left out)"))
            })?;
            let value = Value::try_from(value).map_err(within(&field))?;
            if decoded.set(&field, value).is_some() {
                return Err(ApiError::invalid(format!(
                    "{field} has two values in one record"
                )));
            }
        }
        Ok(decoded)
    }
}

/// Records in columns: the fields every record of the chunk has between them, named once in
/// their order, and a row of values for each record (a value of no type where a record has
/// none). A chunk holds the records of one query, so of one table: the first record's.
impl From<RecordChunk> for proto::RecordChunk {
    fn from(chunk: RecordChunk) -> Self {
        let table = chunk.records.first().map(|r| r.table);
        debug_assert!(
            chunk.records.iter().all(|r| Some(r.table) == table),
            "a chunk holds one table's records"
        );
        let mut fields: Vec<&str> = Vec::new();
        for record in &chunk.records {
            for field in record.values.keys() {
                if let Err(at) = fields.binary_search(&field.as_ref()) {
                    fields.insert(at, field);
                }
            }
        }
        let fields: Vec<String> = fields.into_iter().map(str::to_owned).collect();
        let rows = chunk
            .records
            .into_iter()
            .map(|record| {
                // Both in the fields' order: one walk matches them.
                let mut values = record.values.into_iter().peekable();
                let row = fields
                    .iter()
                    .map(|field| match values.next_if(|(name, _)| name == field) {
                        Some((_, value)) => value.into(),
                        None => proto::Value { kind: None },
                    })
                    .collect();
                proto::Row { values: row }
            })
            .collect();
        Self {
            next_page_token: chunk.next_page_token,
            table: table.map(|t| t.name().to_owned()).unwrap_or_default(),
            fields,
            rows,
        }
    }
}

impl From<&RecordChunk> for proto::RecordChunk {
    fn from(chunk: &RecordChunk) -> Self {
        chunk.clone().into()
    }
}

impl TryFrom<proto::RecordChunk> for RecordChunk {
    type Error = ApiError;

    fn try_from(chunk: proto::RecordChunk) -> Result<Self, ApiError> {
        let next_page_token = chunk.next_page_token;
        if chunk.rows.is_empty() {
            return Ok(Self {
                records: Vec::new(),
                next_page_token,
            });
        }
        let table = table(&chunk.table)?;
        let mut names = std::collections::BTreeSet::new();
        let mut fields = Vec::with_capacity(chunk.fields.len());
        for field in &chunk.fields {
            if !names.insert(field.as_str()) {
                return Err(ApiError::invalid(format!(
                    "{field} is named twice in one chunk"
                )));
            }
            fields.push(table.field_name(field));
        }
        let records = chunk
            .rows
            .into_iter()
            .map(|row| {
                if row.values.len() != fields.len() {
                    return Err(ApiError::invalid(format!(
                        "a row of {} values in a chunk of {} fields",
                        row.values.len(),
                        fields.len()
                    )));
                }
                let mut record = Record::new(table);
                for (field, value) in fields.iter().zip(row.values) {
                    if value.kind.is_some() {
                        let value = Value::try_from(value).map_err(within(field))?;
                        record.values.insert(field.clone(), value);
                    }
                }
                Ok(record)
            })
            .collect::<Result<_, ApiError>>()?;
        Ok(Self {
            records,
            next_page_token,
        })
    }
}

#[cfg(test)]
#[path = "records_tests.rs"]
pub(super) mod tests;
