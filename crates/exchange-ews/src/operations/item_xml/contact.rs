//! Reading and writing contacts (`t:Contact`, `t:ContactItemType`).

use std::collections::HashSet;

use super::item::{item_properties, strings, unread};
use super::item_write::{
    check_categories, check_extended_properties, check_text, write_extended_properties,
    SharedProperties,
};
use crate::items::{
    Contact, ContactEmailAddress, EmailAddressKey, NewContact, PhoneNumberKey, PhysicalAddress,
    PhysicalAddressKey, PostalAddressIndex,
};
use crate::operations::reading::{choice, date_time, free_text, invalid};
use crate::types::ImAddressKey;
use crate::xml::{format_date_time, Element, XmlWriter};
use crate::EwsError;

/// The children of `t:Contact` that [`contact`] reads beyond the shared ones.
const CONTACT_CHILDREN: &[&str] = &[
    "FileAs",
    "DisplayName",
    "GivenName",
    "Initials",
    "MiddleName",
    "Nickname",
    "CompanyName",
    "EmailAddresses",
    "PhysicalAddresses",
    "PhoneNumbers",
    "AssistantName",
    "Birthday",
    "BusinessHomePage",
    "Children",
    "Companies",
    "Department",
    "Generation",
    "ImAddresses",
    "JobTitle",
    "Manager",
    "Mileage",
    "OfficeLocation",
    "PostalAddressIndex",
    "Profession",
    "SpouseName",
    "Surname",
    "WeddingAnniversary",
];

/// Reads a `t:Contact`.
pub(crate) fn contact(e: &Element) -> Result<Contact, EwsError> {
    let mut c = Contact::from_properties(item_properties(e)?);
    c.file_as = free_text(e, "FileAs");
    c.display_name = free_text(e, "DisplayName");
    c.given_name = free_text(e, "GivenName");
    c.initials = free_text(e, "Initials");
    c.middle_name = free_text(e, "MiddleName");
    c.nickname = free_text(e, "Nickname");
    c.company_name = free_text(e, "CompanyName");
    c.email_addresses = entries(e, "EmailAddresses", |entry, text| {
        let key = key(
            entry,
            "EmailAddresses",
            EmailAddressKey::parse,
            "an e-mail address key",
        )?;
        let attribute = |name| entry.attribute(name).filter(|v| !v.trim().is_empty());
        Ok(ContactEmailAddress {
            key,
            address: text.trim().to_owned(),
            name: attribute("Name").map(str::to_owned),
            routing_type: attribute("RoutingType").map(|v| v.trim().to_owned()),
            mailbox_type: attribute("MailboxType").map(|v| v.trim().to_owned()),
        })
    })?;
    c.physical_addresses = physical_addresses(e)?;
    c.phone_numbers = entries(e, "PhoneNumbers", |entry, text| {
        let key = key(
            entry,
            "PhoneNumbers",
            PhoneNumberKey::parse,
            "a phone number key",
        )?;
        Ok((key, text.trim().to_owned()))
    })?;
    c.assistant_name = free_text(e, "AssistantName");
    c.birthday = date_time(e, "Birthday")?;
    c.business_home_page = free_text(e, "BusinessHomePage").map(|t| t.trim().to_owned());
    c.children = strings(e, "Children");
    c.companies = strings(e, "Companies");
    c.department = free_text(e, "Department");
    c.generation = free_text(e, "Generation");
    c.im_addresses = entries(e, "ImAddresses", |entry, text| {
        let key = key(
            entry,
            "ImAddresses",
            ImAddressKey::parse,
            "an IM address key",
        )?;
        Ok((key, text.trim().to_owned()))
    })?;
    c.job_title = free_text(e, "JobTitle");
    c.manager = free_text(e, "Manager");
    c.mileage = free_text(e, "Mileage");
    c.office_location = free_text(e, "OfficeLocation");
    c.postal_address_index = choice(
        e,
        "PostalAddressIndex",
        PostalAddressIndex::parse,
        "None, Home, Business or Other",
    )?;
    c.profession = free_text(e, "Profession");
    c.spouse_name = free_text(e, "SpouseName");
    c.surname = free_text(e, "Surname");
    c.wedding_anniversary = date_time(e, "WeddingAnniversary")?;
    c.unmodelled = unread(e, &[CONTACT_CHILDREN]);
    Ok(c)
}

/// The non-blank `t:Entry` children of the dictionary `name`, each read by `read`.
fn entries<T>(
    e: &Element,
    name: &str,
    read: impl Fn(&Element, &str) -> Result<T, EwsError>,
) -> Result<Vec<T>, EwsError> {
    let Some(list) = e.child(name) else {
        return Ok(Vec::new());
    };
    list.children()
        .iter()
        .filter(|entry| entry.name() == "Entry" && !entry.text().trim().is_empty())
        .map(|entry| read(entry, entry.text()))
        .collect()
}

/// The `Key` attribute of a dictionary entry.
fn key<T>(
    entry: &Element,
    dictionary: &str,
    parse: fn(&str) -> Option<T>,
    expected: &'static str,
) -> Result<T, EwsError> {
    let key = entry
        .attribute("Key")
        .ok_or_else(|| EwsError::MissingElement {
            element: "@Key".into(),
            parent: format!("{dictionary}/Entry"),
        })?;
    parse(key).ok_or_else(|| invalid(&format!("{dictionary}/Entry@Key"), key, expected))
}

/// Reads `t:PhysicalAddresses`; entries without any part are left out.
fn physical_addresses(e: &Element) -> Result<Vec<(PhysicalAddressKey, PhysicalAddress)>, EwsError> {
    let Some(list) = e.child("PhysicalAddresses") else {
        return Ok(Vec::new());
    };
    let mut out = Vec::new();
    for entry in list.children().iter().filter(|c| c.name() == "Entry") {
        let key = key(
            entry,
            "PhysicalAddresses",
            PhysicalAddressKey::parse,
            "Home, Business or Other",
        )?;
        let address = PhysicalAddress {
            street: free_text(entry, "Street"),
            city: free_text(entry, "City"),
            state: free_text(entry, "State"),
            country_or_region: free_text(entry, "CountryOrRegion"),
            postal_code: free_text(entry, "PostalCode"),
        };
        if address != PhysicalAddress::default() {
            out.push((key, address));
        }
    }
    Ok(out)
}

/// Refuses a contact Exchange would refuse: blank dictionary values, a key used twice,
/// blank categories, or a birthday outside the years 1 to 9999.
pub(crate) fn check_new_contact(c: &NewContact) -> Result<(), EwsError> {
    check_unique(
        "email address",
        c.email_addresses.iter().map(|(k, _)| k.as_str()),
    )?;
    check_unique(
        "phone number",
        c.phone_numbers.iter().map(|(k, _)| k.as_str()),
    )?;
    check_unique(
        "physical address",
        c.physical_addresses.iter().map(|(k, _)| k.as_str()),
    )?;
    for (key, address) in &c.email_addresses {
        check_text("email address", key.as_str(), address)?;
    }
    for (key, number) in &c.phone_numbers {
        check_text("phone number", key.as_str(), number)?;
    }
    if let Some(birthday) = c.birthday {
        crate::operations::check_range("birthday", birthday, birthday)?;
    }
    check_extended_properties(&c.extended_properties)?;
    check_categories(&c.categories)
}

fn check_unique<'a>(
    argument: &'static str,
    keys: impl Iterator<Item = &'a str>,
) -> Result<(), EwsError> {
    let mut seen = HashSet::new();
    for key in keys {
        if !seen.insert(key) {
            return Err(EwsError::InvalidArgument {
                argument,
                reason: format!("the key {key} is used twice"),
            });
        }
    }
    Ok(())
}

/// Writes a `t:Contact`, its properties in schema order (all known to Exchange 2007 SP1).
pub(crate) fn write_new_contact(w: &mut XmlWriter, c: &NewContact) {
    w.start("t:Contact", &[]);
    SharedProperties {
        subject: c.subject.as_deref(),
        sensitivity: c.sensitivity,
        body: c.notes.as_ref(),
        categories: &c.categories,
        importance: c.importance,
        ..SharedProperties::default()
    }
    .write(w);
    write_extended_properties(w, &c.extended_properties);
    let optional = |w: &mut XmlWriter, name: &'static str, value: &Option<String>| {
        if let Some(v) = value {
            w.text_element(name, &[], v);
        }
    };
    optional(w, "t:FileAs", &c.file_as);
    optional(w, "t:DisplayName", &c.display_name);
    optional(w, "t:GivenName", &c.given_name);
    optional(w, "t:MiddleName", &c.middle_name);
    optional(w, "t:Nickname", &c.nickname);
    optional(w, "t:CompanyName", &c.company_name);
    if !c.email_addresses.is_empty() {
        w.start("t:EmailAddresses", &[]);
        for (key, address) in &c.email_addresses {
            w.text_element("t:Entry", &[("Key", key.as_str())], address.trim());
        }
        w.end();
    }
    if !c.physical_addresses.is_empty() {
        w.start("t:PhysicalAddresses", &[]);
        for (key, a) in &c.physical_addresses {
            w.start("t:Entry", &[("Key", key.as_str())]);
            optional(w, "t:Street", &a.street);
            optional(w, "t:City", &a.city);
            optional(w, "t:State", &a.state);
            optional(w, "t:CountryOrRegion", &a.country_or_region);
            optional(w, "t:PostalCode", &a.postal_code);
            w.end();
        }
        w.end();
    }
    if !c.phone_numbers.is_empty() {
        w.start("t:PhoneNumbers", &[]);
        for (key, number) in &c.phone_numbers {
            w.text_element("t:Entry", &[("Key", key.as_str())], number.trim());
        }
        w.end();
    }
    optional(w, "t:AssistantName", &c.assistant_name);
    if let Some(birthday) = c.birthday {
        w.text_element("t:Birthday", &[], &format_date_time(birthday));
    }
    optional(w, "t:Department", &c.department);
    optional(w, "t:JobTitle", &c.job_title);
    optional(w, "t:Manager", &c.manager);
    if let Some(index) = c.postal_address_index {
        w.text_element("t:PostalAddressIndex", &[], index.as_str());
    }
    optional(w, "t:Surname", &c.surname);
    w.end();
}
