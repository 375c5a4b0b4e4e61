//! The tables area over EWS: queries, reads and writes of the item tables, mapped to EWS by
//! the declared columns (see `columns`).
//!
//! Everything a request needs (restriction, sort order, shapes, items to write) is made
//! before the first request is sent, so input the mapping refuses never reaches Exchange.

use std::sync::Arc;

use async_trait::async_trait;
use chrono_tz::Tz;
use exchange_ews::calendar::{
    FindCalendarItems, SendMeetingCancellations, SendMeetingInvitations,
    SendMeetingInvitationsOrCancellations,
};
use exchange_ews::client::CreateOptions;
use exchange_ews::items::{
    AffectedTaskOccurrences, BaseShape, ConflictResolution, DeleteType, FieldUpdate,
    FindTypedItems, GetTypedItems, IndexedPage, ItemChange, ItemShape, MessageDisposition,
    Restriction, SortOrder,
};
use exchange_ews::{DistinguishedFolder, EwsClient, FolderTarget, Item, ItemId};
use futures_util::stream;
use mediagateway_api::tables::{
    compare_records, Changes, ChangesRequest, CreateRecord, DeleteMode, DeleteRecord, FieldChange,
    FolderRef, GetRecord, MeetingNotice, Record, RecordKey, Table, TableInfo, TaskOccurrences,
    TransferRecord, UpdateRecord, WellKnownFolder, WriteOptions,
};
use mediagateway_api::{ApiError, ApiStream};

use super::columns;
use super::errors::{map_error, map_item_error};
use super::read::record_of;
use super::write::{new_item, updates};
use super::EwsBackend;
use crate::backend::{BackendChunk, BackendQuery, MailboxAccess, TablesBackend};

/// The most items one FindItem asks for: a page of a query arrives in runs of this size.
const EWS_PAGE: u32 = 250;
/// The most folders searched for an item by its permanent key.
const MAX_FOLDERS_SEARCHED: usize = 256;

#[async_trait]
impl TablesBackend for EwsBackend {
    async fn query(
        &self,
        access: &MailboxAccess,
        query: BackendQuery,
    ) -> Result<ApiStream<BackendChunk>, ApiError> {
        let table = query.query.table;
        match table {
            Table::Folder => return super::folders::query(self.client(access)?, query).await,
            Table::Attachment => {
                return super::attachments::query(&self.client(access)?, query).await
            }
            _ => {}
        }
        item_table(table)?;
        let client = self.client(access)?;
        let zone = zone(access)?;
        if query.query.window.is_some() {
            return window_query(client, zone, query).await;
        }
        let plan = FindPlan::new(&query, zone)?;
        let offset = parse_position(query.position.as_deref(), 'o')?;
        Ok(plan.stream(client, offset, query.query.query.page_size))
    }

    async fn get_record(
        &self,
        access: &MailboxAccess,
        _info: &TableInfo,
        get: &GetRecord,
    ) -> Result<Record, ApiError> {
        if get.table == Table::Folder {
            return super::folders::get(&self.client(access)?, get).await;
        }
        item_table(get.table)?;
        let client = self.client(access)?;
        let zone = zone(access)?;
        let fields = with_keys(&get.fields);
        let id = match &get.key {
            RecordKey::Id(id) => id.clone(),
            RecordKey::PermanentUrl(key) => find_by_stable_key(&client, get.table, key).await?,
        };
        read_record(&client, get.table, &id, &fields, zone).await
    }

    async fn get_attachment_record(
        &self,
        access: &MailboxAccess,
        _info: &TableInfo,
        get: &GetRecord,
        max_bytes: usize,
    ) -> Result<Record, ApiError> {
        super::attachments::get(&self.client(access)?, get, max_bytes).await
    }

    async fn create_record(
        &self,
        access: &MailboxAccess,
        _info: &TableInfo,
        create: &CreateRecord,
    ) -> Result<Record, ApiError> {
        let table = create.record.table;
        match table {
            Table::Attachment => {
                return super::attachments::create(&self.client(access)?, create, zone(access)?)
                    .await
            }
            Table::Folder => return super::folders::create(&self.client(access)?, create).await,
            _ => {}
        }
        item_table(table)?;
        let client = self.client(access)?;
        let zone = zone(access)?;
        let stable_key = columns::new_stable_key();
        let item = new_item(table, &create.record, &stable_key, zone)?;
        let options = CreateOptions {
            folder: Some(folder_target(create.folder.as_ref(), table)),
            message_disposition: is_message(table)
                .then(|| message_disposition(table, create.options)),
            meeting_invitations: invitations(create.options.meeting_notice),
        };
        let created = client
            .create_items(vec![item], &options)
            .await
            .map_err(map_error)?
            .pop()
            .ok_or_else(|| no_answer("CreateItem"))?
            .map_err(map_error)?;
        match created {
            Some(id) => read_record(&client, table, &id.id, &[], zone).await,
            // A message sent without a copy is gone from the mailbox: what was written is
            // all there is, under its permanent key.
            None => Ok(create.record.clone().with(
                "PermanentURL",
                mediagateway_api::tables::Value::Text(stable_key),
            )),
        }
    }

    async fn update_record(
        &self,
        access: &MailboxAccess,
        _info: &TableInfo,
        update: &UpdateRecord,
    ) -> Result<Record, ApiError> {
        let table = update.table;
        if table == Table::Folder {
            return super::folders::update(&self.client(access)?, update).await;
        }
        item_table(table)?;
        let client = self.client(access)?;
        let zone = zone(access)?;
        let changes = field_updates(table, &update.changes, zone)?;
        let mut id = ItemId::new(&update.id);
        let resolution = match &update.change_key {
            Some(key) => {
                id = id.with_change_key(key);
                ConflictResolution::NeverOverwrite
            }
            None => ConflictResolution::AlwaysOverwrite,
        };
        let change = ItemChange::new(id, columns::item_kind(table), changes).map_err(map_error)?;
        let updated = client
            .update_items(
                vec![change],
                resolution,
                is_message(table).then(|| message_disposition(table, update.options)),
                meeting_updates(update.options.meeting_notice),
            )
            .await
            .map_err(map_error)?
            .pop()
            .ok_or_else(|| no_answer("UpdateItem"))?
            .map_err(|e| map_item_error(e, &update.id))?;
        let id = updated.id.map_or_else(|| update.id.clone(), |id| id.id);
        read_record(&client, table, &id, &[], zone).await
    }

    async fn changes(
        &self,
        access: &MailboxAccess,
        _info: &TableInfo,
        request: &ChangesRequest,
    ) -> Result<Changes, ApiError> {
        item_table(request.table)?;
        let fields = with_keys(&request.fields);
        super::changes::changes(&self.client(access)?, request, &fields, zone(access)?).await
    }

    async fn delete_record(
        &self,
        access: &MailboxAccess,
        _info: &TableInfo,
        delete: &DeleteRecord,
    ) -> Result<(), ApiError> {
        match delete.table {
            Table::Attachment => {
                return super::attachments::delete(&self.client(access)?, &delete.id).await
            }
            Table::Folder => return super::folders::delete(&self.client(access)?, delete).await,
            _ => {}
        }
        item_table(delete.table)?;
        let delete_type = match delete.mode {
            DeleteMode::Hard => DeleteType::HardDelete,
            DeleteMode::Soft => DeleteType::SoftDelete,
            DeleteMode::MoveToDeletedItems => DeleteType::MoveToDeletedItems,
        };
        let occurrences = match delete.options.task_occurrences {
            TaskOccurrences::All => AffectedTaskOccurrences::AllOccurrences,
            TaskOccurrences::CurrentOnly => AffectedTaskOccurrences::SpecifiedOccurrenceOnly,
        };
        self.client(access)?
            .delete_items(
                vec![ItemId::new(&delete.id)],
                delete_type,
                cancellations(delete.options.meeting_notice),
                occurrences,
            )
            .await
            .map_err(map_error)?
            .pop()
            .ok_or_else(|| no_answer("DeleteItem"))?
            .map_err(|e| map_item_error(e, &delete.id))
    }

    async fn transfer_record(
        &self,
        access: &MailboxAccess,
        _info: &TableInfo,
        transfer: &TransferRecord,
    ) -> Result<Record, ApiError> {
        let table = transfer.table;
        if table == Table::Folder {
            return super::folders::transfer(&self.client(access)?, transfer).await;
        }
        item_table(table)?;
        let client = self.client(access)?;
        let zone = zone(access)?;
        let to = folder_target(Some(&transfer.folder), table);
        let ids = vec![ItemId::new(&transfer.id)];
        let moved = if transfer.copy {
            client.copy_items(ids, &to).await
        } else {
            client.move_items(ids, &to).await
        }
        .map_err(map_error)?
        .pop()
        .ok_or_else(|| no_answer("MoveItem"))?
        .map_err(|e| map_item_error(e, &transfer.id))?
        .ok_or_else(|| ApiError::Exchange {
            code: "NoItemId".into(),
            detail: "Exchange moved or copied the item but did not say its new id".into(),
        })?;
        if transfer.copy {
            // A copy is another record: it gets a permanent key of its own.
            let stamp = FieldUpdate::set(columns::stable_key_path(), columns::new_stable_key())
                .map_err(map_error)?;
            let change = ItemChange::new(moved.clone(), columns::item_kind(table), vec![stamp])
                .map_err(map_error)?;
            client
                .update_items(
                    vec![change],
                    ConflictResolution::AlwaysOverwrite,
                    is_message(table).then_some(MessageDisposition::SaveOnly),
                    SendMeetingInvitationsOrCancellations::SendToNone,
                )
                .await
                .map_err(map_error)?
                .pop()
                .ok_or_else(|| no_answer("UpdateItem"))?
                .map_err(|e| map_item_error(e, &moved.id))?;
        }
        read_record(&client, table, &moved.id, &[], zone).await
    }
}

/// What a FindItem query asks, made once for every page.
#[derive(Clone)]
struct FindPlan {
    table: Table,
    folder: FolderTarget,
    restriction: Option<Restriction>,
    sort: Option<SortOrder>,
    find_shape: ItemShape,
    /// The shape of a second read, for what FindItem cannot return (bodies).
    get_shape: Option<ItemShape>,
    fields: Vec<String>,
    zone: Tz,
}

impl FindPlan {
    fn new(query: &BackendQuery, zone: Tz) -> Result<Self, ApiError> {
        let table = query.query.table;
        let fields = with_keys(&query.query.query.fields);
        let restriction = query
            .query
            .query
            .filter
            .as_ref()
            .map(|filter| columns::restriction(table, filter, zone))
            .transpose()?;
        let sort = columns::sort_order(table, &query.query.query.sort)?;
        let (find_shape, needs_get) = columns::find_shape(table, &fields);
        Ok(Self {
            table,
            folder: folder_target(query.query.folder.as_ref(), table),
            restriction,
            sort,
            find_shape,
            get_shape: needs_get.then(|| columns::get_shape(table, &fields)),
            fields,
            zone,
        })
    }

    /// One FindItem request of `count` items from `offset`.
    fn request(&self, offset: u32, count: u32) -> Result<FindTypedItems, ApiError> {
        let page = IndexedPage::new(count, offset).map_err(map_error)?;
        let mut request = FindTypedItems::new(self.folder.clone(), page)
            .and_then(|r| r.with_shape(self.find_shape.clone()))
            .map_err(map_error)?;
        if let Some(restriction) = &self.restriction {
            request = request
                .with_restriction(restriction.clone())
                .map_err(map_error)?;
        }
        if let Some(sort) = &self.sort {
            request = request.with_sort_order(sort.clone());
        }
        Ok(request)
    }

    /// The records of the page from `offset`, read in runs of [`EWS_PAGE`].
    fn stream(self, client: EwsClient, offset: u32, page_size: u32) -> ApiStream<BackendChunk> {
        let plan = Arc::new(self);
        // (next offset, records still to send in this page, whether the view is done)
        let state = (offset, page_size, false);
        Box::pin(stream::try_unfold(state, move |(offset, left, done)| {
            let (plan, client) = (Arc::clone(&plan), client.clone());
            async move {
                if done || left == 0 {
                    return Ok(None);
                }
                let request = plan.request(offset, left.min(EWS_PAGE))?;
                let page = client.execute(&request).await.map_err(map_error)?;
                let got = u32::try_from(page.items.len()).unwrap_or(u32::MAX);
                let items = match &plan.get_shape {
                    Some(shape) => read_items(&client, &page.items, shape).await?,
                    None => page.items,
                };
                let records = items
                    .iter()
                    .map(|item| record_of(plan.table, item, &plan.fields, plan.zone))
                    .collect::<Result<Vec<_>, _>>()?;
                let (offset, left) = (offset.saturating_add(got), left.saturating_sub(got));
                let more = got > 0 && !page.includes_last_item_in_range;
                let next_position = (more && left == 0).then(|| format!("o{offset}"));
                Ok(Some((
                    BackendChunk {
                        records,
                        next_position,
                    },
                    (offset, left, !more),
                )))
            }
        }))
    }
}

/// A window query: EWS's calendar view expands series but takes no restriction, sort or
/// offset, so the window is read whole (within the read limit) and filtered, sorted and paged
/// here, by the same rules Exchange applies.
async fn window_query(
    client: EwsClient,
    zone: Tz,
    query: BackendQuery,
) -> Result<ApiStream<BackendChunk>, ApiError> {
    let table = query.query.table;
    let Some(window) = query.query.window else {
        return Err(ApiError::invalid("a window query without a window"));
    };
    let offset =
        usize::try_from(parse_position(query.position.as_deref(), 'w')?).unwrap_or(usize::MAX);
    let q = &query.query.query;
    let selected = with_keys(&q.fields);
    // What the filter and the sort look at is read too, even when not selected.
    let mut read = selected.clone();
    if !read.is_empty() {
        let mut extra = Vec::new();
        if let Some(filter) = &q.filter {
            filter_fields(filter, &mut extra);
        }
        extra.extend(q.sort.iter().map(|k| k.field.clone()));
        for field in extra {
            if !read.contains(&field) {
                read.push(field);
            }
        }
    }
    let (shape, needs_get) = columns::find_shape(table, &read);
    let max = u32::try_from(query.max_read).unwrap_or(u32::MAX);
    let request = FindCalendarItems::new(
        folder_target(query.query.folder.as_ref(), table),
        window.start(),
        window.end(),
        Some(max.saturating_add(1)),
    )
    .and_then(|r| r.with_shape(shape))
    .map_err(map_error)?;
    let view = client.execute(&request).await.map_err(map_error)?;
    if view.items.len() > query.max_read || !view.includes_last_item_in_range {
        return Err(ApiError::LimitExceeded {
            what: format!(
                "the window holds more than {} appointments; narrow it",
                query.max_read
            ),
        });
    }
    let mut records = view
        .items
        .into_iter()
        .map(|item| record_of(table, &Item::Calendar(item), &read, zone))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(filter) = &q.filter {
        records.retain(|r| filter.matches(r));
    }
    if !q.sort.is_empty() {
        // Stable: records equal by the keys keep the calendar view's order (by start).
        records.sort_by(|a, b| compare_records(a, b, &q.sort));
    }
    let page_size = usize::try_from(q.page_size).unwrap_or(usize::MAX);
    let end = offset.saturating_add(page_size).min(records.len());
    let more = end < records.len();
    let mut page: Vec<Record> = records.into_iter().skip(offset).take(page_size).collect();
    if needs_get {
        let ids: Vec<String> = page.iter().filter_map(record_id).collect();
        let shape = columns::get_shape(table, &selected);
        let items = read_ids(&client, &ids, &shape).await?;
        page = items
            .iter()
            .map(|item| record_of(table, item, &selected, zone))
            .collect::<Result<_, _>>()?;
    } else if !selected.is_empty() {
        for record in &mut page {
            record
                .values
                .retain(|field, _| selected.iter().any(|f| f == field));
        }
    }
    // Sent in runs, so a wire can send the first while the others are encoded.
    let next_position = more.then(|| format!("w{end}"));
    let mut chunks: Vec<Result<BackendChunk, ApiError>> = Vec::new();
    let mut rest = page.into_iter().peekable();
    while rest.peek().is_some() {
        chunks.push(Ok(BackendChunk {
            records: rest.by_ref().take(WINDOW_CHUNK).collect(),
            next_position: None,
        }));
    }
    match chunks.last_mut() {
        Some(Ok(last)) => last.next_position = next_position,
        _ => chunks.push(Ok(BackendChunk {
            records: Vec::new(),
            next_position,
        })),
    }
    Ok(Box::pin(stream::iter(chunks)))
}

/// The records a chunk of a window query holds at most.
const WINDOW_CHUNK: usize = 100;

/// The fields a filter looks at.
fn filter_fields(filter: &mediagateway_api::tables::Filter, out: &mut Vec<String>) {
    use mediagateway_api::tables::Filter;
    match filter {
        Filter::And(parts) | Filter::Or(parts) => {
            parts.iter().for_each(|p| filter_fields(p, out));
        }
        Filter::Not(part) => filter_fields(part, out),
        Filter::Compare { field, .. }
        | Filter::Contains { field, .. }
        | Filter::StartsWith { field, .. }
        | Filter::Exists { field } => out.push(field.clone()),
    }
}

fn record_id(record: &Record) -> Option<String> {
    match record.get("ID") {
        Some(mediagateway_api::tables::Value::Text(id)) => Some(id.clone()),
        _ => None,
    }
}

/// Reads `items` again by id in `shape` (for what FindItem cannot return).
async fn read_items(
    client: &EwsClient,
    items: &[Item],
    shape: &ItemShape,
) -> Result<Vec<Item>, ApiError> {
    let ids: Vec<String> = items.iter().map(|i| i.id().id.clone()).collect();
    read_ids(client, &ids, shape).await
}

/// One item by id, in `shape`; its failure is `map_item_error`'s.
pub(super) async fn read_item(
    client: &EwsClient,
    id: &str,
    shape: ItemShape,
) -> Result<Item, ApiError> {
    read_ids(client, &[id.to_owned()], &shape)
        .await?
        .pop()
        .ok_or_else(|| no_answer("GetItem"))
}

async fn read_ids(
    client: &EwsClient,
    ids: &[String],
    shape: &ItemShape,
) -> Result<Vec<Item>, ApiError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let request = GetTypedItems::new(ids.iter().map(ItemId::new).collect(), shape.clone())
        .map_err(map_error)?;
    let answers = client.execute(&request).await.map_err(|e| match ids {
        // One id: the request's failure is that item's.
        [id] => map_item_error(e, id),
        _ => map_error(e),
    })?;
    answers
        .into_iter()
        .zip(ids)
        .map(|(answer, id)| answer.map_err(|e| map_item_error(e, id)))
        .collect()
}

/// One record by id, holding `fields` (every field when empty).
async fn read_record(
    client: &EwsClient,
    table: Table,
    id: &str,
    fields: &[String],
    zone: Tz,
) -> Result<Record, ApiError> {
    let item = read_item(client, id, columns::get_shape(table, fields)).await?;
    record_of(table, &item, fields, zone).map_err(|e| match e {
        // An id of another table's item names no record of this one.
        ApiError::Protocol { .. } => ApiError::ItemNotFound { id: id.to_owned() },
        other => other,
    })
}

/// The id of the item whose permanent key is `key`: looked for in the table's default folder,
/// then in every folder of the table's kind (an item may have been moved anywhere).
async fn find_by_stable_key(
    client: &EwsClient,
    table: Table,
    key: &str,
) -> Result<String, ApiError> {
    let restriction = columns::permanent_url_restriction(key)?;
    let shape = ItemShape::new(BaseShape::IdOnly);
    let search = |folder: FolderTarget| {
        let restriction = restriction.clone();
        let shape = shape.clone();
        async move {
            let request = FindTypedItems::new(folder, IndexedPage::new(1, 0).map_err(map_error)?)
                .and_then(|r| r.with_shape(shape))
                .and_then(|r| r.with_restriction(restriction))
                .map_err(map_error)?;
            let page = client.execute(&request).await.map_err(map_error)?;
            Ok::<_, ApiError>(page.items.first().map(|i| i.id().id.clone()))
        }
    };
    let default = folder_target(None, table);
    if let Some(id) = search(default.clone()).await? {
        return Ok(id);
    }
    let folders = client
        .all_folders(
            &FolderTarget::Distinguished(DistinguishedFolder::MsgFolderRoot),
            exchange_ews::folders::Traversal::Deep,
        )
        .await
        .map_err(map_error)?;
    // The folders of the table's kind first, then the others (Deleted Items holds every
    // kind), at most MAX_FOLDERS_SEARCHED in all.
    let class = folder_class(table);
    let of_kind = |f: &exchange_ews::folders::Folder| {
        f.folder_class
            .as_deref()
            .is_some_and(|c| c.starts_with(class))
    };
    let (mut order, others): (Vec<_>, Vec<_>) = folders.into_iter().partition(of_kind);
    order.extend(others);
    for folder in order.into_iter().take(MAX_FOLDERS_SEARCHED) {
        let target = FolderTarget::Id(folder.id.id);
        if target == default {
            continue;
        }
        if let Some(id) = search(target).await? {
            return Ok(id);
        }
    }
    Err(ApiError::ItemNotFound { id: key.to_owned() })
}

/// The folder class of the folders that hold `table`'s items.
fn folder_class(table: Table) -> &'static str {
    match table {
        Table::Appointment => "IPF.Appointment",
        Table::Contact => "IPF.Contact",
        Table::Task => "IPF.Task",
        Table::Note => "IPF.StickyNote",
        Table::Message | Table::Folder | Table::Attachment => "IPF.Note",
    }
}

/// The EWS updates of a record's changes: sets, appends and clears.
fn field_updates(
    table: Table,
    changes: &[FieldChange],
    zone: Tz,
) -> Result<Vec<FieldUpdate>, ApiError> {
    let mut set = Record::new(table);
    let mut append = Record::new(table);
    let mut clear = Vec::new();
    for change in changes {
        match change {
            FieldChange::Set(field, value) => {
                set.set(field, value.clone());
            }
            FieldChange::Append(field, value) => {
                append.set(field, value.clone());
            }
            FieldChange::Clear(field) => clear.push(field.clone()),
        }
    }
    let mut all = updates(table, &set, &clear, zone)?;
    for update in updates(table, &append, &[], zone)? {
        let FieldUpdate::Set(path, value) = update else {
            continue;
        };
        all.push(
            FieldUpdate::append(path, value).map_err(|e| ApiError::NotSupported {
                what: format!("appending there: {e}"),
            })?,
        );
    }
    Ok(all)
}

/// `fields` with the keys, or every field when none are selected.
fn with_keys(fields: &[String]) -> Vec<String> {
    if fields.is_empty() {
        return Vec::new();
    }
    let mut all: Vec<String> = ["ID", "PermanentURL", "ETag"]
        .into_iter()
        .map(str::to_owned)
        .filter(|k| !fields.contains(k))
        .collect();
    all.extend(fields.iter().cloned());
    all
}

fn item_table(table: Table) -> Result<(), ApiError> {
    match table {
        Table::Folder | Table::Attachment => Err(ApiError::NotSupported {
            what: format!("{table} records are not written here"),
        }),
        _ => Ok(()),
    }
}

/// The data source's time zone.
fn zone(access: &MailboxAccess) -> Result<Tz, ApiError> {
    access.time_zone.parse().map_err(|_| ApiError::Internal {
        detail: format!(
            "the data source's time zone {:?} is not an IANA zone",
            access.time_zone
        ),
    })
}

/// The offset in a position made by this backend (`o120`, `w40`).
fn parse_position(position: Option<&str>, kind: char) -> Result<u32, ApiError> {
    let Some(position) = position else {
        return Ok(0);
    };
    position
        .strip_prefix(kind)
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| ApiError::invalid("the page token belongs to another kind of query"))
}

pub(super) fn folder_target(folder: Option<&FolderRef>, table: Table) -> FolderTarget {
    let well_known = match folder {
        Some(FolderRef::Id(id)) => return FolderTarget::Id(id.clone()),
        Some(FolderRef::WellKnown(folder)) => *folder,
        None => WellKnownFolder::default_for(table),
    };
    FolderTarget::Distinguished(match well_known {
        WellKnownFolder::Calendar => DistinguishedFolder::Calendar,
        WellKnownFolder::Contacts => DistinguishedFolder::Contacts,
        WellKnownFolder::Tasks => DistinguishedFolder::Tasks,
        WellKnownFolder::Inbox => DistinguishedFolder::Inbox,
        WellKnownFolder::Drafts => DistinguishedFolder::Drafts,
        WellKnownFolder::SentItems => DistinguishedFolder::SentItems,
        WellKnownFolder::DeletedItems => DistinguishedFolder::DeletedItems,
        WellKnownFolder::Outbox => DistinguishedFolder::Outbox,
        WellKnownFolder::JunkEmail => DistinguishedFolder::JunkEmail,
        WellKnownFolder::Notes => DistinguishedFolder::Notes,
        WellKnownFolder::Top => DistinguishedFolder::MsgFolderRoot,
    })
}

/// Whether `table`'s items are EWS messages (notes are, of their own class), whose writes
/// need a message disposition.
fn is_message(table: Table) -> bool {
    matches!(table, Table::Message | Table::Note)
}

/// The disposition of a write: a note is only ever saved.
fn message_disposition(table: Table, options: WriteOptions) -> MessageDisposition {
    use mediagateway_api::tables::MessageDisposition as Disposition;
    if table == Table::Note {
        return MessageDisposition::SaveOnly;
    }
    match options.message {
        Disposition::Save => MessageDisposition::SaveOnly,
        Disposition::Send => MessageDisposition::SendOnly,
        Disposition::SendAndSaveCopy => MessageDisposition::SendAndSaveCopy,
    }
}

fn invitations(notice: MeetingNotice) -> SendMeetingInvitations {
    match notice {
        MeetingNotice::None => SendMeetingInvitations::SendToNone,
        MeetingNotice::All | MeetingNotice::ChangedOnly => SendMeetingInvitations::SendOnlyToAll,
        MeetingNotice::AllAndSaveCopy => SendMeetingInvitations::SendToAllAndSaveCopy,
    }
}

fn meeting_updates(notice: MeetingNotice) -> SendMeetingInvitationsOrCancellations {
    match notice {
        MeetingNotice::None => SendMeetingInvitationsOrCancellations::SendToNone,
        MeetingNotice::All => SendMeetingInvitationsOrCancellations::SendOnlyToAll,
        MeetingNotice::AllAndSaveCopy => {
            SendMeetingInvitationsOrCancellations::SendToAllAndSaveCopy
        }
        MeetingNotice::ChangedOnly => SendMeetingInvitationsOrCancellations::SendOnlyToChanged,
    }
}

fn cancellations(notice: MeetingNotice) -> SendMeetingCancellations {
    match notice {
        MeetingNotice::None => SendMeetingCancellations::SendToNone,
        MeetingNotice::All | MeetingNotice::ChangedOnly => SendMeetingCancellations::SendOnlyToAll,
        MeetingNotice::AllAndSaveCopy => SendMeetingCancellations::SendToAllAndSaveCopy,
    }
}

fn no_answer(operation: &str) -> ApiError {
    ApiError::Protocol {
        detail: format!("Exchange answered {operation} without a response message"),
    }
}
