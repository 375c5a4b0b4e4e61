//! Helpers of the property tests: an independent well-formedness check and the character
//! replacements the writer documents.

use quick_xml::events::Event;
use quick_xml::Reader;

/// Fails unless `xml` is well-formed as quick-xml reads it (matching end tags, one root).
pub(crate) fn assert_well_formed(xml: &str) {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = true;
    let mut depth = 0usize;
    let mut roots = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(_)) => {
                roots += usize::from(depth == 0);
                depth += 1;
            }
            Ok(Event::Empty(_)) => roots += usize::from(depth == 0),
            Ok(Event::End(_)) => depth -= 1,
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => panic!(
                "not well-formed at byte {}: {e}\n{xml}",
                reader.buffer_position()
            ),
        }
    }
    assert_eq!((depth, roots), (0, 1), "unbalanced document:\n{xml}");
}

/// `text` as it reads back after writing: characters XML 1.0 cannot carry (C0 controls
/// other than tab, line feed and carriage return; U+FFFE; U+FFFF) become U+FFFD.
pub(crate) fn sanitized(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => c,
            '\u{0}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}' => char::REPLACEMENT_CHARACTER,
            c => c,
        })
        .collect()
}

/// `text` escaped for element content or a quoted attribute.
pub(crate) fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}
