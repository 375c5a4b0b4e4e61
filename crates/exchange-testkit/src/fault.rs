//! Faults a test can inject into the next answers of the fake.

use std::collections::VecDeque;
use std::time::Duration;

/// A fault the fake answers a request with instead of (or, for [`Fault::Delay`], before)
/// the normal answer. See [`crate::FakeExchange::inject`].
///
/// Except for [`Fault::Delay`], a faulted request is not carried out: nothing is created,
/// changed or deleted, so a client may safely retry.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fault {
    /// HTTP 200 with a body that is cut off in the middle of the XML.
    MalformedXml,
    /// HTTP 200 with a well-formed response to the request's operation in which every
    /// response message has `ResponseClass="Error"` and this `ResponseCode` (for example
    /// `ErrorServerBusy` or `ErrorMailboxStoreUnavailable`), with `MessageXml` carrying
    /// `BackOffMilliseconds` when given. The code is sent as given; use a value of the schema's
    /// `ResponseCodeType`. A request that names no implemented operation gets its normal
    /// answer instead.
    ErrorResponse {
        /// The `ResponseCode` of every response message.
        code: String,
        /// `BackOffMilliseconds` in `MessageXml`, if any.
        back_off_ms: Option<u64>,
    },
    /// HTTP 500 with the SOAP fault `a:ErrorServerBusy` and `BackOffMilliseconds`, as Exchange
    /// throttling sends it.
    ServerBusyFault {
        /// `BackOffMilliseconds` in the fault's `MessageXml`.
        back_off_ms: u64,
    },
    /// A bare HTTP status with an HTML body, as IIS or a load balancer sends it (for example
    /// 500 or 503; 401 comes with the authentication challenges). Values outside 200–599
    /// answer 500.
    Status(u16),
    /// Waits this long, then answers normally (the request is carried out).
    Delay(Duration),
    /// Sends the headers and part of the body, then closes the connection.
    Disconnect,
    /// HTTP 403 with `X-EWS-Policy-Reason` and this reason, as Exchange Online refuses EWS to
    /// an application a tenant admin has not allowed.
    EwsBlocked {
        /// The header's value.
        reason: String,
    },
}

impl Fault {
    /// `ErrorServerBusy` inside the response messages with a back-off, as Exchange Online
    /// throttling sends it.
    pub fn server_busy_response(back_off_ms: u64) -> Self {
        Self::ErrorResponse {
            code: "ErrorServerBusy".to_owned(),
            back_off_ms: Some(back_off_ms),
        }
    }

    /// An error response with `code` and no back-off.
    pub fn error_response(code: &str) -> Self {
        Self::ErrorResponse {
            code: code.to_owned(),
            back_off_ms: None,
        }
    }
}

/// The faults waiting for the next requests, first in first out.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    pending: VecDeque<Fault>,
}

impl FaultQueue {
    /// Queues `fault` for the next `times` requests.
    pub(crate) fn push(&mut self, fault: Fault, times: usize) {
        self.pending.extend(std::iter::repeat_n(fault, times));
    }

    /// The fault for the request at hand, if any.
    pub(crate) fn next(&mut self) -> Option<Fault> {
        self.pending.pop_front()
    }

    /// How many faults wait.
    pub(crate) fn len(&self) -> usize {
        self.pending.len()
    }
}

/// The HTML page IIS sends with a bare status.
pub(crate) fn status_page(status: http::StatusCode) -> String {
    let reason = status.canonical_reason().unwrap_or("Error");
    format!(
        "<!DOCTYPE HTML PUBLIC \"-//W3C//DTD HTML 4.01//EN\"\"http://www.w3.org/TR/html4/strict.dtd\">\r\n\
         <HTML><HEAD><TITLE>{reason}</TITLE>\r\n\
         <META HTTP-EQUIV=\"Content-Type\" Content=\"text/html; charset=us-ascii\"></HEAD>\r\n\
         <BODY><h2>{reason}</h2>\r\n<hr><p>HTTP Error {}. {reason}</p>\r\n</BODY></HTML>\r\n",
        status.as_u16()
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queue_is_first_in_first_out_and_counts_repeats() {
        let mut queue = FaultQueue::default();
        queue.push(Fault::Status(503), 2);
        queue.push(Fault::Disconnect, 1);
        queue.push(Fault::MalformedXml, 0);
        assert_eq!(queue.len(), 3);
        assert_eq!(queue.next(), Some(Fault::Status(503)));
        assert_eq!(queue.next(), Some(Fault::Status(503)));
        assert_eq!(queue.next(), Some(Fault::Disconnect));
        assert_eq!(queue.next(), None);
    }

    #[test]
    fn helpers_build_error_responses() {
        assert_eq!(
            Fault::server_busy_response(250),
            Fault::ErrorResponse {
                code: "ErrorServerBusy".into(),
                back_off_ms: Some(250)
            }
        );
        assert_eq!(
            Fault::error_response("ErrorMailboxStoreUnavailable"),
            Fault::ErrorResponse {
                code: "ErrorMailboxStoreUnavailable".into(),
                back_off_ms: None
            }
        );
    }

    #[test]
    fn status_page_names_the_status() {
        let page = status_page(http::StatusCode::SERVICE_UNAVAILABLE);
        assert!(page.contains("HTTP Error 503. Service Unavailable"));
    }
}
