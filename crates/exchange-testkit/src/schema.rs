//! Validation against Microsoft's EWS schema with `xmllint`.
//!
//! The schema is not part of this repository. Tests find it in the folder named by the
//! environment variable `EWS_SHARED_DIR` (a folder with `schema/` and `samples/`), or else in
//! `../shared/ews` beside the workspace. When the schema or `xmllint` is missing, a test says so
//! and skips; under CI it fails instead ([`exchange_test_support::skip_or_fail`]).

use std::path::{Path, PathBuf};
use std::process::Command;

use exchange_test_support::skip_or_fail;
use quick_xml::events::Event;
use quick_xml::Reader;

use crate::dom::index;

/// The environment variable that overrides where the EWS schema and samples are.
pub const EWS_SHARED_DIR_VAR: &str = "EWS_SHARED_DIR";

/// The folder with the EWS `schema/` and `samples/`, if it exists.
pub fn ews_dir() -> Option<PathBuf> {
    let dir = match std::env::var_os(EWS_SHARED_DIR_VAR) {
        Some(dir) => PathBuf::from(dir),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/ews"),
    };
    dir.join("schema").is_dir().then_some(dir)
}

/// An `xmllint` run against the EWS schema.
#[derive(Debug, Clone)]
pub struct SchemaValidator {
    wrapper: PathBuf,
}

/// The verdict on one document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// The name the document was given.
    pub name: String,
    /// `xmllint`'s complaints; empty when the document validates.
    pub errors: Vec<String>,
}

impl Verdict {
    /// Whether the document validates.
    pub fn is_valid(&self) -> bool {
        self.errors.is_empty()
    }
}

impl SchemaValidator {
    /// A validator when the schema and `xmllint` are here; else the test is skipped (or fails
    /// under CI).
    pub fn find() -> Option<Self> {
        let Some(dir) = ews_dir() else {
            return skip_or_fail(&format!(
                "the EWS schema (set {EWS_SHARED_DIR_VAR} or place it in ../shared/ews)"
            ));
        };
        let wrapper = dir.join("schema/validate/ews-wrapper.xsd");
        if !wrapper.is_file() {
            return skip_or_fail(&format!("{}", wrapper.display()));
        }
        if Command::new("xmllint").arg("--version").output().is_err() {
            return skip_or_fail("xmllint (Debian package libxml2-utils)");
        }
        Some(Self { wrapper })
    }

    /// Validates the first element inside `soap:Body` of each SOAP document (the schema has
    /// no SOAP envelope). A document without a body validates as a whole.
    pub fn validate_envelopes<'a>(
        &self,
        docs: impl IntoIterator<Item = (&'a str, &'a str)>,
    ) -> Vec<Verdict> {
        let dir = tempfile_dir();
        let mut files = Vec::new();
        let mut verdicts = Vec::new();
        for (i, (name, xml)) in docs.into_iter().enumerate() {
            match body_element(xml) {
                Ok(body) => {
                    let path = dir.join(format!("doc{i}.xml"));
                    std::fs::write(&path, body).expect("the temporary folder is writable");
                    files.push((path, verdicts.len()));
                    verdicts.push(Verdict {
                        name: name.to_owned(),
                        errors: Vec::new(),
                    });
                }
                Err(e) => verdicts.push(Verdict {
                    name: name.to_owned(),
                    errors: vec![format!("not well-formed: {e}")],
                }),
            }
        }
        if !files.is_empty() {
            let output = Command::new("xmllint")
                .arg("--noout")
                .arg("--nonet")
                .arg("--schema")
                .arg(&self.wrapper)
                .args(files.iter().map(|(p, _)| p))
                .output()
                .expect("xmllint was found before");
            let stderr = String::from_utf8_lossy(&output.stderr);
            for line in stderr.lines() {
                for (path, index) in &files {
                    let prefix = path.to_string_lossy();
                    if line.starts_with(&*prefix) && !line.ends_with(" validates") {
                        verdicts[*index].errors.push(line.to_owned());
                    }
                }
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        verdicts
    }

    /// Validates one SOAP document; `Err` carries `xmllint`'s complaints.
    pub fn validate_envelope(&self, xml: &str) -> Result<(), String> {
        let verdict = self
            .validate_envelopes([("document", xml)])
            .pop()
            .expect("one document in, one verdict out");
        if verdict.is_valid() {
            Ok(())
        } else {
            Err(verdict.errors.join("\n"))
        }
    }
}

fn tempfile_dir() -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "ews-schema-{}-{}",
        std::process::id(),
        uuid::Uuid::new_v4()
    ));
    std::fs::create_dir_all(&dir).expect("the temporary folder is writable");
    dir
}

/// The first child element of `soap:Body` as a standalone document, with the namespace
/// declarations of its ancestors copied onto it.
pub fn body_element(xml: &str) -> Result<String, String> {
    let mut reader = Reader::from_str(xml);
    let mut depth = 0usize;
    let mut in_body_at: Option<usize> = None;
    let mut inherited: Vec<(String, String)> = Vec::new();
    let mut start: Option<(usize, usize, usize)> = None; // (byte offset, end of start tag, depth)
    loop {
        let before = index(reader.buffer_position());
        let event = reader
            .read_event()
            .map_err(|e| format!("{e} at byte {}", reader.error_position()))?;
        match event {
            Event::Start(ref e) | Event::Empty(ref e) => {
                let is_empty = matches!(event, Event::Empty(_));
                let after = index(reader.buffer_position());
                if let (Some(body_depth), None) = (in_body_at, start) {
                    if depth == body_depth + 1 {
                        if is_empty {
                            return Ok(with_namespaces(&xml[before..after], &inherited));
                        }
                        start = Some((before, after, depth));
                    }
                }
                if start.is_none() && in_body_at.is_none() {
                    for attr in e.attributes().flatten() {
                        let key = attr.key.as_ref().to_owned();
                        if key == "xmlns" || key.starts_with("xmlns:") {
                            let value = attr.value.clone().into_owned();
                            inherited.retain(|(k, _)| *k != key);
                            inherited.push((key, value));
                        }
                    }
                    if e.local_name().as_ref() == "Body" {
                        in_body_at = Some(depth);
                    }
                }
                if !is_empty {
                    depth += 1;
                }
            }
            Event::End(_) => {
                depth = depth.saturating_sub(1);
                if let Some((from, _, d)) = start {
                    if depth == d {
                        let to = index(reader.buffer_position());
                        return Ok(with_namespaces(&xml[from..to], &inherited));
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if in_body_at.is_some() {
        Err("soap:Body holds no element".to_owned())
    } else {
        Ok(xml.to_owned())
    }
}

fn with_namespaces(element: &str, inherited: &[(String, String)]) -> String {
    let element = element.trim_start();
    let name_end = element[1..]
        .find(|c: char| c.is_whitespace() || c == '>' || c == '/')
        .map_or(element.len(), |i| i + 1);
    let mut out = String::with_capacity(element.len() + 256);
    out.push_str(&element[..name_end]);
    let own = &element[name_end..];
    let tag_end = own.find('>').unwrap_or(own.len());
    for (key, value) in inherited {
        if !own[..tag_end].contains(&format!("{key}=")) {
            out.push_str(&format!(" {key}=\"{value}\""));
        }
    }
    out.push_str(own);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENVELOPE: &str = r#"<?xml version="1.0"?>
<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">
  <soap:Body xmlns:m="http://schemas.microsoft.com/exchange/services/2006/messages">
    <m:GetItem><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape></m:ItemShape><m:ItemIds><t:ItemId Id="AAA="/></m:ItemIds></m:GetItem>
  </soap:Body>
</soap:Envelope>"#;

    #[test]
    fn extracts_the_body_element_with_inherited_namespaces() {
        let body = body_element(ENVELOPE).unwrap();
        assert!(body.starts_with("<m:GetItem xmlns:soap="), "{body}");
        assert!(body
            .contains("xmlns:m=\"http://schemas.microsoft.com/exchange/services/2006/messages\""));
        assert!(body.ends_with("</m:GetItem>"));
    }

    #[test]
    fn validates_a_good_request_and_rejects_a_bad_one() {
        let Some(validator) = SchemaValidator::find() else {
            return;
        };
        validator.validate_envelope(ENVELOPE).unwrap();
        let bad = ENVELOPE.replace("IdOnly", "Everything");
        assert!(validator.validate_envelope(&bad).is_err());
        let verdicts = validator.validate_envelopes([("good", ENVELOPE), ("broken", "<a><b></a>")]);
        assert!(verdicts[0].is_valid());
        assert!(!verdicts[1].is_valid());
    }
}
