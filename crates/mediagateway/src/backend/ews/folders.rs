//! The Folder table over EWS: the folder tree under a folder, with item counts.
//!
//! A mailbox has tens to a few thousand folders, so the tree is read whole (FindFolder, deep)
//! and filtered, sorted and paged here by the rules Exchange applies to items. A folder's id
//! stays when the folder is moved within its mailbox, so it is also its `PermanentURL`.

use std::collections::HashMap;

use exchange_ews::folders::{Folder, Traversal};
use exchange_ews::{EwsClient, FolderTarget};
use futures_util::stream;
use mediagateway_api::tables::{compare_records, GetRecord, Record, RecordKey, Table, Value};
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
                    matches!(field.as_str(), "ID" | "PermanentURL" | "ETag")
                        || selected.contains(field)
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
        .map_err(|e| map_item_error(e, id))?
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
            matches!(field.as_str(), "ID" | "PermanentURL" | "ETag") || get.fields.contains(field)
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
