//! Evaluates `FindItem` restrictions and sort orders over the stored properties.
//!
//! Every path names a property of a type, and values compare by that type: numbers
//! numerically, date-times as instants, booleans, durations by length, binary values byte by
//! byte, strings ignoring case (Exchange's default collation) and enumerations by name for
//! equality and by the number MAPI stores for them for order (`Low` < `Normal` < `High`).
//! A multi-valued property (`item:Categories`, a `StringArray` extended property) matches
//! a comparison or `Contains` when any of its values does. A property an item lacks matches
//! no comparison and no `Contains`, only `Not` around one, as on Exchange.
//!
//! The value a path reads is the one the fake writes back for the property: what the client
//! sent, or what the fake computes (`Size`, `HasAttachments`, the calendar flags, …). Where
//! Exchange stamps a value on every item that the fake does not keep (`Importance` and
//! `Sensitivity` are `Normal`; a task `IsComplete` when its status is `Completed`; a message's
//! `ConversationTopic` is its subject), restrictions see that value.

use std::cmp::Ordering;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;
use chrono::{DateTime, Utc};

use crate::datetime;
use crate::dom::Element;
use crate::folder_tree;
use crate::item_xml::{self, dictionary_of, element_of};
use crate::kind::ItemKind;
use crate::recurrence::series;
use crate::request::TYPES;
use crate::request::{Comparison, Filter, Operand, PathRef};
use crate::response::MessageError;
use crate::store::StoredItem;

/// The value of a stored property.
#[derive(Debug, Clone, PartialEq)]
enum Value {
    Text(String),
    Time(DateTime<Utc>),
    Bool(bool),
    Number(f64),
    /// A span in seconds.
    Duration(i64),
    Bytes(Vec<u8>),
    /// A name of an enumeration and its place in it.
    Enum(String, usize),
}

/// The kind of value a property holds, to read values and constants by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Time,
    Bool,
    Number,
    Duration,
    Bytes,
    /// The names of the enumeration, in the order of the numbers MAPI stores.
    Enum(&'static [&'static str]),
}

const IMPORTANCE: &[&str] = &["Low", "Normal", "High"];
const SENSITIVITY: &[&str] = &["Normal", "Personal", "Private", "Confidential"];
const FREE_BUSY: &[&str] = &[
    "Free",
    "Tentative",
    "Busy",
    "OOF",
    "WorkingElsewhere",
    "NoData",
];
const ITEM_TYPE: &[&str] = &["Single", "Occurrence", "Exception", "RecurringMaster"];
const RESPONSE_TYPE: &[&str] = &[
    "Unknown",
    "Organizer",
    "Tentative",
    "Accept",
    "Decline",
    "NoResponseReceived",
];
const TASK_STATUS: &[&str] = &[
    "NotStarted",
    "InProgress",
    "Completed",
    "WaitingOnOthers",
    "Deferred",
];

/// The field URIs restrictions and sort orders take, with the kind of their values.
const FIELDS: &[(&str, Kind)] = &[
    ("item:Subject", Kind::Text),
    ("item:ItemClass", Kind::Text),
    ("item:Body", Kind::Text),
    ("item:Categories", Kind::Text),
    ("item:Importance", Kind::Enum(IMPORTANCE)),
    ("item:Sensitivity", Kind::Enum(SENSITIVITY)),
    ("item:DateTimeCreated", Kind::Time),
    ("item:LastModifiedTime", Kind::Time),
    ("item:HasAttachments", Kind::Bool),
    ("item:Size", Kind::Number),
    ("item:DateTimeReceived", Kind::Time),
    ("item:DateTimeSent", Kind::Time),
    ("item:IsDraft", Kind::Bool),
    ("item:ReminderIsSet", Kind::Bool),
    ("item:ReminderMinutesBeforeStart", Kind::Number),
    ("item:ReminderDueBy", Kind::Time),
    ("item:InReplyTo", Kind::Text),
    ("item:DisplayTo", Kind::Text),
    ("item:DisplayCc", Kind::Text),
    ("calendar:Start", Kind::Time),
    ("calendar:End", Kind::Time),
    ("calendar:IsAllDayEvent", Kind::Bool),
    ("calendar:Location", Kind::Text),
    ("calendar:UID", Kind::Text),
    ("calendar:LegacyFreeBusyStatus", Kind::Enum(FREE_BUSY)),
    ("calendar:IsMeeting", Kind::Bool),
    ("calendar:IsCancelled", Kind::Bool),
    ("calendar:IsRecurring", Kind::Bool),
    ("calendar:CalendarItemType", Kind::Enum(ITEM_TYPE)),
    ("calendar:MyResponseType", Kind::Enum(RESPONSE_TYPE)),
    ("calendar:Duration", Kind::Duration),
    ("contacts:DisplayName", Kind::Text),
    ("contacts:FileAs", Kind::Text),
    ("contacts:GivenName", Kind::Text),
    ("contacts:Initials", Kind::Text),
    ("contacts:MiddleName", Kind::Text),
    ("contacts:Surname", Kind::Text),
    ("contacts:Nickname", Kind::Text),
    ("contacts:CompanyName", Kind::Text),
    ("contacts:Department", Kind::Text),
    ("contacts:JobTitle", Kind::Text),
    ("contacts:OfficeLocation", Kind::Text),
    ("contacts:Profession", Kind::Text),
    ("contacts:SpouseName", Kind::Text),
    ("contacts:Generation", Kind::Text),
    ("contacts:Birthday", Kind::Time),
    ("contacts:WeddingAnniversary", Kind::Time),
    ("contacts:AssistantName", Kind::Text),
    ("contacts:Manager", Kind::Text),
    ("contacts:Mileage", Kind::Text),
    ("task:StartDate", Kind::Time),
    ("task:DueDate", Kind::Time),
    ("task:CompleteDate", Kind::Time),
    ("task:Status", Kind::Enum(TASK_STATUS)),
    ("task:PercentComplete", Kind::Number),
    ("task:IsComplete", Kind::Bool),
    ("task:Owner", Kind::Text),
    ("task:TotalWork", Kind::Number),
    ("task:ActualWork", Kind::Number),
    ("task:Mileage", Kind::Text),
    ("task:BillingInformation", Kind::Text),
    ("message:IsRead", Kind::Bool),
    ("message:ConversationTopic", Kind::Text),
    ("message:IsReadReceiptRequested", Kind::Bool),
    ("message:IsDeliveryReceiptRequested", Kind::Bool),
    ("message:IsResponseRequested", Kind::Bool),
    ("message:InternetMessageId", Kind::Text),
    ("message:From", Kind::Text),
    ("message:Sender", Kind::Text),
];

/// Field URIs a restriction may name but a sort order may not: Exchange sorts on no body.
const NOT_SORTABLE: &[&str] = &["item:Body"];

/// The indexed field URIs restrictions and sort orders take (all strings).
const INDEXED: &[&str] = &[
    "contacts:EmailAddress",
    "contacts:PhoneNumber",
    "contacts:ImAddress",
    "contacts:PhysicalAddress:Street",
    "contacts:PhysicalAddress:City",
    "contacts:PhysicalAddress:State",
    "contacts:PhysicalAddress:CountryOrRegion",
    "contacts:PhysicalAddress:PostalCode",
];

/// Where a path is used: the error for a path the fake cannot use differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Usage {
    Restriction,
    Sort,
}

/// The kind of a path the fake can search and sort by; an error for any other path.
fn kind(path: &PathRef, usage: Usage) -> Result<Kind, MessageError> {
    match path {
        PathRef::Field(uri) => {
            if usage == Usage::Sort && NOT_SORTABLE.contains(&uri.as_str()) {
                return Err(unsupported(uri, usage));
            }
            FIELDS
                .iter()
                .find(|(name, _)| name == uri)
                .map(|(_, k)| *k)
                .ok_or_else(|| unsupported(uri, usage))
        }
        PathRef::Indexed { uri, index } => {
            if INDEXED.contains(&uri.as_str()) {
                Ok(Kind::Text)
            } else {
                Err(unsupported(&format!("{uri}[{index}]"), usage))
            }
        }
        PathRef::Extended(uri) => match extended_type(uri) {
            Some((kind, _)) => Ok(kind),
            None => Err(unsupported("an extended property of this type", usage)),
        },
    }
}

/// The kind of an extended property's type, and whether it is multi-valued.
fn extended_type(uri: &Element) -> Option<(Kind, bool)> {
    Some(match uri.attr("PropertyType")? {
        "String" => (Kind::Text, false),
        "StringArray" => (Kind::Text, true),
        "SystemTime" => (Kind::Time, false),
        "SystemTimeArray" => (Kind::Time, true),
        "Boolean" => (Kind::Bool, false),
        "Short" | "Integer" | "Long" | "Float" | "Double" | "Currency" => (Kind::Number, false),
        "ShortArray" | "IntegerArray" | "LongArray" | "FloatArray" | "DoubleArray"
        | "CurrencyArray" => (Kind::Number, true),
        "Binary" => (Kind::Bytes, false),
        "BinaryArray" => (Kind::Bytes, true),
        _ => return None,
    })
}

/// The values of the property at `path` of `item` (several for a multi-valued property);
/// empty when the item lacks it.
fn values(item: &StoredItem, path: &PathRef, of_kind: Kind) -> Vec<Value> {
    let texts: Vec<String> = match path {
        PathRef::Field(uri) => match computed(item, uri) {
            Some(values) => return values,
            None => field_texts(item, uri),
        },
        PathRef::Indexed { uri, index } => indexed_texts(item, uri, index),
        PathRef::Extended(uri) => {
            if item_xml::is_search_key(uri) {
                return match of_kind {
                    Kind::Bytes => vec![Value::Bytes(item.search_key.to_vec())],
                    _ => Vec::new(),
                };
            }
            extended_texts(item, uri)
        }
    };
    // A stored text that is not a value of the kind counts as missing.
    texts
        .iter()
        .filter_map(|t| constant(of_kind, t).ok())
        .collect()
}

/// The values the fake computes rather than keeps as sent (`None`: read what was sent).
fn computed(item: &StoredItem, uri: &str) -> Option<Vec<Value>> {
    let name = element_of(uri);
    // A property the kind does not have is missing.
    if !item.kind.has(name) {
        return Some(Vec::new());
    }
    let one = |v: Value| Some(vec![v]);
    let calendar = item.kind == ItemKind::Calendar;
    let message = item.kind == ItemKind::Message;
    match uri {
        "item:Subject" => Some(item.subject.clone().map(Value::Text).into_iter().collect()),
        "item:ItemClass" => one(Value::Text(item.class.clone())),
        "item:Body" => Some(
            item.body
                .as_ref()
                .map(|b| Value::Text(b.content.clone()))
                .into_iter()
                .collect(),
        ),
        // Items are "received" when they are saved.
        "item:DateTimeCreated" | "item:DateTimeReceived" => one(Value::Time(item.created)),
        "item:LastModifiedTime" => one(Value::Time(item.modified)),
        "item:Size" => one(Value::Number(f64::from(
            u32::try_from(item.size()).unwrap_or(u32::MAX),
        ))),
        "item:HasAttachments" => one(Value::Bool(!item.attachments.is_empty())),
        "item:IsDraft" if message => one(Value::Bool(item.folder == folder_tree::DRAFTS)),
        "message:IsRead" if message => one(Value::Bool(item.is_read())),
        "calendar:Start" if calendar => one(Value::Time(item.start)),
        "calendar:End" if calendar => one(Value::Time(item.end)),
        "calendar:IsAllDayEvent" if calendar => one(Value::Bool(item.is_all_day)),
        "calendar:Location" if calendar => {
            Some(item.location.clone().map(Value::Text).into_iter().collect())
        }
        "calendar:UID" if calendar => one(Value::Text(item.uid.clone())),
        "calendar:LegacyFreeBusyStatus" if calendar => {
            constant(Kind::Enum(FREE_BUSY), &item.free_busy)
                .ok()
                .map(|v| vec![v])
        }
        "calendar:IsMeeting" if calendar => one(Value::Bool(
            ["RequiredAttendees", "OptionalAttendees", "Resources"]
                .iter()
                .any(|n| item.prop(n).is_some()),
        )),
        "calendar:IsCancelled" if calendar => one(Value::Bool(false)),
        "calendar:IsRecurring" if calendar => one(Value::Bool(
            series::recurrence_of(item).is_some() || item.occurrence.is_some(),
        )),
        "calendar:CalendarItemType" if calendar => {
            let name = match (item.occurrence, series::recurrence_of(item).is_some()) {
                (Some(o), _) if o.modified => "Exception",
                (Some(_), _) => "Occurrence",
                (None, true) => "RecurringMaster",
                (None, false) => "Single",
            };
            constant(Kind::Enum(ITEM_TYPE), name).ok().map(|v| vec![v])
        }
        "calendar:MyResponseType" if calendar => constant(Kind::Enum(RESPONSE_TYPE), "Organizer")
            .ok()
            .map(|v| vec![v]),
        "calendar:Duration" if calendar => one(Value::Duration(
            (item.end - item.start).num_seconds().max(0),
        )),
        // Stamped by Exchange on every item; the fake keeps them only when sent.
        "item:Importance" | "item:Sensitivity" if item.prop(name).is_none() => {
            let names = if name == "Importance" {
                IMPORTANCE
            } else {
                SENSITIVITY
            };
            constant(Kind::Enum(names), "Normal").ok().map(|v| vec![v])
        }
        "task:IsComplete" if item.prop(name).is_none() => {
            let status = item.prop("Status").map(|s| s.text().trim().to_owned());
            one(Value::Bool(status.as_deref() == Some("Completed")))
        }
        "message:ConversationTopic" if item.prop(name).is_none() => {
            Some(item.subject.clone().map(Value::Text).into_iter().collect())
        }
        _ => None,
    }
}

/// The texts of a property kept as sent: its text, the strings of a list (`Categories`),
/// or the address of a mailbox (`From`, `Sender`).
fn field_texts(item: &StoredItem, uri: &str) -> Vec<String> {
    let Some(stored) = item.prop(element_of(uri)) else {
        return Vec::new();
    };
    if let Some(mailbox) = stored.child(TYPES, "Mailbox") {
        return mailbox
            .child(TYPES, "EmailAddress")
            .map(|a| vec![a.text().trim().to_owned()])
            .unwrap_or_default();
    }
    if stored.children.is_empty() {
        vec![stored.text().to_owned()]
    } else {
        stored
            .children
            .iter()
            .filter(|c| c.is(TYPES, "String"))
            .map(|c| c.text().to_owned())
            .collect()
    }
}

/// The text of one entry of a dictionary (or one field of a physical address entry).
fn indexed_texts(item: &StoredItem, uri: &str, index: &str) -> Vec<String> {
    let Some((container, field)) = dictionary_of(uri) else {
        return Vec::new();
    };
    if !item.kind.has(container) {
        return Vec::new();
    }
    let Some(entry) = item
        .prop(container)
        .and_then(|d| d.children.iter().find(|e| e.attr("Key") == Some(index)))
    else {
        return Vec::new();
    };
    let text = match field {
        None => Some(entry.text()),
        Some(field) => entry.child(TYPES, field).map(Element::text),
    };
    text.filter(|t| !t.is_empty())
        .map(|t| vec![t.to_owned()])
        .unwrap_or_default()
}

/// The texts of the item's extended property `uri` names (`Value`, or each of `Values`).
fn extended_texts(item: &StoredItem, uri: &Element) -> Vec<String> {
    let Some(stored) = item
        .props
        .iter()
        .filter(|p| p.name == "ExtendedProperty")
        .find(|p| item_xml::extended_matches(p, uri))
    else {
        return Vec::new();
    };
    if let Some(value) = stored.child(TYPES, "Value") {
        return vec![value.text().to_owned()];
    }
    stored
        .child(TYPES, "Values")
        .map(|list| {
            list.children
                .iter()
                .filter(|c| c.is(TYPES, "Value"))
                .map(|c| c.text().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

/// Checks every path of `filter` before any item is looked at, so that an unsupported
/// path fails the query even in an empty folder.
pub(super) fn check(filter: &Filter) -> Result<(), MessageError> {
    let usage = Usage::Restriction;
    match filter {
        Filter::Compare(_, path, operand) => {
            let k = kind(path, usage)?;
            match operand {
                Operand::Constant(c) => constant(k, c).map(|_| ()),
                Operand::Path(other) => match kind(other, usage)? {
                    o if o == k => Ok(()),
                    _ => Err(MessageError::new(
                        "ErrorInvalidRestriction",
                        "The properties compared have different types.",
                    )),
                },
            }
        }
        Filter::Contains { path, .. } => match kind(path, usage)? {
            Kind::Text => Ok(()),
            _ => Err(MessageError::new(
                "ErrorInvalidRestriction",
                "Contains applies only to string properties.",
            )),
        },
        Filter::Exists(path) => kind(path, usage).map(|_| ()),
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
    let usage = Usage::Restriction;
    Ok(match filter {
        Filter::Compare(comparison, path, operand) => {
            let k = kind(path, usage)?;
            let left = values(item, path, k);
            let right = match operand {
                Operand::Constant(c) => vec![constant(k, c)?],
                Operand::Path(other) => values(item, other, kind(other, usage)?),
            };
            // A missing property matches no comparison, as on Exchange; a multi-valued one
            // matches when any of its values does.
            left.iter().any(|l| {
                right.iter().any(|r| {
                    let order = compare(l, r);
                    match comparison {
                        Comparison::Equal => order == Ordering::Equal,
                        Comparison::NotEqual => order != Ordering::Equal,
                        Comparison::Greater => order == Ordering::Greater,
                        Comparison::GreaterOrEqual => order != Ordering::Less,
                        Comparison::Less => order == Ordering::Less,
                        Comparison::LessOrEqual => order != Ordering::Greater,
                    }
                })
            })
        }
        Filter::Contains {
            path,
            value: wanted,
            mode,
            ignore_case,
        } => {
            let fold = |s: &str| {
                if *ignore_case {
                    s.to_lowercase()
                } else {
                    s.to_owned()
                }
            };
            let wanted = fold(wanted);
            values(item, path, Kind::Text).iter().any(|v| {
                let Value::Text(text) = v else {
                    return false;
                };
                let text = fold(text);
                match mode.as_str() {
                    "FullString" => text == wanted,
                    "Prefixed" => text.starts_with(&wanted),
                    "PrefixOnWords" => text
                        .split(|c: char| !c.is_alphanumeric())
                        .any(|word| word.starts_with(&wanted)),
                    _ => text.contains(&wanted),
                }
            })
        }
        Filter::Exists(path) => !values(item, path, kind(path, usage)?).is_empty(),
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

/// Sorts `items` stably by `keys`, the first most significant.
///
/// Items lacking a property sort as the lowest value: first in ascending order, last in
/// descending order, as the Exchange store orders a missing (null) value. A multi-valued
/// property orders by its values in turn. Items equal on every key keep the order they came
/// in (the folder's order).
pub(super) fn sort(
    items: &mut [&StoredItem],
    keys: &[(PathRef, bool)],
) -> Result<(), MessageError> {
    let kinds = keys
        .iter()
        .map(|(path, _)| kind(path, Usage::Sort))
        .collect::<Result<Vec<_>, _>>()?;
    // Read every key of every item once.
    let mut keyed: Vec<(Vec<Vec<Value>>, &StoredItem)> = items
        .iter()
        .map(|item| {
            let read = keys
                .iter()
                .zip(&kinds)
                .map(|((path, _), k)| values(item, path, *k))
                .collect();
            (read, *item)
        })
        .collect();
    keyed.sort_by(|(a, _), (b, _)| {
        for ((x, y), (_, descending)) in a.iter().zip(b).zip(keys) {
            let order = compare_lists(x, y);
            let order = if *descending { order.reverse() } else { order };
            if order != Ordering::Equal {
                return order;
            }
        }
        Ordering::Equal
    });
    for (slot, (_, item)) in items.iter_mut().zip(keyed) {
        *slot = item;
    }
    Ok(())
}

/// Lists of values in order, value by value; a shorter list that is a prefix of a longer
/// one comes first (so a missing property is the lowest).
fn compare_lists(a: &[Value], b: &[Value]) -> Ordering {
    for (x, y) in a.iter().zip(b) {
        let order = compare(x, y);
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

/// Values of the same kind in order; strings ignore case, as Exchange's default collation
/// does, and enumerations order by their place.
fn compare(a: &Value, b: &Value) -> Ordering {
    match (a, b) {
        (Value::Text(a), Value::Text(b)) => a.to_lowercase().cmp(&b.to_lowercase()),
        (Value::Time(a), Value::Time(b)) => a.cmp(b),
        (Value::Bool(a), Value::Bool(b)) => a.cmp(b),
        (Value::Number(a), Value::Number(b)) => a.total_cmp(b),
        (Value::Duration(a), Value::Duration(b)) => a.cmp(b),
        (Value::Bytes(a), Value::Bytes(b)) => a.cmp(b),
        (Value::Enum(_, a), Value::Enum(_, b)) => a.cmp(b),
        // Paths of different kinds are refused by `check`.
        _ => Ordering::Equal,
    }
}

/// A text read as a value of `kind`: a constant of a restriction, or a stored text.
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
        Kind::Number => text
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|n| n.is_finite())
            .map(Value::Number)
            .ok_or_else(invalid),
        Kind::Duration => parse_duration(text)
            .map(Value::Duration)
            .ok_or_else(invalid),
        Kind::Bytes => BASE64
            .decode(text.trim())
            .map(Value::Bytes)
            .map_err(|_| invalid()),
        Kind::Enum(names) => names
            .iter()
            .position(|n| *n == text.trim())
            .map(|place| Value::Enum(names[place].to_owned(), place))
            .ok_or_else(invalid),
    }
}

/// An `xs:duration` of days, hours, minutes and seconds (`P1DT2H`, `PT30M`) in seconds;
/// `None` for other forms (years and months have no fixed length).
fn parse_duration(text: &str) -> Option<i64> {
    let rest = text.trim().strip_prefix('P')?;
    let (date, time) = match rest.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (rest, None),
    };
    let mut total: i64 = 0;
    let mut any = false;
    let mut read = |part: &str, units: &[(char, i64)]| -> Option<()> {
        let mut number = String::new();
        for c in part.chars() {
            if c.is_ascii_digit() {
                number.push(c);
                continue;
            }
            let (_, scale) = units.iter().find(|(u, _)| *u == c)?;
            let n: i64 = number.parse().ok()?;
            total = total.checked_add(n.checked_mul(*scale)?)?;
            number.clear();
            any = true;
        }
        number.is_empty().then_some(())
    };
    read(date, &[('W', 604_800), ('D', 86_400)])?;
    if let Some(time) = time {
        if time.is_empty() {
            return None;
        }
        read(time, &[('H', 3_600), ('M', 60), ('S', 1)])?;
    }
    any.then_some(total)
}

fn unsupported(what: &str, usage: Usage) -> MessageError {
    match usage {
        Usage::Restriction => MessageError::new(
            "ErrorUnsupportedPathForQuery",
            &format!("The property {what} cannot be used in a query on the fake Exchange server."),
        ),
        Usage::Sort => MessageError::new(
            "ErrorUnsupportedPathForSortGroup",
            &format!("The property {what} cannot be used to sort on the fake Exchange server."),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_parse_to_seconds() {
        assert_eq!(parse_duration("PT1H30M"), Some(5_400));
        assert_eq!(parse_duration("P1DT2S"), Some(86_402));
        assert_eq!(parse_duration("P2W"), Some(1_209_600));
        assert_eq!(parse_duration("PT0S"), Some(0));
        for bad in ["", "P", "PT", "1H", "P1Y", "PT1.5S", "PTH"] {
            assert_eq!(parse_duration(bad), None, "{bad}");
        }
    }

    #[test]
    fn values_compare_by_their_kind() {
        let number = |t| constant(Kind::Number, t).unwrap();
        assert_eq!(compare(&number("9"), &number("10")), Ordering::Less);
        let high = constant(Kind::Enum(IMPORTANCE), "High").unwrap();
        let normal = constant(Kind::Enum(IMPORTANCE), "Normal").unwrap();
        assert_eq!(compare(&normal, &high), Ordering::Less);
        assert!(constant(Kind::Enum(IMPORTANCE), "Urgent").is_err());
        assert!(constant(Kind::Bytes, "not base64!").is_err());
        assert!(constant(Kind::Number, "NaN").is_err());
        let text = |t: &str| Value::Text(t.into());
        assert_eq!(compare(&text("apple"), &text("Banana")), Ordering::Less);
        assert_eq!(compare_lists(&[], &[text("a")]), Ordering::Less);
    }
}
