//! XML escaping for generated responses.
//!
//! Every string that came from a request or from the builder goes through here, so that any
//! Unicode text round-trips and no input can change the structure of a response.

use std::borrow::Cow;
use std::fmt::Write as _;

/// Escapes character data. `\r` becomes a character reference because a parser would
/// otherwise normalise it away and the text would not round-trip.
pub(crate) fn text(s: &str) -> Cow<'_, str> {
    escape(s, |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '\r' => Some("&#xD;"),
        _ => None,
    })
}

/// Escapes an attribute value for either quote style. Whitespace other than spaces becomes a
/// character reference because attribute-value normalisation would turn it into spaces.
pub(crate) fn attr(s: &str) -> Cow<'_, str> {
    escape(s, |c| match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        '\'' => Some("&apos;"),
        '\t' => Some("&#x9;"),
        '\n' => Some("&#xA;"),
        '\r' => Some("&#xD;"),
        _ => None,
    })
}

fn escape(s: &str, replacement: impl Fn(char) -> Option<&'static str>) -> Cow<'_, str> {
    let Some(first) = s.char_indices().find(|(_, c)| replacement(*c).is_some()) else {
        return Cow::Borrowed(s);
    };
    let mut out = String::with_capacity(s.len() + 16);
    out.push_str(&s[..first.0]);
    for c in s[first.0..].chars() {
        match replacement(c) {
            Some(r) => out.push_str(r),
            None => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Appends `<{name}>{escaped text}</{name}>`.
pub(crate) fn push_text_element(out: &mut String, name: &str, value: &str) {
    let _ = write!(out, "<{name}>{}</{name}>", text(value));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(text("Planning Meeting"), Cow::Borrowed(_)));
        assert!(matches!(attr("AAMkAD=="), Cow::Borrowed(_)));
    }

    #[test]
    fn markup_characters_are_escaped() {
        assert_eq!(text("a<b>&c\"'"), "a&lt;b&gt;&amp;c\"'");
        assert_eq!(attr("a<b>&c\"'"), "a&lt;b&gt;&amp;c&quot;&apos;");
    }

    #[test]
    fn line_breaks_survive_normalisation() {
        assert_eq!(text("a\r\nb"), "a&#xD;\nb");
        assert_eq!(attr("a\tb\nc\rd"), "a&#x9;b&#xA;c&#xD;d");
    }

    #[test]
    fn non_ascii_is_kept_verbatim() {
        assert_eq!(text("Réunion 会議 🎉 <"), "Réunion 会議 🎉 &lt;");
    }

    #[test]
    fn escaped_text_parses_back_to_the_original() {
        let original = "x < y && \"q\" 'r' \r\n Zoë 😀";
        let doc = format!("<a v=\"{}\">{}</a>", attr(original), text(original));
        let root = crate::dom::parse(doc.as_bytes()).expect("escaped output is well-formed");
        assert_eq!(root.text(), original);
        assert_eq!(root.attr("v"), Some(original));
    }

    #[test]
    fn push_text_element_wraps_and_escapes() {
        let mut out = String::new();
        push_text_element(&mut out, "t:Subject", "1 < 2");
        assert_eq!(out, "<t:Subject>1 &lt; 2</t:Subject>");
    }
}
