//! Calendar item properties, `CreateItem` and `UpdateItem`.

use chrono::{DateTime, Utc};

use super::parts::{folder, item_ref};
use super::{enum_attr, required, required_enum_attr, violation, Operation, MESSAGES, TYPES};
use crate::datetime;
use crate::dom::Element;
use crate::error::Error;

/// Values of `CalendarItemCreateOrDeleteOperationType`.
pub(crate) const CREATE_OR_DELETE_OPERATIONS: &[&str] =
    &["SendToNone", "SendOnlyToAll", "SendToAllAndSaveCopy"];
/// Values of `CalendarItemUpdateOperationType`.
const UPDATE_OPERATIONS: &[&str] = &[
    "SendToNone",
    "SendOnlyToAll",
    "SendOnlyToChanged",
    "SendToAllAndSaveCopy",
    "SendToChangedAndSaveCopy",
];
/// Values of `LegacyFreeBusyType`.
const FREE_BUSY: &[&str] = &[
    "Free",
    "Tentative",
    "Busy",
    "OOF",
    "WorkingElsewhere",
    "NoData",
];

/// The format of a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyKind {
    /// `HTML`.
    Html,
    /// `Text`.
    Text,
}

impl BodyKind {
    /// The `BodyType` attribute value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Html => "HTML",
            Self::Text => "Text",
        }
    }
}

/// An item body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Body {
    /// Its format.
    pub(crate) kind: BodyKind,
    /// Its content.
    pub(crate) content: String,
}

/// The calendar item properties the fake models, as far as a request element gives them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct CalendarFields {
    /// `Subject`.
    pub(crate) subject: Option<String>,
    /// `Body`.
    pub(crate) body: Option<Body>,
    /// `UID`.
    pub(crate) uid: Option<String>,
    /// `Start`.
    pub(crate) start: Option<DateTime<Utc>>,
    /// `End`.
    pub(crate) end: Option<DateTime<Utc>>,
    /// `IsAllDayEvent`.
    pub(crate) is_all_day: Option<bool>,
    /// `LegacyFreeBusyStatus`.
    pub(crate) free_busy: Option<String>,
    /// `Location`.
    pub(crate) location: Option<String>,
}

impl CalendarFields {
    /// How many of the modelled properties are present.
    pub(crate) fn count(&self) -> usize {
        [
            self.subject.is_some(),
            self.body.is_some(),
            self.uid.is_some(),
            self.start.is_some(),
            self.end.is_some(),
            self.is_all_day.is_some(),
            self.free_busy.is_some(),
            self.location.is_some(),
        ]
        .iter()
        .filter(|present| **present)
        .count()
    }
}

/// One change description of `UpdateItem`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FieldChange {
    /// `SetItemField`: the path and the properties the item element holds, plus how many
    /// child elements it has (modelled or not).
    Set {
        /// The `FieldURI` of the path, empty for indexed and extended paths.
        field: String,
        /// The modelled properties of the item element.
        value: CalendarFields,
        /// The number of property elements in the item element.
        properties: usize,
    },
    /// `AppendToItemField`.
    Append {
        /// The `FieldURI` of the path.
        field: String,
        /// The modelled properties of the item element.
        value: CalendarFields,
    },
    /// `DeleteItemField`.
    Delete {
        /// The `FieldURI` of the path.
        field: String,
    },
}

fn parse_bool(element: &Element) -> Result<bool, Error> {
    match element.text().trim() {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        other => Err(violation(
            element,
            format!(
                "The value '{other}' of '{}' is not an xs:boolean.",
                element.name
            ),
        )),
    }
}

fn parse_date(element: &Element) -> Result<DateTime<Utc>, Error> {
    datetime::parse(element.text()).ok_or_else(|| {
        violation(
            element,
            format!(
                "The value '{}' of '{}' is not an xs:dateTime.",
                element.text(),
                element.name
            ),
        )
    })
}

/// Reads the modelled properties of an item element (`CalendarItem`, `Item`, …). Properties
/// the fake does not model, such as attendees or reminders, are accepted and dropped.
pub(crate) fn fields(item: &Element) -> Result<CalendarFields, Error> {
    let mut fields = CalendarFields::default();
    for property in item.children.iter().filter(|c| c.ns == TYPES) {
        match property.name.as_str() {
            "Subject" => fields.subject = Some(property.text().to_owned()),
            "Body" => {
                let kind = match required_enum_attr(property, "BodyType", &["HTML", "Text"])? {
                    "HTML" => BodyKind::Html,
                    _ => BodyKind::Text,
                };
                fields.body = Some(Body {
                    kind,
                    content: property.text().to_owned(),
                });
            }
            "UID" => fields.uid = Some(property.text().to_owned()),
            "Start" => fields.start = Some(parse_date(property)?),
            "End" => fields.end = Some(parse_date(property)?),
            "IsAllDayEvent" => fields.is_all_day = Some(parse_bool(property)?),
            "LegacyFreeBusyStatus" => {
                let value = property.text();
                if !FREE_BUSY.contains(&value) {
                    return Err(violation(
                        property,
                        format!("The value '{value}' of 'LegacyFreeBusyStatus' is not in its enumeration."),
                    ));
                }
                fields.free_busy = Some(value.to_owned());
            }
            "Location" => fields.location = Some(property.text().to_owned()),
            _ => {}
        }
    }
    Ok(fields)
}

/// Decodes `CreateItem`.
pub(crate) fn create_item(body: &Element) -> Result<Operation, Error> {
    enum_attr(
        body,
        "MessageDisposition",
        &["SaveOnly", "SendOnly", "SendAndSaveCopy"],
    )?;
    let send_invitations =
        enum_attr(body, "SendMeetingInvitations", CREATE_OR_DELETE_OPERATIONS)?.map(str::to_owned);
    let folder = match body.child(MESSAGES, "SavedItemFolderId") {
        None => None,
        Some(target) => {
            let inner = target.children.first().ok_or_else(|| {
                violation(
                    target,
                    "The element 'SavedItemFolderId' has incomplete content.",
                )
            })?;
            Some(folder(inner)?.ok_or_else(|| {
                violation(
                    inner,
                    format!("The element '{}' is not a folder identifier.", inner.name),
                )
            })?)
        }
    };
    let list = required(body, MESSAGES, "Items")?;
    let mut items = Vec::new();
    for item in list.children.iter().filter(|c| c.ns == TYPES) {
        if item.name == "CalendarItem" {
            items.push(Ok(fields(item)?));
        } else {
            items.push(Err(item.name.clone()));
        }
    }
    if items.is_empty() {
        return Err(violation(
            list,
            "The element 'Items' has incomplete content.",
        ));
    }
    Ok(Operation::CreateItem {
        send_invitations,
        folder,
        items,
    })
}

/// The `FieldURI` of the path of a change description (empty for other kinds of path).
fn path(change: &Element) -> Result<String, Error> {
    let path = change
        .children
        .iter()
        .find(|c| {
            c.ns == TYPES
                && matches!(
                    c.name.as_str(),
                    "FieldURI" | "IndexedFieldURI" | "ExtendedFieldURI"
                )
        })
        .ok_or_else(|| {
            violation(
                change,
                format!("The element '{}' has no property path.", change.name),
            )
        })?;
    if path.name == "FieldURI" {
        let uri = path
            .attr("FieldURI")
            .ok_or_else(|| violation(path, "The required attribute 'FieldURI' is missing."))?;
        Ok(uri.to_owned())
    } else {
        Ok(String::new())
    }
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

/// Decodes `UpdateItem`.
pub(crate) fn update_item(body: &Element) -> Result<Operation, Error> {
    let conflict_resolution = required_enum_attr(
        body,
        "ConflictResolution",
        &["NeverOverwrite", "AutoResolve", "AlwaysOverwrite"],
    )?
    .to_owned();
    enum_attr(
        body,
        "MessageDisposition",
        &["SaveOnly", "SendOnly", "SendAndSaveCopy"],
    )?;
    let send_updates = enum_attr(
        body,
        "SendMeetingInvitationsOrCancellations",
        UPDATE_OPERATIONS,
    )?
    .map(str::to_owned);
    let list = required(body, MESSAGES, "ItemChanges")?;
    let mut changes = Vec::new();
    for change in list.children.iter().filter(|c| c.is(TYPES, "ItemChange")) {
        let id = change
            .children
            .iter()
            .find(|c| c.ns == TYPES && c.name != "Updates" && c.name != "CalendarActivityData")
            .ok_or_else(|| violation(change, "The element 'ItemChange' has no item identifier."))?;
        let id = item_ref(id)?;
        let updates = required(change, TYPES, "Updates")?;
        let mut descriptions = Vec::new();
        for update in updates.children.iter().filter(|c| c.ns == TYPES) {
            descriptions.push(
                match update.name.as_str() {
                    "SetItemField" => {
                        let item = item_element(update)?;
                        Some(FieldChange::Set {
                            field: path(update)?,
                            value: fields(item)?,
                            properties: item.children.len(),
                        })
                    }
                    "AppendToItemField" => Some(FieldChange::Append {
                        field: path(update)?,
                        value: fields(item_element(update)?)?,
                    }),
                    "DeleteItemField" => Some(FieldChange::Delete {
                        field: path(update)?,
                    }),
                    _ => None,
                }
                .ok_or_else(|| {
                    violation(
                        update,
                        format!("The element '{}' is not a change description.", update.name),
                    )
                })?,
            );
        }
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
        conflict_resolution,
        send_updates,
        changes,
    })
}
