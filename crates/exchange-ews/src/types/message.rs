//! E-mail messages and sticky notes as read from and written to Exchange (`t:Message`).

use super::item::item_struct;
use crate::items::{Body, Importance, Mailbox, Sensitivity};
use crate::ItemId;

/// The item class of sticky notes.
pub const NOTE_ITEM_CLASS: &str = "IPM.StickyNote";

item_struct! {
    /// An e-mail message (or, as [`Item::Note`](crate::Item::Note), a sticky note) as
    /// Exchange returns it.
    Message {
        /// `InReplyTo`: the `Message-ID` this message answers.
        in_reply_to: Option<String>,
        /// `IsSubmitted`: whether the message was handed to the transport.
        is_submitted: Option<bool>,
        /// `IsDraft`: whether the message is a draft not yet sent.
        is_draft: Option<bool>,
        /// `ConversationId` (Exchange 2010 and later).
        conversation_id: Option<ItemId>,
        /// `Sender`: who sent it (may differ from `from` when sent on behalf).
        sender: Option<Mailbox>,
        /// `ToRecipients`.
        to_recipients: Vec<Mailbox>,
        /// `CcRecipients`.
        cc_recipients: Vec<Mailbox>,
        /// `BccRecipients` (only on messages the mailbox sent).
        bcc_recipients: Vec<Mailbox>,
        /// `IsReadReceiptRequested`.
        is_read_receipt_requested: Option<bool>,
        /// `IsDeliveryReceiptRequested`.
        is_delivery_receipt_requested: Option<bool>,
        /// `ConversationIndex` (base64), placing the message in its thread.
        conversation_index: Option<String>,
        /// `ConversationTopic`: the subject without prefixes such as `RE:`.
        conversation_topic: Option<String>,
        /// `From`.
        from: Option<Mailbox>,
        /// `InternetMessageId`: the `Message-ID` header.
        internet_message_id: Option<String>,
        /// `IsRead`.
        is_read: Option<bool>,
        /// `IsResponseRequested`.
        is_response_requested: Option<bool>,
        /// `References`: the `References` header.
        references: Option<String>,
        /// `ReplyTo`: where answers should go.
        reply_to: Vec<Mailbox>,
        /// `ReceivedBy`.
        received_by: Option<Mailbox>,
        /// `ReceivedRepresenting`: the mailbox a delegate received it for.
        received_representing: Option<Mailbox>,
    }
}

impl Message {
    /// Whether the message is a sticky note (item class `IPM.StickyNote`).
    pub fn is_note(&self) -> bool {
        self.item_class
            .as_deref()
            .is_some_and(|c| is_note_class(c.trim()))
    }
}

/// Whether `item_class` is that of sticky notes, or of a class derived from it.
pub(crate) fn is_note_class(item_class: &str) -> bool {
    item_class.eq_ignore_ascii_case(NOTE_ITEM_CLASS)
        || item_class
            .get(..NOTE_ITEM_CLASS.len() + 1)
            .is_some_and(|p| p.eq_ignore_ascii_case("IPM.StickyNote."))
}

/// A message to create (a draft, or one to send, as the create request says). Build it
/// with [`NewMessage::new`] and the `with_*` methods.
///
/// ```
/// use exchange_ews::items::{Body, Importance, Mailbox, NewMessage};
///
/// let message = NewMessage::new("Quarterly figures")
///     .with_body(Body::text("Attached."))
///     .to("cfo@contoso.test")
///     .cc("controller@contoso.test")
///     .with_importance(Importance::High)
///     .with_read_receipt_requested(true);
/// assert_eq!(message.to_recipients.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewMessage {
    /// `Subject`.
    pub subject: String,
    /// `Body`.
    pub body: Option<Body>,
    /// `Sensitivity`.
    pub sensitivity: Option<Sensitivity>,
    /// `Importance`.
    pub importance: Option<Importance>,
    /// `Categories`.
    pub categories: Vec<String>,
    /// `ToRecipients`.
    pub to_recipients: Vec<Mailbox>,
    /// `CcRecipients`.
    pub cc_recipients: Vec<Mailbox>,
    /// `BccRecipients`.
    pub bcc_recipients: Vec<Mailbox>,
    /// `IsReadReceiptRequested`.
    pub is_read_receipt_requested: Option<bool>,
    /// `IsDeliveryReceiptRequested`.
    pub is_delivery_receipt_requested: Option<bool>,
    /// `From`: the mailbox to send as (needs send-as rights when not one's own).
    pub from: Option<Mailbox>,
    /// `IsRead`: whether the message is stored as read.
    pub is_read: Option<bool>,
    /// `ReplyTo`.
    pub reply_to: Vec<Mailbox>,
    /// Extended (MAPI) properties to set.
    pub extended_properties: Vec<crate::items::ExtendedProperty>,
}

/// A mailbox with only an SMTP address.
fn smtp(address: impl Into<String>) -> Mailbox {
    Mailbox {
        email: Some(address.into()),
        ..Mailbox::default()
    }
}

impl NewMessage {
    /// A message with this subject.
    pub fn new(subject: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            ..Self::default()
        }
    }

    /// The message with this body.
    pub fn with_body(mut self, body: Body) -> Self {
        self.body = Some(body);
        self
    }

    /// The message with one more `To` recipient (an SMTP address).
    pub fn to(mut self, address: impl Into<String>) -> Self {
        self.to_recipients.push(smtp(address));
        self
    }

    /// The message with one more `Cc` recipient (an SMTP address).
    pub fn cc(mut self, address: impl Into<String>) -> Self {
        self.cc_recipients.push(smtp(address));
        self
    }

    /// The message with one more `Bcc` recipient (an SMTP address).
    pub fn bcc(mut self, address: impl Into<String>) -> Self {
        self.bcc_recipients.push(smtp(address));
        self
    }

    /// The message of this importance.
    pub fn with_importance(mut self, importance: Importance) -> Self {
        self.importance = Some(importance);
        self
    }

    /// The message of this sensitivity.
    pub fn with_sensitivity(mut self, sensitivity: Sensitivity) -> Self {
        self.sensitivity = Some(sensitivity);
        self
    }

    /// The message in these categories.
    pub fn with_categories(
        mut self,
        categories: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.categories = categories.into_iter().map(Into::into).collect();
        self
    }

    /// The message asking (or not) for a read receipt.
    pub fn with_read_receipt_requested(mut self, requested: bool) -> Self {
        self.is_read_receipt_requested = Some(requested);
        self
    }

    /// The message asking (or not) for a delivery receipt.
    pub fn with_delivery_receipt_requested(mut self, requested: bool) -> Self {
        self.is_delivery_receipt_requested = Some(requested);
        self
    }

    /// The message sent as `from`.
    pub fn with_from(mut self, from: Mailbox) -> Self {
        self.from = Some(from);
        self
    }

    /// The message with answers going to `reply_to`.
    pub fn with_reply_to(mut self, reply_to: Vec<Mailbox>) -> Self {
        self.reply_to = reply_to;
        self
    }
}

/// A sticky note to create: a `t:Message` of item class `IPM.StickyNote`, stored in the
/// `notes` folder.
///
/// ```
/// use exchange_ews::items::{NewItem, NewNote};
///
/// let note = NewNote::new("Call Bob", "About the lease, before Friday.");
/// assert_eq!(NewItem::from(note).element_name(), "Message");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewNote {
    /// `Subject` (Outlook shows the first line of the body instead).
    pub subject: String,
    /// The text of the note (`Body`).
    pub body: Body,
    /// `Categories`.
    pub categories: Vec<String>,
    /// `Sensitivity`.
    pub sensitivity: Option<Sensitivity>,
    /// `Importance`.
    pub importance: Option<Importance>,
    /// Extended (MAPI) properties to set.
    pub extended_properties: Vec<crate::items::ExtendedProperty>,
}

impl NewNote {
    /// A note with this subject and plain-text body.
    pub fn new(subject: impl Into<String>, text: impl Into<String>) -> Self {
        Self {
            subject: subject.into(),
            body: Body::text(text),
            categories: Vec::new(),
            sensitivity: None,
            importance: None,
            extended_properties: Vec::new(),
        }
    }

    /// The note in these categories.
    pub fn with_categories(
        mut self,
        categories: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.categories = categories.into_iter().map(Into::into).collect();
        self
    }
}
