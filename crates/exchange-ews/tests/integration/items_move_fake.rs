//! Moving and copying items through the client against the fake Exchange server: a moved
//! item has a new id and the old one is gone, a copy is an item of its own, properties and
//! attachments travel along, and unknown items or folders fail per entry. Every request
//! and answer exchanged validates against the EWS schema.

use std::sync::Arc;

use exchange_auth::{Basic, UserCredentials};
use exchange_ews::attachments::{
    Attachment, AttachmentShape, CreateAttachment, GetAttachment, NewAttachment, NewFileAttachment,
};
use exchange_ews::calendar::{SendMeetingCancellations, SendMeetingInvitationsOrCancellations};
use exchange_ews::client::CreateOptions;
use exchange_ews::items::{
    AffectedTaskOccurrences, BaseShape, ConflictResolution, CopyItems, DeleteType,
    DistinguishedPropertySet, ExtendedValue, FieldUpdate, FindItems, GetTypedItems, IndexedPage,
    ItemChange, ItemKind, ItemShape, MapiPropertyType, MessageDisposition, MoveItems, NewMessage,
    PropertyPath, Restriction,
};
use exchange_ews::{
    DistinguishedFolder, EwsClient, EwsError, ExchangeVersion, FolderTarget, Item, ItemId,
    ResponseCode,
};
use exchange_testkit::schema::SchemaValidator;
use exchange_testkit::FakeExchange;
use secrecy::SecretString;

const ALICE: &str = "alice@contoso.test";
const BOB: &str = "bob@contoso.test";
const CAROL: &str = "carol@contoso.test";

/// A fake with Alice and Bob, Bob a delegate of Alice's mailbox.
async fn fake() -> FakeExchange {
    FakeExchange::builder()
        .user(ALICE, "alice-pw", ALICE)
        .user(BOB, "bob-pw", BOB)
        .delegate(BOB, ALICE)
        .start()
        .await
        .expect("the fake starts")
}

fn client(server: &FakeExchange, user: &str, version: ExchangeVersion) -> EwsClient {
    let password = format!("{}-pw", user.split('@').next().unwrap_or_default());
    let basic = Basic::new(UserCredentials::new(user, SecretString::from(password))).unwrap();
    EwsClient::builder(&server.url())
        .auth(Arc::new(basic))
        .version(version)
        .batch_size(2)
        .build()
        .unwrap()
}

fn folder(f: DistinguishedFolder) -> FolderTarget {
    FolderTarget::Distinguished(f)
}

/// The extended property a stable key could live in.
fn stable_key() -> PropertyPath {
    PropertyPath::named(
        DistinguishedPropertySet::PublicStrings,
        "StableKey",
        MapiPropertyType::String,
    )
}

/// Saves drafts with these subjects, each with its subject as its stable key; their ids.
async fn drafts(client: &EwsClient, subjects: &[&str]) -> Vec<ItemId> {
    let options = CreateOptions {
        message_disposition: Some(MessageDisposition::SaveOnly),
        ..CreateOptions::default()
    };
    let items = subjects
        .iter()
        .map(|s| NewMessage::new(*s).to(BOB).into())
        .collect();
    let created: Vec<ItemId> = client
        .create_items(items, &options)
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.expect("created").expect("saved, so an id comes back"))
        .collect();
    let changes = created
        .iter()
        .zip(subjects)
        .map(|(id, subject)| {
            let key = FieldUpdate::set(stable_key(), *subject).unwrap();
            ItemChange::new(id.clone(), ItemKind::Message, vec![key]).unwrap()
        })
        .collect();
    client
        .update_items(
            changes,
            ConflictResolution::AlwaysOverwrite,
            Some(MessageDisposition::SaveOnly),
            SendMeetingInvitationsOrCancellations::SendToNone,
        )
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.expect("updated").id.expect("the new change key"))
        .collect()
}

/// The messages with these ids, with their stable key.
async fn messages(client: &EwsClient, ids: Vec<ItemId>) -> Vec<Result<Item, EwsError>> {
    let shape = ItemShape::new(BaseShape::AllProperties).with(stable_key());
    client
        .execute(&GetTypedItems::new(ids, shape).unwrap())
        .await
        .unwrap()
}

fn message(item: &Result<Item, EwsError>) -> &exchange_ews::items::Message {
    match item {
        Ok(Item::Message(m)) => m,
        other => panic!("not a message: {other:?}"),
    }
}

fn key_of(m: &exchange_ews::items::Message) -> Option<&ExtendedValue> {
    m.extended_properties
        .iter()
        .find(|p| p.path == stable_key())
        .map(|p| &p.value)
}

async fn folder_id(client: &EwsClient, target: FolderTarget) -> String {
    client.get_folders(&[target]).await.unwrap().remove(0).id.id
}

/// Validates every request the fake received and every SOAP answer it gave (faults aside)
/// against the EWS schema; `operations` must each have been exchanged.
fn validate_exchanged(server: &FakeExchange, operations: &[&str]) {
    let logged = server.logged_requests();
    for operation in operations {
        assert!(
            logged
                .iter()
                .any(|l| l.operation.as_deref() == Some(*operation)),
            "no {operation} was sent"
        );
    }
    let Some(validator) = SchemaValidator::find() else {
        return;
    };
    let mut docs = Vec::new();
    for (i, entry) in logged.iter().enumerate() {
        let operation = entry.operation.as_deref().unwrap_or("?");
        docs.push((format!("request {i} ({operation})"), &entry.request_body));
        if entry.is_soap() && !entry.response_body.contains("<s:Fault>") {
            docs.push((format!("answer {i} ({operation})"), &entry.response_body));
        }
    }
    let verdicts = validator.validate_envelopes(docs.iter().map(|(n, d)| (n.as_str(), d.as_str())));
    let failures: Vec<_> = verdicts.iter().filter(|v| !v.is_valid()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[tokio::test]
async fn a_moved_item_has_a_new_id_in_its_new_folder_and_the_old_id_is_gone() {
    let server = fake().await;
    let alice = client(&server, ALICE, ExchangeVersion::Exchange2016);
    let old = drafts(&alice, &["One", "Two", "Three"]).await;
    assert_eq!(server.item_count(ALICE, "drafts"), 3);

    let before = server.request_count("MoveItem");
    let moved = alice
        .move_items(old.clone(), &folder(DistinguishedFolder::Inbox))
        .await
        .unwrap();
    // Three ids in batches of two: two requests, one result per id in order.
    assert_eq!(server.request_count("MoveItem") - before, 2);
    let new: Vec<ItemId> = moved
        .into_iter()
        .map(|r| r.unwrap().expect("the new id is returned"))
        .collect();
    for (old, new) in old.iter().zip(&new) {
        assert_ne!(old.id, new.id, "a moved item has a new id");
        assert_ne!(old.change_key, new.change_key, "and a new change key");
    }
    assert_eq!(server.item_count(ALICE, "drafts"), 0);
    assert_eq!(server.subjects(ALICE, "inbox"), ["One", "Two", "Three"]);

    let inbox = folder_id(&alice, folder(DistinguishedFolder::Inbox)).await;
    for (item, subject) in messages(&alice, new.clone())
        .await
        .iter()
        .zip(["One", "Two", "Three"])
    {
        let m = message(item);
        assert_eq!(m.subject.as_deref(), Some(subject));
        assert_eq!(m.parent_folder_id.as_ref().unwrap().id, inbox);
        // What a stable key would be kept in survives the move.
        assert_eq!(key_of(m), Some(&ExtendedValue::Single(subject.into())));
    }
    for gone in messages(&alice, old.clone()).await {
        assert!(gone.unwrap_err().is_not_found());
    }
    // The new id works for the next write; the old one does not.
    let again = alice
        .move_items(
            vec![new[0].clone(), old[0].clone()],
            &folder(DistinguishedFolder::Drafts),
        )
        .await
        .unwrap();
    assert!(matches!(again[0], Ok(Some(_))), "{again:?}");
    assert!(again[1].as_ref().unwrap_err().is_not_found(), "{again:?}");
    assert_eq!(server.subjects(ALICE, "drafts"), ["One"]);
    validate_exchanged(&server, &["MoveItem", "GetItem"]);
}

#[tokio::test]
async fn a_copy_is_a_new_item_with_the_attachments_and_the_original_stays() {
    let server = fake().await;
    let alice = client(&server, ALICE, ExchangeVersion::Exchange2016);
    let original = drafts(&alice, &["Report"]).await.remove(0);
    let bytes: Vec<u8> = (0..=255u8).cycle().take(3000).collect();
    let file = NewFileAttachment {
        name: "report.bin".into(),
        content: bytes.clone(),
        ..NewFileAttachment::default()
    };
    alice
        .execute(&CreateAttachment::new(original.clone(), vec![NewAttachment::File(file)]).unwrap())
        .await
        .unwrap()
        .remove(0)
        .unwrap();

    let copies = alice
        .copy_items(
            vec![ItemId::new(original.id.clone())],
            &folder(DistinguishedFolder::Inbox),
        )
        .await
        .unwrap();
    let copy = copies[0]
        .clone()
        .unwrap()
        .expect("the copy's id is returned");
    assert_ne!(copy.id, original.id);
    assert_eq!(server.subjects(ALICE, "drafts"), ["Report"]);
    assert_eq!(server.subjects(ALICE, "inbox"), ["Report"]);

    let read = messages(&alice, vec![ItemId::new(original.id.clone()), copy.clone()]).await;
    let (first, second) = (message(&read[0]), message(&read[1]));
    assert_ne!(first.parent_folder_id, second.parent_folder_id);
    assert_eq!(key_of(first), key_of(second));
    assert!(key_of(second).is_some());
    assert_eq!((first.attachments.len(), second.attachments.len()), (1, 1));
    let copied_attachment = second.attachments[0].id.clone().unwrap();
    assert_ne!(first.attachments[0].id.as_ref(), Some(&copied_attachment));
    let content = alice
        .execute(&GetAttachment::new(vec![copied_attachment], AttachmentShape::default()).unwrap())
        .await
        .unwrap()
        .remove(0)
        .unwrap();
    match content {
        Attachment::File { name, content, .. } => {
            assert_eq!(name.as_deref(), Some("report.bin"));
            assert_eq!(content.as_deref(), Some(bytes.as_slice()));
        }
        other => panic!("{other:?}"),
    }

    // The two are separate items: deleting the copy leaves the original.
    alice
        .delete_items(
            vec![copy],
            DeleteType::HardDelete,
            SendMeetingCancellations::SendToNone,
            AffectedTaskOccurrences::AllOccurrences,
        )
        .await
        .unwrap()
        .remove(0)
        .unwrap();
    assert_eq!(server.item_count(ALICE, "inbox"), 0);
    assert!(messages(&alice, vec![original]).await[0].is_ok());
    validate_exchanged(&server, &["CopyItem", "GetAttachment"]);
}

#[tokio::test]
async fn unknown_ids_fail_per_entry_and_the_others_are_moved_or_copied() {
    let server = fake().await;
    let alice = client(&server, ALICE, ExchangeVersion::Exchange2013Sp1);
    let ids = drafts(&alice, &["Kept", "Deleted"]).await;
    alice
        .delete_items(
            vec![ids[1].clone()],
            DeleteType::HardDelete,
            SendMeetingCancellations::SendToNone,
            AffectedTaskOccurrences::AllOccurrences,
        )
        .await
        .unwrap()
        .remove(0)
        .unwrap();
    let entries = vec![
        ItemId::new("AAMkNotAnIdOfThisServer="),
        ids[0].clone(),
        ids[1].clone(),
    ];
    let copied = alice
        .copy_items(entries.clone(), &folder(DistinguishedFolder::Inbox))
        .await
        .unwrap();
    assert_eq!(copied.len(), 3);
    assert_eq!(
        copied[0].as_ref().unwrap_err().response_code(),
        Some(&ResponseCode::ErrorInvalidIdMalformed),
        "{copied:?}"
    );
    assert!(matches!(copied[1], Ok(Some(_))), "{copied:?}");
    assert!(copied[2].as_ref().unwrap_err().is_not_found(), "{copied:?}");
    assert_eq!(server.subjects(ALICE, "inbox"), ["Kept"]);

    let moved = alice
        .move_items(entries, &folder(DistinguishedFolder::JunkEmail))
        .await
        .unwrap();
    assert!(moved[0].is_err() && moved[2].as_ref().unwrap_err().is_not_found());
    assert!(matches!(moved[1], Ok(Some(_))), "{moved:?}");
    assert_eq!(server.subjects(ALICE, "junkemail"), ["Kept"]);
    assert_eq!(server.item_count(ALICE, "drafts"), 0);
    validate_exchanged(&server, &["MoveItem", "CopyItem"]);
}

#[tokio::test]
async fn a_move_to_a_folder_that_does_not_exist_fails_for_every_item() {
    // A folder id of a mailbox that only the other server has: well-formed, but here it
    // names no folder.
    let other = FakeExchange::builder()
        .user(ALICE, "alice-pw", ALICE)
        .user(BOB, "bob-pw", BOB)
        .user(CAROL, "carol-pw", CAROL)
        .start()
        .await
        .unwrap();
    let carol = client(&other, CAROL, ExchangeVersion::Exchange2016);
    let elsewhere = folder_id(&carol, folder(DistinguishedFolder::Inbox)).await;
    other.shutdown().await;

    let server = fake().await;
    let alice = client(&server, ALICE, ExchangeVersion::Exchange2016);
    let ids = drafts(&alice, &["Stays", "Stays too", "And this"]).await;
    let nowhere = FolderTarget::Id(elsewhere);
    let moved = alice.move_items(ids.clone(), &nowhere).await.unwrap();
    assert_eq!(moved.len(), 3);
    for entry in &moved {
        assert_eq!(
            entry.as_ref().unwrap_err().response_code(),
            Some(&ResponseCode::ErrorToFolderNotFound),
            "{moved:?}"
        );
    }
    let copied = alice.copy_items(ids.clone(), &nowhere).await.unwrap();
    assert!(copied.iter().all(|e| matches!(
        e.as_ref().unwrap_err().response_code(),
        Some(ResponseCode::ErrorToFolderNotFound)
    )));
    // An id the server never handed out, and a mailbox that does not exist.
    let malformed = alice
        .move_items(ids.clone(), &FolderTarget::Id("AQMkNoSuchFolder==".into()))
        .await
        .unwrap();
    assert!(malformed.iter().all(|e| matches!(
        e.as_ref().unwrap_err().response_code(),
        Some(ResponseCode::ErrorInvalidIdMalformed)
    )));
    let no_mailbox =
        FolderTarget::DistinguishedOf(DistinguishedFolder::Inbox, "nobody@contoso.test".into());
    let refused = alice.move_items(ids.clone(), &no_mailbox).await.unwrap();
    assert!(refused.iter().all(|e| matches!(
        e.as_ref().unwrap_err().response_code(),
        Some(ResponseCode::ErrorNonExistentMailbox)
    )));
    // Nothing moved, and the ids still work.
    assert_eq!(server.item_count(ALICE, "drafts"), 3);
    assert!(messages(&alice, ids).await.iter().all(Result::is_ok));
    validate_exchanged(&server, &["MoveItem", "CopyItem"]);
}

#[tokio::test]
async fn new_ids_come_back_as_the_version_and_the_mailbox_allow() {
    let server = fake().await;
    // Exchange 2007 SP1 is not told `ReturnNewItemIds`, and gets the new ids all the same.
    let old_client = client(&server, ALICE, ExchangeVersion::Exchange2007Sp1);
    let ids = drafts(&old_client, &["A", "B", "C"]).await;
    let moved = old_client
        .move_items(vec![ids[0].clone()], &folder(DistinguishedFolder::Inbox))
        .await
        .unwrap();
    assert!(matches!(moved.as_slice(), [Ok(Some(_))]), "{moved:?}");
    let logged = server.logged_requests();
    let request = &logged.last().unwrap().request_body;
    assert!(request.contains("Exchange2007_SP1") && !request.contains("ReturnNewItemIds"));

    // Told not to return them, the server does not.
    let alice = client(&server, ALICE, ExchangeVersion::Exchange2010Sp1);
    let quiet = MoveItems::new(vec![ids[1].clone()], folder(DistinguishedFolder::Inbox))
        .unwrap()
        .return_new_ids(false);
    let moved = alice.execute(&quiet).await.unwrap();
    assert!(matches!(moved.as_slice(), [Ok(None)]), "{moved:?}");
    assert_eq!(server.item_count(ALICE, "inbox"), 2);

    // Into another mailbox (Bob is Alice's delegate), no id comes back.
    let bob = client(&server, BOB, ExchangeVersion::Exchange2016);
    let alices_inbox = FolderTarget::DistinguishedOf(DistinguishedFolder::Inbox, ALICE.into());
    let own = drafts(&bob, &["From Bob"]).await;
    let copied = bob
        .execute(&CopyItems::new(own.clone(), alices_inbox).unwrap())
        .await
        .unwrap();
    assert!(matches!(copied.as_slice(), [Ok(None)]), "{copied:?}");
    assert_eq!(server.subjects(ALICE, "inbox"), ["A", "B", "From Bob"]);
    assert_eq!(server.subjects(BOB, "drafts"), ["From Bob"]);
    // Alice may not open Bob's mailbox: her move there is refused.
    let bobs_inbox = FolderTarget::DistinguishedOf(DistinguishedFolder::Inbox, BOB.into());
    let refused = alice
        .move_items(vec![ids[2].clone()], &bobs_inbox)
        .await
        .unwrap();
    assert_eq!(
        refused[0].as_ref().unwrap_err().response_code(),
        Some(&ResponseCode::ErrorAccessDenied)
    );
    validate_exchanged(&server, &["MoveItem", "CopyItem"]);
}

/// The ids (without change keys) of the items of `target` whose stable key is `key`.
async fn found_by_key(client: &EwsClient, target: DistinguishedFolder, key: &str) -> Vec<String> {
    let request = FindItems::new(folder(target), IndexedPage::new(10, 0).unwrap())
        .unwrap()
        .with_restriction(Restriction::is_equal_to(stable_key(), key))
        .unwrap();
    client
        .execute(&request)
        .await
        .unwrap()
        .items
        .into_iter()
        .map(|item| item.id.id)
        .collect()
}

#[tokio::test]
async fn an_item_is_found_by_its_stable_key_after_an_update_and_a_move() {
    let server = fake().await;
    let alice = client(&server, ALICE, ExchangeVersion::Exchange2016);
    let created = drafts(&alice, &["Keyed", "Other"]).await;
    let keyed = created[0].clone();
    assert_eq!(
        found_by_key(&alice, DistinguishedFolder::Drafts, "Keyed").await,
        std::slice::from_ref(&keyed.id)
    );

    // An update keeps the key.
    let rename = FieldUpdate::set(PropertyPath::field("item:Subject"), "Renamed").unwrap();
    let change = ItemChange::new(keyed.clone(), ItemKind::Message, vec![rename]).unwrap();
    let updated = alice
        .update_items(
            vec![change],
            ConflictResolution::AlwaysOverwrite,
            Some(MessageDisposition::SaveOnly),
            SendMeetingInvitationsOrCancellations::SendToNone,
        )
        .await
        .unwrap()
        .remove(0)
        .expect("updated")
        .id
        .expect("the new change key");

    // A move gives a new id; the key finds the item under it, in its new folder only.
    let moved = alice
        .move_items(vec![updated], &folder(DistinguishedFolder::Inbox))
        .await
        .unwrap()
        .remove(0)
        .unwrap()
        .expect("the new id");
    assert_ne!(moved.id, keyed.id);
    assert_eq!(
        found_by_key(&alice, DistinguishedFolder::Inbox, "Keyed").await,
        std::slice::from_ref(&moved.id)
    );
    assert!(found_by_key(&alice, DistinguishedFolder::Drafts, "Keyed")
        .await
        .is_empty());
    let read = messages(&alice, vec![moved]).await;
    assert_eq!(message(&read[0]).subject.as_deref(), Some("Renamed"));
    validate_exchanged(&server, &["FindItem", "UpdateItem", "MoveItem"]);
}

/// `PR_SEARCH_KEY` by its tag.
fn search_key() -> PropertyPath {
    PropertyPath::tagged(0x300B, MapiPropertyType::Binary)
}

/// The search key of each item, base64 as the response carries it.
async fn search_keys(client: &EwsClient, ids: Vec<ItemId>) -> Vec<String> {
    let shape = ItemShape::new(BaseShape::IdOnly).with(search_key());
    let items = client
        .execute(&GetTypedItems::new(ids, shape).unwrap())
        .await
        .unwrap();
    items
        .iter()
        .map(|item| {
            let m = message(item);
            match m
                .extended_properties
                .iter()
                .find(|p| p.path == search_key())
            {
                Some(p) => match &p.value {
                    ExtendedValue::Single(value) => value.clone(),
                    other => panic!("{other:?}"),
                },
                None => panic!("no search key: {m:?}"),
            }
        })
        .collect()
}

#[tokio::test]
async fn the_search_key_follows_moves_and_copies_and_finds_the_items() {
    let server = fake().await;
    let alice = client(&server, ALICE, ExchangeVersion::Exchange2016);
    let ids = drafts(&alice, &["First", "Second"]).await;
    let keys = search_keys(&alice, ids.clone()).await;
    assert_ne!(keys[0], keys[1]);

    let moved = alice
        .move_items(vec![ids[0].clone()], &folder(DistinguishedFolder::Inbox))
        .await
        .unwrap()
        .remove(0)
        .unwrap()
        .expect("the new id");
    let copy = alice
        .copy_items(vec![moved.clone()], &folder(DistinguishedFolder::Drafts))
        .await
        .unwrap()
        .remove(0)
        .unwrap()
        .expect("the copy's id");
    assert_eq!(
        search_keys(&alice, vec![moved.clone(), copy.clone()]).await,
        [keys[0].clone(), keys[0].clone()],
        "a move and a copy keep the search key"
    );

    let by_key = |f: DistinguishedFolder, key: &str| {
        FindItems::new(folder(f), IndexedPage::new(10, 0).unwrap())
            .unwrap()
            .with_restriction(Restriction::is_equal_to(search_key(), key))
            .unwrap()
    };
    let found = |page: exchange_ews::items::ItemPage| -> Vec<String> {
        page.items.into_iter().map(|i| i.id.id).collect()
    };
    let inbox = alice
        .execute(&by_key(DistinguishedFolder::Inbox, &keys[0]))
        .await
        .unwrap();
    assert_eq!(found(inbox), std::slice::from_ref(&moved.id));
    let drafts_found = alice
        .execute(&by_key(DistinguishedFolder::Drafts, &keys[0]))
        .await
        .unwrap();
    assert_eq!(found(drafts_found), std::slice::from_ref(&copy.id));
    let others = alice
        .execute(
            &FindItems::new(
                folder(DistinguishedFolder::Drafts),
                IndexedPage::new(10, 0).unwrap(),
            )
            .unwrap()
            .with_restriction(Restriction::is_not_equal_to(search_key(), keys[0].as_str()))
            .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(found(others), [ids[1].id.clone()]);
    validate_exchanged(&server, &["MoveItem", "CopyItem", "FindItem", "GetItem"]);
}

#[tokio::test]
async fn an_update_with_a_stale_change_key_is_refused_and_changes_nothing() {
    let server = fake().await;
    let alice = client(&server, ALICE, ExchangeVersion::Exchange2016);
    let created = drafts(&alice, &["Before"]).await.remove(0);
    let update = |id: ItemId, subject: &str| {
        let set = FieldUpdate::set(PropertyPath::field("item:Subject"), subject).unwrap();
        ItemChange::new(id, ItemKind::Message, vec![set]).unwrap()
    };
    let fresh = alice
        .update_items(
            vec![update(created.clone(), "Now")],
            ConflictResolution::NeverOverwrite,
            Some(MessageDisposition::SaveOnly),
            SendMeetingInvitationsOrCancellations::SendToNone,
        )
        .await
        .unwrap()
        .remove(0)
        .expect("updated")
        .id
        .expect("the new change key");
    assert_eq!(fresh.id, created.id);
    assert_ne!(fresh.change_key, created.change_key);

    let before = server.request_count("UpdateItem");
    let refused = alice
        .update_items(
            vec![update(created.clone(), "Stale")],
            ConflictResolution::NeverOverwrite,
            Some(MessageDisposition::SaveOnly),
            SendMeetingInvitationsOrCancellations::SendToNone,
        )
        .await
        .unwrap()
        .remove(0)
        .unwrap_err();
    assert_eq!(
        refused.response_code(),
        Some(&ResponseCode::from("ErrorIrresolvableConflict")),
        "{refused}"
    );
    assert_eq!(
        server.request_count("UpdateItem"),
        before + 1,
        "it was sent"
    );
    let read = messages(&alice, vec![fresh.clone()]).await;
    assert_eq!(message(&read[0]).subject.as_deref(), Some("Now"));
    assert_eq!(
        message(&read[0]).id.change_key,
        fresh.change_key,
        "nothing changed"
    );
    validate_exchanged(&server, &["UpdateItem"]);
}
