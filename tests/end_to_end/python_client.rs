//! The gateway's gRPC API from another language: a Python portal with stubs generated from
//! `proto/` by grpcio-tools runs the whole path against the gateway on loopback.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use exchange_test_support::skip_or_fail;
use exchange_testkit::FakeExchange;

const PYTHON: &str = "python3";

fn python_has_grpc() -> bool {
    Command::new(PYTHON)
        .args(["-c", "import grpc, grpc_tools"])
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
    if !python_has_grpc() {
        skip_or_fail::<()>(
            "python3 with grpcio and grpcio-tools (pip install -r tests/python/requirements.txt)",
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
                ["common", "admin", "sessions", "calendar"]
                    .map(|area| root.join(format!("proto/mediagateway/v1/{area}.proto"))),
            ),
        Duration::from_secs(60),
    );
    assert!(
        generated.status.success(),
        "{}",
        String::from_utf8_lossy(&generated.stderr)
    );

    let fake = FakeExchange::builder()
        .user(
            "svc-portal@contoso.test",
            "service-password",
            "svc-portal@contoso.test",
        )
        .user("alice@contoso.test", "alice-password", "alice@contoso.test")
        .start()
        .await
        .unwrap();
    let (_gateway, port, _dir) = crate::support::served_gateway().await;

    let script = root.join("tests/python/portal_client.py");
    let stub_dir = stubs.path().to_owned();
    let url = fake.url();
    let output = tokio::task::spawn_blocking(move || {
        run(
            Command::new(PYTHON)
                .arg(script)
                .arg(stub_dir)
                .arg(port.to_string())
                .arg(url),
            Duration::from_secs(120),
        )
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(stdout.contains("checks passed"), "{stdout}");
    assert_eq!(fake.calendar_len("alice@contoso.test"), 0);
}
