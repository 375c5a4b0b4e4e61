//! The gateway's gRPC API from another language: a Python portal with stubs generated from
//! `proto/` by grpcio-tools runs the whole path and the health checks against the gateway on
//! loopback, once over plain gRPC and once over TLS, and signs a user in with OAuth2 against the
//! OAuth2 server of the tests.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use exchange_test_support::oauth::OAuthMockServer;
use exchange_test_support::skip_or_fail;
use exchange_testkit::FakeExchange;
use mediagateway_grpc::tls::ServerTls;

use crate::support::{served_gateway_over, Wire};

const PYTHON: &str = "python3";

fn python_has_grpc() -> bool {
    Command::new(PYTHON)
        .args(["-c", "import grpc, grpc_tools, grpc_health.v1"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// Runs a command, killing it by its PID if it outlives `limit`.
fn run(command: &mut Command, limit: Duration) -> std::process::Output {
    let child = command
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    let pid = child.id();
    let started = Instant::now();
    let waiter = std::thread::spawn(move || child.wait_with_output());
    while !waiter.is_finished() {
        if started.elapsed() > limit {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("the command ran longer than {limit:?} and was killed");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    waiter
        .join()
        .expect("the waiting thread does not panic")
        .expect("the command's output is read")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_portal_runs_the_path_over_grpc() {
    run_portal(Wire::Plain).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_python_portal_runs_the_path_over_grpc_with_tls() {
    run_portal(Wire::Tls).await;
}

/// Generates the stubs, serves a gateway over `wire` against a fake Exchange and runs the
/// portal script; with TLS the script trusts the gateway's self-signed certificate as its CA.
async fn run_portal(wire: Wire) {
    if !python_has_grpc() {
        skip_or_fail::<()>(
            "python3 with grpcio, grpcio-tools and grpcio-health-checking \
             (pip install -r tests/python/requirements.txt)",
        );
        return;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stubs = tempfile::tempdir().unwrap();
    let generated = run(
        Command::new(PYTHON)
            .args(["-m", "grpc_tools.protoc", "-I"])
            .arg(root.join("proto"))
            .arg(format!("--python_out={}", stubs.path().display()))
            .arg(format!("--grpc_python_out={}", stubs.path().display()))
            .args(
                [
                    "common",
                    "admin",
                    "sessions",
                    "calendar",
                    "records",
                    "tables",
                    "directory",
                ]
                .map(|area| root.join(format!("proto/mediagateway/v1/{area}.proto"))),
            ),
        Duration::from_secs(60),
    );
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );

    // The OAuth2 part runs where the OAuth2 server of the tests does (always under CI).
    let oauth = OAuthMockServer::shared();
    let mut fake = FakeExchange::builder()
        .user(
            "svc-portal@contoso.test",
            "service-password",
            "svc-portal@contoso.test",
        )
        .user("alice@contoso.test", "alice-password", "alice@contoso.test");
    if let Some(oauth) = &oauth {
        let jwks = oauth.jwks_json().expect("the OAuth2 server's key set");
        fake = fake.trust_bearer_tokens(&oauth.issuer(), "https://outlook.office365.com", &jwks);
    }
    let fake = fake.start().await.unwrap();
    let (_gateway, port, dir) = served_gateway_over(wire, |config| config).await;

    let mut script = Command::new(PYTHON);
    script
        .arg(root.join("tests/python/portal_client.py"))
        .arg(stubs.path())
        .arg(port.to_string())
        .arg(fake.url());
    if wire == Wire::Tls {
        script.arg(ServerTls::self_signed(dir.path()).certificate_path());
    }
    if let Some(oauth) = &oauth {
        script
            .env("OAUTH_AUTHORIZE_URL", oauth.authorize_url())
            .env("OAUTH_TOKEN_URL", oauth.token_url());
    }
    let output = tokio::task::spawn_blocking(move || run(&mut script, Duration::from_secs(120)))
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let over = match wire {
        Wire::Plain => "over plain gRPC",
        Wire::Tls => "over TLS",
    };
    assert!(
        stdout.contains("checks passed") && stdout.contains(over),
        "{stdout}"
    );
    if oauth.is_some() {
        assert!(stdout.contains("with an OAuth2 sign-in"), "{stdout}");
    }
    assert_eq!(fake.calendar_len("alice@contoso.test"), 0);
}
