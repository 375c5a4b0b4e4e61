//! Deciding the answer to one HTTP request: routing, authentication, size limit, injected
//! faults and the operation itself.

use std::convert::Infallible;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use http::header::{ALLOW, AUTHORIZATION, CONTENT_LENGTH};
use http::{Method, Request, Response, StatusCode};
use http_body_util::BodyExt as _;
use hyper::body::Incoming;

use crate::answer::{cut_in_half, respond, Answer, ReplyBody};
use crate::error::Error;
use crate::fault::{Fault, FaultQueue};
use crate::log::RequestLog;
use crate::response::{self, MessageError, ServerVersion};
use crate::store::{Directory, Store};
use crate::{auth, dom, ops, request};

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
}

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
            None => auth::authenticate(&shared.directory, parts.headers.get(AUTHORIZATION)),
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
            (ReadBody::Whole(bytes), Ok(user)) => {
                let answer = answer_authenticated(&shared, user, &bytes).await;
                (answer, bytes)
            }
        }
    };
    Ok(respond(&shared, answer, &request_body))
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
async fn answer_authenticated(shared: &Shared, user: usize, body: &[u8]) -> Answer {
    let fault = lock(&shared.faults).next();
    match fault {
        None => carry_out(shared, user, body),
        Some(Fault::Delay(delay)) => {
            tokio::time::sleep(delay).await;
            carry_out(shared, user, body)
        }
        Some(fault) => injected(shared, user, body, fault),
    }
}

/// A decoded request with its operation name.
type Decoded = (request::Request, Option<String>);

/// Decodes the request; on refusal, the reason and the operation name if known.
fn decode(body: &[u8]) -> Result<Decoded, (Error, Option<String>)> {
    let root = dom::parse(body).map_err(|e| (e, None))?;
    let operation = operation_name(&root);
    match request::envelope(&root).and_then(|envelope| request::decode(&envelope)) {
        Ok(decoded) => Ok((decoded, operation)),
        Err(e) => Err((e, operation)),
    }
}

/// Decodes the request and carries out its operation.
fn carry_out(shared: &Shared, user: usize, body: &[u8]) -> Answer {
    let (decoded, operation) = match decode(body) {
        Ok(decoded) => decoded,
        Err((e, operation)) => return Answer::refused(shared, e, operation),
    };
    let xml = {
        let mut store = lock(&shared.store);
        let mut ctx = ops::Context {
            directory: &shared.directory,
            store: &mut store,
            user,
            now: chrono::Utc::now(),
            max_attachment_bytes: shared.max_attachment_bytes,
        };
        ops::execute(&mut ctx, &decoded.operation)
    };
    Answer::soap(
        StatusCode::OK,
        response::envelope(&shared.version, &xml),
        operation,
    )
}

/// The local name of the element in `soap:Body`, when it is in the messages namespace.
fn operation_name(root: &dom::Element) -> Option<String> {
    let body = root.child(request::SOAP, "Body")?;
    let first = body.children.first()?;
    (first.ns == request::MESSAGES).then(|| first.name.clone())
}

/// The answer an injected fault gives instead of carrying out the request.
fn injected(shared: &Shared, user: usize, body: &[u8], fault: Fault) -> Answer {
    let decoded = decode(body);
    let operation = match &decoded {
        Ok((_, operation)) | Err((_, operation)) => operation.clone(),
    };
    let busy_text = "The server cannot service this request right now. Try again later.";
    match fault {
        Fault::MalformedXml | Fault::Disconnect => {
            let inner = decoded.as_ref().map_or_else(
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
        Fault::ErrorResponse { code, back_off_ms } => match decoded {
            Ok((decoded, _)) => {
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
                let xml = ops::all_errors(&decoded.operation, &error);
                Answer::soap(
                    StatusCode::OK,
                    response::envelope(&shared.version, &xml),
                    operation,
                )
            }
            // Without an operation there is no response to put the error in.
            Err((e, operation)) => Answer::refused(shared, e, operation),
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
        Fault::Delay(_) => carry_out(shared, user, body),
    }
}
