//! The logic of the `ews-dump` example: decode a document to JSON, or print a representative
//! request of an operation. The example's `main` only calls [`run`].

use std::fs::File;
use std::io::{Read, Write};

use crate::decoded::DecodedResponse;
use crate::{EwsError, ExchangeVersion};

mod requests;

/// The operations [`request_body`] knows: every EWS operation the crate writes, some in
/// several variants (`CreateItem:Contact`).
pub const OPERATIONS: &[&str] = &[
    "FindItem",
    "GetItem",
    "CreateItem",
    "CreateItem:Contact",
    "CreateItem:Message",
    "UpdateItem",
    "DeleteItem",
    "MoveItem",
    "CopyItem",
    "CreateAttachment",
    "GetAttachment",
    "DeleteAttachment",
    "GetFolder",
    "FindFolder",
    "ResolveNames",
    "GetUserAvailability",
    "SyncFolderItems",
    "SyncFolderHierarchy",
    "GetServerTimeZones",
    "ConvertId",
];

/// The largest file `parse` reads.
pub const MAX_INPUT: u64 = 64 * 1024 * 1024;

/// The version the representative requests are written for.
const REQUEST_VERSION: ExchangeVersion = ExchangeVersion::Exchange2013Sp1;

const USAGE: &str = "usage: ews-dump parse FILE | ews-dump request OPERATION";

/// Decodes a document (response, fault, request or POX Autodiscover) into JSON.
pub fn parse_to_json(bytes: &[u8]) -> Result<String, EwsError> {
    DecodedResponse::parse(bytes).map(|decoded| decoded.to_json())
}

/// A representative request envelope of `operation` (one of [`OPERATIONS`], any case).
pub fn request_body(operation: &str) -> Result<String, EwsError> {
    let example = requests::EXAMPLES
        .iter()
        .find(|(name, _)| name.eq_ignore_ascii_case(operation.trim()));
    match example {
        Some((_, write)) => write(REQUEST_VERSION),
        None => Err(EwsError::InvalidArgument {
            argument: "operation",
            reason: format!(
                "unknown operation {:?}; known: {}",
                one_line(operation),
                OPERATIONS.join(", ")
            ),
        }),
    }
}

/// The one-line description of a decoding error of `bytes`: positions are given as byte
/// offset and as line and column (both counted from 1, columns in characters).
pub fn error_line(bytes: &[u8], error: &EwsError) -> String {
    let text = match error {
        EwsError::MalformedXml { position, reason } => format!(
            "malformed XML at byte {position} ({}): {reason}",
            line_column(bytes, *position)
        ),
        EwsError::XmlRefused { position, refusal } => format!(
            "refused XML at byte {position} ({}): {refusal}",
            line_column(bytes, *position)
        ),
        other => other.to_string(),
    };
    one_line(&text)
}

/// `line L, column C` of a byte position (clamped to the input).
fn line_column(bytes: &[u8], position: u64) -> String {
    let end = usize::try_from(position).map_or(bytes.len(), |p| p.min(bytes.len()));
    let before = &bytes[..end];
    let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let column = String::from_utf8_lossy(&before[line_start..])
        .chars()
        .count()
        + 1;
    format!("line {line}, column {column}")
}

/// The text with control characters (line breaks included) replaced by spaces.
fn one_line(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// Runs the command line `args` (without the program name): `parse FILE` prints the JSON
/// and returns 0, or prints one line on `stderr` and returns 1; `request OPERATION` prints
/// the request and returns 0, or lists the operations and returns 2; anything else prints
/// the usage and returns 2.
pub fn run(args: &[String], stdout: &mut dyn Write, stderr: &mut dyn Write) -> i32 {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, out, err) = match args.as_slice() {
        ["parse", file] => match read_limited(file) {
            Err(problem) => (1, None, problem),
            Ok(bytes) => match parse_to_json(&bytes) {
                Ok(json) => (0, Some(json), String::new()),
                Err(e) => (
                    1,
                    None,
                    format!("{}: {}", one_line(file), error_line(&bytes, &e)),
                ),
            },
        },
        ["request", operation] => match request_body(operation) {
            Ok(body) => (0, Some(body + "\n"), String::new()),
            Err(e) => (2, None, one_line(&e.to_string())),
        },
        _ => (2, None, USAGE.to_owned()),
    };
    let written = match out {
        Some(out) => stdout
            .write_all(out.as_bytes())
            .and_then(|()| stdout.flush()),
        None => writeln!(stderr, "{err}"),
    };
    match written {
        Ok(()) => code,
        Err(_) => 1,
    }
}

/// Reads at most [`MAX_INPUT`] bytes of `file`; the error is one line naming the file.
fn read_limited(file: &str) -> Result<Vec<u8>, String> {
    let fail = |e: std::io::Error| one_line(&format!("cannot read {file}: {e}"));
    let mut bytes = Vec::new();
    File::open(file)
        .and_then(|f| f.take(MAX_INPUT + 1).read_to_end(&mut bytes))
        .map_err(fail)?;
    if bytes.len() as u64 > MAX_INPUT {
        return Err(one_line(&format!(
            "cannot read {file}: it is larger than the limit of {MAX_INPUT} bytes"
        )));
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_lines_and_columns() {
        let text = "ab\ncd\u{e9}f\n";
        assert_eq!(line_column(text.as_bytes(), 0), "line 1, column 1");
        assert_eq!(line_column(text.as_bytes(), 3), "line 2, column 1");
        // The column counts characters: `é` is two bytes.
        assert_eq!(line_column(text.as_bytes(), 8), "line 2, column 5");
        assert_eq!(line_column(text.as_bytes(), 999), "line 3, column 1");
        assert_eq!(line_column(b"", u64::MAX), "line 1, column 1");
    }

    #[test]
    fn keeps_error_lines_on_one_line() {
        let error = EwsError::MalformedXml {
            position: 4,
            reason: "bad\nthing".into(),
        };
        assert_eq!(
            error_line(b"<a>\n<", &error),
            "malformed XML at byte 4 (line 2, column 1): bad thing"
        );
        let error = EwsError::NotSoap {
            root: "html".into(),
        };
        assert_eq!(
            error_line(b"<html/>", &error),
            "the response is not a SOAP envelope (its root element is <html>)"
        );
    }
}
