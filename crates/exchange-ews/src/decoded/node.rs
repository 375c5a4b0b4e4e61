//! The generic element tree of a decoded document.

use crate::xml::Element;

/// One element of a decoded document: its local name, attributes, text and child elements.
///
/// Prefixes are dropped and namespace declarations are not attributes; the namespace form of
/// the whole document is reported by
/// [`DecodedResponse::namespace_form`](crate::decoded::DecodedResponse::namespace_form).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Node {
    name: String,
    attributes: Vec<(String, String)>,
    text: String,
    children: Vec<Node>,
}

impl Node {
    /// The local name (`CalendarItem`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The attributes by local name, in document order, references resolved.
    pub fn attributes(&self) -> &[(String, String)] {
        &self.attributes
    }

    /// The value of the attribute with this local name.
    pub fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The text directly inside the element, untrimmed; empty when the element only holds
    /// white space between its children.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The child elements in document order.
    pub fn children(&self) -> &[Node] {
        &self.children
    }

    /// The first child element with this local name.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The elements below this one (itself excluded) in document order.
    pub fn descendants(&self) -> Vec<&Node> {
        let mut out = Vec::new();
        // An explicit stack: the tree may be as deep as the reader allows.
        let mut stack: Vec<&Node> = self.children.iter().rev().collect();
        while let Some(node) = stack.pop() {
            out.push(node);
            stack.extend(node.children.iter().rev());
        }
        out
    }
}

impl From<&Element> for Node {
    fn from(element: &Element) -> Self {
        let text = element.text();
        let is_layout = text.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
        Self {
            name: element.name().to_owned(),
            attributes: element
                .attributes()
                .iter()
                .map(|(k, v)| (k.as_ref().to_owned(), v.clone()))
                .collect(),
            text: if is_layout && !element.children().is_empty() {
                String::new()
            } else {
                text.to_owned()
            },
            children: element.children().iter().map(Node::from).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_names_attributes_text_and_order() {
        let root = crate::xml::parse(
            br#"<a:Root xmlns:a="urn:a" Id="1&amp;2"> <b>x</b><c/><b> y </b> </a:Root>"#,
        )
        .unwrap();
        let node = Node::from(&root);
        assert_eq!(node.name(), "Root");
        assert_eq!(node.attribute("Id"), Some("1&2"));
        assert_eq!(node.attributes().len(), 1, "no namespace declarations");
        assert_eq!(node.text(), "", "layout white space is dropped");
        let names: Vec<_> = node.children().iter().map(Node::name).collect();
        assert_eq!(names, ["b", "c", "b"]);
        assert_eq!(node.children()[2].text(), " y ");
        assert_eq!(node.child("c").map(Node::text), Some(""));
        assert!(node.child("d").is_none());
    }

    #[test]
    fn lists_descendants_in_document_order() {
        let root = crate::xml::parse(b"<r><a><b/><c/></a><d/></r>").unwrap();
        let node = Node::from(&root);
        let names: Vec<_> = node.descendants().into_iter().map(Node::name).collect();
        assert_eq!(names, ["a", "b", "c", "d"]);
    }
}
