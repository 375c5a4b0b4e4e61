//! POX Autodiscover (`autodiscover.xml`): the Outlook request and its answer.

use crate::xml::{self, Element, XmlWriter};
use crate::EwsError;

const REQUEST_NAMESPACE: &str =
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/requestschema/2006";
/// The response schema asked for: the Outlook one, which carries `EwsUrl`.
pub const RESPONSE_SCHEMA: &str =
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

/// A POX Autodiscover request for one mailbox.
///
/// ```
/// use exchange_ews::autodiscover::{PoxAutodiscover, PoxResponse};
///
/// let request = PoxAutodiscover::new("alice@contoso.test")?;
/// assert!(request.to_xml().contains("<EMailAddress>alice@contoso.test</EMailAddress>"));
/// let answer = br#"<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
///   <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
///     <Account><Action>redirectAddr</Action><RedirectAddr>bob@fabrikam.test</RedirectAddr></Account>
///   </Response></Autodiscover>"#;
/// let response = PoxAutodiscover::parse_response(answer)?;
/// assert_eq!(response, PoxResponse::RedirectAddress("bob@fabrikam.test".into()));
/// # Ok::<(), exchange_ews::EwsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoxAutodiscover {
    address: String,
}

impl PoxAutodiscover {
    /// A request for `address`; fails on an address that is not `local@domain`.
    pub fn new(address: &str) -> Result<Self, EwsError> {
        let (address, _) = super::check_address(address)?;
        Ok(Self { address })
    }

    /// The request document.
    pub fn to_xml(&self) -> String {
        let mut w = XmlWriter::new();
        w.start("Autodiscover", &[("xmlns", REQUEST_NAMESPACE)])
            .start("Request", &[])
            .text_element("EMailAddress", &[], &self.address)
            .text_element("AcceptableResponseSchema", &[], RESPONSE_SCHEMA);
        w.finish()
    }

    /// Parses a POX answer: settings, a redirect, or an error.
    pub fn parse_response(bytes: &[u8]) -> Result<PoxResponse, EwsError> {
        let root = xml::parse(bytes)?;
        if root.name() != "Autodiscover" {
            return Err(EwsError::MissingElement {
                element: "Autodiscover".into(),
                parent: "document".into(),
            });
        }
        let response = root.required_child("Response")?;
        if let Some(error) = response.child("Error") {
            return Ok(PoxResponse::Error {
                code: trimmed(error, "ErrorCode"),
                message: trimmed(error, "Message"),
            });
        }
        let account = response.required_child("Account")?;
        let action = trimmed(account, "Action");
        match action.as_str() {
            "redirectAddr" => Ok(PoxResponse::RedirectAddress(required_text(
                account,
                "RedirectAddr",
            )?)),
            "redirectUrl" => Ok(PoxResponse::RedirectUrl(required_text(
                account,
                "RedirectUrl",
            )?)),
            "settings" => Ok(PoxResponse::Settings(settings(response, account))),
            _ => Err(EwsError::InvalidValue {
                element: "Action".into(),
                value: action.chars().take(100).collect(),
                expected: "settings, redirectAddr or redirectUrl",
            }),
        }
    }
}

fn trimmed(element: &Element, name: &str) -> String {
    element
        .child_text(name)
        .unwrap_or_default()
        .trim()
        .to_owned()
}

fn optional(element: &Element, name: &str) -> Option<String> {
    Some(trimmed(element, name)).filter(|t| !t.is_empty())
}

fn required_text(element: &Element, name: &str) -> Result<String, EwsError> {
    optional(element, name).ok_or_else(|| EwsError::MissingElement {
        element: name.to_owned(),
        parent: element.name().to_owned(),
    })
}

fn settings(response: &Element, account: &Element) -> PoxSettings {
    let user = response.child("User");
    PoxSettings {
        display_name: user.and_then(|u| optional(u, "DisplayName")),
        legacy_dn: user.and_then(|u| optional(u, "LegacyDN")),
        protocols: account
            .children()
            .iter()
            .filter(|c| c.name() == "Protocol")
            .map(|p| PoxProtocol {
                kind: trimmed(p, "Type"),
                server: optional(p, "Server"),
                ews_url: optional(p, "EwsUrl"),
                as_url: optional(p, "ASUrl"),
            })
            .collect(),
    }
}

/// What a POX Autodiscover server answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum PoxResponse {
    /// `Action` `settings`: the user's settings.
    Settings(PoxSettings),
    /// `Action` `redirectAddr`: ask again with this address.
    RedirectAddress(String),
    /// `Action` `redirectUrl`: ask this Autodiscover URL.
    RedirectUrl(String),
    /// `Response/Error`: the server refused the request.
    Error {
        /// The `ErrorCode` (`600` for an invalid request, …).
        code: String,
        /// The `Message`.
        message: String,
    },
}

/// The settings of a POX answer.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct PoxSettings {
    /// The user's `DisplayName`.
    pub display_name: Option<String>,
    /// The user's `LegacyDN`.
    pub legacy_dn: Option<String>,
    /// The `Protocol`s of the account, in document order.
    pub protocols: Vec<PoxProtocol>,
}

impl PoxSettings {
    /// The `EwsUrl` of the `EXCH` protocol (inside the organisation), else of the `EXPR`
    /// protocol (Outlook Anywhere).
    pub fn ews_url(&self) -> Option<&str> {
        ["EXCH", "EXPR"].iter().find_map(|kind| {
            self.protocols
                .iter()
                .filter(|p| p.kind == *kind)
                .find_map(|p| p.ews_url.as_deref())
        })
    }
}

/// One `Protocol` of a POX answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PoxProtocol {
    /// Its `Type` (`EXCH`, `EXPR`, `WEB`).
    pub kind: String,
    /// Its `Server`.
    pub server: Option<String>,
    /// Its `EwsUrl`.
    pub ews_url: Option<String>,
    /// Its `ASUrl` (the availability service).
    pub as_url: Option<String>,
}
