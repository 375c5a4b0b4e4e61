use base64::Engine as _;
use zeroize::Zeroizing;

use crate::AuthError;

/// The longest token accepted in a challenge, in base64 characters. NTLM challenges and
/// Kerberos tokens with a large PAC stay far below; anything longer is refused before decoding.
pub(crate) const MAX_TOKEN_CHARS: usize = 64 * 1024;

/// One challenge of a `WWW-Authenticate` header: the scheme and its token or parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    scheme: String,
    data: Option<String>,
}

impl Challenge {
    /// Parses one `WWW-Authenticate` header value. A server may send several headers; each
    /// carries one challenge as IIS and Apache send them (`NTLM`, `Negotiate <token>`,
    /// `Basic realm="…"`).
    pub fn parse(value: &str) -> Option<Self> {
        let value = value.trim();
        let (scheme, rest) = match value.split_once(char::is_whitespace) {
            Some((s, r)) => (s, r.trim()),
            None => (value, ""),
        };
        let valid = !scheme.is_empty()
            && scheme
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
        valid.then(|| Self {
            scheme: scheme.to_owned(),
            data: (!rest.is_empty()).then(|| rest.to_owned()),
        })
    }

    /// The scheme (`Basic`, `NTLM`, `Negotiate`, `Bearer`).
    pub fn scheme(&self) -> &str {
        &self.scheme
    }

    /// Whether this challenge is for `scheme` (compared without regard to case).
    pub fn is(&self, scheme: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(scheme)
    }

    /// The token or the auth parameters after the scheme.
    pub fn data(&self) -> Option<&str> {
        self.data.as_deref()
    }

    /// The challenge for `scheme` among `challenges`, or [`AuthError::SchemeNotOffered`]
    /// naming the schemes the server did offer.
    pub(crate) fn find<'a>(
        challenges: &'a [Challenge],
        scheme: &'static str,
    ) -> Result<&'a Challenge, AuthError> {
        challenges
            .iter()
            .find(|c| c.is(scheme))
            .ok_or_else(|| AuthError::SchemeNotOffered {
                scheme,
                offered: challenges
                    .iter()
                    .map(Challenge::scheme)
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    /// The base64 token after the scheme (`NTLM <token>`, `Negotiate <token>`), decoded:
    /// `Ok(None)` when the challenge carries none. The error is the reason the token is
    /// unusable, for the caller's own error variant.
    pub(crate) fn token(&self) -> Result<Option<Zeroizing<Vec<u8>>>, &'static str> {
        let Some(data) = self.data() else {
            return Ok(None);
        };
        if data.len() > MAX_TOKEN_CHARS {
            return Err("the token is larger than 64 KiB");
        }
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(data)
            .map_err(|_| "the token is not base64")?;
        if bytes.is_empty() {
            return Err("the token is empty");
        }
        Ok(Some(Zeroizing::new(bytes)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_schemes_with_and_without_data() {
        let c = Challenge::parse("Negotiate YIIBhg==").unwrap();
        assert!(c.is("negotiate"));
        assert_eq!(c.data(), Some("YIIBhg=="));
        let c = Challenge::parse("NTLM").unwrap();
        assert_eq!(c.scheme(), "NTLM");
        assert_eq!(c.data(), None);
        let c = Challenge::parse(r#"Basic realm="mail.contoso.test""#).unwrap();
        assert_eq!(c.data(), Some(r#"realm="mail.contoso.test""#));
    }

    #[test]
    fn refuses_garbage() {
        assert_eq!(Challenge::parse(""), None);
        assert_eq!(Challenge::parse("   "), None);
        assert_eq!(Challenge::parse("B@sic realm=x"), None);
        assert_eq!(Challenge::parse("\u{0}\u{1}"), None);
    }

    #[test]
    fn finds_the_scheme_or_names_the_offered_ones() {
        let offered = [
            Challenge::parse("NTLM").unwrap(),
            Challenge::parse("Negotiate YIIBhg==").unwrap(),
        ];
        assert_eq!(
            Challenge::find(&offered, "negotiate").unwrap().data(),
            Some("YIIBhg==")
        );
        match Challenge::find(&offered, "Basic") {
            Err(AuthError::SchemeNotOffered { scheme, offered }) => {
                assert_eq!(scheme, "Basic");
                assert_eq!(offered, "NTLM, Negotiate");
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            Challenge::find(&[], "NTLM"),
            Err(AuthError::SchemeNotOffered { offered, .. }) if offered.is_empty()
        ));
    }

    #[test]
    fn decodes_tokens_and_refuses_bad_ones() {
        let token = |value: &str| Challenge::parse(value).unwrap().token();
        assert_eq!(
            token("Negotiate oQcwBaADCgEA").unwrap().unwrap().as_slice(),
            b"\xa1\x07\x30\x05\xa0\x03\x0a\x01\x00"
        );
        assert_eq!(token("NTLM").unwrap(), None);
        // Malformed, truncated, padding only, hostile characters.
        for bad in [
            "NTLM not base64!",
            "NTLM oQcwBaADCgEA=x",
            "NTLM oQcwBaADCgE",
            "NTLM ====",
            "NTLM %%%%",
            "NTLM TlRM\u{0}TVNT",
            "NTLM TlRM TVNT",
        ] {
            assert_eq!(
                token(bad).unwrap_err(),
                "the token is not base64",
                "{bad:?}"
            );
        }
        // Oversized: refused by length, before decoding.
        let largest = format!("NTLM {}", "A".repeat(MAX_TOKEN_CHARS));
        assert_eq!(
            token(&largest).unwrap().unwrap().len(),
            MAX_TOKEN_CHARS / 4 * 3
        );
        let huge = format!("NTLM {}", "A".repeat(MAX_TOKEN_CHARS + 4));
        assert_eq!(token(&huge).unwrap_err(), "the token is larger than 64 KiB");
    }
}
