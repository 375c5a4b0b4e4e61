use super::*;
use crate::folders::FolderId;
use crate::sync::{Change, Changed, ChangedId};
use crate::test_support::sample;
use crate::DistinguishedFolder;

fn answer(operation: &str, inner: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="urn:s"><s:Body><m:{operation}Response xmlns:m="urn:m" xmlns:t="urn:t">
        <m:ResponseMessages><m:{operation}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
        {inner}</m:{operation}ResponseMessage></m:ResponseMessages></m:{operation}Response></s:Body></s:Envelope>"#
    )
}

const ITEM_CHANGES: &str = r#"<m:SyncState>S2</m:SyncState><m:IncludesLastItemInRange>false</m:IncludesLastItemInRange><m:Changes>
    <t:Create><t:Message><t:ItemId Id="I1" ChangeKey="K1"/><t:Subject>Hi</t:Subject><t:IsRead>false</t:IsRead><t:Custom>kept</t:Custom></t:Message></t:Create>
    <t:Update><t:CalendarItem><t:ItemId Id="I2"/></t:CalendarItem></t:Update>
    <t:Delete><t:ItemId Id="I3"/></t:Delete>
    <t:ReadFlagChange><t:ItemId Id="I4"/><t:IsRead>true</t:IsRead></t:ReadFlagChange>
    <t:FutureChange><t:ItemId Id="I5"/></t:FutureChange>
  </m:Changes>"#;

const FOLDER_CHANGES: &str = r#"<m:SyncState>H1</m:SyncState><m:IncludesLastItemInRange>true</m:IncludesLastItemInRange><m:Changes>
    <t:Create><t:Folder><t:FolderId Id="F1"/><t:DisplayName>Inbox</t:DisplayName></t:Folder></t:Create>
    <t:Update><t:CalendarFolder><t:FolderId Id="F2" ChangeKey="C"/></t:CalendarFolder></t:Update>
    <t:Delete><t:FolderId Id="F3"/></t:Delete>
  </m:Changes>"#;

#[test]
fn writes_sync_folder_items() {
    let inbox = FolderTarget::from(DistinguishedFolder::Inbox);
    let request = SyncFolderItems::new(
        inbox.clone(),
        SyncItemShape::Default,
        Some("S<&>".into()),
        100,
    )
    .unwrap()
    .ignoring(vec![ItemId::new("A").with_change_key("K")])
    .unwrap();
    assert_eq!(
        (request.folder(), request.sync_state()),
        (&inbox, Some("S<&>"))
    );
    let xml = request.to_envelope(ExchangeVersion::Exchange2010Sp2);
    assert!(xml.contains(r#"<m:SyncFolderItems><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape><m:SyncFolderId><t:DistinguishedFolderId Id="inbox"/></m:SyncFolderId><m:SyncState>S&lt;&amp;&gt;</m:SyncState><m:Ignore><t:ItemId Id="A" ChangeKey="K"/></m:Ignore><m:MaxChangesReturned>100</m:MaxChangesReturned></m:SyncFolderItems>"#), "{xml}");
    let first =
        SyncFolderItems::new(inbox.clone(), SyncItemShape::IdOnly, Some(" ".into()), 1).unwrap();
    let xml = first.to_envelope(ExchangeVersion::Exchange2007Sp1);
    assert!(
        !xml.contains("SyncState") && !xml.contains("Ignore") && xml.contains(">IdOnly<"),
        "{xml}"
    );
    assert_eq!(
        first.clone().with_sync_state(Some("N".into())).sync_state(),
        Some("N")
    );
    for max in [0, 513, u32::MAX] {
        assert!(SyncFolderItems::new(inbox.clone(), SyncItemShape::IdOnly, None, max).is_err());
    }
    assert!(SyncFolderItems::new(
        FolderTarget::Id(String::new()),
        SyncItemShape::IdOnly,
        None,
        5
    )
    .is_err());
    assert!(first.ignoring(vec![ItemId::new("")]).is_err());
}

#[test]
fn writes_sync_folder_hierarchy() {
    let xml =
        SyncFolderHierarchy::new(Some("H<1>".into())).to_envelope(ExchangeVersion::Exchange2016);
    assert!(
        xml.contains("<m:SyncFolderHierarchy><m:FolderShape>"),
        "{xml}"
    );
    assert!(
        xml.contains(
            "</m:FolderShape><m:SyncState>H&lt;1&gt;</m:SyncState></m:SyncFolderHierarchy>"
        ),
        "{xml}"
    );
    let first = SyncFolderHierarchy::new(None);
    assert_eq!(first.sync_state(), None);
    assert!(!first
        .to_envelope(ExchangeVersion::Exchange2016)
        .contains("SyncState"));
}

#[test]
fn reads_every_kind_of_item_change() {
    let result =
        SyncFolderItems::parse_response(answer("SyncFolderItems", ITEM_CHANGES).as_bytes())
            .unwrap();
    assert_eq!(result.sync_state, "S2");
    assert!(!result.includes_last_item_in_range);
    assert_eq!(result.changes.len(), 5);
    let Change::Create(Changed::Item {
        summary,
        is_read,
        element,
    }) = &result.changes[0]
    else {
        panic!("{:?}", result.changes[0]);
    };
    assert_eq!(
        (
            summary.id.id.as_str(),
            summary.kind.as_str(),
            summary.subject.as_deref()
        ),
        ("I1", "Message", Some("Hi"))
    );
    assert_eq!(*is_read, Some(false));
    assert_eq!(
        element.child("Custom").map(crate::decoded::Node::text),
        Some("kept")
    );
    assert!(
        matches!(&result.changes[1], Change::Update(Changed::Item { summary, .. }) if summary.kind == "CalendarItem")
    );
    assert_eq!(
        result.changes[2],
        Change::Delete(ChangedId::Item(ItemId::new("I3")))
    );
    assert_eq!(
        result.changes[3],
        Change::ReadFlagChange {
            id: ItemId::new("I4"),
            is_read: true
        }
    );
    assert!(
        matches!(&result.changes[4], Change::Unrecognized(node) if node.name() == "FutureChange")
    );
}

#[test]
fn reads_folder_changes() {
    let result = SyncFolderHierarchy::parse_response(
        answer("SyncFolderHierarchy", FOLDER_CHANGES).as_bytes(),
    )
    .unwrap();
    assert_eq!(result.sync_state, "H1");
    assert!(result.includes_last_item_in_range);
    assert!(
        matches!(&result.changes[0], Change::Create(Changed::Folder { folder, .. }) if folder.display_name.as_deref() == Some("Inbox"))
    );
    assert!(
        matches!(&result.changes[1], Change::Update(Changed::Folder { folder, .. }) if folder.id == FolderId::new("F2").with_change_key("C"))
    );
    assert_eq!(
        result.changes[2],
        Change::Delete(ChangedId::Folder(FolderId::new("F3")))
    );
    let empty = answer("SyncFolderHierarchy", "<m:SyncState>H</m:SyncState>");
    let result = SyncFolderHierarchy::parse_response(empty.as_bytes()).unwrap();
    assert!(result.changes.is_empty() && result.includes_last_item_in_range);
}

#[test]
fn refuses_malformed_truncated_and_hostile_answers() {
    let whole = answer("SyncFolderItems", ITEM_CHANGES);
    for cut in [1, whole.len() / 2, whole.len() - 5] {
        assert!(SyncFolderItems::parse_response(&whole.as_bytes()[..cut])
            .unwrap_err()
            .is_malformed_response());
    }
    for bad in [
        ITEM_CHANGES.replace("<m:SyncState>S2</m:SyncState>", ""),
        ITEM_CHANGES.replace(
            ">false</m:IncludesLastItemInRange>",
            ">nope</m:IncludesLastItemInRange>",
        ),
        ITEM_CHANGES.replace(r#"<t:ItemId Id="I1" ChangeKey="K1"/>"#, ""),
        ITEM_CHANGES.replace("<t:IsRead>true</t:IsRead>", ""),
        ITEM_CHANGES.replace("<t:IsRead>true</t:IsRead>", "<t:IsRead>yes</t:IsRead>"),
        ITEM_CHANGES.replace(r#"<t:Delete><t:ItemId Id="I3"/></t:Delete>"#, "<t:Delete/>"),
        ITEM_CHANGES.replace(
            r#"<t:CalendarItem><t:ItemId Id="I2"/></t:CalendarItem>"#,
            "",
        ),
    ] {
        assert!(
            SyncFolderItems::parse_response(answer("SyncFolderItems", &bad).as_bytes())
                .unwrap_err()
                .is_malformed_response(),
            "{bad}"
        );
    }
    let wrong = answer("SyncFolderHierarchy", ITEM_CHANGES);
    assert!(SyncFolderItems::parse_response(wrong.as_bytes()).is_err());
    let hostile = format!("<!DOCTYPE s [<!ENTITY x \"y\">]>{whole}");
    assert!(SyncFolderItems::parse_response(hostile.as_bytes()).is_err());
    let huge = answer(
        "SyncFolderItems",
        &format!("<m:SyncState>{}</m:SyncState>", "A".repeat(1 << 20)),
    );
    assert_eq!(
        SyncFolderItems::parse_response(huge.as_bytes())
            .unwrap()
            .sync_state
            .len(),
        1 << 20
    );
}

#[test]
fn parses_the_samples() {
    let Some(created) = sample("ms-syncfolderitems-response.xml") else {
        return;
    };
    let result = SyncFolderItems::parse_response(&created).unwrap();
    assert_eq!(result.sync_state, "H4sIAAAAA=");
    assert!(result.includes_last_item_in_range);
    assert!(
        matches!(&result.changes[..], [Change::Create(Changed::Item { summary, .. })] if summary.kind == "MeetingRequest" && summary.subject.as_deref() == Some("Budget Q3"))
    );
    let changes = SyncFolderItems::parse_response(
        &sample("ms-syncfolderitems-changes-response.xml").unwrap(),
    )
    .unwrap();
    let kinds: Vec<_> = changes
        .changes
        .iter()
        .map(|c| match c {
            Change::Create(_) => "create",
            Change::Update(_) => "update",
            Change::Delete(_) => "delete",
            Change::ReadFlagChange { .. } => "read",
            _ => "other",
        })
        .collect();
    assert_eq!(kinds, ["update", "create", "create", "read", "delete"]);
    let Change::Update(Changed::Item {
        is_read, element, ..
    }) = &changes.changes[0]
    else {
        panic!("{:?}", changes.changes[0]);
    };
    assert_eq!(*is_read, Some(true));
    assert!(element.child("EffectiveRights").is_some());
    let busy = SyncFolderItems::parse_response(
        &sample("ewsrs-syncfolderitems-errorserverbusy-response.xml").unwrap(),
    )
    .unwrap_err();
    assert!(busy.is_throttled());
    assert_eq!(
        busy.back_off(),
        Some(std::time::Duration::from_millis(5000))
    );
    let request = sample("ms-syncfolderitems-request.xml").unwrap();
    assert!(SyncFolderItems::parse_response(&request)
        .unwrap_err()
        .is_malformed_response());
}
