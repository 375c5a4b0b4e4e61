//! The response messages and the fault of a decoded document.

use std::fmt;
use std::time::Duration;

use super::Node;
use crate::soap::{cut, fault, message_xml};
use crate::xml::Element;
use crate::{EwsError, ResponseCode};

/// The `ResponseClass` of a response message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MessageClass {
    /// The operation succeeded.
    Success,
    /// The operation did not fully happen.
    Warning,
    /// The operation failed.
    Error,
}

impl MessageClass {
    /// The class as EWS spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "Success",
            Self::Warning => "Warning",
            Self::Error => "Error",
        }
    }
}

impl fmt::Display for MessageClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One response message (`FindItemResponseMessage`, …): its class, code, text, the
/// `MessageXml` details, and its other children as element trees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResponseMessage {
    name: String,
    class: MessageClass,
    code: Option<ResponseCode>,
    message_text: Option<String>,
    back_off: Option<Duration>,
    details: Vec<(String, String)>,
    content: Vec<Node>,
}

impl ResponseMessage {
    /// The local name of the message element (`FindItemResponseMessage`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The `ResponseClass`.
    pub fn class(&self) -> MessageClass {
        self.class
    }

    /// The `ResponseCode`, when the message has one.
    pub fn response_code(&self) -> Option<&ResponseCode> {
        self.code.as_ref()
    }

    /// The `MessageText`, trimmed, when the message has one.
    pub fn message_text(&self) -> Option<&str> {
        self.message_text.as_deref()
    }

    /// The `BackOffMilliseconds` of the `MessageXml`, when the server throttles.
    pub fn back_off(&self) -> Option<Duration> {
        self.back_off
    }

    /// The other entries of the `MessageXml` (`Value` elements by their `Name`, other
    /// elements by their element name).
    pub fn details(&self) -> &[(String, String)] {
        &self.details
    }

    /// The children of the message other than `ResponseCode` and `MessageText`
    /// (`RootFolder`, `Items`, `DescriptiveLinkKey`, `MessageXml`, …).
    pub fn content(&self) -> &[Node] {
        &self.content
    }

    fn from_element(element: &Element, class: &str) -> Result<Self, EwsError> {
        let class = match class.trim() {
            "Success" => MessageClass::Success,
            "Warning" => MessageClass::Warning,
            "Error" => MessageClass::Error,
            other => {
                return Err(EwsError::InvalidValue {
                    element: format!("{}@ResponseClass", element.name()),
                    value: cut(other),
                    expected: "Success, Warning or Error",
                })
            }
        };
        let (back_off, details) = element
            .child("MessageXml")
            .map(message_xml)
            .unwrap_or_default();
        Ok(Self {
            name: element.name().to_owned(),
            class,
            code: element.child_text("ResponseCode").map(ResponseCode::from),
            message_text: element
                .child_text("MessageText")
                .map(|t| t.trim().to_owned()),
            back_off,
            details,
            content: element
                .children()
                .iter()
                .filter(|c| !matches!(c.name(), "ResponseCode" | "MessageText"))
                .map(Node::from)
                .collect(),
        })
    }
}

/// Every element below `body` with a `ResponseClass`, in document order; messages do not
/// nest, so the search does not descend into one.
pub(super) fn response_messages(body: &Element) -> Result<Vec<ResponseMessage>, EwsError> {
    let mut messages = Vec::new();
    // An explicit stack: the tree may be as deep as the reader allows.
    let mut stack: Vec<&Element> = body.children().iter().rev().collect();
    while let Some(element) = stack.pop() {
        match element.attribute("ResponseClass") {
            Some(class) => messages.push(ResponseMessage::from_element(element, class)?),
            None => stack.extend(element.children().iter().rev()),
        }
    }
    Ok(messages)
}

/// A SOAP fault: its code and string, and the response code and `MessageXml` of its detail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedFault {
    fault_code: String,
    fault_string: String,
    response_code: Option<ResponseCode>,
    back_off: Option<Duration>,
    details: Vec<(String, String)>,
}

impl DecodedFault {
    /// The `faultcode` (`a:ErrorServerBusy`, `soap:Client`).
    pub fn fault_code(&self) -> &str {
        &self.fault_code
    }

    /// The `faultstring`.
    pub fn fault_string(&self) -> &str {
        &self.fault_string
    }

    /// The `ResponseCode` of the detail, or else the one the fault code names.
    pub fn response_code(&self) -> Option<&ResponseCode> {
        self.response_code.as_ref()
    }

    /// The `BackOffMilliseconds` of the detail's `MessageXml`.
    pub fn back_off(&self) -> Option<Duration> {
        self.back_off
    }

    /// The other entries of the detail's `MessageXml`.
    pub fn details(&self) -> &[(String, String)] {
        &self.details
    }

    /// Reads the fault as the typed parsers do, so both agree on every field.
    pub(super) fn from_fault(element: &Element) -> Self {
        let EwsError::SoapFault {
            fault_code,
            fault_string,
            response_code,
            back_off,
            details,
        } = fault(element)
        else {
            unreachable!("soap::fault always describes a SoapFault");
        };
        Self {
            fault_code,
            fault_string,
            response_code,
            back_off,
            details,
        }
    }
}
