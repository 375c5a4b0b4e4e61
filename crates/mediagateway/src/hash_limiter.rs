//! Argon2id off the async workers: each password hash runs on tokio's blocking pool, at most
//! a fixed number at once, so that a burst of logins neither stalls the workers that answer
//! other calls nor takes every core.

use std::num::NonZeroUsize;
use std::sync::Arc;

use tokio::sync::Semaphore;

/// The most hashes the default limiter runs at once.
const DEFAULT_MAX_PERMITS: usize = 4;

/// Why [`HashLimiter::run`] returned no result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum HashTaskError {
    /// The work panicked (a bug); the panic was printed by the panic hook, and the caller is
    /// to treat the check as failed.
    #[error("a password hash failed unexpectedly")]
    Panicked,
    /// The runtime is shutting down and did not run the work.
    #[error("the gateway is shutting down")]
    ShuttingDown,
}

/// Runs CPU-heavy password work on tokio's blocking pool, at most [`permits`](Self::permits)
/// at once; callers beyond that wait their turn (first come, first served).
///
/// A permit is held until the work has finished, even when the caller stops waiting for it:
/// a cancelled call does not let more hashes run than the limit.
#[derive(Debug)]
pub struct HashLimiter {
    semaphore: Arc<Semaphore>,
    permits: usize,
}

impl HashLimiter {
    /// A limiter running at most `permits` jobs at once (at least 1).
    #[must_use]
    pub fn new(permits: usize) -> Self {
        let permits = permits.clamp(1, Semaphore::MAX_PERMITS);
        Self {
            semaphore: Arc::new(Semaphore::new(permits)),
            permits,
        }
    }

    /// How many jobs may run at once.
    #[must_use]
    pub fn permits(&self) -> usize {
        self.permits
    }

    /// Waits for a permit, then runs `f` on the blocking pool and returns what it returns.
    ///
    /// # Errors
    ///
    /// [`HashTaskError::Panicked`] when `f` panicked: the panic stops here, the permit is
    /// returned, and the caller fails closed. [`HashTaskError::ShuttingDown`] when the runtime
    /// no longer runs blocking work.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, HashTaskError> {
        let permit = Arc::clone(&self.semaphore)
            .acquire_owned()
            .await
            // Only a closed semaphore refuses, and this one is never closed.
            .map_err(|_| HashTaskError::ShuttingDown)?;
        let task = tokio::task::spawn_blocking(move || {
            let _permit = permit;
            f()
        });
        task.await.map_err(|e| {
            if e.is_panic() {
                HashTaskError::Panicked
            } else {
                HashTaskError::ShuttingDown
            }
        })
    }
}

impl Default for HashLimiter {
    /// As many permits as the machine has cores, between 1 and 4.
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, NonZeroUsize::get);
        Self::new(cores.clamp(1, DEFAULT_MAX_PERMITS))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::mpsc;
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn at_most_the_permits_run_at_once() {
        let limiter = Arc::new(HashLimiter::new(2));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let mut jobs = tokio::task::JoinSet::new();
        for job in 0..8 {
            let (limiter, running, most) = (limiter.clone(), running.clone(), most.clone());
            jobs.spawn(async move {
                limiter
                    .run(move || {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(30));
                        running.fetch_sub(1, Ordering::SeqCst);
                        job
                    })
                    .await
            });
        }
        let mut done: Vec<i32> = jobs
            .join_all()
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        done.sort_unstable();
        assert_eq!(done, (0..8).collect::<Vec<_>>());
        assert_eq!(
            most.load(Ordering::SeqCst),
            2,
            "two ran together, never more"
        );
    }

    #[tokio::test]
    async fn a_cancelled_caller_keeps_its_permit_until_the_work_ends() {
        let limiter = Arc::new(HashLimiter::new(1));
        let (release, wait) = mpsc::channel::<()>();
        let first = limiter.run(move || wait.recv().is_ok());
        // The caller gives up while the work still runs.
        assert!(tokio::time::timeout(Duration::from_millis(50), first)
            .await
            .is_err());
        let started = Arc::new(AtomicBool::new(false));
        let second = {
            let (limiter, started) = (limiter.clone(), started.clone());
            tokio::spawn(async move {
                limiter
                    .run(move || started.store(true, Ordering::SeqCst))
                    .await
            })
        };
        tokio::time::sleep(Duration::from_millis(100)).await;
        assert!(
            !started.load(Ordering::SeqCst),
            "the second waits for the first"
        );
        release.send(()).unwrap();
        second.await.unwrap().unwrap();
        assert!(started.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn a_panic_is_a_typed_error_and_returns_the_permit() {
        let limiter = HashLimiter::new(1);
        let result: Result<(), _> = limiter.run(|| panic!("a bug in the hash")).await;
        assert_eq!(result, Err(HashTaskError::Panicked));
        assert_eq!(limiter.run(|| 7).await, Ok(7));
        assert_eq!(limiter.semaphore.available_permits(), 1);
    }

    #[test]
    fn the_permits_are_bounded() {
        assert_eq!(HashLimiter::new(0).permits(), 1);
        assert_eq!(HashLimiter::new(3).permits(), 3);
        let default = HashLimiter::default().permits();
        assert!((1..=DEFAULT_MAX_PERMITS).contains(&default), "{default}");
    }
}
