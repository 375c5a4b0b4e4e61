//! Checks of field updates: a known, writable path, a value of the shape the property
//! takes, appends only where Exchange appends, and properties the item kind holds.

use base64::Engine as _;

use super::update_fields::{invalid, target, Shape, Target};
use crate::items::{MapiPropertyType, PropertyPath};
use crate::types::{FieldUpdate, ItemKind, PropertyValue};
use crate::EwsError;

/// Whether a field of this URI belongs in an item element of `kind`.
fn fits(uri: &str, kind: ItemKind) -> bool {
    let family = uri.split(':').next().unwrap_or_default();
    match family {
        "item" => true,
        "message" => kind.is_message(),
        "calendar" => kind == ItemKind::CalendarItem,
        "task" => kind == ItemKind::Task,
        "contacts" => kind == ItemKind::Contact,
        _ => false,
    }
}

/// Refuses an update the crate cannot write: an unknown or read-only path, a value of the
/// wrong shape, an append to a property Exchange does not append to, and (with `kind`) a
/// property the item element of that kind does not hold.
pub(crate) fn check_field_update(
    update: &FieldUpdate,
    kind: Option<ItemKind>,
) -> Result<(), EwsError> {
    let path = update.path();
    let target = target(path)?;
    if let Some(kind) = kind {
        let uri = match path {
            PropertyPath::Field(uri) => Some(uri.as_ref()),
            PropertyPath::Indexed { field_uri, .. } => Some(field_uri.as_ref()),
            PropertyPath::Extended { .. } => None,
        };
        if let Some(uri) = uri.filter(|uri| !fits(uri, kind)) {
            return Err(invalid(format!(
                "{uri} is not a property of a {} element",
                kind.element_name()
            )));
        }
    }
    let (value, append) = match update {
        FieldUpdate::Delete(_) => return Ok(()),
        FieldUpdate::Set(_, value) => (value, false),
        FieldUpdate::Append(_, value) => (value, true),
    };
    if append && !matches!(target, Target::Field(field) if field.appendable) {
        return Err(invalid(format!("Exchange cannot append to {path}")));
    }
    match target {
        Target::Field(field) => check_value(path, field.shape, value),
        Target::Entry { .. } => check_value(path, Shape::Text, value),
        Target::Extended(kind) => check_extended(path, kind, value),
    }
}

fn wrong_shape(path: &PropertyPath, value: &PropertyValue, expected: &str) -> EwsError {
    invalid(format!("{path} takes {expected}, not {}", value.describe()))
}

fn check_value(path: &PropertyPath, shape: Shape, value: &PropertyValue) -> Result<(), EwsError> {
    let empty = |what: &str| {
        invalid(format!(
            "{path} needs at least one {what} (delete it instead)"
        ))
    };
    #[allow(clippy::match_same_arms)] // a list is accepted right after its emptiness check
    match (shape, value) {
        (Shape::Text, PropertyValue::Text(_))
        | (Shape::Bool, PropertyValue::Bool(_))
        | (Shape::DateTime, PropertyValue::DateTime(_))
        | (Shape::Body, PropertyValue::Body(_))
        | (Shape::Mailbox, PropertyValue::Mailbox(_))
        | (Shape::Importance, PropertyValue::Importance(_))
        | (Shape::Sensitivity, PropertyValue::Sensitivity(_)) => Ok(()),
        (Shape::Choice(words), PropertyValue::Text(text)) => {
            if words.contains(&text.as_str()) {
                Ok(())
            } else {
                Err(invalid(format!(
                    "{path} takes one of {}, not {:?}",
                    words.join(", "),
                    crate::soap::cut(text)
                )))
            }
        }
        (Shape::Integer(min, max), PropertyValue::Integer(n)) => {
            if (min..=max).contains(n) {
                Ok(())
            } else {
                Err(invalid(format!("{path} takes {min} to {max}, not {n}")))
            }
        }
        (Shape::Strings, PropertyValue::Strings(list)) if list.is_empty() => Err(empty("string")),
        (Shape::Mailboxes, PropertyValue::Mailboxes(list)) if list.is_empty() => {
            Err(empty("mailbox"))
        }
        (Shape::Attendees, PropertyValue::Attendees(list)) if list.is_empty() => {
            Err(empty("attendee"))
        }
        (Shape::Strings, PropertyValue::Strings(_))
        | (Shape::Mailboxes, PropertyValue::Mailboxes(_))
        | (Shape::Attendees, PropertyValue::Attendees(_)) => Ok(()),
        (Shape::Recurrence { task }, PropertyValue::Recurrence(recurrence)) => {
            if recurrence.pattern.is_regeneration() && !task {
                return Err(invalid(format!("{path} cannot regenerate: only tasks do")));
            }
            crate::operations::item_xml::recurrence::check_recurrence(recurrence)
        }
        (shape, value) => Err(wrong_shape(path, value, expected(shape))),
    }
}

fn expected(shape: Shape) -> &'static str {
    match shape {
        Shape::Text | Shape::Choice(_) => "text",
        Shape::Bool => "a boolean",
        Shape::Integer(..) => "an integer",
        Shape::DateTime => "a date-time",
        Shape::Strings => "a list of strings",
        Shape::Body => "a body",
        Shape::Mailbox => "a mailbox",
        Shape::Mailboxes => "a list of mailboxes",
        Shape::Attendees => "a list of attendees",
        Shape::Recurrence { .. } => "a recurrence",
        Shape::Importance => "an importance",
        Shape::Sensitivity => "a sensitivity",
    }
}

/// Whether a MAPI type holds several values (`t:Values`).
pub(crate) fn is_array(kind: MapiPropertyType) -> bool {
    kind.as_str().ends_with("Array")
}

fn check_extended(
    path: &PropertyPath,
    kind: MapiPropertyType,
    value: &PropertyValue,
) -> Result<(), EwsError> {
    use MapiPropertyType as M;
    let range = match kind {
        M::Short => Some((i64::from(i16::MIN), i64::from(i16::MAX))),
        M::Integer => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
        M::Long | M::Currency => Some((i64::MIN, i64::MAX)),
        _ => None,
    };
    match value {
        PropertyValue::Strings(values) if is_array(kind) => {
            if values.is_empty() {
                return Err(invalid(format!("{path} needs at least one value")));
            }
            values.iter().try_for_each(|v| check_lexical(path, kind, v))
        }
        _ if is_array(kind) => Err(wrong_shape(path, value, "a list of strings")),
        PropertyValue::Text(text) => check_lexical(path, kind, text),
        PropertyValue::Bool(_) if kind == M::Boolean => Ok(()),
        PropertyValue::DateTime(_) if kind == M::SystemTime => Ok(()),
        PropertyValue::Integer(n) => match range {
            Some((min, max)) if (min..=max).contains(n) => Ok(()),
            Some((min, max)) => Err(invalid(format!("{path} takes {min} to {max}, not {n}"))),
            None => Err(wrong_shape(path, value, "text")),
        },
        _ => Err(wrong_shape(path, value, "text")),
    }
}

/// Refuses text a binary property cannot hold (it must be base64).
fn check_lexical(path: &PropertyPath, kind: MapiPropertyType, text: &str) -> Result<(), EwsError> {
    if matches!(
        kind,
        MapiPropertyType::Binary | MapiPropertyType::BinaryArray
    ) && base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .is_err()
    {
        return Err(invalid(format!(
            "{path} takes base64, not {:?}",
            crate::soap::cut(text)
        )));
    }
    Ok(())
}
