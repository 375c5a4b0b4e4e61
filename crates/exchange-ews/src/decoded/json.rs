//! The JSON form of a decoded document, written by hand so the crate needs no serializer.

use std::fmt::Write as _;
use std::time::Duration;

use super::{DecodedFault, DecodedResponse, Node, ResponseMessage};
use crate::version::ServerVersionInfo;
use crate::ResponseCode;

impl DecodedResponse {
    /// The document as pretty-printed JSON (UTF-8, two-space indentation).
    ///
    /// The object has `kind`, `name`, `operation`, `namespace_form`, `server_version`,
    /// `messages` (each with `name`, `class`, `response_code`, `known_code`, `message_text`,
    /// `back_off_ms`, `details` and `content`), `fault`, `header` and `body`. Absent values
    /// are `null`. An element is an object with `name` and, when not empty, `attributes`
    /// (a list of `[name, value]` pairs, so repeated local names survive), `text` and
    /// `children`.
    pub fn to_json(&self) -> String {
        let mut j = JsonWriter::default();
        j.open('{');
        j.key("kind");
        j.string(self.kind.as_str());
        j.key("name");
        j.string(self.name());
        j.key("operation");
        j.optional_string(self.operation());
        j.key("namespace_form");
        j.string(self.namespace_form.as_str());
        j.key("server_version");
        match &self.server_version {
            Some(version) => server_version(&mut j, version),
            None => j.null(),
        }
        j.key("messages");
        j.open('[');
        for message in &self.messages {
            j.item();
            response_message(&mut j, message);
        }
        j.close(']');
        j.key("fault");
        match &self.fault {
            Some(fault) => decoded_fault(&mut j, fault),
            None => j.null(),
        }
        j.key("header");
        match &self.header {
            Some(header) => node(&mut j, header),
            None => j.null(),
        }
        j.key("body");
        node(&mut j, &self.body);
        j.close('}');
        j.out.push('\n');
        j.out
    }
}

fn server_version(j: &mut JsonWriter, version: &ServerVersionInfo) {
    j.open('{');
    for (key, value) in [
        ("major", version.major),
        ("minor", version.minor),
        ("build", version.build),
        ("revision", version.revision),
    ] {
        j.key(key);
        j.number(u64::from(value));
    }
    j.key("version");
    j.optional_string(version.version.as_deref());
    j.close('}');
}

fn response_message(j: &mut JsonWriter, message: &ResponseMessage) {
    j.open('{');
    j.key("name");
    j.string(message.name());
    j.key("class");
    j.string(message.class().as_str());
    response_code(j, message.response_code());
    j.key("message_text");
    j.optional_string(message.message_text());
    back_off_and_details(j, message.back_off(), message.details());
    j.key("content");
    j.open('[');
    for child in message.content() {
        j.item();
        node(j, child);
    }
    j.close(']');
    j.close('}');
}

fn decoded_fault(j: &mut JsonWriter, fault: &DecodedFault) {
    j.open('{');
    j.key("fault_code");
    j.string(fault.fault_code());
    j.key("fault_string");
    j.string(fault.fault_string());
    response_code(j, fault.response_code());
    back_off_and_details(j, fault.back_off(), fault.details());
    j.close('}');
}

/// Writes `response_code` and whether the crate knows the code.
fn response_code(j: &mut JsonWriter, code: Option<&ResponseCode>) {
    j.key("response_code");
    j.optional_string(code.map(ResponseCode::as_str));
    j.key("known_code");
    match code {
        Some(code) => j.raw(if matches!(code, ResponseCode::Unknown(_)) {
            "false"
        } else {
            "true"
        }),
        None => j.null(),
    }
}

fn back_off_and_details(
    j: &mut JsonWriter,
    back_off: Option<Duration>,
    details: &[(String, String)],
) {
    j.key("back_off_ms");
    match back_off {
        // Back-offs come from a u64 of milliseconds, so they fit.
        Some(d) => j.number(u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        None => j.null(),
    }
    j.key("details");
    pairs(j, details);
}

fn pairs(j: &mut JsonWriter, pairs: &[(String, String)]) {
    j.open('[');
    for (name, value) in pairs {
        j.item();
        j.out.push('[');
        j.string(name);
        j.out.push_str(", ");
        j.string(value);
        j.out.push(']');
    }
    j.close(']');
}

/// Writes an element; the depth is bounded by the reader's nesting limit.
fn node(j: &mut JsonWriter, node_: &Node) {
    j.open('{');
    j.key("name");
    j.string(node_.name());
    if !node_.attributes().is_empty() {
        j.key("attributes");
        pairs(j, node_.attributes());
    }
    if !node_.text().is_empty() {
        j.key("text");
        j.string(node_.text());
    }
    if !node_.children().is_empty() {
        j.key("children");
        j.open('[');
        for child in node_.children() {
            j.item();
            node(j, child);
        }
        j.close(']');
    }
    j.close('}');
}

/// A pretty-printing JSON writer: `open`/`close` containers, `key` before an object member,
/// `item` before an array element.
#[derive(Default)]
struct JsonWriter {
    out: String,
    /// Per open container: whether it has no member yet.
    empty: Vec<bool>,
}

impl JsonWriter {
    fn open(&mut self, bracket: char) {
        self.out.push(bracket);
        self.empty.push(true);
    }

    fn close(&mut self, bracket: char) {
        if self.empty.pop() == Some(false) {
            self.new_line();
        }
        self.out.push(bracket);
    }

    fn item(&mut self) {
        if let Some(empty) = self.empty.last_mut() {
            if !*empty {
                self.out.push(',');
            }
            *empty = false;
        }
        self.new_line();
    }

    fn key(&mut self, key: &str) {
        self.item();
        self.string(key);
        self.out.push_str(": ");
    }

    fn new_line(&mut self) {
        self.out.push('\n');
        for _ in 0..self.empty.len() {
            self.out.push_str("  ");
        }
    }

    fn raw(&mut self, text: &str) {
        self.out.push_str(text);
    }

    fn null(&mut self) {
        self.raw("null");
    }

    fn number(&mut self, n: u64) {
        // Writing to a String cannot fail.
        let _ = write!(self.out, "{n}");
    }

    fn optional_string(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.string(s),
            None => self.null(),
        }
    }

    fn string(&mut self, s: &str) {
        escape_into(&mut self.out, s);
    }
}

/// Writes `s` as a JSON string: quotes and backslashes escaped, control characters as
/// `\u00XX`, everything else as UTF-8.
pub(crate) fn escape_into(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 || c == '\u{7f}' => {
                let _ = write!(out, "\\u{:04X}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn escaped(s: &str) -> String {
        let mut out = String::new();
        escape_into(&mut out, s);
        out
    }

    #[test]
    fn escapes_quotes_backslashes_and_control_characters() {
        assert_eq!(escaped(r#"a"b\c"#), r#""a\"b\\c""#);
        assert_eq!(
            escaped("\n\r\t\u{0}\u{11}\u{1f}\u{7f}"),
            r#""\u000A\u000D\u0009\u0000\u0011\u001F\u007F""#
        );
        assert_eq!(escaped("\u{e9}\u{1F4C5}/<>"), "\"\u{e9}\u{1F4C5}/<>\"");
        assert_eq!(escaped(""), "\"\"");
    }

    #[test]
    fn writes_nested_containers() {
        let mut j = JsonWriter::default();
        j.open('{');
        j.key("a");
        j.open('[');
        j.close(']');
        j.key("b");
        j.open('[');
        j.item();
        j.number(1);
        j.item();
        j.null();
        j.close(']');
        j.close('}');
        assert_eq!(
            j.out,
            "{\n  \"a\": [],\n  \"b\": [\n    1,\n    null\n  ]\n}"
        );
    }
}
