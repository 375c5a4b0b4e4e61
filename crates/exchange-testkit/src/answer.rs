//! What goes back over the wire: the answer decided for a request, its HTTP response (which
//! can break off mid-body), and its entry in the request log.

use std::pin::Pin;
use std::task::{Context as TaskContext, Poll};

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue, CONTENT_LENGTH, CONTENT_TYPE, WWW_AUTHENTICATE};
use http::{Response, StatusCode};
use hyper::body::{Body, Frame, SizeHint};

use crate::error::Error;
use crate::fault::status_page;
use crate::log::{Authentication, LoggedRequest};
use crate::response;
use crate::service::{lock, Shared};
use crate::{auth, bearer};

const SOAP_CONTENT_TYPE: &str = "text/xml; charset=utf-8";
const X_MS_DIAGNOSTICS: HeaderName = HeaderName::from_static("x-ms-diagnostics");
const HTML_CONTENT_TYPE: &str = "text/html";

/// The body of an answer; it can stop with an error to break the connection mid-response.
#[derive(Debug)]
pub(crate) struct ReplyBody {
    data: Option<Bytes>,
    then_break: bool,
}

impl Body for ReplyBody {
    type Data = Bytes;
    /// The error that makes hyper drop the connection in the middle of the response.
    type Error = std::io::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut TaskContext<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        if let Some(data) = self.data.take() {
            return Poll::Ready(Some(Ok(Frame::data(data))));
        }
        if std::mem::take(&mut self.then_break) {
            let broken =
                std::io::Error::other("the connection is closed mid-response, as injected");
            return Poll::Ready(Some(Err(broken)));
        }
        Poll::Ready(None)
    }

    fn is_end_stream(&self) -> bool {
        self.data.is_none() && !self.then_break
    }

    fn size_hint(&self) -> SizeHint {
        match (&self.data, self.then_break) {
            (Some(data), false) => SizeHint::with_exact(data.len() as u64),
            (None, false) => SizeHint::with_exact(0),
            _ => SizeHint::default(),
        }
    }
}

/// An answer before it becomes an HTTP response and a log entry.
pub(crate) struct Answer {
    /// The HTTP status.
    pub(crate) status: StatusCode,
    /// The `Content-Type`.
    pub(crate) content_type: &'static str,
    /// The whole body.
    pub(crate) body: String,
    /// Extra headers, such as challenges.
    pub(crate) headers: Vec<(HeaderName, String)>,
    /// Send only the first half of the body, then break the connection.
    pub(crate) cut: bool,
    /// The operation the request named, for the log.
    pub(crate) operation: Option<String>,
    /// Why the request was refused, for the log.
    pub(crate) rejection: Option<Error>,
    /// How the request authenticated, for the log.
    pub(crate) authentication: Option<Authentication>,
}

impl Answer {
    /// A SOAP envelope with a status.
    pub(crate) fn soap(status: StatusCode, body: String, operation: Option<String>) -> Self {
        Self {
            status,
            content_type: SOAP_CONTENT_TYPE,
            body,
            headers: Vec::new(),
            cut: false,
            operation,
            rejection: None,
            authentication: None,
        }
    }

    /// A bare status with the HTML page IIS sends.
    pub(crate) fn page(status: StatusCode) -> Self {
        Self {
            status,
            content_type: HTML_CONTENT_TYPE,
            body: status_page(status),
            headers: Vec::new(),
            cut: false,
            operation: None,
            rejection: None,
            authentication: None,
        }
    }

    /// 401 with the authentication challenges, and Exchange's `x-ms-diagnostics` when a
    /// bearer token was refused.
    pub(crate) fn unauthorized(shared: &Shared, rejection: Option<Error>) -> Self {
        let mut answer = Self::page(StatusCode::UNAUTHORIZED);
        for challenge in auth::challenges(&shared.realm, shared.bearer.as_ref(), rejection.as_ref())
        {
            answer.headers.push((WWW_AUTHENTICATE, challenge));
        }
        if let Some(diagnostics) = rejection.as_ref().and_then(bearer::diagnostics) {
            answer.headers.push((X_MS_DIAGNOSTICS, diagnostics));
        }
        answer.rejection = rejection;
        answer
    }

    /// The fault for a refused request, or the page when the refusal is not a fault.
    pub(crate) fn refused(shared: &Shared, error: Error, operation: Option<String>) -> Self {
        match response::fault_for(&shared.version, &error) {
            Some(fault) => Self {
                rejection: Some(error),
                ..Self::soap(StatusCode::INTERNAL_SERVER_ERROR, fault, operation)
            },
            None => Self {
                rejection: Some(error),
                ..Self::page(StatusCode::BAD_REQUEST)
            },
        }
    }

    /// 413 for a body over the limit.
    pub(crate) fn too_large(error: Error) -> Self {
        Self {
            rejection: Some(error),
            ..Self::page(StatusCode::PAYLOAD_TOO_LARGE)
        }
    }
}

/// Drops the second half of a body (at a character boundary).
pub(crate) fn cut_in_half(body: &mut String) {
    let mut half = body.len() / 2;
    while !body.is_char_boundary(half) {
        half -= 1;
    }
    body.truncate(half);
}

/// Turns an answer into the HTTP response and records the exchange, with the request's
/// `X-AnchorMailbox` header.
pub(crate) fn respond(
    shared: &Shared,
    answer: Answer,
    request_body: &[u8],
    anchor_mailbox: Option<String>,
) -> Response<ReplyBody> {
    let full_length = answer.body.len();
    let mut sent = answer.body;
    if answer.cut {
        cut_in_half(&mut sent);
    }
    lock(&shared.log).record(LoggedRequest {
        request_body: String::from_utf8_lossy(request_body).into_owned(),
        response_body: sent.clone(),
        status: answer.status.as_u16(),
        operation: answer.operation,
        rejection: answer.rejection,
        authentication: answer.authentication,
        anchor_mailbox,
    });
    let mut response = Response::new(ReplyBody {
        data: Some(Bytes::from(sent)),
        then_break: answer.cut,
    });
    *response.status_mut() = answer.status;
    let headers = response.headers_mut();
    headers.insert(CONTENT_TYPE, HeaderValue::from_static(answer.content_type));
    if answer.cut {
        // Promise the whole body, so that the client sees it end early.
        headers.insert(CONTENT_LENGTH, HeaderValue::from(full_length));
    }
    for (name, value) in answer.headers {
        if let Ok(value) = HeaderValue::from_str(&value) {
            headers.append(name, value);
        }
    }
    response
}
