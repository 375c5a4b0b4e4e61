//! The whole path in one program: a portal configures a data source, tests its connection,
//! logs a user in and works with the user's calendar, through a MediaGateway, against a fake
//! Exchange on loopback. It runs the path twice: with the gateway in-process, then over gRPC.
//!
//! ```text
//! cargo run --example quickstart
//! ```
//!
//! It exits 0 only when every step passed on both transports.

use std::process::ExitCode;
use std::sync::Arc;

use chrono::{Duration, Timelike, Utc};
use exchange_connector::{
    Authentication, DataSource, ExchangeGeneration, NewAppointment, Outcome, PortalKey,
    ServiceAccount, TransportChoice,
};
use exchange_testkit::FakeExchange;
use mediagateway::{Gateway, GatewayConfig};
use secrecy::SecretString;
use uuid::Uuid;

const SERVICE: (&str, &str) = ("svc-portal@contoso.test", "service-password");
const ALICE: (&str, &str) = ("alice@contoso.test", "alice-password");

/// Prints one step and whether it passed; remembers failures.
struct Report {
    label: &'static str,
    failures: usize,
}

impl Report {
    fn step(&mut self, name: &str, result: Result<String, String>) -> bool {
        match result {
            Ok(detail) => {
                println!("[{}] PASS {name}: {detail}", self.label);
                true
            }
            Err(detail) => {
                println!("[{}] FAIL {name}: {detail}", self.label);
                self.failures += 1;
                false
            }
        }
    }
}

async fn run_path(
    label: &'static str,
    transport: TransportChoice,
    grpc_port: u16,
    ews_url: &str,
    portal_key: &mut Option<PortalKey>,
) -> usize {
    let mut report = Report { label, failures: 0 };

    // Step 1: configure the data source, as the set-up dialog does. A portal keeps the portal
    // key the gateway hands out when it first configures the data source, with its settings.
    let mut builder = DataSource::builder("Exchange");
    if let Some(key) = portal_key.clone() {
        builder = builder.portal_key(key);
    }
    let built = builder
        .gateway("127.0.0.1", grpc_port)
        .time_zone("Europe/Berlin")
        .transport(transport)
        .gateway_password(SecretString::from("1234"))
        .exchange_version(ExchangeGeneration::Exchange2010To2019)
        .authentication(Authentication::UserNamePassword)
        .exchange_account(ServiceAccount::new(
            SERVICE.0,
            SecretString::from(SERVICE.1),
            ews_url,
        ))
        .build();
    let exchange = match built {
        Ok(exchange) => exchange,
        Err(e) => {
            report.step("1 create data source", Err(e.to_string()));
            return report.failures;
        }
    };
    report.step(
        "1 create data source",
        Ok(format!(
            "{:?} via {}",
            exchange.name(),
            exchange.gateway_address()
        )),
    );

    // Step 2: connection tests.
    for test in [
        exchange.test_gateway().await,
        exchange.test_exchange_account().await,
    ] {
        let name = format!("2 connection test: {}", test.subject);
        let result = match &test.outcome {
            Outcome::Passed { details } => Ok(details.clone()),
            Outcome::Failed { diagnosis, detail } => {
                Err(format!("{} ({detail})", diagnosis.explanation()))
            }
        };
        report.step(&name, result);
        if let Some(notice) = &test.security_notice {
            println!("[{label}]      SECURITY NOTICE: {notice}");
        }
    }

    if portal_key.is_none() {
        *portal_key = exchange.portal_key();
    }

    // Step 3: a portal user logs in with Exchange credentials (with the portal key).
    let portal_user = Uuid::new_v4();
    let login = exchange
        .login(portal_user, ALICE.0, SecretString::from(ALICE.1))
        .await;
    let logged_in = report.step(
        "3 login",
        login
            .map(|o| {
                format!(
                    "portal user {portal_user} -> mailbox {} (stored: {})",
                    o.mailbox, o.stored
                )
            })
            .map_err(|e| e.to_string()),
    );
    if !logged_in {
        return report.failures;
    }

    // Step 4: the user's calendar.
    let user = exchange.user(portal_user);
    let start = (Utc::now() + Duration::days(1))
        .with_minute(0)
        .and_then(|t| t.with_second(0))
        .and_then(|t| t.with_nanosecond(0))
        .expect("an hour boundary exists");
    let new = NewAppointment {
        subject: "Portal demo: project kick-off".to_owned(),
        start,
        end: start + Duration::hours(1),
        is_all_day: false,
        location: Some("Room 4".to_owned()),
        body: Some("Created by the quickstart.".to_owned()),
    };
    let created = match user.create_appointment(&new).await {
        Ok(created) => {
            report.step(
                "4a create appointment (CreateItem)",
                Ok(format!("id {}…", &created.id[..created.id.len().min(16)])),
            );
            created
        }
        Err(e) => {
            report.step("4a create appointment (CreateItem)", Err(e.to_string()));
            return report.failures;
        }
    };
    let read = user.appointment(&created.id).await;
    report.step(
        "4b read it back (GetItem)",
        match read {
            Ok(a) if a.subject == new.subject && a.start == new.start && a.end == new.end => {
                Ok(format!("{:?} {} – {}", a.subject, a.start, a.end))
            }
            Ok(a) => Err(format!("read back something else: {a:?}")),
            Err(e) => Err(e.to_string()),
        },
    );
    let window = user
        .calendar(start - Duration::hours(12), start + Duration::hours(12))
        .await;
    report.step(
        "4c find it in the window (FindItem/CalendarView)",
        match window {
            Ok(items) if items.iter().any(|a| a.id == created.id) => {
                Ok(format!("{} appointment(s) in the window", items.len()))
            }
            Ok(items) => Err(format!("not among the {} found", items.len())),
            Err(e) => Err(e.to_string()),
        },
    );
    let deleted = user.delete_appointment(&created.id).await;
    let gone = match deleted {
        Ok(()) => match user.appointment(&created.id).await {
            Err(e) if e.is_not_found() => Ok("deleted; reading it again says not found".to_owned()),
            Err(e) => Err(format!(
                "deleted, but reading it again failed otherwise: {e}"
            )),
            Ok(_) => Err("still there after deleting".to_owned()),
        },
        Err(e) => Err(e.to_string()),
    };
    report.step("4d delete it (DeleteItem)", gone);
    report.failures
}

#[tokio::main]
async fn main() -> ExitCode {
    let fake = match FakeExchange::builder()
        .user(SERVICE.0, SERVICE.1, SERVICE.0)
        .user(ALICE.0, ALICE.1, ALICE.0)
        .start()
        .await
    {
        Ok(fake) => fake,
        Err(e) => {
            eprintln!("cannot start the fake Exchange: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("fake Exchange at {}", fake.url());

    let dir = match tempfile::tempdir() {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("cannot create a temporary folder: {e}");
            return ExitCode::FAILURE;
        }
    };
    let gateway = match Gateway::open(
        // The fake Exchange answers plain http on loopback; a real one needs HTTPS.
        &GatewayConfig::in_dir(dir.path()).allow_plain_http_on_loopback(),
    ) {
        Ok(gateway) => Arc::new(gateway),
        Err(e) => {
            eprintln!("cannot open the gateway: {e}");
            return ExitCode::FAILURE;
        }
    };
    println!("MediaGateway data in {}", dir.path().display());

    // The portal key the gateway hands out on the first run serves the second one too.
    let mut portal_key = None;
    let mut failures = run_path(
        "in-process",
        TransportChoice::InProcess(gateway.clone()),
        0,
        &fake.url(),
        &mut portal_key,
    )
    .await;

    let listener = match mediagateway::bind("127.0.0.1:0".parse().expect("a literal address")).await
    {
        Ok(listener) => listener,
        Err(e) => {
            eprintln!("cannot listen on loopback: {e}");
            return ExitCode::FAILURE;
        }
    };
    let port = listener.local_addr().map(|a| a.port()).unwrap_or_default();
    println!("MediaGateway serving gRPC on 127.0.0.1:{port}");
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(mediagateway::serve(gateway, listener, async {
        let _ = stopped.await;
    }));
    failures += run_path(
        "gRPC",
        TransportChoice::Grpc,
        port,
        &fake.url(),
        &mut portal_key,
    )
    .await;
    let _ = stop.send(());
    let _ = server.await;
    fake.shutdown().await;

    if failures == 0 {
        println!("all steps passed over both transports");
        ExitCode::SUCCESS
    } else {
        println!("{failures} step(s) failed");
        ExitCode::FAILURE
    }
}
