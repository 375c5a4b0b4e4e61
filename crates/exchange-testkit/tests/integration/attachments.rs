//! `CreateAttachment`, `GetAttachment` and `DeleteAttachment`: file and item attachments,
//! the parent's `HasAttachments` and change key, limits and hostile ids.

use crate::support;

use exchange_testkit::{FakeExchange, Fault};
use support::*;

#[tokio::test]
async fn file_attachments_round_trip_and_follow_the_parent() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let (id, key) = create_one(&alice, message("With files", None, &[])).await;
    let files = [
        file_attachment("hello.txt", "aGVsbG8gd29ybGQ=", None),
        file_attachment("logo.png", "iVBORw0KGgo=", Some("logo@contoso.test")),
    ];
    let (status, created) = alice.call(&create_attachments(&id, &files)).await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(codes(&created), ["NoError", "NoError"]);
    let ids = attachment_ids(&created);
    assert_eq!(ids.len(), 2);
    let roots: Vec<_> = nodes(&created)
        .into_iter()
        .filter(|n| n.name == "AttachmentId")
        .map(|n| {
            (
                n.attr("RootItemId").unwrap().to_owned(),
                n.attr("RootItemChangeKey").unwrap().to_owned(),
            )
        })
        .collect();
    assert!(roots.iter().all(|(root, _)| *root == id));
    assert_ne!(roots[0].1, key, "the parent changes");
    assert_ne!(roots[0].1, roots[1].1);

    let (_, got) = alice.call(&get_paths(&[&id], "Default", "")).await;
    assert_eq!(texts(&got, T, "HasAttachments"), ["true"]);
    assert_eq!(texts(&got, T, "Name"), ["hello.txt", "logo.png"]);
    assert!(
        texts(&got, T, "Content").is_empty(),
        "GetItem sends no content"
    );
    assert_eq!(item_ids(&got)[0].1, roots[1].1);

    let (_, contents) = alice
        .call(&get_attachments(&[&ids[0], &ids[1]], None))
        .await;
    assert_eq!(codes(&contents), ["NoError", "NoError"]);
    assert_eq!(
        texts(&contents, T, "Content"),
        ["aGVsbG8gd29ybGQ=", "iVBORw0KGgo="]
    );
    assert_eq!(texts(&contents, T, "Size"), ["11", "8"]);
    assert_eq!(texts(&contents, T, "ContentId"), ["logo@contoso.test"]);
    assert_eq!(texts(&contents, T, "IsInline"), ["false", "true"]);

    let (_, deleted) = alice.call(&delete_attachments(&[&ids[0]])).await;
    assert_eq!(codes(&deleted), ["NoError"]);
    let root = first(&deleted, M, "RootItemId").unwrap();
    assert_eq!(root.attr("RootItemId"), Some(id.as_str()));
    let (_, again) = alice.call(&get_attachments(&[&ids[0]], None)).await;
    assert_eq!(codes(&again), ["ErrorItemNotFound"]);
    let (_, last) = alice.call(&delete_attachments(&[&ids[1]])).await;
    assert_eq!(codes(&last), ["NoError"]);
    let (_, got) = alice.call(&get_paths(&[&id], "Default", "")).await;
    assert_eq!(texts(&got, T, "HasAttachments"), ["false"]);
    assert!(first(&got, T, "Attachments").is_none());
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn item_attachments_hold_whole_items() {
    let server = start().await;
    let alice = Client::new(&server, ALICE);
    let (id, _) = create_one(&alice, message("With files", None, &[])).await;
    let attached = format!(
        "<t:ItemAttachment><t:Name>Ann's card</t:Name>{}</t:ItemAttachment>",
        contact("Ann")
    );
    let empty = "<t:ItemAttachment><t:Name>Nothing</t:Name></t:ItemAttachment>".to_owned();
    let (_, created) = alice
        .call(&create_attachments(&id, &[attached, empty]))
        .await;
    assert_eq!(
        codes(&created),
        ["NoError", "ErrorMissingItemForCreateItemAttachment"]
    );
    let ids = attachment_ids(&created);
    let (_, got) = alice.call(&get_attachments(&[&ids[0]], Some("Text"))).await;
    assert_eq!(codes(&got), ["NoError"]);
    assert!(first(&got, T, "ItemAttachment").is_some());
    assert_eq!(texts(&got, T, "GivenName"), ["Ann"]);
    assert_eq!(texts(&got, T, "ContentType"), ["message/rfc822"]);
    let (_, parent) = alice.call(&get_paths(&[&id], "AllProperties", "")).await;
    assert_eq!(texts(&parent, T, "Name"), ["Ann's card"]);
    assert!(texts(&parent, T, "GivenName").is_empty());
    validate(&server, &alice.sent(), 0);
}

#[tokio::test]
async fn hostile_attachment_requests_get_ews_errors() {
    let server = FakeExchange::builder()
        .user(ALICE.login, ALICE.password, ALICE.smtp)
        .user(CAROL.login, CAROL.password, CAROL.smtp)
        .max_attachment_bytes(1024)
        .start()
        .await
        .expect("the fake starts");
    let alice = Client::new(&server, ALICE);
    let carol = Client::new(&server, CAROL);
    let (id, _) = create_one(&alice, message("With files", None, &[])).await;
    let big = "QUFB".repeat(400); // 1200 bytes decoded
    let (_, refused) = alice
        .call(&create_attachments(
            &id,
            &[file_attachment("big.bin", &big, None)],
        ))
        .await;
    assert_eq!(codes(&refused), ["ErrorAttachmentSizeLimitExceeded"]);

    let (status, bad) = alice
        .call_raw(create_attachments(
            &id,
            &[file_attachment("bad", "%%%notbase64", None)],
        ))
        .await;
    assert_eq!(status, 500);
    assert_eq!(fault_code(&bad).as_deref(), Some("a:ErrorSchemaValidation"));

    let (_, created) = alice
        .call(&create_attachments(
            &id,
            &[file_attachment("a.txt", "YQ==", None)],
        ))
        .await;
    let attachment = attachment_ids(&created).remove(0);
    let (_, denied) = carol.call(&get_attachments(&[&attachment], None)).await;
    assert_eq!(codes(&denied), ["ErrorAccessDenied"]);
    let (_, denied) = carol.call(&delete_attachments(&[&attachment])).await;
    assert_eq!(codes(&denied), ["ErrorAccessDenied"]);
    let (_, denied) = carol
        .call(&create_attachments(
            &id,
            &[file_attachment("x", "YQ==", None)],
        ))
        .await;
    assert_eq!(codes(&denied), ["ErrorAccessDenied"]);
    let (_, malformed) = alice
        .call(&get_attachments(
            &["AAMkADk=", &id, &"Q".repeat(4000)],
            None,
        ))
        .await;
    assert_eq!(
        codes(&malformed),
        [
            "ErrorInvalidIdMalformed",
            "ErrorInvalidIdMalformed",
            "ErrorInvalidIdMalformed"
        ]
    );

    // Throttling applies to the attachment operations too.
    server.inject(Fault::server_busy_response(100));
    let (_, busy) = alice.call(&get_attachments(&[&attachment], None)).await;
    assert_eq!(codes(&busy), ["ErrorServerBusy"]);
    server.inject(Fault::ServerBusyFault { back_off_ms: 100 });
    let (status, _) = alice.call(&delete_attachments(&[&attachment])).await;
    assert_eq!(status, 500);
    let (_, still) = alice.call(&get_attachments(&[&attachment], None)).await;
    assert_eq!(texts(&still, T, "Content"), ["YQ=="]);
    let mut requests = alice.sent();
    requests.extend(carol.sent());
    validate(&server, &requests, 0);
}
