//! Attachment elements: the summary in an item's `Attachments`, and the whole attachment with
//! its content for `GetAttachment`.

use std::fmt::Write as _;

use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine as _;

use super::{item, Context};
use crate::datetime;
use crate::escape;
use crate::item::{Attachment, AttachmentContent, StoredItem};
use crate::store;

/// An attachment element: its summary, plus the content (file bytes or the item written
/// with `content`) when asked.
pub(crate) fn attachment_xml(
    mailbox: usize,
    parent: &StoredItem,
    attachment: &Attachment,
    content: Option<&Context<'_>>,
) -> String {
    let element = match attachment.content {
        AttachmentContent::File(_) => "t:FileAttachment",
        AttachmentContent::Item(_) => "t:ItemAttachment",
    };
    let mut out = String::with_capacity(256);
    let id = store::attachment_id(mailbox, &parent.key, &attachment.key);
    let id = escape::attr(&id);
    if content.is_some() {
        // GetAttachment names the item the attachment belongs to, as Exchange does.
        let _ = write!(
            out,
            "<{element}><t:AttachmentId Id=\"{id}\" RootItemId=\"{}\" RootItemChangeKey=\"{}\"/>",
            escape::attr(&store::item_id(mailbox, &parent.key)),
            escape::attr(&store::change_key(parent.change)),
        );
    } else {
        let _ = write!(out, "<{element}><t:AttachmentId Id=\"{id}\"/>");
    }
    escape::push_text_element(&mut out, "t:Name", &attachment.name);
    let content_type = match (&attachment.content_type, &attachment.content) {
        (Some(t), _) => t.as_str(),
        (None, AttachmentContent::File(_)) => "application/octet-stream",
        (None, AttachmentContent::Item(_)) => "message/rfc822",
    };
    escape::push_text_element(&mut out, "t:ContentType", content_type);
    if let Some(id) = &attachment.content_id {
        escape::push_text_element(&mut out, "t:ContentId", id);
    }
    let _ = write!(out, "<t:Size>{}</t:Size>", attachment.size());
    escape::push_text_element(
        &mut out,
        "t:LastModifiedTime",
        &datetime::format(attachment.modified),
    );
    let _ = write!(out, "<t:IsInline>{}</t:IsInline>", attachment.is_inline);
    match (&attachment.content, content) {
        (AttachmentContent::File(bytes), with) => {
            out.push_str("<t:IsContactPhoto>false</t:IsContactPhoto>");
            if with.is_some() {
                let encoded = BASE64.encode(bytes);
                let _ = write!(out, "<t:Content>{encoded}</t:Content>");
            }
        }
        (AttachmentContent::Item(inner), Some(ctx)) => out.push_str(&item(ctx, inner)),
        (AttachmentContent::Item(_), None) => {}
    }
    let _ = write!(out, "</{element}>");
    out
}
