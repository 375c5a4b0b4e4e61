//! A mailbox backend of one's own: the gateway serves a calendar kept in memory instead of
//! reaching Exchange. A backend implements `MailboxBackend` (checking login data) and the
//! backend trait of each area (here `CalendarBackend`); the gateway does the rest: data
//! sources, the vault, logins and the API.
//!
//! ```text
//! cargo run --example mailbox-backend-custom
//! ```

use std::error::Error;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{Duration, Timelike, Utc};
use exchange_connector::{
    ApiError, Appointment, Authentication, DataSource, ExchangeGeneration, NewAppointment,
    ServiceAccount, TransportChoice,
};
use mediagateway::{CalendarBackend, Gateway, GatewayConfig, MailboxAccess, MailboxBackend};
use mediagateway_api::TimeWindow;
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

/// Every mailbox's calendar in one list, and one password that opens every mailbox.
#[derive(Default)]
struct MemoryBackend {
    appointments: Mutex<Vec<(String, Appointment)>>,
}

impl MemoryBackend {
    fn appointments(&self) -> std::sync::MutexGuard<'_, Vec<(String, Appointment)>> {
        self.appointments
            .lock()
            .expect("no thread panics while holding the list")
    }
}

#[async_trait]
impl MailboxBackend for MemoryBackend {
    async fn check(&self, access: &MailboxAccess) -> Result<Option<String>, ApiError> {
        if access.password.expose_secret() == "open sesame" {
            Ok(Some("in-memory 1.0".to_owned()))
        } else {
            Err(ApiError::ExchangeLoginRefused {
                detail: format!("wrong password for {}", access.user_name),
            })
        }
    }
}

#[async_trait]
impl CalendarBackend for MemoryBackend {
    async fn find_appointments(
        &self,
        access: &MailboxAccess,
        window: &TimeWindow,
    ) -> Result<Vec<Appointment>, ApiError> {
        let mut found: Vec<Appointment> = self
            .appointments()
            .iter()
            .filter(|(mailbox, a)| {
                *mailbox == access.mailbox && a.start < window.end() && a.end > window.start()
            })
            .map(|(_, a)| a.clone())
            .collect();
        found.sort_by_key(|a| a.start);
        Ok(found)
    }

    async fn get_appointment(
        &self,
        access: &MailboxAccess,
        id: &str,
    ) -> Result<Appointment, ApiError> {
        self.appointments()
            .iter()
            .find(|(mailbox, a)| *mailbox == access.mailbox && a.id == id)
            .map(|(_, a)| a.clone())
            .ok_or_else(|| ApiError::ItemNotFound { id: id.to_owned() })
    }

    async fn create_appointment(
        &self,
        access: &MailboxAccess,
        new: &NewAppointment,
    ) -> Result<Appointment, ApiError> {
        let appointment = new.stored_as(Uuid::new_v4().to_string(), "1".into(), &access.mailbox);
        self.appointments()
            .push((access.mailbox.clone(), appointment.clone()));
        Ok(appointment)
    }

    async fn delete_appointment(&self, access: &MailboxAccess, id: &str) -> Result<(), ApiError> {
        let mut appointments = self.appointments();
        let before = appointments.len();
        appointments.retain(|(mailbox, a)| !(*mailbox == access.mailbox && a.id == id));
        if appointments.len() == before {
            return Err(ApiError::ItemNotFound { id: id.to_owned() });
        }
        Ok(())
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn Error>> {
    let dir = tempfile::tempdir()?;
    let config = GatewayConfig::in_dir(dir.path())
        .with_rsa_bits(2048)
        .allow_plain_http_on_loopback();
    let gateway = Gateway::open_with_backend(&config, Box::new(MemoryBackend::default()))?;

    let calendar = DataSource::builder("Memory")
        .transport(TransportChoice::InProcess(Arc::new(gateway)))
        .gateway_password(SecretString::from("1234"))
        .exchange_version(ExchangeGeneration::Exchange2010To2019)
        .authentication(Authentication::UserNamePassword)
        .exchange_account(ServiceAccount::new(
            "svc@memory.test",
            SecretString::from("open sesame"),
            // Never called: the backend keeps everything in memory.
            "https://memory.test/EWS/Exchange.asmx",
        ))
        .build()?;
    let test = calendar.test_exchange_account().await;
    println!("{test}");
    if !test.passed() {
        return Err("the connection test failed".into());
    }

    let portal_user = Uuid::new_v4();
    let refused = calendar
        .login(
            portal_user,
            "alice@memory.test",
            SecretString::from("guess"),
        )
        .await;
    println!(
        "login with a wrong password: {}",
        refused
            .as_ref()
            .err()
            .map_or_else(String::new, ToString::to_string)
    );
    let outcome = calendar
        .login(
            portal_user,
            "alice@memory.test",
            SecretString::from("open sesame"),
        )
        .await?;
    println!(
        "logged in to {} (stored: {})",
        outcome.mailbox, outcome.stored
    );

    let user = calendar.user(portal_user);
    let start = (Utc::now() + Duration::days(1))
        .with_minute(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .ok_or("no hour boundary")?;
    let created = user
        .create_appointment(&NewAppointment {
            subject: "Kept in memory".to_owned(),
            start,
            end: start + Duration::hours(1),
            is_all_day: false,
            location: None,
            body: None,
        })
        .await?;
    let found = user
        .calendar(start - Duration::hours(1), start + Duration::hours(2))
        .await?;
    println!(
        "created {:?}; {} in the window",
        created.subject,
        found.len()
    );
    user.delete_appointment(&created.id).await?;
    let gone = user.appointment(&created.id).await;
    if refused.is_ok() || found.len() != 1 || !gone.is_err_and(|e| e.is_not_found()) {
        return Err("the in-memory calendar did not behave".into());
    }
    println!("deleted; the in-memory calendar works through the gateway");
    Ok(())
}
