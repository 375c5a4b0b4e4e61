//! The back-end affinity cookie: Exchange pins a mailbox to one back-end server with a
//! cookie, which every later request of the same caller sends back.

use std::sync::{Mutex, MutexGuard, PoisonError};

use http::header::{COOKIE, SET_COOKIE};
use http::{HeaderMap, HeaderValue};

use super::endpoint::RequestHeaders;

/// The longest affinity cookie value kept; anything longer is not Exchange's.
const MAX_COOKIE_CHARS: usize = 4096;
/// The cookie Exchange sets to pin a mailbox to one back-end server.
const AFFINITY_COOKIE: &str = "X-BackEndOverrideCookie";

/// `X-BackEndOverrideCookie=…` as last set by the server.
#[derive(Debug, Default)]
pub(crate) struct AffinityCookie(Mutex<Option<HeaderValue>>);

impl AffinityCookie {
    fn slot(&self) -> MutexGuard<'_, Option<HeaderValue>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl RequestHeaders for AffinityCookie {
    /// Adds the cookie, once the server set one.
    fn add_to(&self, mut request: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        if let Some(cookie) = self.slot().clone() {
            request = request.header(COOKIE, cookie);
        }
        request
    }

    /// Keeps the affinity cookie of an answer's `Set-Cookie` headers (an empty value
    /// forgets it); other cookies, and values that are not cookie text, are ignored.
    fn remember(&self, headers: &HeaderMap) {
        for set_cookie in headers.get_all(SET_COOKIE) {
            let Some(value) = set_cookie.to_str().ok().and_then(affinity_value) else {
                continue;
            };
            *self.slot() = if value.is_empty() {
                None
            } else {
                HeaderValue::from_str(&format!("{AFFINITY_COOKIE}={value}")).ok()
            };
        }
    }
}

/// The value of a `Set-Cookie` line that sets the affinity cookie, when it is cookie text.
fn affinity_value(set_cookie: &str) -> Option<&str> {
    let pair = set_cookie.split(';').next()?;
    let (name, value) = pair.split_once('=')?;
    if name.trim() != AFFINITY_COOKIE {
        return None;
    }
    let value = value.trim();
    let value = value
        .strip_prefix('"')
        .and_then(|v| v.strip_suffix('"'))
        .unwrap_or(value);
    // RFC 6265 cookie-octets: visible ASCII without quote, comma, semicolon or backslash.
    let is_cookie_octet = |c: char| c.is_ascii_graphic() && !matches!(c, '"' | ',' | ';' | '\\');
    (value.len() <= MAX_COOKIE_CHARS && value.chars().all(is_cookie_octet)).then_some(value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_only_the_affinity_cookie() {
        let cookie = AffinityCookie::default();
        let mut headers = HeaderMap::new();
        for line in [
            "session=abc; Path=/",
            "X-BackEndOverrideCookie=MBX01.contoso.test~1942062522; path=/EWS; secure; HttpOnly",
        ] {
            headers.append(SET_COOKIE, HeaderValue::from_static(line));
        }
        cookie.remember(&headers);
        assert_eq!(
            cookie.slot().as_ref().unwrap(),
            "X-BackEndOverrideCookie=MBX01.contoso.test~1942062522"
        );
        // Hostile or malformed values leave the cookie as it was.
        let long = format!(
            "X-BackEndOverrideCookie={}",
            "a".repeat(MAX_COOKIE_CHARS + 1)
        );
        for line in [
            "X-BackEndOverrideCookie=a b",
            "X-BackEndOverrideCookie=a\\b",
            "X-BackEndOverrideCookie",
            "x-backendoverridecookie=other",
            long.as_str(),
        ] {
            let mut headers = HeaderMap::new();
            headers.insert(SET_COOKIE, HeaderValue::from_str(line).unwrap());
            cookie.remember(&headers);
            assert_eq!(
                cookie.slot().as_ref().unwrap(),
                "X-BackEndOverrideCookie=MBX01.contoso.test~1942062522",
                "{line}"
            );
        }
        let mut headers = HeaderMap::new();
        headers.insert(
            SET_COOKIE,
            HeaderValue::from_bytes(b"X-BackEndOverrideCookie=\xFF").unwrap(),
        );
        cookie.remember(&headers);
        assert!(cookie.slot().is_some());
        let mut quoted = HeaderMap::new();
        quoted.insert(
            SET_COOKIE,
            HeaderValue::from_static("X-BackEndOverrideCookie=\"MBX02~1\""),
        );
        cookie.remember(&quoted);
        assert_eq!(
            cookie.slot().as_ref().unwrap(),
            "X-BackEndOverrideCookie=MBX02~1"
        );
        let mut cleared = HeaderMap::new();
        cleared.insert(
            SET_COOKIE,
            HeaderValue::from_static(
                "X-BackEndOverrideCookie=; expires=Thu, 01 Jan 1970 00:00:00 GMT",
            ),
        );
        cookie.remember(&cleared);
        assert!(cookie.slot().is_none());
    }
}
