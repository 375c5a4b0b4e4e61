//! Reads a response into a tree of elements, refusing what an EWS answer never needs.
//!
//! Names are kept without their prefixes: Exchange always uses the same namespaces, and some
//! published samples declare them with `https://` instead of `http://`, so matching on local
//! names is both simpler and more tolerant.

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::{EwsError, XmlRefusal};

/// The deepest element nesting accepted (EWS answers nest about 15 deep).
const MAX_DEPTH: usize = 256;
/// The most elements accepted in one document (bounds memory beside the byte limit).
const MAX_ELEMENTS: usize = 1_000_000;

/// One element: its local name, attributes, text and child elements.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    children: Vec<Element>,
    text: String,
}

impl Element {
    /// The local name (without prefix).
    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// The value of the attribute with this local name (namespace declarations excluded).
    pub(crate) fn attribute(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// The text directly inside the element, references resolved, untrimmed.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The child elements in document order.
    pub(crate) fn children(&self) -> &[Element] {
        &self.children
    }

    /// The first child element with this local name.
    pub(crate) fn child(&self, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.name == name)
    }

    /// The first child element with this local name, or the error saying it is missing.
    pub(crate) fn required_child(&self, name: &str) -> Result<&Element, EwsError> {
        self.child(name).ok_or_else(|| EwsError::MissingElement {
            element: name.to_owned(),
            parent: self.name.clone(),
        })
    }

    /// The text of the first child with this local name.
    pub(crate) fn child_text(&self, name: &str) -> Option<&str> {
        self.child(name).map(Element::text)
    }

    /// Removes and returns the first child with this local name.
    pub(crate) fn take_child(&mut self, name: &str) -> Option<Element> {
        let index = self.children.iter().position(|c| c.name == name)?;
        Some(self.children.swap_remove(index))
    }

    /// The first child element, taking the element apart.
    pub(crate) fn into_first_child(self) -> Option<Element> {
        self.children.into_iter().next()
    }
}

/// Parses a whole document into its root element.
///
/// The input must be UTF-8 (a byte order mark is skipped). Document type declarations are
/// refused, so no entity can be declared; of the entity references only the five predefined
/// ones and character references are accepted. Character references to characters XML 1.0
/// forbids (`&#x11;`, which Exchange does send) are kept, and `&#0;` becomes U+FFFD.
pub(crate) fn parse(bytes: &[u8]) -> Result<Element, EwsError> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let (offset, bytes) = match bytes.strip_prefix(BOM) {
        Some(rest) => (BOM.len() as u64, rest),
        None => (0, bytes),
    };
    let text = std::str::from_utf8(bytes).map_err(|e| EwsError::MalformedXml {
        position: offset + e.valid_up_to() as u64,
        reason: "the document is not UTF-8".into(),
    })?;
    TreeBuilder::new(offset).build(text)
}

struct TreeBuilder {
    offset: u64,
    stack: Vec<Element>,
    root: Option<Element>,
    elements: usize,
}

impl TreeBuilder {
    fn new(offset: u64) -> Self {
        Self {
            offset,
            stack: Vec::new(),
            root: None,
            elements: 0,
        }
    }

    fn build(mut self, text: &str) -> Result<Element, EwsError> {
        let mut reader = Reader::from_str(text);
        loop {
            let position = self.offset + reader.buffer_position();
            let event = reader.read_event().map_err(|e| EwsError::MalformedXml {
                position: self.offset + reader.error_position(),
                reason: e.to_string(),
            })?;
            match event {
                Event::Start(start) => {
                    let element = self.open(&start, position)?;
                    if self.stack.len() >= MAX_DEPTH {
                        return Err(refused(
                            position,
                            XmlRefusal::NestingTooDeep { limit: MAX_DEPTH },
                        ));
                    }
                    self.stack.push(element);
                }
                Event::Empty(start) => {
                    let element = self.open(&start, position)?;
                    self.close(element, position)?;
                }
                Event::End(_) => match self.stack.pop() {
                    Some(element) => self.close(element, position)?,
                    None => return Err(malformed(position, "an end tag without a start tag")),
                },
                Event::Text(t) => self.push_text(&t.xml10_content(), position)?,
                Event::CData(c) => self.push_text(&c, position)?,
                Event::GeneralRef(r) => {
                    let c = resolve_reference(&r).ok_or_else(|| {
                        malformed(position, &format!("the entity &{}; is not declared", &*r))
                    })?;
                    self.push_text(c.encode_utf8(&mut [0; 4]), position)?;
                }
                Event::DocType(_) => return Err(refused(position, XmlRefusal::DocumentType)),
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
                Event::Eof => break,
            }
        }
        let end = self.offset + text.len() as u64;
        if let Some(open) = self.stack.last() {
            return Err(malformed(
                end,
                &format!("the document ends inside <{}>", open.name),
            ));
        }
        self.root
            .ok_or_else(|| malformed(end, "the document has no root element"))
    }

    fn open(
        &mut self,
        start: &quick_xml::events::BytesStart<'_>,
        position: u64,
    ) -> Result<Element, EwsError> {
        self.elements += 1;
        if self.elements > MAX_ELEMENTS {
            return Err(refused(
                position,
                XmlRefusal::TooManyElements {
                    limit: MAX_ELEMENTS,
                },
            ));
        }
        if self.stack.is_empty() && self.root.is_some() {
            return Err(malformed(position, "a second root element"));
        }
        let mut element = Element {
            name: start.local_name().as_ref().to_owned(),
            ..Element::default()
        };
        for attribute in start.attributes() {
            let attribute = attribute.map_err(|e| malformed(position, &e.to_string()))?;
            let key = attribute.key;
            if key.as_namespace_binding().is_some() {
                continue;
            }
            let value = unescape_attribute(&attribute.value)
                .map_err(|reason| malformed(position, &reason))?;
            element
                .attributes
                .push((key.local_name().as_ref().to_owned(), value));
        }
        Ok(element)
    }

    fn close(&mut self, element: Element, position: u64) -> Result<(), EwsError> {
        match self.stack.last_mut() {
            Some(parent) => parent.children.push(element),
            None if self.root.is_none() => self.root = Some(element),
            None => return Err(malformed(position, "a second root element")),
        }
        Ok(())
    }

    fn push_text(&mut self, text: &str, position: u64) -> Result<(), EwsError> {
        match self.stack.last_mut() {
            Some(element) => element.text.push_str(text),
            None if text.chars().all(|c| matches!(c, ' ' | '\t' | '\r' | '\n')) => {}
            None => return Err(malformed(position, "text outside the root element")),
        }
        Ok(())
    }
}

fn malformed(position: u64, reason: &str) -> EwsError {
    EwsError::MalformedXml {
        position,
        reason: reason.to_owned(),
    }
}

fn refused(position: u64, refusal: XmlRefusal) -> EwsError {
    EwsError::XmlRefused { position, refusal }
}

/// The character of a reference (`lt`, `#x41`, `#65`), or `None` for an undeclared entity.
fn resolve_reference(name: &str) -> Option<char> {
    let number = match name {
        "lt" => return Some('<'),
        "gt" => return Some('>'),
        "amp" => return Some('&'),
        "apos" => return Some('\''),
        "quot" => return Some('"'),
        _ => name.strip_prefix('#')?,
    };
    let (digits, radix) = match number.strip_prefix('x') {
        Some(hex) => (hex, 16),
        None => (number, 10),
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    // An out-of-range number still is a character reference: keep the text readable.
    let code = u32::from_str_radix(digits, radix).unwrap_or(u32::MAX);
    Some(match char::from_u32(code) {
        Some('\0') | None => char::REPLACEMENT_CHARACTER,
        Some(c) => c,
    })
}

/// Resolves the references of a raw attribute value and normalises its white space as XML
/// attribute-value normalisation does.
fn unescape_attribute(raw: &str) -> Result<String, String> {
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(amp) = rest.find('&') {
        push_normalised(&mut out, &rest[..amp]);
        let after = &rest[amp + 1..];
        let semicolon = after
            .find(';')
            .ok_or_else(|| "an attribute value has '&' without ';'".to_owned())?;
        let name = &after[..semicolon];
        let c = resolve_reference(name)
            .ok_or_else(|| format!("the entity &{name}; is not declared"))?;
        out.push(c);
        rest = &after[semicolon + 1..];
    }
    push_normalised(&mut out, rest);
    Ok(out)
}

fn push_normalised(out: &mut String, text: &str) {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // A line break `\r\n` is one break, so it becomes one space.
            '\r' if chars.peek() == Some(&'\n') => {}
            '\t' | '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
}

#[cfg(test)]
#[path = "reader_tests.rs"]
mod tests;
