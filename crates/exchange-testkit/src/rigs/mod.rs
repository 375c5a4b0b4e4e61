//! Real authentication peers on loopback, started by the tests that need them: an MIT Kerberos
//! KDC with Apache (`mod_auth_gssapi`, `gss-ntlmssp`) and an OAuth2 authorization server.
//!
//! Each rig runs the project's scripts under `rigs/` at the top of the workspace, listens on
//! `127.0.0.1` only, and stops its processes by their own process ids when the last test using
//! it lets go. When a rig's programs are not installed, [`peer_missing`] tells the test to skip,
//! except under `CI=true`, where a missing peer is a failure.

pub mod kerberos;
pub mod oauth;

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Child;

/// Reports that a real peer cannot run here: under `CI=true` this panics (the CI run installs
/// every peer), elsewhere it prints why the test is skipped.
///
/// # Panics
///
/// Under `CI=true`.
pub fn peer_missing(what: &str) {
    assert!(
        std::env::var("CI").as_deref() != Ok("true"),
        "{what}; CI=true requires this peer"
    );
    eprintln!("skipping: {what}");
}

/// A free TCP port on 127.0.0.1 (free when this returns; the caller binds it soon after).
///
/// # Panics
///
/// When no loopback port can be bound at all.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}

/// The `rigs/` folder of the workspace, holding the scripts that start the peers.
pub fn scripts_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../rigs")
}

/// A child process that is killed, by its own process id, and reaped when dropped.
#[derive(Debug)]
pub struct OwnedProcess {
    child: Child,
}

impl OwnedProcess {
    /// Takes ownership of `child`.
    pub fn new(child: Child) -> Self {
        Self { child }
    }

    /// The process id.
    pub fn id(&self) -> u32 {
        self.child.id()
    }

    /// Whether the process is still running.
    pub fn is_running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for OwnedProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
