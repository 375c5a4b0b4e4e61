//! Filters and sort keys applied to records in memory: for backends that hold their records
//! themselves, and for what a server cannot filter (EWS's calendar view takes no
//! restriction).
//!
//! The rules are Exchange's, so a query answers the same wherever it is evaluated:
//! - a comparison with a field that has no value is false (and so its `not` is true);
//! - text compares ignoring case, as Exchange's default collation does; `contains` and
//!   `starts with` ignore case unless they say otherwise;
//! - a list (text or mailboxes) matches `contains`, `starts with` and `=` when one of its
//!   entries does; a mailbox matches by its address or its name;
//! - a record without a sort key's value sorts as the lowest value: first when ascending, last
//!   when descending (as Exchange sorts a missing property).

use std::cmp::Ordering;

use super::{Comparison, Filter, Literal, Record, SortKey, Value};

impl Filter {
    /// Whether `record` matches. The filter should have passed [`Filter::check`] against the
    /// record's table; a comparison of values of different types is false.
    pub fn matches(&self, record: &Record) -> bool {
        match self {
            Self::And(parts) => parts.iter().all(|p| p.matches(record)),
            Self::Or(parts) => parts.iter().any(|p| p.matches(record)),
            Self::Not(part) => !part.matches(record),
            Self::Exists { field } => record.get(field).is_some(),
            Self::Contains {
                field,
                value,
                case_sensitive,
            } => texts(record.get(field)).any(|text| {
                if *case_sensitive {
                    text.contains(value.as_str())
                } else {
                    text.to_lowercase().contains(&value.to_lowercase())
                }
            }),
            Self::StartsWith {
                field,
                value,
                case_sensitive,
            } => texts(record.get(field)).any(|text| {
                if *case_sensitive {
                    text.starts_with(value.as_str())
                } else {
                    text.to_lowercase().starts_with(&value.to_lowercase())
                }
            }),
            Self::Compare { field, op, value } => {
                let Some(held) = record.get(field) else {
                    return false;
                };
                match (held, value) {
                    // A list equals a value when one of its entries does.
                    (Value::TextList(_) | Value::MailboxList(_), Literal::Text(_)) => {
                        let any = texts(Some(held))
                            .any(|t| compare_literal(&Value::Text(t.to_owned()), value).is_eq());
                        match op {
                            Comparison::Equal => any,
                            Comparison::NotEqual => !any,
                            _ => false,
                        }
                    }
                    (Value::Mailbox(mailbox), Literal::Text(_)) => {
                        let by = |t: &str| compare_literal(&Value::Text(t.to_owned()), value);
                        let ordering = by(&mailbox.address);
                        let by_name = mailbox.name.as_deref().map(by);
                        match op {
                            Comparison::Equal => {
                                ordering.is_eq() || by_name.is_some_and(Ordering::is_eq)
                            }
                            Comparison::NotEqual => {
                                !ordering.is_eq() && !by_name.is_some_and(Ordering::is_eq)
                            }
                            _ => holds(*op, ordering),
                        }
                    }
                    _ => match compare(held, value) {
                        Some(ordering) => holds(*op, ordering),
                        None => false,
                    },
                }
            }
        }
    }
}

/// Whether `op` holds of a value that compares to the literal as `ordering`.
fn holds(op: Comparison, ordering: Ordering) -> bool {
    match op {
        Comparison::Equal => ordering.is_eq(),
        Comparison::NotEqual => ordering.is_ne(),
        Comparison::Less => ordering.is_lt(),
        Comparison::LessOrEqual => ordering.is_le(),
        Comparison::Greater => ordering.is_gt(),
        Comparison::GreaterOrEqual => ordering.is_ge(),
    }
}

/// The texts a value offers to `contains` and `starts with`.
fn texts(value: Option<&Value>) -> Box<dyn Iterator<Item = &str> + '_> {
    match value {
        Some(Value::Text(text)) => Box::new(std::iter::once(text.as_str())),
        Some(Value::TextList(list)) => Box::new(list.iter().map(String::as_str)),
        Some(Value::Mailbox(mailbox)) => {
            Box::new(std::iter::once(mailbox.address.as_str()).chain(mailbox.name.as_deref()))
        }
        Some(Value::MailboxList(list)) => Box::new(
            list.iter()
                .flat_map(|m| std::iter::once(m.address.as_str()).chain(m.name.as_deref())),
        ),
        _ => Box::new(std::iter::empty()),
    }
}

/// How `held` compares with `literal`, when they are of comparable types.
fn compare(held: &Value, literal: &Literal) -> Option<Ordering> {
    Some(match (held, literal) {
        (Value::Text(_), Literal::Text(_)) => compare_literal(held, literal),
        (Value::Integer(a), Literal::Integer(b)) => a.cmp(b),
        (Value::Integer(a), Literal::Decimal(b)) => (*a as f64).partial_cmp(b)?,
        (Value::Decimal(a), Literal::Decimal(b)) => a.partial_cmp(b)?,
        (Value::Decimal(a), Literal::Integer(b)) => a.partial_cmp(&(*b as f64))?,
        (Value::Boolean(a), Literal::Boolean(b)) => a.cmp(b),
        (Value::DateTime(a), Literal::DateTime(b)) => a.cmp(b),
        (Value::Date(a), Literal::Date(b)) => a.cmp(b),
        _ => return None,
    })
}

/// Text against a text literal, ignoring case; anything else is unequal.
fn compare_literal(held: &Value, literal: &Literal) -> Ordering {
    match (held, literal) {
        (Value::Text(a), Literal::Text(b)) => caseless(a, b),
        _ => Ordering::Less,
    }
}

fn caseless(a: &str, b: &str) -> Ordering {
    a.to_lowercase().cmp(&b.to_lowercase())
}

/// How two values of one field order: text ignoring case, numbers by value, lists and
/// mailboxes by their first text. Values of different types order by type, so the order is
/// total.
fn order(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Text(a), Value::Text(b)) => caseless(a, b),
        (Value::Integer(a), Value::Integer(b)) => a.cmp(b),
        (Value::Decimal(a), Value::Decimal(b)) => a.total_cmp(b),
        (Value::Integer(a), Value::Decimal(b)) => (*a as f64).total_cmp(b),
        (Value::Decimal(a), Value::Integer(b)) => a.total_cmp(&(*b as f64)),
        (Value::Boolean(a), Value::Boolean(b)) => a.cmp(b),
        (Value::DateTime(a), Value::DateTime(b)) => a.cmp(b),
        (Value::Date(a), Value::Date(b)) => a.cmp(b),
        (Value::Duration(a), Value::Duration(b)) => a.cmp(b),
        (Value::Binary(a), Value::Binary(b)) => a.cmp(b),
        _ => match (texts(Some(a)).next(), texts(Some(b)).next()) {
            (Some(a), Some(b)) => caseless(a, b),
            _ => rank(a).cmp(&rank(b)),
        },
    }
}

fn rank(value: &Value) -> u8 {
    match value {
        Value::Text(_) => 0,
        Value::Integer(_) | Value::Decimal(_) => 1,
        Value::Boolean(_) => 2,
        Value::DateTime(_) => 3,
        Value::Date(_) => 4,
        Value::Duration(_) => 5,
        Value::Binary(_) => 6,
        Value::TextList(_) => 7,
        Value::Mailbox(_) => 8,
        Value::MailboxList(_) => 9,
        Value::Recurrence(_) => 10,
    }
}

/// How two records order by `keys`, first key first: a missing value is the lowest, so it
/// comes first ascending and last descending.
pub fn compare_records(a: &Record, b: &Record, keys: &[SortKey]) -> Ordering {
    for key in keys {
        let ordering = match (a.get(&key.field), b.get(&key.field)) {
            (Some(x), Some(y)) => order(x, y),
            (Some(_), None) => Ordering::Greater,
            (None, Some(_)) => Ordering::Less,
            (None, None) => Ordering::Equal,
        };
        let ordering = if key.descending {
            ordering.reverse()
        } else {
            ordering
        };
        if ordering.is_ne() {
            return ordering;
        }
    }
    Ordering::Equal
}

#[cfg(test)]
mod tests {
    use chrono::{NaiveDate, TimeZone, Utc};

    use super::*;
    use crate::tables::{MailboxValue, Table};

    fn ada() -> Record {
        Record::new(Table::Contact)
            .with("Surname", Value::Text("Lovelace".into()))
            .with("GivenName", Value::Text("Ada".into()))
            .with(
                "Categories",
                Value::TextList(vec!["Maths".into(), "Poetry".into()]),
            )
            .with(
                "Birthday",
                Value::Date(NaiveDate::from_ymd_opt(1815, 12, 10).unwrap()),
            )
    }

    fn matches(filter: &str, record: &Record) -> bool {
        Filter::parse(filter).unwrap().matches(record)
    }

    #[test]
    fn filters_match_as_exchange_evaluates_them() {
        let ada = ada();
        for (filter, expected) in [
            (r#"Surname = "lovelace""#, true),
            (r#"Surname != "Lovelace""#, false),
            (r#"Surname > "Babbage""#, true),
            (r#"Surname contains "LACE""#, true),
            (r#"Surname contains case-sensitive "LACE""#, false),
            (r#"Surname starts with "love""#, true),
            (r#"Categories contains "poe""#, true),
            (r#"Categories = "maths""#, true),
            (r#"Categories = "Physics""#, false),
            ("Birthday < 1900-01-01", true),
            ("Birthday >= 1815-12-10 and Birthday <= 1815-12-10", true),
            ("JobTitle exists", false),
            ("not JobTitle exists", true),
            // A comparison with a missing value is false, and its negation true.
            (r#"JobTitle = "Countess""#, false),
            (r#"JobTitle != "Countess""#, false),
            (r#"not JobTitle = "Countess""#, true),
            (r#"Surname = "Babbage" or GivenName = "Ada""#, true),
        ] {
            let parsed = Filter::parse(filter);
            let Ok(parsed) = parsed else {
                panic!("{filter}: {parsed:?}");
            };
            assert_eq!(parsed.matches(&ada), expected, "{filter}");
        }
        let meeting = Record::new(Table::Message).with(
            "From",
            Value::Mailbox(MailboxValue {
                name: Some("Alice Example".into()),
                address: "alice@contoso.test".into(),
            }),
        );
        assert!(matches(r#"From = "ALICE@contoso.test""#, &meeting));
        assert!(matches(r#"From = "alice example""#, &meeting));
        assert!(matches(r#"From contains "contoso""#, &meeting));
        assert!(!matches(r#"From != "alice@contoso.test""#, &meeting));
    }

    #[test]
    fn records_sort_by_their_keys_with_missing_values_lowest() {
        let at = |h| Utc.with_ymd_and_hms(2026, 12, 7, h, 0, 0).unwrap();
        let record = |subject: &str, start: Option<u32>| {
            let r = Record::new(Table::Appointment).with("Subject", Value::Text(subject.into()));
            match start {
                Some(h) => r.with("Start", Value::DateTime(at(h))),
                None => r,
            }
        };
        let mut records = vec![
            record("b", Some(9)),
            record("A", None),
            record("a", Some(10)),
            record("c", Some(9)),
        ];
        let key = |field: &str, descending| SortKey {
            field: field.into(),
            descending,
        };
        let subjects = |records: &[Record]| -> Vec<String> {
            records
                .iter()
                .map(|r| match r.get("Subject") {
                    Some(Value::Text(t)) => t.clone(),
                    _ => String::new(),
                })
                .collect()
        };
        records.sort_by(|a, b| compare_records(a, b, &[key("Start", false), key("Subject", true)]));
        assert_eq!(
            subjects(&records),
            ["A", "c", "b", "a"],
            "missing first ascending"
        );
        records.sort_by(|a, b| compare_records(a, b, &[key("Start", true)]));
        assert_eq!(subjects(&records)[..2], ["a", "c"]);
        assert_eq!(subjects(&records)[3], "A", "missing last descending");
    }
}
