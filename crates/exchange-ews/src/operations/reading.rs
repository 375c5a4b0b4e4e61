//! Small readers shared by every operation: the values of children read by name (`text`,
//! `boolean`, `number`, `count`, `date_time`, `choice`, the `required_*` ones), the values of
//! an element itself in [`value`] (for readers that walk the children, as the calendar and
//! recurrence ones do), and the [`invalid`] error they all give.

use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::decoded::Node;
use crate::soap::cut;
use crate::xml::Element;
use crate::{Envelope, EwsError};

/// The response messages of `operation`'s answer, whatever their class: for operations that
/// read failed messages themselves.
pub(super) fn response_messages<'a>(
    envelope: &'a Envelope,
    operation: &str,
) -> Result<&'a [Element], EwsError> {
    let body = envelope.body();
    let expected = format!("{operation}Response");
    if body.name() != expected {
        return Err(EwsError::MissingElement {
            element: expected,
            parent: "Body".into(),
        });
    }
    let messages = body.required_child("ResponseMessages")?.children();
    if messages.is_empty() {
        return Err(EwsError::MissingElement {
            element: format!("{operation}ResponseMessage"),
            parent: "ResponseMessages".into(),
        });
    }
    Ok(messages)
}

/// The error for a value of the wrong kind.
pub(crate) fn invalid(element: &str, value: &str, expected: &'static str) -> EwsError {
    EwsError::InvalidValue {
        element: element.to_owned(),
        value: cut(value),
        expected,
    }
}

/// Readers of the value of one element, for readers that walk the children.
pub(crate) mod value {
    use std::str::FromStr;

    use chrono::{DateTime, Utc};

    use crate::xml::{parse_bool, parse_date_time, Element};
    use crate::EwsError;

    /// The error for a value of the wrong kind in `e`.
    pub(crate) fn invalid(e: &Element, expected: &'static str) -> EwsError {
        super::invalid(e.name(), e.text(), expected)
    }

    /// Reads an `xs:dateTime`.
    pub(crate) fn date_time(e: &Element) -> Result<DateTime<Utc>, EwsError> {
        parse_date_time(e.text()).ok_or_else(|| invalid(e, "an xs:dateTime"))
    }

    /// Reads an `xs:boolean`.
    pub(crate) fn boolean(e: &Element) -> Result<bool, EwsError> {
        parse_bool(e.text()).ok_or_else(|| invalid(e, "an xs:boolean"))
    }

    /// Reads a number of the kind `T` (`u32`, `i32`, `u64`).
    pub(crate) fn number<T: FromStr>(e: &Element, expected: &'static str) -> Result<T, EwsError> {
        e.text().trim().parse().map_err(|_| invalid(e, expected))
    }

    /// Reads an `xs:int` that cannot be negative (sizes, minutes): no sign, at most
    /// 2147483647.
    pub(crate) fn count(e: &Element) -> Result<u32, EwsError> {
        let t = e.text().trim();
        t.parse::<u32>()
            .ok()
            .filter(|n| *n <= i32::MAX as u32 && !t.starts_with('+'))
            .ok_or_else(|| invalid(e, "a whole number from 0 to 2147483647"))
    }

    /// Reads one value of a schema enumeration with `parse`.
    pub(crate) fn choice<T>(
        e: &Element,
        parse: fn(&str) -> Option<T>,
        expected: &'static str,
    ) -> Result<T, EwsError> {
        parse(e.text()).ok_or_else(|| invalid(e, expected))
    }

    /// The text of an element as sent (free text keeps its spaces); `None` when it is empty
    /// or white space.
    pub(crate) fn text(e: &Element) -> Option<String> {
        let t = e.text();
        (!t.trim().is_empty()).then(|| t.to_owned())
    }
}

/// The trimmed text of a child (ids, classes, codes); `None` when absent or empty.
pub(crate) fn text(parent: &Element, name: &str) -> Option<String> {
    parent
        .child_text(name)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The text of a child as sent (free text keeps its spaces); `None` when absent or blank.
pub(crate) fn free_text(parent: &Element, name: &str) -> Option<String> {
    parent.child(name).and_then(value::text)
}

/// The trimmed text of a required child.
pub(crate) fn required_text(parent: &Element, name: &str) -> Result<String, EwsError> {
    Ok(parent.required_child(name)?.text().trim().to_owned())
}

/// A child `xs:boolean`; `None` when absent.
pub(crate) fn boolean(parent: &Element, name: &str) -> Result<Option<bool>, EwsError> {
    parent.child(name).map(value::boolean).transpose()
}

/// A child number of type `T`; `None` when absent.
pub(crate) fn number<T: FromStr>(
    parent: &Element,
    name: &str,
    expected: &'static str,
) -> Result<Option<T>, EwsError> {
    parent
        .child(name)
        .map(|e| value::number(e, expected))
        .transpose()
}

/// A required child number of type `T`.
pub(crate) fn required_number<T: FromStr>(
    parent: &Element,
    name: &str,
    expected: &'static str,
) -> Result<T, EwsError> {
    number(parent, name, expected)?.ok_or_else(|| EwsError::MissingElement {
        element: name.to_owned(),
        parent: parent.name().to_owned(),
    })
}

/// A child `xs:int` that cannot be negative (sizes, minutes); `None` when absent.
pub(crate) fn count(parent: &Element, name: &str) -> Result<Option<u32>, EwsError> {
    parent.child(name).map(value::count).transpose()
}

/// A child `xs:dateTime`; `None` when absent.
pub(crate) fn date_time(parent: &Element, name: &str) -> Result<Option<DateTime<Utc>>, EwsError> {
    parent.child(name).map(value::date_time).transpose()
}

/// A required child `xs:dateTime`.
pub(crate) fn required_date_time(parent: &Element, name: &str) -> Result<DateTime<Utc>, EwsError> {
    value::date_time(parent.required_child(name)?)
}

/// A child holding one value of a closed list; `None` when absent.
pub(crate) fn choice<T>(
    parent: &Element,
    name: &str,
    parse: fn(&str) -> Option<T>,
    expected: &'static str,
) -> Result<Option<T>, EwsError> {
    parent
        .child(name)
        .map(|e| value::choice(e, parse, expected))
        .transpose()
}

/// The children of `parent` whose names are not in `known`, as generic nodes.
pub(super) fn unmodelled(parent: &Element, known: &[&str]) -> Vec<Node> {
    parent
        .children()
        .iter()
        .filter(|c| !known.contains(&c.name()))
        .map(Node::from)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xml::parse;

    #[test]
    fn reads_and_refuses_values() {
        let e = parse(
            b"<a><b> x </b><c>true</c><d>12</d><e>nope</e><f/><t>2024-01-01T00:00:00Z</t></a>",
        )
        .unwrap();
        assert_eq!(text(&e, "b").as_deref(), Some("x"));
        assert_eq!(text(&e, "f"), None);
        assert_eq!(boolean(&e, "c").unwrap(), Some(true));
        assert!(boolean(&e, "e").is_err());
        assert_eq!(number::<u32>(&e, "d", "n").unwrap(), Some(12));
        assert!(number::<u32>(&e, "e", "n").is_err());
        assert!(required_number::<u32>(&e, "zz", "n").is_err());
        assert!(required_date_time(&e, "t").is_ok());
        assert!(required_date_time(&e, "b").is_err());
        assert!(required_text(&e, "zz").is_err());
        let names: Vec<_> = unmodelled(&e, &["b", "c", "d", "e"])
            .iter()
            .map(|n| n.name().to_owned())
            .collect();
        assert_eq!(names, ["f", "t"]);
    }
}
