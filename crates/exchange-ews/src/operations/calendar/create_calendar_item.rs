//! `CreateItem` of one calendar item.

use crate::calendar::{NewCalendarItem, SendMeetingInvitations};
use crate::operations::item_xml::calendar_write::{check_calendar_item, write_calendar_item};
use crate::operations::item_xml::item::item_id;
use crate::operations::{sans_io_methods, write_folder};
use crate::soap::request_envelope;
use crate::{Envelope, EwsError, ExchangeVersion, FolderTarget, ItemId, Operation};

/// Creates one calendar item in a folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreateCalendarItem {
    folder: FolderTarget,
    item: NewCalendarItem,
    invitations: SendMeetingInvitations,
}

impl CreateCalendarItem {
    /// The request to create `item` in `folder`, sending invitations as `invitations` says.
    pub fn new(
        folder: FolderTarget,
        item: NewCalendarItem,
        invitations: SendMeetingInvitations,
    ) -> Result<Self, EwsError> {
        folder.check("folder")?;
        check_calendar_item(&item, ExchangeVersion::Exchange2016)?;
        Ok(Self {
            folder,
            item,
            invitations,
        })
    }

    /// The folder the item goes to.
    pub fn folder(&self) -> &FolderTarget {
        &self.folder
    }

    /// The item to create.
    pub fn item(&self) -> &NewCalendarItem {
        &self.item
    }
}

sans_io_methods!(CreateCalendarItem);

impl Operation for CreateCalendarItem {
    type Output = ItemId;
    const NAME: &'static str = "CreateItem";

    fn envelope(&self, version: ExchangeVersion) -> String {
        request_envelope(version, |w| {
            w.start(
                "m:CreateItem",
                &[("SendMeetingInvitations", self.invitations.as_str())],
            );
            w.start("m:SavedItemFolderId", &[]);
            write_folder(w, &self.folder);
            w.end().start("m:Items", &[]);
            write_calendar_item(w, version, &self.item);
            w.end().end();
        })
    }

    fn check(&self, version: ExchangeVersion) -> Result<(), EwsError> {
        check_calendar_item(&self.item, version)
    }

    fn output(envelope: &Envelope) -> Result<ItemId, EwsError> {
        let items = envelope
            .single_message(Self::NAME)?
            .required_child("Items")?;
        item_id(
            items
                .required_child("CalendarItem")?
                .required_child("ItemId")?,
        )
    }
}

#[cfg(test)]
#[path = "create_calendar_item_tests.rs"]
mod tests;
