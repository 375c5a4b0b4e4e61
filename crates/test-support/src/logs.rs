//! Log capture: the `tracing` output of code under test, as text the test can search (for a
//! message that must be there, or for a secret that must not).

use std::io;
use std::sync::{Arc, Mutex, PoisonError};

use tracing::Level;
use tracing_subscriber::filter::LevelFilter;
use tracing_subscriber::fmt::format::{DefaultFields, Format};
use tracing_subscriber::fmt::{MakeWriter, SubscriberBuilder};

/// A shared buffer that log lines are written into; clones write into the same buffer.
///
/// It is a [`MakeWriter`], so any `tracing_subscriber::fmt` subscriber can write into it;
/// [`subscriber`](Self::subscriber) builds the usual one.
#[derive(Debug, Clone, Default)]
pub struct CapturedLogs {
    buffer: Arc<Mutex<Vec<u8>>>,
}

impl CapturedLogs {
    /// An empty capture.
    pub fn new() -> Self {
        Self::default()
    }

    /// Installs a subscriber writing every event up to `max_level` into a new capture as the
    /// global default of this process, together with the bridge from the `log` crate (records
    /// of dependencies that log through it are captured too), and returns the capture. For a
    /// test binary of its own: events from every thread, spawned ones included, are captured.
    ///
    /// # Panics
    ///
    /// When the process already has a global subscriber or `log` logger.
    pub fn install_global(max_level: Level) -> Self {
        let captured = Self::new();
        captured.builder(max_level).init();
        captured
    }

    /// A plain-text (no colours) subscriber writing every event up to `max_level` into this
    /// capture, for [`tracing::subscriber::with_default`] or
    /// [`tracing::subscriber::set_global_default`].
    pub fn subscriber(&self, max_level: Level) -> impl tracing::Subscriber + Send + Sync + 'static {
        self.builder(max_level).finish()
    }

    fn builder(
        &self,
        max_level: Level,
    ) -> SubscriberBuilder<DefaultFields, Format, LevelFilter, Self> {
        tracing_subscriber::fmt()
            .with_max_level(max_level)
            .with_writer(self.clone())
            .with_ansi(false)
    }

    /// What was logged so far (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.lock()).into_owned()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<u8>> {
        // A test that panicked while logging leaves whole lines behind: keep reading them.
        self.buffer.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl io::Write for CapturedLogs {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.lock().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

impl<'a> MakeWriter<'a> for CapturedLogs {
    type Writer = Self;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

/// Runs `f` with every event up to `max_level` that it logs on this thread captured, and
/// returns the captured text.
///
/// Only events of this thread are seen (threads `f` spawns log to the global subscriber): use
/// [`CapturedLogs::install_global`] for those. With other tests running in the same process,
/// `tracing` may have decided that nobody listens at a call site another thread reached
/// first; a test that must see every event therefore runs in a test binary of its own.
///
/// Captures in one process run one at a time, and each starts by having `tracing` work out
/// anew who listens at every call site, which narrows that race to threads that log while no
/// capture runs.
pub fn capture_logs(max_level: Level, f: impl FnOnce()) -> String {
    static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(PoisonError::into_inner);
    let captured = CapturedLogs::new();
    tracing::subscriber::with_default(captured.subscriber(max_level), || {
        tracing::callsite::rebuild_interest_cache();
        f();
    });
    captured.text()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_up_to_the_level_are_captured() {
        let logs = capture_logs(Level::INFO, || {
            tracing::info!(user = "alice", "logged in");
            tracing::debug!("too detailed");
        });
        assert!(logs.contains("INFO"), "{logs}");
        assert!(logs.contains("logged in user=\"alice\""), "{logs}");
        assert!(!logs.contains("too detailed"), "{logs}");
        assert!(!logs.contains('\u{1b}'), "no colour codes: {logs:?}");
    }

    #[test]
    fn clones_share_one_buffer() {
        use std::io::Write as _;
        let captured = CapturedLogs::new();
        let mut writer = captured.make_writer();
        writer.write_all(b"one ").unwrap();
        captured.clone().write_all(b"two").unwrap();
        assert_eq!(captured.text(), "one two");
    }
}
