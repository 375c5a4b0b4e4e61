//! An OAuth2 authorization server on loopback: npm `oauth2-mock-server` 9.3.0, installed by
//! `rigs/oauth2.sh` and run with the Entra ID behaviour of `rigs/oauth2-mock.mjs`.
//!
//! It issues RS256 JWTs (keys at `/jwks`) for the client credentials, authorization code
//! (checking the PKCE verifier) and refresh token grants. It has no device code endpoint and
//! does not check client secrets. Its endpoints sit at the top of its URL (`/token`,
//! `/authorize`, `/revoke`), not under a tenant; the issuer is [`OAuthMockServer::issuer`].
//!
//! As Microsoft Entra ID does for Exchange Online:
//! - `/authorize?…&login_hint=<user>` signs `<user>` in (`johndoe` without a hint);
//! - a user's access token is for the scopes its request names, else those of the sign-in
//!   (`/authorize?scope=`), and carries `aud` (the resource of the first URL-shaped scope:
//!   `https://outlook.office365.com` for `https://outlook.office365.com/EWS.AccessAsUser.All`),
//!   `scp` (the short scope names, `EWS.AccessAsUser.All offline_access`), `upn`,
//!   `preferred_username` and `unique_name` (the user), a stable `sub` and `oid` per user,
//!   `tid` ([`TENANT_ID`]) and `appid` (the client id);
//! - a client credentials token for `https://outlook.office365.com/.default` carries that
//!   `aud`, `roles: ["full_access_as_app"]`, `appid` and no user;
//! - an authorization code is used once; every refresh rotates the refresh token. A used or
//!   unknown code or refresh token is refused with `400 invalid_grant` and `AADSTS70000`, a
//!   revoked refresh token with `AADSTS50173` (exchange-auth's `OAuthSignInAgain`);
//! - `POST /revoke` (RFC 7009) revokes a refresh token, [`OAuthMockServer::revoke_user`] every
//!   refresh token of a user, and [`OAuthMockServer::expire_next_tokens`] (or
//!   [`OAuthMockServer::expire_next_tokens_for`] one user) makes the next access tokens arrive
//!   expired.
//!
//! The tests of one process share the server: a test that revokes or expires tokens names a
//! user of its own, so that the others' tokens stay good.
//!
//! The package is installed with npm into `target/rigs/npm` at the top of the workspace (or
//! the folder named by `OAUTH_MOCK_NPM_DIR`) on first use.

use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use crate::process::{shared_peer, workspace_dir};
use crate::{free_port, peer_missing, scripts_dir, OwnedProcess};

/// How long the first start may take (it may install the package with npm).
const START_TIMEOUT: Duration = Duration::from_secs(180);

/// The tenant (`tid`) of every token the server issues.
pub const TENANT_ID: &str = "7c3e9a41-52d8-4f6b-9e0a-3b1d6f8c2e57";

/// How long a call to the server may take.
const CALL_TIMEOUT: Duration = Duration::from_secs(10);

/// The largest answer read from the server (its JWKS and control answers are a few KiB).
const MAX_ANSWER: u64 = 1024 * 1024;

/// A running `oauth2-mock-server`, shared by the tests of one process and stopped by its process
/// id when the last [`Arc`] is dropped.
#[derive(Debug)]
pub struct OAuthMockServer {
    port: u16,
    process: Mutex<OwnedProcess>,
}

impl OAuthMockServer {
    /// The shared server, started on first use; `None` (after printing why) when node or npm are
    /// missing or the package cannot be installed, outside CI (see [`crate::under_ci`]).
    ///
    /// # Panics
    ///
    /// Under CI, when the server cannot be started.
    pub fn shared() -> Option<Arc<Self>> {
        static SHARED: Mutex<Weak<OAuthMockServer>> = Mutex::new(Weak::new());
        shared_peer(&SHARED, || {
            for program in ["node", "npm"] {
                let found = Command::new(program)
                    .arg("--version")
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .status()
                    .is_ok_and(|s| s.success());
                if !found {
                    peer_missing(&format!(
                        "{program} is not installed; the OAuth2 tests need Node.js and npm"
                    ));
                    return None;
                }
            }
            Self::start()
                .map_err(|why| peer_missing(&format!("oauth2-mock-server did not start: {why}")))
                .ok()
        })
    }

    fn start() -> Result<Self, String> {
        let port = free_port();
        let cache = std::env::var_os("OAUTH_MOCK_NPM_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| workspace_dir().join("target/rigs/npm"));
        std::fs::create_dir_all(&cache)
            .map_err(|e| format!("cannot create {}: {e}", cache.display()))?;
        let cache =
            std::fs::canonicalize(&cache).map_err(|e| format!("{}: {e}", cache.display()))?;
        // npm may print much while installing: a file, unlike a pipe nobody reads, never fills.
        let log_path = cache.join(format!("oauth2-mock-{port}.log"));
        let log = std::fs::File::create(&log_path)
            .map_err(|e| format!("cannot create {}: {e}", log_path.display()))?;
        let child = Command::new("bash")
            .arg(scripts_dir().join("oauth2.sh"))
            .arg(port.to_string())
            .arg(&cache)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .map_err(|e| format!("cannot run rigs/oauth2.sh: {e}"))?;
        let mut process = OwnedProcess::new(child);
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                // The server keeps writing to the open file; the name is only needed on failure.
                let _ = std::fs::remove_file(&log_path);
                return Ok(Self {
                    port,
                    process: Mutex::new(process),
                });
            }
            if !process.is_running() {
                let log = std::fs::read_to_string(&log_path).unwrap_or_default();
                let tail: String = log
                    .chars()
                    .rev()
                    .take(2000)
                    .collect::<Vec<_>>()
                    .into_iter()
                    .rev()
                    .collect();
                return Err(format!("rigs/oauth2.sh ended: {}", tail.trim()));
            }
            if Instant::now() > deadline {
                return Err(format!("nothing listens on {addr} after {START_TIMEOUT:?}"));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// The port on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// The base URL, `http://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The issuer the server writes into its tokens (`http://localhost:<port>`).
    pub fn issuer(&self) -> String {
        format!("http://localhost:{}", self.port)
    }

    /// The token endpoint.
    pub fn token_url(&self) -> String {
        format!("{}/token", self.base_url())
    }

    /// The authorization endpoint (it redirects at once with a code, as if the user signed in).
    pub fn authorize_url(&self) -> String {
        format!("{}/authorize", self.base_url())
    }

    /// The JSON Web Key Set of the token signing key.
    pub fn jwks_url(&self) -> String {
        format!("{}/jwks", self.base_url())
    }

    /// The revocation endpoint (RFC 7009: form `token=<refresh token>`).
    pub fn revoke_url(&self) -> String {
        format!("{}/revoke", self.base_url())
    }

    /// The JSON Web Key Set of the token signing key, fetched from `/jwks`.
    ///
    /// # Errors
    ///
    /// When the server cannot be reached or does not answer `200`.
    pub fn jwks_json(&self) -> Result<String, String> {
        self.call("GET", "/jwks", None)
    }

    /// Revokes every refresh token issued to `user` (as named by `login_hint`, compared
    /// without case), as an administrator's "revoke sessions" does; returns how many were
    /// active. Tests use it where the refresh token is sealed away from them.
    ///
    /// # Errors
    ///
    /// When the server cannot be reached or refuses the request.
    pub fn revoke_user(&self, user: &str) -> Result<u64, String> {
        let answer = self.call("POST", "/control/revoke-user", Some(&[("user", user)]))?;
        json_number(&answer, "revoked").ok_or_else(|| format!("unexpected answer: {answer}"))
    }

    /// Revokes one refresh token through the RFC 7009 endpoint.
    ///
    /// # Errors
    ///
    /// When the server cannot be reached or does not answer `200`.
    pub fn revoke_token(&self, refresh_token: &str) -> Result<(), String> {
        self.call("POST", "/revoke", Some(&[("token", refresh_token)]))
            .map(drop)
    }

    /// Makes the next `count` access tokens the server issues expire before they arrive
    /// (their `expires_in` still says an hour, as from a server whose clock runs ahead), so
    /// that a resource server refuses them and the client must fetch another. Any token
    /// counts, whoever it is for: tests running side by side in one process share the server,
    /// and [`expire_next_tokens_for`](Self::expire_next_tokens_for) keeps to one user.
    ///
    /// # Errors
    ///
    /// When the server cannot be reached or refuses the request.
    pub fn expire_next_tokens(&self, count: u32) -> Result<(), String> {
        let count = count.to_string();
        self.call(
            "POST",
            "/control/expired-tokens",
            Some(&[("count", &count)]),
        )
        .map(drop)
    }

    /// Like [`expire_next_tokens`](Self::expire_next_tokens), for the tokens of `who` alone: a
    /// user as signed in, or the client id of a client credentials grant (compared without
    /// case). Its tokens expire first by this count, then by the one for anyone.
    ///
    /// # Errors
    ///
    /// When the server cannot be reached or refuses the request.
    pub fn expire_next_tokens_for(&self, who: &str, count: u32) -> Result<(), String> {
        let count = count.to_string();
        self.call(
            "POST",
            "/control/expired-tokens",
            Some(&[("who", who), ("count", &count)]),
        )
        .map(drop)
    }

    /// The server's counts as JSON: per grant type the tokens `issued` and the requests
    /// `refused`, and the refresh tokens `active`, `used` and `revoked`.
    ///
    /// # Errors
    ///
    /// When the server cannot be reached or does not answer `200`.
    pub fn stats_json(&self) -> Result<String, String> {
        self.call("GET", "/control/stats", None)
    }

    /// One HTTP/1.1 request over loopback (the crate has no HTTP client: the requests are few
    /// and small); the body of a `200` answer.
    fn call(
        &self,
        method: &str,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> Result<String, String> {
        let addr = SocketAddr::from(([127, 0, 0, 1], self.port));
        let mut stream = TcpStream::connect_timeout(&addr, CALL_TIMEOUT)
            .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
        stream
            .set_read_timeout(Some(CALL_TIMEOUT))
            .and_then(|()| stream.set_write_timeout(Some(CALL_TIMEOUT)))
            .map_err(|e| e.to_string())?;
        let body = form.map(form_encode).unwrap_or_default();
        let mut request = format!(
            "{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nConnection: close\r\n",
            self.port
        );
        if form.is_some() {
            request.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
        }
        request.push_str(&format!("Content-Length: {}\r\n\r\n{body}", body.len()));
        stream
            .write_all(request.as_bytes())
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let mut answer = Vec::new();
        stream
            .take(MAX_ANSWER)
            .read_to_end(&mut answer)
            .map_err(|e| format!("{method} {path}: {e}"))?;
        let answer = String::from_utf8_lossy(&answer);
        let (head, body) = answer
            .split_once("\r\n\r\n")
            .ok_or_else(|| format!("{method} {path}: the answer has no header end"))?;
        let status = head.split(' ').nth(1).unwrap_or_default();
        if status != "200" {
            return Err(format!("{method} {path}: HTTP {status}: {body}"));
        }
        Ok(body.to_owned())
    }

    /// Whether the server process is still running.
    pub fn is_running(&self) -> bool {
        self.process
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_running()
    }
}

/// `application/x-www-form-urlencoded` for `pairs`.
fn form_encode(pairs: &[(&str, &str)]) -> String {
    let encode = |text: &str| {
        text.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                    char::from(b).to_string()
                }
                b' ' => "+".to_owned(),
                other => format!("%{other:02X}"),
            })
            .collect::<String>()
    };
    pairs
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

/// The number at `"name":` of a flat JSON object (the control answers are one field).
fn json_number(json: &str, name: &str) -> Option<u64> {
    let at = json.find(&format!("\"{name}\""))? + name.len() + 2;
    let rest = json[at..].trim_start().strip_prefix(':')?.trim_start();
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_encoded() {
        assert_eq!(
            form_encode(&[("user", "Alice Smith@contoso.test"), ("a&b", "=")]),
            "user=Alice+Smith%40contoso.test&a%26b=%3D"
        );
        assert_eq!(form_encode(&[]), "");
    }

    #[test]
    fn numbers_are_read_from_control_answers() {
        assert_eq!(json_number(r#"{"revoked":3}"#, "revoked"), Some(3));
        assert_eq!(json_number(r#"{ "revoked" : 12 }"#, "revoked"), Some(12));
        assert_eq!(json_number(r#"{"revoked":"x"}"#, "revoked"), None);
        assert_eq!(json_number(r#"{}"#, "revoked"), None);
    }
}
