//! Random records of a table, every value of its field's declared type.

use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Weekday};
use mediagateway_api::tables::{
    FieldName, FieldType, MailboxValue, Pattern, Range, Record, Recurrence, Table, Value,
    WeekOfMonth,
};
use proptest::prelude::*;

fn text() -> impl Strategy<Value = String> {
    "\\PC{0,12}"
}

fn mailbox() -> impl Strategy<Value = MailboxValue> {
    (proptest::option::of(text()), "[a-z]{1,8}@[a-z]{1,8}\\.com")
        .prop_map(|(name, address)| MailboxValue { name, address })
}

fn date() -> impl Strategy<Value = NaiveDate> {
    (1i32..=1_000_000).prop_map(|days| NaiveDate::from_num_days_from_ce_opt(days).unwrap())
}

fn weekday() -> impl Strategy<Value = Weekday> {
    (0u8..7).prop_map(|day| Weekday::try_from(day).unwrap())
}

fn week() -> impl Strategy<Value = WeekOfMonth> {
    prop_oneof![
        Just(WeekOfMonth::First),
        Just(WeekOfMonth::Second),
        Just(WeekOfMonth::Third),
        Just(WeekOfMonth::Fourth),
        Just(WeekOfMonth::Last),
    ]
}

fn recurrence() -> impl Strategy<Value = Recurrence> {
    let interval = 1u32..=999;
    let pattern = prop_oneof![
        interval
            .clone()
            .prop_map(|interval| Pattern::Daily { interval }),
        (interval.clone(), proptest::collection::vec(weekday(), 1..4))
            .prop_map(|(interval, days)| Pattern::Weekly { interval, days }),
        (interval.clone(), 1u32..=31)
            .prop_map(|(interval, day)| Pattern::MonthlyOnDay { interval, day }),
        (interval, week(), weekday()).prop_map(|(interval, week, weekday)| {
            Pattern::MonthlyOnWeekday {
                interval,
                week,
                weekday,
            }
        }),
        (1u32..=12, 1u32..=28).prop_map(|(month, day)| Pattern::YearlyOnDay { month, day }),
        (1u32..=12, week(), weekday()).prop_map(|(month, week, weekday)| {
            Pattern::YearlyOnWeekday {
                month,
                week,
                weekday,
            }
        }),
    ];
    let range = prop_oneof![
        date().prop_map(|start| Range::NoEnd { start }),
        (date(), 0u64..1000).prop_map(|(start, days)| Range::Until {
            start,
            end: start + chrono::Days::new(days),
        }),
        (date(), 1u32..=999).prop_map(|(start, count)| Range::Times { start, count }),
    ];
    (pattern, range).prop_map(|(pattern, range)| Recurrence { pattern, range })
}

/// A value of `field_type`.
fn value(field_type: FieldType) -> BoxedStrategy<Value> {
    match field_type {
        FieldType::Text => text().prop_map(Value::Text).boxed(),
        FieldType::Integer => any::<i64>().prop_map(Value::Integer).boxed(),
        FieldType::Decimal => (-1.0e12..1.0e12f64).prop_map(Value::Decimal).boxed(),
        FieldType::Boolean => any::<bool>().prop_map(Value::Boolean).boxed(),
        FieldType::DateTime => (0i64..8_000_000_000, 0u32..1_000_000_000)
            .prop_map(|(secs, nanos)| {
                Value::DateTime(DateTime::from_timestamp(secs, nanos).unwrap())
            })
            .boxed(),
        FieldType::Date => date().prop_map(Value::Date).boxed(),
        FieldType::Duration => any::<u64>().prop_map(Value::Duration).boxed(),
        FieldType::Binary => proptest::collection::vec(any::<u8>(), 0..16)
            .prop_map(Value::Binary)
            .boxed(),
        FieldType::TextList => proptest::collection::vec(text(), 0..4)
            .prop_map(Value::TextList)
            .boxed(),
        FieldType::Mailbox => mailbox().prop_map(Value::Mailbox).boxed(),
        FieldType::MailboxList => proptest::collection::vec(mailbox(), 0..4)
            .prop_map(Value::MailboxList)
            .boxed(),
        FieldType::Recurrence => recurrence().prop_map(Value::Recurrence).boxed(),
        FieldType::Enumeration(names) => proptest::sample::select(names)
            .prop_map(|name| Value::Text(name.to_owned()))
            .boxed(),
    }
}

/// A record of `table`: each declared field with a value of its type, or without one.
pub(super) fn record_of(table: Table) -> impl Strategy<Value = Record> {
    let fields: Vec<_> = table
        .fields()
        .iter()
        .map(|field| {
            proptest::option::of(
                value(field.field_type).prop_map(|v| (FieldName::from(field.name), v)),
            )
        })
        .collect();
    fields.prop_map(move |values| Record {
        table,
        values: values.into_iter().flatten().collect::<BTreeMap<_, _>>(),
    })
}
