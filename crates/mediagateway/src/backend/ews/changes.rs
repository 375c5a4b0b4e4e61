//! Changes of a folder of an item table over EWS: SyncFolderItems for the ids, then one
//! GetItem of what was created or changed, read into records of the table.

use chrono_tz::Tz;
use exchange_ews::items::GetTypedItems;
use exchange_ews::sync::{Change, Changed, ChangedId, SyncItemShape};
use exchange_ews::{EwsClient, ItemId};
use mediagateway_api::tables::{Changes, ChangesRequest, ReadFlagChange, Record};
use mediagateway_api::ApiError;

use super::columns;
use super::errors::map_error;
use super::read::record_of;
use super::records::folder_target;

/// The changes after the backend's `request.sync_state` (`None`: every item is created).
pub(super) async fn changes(
    client: &EwsClient,
    request: &ChangesRequest,
    fields: &[String],
    zone: Tz,
) -> Result<Changes, ApiError> {
    let table = request.table;
    let folder = folder_target(request.folder.as_ref(), table);
    let result = client
        .sync_folder_items(
            &folder,
            SyncItemShape::IdOnly,
            request.sync_state.as_deref(),
            request.max_changes,
        )
        .await
        .map_err(map_error)?;
    let mut created = Vec::new();
    let mut updated = Vec::new();
    let mut out = Changes {
        sync_state: result.sync_state,
        more: !result.includes_last_item_in_range,
        ..Changes::default()
    };
    for change in result.changes {
        match change {
            Change::Create(Changed::Item { summary, .. }) => created.push(summary.id),
            Change::Update(Changed::Item { summary, .. }) => updated.push(summary.id),
            Change::Delete(ChangedId::Item(id)) => out.deleted.push(id.id),
            Change::ReadFlagChange { id, is_read } => {
                out.read_flag_changed
                    .push(ReadFlagChange { id: id.id, is_read });
            }
            // Folders are not items, and what the client cannot read is skipped.
            _ => {}
        }
    }
    out.created = read(client, request, created, fields, zone).await?;
    out.updated = read(client, request, updated, fields, zone).await?;
    Ok(out)
}

/// The records of `ids`, holding `fields`; an item gone since, or of another table's kind
/// (a distribution list among contacts), is left out.
async fn read(
    client: &EwsClient,
    request: &ChangesRequest,
    ids: Vec<ItemId>,
    fields: &[String],
    zone: Tz,
) -> Result<Vec<Record>, ApiError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<ItemId> = ids.into_iter().map(|id| ItemId::new(id.id)).collect();
    let shape = columns::get_shape(request.table, fields);
    let get = GetTypedItems::new(ids, shape).map_err(map_error)?;
    let answers = client.execute(&get).await.map_err(map_error)?;
    let mut records = Vec::new();
    for answer in answers {
        let Ok(item) = answer else {
            continue;
        };
        match record_of(request.table, &item, fields, zone) {
            Ok(record) => records.push(record),
            Err(ApiError::Protocol { .. }) => {}
            Err(other) => return Err(other),
        }
    }
    Ok(records)
}
