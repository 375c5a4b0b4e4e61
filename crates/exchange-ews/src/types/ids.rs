//! Ids of items and folders.

use std::fmt;

use crate::EwsError;

/// The id of an item, with the change key of the version that was read.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct ItemId {
    /// The opaque item id (base64).
    pub id: String,
    /// The change key: identifies one version of the item; updates with an old one fail.
    pub change_key: Option<String>,
}

impl ItemId {
    /// An id without a change key.
    pub fn new(id: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            change_key: None,
        }
    }

    /// The same id with a change key.
    pub fn with_change_key(mut self, change_key: impl Into<String>) -> Self {
        self.change_key = Some(change_key.into());
        self
    }

    /// Refuses ids Exchange could only answer with `ErrorInvalidIdEmpty`.
    pub(crate) fn check(&self, argument: &'static str) -> Result<(), EwsError> {
        if self.id.trim().is_empty() {
            return Err(EwsError::InvalidArgument {
                argument,
                reason: "the item id is empty".into(),
            });
        }
        if self
            .change_key
            .as_deref()
            .is_some_and(|k| k.trim().is_empty())
        {
            return Err(EwsError::InvalidArgument {
                argument,
                reason: "the change key is empty (leave it out instead)".into(),
            });
        }
        Ok(())
    }
}

impl fmt::Display for ItemId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)
    }
}

/// A folder every mailbox has, addressed by name instead of id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DistinguishedFolder {
    /// The default calendar.
    Calendar,
    /// The inbox.
    Inbox,
    /// The default contacts folder.
    Contacts,
    /// The default tasks folder.
    Tasks,
    /// The notes folder.
    Notes,
    /// The root of the mailbox's folder tree (`root`), above the message folders.
    Root,
    /// The root of the folders a mail client shows (`msgfolderroot`, "Top of Information
    /// Store").
    MsgFolderRoot,
    /// Deleted items.
    DeletedItems,
    /// Drafts.
    Drafts,
    /// Sent items.
    SentItems,
    /// The outbox.
    Outbox,
    /// Junk e-mail.
    JunkEmail,
    /// The journal.
    Journal,
}

impl DistinguishedFolder {
    /// The `DistinguishedFolderId/@Id` value (`calendar`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Calendar => "calendar",
            Self::Inbox => "inbox",
            Self::Contacts => "contacts",
            Self::Tasks => "tasks",
            Self::Notes => "notes",
            Self::Root => "root",
            Self::MsgFolderRoot => "msgfolderroot",
            Self::DeletedItems => "deleteditems",
            Self::Drafts => "drafts",
            Self::SentItems => "sentitems",
            Self::Outbox => "outbox",
            Self::JunkEmail => "junkemail",
            Self::Journal => "journal",
        }
    }
}

impl fmt::Display for DistinguishedFolder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The folder an operation works on.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FolderTarget {
    /// A distinguished folder of the caller's own mailbox.
    Distinguished(DistinguishedFolder),
    /// A distinguished folder of another mailbox (delegate access), by its SMTP address.
    DistinguishedOf(DistinguishedFolder, String),
    /// A folder by its id.
    Id(String),
}

impl FolderTarget {
    /// Refuses targets Exchange would refuse.
    pub(crate) fn check(&self, argument: &'static str) -> Result<(), EwsError> {
        let reason = match self {
            Self::DistinguishedOf(_, smtp) if smtp.trim().is_empty() => {
                "the mailbox address is empty"
            }
            Self::DistinguishedOf(_, smtp) if !smtp.contains('@') => {
                "the mailbox address is not an SMTP address"
            }
            Self::Id(id) if id.trim().is_empty() => "the folder id is empty",
            Self::Distinguished(_) | Self::DistinguishedOf(..) | Self::Id(_) => return Ok(()),
        };
        Err(EwsError::InvalidArgument {
            argument,
            reason: reason.into(),
        })
    }
}

impl From<DistinguishedFolder> for FolderTarget {
    fn from(folder: DistinguishedFolder) -> Self {
        Self::Distinguished(folder)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checks_item_ids() {
        assert!(ItemId::new("AAMk").check("id").is_ok());
        assert!(ItemId::new("AAMk")
            .with_change_key("DwAA")
            .check("id")
            .is_ok());
        assert!(ItemId::new("").check("id").is_err());
        assert!(ItemId::new(" \t").check("id").is_err());
        assert!(ItemId::new("AAMk").with_change_key("").check("id").is_err());
        assert_eq!(ItemId::new("AAMk").to_string(), "AAMk");
    }

    #[test]
    fn checks_folder_targets() {
        assert!(FolderTarget::from(DistinguishedFolder::Calendar)
            .check("f")
            .is_ok());
        let other =
            |s: &str| FolderTarget::DistinguishedOf(DistinguishedFolder::Calendar, s.into());
        assert!(other("bob@contoso.test").check("f").is_ok());
        assert!(other("").check("f").is_err());
        assert!(other("bob").check("f").is_err());
        assert!(FolderTarget::Id("AQMk".into()).check("f").is_ok());
        assert!(FolderTarget::Id(String::new()).check("f").is_err());
    }

    #[test]
    fn spells_distinguished_folders_as_the_schema_does() {
        let names: Vec<_> = [
            DistinguishedFolder::Calendar,
            DistinguishedFolder::Inbox,
            DistinguishedFolder::Contacts,
            DistinguishedFolder::Tasks,
            DistinguishedFolder::Notes,
            DistinguishedFolder::Root,
            DistinguishedFolder::MsgFolderRoot,
            DistinguishedFolder::DeletedItems,
            DistinguishedFolder::Drafts,
            DistinguishedFolder::SentItems,
            DistinguishedFolder::Outbox,
            DistinguishedFolder::JunkEmail,
            DistinguishedFolder::Journal,
        ]
        .iter()
        .map(ToString::to_string)
        .collect();
        assert_eq!(
            names,
            [
                "calendar",
                "inbox",
                "contacts",
                "tasks",
                "notes",
                "root",
                "msgfolderroot",
                "deleteditems",
                "drafts",
                "sentitems",
                "outbox",
                "junkemail",
                "journal"
            ]
        );
    }
}
