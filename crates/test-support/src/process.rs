//! Helpers of every launcher: loopback ports, the `rigs/` scripts, and child processes that are
//! stopped by their own process id.

use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Child;
use std::sync::{Arc, Mutex, PoisonError, Weak};

/// A free TCP port on 127.0.0.1 (free when this returns; the caller binds it soon after),
/// never one this process was handed before: the system may give a port it just released
/// again, and two peers of one rig (a KDC and its neighbour realm's) would then race for it.
///
/// # Panics
///
/// When no loopback port can be bound at all.
pub fn free_port() -> u16 {
    static HANDED_OUT: Mutex<Vec<u16>> = Mutex::new(Vec::new());
    let mut handed_out = HANDED_OUT.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        let port = TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("a free loopback port");
        if !handed_out.contains(&port) {
            handed_out.push(port);
            return port;
        }
    }
}

/// The peer in `slot` while any test holds it, else the one `start` makes (`None` when it
/// cannot: `start` has said why). Tests running at once share one peer; the last to let go
/// stops it.
pub(crate) fn shared_peer<T>(
    slot: &Mutex<Weak<T>>,
    start: impl FnOnce() -> Option<T>,
) -> Option<Arc<T>> {
    let mut shared = slot.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(running) = shared.upgrade() {
        return Some(running);
    }
    let started = Arc::new(start()?);
    *shared = Arc::downgrade(&started);
    Some(started)
}

/// The top of the workspace (this crate is `crates/test-support` in it).
pub(crate) fn workspace_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The `rigs/` folder of the workspace, holding the scripts that start the peers.
pub fn scripts_dir() -> PathBuf {
    workspace_dir().join("rigs")
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

#[cfg(test)]
mod tests {
    use std::process::{Command, Stdio};

    use super::*;

    #[test]
    fn the_scripts_are_found() {
        for script in ["kerberos.sh", "oauth2.sh", "oauth2-mock.mjs"] {
            assert!(scripts_dir().join(script).is_file(), "{script}");
        }
    }

    #[test]
    fn a_free_port_can_be_bound_on_loopback() {
        let port = free_port();
        assert_ne!(port, 0);
        TcpListener::bind(("127.0.0.1", port)).expect("the port is free");
    }

    #[test]
    fn an_owned_process_is_stopped_when_dropped() {
        let child = Command::new("sleep")
            .arg("60")
            .stdin(Stdio::null())
            .spawn()
            .expect("sleep runs");
        let mut process = OwnedProcess::new(child);
        assert!(process.is_running());
        let proc_dir = PathBuf::from(format!("/proc/{}", process.id()));
        assert!(proc_dir.exists());
        drop(process);
        // Reaped: the process id no longer names a process (not even a zombie) of ours.
        assert!(!proc_dir.exists());
    }
}
