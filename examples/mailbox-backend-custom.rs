//! A mailbox backend of one's own: the gateway serves a calendar and the tables' records kept in
//! memory instead of reaching Exchange. A backend implements `MailboxBackend` (checking login
//! data) and the backend trait of each area (here `CalendarBackend` and `TablesBackend`, and
//! `DirectoryBackend` with its defaults: no directory); the
//! gateway does the rest: data sources, the vault, logins, the checks of every request against
//! the tables' metadata, page tokens and the API.
//!
//! ```text
//! cargo run --example mailbox-backend-custom
//! ```

use std::error::Error;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use chrono::{Duration, Timelike, Utc};
use exchange_connector::tables::{
    compare_records, CreateRecord, DeleteRecord, FieldChange, GetRecord, Record, RecordKey, Table,
    TableInfo, UpdateRecord, Value,
};
use exchange_connector::{
    ApiError, Appointment, Authentication, DataSource, ExchangeGeneration, NewAppointment,
    ServiceAccount, TransportChoice,
};
use mediagateway::{
    BackendChunk, BackendQuery, CalendarBackend, DirectoryBackend, Gateway, GatewayConfig,
    MailboxAccess, MailboxBackend, TablesBackend,
};
use mediagateway_api::{ApiStream, TimeWindow};
use secrecy::{ExposeSecret, SecretString};
use uuid::Uuid;

/// Every mailbox's calendar in one list, every mailbox's records in another, and one password
/// that opens every mailbox.
#[derive(Default)]
struct MemoryBackend {
    appointments: Mutex<Vec<(String, Appointment)>>,
    records: Mutex<Vec<(String, Record)>>,
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

/// A record's text value.
fn text_of<'a>(record: &'a Record, field: &str) -> Option<&'a str> {
    match record.get(field) {
        Some(Value::Text(text)) => Some(text),
        _ => None,
    }
}

impl MemoryBackend {
    fn records(&self) -> std::sync::MutexGuard<'_, Vec<(String, Record)>> {
        self.records
            .lock()
            .expect("no thread panics while holding the list")
    }

    /// The position of `access`'s record of `table` with `ID` `id`.
    fn find(
        records: &[(String, Record)],
        access: &MailboxAccess,
        table: Table,
        key: &RecordKey,
    ) -> Result<usize, ApiError> {
        let (field, wanted) = match key {
            RecordKey::Id(id) => ("ID", id),
            RecordKey::PermanentUrl(key) => ("PermanentURL", key),
        };
        records
            .iter()
            .position(|(mailbox, r)| {
                *mailbox == access.mailbox
                    && r.table == table
                    && text_of(r, field) == Some(wanted.as_str())
            })
            .ok_or_else(|| ApiError::ItemNotFound { id: wanted.clone() })
    }

    /// `record` with the selected `fields` and the keys only (every field when none).
    fn selected(record: &Record, fields: &[String]) -> Record {
        let mut out = record.clone();
        if !fields.is_empty() {
            out.values.retain(|field, _| {
                matches!(field.as_ref(), "ID" | "PermanentURL" | "ETag")
                    || fields.iter().any(|f| f == field)
            });
        }
        out
    }
}

/// No directory: free/busy and name resolution answer `NotSupported`.
impl DirectoryBackend for MemoryBackend {}

/// Records in memory: the gateway has checked every request against the metadata (fields,
/// types, sortable and filterable flags) before it comes here, so the backend only stores,
/// filters (`Filter::matches`), sorts (`compare_records`) and pages.
#[async_trait]
impl TablesBackend for MemoryBackend {
    async fn query(
        &self,
        access: &MailboxAccess,
        query: BackendQuery,
    ) -> Result<ApiStream<BackendChunk>, ApiError> {
        let q = &query.query.query;
        let offset: usize = match &query.position {
            Some(position) => position
                .parse()
                .map_err(|_| ApiError::invalid("not a position of this backend"))?,
            None => 0,
        };
        let mut found: Vec<Record> = self
            .records()
            .iter()
            .filter(|(mailbox, r)| *mailbox == access.mailbox && r.table == query.query.table)
            .map(|(_, r)| r.clone())
            .filter(|r| q.filter.as_ref().is_none_or(|f| f.matches(r)))
            .collect();
        found.sort_by(|a, b| compare_records(a, b, &q.sort));
        let page_size = q.page_size as usize;
        let end = (offset + page_size).min(found.len());
        let chunk = BackendChunk {
            records: found
                .get(offset.min(end)..end)
                .unwrap_or_default()
                .iter()
                .map(|r| Self::selected(r, &q.fields))
                .collect(),
            next_position: (end < found.len()).then(|| end.to_string()),
        };
        Ok(Box::pin(futures_util::stream::iter([Ok(chunk)])))
    }

    async fn get_record(
        &self,
        access: &MailboxAccess,
        _info: &TableInfo,
        get: &GetRecord,
    ) -> Result<Record, ApiError> {
        let records = self.records();
        let at = Self::find(&records, access, get.table, &get.key)?;
        Ok(Self::selected(&records[at].1, &get.fields))
    }

    async fn create_record(
        &self,
        access: &MailboxAccess,
        _info: &TableInfo,
        create: &CreateRecord,
    ) -> Result<Record, ApiError> {
        let record = create
            .record
            .clone()
            .with("ID", Value::Text(Uuid::new_v4().to_string()))
            .with("PermanentURL", Value::Text(Uuid::new_v4().to_string()))
            .with("ETag", Value::Text("1".to_owned()));
        self.records()
            .push((access.mailbox.clone(), record.clone()));
        Ok(record)
    }

    async fn update_record(
        &self,
        access: &MailboxAccess,
        _info: &TableInfo,
        update: &UpdateRecord,
    ) -> Result<Record, ApiError> {
        let mut records = self.records();
        let at = Self::find(
            &records,
            access,
            update.table,
            &RecordKey::Id(update.id.clone()),
        )?;
        let record = &mut records[at].1;
        let etag: u64 = text_of(record, "ETag")
            .and_then(|t| t.parse().ok())
            .unwrap_or(0);
        // Optimistic concurrency: a change key that is not the current one changes nothing.
        if update
            .change_key
            .as_ref()
            .is_some_and(|key| *key != etag.to_string())
        {
            return Err(ApiError::Conflict {
                id: update.id.clone(),
            });
        }
        for change in &update.changes {
            match change {
                FieldChange::Set(field, value) | FieldChange::Append(field, value) => {
                    record.set(field, value.clone());
                }
                FieldChange::Clear(field) => {
                    record.values.remove(field.as_str());
                }
            }
        }
        record.set("ETag", Value::Text((etag + 1).to_string()));
        Ok(record.clone())
    }

    async fn delete_record(
        &self,
        access: &MailboxAccess,
        _info: &TableInfo,
        delete: &DeleteRecord,
    ) -> Result<(), ApiError> {
        let mut records = self.records();
        let at = Self::find(
            &records,
            access,
            delete.table,
            &RecordKey::Id(delete.id.clone()),
        )?;
        records.remove(at);
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
