//! Evaluates `FindItem` restrictions and sort orders over the stored properties.

use std::cmp::Ordering;

use chrono::{DateTime, Utc};

use crate::datetime;
use crate::dom::Element;
use crate::item_xml;
use crate::kind::ItemKind;
use crate::request::TYPES;
use crate::request::{Comparison, Filter, Operand, PathRef};
use crate::response::MessageError;
use crate::store::StoredItem;

/// The value of a stored property.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Value {
    Text(String),
    Time(DateTime<Utc>),
    Bool(bool),
}

/// The kind of value a property holds, to read constants by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Time,
    Bool,
}

/// The kind of a field the fake can search and sort by; an error for any other path.
fn kind(path: &PathRef) -> Result<Kind, MessageError> {
    let uri = match path {
        PathRef::Field(uri) => uri.as_str(),
        PathRef::Extended(uri) => {
            return match uri.attr("PropertyType") {
                Some("String") => Ok(Kind::Text),
                Some("SystemTime") => Ok(Kind::Time),
                Some("Boolean") => Ok(Kind::Bool),
                _ => Err(unsupported("an extended property of this type")),
            }
        }
        PathRef::Other(what) => return Err(unsupported(what)),
    };
    Ok(match uri {
        "item:Subject"
        | "item:ItemClass"
        | "calendar:Location"
        | "calendar:UID"
        | "calendar:LegacyFreeBusyStatus" => Kind::Text,
        "calendar:Start"
        | "calendar:End"
        | "item:DateTimeReceived"
        | "item:DateTimeCreated"
        | "item:LastModifiedTime" => Kind::Time,
        "calendar:IsAllDayEvent" => Kind::Bool,
        other => return Err(unsupported(other)),
    })
}

/// The value of the property at `path` of `item`; `None` when the item lacks it.
fn value(item: &StoredItem, path: &PathRef) -> Result<Option<Value>, MessageError> {
    let of_kind = kind(path)?;
    let uri = match path {
        PathRef::Field(uri) => uri,
        PathRef::Extended(uri) => return Ok(extended(item, uri, of_kind)),
        PathRef::Other(what) => return Err(unsupported(what)),
    };
    if uri.starts_with("calendar:") && item.kind != ItemKind::Calendar {
        return Ok(None);
    }
    Ok(match uri.as_str() {
        "item:Subject" => item.subject.clone().map(Value::Text),
        "item:ItemClass" => Some(Value::Text(item.class.clone())),
        "calendar:Location" => item.location.clone().map(Value::Text),
        "calendar:UID" => Some(Value::Text(item.uid.clone())),
        "calendar:LegacyFreeBusyStatus" => Some(Value::Text(item.free_busy.clone())),
        "calendar:Start" => Some(Value::Time(item.start)),
        "calendar:End" => Some(Value::Time(item.end)),
        // Calendar items are "received" when they are saved.
        "item:DateTimeReceived" | "item:DateTimeCreated" => Some(Value::Time(item.created)),
        "item:LastModifiedTime" => Some(Value::Time(item.modified)),
        "calendar:IsAllDayEvent" => Some(Value::Bool(item.is_all_day)),
        other => return Err(unsupported(other)),
    })
}

/// The value of the item's extended property `uri` names, read as `of_kind`; `None` when the
/// item lacks it (or holds a value that is not of its kind).
fn extended(item: &StoredItem, uri: &Element, of_kind: Kind) -> Option<Value> {
    let stored = item
        .props
        .iter()
        .filter(|p| p.name == "ExtendedProperty")
        .find(|p| item_xml::extended_matches(p, uri))?;
    let text = stored.child(TYPES, "Value")?.text();
    constant(of_kind, text).ok()
}

/// Checks every path of `filter` before any item is looked at, so that an unsupported
/// path fails the query even in an empty folder.
pub(super) fn check(filter: &Filter) -> Result<(), MessageError> {
    match filter {
        Filter::Compare(_, path, operand) => {
            let k = kind(path)?;
            match operand {
                Operand::Constant(c) => constant(k, c).map(|_| ()),
                Operand::Path(other) => match kind(other)? {
                    o if o == k => Ok(()),
                    _ => Err(MessageError::new(
                        "ErrorInvalidRestriction",
                        "The properties compared have different types.",
                    )),
                },
            }
        }
        Filter::Contains { path, .. } => match kind(path)? {
            Kind::Text => Ok(()),
            _ => Err(MessageError::new(
                "ErrorInvalidRestriction",
                "Contains applies only to string properties.",
            )),
        },
        Filter::Exists(path) => kind(path).map(|_| ()),
        Filter::And(all) | Filter::Or(all) => all.iter().try_for_each(check),
        Filter::Not(inner) => check(inner),
        Filter::Unsupported(name) => Err(MessageError::new(
            "ErrorUnsupportedQueryFilter",
            &format!("The fake Exchange server does not evaluate {name}."),
        )),
    }
}

/// Whether `item` matches `filter` (checked by [`check`] before).
pub(super) fn matches(item: &StoredItem, filter: &Filter) -> Result<bool, MessageError> {
    Ok(match filter {
        Filter::Compare(comparison, path, operand) => {
            let left = value(item, path)?;
            let right = match operand {
                Operand::Constant(c) => Some(constant(kind(path)?, c)?),
                Operand::Path(other) => value(item, other)?,
            };
            // A missing property matches no comparison, as on Exchange.
            let (Some(left), Some(right)) = (left, right) else {
                return Ok(false);
            };
            let order = compare(&left, &right);
            match comparison {
                Comparison::Equal => order == Ordering::Equal,
                Comparison::NotEqual => order != Ordering::Equal,
                Comparison::Greater => order == Ordering::Greater,
                Comparison::GreaterOrEqual => order != Ordering::Less,
                Comparison::Less => order == Ordering::Less,
                Comparison::LessOrEqual => order != Ordering::Greater,
            }
        }
        Filter::Contains {
            path,
            value: wanted,
            mode,
            ignore_case,
        } => {
            let Some(Value::Text(text)) = value(item, path)? else {
                return Ok(false);
            };
            let fold = |s: &str| {
                if *ignore_case {
                    s.to_lowercase()
                } else {
                    s.to_owned()
                }
            };
            let (text, wanted) = (fold(&text), fold(wanted));
            match mode.as_str() {
                "FullString" => text == wanted,
                "Prefixed" => text.starts_with(&wanted),
                "PrefixOnWords" => text
                    .split(|c: char| !c.is_alphanumeric())
                    .any(|word| word.starts_with(&wanted)),
                _ => text.contains(&wanted),
            }
        }
        Filter::Exists(path) => value(item, path)?.is_some(),
        Filter::And(all) => {
            for f in all {
                if !matches(item, f)? {
                    return Ok(false);
                }
            }
            true
        }
        Filter::Or(all) => {
            for f in all {
                if matches(item, f)? {
                    return Ok(true);
                }
            }
            false
        }
        Filter::Not(inner) => !matches(item, inner)?,
        Filter::Unsupported(name) => {
            return Err(MessageError::new(
                "ErrorUnsupportedQueryFilter",
                &format!("The fake Exchange server does not evaluate {name}."),
            ))
        }
    })
}

/// Sorts `items` stably by `keys`, the first most significant; items lacking a property
/// come first in ascending order.
pub(super) fn sort(
    items: &mut [&StoredItem],
    keys: &[(PathRef, bool)],
) -> Result<(), MessageError> {
    for (path, _) in keys {
        kind(path)?;
    }
    items.sort_by(|a, b| {
        for (path, descending) in keys {
            // Checked above: reading a supported path cannot fail.
            let (x, y) = (value(a, path).ok().flatten(), value(b, path).ok().flatten());
            let order = match (&x, &y) {
                (Some(x), Some(y)) => compare(x, y),
                _ => x.is_some().cmp(&y.is_some()),
            };
            let order = if *descending { order.reverse() } else { order };
            if order != Ordering::Equal {
                return order;
            }
        }
        Ordering::Equal
    });
    Ok(())
}

/// Strings compare ignoring case, as Exchange's default collation does.
fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Text(a), Value::Text(b)) => a.to_lowercase().cmp(&b.to_lowercase()),
        _ => a.cmp(b),
    }
}

fn constant(kind: Kind, text: &str) -> Result<Value, MessageError> {
    let invalid = || {
        MessageError::new(
            "ErrorInvalidValueForProperty",
            "The constant of the restriction is not a value of the property's type.",
        )
    };
    match kind {
        Kind::Text => Ok(Value::Text(text.to_owned())),
        Kind::Time => datetime::parse(text).map(Value::Time).ok_or_else(invalid),
        Kind::Bool => match text.trim() {
            "true" | "1" => Ok(Value::Bool(true)),
            "false" | "0" => Ok(Value::Bool(false)),
            _ => Err(invalid()),
        },
    }
}

fn unsupported(what: &str) -> MessageError {
    MessageError::new(
        "ErrorUnsupportedPathForQuery",
        &format!("The property {what} cannot be used in a query on the fake Exchange server."),
    )
}
