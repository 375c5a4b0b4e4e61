//! The record of requests and answers that tests inspect.

use std::collections::{HashMap, VecDeque};

use crate::error::Error;

/// How many requests the log keeps; older ones are dropped first.
pub(crate) const LOG_CAPACITY: usize = 200;

/// One request the fake received and what it answered.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LoggedRequest {
    /// The raw request body (lossily decoded when it is not UTF-8; empty when the fake did
    /// not read it, as for a 404 or a body over the size limit).
    pub request_body: String,
    /// The response body as sent (cut short for [`crate::Fault::Disconnect`] and
    /// [`crate::Fault::MalformedXml`]).
    pub response_body: String,
    /// The HTTP status of the answer.
    pub status: u16,
    /// The operation the request named (the local name of the element in `soap:Body`), if
    /// the body could be read that far.
    pub operation: Option<String>,
    /// Why the fake refused the request, if it did (SOAP faults, 401, 413); `None` for
    /// normal answers, including response messages with `ResponseClass="Error"`, and for
    /// injected faults.
    pub rejection: Option<Error>,
    /// How the request authenticated; `None` when it was answered before (a `401` for its
    /// credentials, `404`, `405`, `413`). Never a password or a token.
    pub authentication: Option<Authentication>,
    /// The `X-AnchorMailbox` header the request carried, which routes it to a mailbox's
    /// server (clients acting on another mailbox send it with `ExchangeImpersonation`).
    pub anchor_mailbox: Option<String>,
}

/// How the fake authenticated a request ([`LoggedRequest::authentication`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Authentication {
    /// HTTP Basic credentials of the configured user with this login name.
    Basic {
        /// The login name, as configured.
        login: String,
    },
    /// The configured user an authenticating front end named in its header.
    FrontEnd {
        /// The login name, as configured.
        login: String,
    },
    /// A delegated bearer token (`EWS.AccessAsUser.All`) of the configured user who owns this
    /// mailbox.
    DelegatedToken {
        /// The user's primary SMTP address, as configured.
        smtp: String,
    },
    /// An app-only bearer token (`full_access_as_app`), acting on the mailbox its
    /// `ExchangeImpersonation` header named.
    AppToken {
        /// The application (`appid`, else `azp`, else `client_id` of the token).
        app_id: String,
        /// The impersonated mailbox's primary SMTP address, as configured; `None` when the
        /// request named no mailbox of the fake (or no operation was decoded).
        impersonated: Option<String>,
    },
}

impl Authentication {
    /// Whether an app-only token authenticated the request.
    pub fn is_app_only(&self) -> bool {
        matches!(self, Self::AppToken { .. })
    }

    /// The mailbox an app-only request impersonated, if any.
    pub fn impersonated(&self) -> Option<&str> {
        match self {
            Self::AppToken { impersonated, .. } => impersonated.as_deref(),
            _ => None,
        }
    }
}

impl LoggedRequest {
    /// Whether the answer is a SOAP envelope (as opposed to an HTTP error page or nothing).
    pub fn is_soap(&self) -> bool {
        self.response_body
            .contains("http://schemas.xmlsoap.org/soap/envelope/")
    }
}

/// The bounded log and the per-operation counters.
#[derive(Debug, Default)]
pub(crate) struct RequestLog {
    requests: VecDeque<LoggedRequest>,
    counts: HashMap<String, usize>,
}

impl RequestLog {
    /// Records one request and its answer, counting its operation.
    pub(crate) fn record(&mut self, request: LoggedRequest) {
        if let Some(operation) = &request.operation {
            *self.counts.entry(operation.clone()).or_default() += 1;
        }
        if self.requests.len() == LOG_CAPACITY {
            self.requests.pop_front();
        }
        self.requests.push_back(request);
    }

    /// The kept requests, oldest first.
    pub(crate) fn requests(&self) -> Vec<LoggedRequest> {
        self.requests.iter().cloned().collect()
    }

    /// How many requests named `operation` since the server started.
    pub(crate) fn count(&self, operation: &str) -> usize {
        self.counts.get(operation).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn logged(operation: Option<&str>, n: usize) -> LoggedRequest {
        LoggedRequest {
            request_body: format!("request {n}"),
            response_body: String::new(),
            status: 200,
            operation: operation.map(str::to_owned),
            rejection: None,
            authentication: None,
            anchor_mailbox: None,
        }
    }

    #[test]
    fn keeps_the_latest_requests_and_counts_all() {
        let mut log = RequestLog::default();
        for n in 0..LOG_CAPACITY + 5 {
            log.record(logged(Some("GetItem"), n));
        }
        log.record(logged(None, 999));
        let kept = log.requests();
        assert_eq!(kept.len(), LOG_CAPACITY);
        assert_eq!(kept[0].request_body, "request 6");
        assert_eq!(
            kept.last().map(|e| e.request_body.as_str()),
            Some("request 999")
        );
        assert_eq!(log.count("GetItem"), LOG_CAPACITY + 5);
        assert_eq!(log.count("FindItem"), 0);
    }

    #[test]
    fn app_only_requests_say_whom_they_impersonated() {
        let app = Authentication::AppToken {
            app_id: "app".into(),
            impersonated: Some("bob@contoso.test".into()),
        };
        assert!(app.is_app_only());
        assert_eq!(app.impersonated(), Some("bob@contoso.test"));
        let user = Authentication::DelegatedToken {
            smtp: "bob@contoso.test".into(),
        };
        assert!(!user.is_app_only());
        assert_eq!(user.impersonated(), None);
    }

    #[test]
    fn soap_answers_are_recognised() {
        let mut e = logged(None, 0);
        assert!(!e.is_soap());
        e.response_body =
            "<s:Envelope xmlns:s=\"http://schemas.xmlsoap.org/soap/envelope/\"/>".into();
        assert!(e.is_soap());
    }
}
