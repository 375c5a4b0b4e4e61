//! Decoding of restrictions and sort orders, valid, malformed and hostile.

use super::*;
use crate::dom;

fn find(inner: &str) -> Result<Request, Error> {
    let xml = format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<soap:Envelope xmlns:soap="{SOAP}" xmlns:t="{TYPES}" xmlns:m="{MESSAGES}"><soap:Body>
<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape>{inner}
<m:ParentFolderIds><t:DistinguishedFolderId Id="calendar"/></m:ParentFolderIds></m:FindItem>
</soap:Body></soap:Envelope>"#
    );
    let root = dom::parse(xml.as_bytes())?;
    decode(&envelope(&root)?)
}

fn query(inner: &str) -> (Option<Filter>, Vec<(PathRef, bool)>) {
    match find(inner) {
        Ok(Request {
            operation: Operation::FindItem(find),
            ..
        }) => (find.restriction, find.sort),
        other => panic!("{inner}: {other:?}"),
    }
}

fn refused(inner: &str) {
    assert!(
        matches!(find(inner), Err(Error::SchemaViolation { .. })),
        "{inner}: {:?}",
        find(inner)
    );
}

fn subject() -> PathRef {
    PathRef::Field("item:Subject".into())
}

#[test]
fn decodes_expressions_and_sort_keys() {
    let (filter, sort) = query(
        r#"<m:Restriction><t:And>
        <t:IsEqualTo><t:FieldURI FieldURI="item:Subject"/><t:FieldURIOrConstant><t:Constant Value="a&amp;b"/></t:FieldURIOrConstant></t:IsEqualTo>
        <t:Not><t:Exists><t:IndexedFieldURI FieldURI="contacts:EmailAddress" FieldIndex="EmailAddress1"/></t:Exists></t:Not>
        <t:Or><t:Contains ContainmentMode="Prefixed" ContainmentComparison="LooseAndIgnoreCase"><t:FieldURI FieldURI="item:Subject"/><t:Constant Value="x"/></t:Contains>
        <t:IsLessThan><t:FieldURI FieldURI="calendar:Start"/><t:FieldURIOrConstant><t:FieldURI FieldURI="calendar:End"/></t:FieldURIOrConstant></t:IsLessThan></t:Or>
        </t:And></m:Restriction>
        <m:SortOrder><t:FieldOrder Order="Descending"><t:FieldURI FieldURI="item:Subject"/></t:FieldOrder>
        <t:FieldOrder Order="Ascending"><t:ExtendedFieldURI PropertyTag="0x37" PropertyType="String"/></t:FieldOrder></m:SortOrder>"#,
    );
    let Some(Filter::And(all)) = filter else {
        panic!("not an and")
    };
    assert_eq!(
        all[0],
        Filter::Compare(
            Comparison::Equal,
            subject(),
            Operand::Constant("a&b".into())
        )
    );
    assert_eq!(
        all[1],
        Filter::Not(Box::new(Filter::Exists(PathRef::Indexed {
            uri: "contacts:EmailAddress".into(),
            index: "EmailAddress1".into(),
        })))
    );
    let Filter::Or(any) = &all[2] else {
        panic!("not an or")
    };
    assert_eq!(
        any[0],
        Filter::Contains {
            path: subject(),
            value: "x".into(),
            mode: "Prefixed".into(),
            ignore_case: true,
        }
    );
    assert!(matches!(
        &any[1],
        Filter::Compare(Comparison::Less, _, Operand::Path(_))
    ));
    assert_eq!(sort.len(), 2);
    assert_eq!(sort[0], (subject(), true));
    assert!(matches!(sort[1], (PathRef::Extended(_), false)));
}

#[test]
fn refuses_malformed_restrictions_and_sort_orders() {
    let eq = r#"<t:IsEqualTo><t:FieldURI FieldURI="item:Subject"/><t:FieldURIOrConstant><t:Constant Value="a"/></t:FieldURIOrConstant></t:IsEqualTo>"#;
    for bad in [
        "<m:Restriction/>".to_owned(),
        format!("<m:Restriction>{eq}{eq}</m:Restriction>"),
        "<m:Restriction><t:And/></m:Restriction>".to_owned(),
        format!("<m:Restriction><t:Not>{eq}{eq}</t:Not></m:Restriction>"),
        format!("<m:Restriction><m:And>{eq}</m:And></m:Restriction>"),
        "<m:Restriction><t:Bogus/></m:Restriction>".to_owned(),
        r#"<m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="item:Subject"/></t:IsEqualTo></m:Restriction>"#.to_owned(),
        eq.replace(r#" Value="a""#, "").replace("<t:IsEqualTo>", "<m:Restriction><t:IsEqualTo>") + "</m:Restriction>",
        eq.replace(r#"FieldURI="item:Subject""#, "").replace("<t:IsEqualTo>", "<m:Restriction><t:IsEqualTo>") + "</m:Restriction>",
        r#"<m:Restriction><t:Contains ContainmentMode="Everywhere"><t:FieldURI FieldURI="item:Subject"/><t:Constant Value="a"/></t:Contains></m:Restriction>"#.to_owned(),
        r#"<m:Restriction><t:Contains><t:FieldURI FieldURI="item:Subject"/></t:Contains></m:Restriction>"#.to_owned(),
        r#"<m:Restriction><t:Exists/></m:Restriction>"#.to_owned(),
        "<m:SortOrder/>".to_owned(),
        r#"<m:SortOrder><t:FieldOrder Order="Sideways"><t:FieldURI FieldURI="item:Subject"/></t:FieldOrder></m:SortOrder>"#.to_owned(),
        r#"<m:SortOrder><t:FieldOrder Order="Ascending"/></m:SortOrder>"#.to_owned(),
        r#"<m:SortOrder><t:Other/></m:SortOrder>"#.to_owned(),
    ] {
        refused(&bad);
    }
    // Too deep for the request reader at all.
    let deep = format!(
        "<m:Restriction>{}{eq}{}</m:Restriction>",
        "<t:Not>".repeat(100),
        "</t:Not>".repeat(100)
    );
    assert!(find(&deep).is_err());
    // Truncated.
    assert!(find("<m:Restriction><t:Not>").is_err());
}

#[test]
fn keeps_hostile_constants_and_marks_what_it_cannot_evaluate() {
    let big = "x".repeat(1 << 20);
    let (filter, _) = query(&format!(
        r#"<m:Restriction><t:Or><t:Contains><t:FieldURI FieldURI="item:Subject"/><t:Constant Value="&lt;&amp;&quot;'&#x9;{big}"/></t:Contains>
        <t:Excludes><t:FieldURI FieldURI="item:Subject"/><t:Bitmask Value="0x1"/></t:Excludes></t:Or></m:Restriction>"#
    ));
    let Some(Filter::Or(any)) = filter else {
        panic!("not an or")
    };
    let Filter::Contains { value, mode, .. } = &any[0] else {
        panic!("not contains")
    };
    assert!(value.starts_with("<&\"'"));
    assert_eq!(value.len(), (1 << 20) + 5);
    assert_eq!(mode, "FullString");
    assert_eq!(any[1], Filter::Unsupported("Excludes".into()));
}
