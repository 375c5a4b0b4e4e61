//! Contacts, tasks, messages, notes, attachments and sync through the client against the
//! fake Exchange server: what the client writes, the server stores, and the client reads back
//! typed.

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone, Utc};
use exchange_auth::{Basic, UserCredentials};
use exchange_ews::attachments::{
    Attachment, AttachmentShape, CreateAttachment, DeleteAttachment, GetAttachment, NewAttachment,
    NewFileAttachment,
};
use exchange_ews::calendar::{
    Recurrence, RecurrencePattern, RecurrenceRange, SendMeetingCancellations,
    SendMeetingInvitationsOrCancellations,
};
use exchange_ews::client::CreateOptions;
use exchange_ews::items::{
    AffectedTaskOccurrences, BaseShape, Body, ConflictResolution, DeleteType, EmailAddressKey,
    FieldUpdate, FindTypedItems, GetTypedItems, IndexedPage, ItemChange, ItemKind, ItemShape,
    MessageDisposition, NewContact, NewItem, NewMessage, NewNote, NewTask, PhoneNumberKey,
    PropertyPath, TaskStatus, UpdatedItem,
};
use exchange_ews::sync::{Change, SyncFolderItems, SyncItemShape};
use exchange_ews::{
    DistinguishedFolder, EwsClient, EwsError, ExchangeVersion, FolderTarget, Item, ItemId,
    ResponseCode,
};
use exchange_testkit::FakeExchange;
use secrecy::SecretString;

const ALICE: &str = "alice@contoso.test";
const BOB: &str = "bob@contoso.test";

async fn fake() -> FakeExchange {
    FakeExchange::builder()
        .user(ALICE, "alice-pw", ALICE)
        .user(BOB, "bob-pw", BOB)
        .start()
        .await
        .expect("the fake starts")
}

fn client(server: &FakeExchange, batch_size: usize) -> EwsClient {
    let basic = Basic::new(UserCredentials::new(ALICE, SecretString::from("alice-pw"))).unwrap();
    EwsClient::builder(&server.url())
        .auth(Arc::new(basic))
        .version(ExchangeVersion::Exchange2016)
        .batch_size(batch_size)
        .build()
        .unwrap()
}

fn folder(f: DistinguishedFolder) -> FolderTarget {
    FolderTarget::Distinguished(f)
}

fn all_properties() -> ItemShape {
    ItemShape::new(BaseShape::AllProperties)
}

/// The ids of a batch that must have succeeded entirely.
/// Updates one item, never overwriting a newer change, and returns its outcome.
async fn update_one(client: &EwsClient, change: ItemChange) -> Result<UpdatedItem, EwsError> {
    client
        .update_items(
            vec![change],
            ConflictResolution::NeverOverwrite,
            None,
            SendMeetingInvitationsOrCancellations::SendToNone,
        )
        .await
        .unwrap()
        .remove(0)
}

/// Creates `items` and returns their ids; each must be created and saved.
async fn create(client: &EwsClient, items: Vec<NewItem>, options: &CreateOptions) -> Vec<ItemId> {
    client
        .create_items(items, options)
        .await
        .unwrap()
        .into_iter()
        .map(|r| {
            r.expect("created")
                .expect("saved, so the server answers an id")
        })
        .collect()
}

async fn typed(client: &EwsClient, ids: Vec<ItemId>) -> Vec<Item> {
    client
        .execute(&GetTypedItems::new(ids, all_properties()).unwrap())
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.expect("each item reads"))
        .collect()
}

#[tokio::test]
async fn contacts_tasks_and_notes_round_trip_in_batches() {
    let server = fake().await;
    let alice = client(&server, 2);
    let contacts: Vec<NewItem> = (0..5)
        .map(|i| {
            NewContact::new(format!("Contact {i} & <Co>"))
                .with_names(format!("Given{i}"), "Müller")
                .with_email_address(
                    EmailAddressKey::EmailAddress1,
                    format!("c{i}@fabrikam.test"),
                )
                .with_phone_number(PhoneNumberKey::MobilePhone, format!("+49 170 {i:07}"))
                .into()
        })
        .collect();
    let before = server.request_count("CreateItem");
    let options = CreateOptions {
        folder: Some(folder(DistinguishedFolder::Contacts)),
        ..CreateOptions::default()
    };
    let ids = create(&alice, contacts, &options).await;
    // Five contacts in batches of two: three requests, results in input order.
    assert_eq!(server.request_count("CreateItem") - before, 3);
    assert_eq!(server.item_count(ALICE, "contacts"), 5);
    let items = typed(&alice, ids.clone()).await;
    for (i, item) in items.iter().enumerate() {
        let Item::Contact(contact) = item else {
            panic!("{item:?}")
        };
        assert_eq!(
            contact.display_name.as_deref(),
            Some(format!("Contact {i} & <Co>").as_str())
        );
        assert_eq!(
            contact.email_address(EmailAddressKey::EmailAddress1),
            Some(format!("c{i}@fabrikam.test").as_str())
        );
        assert_eq!(
            contact.phone_number(PhoneNumberKey::MobilePhone),
            Some(format!("+49 170 {i:07}").as_str())
        );
    }

    let recurrence = Recurrence {
        pattern: RecurrencePattern::WeeklyRegeneration { interval: 2 },
        range: RecurrenceRange::NoEnd {
            start: NaiveDate::from_ymd_opt(2024, 5, 6).unwrap(),
        },
    };
    let task = NewTask::new("Water the plants")
        .with_due_date(Utc.with_ymd_and_hms(2024, 5, 10, 0, 0, 0).unwrap())
        .with_status(TaskStatus::InProgress)
        .with_percent_complete(40)
        .with_recurrence(recurrence.clone());
    let note = NewNote::new("Door code", "4711");
    // Notes are messages to Exchange, which wants a disposition for them: the client
    // writes `SaveOnly`, the only one that fits a note.
    let ids = create(
        &alice,
        vec![task.into(), note.into()],
        &CreateOptions::default(),
    )
    .await;
    assert_eq!(server.item_count(ALICE, "tasks"), 1);
    assert_eq!(server.item_count(ALICE, "notes"), 1);
    let items = typed(&alice, ids.clone()).await;
    match &items[0] {
        Item::Task(task) => {
            assert_eq!(task.status, Some(TaskStatus::InProgress));
            assert_eq!(task.recurrence.as_ref(), Some(&recurrence));
        }
        other => panic!("{other:?}"),
    }
    match &items[1] {
        Item::Note(note) => {
            assert!(note.is_note());
            assert_eq!(note.subject.as_deref(), Some("Door code"));
        }
        other => panic!("{other:?}"),
    }

    // Tasks need `AffectedTaskOccurrences`: the client always sends it.
    let deleted = alice
        .delete_items(
            ids,
            DeleteType::HardDelete,
            SendMeetingCancellations::SendToNone,
            AffectedTaskOccurrences::AllOccurrences,
        )
        .await
        .unwrap();
    assert!(deleted.iter().all(Result::is_ok), "{deleted:?}");
    assert_eq!(server.item_count(ALICE, "tasks"), 0);
    assert_eq!(server.item_count(ALICE, "notes"), 0);
}

#[tokio::test]
async fn updates_set_append_and_delete_fields_and_conflicts_are_typed() {
    let server = fake().await;
    let alice = client(&server, 100);
    let contact = NewContact::new("Jürgen")
        .with_phone_number(PhoneNumberKey::BusinessPhone, "+49 30 1")
        .with_job("Contoso", "Engineer");
    let options = CreateOptions {
        folder: Some(folder(DistinguishedFolder::Contacts)),
        ..CreateOptions::default()
    };
    let id = create(&alice, vec![contact.into()], &options)
        .await
        .remove(0);

    let updates = vec![
        FieldUpdate::set(
            PropertyPath::indexed("contacts:PhoneNumber", "BusinessPhone"),
            "+49 30 2",
        )
        .unwrap(),
        FieldUpdate::set(
            PropertyPath::field("item:Categories"),
            vec!["Customers".to_owned()],
        )
        .unwrap(),
        FieldUpdate::delete(PropertyPath::field("contacts:JobTitle")).unwrap(),
    ];
    let change = ItemChange::new(id.clone(), ItemKind::Contact, updates).unwrap();
    let updated = update_one(&alice, change).await.unwrap();
    let new_id = updated.id.expect("the server answers the new change key");
    assert_eq!(new_id.id, id.id);
    assert_ne!(new_id.change_key, id.change_key);
    let Item::Contact(contact) = typed(&alice, vec![new_id.clone()]).await.remove(0) else {
        panic!("not a contact")
    };
    assert_eq!(
        contact.phone_number(PhoneNumberKey::BusinessPhone),
        Some("+49 30 2")
    );
    assert_eq!(contact.categories, ["Customers"]);
    // Categories cannot be appended to: Exchange would refuse, so the client does first.
    assert!(matches!(
        FieldUpdate::append(PropertyPath::field("item:Categories"), vec!["x".to_owned()]),
        Err(EwsError::InvalidArgument { .. })
    ));
    assert_eq!(contact.job_title, None);
    assert_eq!(contact.company_name.as_deref(), Some("Contoso"));

    // The old change key no longer matches: NeverOverwrite refuses, typed.
    let stale = ItemChange::new(
        id,
        ItemKind::Contact,
        vec![FieldUpdate::set(PropertyPath::field("contacts:CompanyName"), "Fabrikam").unwrap()],
    )
    .unwrap();
    let refused = update_one(&alice, stale).await.unwrap_err();
    assert_eq!(
        refused.response_code(),
        Some(&ResponseCode::ErrorIrresolvableConflict),
        "{refused:?}"
    );
}

#[tokio::test]
async fn messages_are_sent_or_saved_as_their_disposition_says() {
    let server = fake().await;
    let alice = client(&server, 100);
    let draft = NewMessage::new("Draft")
        .to(BOB)
        .with_body(Body::text("later"));
    let options = CreateOptions {
        message_disposition: Some(MessageDisposition::SaveOnly),
        ..CreateOptions::default()
    };
    let draft_id = create(&alice, vec![draft.into()], &options).await.remove(0);
    assert_eq!(server.item_count(ALICE, "drafts"), 1);

    let sent = NewMessage::new("Minutes")
        .to(BOB)
        .with_body(Body::html("<p>Done</p>"));
    let options = CreateOptions {
        message_disposition: Some(MessageDisposition::SendAndSaveCopy),
        ..CreateOptions::default()
    };
    let results = alice
        .create_items(vec![sent.into()], &options)
        .await
        .unwrap();
    // A sent message has no id in the answer.
    assert!(matches!(results.as_slice(), [Ok(None)]), "{results:?}");
    assert_eq!(server.item_count(ALICE, "sentitems"), 1);
    assert_eq!(server.item_count(BOB, "inbox"), 1);
    assert!(server
        .sent_messages()
        .iter()
        .any(|m| m.subject == "Minutes"));

    // A message without a disposition is refused before anything is sent.
    let before = server.request_count("CreateItem");
    let refused = alice
        .create_items(
            vec![NewMessage::new("x").to(BOB).into()],
            &CreateOptions::default(),
        )
        .await;
    assert!(
        matches!(refused, Err(EwsError::InvalidArgument { .. })),
        "{refused:?}"
    );
    assert_eq!(server.request_count("CreateItem"), before);

    let Item::Message(message) = typed(&alice, vec![draft_id]).await.remove(0) else {
        panic!("not a message")
    };
    assert_eq!(message.subject.as_deref(), Some("Draft"));
    assert_eq!(message.to_recipients[0].email.as_deref(), Some(BOB));
}

#[tokio::test]
async fn attachments_round_trip_and_the_parent_follows() {
    let server = fake().await;
    let alice = client(&server, 100);
    let options = CreateOptions {
        message_disposition: Some(MessageDisposition::SaveOnly),
        ..CreateOptions::default()
    };
    let parent = create(
        &alice,
        vec![NewMessage::new("With files").to(BOB).into()],
        &options,
    )
    .await
    .remove(0);
    let bytes: Vec<u8> = (0..=255u8).cycle().take(70_000).collect();
    let file = NewFileAttachment {
        name: "data.bin".into(),
        content_type: Some("application/octet-stream".into()),
        content: bytes.clone(),
        ..NewFileAttachment::default()
    };
    let note = NewAttachment::Item {
        name: "A note".into(),
        item: Box::new(NewNote::new("Attached", "inside").into()),
    };
    let made = alice
        .execute(
            &CreateAttachment::new(parent.clone(), vec![NewAttachment::File(file), note]).unwrap(),
        )
        .await
        .unwrap();
    let ids: Vec<String> = made.into_iter().map(|r| r.unwrap().id).collect();
    assert_eq!(ids.len(), 2);

    let read = alice
        .execute(&GetAttachment::new(ids.clone(), AttachmentShape::default()).unwrap())
        .await
        .unwrap();
    match &read[0] {
        Ok(Attachment::File { name, content, .. }) => {
            assert_eq!(name.as_deref(), Some("data.bin"));
            assert_eq!(content.as_deref(), Some(bytes.as_slice()));
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(&read[1], Ok(Attachment::Item { .. })),
        "{:?}",
        read[1]
    );

    let Item::Message(message) = typed(&alice, vec![parent.clone()]).await.remove(0) else {
        panic!("not a message")
    };
    assert_eq!(message.has_attachments, Some(true));
    assert_eq!(message.attachments.len(), 2);

    let removed = alice
        .execute(&DeleteAttachment::new(ids).unwrap())
        .await
        .unwrap();
    assert!(removed.iter().all(Result::is_ok), "{removed:?}");
    let Item::Message(message) = typed(&alice, vec![ItemId::new(parent.id)]).await.remove(0) else {
        panic!("not a message")
    };
    assert!(message.attachments.is_empty());
}

#[tokio::test]
async fn sync_reports_creations_updates_and_deletions_and_typed_pages_list_them() {
    let server = fake().await;
    let alice = client(&server, 100);
    let contacts = folder(DistinguishedFolder::Contacts);
    let first = alice
        .execute(&SyncFolderItems::new(contacts.clone(), SyncItemShape::IdOnly, None, 100).unwrap())
        .await
        .unwrap();
    assert!(first.changes.is_empty());
    let options = CreateOptions {
        folder: Some(contacts.clone()),
        ..CreateOptions::default()
    };
    let ids = create(
        &alice,
        vec![NewContact::new("One").into(), NewContact::new("Two").into()],
        &options,
    )
    .await;
    let second = alice
        .execute(
            &SyncFolderItems::new(
                contacts.clone(),
                SyncItemShape::IdOnly,
                Some(first.sync_state.clone()),
                100,
            )
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(second.changes.len(), 2, "{:?}", second.changes);
    assert!(second
        .changes
        .iter()
        .all(|c| matches!(c, Change::Create(_))));

    alice
        .delete_items(
            vec![ids[0].clone()],
            DeleteType::HardDelete,
            SendMeetingCancellations::SendToNone,
            AffectedTaskOccurrences::AllOccurrences,
        )
        .await
        .unwrap()
        .remove(0)
        .unwrap();
    let third = alice
        .execute(
            &SyncFolderItems::new(
                contacts.clone(),
                SyncItemShape::IdOnly,
                Some(second.sync_state),
                100,
            )
            .unwrap(),
        )
        .await
        .unwrap();
    assert!(
        matches!(third.changes.as_slice(), [Change::Delete(_)]),
        "{:?}",
        third.changes
    );

    let page = alice
        .execute(&FindTypedItems::new(contacts, IndexedPage::new(10, 0).unwrap()).unwrap())
        .await
        .unwrap();
    assert!(page.includes_last_item_in_range);
    assert!(
        matches!(page.items.as_slice(), [Item::Contact(c)] if c.display_name.as_deref() == Some("Two"))
    );
}

#[tokio::test]
async fn the_pager_reads_typed_items_one_page_at_a_time() {
    let server = FakeExchange::builder()
        .user(ALICE, "alice-pw", ALICE)
        .seed_items(ALICE, "tasks", exchange_testkit::SeedKind::Task, 25)
        .start()
        .await
        .unwrap();
    let alice = client(&server, 100);
    let mut pager = alice
        .items(&folder(DistinguishedFolder::Tasks), 10)
        .unwrap();
    let mut sizes = Vec::new();
    while let Some(page) = pager.next_typed_page().await.unwrap() {
        assert!(page.iter().all(|i| matches!(i, Item::Task(_))), "{page:?}");
        sizes.push(page.len());
    }
    assert_eq!(sizes, [10, 10, 5]);
    assert!(pager.is_done());
    assert_eq!(server.request_count("FindItem"), 3);
}
