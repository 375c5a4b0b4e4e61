//! `CreateItem` of several items of any kind, and the per-item reading of answers that the
//! write operations share.

use crate::calendar::SendMeetingInvitations;
use crate::items::{MessageDisposition, NewItem};
use crate::operations::item_xml::item::item_id;
use crate::operations::{check_count, sans_io_methods, write_folder};
use crate::soap::request_envelope;
use crate::xml::Element;
use crate::{Envelope, EwsError, ExchangeVersion, FolderTarget, ItemId, Operation};

/// The most items one write request (`CreateItem`, `UpdateItem`) carries.
///
/// Exchange itself takes more, but every item of a request is processed within the one
/// call's time budget and throttling charge: a hundred items keep a request well inside
/// the default 100-second timeout and the server's per-request limits, and keep what a
/// failed request has to redo small.
pub const MAX_ITEMS_PER_REQUEST: usize = 100;

/// Creates items of any kind ([`NewItem`]) in one request; each item gets its own answer,
/// its id or the error the server reported for it.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use exchange_ews::items::{CreateItems, NewItem};
/// use exchange_ews::{DistinguishedFolder, ExchangeVersion};
/// use exchange_ews::calendar::NewCalendarItem;
///
/// let start = Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap();
/// let item = NewCalendarItem::new("Review", start, start + chrono::Duration::hours(1));
/// let request = CreateItems::new(vec![NewItem::from(item)])?
///     .saved_in(DistinguishedFolder::Calendar.into());
/// let envelope = request.checked_envelope(ExchangeVersion::Exchange2013)?;
/// assert!(envelope.contains(r#"<m:CreateItem SendMeetingInvitations="SendToNone">"#));
/// # Ok::<(), exchange_ews::EwsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateItems {
    items: Vec<NewItem>,
    folder: Option<FolderTarget>,
    disposition: Option<MessageDisposition>,
    invitations: SendMeetingInvitations,
}

impl CreateItems {
    /// The request to create `items` (1 to [`MAX_ITEMS_PER_REQUEST`]) in the default folder
    /// of their kind, sending no meeting invitations.
    pub fn new(items: Vec<NewItem>) -> Result<Self, EwsError> {
        check_count("items", items.len(), MAX_ITEMS_PER_REQUEST)?;
        Ok(Self {
            items,
            folder: None,
            disposition: None,
            invitations: SendMeetingInvitations::SendToNone,
        })
    }

    /// Saves the items in `folder` (`SavedItemFolderId`).
    #[must_use]
    pub fn saved_in(mut self, folder: FolderTarget) -> Self {
        self.folder = Some(folder);
        self
    }

    /// What happens to messages; required when the items include one.
    #[must_use]
    pub fn message_disposition(mut self, disposition: MessageDisposition) -> Self {
        self.disposition = Some(disposition);
        self
    }

    /// Whether meeting requests go to the attendees of calendar items.
    #[must_use]
    pub fn meeting_invitations(mut self, invitations: SendMeetingInvitations) -> Self {
        self.invitations = invitations;
        self
    }

    /// The items to create.
    pub fn items(&self) -> &[NewItem] {
        &self.items
    }

    /// The folder the items go to, when one was named.
    pub fn folder(&self) -> Option<&FolderTarget> {
        self.folder.as_ref()
    }
}

sans_io_methods!(CreateItems);

impl CreateItems {
    /// The disposition written: the one asked for, else `SaveOnly` when the only messages
    /// are notes — Exchange wants one for every `t:Message`, and a note can only be saved.
    fn effective_disposition(&self) -> Option<MessageDisposition> {
        self.disposition.or_else(|| {
            let has_notes = self.items.iter().any(|i| matches!(i, NewItem::Note(_)));
            let has_mail = self.items.iter().any(|i| matches!(i, NewItem::Message(_)));
            (has_notes && !has_mail).then_some(MessageDisposition::SaveOnly)
        })
    }
}

impl Operation for CreateItems {
    /// One entry per item, in order: the new item's id, or `None` when the item was a
    /// message that was sent (Exchange returns no id then).
    type Output = Vec<Result<Option<ItemId>, EwsError>>;
    const NAME: &'static str = "CreateItem";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            let mut attributes = Vec::new();
            if let Some(disposition) = self.effective_disposition() {
                attributes.push(("MessageDisposition", disposition.as_str()));
            }
            attributes.push(("SendMeetingInvitations", self.invitations.as_str()));
            w.start("m:CreateItem", &attributes);
            if let Some(folder) = &self.folder {
                w.start("m:SavedItemFolderId", &[]);
                write_folder(w, folder);
                w.end();
            }
            w.start("m:Items", &[]);
            for item in &self.items {
                item.write(w, version);
            }
            w.end().end();
        })
    }

    fn check(&self, version: ExchangeVersion) -> Result<(), EwsError> {
        if let Some(folder) = &self.folder {
            folder.check("folder")?;
        }
        check_disposition(
            self.items.iter().any(|i| i.element_name() == "Message"),
            self.effective_disposition(),
            self.folder.is_some(),
        )?;
        self.items.iter().try_for_each(|item| item.check(version))
    }

    fn output(envelope: &Envelope) -> Result<Self::Output, EwsError> {
        crate::operations::per_message(envelope, Self::NAME, optional_item_id)
    }
}

/// Refuses the disposition combinations Exchange refuses: none for messages, and a folder
/// to save in with `SendOnly`, which saves nothing.
pub(crate) fn check_disposition(
    has_messages: bool,
    disposition: Option<MessageDisposition>,
    has_folder: bool,
) -> Result<(), EwsError> {
    let reason = match disposition {
        None if has_messages => "messages need a message disposition",
        // Exchange would silently ignore the folder (and with it delegate access).
        Some(MessageDisposition::SendOnly) if has_folder => {
            "SendOnly saves no copy, so it takes no folder to save in"
        }
        _ => return Ok(()),
    };
    Err(EwsError::InvalidArgument {
        argument: "message disposition",
        reason: reason.into(),
    })
}

/// The id of the one item in a message's `Items`, or `None` when `Items` is empty.
pub(crate) fn optional_item_id(message: &Element) -> Result<Option<ItemId>, EwsError> {
    match message.required_child("Items")?.children().first() {
        Some(item) => item_id(item.required_child("ItemId")?).map(Some),
        None => Ok(None),
    }
}
