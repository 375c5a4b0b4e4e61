//! Writes XML with every text and attribute value escaped.

/// Builds an XML document as a string; elements are closed in order by [`end`](Self::end).
#[derive(Debug, Default)]
pub(crate) struct XmlWriter {
    out: String,
    open: Vec<&'static str>,
}

impl XmlWriter {
    /// A writer that starts with the XML declaration.
    pub(crate) fn new() -> Self {
        Self {
            out: String::from(r#"<?xml version="1.0" encoding="utf-8"?>"#),
            open: Vec::new(),
        }
    }

    /// Opens an element.
    pub(crate) fn start(&mut self, name: &'static str, attributes: &[(&str, &str)]) -> &mut Self {
        self.tag(name, attributes);
        self.out.push('>');
        self.open.push(name);
        self
    }

    /// Writes an empty element.
    pub(crate) fn empty(&mut self, name: &'static str, attributes: &[(&str, &str)]) -> &mut Self {
        self.tag(name, attributes);
        self.out.push_str("/>");
        self
    }

    /// Writes an element holding only text.
    pub(crate) fn text_element(
        &mut self,
        name: &'static str,
        attributes: &[(&str, &str)],
        text: &str,
    ) -> &mut Self {
        self.start(name, attributes);
        escape_into(&mut self.out, text, false);
        self.end()
    }

    /// Closes the innermost open element.
    pub(crate) fn end(&mut self) -> &mut Self {
        if let Some(name) = self.open.pop() {
            self.out.push_str("</");
            self.out.push_str(name);
            self.out.push('>');
        }
        self
    }

    /// The document, with any element still open closed.
    pub(crate) fn finish(mut self) -> String {
        while !self.open.is_empty() {
            self.end();
        }
        self.out
    }

    fn tag(&mut self, name: &str, attributes: &[(&str, &str)]) {
        self.out.push('<');
        self.out.push_str(name);
        for (key, value) in attributes {
            self.out.push(' ');
            self.out.push_str(key);
            self.out.push_str("=\"");
            escape_into(&mut self.out, value, true);
            self.out.push('"');
        }
    }
}

/// Appends `text` escaped for element content or (with `in_attribute`) a quoted attribute.
///
/// Characters XML 1.0 cannot carry at all (most C0 controls, U+FFFE, U+FFFF) become U+FFFD;
/// a carriage return is written as a reference so that parsers do not turn it into a line
/// feed, and in attributes tabs and line feeds are too, so that they survive normalisation.
fn escape_into(out: &mut String, text: &str, in_attribute: bool) {
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if in_attribute => out.push_str("&quot;"),
            '\'' if in_attribute => out.push_str("&apos;"),
            '\r' => out.push_str("&#xD;"),
            '\n' if in_attribute => out.push_str("&#xA;"),
            '\t' if in_attribute => out.push_str("&#x9;"),
            '\t' | '\n' => out.push(c),
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => out.push(char::REPLACEMENT_CHARACTER),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    #[test]
    fn writes_nested_elements() {
        let mut w = XmlWriter::new();
        w.start("a", &[("x", "1")])
            .empty("b", &[])
            .text_element("c", &[("y", "2")], "t")
            .end();
        assert_eq!(
            w.finish(),
            r#"<?xml version="1.0" encoding="utf-8"?><a x="1"><b/><c y="2">t</c></a>"#
        );
    }

    #[test]
    fn closes_what_is_left_open() {
        let mut w = XmlWriter::new();
        w.start("a", &[]).start("b", &[]);
        assert!(w.finish().ends_with("<a><b></b></a>"));
    }

    #[test]
    fn escapes_markup_and_keeps_text_intact() {
        let hostile = "<&\"'> ]]> </a> \u{e9}\u{4e2d}\u{1F600}\r\n\tend";
        let mut w = XmlWriter::new();
        w.text_element("a", &[("v", hostile)], hostile);
        let xml = w.finish();
        let root = parse(xml.as_bytes()).unwrap();
        assert_eq!(root.text(), hostile);
        assert_eq!(root.attribute("v"), Some(hostile));
    }

    #[test]
    fn replaces_characters_xml_cannot_carry() {
        let mut w = XmlWriter::new();
        w.text_element("a", &[("v", "x\u{0}\u{B}y")], "x\u{1}\u{1F}\u{FFFF}y");
        let xml = w.finish();
        assert!(
            xml.contains("<a v=\"x\u{FFFD}\u{FFFD}y\">x\u{FFFD}\u{FFFD}\u{FFFD}y</a>"),
            "{xml}"
        );
    }
}
