//! The SOAP layer: request envelopes out; response envelopes, faults and response messages in.

use std::time::Duration;

use crate::error::ResponseClass;
use crate::version::ServerVersionInfo;
use crate::xml::{self, Element, Pruning, XmlWriter};
use crate::{EwsError, ExchangeVersion, ResponseCode};

const SOAP_NAMESPACE: &str = "http://schemas.xmlsoap.org/soap/envelope/";
const TYPES_NAMESPACE: &str = "http://schemas.microsoft.com/exchange/services/2006/types";
const MESSAGES_NAMESPACE: &str = "http://schemas.microsoft.com/exchange/services/2006/messages";

/// Writes a request envelope: `RequestServerVersion` in the header, then the body that
/// `write_body` writes inside `soap:Body` (prefix `m:` for messages, `t:` for types).
pub(crate) fn request_envelope(
    version: ExchangeVersion,
    write_body: impl FnOnce(&mut XmlWriter),
) -> String {
    let mut w = XmlWriter::new();
    w.start(
        "soap:Envelope",
        &[
            ("xmlns:soap", SOAP_NAMESPACE),
            ("xmlns:t", TYPES_NAMESPACE),
            ("xmlns:m", MESSAGES_NAMESPACE),
        ],
    );
    w.start("soap:Header", &[])
        .empty("t:RequestServerVersion", &[("Version", version.as_str())])
        .end();
    w.start("soap:Body", &[]);
    write_body(&mut w);
    w.finish()
}

/// `envelope` with `element` appended to its SOAP header, after what is there already (the
/// `RequestServerVersion` that servers expect first); `None` without a `</soap:Header>`.
///
/// Text and attribute values are escaped in envelopes this crate writes, so the first
/// closing tag is the header's own.
pub(crate) fn append_to_header(envelope: &str, element: &str) -> Option<String> {
    let at = envelope.find("</soap:Header>")?;
    let mut out = String::with_capacity(envelope.len() + element.len());
    out.push_str(&envelope[..at]);
    out.push_str(element);
    out.push_str(&envelope[at..]);
    Some(out)
}

/// A SOAP response envelope that is not a fault: the server version of its header and the
/// response element of its body.
#[derive(Debug, Clone)]
pub struct Envelope {
    server_version: Option<ServerVersionInfo>,
    body: Element,
}

impl Envelope {
    /// Parses a response. A SOAP fault becomes [`EwsError::SoapFault`]; anything that is not
    /// a SOAP envelope with a body element is an error too.
    pub fn parse(bytes: &[u8]) -> Result<Self, EwsError> {
        Self::from_root(xml::parse(bytes)?)
    }

    /// Parses a response whose tree leaves out what `pruning` names (see
    /// [`xml::parse_pruned`]). Succeeds exactly when [`parse`](Self::parse) does; an error
    /// may differ in its details.
    pub(crate) fn parse_pruned(bytes: &[u8], pruning: Pruning) -> Result<Self, EwsError> {
        Self::from_root(xml::parse_pruned(bytes, pruning)?)
    }

    fn from_root(mut root: Element) -> Result<Self, EwsError> {
        if root.name() != "Envelope" {
            return Err(EwsError::NotSoap {
                root: root.name().to_owned(),
            });
        }
        let server_version = root
            .child("Header")
            .and_then(|h| h.child("ServerVersionInfo"))
            .and_then(server_version);
        let body = root
            .take_child("Body")
            .ok_or_else(|| EwsError::MissingElement {
                element: "Body".into(),
                parent: "Envelope".into(),
            })?
            .into_first_child()
            .ok_or_else(|| EwsError::MissingElement {
                element: "response element".into(),
                parent: "Body".into(),
            })?;
        if body.name() == "Fault" {
            return Err(fault(&body));
        }
        Ok(Self {
            server_version,
            body,
        })
    }

    /// The `ServerVersionInfo` of the header, when the server sent one.
    pub fn server_version(&self) -> Option<&ServerVersionInfo> {
        self.server_version.as_ref()
    }

    /// The local name of the response element (`FindItemResponse`, …).
    pub fn response_name(&self) -> &str {
        self.body.name()
    }

    /// The response element, for operations whose answers do not follow the usual
    /// `ResponseMessages` layout or that read failed messages themselves.
    pub(crate) fn body(&self) -> &Element {
        &self.body
    }

    /// The one response message of `operation`'s response (`FindItem` →
    /// `FindItemResponse/ResponseMessages/FindItemResponseMessage`), when it reports success.
    pub(crate) fn single_message(&self, operation: &str) -> Result<&Element, EwsError> {
        let expected = format!("{operation}Response");
        if self.body.name() != expected {
            return Err(EwsError::MissingElement {
                element: expected,
                parent: "Body".into(),
            });
        }
        let message = self
            .body
            .required_child("ResponseMessages")?
            .children()
            .first()
            .ok_or_else(|| EwsError::MissingElement {
                element: format!("{operation}ResponseMessage"),
                parent: "ResponseMessages".into(),
            })?;
        check_message(message)?;
        Ok(message)
    }
}

impl Envelope {
    /// Every response message of `operation`'s response, in order, when all report success
    /// (the first that does not is the error).
    pub(crate) fn all_messages(&self, operation: &str) -> Result<Vec<&Element>, EwsError> {
        self.single_message(operation)?;
        let messages = self.body.required_child("ResponseMessages")?.children();
        for message in messages {
            check_message(message)?;
        }
        Ok(messages.iter().collect())
    }
}

pub(crate) fn server_version(info: &Element) -> Option<ServerVersionInfo> {
    let number = |name: &str| {
        info.attribute(name)
            .and_then(|v| v.trim().parse::<u16>().ok())
    };
    Some(ServerVersionInfo {
        major: number("MajorVersion")?,
        minor: number("MinorVersion").unwrap_or(0),
        build: number("MajorBuildNumber").unwrap_or(0),
        revision: number("MinorBuildNumber").unwrap_or(0),
        version: info.attribute("Version").map(str::to_owned),
    })
}

/// Turns a response message with `ResponseClass` `Error` or `Warning` into an error.
pub(crate) fn check_message(message: &Element) -> Result<(), EwsError> {
    let code = message.child_text("ResponseCode").map(ResponseCode::from);
    let class = match message.attribute("ResponseClass").map(str::trim) {
        Some("Success") => return Ok(()),
        Some("Error") => ResponseClass::Error,
        Some("Warning") | None if code == Some(ResponseCode::NoError) => return Ok(()),
        Some("Warning") => ResponseClass::Warning,
        other => {
            return Err(EwsError::InvalidValue {
                element: format!("{}@ResponseClass", message.name()),
                value: cut(other.unwrap_or_default()),
                expected: "Success, Warning or Error",
            })
        }
    };
    let (back_off, details) = message
        .child("MessageXml")
        .map(message_xml)
        .unwrap_or_default();
    Err(EwsError::Response {
        class,
        code: code.unwrap_or_else(|| ResponseCode::Unknown(String::new())),
        message_text: message
            .child_text("MessageText")
            .unwrap_or_default()
            .trim()
            .to_owned(),
        back_off,
        details,
    })
}

/// The error of a SOAP 1.1 (or 1.2) fault.
pub(crate) fn fault(fault: &Element) -> EwsError {
    let text = |path: &[&str]| {
        path.iter()
            .try_fold(fault, |e, name| e.child(name))
            .map(|e| e.text().trim().to_owned())
    };
    let fault_code = text(&["faultcode"])
        .or_else(|| text(&["Code", "Value"]))
        .unwrap_or_default();
    let fault_string = text(&["faultstring"])
        .or_else(|| text(&["Reason", "Text"]))
        .unwrap_or_default();
    let detail = fault.child("detail").or_else(|| fault.child("Detail"));
    let named_by_fault_code = || {
        let local = fault_code.rsplit(':').next().unwrap_or_default();
        local
            .starts_with("Error")
            .then(|| ResponseCode::from(local))
    };
    let response_code = detail
        .and_then(|d| d.child_text("ResponseCode"))
        .map(ResponseCode::from)
        .or_else(named_by_fault_code);
    let (back_off, details) = detail
        .and_then(|d| d.child("MessageXml"))
        .map(message_xml)
        .unwrap_or_default();
    EwsError::SoapFault {
        fault_code,
        fault_string,
        response_code,
        back_off,
        details,
    }
}

/// The back-off and the other entries of a `MessageXml`: `Value` elements by their `Name`,
/// other elements (`LineNumber`, `Violation`) by their element name.
pub(crate) fn message_xml(xml: &Element) -> (Option<Duration>, Vec<(String, String)>) {
    let mut back_off = None;
    let mut details = Vec::new();
    for entry in xml.children() {
        let value = entry.text().trim();
        let name = match entry.attribute("Name") {
            Some(name) if entry.name() == "Value" => name,
            _ => entry.name(),
        };
        match (name, value.parse::<u64>()) {
            ("BackOffMilliseconds", Ok(ms)) => back_off = Some(Duration::from_millis(ms)),
            _ => details.push((name.to_owned(), value.to_owned())),
        }
    }
    (back_off, details)
}

/// A value cut to 100 characters for an error message.
pub(crate) fn cut(value: &str) -> String {
    value.chars().take(100).collect()
}

#[cfg(test)]
#[path = "soap_tests.rs"]
mod tests;
