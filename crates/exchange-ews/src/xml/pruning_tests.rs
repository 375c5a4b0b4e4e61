use super::*;

const PRUNING: Pruning = Pruning {
    rules: &[Prune {
        path: &["P"],
        keep: &["k1", "k2"],
    }],
};

fn names(e: &Element) -> Vec<&str> {
    e.children().iter().map(Element::name).collect()
}

#[test]
fn keeps_only_the_named_children_of_pruned_parents() {
    let doc = br#"<r xmlns:t="urn:t"><t:P a="1">text<t:k1 x="&amp;1">v&lt;</t:k1><t:drop y="2"><deep>z</deep></t:drop>more<k2/><drop/></t:P><other><drop>kept</drop></other></r>"#;
    let full = parse(doc).unwrap();
    let pruned = parse_pruned(doc, PRUNING).unwrap();
    let p = pruned.required_child("P").unwrap();
    assert_eq!(names(p), ["k1", "k2"]);
    assert_eq!(
        p.attribute("a"),
        Some("1"),
        "the parent keeps its attributes"
    );
    assert_eq!(p.text(), "", "the parent's own text is left out");
    assert_eq!(p.child("k1"), full.required_child("P").unwrap().child("k1"));
    assert_eq!(p.child("k1").unwrap().attribute("x"), Some("&1"));
    assert_eq!(p.child_text("k1"), Some("v<"));
    assert_eq!(
        pruned.child("other"),
        full.child("other"),
        "other parents are whole"
    );
    assert_eq!(names(&full), names(&pruned));
}

#[test]
fn prunes_parents_at_any_depth_and_inside_kept_children() {
    let doc = b"<P><k1><P><x/><k2>in</k2></P></k1><x><P><k1/></P></x></P>";
    let pruned = parse_pruned(doc, PRUNING).unwrap();
    assert_eq!(
        names(&pruned),
        ["k1"],
        "the root itself can be a pruned parent"
    );
    let inner = pruned
        .required_child("k1")
        .unwrap()
        .required_child("P")
        .unwrap();
    assert_eq!(names(inner), ["k2"]);
    assert_eq!(inner.child_text("k2"), Some("in"));
}

#[test]
fn without_a_pruned_parent_the_trees_are_equal() {
    let doc = br#"<a x="1"> <b>t&#x11;</b><c><![CDATA[<d>]]></c><k1/> </a>"#;
    assert_eq!(parse_pruned(doc, PRUNING).unwrap(), parse(doc).unwrap());
}

/// Documents whose fault lies inside a left-out child: the pruned parse must refuse each,
/// as the full parse does.
const HOSTILE: &[&[u8]] = &[
    b"<P><drop>&nbsp;</drop></P>",
    b"<P><drop>&#xZZ;</drop></P>",
    b"<P><drop v=\"&nbsp;\"/></P>",
    b"<P><drop><x v=\"a & b\"/></drop></P>",
    b"<P><drop x=\"1\" x=\"2\"/></P>",
    b"<P><drop x=1/></P>",
    b"<P><drop><x></drop></P>",
    b"<P><drop></x></drop></P>",
    b"<P><drop><x>",
    b"<P><drop>text",
    b"<P><drop><![CDATA[never closed</drop></P>",
    b"<P><drop>\xFF</drop></P>",
    b"<P><drop><!DOCTYPE x></drop></P>",
    b"<P><drop/></P><P/>",
    b"<P><drop/></P>junk",
    b"<P><drop><!-- unterminated </drop></P>",
];

#[test]
fn refuses_what_the_full_parse_refuses() {
    for doc in HOSTILE {
        let full = parse(doc);
        let pruned = parse_pruned(doc, PRUNING);
        assert!(full.is_err(), "{:?}", String::from_utf8_lossy(doc));
        assert!(pruned.is_err(), "{:?}", String::from_utf8_lossy(doc));
    }
}

#[test]
fn counts_left_out_elements_against_the_limits() {
    let nested = |depth: usize| {
        // `P` and `drop` are two levels; the rest nest inside the left-out child.
        let inner = depth - 2;
        format!(
            "<P><drop>{}{}</drop></P>",
            "<x>".repeat(inner),
            "</x>".repeat(inner)
        )
    };
    let ok = nested(MAX_DEPTH);
    assert!(parse(ok.as_bytes()).is_ok());
    assert!(parse_pruned(ok.as_bytes(), PRUNING).is_ok());
    let deep = nested(MAX_DEPTH + 1);
    for result in [
        parse(deep.as_bytes()),
        parse_pruned(deep.as_bytes(), PRUNING),
    ] {
        assert!(matches!(
            result,
            Err(EwsError::XmlRefused {
                refusal: XmlRefusal::NestingTooDeep { .. },
                ..
            })
        ));
    }
    let many = format!("<P><drop>{}</drop></P>", "<x/>".repeat(MAX_ELEMENTS));
    assert!(matches!(
        parse_pruned(many.as_bytes(), PRUNING),
        Err(EwsError::XmlRefused {
            refusal: XmlRefusal::TooManyElements { .. },
            ..
        })
    ));
}

#[test]
fn truncation_inside_a_left_out_child_is_reported() {
    match parse_pruned(b"<P><drop><x>", PRUNING) {
        Err(EwsError::MalformedXml { position, reason }) => {
            assert_eq!(position, 12);
            assert!(reason.contains("ends inside"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn prunes_by_path_only_where_the_ancestors_match() {
    const HOLLOW: Pruning = Pruning {
        rules: &[Prune {
            path: &["Items", "Item", "Zone"],
            keep: &[],
        }],
    };
    let doc = br#"<r><Items><Item><Zone Id="z">t<p/><q><r/></q></Zone><Other><Item><Zone><p/></Zone></Item></Other></Item></Items><Zone><p/></Zone></r>"#;
    let full = parse(doc).unwrap();
    let pruned = parse_pruned(doc, HOLLOW).unwrap();
    let item = pruned
        .required_child("Items")
        .unwrap()
        .required_child("Item")
        .unwrap();
    let zone = item.required_child("Zone").unwrap();
    assert_eq!(zone.attribute("Id"), Some("z"));
    assert!(zone.children().is_empty() && zone.text().is_empty());
    assert_eq!(
        item.child("Other"),
        full.required_child("Items")
            .unwrap()
            .required_child("Item")
            .unwrap()
            .child("Other"),
        "a nested item is not below the path"
    );
    assert_eq!(pruned.child("Zone"), full.child("Zone"));
    // Indented, the pruned element keeps no white space as its text either.
    let indented = b"<r>\n  <Items>\n    <Item>\n      <Zone Id=\"z\">\n        <p/>\n      </Zone>\n    </Item>\n  </Items>\n</r>";
    let pruned = parse_pruned(indented, HOLLOW).unwrap();
    let zone = pruned
        .required_child("Items")
        .unwrap()
        .required_child("Item")
        .unwrap()
        .required_child("Zone")
        .unwrap();
    assert_eq!(zone.attribute("Id"), Some("z"));
    assert!(zone.children().is_empty() && zone.text().is_empty());
    for doc in HOSTILE {
        assert!(parse_pruned(doc, HOLLOW).is_err());
    }
    assert!(parse_pruned(
        b"<Items><Item><Zone><x>&nbsp;</x></Zone></Item></Items>",
        HOLLOW
    )
    .is_err());
}
