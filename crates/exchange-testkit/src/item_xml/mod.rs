//! Item elements for responses: the computed properties, the interpreted ones and those kept
//! as sent, chosen by the response shape and written in the order of the kind's schema type.

mod attachment;
mod body;
mod calendar;
#[cfg(test)]
mod tests;

use std::fmt::Write as _;

pub(crate) use attachment::attachment_xml;
pub(crate) use body::convert;

use crate::datetime;
use crate::dom::Element;
use crate::escape;
use crate::folder_tree;
use crate::item::StoredItem;
use crate::kind::ItemKind;
use crate::request::{BaseShape, Body, BodyKind, PropertyPath, Shape, TYPES};
use crate::store;

/// Properties a `FindItem` never returns.
const NOT_IN_FIND: &[&str] = &[
    "Body",
    "Attachments",
    "MimeContent",
    "UniqueBody",
    "TextBody",
    "NormalizedBody",
    "Recurrence",
    "FirstOccurrence",
    "LastOccurrence",
    "ModifiedOccurrences",
    "DeletedOccurrences",
];

/// The properties of the `Default` shape of calendar items, besides those kept as sent.
const CALENDAR_DEFAULT: &[&str] = &[
    "ParentFolderId",
    "ItemClass",
    "Subject",
    "Body",
    "Attachments",
    "DateTimeCreated",
    "HasAttachments",
    "Start",
    "End",
    "IsAllDayEvent",
    "LegacyFreeBusyStatus",
    "Location",
    "IsMeeting",
    "IsCancelled",
    "IsRecurring",
    "CalendarItemType",
    "MyResponseType",
    "Organizer",
    "FirstOccurrence",
    "LastOccurrence",
    "ModifiedOccurrences",
    "DeletedOccurrences",
];

/// Where and how an item is written.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context<'a> {
    /// The mailbox that holds the item.
    pub(crate) mailbox: usize,
    /// The mailbox owner's address (the organizer of calendar items).
    pub(crate) owner: &'a str,
    /// The response shape.
    pub(crate) shape: &'a Shape,
    /// Whether the item is written for `FindItem` (no bodies or attachments).
    pub(crate) for_find: bool,
}

/// One property ready to write.
struct Entry {
    name: String,
    xml: String,
    /// Whether the client sent it (rather than the server computing it).
    sent: bool,
}

/// The element name a `FieldURI` names (`item:Subject` → `Subject`).
pub(crate) fn element_of(uri: &str) -> &str {
    uri.rsplit(':').next().unwrap_or(uri)
}

/// The dictionary element an indexed `FieldURI` names, and the entry child it selects
/// (physical addresses only).
pub(crate) fn dictionary_of(uri: &str) -> Option<(&'static str, Option<&str>)> {
    Some(match uri {
        "contacts:EmailAddress" => ("EmailAddresses", None),
        "contacts:PhoneNumber" => ("PhoneNumbers", None),
        "contacts:ImAddress" => ("ImAddresses", None),
        "item:InternetMessageHeader" => ("InternetMessageHeaders", None),
        _ => {
            let field = uri.strip_prefix("contacts:PhysicalAddress:")?;
            ("PhysicalAddresses", Some(field))
        }
    })
}

/// The `t:ItemId` element of an item.
fn item_id_xml(mailbox: usize, item: &StoredItem) -> String {
    format!(
        "<t:ItemId Id=\"{}\" ChangeKey=\"{}\"/>",
        escape::attr(&id_of(mailbox, item)),
        escape::attr(&store::change_key(item.change)),
    )
}

/// Just the `ItemId` of an item (the content of CreateItem and UpdateItem answers).
pub(crate) fn item_id_only(mailbox: usize, item: &StoredItem) -> String {
    let element = item.kind.element();
    format!("<t:{element}>{}</t:{element}>", item_id_xml(mailbox, item))
}

/// The `ItemId/@Id` of an item or occurrence.
fn id_of(mailbox: usize, item: &StoredItem) -> String {
    match item.occurrence {
        Some(o) => store::occurrence_id(mailbox, &item.key, o.index),
        None => store::item_id(mailbox, &item.key),
    }
}

fn wanted(ctx: &Context<'_>, kind: &ItemKind, entry: &Entry) -> bool {
    let name = entry.name.as_str();
    if name == "ItemId" {
        return true;
    }
    if ctx.for_find && NOT_IN_FIND.contains(&name) {
        return false;
    }
    if ctx
        .shape
        .additional
        .iter()
        .any(|uri| element_of(uri) == name)
    {
        return true;
    }
    match ctx.shape.base {
        BaseShape::IdOnly => false,
        _ if matches!(name, "ExtendedProperty" | "MimeContent") => false,
        BaseShape::Default if *kind == ItemKind::Calendar => {
            entry.sent || CALENDAR_DEFAULT.contains(&name)
        }
        BaseShape::Default | BaseShape::AllProperties => true,
    }
}

/// An item with the properties its shape asks for.
pub(crate) fn item(ctx: &Context<'_>, item: &StoredItem) -> String {
    let mut entries: Vec<Entry> = computed(ctx, item)
        .into_iter()
        .chain(item.props.iter().map(|p| Entry {
            name: p.name.clone(),
            xml: p.to_xml(),
            sent: true,
        }))
        .collect();
    // A computed property the client also sent is written once, as sent.
    let sent: Vec<String> = item.props.iter().map(|p| p.name.clone()).collect();
    entries.retain(|e| e.sent || !sent.contains(&e.name));
    let kind = &item.kind;
    let mut chosen: Vec<Entry> = entries
        .into_iter()
        .filter(|e| wanted(ctx, kind, e))
        .collect();
    chosen.extend(selected_paths(ctx, item, &chosen));
    let known = kind.known_len();
    let mut order: Vec<(usize, Entry)> = chosen
        .into_iter()
        .enumerate()
        .map(|(i, e)| (kind.position(&e.name).unwrap_or(known + i), e))
        .collect();
    order.sort_by_key(|(place, _)| *place);
    let element = kind.element();
    let mut out = String::with_capacity(512);
    let _ = write!(out, "<t:{element}>");
    for (_, entry) in order {
        out.push_str(&entry.xml);
    }
    let _ = write!(out, "</t:{element}>");
    out
}

/// An entry key of a dictionary and, for physical addresses, the field of the entry.
type Selection<'a> = (&'a str, Option<&'a str>);

/// The entries of indexed and extended paths of the shape that are not already chosen whole.
fn selected_paths(ctx: &Context<'_>, item: &StoredItem, chosen: &[Entry]) -> Vec<Entry> {
    let mut out = Vec::new();
    let mut dictionaries: Vec<(&str, Vec<Selection<'_>>)> = Vec::new();
    for path in &ctx.shape.paths {
        match path {
            PropertyPath::Indexed { uri, index } => {
                let Some((container, field)) = dictionary_of(uri) else {
                    continue;
                };
                if chosen.iter().any(|e| e.name == container) {
                    continue;
                }
                match dictionaries.iter_mut().find(|(c, _)| *c == container) {
                    Some((_, keys)) => keys.push((index.as_str(), field)),
                    None => dictionaries.push((container, vec![(index.as_str(), field)])),
                }
            }
            PropertyPath::Extended(uri) if is_search_key(uri) => {
                if uri.attr("PropertyType") == Some("Binary") {
                    out.push(Entry {
                        name: "ExtendedProperty".to_owned(),
                        xml: search_key_xml(item),
                        sent: false,
                    });
                }
            }
            PropertyPath::Extended(uri) => {
                for property in item.props.iter().filter(|p| p.name == "ExtendedProperty") {
                    if extended_matches(property, uri) {
                        out.push(Entry {
                            name: "ExtendedProperty".to_owned(),
                            xml: property.to_xml(),
                            sent: true,
                        });
                    }
                }
            }
            PropertyPath::Field(_) => {}
        }
    }
    for (container, keys) in dictionaries {
        let Some(stored) = item.prop(container) else {
            continue;
        };
        let mut filtered = Element::new(TYPES, container, "");
        for entry in &stored.children {
            let key = entry.attr("Key").unwrap_or_default();
            let mut picked: Option<Element> = None;
            for (wanted_key, field) in &keys {
                if *wanted_key != key {
                    continue;
                }
                match field {
                    None => picked = Some(entry.clone()),
                    Some(field) => {
                        let part = picked.get_or_insert_with(|| {
                            let mut e = entry.clone();
                            e.children.clear();
                            e
                        });
                        if let Some(child) = entry.children.iter().find(|c| c.name == *field) {
                            if !part.children.contains(child) {
                                part.children.push(child.clone());
                            }
                        }
                    }
                }
            }
            if let Some(picked) = picked.filter(|p| !p.children.is_empty() || !p.text().is_empty())
            {
                filtered.children.push(picked);
            }
        }
        if !filtered.children.is_empty() {
            out.push(Entry {
                name: container.to_owned(),
                xml: filtered.to_xml(),
                sent: true,
            });
        }
    }
    out
}

/// Whether a stored `ExtendedProperty` is the property `uri` names (same attributes, the
/// property type aside).
pub(crate) fn extended_matches(property: &Element, uri: &Element) -> bool {
    let Some(stored) = property.child(TYPES, "ExtendedFieldURI") else {
        return false;
    };
    let naming = |e: &Element| {
        let mut attrs: Vec<(String, String)> = e
            .attrs()
            .iter()
            .filter(|(n, _)| n != "PropertyType")
            .map(|(n, v)| {
                // A tag may be written in hex (`0x300B`) or in decimal (`12299`).
                let value = match tag_number(v) {
                    Some(number) if n == "PropertyTag" => number.to_string(),
                    _ => v.to_ascii_lowercase(),
                };
                (n.clone(), value)
            })
            .collect();
        attrs.sort();
        attrs
    };
    naming(stored) == naming(uri)
}

/// The number of a `PropertyTag` attribute: hex with `0x` (`0x300B`) or decimal (`12299`).
pub(crate) fn tag_number(value: &str) -> Option<u32> {
    let value = value.trim();
    match value
        .strip_prefix("0x")
        .or_else(|| value.strip_prefix("0X"))
    {
        Some(hex) => u32::from_str_radix(hex, 16).ok(),
        None => value.parse().ok(),
    }
}

/// The tag of `PR_SEARCH_KEY`.
pub(crate) const SEARCH_KEY_TAG: u32 = 0x300B;

/// Whether an `ExtendedFieldURI` names `PR_SEARCH_KEY` (tag `0x300B`, in either form).
pub(crate) fn is_search_key(uri: &Element) -> bool {
    let named = [
        "PropertySetId",
        "DistinguishedPropertySetId",
        "PropertyName",
        "PropertyId",
    ]
    .iter()
    .any(|a| uri.attr(a).is_some());
    !named && uri.attr("PropertyTag").and_then(tag_number) == Some(SEARCH_KEY_TAG)
}

/// `PR_SEARCH_KEY` of an item as an `ExtendedProperty`, its tag written as Exchange writes
/// tags (lowercase hex).
fn search_key_xml(item: &StoredItem) -> String {
    use base64::Engine as _;
    let value = base64::engine::general_purpose::STANDARD.encode(item.search_key);
    format!(
        "<t:ExtendedProperty><t:ExtendedFieldURI PropertyTag=\"0x{SEARCH_KEY_TAG:x}\" \
         PropertyType=\"Binary\"/><t:Value>{value}</t:Value></t:ExtendedProperty>"
    )
}

fn text_entry(name: &str, value: &str) -> Entry {
    let mut xml = String::new();
    escape::push_text_element(&mut xml, &format!("t:{name}"), value);
    Entry {
        name: name.to_owned(),
        xml,
        sent: false,
    }
}

/// The properties the server computes or interprets.
fn computed(ctx: &Context<'_>, item: &StoredItem) -> Vec<Entry> {
    let mut out = Vec::with_capacity(24);
    let raw = |name: &str, xml: String| Entry {
        name: name.to_owned(),
        xml,
        sent: false,
    };
    out.push(raw("ItemId", item_id_xml(ctx.mailbox, item)));
    out.push(raw(
        "ParentFolderId",
        format!(
            "<t:ParentFolderId Id=\"{}\" ChangeKey=\"{}\"/>",
            escape::attr(&folder_tree::folder_id(ctx.mailbox, item.folder)),
            escape::attr(&folder_tree::change_key(item.folder)),
        ),
    ));
    out.push(text_entry("ItemClass", &item.class));
    if let Some(subject) = &item.subject {
        out.push(text_entry("Subject", subject));
    }
    let body = item.body.clone().unwrap_or(Body {
        kind: BodyKind::Text,
        content: String::new(),
    });
    let body = convert(body, ctx.shape.body);
    out.push(raw(
        "Body",
        format!(
            "<t:Body BodyType=\"{}\">{}</t:Body>",
            body.kind.as_str(),
            escape::text(&body.content)
        ),
    ));
    if !item.attachments.is_empty() {
        let mut xml = String::from("<t:Attachments>");
        for attachment in &item.attachments {
            xml.push_str(&attachment_xml(ctx.mailbox, item, attachment, None));
        }
        xml.push_str("</t:Attachments>");
        out.push(raw("Attachments", xml));
    }
    // Items are "received" when they are saved.
    out.push(text_entry(
        "DateTimeReceived",
        &datetime::format(item.created),
    ));
    out.push(text_entry("Size", &item.size().to_string()));
    out.push(text_entry(
        "DateTimeCreated",
        &datetime::format(item.created),
    ));
    out.push(text_entry(
        "HasAttachments",
        if item.attachments.is_empty() {
            "false"
        } else {
            "true"
        },
    ));
    out.push(text_entry(
        "LastModifiedTime",
        &datetime::format(item.modified),
    ));
    match item.kind {
        ItemKind::Message => {
            out.push(text_entry(
                "DisplayTo",
                &display_names(item, "ToRecipients"),
            ));
            out.push(text_entry(
                "DisplayCc",
                &display_names(item, "CcRecipients"),
            ));
            out.push(text_entry(
                "IsRead",
                if item.is_read() { "true" } else { "false" },
            ));
            let draft = item.folder == folder_tree::DRAFTS;
            out.push(text_entry("IsDraft", if draft { "true" } else { "false" }));
        }
        ItemKind::Calendar => calendar::entries(ctx, item, &mut out),
        _ => {}
    }
    out
}

/// `DisplayTo`/`DisplayCc`: the names (or addresses) of a recipient list, `; `-separated.
fn display_names(item: &StoredItem, list: &str) -> String {
    let Some(list) = item.prop(list) else {
        return String::new();
    };
    list.children
        .iter()
        .filter_map(|mailbox| {
            let name = mailbox.child(TYPES, "Name").map(Element::text);
            let address = mailbox.child(TYPES, "EmailAddress").map(Element::text);
            name.filter(|n| !n.is_empty())
                .or(address)
                .map(str::to_owned)
        })
        .collect::<Vec<_>>()
        .join("; ")
}
