//! Asking one endpoint and following its redirects, within the bounds of a lookup.

use bytes::Bytes;
use http::StatusCode;
use url::Url;

use super::resolver::Inner;
use super::{
    AutodiscoverCode, AutodiscoverProtocol, Discovery, GetUserSettings, PoxAutodiscover,
    PoxResponse, UserSetting,
};
use crate::http::post_once;
use crate::EwsError;

/// What asking an endpoint led to.
#[derive(Debug)]
pub(super) enum Outcome {
    /// The mailbox's settings.
    Found(Discovery),
    /// Ask again, for this address.
    Address(String),
}

/// Why asking an endpoint ended without an outcome.
#[derive(Debug)]
pub(super) enum Stop {
    /// This endpoint failed; the next may answer.
    Failed(EwsError),
    /// The whole lookup must stop (a loop, too many redirects, an insecure URL, an
    /// unknown user).
    Fatal(EwsError),
}

/// The redirects of one lookup: their chain, for errors, and the addresses seen, for loops.
#[derive(Debug)]
pub(super) struct Trail {
    chain: Vec<String>,
    addresses: Vec<String>,
    redirects: usize,
    limit: usize,
}

impl Trail {
    pub(super) fn new(address: &str, limit: usize) -> Self {
        Self {
            chain: vec![address.to_owned()],
            addresses: vec![address.to_ascii_lowercase()],
            redirects: 0,
            limit,
        }
    }

    /// Counts a redirect to `target`.
    fn redirect(&mut self, target: &str) -> Result<(), EwsError> {
        self.chain.push(target.to_owned());
        self.redirects += 1;
        if self.redirects > self.limit {
            return Err(EwsError::TooManyRedirects {
                limit: self.limit,
                chain: self.chain.clone(),
            });
        }
        Ok(())
    }

    /// Counts a redirect to another address, which must be new to this lookup.
    pub(super) fn address_redirect(&mut self, address: &str) -> Result<(), EwsError> {
        let key = address.to_ascii_lowercase();
        if self.addresses.contains(&key) {
            self.chain.push(address.to_owned());
            return Err(EwsError::RedirectLoop {
                chain: self.chain.clone(),
            });
        }
        self.addresses.push(key);
        self.redirect(address)
    }

    /// Asks `url` for `address`, following URL and HTTP redirects to URLs not yet asked.
    pub(super) async fn walk(
        &mut self,
        inner: &Inner,
        address: &str,
        mut url: Url,
        protocol: AutodiscoverProtocol,
    ) -> Result<Outcome, Stop> {
        let mut asked: Vec<Url> = Vec::new();
        loop {
            check_scheme(inner, &url).map_err(Stop::Fatal)?;
            asked.push(url.clone());
            let body = request(inner, address, &url, protocol).map_err(Stop::Fatal)?;
            let answer = post_once(
                &inner.connections,
                &url,
                &inner.auth,
                inner.max_response_bytes,
                body,
            )
            .await
            .map_err(Stop::Failed)?;
            let next = if is_redirect(answer.status) {
                let location = answer.location.ok_or_else(|| {
                    Stop::Failed(invalid(format!(
                        "HTTP {} without a Location header",
                        answer.status.as_u16()
                    )))
                })?;
                url.join(&location)
                    .map_err(|e| Stop::Failed(invalid(format!("bad Location {location:?}: {e}"))))?
            } else if !answer.status.is_success() {
                return Err(Stop::Failed(EwsError::HttpStatus {
                    status: answer.status.as_u16(),
                    body_snippet: String::new(),
                    retry_after: None,
                }));
            } else {
                match read_answer(inner, address, &url, protocol, &answer.body)? {
                    Read::Done(outcome) => return Ok(outcome),
                    Read::RedirectUrl(next) => next,
                }
            };
            if asked.contains(&next) {
                self.chain.push(next.to_string());
                return Err(Stop::Fatal(EwsError::RedirectLoop {
                    chain: self.chain.clone(),
                }));
            }
            self.redirect(next.as_str()).map_err(Stop::Fatal)?;
            url = next;
        }
    }
}

/// What an answer with a success status says.
enum Read {
    Done(Outcome),
    RedirectUrl(Url),
}

fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

fn invalid(reason: String) -> EwsError {
    EwsError::InvalidAutodiscoverResponse { reason }
}

/// Refuses anything but `https://` (and `http://` when the development option allows it).
fn check_scheme(inner: &Inner, url: &Url) -> Result<(), EwsError> {
    match url.scheme() {
        "https" => Ok(()),
        "http" if inner.allow_insecure_http => Ok(()),
        _ => Err(EwsError::InsecureUrl {
            url: url.to_string(),
        }),
    }
}

fn request(
    inner: &Inner,
    address: &str,
    url: &Url,
    protocol: AutodiscoverProtocol,
) -> Result<Bytes, EwsError> {
    let text = match protocol {
        AutodiscoverProtocol::Soap => GetUserSettings::new(address)?
            .settings(inner.settings.clone())?
            .to_envelope(url.as_str()),
        AutodiscoverProtocol::Pox => PoxAutodiscover::new(address)?.to_xml(),
    };
    Ok(Bytes::from(text))
}

fn read_answer(
    inner: &Inner,
    address: &str,
    url: &Url,
    protocol: AutodiscoverProtocol,
    body: &[u8],
) -> Result<Read, Stop> {
    let (ews_url, settings) = match protocol {
        AutodiscoverProtocol::Soap => {
            let user = GetUserSettings::parse_response(body).map_err(Stop::Failed)?;
            match user.error_code {
                AutodiscoverCode::NoError => {
                    let ews_url = user.ews_url().map(str::to_owned).ok_or_else(|| {
                        Stop::Failed(invalid(
                            "the answer has neither ExternalEwsUrl nor InternalEwsUrl".into(),
                        ))
                    })?;
                    (ews_url, user.settings)
                }
                AutodiscoverCode::RedirectAddress => {
                    return target(user.redirect_target).map(|t| Read::Done(Outcome::Address(t)))
                }
                AutodiscoverCode::RedirectUrl => {
                    return redirect_url(url, target(user.redirect_target)?)
                }
                AutodiscoverCode::InvalidUser => {
                    return Err(Stop::Fatal(EwsError::UserNotFound {
                        address: address.to_owned(),
                        message: user.error_message,
                    }))
                }
                code => {
                    return Err(Stop::Failed(EwsError::AutodiscoverRefused {
                        code: code.to_string(),
                        message: user.error_message,
                    }))
                }
            }
        }
        AutodiscoverProtocol::Pox => {
            match PoxAutodiscover::parse_response(body).map_err(Stop::Failed)? {
                PoxResponse::Settings(found) => {
                    let ews_url = found.ews_url().map(str::to_owned).ok_or_else(|| {
                        Stop::Failed(invalid("no EXCH or EXPR protocol has an EwsUrl".into()))
                    })?;
                    let settings = [
                        ("UserDisplayName", &found.display_name),
                        ("UserDN", &found.legacy_dn),
                    ]
                    .into_iter()
                    .filter_map(|(name, value)| {
                        value.as_ref().map(|v| UserSetting {
                            name: name.to_owned(),
                            value: v.clone(),
                        })
                    })
                    .collect();
                    (ews_url, settings)
                }
                PoxResponse::RedirectAddress(next) => {
                    return Ok(Read::Done(Outcome::Address(next)))
                }
                PoxResponse::RedirectUrl(next) => return redirect_url(url, next),
                PoxResponse::Error { code, message } => {
                    return Err(Stop::Failed(EwsError::AutodiscoverRefused {
                        code,
                        message,
                    }))
                }
            }
        }
    };
    let parsed = Url::parse(&ews_url)
        .map_err(|e| Stop::Failed(invalid(format!("bad EWS URL {ews_url:?}: {e}"))))?;
    check_scheme(inner, &parsed).map_err(Stop::Fatal)?;
    Ok(Read::Done(Outcome::Found(Discovery {
        mailbox: address.to_owned(),
        ews_url,
        endpoint: url.to_string(),
        protocol,
        settings,
    })))
}

fn target(redirect_target: Option<String>) -> Result<String, Stop> {
    redirect_target.ok_or_else(|| Stop::Failed(invalid("a redirect without a target".into())))
}

fn redirect_url(from: &Url, next: String) -> Result<Read, Stop> {
    let next = from
        .join(&next)
        .map_err(|e| Stop::Failed(invalid(format!("bad redirect URL {next:?}: {e}"))))?;
    Ok(Read::RedirectUrl(next))
}
