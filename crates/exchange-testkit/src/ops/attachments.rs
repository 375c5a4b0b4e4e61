//! `CreateAttachment`, `GetAttachment` and `DeleteAttachment`: attachments live in their
//! parent item, whose change key and `HasAttachments` follow every change.

use super::write::build;
use super::{check_mailbox, id_malformed, item_not_found, resolve_item, Context};
use crate::escape;
use crate::item::{Attachment, AttachmentContent, StoredItem};
use crate::item_xml;
use crate::request::{ItemRef, NewAttachment, NewContent, Shape};
use crate::response::MessageError;
use crate::store;

/// The mailbox, parent key and attachment key of an attachment the caller may open.
fn resolve(ctx: &Context<'_>, id: &str) -> Result<(usize, [u8; 16], [u8; 16]), MessageError> {
    let (mailbox, item, attachment) = store::parse_attachment_id(id).ok_or_else(id_malformed)?;
    check_mailbox(ctx, mailbox)?;
    let parent = ctx.store.item(mailbox, &item).ok_or_else(item_not_found)?;
    if !parent.attachments.iter().any(|a| a.key == attachment) {
        return Err(item_not_found());
    }
    Ok((mailbox, item, attachment))
}

/// Gives the parent a new version after a change to its attachments.
fn bump<'s>(
    ctx: &'s mut Context<'_>,
    mailbox: usize,
    key: &[u8; 16],
) -> Option<&'s mut StoredItem> {
    let change = ctx.store.next_change();
    let now = ctx.now;
    let parent = ctx.store.item_mut(mailbox, key)?;
    parent.new_version(change, now, &["Attachments"]);
    Some(parent)
}

/// The `AttachmentId` with the root item's id and new change key.
fn id_with_root(mailbox: usize, parent: &StoredItem, attachment: &[u8; 16]) -> String {
    format!(
        "<t:AttachmentId Id=\"{}\" RootItemId=\"{}\" RootItemChangeKey=\"{}\"/>",
        escape::attr(&store::attachment_id(mailbox, &parent.key, attachment)),
        escape::attr(&store::item_id(mailbox, &parent.key)),
        escape::attr(&store::change_key(parent.change)),
    )
}

/// One `CreateAttachmentResponseMessage` content: the new attachment's id.
pub(super) fn create(
    ctx: &mut Context<'_>,
    parent: &ItemRef,
    new: &NewAttachment,
) -> Result<String, MessageError> {
    let (mailbox, key) = resolve_item(ctx, parent)?;
    let folder = ctx
        .store
        .item(mailbox, &key)
        .map(|p| p.folder)
        .ok_or_else(item_not_found)?;
    let content = match &new.content {
        NewContent::File(bytes) => {
            if bytes.len() > ctx.max_attachment_bytes {
                return Err(MessageError::new(
                    "ErrorAttachmentSizeLimitExceeded",
                    "The attachment is too large to be saved.",
                ));
            }
            AttachmentContent::File(bytes.clone())
        }
        NewContent::Item(None) => {
            return Err(MessageError::new(
                "ErrorMissingItemForCreateItemAttachment",
                "The item attachment holds no item.",
            ))
        }
        NewContent::Item(Some(item)) => {
            let stored = build(ctx, item, folder)?;
            if stored.size() > ctx.max_attachment_bytes {
                return Err(MessageError::new(
                    "ErrorAttachmentSizeLimitExceeded",
                    "The attachment is too large to be saved.",
                ));
            }
            AttachmentContent::Item(Box::new(stored))
        }
    };
    let attachment = Attachment {
        key: *uuid::Uuid::new_v4().as_bytes(),
        name: new.name.clone(),
        content_type: new.content_type.clone(),
        content_id: new.content_id.clone(),
        is_inline: new.is_inline,
        modified: ctx.now,
        content,
    };
    let element = match attachment.content {
        AttachmentContent::File(_) => "t:FileAttachment",
        AttachmentContent::Item(_) => "t:ItemAttachment",
    };
    let attachment_key = attachment.key;
    let parent = bump(ctx, mailbox, &key).ok_or_else(item_not_found)?;
    parent.attachments.push(attachment);
    let id = id_with_root(mailbox, parent, &attachment_key);
    Ok(format!(
        "<m:Attachments><{element}>{id}</{element}></m:Attachments>"
    ))
}

/// One `GetAttachmentResponseMessage` content: the attachment with its content.
pub(super) fn get(ctx: &Context<'_>, id: &str, shape: &Shape) -> Result<String, MessageError> {
    let (mailbox, key, attachment) = resolve(ctx, id)?;
    let parent = ctx.store.item(mailbox, &key).ok_or_else(item_not_found)?;
    let found = parent
        .attachments
        .iter()
        .find(|a| a.key == attachment)
        .ok_or_else(item_not_found)?;
    let view = item_xml::Context {
        mailbox,
        owner: ctx.directory.smtp(mailbox),
        shape,
        for_find: false,
    };
    let xml = item_xml::attachment_xml(mailbox, parent, found, Some(&view));
    Ok(format!("<m:Attachments>{xml}</m:Attachments>"))
}

/// One `DeleteAttachmentResponseMessage` content: the root item's id and new change key.
pub(super) fn delete(ctx: &mut Context<'_>, id: &str) -> Result<String, MessageError> {
    let (mailbox, key, attachment) = resolve(ctx, id)?;
    let parent = bump(ctx, mailbox, &key).ok_or_else(item_not_found)?;
    parent.attachments.retain(|a| a.key != attachment);
    Ok(format!(
        "<m:RootItemId RootItemId=\"{}\" RootItemChangeKey=\"{}\"/>",
        escape::attr(&store::item_id(mailbox, &parent.key)),
        escape::attr(&store::change_key(parent.change)),
    ))
}
