//! Property tests of typed items: any value in any element the readers model gives an item
//! or a typed error, never a panic; and what the `New*` writers write reads back unchanged.

use crate::items_support::ITEM_KINDS;
use exchange_ews::items::{
    CreateItems, EmailAddressKey, GetTypedItems, Importance, MessageDisposition, NewContact,
    NewItem, NewMessage, NewTask, PhoneNumberKey, Sensitivity, TaskStatus,
};
use exchange_ews::{EwsError, ExchangeVersion, Item};
use proptest::prelude::*;

/// Elements some reader models, dictionaries and lists among them.
const CHILDREN: &[&str] = &[
    "ParentFolderId",
    "ItemClass",
    "Sensitivity",
    "Body",
    "Attachments",
    "Size",
    "Categories",
    "ReminderMinutesBeforeStart",
    "ExtendedProperty",
    "EmailAddresses",
    "PhysicalAddresses",
    "PhoneNumbers",
    "ImAddresses",
    "PostalAddressIndex",
    "Birthday",
    "PercentComplete",
    "Status",
    "ActualWork",
    "Recurrence",
    "IsRead",
    "ToRecipients",
    "ConversationId",
    "ResponseType",
    "MeetingRequestType",
    "RequiredAttendees",
    "ProposedStart",
    "Start",
    "End",
];

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn answer(item: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="urn:s"><s:Body><m:GetItemResponse xmlns:m="urn:m" xmlns:t="urn:t"><m:ResponseMessages><m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items>{item}</m:Items></m:GetItemResponseMessage></m:ResponseMessages></m:GetItemResponse></s:Body></s:Envelope>"#
    )
}

fn read(item: &str) -> Result<Item, EwsError> {
    GetTypedItems::parse_response(answer(item).as_bytes())?.remove(0)
}

/// The item `new` as the server would return it: what was written, with an id.
fn echoed(new: impl Into<NewItem>) -> Item {
    let new = new.into();
    let open = format!("<t:{}>", new.element_name());
    let xml = CreateItems::new(vec![new])
        .unwrap()
        .message_disposition(MessageDisposition::SaveOnly)
        .checked_envelope(ExchangeVersion::Exchange2016)
        .unwrap();
    let start = xml.find(&open).unwrap();
    let end = xml.find("</m:Items>").unwrap();
    let item = xml[start..end].replacen(&open, &format!(r#"{open}<t:ItemId Id="X"/>"#), 1);
    read(&item).unwrap()
}

/// Text that survives XML unchanged and is not blank at either end.
fn word() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9<>&\"'.@+\\x{E9}\\x{4E2D}]{1,16}"
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_value_gives_an_item_or_a_typed_error(
        kind in prop::sample::select(ITEM_KINDS),
        child in prop::sample::select(CHILDREN),
        value in any::<String>(),
        attribute in "[A-Za-z0-9x ]{0,12}",
    ) {
        let value = escape(&value.replace(|c: char| c.is_control(), ""));
        let attribute = escape(&attribute);
        let xml = format!(
            r#"<t:{kind}><t:ItemId Id="A"/><t:{child} Id="{attribute}" BodyType="{attribute}">{value}<t:Entry Key="{attribute}">{value}</t:Entry><t:String>{value}</t:String><t:ExtendedFieldURI PropertyTag="{attribute}" PropertyType="{attribute}"/><t:Value>{value}</t:Value><t:Mailbox><t:EmailAddress>{value}</t:EmailAddress></t:Mailbox></t:{child}></t:{kind}>"#
        );
        if let Err(error) = read(&xml) {
            prop_assert!(error.is_malformed_response(), "{error:?}");
        }
    }

    #[test]
    fn messages_read_back_as_written(
        subject in word(),
        to in prop::collection::vec(word(), 0..4),
        categories in prop::collection::btree_set(word(), 0..4),
        importance in prop::sample::select(Importance::ALL),
        sensitivity in prop::sample::select(Sensitivity::ALL),
        receipt in any::<bool>(),
    ) {
        let mut new = NewMessage::new(subject.clone())
            .with_importance(importance)
            .with_sensitivity(sensitivity)
            .with_categories(categories.clone())
            .with_read_receipt_requested(receipt);
        for address in &to {
            new = new.to(address.clone());
        }
        let Item::Message(m) = echoed(new) else { panic!("a message") };
        prop_assert_eq!(m.subject, Some(subject));
        let read_to: Vec<_> = m.to_recipients.into_iter().filter_map(|r| r.email).collect();
        prop_assert_eq!(read_to, to);
        prop_assert_eq!(m.categories, categories.into_iter().collect::<Vec<_>>());
        prop_assert_eq!((m.importance, m.sensitivity), (Some(importance), Some(sensitivity)));
        prop_assert_eq!(m.is_read_receipt_requested, Some(receipt));
    }

    #[test]
    fn tasks_and_contacts_read_back_as_written(
        subject in word(),
        status in prop::sample::select(TaskStatus::ALL),
        percent in 0u8..=100,
        work in (0u32..=i32::MAX as u32, 0u32..=i32::MAX as u32),
        name in word(),
        email in word(),
        phone in word(),
        key in prop::sample::select(PhoneNumberKey::ALL),
    ) {
        let percent = match status {
            TaskStatus::Completed => 100,
            TaskStatus::NotStarted => 0,
            _ => percent,
        };
        let task = NewTask::new(subject.clone())
            .with_status(status)
            .with_percent_complete(percent)
            .with_work(work.0, work.1);
        let Item::Task(t) = echoed(task) else { panic!("a task") };
        prop_assert_eq!(t.subject, Some(subject));
        prop_assert_eq!(t.status, Some(status));
        prop_assert_eq!(t.percent_complete, Some(f64::from(percent)));
        prop_assert_eq!((t.actual_work, t.total_work), (Some(work.0), Some(work.1)));

        let contact = NewContact::new(name.clone())
            .with_email_address(EmailAddressKey::EmailAddress2, email.clone())
            .with_phone_number(key, phone.clone());
        let Item::Contact(c) = echoed(contact) else { panic!("a contact") };
        prop_assert_eq!(c.display_name.as_deref(), Some(name.as_str()));
        prop_assert_eq!(c.email_address(EmailAddressKey::EmailAddress2), Some(email.as_str()));
        prop_assert_eq!(c.phone_number(key), Some(phone.as_str()));
    }
}
