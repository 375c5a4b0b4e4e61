//! A small namespace-aware element tree of a request, built with quick-xml.
//!
//! Requests are small, so a tree is simpler to interpret than a stream. Limits on nesting and
//! element count keep hostile input from exhausting memory or the stack.

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;
use quick_xml::XmlVersion;

use crate::error::Error;

/// The deepest nesting a request may have; EWS requests need about 12 levels.
pub(crate) const MAX_DEPTH: usize = 64;
/// The most elements a request may hold.
pub(crate) const MAX_ELEMENTS: usize = 100_000;

/// One element with its resolved namespace, unqualified attributes, children and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Element {
    /// The namespace URI; empty when the element is in no namespace.
    pub(crate) ns: String,
    /// The local name.
    pub(crate) name: String,
    /// Unqualified attributes (EWS attributes carry no prefix), values normalised.
    attrs: Vec<(String, String)>,
    /// Child elements in document order.
    pub(crate) children: Vec<Element>,
    /// The character data directly inside this element.
    text: String,
    /// 1-based line and character position of the start tag.
    pub(crate) at: (usize, usize),
}

impl Element {
    /// Whether this element has the given namespace and local name.
    pub(crate) fn is(&self, ns: &str, name: &str) -> bool {
        self.ns == ns && self.name == name
    }

    /// The first child with the given namespace and local name.
    pub(crate) fn child(&self, ns: &str, name: &str) -> Option<&Element> {
        self.children.iter().find(|c| c.is(ns, name))
    }

    /// The value of an unqualified attribute.
    pub(crate) fn attr(&self, name: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The character data of this element.
    pub(crate) fn text(&self) -> &str {
        &self.text
    }

    /// The unqualified attributes in document order.
    pub(crate) fn attrs(&self) -> &[(String, String)] {
        &self.attrs
    }

    /// A new element without attributes or children, for items the fake makes itself.
    pub(crate) fn new(ns: &str, name: &str, text: &str) -> Self {
        Self {
            ns: ns.to_owned(),
            name: name.to_owned(),
            attrs: Vec::new(),
            children: Vec::new(),
            text: text.to_owned(),
            at: (0, 0),
        }
    }

    /// Adds an attribute (builder style).
    pub(crate) fn with_attr(mut self, name: &str, value: &str) -> Self {
        self.attrs.push((name.to_owned(), value.to_owned()));
        self
    }

    /// Adds a child (builder style).
    pub(crate) fn with_child(mut self, child: Element) -> Self {
        self.children.push(child);
        self
    }
}

/// Tracks line and position for increasing byte offsets in one pass over the input.
struct Lines<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    line_start: usize,
}

impl<'a> Lines<'a> {
    fn new(text: &'a str) -> Self {
        Self {
            text,
            offset: 0,
            line: 1,
            line_start: 0,
        }
    }

    fn at(&mut self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        if offset < self.offset {
            // Only error reporting goes backwards; start over rather than track history.
            *self = Self::new(self.text);
        }
        let bytes = self.text.as_bytes();
        for (i, b) in bytes[self.offset..offset].iter().enumerate() {
            if *b == b'\n' {
                self.line += 1;
                self.line_start = self.offset + i + 1;
            }
        }
        self.offset = offset;
        let column = self
            .text
            .get(self.line_start..offset)
            .map_or(offset - self.line_start, |s| s.chars().count());
        (self.line, column + 1)
    }
}

fn not_well_formed(lines: &mut Lines<'_>, offset: usize, reason: impl Into<String>) -> Error {
    let (line, position) = lines.at(offset);
    Error::NotWellFormed {
        line,
        position,
        reason: reason.into(),
    }
}

/// Whether `c` may appear in an XML 1.0 document.
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r') || (c >= ' ' && c != '\u{FFFE}' && c != '\u{FFFF}')
}

/// A reader's position as an index into the text it reads.
pub(crate) fn index(position: u64) -> usize {
    usize::try_from(position).expect("a position in a text held in memory fits in usize")
}

/// Parses a request body into its root element.
pub(crate) fn parse(body: &[u8]) -> Result<Element, Error> {
    let text = match std::str::from_utf8(body) {
        Ok(text) => text,
        Err(e) => {
            let valid = std::str::from_utf8(&body[..e.valid_up_to()]).unwrap_or_default();
            let mut lines = Lines::new(valid);
            return Err(not_well_formed(
                &mut lines,
                valid.len(),
                "invalid UTF-8 byte sequence",
            ));
        }
    };
    let text = text.strip_prefix('\u{FEFF}').unwrap_or(text);
    let mut lines = Lines::new(text);
    if let Some((offset, c)) = text.char_indices().find(|(_, c)| !is_xml_char(*c)) {
        return Err(not_well_formed(
            &mut lines,
            offset,
            format!("character U+{:04X} is not allowed in XML", u32::from(c)),
        ));
    }
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let mut count = 0usize;
    loop {
        let before = index(reader.buffer_position());
        let event = reader.read_event().map_err(|e| {
            let offset = index(reader.error_position());
            not_well_formed(&mut lines, offset, e.to_string())
        })?;
        let is_empty = matches!(event, Event::Empty(_));
        match event {
            Event::Start(start) | Event::Empty(start) => {
                if root.is_some() {
                    return Err(not_well_formed(
                        &mut lines,
                        before,
                        "content after the root element",
                    ));
                }
                if stack.len() >= MAX_DEPTH {
                    return Err(Error::TooComplex {
                        what: "nesting levels",
                        limit: MAX_DEPTH,
                    });
                }
                count += 1;
                if count > MAX_ELEMENTS {
                    return Err(Error::TooComplex {
                        what: "elements",
                        limit: MAX_ELEMENTS,
                    });
                }
                let (ns, local) = reader.resolver().resolve_element(start.name());
                let ns = match ns {
                    ResolveResult::Bound(ns) => ns.into_inner().to_owned(),
                    ResolveResult::Unbound => String::new(),
                    ResolveResult::Unknown(prefix) => {
                        return Err(not_well_formed(
                            &mut lines,
                            before,
                            format!("the namespace prefix {prefix:?} is not declared"),
                        ))
                    }
                };
                let name = local.into_inner().to_owned();
                let mut attrs = Vec::new();
                for attr in start.attributes() {
                    let attr =
                        attr.map_err(|e| not_well_formed(&mut lines, before, e.to_string()))?;
                    let key = attr.key.into_inner();
                    if key == "xmlns" || key.starts_with("xmlns:") {
                        continue;
                    }
                    let value = attr
                        .normalized_value(XmlVersion::Implicit1_0)
                        .map_err(|e| not_well_formed(&mut lines, before, e.to_string()))?;
                    if let Some(c) = value.chars().find(|c| !is_xml_char(*c)) {
                        return Err(not_well_formed(
                            &mut lines,
                            before,
                            format!("character U+{:04X} is not allowed in XML", u32::from(c)),
                        ));
                    }
                    if key.contains(':') {
                        // Qualified attributes (xsi:type, soap:mustUnderstand) mean nothing
                        // to the fake, but their prefix must still be declared.
                        if let (ResolveResult::Unknown(prefix), _) =
                            reader.resolver().resolve_attribute(attr.key)
                        {
                            if prefix != "xml" {
                                return Err(not_well_formed(
                                    &mut lines,
                                    before,
                                    format!("the namespace prefix {prefix:?} is not declared"),
                                ));
                            }
                        }
                        continue;
                    }
                    attrs.push((key.to_owned(), value.into_owned()));
                }
                let element = Element {
                    ns,
                    name,
                    attrs,
                    children: Vec::new(),
                    text: String::new(),
                    at: lines.at(before),
                };
                if is_empty {
                    attach(&mut stack, &mut root, element);
                } else {
                    stack.push(element);
                }
            }
            Event::End(_) => {
                let element = stack
                    .pop()
                    .ok_or_else(|| not_well_formed(&mut lines, before, "unexpected end tag"))?;
                attach(&mut stack, &mut root, element);
            }
            Event::Text(t) => {
                let content = t.xml10_content();
                match stack.last_mut() {
                    Some(parent) => parent.text.push_str(&content),
                    None if content.trim().is_empty() => {}
                    None => {
                        return Err(not_well_formed(
                            &mut lines,
                            before,
                            "text outside the root element",
                        ))
                    }
                }
            }
            Event::CData(c) => match stack.last_mut() {
                Some(parent) => parent.text.push_str(&c.xml10_content()),
                None => {
                    return Err(not_well_formed(
                        &mut lines,
                        before,
                        "CDATA outside the root element",
                    ))
                }
            },
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) if is_xml_char(c) => c.to_string(),
                    Ok(Some(c)) => {
                        return Err(not_well_formed(
                            &mut lines,
                            before,
                            format!("character U+{:04X} is not allowed in XML", u32::from(c)),
                        ))
                    }
                    Ok(None) => {
                        match quick_xml::escape::resolve_predefined_entity(&r.xml10_content()) {
                            Some(s) => s.to_owned(),
                            None => {
                                return Err(not_well_formed(
                                    &mut lines,
                                    before,
                                    format!(
                                        "reference to undeclared entity {:?}",
                                        r.xml10_content()
                                    ),
                                ))
                            }
                        }
                    }
                    Err(e) => return Err(not_well_formed(&mut lines, before, e.to_string())),
                };
                match stack.last_mut() {
                    Some(parent) => parent.text.push_str(&resolved),
                    None => {
                        return Err(not_well_formed(
                            &mut lines,
                            before,
                            "reference outside the root element",
                        ))
                    }
                }
            }
            Event::DocType(_) => {
                let (line, position) = lines.at(before);
                return Err(Error::DoctypeProhibited { line, position });
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }
    if !stack.is_empty() {
        return Err(not_well_formed(
            &mut lines,
            text.len(),
            "unexpected end of the document",
        ));
    }
    root.ok_or_else(|| not_well_formed(&mut lines, text.len(), "the document has no root element"))
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, element: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(element),
        None => *root = Some(element),
    }
}

mod write;

#[cfg(test)]
mod tests;
