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
}
