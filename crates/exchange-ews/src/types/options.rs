//! Options of the write operations (create, update, delete).

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

/// Declares a closed list of attribute values with `as_str`, `ALL` and the schema's
/// spelling.
macro_rules! attribute_values {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
        }

        impl $name {
            /// Every value, in schema order.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)+];

            /// The attribute value.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => stringify!($variant),)+
                }
            }
        }
    };
}

attribute_values!(
    /// What happens to a message that is created or updated (`MessageDisposition`); Exchange
    /// requires it whenever a request writes a message.
    MessageDisposition {
        /// Save it (as a draft); send nothing.
        SaveOnly,
        /// Send it and keep no copy; Exchange then returns no item id.
        SendOnly,
        /// Send it and keep a copy in Sent Items (or the folder given).
        SendAndSaveCopy,
    }
);

attribute_values!(
    /// What an update does when the item changed since its change key was read
    /// (`ConflictResolution`).
    ConflictResolution {
        /// Fail with `ErrorIrresolvableConflict`.
        NeverOverwrite,
        /// Apply the update unless it conflicts with the changes of others.
        AutoResolve,
        /// Apply the update whatever changed.
        AlwaysOverwrite,
    }
);

attribute_values!(
    /// Whether updating a calendar item tells its attendees
    /// (`SendMeetingInvitationsOrCancellations`).
    SendMeetingInvitationsOrCancellations {
        /// Tell nobody.
        SendToNone,
        /// Send updates to every attendee; keep no copy.
        SendOnlyToAll,
        /// Send updates only to attendees that were added or removed; keep no copy.
        SendOnlyToChanged,
        /// Send updates to every attendee and keep a copy in Sent Items.
        SendToAllAndSaveCopy,
        /// Send updates to the added or removed attendees and keep a copy in Sent Items.
        SendToChangedAndSaveCopy,
    }
);

attribute_values!(
    /// Which occurrences of a recurring task a deletion affects (`AffectedTaskOccurrences`).
    AffectedTaskOccurrences {
        /// The whole series.
        AllOccurrences,
        /// Only the occurrence the id names.
        SpecifiedOccurrenceOnly,
    }
);

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
        assert_eq!(
            MessageDisposition::SendAndSaveCopy.as_str(),
            "SendAndSaveCopy"
        );
        assert_eq!(ConflictResolution::ALL.len(), 3);
        assert_eq!(ConflictResolution::AutoResolve.as_str(), "AutoResolve");
        assert_eq!(
            SendMeetingInvitationsOrCancellations::SendToChangedAndSaveCopy.as_str(),
            "SendToChangedAndSaveCopy"
        );
        assert_eq!(
            AffectedTaskOccurrences::SpecifiedOccurrenceOnly.as_str(),
            "SpecifiedOccurrenceOnly"
        );
    }
}
