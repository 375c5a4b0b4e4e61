//! Items and attachments written through the client against a fake endpoint: ids read in
//! order, update conflicts as typed errors, and attachments round trip.

use crate::{common, writes_support};

use std::sync::Mutex;

use chrono::{TimeZone, Utc};
use common::client_for;
use exchange_ews::attachments::{
    Attachment, AttachmentShape, CreateAttachment, DeleteAttachment, GetAttachment, NewAttachment,
    NewFileAttachment,
};
use exchange_ews::calendar::{NewCalendarItem, SendMeetingInvitationsOrCancellations};
use exchange_ews::client::CreateOptions;
use exchange_ews::items::{
    ConflictResolution, FieldUpdate, ItemChange, ItemKind, MessageDisposition, NewItem,
};
use exchange_ews::{ItemId, ResponseCode};
use wiremock::matchers::{body_string_contains, method};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};
use writes_support::{error, messages, ok, xml};

#[tokio::test]
async fn creates_items_and_reads_their_ids_in_order() {
    let server = MockServer::start().await;
    let created: Vec<String> = (0..3)
        .map(|i| ok("CreateItem", &format!(r#"<m:Items><t:CalendarItem><t:ItemId Id="C{i}" ChangeKey="K"/></t:CalendarItem></m:Items>"#)))
        .collect();
    Mock::given(method("POST"))
        .and(body_string_contains("<m:CreateItem"))
        .respond_with(xml(messages("CreateItem", &created)))
        .mount(&server)
        .await;
    let start = Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap();
    let items: Vec<NewItem> = (0..3)
        .map(|i| NewCalendarItem::new(format!("S{i}"), start, start).into())
        .collect();
    let ids = client_for(&server)
        .create_items(items, &CreateOptions::default())
        .await
        .unwrap();
    let ids: Vec<String> = ids.into_iter().map(|r| r.unwrap().unwrap().id).collect();
    assert_eq!(ids, ["C0", "C1", "C2"]);
}

#[tokio::test]
async fn an_update_conflict_is_a_typed_error() {
    let server = MockServer::start().await;
    let answers = [
        ok(
            "UpdateItem",
            r#"<m:Items><t:Message><t:ItemId Id="U0" ChangeKey="NEW"/></t:Message></m:Items><m:ConflictResults><m:Count>1</m:Count></m:ConflictResults>"#,
        ),
        error("UpdateItem", "ErrorIrresolvableConflict"),
    ];
    Mock::given(method("POST"))
        .and(body_string_contains(
            "ConflictResolution=\"NeverOverwrite\"",
        ))
        .respond_with(xml(messages("UpdateItem", &answers)))
        .mount(&server)
        .await;
    let changes: Vec<ItemChange> = ["U0", "U1"]
        .iter()
        .map(|id| {
            ItemChange::new(
                ItemId::new(*id).with_change_key("OLD"),
                ItemKind::Message,
                vec![FieldUpdate::set("message:IsRead", true).unwrap()],
            )
            .unwrap()
        })
        .collect();
    let results = client_for(&server)
        .update_items(
            changes,
            ConflictResolution::NeverOverwrite,
            Some(MessageDisposition::SaveOnly),
            SendMeetingInvitationsOrCancellations::SendToNone,
        )
        .await
        .unwrap();
    let first = results[0].as_ref().unwrap();
    assert_eq!(first.id, Some(ItemId::new("U0").with_change_key("NEW")));
    assert_eq!(first.conflict_count, 1);
    assert_eq!(
        results[1].as_ref().unwrap_err().response_code(),
        Some(&ResponseCode::ErrorIrresolvableConflict)
    );
}

/// Keeps the content of the last created attachment and answers `GetAttachment` with it.
struct AttachmentStore {
    content: Mutex<Option<String>>,
}

impl Respond for AttachmentStore {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body = String::from_utf8_lossy(&request.body);
        let mut stored = self.content.lock().unwrap();
        if body.contains("<m:CreateAttachment>") {
            let start = body.find("<t:Content>").unwrap() + "<t:Content>".len();
            let end = body.find("</t:Content>").unwrap();
            *stored = Some(body[start..end].to_owned());
            let inner = r#"<m:Attachments><t:FileAttachment><t:AttachmentId Id="AT1" RootItemId="P" RootItemChangeKey="K2"/></t:FileAttachment></m:Attachments>"#;
            xml(messages(
                "CreateAttachment",
                &[ok("CreateAttachment", inner)],
            ))
        } else if body.contains("<m:GetAttachment>") {
            let content = stored.clone().unwrap_or_default();
            let inner = format!(
                r#"<m:Attachments><t:FileAttachment><t:AttachmentId Id="AT1"/><t:Name>data.bin</t:Name><t:Content>{content}</t:Content></t:FileAttachment></m:Attachments>"#
            );
            xml(messages("GetAttachment", &[ok("GetAttachment", &inner)]))
        } else {
            *stored = None;
            let inner = r#"<m:RootItemId RootItemId="P" RootItemChangeKey="K3"/>"#;
            xml(messages(
                "DeleteAttachment",
                &[ok("DeleteAttachment", inner)],
            ))
        }
    }
}

#[tokio::test]
async fn attachments_round_trip() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(AttachmentStore {
            content: Mutex::new(None),
        })
        .mount(&server)
        .await;
    let client = client_for(&server);
    let bytes: Vec<u8> = (0..=255).collect();
    let create = CreateAttachment::new(
        ItemId::new("P").with_change_key("K1"),
        vec![NewAttachment::File(NewFileAttachment {
            name: "data.bin".into(),
            content: bytes.clone(),
            ..NewFileAttachment::default()
        })],
    )
    .unwrap();
    let created = client.execute(&create).await.unwrap();
    let id = created[0].as_ref().unwrap();
    assert_eq!(id.root_item, Some(ItemId::new("P").with_change_key("K2")));
    let get = GetAttachment::new(vec![id.id.clone()], AttachmentShape::default()).unwrap();
    let read = client.execute(&get).await.unwrap();
    match read[0].as_ref().unwrap() {
        Attachment::File { content, name, .. } => {
            assert_eq!(content.as_deref(), Some(&bytes[..]));
            assert_eq!(name.as_deref(), Some("data.bin"));
        }
        other => panic!("{other:?}"),
    }
    let delete = DeleteAttachment::new(vec![id.id.clone()]).unwrap();
    let root = client.execute(&delete).await.unwrap();
    assert_eq!(
        root[0].as_ref().unwrap(),
        &ItemId::new("P").with_change_key("K3")
    );
}
