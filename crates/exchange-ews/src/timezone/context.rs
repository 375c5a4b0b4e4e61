//! The `TimeZoneContext` SOAP header and the Windows time zone id it names.

use std::fmt;
use std::str::FromStr;

use super::mapping::{iana_to_windows, windows_to_iana};
use crate::xml::XmlWriter;
use crate::{EwsError, ExchangeVersion};

/// The longest id accepted; Windows ids are registry key names of at most 32 characters.
const MAX_ID_CHARS: usize = 256;

/// A Windows time zone id (`W. Europe Standard Time`), the name Exchange gives time zones.
///
/// Any id of sane form is accepted, not only those CLDR maps: a server may know more.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct WindowsZoneId(String);

impl WindowsZoneId {
    /// The id, trimmed; refuses an empty one, one longer than 256 characters or one with
    /// control characters.
    pub fn new(id: &str) -> Result<Self, EwsError> {
        let id = id.trim();
        let invalid = |reason: &str| EwsError::InvalidArgument {
            argument: "time zone id",
            reason: format!("{:?}: {reason}", id.chars().take(100).collect::<String>()),
        };
        if id.is_empty() {
            return Err(invalid("the id is empty"));
        }
        if id.chars().count() > MAX_ID_CHARS {
            return Err(invalid("the id is longer than 256 characters"));
        }
        if id.chars().any(char::is_control) {
            return Err(invalid("the id holds control characters"));
        }
        Ok(Self(id.to_owned()))
    }

    /// The Windows id CLDR maps the IANA zone (`Europe/Berlin`) to.
    pub fn from_iana(iana: &str) -> Result<Self, EwsError> {
        let windows = iana_to_windows(iana).ok_or_else(|| EwsError::InvalidArgument {
            argument: "time zone id",
            reason: format!(
                "{:?} is no IANA zone CLDR maps to Windows",
                iana.chars().take(100).collect::<String>()
            ),
        })?;
        Self::new(windows)
    }

    /// The id as Exchange spells it.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The default IANA zone of the id, when CLDR maps it.
    pub fn iana(&self) -> Option<&'static str> {
        windows_to_iana(&self.0, None)
    }
}

impl fmt::Display for WindowsZoneId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for WindowsZoneId {
    type Err = EwsError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

/// The `TimeZoneContext` SOAP header: the time zone in which the server reads and writes
/// times without an offset and expands recurrences (Exchange 2010 and later).
///
/// ```
/// use exchange_ews::timezone::{GetServerTimeZones, TimeZoneContext, WindowsZoneId};
/// use exchange_ews::ExchangeVersion;
///
/// let context = TimeZoneContext::new(WindowsZoneId::from_iana("Europe/Berlin")?);
/// let request = GetServerTimeZones::new(&[], false)?;
/// let envelope = request.to_envelope(ExchangeVersion::Exchange2013);
/// let envelope = context.add_to_envelope(&envelope, ExchangeVersion::Exchange2013)?;
/// assert!(envelope.contains(
///     r#"<t:TimeZoneContext><t:TimeZoneDefinition Id="W. Europe Standard Time"/></t:TimeZoneContext>"#
/// ));
/// # Ok::<(), exchange_ews::EwsError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct TimeZoneContext {
    zone: WindowsZoneId,
}

impl TimeZoneContext {
    /// The header naming `zone`.
    pub fn new(zone: WindowsZoneId) -> Self {
        Self { zone }
    }

    /// The zone the header names.
    pub fn zone(&self) -> &WindowsZoneId {
        &self.zone
    }

    /// `envelope` (a request envelope of this crate, written for `version`) with the header
    /// right after `RequestServerVersion`, so that it precedes an impersonation header
    /// whichever is added first. Exchange 2007 SP1 does not know the header: for it the
    /// envelope is returned unchanged.
    ///
    /// SOAP header blocks are unordered, and `TimeZoneContextType` in the schema only fixes
    /// what is inside the header; the service description lists it after
    /// `RequestServerVersion`, as it is written here.
    ///
    /// Fails on an envelope without a `RequestServerVersion` header element.
    pub fn add_to_envelope(
        &self,
        envelope: &str,
        version: ExchangeVersion,
    ) -> Result<String, EwsError> {
        if !version.has_time_zone_definitions() {
            return Ok(envelope.to_owned());
        }
        let missing = || EwsError::InvalidArgument {
            argument: "envelope",
            reason: "the envelope has no RequestServerVersion header element".into(),
        };
        // Values are escaped in envelopes of this crate, so the first `/>` closes the element.
        let start = envelope
            .find("<t:RequestServerVersion ")
            .ok_or_else(missing)?;
        let end = start + envelope[start..].find("/>").ok_or_else(missing)? + 2;
        let mut w = XmlWriter::default();
        w.start("t:TimeZoneContext", &[])
            .empty("t:TimeZoneDefinition", &[("Id", self.zone.as_str())])
            .end();
        let header = w.finish();
        let mut out = String::with_capacity(envelope.len() + header.len());
        out.push_str(&envelope[..end]);
        out.push_str(&header);
        out.push_str(&envelope[end..]);
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENVELOPE: &str = concat!(
        r#"<soap:Envelope><soap:Header><t:RequestServerVersion Version="Exchange2010"/>"#,
        r#"</soap:Header><soap:Body/></soap:Envelope>"#
    );

    fn berlin() -> TimeZoneContext {
        TimeZoneContext::new(WindowsZoneId::new("W. Europe Standard Time").unwrap())
    }

    #[test]
    fn writes_the_header_after_the_version_for_2010_and_later() {
        for version in ExchangeVersion::ALL {
            let out = berlin().add_to_envelope(ENVELOPE, version).unwrap();
            if version == ExchangeVersion::Exchange2007Sp1 {
                assert_eq!(out, ENVELOPE);
                continue;
            }
            assert!(out.contains(concat!(
                r#"<t:RequestServerVersion Version="Exchange2010"/><t:TimeZoneContext>"#,
                r#"<t:TimeZoneDefinition Id="W. Europe Standard Time"/></t:TimeZoneContext>"#,
                "</soap:Header>"
            )));
        }
    }

    #[test]
    fn escapes_hostile_ids_and_refuses_unusable_ones() {
        let odd = WindowsZoneId::new(r#" A"<&>'Zone "#).unwrap();
        assert_eq!(odd.as_str(), r#"A"<&>'Zone"#);
        let out = TimeZoneContext::new(odd)
            .add_to_envelope(ENVELOPE, ExchangeVersion::Exchange2016)
            .unwrap();
        assert!(
            out.contains(r#"Id="A&quot;&lt;&amp;&gt;&apos;Zone""#),
            "{out}"
        );
        let long = "x".repeat(257);
        for bad in ["", "  ", "a\u{0}b", "line\nbreak", long.as_str()] {
            let err = WindowsZoneId::new(bad).unwrap_err();
            assert!(matches!(
                err,
                EwsError::InvalidArgument {
                    argument: "time zone id",
                    ..
                }
            ));
        }
        assert!(WindowsZoneId::new(&"x".repeat(256)).is_ok());
        for envelope in [
            "",
            "<soap:Envelope/>",
            "<t:RequestServerVersion Version=\"x\"",
        ] {
            let err = berlin()
                .add_to_envelope(envelope, ExchangeVersion::Exchange2013)
                .unwrap_err();
            assert!(matches!(
                err,
                EwsError::InvalidArgument {
                    argument: "envelope",
                    ..
                }
            ));
        }
    }

    #[test]
    fn converts_from_and_to_iana() {
        let id = WindowsZoneId::from_iana(" America/Chicago ").unwrap();
        assert_eq!(id.as_str(), "Central Standard Time");
        assert_eq!(id.iana(), Some("America/Chicago"));
        assert_eq!(id.to_string(), "Central Standard Time");
        assert_eq!(
            "Central Standard Time".parse::<WindowsZoneId>().unwrap(),
            id
        );
        assert!(WindowsZoneId::from_iana("Nowhere/Else").is_err());
        assert_eq!(WindowsZoneId::new("Custom Zone").unwrap().iana(), None);
        assert_eq!(berlin().zone().as_str(), "W. Europe Standard Time");
    }
}
