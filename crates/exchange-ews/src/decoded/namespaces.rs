//! The namespace check of a decoded document: every prefix must be declared, and the form of
//! the SOAP and Exchange namespace URIs is recorded.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use crate::EwsError;

/// The start of the namespace URIs that Microsoft's documentation sometimes spells with
/// `https://` where servers use `http://`.
const HTTPS_VARIANTS: [&str; 2] = [
    "https://schemas.xmlsoap.org/",
    "https://schemas.microsoft.com/",
];

/// How a document spelled the SOAP and Exchange namespace URIs.
///
/// Exchange uses `http://schemas.xmlsoap.org/soap/envelope/`,
/// `http://schemas.microsoft.com/exchange/services/2006/messages` and so on. Several samples
/// of Microsoft's documentation spell them with `https://`; a namespace-aware parser would
/// take those for foreign namespaces. This crate matches elements by local name, so both
/// forms decode alike, and the form is reported so that a caller can tell them apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NamespaceForm {
    /// No SOAP or Exchange namespace is declared with `https://` (what servers send).
    Standard,
    /// At least one SOAP or Exchange namespace is declared with `https://`
    /// (`https://schemas.xmlsoap.org/…`, `https://schemas.microsoft.com/…`).
    HttpsVariant,
}

impl NamespaceForm {
    /// The form as the JSON output spells it (`standard`, `https_variant`).
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Standard => "standard",
            Self::HttpsVariant => "https_variant",
        }
    }
}

/// Checks that every prefix of `text` is declared and reports the namespace form.
///
/// `offset` is the byte position of `text` in the original input (after a byte order mark),
/// so that positions in errors count from the start of the input.
pub(super) fn check(text: &str, offset: u64) -> Result<NamespaceForm, EwsError> {
    let mut reader = NsReader::from_str(text);
    let mut form = NamespaceForm::Standard;
    loop {
        let position = offset + reader.buffer_position();
        let (resolved, event) = match reader.read_resolved_event() {
            Ok(read) => read,
            Err(e) => {
                return Err(malformed(
                    offset + reader.error_position(),
                    format!("namespace error: {e}"),
                ))
            }
        };
        let start = match event {
            Event::Start(start) | Event::Empty(start) => start,
            Event::Eof => return Ok(form),
            _ => continue,
        };
        if let ResolveResult::Unknown(prefix) = resolved {
            return Err(undeclared(position, &prefix, &start));
        }
        for attribute in start.attributes() {
            let attribute = attribute.map_err(|e| malformed(position, e.to_string()))?;
            if attribute.key.as_namespace_binding().is_some() {
                if is_https_variant(&attribute.value) {
                    form = NamespaceForm::HttpsVariant;
                }
                continue;
            }
            if let (ResolveResult::Unknown(prefix), _) =
                reader.resolver().resolve_attribute(attribute.key)
            {
                return Err(undeclared(position, &prefix, &start));
            }
        }
    }
}

fn is_https_variant(uri: &str) -> bool {
    HTTPS_VARIANTS
        .iter()
        .any(|variant| uri.trim().starts_with(variant))
}

fn undeclared(position: u64, prefix: &str, start: &BytesStart<'_>) -> EwsError {
    let element = start.name();
    let element = element.as_ref();
    malformed(
        position,
        format!("the namespace prefix {prefix:?} used in <{element}> is not declared"),
    )
}

fn malformed(position: u64, reason: String) -> EwsError {
    EwsError::MalformedXml { position, reason }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn position_and_reason(text: &str) -> (u64, String) {
        match check(text, 0) {
            Err(EwsError::MalformedXml { position, reason }) => (position, reason),
            other => panic!("expected malformed XML, got {other:?}"),
        }
    }

    #[test]
    fn tells_the_forms_apart() {
        let standard = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"/>"#;
        assert_eq!(check(standard, 0).unwrap(), NamespaceForm::Standard);
        let https = r#"<s:Envelope xmlns:s="https://schemas.xmlsoap.org/soap/envelope/"/>"#;
        assert_eq!(check(https, 0).unwrap(), NamespaceForm::HttpsVariant);
        let default = r#"<A xmlns="https://schemas.microsoft.com/exchange/x"><B/></A>"#;
        assert_eq!(check(default, 0).unwrap(), NamespaceForm::HttpsVariant);
        let other = r#"<A xmlns="https://example.com/"><B xml:lang="en"/></A>"#;
        assert_eq!(check(other, 0).unwrap(), NamespaceForm::Standard);
        assert_eq!(NamespaceForm::HttpsVariant.as_str(), "https_variant");
    }

    #[test]
    fn refuses_undeclared_prefixes_with_their_position() {
        let (position, reason) = position_and_reason(r#"<a xmlns:i="urn:i"><b/><c:d/></a>"#);
        assert_eq!(position, 23);
        assert!(
            reason.contains("\"c\"") && reason.contains("<c:d>"),
            "{reason}"
        );
        let (position, reason) = position_and_reason(r#"<a><b i:nil="true"/></a>"#);
        assert_eq!(position, 3);
        assert!(reason.contains("\"i\""), "{reason}");
        // A declaration goes out of scope with its element.
        let (position, _) = position_and_reason(r#"<a><b xmlns:i="urn:i"/><i:c/></a>"#);
        assert_eq!(position, 23);
    }

    #[test]
    fn refuses_reserved_prefix_abuse() {
        let (_, reason) = position_and_reason(r#"<a xmlns:xml="urn:not-xml"/>"#);
        assert!(reason.starts_with("namespace error"), "{reason}");
    }
}
