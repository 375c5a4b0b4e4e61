//! The `mediagateway serve` binary: zero-configuration start, config files, restarts.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use mediagateway_api::{AdminApi, AdminCall, ApiError, GatewayPassword};
use mediagateway_grpc::GrpcClient;

/// A running `mediagateway serve`, stopped by its PID when dropped.
struct Served {
    child: Child,
    port: u16,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(args: &[&str], home: &Path) -> Served {
    let mut child = Command::new(env!("CARGO_BIN_EXE_mediagateway"))
        .arg("serve")
        .args(args)
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary starts");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout is piped"))
        .read_line(&mut line)
        .expect("the binary prints its address");
    let port = line
        .trim()
        .strip_prefix("listening on 127.0.0.1:")
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    Served { child, port }
}

fn config(dir: &Path, data_dir: &Path) -> std::path::PathBuf {
    let path = dir.join("gateway.toml");
    std::fs::write(
        &path,
        format!(
            "listen = \"127.0.0.1:0\"\ndata_dir = \"{}\"\nrsa_bits = 2048\n",
            data_dir.display()
        ),
    )
    .unwrap();
    path
}

#[tokio::test]
async fn starts_from_a_config_file_creates_private_files_and_restarts() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let config = config(dir.path(), &data);
    let config = config.to_str().unwrap();

    for round in 0..2 {
        let served = serve(&["--config", config], dir.path());
        let client = GrpcClient::builder("127.0.0.1", served.port)
            .build()
            .unwrap();
        let status = client
            .status(&AdminCall::new(GatewayPassword::from("1234")))
            .await
            .unwrap();
        assert!(status.default_password, "round {round}");
        assert_eq!(status.gateway_version, env!("CARGO_PKG_VERSION"));
        let err = client
            .status(&AdminCall::new(GatewayPassword::from("wrong")))
            .await
            .unwrap_err();
        assert_eq!(err, ApiError::PasswordIncorrect);
    }

    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&data), 0o700);
        assert_eq!(mode(&data.join("admin-password")), 0o600);
        let mut files = 0;
        for entry in walk(&data.join("vault")) {
            if entry.is_file() {
                files += 1;
                assert_eq!(mode(&entry), 0o600, "{}", entry.display());
            }
        }
        assert!(files >= 2, "the vault has its key and database");
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

#[test]
fn runs_with_zero_configuration() {
    let home = tempfile::tempdir().unwrap();
    let served = serve(&["--listen", "127.0.0.1:0"], home.path());
    assert!(served.port > 0);
    assert!(home
        .path()
        .join(".local/share/mediagateway/admin-password")
        .is_file());
}

#[test]
fn a_bad_config_file_is_refused_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gateway.toml");
    std::fs::write(&path, "listen = 8087\n").unwrap();
    let output = Command::new(env!("CARGO_BIN_EXE_mediagateway"))
        .args(["serve", "--config"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("gateway.toml"), "{stderr}");
    assert!(stderr.contains("listen"), "{stderr}");
}
