use super::*;

fn refusal(xml: &str) -> XmlRefusal {
    match parse(xml.as_bytes()) {
        Err(EwsError::XmlRefused { refusal, .. }) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn malformed(xml: &[u8]) -> (u64, String) {
    match parse(xml) {
        Err(EwsError::MalformedXml { position, reason }) => (position, reason),
        other => panic!("expected malformed XML, got {other:?}"),
    }
}

#[test]
fn builds_a_tree_of_local_names() {
    let root = parse(
        br#"<?xml version="1.0"?><!-- c --><s:Envelope xmlns:s="urn:s" a="1"><s:Body>
        <m:X xmlns:m="urn:m" m:Attr="v">hi <![CDATA[<there>]]></m:X><Y/></s:Body></s:Envelope>"#,
    )
    .unwrap();
    assert_eq!(root.name(), "Envelope");
    assert_eq!(root.attribute("a"), Some("1"));
    assert_eq!(
        root.attribute("s"),
        None,
        "namespace declarations are not attributes"
    );
    let body = root.required_child("Body").unwrap();
    let x = body.child("X").unwrap();
    assert_eq!(x.attribute("Attr"), Some("v"));
    assert_eq!(x.text(), "hi <there>");
    assert_eq!(body.children().len(), 2);
    assert_eq!(body.child_text("Y"), Some(""));
    let err = body.required_child("Z").unwrap_err();
    assert_eq!(err.to_string(), "the response has no <Z> in <Body>");
}

#[test]
fn resolves_predefined_and_character_references() {
    let root = parse(br#"<a v="x &amp; &lt;y&gt; &#x41;&#66; &quot;&apos;">&lt;&amp;&gt;&quot;&apos;&#x263A;&#9731;</a>"#)
        .unwrap();
    assert_eq!(root.attribute("v"), Some("x & <y> AB \"'"));
    assert_eq!(root.text(), "<&>\"'\u{263A}\u{2603}");
}

#[test]
fn tolerates_control_characters_in_references_and_text() {
    let root = parse(b"<a v=\"&#x11;\">x&#x11;y&#1;\x02z&#0;</a>").unwrap();
    assert_eq!(root.text(), "x\u{11}y\u{1}\u{2}z\u{FFFD}");
    assert_eq!(root.attribute("v"), Some("\u{11}"));
    let root = parse(b"<a>&#xD800;&#x110000;&#99999999999;</a>").unwrap();
    assert_eq!(root.text(), "\u{FFFD}\u{FFFD}\u{FFFD}");
}

#[test]
fn normalises_line_breaks() {
    let root = parse(b"<a v=\"1\r\n2\t3\">l1\r\nl2\rl3</a>").unwrap();
    assert_eq!(root.attribute("v"), Some("1 2 3"));
    assert_eq!(root.text(), "l1\nl2\nl3");
}

#[test]
fn skips_a_byte_order_mark() {
    let root = parse(b"\xEF\xBB\xBF<a>1</a>").unwrap();
    assert_eq!(root.text(), "1");
}

#[test]
fn refuses_document_types_and_entity_declarations() {
    assert_eq!(
        refusal(r#"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x "boom">]><a>&x;</a>"#),
        XmlRefusal::DocumentType
    );
    assert_eq!(
        refusal(r#"<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>"#),
        XmlRefusal::DocumentType
    );
    match parse(br#"<!DOCTYPE a><a/>"#) {
        Err(EwsError::XmlRefused { position, .. }) => assert_eq!(position, 0),
        other => panic!("{other:?}"),
    }
}

#[test]
fn refuses_undeclared_entities() {
    let (_, reason) = malformed(b"<a>&x;</a>");
    assert!(reason.contains("&x;"), "{reason}");
    let (_, reason) = malformed(b"<a v=\"&nbsp;\"/>");
    assert!(reason.contains("nbsp"), "{reason}");
    malformed(b"<a v=\"a & b\"/>");
    malformed(b"<a>&#xZZ;</a>");
    malformed(b"<a>&#;</a>");
}

#[test]
fn refuses_deep_nesting_and_too_many_elements() {
    let deep = "<a>".repeat(MAX_DEPTH + 1) + &"</a>".repeat(MAX_DEPTH + 1);
    assert_eq!(
        refusal(&deep),
        XmlRefusal::NestingTooDeep { limit: MAX_DEPTH }
    );
    let ok = "<a>".repeat(MAX_DEPTH) + &"</a>".repeat(MAX_DEPTH);
    assert!(parse(ok.as_bytes()).is_ok());
    let many = format!("<a>{}</a>", "<b/>".repeat(MAX_ELEMENTS));
    assert_eq!(
        refusal(&many),
        XmlRefusal::TooManyElements {
            limit: MAX_ELEMENTS
        }
    );
}

#[test]
fn reports_truncation_with_a_position() {
    let doc = b"<a><b>text</b><c x=\"1\"";
    let (position, _) = malformed(doc);
    assert!(position <= doc.len() as u64);
    let (position, reason) = malformed(b"<a><b>text</b>");
    assert_eq!(position, 14);
    assert!(reason.contains("<a>"), "{reason}");
    malformed(b"<a><b></a>");
    malformed(b"</a>");
}

#[test]
fn reports_other_malformations() {
    assert!(malformed(b"").1.contains("no root"));
    assert!(malformed(b"   \n ").1.contains("no root"));
    assert!(malformed(b"<a/><b/>").1.contains("second root"));
    assert!(malformed(b"<a></a><b></b>").1.contains("second root"));
    assert!(malformed(b"junk<a/>").1.contains("outside"));
    assert!(malformed(b"<a/>junk").1.contains("outside"));
    malformed(b"<a x=\"1\" x=\"2\"/>");
    malformed(b"<a x=1/>");
    let (position, reason) = malformed(b"<a>\xFF</a>");
    assert_eq!(position, 3);
    assert!(reason.contains("UTF-8"));
}

#[test]
fn refuses_names_that_are_not_qualified_names() {
    for doc in [
        &b"<t:a:b/>"[..],
        b"<a><t:Parent\0:Id/></a>",
        b"<a><:b/></a>",
        b"<a><b: x=\"1\"/></a>",
        b"<a x:y:z=\"1\"/>",
    ] {
        match parse(doc) {
            Err(EwsError::MalformedXml { reason, .. }) => {
                assert!(reason.contains("qualified XML name"), "{reason}");
            }
            other => panic!("{:?}: {other:?}", String::from_utf8_lossy(doc)),
        }
    }
    assert!(parse(b"<t:a xmlns:t=\"urn:t\" t:x=\"1\"><b/></t:a>").is_ok());
}
