//! Response shapes, item and folder identifiers, views and `FindItem`.

use chrono::{DateTime, Utc};

use super::{required, required_enum_attr, violation, FindItem, Operation, MESSAGES, TYPES};
use crate::datetime;
use crate::dom::Element;
use crate::error::Error;

/// `BaseShape` of an `ItemShape`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BaseShape {
    /// Identifiers only.
    IdOnly,
    /// The default property set (also used for `PcxPeopleSearch`).
    Default,
    /// All properties.
    AllProperties,
}

/// `BodyType` of an `ItemShape`: in which format to return bodies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BodyWanted {
    /// As stored.
    Best,
    /// Converted to HTML.
    Html,
    /// Converted to plain text.
    Text,
}

/// The properties a response returns for each item.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Shape {
    /// The base property set.
    pub(crate) base: BaseShape,
    /// The body format.
    pub(crate) body: BodyWanted,
    /// `FieldURI` values of `AdditionalProperties`.
    pub(crate) additional: Vec<String>,
    /// `IndexedFieldURI` and `ExtendedFieldURI` paths of `AdditionalProperties`.
    pub(crate) paths: Vec<super::PropertyPath>,
}

/// A folder named in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum FolderRef {
    /// `DistinguishedFolderId`, possibly in another user's mailbox.
    Distinguished {
        /// The well-known folder name, such as `calendar`.
        name: String,
        /// `Mailbox/EmailAddress`, when the folder is in another mailbox (empty when the
        /// `Mailbox` element has no address).
        mailbox: Option<String>,
    },
    /// `FolderId` with its `Id` attribute.
    Id(String),
}

/// An item identifier named in a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum ItemRef {
    /// `ItemId`.
    Item {
        /// The `Id` attribute.
        id: String,
        /// The `ChangeKey` attribute.
        change_key: Option<String>,
    },
    /// `OccurrenceItemId`: an occurrence by its series and 1-based index.
    Occurrence {
        /// `RecurringMasterId`.
        master: String,
        /// `InstanceIndex`.
        index: i32,
    },
    /// `RecurringMasterItemId`: the series of an occurrence.
    Master {
        /// `OccurrenceId`.
        occurrence: String,
    },
    /// `RecurringMasterItemIdRanges`, which the fake does not model. Holds the identifier it
    /// refers to, if any.
    Recurrence(Option<String>),
}

/// The paging of `FindItem`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum View {
    /// No paging element: every item.
    All,
    /// `CalendarView`: items overlapping the window.
    Calendar {
        /// `StartDate`.
        start: DateTime<Utc>,
        /// `EndDate`.
        end: DateTime<Utc>,
        /// `MaxEntriesReturned`.
        max: Option<i32>,
    },
    /// `IndexedPageItemView`.
    Indexed {
        /// `MaxEntriesReturned`.
        max: Option<i32>,
        /// `Offset`.
        offset: i32,
        /// Whether `BasePoint` is `End`.
        from_end: bool,
    },
    /// Another paging element (fractional, seek-to-condition, contacts).
    Unsupported(String),
}

/// The well-known folder names of `DistinguishedFolderIdNameType`.
const DISTINGUISHED_FOLDERS: &[&str] = &[
    "calendar",
    "contacts",
    "deleteditems",
    "drafts",
    "inbox",
    "journal",
    "notes",
    "outbox",
    "sentitems",
    "tasks",
    "msgfolderroot",
    "publicfoldersroot",
    "root",
    "junkemail",
    "searchfolders",
    "voicemail",
    "recoverableitemsroot",
    "recoverableitemsdeletions",
    "recoverableitemsversions",
    "recoverableitemspurges",
    "recoverableitemsdiscoveryholds",
    "archiveroot",
    "archivemsgfolderroot",
    "archivedeleteditems",
    "archiveinbox",
    "archiverecoverableitemsroot",
    "archiverecoverableitemsdeletions",
    "archiverecoverableitemsversions",
    "archiverecoverableitemspurges",
    "archiverecoverableitemsdiscoveryholds",
    "syncissues",
    "conflicts",
    "localfailures",
    "serverfailures",
    "recipientcache",
    "quickcontacts",
    "conversationhistory",
    "adminauditlogs",
    "todosearch",
    "mycontacts",
    "directory",
    "imcontactlist",
    "peopleconnect",
    "favorites",
    "mecontact",
    "personmetadata",
    "teamspaceactivity",
    "teamspacemessaging",
    "teamspaceworkitems",
    "scheduled",
    "orionnotes",
    "tagitems",
    "alltaggeditems",
    "externalcontacts",
    "teamchat",
    "yammerroot",
    "yammerinbound",
    "yammeroutbound",
    "yammerfeeds",
    "onedriveroot",
    "onedriverecylebin",
    "onedrivesystem",
    "onedrivevolume",
];

/// Decodes an `ItemShape`.
pub(crate) fn shape(element: &Element) -> Result<Shape, Error> {
    let base = required(element, TYPES, "BaseShape")?;
    let base = match base.text() {
        "IdOnly" => BaseShape::IdOnly,
        "Default" | "PcxPeopleSearch" => BaseShape::Default,
        "AllProperties" => BaseShape::AllProperties,
        other => {
            return Err(violation(
                base,
                format!("The value '{other}' of 'BaseShape' is not in its enumeration."),
            ))
        }
    };
    let body = match element.child(TYPES, "BodyType") {
        None => BodyWanted::Best,
        Some(e) => match e.text() {
            "Best" => BodyWanted::Best,
            "HTML" => BodyWanted::Html,
            "Text" => BodyWanted::Text,
            other => {
                return Err(violation(
                    e,
                    format!("The value '{other}' of 'BodyType' is not in its enumeration."),
                ))
            }
        },
    };
    let mut additional = Vec::new();
    let mut paths = Vec::new();
    if let Some(list) = element.child(TYPES, "AdditionalProperties") {
        for path in &list.children {
            match super::update::property_path(path)? {
                Some(super::PropertyPath::Field(uri)) => additional.push(uri),
                Some(other) => paths.push(other),
                None => {}
            }
        }
    }
    Ok(Shape {
        base,
        body,
        additional,
        paths,
    })
}

/// Decodes a `DistinguishedFolderId` or `FolderId`; `None` for other kinds of folder id.
pub(crate) fn folder(element: &Element) -> Result<Option<FolderRef>, Error> {
    if element.is(TYPES, "DistinguishedFolderId") {
        let name = required_enum_attr(element, "Id", DISTINGUISHED_FOLDERS)?.to_owned();
        let mailbox = element.child(TYPES, "Mailbox").map(|m| {
            m.child(TYPES, "EmailAddress")
                .map(|a| a.text().trim().to_owned())
                .unwrap_or_default()
        });
        Ok(Some(FolderRef::Distinguished { name, mailbox }))
    } else if element.is(TYPES, "FolderId") {
        let id = element
            .attr("Id")
            .ok_or_else(|| violation(element, "The required attribute 'Id' is missing."))?;
        Ok(Some(FolderRef::Id(id.to_owned())))
    } else {
        Ok(None)
    }
}

/// Decodes a `TargetFolderIdType` (`SavedItemFolderId`, `ToFolderId`): the one folder it
/// names.
pub(crate) fn target_folder(target: &Element) -> Result<FolderRef, Error> {
    let inner = target.children.first().ok_or_else(|| {
        violation(
            target,
            format!("The element '{}' has incomplete content.", target.name),
        )
    })?;
    folder(inner)?.ok_or_else(|| {
        violation(
            inner,
            format!("The element '{}' is not a folder identifier.", inner.name),
        )
    })
}

/// Decodes `ItemIds` (`NonEmptyArrayOfBaseItemIdsType`).
pub(crate) fn item_ids(list: &Element) -> Result<Vec<ItemRef>, Error> {
    let ids = list
        .children
        .iter()
        .filter(|c| c.ns == TYPES)
        .map(item_ref)
        .collect::<Result<Vec<_>, _>>()?;
    if ids.is_empty() {
        return Err(violation(
            list,
            format!("The element '{}' has incomplete content.", list.name),
        ));
    }
    Ok(ids)
}

/// Decodes one item identifier element.
pub(crate) fn item_ref(element: &Element) -> Result<ItemRef, Error> {
    match element.name.as_str() {
        "ItemId" => {
            let id = element
                .attr("Id")
                .ok_or_else(|| violation(element, "The required attribute 'Id' is missing."))?;
            Ok(ItemRef::Item {
                id: id.to_owned(),
                change_key: element.attr("ChangeKey").map(str::to_owned),
            })
        }
        "OccurrenceItemId" => {
            let master = element.attr("RecurringMasterId").ok_or_else(|| {
                violation(
                    element,
                    "The required attribute 'RecurringMasterId' is missing.",
                )
            })?;
            let index = int_attr(element, "InstanceIndex")?.ok_or_else(|| {
                violation(
                    element,
                    "The required attribute 'InstanceIndex' is missing.",
                )
            })?;
            Ok(ItemRef::Occurrence {
                master: master.to_owned(),
                index,
            })
        }
        "RecurringMasterItemId" => {
            let occurrence = element.attr("OccurrenceId").ok_or_else(|| {
                violation(element, "The required attribute 'OccurrenceId' is missing.")
            })?;
            Ok(ItemRef::Master {
                occurrence: occurrence.to_owned(),
            })
        }
        "RecurringMasterItemIdRanges" => {
            Ok(ItemRef::Recurrence(element.attr("Id").map(str::to_owned)))
        }
        other => Err(violation(
            element,
            format!("The element '{other}' is not an item identifier."),
        )),
    }
}

fn int_attr(element: &Element, name: &str) -> Result<Option<i32>, Error> {
    element
        .attr(name)
        .map(|v| {
            v.trim().parse::<i32>().map_err(|_| {
                violation(
                    element,
                    format!("The '{name}' attribute is invalid - '{v}' is not an xs:int."),
                )
            })
        })
        .transpose()
}

fn date_attr(element: &Element, name: &str) -> Result<DateTime<Utc>, Error> {
    let value = element.attr(name).ok_or_else(|| {
        violation(
            element,
            format!("The required attribute '{name}' is missing."),
        )
    })?;
    datetime::parse(value).ok_or_else(|| {
        violation(
            element,
            format!("The '{name}' attribute is invalid - '{value}' is not an xs:dateTime."),
        )
    })
}

/// Decodes an `IndexedPageItemView` or `IndexedPageFolderView`.
pub(crate) fn indexed_view(element: &Element) -> Result<View, Error> {
    let offset = int_attr(element, "Offset")?
        .ok_or_else(|| violation(element, "The required attribute 'Offset' is missing."))?;
    let base = required_enum_attr(element, "BasePoint", &["Beginning", "End"])?;
    Ok(View::Indexed {
        max: int_attr(element, "MaxEntriesReturned")?,
        offset,
        from_end: base == "End",
    })
}

/// Decodes `FindItem`.
pub(crate) fn find_item(body: &Element) -> Result<Operation, Error> {
    let traversal =
        required_enum_attr(body, "Traversal", &["Shallow", "SoftDeleted", "Associated"])?;
    let shape = shape(required(body, MESSAGES, "ItemShape")?)?;
    let mut view = View::All;
    for element in body.children.iter().filter(|c| c.ns == MESSAGES) {
        view = match element.name.as_str() {
            "CalendarView" => View::Calendar {
                start: date_attr(element, "StartDate")?,
                end: date_attr(element, "EndDate")?,
                max: int_attr(element, "MaxEntriesReturned")?,
            },
            "IndexedPageItemView" => indexed_view(element)?,
            "FractionalPageItemView" | "SeekToConditionPageItemView" | "ContactsView" => {
                View::Unsupported(element.name.clone())
            }
            _ => continue,
        };
    }
    let grouped = ["GroupBy", "DistinguishedGroupBy"]
        .iter()
        .any(|name| body.child(MESSAGES, name).is_some());
    let restriction = body
        .child(MESSAGES, "Restriction")
        .map(super::restriction::restriction)
        .transpose()?;
    let sort = match body.child(MESSAGES, "SortOrder") {
        Some(order) => super::restriction::sort_order(order)?,
        None => Vec::new(),
    };
    let folders = super::folders::folder_ids(required(body, MESSAGES, "ParentFolderIds")?)?;
    Ok(Operation::FindItem(FindItem {
        shallow: traversal == "Shallow",
        shape,
        view,
        grouped,
        restriction,
        sort,
        folders,
    }))
}
