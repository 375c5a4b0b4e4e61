//! Representative requests of every operation the crate writes, for `ews-dump request`.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::attachments::{
    AttachmentShape, CreateAttachment, DeleteAttachment, GetAttachment, NewAttachment,
    NewFileAttachment,
};
use crate::calendar::{FindCalendarItems, SendMeetingCancellations};
use crate::directory::{
    AlternateId, AttendeeType, AvailabilityMailbox, ConvertId, FreeBusyOptions, FreeBusyViewKind,
    GetUserAvailability, IdFormat, ResolveNames, SerializableTimeZone,
};
use crate::folders::{FindFolder, GetFolder, Traversal};
use crate::items::{
    BaseShape, Body, CopyItems, CreateItems, DeleteItems, DeleteType, EmailAddressKey, FieldUpdate,
    GetItems, IndexedPage, ItemChange, ItemKind, ItemShape, MessageDisposition, MoveItems,
    NewContact, NewItem, NewMessage, PhoneNumberKey, PropertyPath, UpdateItems,
};
use crate::sync::{SyncFolderHierarchy, SyncFolderItems, SyncItemShape};
use crate::timezone::GetServerTimeZones;
use crate::{DistinguishedFolder, EwsError, ExchangeVersion, FolderTarget, ItemId};

/// One operation's name and the function writing its representative request.
type Example = (
    &'static str,
    fn(ExchangeVersion) -> Result<String, EwsError>,
);

/// Every operation [`super::request_body`] knows, in the order `ews-dump` lists them.
pub(super) const EXAMPLES: &[Example] = &[
    ("FindItem", find_item),
    ("GetItem", get_item),
    ("CreateItem", create_item),
    ("CreateItem:Contact", create_contact),
    ("CreateItem:Message", send_message),
    ("UpdateItem", update_item),
    ("DeleteItem", delete_item),
    ("MoveItem", move_item),
    ("CopyItem", copy_item),
    ("CreateAttachment", create_attachment),
    ("GetAttachment", get_attachment),
    ("DeleteAttachment", delete_attachment),
    ("GetFolder", get_folder),
    ("FindFolder", find_folder),
    ("ResolveNames", resolve_names),
    ("GetUserAvailability", get_user_availability),
    ("SyncFolderItems", sync_folder_items),
    ("SyncFolderHierarchy", sync_folder_hierarchy),
    ("GetServerTimeZones", get_server_time_zones),
    ("ConvertId", convert_id),
];

fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 6, 9, 0, 0)
        .single()
        .expect("the fixed start is a valid UTC time")
}

fn calendar() -> FolderTarget {
    FolderTarget::Distinguished(DistinguishedFolder::Calendar)
}

fn contacts() -> FolderTarget {
    FolderTarget::Distinguished(DistinguishedFolder::Contacts)
}

fn item_id() -> ItemId {
    ItemId::new("AAMkADk0ZGQ0NjA0LTg3N2QtNDExYy1hMGY2LTQ1NjJiZmQ4NmM5ZgBGAAAAAAA=")
        .with_change_key("DwAAABYAAAA=")
}

const ATTACHMENT_ID: &str = "AAMkADk0ZGQ0NjA0LTg3N2QtNDExYy1hMGY2LTQ1NjJiZmQ4NmM5ZgBGAAABEgAQAA==";

/// A calendar view: the month from the fixed start.
fn find_item(version: ExchangeVersion) -> Result<String, EwsError> {
    let request =
        FindCalendarItems::new(calendar(), start(), start() + Duration::days(31), Some(100))?;
    Ok(request.to_envelope(version))
}

/// Two items with their subject and body.
fn get_item(version: ExchangeVersion) -> Result<String, EwsError> {
    let shape = ItemShape::new(BaseShape::IdOnly)
        .with(PropertyPath::field("item:Subject"))
        .with(PropertyPath::field("item:Body"));
    let second = ItemId::new("AAMkADk0ZGQ0NjA0LTg3N2QtNDExYy1hMGY2LTQ1NjJiZmQ4NmM5ZgBGAAAAAAB=");
    GetItems::new(vec![item_id(), second], shape)?.checked_envelope(version)
}

/// A meeting with one attendee and a contact, each in its own folder's request: the
/// meeting is printed.
fn create_item(version: ExchangeVersion) -> Result<String, EwsError> {
    let meeting = crate::calendar::NewCalendarItem::new(
        "Project review",
        start(),
        start() + Duration::hours(1),
    )
    .with_location("Room 4")
    .with_required_attendee(crate::calendar::Attendee::smtp("bob@contoso.test"))
    .with_body(Body::text("Agenda: status, risks, next steps."));
    let request = CreateItems::new(vec![NewItem::from(meeting)])?
        .saved_in(calendar())
        .meeting_invitations(crate::calendar::SendMeetingInvitations::SendToAllAndSaveCopy);
    request.checked_envelope(version)
}

/// A contact with an e-mail address and a phone number.
fn create_contact(version: ExchangeVersion) -> Result<String, EwsError> {
    let contact = NewContact::new("Jürgen Müller")
        .with_names("Jürgen", "Müller")
        .with_email_address(EmailAddressKey::EmailAddress1, "juergen@contoso.test")
        .with_phone_number(PhoneNumberKey::BusinessPhone, "+49 30 1234567");
    let request = CreateItems::new(vec![NewItem::from(contact)])?.saved_in(contacts());
    request.checked_envelope(version)
}

/// A message sent, a copy kept in Sent Items.
fn send_message(version: ExchangeVersion) -> Result<String, EwsError> {
    let message = NewMessage::new("Minutes of the review")
        .to("bob@contoso.test")
        .with_body(Body::html("<p>See the attached agenda.</p>"));
    let request = CreateItems::new(vec![NewItem::from(message)])?
        .message_disposition(MessageDisposition::SendAndSaveCopy);
    request.checked_envelope(version)
}

/// A contact's phone number set, a category appended and the birthday removed.
fn update_item(version: ExchangeVersion) -> Result<String, EwsError> {
    let updates = vec![
        FieldUpdate::set(
            PropertyPath::indexed("contacts:PhoneNumber", "BusinessPhone"),
            "+49 30 7654321",
        )?,
        FieldUpdate::set(
            PropertyPath::field("item:Subject"),
            "Jürgen Müller (Contoso)",
        )?,
        FieldUpdate::delete(PropertyPath::field("contacts:Birthday"))?,
    ];
    let change = ItemChange::new(item_id(), ItemKind::Contact, updates)?;
    UpdateItems::new(vec![change])?.checked_envelope(version)
}

/// An item moved to Deleted Items, attendees told.
fn delete_item(version: ExchangeVersion) -> Result<String, EwsError> {
    let request = DeleteItems::new(vec![item_id()], DeleteType::MoveToDeletedItems)?
        .cancellations(SendMeetingCancellations::SendToAllAndSaveCopy);
    Ok(request.to_envelope(version))
}

/// An item moved into the inbox, its new id asked for.
fn move_item(version: ExchangeVersion) -> Result<String, EwsError> {
    let inbox = FolderTarget::Distinguished(DistinguishedFolder::Inbox);
    MoveItems::new(vec![item_id()], inbox)?.checked_envelope(version)
}

/// An item copied into a delegator's calendar.
fn copy_item(version: ExchangeVersion) -> Result<String, EwsError> {
    let shared =
        FolderTarget::DistinguishedOf(DistinguishedFolder::Calendar, "bob@contoso.test".into());
    CopyItems::new(vec![item_id()], shared)?.checked_envelope(version)
}

/// A small text file attached to an item.
fn create_attachment(version: ExchangeVersion) -> Result<String, EwsError> {
    let file = NewFileAttachment {
        name: "agenda.txt".into(),
        content_type: Some("text/plain".into()),
        content: b"1. Status\n2. Risks\n".to_vec(),
        ..NewFileAttachment::default()
    };
    let request = CreateAttachment::new(item_id(), vec![NewAttachment::File(file)])?;
    Ok(request.to_envelope(version))
}

/// An attachment with its content.
fn get_attachment(version: ExchangeVersion) -> Result<String, EwsError> {
    let request = GetAttachment::new(vec![ATTACHMENT_ID.into()], AttachmentShape::default())?;
    Ok(request.to_envelope(version))
}

/// An attachment removed.
fn delete_attachment(version: ExchangeVersion) -> Result<String, EwsError> {
    Ok(DeleteAttachment::new(vec![ATTACHMENT_ID.into()])?.to_envelope(version))
}

/// The calendar of one's own mailbox and of a delegator's.
fn get_folder(version: ExchangeVersion) -> Result<String, EwsError> {
    let shared =
        FolderTarget::DistinguishedOf(DistinguishedFolder::Calendar, "bob@contoso.test".into());
    Ok(GetFolder::new(vec![calendar(), shared])?.to_envelope(version))
}

/// Every folder below the root of the message folders, the first 100.
fn find_folder(version: ExchangeVersion) -> Result<String, EwsError> {
    let root = FolderTarget::Distinguished(DistinguishedFolder::MsgFolderRoot);
    let request = FindFolder::new(root, Traversal::Deep, Some(IndexedPage::new(100, 0)?))?;
    Ok(request.to_envelope(version))
}

/// A name looked up in the directory and the contacts.
fn resolve_names(version: ExchangeVersion) -> Result<String, EwsError> {
    Ok(ResolveNames::new("Müller", true)?.to_envelope(version))
}

/// The free/busy times of two people for a week.
fn get_user_availability(version: ExchangeVersion) -> Result<String, EwsError> {
    let mailboxes = ["alice@contoso.test", "room4@contoso.test"]
        .iter()
        .zip([AttendeeType::Required, AttendeeType::Room])
        .map(|(address, attendee_type)| AvailabilityMailbox {
            address: (*address).into(),
            attendee_type,
            exclude_conflicts: false,
        })
        .collect();
    let options = FreeBusyOptions {
        merged_interval_minutes: Some(30),
        requested_view: FreeBusyViewKind::DetailedMerged,
    };
    let request = GetUserAvailability::new(
        mailboxes,
        SerializableTimeZone::utc(),
        start(),
        start() + Duration::days(7),
        options,
    )?;
    Ok(request.to_envelope(version))
}

/// The first 100 changes of the contacts folder.
fn sync_folder_items(version: ExchangeVersion) -> Result<String, EwsError> {
    let request = SyncFolderItems::new(contacts(), SyncItemShape::IdOnly, None, 100)?;
    Ok(request.to_envelope(version))
}

/// The folder hierarchy from the start.
fn sync_folder_hierarchy(version: ExchangeVersion) -> Result<String, EwsError> {
    Ok(SyncFolderHierarchy::new(None).to_envelope(version))
}

/// The definitions of two Windows time zones.
fn get_server_time_zones(version: ExchangeVersion) -> Result<String, EwsError> {
    let request =
        GetServerTimeZones::new(&["W. Europe Standard Time", "Eastern Standard Time"], true)?;
    Ok(request.to_envelope(version))
}

/// An Outlook Web App id converted to an EWS id.
fn convert_id(version: ExchangeVersion) -> Result<String, EwsError> {
    let id = AlternateId::new(IdFormat::OwaId, "RgAAAAC4+5Q2", "alice@contoso.test");
    Ok(ConvertId::new(vec![id], IdFormat::EwsId)?.to_envelope(version))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_public_list_names_every_example_in_order() {
        let names: Vec<&str> = EXAMPLES.iter().map(|(name, _)| *name).collect();
        assert_eq!(names, super::super::OPERATIONS);
    }

    #[test]
    fn every_example_is_written_for_every_version() {
        for version in ExchangeVersion::ALL {
            for (name, write) in EXAMPLES {
                let xml = write(version).unwrap_or_else(|e| panic!("{name}: {e}"));
                let operation = name.split(':').next().unwrap_or(name);
                assert!(xml.contains(&format!("<m:{operation}")), "{name}");
            }
        }
    }
}
