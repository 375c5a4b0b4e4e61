//! The attachment operations: creating, reading and deleting attachments.

#[cfg(test)]
mod attachments_tests;
mod create_and_delete;
mod get_attachment;

pub use create_and_delete::{CreateAttachment, DeleteAttachment, MAX_ATTACHMENTS_PER_REQUEST};
pub use get_attachment::GetAttachment;
