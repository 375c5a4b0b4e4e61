//! Turning failed connections and unwelcome HTTP answers into [`EwsError`]s.

use std::error::Error as StdError;
use std::io;
use std::time::Duration;

use http::HeaderMap;

use super::resolve::AddressRefusal;
use crate::error::ConnectFailure;
use crate::EwsError;

/// How much of an unexpected body an [`EwsError::HttpStatus`] keeps.
const SNIPPET_CHARS: usize = 200;

/// The error of a failed `reqwest` call, classified by its chain of sources. A refusal of the
/// address check travels as the resolver's error (`hyper-util`'s `dns error` holds it as its
/// source) and becomes [`EwsError::AddressRefused`].
pub(super) fn connection_error(error: &reqwest::Error, https: bool) -> EwsError {
    if let Some(refusal) = chain(error)
        .into_iter()
        .find_map(|e| e.downcast_ref::<AddressRefusal>())
    {
        return EwsError::AddressRefused {
            host: refusal.host.clone(),
            reason: refusal.reason.clone(),
        };
    }
    EwsError::Connection {
        kind: classify(error, https),
        detail: describe_chain(error),
    }
}

/// Classifies a failed connection by walking its source chain: `reqwest` wraps `hyper-util`'s
/// connect error (`dns error` for resolver failures), which wraps the `io::Error` of the
/// socket or of the TLS stream.
pub(super) fn classify(error: &(dyn StdError + 'static), https: bool) -> ConnectFailure {
    let (mut timeout, mut refused, mut dns, mut tls) = (false, false, false, false);
    for e in chain(error) {
        if let Some(r) = e.downcast_ref::<reqwest::Error>() {
            // Its message names the URL, which says nothing about the failure.
            timeout |= r.is_timeout();
            continue;
        }
        if let Some(io) = e.downcast_ref::<io::Error>() {
            match io.kind() {
                io::ErrorKind::ConnectionRefused => refused = true,
                io::ErrorKind::TimedOut => timeout = true,
                // What rustls reports for a bad certificate or a peer speaking no TLS.
                io::ErrorKind::InvalidData | io::ErrorKind::UnexpectedEof => tls |= https,
                _ => {}
            }
        }
        let message = e.to_string().to_ascii_lowercase();
        dns |= message.starts_with("dns error");
        tls |= ["certificate", "tls", "ssl"]
            .iter()
            .any(|w| message.contains(w));
    }
    if timeout {
        ConnectFailure::Timeout
    } else if refused {
        ConnectFailure::Refused
    } else if dns {
        ConnectFailure::NameNotResolved
    } else if tls {
        ConnectFailure::Tls
    } else {
        ConnectFailure::Other
    }
}

/// An error and its sources. An `io::Error` that wraps another error reports that error's
/// source as its own, skipping the wrapped error itself; the wrapped one is listed too.
fn chain<'a>(error: &'a (dyn StdError + 'static)) -> Vec<&'a (dyn StdError + 'static)> {
    let mut errors = Vec::new();
    let mut current = Some(error);
    while let Some(e) = current {
        errors.push(e);
        let mut wrapper = e.downcast_ref::<io::Error>();
        while let Some(inner) = wrapper.and_then(io::Error::get_ref) {
            let inner: &(dyn StdError + 'static) = inner;
            errors.push(inner);
            wrapper = inner.downcast_ref::<io::Error>();
        }
        current = e.source();
    }
    errors
}

/// The messages of an error and its sources, joined by `: `.
fn describe_chain(error: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    for e in chain(error) {
        let message = e.to_string();
        if !parts.contains(&message) {
            parts.push(message);
        }
    }
    parts.join(": ")
}

/// The delay of a `Retry-After` header given in seconds.
pub(super) fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(http::header::RETRY_AFTER)?.to_str().ok()?;
    value.trim().parse::<u64>().ok().map(Duration::from_secs)
}

/// The start of a body for an error message: control characters blanked, and any token of
/// an authentication scheme blotted out in case the server echoes request headers.
pub(crate) fn body_snippet(body: &[u8]) -> String {
    let text: String = String::from_utf8_lossy(body)
        .chars()
        .take(SNIPPET_CHARS)
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    redact_credentials(text.trim())
}

fn redact_credentials(text: &str) -> String {
    const SCHEMES: [&str; 4] = ["basic ", "bearer ", "ntlm ", "negotiate "];
    let lower = text.to_ascii_lowercase();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut search = 0;
    while let Some((at, scheme)) = SCHEMES
        .iter()
        .filter_map(|s| lower[search..].find(s).map(|i| (search + i, s.len())))
        .min()
    {
        let token_start = at + scheme;
        let token_len = text[token_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || "+/=-._~".contains(c)))
            .unwrap_or(text.len() - token_start);
        if token_len > 0 {
            out.push_str(&text[copied..token_start]);
            out.push_str("[redacted]");
            copied = token_start + token_len;
        }
        search = token_start + token_len;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fmt;

    /// An error with a message and an optional source, like `hyper-util`'s connect error.
    #[derive(Debug)]
    struct Layer(&'static str, Option<Box<dyn StdError + Send + Sync>>);

    impl fmt::Display for Layer {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }
    }

    impl StdError for Layer {
        fn source(&self) -> Option<&(dyn StdError + 'static)> {
            self.1.as_deref().map(|e| e as &(dyn StdError + 'static))
        }
    }

    fn over(message: &'static str, inner: impl StdError + Send + Sync + 'static) -> Layer {
        Layer(message, Some(Box::new(inner)))
    }

    #[test]
    fn classifies_source_chains() {
        let refused = over(
            "client error (Connect)",
            over(
                "tcp connect error",
                io::Error::from(io::ErrorKind::ConnectionRefused),
            ),
        );
        assert_eq!(classify(&refused, false), ConnectFailure::Refused);
        let dns = over(
            "client error (Connect)",
            over(
                "dns error",
                io::Error::other("failed to lookup address information"),
            ),
        );
        assert_eq!(classify(&dns, true), ConnectFailure::NameNotResolved);
        let timeout = over("connect", io::Error::from(io::ErrorKind::TimedOut));
        assert_eq!(classify(&timeout, false), ConnectFailure::Timeout);
        let tls = over(
            "client error (Connect)",
            io::Error::new(
                io::ErrorKind::InvalidData,
                Layer("received corrupt message", None),
            ),
        );
        assert_eq!(classify(&tls, true), ConnectFailure::Tls);
        assert_eq!(classify(&tls, false), ConnectFailure::Other);
        let certificate = over(
            "connect",
            io::Error::other("invalid peer certificate: UnknownIssuer"),
        );
        assert_eq!(classify(&certificate, true), ConnectFailure::Tls);
        let nested = over(
            "client error (Connect)",
            io::Error::other(io::Error::new(
                io::ErrorKind::InvalidData,
                Layer("received corrupt message", None),
            )),
        );
        assert_eq!(classify(&nested, true), ConnectFailure::Tls);
        let reset = over(
            "connection error",
            io::Error::from(io::ErrorKind::ConnectionReset),
        );
        assert_eq!(classify(&reset, false), ConnectFailure::Other);
    }

    #[test]
    fn describes_the_chain_once_per_message() {
        let e = over(
            "client error (Connect)",
            over("tcp connect error", Layer("tcp connect error", None)),
        );
        assert_eq!(
            describe_chain(&e),
            "client error (Connect): tcp connect error"
        );
    }

    #[test]
    fn reads_retry_after_seconds() {
        let mut headers = HeaderMap::new();
        assert_eq!(retry_after(&headers), None);
        headers.insert(http::header::RETRY_AFTER, "120".parse().unwrap());
        assert_eq!(retry_after(&headers), Some(Duration::from_secs(120)));
        headers.insert(
            http::header::RETRY_AFTER,
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&headers), None);
    }

    #[test]
    fn snippets_are_short_and_clean() {
        let body = format!("<html>\r\n<body>{}</body>", "x".repeat(1000));
        let snippet = body_snippet(body.as_bytes());
        assert_eq!(snippet.chars().count(), SNIPPET_CHARS);
        assert!(snippet.starts_with("<html>  <body>xxx"));
        assert_eq!(body_snippet(b"\xFF\xFEoops"), "\u{FFFD}\u{FFFD}oops");
        assert_eq!(body_snippet(b""), "");
    }

    #[test]
    fn snippets_never_show_credentials() {
        let echoed = b"Bad request. Authorization: Basic YWxpY2U6aHVudGVyMg== was sent; also bearer abc.def-ghi and NTLM TlRMTVNTUAAB";
        let snippet = body_snippet(echoed);
        assert!(!snippet.contains("YWxpY2U6aHVudGVyMg"), "{snippet}");
        assert!(!snippet.contains("abc.def"), "{snippet}");
        assert!(!snippet.contains("TlRMTVNTUAAB"), "{snippet}");
        assert_eq!(snippet.matches("[redacted]").count(), 3, "{snippet}");
        assert_eq!(
            body_snippet("Basic authentication is off".as_bytes()),
            "Basic [redacted] is off"
        );
        assert_eq!(
            body_snippet("négotiate basic ".as_bytes()),
            "négotiate basic"
        );
    }
}
