//! What tests can read back about messages the fake sent.

use crate::item::StoredItem;
use crate::request::TYPES;

/// A message the fake sent (`CreateItem` or `UpdateItem` with `SendOnly` or
/// `SendAndSaveCopy`), as [`crate::FakeExchange::sent_messages`] reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SentMessage {
    /// The primary SMTP address of the sending mailbox.
    pub sender: String,
    /// `Subject` (empty when the message has none).
    pub subject: String,
    /// The addresses of `ToRecipients`, `CcRecipients` and `BccRecipients`, in that order.
    pub recipients: Vec<String>,
    /// The body content as sent (empty when the message has none).
    pub body: String,
}

impl SentMessage {
    /// The report of a stored message sent from `sender`.
    pub(crate) fn of(sender: &str, item: &StoredItem) -> Self {
        let recipients = ["ToRecipients", "CcRecipients", "BccRecipients"]
            .iter()
            .filter_map(|list| item.prop(list))
            .flat_map(|list| list.children.iter())
            .filter_map(|mailbox| mailbox.child(TYPES, "EmailAddress"))
            .map(|address| address.text().trim().to_owned())
            .collect();
        Self {
            sender: sender.to_owned(),
            subject: item.subject.clone().unwrap_or_default(),
            recipients,
            body: item
                .body
                .as_ref()
                .map(|b| b.content.clone())
                .unwrap_or_default(),
        }
    }
}
