//! Attachments: those to create, those read back, and the shape they are read in.

use chrono::{DateTime, Utc};

use crate::decoded::Node;
use crate::items::{BodyFormat, NewItem, PropertyPath};
use crate::{EwsError, ItemId};

/// The largest attachment content, in bytes, the crate writes or decodes: 48 MiB, whose
/// base64 (64 MiB) still fits in the client's default response limit. Exchange's own
/// limits (`maxAllowedContentLength`, the message size limit) are usually lower.
pub const MAX_ATTACHMENT_BYTES: usize = 48 * 1024 * 1024;

/// The longest attachment name or content id accepted, in characters.
const MAX_NAME_CHARS: usize = 255;

/// A file attachment to create (`t:FileAttachment`).
#[derive(Clone, PartialEq, Eq, Default)]
pub struct NewFileAttachment {
    /// The file name shown to users.
    pub name: String,
    /// The MIME type (`application/pdf`), when known.
    pub content_type: Option<String>,
    /// The content id an HTML body refers to (`cid:…`) for inline images.
    pub content_id: Option<String>,
    /// Whether the attachment is shown inside the body rather than as a file (written for
    /// Exchange 2010 and later).
    pub is_inline: bool,
    /// The bytes (at most [`MAX_ATTACHMENT_BYTES`]); base64 on the wire.
    pub content: Vec<u8>,
}

impl std::fmt::Debug for NewFileAttachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The content may be large; its length says enough.
        f.debug_struct("NewFileAttachment")
            .field("name", &self.name)
            .field("content_type", &self.content_type)
            .field("content_id", &self.content_id)
            .field("is_inline", &self.is_inline)
            .field("content_len", &self.content.len())
            .finish()
    }
}

/// An attachment to create.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum NewAttachment {
    /// A file.
    File(NewFileAttachment),
    /// An item (a message, a contact, …) attached as it is.
    Item {
        /// The name shown to users.
        name: String,
        /// The item (boxed: items are much larger than the other variants).
        item: Box<NewItem>,
    },
}

impl NewAttachment {
    /// Refuses an attachment Exchange would refuse, or one too large to write.
    pub(crate) fn check_shape(&self) -> Result<(), EwsError> {
        match self {
            Self::File(file) => {
                check_name("attachment name", &file.name)?;
                if let Some(id) = &file.content_id {
                    check_name("content id", id)?;
                }
                if file.content.len() > MAX_ATTACHMENT_BYTES {
                    return Err(EwsError::InvalidArgument {
                        argument: "attachment content",
                        reason: format!(
                            "{} bytes are more than the limit of {MAX_ATTACHMENT_BYTES}",
                            file.content.len()
                        ),
                    });
                }
                Ok(())
            }
            // Every kind of new item is one an item attachment can hold.
            Self::Item { name, .. } => check_name("attachment name", name),
        }
    }
}

fn check_name(argument: &'static str, name: &str) -> Result<(), EwsError> {
    let length = name.chars().count();
    if name.trim().is_empty() || length > MAX_NAME_CHARS || name.chars().any(char::is_control) {
        return Err(EwsError::InvalidArgument {
            argument,
            reason: format!(
                "it must have 1 to {MAX_NAME_CHARS} characters, not only white space, and no \
                 control characters"
            ),
        });
    }
    Ok(())
}

/// The id of a created attachment, with the id and new change key of the item it was
/// added to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttachmentId {
    /// The attachment's id.
    pub id: String,
    /// The item holding it, with its new change key, when the server sent it.
    pub root_item: Option<ItemId>,
}

/// An attachment as [`GetAttachment`](crate::attachments::GetAttachment) reads it.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Attachment {
    /// A file.
    File {
        /// The attachment id.
        id: String,
        /// The item it is attached to, when the server says (`RootItemId`).
        root_item: Option<ItemId>,
        /// The file name.
        name: Option<String>,
        /// The MIME type.
        content_type: Option<String>,
        /// The size in bytes, as the server reports it.
        size: Option<u64>,
        /// When it last changed.
        last_modified: Option<DateTime<Utc>>,
        /// Whether it is shown inside the body.
        is_inline: bool,
        /// The content id an HTML body refers to.
        content_id: Option<String>,
        /// The bytes, decoded from base64, when the answer carried them.
        content: Option<Vec<u8>>,
    },
    /// An attached item.
    Item {
        /// The attachment id.
        id: String,
        /// The item it is attached to, when the server says (`RootItemId`).
        root_item: Option<ItemId>,
        /// The name.
        name: Option<String>,
        /// The MIME type, when the server sent one.
        content_type: Option<String>,
        /// The size in bytes, as the server reports it.
        size: Option<u64>,
        /// When it last changed.
        last_modified: Option<DateTime<Utc>>,
        /// Whether it is shown inside the body.
        is_inline: bool,
        /// The item element (`Message`, `Contact`, …) with the properties the shape asked
        /// for, when the answer carried it.
        item: Option<Node>,
    },
}

impl Attachment {
    /// The attachment id.
    pub fn id(&self) -> &str {
        match self {
            Self::File { id, .. } | Self::Item { id, .. } => id,
        }
    }

    /// The name.
    pub fn name(&self) -> Option<&str> {
        match self {
            Self::File { name, .. } | Self::Item { name, .. } => name.as_deref(),
        }
    }
}

impl std::fmt::Debug for Attachment {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::File {
                id,
                name,
                content_type,
                size,
                content,
                ..
            } => f
                .debug_struct("File")
                .field("id", id)
                .field("name", name)
                .field("content_type", content_type)
                .field("size", size)
                .field("content_len", &content.as_ref().map(Vec::len))
                .finish_non_exhaustive(),
            Self::Item { id, name, item, .. } => f
                .debug_struct("Item")
                .field("id", id)
                .field("name", name)
                .field("item", &item.as_ref().map(Node::name))
                .finish_non_exhaustive(),
        }
    }
}

/// Which parts of attachments [`GetAttachment`](crate::attachments::GetAttachment) returns
/// (`t:AttachmentResponseShapeType`); the default asks for nothing beyond the server's
/// defaults.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct AttachmentShape {
    /// Whether attached items come with their MIME content.
    pub include_mime_content: bool,
    /// The format bodies of attached items come in.
    pub body_type: Option<BodyFormat>,
    /// Properties of attached items beyond the defaults.
    pub additional_properties: Vec<PropertyPath>,
}

impl AttachmentShape {
    /// Whether the shape asks for anything, so that it is written at all.
    pub(crate) fn is_default(&self) -> bool {
        !self.include_mime_content
            && self.body_type.is_none()
            && self.additional_properties.is_empty()
    }
}
