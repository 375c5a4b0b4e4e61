//! Whose mailbox a client works on: the impersonation SOAP header, the anchor mailbox and
//! the back-end affinity cookie of the HTTP requests.

use http::{HeaderMap, HeaderName, HeaderValue};

use crate::http::{AffinityCookie, RequestHeaders};
use crate::soap::append_to_header;
use crate::xml::XmlWriter;
use crate::EwsError;

/// The longest mailbox identifier accepted (SMTP addresses have at most 320 characters,
/// UPNs and SIDs fewer).
const MAX_IDENTIFIER_CHARS: usize = 1024;
const ANCHOR_MAILBOX: HeaderName = HeaderName::from_static("x-anchormailbox");
const PREFER_SERVER_AFFINITY: HeaderName = HeaderName::from_static("x-preferserveraffinity");

/// The mailbox a service account acts on (EWS `ExchangeImpersonation`).
///
/// Every request then carries `t:ExchangeImpersonation/t:ConnectingSID` in its SOAP header
/// and the HTTP headers `X-AnchorMailbox` and `X-PreferServerAffinity`, which route it to the
/// mailbox's back-end server.
///
/// ```
/// use exchange_ews::calendar::GetCalendarItem;
/// use exchange_ews::{ExchangeVersion, ItemId};
/// use exchange_ews::client::Impersonation;
///
/// let bob = Impersonation::PrimarySmtpAddress("bob@contoso.test".into());
/// let request = GetCalendarItem::new(ItemId::new("AAMk1"))?;
/// let envelope = bob.add_to_envelope(&request.to_envelope(ExchangeVersion::Exchange2016))?;
/// assert!(envelope.contains(
///     "<t:ExchangeImpersonation><t:ConnectingSID>\
///      <t:PrimarySmtpAddress>bob@contoso.test</t:PrimarySmtpAddress>\
///      </t:ConnectingSID></t:ExchangeImpersonation></soap:Header>"
/// ));
/// # Ok::<(), exchange_ews::EwsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Impersonation {
    /// The mailbox's primary SMTP address (`t:PrimarySmtpAddress`).
    PrimarySmtpAddress(String),
    /// The user principal name of the mailbox owner (`t:PrincipalName`).
    PrincipalName(String),
    /// The security identifier of the mailbox owner in SDDL form (`t:SID`).
    Sid(String),
}

impl Impersonation {
    /// The identifier of the mailbox, without surrounding whitespace; it is also the
    /// `X-AnchorMailbox`.
    pub fn mailbox(&self) -> &str {
        match self {
            Self::PrimarySmtpAddress(v) | Self::PrincipalName(v) | Self::Sid(v) => v.trim(),
        }
    }

    /// The element name inside `t:ConnectingSID`.
    fn element(&self) -> &'static str {
        match self {
            Self::PrimarySmtpAddress(_) => "t:PrimarySmtpAddress",
            Self::PrincipalName(_) => "t:PrincipalName",
            Self::Sid(_) => "t:SID",
        }
    }

    /// `envelope` (a request envelope of this crate) with the impersonation header appended
    /// to its SOAP header, after `RequestServerVersion`.
    ///
    /// Fails on an unusable identifier (see [`EwsClientBuilder::impersonate`]) or an
    /// envelope without a `soap:Header` element.
    ///
    /// [`EwsClientBuilder::impersonate`]: crate::EwsClientBuilder::impersonate
    pub fn add_to_envelope(&self, envelope: &str) -> Result<String, EwsError> {
        self.check()?;
        let mut w = XmlWriter::default();
        w.start("t:ExchangeImpersonation", &[])
            .start("t:ConnectingSID", &[])
            .text_element(self.element(), &[], self.mailbox());
        append_to_header(envelope, &w.finish()).ok_or_else(|| EwsError::InvalidArgument {
            argument: "envelope",
            reason: "the envelope has no soap:Header element to extend".into(),
        })
    }

    /// Refuses identifiers the schema or the HTTP header cannot carry.
    fn check(&self) -> Result<(), EwsError> {
        let invalid = |reason: &str| {
            Err(EwsError::InvalidArgument {
                argument: "impersonation",
                reason: reason.into(),
            })
        };
        let value = self.mailbox();
        if value.is_empty() {
            return invalid("the mailbox identifier is empty");
        }
        if value.chars().count() > MAX_IDENTIFIER_CHARS {
            return invalid("the mailbox identifier is longer than 1024 characters");
        }
        if value.chars().any(char::is_control) {
            return invalid("the mailbox identifier holds control characters");
        }
        Ok(())
    }

    fn anchor_header(&self) -> Result<HeaderValue, EwsError> {
        self.check()?;
        HeaderValue::from_str(self.mailbox()).map_err(|_| EwsError::InvalidArgument {
            argument: "impersonation",
            reason: "the mailbox identifier cannot be sent as an HTTP header".into(),
        })
    }
}

/// The identity side of one client: impersonation, anchor mailbox and affinity cookie.
#[derive(Debug)]
pub(super) struct Identity {
    impersonation: Option<Impersonation>,
    anchor: Option<HeaderValue>,
    /// The concurrency key: the impersonated mailbox, case-folded (SMTP addresses and UPNs
    /// compare without case), or empty for the account's own mailbox.
    mailbox_key: String,
    /// `X-BackEndOverrideCookie=…` as last set by the server.
    affinity: AffinityCookie,
}

impl Identity {
    /// The identity of a client acting as itself, or as `impersonation`.
    pub(super) fn new(impersonation: Option<Impersonation>) -> Result<Self, EwsError> {
        let anchor = impersonation
            .as_ref()
            .map(Impersonation::anchor_header)
            .transpose()?;
        Ok(Self {
            mailbox_key: impersonation
                .as_ref()
                .map_or_else(String::new, |i| i.mailbox().to_lowercase()),
            impersonation,
            anchor,
            affinity: AffinityCookie::default(),
        })
    }

    pub(super) fn impersonation(&self) -> Option<&Impersonation> {
        self.impersonation.as_ref()
    }

    pub(super) fn mailbox_key(&self) -> &str {
        &self.mailbox_key
    }

    /// The request envelope with the impersonation header, when impersonating.
    pub(super) fn envelope(&self, envelope: String) -> Result<String, EwsError> {
        match &self.impersonation {
            Some(impersonation) => impersonation.add_to_envelope(&envelope),
            None => Ok(envelope),
        }
    }
}

impl RequestHeaders for Identity {
    /// Adds the routing headers and the affinity cookie to a request.
    fn add_to(&self, mut request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if let Some(anchor) = &self.anchor {
            request = request
                .header(ANCHOR_MAILBOX, anchor.clone())
                .header(PREFER_SERVER_AFFINITY, HeaderValue::from_static("true"));
        }
        self.affinity.add_to(request)
    }

    fn remember(&self, headers: &HeaderMap) {
        self.affinity.remember(headers);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENVELOPE: &str = r#"<?xml version="1.0" encoding="utf-8"?><soap:Envelope><soap:Header><t:RequestServerVersion Version="Exchange2016"/></soap:Header><soap:Body/></soap:Envelope>"#;

    fn smtp(value: &str) -> Impersonation {
        Impersonation::PrimarySmtpAddress(value.into())
    }

    #[test]
    fn writes_each_kind_after_the_version_header() {
        for (impersonation, element) in [
            (smtp(" bob@contoso.test "), "PrimarySmtpAddress"),
            (
                Impersonation::PrincipalName("bob@corp.contoso.test".into()),
                "PrincipalName",
            ),
            (Impersonation::Sid("S-1-5-21-1-2-3-1104".into()), "SID"),
        ] {
            let out = impersonation.add_to_envelope(ENVELOPE).unwrap();
            let value = impersonation.mailbox();
            assert!(
                out.contains(&format!(
                    r#"<t:RequestServerVersion Version="Exchange2016"/><t:ExchangeImpersonation><t:ConnectingSID><t:{element}>{value}</t:{element}></t:ConnectingSID></t:ExchangeImpersonation></soap:Header>"#
                )),
                "{out}"
            );
        }
    }

    #[test]
    fn escapes_hostile_identifiers() {
        let out = smtp("a<b>&\"c'@contoso.test")
            .add_to_envelope(ENVELOPE)
            .unwrap();
        assert!(out.contains("a&lt;b&gt;&amp;\"c'@contoso.test"), "{out}");
    }

    #[test]
    fn refuses_unusable_identifiers_and_envelopes() {
        let long = "a".repeat(MAX_IDENTIFIER_CHARS + 1);
        for bad in [
            smtp(""),
            smtp("  \t "),
            smtp("bob@contoso.test\r\nX-Evil: 1"),
            smtp("bob\u{0}@contoso.test"),
            Impersonation::Sid(long),
        ] {
            let error = bad.add_to_envelope(ENVELOPE).unwrap_err();
            assert!(
                matches!(
                    error,
                    EwsError::InvalidArgument {
                        argument: "impersonation",
                        ..
                    }
                ),
                "{error}"
            );
            assert!(Identity::new(Some(bad)).is_err());
        }
        for envelope in ["", "<soap:Envelope><soap:Header/></soap:Envelope>", "<x>"] {
            let error = smtp("bob@contoso.test")
                .add_to_envelope(envelope)
                .unwrap_err();
            assert!(
                matches!(
                    error,
                    EwsError::InvalidArgument {
                        argument: "envelope",
                        ..
                    }
                ),
                "{error}"
            );
        }
    }

    #[test]
    fn keys_mailboxes_without_case() {
        let identity = Identity::new(Some(smtp(" Bob@Contoso.TEST"))).unwrap();
        assert_eq!(identity.mailbox_key(), "bob@contoso.test");
        assert_eq!(identity.anchor.as_ref().unwrap(), "Bob@Contoso.TEST");
        let own = Identity::new(None).unwrap();
        assert_eq!(own.mailbox_key(), "");
        assert_eq!(own.envelope(ENVELOPE.into()).unwrap(), ENVELOPE);
    }
}
