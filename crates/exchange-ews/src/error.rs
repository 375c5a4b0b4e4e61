//! The one error type of the crate, and the codes, classes and kinds of failure it reports.

use std::fmt;
use std::time::Duration;

use exchange_auth::AuthError;
use thiserror::Error;

use crate::client::BackOffScope;

pub use crate::response_code::ResponseCode;

/// Why an EWS call failed.
#[derive(Debug, Clone, Error)]
#[non_exhaustive]
pub enum EwsError {
    /// Exchange processed the request and answered with `ResponseClass="Error"` (or
    /// `"Warning"`) in the response message.
    #[error("Exchange answered {code} ({class}){}{}", text_suffix(message_text), back_off_suffix(*back_off))]
    Response {
        /// Error or warning.
        class: ResponseClass,
        /// The `ResponseCode`.
        code: ResponseCode,
        /// The `MessageText` (empty when the server sent none).
        message_text: String,
        /// The `BackOffMilliseconds` of the `MessageXml`, when the server throttles.
        back_off: Option<Duration>,
        /// The other name/value pairs of the `MessageXml` (`Policy`, `InnerErrorResponseCode`…).
        details: Vec<(String, String)>,
    },
    /// The server answered with a SOAP fault (schema violations, throttling before the
    /// request was processed, …).
    #[error("SOAP fault {fault_code}: {fault_string}{}", back_off_suffix(*back_off))]
    SoapFault {
        /// The `faultcode` (`a:ErrorServerBusy`, `soap:Client`).
        fault_code: String,
        /// The `faultstring`.
        fault_string: String,
        /// The `ResponseCode` of the fault detail, or else the one named by the fault code.
        response_code: Option<ResponseCode>,
        /// The `BackOffMilliseconds` of the detail's `MessageXml`.
        back_off: Option<Duration>,
        /// The other name/value pairs of the detail's `MessageXml`.
        details: Vec<(String, String)>,
    },
    /// The server answered with an HTTP status that is neither success nor a SOAP fault.
    #[error("HTTP status {status}{}", text_suffix(body_snippet))]
    HttpStatus {
        /// The status code.
        status: u16,
        /// The start of the response body, with control characters blanked out.
        body_snippet: String,
        /// The delay of a `Retry-After` header in seconds, when present.
        retry_after: Option<Duration>,
    },
    /// Exchange refuses EWS to this application by policy: HTTP 403 with `X-EWS-Policy-Reason`.
    /// Exchange Online answers so since 2026-10-01 unless a tenant admin allowed the app
    /// (`EwsEnabled`, `EwsAllowedAppIDs`), and for everyone from 2027-04-01; Microsoft Graph is
    /// the way on. Never retried.
    #[error("Exchange refuses EWS to this application by policy ({reason})")]
    EwsBlocked {
        /// The header's reason, cut short and without control characters.
        reason: String,
    },
    /// Authentication failed: the server refused the credentials (a `401` after the last leg
    /// of the handshake), or the strategy could not authenticate to this server at all.
    #[error("authentication failed: {source}")]
    AuthenticationFailed {
        /// What the authentication strategy reported.
        #[source]
        source: AuthError,
    },
    /// The request was not sent: an answer to an earlier one asked to back off from its
    /// mailbox or its server for longer than the call may still wait. See
    /// [`BackOffState`](crate::client::BackOffState).
    #[error(
        "not sent: Exchange asked to back off from the {scope} for {} ms more ({cause})",
        remaining.as_millis()
    )]
    BackingOff {
        /// Whether the mailbox or the whole server backs off.
        scope: BackOffScope,
        /// How much of the back-off is left.
        remaining: Duration,
        /// The throttling answer that asked for the back-off.
        cause: Box<EwsError>,
    },
    /// The request did not get an answer: the connection failed, timed out or broke.
    #[error("cannot reach the server ({kind}): {detail}")]
    Connection {
        /// What went wrong.
        kind: ConnectFailure,
        /// The chain of underlying errors, for logs.
        detail: String,
    },
    /// The address check refused the addresses the URL's host name resolved to; nothing was
    /// sent to any of them. See [`AddressCheck`](crate::client::AddressCheck).
    #[error("refused to connect to {host}: {reason}")]
    AddressRefused {
        /// The host name.
        host: String,
        /// Why, as the check said.
        reason: String,
    },
    /// The response body is larger than the client accepts.
    #[error("the response is larger than the limit of {limit} bytes")]
    ResponseTooLarge {
        /// The limit in bytes.
        limit: usize,
    },
    /// The response is not well-formed XML.
    #[error("malformed XML at byte {position}: {reason}")]
    MalformedXml {
        /// The byte offset where the problem was found.
        position: u64,
        /// What is wrong.
        reason: String,
    },
    /// The response uses XML the parser refuses on principle (DTDs, absurd nesting).
    #[error("refused XML at byte {position}: {refusal}")]
    XmlRefused {
        /// The byte offset of the refused construct.
        position: u64,
        /// What was refused.
        refusal: XmlRefusal,
    },
    /// The response is XML but not a SOAP envelope.
    #[error("the response is not a SOAP envelope (its root element is <{root}>)")]
    NotSoap {
        /// The local name of the root element.
        root: String,
    },
    /// The response lacks an element the operation needs.
    #[error("the response has no <{element}> in <{parent}>")]
    MissingElement {
        /// The local name of the missing element.
        element: String,
        /// The local name of the element that should hold it.
        parent: String,
    },
    /// An element or attribute of the response holds a value of the wrong kind.
    #[error("<{element}> holds {value:?}, expected {expected}")]
    InvalidValue {
        /// The local name of the element (or `element@attribute`).
        element: String,
        /// The value, cut to 100 characters.
        value: String,
        /// What was expected.
        expected: &'static str,
    },
    /// An argument of a call is not acceptable (an end before the start, an empty id, …).
    #[error("invalid {argument}: {reason}")]
    InvalidArgument {
        /// The argument.
        argument: &'static str,
        /// What is wrong with it.
        reason: String,
    },
    /// The HTTP client could not be set up (the TLS backend failed to initialise).
    #[error("cannot set up the HTTP client: {detail}")]
    HttpClientSetup {
        /// What the HTTP library reported.
        detail: String,
    },
    /// Autodiscover tried every endpoint for the address and none gave an EWS URL.
    #[error(
        "Autodiscover found no endpoint for {address}: {}",
        crate::autodiscover::describe_attempts(attempts)
    )]
    AutodiscoverFailed {
        /// The address looked up last (after any address redirects).
        address: String,
        /// Every endpoint tried, in order, with why it failed.
        attempts: Vec<crate::autodiscover::AutodiscoverAttempt>,
    },
    /// Autodiscover was redirected more often than the limit allows.
    #[error("Autodiscover gave up after {limit} redirects: {}", chain.join(" -> "))]
    TooManyRedirects {
        /// The most redirects followed.
        limit: usize,
        /// The start address and every redirect target, in order.
        chain: Vec<String>,
    },
    /// Autodiscover was redirected back to an address or URL it had already asked.
    #[error("Autodiscover redirects in a loop: {}", chain.join(" -> "))]
    RedirectLoop {
        /// The start address and every redirect target, ending with the repeated one.
        chain: Vec<String>,
    },
    /// A URL was refused because it is not `https://`.
    #[error("refused the insecure URL {url}: only https is allowed")]
    InsecureUrl {
        /// The refused URL.
        url: String,
    },
    /// Autodiscover answered that the mailbox does not exist (`InvalidUser`).
    #[error(
        "Autodiscover does not know the user {address}{}",
        text_suffix(message)
    )]
    UserNotFound {
        /// The address looked up.
        address: String,
        /// The server's error message.
        message: String,
    },
    /// Autodiscover answered with an error code other than a redirect or an unknown user.
    #[error("Autodiscover answered {code}{}", text_suffix(message))]
    AutodiscoverRefused {
        /// The error code (`InvalidRequest`, `ServerBusy`, or a POX code like `600`).
        code: String,
        /// The server's error message.
        message: String,
    },
    /// An Autodiscover answer is well-formed but unusable (no EWS URL, a bad redirect).
    #[error("invalid Autodiscover response: {reason}")]
    InvalidAutodiscoverResponse {
        /// What is wrong with it.
        reason: String,
    },
    /// More calendar items overlap a window than one `CalendarView` returns, and the window
    /// is already as small as the caller allowed, so it cannot be split further.
    #[error("more than {max_entries} calendar items overlap {start} to {end}, a window too small to split")]
    CalendarWindowTooDense {
        /// The start of the window.
        start: chrono::DateTime<chrono::Utc>,
        /// The end of the window.
        end: chrono::DateTime<chrono::Utc>,
        /// The `MaxEntriesReturned` of each request.
        max_entries: u32,
    },
}

/// The class of a failed response message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ResponseClass {
    /// `ResponseClass="Error"`: the operation failed.
    Error,
    /// `ResponseClass="Warning"`: the operation did not fully happen.
    Warning,
}

impl fmt::Display for ResponseClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Error => "Error",
            Self::Warning => "Warning",
        })
    }
}

/// Why a request got no answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConnectFailure {
    /// Nothing listens on the port (connection refused).
    Refused,
    /// The host name does not resolve.
    NameNotResolved,
    /// Connecting or waiting for the answer took longer than the timeout.
    Timeout,
    /// The TLS handshake failed (untrusted certificate, wrong protocol, …).
    Tls,
    /// Any other transport failure (connection reset, broken body, …).
    Other,
}

impl fmt::Display for ConnectFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Refused => "connection refused",
            Self::NameNotResolved => "host name not resolved",
            Self::Timeout => "timed out",
            Self::Tls => "TLS failure",
            Self::Other => "transport failure",
        })
    }
}

/// XML constructs the parser refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum XmlRefusal {
    /// A document type declaration, which could declare entities (entity expansion attacks).
    DocumentType,
    /// Elements nested deeper than the limit.
    NestingTooDeep {
        /// The deepest nesting accepted.
        limit: usize,
    },
    /// More elements than the limit.
    TooManyElements {
        /// The most elements accepted.
        limit: usize,
    },
}

impl fmt::Display for XmlRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::DocumentType => f.write_str("document type declarations are not accepted"),
            Self::NestingTooDeep { limit } => write!(f, "elements nested deeper than {limit}"),
            Self::TooManyElements { limit } => write!(f, "more than {limit} elements"),
        }
    }
}

fn text_suffix(text: &str) -> String {
    if text.is_empty() {
        String::new()
    } else {
        format!(": {text}")
    }
}

fn back_off_suffix(back_off: Option<Duration>) -> String {
    back_off.map_or_else(String::new, |d| format!(" (back off {} ms)", d.as_millis()))
}

impl EwsError {
    /// The EWS response code, of a response message or of a SOAP fault.
    pub fn response_code(&self) -> Option<&ResponseCode> {
        match self {
            Self::Response { code, .. } => Some(code),
            Self::SoapFault { response_code, .. } => response_code.as_ref(),
            _ => None,
        }
    }

    /// Whether the server throttles the caller (busy, too many connections, HTTP 429/503, or
    /// a request held back by an earlier answer's back-off): retry later, after
    /// [`back_off`](Self::back_off) when it says.
    pub fn is_throttled(&self) -> bool {
        match self {
            Self::HttpStatus { status, .. } => matches!(status, 429 | 503),
            Self::BackingOff { .. } => true,
            _ => self
                .response_code()
                .is_some_and(ResponseCode::is_throttling),
        }
    }

    /// How long the server asked the caller to wait before retrying (for a request held
    /// back, how much of the back-off is left).
    pub fn back_off(&self) -> Option<Duration> {
        match self {
            Self::Response { back_off, .. } | Self::SoapFault { back_off, .. } => *back_off,
            Self::HttpStatus { retry_after, .. } => *retry_after,
            Self::BackingOff { remaining, .. } => Some(*remaining),
            _ => None,
        }
    }

    /// Whether authentication failed (credentials refused or unusable for this server).
    pub fn is_authentication_failed(&self) -> bool {
        matches!(self, Self::AuthenticationFailed { .. })
    }

    /// Whether the item was not found (`ErrorItemNotFound`).
    pub fn is_not_found(&self) -> bool {
        self.response_code() == Some(&ResponseCode::ErrorItemNotFound)
    }

    /// Whether the server could not be reached (refused, unresolvable, timed out, TLS, …).
    pub fn is_unreachable(&self) -> bool {
        matches!(self, Self::Connection { .. })
    }

    /// Whether the address check refused where the host name resolved to.
    pub fn is_address_refused(&self) -> bool {
        matches!(self, Self::AddressRefused { .. })
    }

    /// Whether the answer could not be understood (malformed or refused XML, not SOAP, an
    /// unexpected shape).
    pub fn is_malformed_response(&self) -> bool {
        matches!(
            self,
            Self::MalformedXml { .. }
                | Self::XmlRefused { .. }
                | Self::NotSoap { .. }
                | Self::MissingElement { .. }
                | Self::InvalidValue { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(code: ResponseCode, back_off: Option<Duration>) -> EwsError {
        EwsError::Response {
            class: ResponseClass::Error,
            code,
            message_text: "text".into(),
            back_off,
            details: Vec::new(),
        }
    }

    #[test]
    fn helpers_answer_for_response_errors() {
        let busy = response(
            ResponseCode::ErrorServerBusy,
            Some(Duration::from_millis(5000)),
        );
        assert!(busy.is_throttled());
        assert_eq!(busy.back_off(), Some(Duration::from_millis(5000)));
        assert_eq!(
            busy.to_string(),
            "Exchange answered ErrorServerBusy (Error): text (back off 5000 ms)"
        );
        let missing = response(ResponseCode::ErrorItemNotFound, None);
        assert!(missing.is_not_found());
        assert!(!missing.is_throttled());
        assert!(!missing.is_unreachable());
        assert_eq!(
            missing.response_code(),
            Some(&ResponseCode::ErrorItemNotFound)
        );
    }

    #[test]
    fn helpers_answer_for_transport_errors() {
        let refused = EwsError::Connection {
            kind: ConnectFailure::Refused,
            detail: "x".into(),
        };
        assert!(refused.is_unreachable());
        assert_eq!(refused.response_code(), None);
        let busy = EwsError::HttpStatus {
            status: 503,
            body_snippet: String::new(),
            retry_after: Some(Duration::from_secs(3)),
        };
        assert!(busy.is_throttled());
        assert_eq!(busy.back_off(), Some(Duration::from_secs(3)));
        assert_eq!(busy.to_string(), "HTTP status 503");
        let auth = EwsError::AuthenticationFailed {
            source: AuthError::Rejected { scheme: "Basic" },
        };
        assert!(auth.is_authentication_failed());
        assert!(std::error::Error::source(&auth).is_some());
    }

    #[test]
    fn fault_codes_count_for_the_helpers() {
        let fault = EwsError::SoapFault {
            fault_code: "a:ErrorServerBusy".into(),
            fault_string: "busy".into(),
            response_code: Some(ResponseCode::ErrorServerBusy),
            back_off: Some(Duration::from_millis(25)),
            details: Vec::new(),
        };
        assert!(fault.is_throttled());
        assert_eq!(fault.back_off(), Some(Duration::from_millis(25)));
        let refused = EwsError::XmlRefused {
            position: 3,
            refusal: XmlRefusal::DocumentType,
        };
        assert!(refused.is_malformed_response());
        assert!(refused.to_string().contains("document type"));
    }

    #[test]
    fn a_request_held_back_is_throttled_for_what_is_left() {
        let held = EwsError::BackingOff {
            scope: BackOffScope::Mailbox,
            remaining: Duration::from_millis(1200),
            cause: Box::new(response(
                ResponseCode::ErrorServerBusy,
                Some(Duration::from_secs(30)),
            )),
        };
        assert!(held.is_throttled());
        assert_eq!(held.back_off(), Some(Duration::from_millis(1200)));
        // It is not an answer of Exchange's to this request.
        assert_eq!(held.response_code(), None);
        assert_eq!(
            held.to_string(),
            "not sent: Exchange asked to back off from the mailbox for 1200 ms more \
             (Exchange answered ErrorServerBusy (Error): text (back off 30000 ms))"
        );
    }
}
