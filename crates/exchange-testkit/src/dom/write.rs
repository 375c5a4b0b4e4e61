//! Writing request elements back as XML, for the properties an item keeps as sent.

use super::Element;
use crate::escape;
use crate::request::{MESSAGES, TYPES};

impl Element {
    /// Appends this element as XML: the EWS namespaces with the response's `t:` and `m:`
    /// prefixes, any other namespace declared on the element itself.
    pub(crate) fn write_to(&self, out: &mut String) {
        let (prefix, declare) = match self.ns.as_str() {
            TYPES => ("t:", None),
            MESSAGES => ("m:", None),
            "" => ("", None),
            other => ("", Some(other)),
        };
        out.push('<');
        out.push_str(prefix);
        out.push_str(&self.name);
        if let Some(ns) = declare {
            out.push_str(" xmlns=\"");
            out.push_str(&escape::attr(ns));
            out.push('"');
        }
        for (name, value) in self.attrs() {
            out.push(' ');
            out.push_str(name);
            out.push_str("=\"");
            out.push_str(&escape::attr(value));
            out.push('"');
        }
        if self.children.is_empty() && self.text().is_empty() {
            out.push_str("/>");
            return;
        }
        out.push('>');
        // EWS property elements hold either text or child elements, never both.
        if self.children.is_empty() {
            out.push_str(&escape::text(self.text()));
        }
        for child in &self.children {
            child.write_to(out);
        }
        out.push_str("</");
        out.push_str(prefix);
        out.push_str(&self.name);
        out.push('>');
    }

    /// This element as XML (see [`write_to`](Self::write_to)).
    pub(crate) fn to_xml(&self) -> String {
        let mut out = String::new();
        self.write_to(&mut out);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elements_round_trip_through_the_parser() {
        let xml = format!(
            "<t:A xmlns:t=\"{TYPES}\" Key=\"a&amp;&quot;b\"><t:B>x &lt; y</t:B><t:C/>\
             <D xmlns=\"urn:other\">z</D></t:A>"
        );
        let parsed = super::super::parse(xml.as_bytes()).unwrap();
        let written = parsed.to_xml();
        let wrapped = written.replacen("<t:A", &format!("<t:A xmlns:t=\"{TYPES}\""), 1);
        let again = super::super::parse(wrapped.as_bytes()).unwrap();
        assert_eq!(again.children, parsed.children);
        assert_eq!(again.attr("Key"), Some("a&\"b"));
        assert!(written.contains("<t:C/>"));
    }

    #[test]
    fn built_elements_write_as_expected() {
        let e = Element::new(TYPES, "Entry", "a<b")
            .with_attr("Key", "EmailAddress1")
            .with_child(Element::new(TYPES, "X", ""));
        assert_eq!(
            e.to_xml(),
            "<t:Entry Key=\"EmailAddress1\"><t:X/></t:Entry>"
        );
        let e = Element::new(TYPES, "Entry", "a<b").with_attr("Key", "k");
        assert_eq!(e.to_xml(), "<t:Entry Key=\"k\">a&lt;b</t:Entry>");
    }
}
