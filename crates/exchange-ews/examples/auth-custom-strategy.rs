//! Plugging an authentication strategy of one's own into the EWS client.
//!
//! The strategy here reads the password from a secret store of the application on every
//! request, so that a password changed in the store is used without rebuilding the client. When
//! the server refuses the password it reads the store once more (the password may have been
//! rotated since) and tries again; a second refusal ends the request. It speaks HTTP Basic, as
//! an on-premises Exchange accepts over HTTPS; NTLM, Negotiate and OAuth2 plug in the same way.
//!
//! The program runs against a fake Exchange on loopback whose password was just changed, while
//! the store first hands out the old one.
//!
//! ```text
//! cargo run -p exchange-ews --example auth-custom-strategy
//! ```

use std::process::ExitCode;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use chrono::{Duration, Utc};
use exchange_auth::{
    AuthError, AuthStrategy, Basic, Challenge, Handshake, Target, UserCredentials,
};
use exchange_ews::{DistinguishedFolder, EwsClient, FolderTarget};
use exchange_testkit::FakeExchange;
use http::HeaderValue;
use secrecy::SecretString;
use tokio::sync::RwLock;

/// The application's secret store: here a password in memory that can be replaced.
#[derive(Debug)]
struct SecretStore {
    password: RwLock<SecretString>,
    reads: AtomicUsize,
}

impl SecretStore {
    async fn current(&self) -> SecretString {
        self.reads.fetch_add(1, Ordering::Relaxed);
        self.password.read().await.clone()
    }
}

/// Basic authentication with the password read from the store for every request.
#[derive(Debug)]
struct StoredPassword {
    user: String,
    store: Arc<SecretStore>,
}

#[async_trait]
impl AuthStrategy for StoredPassword {
    fn scheme(&self) -> &'static str {
        "Basic"
    }

    async fn begin(&self, target: &Target) -> Result<Box<dyn Handshake>, AuthError> {
        Ok(Box::new(StoredPasswordHandshake {
            target: target.clone(),
            user: self.user.clone(),
            store: Arc::clone(&self.store),
            retried: false,
        }))
    }
}

/// One request: the first attempt, and at most one more after a refusal.
struct StoredPasswordHandshake {
    target: Target,
    user: String,
    store: Arc<SecretStore>,
    retried: bool,
}

impl StoredPasswordHandshake {
    /// The header of one attempt: the crate's own `Basic` strategy, made with the password the
    /// store holds now, does the encoding (and marks the header sensitive).
    async fn header(&self) -> Result<HeaderValue, AuthError> {
        let password = self.store.current().await;
        let basic = Basic::new(UserCredentials::new(self.user.clone(), password))?;
        basic
            .begin(&self.target)
            .await?
            .initial()
            .await?
            .ok_or(AuthError::Rejected { scheme: "Basic" })
    }
}

#[async_trait]
impl Handshake for StoredPasswordHandshake {
    async fn initial(&mut self) -> Result<Option<HeaderValue>, AuthError> {
        self.header().await.map(Some)
    }

    async fn challenge(&mut self, challenges: &[Challenge]) -> Result<HeaderValue, AuthError> {
        if !challenges.iter().any(|c| c.is("Basic")) {
            let offered: Vec<&str> = challenges.iter().map(Challenge::scheme).collect();
            return Err(AuthError::SchemeNotOffered {
                scheme: "Basic",
                offered: offered.join(", "),
            });
        }
        if self.retried {
            return Err(AuthError::Rejected { scheme: "Basic" });
        }
        self.retried = true;
        self.header().await
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("FAIL: {message}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> Result<(), String> {
    let exchange = FakeExchange::builder()
        .user("alice@contoso.test", "new-password", "alice@contoso.test")
        .seed_calendar("alice@contoso.test", 3, Utc::now(), Duration::hours(2))
        .start()
        .await
        .map_err(|e| format!("the fake Exchange did not start: {e}"))?;
    let store = Arc::new(SecretStore {
        password: RwLock::new(SecretString::from("old-password")),
        reads: AtomicUsize::new(0),
    });
    let client = EwsClient::builder(&exchange.url())
        .auth(Arc::new(StoredPassword {
            user: "alice@contoso.test".to_owned(),
            store: Arc::clone(&store),
        }))
        .build()
        .map_err(|e| format!("client set-up: {e}"))?;
    let calendar = FolderTarget::Distinguished(DistinguishedFolder::Calendar);
    let (start, end) = (
        Utc::now() - Duration::days(30),
        Utc::now() + Duration::days(30),
    );

    // The store still holds the old password: refused twice, the request fails.
    let refused = client
        .find_calendar_items(&calendar, start, end, None)
        .await
        .err()
        .ok_or("the old password was accepted")?;
    if !refused.is_authentication_failed() {
        return Err(format!(
            "expected an authentication failure, got: {refused}"
        ));
    }
    println!("PASS with the old password in the store: {refused}");

    // The password is rotated in the store; the same client picks it up.
    *store.password.write().await = SecretString::from("new-password");
    let view = client
        .find_calendar_items(&calendar, start, end, None)
        .await
        .map_err(|e| format!("with the new password: {e}"))?;
    println!(
        "PASS with the new password: {} calendar items; the store was read {} times",
        view.items.len(),
        store.reads.load(Ordering::Relaxed)
    );
    Ok(())
}
