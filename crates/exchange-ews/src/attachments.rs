//! Attachments: as listed on an item, as read in full, as created, and the requests that
//! create, read and delete them.

pub use crate::operations::{
    CreateAttachment, DeleteAttachment, GetAttachment, MAX_ATTACHMENTS_PER_REQUEST,
};
pub use crate::types::{
    Attachment, AttachmentId, AttachmentShape, AttachmentSummary, NewAttachment, NewFileAttachment,
    MAX_ATTACHMENT_BYTES,
};
