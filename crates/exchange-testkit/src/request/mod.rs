//! Decoding of SOAP 1.1 EWS requests into the operations the fake implements.
//!
//! Elements are matched on namespace URI and local name, never on prefixes. Whatever the
//! schema requires of the parts the fake reads (required elements and attributes, enumeration
//! values, dates, numbers) is checked and reported as [`Error::SchemaViolation`], as Exchange
//! reports schema violations; parts the fake does not model are accepted and ignored.

mod attachments;
mod calendar;
mod directory;

pub(crate) use directory::{Availability, Bound, LegacyZone, ZoneChange};
mod folders;
mod move_copy;
mod parts;
mod restriction;
#[cfg(test)]
mod restriction_tests;
mod sync;
mod update;

pub(crate) use attachments::{NewAttachment, NewContent};
pub(crate) use calendar::{Body, BodyKind, NewItem};
pub(crate) use folders::FolderTraversal;
pub(crate) use move_copy::Transfer;
pub(crate) use parts::{BaseShape, BodyWanted, FolderRef, ItemRef, Shape, View};
pub(crate) use restriction::{Comparison, Filter, Operand, PathRef};
pub(crate) use update::{FieldChange, PropertyPath, UpdateOptions};

use crate::dom::Element;
use crate::error::Error;

/// The SOAP 1.1 envelope namespace.
pub(crate) const SOAP: &str = "http://schemas.xmlsoap.org/soap/envelope/";
/// The EWS messages namespace.
pub(crate) const MESSAGES: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";
/// The EWS types namespace.
pub(crate) const TYPES: &str = "http://schemas.microsoft.com/exchange/services/2006/types";

/// A decoded request.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Request {
    /// The `RequestServerVersion` the client asked for, if any.
    pub(crate) server_version: Option<String>,
    /// The mailbox `ExchangeImpersonation` names, if the header has it.
    pub(crate) impersonation: Option<Impersonation>,
    /// The operation with its arguments.
    pub(crate) operation: Operation,
}

/// The mailbox an `ExchangeImpersonation` header names (`ConnectingSID`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Impersonation {
    /// `PrimarySmtpAddress` or `SmtpAddress`.
    Smtp(String),
    /// `PrincipalName`: the user principal name of the mailbox owner.
    PrincipalName(String),
    /// `SID`: a security identifier, which the fake's users do not have.
    Sid(String),
}

impl Impersonation {
    /// The identifier as sent, trimmed.
    pub(crate) fn value(&self) -> &str {
        match self {
            Self::Smtp(v) | Self::PrincipalName(v) | Self::Sid(v) => v,
        }
    }
}

/// The mailbox an `ExchangeImpersonation` header names.
fn impersonation(header: &Element) -> Result<Impersonation, Error> {
    let sid = required(header, TYPES, "ConnectingSID")?;
    let [only] = sid.children.as_slice() else {
        return Err(violation(
            sid,
            "The element 'ConnectingSID' must hold exactly one of 'PrincipalName', 'SID', \
             'PrimarySmtpAddress' and 'SmtpAddress'.",
        ));
    };
    let value = only.text().trim().to_owned();
    let named = match (only.ns.as_str(), only.name.as_str()) {
        (TYPES, "PrimarySmtpAddress" | "SmtpAddress") => Impersonation::Smtp(value),
        (TYPES, "PrincipalName") => Impersonation::PrincipalName(value),
        (TYPES, "SID") => Impersonation::Sid(value),
        _ => {
            return Err(violation(
                only,
                format!(
                    "The element 'ConnectingSID' has invalid child element '{}'.",
                    only.name
                ),
            ))
        }
    };
    if named.value().is_empty() {
        return Err(violation(
            only,
            format!("The element '{}' is empty.", only.name),
        ));
    }
    Ok(named)
}

/// The arguments of `FindItem`.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct FindItem {
    /// Whether the traversal is `Shallow` (the others see no items in the fake).
    pub(crate) shallow: bool,
    /// The properties to return.
    pub(crate) shape: Shape,
    /// The paging or calendar view.
    pub(crate) view: View,
    /// Whether a grouping was given.
    pub(crate) grouped: bool,
    /// The `Restriction`, if any.
    pub(crate) restriction: Option<Filter>,
    /// The `SortOrder` keys with whether each is descending.
    pub(crate) sort: Vec<(PathRef, bool)>,
    /// The folders to search, one response message each.
    pub(crate) folders: Vec<FolderRef>,
}

/// The operations the fake implements.
#[derive(Debug, Clone, PartialEq)]
#[allow(clippy::enum_variant_names)] // The variants bear the EWS operation names.
pub(crate) enum Operation {
    /// `FindItem` over one or more folders.
    FindItem(FindItem),
    /// `GetItem` by identifiers.
    GetItem {
        /// The properties to return.
        shape: Shape,
        /// The items, one response message each.
        ids: Vec<ItemRef>,
    },
    /// `CreateItem` of items into a folder.
    CreateItem {
        /// `MessageDisposition`, which Exchange requires for messages.
        disposition: Option<String>,
        /// `SendMeetingInvitations`, which Exchange requires for calendar items.
        send_invitations: Option<String>,
        /// `SavedItemFolderId`; the kind's default folder when absent.
        folder: Option<FolderRef>,
        /// The items, one response message each.
        items: Vec<NewItem>,
    },
    /// `DeleteItem` by identifiers.
    DeleteItem {
        /// `DeleteType`.
        delete_type: String,
        /// `SendMeetingCancellations`, which Exchange requires for calendar items.
        send_cancellations: Option<String>,
        /// `AffectedTaskOccurrences`, which Exchange requires for tasks.
        task_occurrences: Option<String>,
        /// The items, one response message each.
        ids: Vec<ItemRef>,
    },
    /// `MoveItem` of items into one folder.
    MoveItem(Transfer),
    /// `CopyItem` of items into one folder.
    CopyItem(Transfer),
    /// `UpdateItem` with property changes.
    UpdateItem {
        /// The attributes that apply to every item.
        options: UpdateOptions,
        /// One item and its changes per response message.
        changes: Vec<(ItemRef, Vec<FieldChange>)>,
    },
    /// `CreateAttachment` of attachments to one item.
    CreateAttachment {
        /// `ParentItemId`.
        parent: ItemRef,
        /// The attachments, one response message each.
        attachments: Vec<NewAttachment>,
    },
    /// `GetAttachment` by attachment ids.
    GetAttachment {
        /// The `AttachmentShape` as an item shape (for item attachments).
        shape: Shape,
        /// The attachment ids, one response message each.
        ids: Vec<String>,
    },
    /// `DeleteAttachment` by attachment ids.
    DeleteAttachment {
        /// The attachment ids, one response message each.
        ids: Vec<String>,
    },
    /// `SyncFolderItems` of one folder.
    SyncFolderItems {
        /// The properties of created and updated items.
        shape: Shape,
        /// `SyncFolderId`.
        folder: FolderRef,
        /// `SyncState`, absent for the first synchronisation.
        state: Option<String>,
        /// `Ignore`: items whose changes are not reported.
        ignore: Vec<ItemRef>,
        /// `MaxChangesReturned` (1 to 512).
        max: usize,
    },
    /// `SyncFolderHierarchy` below a folder.
    SyncFolderHierarchy {
        /// The properties of created folders.
        shape: Shape,
        /// `SyncFolderId`; the mailbox root when absent.
        folder: Option<FolderRef>,
        /// `SyncState`, absent for the first synchronisation.
        state: Option<String>,
    },
    /// `GetFolder` by identifiers.
    GetFolder {
        /// The properties to return (`FolderShape`).
        shape: Shape,
        /// The folders, one response message each.
        folders: Vec<FolderRef>,
    },
    /// `GetUserAvailabilityRequest` for free/busy views (boxed: it is large).
    GetUserAvailability(Box<Availability>),
    /// `ResolveNames`: one name to look up in the directory and the caller's contacts.
    ResolveNames {
        /// `UnresolvedEntry`, trimmed.
        entry: String,
        /// `ReturnFullContactData`.
        full_contact_data: bool,
        /// `SearchScope` (default `ActiveDirectoryContacts`).
        scope: String,
    },
    /// `CreateFolder`: folders below one parent.
    CreateFolder {
        /// `ParentFolderId`.
        parent: FolderRef,
        /// The folders, one response message each.
        folders: Vec<folders::NewFolder>,
    },
    /// `UpdateFolder`: each folder with its new display name, if it gets one.
    UpdateFolder {
        /// The changes, one response message each.
        changes: Vec<(FolderRef, Option<String>)>,
    },
    /// `DeleteFolder`.
    DeleteFolder {
        /// `DeleteType`.
        delete_type: String,
        /// The folders, one response message each.
        folders: Vec<FolderRef>,
    },
    /// `MoveFolder`.
    MoveFolder {
        /// `ToFolderId`.
        to: FolderRef,
        /// The folders, one response message each.
        folders: Vec<FolderRef>,
    },
    /// `FindFolder` below one or more folders.
    FindFolder {
        /// How deep to look.
        traversal: FolderTraversal,
        /// The properties to return (`FolderShape`).
        shape: Shape,
        /// The paging.
        view: View,
        /// Whether a `Restriction` was given.
        filtered: bool,
        /// The parent folders, one response message each.
        folders: Vec<FolderRef>,
    },
}

impl Operation {
    /// The operation's element name, which also names its response elements.
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Self::FindItem(_) => "FindItem",
            Self::GetItem { .. } => "GetItem",
            Self::CreateItem { .. } => "CreateItem",
            Self::DeleteItem { .. } => "DeleteItem",
            Self::MoveItem(_) => "MoveItem",
            Self::CopyItem(_) => "CopyItem",
            Self::UpdateItem { .. } => "UpdateItem",
            Self::CreateAttachment { .. } => "CreateAttachment",
            Self::GetAttachment { .. } => "GetAttachment",
            Self::DeleteAttachment { .. } => "DeleteAttachment",
            Self::SyncFolderItems { .. } => "SyncFolderItems",
            Self::SyncFolderHierarchy { .. } => "SyncFolderHierarchy",
            Self::GetFolder { .. } => "GetFolder",
            Self::FindFolder { .. } => "FindFolder",
            Self::CreateFolder { .. } => "CreateFolder",
            Self::UpdateFolder { .. } => "UpdateFolder",
            Self::DeleteFolder { .. } => "DeleteFolder",
            Self::MoveFolder { .. } => "MoveFolder",
            Self::ResolveNames { .. } => "ResolveNames",
            Self::GetUserAvailability(_) => "GetUserAvailability",
        }
    }

    /// How many response messages a reply to this operation carries.
    pub(crate) fn message_count(&self) -> usize {
        match self {
            Self::FindItem(find) => find.folders.len(),
            Self::GetFolder { folders, .. }
            | Self::FindFolder { folders, .. }
            | Self::DeleteFolder { folders, .. }
            | Self::MoveFolder { folders, .. } => folders.len(),
            Self::CreateFolder { folders, .. } => folders.len(),
            Self::UpdateFolder { changes } => changes.len(),
            Self::GetItem { ids, .. } | Self::DeleteItem { ids, .. } => ids.len(),
            Self::CreateItem { items, .. } => items.len(),
            Self::MoveItem(transfer) | Self::CopyItem(transfer) => transfer.ids.len(),
            Self::UpdateItem { changes, .. } => changes.len(),
            Self::CreateAttachment { attachments, .. } => attachments.len(),
            Self::SyncFolderItems { .. }
            | Self::SyncFolderHierarchy { .. }
            | Self::ResolveNames { .. } => 1,
            Self::GetUserAvailability(request) => request.mailboxes.len(),
            Self::GetAttachment { ids, .. } | Self::DeleteAttachment { ids } => ids.len(),
        }
    }
}

/// A schema violation at `element`.
pub(crate) fn violation(element: &Element, what: impl Into<String>) -> Error {
    Error::SchemaViolation {
        line: element.at.0,
        position: element.at.1,
        violation: what.into(),
    }
}

/// The child `name` in `ns` that the schema requires.
pub(crate) fn required<'a>(
    parent: &'a Element,
    ns: &str,
    name: &str,
) -> Result<&'a Element, Error> {
    parent.child(ns, name).ok_or_else(|| {
        violation(
            parent,
            format!(
                "The element '{}' lacks its required child element '{name}'.",
                parent.name
            ),
        )
    })
}

/// An optional attribute whose value must be one of `allowed`.
pub(crate) fn enum_attr<'a>(
    element: &'a Element,
    name: &str,
    allowed: &[&str],
) -> Result<Option<&'a str>, Error> {
    match element.attr(name) {
        Some(value) if !allowed.contains(&value) => Err(violation(
            element,
            format!("The '{name}' attribute is invalid - the value '{value}' is not in its enumeration."),
        )),
        other => Ok(other),
    }
}

/// A required attribute whose value must be one of `allowed`.
pub(crate) fn required_enum_attr<'a>(
    element: &'a Element,
    name: &str,
    allowed: &[&str],
) -> Result<&'a str, Error> {
    enum_attr(element, name, allowed)?.ok_or_else(|| {
        violation(
            element,
            format!("The required attribute '{name}' is missing."),
        )
    })
}

/// The root element of the request, the body element and the requested server version.
pub(crate) struct Envelope<'a> {
    /// `RequestServerVersion/@Version`, if the header has it.
    pub(crate) server_version: Option<String>,
    /// The mailbox `ExchangeImpersonation` names, if the header has it; who may impersonate
    /// is decided with the caller known.
    pub(crate) impersonation: Option<Impersonation>,
    /// The single element inside `soap:Body`.
    pub(crate) body: &'a Element,
}

/// Checks the SOAP envelope and its header.
pub(crate) fn envelope(root: &Element) -> Result<Envelope<'_>, Error> {
    if !root.is(SOAP, "Envelope") {
        return Err(Error::NotSoapEnvelope(format!(
            "the root element is '{}' in namespace '{}'",
            root.name, root.ns
        )));
    }
    let body = root
        .child(SOAP, "Body")
        .ok_or_else(|| Error::NotSoapEnvelope("the envelope has no Body".to_owned()))?;
    let mut server_version = None;
    let mut impersonated = None;
    if let Some(header) = root.child(SOAP, "Header") {
        for entry in &header.children {
            if entry.is(TYPES, "RequestServerVersion") {
                let version = entry.attr("Version").ok_or_else(|| {
                    violation(entry, "The required attribute 'Version' is missing.")
                })?;
                if !is_exchange_version(version) {
                    return Err(Error::InvalidServerVersion(version.to_owned()));
                }
                server_version = Some(version.to_owned());
            } else if entry.is(TYPES, "ExchangeImpersonation") {
                impersonated = Some(impersonation(entry)?);
            }
        }
    }
    let operation = match body.children.as_slice() {
        [only] => only,
        [] => return Err(violation(body, "The element 'Body' holds no operation.")),
        [_, second, ..] => {
            return Err(violation(
                second,
                "The element 'Body' holds more than one operation.",
            ))
        }
    };
    Ok(Envelope {
        server_version,
        impersonation: impersonated,
        body: operation,
    })
}

/// Whether `version` is an `ExchangeVersionType` value, or a later dated version that newer
/// servers accept.
fn is_exchange_version(version: &str) -> bool {
    const NAMED: &[&str] = &[
        "Exchange2007",
        "Exchange2007_SP1",
        "Exchange2009",
        "Exchange2010",
        "Exchange2010_SP1",
        "Exchange2010_SP2",
        "Exchange2012",
        "Exchange2013",
        "Exchange2013_SP1",
        "Exchange2015",
        "Exchange2016",
    ];
    let dated = version.len() == 11
        && version.starts_with('V')
        && version.char_indices().skip(1).all(|(i, c)| match i {
            5 | 8 => c == '_',
            _ => c.is_ascii_digit(),
        });
    dated || NAMED.contains(&version)
}

/// Decodes the operation inside the body.
pub(crate) fn decode(envelope: &Envelope<'_>) -> Result<Request, Error> {
    let body = envelope.body;
    if body.ns != MESSAGES {
        return Err(violation(
            body,
            format!(
                "The element '{}' in namespace '{}' is not an EWS operation.",
                body.name, body.ns
            ),
        ));
    }
    let operation = match body.name.as_str() {
        "FindItem" => parts::find_item(body)?,
        "GetItem" => Operation::GetItem {
            shape: parts::shape(required(body, MESSAGES, "ItemShape")?)?,
            ids: parts::item_ids(required(body, MESSAGES, "ItemIds")?)?,
        },
        "CreateItem" => calendar::create_item(body)?,
        "DeleteItem" => {
            let delete_type = required_enum_attr(
                body,
                "DeleteType",
                &["HardDelete", "SoftDelete", "MoveToDeletedItems"],
            )?
            .to_owned();
            let task_occurrences = enum_attr(
                body,
                "AffectedTaskOccurrences",
                &["AllOccurrences", "SpecifiedOccurrenceOnly"],
            )?
            .map(str::to_owned);
            Operation::DeleteItem {
                delete_type,
                task_occurrences,
                send_cancellations: enum_attr(
                    body,
                    "SendMeetingCancellations",
                    calendar::CREATE_OR_DELETE_OPERATIONS,
                )?
                .map(str::to_owned),
                ids: parts::item_ids(required(body, MESSAGES, "ItemIds")?)?,
            }
        }
        "MoveItem" => Operation::MoveItem(move_copy::transfer(body)?),
        "CopyItem" => Operation::CopyItem(move_copy::transfer(body)?),
        "UpdateItem" => update::update_item(body)?,
        "CreateAttachment" => attachments::create_attachment(body)?,
        "GetAttachment" => attachments::get_attachment(body)?,
        "DeleteAttachment" => attachments::delete_attachment(body)?,
        "SyncFolderItems" => sync::sync_folder_items(body)?,
        "SyncFolderHierarchy" => sync::sync_folder_hierarchy(body)?,
        "GetFolder" => folders::get_folder(body)?,
        "FindFolder" => folders::find_folder(body)?,
        "CreateFolder" => folders::create_folder(body)?,
        "UpdateFolder" => folders::update_folder(body)?,
        "DeleteFolder" => folders::delete_folder(body)?,
        "MoveFolder" => folders::move_folder(body)?,
        "ResolveNames" => directory::resolve_names(body)?,
        "GetUserAvailabilityRequest" => directory::get_user_availability(body)?,
        other => return Err(Error::UnknownOperation(other.to_owned())),
    };
    Ok(Request {
        server_version: envelope.server_version.clone(),
        impersonation: envelope.impersonation.clone(),
        operation,
    })
}

#[cfg(test)]
mod tests;
