//! `MoveItem` and `CopyItem` of several items of any kind into one folder.

use super::create_items::optional_item_id;
use crate::items::MAX_ITEM_IDS;
use crate::operations::{check_count, per_message, sans_io_methods, write_folder, write_item_id};
use crate::soap::request_envelope;
use crate::{Envelope, EwsError, ExchangeVersion, FolderTarget, ItemId, Operation};

/// What a move and a copy share: the items, the folder they go to, and whether the server
/// is asked for the new ids.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Transfer {
    ids: Vec<ItemId>,
    to: FolderTarget,
    return_new_ids: bool,
}

impl Transfer {
    fn new(ids: Vec<ItemId>, to: FolderTarget) -> Result<Self, EwsError> {
        check_count("item ids", ids.len(), MAX_ITEM_IDS)?;
        for id in &ids {
            id.check("item id")?;
        }
        to.check("target folder")?;
        Ok(Self {
            ids,
            to,
            return_new_ids: true,
        })
    }

    /// The request element `element` (`m:MoveItem`, `m:CopyItem`), its children in the order
    /// of `BaseMoveCopyItemType`.
    fn envelope(&self, element: &'static str, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start(element, &[]).start("m:ToFolderId", &[]);
            write_folder(w, &self.to);
            w.end().start("m:ItemIds", &[]);
            for id in &self.ids {
                write_item_id(w, "t:ItemId", id);
            }
            w.end();
            // Exchange 2010 SP1 introduced the element; older versions do not know it and
            // return the new ids unasked.
            if version >= ExchangeVersion::Exchange2010Sp1 {
                let value = if self.return_new_ids { "true" } else { "false" };
                w.text_element("m:ReturnNewItemIds", &[], value);
            }
            w.end();
        })
    }
}

/// Moves items of any kind into one folder; each id gets its own answer, the item's id in
/// its new folder or the error the server reported for it.
///
/// Exchange ties an item id to the item's folder: a moved item has a new id, and the old
/// one is no longer found.
///
/// ```
/// use exchange_ews::items::MoveItems;
/// use exchange_ews::{DistinguishedFolder, ExchangeVersion, ItemId};
///
/// let ids = vec![ItemId::new("AAMk1").with_change_key("CQAA"), ItemId::new("AAMk2")];
/// let request = MoveItems::new(ids, DistinguishedFolder::Inbox.into())?;
/// let xml = request.to_envelope(ExchangeVersion::Exchange2013);
/// assert!(xml.contains(r#"<m:ToFolderId><t:DistinguishedFolderId Id="inbox"/></m:ToFolderId>"#));
/// assert!(xml.contains("<m:ReturnNewItemIds>true</m:ReturnNewItemIds>"));
/// // Exchange 2007 SP1 does not know the element: it is left out.
/// assert!(!request.to_envelope(ExchangeVersion::Exchange2007Sp1).contains("ReturnNewItemIds"));
/// # Ok::<(), exchange_ews::EwsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MoveItems(Transfer);

impl MoveItems {
    /// The request to move `ids` (1 to [`MAX_ITEM_IDS`]) into the folder `to`, asking for
    /// the new ids.
    pub fn new(ids: Vec<ItemId>, to: FolderTarget) -> Result<Self, EwsError> {
        Transfer::new(ids, to).map(Self)
    }

    /// Whether the server returns the new ids (`ReturnNewItemIds`, Exchange 2010 SP1 and
    /// later; older versions always return them and are never told).
    #[must_use]
    pub fn return_new_ids(mut self, return_new_ids: bool) -> Self {
        self.0.return_new_ids = return_new_ids;
        self
    }

    /// The items to move.
    pub fn ids(&self) -> &[ItemId] {
        &self.0.ids
    }

    /// The folder the items go to.
    pub fn target(&self) -> &FolderTarget {
        &self.0.to
    }
}

sans_io_methods!(MoveItems);

impl Operation for MoveItems {
    /// One entry per id, in order: the item's new id, or `None` when the server returns
    /// none (a move into another mailbox, or [`return_new_ids`](MoveItems::return_new_ids)
    /// turned off).
    type Output = Vec<Result<Option<ItemId>, EwsError>>;
    const NAME: &'static str = "MoveItem";

    fn envelope(&self, version: ExchangeVersion) -> String {
        self.0.envelope("m:MoveItem", version)
    }

    fn output(envelope: &Envelope) -> Result<Self::Output, EwsError> {
        per_message(envelope, Self::NAME, optional_item_id)
    }
}

/// Copies items of any kind into one folder; each id gets its own answer, the id of the
/// copy or the error the server reported for it. The originals stay where they are.
///
/// ```
/// use exchange_ews::items::CopyItems;
/// use exchange_ews::{ExchangeVersion, FolderTarget, ItemId};
///
/// let request = CopyItems::new(vec![ItemId::new("AAMk1")], FolderTarget::Id("AQMkF".into()))?
///     .return_new_ids(false);
/// let xml = request.to_envelope(ExchangeVersion::Exchange2016);
/// assert!(xml.contains(concat!(
///     r#"<m:CopyItem><m:ToFolderId><t:FolderId Id="AQMkF"/></m:ToFolderId>"#,
///     r#"<m:ItemIds><t:ItemId Id="AAMk1"/></m:ItemIds>"#,
///     "<m:ReturnNewItemIds>false</m:ReturnNewItemIds></m:CopyItem>"
/// )));
/// # Ok::<(), exchange_ews::EwsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopyItems(Transfer);

impl CopyItems {
    /// The request to copy `ids` (1 to [`MAX_ITEM_IDS`]) into the folder `to`, asking for
    /// the ids of the copies.
    pub fn new(ids: Vec<ItemId>, to: FolderTarget) -> Result<Self, EwsError> {
        Transfer::new(ids, to).map(Self)
    }

    /// Whether the server returns the ids of the copies (`ReturnNewItemIds`, Exchange 2010
    /// SP1 and later; older versions always return them and are never told).
    #[must_use]
    pub fn return_new_ids(mut self, return_new_ids: bool) -> Self {
        self.0.return_new_ids = return_new_ids;
        self
    }

    /// The items to copy.
    pub fn ids(&self) -> &[ItemId] {
        &self.0.ids
    }

    /// The folder the copies go to.
    pub fn target(&self) -> &FolderTarget {
        &self.0.to
    }
}

sans_io_methods!(CopyItems);

impl Operation for CopyItems {
    /// One entry per id, in order: the id of the copy, or `None` when the server returns
    /// none (a copy into another mailbox, or [`return_new_ids`](CopyItems::return_new_ids)
    /// turned off).
    type Output = Vec<Result<Option<ItemId>, EwsError>>;
    const NAME: &'static str = "CopyItem";

    fn envelope(&self, version: ExchangeVersion) -> String {
        self.0.envelope("m:CopyItem", version)
    }

    fn output(envelope: &Envelope) -> Result<Self::Output, EwsError> {
        per_message(envelope, Self::NAME, optional_item_id)
    }
}
