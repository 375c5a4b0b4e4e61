//! Tests of `MoveItems` and `CopyItems`: envelopes in schema order per version, checks, and
//! per-item answers, hostile and truncated ones included.

use exchange_testkit::schema::SchemaValidator;

use crate::items::{CopyItems, MoveItems, MAX_ITEM_IDS};
use crate::{DistinguishedFolder, EwsError, ExchangeVersion, FolderTarget, ItemId, ResponseCode};

fn ids() -> Vec<ItemId> {
    vec![
        ItemId::new("AAMk1").with_change_key("CQAA"),
        ItemId::new("AAMk<2>&\"'"),
    ]
}

fn answer(operation: &str, messages: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="urn:s"><s:Body><m:{operation}Response xmlns:m="urn:m" xmlns:t="urn:t">
        <m:ResponseMessages>{messages}</m:ResponseMessages></m:{operation}Response></s:Body></s:Envelope>"#
    )
}

fn moved(operation: &str, id: &str) -> String {
    format!(
        r#"<m:{operation}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
        <m:Items><t:Message><t:ItemId Id="{id}" ChangeKey="CK{id}"/></t:Message></m:Items></m:{operation}ResponseMessage>"#
    )
}

fn no_id(operation: &str) -> String {
    format!(
        r#"<m:{operation}ResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode><m:Items/></m:{operation}ResponseMessage>"#
    )
}

fn failed(operation: &str, code: &str) -> String {
    format!(
        r#"<m:{operation}ResponseMessage ResponseClass="Error"><m:MessageText>no</m:MessageText>
        <m:ResponseCode>{code}</m:ResponseCode><m:DescriptiveLinkKey>0</m:DescriptiveLinkKey><m:Items/></m:{operation}ResponseMessage>"#
    )
}

#[test]
fn writes_the_target_the_ids_and_then_the_new_id_flag() {
    let request = MoveItems::new(ids(), DistinguishedFolder::DeletedItems.into()).unwrap();
    let xml = request.to_envelope(ExchangeVersion::Exchange2013);
    assert!(xml.contains(concat!(
        r#"<m:MoveItem><m:ToFolderId><t:DistinguishedFolderId Id="deleteditems"/></m:ToFolderId>"#,
        r#"<m:ItemIds><t:ItemId Id="AAMk1" ChangeKey="CQAA"/><t:ItemId Id="AAMk&lt;2&gt;&amp;&quot;&apos;"/></m:ItemIds>"#,
        "<m:ReturnNewItemIds>true</m:ReturnNewItemIds></m:MoveItem>"
    )), "{xml}");
    assert!(xml.contains(r#"<t:RequestServerVersion Version="Exchange2013"/>"#));
    let old = request.to_envelope(ExchangeVersion::Exchange2007Sp1);
    assert!(old.contains(r#"<t:ItemId Id="AAMk1" ChangeKey="CQAA"/>"#));
    assert!(old.contains("</m:ItemIds></m:MoveItem>"), "{old}");
    assert_eq!(request.ids(), &ids()[..]);
    assert_eq!(
        request.target(),
        &FolderTarget::Distinguished(DistinguishedFolder::DeletedItems)
    );

    let shared =
        FolderTarget::DistinguishedOf(DistinguishedFolder::Inbox, "bob@contoso.test".into());
    let copy = CopyItems::new(ids(), shared.clone())
        .unwrap()
        .return_new_ids(false);
    let xml = copy.to_envelope(ExchangeVersion::Exchange2010Sp1);
    assert!(xml.contains(concat!(
        r#"<m:CopyItem><m:ToFolderId><t:DistinguishedFolderId Id="inbox"><t:Mailbox>"#,
        "<t:EmailAddress>bob@contoso.test</t:EmailAddress></t:Mailbox></t:DistinguishedFolderId></m:ToFolderId>"
    )), "{xml}");
    assert!(xml.contains("<m:ReturnNewItemIds>false</m:ReturnNewItemIds></m:CopyItem>"));
    assert_eq!(copy.target(), &shared);
    assert_eq!(copy.ids().len(), 2);
}

#[test]
fn the_new_id_flag_is_written_from_exchange_2010_sp1_on() {
    for version in ExchangeVersion::ALL {
        let request = CopyItems::new(ids(), DistinguishedFolder::Drafts.into()).unwrap();
        let written = request.to_envelope(version).contains("ReturnNewItemIds");
        assert_eq!(
            written,
            version >= ExchangeVersion::Exchange2010Sp1,
            "{version}"
        );
        let request = MoveItems::new(ids(), DistinguishedFolder::Drafts.into()).unwrap();
        let written = request.to_envelope(version).contains("ReturnNewItemIds");
        assert_eq!(
            written,
            version >= ExchangeVersion::Exchange2010Sp1,
            "{version}"
        );
    }
}

#[test]
fn envelopes_of_2007_sp1_and_2013_validate_against_the_schema() {
    let targets = [
        FolderTarget::Distinguished(DistinguishedFolder::Inbox),
        FolderTarget::DistinguishedOf(DistinguishedFolder::Calendar, "bob@contoso.test".into()),
        FolderTarget::Id("AQMkADRiZGNh&<>\"'==".into()),
    ];
    let mut docs = Vec::new();
    for version in [
        ExchangeVersion::Exchange2007Sp1,
        ExchangeVersion::Exchange2013,
    ] {
        for (t, target) in targets.iter().enumerate() {
            let moving = MoveItems::new(ids(), target.clone()).unwrap();
            let copying = CopyItems::new(ids(), target.clone())
                .unwrap()
                .return_new_ids(false);
            docs.push((
                format!("{version} MoveItems #{t}"),
                moving.checked_envelope(version).unwrap(),
            ));
            docs.push((
                format!("{version} CopyItems #{t}"),
                copying.checked_envelope(version).unwrap(),
            ));
        }
    }
    let Some(validator) = SchemaValidator::find() else {
        return;
    };
    // The flag before the ids breaks the schema's sequence: the validator must notice.
    let (_, first) = docs
        .iter()
        .find(|(name, _)| name.starts_with("Exchange2013 MoveItems"))
        .unwrap();
    let flag = "<m:ReturnNewItemIds>true</m:ReturnNewItemIds>";
    let swapped = first
        .replace(flag, "")
        .replace("<m:ItemIds>", &format!("{flag}<m:ItemIds>"));
    assert_ne!(&swapped, first);
    let mut verdicts = validator.validate_envelopes(
        docs.iter()
            .map(|(n, x)| (n.as_str(), x.as_str()))
            .chain([("swapped", swapped.as_str())]),
    );
    assert!(
        !verdicts.pop().unwrap().is_valid(),
        "the swapped order passed"
    );
    let failures: Vec<_> = verdicts.iter().filter(|v| !v.is_valid()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn refuses_bad_requests() {
    let invalid = |r: Result<MoveItems, EwsError>| {
        assert!(matches!(r, Err(EwsError::InvalidArgument { .. })), "{r:?}");
    };
    let inbox = || FolderTarget::from(DistinguishedFolder::Inbox);
    invalid(MoveItems::new(vec![], inbox()));
    invalid(MoveItems::new(
        vec![ItemId::new("A"); MAX_ITEM_IDS + 1],
        inbox(),
    ));
    assert!(MoveItems::new(vec![ItemId::new("A"); MAX_ITEM_IDS], inbox()).is_ok());
    invalid(MoveItems::new(
        vec![ItemId::new("A"), ItemId::new(" ")],
        inbox(),
    ));
    invalid(MoveItems::new(
        vec![ItemId::new("A").with_change_key("")],
        inbox(),
    ));
    invalid(MoveItems::new(
        vec![ItemId::new("A")],
        FolderTarget::Id(" ".into()),
    ));
    invalid(MoveItems::new(
        vec![ItemId::new("A")],
        FolderTarget::DistinguishedOf(DistinguishedFolder::Inbox, "bob".into()),
    ));
    assert!(matches!(
        CopyItems::new(vec![], inbox()),
        Err(EwsError::InvalidArgument { .. })
    ));
    assert!(matches!(
        CopyItems::new(vec![ItemId::new("A")], FolderTarget::Id(String::new())),
        Err(EwsError::InvalidArgument { .. })
    ));
}

#[test]
fn reads_a_new_id_no_id_or_an_error_per_item() {
    for operation in ["MoveItem", "CopyItem"] {
        let xml = answer(
            operation,
            &format!(
                "{}{}{}",
                moved(operation, "N1"),
                failed(operation, "ErrorItemNotFound"),
                no_id(operation)
            ),
        );
        let results = match operation {
            "MoveItem" => MoveItems::parse_response(xml.as_bytes()).unwrap(),
            _ => CopyItems::parse_response(xml.as_bytes()).unwrap(),
        };
        assert_eq!(results.len(), 3);
        assert_eq!(
            results[0].as_ref().unwrap(),
            &Some(ItemId::new("N1").with_change_key("CKN1"))
        );
        assert!(results[1].as_ref().unwrap_err().is_not_found());
        assert_eq!(results[2].as_ref().unwrap(), &None, "no id asked for");
    }
    // One item: its error is the call's error (so that throttling is retried).
    let single = answer("MoveItem", &failed("MoveItem", "ErrorItemNotFound"));
    assert!(MoveItems::parse_response(single.as_bytes())
        .unwrap_err()
        .is_not_found());
    let busy = answer("CopyItem", &failed("CopyItem", "ErrorServerBusy"));
    assert!(CopyItems::parse_response(busy.as_bytes())
        .unwrap_err()
        .is_throttled());
    let nowhere = answer(
        "MoveItem",
        &format!(
            "{}{}",
            failed("MoveItem", "ErrorToFolderNotFound"),
            failed("MoveItem", "ErrorToFolderNotFound")
        ),
    );
    for entry in MoveItems::parse_response(nowhere.as_bytes()).unwrap() {
        assert_eq!(
            entry.unwrap_err().response_code(),
            Some(&ResponseCode::ErrorToFolderNotFound)
        );
    }
}

#[test]
fn refuses_malformed_truncated_and_hostile_answers() {
    let good = answer(
        "MoveItem",
        &format!("{}{}", moved("MoveItem", "A1"), moved("MoveItem", "A2")),
    );
    assert_eq!(MoveItems::parse_response(good.as_bytes()).unwrap().len(), 2);
    for bad in [
        good[..good.len() / 2].to_owned(),
        good.replace(r#"Id="A2""#, r#"Id="""#),
        good.replace(r#"<t:ItemId Id="A1" ChangeKey="CKA1"/>"#, ""),
        good.replace("<m:Items>", "<m:Stuff>")
            .replace("</m:Items>", "</m:Stuff>"),
        answer("CopyItem", &moved("CopyItem", "A1")),
        answer("MoveItem", ""),
        format!("<!DOCTYPE x [<!ENTITY a \"b\">]>{good}"),
        good.replace(r#"ResponseClass="Success""#, r#"ResponseClass="Maybe""#),
        "<html>busy</html>".to_owned(),
        String::new(),
    ] {
        let error = MoveItems::parse_response(bad.as_bytes()).expect_err(&bad);
        assert!(error.is_malformed_response(), "{bad}: {error}");
    }
    // The answer of the other operation is refused too.
    assert!(CopyItems::parse_response(good.as_bytes())
        .unwrap_err()
        .is_malformed_response());
    // A hostile id is kept as text, not interpreted.
    let hostile = answer("CopyItem", &moved("CopyItem", "&lt;x&gt;&amp;"));
    let results = CopyItems::parse_response(hostile.as_bytes()).unwrap();
    assert_eq!(results[0].as_ref().unwrap().as_ref().unwrap().id, "<x>&");
    // No prefix of an answer panics; each is refused or read.
    let mixed = answer(
        "CopyItem",
        &format!(
            "{}{}",
            moved("CopyItem", "A1"),
            failed("CopyItem", "ErrorItemNotFound")
        ),
    );
    for cut in (0..mixed.len()).filter(|i| mixed.is_char_boundary(*i)) {
        let bytes = &mixed.as_bytes()[..cut];
        let _ = MoveItems::parse_response(bytes);
        if let Err(error) = CopyItems::parse_response(bytes) {
            assert!(!error.to_string().is_empty());
        }
    }
}
