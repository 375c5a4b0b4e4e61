//! The Attachment table over EWS: the attachments of an item of any table, as a child table.
//!
//! An item's attachments are listed from its `item:Attachments` (one GetItem, whatever the
//! item's kind), then filtered, sorted and paged here; one attachment is read with
//! GetAttachment, its answer bounded by the largest content the gateway takes; a file is added
//! with CreateAttachment, an item of the mailbox is attached as a copy, and an attachment is
//! deleted with DeleteAttachment.

use chrono_tz::Tz;
use exchange_ews::attachments::{
    Attachment, AttachmentShape, AttachmentSummary, CreateAttachment, DeleteAttachment,
    GetAttachment, NewAttachment, NewFileAttachment,
};
use exchange_ews::items::{BaseShape, ItemShape, PropertyPath};
use exchange_ews::{EwsClient, EwsError, Item, ItemId};
use futures_util::stream;
use mediagateway_api::tables::{
    compare_records, CreateRecord, GetRecord, Record, RecordKey, Table, Value,
};
use mediagateway_api::{ApiError, ApiStream};

use super::columns;
use super::errors::{map_error, map_item_error};
use super::read::record_of;
use super::records::read_item;
use super::write::new_item;
use crate::backend::{BackendChunk, BackendQuery};

/// The attachments of the item the query's `FKItemID` names.
pub(super) async fn query(
    client: &EwsClient,
    query: BackendQuery,
) -> Result<ApiStream<BackendChunk>, ApiError> {
    let item = query
        .query
        .parent_item()
        .ok_or_else(|| ApiError::invalid("a query of attachments needs FKItemID = \"…\""))?
        .to_owned();
    let offset = match query.position.as_deref() {
        None => 0,
        Some(position) => position
            .strip_prefix('a')
            .and_then(|n| n.parse::<usize>().ok())
            .ok_or_else(|| ApiError::invalid("the page token belongs to another kind of query"))?,
    };
    let q = &query.query.query;
    let mut records: Vec<Record> = list(client, &item)
        .await?
        .iter()
        .filter_map(|summary| summary_record(&item, summary))
        .collect();
    if let Some(filter) = &q.filter {
        records.retain(|r| filter.matches(r));
    }
    if !q.sort.is_empty() {
        records.sort_by(|a, b| compare_records(a, b, &q.sort));
    }
    let page_size = usize::try_from(q.page_size).unwrap_or(usize::MAX);
    let end = offset.saturating_add(page_size).min(records.len());
    let more = end < records.len();
    let page = records
        .into_iter()
        .skip(offset)
        .take(page_size)
        .map(|record| select(record, &q.fields))
        .collect();
    let chunk = BackendChunk {
        records: page,
        next_position: more.then(|| format!("a{end}")),
    };
    Ok(Box::pin(stream::iter([Ok(chunk)])))
}

/// What the item `item_id` (of any kind) says of its attachments.
async fn list(client: &EwsClient, item_id: &str) -> Result<Vec<AttachmentSummary>, ApiError> {
    let shape = ItemShape::new(BaseShape::IdOnly).with(PropertyPath::field("item:Attachments"));
    let item = read_item(client, item_id, shape).await?;
    Ok(summaries(item))
}

/// The attachment summaries of an item of any kind.
fn summaries(item: Item) -> Vec<AttachmentSummary> {
    match item {
        Item::Calendar(i) => i.attachments,
        Item::Contact(i) => i.attachments,
        Item::Task(i) => i.attachments,
        Item::Message(i) | Item::Note(i) => i.attachments,
        Item::MeetingRequest(i) => i.message.attachments,
        Item::MeetingResponse(i) => i.message.attachments,
        Item::MeetingCancellation(i) => i.message.attachments,
        // An item of a kind the client does not model lists none it can read.
        _ => Vec::new(),
    }
}

/// An attachment as the item lists it, without content; `None` for one without an id.
fn summary_record(item_id: &str, summary: &AttachmentSummary) -> Option<Record> {
    let mut record = Record::new(Table::Attachment)
        .with("ID", text(summary.id.as_deref()?))
        .with("FKItemID", text(item_id))
        .with("Name", text(summary.name.as_deref().unwrap_or_default()))
        .with("IsFile", Value::Boolean(summary.kind == "FileAttachment"))
        .with(
            "IsInline",
            Value::Boolean(summary.is_inline.unwrap_or(false)),
        );
    if let Some(kind) = &summary.content_type {
        record = record.with("ContentType", text(kind));
    }
    if let Some(id) = &summary.content_id {
        record = record.with("ContentId", text(id));
    }
    if let Some(size) = summary.size.and_then(|s| i64::try_from(s).ok()) {
        record = record.with("Size", Value::Integer(size));
    }
    if let Some(at) = summary.last_modified_time {
        record = record.with("LastModified", Value::DateTime(at));
    }
    Some(record)
}

/// One attachment by id, its content when selected (or when every field is), read only when
/// the answer fits what `max_bytes` of content makes.
pub(super) async fn get(
    client: &EwsClient,
    get: &GetRecord,
    max_bytes: usize,
) -> Result<Record, ApiError> {
    let id = match &get.key {
        RecordKey::Id(id) => id.as_str(),
        RecordKey::PermanentUrl(_) => {
            return Err(ApiError::invalid(
                "attachments have no PermanentURL: they are read by ID",
            ))
        }
    };
    let request =
        GetAttachment::new(vec![id.to_owned()], AttachmentShape::default()).map_err(map_error)?;
    let answers = client
        .with_response_limit(super::calendar::answer_limit(max_bytes))
        .execute(&request)
        .await
        .map_err(|e| match e {
            EwsError::ResponseTooLarge { .. } => ApiError::LimitExceeded {
                what: format!(
                    "an attachment of at most {max_bytes} bytes (this one's answer is larger, so \
                     it was not read)"
                ),
            },
            e => map_item_error(e, id),
        })?;
    let attachment = answers
        .into_iter()
        .next()
        .ok_or_else(|| no_answer("GetAttachment"))?
        .map_err(|e| map_item_error(e, id))?;
    let with_value = get.fields.is_empty() || get.fields.iter().any(|f| f == "Value");
    let record = match attachment {
        Attachment::File {
            id,
            root_item,
            name,
            content_type,
            size,
            last_modified,
            is_inline,
            content_id,
            content,
        } => {
            let content = content.unwrap_or_default();
            let size = size.or(u64::try_from(content.len()).ok());
            let mut record = attachment_record(
                &id,
                name.as_deref(),
                content_type.as_deref(),
                size,
                last_modified,
                is_inline,
                true,
            );
            if let Some(cid) = content_id {
                record = record.with("ContentId", text(&cid));
            }
            if with_value {
                record = record.with("Value", Value::Binary(content));
            }
            with_root(record, root_item)
        }
        Attachment::Item {
            id,
            root_item,
            name,
            content_type,
            size,
            last_modified,
            is_inline,
            ..
        } => with_root(
            attachment_record(
                &id,
                name.as_deref(),
                content_type.as_deref(),
                size,
                last_modified,
                is_inline,
                false,
            ),
            root_item,
        ),
        _ => {
            return Err(ApiError::NotSupported {
                what: format!("attachment {id:?} is of a kind not read here"),
            })
        }
    };
    Ok(select(record, &get.fields))
}

/// `record` with the item it is attached to, when Exchange said (`RootItemId`).
fn with_root(record: Record, root: Option<ItemId>) -> Record {
    match root {
        Some(root) => record.with("FKItemID", text(&root.id)),
        None => record,
    }
}

fn attachment_record(
    id: &str,
    name: Option<&str>,
    content_type: Option<&str>,
    size: Option<u64>,
    last_modified: Option<chrono::DateTime<chrono::Utc>>,
    is_inline: bool,
    is_file: bool,
) -> Record {
    let mut record = Record::new(Table::Attachment)
        .with("ID", text(id))
        .with("Name", text(name.unwrap_or_default()))
        .with("IsFile", Value::Boolean(is_file))
        .with("IsInline", Value::Boolean(is_inline));
    if let Some(kind) = content_type {
        record = record.with("ContentType", text(kind));
    }
    if let Some(size) = size.and_then(|s| i64::try_from(s).ok()) {
        record = record.with("Size", Value::Integer(size));
    }
    if let Some(at) = last_modified {
        record = record.with("LastModified", Value::DateTime(at));
    }
    record
}

/// Adds the attachment `create.record` describes: the file of its `Value`, or a copy of the
/// item its `ItemID` names. Returns it as listed by its item.
pub(super) async fn create(
    client: &EwsClient,
    create: &CreateRecord,
    zone: Tz,
) -> Result<Record, ApiError> {
    let record = &create.record;
    let text_of = |field: &str| match record.get(field) {
        Some(Value::Text(t)) => Some(t.clone()),
        _ => None,
    };
    let parent = text_of("FKItemID").ok_or_else(|| ApiError::invalid("FKItemID is needed"))?;
    let name = text_of("Name").ok_or_else(|| ApiError::invalid("Name is needed"))?;
    let is_inline = matches!(record.get("IsInline"), Some(Value::Boolean(true)));
    let attachment = match (record.get("Value"), text_of("ItemID")) {
        (Some(Value::Binary(content)), None) => NewAttachment::File(NewFileAttachment {
            name,
            content_type: text_of("ContentType"),
            content_id: text_of("ContentId"),
            is_inline,
            content: content.clone(),
        }),
        (None, Some(item_id)) => NewAttachment::Item {
            name,
            item: Box::new(item_copy(client, &item_id, zone).await?),
        },
        _ => {
            return Err(ApiError::invalid(
                "a new attachment has either Value (a file) or ItemID (an item)",
            ))
        }
    };
    let request =
        CreateAttachment::new(ItemId::new(parent.as_str()), vec![attachment]).map_err(map_error)?;
    let created = client
        .execute(&request)
        .await
        .map_err(|e| map_item_error(e, &parent))?
        .pop()
        .ok_or_else(|| no_answer("CreateAttachment"))?
        .map_err(|e| map_item_error(e, &parent))?;
    // The item's own listing says what Exchange made of it (size, content type, time).
    let parent = created.root_item.map_or(parent, |root| root.id);
    list(client, &parent)
        .await?
        .iter()
        .filter(|s| s.id.as_deref() == Some(created.id.as_str()))
        .find_map(|s| summary_record(&parent, s))
        .ok_or_else(|| ApiError::Exchange {
            code: "NoAttachment".into(),
            detail: "Exchange added the attachment but does not list it".into(),
        })
}

/// The item `item_id` as a new item to attach: read whole, as a record of its table, and
/// written again as new (its permanent key is a fresh one: the copy is another item).
async fn item_copy(
    client: &EwsClient,
    item_id: &str,
    zone: Tz,
) -> Result<exchange_ews::items::NewItem, ApiError> {
    // The kind, and the class that tells a note from a message.
    let kind = ItemShape::new(BaseShape::IdOnly).with(PropertyPath::field("item:ItemClass"));
    let item = read_item(client, item_id, kind).await?;
    let table = match item {
        Item::Calendar(_) => Table::Appointment,
        Item::Contact(_) => Table::Contact,
        Item::Task(_) => Table::Task,
        Item::Message(_) => Table::Message,
        Item::Note(_) => Table::Note,
        Item::Other(ref generic) if generic.kind == "CalendarItem" => Table::Appointment,
        _ => {
            return Err(ApiError::NotSupported {
                what: format!("attaching an item of kind {}", item.kind()),
            })
        }
    };
    let shape = columns::get_shape(table, &[]);
    let item = read_item(client, item_id, shape).await?;
    let mut record = record_of(table, &item, &[], zone)?;
    let info = table.metadata();
    record.values.retain(|name, _| {
        info.field(name)
            .is_some_and(|f| !f.read_only && name != "PermanentURL")
    });
    new_item(table, &record, &columns::new_stable_key(), zone)
}

/// Deletes an attachment.
pub(super) async fn delete(client: &EwsClient, id: &str) -> Result<(), ApiError> {
    let request = DeleteAttachment::new(vec![id.to_owned()]).map_err(map_error)?;
    client
        .execute(&request)
        .await
        .map_err(|e| map_item_error(e, id))?
        .pop()
        .ok_or_else(|| no_answer("DeleteAttachment"))?
        .map(drop)
        .map_err(|e| map_item_error(e, id))
}

/// `record` with the keys and `fields` only (every field when `fields` is empty).
fn select(mut record: Record, fields: &[String]) -> Record {
    if !fields.is_empty() {
        record.values.retain(|field, _| {
            matches!(field.as_ref(), "ID" | "FKItemID") || fields.iter().any(|f| f == field)
        });
    }
    record
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn no_answer(operation: &str) -> ApiError {
    ApiError::Protocol {
        detail: format!("Exchange answered {operation} without a response message"),
    }
}
