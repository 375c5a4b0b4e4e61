//! Contacts as read from and written to Exchange (`t:Contact`).

use chrono::{DateTime, Utc};

use super::common::schema_enum;
use super::item::item_struct;
use crate::items::{Body, EmailAddressKey, PhoneNumberKey, PhysicalAddress, PhysicalAddressKey};

schema_enum! {
    /// Which of a contact's three instant-messaging addresses (`t:ImAddressKeyType`).
    ImAddressKey {
        /// The first.
        ImAddress1 => "ImAddress1",
        /// The second.
        ImAddress2 => "ImAddress2",
        /// The third.
        ImAddress3 => "ImAddress3",
    }
}

schema_enum! {
    /// Which postal address is the one to send mail to (`t:PhysicalAddressIndexType`).
    PostalAddressIndex {
        /// None is.
        None => "None",
        /// The home address.
        Home => "Home",
        /// The business address.
        Business => "Business",
        /// The other address.
        Other => "Other",
    }
}

/// One of a contact's e-mail addresses (`t:EmailAddressDictionaryEntryType`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ContactEmailAddress {
    /// Which of the three.
    pub key: EmailAddressKey,
    /// The address.
    pub address: String,
    /// The display name (the `Name` attribute Exchange 2010 and later send).
    pub name: Option<String>,
    /// The routing type (`SMTP`, `EX`; Exchange 2010 and later).
    pub routing_type: Option<String>,
    /// The mailbox type (`Mailbox`, `Contact`, …; Exchange 2010 and later).
    pub mailbox_type: Option<String>,
}

impl ContactEmailAddress {
    /// The address under `key`, without the attributes.
    pub fn new(key: EmailAddressKey, address: impl Into<String>) -> Self {
        Self {
            key,
            address: address.into(),
            name: None,
            routing_type: None,
            mailbox_type: None,
        }
    }
}

item_struct! {
    /// A contact as Exchange returns it. Its notes are the [`body`](Self::body).
    Contact {
        /// `FileAs`: how the contact is filed.
        file_as: Option<String>,
        /// `DisplayName`.
        display_name: Option<String>,
        /// `GivenName`.
        given_name: Option<String>,
        /// `Initials`.
        initials: Option<String>,
        /// `MiddleName`.
        middle_name: Option<String>,
        /// `Nickname`.
        nickname: Option<String>,
        /// `CompanyName`.
        company_name: Option<String>,
        /// `EmailAddresses`, in the order sent.
        email_addresses: Vec<ContactEmailAddress>,
        /// `PhysicalAddresses`, in the order sent.
        physical_addresses: Vec<(PhysicalAddressKey, PhysicalAddress)>,
        /// `PhoneNumbers`, in the order sent.
        phone_numbers: Vec<(PhoneNumberKey, String)>,
        /// `AssistantName`.
        assistant_name: Option<String>,
        /// `Birthday`.
        birthday: Option<DateTime<Utc>>,
        /// `BusinessHomePage`.
        business_home_page: Option<String>,
        /// `Children`: the names of the contact's children.
        children: Vec<String>,
        /// `Companies`.
        companies: Vec<String>,
        /// `Department`.
        department: Option<String>,
        /// `Generation` (`Jr.`, `III`).
        generation: Option<String>,
        /// `ImAddresses`, in the order sent.
        im_addresses: Vec<(ImAddressKey, String)>,
        /// `JobTitle`.
        job_title: Option<String>,
        /// `Manager`.
        manager: Option<String>,
        /// `Mileage`.
        mileage: Option<String>,
        /// `OfficeLocation`.
        office_location: Option<String>,
        /// `PostalAddressIndex`: which postal address mail goes to.
        postal_address_index: Option<PostalAddressIndex>,
        /// `Profession`.
        profession: Option<String>,
        /// `SpouseName`.
        spouse_name: Option<String>,
        /// `Surname`.
        surname: Option<String>,
        /// `WeddingAnniversary`.
        wedding_anniversary: Option<DateTime<Utc>>,
    }
}

impl Contact {
    /// The address stored under `key`.
    pub fn email_address(&self, key: EmailAddressKey) -> Option<&str> {
        self.email_addresses
            .iter()
            .find(|e| e.key == key)
            .map(|e| e.address.as_str())
    }

    /// The phone number stored under `key`.
    pub fn phone_number(&self, key: PhoneNumberKey) -> Option<&str> {
        self.phone_numbers
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, n)| n.as_str())
    }

    /// The postal address stored under `key`.
    pub fn physical_address(&self, key: PhysicalAddressKey) -> Option<&PhysicalAddress> {
        self.physical_addresses
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, a)| a)
    }
}

/// A contact to create. Build it with [`NewContact::new`] and the `with_*` methods.
///
/// ```
/// use exchange_ews::items::{EmailAddressKey, NewContact, PhoneNumberKey};
///
/// let contact = NewContact::new("Ada Lovelace")
///     .with_names("Ada", "Lovelace")
///     .with_email_address(EmailAddressKey::EmailAddress1, "ada@contoso.test")
///     .with_phone_number(PhoneNumberKey::MobilePhone, "+44 20 7946 0000");
/// assert_eq!(contact.display_name.as_deref(), Some("Ada Lovelace"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewContact {
    /// `FileAs`.
    pub file_as: Option<String>,
    /// `DisplayName`.
    pub display_name: Option<String>,
    /// `GivenName`.
    pub given_name: Option<String>,
    /// `MiddleName`.
    pub middle_name: Option<String>,
    /// `Surname`.
    pub surname: Option<String>,
    /// `Nickname`.
    pub nickname: Option<String>,
    /// `CompanyName`.
    pub company_name: Option<String>,
    /// `Department`.
    pub department: Option<String>,
    /// `JobTitle`.
    pub job_title: Option<String>,
    /// `EmailAddresses` (one per key).
    pub email_addresses: Vec<(EmailAddressKey, String)>,
    /// `PhoneNumbers` (one per key).
    pub phone_numbers: Vec<(PhoneNumberKey, String)>,
    /// `PhysicalAddresses` (one per key).
    pub physical_addresses: Vec<(PhysicalAddressKey, PhysicalAddress)>,
    /// `PostalAddressIndex`.
    pub postal_address_index: Option<PostalAddressIndex>,
    /// `Birthday`.
    pub birthday: Option<DateTime<Utc>>,
    /// The notes (`Body`).
    pub notes: Option<Body>,
    /// `Categories`.
    pub categories: Vec<String>,
    /// `Subject` (Exchange sets it from the display name when left out).
    pub subject: Option<String>,
    /// `Sensitivity`.
    pub sensitivity: Option<crate::items::Sensitivity>,
    /// `Importance`.
    pub importance: Option<crate::items::Importance>,
    /// `AssistantName`.
    pub assistant_name: Option<String>,
    /// `Manager`.
    pub manager: Option<String>,
    /// Extended (MAPI) properties to set.
    pub extended_properties: Vec<crate::items::ExtendedProperty>,
}

impl NewContact {
    /// A contact shown as `display_name`.
    pub fn new(display_name: impl Into<String>) -> Self {
        Self {
            display_name: Some(display_name.into()),
            ..Self::default()
        }
    }

    /// The contact with this given name and surname.
    pub fn with_names(mut self, given_name: impl Into<String>, surname: impl Into<String>) -> Self {
        self.given_name = Some(given_name.into());
        self.surname = Some(surname.into());
        self
    }

    /// The contact filed as `file_as`.
    pub fn with_file_as(mut self, file_as: impl Into<String>) -> Self {
        self.file_as = Some(file_as.into());
        self
    }

    /// The contact working for `company` as `job_title`.
    pub fn with_job(mut self, company: impl Into<String>, job_title: impl Into<String>) -> Self {
        self.company_name = Some(company.into());
        self.job_title = Some(job_title.into());
        self
    }

    /// The contact with `address` under `key` (replacing one there).
    pub fn with_email_address(mut self, key: EmailAddressKey, address: impl Into<String>) -> Self {
        self.email_addresses.retain(|(k, _)| *k != key);
        self.email_addresses.push((key, address.into()));
        self
    }

    /// The contact with `number` under `key` (replacing one there).
    pub fn with_phone_number(mut self, key: PhoneNumberKey, number: impl Into<String>) -> Self {
        self.phone_numbers.retain(|(k, _)| *k != key);
        self.phone_numbers.push((key, number.into()));
        self
    }

    /// The contact with `address` under `key` (replacing one there).
    pub fn with_physical_address(
        mut self,
        key: PhysicalAddressKey,
        address: PhysicalAddress,
    ) -> Self {
        self.physical_addresses.retain(|(k, _)| *k != key);
        self.physical_addresses.push((key, address));
        self
    }

    /// The contact born on `birthday`.
    pub fn with_birthday(mut self, birthday: DateTime<Utc>) -> Self {
        self.birthday = Some(birthday);
        self
    }

    /// The contact with these notes.
    pub fn with_notes(mut self, notes: Body) -> Self {
        self.notes = Some(notes);
        self
    }

    /// The contact in these categories.
    pub fn with_categories(
        mut self,
        categories: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        self.categories = categories.into_iter().map(Into::into).collect();
        self
    }
}
