//! Types of `ResolveNames` and `ConvertId`: resolved names and converted ids.

use crate::decoded::Node;
use crate::items::Mailbox;
use crate::EwsError;

/// Where `ResolveNames` looks for a name (`SearchScope`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum SearchScope {
    /// The directory only.
    ActiveDirectory,
    /// The directory first, then the caller's contacts (the server's default).
    #[default]
    ActiveDirectoryContacts,
    /// The caller's contacts only.
    Contacts,
    /// The caller's contacts first, then the directory.
    ContactsActiveDirectory,
}

impl SearchScope {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ActiveDirectory => "ActiveDirectory",
            Self::ActiveDirectoryContacts => "ActiveDirectoryContacts",
            Self::Contacts => "Contacts",
            Self::ContactsActiveDirectory => "ContactsActiveDirectory",
        }
    }
}

/// Which contact properties `ResolveNames` returns (`ContactDataShape`, Exchange 2010 SP2
/// and later).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ContactDataShape {
    /// Only the id.
    IdOnly,
    /// The default set.
    Default,
    /// Every property.
    AllProperties,
}

impl ContactDataShape {
    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::IdOnly => "IdOnly",
            Self::Default => "Default",
            Self::AllProperties => "AllProperties",
        }
    }
}

/// The contact data of a resolution (`ReturnFullContactData`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ResolvedContact {
    /// `DisplayName`.
    pub display_name: Option<String>,
    /// `GivenName`.
    pub given_name: Option<String>,
    /// `Surname`.
    pub surname: Option<String>,
    /// `CompanyName`.
    pub company_name: Option<String>,
    /// `JobTitle`.
    pub job_title: Option<String>,
    /// `Department`.
    pub department: Option<String>,
    /// `EmailAddresses`: (key, address) pairs such as (`EmailAddress1`, `SMTP:a@b.test`).
    pub email_addresses: Vec<(String, String)>,
    /// `PhoneNumbers`: (key, number) pairs such as (`BusinessPhone`, `+1 …`).
    pub phone_numbers: Vec<(String, String)>,
    /// `ContactSource` (`ActiveDirectory`, `Store`).
    pub contact_source: Option<String>,
    /// The child elements not modelled above, as sent.
    pub other: Vec<Node>,
}

/// One match of `ResolveNames`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Resolution {
    /// The mailbox.
    pub mailbox: Mailbox,
    /// The contact data, when the server sent any.
    pub contact: Option<ResolvedContact>,
}

/// An id format of `ConvertId`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum IdFormat {
    /// The id format of Exchange 2007.
    EwsLegacyId,
    /// The id format of EWS since Exchange 2007 SP1.
    EwsId,
    /// A MAPI entry id, base64.
    EntryId,
    /// A MAPI entry id, hexadecimal (Outlook's form).
    HexEntryId,
    /// A store id, base64.
    StoreId,
    /// An Outlook Web App id.
    OwaId,
}

impl IdFormat {
    /// Every format.
    pub const ALL: [IdFormat; 6] = [
        Self::EwsLegacyId,
        Self::EwsId,
        Self::EntryId,
        Self::HexEntryId,
        Self::StoreId,
        Self::OwaId,
    ];

    /// The attribute value.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::EwsLegacyId => "EwsLegacyId",
            Self::EwsId => "EwsId",
            Self::EntryId => "EntryId",
            Self::HexEntryId => "HexEntryId",
            Self::StoreId => "StoreId",
            Self::OwaId => "OwaId",
        }
    }

    /// The format named by an attribute value.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.as_str() == name.trim())
    }
}

/// An id of a mailbox item or folder in one [`IdFormat`] (`AlternateId`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AlternateId {
    /// The format of `id`.
    pub format: IdFormat,
    /// The id.
    pub id: String,
    /// The SMTP address of the mailbox that holds the item or folder.
    pub mailbox: String,
    /// Whether the id is of the archive mailbox.
    pub is_archive: Option<bool>,
}

impl AlternateId {
    /// An id of `mailbox` in `format`.
    pub fn new(format: IdFormat, id: impl Into<String>, mailbox: impl Into<String>) -> Self {
        Self {
            format,
            id: id.into(),
            mailbox: mailbox.into(),
            is_archive: None,
        }
    }

    /// Refuses ids Exchange could only refuse.
    pub(crate) fn check(&self) -> Result<(), EwsError> {
        let reason = if self.id.trim().is_empty() {
            "the id is empty"
        } else if self.mailbox.trim().is_empty() {
            "the mailbox is empty"
        } else {
            return Ok(());
        };
        Err(EwsError::InvalidArgument {
            argument: "alternate id",
            reason: reason.into(),
        })
    }
}

/// What `ConvertId` returns for one id: the id in the destination format.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertedId {
    /// The format of `id`.
    pub format: IdFormat,
    /// The converted id (`Id`, or `ItemId`/`FolderId` of public folder ids).
    pub id: String,
    /// The mailbox, for mailbox ids.
    pub mailbox: Option<String>,
    /// Whether the id is of the archive mailbox.
    pub is_archive: Option<bool>,
    /// The `FolderId` of a public folder item id.
    pub folder_id: Option<String>,
}
