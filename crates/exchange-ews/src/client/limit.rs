//! At most so many requests in flight per target mailbox.
//!
//! Exchange budgets concurrent requests per mailbox (`EWSMaxConcurrency`, 10 by default) and
//! answers requests beyond the budget with `ErrorExceededConnectionCount`; queueing them in
//! the client instead saves round trips and keeps the budget for other clients.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The default number of requests in flight per mailbox.
pub(super) const DEFAULT_PER_MAILBOX: usize = 10;

/// One semaphore per mailbox with requests in flight or waiting; a mailbox without any has
/// no entry, so the map holds at most as many entries as there are pending requests.
#[derive(Debug)]
pub(super) struct MailboxLimits {
    per_mailbox: usize,
    mailboxes: Mutex<HashMap<String, Mailbox>>,
}

/// The semaphore of one mailbox and how many requests hold or await one of its permits.
#[derive(Debug)]
struct Mailbox {
    semaphore: Arc<Semaphore>,
    users: usize,
}

/// Permission to send one request to a mailbox, given back when dropped.
#[derive(Debug)]
pub(super) struct MailboxPermit<'a> {
    limits: &'a MailboxLimits,
    key: String,
    permit: Option<OwnedSemaphorePermit>,
}

impl MailboxLimits {
    /// Limits of `per_mailbox` requests (at least one; the builder checks it).
    pub(super) fn new(per_mailbox: usize) -> Self {
        Self {
            per_mailbox: per_mailbox.max(1),
            mailboxes: Mutex::new(HashMap::new()),
        }
    }

    pub(super) fn per_mailbox(&self) -> usize {
        self.per_mailbox
    }

    /// Waits until a request to the mailbox `key` may go out.
    pub(super) async fn acquire(&self, key: &str) -> MailboxPermit<'_> {
        let semaphore = {
            let mut map = self.map();
            let mailbox = map.entry(key.to_owned()).or_insert_with(|| Mailbox {
                semaphore: Arc::new(Semaphore::new(self.per_mailbox)),
                users: 0,
            });
            mailbox.users += 1;
            mailbox.semaphore.clone()
        };
        // The guard exists before the wait so that a cancelled wait still prunes the entry.
        let mut permit = MailboxPermit {
            limits: self,
            key: key.to_owned(),
            permit: None,
        };
        permit.permit = Some(
            semaphore
                .acquire_owned()
                .await
                .expect("the semaphores of the map are never closed"),
        );
        permit
    }

    /// How many mailboxes have an entry.
    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.map().len()
    }

    fn map(&self) -> MutexGuard<'_, HashMap<String, Mailbox>> {
        self.mailboxes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }
}

impl Drop for MailboxPermit<'_> {
    fn drop(&mut self) {
        drop(self.permit.take());
        let mut map = self.limits.map();
        if let Some(mailbox) = map.get_mut(&self.key) {
            mailbox.users -= 1;
            if mailbox.users == 0 {
                map.remove(&self.key);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn lets_through_at_most_the_limit_per_mailbox() {
        let limits = MailboxLimits::new(2);
        let first = limits.acquire("bob").await;
        let _second = limits.acquire("bob").await;
        // A third waits for bob, while another mailbox goes ahead.
        let other = tokio::time::timeout(Duration::from_secs(1), limits.acquire("carol")).await;
        assert!(other.is_ok());
        drop(other);
        let third = tokio::time::timeout(Duration::from_millis(50), limits.acquire("bob")).await;
        assert!(third.is_err());
        drop(first);
        let third = tokio::time::timeout(Duration::from_secs(1), limits.acquire("bob")).await;
        assert!(third.is_ok());
    }

    #[tokio::test]
    async fn forgets_idle_mailboxes() {
        let limits = MailboxLimits::new(1);
        for i in 0..100 {
            let _permit = limits.acquire(&format!("user{i}@contoso.test")).await;
        }
        assert_eq!(limits.tracked(), 0);
        let held = limits.acquire("bob").await;
        assert_eq!(limits.tracked(), 1);
        // A waiter that gives up does not leave its entry behind either.
        let gave_up = tokio::time::timeout(Duration::from_millis(20), limits.acquire("bob")).await;
        assert!(gave_up.is_err());
        assert_eq!(limits.tracked(), 1);
        drop(held);
        assert_eq!(limits.tracked(), 0);
    }

    #[test]
    fn a_zero_limit_still_lets_one_through() {
        assert_eq!(MailboxLimits::new(0).per_mailbox(), 1);
        assert_eq!(
            MailboxLimits::new(DEFAULT_PER_MAILBOX).per_mailbox(),
            DEFAULT_PER_MAILBOX
        );
    }
}
