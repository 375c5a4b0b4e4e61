//! Item properties the fake interprets, and `CreateItem`.

use chrono::{DateTime, Utc};

use super::parts::target_folder;
use super::{enum_attr, required, required_enum_attr, violation, Operation, MESSAGES, TYPES};
use crate::datetime;
use crate::dom::Element;
use crate::error::Error;
use crate::kind::{ItemKind, REAL_ITEMS, RESPONSE_OBJECTS};

/// Values of `CalendarItemCreateOrDeleteOperationType`.
pub(crate) const CREATE_OR_DELETE_OPERATIONS: &[&str] =
    &["SendToNone", "SendOnlyToAll", "SendToAllAndSaveCopy"];
/// Values of `MessageDispositionType`.
pub(crate) const MESSAGE_DISPOSITIONS: &[&str] = &["SaveOnly", "SendOnly", "SendAndSaveCopy"];
/// Values of `CalendarItemUpdateOperationType`.
pub(crate) const UPDATE_OPERATIONS: &[&str] = &[
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

pub(crate) fn parse_bool(element: &Element) -> Result<bool, Error> {
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

/// An item element of `CreateItem`: its kind, the properties the fake interprets, and the
/// element itself with every property as sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct NewItem {
    /// The kind the element stands for.
    pub(crate) kind: ItemKind,
    /// The interpreted properties (calendar fields for calendar items, subject and body for
    /// every kind).
    pub(crate) fields: CalendarFields,
    /// The item element.
    pub(crate) element: Element,
}

/// Decodes an item element (of `CreateItem`, or attached to an item).
pub(crate) fn new_item(element: &Element) -> Result<NewItem, Error> {
    let name = element.name.as_str();
    if !REAL_ITEMS.contains(&name) && !RESPONSE_OBJECTS.contains(&name) {
        return Err(violation(
            element,
            format!("The element '{name}' is not an item."),
        ));
    }
    if let (ItemKind::Calendar, Some(recurrence)) = (
        ItemKind::from_element(name),
        element.child(TYPES, "Recurrence"),
    ) {
        crate::recurrence::parse(recurrence).map_err(|e| violation(recurrence, e))?;
    }
    Ok(NewItem {
        kind: ItemKind::from_element(&element.name),
        fields: fields(element)?,
        element: element.clone(),
    })
}

/// Decodes `CreateItem`.
pub(crate) fn create_item(body: &Element) -> Result<Operation, Error> {
    let disposition =
        enum_attr(body, "MessageDisposition", MESSAGE_DISPOSITIONS)?.map(str::to_owned);
    let send_invitations =
        enum_attr(body, "SendMeetingInvitations", CREATE_OR_DELETE_OPERATIONS)?.map(str::to_owned);
    let folder = body
        .child(MESSAGES, "SavedItemFolderId")
        .map(target_folder)
        .transpose()?;
    let list = required(body, MESSAGES, "Items")?;
    let items = list
        .children
        .iter()
        .filter(|c| c.ns == TYPES)
        .map(new_item)
        .collect::<Result<Vec<_>, _>>()?;
    if items.is_empty() {
        return Err(violation(
            list,
            "The element 'Items' has incomplete content.",
        ));
    }
    Ok(Operation::CreateItem {
        disposition,
        send_invitations,
        folder,
        items,
    })
}
