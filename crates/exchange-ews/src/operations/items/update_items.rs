//! `UpdateItem` of several items of any kind.

use super::create_items::{check_disposition, optional_item_id};
use super::item_change_xml::write_item_change;
use crate::calendar::SendMeetingInvitationsOrCancellations;
use crate::items::{ConflictResolution, MessageDisposition, MAX_ITEMS_PER_REQUEST};
use crate::operations::reading::number;
use crate::operations::{check_count, per_message, sans_io_methods};
use crate::soap::request_envelope;
use crate::types::{FieldUpdate, ItemChange};
use crate::xml::Element;
use crate::{Envelope, EwsError, ExchangeVersion, ItemId, Operation};

/// What an update of one item yields.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdatedItem {
    /// The item's id with its new change key; `None` when the item was a message that was
    /// sent (Exchange returns no id then).
    pub id: Option<ItemId>,
    /// How many conflicting changes Exchange resolved (`ConflictResults/Count`).
    pub conflict_count: u32,
}

/// Changes properties of items of any kind; each change gets its own answer.
///
/// ```
/// use exchange_ews::items::{FieldUpdate, ItemChange, ItemKind, UpdateItems};
/// use exchange_ews::{ExchangeVersion, ItemId};
///
/// let change = ItemChange::new(
///     ItemId::new("AAMk1").with_change_key("CQAA"),
///     ItemKind::CalendarItem,
///     vec![
///         FieldUpdate::set("item:Subject", "Planning")?,
///         FieldUpdate::delete("calendar:Location")?,
///     ],
/// )?;
/// let request = UpdateItems::new(vec![change])?;
/// let xml = request.checked_envelope(ExchangeVersion::Exchange2010)?;
/// assert!(xml.contains(r#"<t:SetItemField><t:FieldURI FieldURI="item:Subject"/><t:CalendarItem><t:Subject>Planning</t:Subject></t:CalendarItem></t:SetItemField>"#));
/// // Calendar properties belong in calendar items only.
/// assert!(ItemChange::new(ItemId::new("AAMk2"), ItemKind::Message,
///     vec![FieldUpdate::set("calendar:Location", "Room 1")?]).is_err());
/// # Ok::<(), exchange_ews::EwsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpdateItems {
    changes: Vec<ItemChange>,
    conflict_resolution: ConflictResolution,
    disposition: Option<MessageDisposition>,
    meeting_updates: SendMeetingInvitationsOrCancellations,
    suppress_read_receipts: bool,
}

impl UpdateItems {
    /// The request to apply `changes` (1 to [`MAX_ITEMS_PER_REQUEST`]), resolving
    /// conflicts automatically and telling no attendee.
    pub fn new(changes: Vec<ItemChange>) -> Result<Self, EwsError> {
        check_count("item changes", changes.len(), MAX_ITEMS_PER_REQUEST)?;
        Ok(Self {
            changes,
            conflict_resolution: ConflictResolution::AutoResolve,
            disposition: None,
            meeting_updates: SendMeetingInvitationsOrCancellations::SendToNone,
            suppress_read_receipts: false,
        })
    }

    /// What happens when an item changed since its change key was read.
    #[must_use]
    pub fn conflict_resolution(mut self, resolution: ConflictResolution) -> Self {
        self.conflict_resolution = resolution;
        self
    }

    /// What happens to updated messages; required when a change is of a message kind.
    #[must_use]
    pub fn message_disposition(mut self, disposition: MessageDisposition) -> Self {
        self.disposition = Some(disposition);
        self
    }

    /// Whether the attendees of updated calendar items hear of it.
    #[must_use]
    pub fn meeting_updates(mut self, send: SendMeetingInvitationsOrCancellations) -> Self {
        self.meeting_updates = send;
        self
    }

    /// Whether marking messages read sends no read receipts (Exchange 2013 and later; never
    /// written for older versions).
    #[must_use]
    pub fn suppress_read_receipts(mut self, suppress: bool) -> Self {
        self.suppress_read_receipts = suppress;
        self
    }

    /// The changes.
    pub fn changes(&self) -> &[ItemChange] {
        &self.changes
    }
}

sans_io_methods!(UpdateItems);

impl Operation for UpdateItems {
    /// One entry per change, in order.
    type Output = Vec<Result<UpdatedItem, EwsError>>;
    const NAME: &'static str = "UpdateItem";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            let mut attributes = vec![("ConflictResolution", self.conflict_resolution.as_str())];
            if let Some(disposition) = self.disposition {
                attributes.push(("MessageDisposition", disposition.as_str()));
            }
            attributes.push((
                "SendMeetingInvitationsOrCancellations",
                self.meeting_updates.as_str(),
            ));
            if self.suppress_read_receipts && version >= ExchangeVersion::Exchange2013 {
                attributes.push(("SuppressReadReceipts", "true"));
            }
            w.start("m:UpdateItem", &attributes)
                .start("m:ItemChanges", &[]);
            for change in &self.changes {
                write_item_change(w, change, version);
            }
            w.end().end();
        })
    }

    fn check(&self, version: ExchangeVersion) -> Result<(), EwsError> {
        let has_messages = self.changes.iter().any(|c| c.kind().is_message());
        check_disposition(has_messages, self.disposition, false)?;
        self.changes
            .iter()
            .flat_map(ItemChange::updates)
            .map(FieldUpdate::path)
            .try_for_each(|path| path.check(version))
    }

    fn output(envelope: &Envelope) -> Result<Self::Output, EwsError> {
        per_message(envelope, Self::NAME, updated_item)
    }
}

fn updated_item(message: &Element) -> Result<UpdatedItem, EwsError> {
    let conflict_count = match message.child("ConflictResults") {
        Some(results) => number(results, "Count", "a conflict count")?.unwrap_or(0),
        None => 0,
    };
    Ok(UpdatedItem {
        id: optional_item_id(message)?,
        conflict_count,
    })
}
