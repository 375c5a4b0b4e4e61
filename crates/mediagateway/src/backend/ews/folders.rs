//! The Folder table over EWS: the folder tree under a folder, with item counts, and folders
//! created, renamed, moved and deleted.
//!
//! A mailbox has tens to a few thousand folders, so the tree is read whole (FindFolder, deep)
//! and filtered, sorted and paged here by the rules Exchange applies to items. A folder's id
//! stays when the folder is moved within its mailbox, so it is also its `PermanentURL`.

use std::collections::HashMap;

use exchange_ews::folders::{Folder, FolderId, Traversal};
use exchange_ews::items::DeleteType;
use exchange_ews::{EwsClient, FolderTarget};
use futures_util::stream;
use mediagateway_api::tables::{
    compare_records, CreateRecord, DeleteMode, DeleteRecord, FieldChange, GetRecord, Record,
    RecordKey, Table, TransferRecord, UpdateRecord, Value,
};
use mediagateway_api::{ApiError, ApiStream};

use super::errors::{map_error, map_item_error};
use super::records::folder_target;
use crate::backend::{BackendChunk, BackendQuery};

/// The records of the folders under the query's folder (the top of the mailbox by default).
pub(super) async fn query(
    client: EwsClient,
    query: BackendQuery,
) -> Result<ApiStream<BackendChunk>, ApiError> {
    let offset = match query.position.as_deref() {
        None => 0,
        Some(position) => position
            .strip_prefix('f')
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| ApiError::invalid("the page token belongs to another kind of query"))?,
    };
    let parent = folder_target(query.query.folder.as_ref(), Table::Folder);
    let folders = client
        .all_folders(&parent, Traversal::Deep)
        .await
        .map_err(map_error)?;
    if folders.len() > query.max_read {
        return Err(ApiError::LimitExceeded {
            what: format!("the folder tree holds more than {} folders", query.max_read),
        });
    }
    let names: HashMap<String, String> = folders
        .iter()
        .filter_map(|f| Some((f.id.id.clone(), f.display_name.clone()?)))
        .collect();
    let q = &query.query.query;
    let mut records: Vec<Record> = folders.iter().map(|f| record(f, &names)).collect();
    if let Some(filter) = &q.filter {
        records.retain(|r| filter.matches(r));
    }
    if !q.sort.is_empty() {
        records.sort_by(|a, b| compare_records(a, b, &q.sort));
    }
    let page_size = usize::try_from(q.page_size).unwrap_or(usize::MAX);
    let end = offset.saturating_add(page_size).min(records.len());
    let more = end < records.len();
    let selected = &q.fields;
    let page = records
        .into_iter()
        .skip(offset)
        .take(page_size)
        .map(|mut r| {
            if !selected.is_empty() {
                r.values.retain(|field, _| {
                    matches!(field.as_ref(), "ID" | "PermanentURL" | "ETag")
                        || selected.iter().any(|f| f == field)
                });
            }
            r
        })
        .collect();
    let chunk = BackendChunk {
        records: page,
        next_position: more.then(|| format!("f{end}")),
    };
    Ok(Box::pin(stream::iter([Ok(chunk)])))
}

/// One folder by id (which is also its permanent key).
pub(super) async fn get(client: &EwsClient, get: &GetRecord) -> Result<Record, ApiError> {
    let id = match &get.key {
        RecordKey::Id(id) | RecordKey::PermanentUrl(id) => id,
    };
    let folder = client
        .get_folders(&[FolderTarget::Id(id.clone())])
        .await
        .map_err(|e| map_folder_error(e, id))?
        .pop()
        .ok_or_else(|| ApiError::ItemNotFound { id: id.clone() })?;
    let mut names = HashMap::new();
    if let Some(parent) = &folder.parent_id {
        // The parent's name, when it can be read (the root's parent cannot).
        if let Ok(mut parents) = client
            .get_folders(&[FolderTarget::Id(parent.id.clone())])
            .await
        {
            if let Some(name) = parents.pop().and_then(|p| p.display_name) {
                names.insert(parent.id.clone(), name);
            }
        }
    }
    let mut record = record(&folder, &names);
    if !get.fields.is_empty() {
        record.values.retain(|field, _| {
            matches!(field.as_ref(), "ID" | "PermanentURL" | "ETag")
                || get.fields.iter().any(|f| f == field)
        });
    }
    Ok(record)
}

/// A folder as a record; `names` gives the display names of folders by id.
fn record(folder: &Folder, names: &HashMap<String, String>) -> Record {
    let text = |s: &str| Value::Text(s.to_owned());
    let mut record = Record::new(Table::Folder)
        .with("ID", text(&folder.id.id))
        .with("PermanentURL", text(&folder.id.id));
    if let Some(key) = &folder.id.change_key {
        record = record.with("ETag", text(key));
    }
    if let Some(parent) = &folder.parent_id {
        record = record.with("FKID", text(&parent.id));
        if let Some(name) = names.get(&parent.id) {
            record = record.with("ParentName", text(name));
        }
    }
    if let Some(name) = &folder.display_name {
        record = record.with("DisplayName", text(name));
    }
    if let Some(class) = &folder.folder_class {
        record = record.with("FolderClass", text(class));
    }
    let count = |n: u32| Value::Integer(i64::from(n));
    record = record.with("TotalCount", count(folder.total_count.unwrap_or(0)));
    if let Some(unread) = folder.unread_count {
        record = record.with("UnreadCount", count(unread));
    }
    let children = folder.child_folder_count.unwrap_or(0);
    record
        .with("ChildFolderCount", count(children))
        .with("HasSubfolders", Value::Boolean(children > 0))
}

/// Creates the folder `create.record` describes (DisplayName, FolderClass) below the call's
/// folder, or the top of the mailbox; returns it as read back.
pub(super) async fn create(client: &EwsClient, create: &CreateRecord) -> Result<Record, ApiError> {
    let text_of = |field: &str| match create.record.get(field) {
        Some(Value::Text(t)) => Some(t.as_str()),
        _ => None,
    };
    let name = text_of("DisplayName").ok_or_else(|| ApiError::invalid("DisplayName is needed"))?;
    let parent = folder_target(create.folder.as_ref(), Table::Folder);
    let id = client
        .create_folder(&parent, name, text_of("FolderClass"))
        .await
        .map_err(map_error)?;
    read(client, &id.id).await
}

/// Renames a folder (the only change a folder takes here); a stale change key is a conflict.
pub(super) async fn update(client: &EwsClient, update: &UpdateRecord) -> Result<Record, ApiError> {
    let name = match update.changes.as_slice() {
        [FieldChange::Set(field, Value::Text(name))] if field == "DisplayName" => name,
        _ => {
            return Err(ApiError::NotSupported {
                what: "a folder's DisplayName is the only change made to it".into(),
            })
        }
    };
    let mut id = FolderId::new(update.id.clone());
    if let Some(key) = &update.change_key {
        id = id.with_change_key(key.clone());
    }
    let renamed = client
        .rename_folder(&id, name)
        .await
        .map_err(|e| map_folder_error(e, &update.id))?;
    read(client, &renamed.id).await
}

/// Deletes a folder and everything in it, as the mode says.
pub(super) async fn delete(client: &EwsClient, delete: &DeleteRecord) -> Result<(), ApiError> {
    let delete_type = match delete.mode {
        DeleteMode::Hard => DeleteType::HardDelete,
        DeleteMode::Soft => DeleteType::SoftDelete,
        DeleteMode::MoveToDeletedItems => DeleteType::MoveToDeletedItems,
    };
    client
        .delete_folder(&FolderId::new(delete.id.clone()), delete_type)
        .await
        .map_err(|e| map_folder_error(e, &delete.id))
}

/// Moves a folder below another; returns it there.
pub(super) async fn transfer(
    client: &EwsClient,
    transfer: &TransferRecord,
) -> Result<Record, ApiError> {
    if transfer.copy {
        return Err(ApiError::NotSupported {
            what: "folders are moved, not copied".into(),
        });
    }
    let to = folder_target(Some(&transfer.folder), Table::Folder);
    let moved = client
        .move_folder(&FolderId::new(transfer.id.clone()), &to)
        .await
        .map_err(|e| map_folder_error(e, &transfer.id))?;
    read(client, &moved.id).await
}

/// A folder as a record, every field.
async fn read(client: &EwsClient, id: &str) -> Result<Record, ApiError> {
    let get = GetRecord {
        table: Table::Folder,
        key: RecordKey::Id(id.to_owned()),
        fields: Vec::new(),
    };
    self::get(client, &get).await
}

/// The gateway error of a failed call on the folder `id`: a folder that is not there (or an
/// id that is not a folder's) is "not found", like an item.
fn map_folder_error(error: exchange_ews::EwsError, id: &str) -> ApiError {
    if error.response_code() == Some(&exchange_ews::ResponseCode::ErrorFolderNotFound) {
        return ApiError::ItemNotFound { id: id.to_owned() };
    }
    map_item_error(error, id)
}
