//! The `ews-dump` example: its logic through `exchange_ews::dump`, and the built binary when
//! `cargo test` has built it beside the test.

use crate::json_check;

use std::path::PathBuf;
use std::process::Command;

use exchange_ews::decoded::{DecodedResponse, DocumentKind};
use exchange_ews::dump::{self, parse_to_json, request_body, MAX_INPUT, OPERATIONS};
use exchange_ews::EwsError;

const BUSY: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
<m:SyncFolderItemsResponse xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages"
    xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
<m:ResponseMessages><m:SyncFolderItemsResponseMessage ResponseClass="Error">
<m:MessageText>The server cannot service this request right now.</m:MessageText>
<m:ResponseCode>ErrorServerBusy</m:ResponseCode>
<m:MessageXml><t:Value Name="BackOffMilliseconds">5000</t:Value></m:MessageXml>
</m:SyncFolderItemsResponseMessage></m:ResponseMessages></m:SyncFolderItemsResponse>
</s:Body></s:Envelope>"#;

/// A file in the temporary folder, removed when dropped.
struct TempFile(PathBuf);

impl TempFile {
    fn new(name: &str, content: &[u8]) -> Self {
        let path = std::env::temp_dir().join(format!("ews-dump-{}-{name}", std::process::id()));
        std::fs::write(&path, content).unwrap();
        Self(path)
    }

    fn arg(&self) -> String {
        self.0.to_string_lossy().into_owned()
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// Runs the command line; returns the exit code, stdout and stderr.
fn run(args: &[&str]) -> (i32, String, String) {
    let args: Vec<String> = args.iter().map(ToString::to_string).collect();
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = dump::run(&args, &mut out, &mut err);
    (
        code,
        String::from_utf8(out).unwrap(),
        String::from_utf8(err).unwrap(),
    )
}

fn assert_one_line(err: &str) {
    assert!(err.ends_with('\n') && err.lines().count() == 1, "{err:?}");
}

#[test]
fn parse_prints_an_error_response_as_json() {
    let file = TempFile::new("busy.xml", BUSY.as_bytes());
    let (code, out, err) = run(&["parse", &file.arg()]);
    assert_eq!((code, err.as_str()), (0, ""));
    json_check::validate(&out).unwrap();
    for expected in [
        r#""kind": "response""#,
        r#""operation": "SyncFolderItems""#,
        r#""class": "Error""#,
        r#""response_code": "ErrorServerBusy""#,
        r#""message_text": "The server cannot service this request right now.""#,
        r#""back_off_ms": 5000"#,
    ] {
        assert!(out.contains(expected), "{expected} missing in {out}");
    }
    assert_eq!(parse_to_json(BUSY.as_bytes()).unwrap(), out);
}

#[test]
fn parse_names_the_problem_and_where_on_one_line() {
    let truncated = &BUSY.as_bytes()[..BUSY.find("</s:Envelope>").unwrap()];
    let file = TempFile::new("truncated.xml", truncated);
    let (code, out, err) = run(&["parse", &file.arg()]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_one_line(&err);
    let expected = format!(
        "malformed XML at byte {} (line 10, column 10): the document ends inside <Envelope>",
        truncated.len()
    );
    assert!(
        err.starts_with(&file.arg()) && err.contains(&expected),
        "{err}"
    );

    let cases: [(&str, &[u8], &str); 6] = [
        (
            "garbage.xml",
            b"<a>\n  <b></a>",
            "malformed XML at byte 9 (line 2, column 6)",
        ),
        (
            "dtd.xml",
            b"<!DOCTYPE a [<!ENTITY x \"y\">]>\n<a>&x;</a>",
            "refused XML at byte 0 (line 1, column 1)",
        ),
        (
            "latin1.xml",
            b"<a>\n\xe9</a>",
            "malformed XML at byte 4 (line 2, column 1)",
        ),
        ("empty.xml", b"", "the document has no root element"),
        ("html.xml", b"<html/>", "not a SOAP envelope"),
        (
            "prefix.xml",
            b"<s:Envelope xmlns:s='urn:s'>\n<x:Body/></s:Envelope>",
            "(line 2, column 1): the namespace prefix \"x\"",
        ),
    ];
    for (name, content, expected) in cases {
        let file = TempFile::new(name, content);
        let (code, out, err) = run(&["parse", &file.arg()]);
        assert_eq!((code, out.as_str()), (1, ""), "{name}");
        assert_one_line(&err);
        assert!(err.contains(expected), "{name}: {err}");
    }
}

#[test]
fn parse_refuses_missing_and_oversized_files() {
    let missing = std::env::temp_dir().join("ews-dump-no-such-file.xml");
    let (code, out, err) = run(&["parse", &missing.to_string_lossy()]);
    assert_eq!((code, out.as_str()), (1, ""));
    assert_one_line(&err);
    assert!(
        err.starts_with("cannot read ") && err.contains("no-such-file"),
        "{err}"
    );

    let big = TempFile::new("big.xml", b"");
    // A sparse file: large without writing its bytes.
    std::fs::File::options()
        .write(true)
        .open(&big.0)
        .unwrap()
        .set_len(MAX_INPUT + 1)
        .unwrap();
    let (code, _, err) = run(&["parse", &big.arg()]);
    assert_eq!(code, 1);
    assert_one_line(&err);
    assert!(err.contains("larger than the limit"), "{err}");

    let (code, _, err) = run(&["parse", "line\nbreak.xml"]);
    assert_eq!(code, 1);
    assert_one_line(&err);
}

#[test]
fn request_prints_every_operation_and_lists_them_on_an_unknown_name() {
    for operation in OPERATIONS {
        let (code, out, err) = run(&["request", operation]);
        assert_eq!((code, err.as_str()), (0, ""), "{operation}");
        let decoded = DecodedResponse::parse(out.as_bytes()).unwrap();
        assert_eq!(decoded.kind(), DocumentKind::Request);
        let name = operation.split(':').next().unwrap();
        assert_eq!(decoded.operation(), Some(name));
        assert_eq!(request_body(&operation.to_lowercase()).unwrap() + "\n", out);
        json_check::validate(&decoded.to_json()).unwrap();
    }
    let (code, out, err) = run(&["request", "FindFolders\n"]);
    assert_eq!((code, out.as_str()), (2, ""));
    assert_one_line(&err);
    assert!(err.contains(&OPERATIONS.join(", ")), "{err}");
    assert!(matches!(
        request_body(""),
        Err(EwsError::InvalidArgument {
            argument: "operation",
            ..
        })
    ));
}

#[test]
fn every_printed_request_validates_against_the_schema() {
    let Some(validator) = exchange_testkit::schema::SchemaValidator::find() else {
        return;
    };
    let documents: Vec<(String, String)> = OPERATIONS
        .iter()
        .map(|op| (op.to_string(), request_body(op).unwrap()))
        .collect();
    let broken = documents[0].1.replace("<m:ItemShape>", "<m:ItemShap>");
    let verdicts = validator.validate_envelopes(
        documents
            .iter()
            .map(|(n, x)| (n.as_str(), x.as_str()))
            .chain([("broken", broken.as_str())]),
    );
    let (broken, verdicts) = verdicts.split_last().unwrap();
    assert!(
        !broken.is_valid(),
        "the validator accepted a broken request"
    );
    let failures: Vec<_> = verdicts.iter().filter(|v| !v.is_valid()).collect();
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn other_command_lines_print_the_usage() {
    for args in [
        &[][..],
        &["parse"],
        &["request"],
        &["dump", "x"],
        &["parse", "a", "b"],
    ] {
        let (code, out, err) = run(args);
        assert_eq!((code, out.as_str()), (2, ""), "{args:?}");
        assert!(err.starts_with("usage: ews-dump"), "{err}");
    }
}

/// The example binary `cargo test` builds into `target/<profile>/examples`.
fn example_binary() -> Option<PathBuf> {
    let deps = std::env::current_exe().ok()?.parent()?.to_path_buf();
    let binary = deps
        .parent()?
        .join("examples")
        .join(format!("ews-dump{}", std::env::consts::EXE_SUFFIX));
    binary.is_file().then_some(binary)
}

#[test]
fn the_built_example_exits_with_the_documented_codes() {
    let Some(binary) = example_binary() else {
        exchange_test_support::peer_missing("the ews-dump example is not built beside the tests");
        return;
    };
    let file = TempFile::new("binary-busy.xml", BUSY.as_bytes());
    let output = Command::new(&binary)
        .args(["parse", &file.arg()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    json_check::validate(&String::from_utf8(output.stdout).unwrap()).unwrap();
    let bad = TempFile::new("binary-bad.xml", b"<a>");
    let output = Command::new(&binary)
        .args(["parse", &bad.arg()])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert_one_line(&String::from_utf8(output.stderr).unwrap());
    let output = Command::new(&binary)
        .args(["request", "Nope"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let output = Command::new(&binary)
        .args(["request", "GetItem"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8(output.stdout)
        .unwrap()
        .contains("<m:GetItem>"));
}
