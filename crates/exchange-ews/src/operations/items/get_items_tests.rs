//! Tests of `GetItems` and of `FindItems` with restrictions, sort orders and shapes.

use crate::items::{
    BaseShape, FindItems, GetItems, IndexedPage, ItemShape, PropertyPath, Restriction,
    SortDirection, SortOrder, MAX_ITEM_IDS,
};
use crate::{DistinguishedFolder, EwsError, ExchangeVersion, ItemId, ResponseCode};

fn answer(messages: &str) -> String {
    format!(
        r#"<s:Envelope xmlns:s="urn:s"><s:Body><m:GetItemResponse xmlns:m="urn:m" xmlns:t="urn:t">
        <m:ResponseMessages>{messages}</m:ResponseMessages></m:GetItemResponse></s:Body></s:Envelope>"#
    )
}

const MESSAGE: &str = r#"<m:GetItemResponseMessage ResponseClass="Success"><m:ResponseCode>NoError</m:ResponseCode>
    <m:Items><t:Message><t:ItemId Id="M1" ChangeKey="C"/><t:Subject>Hi &amp; bye</t:Subject>
    <t:ExtendedProperty><t:ExtendedFieldURI PropertyTag="0x0037" PropertyType="String"/><t:Value>Hi</t:Value></t:ExtendedProperty>
    </t:Message></m:Items></m:GetItemResponseMessage>"#;

const FAILED: &str = r#"<m:GetItemResponseMessage ResponseClass="Error"><m:MessageText>gone</m:MessageText>
    <m:ResponseCode>ErrorItemNotFound</m:ResponseCode><m:Items/></m:GetItemResponseMessage>"#;

fn shape() -> ItemShape {
    ItemShape::new(BaseShape::IdOnly).with(PropertyPath::field("item:Subject"))
}

#[test]
fn writes_every_id_and_the_shape() {
    let ids = vec![ItemId::new("A1").with_change_key("K"), ItemId::new("A<2>")];
    let request = GetItems::new(ids.clone(), shape()).unwrap();
    let xml = request
        .checked_envelope(ExchangeVersion::Exchange2007Sp1)
        .unwrap();
    assert!(xml.contains(r#"<m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties></m:ItemShape><m:ItemIds><t:ItemId Id="A1" ChangeKey="K"/><t:ItemId Id="A&lt;2&gt;"/></m:ItemIds></m:GetItem>"#), "{xml}");
    assert_eq!(request.ids(), &ids[..]);
    assert_eq!(request.shape(), &shape());
}

#[test]
fn refuses_bad_requests() {
    let invalid = |r: Result<GetItems, EwsError>| {
        assert!(matches!(r, Err(EwsError::InvalidArgument { .. })), "{r:?}");
    };
    invalid(GetItems::new(vec![], shape()));
    invalid(GetItems::new(
        vec![ItemId::new("A"); MAX_ITEM_IDS + 1],
        shape(),
    ));
    invalid(GetItems::new(vec![ItemId::new(" ")], shape()));
    invalid(GetItems::new(
        vec![ItemId::new("A")],
        shape().with(PropertyPath::field("item:Bogus")),
    ));
    let too_new = GetItems::new(
        vec![ItemId::new("A")],
        shape().with(PropertyPath::field("calendar:EnhancedLocation")),
    )
    .unwrap();
    assert!(too_new
        .checked_envelope(ExchangeVersion::Exchange2013Sp1)
        .is_err());
    assert!(too_new
        .checked_envelope(ExchangeVersion::Exchange2016)
        .is_ok());
}

#[test]
fn reads_items_of_any_kind_and_errors_per_id() {
    let items = GetItems::parse_response(answer(&format!("{MESSAGE}{FAILED}")).as_bytes()).unwrap();
    assert_eq!(items.len(), 2);
    let first = items[0].as_ref().unwrap();
    assert_eq!(first.id, ItemId::new("M1").with_change_key("C"));
    assert_eq!(first.kind, "Message");
    assert_eq!(
        first.node.child("Subject").map(crate::decoded::Node::text),
        Some("Hi & bye")
    );
    assert!(first.node.child("ExtendedProperty").is_some());
    let error = items[1].as_ref().unwrap_err();
    assert_eq!(
        error.response_code(),
        Some(&ResponseCode::ErrorItemNotFound)
    );
    // One id: its error is the call's error.
    let error = GetItems::parse_response(answer(FAILED).as_bytes()).unwrap_err();
    assert_eq!(
        error.response_code(),
        Some(&ResponseCode::ErrorItemNotFound)
    );
}

#[test]
fn refuses_malformed_truncated_and_hostile_answers() {
    let whole = answer(MESSAGE);
    for cut in [0, 7, whole.len() / 2, whole.len() - 1] {
        assert!(GetItems::parse_response(&whole.as_bytes()[..cut]).is_err());
    }
    for bad in [
        MESSAGE.replace(r#"<t:ItemId Id="M1" ChangeKey="C"/>"#, ""),
        MESSAGE.replace(r#"Id="M1""#, r#"Id="""#),
        MESSAGE
            .replace("<m:Items>", "<m:Other>")
            .replace("</m:Items>", "</m:Other>"),
        MESSAGE.replace("Success", "Perhaps"),
    ] {
        assert!(
            GetItems::parse_response(answer(&bad).as_bytes()).is_err(),
            "{bad}"
        );
    }
    let empty = answer(&MESSAGE.replace(
        &MESSAGE[MESSAGE.find("<t:Message>").unwrap()..MESSAGE.find("</m:Items>").unwrap()],
        "",
    ));
    assert!(matches!(
        GetItems::parse_response(empty.as_bytes()),
        Err(EwsError::MissingElement { .. })
    ));
    let other = answer(MESSAGE).replace("GetItemResponse", "FindItemResponse");
    assert!(GetItems::parse_response(other.as_bytes()).is_err());
    let other_many =
        answer(&format!("{MESSAGE}{MESSAGE}")).replace("GetItemResponse>", "SyncResponse>");
    assert!(GetItems::parse_response(other_many.as_bytes()).is_err());
    // Among several messages, one whose class cannot be read fails the whole answer, as the
    // write operations' answers do; a failed but readable message is its id's error alone.
    let unreadable = answer(&format!("{MESSAGE}{}", MESSAGE.replace("Success", "Maybe")));
    assert!(matches!(
        GetItems::parse_response(unreadable.as_bytes()),
        Err(EwsError::InvalidValue { .. })
    ));
    let bomb = format!("<!DOCTYPE lolz [<!ENTITY lol \"lol\">]>{whole}");
    assert!(GetItems::parse_response(bomb.as_bytes()).is_err());
    let deep = answer(&MESSAGE.replace(
        "<t:Subject>",
        &format!("{}<t:Subject>", "<t:X>".repeat(10_000)),
    ));
    assert!(GetItems::parse_response(deep.as_bytes()).is_err());
}

#[test]
fn find_items_writes_restriction_and_sort_order_in_schema_order() {
    let page = IndexedPage::new(10, 0).unwrap();
    let request = FindItems::new(DistinguishedFolder::Calendar.into(), page)
        .unwrap()
        .with_shape(ItemShape::new(BaseShape::Default))
        .unwrap()
        .with_restriction(Restriction::exists(PropertyPath::field("item:Subject")))
        .unwrap()
        .with_sort_order(
            SortOrder::new(vec![(
                PropertyPath::field("calendar:Start"),
                SortDirection::Descending,
            )])
            .unwrap(),
        );
    let xml = request
        .checked_envelope(ExchangeVersion::Exchange2010)
        .unwrap();
    let shape = xml.find("<m:ItemShape>").unwrap();
    let view = xml.find("<m:IndexedPageItemView").unwrap();
    let restriction = xml.find(r#"<m:Restriction><t:Exists><t:FieldURI FieldURI="item:Subject"/></t:Exists></m:Restriction>"#).unwrap();
    let order = xml
        .find(r#"<m:SortOrder><t:FieldOrder Order="Descending">"#)
        .unwrap();
    let parents = xml.find("<m:ParentFolderIds>").unwrap();
    assert!(shape < view && view < restriction && restriction < order && order < parents);
    assert!(request.shape().is_some() && request.restriction().is_some());
    assert!(request.sort_order().is_some());

    let find = || FindItems::new(DistinguishedFolder::Inbox.into(), page).unwrap();
    for body in ["item:Body", "item:UniqueBody", "item:MimeContent"] {
        let shape = ItemShape::new(BaseShape::IdOnly).with(PropertyPath::field(body));
        assert!(find().with_shape(shape).is_err(), "{body}");
    }
    let mut deep = Restriction::exists(PropertyPath::field("item:Subject"));
    for _ in 0..1000 {
        deep = Restriction::not(deep);
    }
    assert!(matches!(
        find().with_restriction(deep),
        Err(EwsError::InvalidArgument { .. })
    ));
    let newer = find()
        .with_restriction(Restriction::exists(PropertyPath::field(
            "item:LastModifiedTime",
        )))
        .unwrap();
    assert!(newer
        .checked_envelope(ExchangeVersion::Exchange2007Sp1)
        .is_err());
    assert!(newer
        .checked_envelope(ExchangeVersion::Exchange2010)
        .is_ok());
}
