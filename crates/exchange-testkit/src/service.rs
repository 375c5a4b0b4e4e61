//! Deciding the answer to one HTTP request: routing, authentication, size limit, injected
//! faults and the operation itself.

use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use http::header::{ALLOW, AUTHORIZATION, CONTENT_LENGTH};
use http::{Method, Request, Response, StatusCode};
use http_body_util::BodyExt as _;
use hyper::body::Incoming;

use crate::answer::{cut_in_half, respond, Answer, ReplyBody};
use crate::auth::Principal;
use crate::error::Error;
use crate::fault::{Fault, FaultQueue};
use crate::log::{Authentication, RequestLog};
use crate::response::{self, MessageError, ServerVersion};
use crate::store::{Directory, Store};
use crate::{auth, bearer, dom, ops, request};

/// The path of the EWS endpoint (matched without regard to case, as IIS does).
pub(crate) const EWS_PATH: &str = "/EWS/Exchange.asmx";

/// The state every connection shares.
#[derive(Debug)]
pub(crate) struct Shared {
    /// Users and delegate grants.
    pub(crate) directory: Directory,
    /// The calendars.
    pub(crate) store: Mutex<Store>,
    /// Faults for the next requests.
    pub(crate) faults: Mutex<FaultQueue>,
    /// The request log.
    pub(crate) log: Mutex<RequestLog>,
    /// What the response headers report.
    pub(crate) version: ServerVersion,
    /// The largest request body accepted.
    pub(crate) max_request_bytes: usize,
    /// The largest attachment accepted.
    pub(crate) max_attachment_bytes: usize,
    /// The realm of the Basic challenge.
    pub(crate) realm: String,
    /// The header an authenticating front end names the user in, when it does.
    pub(crate) front_end_user: Option<http::HeaderName>,
    /// The bearer tokens trusted, when any are.
    pub(crate) bearer: Option<bearer::Trust>,
}

/// The header that routes a request to a mailbox's server.
const ANCHOR_MAILBOX: &str = "x-anchormailbox";
/// The longest `X-AnchorMailbox` value kept in the log.
const MAX_ANCHOR_CHARS: usize = 1024;

/// Locks a mutex; a panic in another request must not take the whole server down.
pub(crate) fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Answers one HTTP request.
pub(crate) async fn handle(
    shared: Arc<Shared>,
    request: Request<Incoming>,
) -> Result<Response<ReplyBody>, Infallible> {
    let (parts, body) = request.into_parts();
    let anchor_mailbox = parts.headers.get(ANCHOR_MAILBOX).map(|v| {
        String::from_utf8_lossy(v.as_bytes())
            .chars()
            .take(MAX_ANCHOR_CHARS)
            .collect()
    });
    let (answer, request_body) = if !parts.uri.path().eq_ignore_ascii_case(EWS_PATH) {
        (Answer::page(StatusCode::NOT_FOUND), Vec::new())
    } else if parts.method != Method::POST {
        let mut answer = Answer::page(StatusCode::METHOD_NOT_ALLOWED);
        answer.headers.push((ALLOW, "POST".to_owned()));
        (answer, Vec::new())
    } else {
        let declared = parts
            .headers
            .get(CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok());
        let user = match &shared.front_end_user {
            Some(header) => auth::front_end_user(&shared.directory, parts.headers.get(header)),
            None => auth::authenticate(
                &shared.directory,
                shared.bearer.as_ref(),
                parts.headers.get(AUTHORIZATION),
                chrono::Utc::now().timestamp(),
            ),
        };
        let body = if declared.is_some_and(|n| n > DRAIN_LIMIT as u64) {
            ReadBody::TooLarge
        } else {
            read_body(body, shared.max_request_bytes).await
        };
        match (body, user) {
            (ReadBody::Whole(bytes), Err(e)) => (Answer::unauthorized(&shared, Some(e)), bytes),
            (_, Err(e)) => (Answer::unauthorized(&shared, Some(e)), Vec::new()),
            (ReadBody::TooLarge, Ok(_)) => {
                let error = Error::BodyTooLarge {
                    limit: shared.max_request_bytes,
                };
                (Answer::too_large(error), Vec::new())
            }
            // The client went away while sending; nobody reads this answer.
            (ReadBody::Broken, Ok(_)) => (Answer::page(StatusCode::BAD_REQUEST), Vec::new()),
            (ReadBody::Whole(bytes), Ok(principal)) => {
                let answer = answer_authenticated(&shared, &principal, &bytes).await;
                (answer, bytes)
            }
        }
    };
    Ok(respond(&shared, answer, &request_body, anchor_mailbox))
}

/// How much of an oversized body is read and discarded before answering 413, so that the
/// client finishes sending and reads the answer instead of a connection reset.
const DRAIN_LIMIT: usize = 64 * 1024 * 1024;

/// What reading a request body gave.
enum ReadBody {
    /// The body, within the limit.
    Whole(Vec<u8>),
    /// The body is over the limit.
    TooLarge,
    /// The connection broke while reading.
    Broken,
}

/// Reads a body of at most `limit` bytes; a longer one is read on and discarded, up to
/// [`DRAIN_LIMIT`].
async fn read_body(mut body: Incoming, limit: usize) -> ReadBody {
    let mut whole = Vec::new();
    let mut seen = 0usize;
    while let Some(frame) = body.frame().await {
        let Ok(frame) = frame else {
            return ReadBody::Broken;
        };
        if let Some(data) = frame.data_ref() {
            seen = seen.saturating_add(data.len());
            if seen <= limit {
                whole.extend_from_slice(data);
            } else if seen > DRAIN_LIMIT {
                break;
            } else {
                whole = Vec::new();
            }
        }
    }
    if seen > limit {
        ReadBody::TooLarge
    } else {
        ReadBody::Whole(whole)
    }
}

/// Answers an authenticated request to the EWS endpoint, applying an injected fault.
async fn answer_authenticated(shared: &Shared, principal: &Principal, body: &[u8]) -> Answer {
    let fault = lock(&shared.faults).next();
    if let Some(Fault::Delay(delay)) = fault {
        tokio::time::sleep(delay).await;
    }
    let decoded = decode(&shared.directory, principal, body);
    let mut answer = match fault {
        None | Some(Fault::Delay(_)) => carry_out(shared, &decoded),
        Some(fault) => injected(shared, &decoded, fault),
    };
    answer.authentication = Some(decoded.authentication);
    answer
}

/// A request decoded as far as it goes, with the mailbox owner it acts as.
struct Decoded {
    /// The request and the user whose mailbox it acts on, or why it is refused.
    request: Result<(request::Request, usize), Error>,
    /// The operation the body names, if it could be read that far.
    operation: Option<String>,
    /// How the request authenticated, for the log.
    authentication: Authentication,
}

/// Decodes the request and decides whose mailbox it acts on.
fn decode(directory: &Directory, principal: &Principal, body: &[u8]) -> Decoded {
    let refused = |error: Error, operation: Option<String>| Decoded {
        request: Err(error),
        operation,
        authentication: auth::act(directory, principal, None).0,
    };
    let root = match dom::parse(body) {
        Ok(root) => root,
        Err(e) => return refused(e, None),
    };
    let operation = operation_name(&root);
    let request = match request::envelope(&root).and_then(|envelope| request::decode(&envelope)) {
        Ok(request) => request,
        Err(e) => return refused(e, operation),
    };
    let (authentication, acting) = auth::act(directory, principal, request.impersonation.as_ref());
    Decoded {
        request: acting.map(|user| (request, user)),
        operation,
        authentication,
    }
}

/// Carries out a decoded request's operation.
fn carry_out(shared: &Shared, decoded: &Decoded) -> Answer {
    let (request, user) = match &decoded.request {
        Ok(request) => request,
        Err(e) => return Answer::refused(shared, e.clone(), decoded.operation.clone()),
    };
    let xml = {
        let mut store = lock(&shared.store);
        let mut ctx = ops::Context {
            directory: &shared.directory,
            store: &mut store,
            user: *user,
            now: chrono::Utc::now(),
            max_attachment_bytes: shared.max_attachment_bytes,
        };
        ops::execute(&mut ctx, &request.operation)
    };
    Answer::soap(
        StatusCode::OK,
        response::envelope(&shared.version, &xml),
        decoded.operation.clone(),
    )
}

/// The local name of the element in `soap:Body`, when it is in the messages namespace.
fn operation_name(root: &dom::Element) -> Option<String> {
    let body = root.child(request::SOAP, "Body")?;
    let first = body.children.first()?;
    (first.ns == request::MESSAGES).then(|| first.name.clone())
}

/// The answer an injected fault gives instead of carrying out the request.
fn injected(shared: &Shared, decoded: &Decoded, fault: Fault) -> Answer {
    let operation = decoded.operation.clone();
    let busy_text = "The server cannot service this request right now. Try again later.";
    match fault {
        Fault::MalformedXml | Fault::Disconnect => {
            let inner = decoded.request.as_ref().map_or_else(
                |_| String::new(),
                |(d, _)| {
                    let error = MessageError::new(
                        "ErrorInternalServerError",
                        "An internal server error occurred.",
                    );
                    ops::all_errors(&d.operation, &error)
                },
            );
            let mut answer = Answer::soap(
                StatusCode::OK,
                response::envelope(&shared.version, &inner),
                operation,
            );
            if fault == Fault::Disconnect {
                answer.cut = true;
            } else {
                cut_in_half(&mut answer.body);
            }
            answer
        }
        Fault::ErrorResponse { code, back_off_ms } => match &decoded.request {
            Ok((request, _)) => {
                let text = match code.as_str() {
                    "ErrorServerBusy" => busy_text,
                    "ErrorMailboxStoreUnavailable" => {
                        "The mailbox database is temporarily unavailable."
                    }
                    _ => "The request failed on the server.",
                };
                let error = MessageError {
                    back_off_ms,
                    ..MessageError::new(&code, text)
                };
                let xml = ops::all_errors(&request.operation, &error);
                Answer::soap(
                    StatusCode::OK,
                    response::envelope(&shared.version, &xml),
                    operation,
                )
            }
            // Without an operation there is no response to put the error in.
            Err(e) => Answer::refused(shared, e.clone(), operation),
        },
        Fault::ServerBusyFault { back_off_ms } => {
            let detail = response::back_off_value(back_off_ms);
            let xml = response::fault(&shared.version, "ErrorServerBusy", busy_text, Some(&detail));
            Answer::soap(StatusCode::INTERNAL_SERVER_ERROR, xml, operation)
        }
        Fault::Status(code) => {
            // Informational statuses are not final answers, so they cannot stand alone.
            let status = StatusCode::from_u16(code)
                .ok()
                .filter(|s| (200..600).contains(&s.as_u16()))
                .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let mut answer = if status == StatusCode::UNAUTHORIZED {
                Answer::unauthorized(shared, None)
            } else {
                Answer::page(status)
            };
            answer.operation = operation;
            answer
        }
        Fault::EwsBlocked { reason } => {
            let mut answer = Answer::page(StatusCode::FORBIDDEN);
            answer
                .headers
                .push((http::HeaderName::from_static("x-ews-policy-reason"), reason));
            answer.operation = operation;
            answer
        }
        Fault::Delay(_) => carry_out(shared, decoded),
    }
}
