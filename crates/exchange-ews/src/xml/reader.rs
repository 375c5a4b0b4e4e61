//! Reads a response into a tree of elements, refusing what an EWS answer never needs.
//!
//! Names are kept without their prefixes: Exchange always uses the same namespaces, and some
//! published samples declare them with `https://` instead of `http://`, so matching on local
//! names is both simpler and more tolerant.

use std::borrow::Cow;

use compact_str::CompactString;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::names::intern;
use super::references::{resolve_reference, unescape_attribute};
use crate::decoded::Node;
use crate::error::XmlRefusal;
use crate::EwsError;

/// The deepest element nesting accepted (EWS answers nest about 15 deep).
const MAX_DEPTH: usize = 256;
/// The most elements accepted in one document (bounds memory beside the byte limit).
const MAX_ELEMENTS: usize = 1_000_000;

/// One element: its local name, attributes, text and child elements.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Element {
    name: Cow<'static, str>,
    attributes: Vec<(Cow<'static, str>, String)>,
    children: Vec<Element>,
    text: CompactString,
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

    /// The attributes by local name, in document order (namespace declarations excluded).
    pub(crate) fn attributes(&self) -> &[(Cow<'static, str>, String)] {
        &self.attributes
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
            parent: self.name.clone().into_owned(),
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

/// The element a generic node was made from. Nodes are only made from parsed elements, so
/// their depth is bounded by the reader's limit and the recursion by it.
impl From<&Node> for Element {
    fn from(node: &Node) -> Self {
        Self {
            name: intern(node.name()),
            attributes: node
                .attributes()
                .iter()
                .map(|(k, v)| (intern(k), v.clone()))
                .collect(),
            children: node.children().iter().map(Element::from).collect(),
            text: CompactString::from(node.text()),
        }
    }
}

/// Parses a whole document into its root element.
///
/// The input must be UTF-8 (a byte order mark is skipped). Document type declarations are
/// refused, so no entity can be declared; of the entity references only the five predefined
/// ones and character references are accepted. Character references to characters XML 1.0
/// forbids (`&#x11;`, which Exchange does send) are kept, and `&#0;` becomes U+FFFD.
pub(crate) fn parse(bytes: &[u8]) -> Result<Element, EwsError> {
    parse_with(bytes, None)
}

/// Which children of which elements [`parse_pruned`] leaves out of the tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Pruning {
    /// The rules; an element is pruned by the first that matches it.
    pub(crate) rules: &'static [Prune],
}

/// One rule of a [`Pruning`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Prune {
    /// The local names of the pruned elements' ancestors and their own, outermost first
    /// (`["Items", "CalendarItem", "StartTimeZone"]`); the path may start at any depth, so
    /// `["CalendarItem"]` prunes every `CalendarItem`.
    pub(crate) path: &'static [&'static str],
    /// The local names of the children kept; any other child is left out with all it holds,
    /// and so is the text directly inside the pruned element. Empty: only the element's
    /// name and attributes are built.
    pub(crate) keep: &'static [&'static str],
}

impl Pruning {
    /// The keep-list of the element `name` whose open ancestors are `stack`, when a rule
    /// prunes it.
    fn keep_list(&self, stack: &[Open], name: &str) -> Option<&'static [&'static str]> {
        self.rules.iter().find_map(|rule| {
            let (last, ancestors) = rule.path.split_last()?;
            let matches = *last == name
                && stack.len() >= ancestors.len()
                && stack[stack.len() - ancestors.len()..]
                    .iter()
                    .zip(ancestors.iter())
                    .all(|(open, a)| open.element.name == *a);
            matches.then_some(rule.keep)
        })
    }
}

/// Parses like [`parse`] and refuses exactly what it refuses, but builds no element for the
/// children that `pruning` leaves out, nor for anything inside them: a reader that needs a
/// few properties of many items is spared building (and dropping) the rest. An error may
/// differ in its details from the one [`parse`] reports.
pub(crate) fn parse_pruned(bytes: &[u8], pruning: Pruning) -> Result<Element, EwsError> {
    parse_with(bytes, Some(pruning))
}

fn parse_with(bytes: &[u8], pruning: Option<Pruning>) -> Result<Element, EwsError> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let (offset, bytes) = match bytes.strip_prefix(BOM) {
        Some(rest) => (BOM.len() as u64, rest),
        None => (0, bytes),
    };
    let text = std::str::from_utf8(bytes).map_err(|e| EwsError::MalformedXml {
        position: offset + e.valid_up_to() as u64,
        reason: "the document is not UTF-8".into(),
    })?;
    TreeBuilder::new(text, offset, pruning).build()
}

/// An element being read.
struct Open {
    element: Element,
    /// The index in [`TreeBuilder::closed`] where its children begin.
    first_child: usize,
    /// The children kept when its children are pruned (and its own text left out).
    keep: Option<&'static [&'static str]>,
    /// White space read while the element had no text: where it lies in the document. It
    /// becomes the text if the element turns out to be a leaf, and is dropped if children
    /// follow, so that indentation between children costs no allocation.
    space: Option<(usize, usize)>,
}

struct TreeBuilder<'a> {
    /// The document.
    doc: &'a str,
    offset: u64,
    /// The open elements.
    stack: Vec<Open>,
    /// The closed children of all open elements, in document order. Collecting them here
    /// gives each element's children one allocation of the exact size when it closes,
    /// instead of a vector grown step by step.
    closed: Vec<Element>,
    root: Option<Element>,
    elements: usize,
    pruning: Option<Pruning>,
    /// How many left-out elements are open (they are checked, but not built).
    skipped: usize,
}

impl<'a> TreeBuilder<'a> {
    fn new(doc: &'a str, offset: u64, pruning: Option<Pruning>) -> Self {
        Self {
            doc,
            offset,
            stack: Vec::new(),
            closed: Vec::new(),
            root: None,
            elements: 0,
            pruning,
            skipped: 0,
        }
    }

    fn build(mut self) -> Result<Element, EwsError> {
        let text = self.doc;
        let mut reader = Reader::from_str(text);
        loop {
            let position = self.offset + reader.buffer_position();
            let event = reader.read_event().map_err(|e| EwsError::MalformedXml {
                position: self.offset + reader.error_position(),
                reason: e.to_string(),
            })?;
            match event {
                Event::Start(start) if self.leaves_out(&start) => {
                    self.check(&start, position)?;
                    if self.stack.len() + self.skipped >= MAX_DEPTH {
                        return Err(refused(
                            position,
                            XmlRefusal::NestingTooDeep { limit: MAX_DEPTH },
                        ));
                    }
                    self.skipped += 1;
                }
                Event::Start(start) => {
                    let element = self.open(&start, position)?;
                    if self.stack.len() >= MAX_DEPTH {
                        return Err(refused(
                            position,
                            XmlRefusal::NestingTooDeep { limit: MAX_DEPTH },
                        ));
                    }
                    let keep = self
                        .pruning
                        .and_then(|p| p.keep_list(&self.stack, &element.name));
                    self.stack.push(Open {
                        element,
                        first_child: self.closed.len(),
                        keep,
                        space: None,
                    });
                }
                Event::Empty(start) if self.leaves_out(&start) => self.check(&start, position)?,
                Event::Empty(start) => {
                    let element = self.open(&start, position)?;
                    self.close(element, position)?;
                }
                Event::End(_) if self.skipped > 0 => self.skipped -= 1,
                Event::End(_) => match self.stack.pop() {
                    Some(Open {
                        mut element,
                        first_child,
                        space,
                        ..
                    }) => {
                        element.children = self.closed.drain(first_child..).collect();
                        if element.children.is_empty() {
                            if let Some((start, end)) = space {
                                element.text.push_str(&self.doc[start..end]);
                            }
                        } else if element.text.chars().all(is_xml_space) {
                            // Only white space between children: no text, as `Node` has it.
                            element.text = CompactString::default();
                        }
                        self.close(element, position)?;
                    }
                    None => return Err(malformed(position, "an end tag without a start tag")),
                },
                // Inside an element any text is allowed: left-out text needs no check.
                Event::Text(_) | Event::CData(_) if self.skipped > 0 => {}
                Event::Text(t) => {
                    let content = t.xml10_content();
                    if !self.defer_space(&content) {
                        self.push_text(&content, position)?;
                    }
                }
                Event::CData(c) => self.push_text(&c, position)?,
                Event::GeneralRef(r) => {
                    let c = resolve_reference(&r).ok_or_else(|| {
                        malformed(position, &format!("the entity &{}; is not declared", &*r))
                    })?;
                    if self.skipped == 0 {
                        self.push_text(c.encode_utf8(&mut [0; 4]), position)?;
                    }
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
                &format!("the document ends inside <{}>", open.element.name),
            ));
        }
        self.root
            .ok_or_else(|| malformed(end, "the document has no root element"))
    }

    /// Whether the element `start` opens is left out of the tree: it lies inside a left-out
    /// element, or is a child of a pruned parent that is not kept.
    fn leaves_out(&self, start: &BytesStart<'_>) -> bool {
        if self.skipped > 0 {
            return true;
        }
        match self.stack.last().and_then(|parent| parent.keep) {
            Some(keep) => !keep.contains(&start.local_name().as_ref()),
            None => false,
        }
    }

    /// Checks a left-out element as [`open`](Self::open) would, building nothing.
    fn check(&mut self, start: &BytesStart<'_>, position: u64) -> Result<(), EwsError> {
        self.count(position)?;
        checked_name(
            start.name().into_inner(),
            start.local_name().into_inner(),
            position,
        )?;
        for_each_attribute(start, position, |_, _| {})
    }

    fn open(&mut self, start: &BytesStart<'_>, position: u64) -> Result<Element, EwsError> {
        self.count(position)?;
        let name = checked_name(
            start.name().into_inner(),
            start.local_name().into_inner(),
            position,
        )?;
        let mut element = Element {
            name,
            ..Element::default()
        };
        for_each_attribute(start, position, |key, value| {
            element.attributes.push((key, value));
        })?;
        Ok(element)
    }

    /// Counts one more element, refusing too many and a second root.
    fn count(&mut self, position: u64) -> Result<(), EwsError> {
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
        Ok(())
    }

    fn close(&mut self, element: Element, position: u64) -> Result<(), EwsError> {
        match self.stack.last() {
            Some(_) => self.closed.push(element),
            None if self.root.is_none() => self.root = Some(element),
            None => return Err(malformed(position, "a second root element")),
        }
        Ok(())
    }

    /// Keeps white space `content` aside as the open element's possible text when it is
    /// the first text of an element and lies in the document as it is, or drops it inside a
    /// pruned element (which keeps no text); `false` when it must be added as text now.
    fn defer_space(&mut self, space: &str) -> bool {
        let doc = self.doc.as_ptr() as usize;
        let Some(open) = self.stack.last_mut() else {
            return false;
        };
        if open.keep.is_some() {
            return true;
        }
        if open.space.is_some() || !open.element.text.is_empty() || !space.chars().all(is_xml_space)
        {
            return false;
        }
        // A text read as it lies in the document (not rewritten for line ends) is a slice
        // of it: its offset is where it starts. Any other text is added as it is.
        let start = (space.as_ptr() as usize).wrapping_sub(doc);
        match self.doc.get(start..start + space.len()) {
            Some(found) if found.as_ptr() == space.as_ptr() => {
                open.space = Some((start, start + space.len()));
                true
            }
            _ => false,
        }
    }

    fn push_text(&mut self, text: &str, position: u64) -> Result<(), EwsError> {
        match self.stack.last_mut() {
            Some(open) if open.keep.is_some() => {}
            Some(open) => {
                if let Some((start, end)) = open.space.take() {
                    open.element.text.push_str(&self.doc[start..end]);
                }
                open.element.text.push_str(text);
            }
            None if text.chars().all(is_xml_space) => {}
            None => return Err(malformed(position, "text outside the root element")),
        }
        Ok(())
    }
}

/// Hands each attribute of a start tag (namespace declarations excluded) to `f`: its local
/// name and its value with references resolved.
fn for_each_attribute(
    start: &BytesStart<'_>,
    position: u64,
    mut f: impl FnMut(Cow<'static, str>, String),
) -> Result<(), EwsError> {
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| malformed(position, &e.to_string()))?;
        let key = attribute.key;
        if key.as_namespace_binding().is_some() {
            continue;
        }
        let name = checked_name(key.into_inner(), key.local_name().into_inner(), position)?;
        let value =
            unescape_attribute(&attribute.value).map_err(|reason| malformed(position, &reason))?;
        f(name, value);
    }
    Ok(())
}

/// Whether `c` is white space to XML.
fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

/// The interned local name of the qualified name `qname`, once [`check_name`] accepts it. A
/// known local name holds no colon, so only the prefix side is left to check: the common
/// case costs no scan of the name.
fn checked_name(qname: &str, local: &str, position: u64) -> Result<Cow<'static, str>, EwsError> {
    let name = intern(local);
    if !matches!(name, Cow::Borrowed(_)) || qname.starts_with(':') {
        check_name(qname, position)?;
    }
    Ok(name)
}

/// Refuses a name that is not a qualified name of Namespaces in XML as far as the reader
/// relies on it: at most one colon, with something on each side. A name such as `t:a:b`
/// would otherwise read as `a:b` here and as `b` in a reader that splits at the last colon.
fn check_name(name: &str, position: u64) -> Result<(), EwsError> {
    let ok = match name.find(':') {
        None => !name.is_empty(),
        Some(colon) => colon > 0 && colon + 1 < name.len() && !name[colon + 1..].contains(':'),
    };
    if ok {
        return Ok(());
    }
    let shown: String = name
        .chars()
        .take(64)
        .map(|c| if c.is_control() { '\u{FFFD}' } else { c })
        .collect();
    Err(malformed(
        position,
        &format!("{shown:?} is not a qualified XML name"),
    ))
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

#[cfg(test)]
#[path = "reader_tests.rs"]
mod tests;

#[cfg(test)]
#[path = "pruning_tests.rs"]
mod pruning_tests;
