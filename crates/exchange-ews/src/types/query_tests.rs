//! Tests of property paths, restrictions, sort orders and shapes.

use chrono::{TimeZone, Utc};

use super::*;
use crate::xml::{parse, XmlWriter};
use crate::{EwsError, ExchangeVersion};

fn written(write: impl FnOnce(&mut XmlWriter)) -> String {
    let mut w = XmlWriter::new();
    write(&mut w);
    let xml = w.finish();
    xml.trim_start_matches(r#"<?xml version="1.0" encoding="utf-8"?>"#)
        .to_owned()
}

fn is_invalid<T: std::fmt::Debug>(result: Result<T, EwsError>) -> String {
    match result {
        Err(EwsError::InvalidArgument { reason, .. }) => reason,
        other => panic!("expected an invalid argument, got {other:?}"),
    }
}

fn subject() -> PropertyPath {
    PropertyPath::field("item:Subject")
}

#[test]
fn writes_each_path_kind() {
    assert_eq!(
        written(|w| subject().write(w)),
        r#"<t:FieldURI FieldURI="item:Subject"/>"#
    );
    let email = PropertyPath::indexed("contacts:EmailAddress", "EmailAddress1");
    assert_eq!(
        written(|w| email.write(w)),
        r#"<t:IndexedFieldURI FieldURI="contacts:EmailAddress" FieldIndex="EmailAddress1"/>"#
    );
    let tag = PropertyPath::tagged(0x37, MapiPropertyType::String);
    assert_eq!(
        written(|w| tag.write(w)),
        r#"<t:ExtendedFieldURI PropertyTag="0x0037" PropertyType="String"/>"#
    );
    let named = PropertyPath::named(
        DistinguishedPropertySet::PublicStrings,
        "a\"b",
        MapiPropertyType::StringArray,
    );
    assert_eq!(
        written(|w| named.write(w)),
        r#"<t:ExtendedFieldURI DistinguishedPropertySetId="PublicStrings" PropertyName="a&quot;b" PropertyType="StringArray"/>"#
    );
    let by_id = PropertyPath::with_id(
        "00062008-0000-0000-C000-000000000046",
        -1,
        MapiPropertyType::Boolean,
    );
    assert!(written(|w| by_id.write(w)).contains(r#"PropertyId="-1" PropertyType="Boolean""#));
    for path in [subject(), email, tag, named, by_id] {
        path.check(ExchangeVersion::Exchange2007Sp1).unwrap();
    }
    assert_eq!(DistinguishedPropertySet::ALL.len(), 9);
    assert_eq!(MapiPropertyType::Clsid.as_str(), "CLSID");
}

#[test]
fn refuses_paths_the_schema_does_not_allow() {
    let extended = |set: Option<DistinguishedPropertySet>,
                    guid: Option<&str>,
                    tag: Option<u16>,
                    name: Option<&str>,
                    id: Option<i32>| PropertyPath::Extended {
        distinguished_property_set_id: set,
        property_set_id: guid.map(str::to_owned),
        property_tag: tag,
        property_name: name.map(str::to_owned),
        property_id: id,
        property_type: MapiPropertyType::String,
    };
    let common = Some(DistinguishedPropertySet::Common);
    let guid = Some("00062008-0000-0000-C000-000000000046");
    for bad in [
        extended(None, None, None, None, None),
        extended(common, guid, None, Some("n"), None),
        extended(common, None, None, Some("n"), Some(1)),
        extended(common, None, Some(1), None, None),
        extended(None, None, Some(1), Some("n"), None),
        extended(common, None, None, None, None),
        extended(None, None, None, Some("n"), None),
        extended(None, Some("not-a-guid"), None, Some("n"), None),
        extended(
            None,
            Some("00062008-0000-0000-C000-00000000004G"),
            None,
            None,
            Some(1),
        ),
        extended(common, None, None, Some(""), None),
        extended(common, None, None, Some("a\u{0}b"), None),
        extended(common, None, None, Some(&"n".repeat(1 << 20)), None),
        PropertyPath::field("item:NoSuchThing"),
        PropertyPath::field("<&\"'>"),
        PropertyPath::field(""),
        PropertyPath::indexed("contacts:EmailAddress", "EmailAddress4"),
        PropertyPath::indexed("contacts:EmailAddresses", "EmailAddress1"),
        PropertyPath::indexed("item:InternetMessageHeader", "X:Bad"),
        PropertyPath::indexed("item:InternetMessageHeader", ""),
        PropertyPath::indexed("item:InternetMessageHeader", "X Space"),
    ] {
        is_invalid(bad.check_shape());
        is_invalid(bad.check(ExchangeVersion::Exchange2016));
    }
    extended(None, guid, None, None, Some(7))
        .check_shape()
        .unwrap();
    extended(common, None, None, Some("n"), None)
        .check_shape()
        .unwrap();
}

#[test]
fn never_requests_a_property_the_version_does_not_know() {
    for (uri, oldest) in [
        ("item:LastModifiedTime", ExchangeVersion::Exchange2010),
        ("item:UniqueBody", ExchangeVersion::Exchange2010),
        ("calendar:StartTimeZoneId", ExchangeVersion::Exchange2013),
        ("calendar:EnhancedLocation", ExchangeVersion::Exchange2016),
    ] {
        let path = PropertyPath::field(uri);
        path.check_shape().unwrap();
        for version in ExchangeVersion::ALL {
            let checked = path.check(version);
            if version < oldest {
                assert!(is_invalid(checked).contains("or later"), "{uri} {version}");
            } else {
                checked.unwrap();
            }
        }
        let shape = ItemShape::new(BaseShape::IdOnly).with(path.clone());
        is_invalid(shape.check(ExchangeVersion::Exchange2007Sp1));
        let order = SortOrder::new(vec![(path.clone(), SortDirection::Ascending)]).unwrap();
        is_invalid(order.check(ExchangeVersion::Exchange2007Sp1));
        let nested = Restriction::not(Restriction::or(vec![
            Restriction::exists(subject()),
            Restriction::is_equal_to(subject(), path),
        ]));
        nested.check_shape().unwrap();
        is_invalid(nested.check(ExchangeVersion::Exchange2007Sp1));
    }
}

#[test]
fn writes_every_operator() {
    let t = Utc.with_ymd_and_hms(2026, 4, 1, 8, 0, 0).unwrap();
    let start = PropertyPath::field("calendar:Start");
    let r = Restriction::and(vec![
        Restriction::is_equal_to(subject(), "a"),
        Restriction::is_not_equal_to(subject(), true),
        Restriction::is_greater_than(start.clone(), t),
        Restriction::is_greater_than_or_equal_to(start.clone(), 5i64),
        Restriction::is_less_than(start.clone(), PropertyPath::field("calendar:End")),
        Restriction::is_less_than_or_equal_to(start, String::from("x")),
        Restriction::or(vec![Restriction::not(Restriction::exists(subject()))]),
        Restriction::contains(
            subject(),
            "Review",
            ContainmentMode::Substring,
            ContainmentComparison::IgnoreCase,
        ),
    ]);
    r.check(ExchangeVersion::Exchange2007Sp1).unwrap();
    let xml = written(|w| r.write(w));
    for part in [
        r#"<t:And><t:IsEqualTo><t:FieldURI FieldURI="item:Subject"/><t:FieldURIOrConstant><t:Constant Value="a"/></t:FieldURIOrConstant></t:IsEqualTo>"#,
        r#"<t:IsNotEqualTo><t:FieldURI FieldURI="item:Subject"/><t:FieldURIOrConstant><t:Constant Value="true"/>"#,
        r#"<t:IsGreaterThan><t:FieldURI FieldURI="calendar:Start"/><t:FieldURIOrConstant><t:Constant Value="2026-04-01T08:00:00Z"/>"#,
        r#"<t:IsGreaterThanOrEqualTo><t:FieldURI FieldURI="calendar:Start"/><t:FieldURIOrConstant><t:Constant Value="5"/>"#,
        r#"<t:FieldURIOrConstant><t:FieldURI FieldURI="calendar:End"/></t:FieldURIOrConstant></t:IsLessThan>"#,
        "<t:IsLessThanOrEqualTo>",
        r#"<t:Or><t:Not><t:Exists><t:FieldURI FieldURI="item:Subject"/></t:Exists></t:Not></t:Or>"#,
        r#"<t:Contains ContainmentMode="Substring" ContainmentComparison="IgnoreCase"><t:FieldURI FieldURI="item:Subject"/><t:Constant Value="Review"/></t:Contains></t:And>"#,
    ] {
        assert!(xml.contains(part), "{part} in {xml}");
    }
    assert_eq!(
        Comparison::GreaterOrEqual.as_str(),
        "IsGreaterThanOrEqualTo"
    );
}

#[test]
fn escapes_markup_in_constants_and_refuses_what_xml_cannot_carry() {
    let hostile = "<&\"'> ]]> \u{e9}\r\n\t";
    let r = Restriction::is_equal_to(subject(), hostile);
    r.check_shape().unwrap();
    let xml = format!("<r>{}</r>", written(|w| r.write(w)));
    let root = parse(xml.as_bytes()).unwrap();
    let constant = root.children()[0].children()[1].children()[0].attribute("Value");
    assert_eq!(constant, Some(hostile));
    for bad in ["a\u{0}", "\u{1}", "\u{B}", "x\u{1F}", "\u{FFFF}"] {
        let reason = is_invalid(Restriction::is_equal_to(subject(), bad).check_shape());
        assert!(reason.contains("U+"), "{reason}");
        is_invalid(
            Restriction::contains(
                subject(),
                bad,
                ContainmentMode::FullString,
                ContainmentComparison::Exact,
            )
            .check_shape(),
        );
    }
    let huge = "x".repeat(1 << 20);
    is_invalid(Restriction::is_equal_to(subject(), huge.as_str()).check_shape());
    Restriction::is_equal_to(subject(), "x".repeat(MAX_CONSTANT_CHARS))
        .check_shape()
        .unwrap();
}

#[test]
fn bounds_nesting_and_refuses_empty_operators() {
    let mut deep = Restriction::exists(subject());
    for _ in 0..1000 {
        deep = Restriction::not(deep);
    }
    assert!(is_invalid(deep.check_shape()).contains("nested deeper"));
    let mut wide = Restriction::exists(subject());
    for _ in 0..1000 {
        wide = Restriction::and(vec![wide, Restriction::exists(subject())]);
    }
    is_invalid(wide.check(ExchangeVersion::Exchange2016));
    let mut allowed = Restriction::exists(subject());
    for _ in 1..MAX_RESTRICTION_DEPTH {
        allowed = Restriction::or(vec![allowed]);
    }
    allowed.check_shape().unwrap();
    is_invalid(Restriction::not(allowed).check_shape());
    is_invalid(Restriction::and(vec![]).check_shape());
    is_invalid(Restriction::not(Restriction::or(vec![])).check_shape());
}

#[test]
fn writes_shapes_and_sort_orders() {
    let shape = ItemShape::new(BaseShape::AllProperties)
        .with_body_type(BodyFormat::Html)
        .with(subject());
    shape.check(ExchangeVersion::Exchange2007Sp1).unwrap();
    assert_eq!(
        written(|w| shape.write(w)),
        r#"<m:ItemShape><t:BaseShape>AllProperties</t:BaseShape><t:BodyType>HTML</t:BodyType><t:AdditionalProperties><t:FieldURI FieldURI="item:Subject"/></t:AdditionalProperties></m:ItemShape>"#
    );
    assert_eq!(
        written(|w| ItemShape::default().write(w)),
        "<m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape>"
    );
    let order = SortOrder::new(vec![
        (subject(), SortDirection::Descending),
        (
            PropertyPath::field("calendar:Start"),
            SortDirection::Ascending,
        ),
    ])
    .unwrap();
    assert_eq!(order.keys().len(), 2);
    assert_eq!(
        written(|w| order.write(w)),
        r#"<m:SortOrder><t:FieldOrder Order="Descending"><t:FieldURI FieldURI="item:Subject"/></t:FieldOrder><t:FieldOrder Order="Ascending"><t:FieldURI FieldURI="calendar:Start"/></t:FieldOrder></m:SortOrder>"#
    );
    is_invalid(SortOrder::new(vec![]));
    is_invalid(SortOrder::new(vec![(
        PropertyPath::field("nope"),
        SortDirection::Ascending,
    )]));
    is_invalid(SortOrder::new(vec![
        (subject(), SortDirection::Ascending);
        MAX_PATHS + 1
    ]));
    let crowded = ItemShape {
        additional: vec![subject(); MAX_PATHS + 1],
        ..ItemShape::default()
    };
    is_invalid(crowded.check_shape());
    is_invalid(
        ItemShape::default()
            .with(PropertyPath::field("x"))
            .check_shape(),
    );
}
