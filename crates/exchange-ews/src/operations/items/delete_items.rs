//! `DeleteItem` of several items.

use crate::calendar::SendMeetingCancellations;
use crate::items::{AffectedTaskOccurrences, DeleteType, MAX_ITEM_IDS};
use crate::operations::{check_count, per_message, sans_io_methods, write_item_id};
use crate::soap::request_envelope;
use crate::{Envelope, EwsError, ExchangeVersion, ItemId, Operation};

/// Deletes items of any kind; each id gets its own answer.
///
/// ```
/// use exchange_ews::items::{DeleteItems, DeleteType};
/// use exchange_ews::{ExchangeVersion, ItemId};
///
/// let request = DeleteItems::new(vec![ItemId::new("AAMk1"), ItemId::new("AAMk2")], DeleteType::SoftDelete)?
///     .suppress_read_receipts(true);
/// let xml = request.to_envelope(ExchangeVersion::Exchange2013);
/// assert!(xml.contains(r#"SuppressReadReceipts="true""#));
/// // Exchange 2010 does not know the attribute: it is left out.
/// assert!(!request.to_envelope(ExchangeVersion::Exchange2010).contains("SuppressReadReceipts"));
/// # Ok::<(), exchange_ews::EwsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeleteItems {
    ids: Vec<ItemId>,
    delete_type: DeleteType,
    cancellations: SendMeetingCancellations,
    occurrences: AffectedTaskOccurrences,
    suppress_read_receipts: bool,
}

impl DeleteItems {
    /// The request to delete `ids` (1 to [`MAX_ITEM_IDS`]) as `delete_type` says, sending no
    /// cancellations and deleting every occurrence of recurring tasks.
    pub fn new(ids: Vec<ItemId>, delete_type: DeleteType) -> Result<Self, EwsError> {
        check_count("item ids", ids.len(), MAX_ITEM_IDS)?;
        for id in &ids {
            id.check("item id")?;
        }
        Ok(Self {
            ids,
            delete_type,
            cancellations: SendMeetingCancellations::SendToNone,
            occurrences: AffectedTaskOccurrences::AllOccurrences,
            suppress_read_receipts: false,
        })
    }

    /// Whether the attendees of deleted meetings hear of it.
    #[must_use]
    pub fn cancellations(mut self, cancellations: SendMeetingCancellations) -> Self {
        self.cancellations = cancellations;
        self
    }

    /// Which occurrences of a recurring task go (Exchange refuses to delete a task without
    /// this; it is always sent).
    #[must_use]
    pub fn affected_task_occurrences(mut self, occurrences: AffectedTaskOccurrences) -> Self {
        self.occurrences = occurrences;
        self
    }

    /// Whether deleting unread messages sends no read receipts (Exchange 2013 and later;
    /// never written for older versions, which do not know it).
    #[must_use]
    pub fn suppress_read_receipts(mut self, suppress: bool) -> Self {
        self.suppress_read_receipts = suppress;
        self
    }

    /// The items to delete.
    pub fn ids(&self) -> &[ItemId] {
        &self.ids
    }
}

sans_io_methods!(DeleteItems);

impl Operation for DeleteItems {
    /// One entry per id, in order.
    type Output = Vec<Result<(), EwsError>>;
    const NAME: &'static str = "DeleteItem";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            let mut attributes = vec![
                ("DeleteType", self.delete_type.as_str()),
                ("SendMeetingCancellations", self.cancellations.as_str()),
                ("AffectedTaskOccurrences", self.occurrences.as_str()),
            ];
            if self.suppress_read_receipts && version >= ExchangeVersion::Exchange2013 {
                attributes.push(("SuppressReadReceipts", "true"));
            }
            w.start("m:DeleteItem", &attributes).start("m:ItemIds", &[]);
            for id in &self.ids {
                write_item_id(w, "t:ItemId", id);
            }
            w.end().end();
        })
    }

    fn output(envelope: &Envelope) -> Result<Self::Output, EwsError> {
        per_message(envelope, Self::NAME, |_| Ok(()))
    }
}
