//! `UpdateItem`: change descriptions and their property paths.

use super::calendar::{fields, CalendarFields, MESSAGE_DISPOSITIONS, UPDATE_OPERATIONS};
use super::parts::item_ref;
use super::{
    enum_attr, required, required_enum_attr, violation, ItemRef, Operation, MESSAGES, TYPES,
};
use crate::dom::Element;
use crate::error::Error;

/// The path of a property: `FieldURI`, `IndexedFieldURI` or `ExtendedFieldURI`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum PropertyPath {
    /// `FieldURI`, such as `item:Subject`.
    Field(String),
    /// `IndexedFieldURI`, such as `contacts:EmailAddress` with `EmailAddress1`.
    Indexed {
        /// `FieldURI`.
        uri: String,
        /// `FieldIndex`.
        index: String,
    },
    /// `ExtendedFieldURI`, the element itself (its attributes name the property).
    Extended(Element),
}

/// One change description of `UpdateItem`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldChange {
    /// `SetItemField`.
    Set {
        /// The property.
        path: PropertyPath,
        /// The interpreted properties of the item element.
        value: CalendarFields,
        /// The item element holding the new value.
        item: Element,
    },
    /// `AppendToItemField`.
    Append {
        /// The property.
        path: PropertyPath,
        /// The interpreted properties of the item element.
        value: CalendarFields,
        /// The item element holding what to append.
        item: Element,
    },
    /// `DeleteItemField`.
    Delete {
        /// The property.
        path: PropertyPath,
    },
}

/// The arguments of `UpdateItem` that apply to every item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct UpdateOptions {
    /// `ConflictResolution`.
    pub(crate) conflict_resolution: String,
    /// `MessageDisposition`, which Exchange requires for messages.
    pub(crate) disposition: Option<String>,
    /// `SendMeetingInvitationsOrCancellations`, which Exchange requires for calendar items.
    pub(crate) send_updates: Option<String>,
}

/// Decodes the path element of a change description or a shape.
pub(crate) fn property_path(path: &Element) -> Result<Option<PropertyPath>, Error> {
    let attr = |name: &str| {
        path.attr(name)
            .map(str::to_owned)
            .ok_or_else(|| violation(path, format!("The required attribute '{name}' is missing.")))
    };
    if path.ns != TYPES {
        return Ok(None);
    }
    Ok(match path.name.as_str() {
        "FieldURI" => Some(PropertyPath::Field(attr("FieldURI")?)),
        "IndexedFieldURI" => Some(PropertyPath::Indexed {
            uri: attr("FieldURI")?,
            index: attr("FieldIndex")?,
        }),
        "ExtendedFieldURI" => Some(PropertyPath::Extended(path.clone())),
        _ => None,
    })
}

/// The path of a change description.
fn path(change: &Element) -> Result<PropertyPath, Error> {
    for child in &change.children {
        if let Some(path) = property_path(child)? {
            return Ok(path);
        }
    }
    Err(violation(
        change,
        format!("The element '{}' has no property path.", change.name),
    ))
}

/// The item element of a `SetItemField` or `AppendToItemField` (the child that is not a path).
fn item_element(change: &Element) -> Result<&Element, Error> {
    change
        .children
        .iter()
        .find(|c| {
            c.ns == TYPES
                && !matches!(
                    c.name.as_str(),
                    "FieldURI" | "IndexedFieldURI" | "ExtendedFieldURI"
                )
        })
        .ok_or_else(|| {
            violation(
                change,
                format!("The element '{}' has no item element.", change.name),
            )
        })
}

/// Decodes one change description.
fn change(update: &Element) -> Result<FieldChange, Error> {
    match update.name.as_str() {
        "SetItemField" => {
            let item = item_element(update)?;
            Ok(FieldChange::Set {
                path: path(update)?,
                value: fields(item)?,
                item: item.clone(),
            })
        }
        "AppendToItemField" => {
            let item = item_element(update)?;
            Ok(FieldChange::Append {
                path: path(update)?,
                value: fields(item)?,
                item: item.clone(),
            })
        }
        "DeleteItemField" => Ok(FieldChange::Delete {
            path: path(update)?,
        }),
        other => Err(violation(
            update,
            format!("The element '{other}' is not a change description."),
        )),
    }
}

/// Decodes `UpdateItem`.
pub(crate) fn update_item(body: &Element) -> Result<Operation, Error> {
    let conflict_resolution = required_enum_attr(
        body,
        "ConflictResolution",
        &["NeverOverwrite", "AutoResolve", "AlwaysOverwrite"],
    )?
    .to_owned();
    let disposition =
        enum_attr(body, "MessageDisposition", MESSAGE_DISPOSITIONS)?.map(str::to_owned);
    let send_updates = enum_attr(
        body,
        "SendMeetingInvitationsOrCancellations",
        UPDATE_OPERATIONS,
    )?
    .map(str::to_owned);
    let list = required(body, MESSAGES, "ItemChanges")?;
    let mut changes: Vec<(ItemRef, Vec<FieldChange>)> = Vec::new();
    for item_change in list.children.iter().filter(|c| c.is(TYPES, "ItemChange")) {
        let id = item_change
            .children
            .iter()
            .find(|c| c.ns == TYPES && c.name != "Updates" && c.name != "CalendarActivityData")
            .ok_or_else(|| {
                violation(
                    item_change,
                    "The element 'ItemChange' has no item identifier.",
                )
            })?;
        let id = item_ref(id)?;
        let updates = required(item_change, TYPES, "Updates")?;
        let descriptions = updates
            .children
            .iter()
            .filter(|c| c.ns == TYPES)
            .map(change)
            .collect::<Result<Vec<_>, _>>()?;
        if descriptions.is_empty() {
            return Err(violation(
                updates,
                "The element 'Updates' has incomplete content.",
            ));
        }
        changes.push((id, descriptions));
    }
    if changes.is_empty() {
        return Err(violation(
            list,
            "The element 'ItemChanges' has incomplete content.",
        ));
    }
    Ok(Operation::UpdateItem {
        options: UpdateOptions {
            conflict_resolution,
            disposition,
            send_updates,
        },
        changes,
    })
}
