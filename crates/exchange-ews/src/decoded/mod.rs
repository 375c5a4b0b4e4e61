//! A generic decoded form of any EWS document: responses, SOAP faults, requests and POX
//! Autodiscover answers, with nothing the typed parsers do not model lost.

mod json;
mod message;
mod namespaces;
mod node;

pub use message::{DecodedFault, MessageClass, ResponseMessage};
pub use namespaces::NamespaceForm;
pub use node::Node;

use crate::soap::server_version;
use crate::version::ServerVersionInfo;
use crate::xml::{self, Element};
use crate::{EwsError, ResponseCode};

/// What a decoded document is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DocumentKind {
    /// A SOAP response (`FindItemResponse`, `GetUserSettingsResponseMessage`).
    Response,
    /// A SOAP fault.
    Fault,
    /// A SOAP request (`FindItem`, `GetUserSettingsRequestMessage`).
    Request,
    /// A POX Autodiscover document (root element `Autodiscover`, no SOAP envelope).
    Autodiscover,
}

impl DocumentKind {
    /// The kind as the JSON output spells it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Response => "response",
            Self::Fault => "fault",
            Self::Request => "request",
            Self::Autodiscover => "autodiscover",
        }
    }
}

/// Any EWS document, decoded generically: the name of its body element, the server version,
/// every response message (class, code, text, back-off and content), the fault, and the
/// header and body as element trees.
///
/// Decoding is stricter than the typed parsers in one way: every namespace prefix must be
/// declared. Elements are still matched by local name, so documents that declare the SOAP or
/// Exchange namespaces with `https://` decode too; [`namespace_form`](Self::namespace_form)
/// says which form a document used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodedResponse {
    kind: DocumentKind,
    namespace_form: NamespaceForm,
    server_version: Option<ServerVersionInfo>,
    messages: Vec<ResponseMessage>,
    fault: Option<DecodedFault>,
    header: Option<Node>,
    body: Node,
}

impl DecodedResponse {
    /// Decodes a document. Errors: [`EwsError::MalformedXml`] (with the byte position) for
    /// input that is not well-formed or uses an undeclared prefix, [`EwsError::XmlRefused`]
    /// for what the reader refuses on principle, [`EwsError::NotSoap`] for XML that is
    /// neither a SOAP envelope nor a POX Autodiscover document, [`EwsError::MissingElement`]
    /// for an envelope without a body element, and [`EwsError::InvalidValue`] for a
    /// `ResponseClass` that is not `Success`, `Warning` or `Error`.
    pub fn parse(bytes: &[u8]) -> Result<Self, EwsError> {
        let mut root = xml::parse(bytes)?;
        let namespace_form = check_namespaces(bytes)?;
        if root.name() == "Autodiscover" {
            return Ok(Self {
                kind: DocumentKind::Autodiscover,
                namespace_form,
                server_version: None,
                messages: Vec::new(),
                fault: None,
                header: None,
                body: Node::from(&root),
            });
        }
        if root.name() != "Envelope" {
            return Err(EwsError::NotSoap {
                root: root.name().to_owned(),
            });
        }
        let header = root.take_child("Header");
        let body = root
            .take_child("Body")
            .ok_or_else(|| missing("Body", "Envelope"))?
            .into_first_child()
            .ok_or_else(|| missing("body element", "Body"))?;
        let kind = kind_of(body.name());
        let (fault, messages) = match kind {
            DocumentKind::Fault => (Some(DecodedFault::from_fault(&body)), Vec::new()),
            _ => (None, message::response_messages(&body)?),
        };
        Ok(Self {
            kind,
            namespace_form,
            server_version: header
                .as_ref()
                .and_then(|h| h.child("ServerVersionInfo"))
                .and_then(any_server_version),
            messages,
            fault,
            header: header.as_ref().map(Node::from),
            body: Node::from(&body),
        })
    }

    /// What the document is.
    pub fn kind(&self) -> DocumentKind {
        self.kind
    }

    /// The local name of the body element (`FindItemResponse`, `FindItem`, `Fault`), or of
    /// the root of a POX Autodiscover document.
    pub fn name(&self) -> &str {
        self.body.name()
    }

    /// The operation the document belongs to (`FindItemResponse` and `FindItem` →
    /// `FindItem`, `GetUserSettingsResponseMessage` → `GetUserSettings`); `None` for faults
    /// and POX Autodiscover documents.
    pub fn operation(&self) -> Option<&str> {
        match self.kind {
            DocumentKind::Fault | DocumentKind::Autodiscover => None,
            DocumentKind::Response | DocumentKind::Request => {
                let name = self.name();
                ["ResponseMessage", "RequestMessage", "Response", "Request"]
                    .iter()
                    .find_map(|suffix| name.strip_suffix(suffix))
                    .filter(|operation| !operation.is_empty())
                    .or(Some(name))
            }
        }
    }

    /// How the document spelled the SOAP and Exchange namespaces.
    pub fn namespace_form(&self) -> NamespaceForm {
        self.namespace_form
    }

    /// The `ServerVersionInfo` of the header (attribute form of EWS or element form of SOAP
    /// Autodiscover), when present.
    pub fn server_version(&self) -> Option<&ServerVersionInfo> {
        self.server_version.as_ref()
    }

    /// The response messages: every element of the body with a `ResponseClass`, in document
    /// order (`FindItemResponseMessage`, the `ResponseMessage`s of `GetUserAvailability`).
    pub fn messages(&self) -> &[ResponseMessage] {
        &self.messages
    }

    /// The fault, when the document is one.
    pub fn fault(&self) -> Option<&DecodedFault> {
        self.fault.as_ref()
    }

    /// The SOAP header, when present.
    pub fn header(&self) -> Option<&Node> {
        self.header.as_ref()
    }

    /// The body element (the first child of `Body`), or the root of a POX Autodiscover
    /// document, with everything inside it.
    pub fn body(&self) -> &Node {
        &self.body
    }

    /// The first response message that reports a failure, if any: class `Error`, or
    /// `Warning` with a code other than `NoError` (as the typed parsers judge).
    pub fn first_failure(&self) -> Option<&ResponseMessage> {
        self.messages.iter().find(|m| match m.class() {
            MessageClass::Success => false,
            MessageClass::Warning => m.response_code() != Some(&ResponseCode::NoError),
            MessageClass::Error => true,
        })
    }
}

fn kind_of(body_name: &str) -> DocumentKind {
    if body_name == "Fault" {
        DocumentKind::Fault
    } else if body_name.ends_with("Response") || body_name.ends_with("ResponseMessage") {
        DocumentKind::Response
    } else {
        DocumentKind::Request
    }
}

fn check_namespaces(bytes: &[u8]) -> Result<NamespaceForm, EwsError> {
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let (offset, bytes) = match bytes.strip_prefix(BOM) {
        Some(rest) => (BOM.len() as u64, rest),
        None => (0, bytes),
    };
    // The reader has accepted the bytes, so they are UTF-8; stay total all the same.
    let text = std::str::from_utf8(bytes).map_err(|e| EwsError::MalformedXml {
        position: offset + e.valid_up_to() as u64,
        reason: "the document is not UTF-8".into(),
    })?;
    namespaces::check(text, offset)
}

/// The server version in the attribute form of EWS, or else in the element form of SOAP
/// Autodiscover (`<h:MajorVersion>15</h:MajorVersion>`).
fn any_server_version(info: &Element) -> Option<ServerVersionInfo> {
    server_version(info).or_else(|| {
        let number = |name: &str| {
            info.child_text(name)
                .and_then(|v| v.trim().parse::<u16>().ok())
        };
        Some(ServerVersionInfo {
            major: number("MajorVersion")?,
            minor: number("MinorVersion").unwrap_or(0),
            build: number("MajorBuildNumber").unwrap_or(0),
            revision: number("MinorBuildNumber").unwrap_or(0),
            version: info.child_text("Version").map(|v| v.trim().to_owned()),
        })
    })
}

fn missing(element: &str, parent: &str) -> EwsError {
    EwsError::MissingElement {
        element: element.to_owned(),
        parent: parent.to_owned(),
    }
}

#[cfg(test)]
mod tests;
