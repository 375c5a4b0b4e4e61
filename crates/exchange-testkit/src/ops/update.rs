//! `UpdateItem` of every kind of item: set, append and delete of plain, indexed and extended
//! properties, with conflict resolution by change key.

use super::write::{
    check_times, check_zone, disposition_required, interpreted, send_with, READ_ONLY,
};
use super::{occurrences, resolve_target, Context, Target};
use crate::dom::Element;
use crate::folder_tree;
use crate::item::StoredItem;
use crate::item_xml::{dictionary_of, element_of, extended_matches, item_id_only};
use crate::kind::ItemKind;
use crate::request::{FieldChange, ItemRef, PropertyPath, UpdateOptions, TYPES};
use crate::response::MessageError;
use crate::store;

/// Properties `AppendToItemField` can extend.
const APPENDABLE: &[&str] = &[
    "Body",
    "ToRecipients",
    "CcRecipients",
    "BccRecipients",
    "ReplyTo",
    "RequiredAttendees",
    "OptionalAttendees",
    "Resources",
    "Members",
];

/// The order of the fields of a physical address entry.
const ADDRESS_FIELDS: &[&str] = &["Street", "City", "State", "CountryOrRegion", "PostalCode"];

fn wrong_count() -> MessageError {
    MessageError::new(
        "ErrorIncorrectUpdatePropertyCount",
        "An object within a change description must contain one and only one property to modify.",
    )
}

fn invalid_request(uri: &str) -> MessageError {
    MessageError::new(
        "ErrorInvalidPropertyRequest",
        &format!("The property '{uri}' is not valid for this operation."),
    )
}

fn invalid_set() -> MessageError {
    MessageError::new(
        "ErrorInvalidPropertySet",
        "The property can't be set on this item.",
    )
}

fn invalid_delete() -> MessageError {
    MessageError::new(
        "ErrorInvalidPropertyDelete",
        "The delete action is not supported for this property.",
    )
}

fn invalid_append() -> MessageError {
    MessageError::new(
        "ErrorInvalidPropertyAppend",
        "The append action is not supported for this property.",
    )
}

fn path_of(change: &FieldChange) -> &PropertyPath {
    match change {
        FieldChange::Set { path, .. }
        | FieldChange::Append { path, .. }
        | FieldChange::Delete { path } => path,
    }
}

/// The name under which a change is tracked for conflicts.
fn tracked_name(path: &PropertyPath) -> String {
    match path {
        PropertyPath::Field(uri) => element_of(uri).to_owned(),
        PropertyPath::Indexed { uri, .. } => {
            dictionary_of(uri).map_or_else(|| uri.clone(), |(container, _)| container.to_owned())
        }
        PropertyPath::Extended(_) => "ExtendedProperty".to_owned(),
    }
}

/// One `UpdateItemResponseMessage` content: the item's id with its new change key and the
/// number of conflicts.
pub(super) fn update(
    ctx: &mut Context<'_>,
    id: &ItemRef,
    options: &UpdateOptions,
    changes: &[FieldChange],
) -> Result<String, MessageError> {
    let target = resolve_target(ctx, id)?;
    let (mailbox, key, current) = match target {
        Target::Item(mailbox, key) => {
            let item = ctx
                .store
                .item(mailbox, &key)
                .ok_or_else(super::item_not_found)?;
            (mailbox, key, item.clone())
        }
        Target::Occurrence(mailbox, key, index) => {
            let (occurrence, _) = occurrences::instance(ctx, mailbox, &key, index)?;
            (mailbox, key, occurrence)
        }
    };
    if current.kind == ItemKind::Calendar && options.send_updates.is_none() {
        return Err(MessageError::new(
            "ErrorSendMeetingInvitationsOrCancellationsRequired",
            "SendMeetingInvitationsOrCancellations attribute is required for Calendar items.",
        ));
    }
    if current.kind == ItemKind::Message && options.disposition.is_none() {
        return Err(disposition_required());
    }
    let given = match id {
        ItemRef::Item { change_key, .. } => change_key.as_deref(),
        _ => None,
    };
    let names: Vec<String> = changes.iter().map(|c| tracked_name(path_of(c))).collect();
    let conflicts = match given {
        Some(given) if given != store::change_key(current.change) => {
            // The properties changed since the version the client saw, that it changes too.
            let since = store::parse_change_key(given).unwrap_or(0);
            current
                .touched_since(since)
                .filter(|n| names.iter().any(|m| m == n))
                .count()
        }
        _ => 0,
    };
    let stale = given.is_some_and(|g| g != store::change_key(current.change));
    match (options.conflict_resolution.as_str(), given) {
        ("NeverOverwrite", None) => {
            return Err(MessageError::new(
                "ErrorChangeKeyRequiredForWriteOperations",
                "When making a write operation, the ChangeKey must be provided.",
            ))
        }
        ("NeverOverwrite", Some(_)) if stale => return Err(conflict()),
        ("AutoResolve", Some(_)) if conflicts > 0 => return Err(conflict()),
        _ => {}
    }
    let mut changed = current.clone();
    let change = ctx.store.next_change();
    for description in changes {
        apply(&mut changed, description)?;
    }
    check_times(&changed)?;
    check_zone(&changed)?;
    let touched: Vec<&str> = names.iter().map(String::as_str).collect();
    changed.new_version(change, ctx.now, &touched);
    let disposition = options.disposition.as_deref().unwrap_or("SaveOnly");
    let answer = if changed.occurrence.is_some() {
        // A changed occurrence becomes an exception kept by its series.
        let xml = item_id_only(mailbox, &changed);
        occurrences::keep_exception(ctx, mailbox, &key, changed)?;
        format!("<m:Items>{xml}</m:Items>")
    } else if changed.kind == ItemKind::Message && disposition != "SaveOnly" {
        match send_with(ctx, mailbox, changed, disposition)? {
            Some(mut copy) => {
                copy.folder = folder_tree::SENT_ITEMS;
                replace(ctx, mailbox, copy);
            }
            None => {
                ctx.store.remove(mailbox, &key);
            }
        }
        "<m:Items/>".to_owned()
    } else {
        let xml = item_id_only(mailbox, &changed);
        replace(ctx, mailbox, changed);
        format!("<m:Items>{xml}</m:Items>")
    };
    Ok(format!(
        "{answer}<m:ConflictResults><t:Count>{conflicts}</t:Count></m:ConflictResults>"
    ))
}

fn replace(ctx: &mut Context<'_>, mailbox: usize, item: StoredItem) {
    if let Some(stored) = ctx.store.item_mut(mailbox, &item.key) {
        *stored = item;
    }
}

fn conflict() -> MessageError {
    MessageError::new(
        "ErrorIrresolvableConflict",
        "The send or update operation could not be performed because the change key \
         passed in the request does not match the current change key for the item.",
    )
}

/// The single property element of an item element of a change description.
fn single<'a>(item: &'a Element, name: &str) -> Result<&'a Element, MessageError> {
    match item.children.as_slice() {
        [only] if only.ns == TYPES && only.name == name => Ok(only),
        _ => Err(wrong_count()),
    }
}

/// Applies one change description.
fn apply(item: &mut StoredItem, change: &FieldChange) -> Result<(), MessageError> {
    match path_of(change) {
        PropertyPath::Field(uri) => apply_field(item, uri, change),
        PropertyPath::Indexed { uri, index } => apply_indexed(item, uri, index, change),
        PropertyPath::Extended(uri) => apply_extended(item, uri, change),
    }
}

fn apply_field(item: &mut StoredItem, uri: &str, change: &FieldChange) -> Result<(), MessageError> {
    let name = element_of(uri);
    if !uri.contains(':') || !ItemKind::any_has(name) {
        return Err(invalid_request(uri));
    }
    if !item.kind.has(name) {
        return Err(invalid_set());
    }
    match change {
        FieldChange::Set { value, item: e, .. } => {
            if READ_ONLY.contains(&name) {
                return Err(invalid_set());
            }
            let property = single(e, name)?;
            if !interpreted(&item.kind, name) {
                item.set_prop(property.clone());
                return Ok(());
            }
            let missing = wrong_count;
            match name {
                "Subject" => item.subject = Some(value.subject.clone().ok_or_else(missing)?),
                "Body" => item.body = Some(value.body.clone().ok_or_else(missing)?),
                "ItemClass" => item.class = property.text().trim().to_owned(),
                "UID" => item.uid = value.uid.clone().ok_or_else(missing)?,
                "Start" => item.start = value.start.ok_or_else(missing)?,
                "End" => item.end = value.end.ok_or_else(missing)?,
                "IsAllDayEvent" => item.is_all_day = value.is_all_day.ok_or_else(missing)?,
                "LegacyFreeBusyStatus" => {
                    item.free_busy = value.free_busy.clone().ok_or_else(missing)?;
                }
                _ => item.location = Some(value.location.clone().ok_or_else(missing)?),
            }
        }
        FieldChange::Append { value, item: e, .. } => {
            if !APPENDABLE.contains(&name) {
                return Err(invalid_append());
            }
            let property = single(e, name)?;
            if name == "Body" {
                let appended = value.body.as_ref().ok_or_else(wrong_count)?;
                match &mut item.body {
                    Some(body) => body.content.push_str(&appended.content),
                    None => item.body = Some(appended.clone()),
                }
            } else {
                let mut merged = item
                    .prop(name)
                    .cloned()
                    .unwrap_or_else(|| Element::new(TYPES, name, ""));
                merged.children.extend(property.children.iter().cloned());
                item.set_prop(merged);
            }
        }
        FieldChange::Delete { .. } => {
            if READ_ONLY.contains(&name) {
                return Err(invalid_delete());
            }
            match name {
                "Subject" => item.subject = None,
                "Body" => item.body = None,
                "Location" if item.kind == ItemKind::Calendar => item.location = None,
                _ if interpreted(&item.kind, name) => return Err(invalid_delete()),
                _ => item.remove_prop(name),
            }
        }
    }
    Ok(())
}

fn apply_indexed(
    item: &mut StoredItem,
    uri: &str,
    index: &str,
    change: &FieldChange,
) -> Result<(), MessageError> {
    let (container, field) = dictionary_of(uri).ok_or_else(|| invalid_request(uri))?;
    if !item.kind.has(container) {
        return Err(invalid_set());
    }
    if READ_ONLY.contains(&container) {
        return Err(match change {
            FieldChange::Delete { .. } => invalid_delete(),
            _ => invalid_set(),
        });
    }
    let mut stored = item
        .prop(container)
        .cloned()
        .unwrap_or_else(|| Element::new(TYPES, container, ""));
    let slot = stored
        .children
        .iter()
        .position(|e| e.attr("Key") == Some(index));
    match change {
        FieldChange::Append { .. } => return Err(invalid_append()),
        FieldChange::Set { item: e, .. } => {
            let dictionary = single(e, container)?;
            let entry = match dictionary.children.as_slice() {
                [entry] if entry.attr("Key") == Some(index) => entry,
                _ => return Err(wrong_count()),
            };
            match field {
                None => match slot {
                    Some(i) => stored.children[i] = entry.clone(),
                    None => stored.children.push(entry.clone()),
                },
                Some(field) => {
                    let part = single(entry, field)?;
                    let target = match slot {
                        Some(i) => &mut stored.children[i],
                        None => {
                            let mut fresh = entry.clone();
                            fresh.children.clear();
                            stored.children.push(fresh);
                            let last = stored.children.len() - 1;
                            &mut stored.children[last]
                        }
                    };
                    target.children.retain(|c| c.name != *field);
                    target.children.push(part.clone());
                    let place = |c: &Element| {
                        ADDRESS_FIELDS
                            .iter()
                            .position(|f| *f == c.name)
                            .unwrap_or(ADDRESS_FIELDS.len())
                    };
                    target.children.sort_by_key(place);
                }
            }
        }
        FieldChange::Delete { .. } => {
            if let Some(i) = slot {
                match field {
                    None => {
                        stored.children.remove(i);
                    }
                    Some(field) => {
                        stored.children[i].children.retain(|c| c.name != field);
                        if stored.children[i].children.is_empty() {
                            stored.children.remove(i);
                        }
                    }
                }
            }
        }
    }
    if stored.children.is_empty() {
        item.remove_prop(container);
    } else {
        item.set_prop(stored);
    }
    Ok(())
}

fn apply_extended(
    item: &mut StoredItem,
    uri: &Element,
    change: &FieldChange,
) -> Result<(), MessageError> {
    let slot = item
        .props
        .iter()
        .position(|p| p.name == "ExtendedProperty" && extended_matches(p, uri));
    match change {
        FieldChange::Append { .. } => Err(invalid_append()),
        FieldChange::Set { item: e, .. } => {
            let property = single(e, "ExtendedProperty")?;
            if !extended_matches(property, uri) {
                return Err(wrong_count());
            }
            match slot {
                Some(i) => item.props[i] = property.clone(),
                None => item.props.push(property.clone()),
            }
            Ok(())
        }
        FieldChange::Delete { .. } => {
            if let Some(i) = slot {
                item.props.remove(i);
            }
            Ok(())
        }
    }
}
