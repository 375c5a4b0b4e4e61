//! Small readers shared by the directory, availability, sync and id operations.

use std::str::FromStr;

use chrono::{DateTime, Utc};

use crate::soap::cut;
use crate::xml::{parse_bool, parse_date_time, Element};
use crate::{Envelope, EwsError, Node};

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

/// The trimmed text of a child; `None` when absent or empty.
pub(super) fn text(parent: &Element, name: &str) -> Option<String> {
    parent
        .child_text(name)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The trimmed text of a required child.
pub(super) fn required_text(parent: &Element, name: &str) -> Result<String, EwsError> {
    Ok(parent.required_child(name)?.text().trim().to_owned())
}

/// A child `xs:boolean`; `None` when absent.
pub(super) fn boolean(parent: &Element, name: &str) -> Result<Option<bool>, EwsError> {
    parent
        .child(name)
        .map(|e| {
            parse_bool(e.text()).ok_or_else(|| EwsError::InvalidValue {
                element: name.to_owned(),
                value: cut(e.text()),
                expected: "an xs:boolean",
            })
        })
        .transpose()
}

/// A child number of type `T`; `None` when absent.
pub(super) fn number<T: FromStr>(
    parent: &Element,
    name: &str,
    expected: &'static str,
) -> Result<Option<T>, EwsError> {
    parent
        .child(name)
        .map(|e| {
            e.text()
                .trim()
                .parse::<T>()
                .map_err(|_| EwsError::InvalidValue {
                    element: name.to_owned(),
                    value: cut(e.text()),
                    expected,
                })
        })
        .transpose()
}

/// A required child number of type `T`.
pub(super) fn required_number<T: FromStr>(
    parent: &Element,
    name: &str,
    expected: &'static str,
) -> Result<T, EwsError> {
    number(parent, name, expected)?.ok_or_else(|| EwsError::MissingElement {
        element: name.to_owned(),
        parent: parent.name().to_owned(),
    })
}

/// A required child `xs:dateTime`.
pub(super) fn required_date_time(parent: &Element, name: &str) -> Result<DateTime<Utc>, EwsError> {
    let e = parent.required_child(name)?;
    parse_date_time(e.text()).ok_or_else(|| EwsError::InvalidValue {
        element: name.to_owned(),
        value: cut(e.text()),
        expected: "an xs:dateTime",
    })
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
