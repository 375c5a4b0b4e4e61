//! SOAP envelopes, response messages and faults in the form Exchange 2016 writes them.

use std::fmt::Write as _;

use crate::error::Error;
use crate::escape;
use crate::request::{MESSAGES, SOAP, TYPES};

const ERRORS: &str = "http://schemas.microsoft.com/exchange/services/2006/errors";
const XSI: &str = "http://www.w3.org/2001/XMLSchema-instance";
const XSD: &str = "http://www.w3.org/2001/XMLSchema";

/// The `ServerVersionInfo` the fake reports in every response header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerVersion {
    /// `MajorVersion` (15 for Exchange 2013 and later).
    pub major_version: i32,
    /// `MinorVersion` (1 for Exchange 2016).
    pub minor_version: i32,
    /// `MajorBuildNumber`.
    pub major_build_number: i32,
    /// `MinorBuildNumber`.
    pub minor_build_number: i32,
    /// `Version`, the schema version name such as `V2017_07_11`.
    pub version: String,
}

impl Default for ServerVersion {
    /// Exchange Server 2016 CU (15.1.2507.57, schema `V2017_07_11`).
    fn default() -> Self {
        Self {
            major_version: 15,
            minor_version: 1,
            major_build_number: 2507,
            minor_build_number: 57,
            version: "V2017_07_11".to_owned(),
        }
    }
}

/// A complete SOAP response with the `ServerVersionInfo` header around `body`.
pub(crate) fn envelope(version: &ServerVersion, body: &str) -> String {
    let mut out = String::with_capacity(body.len() + 768);
    let _ = write!(
        out,
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\
         <s:Envelope xmlns:s=\"{SOAP}\"><s:Header>\
         <h:ServerVersionInfo MajorVersion=\"{}\" MinorVersion=\"{}\" MajorBuildNumber=\"{}\" \
         MinorBuildNumber=\"{}\" Version=\"{}\" xmlns:h=\"{TYPES}\" xmlns=\"{TYPES}\" \
         xmlns:xsd=\"{XSD}\" xmlns:xsi=\"{XSI}\"/></s:Header>\
         <s:Body xmlns:xsi=\"{XSI}\" xmlns:xsd=\"{XSD}\">{body}</s:Body></s:Envelope>",
        version.major_version,
        version.minor_version,
        version.major_build_number,
        version.minor_build_number,
        escape::attr(&version.version),
    );
    out
}

/// A SOAP fault as Exchange sends with HTTP 500: `a:{code}` with the EWS error detail.
/// `message_xml` is the inner XML of `t:MessageXml`, if any.
pub(crate) fn fault(
    version: &ServerVersion,
    code: &str,
    message: &str,
    message_xml: Option<&str>,
) -> String {
    let code = escape::text(code);
    let message = escape::text(message);
    let mut body = format!(
        "<s:Fault><faultcode xmlns:a=\"{TYPES}\">a:{code}</faultcode>\
         <faultstring xml:lang=\"en-US\">{message}</faultstring><detail>\
         <e:ResponseCode xmlns:e=\"{ERRORS}\">{code}</e:ResponseCode>\
         <e:Message xmlns:e=\"{ERRORS}\">{message}</e:Message>"
    );
    if let Some(inner) = message_xml {
        let _ = write!(
            body,
            "<t:MessageXml xmlns:t=\"{TYPES}\">{inner}</t:MessageXml>"
        );
    }
    body.push_str("</detail></s:Fault>");
    envelope(version, &body)
}

/// The `t:Value Name="BackOffMilliseconds"` that tells a client how long to back off.
pub(crate) fn back_off_value(ms: u64) -> String {
    format!("<t:Value Name=\"BackOffMilliseconds\">{ms}</t:Value>")
}

/// The SOAP fault that answers a refused request; `None` for refusals answered by a bare
/// HTTP status.
pub(crate) fn fault_for(version: &ServerVersion, error: &Error) -> Option<String> {
    let code = error.fault_code()?;
    let (message, detail) = match error {
        Error::UnknownOperation(_) => ("The request is invalid.".to_owned(), None),
        Error::InvalidServerVersion(_) => {
            ("The specified server version is invalid.".to_owned(), None)
        }
        Error::ImpersonationDenied => (
            "The account does not have permission to impersonate the requested user.".to_owned(),
            None,
        ),
        Error::ImpersonationRequired => (
            "ExchangeImpersonation SOAP header must be present for this type of OAuth token."
                .to_owned(),
            None,
        ),
        Error::NonExistentMailbox(_) => (
            "The SMTP address has no mailbox associated with it.".to_owned(),
            None,
        ),
        other => {
            let (line, position) = other.location().unwrap_or((0, 0));
            let violation = other.to_string();
            let mut detail = String::new();
            let _ = write!(
                detail,
                "<t:LineNumber>{line}</t:LineNumber><t:LinePosition>{position}</t:LinePosition>"
            );
            escape::push_text_element(&mut detail, "t:Violation", &violation);
            (
                format!("The request failed schema validation: {violation}"),
                Some(detail),
            )
        }
    };
    Some(fault(version, code, &message, detail.as_deref()))
}

/// An error response message: the code, its text and optional back-off.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MessageError {
    /// The `ResponseCode`.
    pub(crate) code: String,
    /// The `MessageText`.
    pub(crate) text: String,
    /// `BackOffMilliseconds` for `MessageXml`.
    pub(crate) back_off_ms: Option<u64>,
}

impl MessageError {
    /// An error with a code and a text, without back-off.
    pub(crate) fn new(code: &str, text: &str) -> Self {
        Self {
            code: code.to_owned(),
            text: text.to_owned(),
            back_off_ms: None,
        }
    }
}

/// Writes `m:{Operation}Response` with one response message after another.
pub(crate) struct Messages {
    operation: &'static str,
    out: String,
}

impl Messages {
    /// Starts the response element of `operation` (such as `FindItem`).
    pub(crate) fn new(operation: &'static str) -> Self {
        let mut out = String::with_capacity(1024);
        let _ = write!(
            out,
            "<m:{operation}Response xmlns:m=\"{MESSAGES}\" xmlns:t=\"{TYPES}\"><m:ResponseMessages>"
        );
        Self { operation, out }
    }

    /// Adds a successful message whose operation-specific content is `content`.
    pub(crate) fn success(&mut self, content: &str) {
        let op = self.operation;
        let _ = write!(
            self.out,
            "<m:{op}ResponseMessage ResponseClass=\"Success\"><m:ResponseCode>NoError</m:ResponseCode>\
             {content}</m:{op}ResponseMessage>"
        );
    }

    /// Adds an error message with the empty content the schema requires of this operation.
    pub(crate) fn error(&mut self, error: &MessageError) {
        let op = self.operation;
        let _ = write!(self.out, "<m:{op}ResponseMessage ResponseClass=\"Error\">");
        escape::push_text_element(&mut self.out, "m:MessageText", &error.text);
        escape::push_text_element(&mut self.out, "m:ResponseCode", &error.code);
        self.out
            .push_str("<m:DescriptiveLinkKey>0</m:DescriptiveLinkKey>");
        if let Some(ms) = error.back_off_ms {
            let _ = write!(
                self.out,
                "<m:MessageXml>{}</m:MessageXml>",
                back_off_value(ms)
            );
        }
        if matches!(
            op,
            "GetItem" | "CreateItem" | "UpdateItem" | "MoveItem" | "CopyItem"
        ) {
            // ItemInfoResponseMessageType requires Items even when there are none.
            self.out.push_str("<m:Items/>");
        }
        if matches!(op, "GetAttachment" | "CreateAttachment") {
            // So does AttachmentInfoResponseMessageType with Attachments.
            self.out.push_str("<m:Attachments/>");
        }
        let _ = write!(self.out, "</m:{op}ResponseMessage>");
    }

    /// Closes the response element.
    pub(crate) fn finish(mut self) -> String {
        let _ = write!(
            self.out,
            "</m:ResponseMessages></m:{}Response>",
            self.operation
        );
        self.out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn envelope_carries_the_server_version() {
        let xml = envelope(&ServerVersion::default(), "<x/>");
        assert!(
            xml.contains("MajorVersion=\"15\" MinorVersion=\"1\""),
            "{xml}"
        );
        assert!(xml.contains("Version=\"V2017_07_11\""));
        assert!(xml.contains("<s:Body xmlns:xsi="));
        crate::dom::parse(xml.as_bytes()).expect("well-formed");
    }

    #[test]
    fn faults_escape_their_text_and_stay_well_formed() {
        let xml = fault(
            &ServerVersion::default(),
            "ErrorServerBusy",
            "a < b & c",
            Some(&back_off_value(25)),
        );
        assert!(xml.contains("a:ErrorServerBusy</faultcode>"));
        assert!(xml.contains("a &lt; b &amp; c"));
        assert!(xml.contains("<t:Value Name=\"BackOffMilliseconds\">25</t:Value>"));
        crate::dom::parse(xml.as_bytes()).expect("well-formed");
    }

    #[test]
    fn schema_faults_say_where() {
        let error = Error::SchemaViolation {
            line: 3,
            position: 7,
            violation: "bad <thing>".into(),
        };
        let xml = fault_for(&ServerVersion::default(), &error).expect("a fault");
        assert!(xml.contains("a:ErrorSchemaValidation"));
        assert!(xml.contains("<t:LineNumber>3</t:LineNumber><t:LinePosition>7</t:LinePosition>"));
        assert!(xml.contains("bad &lt;thing&gt;"));
        assert_eq!(
            fault_for(&ServerVersion::default(), &Error::WrongCredentials),
            None
        );
    }

    #[test]
    fn error_messages_keep_the_required_items() {
        let mut messages = Messages::new("GetItem");
        messages.error(&MessageError::new("ErrorItemNotFound", "gone"));
        let xml = messages.finish();
        assert!(xml.contains("<m:ResponseCode>ErrorItemNotFound</m:ResponseCode>"));
        assert!(xml.ends_with(
            "<m:Items/></m:GetItemResponseMessage></m:ResponseMessages></m:GetItemResponse>"
        ));
        for operation in ["MoveItem", "CopyItem"] {
            let mut messages = Messages::new(operation);
            messages.error(&MessageError::new("ErrorItemNotFound", "gone"));
            assert!(messages
                .finish()
                .contains(&format!("<m:Items/></m:{operation}ResponseMessage>")));
        }
        let mut messages = Messages::new("DeleteItem");
        messages.error(&MessageError {
            back_off_ms: Some(5),
            ..MessageError::new("ErrorServerBusy", "busy")
        });
        let xml = messages.finish();
        assert!(!xml.contains("<m:Items/>"));
        assert!(xml.contains(
            "<m:MessageXml><t:Value Name=\"BackOffMilliseconds\">5</t:Value></m:MessageXml>"
        ));
    }
}
