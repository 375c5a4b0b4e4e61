//! The keys of a contact's indexed fields (e-mail addresses, phone numbers, postal
//! addresses) and the postal address itself.

use super::common::schema_enum;

schema_enum! {
    /// Which of a contact's three e-mail addresses (`t:EmailAddressKeyType`).
    EmailAddressKey {
        /// The first.
        EmailAddress1 => "EmailAddress1",
        /// The second.
        EmailAddress2 => "EmailAddress2",
        /// The third.
        EmailAddress3 => "EmailAddress3",
    }
}

schema_enum! {
    /// Which of a contact's phone numbers (`t:PhoneNumberKeyType`).
    PhoneNumberKey {
        /// Assistant.
        AssistantPhone => "AssistantPhone",
        /// Business fax.
        BusinessFax => "BusinessFax",
        /// Business.
        BusinessPhone => "BusinessPhone",
        /// Second business.
        BusinessPhone2 => "BusinessPhone2",
        /// Callback.
        Callback => "Callback",
        /// Car.
        CarPhone => "CarPhone",
        /// Company main.
        CompanyMainPhone => "CompanyMainPhone",
        /// Home fax.
        HomeFax => "HomeFax",
        /// Home.
        HomePhone => "HomePhone",
        /// Second home.
        HomePhone2 => "HomePhone2",
        /// ISDN.
        Isdn => "Isdn",
        /// Mobile.
        MobilePhone => "MobilePhone",
        /// Other fax.
        OtherFax => "OtherFax",
        /// Other telephone.
        OtherTelephone => "OtherTelephone",
        /// Pager.
        Pager => "Pager",
        /// Primary.
        PrimaryPhone => "PrimaryPhone",
        /// Radio.
        RadioPhone => "RadioPhone",
        /// Telex.
        Telex => "Telex",
        /// TTY/TDD.
        TtyTddPhone => "TtyTddPhone",
    }
}

schema_enum! {
    /// Which of a contact's postal addresses (`t:PhysicalAddressKeyType`).
    PhysicalAddressKey {
        /// Home.
        Home => "Home",
        /// Business.
        Business => "Business",
        /// Other.
        Other => "Other",
    }
}

/// A postal address of a contact (`t:PhysicalAddressDictionaryEntryType`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
pub struct PhysicalAddress {
    /// Street and number.
    pub street: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or province.
    pub state: Option<String>,
    /// Country or region.
    pub country_or_region: Option<String>,
    /// Postal code.
    pub postal_code: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_round_trip() {
        assert_eq!(PhoneNumberKey::ALL.len(), 19);
        for k in PhoneNumberKey::ALL {
            assert_eq!(PhoneNumberKey::parse(k.as_str()), Some(*k));
        }
        assert_eq!(
            EmailAddressKey::parse("EmailAddress2"),
            Some(EmailAddressKey::EmailAddress2)
        );
        assert_eq!(PhysicalAddressKey::parse("Work"), None);
    }
}
