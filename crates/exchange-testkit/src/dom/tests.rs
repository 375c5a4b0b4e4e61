//! Parsing of well-formed, malformed and hostile documents.

use super::*;

const T: &str = "http://schemas.microsoft.com/exchange/services/2006/types";

#[test]
fn resolves_prefixes_and_default_namespaces() {
    let root = parse(
        br#"<?xml version="1.0"?><a:Root xmlns:a="urn:a" xmlns="urn:d"><Child Id="x &amp; y"/><a:Other>t&lt;&#x41;&#66;<![CDATA[<c>]]></a:Other></a:Root>"#,
    )
    .unwrap();
    assert!(root.is("urn:a", "Root"));
    assert!(root.children[0].is("urn:d", "Child"));
    assert_eq!(root.children[0].attr("Id"), Some("x & y"));
    assert_eq!(
        root.child("urn:a", "Other").map(Element::text),
        Some("t<AB<c>")
    );
}

#[test]
fn records_lines_and_positions() {
    let root = parse(b"<a>\n  <b/>\n\t<c/></a>").unwrap();
    assert_eq!(root.at, (1, 1));
    assert_eq!(root.children[0].at, (2, 3));
    assert_eq!(root.children[1].at, (3, 2));
}

#[test]
fn ignores_qualified_attributes_but_checks_their_prefix() {
    let root = parse(
        format!(r#"<t:X xmlns:t="{T}" xmlns:xsi="urn:xsi" xsi:type="y" xml:lang="en" Id="1"/>"#)
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(root.attr("Id"), Some("1"));
    assert_eq!(root.attr("type"), None);
    let err = parse(br#"<X foo:bar="1"/>"#).unwrap_err();
    assert!(err.to_string().contains("foo"), "{err}");
}

fn refused(input: &[u8]) -> Error {
    match parse(input) {
        Ok(root) => panic!("accepted {:?} as {root:?}", String::from_utf8_lossy(input)),
        Err(e) => e,
    }
}

#[test]
fn refuses_documents_that_are_not_well_formed() {
    for bad in [
        &b""[..],
        b"   ",
        b"<a>",
        b"<a></b>",
        b"</a>",
        b"<a/><b/>",
        b"<a/>text",
        b"text<a/>",
        b"<a x='1' x='2'/>",
        b"<a x=1/>",
        b"<p:a/>",
        b"<a>&unknown;</a>",
        b"<a>&#0;</a>",
        b"<a>&#x1;</a>",
        b"<a>\x01</a>",
        b"<a b='\x02'/>",
        b"<a>&#xFFFFFFFF;</a>",
        b"<a>\xff\xfe</a>",
        b"<a",
        b"<a><!-- unterminated",
        b"<a><![CDATA[ unterminated",
        b"<?xml version='1.0'?>",
    ] {
        let e = refused(bad);
        assert!(
            e.is_malformed(),
            "{:?} gave {e}",
            String::from_utf8_lossy(bad)
        );
    }
}

#[test]
fn refuses_doctype_and_entity_expansion() {
    let laughs = br#"<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>
<lolz>&lol2;</lolz>"#;
    assert!(matches!(
        refused(laughs),
        Error::DoctypeProhibited {
            line: 2,
            position: 1
        }
    ));
    let external = br#"<!DOCTYPE a SYSTEM "file:///etc/passwd"><a/>"#;
    assert!(matches!(refused(external), Error::DoctypeProhibited { .. }));
}

#[test]
fn refuses_deep_nesting_and_too_many_elements() {
    let deep = format!(
        "{}{}",
        "<a>".repeat(MAX_DEPTH + 1),
        "</a>".repeat(MAX_DEPTH + 1)
    );
    assert_eq!(
        refused(deep.as_bytes()),
        Error::TooComplex {
            what: "nesting levels",
            limit: MAX_DEPTH
        }
    );
    let wide = format!("<a>{}</a>", "<b/>".repeat(MAX_ELEMENTS));
    assert_eq!(
        refused(wide.as_bytes()),
        Error::TooComplex {
            what: "elements",
            limit: MAX_ELEMENTS
        }
    );
    let fine = format!("{}{}", "<a>".repeat(MAX_DEPTH), "</a>".repeat(MAX_DEPTH));
    assert!(parse(fine.as_bytes()).is_ok());
}

#[test]
fn accepts_a_byte_order_mark_and_huge_values() {
    let mut doc = "\u{FEFF}<a v=\"".to_owned();
    doc.push_str(&"x".repeat(1 << 20));
    doc.push_str("\"/>");
    let root = parse(doc.as_bytes()).unwrap();
    assert_eq!(root.attr("v").map(str::len), Some(1 << 20));
}

#[test]
fn never_panics_on_prefixes_of_a_document() {
    let doc = format!(
        r#"<?xml version="1.0"?><s:E xmlns:s="urn:s" xmlns:t="{T}"><s:B><t:I Id="AA==" C="&quot;é"/>x&amp;y<!--c--><![CDATA[z]]></s:B></s:E>"#
    );
    for end in 0..doc.len() {
        let _ = parse(&doc.as_bytes()[..end]);
    }
    assert!(parse(doc.as_bytes()).is_ok());
}

#[test]
fn never_panics_on_random_bytes() {
    let mut state = 0x2545_F491_4F6C_DD1Du64;
    for round in 0..2_000 {
        let mut bytes = Vec::new();
        for _ in 0..(round % 97) {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            // Mostly markup characters, so that the parser gets past the first byte.
            let alphabet = b"<>/=\"'&;#x:!?[]-aZ \n\xc3\xa9\xff";
            bytes.push(alphabet[usize::try_from(state % alphabet.len() as u64).unwrap()]);
        }
        let _ = parse(&bytes);
    }
}
