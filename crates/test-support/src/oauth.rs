//! An OAuth2 authorization server on loopback: npm `oauth2-mock-server` 9.3.0, installed and
//! started by `rigs/oauth2.sh`.
//!
//! It issues signed JWTs for the client credentials, authorization code (checking the PKCE
//! verifier) and refresh token grants. It has no device code endpoint and does not check client
//! secrets. Its endpoints sit at the top of its URL (`/token`, `/authorize`), not under a
//! tenant.
//!
//! The package is installed with npm into `target/rigs/npm` at the top of the workspace (or
//! the folder named by `OAUTH_MOCK_NPM_DIR`) on first use.

use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, Weak};
use std::time::{Duration, Instant};

use crate::process::{shared_peer, workspace_dir};
use crate::{free_port, peer_missing, scripts_dir, OwnedProcess};

/// How long the first start may take (it may install the package with npm).
const START_TIMEOUT: Duration = Duration::from_secs(180);

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

    /// Whether the server process is still running.
    pub fn is_running(&self) -> bool {
        self.process
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .is_running()
    }
}
