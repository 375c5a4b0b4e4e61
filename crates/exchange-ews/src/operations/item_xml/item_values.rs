//! The structured values items share: attachment summaries and extended properties; and
//! the typed reading of an item kept as a generic [`Node`].

use super::item::item;
use crate::attachments::AttachmentSummary;
use crate::decoded::Node;
use crate::items::{
    DistinguishedPropertySet, ExtendedProperty, ExtendedValue, MapiPropertyType, PropertyPath,
};
use crate::operations::reading::{self, count, date_time, invalid, text};
use crate::xml::Element;
use crate::{EwsError, Item};

/// Reads `t:Attachments`: one summary per attachment element, whatever its kind.
pub(crate) fn attachments(list: &Element) -> Result<Vec<AttachmentSummary>, EwsError> {
    list.children()
        .iter()
        .map(|a| {
            Ok(AttachmentSummary {
                kind: a.name().to_owned(),
                id: a
                    .child("AttachmentId")
                    .and_then(|i| i.attribute("Id"))
                    .map(str::trim)
                    .filter(|i| !i.is_empty())
                    .map(str::to_owned),
                name: text(a, "Name"),
                content_type: text(a, "ContentType"),
                content_id: text(a, "ContentId"),
                size: count(a, "Size")?.map(u64::from),
                last_modified_time: date_time(a, "LastModifiedTime")?,
                is_inline: reading::boolean(a, "IsInline")?,
            })
        })
        .collect()
}

/// Reads a `t:ExtendedProperty`: its path (`t:ExtendedFieldURI`) and its value or values.
pub(crate) fn extended_property(e: &Element) -> Result<ExtendedProperty, EwsError> {
    let uri = e.required_child("ExtendedFieldURI")?;
    let attribute = |name: &str| uri.attribute(name).map(str::trim).filter(|v| !v.is_empty());
    let distinguished = attribute("DistinguishedPropertySetId")
        .map(|v| {
            DistinguishedPropertySet::ALL
                .iter()
                .copied()
                .find(|s| s.as_str() == v)
                .ok_or_else(|| {
                    invalid(
                        "ExtendedFieldURI@DistinguishedPropertySetId",
                        v,
                        "a distinguished property set",
                    )
                })
        })
        .transpose()?;
    let tag = attribute("PropertyTag")
        .map(|v| {
            property_tag(v).ok_or_else(|| {
                invalid(
                    "ExtendedFieldURI@PropertyTag",
                    v,
                    "a property tag from 0 to 0xFFFF",
                )
            })
        })
        .transpose()?;
    let id = attribute("PropertyId")
        .map(|v| {
            v.parse::<i32>()
                .map_err(|_| invalid("ExtendedFieldURI@PropertyId", v, "an xs:int"))
        })
        .transpose()?;
    let kind = attribute("PropertyType").ok_or_else(|| EwsError::MissingElement {
        element: "@PropertyType".into(),
        parent: "ExtendedFieldURI".into(),
    })?;
    let property_type = MapiPropertyType::ALL
        .iter()
        .copied()
        .find(|t| t.as_str() == kind)
        .ok_or_else(|| {
            invalid(
                "ExtendedFieldURI@PropertyType",
                kind,
                "a MAPI property type",
            )
        })?;
    let value = match (e.child("Value"), e.child("Values")) {
        (Some(v), _) => ExtendedValue::Single(v.text().to_owned()),
        (None, Some(list)) => ExtendedValue::Array(
            list.children()
                .iter()
                .filter(|v| v.name() == "Value")
                .map(|v| v.text().to_owned())
                .collect(),
        ),
        (None, None) => {
            return Err(EwsError::MissingElement {
                element: "Value".into(),
                parent: "ExtendedProperty".into(),
            })
        }
    };
    Ok(ExtendedProperty {
        path: PropertyPath::Extended {
            distinguished_property_set_id: distinguished,
            property_set_id: attribute("PropertySetId").map(str::to_owned),
            property_tag: tag,
            property_name: uri.attribute("PropertyName").map(str::to_owned),
            property_id: id,
            property_type,
        },
        value,
    })
}

/// A property tag as Exchange writes it (`0x1000`) or as a decimal number.
fn property_tag(text: &str) -> Option<u16> {
    match text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        Some(hex) => u16::from_str_radix(hex, 16).ok(),
        None => text.parse().ok(),
    }
}

/// Reads an item kept as a generic node (by [`GetItems`](crate::items::GetItems) or a sync) into
/// the struct of its kind.
pub(crate) fn item_from_node(node: &Node) -> Result<Item, EwsError> {
    item(&Element::from(node))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    #[test]
    fn reads_property_tags_in_hex_and_decimal() {
        assert_eq!(property_tag("0x1081"), Some(0x1081));
        assert_eq!(property_tag("0XFFFF"), Some(0xFFFF));
        assert_eq!(property_tag("4225"), Some(4225));
        for bad in ["0x10000", "0x", "-1", "x10", "65536", ""] {
            assert_eq!(property_tag(bad), None, "{bad}");
        }
    }

    #[test]
    fn nodes_read_as_the_elements_they_were_made_from() {
        let xml = "<Message a=\"&quot;&lt;&amp;&#9;&#10;&#13;\"><ItemId Id=\"1\"/>\
                   <Subject>&lt;b&gt; &amp; \"q\"&#13;\n</Subject><Empty/>\
                   <ToRecipients>\n  <Mailbox><Name> A </Name></Mailbox>\n</ToRecipients>\
                   </Message>";
        let element = parse(xml.as_bytes()).unwrap();
        let node = Node::from(&element);
        assert_eq!(Element::from(&node), element);
        assert_eq!(item_from_node(&node).unwrap(), item(&element).unwrap());
        assert_eq!(node.attribute("a"), Some("\"<&\t\n\r"));
    }
}
