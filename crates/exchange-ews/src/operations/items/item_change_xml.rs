//! Writing one `t:ItemChange`: the item id and each `SetItemField`, `AppendToItemField` and
//! `DeleteItemField`.

use super::update_checks::is_array;
use super::update_fields::{target, Shape, Target};
use crate::items::PropertyPath;
use crate::operations::item_xml::mailbox::{write_attendees, write_mailbox, write_mailboxes};
use crate::operations::item_xml::recurrence::write_recurrence;
use crate::operations::write_item_id;
use crate::types::{FieldUpdate, ItemChange, ItemKind, PropertyValue};
use crate::xml::{format_date_time, XmlWriter};
use crate::ExchangeVersion;

/// Writes a checked change (see [`ItemChange::new`]).
pub(crate) fn write_item_change(w: &mut XmlWriter, change: &ItemChange, version: ExchangeVersion) {
    w.start("t:ItemChange", &[]);
    write_item_id(w, "t:ItemId", change.id());
    w.start("t:Updates", &[]);
    for update in change.updates() {
        write_update(w, update, change.kind(), version);
    }
    w.end().end();
}

fn write_update(w: &mut XmlWriter, update: &FieldUpdate, kind: ItemKind, version: ExchangeVersion) {
    let (element, value) = match update {
        FieldUpdate::Set(_, value) => ("t:SetItemField", Some(value)),
        FieldUpdate::Append(_, value) => ("t:AppendToItemField", Some(value)),
        FieldUpdate::Delete(_) => ("t:DeleteItemField", None),
    };
    let path = update.path();
    w.start(element, &[]);
    path.write(w);
    if let Some(value) = value {
        w.start(kind.tag(), &[]);
        write_value(w, path, value, version);
        w.end();
    }
    w.end();
}

/// Writes the one property element holding `value`.
fn write_value(
    w: &mut XmlWriter,
    path: &PropertyPath,
    value: &PropertyValue,
    version: ExchangeVersion,
) {
    // The update was checked when it was made, so the path has a target.
    let Ok(target) = target(path) else {
        return;
    };
    match target {
        Target::Field(field) => write_field(w, field.tag, field.shape, value, version),
        Target::Entry {
            dictionary,
            key,
            part,
        } => {
            w.start(dictionary, &[]);
            match part {
                Some(part) => {
                    w.start("t:Entry", &[("Key", key)]);
                    w.text_element(part, &[], &scalar(value));
                    w.end();
                }
                None => {
                    w.text_element("t:Entry", &[("Key", key)], &scalar(value));
                }
            }
            w.end();
        }
        Target::Extended(kind) => {
            w.start("t:ExtendedProperty", &[]);
            path.write(w);
            match value {
                PropertyValue::Strings(values) if is_array(kind) => {
                    w.start("t:Values", &[]);
                    for v in values {
                        w.text_element("t:Value", &[], v);
                    }
                    w.end();
                }
                _ => {
                    w.text_element("t:Value", &[], &scalar(value));
                }
            }
            w.end();
        }
    }
}

fn write_field(
    w: &mut XmlWriter,
    tag: &'static str,
    shape: Shape,
    value: &PropertyValue,
    version: ExchangeVersion,
) {
    match value {
        PropertyValue::Body(body) => {
            w.text_element(tag, &[("BodyType", body.kind.as_str())], &body.content);
        }
        PropertyValue::Strings(list) => {
            w.start(tag, &[]);
            for s in list {
                w.text_element("t:String", &[], s);
            }
            w.end();
        }
        PropertyValue::Mailbox(mailbox) => {
            w.start(tag, &[]);
            write_mailbox(w, mailbox);
            w.end();
        }
        PropertyValue::Mailboxes(list) => write_mailboxes(w, tag, list),
        PropertyValue::Attendees(list) => write_attendees(w, tag, list),
        PropertyValue::Recurrence(recurrence) => {
            debug_assert!(matches!(shape, Shape::Recurrence { .. }));
            write_recurrence(w, recurrence, version);
        }
        _ => {
            w.text_element(tag, &[], &scalar(value));
        }
    }
}

/// The text of a single value.
fn scalar(value: &PropertyValue) -> String {
    match value {
        PropertyValue::Text(text) => text.clone(),
        PropertyValue::Bool(b) => b.to_string(),
        PropertyValue::Integer(n) => n.to_string(),
        PropertyValue::DateTime(t) => format_date_time(*t),
        PropertyValue::Importance(i) => i.as_str().to_owned(),
        PropertyValue::Sensitivity(s) => s.as_str().to_owned(),
        // Lists and structures are written by their own arms; the checks keep them away.
        other => other.describe().to_owned(),
    }
}
