//! Every write request the crate makes (create, update, delete, move and copy items; create,
//! get and delete attachments) validates against Microsoft's EWS schema, for every version.

use chrono::{Duration, TimeZone, Utc};
use exchange_ews::attachments::{
    AttachmentShape, CreateAttachment, DeleteAttachment, GetAttachment, NewAttachment,
    NewFileAttachment,
};
use exchange_ews::calendar::{
    NewCalendarItem, SendMeetingCancellations, SendMeetingInvitations,
    SendMeetingInvitationsOrCancellations,
};
use exchange_ews::items::{
    AffectedTaskOccurrences, Body, BodyFormat, ConflictResolution, CopyItems, CreateItems,
    DeleteItems, DeleteType, FieldUpdate, ItemChange, ItemKind, MessageDisposition, MoveItems,
    NewContact, NewItem, NewMessage, NewNote, NewTask, PropertyPath, UpdateItems,
};
use exchange_ews::{DistinguishedFolder, ExchangeVersion, FolderTarget, ItemId};
use exchange_testkit::schema::SchemaValidator;
use writes_cases::{updates, HOSTILE};

use crate::writes_cases;

/// Hostile text without the control characters names may not hold.
const HOSTILE_NAME: &str =
    "Q3 <review> & \"budget\" 'draft' ]]> \u{e9}t\u{e9} \u{5317}\u{4eac} \u{1F4C5}";

fn new_item() -> NewItem {
    let start = Utc.with_ymd_and_hms(2024, 5, 1, 8, 0, 0).unwrap();
    NewCalendarItem::new(HOSTILE, start, start + Duration::minutes(30))
        .with_location(HOSTILE)
        .with_body(Body::html(format!("<p>{HOSTILE}</p>")))
        .into()
}

fn ids() -> Vec<ItemId> {
    vec![
        ItemId::new("AAMkAGI2=").with_change_key("DwAAABYA"),
        ItemId::new("AAMk<&>\"'\u{e9}"),
    ]
}

fn envelopes() -> Vec<(String, String)> {
    let folders = [
        FolderTarget::Distinguished(DistinguishedFolder::Calendar),
        FolderTarget::DistinguishedOf(DistinguishedFolder::Calendar, "bob@contoso.test".into()),
        FolderTarget::Id("AQMkADRiZGNh&<>\"'==".into()),
    ];
    let mut docs = Vec::new();
    for version in ExchangeVersion::ALL {
        let mut add = |name: String, xml: String| docs.push((format!("{version}/{name}"), xml));
        for (f, folder) in folders.iter().enumerate() {
            let request = CreateItems::new(vec![new_item(), new_item()])
                .unwrap()
                .saved_in(folder.clone())
                .message_disposition(MessageDisposition::SaveOnly)
                .meeting_invitations(SendMeetingInvitations::SendOnlyToAll);
            add(
                format!("CreateItems folder#{f}"),
                request.checked_envelope(version).unwrap(),
            );
        }
        let mixed = CreateItems::new(vec![
            new_item(),
            NewContact::new(HOSTILE_NAME).into(),
            NewTask::new(HOSTILE).into(),
            NewMessage::new(HOSTILE).into(),
            NewNote::new(HOSTILE_NAME, HOSTILE).into(),
        ])
        .unwrap()
        .message_disposition(MessageDisposition::SaveOnly);
        add(
            "CreateItems mixed".into(),
            mixed.checked_envelope(version).unwrap(),
        );
        let bare = CreateItems::new(vec![new_item()]).unwrap();
        add(
            "CreateItems bare".into(),
            bare.checked_envelope(version).unwrap(),
        );
        let mut written = 0;
        for (i, (kind, update)) in updates().into_iter().enumerate() {
            let change = ItemChange::new(ids()[i % 2].clone(), kind, vec![update]).unwrap();
            let request = UpdateItems::new(vec![change])
                .unwrap()
                .message_disposition(MessageDisposition::SendAndSaveCopy)
                .conflict_resolution(ConflictResolution::ALL[i % 3])
                .meeting_updates(SendMeetingInvitationsOrCancellations::ALL[i % 5])
                .suppress_read_receipts(true);
            // Properties the version does not know are refused; the rest must validate.
            if let Ok(xml) = request.checked_envelope(version) {
                add(format!("UpdateItems update#{i}"), xml);
                written += 1;
            }
        }
        assert!(written >= updates().len() - 1, "{version}: {written}");
        let all: Vec<ItemChange> = ids()
            .into_iter()
            .map(|id| {
                ItemChange::new(
                    id,
                    ItemKind::CalendarItem,
                    vec![
                        FieldUpdate::set("item:Subject", HOSTILE).unwrap(),
                        FieldUpdate::delete("calendar:Location").unwrap(),
                    ],
                )
                .unwrap()
            })
            .collect();
        let request = UpdateItems::new(all).unwrap();
        add(
            "UpdateItems two changes".into(),
            request.checked_envelope(version).unwrap(),
        );
        for (d, delete_type) in [
            DeleteType::HardDelete,
            DeleteType::SoftDelete,
            DeleteType::MoveToDeletedItems,
        ]
        .into_iter()
        .enumerate()
        {
            let request = DeleteItems::new(ids(), delete_type)
                .unwrap()
                .cancellations(SendMeetingCancellations::SendToAllAndSaveCopy)
                .affected_task_occurrences(AffectedTaskOccurrences::ALL[d % 2])
                .suppress_read_receipts(d == 0);
            add(format!("DeleteItems #{d}"), request.to_envelope(version));
        }
        for (f, folder) in folders.iter().enumerate() {
            let moving = MoveItems::new(ids(), folder.clone()).unwrap();
            add(
                format!("MoveItems folder#{f}"),
                moving.checked_envelope(version).unwrap(),
            );
            let copying = CopyItems::new(ids(), folder.clone())
                .unwrap()
                .return_new_ids(f == 0);
            add(
                format!("CopyItems folder#{f}"),
                copying.checked_envelope(version).unwrap(),
            );
        }
        let file = NewAttachment::File(NewFileAttachment {
            name: HOSTILE_NAME.into(),
            content_type: Some("text/plain".into()),
            content_id: Some("cid<&>".into()),
            is_inline: true,
            content: HOSTILE.as_bytes().to_vec(),
        });
        let attached = NewAttachment::Item {
            name: HOSTILE_NAME.into(),
            item: Box::new(new_item()),
        };
        let message = NewAttachment::Item {
            name: HOSTILE_NAME.into(),
            item: Box::new(NewMessage::new(HOSTILE).into()),
        };
        for (p, parent) in ids().into_iter().enumerate() {
            let request = CreateAttachment::new(
                parent,
                vec![file.clone(), attached.clone(), message.clone()],
            )
            .unwrap();
            add(
                format!("CreateAttachment #{p}"),
                request.to_envelope(version),
            );
        }
        let attachment_ids = vec!["AAMkAt=".to_owned(), HOSTILE.to_owned()];
        let shapes = [
            AttachmentShape::default(),
            AttachmentShape {
                include_mime_content: true,
                body_type: Some(BodyFormat::Best),
                additional_properties: vec![
                    PropertyPath::field("item:Subject"),
                    PropertyPath::indexed("contacts:EmailAddress", "EmailAddress1"),
                ],
            },
        ];
        for (s, shape) in shapes.into_iter().enumerate() {
            let request = GetAttachment::new(attachment_ids.clone(), shape).unwrap();
            add(
                format!("GetAttachment shape#{s}"),
                request.to_envelope(version),
            );
        }
        let request = DeleteAttachment::new(attachment_ids.clone()).unwrap();
        add("DeleteAttachment".into(), request.to_envelope(version));
    }
    docs
}

#[test]
fn every_write_request_validates() {
    let docs = envelopes();
    assert!(docs.len() > 300, "{}", docs.len());
    let Some(validator) = SchemaValidator::find() else {
        return;
    };
    // One broken document guards against a validator that accepts anything: a field
    // update holding two properties.
    let (_, update) = docs
        .iter()
        .find(|(name, _)| name.contains("UpdateItems update#0"))
        .unwrap();
    let broken = update.replacen(
        "</t:Subject>",
        "</t:Subject><t:Subject>again</t:Subject>",
        1,
    );
    assert_ne!(&broken, update);
    let mut verdicts = validator.validate_envelopes(
        docs.iter()
            .map(|(n, x)| (n.as_str(), x.as_str()))
            .chain([("broken", broken.as_str())]),
    );
    assert_eq!(verdicts.len(), docs.len() + 1);
    let broken = verdicts.pop().unwrap();
    assert!(
        !broken.is_valid(),
        "the validator accepted a broken envelope"
    );
    let failures: Vec<_> = verdicts.iter().filter(|v| !v.is_valid()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
}
