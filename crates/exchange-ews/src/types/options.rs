//! Options of the calendar write operations.

/// Whether creating a calendar item sends meeting requests to its attendees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SendMeetingInvitations {
    /// Send nothing (an appointment, or a meeting the attendees hear of elsewhere).
    #[default]
    SendToNone,
    /// Send meeting requests; keep no copy in Sent Items.
    SendOnlyToAll,
    /// Send meeting requests and keep a copy in Sent Items.
    SendToAllAndSaveCopy,
}

impl SendMeetingInvitations {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SendToNone => "SendToNone",
            Self::SendOnlyToAll => "SendOnlyToAll",
            Self::SendToAllAndSaveCopy => "SendToAllAndSaveCopy",
        }
    }
}

/// Whether deleting a calendar item sends cancellations to its attendees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SendMeetingCancellations {
    /// Send nothing.
    #[default]
    SendToNone,
    /// Send cancellations; keep no copy in Sent Items.
    SendOnlyToAll,
    /// Send cancellations and keep a copy in Sent Items.
    SendToAllAndSaveCopy,
}

impl SendMeetingCancellations {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SendToNone => "SendToNone",
            Self::SendOnlyToAll => "SendOnlyToAll",
            Self::SendToAllAndSaveCopy => "SendToAllAndSaveCopy",
        }
    }
}

/// How an item is deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DeleteType {
    /// Delete for good.
    HardDelete,
    /// Move to the dumpster (Recoverable Items); users can still restore it.
    SoftDelete,
    /// Move to Deleted Items.
    MoveToDeletedItems,
}

impl DeleteType {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::HardDelete => "HardDelete",
            Self::SoftDelete => "SoftDelete",
            Self::MoveToDeletedItems => "MoveToDeletedItems",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spells_options_as_the_schema_does() {
        assert_eq!(SendMeetingInvitations::default().as_str(), "SendToNone");
        assert_eq!(
            SendMeetingInvitations::SendOnlyToAll.as_str(),
            "SendOnlyToAll"
        );
        assert_eq!(
            SendMeetingCancellations::SendToAllAndSaveCopy.as_str(),
            "SendToAllAndSaveCopy"
        );
        assert_eq!(
            DeleteType::MoveToDeletedItems.as_str(),
            "MoveToDeletedItems"
        );
        assert_eq!(DeleteType::HardDelete.as_str(), "HardDelete");
        assert_eq!(DeleteType::SoftDelete.as_str(), "SoftDelete");
    }
}
