//! The `mediagateway` binary: zero-configuration start, config files, restarts, both
//! listeners, the refusals at start, the TLS fingerprint and setting the password.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

use mediagateway_api::{
    AdminApi, AdminCall, ApiError, Authentication, CalendarApi, DataSourceConfig,
    ExchangeGeneration, GatewayPassword, Login, NewAppointment, ServiceAccount, SessionApi,
    StaticUser, TimeWindow, UserCall,
};
use mediagateway_grpc::tls::ClientTls;
use mediagateway_grpc::GrpcClient;
use secrecy::SecretString;

/// A running `mediagateway serve`, stopped by its PID when dropped.
struct Served {
    child: Child,
    /// The plain listener's port.
    port: u16,
    /// The TLS listener's port and certificate fingerprint, when it runs.
    tls: Option<(u16, String)>,
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Serves with the data folder `data`, both listeners on free loopback ports.
fn serve_both(data: &str, home: &Path) -> Served {
    serve(
        &[
            "--data-dir",
            data,
            "--listen",
            "127.0.0.1:0",
            "--tls-listen",
            "127.0.0.1:0",
        ],
        home,
    )
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
    let (port, tls) = listeners(&line).unwrap_or_else(|| panic!("unexpected first line {line:?}"));
    Served { child, port, tls }
}

/// The ports of `listening on plain 127.0.0.1:P, tls 127.0.0.1:Q (certificate SHA-256 F)`.
fn listeners(line: &str) -> Option<(u16, Option<(u16, String)>)> {
    let rest = line.trim().strip_prefix("listening on ")?;
    let mut plain = 0;
    let mut tls = None;
    for part in rest.split(", ") {
        let port_of = |address: &str| -> Option<u16> { address.rsplit(':').next()?.parse().ok() };
        if let Some(address) = part.strip_prefix("plain ") {
            plain = port_of(address)?;
        } else if let Some(rest) = part.strip_prefix("tls ") {
            let (address, fingerprint) = rest.split_once(" (certificate SHA-256 ")?;
            tls = Some((port_of(address)?, fingerprint.strip_suffix(')')?.to_owned()));
        }
    }
    Some((plain, tls))
}

/// Runs the binary to its end with `args`, `stdin` on its standard input.
fn run(args: &[&str], home: &Path, stdin: &str) -> std::process::Output {
    run_with(args, home, stdin, &[])
}

/// [`run`] with environment variables.
fn run_with(args: &[&str], home: &Path, stdin: &str, env: &[(&str, &str)]) -> std::process::Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_mediagateway"))
        .args(args)
        .envs(env.iter().copied())
        .env("HOME", home)
        .env_remove("XDG_DATA_HOME")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("the binary reads its input");
    child.wait_with_output().expect("the binary ends")
}

fn config(dir: &Path, data_dir: &Path) -> std::path::PathBuf {
    let path = dir.join("gateway.toml");
    std::fs::write(
        &path,
        format!(
            "listen = \"127.0.0.1:0\"\ntls_listen = \"127.0.0.1:0\"\ndata_dir = \"{}\"\nrsa_bits = 2048\n",
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
    let served = serve(
        &["--listen", "127.0.0.1:0", "--tls-listen", "127.0.0.1:0"],
        home.path(),
    );
    assert!(served.port > 0);
    assert!(served.tls.is_some());
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

#[tokio::test]
async fn both_listeners_serve_and_the_fingerprint_command_agrees_with_the_tls_one() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let data = data.to_str().unwrap();
    let served = serve_both(data, home.path());
    let (tls_port, fingerprint) = served.tls.clone().expect("the TLS listener runs");
    let printed = run(&["tls", "fingerprint", "--data-dir", data], home.path(), "");
    assert!(printed.status.success());
    assert_eq!(String::from_utf8_lossy(&printed.stdout).trim(), fingerprint);

    let admin = AdminCall::new(GatewayPassword::from("1234"));
    let pinned = GrpcClient::builder("127.0.0.1", tls_port)
        .tls(ClientTls::pinned_fingerprint(&fingerprint).unwrap())
        .build()
        .unwrap();
    assert!(pinned.status(&admin).await.unwrap().default_password);
    let plain = GrpcClient::builder("127.0.0.1", served.port)
        .build()
        .unwrap();
    assert!(plain.status(&admin).await.is_ok());
    // Plain text to the TLS port gets nothing.
    let confused = GrpcClient::builder("127.0.0.1", tls_port).build().unwrap();
    assert!(confused.status(&admin).await.unwrap_err().is_unreachable());
}

#[test]
fn unsafe_listeners_are_refused_at_start_with_one_line_that_says_what_to_do() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let data = data.to_str().unwrap();
    let plain_everywhere = run(
        &[
            "serve",
            "--data-dir",
            data,
            "--listen",
            "0.0.0.0:0",
            "--tls-listen",
            "off",
        ],
        home.path(),
        "",
    );
    assert_eq!(plain_everywhere.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&plain_everywhere.stderr);
    assert!(
        stderr.contains("plain-text") && stderr.contains("tls_listen"),
        "{stderr}"
    );
    assert!(plain_everywhere.stdout.is_empty(), "nothing was served");

    let default_everywhere = run(
        &[
            "serve",
            "--data-dir",
            data,
            "--listen",
            "off",
            "--tls-listen",
            "0.0.0.0:0",
        ],
        home.path(),
        "",
    );
    assert_eq!(default_everywhere.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&default_everywhere.stderr);
    assert!(
        stderr.contains("default") && stderr.contains("password set"),
        "{stderr}"
    );
}

#[tokio::test]
async fn the_password_is_set_from_standard_input_and_weak_ones_are_refused() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let data = data.to_str().unwrap();
    let weak = run(
        &["password", "set", "--data-dir", data],
        home.path(),
        "12345678\n",
    );
    assert_eq!(weak.status.code(), Some(1));
    assert!(!String::from_utf8_lossy(&weak.stderr).contains("12345678"));
    let strong = "quartz-lantern-harbor-91";
    let set = run(
        &["password", "set", "--data-dir", data],
        home.path(),
        &format!("{strong}\n"),
    );
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );

    // Without the default password the gateway may listen off loopback (with TLS).
    let served = serve(
        &[
            "--data-dir",
            data,
            "--listen",
            "127.0.0.1:0",
            "--tls-listen",
            "0.0.0.0:0",
        ],
        home.path(),
    );
    let client = GrpcClient::builder("127.0.0.1", served.port)
        .build()
        .unwrap();
    let status = client
        .status(&AdminCall::new(GatewayPassword::from(strong)))
        .await
        .unwrap();
    assert!(!status.default_password);
    assert_eq!(
        client
            .status(&AdminCall::new(GatewayPassword::from("1234")))
            .await
            .unwrap_err(),
        ApiError::PasswordIncorrect
    );
}

#[test]
fn a_vault_without_its_password_file_does_not_start_with_the_default() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let served = serve(
        &[
            "--data-dir",
            data.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
            "--tls-listen",
            "off",
        ],
        home.path(),
    );
    drop(served);
    std::fs::remove_file(data.join("admin-password")).unwrap();
    let output = run(
        &[
            "serve",
            "--data-dir",
            data.to_str().unwrap(),
            "--listen",
            "127.0.0.1:0",
        ],
        home.path(),
        "",
    );
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("admin-password") && stderr.contains("vault"),
        "{stderr}"
    );
    assert!(!data.join("admin-password").exists(), "no silent new 1234");
}

#[test]
fn the_status_command_asks_a_running_gateway_over_tls_or_plain() {
    let home = tempfile::tempdir().unwrap();
    let data = home.path().join("data");
    let data = data.to_str().unwrap();
    let served = serve_both(data, home.path());
    let (tls_port, fingerprint) = served.tls.clone().expect("the TLS listener runs");
    let tls_address = format!("127.0.0.1:{tls_port}");
    let plain_address = format!("127.0.0.1:{}", served.port);
    let password = [("MEDIAGATEWAY_PASSWORD", "1234")];
    for args in [
        // The self-signed certificate of the data folder is trusted by its fingerprint.
        vec!["status", "--data-dir", data, "--address", &tls_address],
        vec![
            "status",
            "--fingerprint",
            &fingerprint,
            "--address",
            &tls_address,
        ],
        vec!["status", "--plain", "--address", &plain_address],
    ] {
        let output = run_with(&args, home.path(), "", &password);
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert!(
            stdout.contains("MediaGateway") && stdout.contains("data sources: 0"),
            "{stdout}"
        );
        assert!(stdout.contains("default 1234"), "{stdout}");
    }
    let wrong = run_with(
        &["status", "--plain", "--address", &plain_address],
        home.path(),
        "",
        &[("MEDIAGATEWAY_PASSWORD", "not it")],
    );
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("incorrect"));
    let untrusted = run_with(
        &[
            "status",
            "--fingerprint",
            &"00".repeat(32),
            "--address",
            &tls_address,
        ],
        home.path(),
        "",
        &password,
    );
    assert_eq!(untrusted.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&untrusted.stderr).contains("certificate not trusted"));
}

const ALICE: (&str, &str) = ("alice@contoso.test", "alice-password");
const SERVICE: (&str, &str) = ("svc@contoso.test", "service-password");

/// A gateway configuration file in `dir`: a plain loopback listener on a free port, no TLS
/// listener, plain http allowed to the fake Exchange on loopback, and `extra` lines.
fn gateway_toml(dir: &Path, name: &str, data_dir: &Path, extra: &str) -> String {
    let path = dir.join(name);
    std::fs::write(
        &path,
        format!(
            "listen = \"127.0.0.1:0\"\ntls_listen = \"off\"\ndata_dir = \"{}\"\nrsa_bits = 2048\n{extra}\n[ews_url_policy]\nallow_plain_http_on_loopback = true\n",
            data_dir.display()
        ),
    )
    .unwrap();
    path.to_str().unwrap().to_owned()
}

fn client(served: &Served) -> GrpcClient {
    GrpcClient::builder("127.0.0.1", served.port)
        .build()
        .unwrap()
}

/// Configures the data source "Exchange" on `fake` through `gateway`, logs Alice in and puts
/// one appointment into her calendar; her call (with the portal key) and the appointment's
/// start.
async fn alice_with_an_appointment(
    gateway: &GrpcClient,
    fake: &exchange_testkit::FakeExchange,
) -> (UserCall, chrono::DateTime<chrono::Utc>) {
    let admin = AdminCall::new(GatewayPassword::from("1234"));
    let config = DataSourceConfig {
        name: "Exchange".to_owned(),
        exchange_generation: ExchangeGeneration::Exchange2010To2019,
        authentication: Authentication::UserNamePassword,
        service_account: ServiceAccount::new(SERVICE.0, SecretString::from(SERVICE.1), fake.url()),
        session_based: false,
        time_zone: "UTC".to_owned(),
        oauth: None,
    };
    let key = gateway
        .configure_data_source(&admin, &config)
        .await
        .unwrap()
        .portal_key
        .expect("a new data source gets a key");
    let alice = UserCall::new(key, "Exchange", uuid::Uuid::new_v4());
    let login = Login {
        user_name: ALICE.0.to_owned(),
        password: SecretString::from(ALICE.1),
        mailbox: None,
    };
    gateway.login(&alice, &login).await.unwrap();
    let start = chrono::TimeZone::with_ymd_and_hms(&chrono::Utc, 2026, 12, 1, 9, 0, 0).unwrap();
    gateway
        .create_appointment(
            &alice,
            &NewAppointment {
                subject: "Kept".to_owned(),
                start,
                end: start + chrono::Duration::hours(1),
                is_all_day: false,
                location: None,
                body: None,
            },
        )
        .await
        .unwrap();
    (alice, start)
}

/// The subjects in the day of `start` that `gateway` reads for `user`.
async fn subjects(
    gateway: &GrpcClient,
    user: &UserCall,
    start: chrono::DateTime<chrono::Utc>,
) -> Vec<String> {
    let window = TimeWindow::new(start, start + chrono::Duration::days(1)).unwrap();
    gateway
        .find_appointments(user, &window)
        .await
        .unwrap()
        .into_iter()
        .map(|a| a.subject)
        .collect()
}

async fn fake() -> exchange_testkit::FakeExchange {
    exchange_testkit::FakeExchange::builder()
        .user(SERVICE.0, SERVICE.1, SERVICE.0)
        .user(ALICE.0, ALICE.1, ALICE.0)
        .start()
        .await
        .expect("the fake Exchange starts on loopback")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_gateway_starts_again_with_everything_it_held() {
    let fake = fake().await;
    let home = tempfile::tempdir().unwrap();
    let config = gateway_toml(home.path(), "gateway.toml", &home.path().join("data"), "");
    let served = serve(&["--config", &config], home.path());
    let (alice, start) = alice_with_an_appointment(&client(&served), &fake).await;
    // SIGKILL: no shutdown of any kind.
    drop(served);
    let served = serve(&["--config", &config], home.path());
    assert_eq!(subjects(&client(&served), &alice, start).await, ["Kept"]);
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_gateways_share_one_postgres_vault_and_survive_a_kill() {
    let Some(server) = exchange_test_support::postgres::PgServer::shared() else {
        return;
    };
    let database = server.create_database();
    let fake = fake().await;
    let home = tempfile::tempdir().unwrap();
    let vault = format!(
        "[vault]\npostgres = \"{}\"\nkey_file = \"{}\"\n",
        server.connection_string(&database),
        home.path().join("vault-key.pem").display()
    );
    let first = gateway_toml(home.path(), "a.toml", &home.path().join("a"), &vault);
    let second = gateway_toml(home.path(), "b.toml", &home.path().join("b"), &vault);
    let a = serve(&["--config", &first], home.path());
    let b = serve(&["--config", &second], home.path());
    // Configured and logged in through A; B has never seen the data source or the account.
    let (alice, start) = alice_with_an_appointment(&client(&a), &fake).await;
    assert_eq!(subjects(&client(&b), &alice, start).await, ["Kept"]);
    drop(a);
    let a = serve(&["--config", &first], home.path());
    assert_eq!(subjects(&client(&a), &alice, start).await, ["Kept"]);

    // Deleted through B, the data source is gone for A too once A's copy is a few seconds
    // old, without a restart.
    let admin = AdminCall::new(GatewayPassword::from("1234"));
    assert_eq!(
        client(&b)
            .delete_data_source(&admin, "Exchange")
            .await
            .unwrap(),
        1
    );
    let window = TimeWindow::new(start, start).unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        match client(&a).find_appointments(&alice, &window).await {
            Err(ApiError::PortalKeyIncorrect) => break,
            // Until then A still knows the key, but the accounts are gone already.
            Ok(_) | Err(ApiError::NotLoggedIn { .. }) if std::time::Instant::now() < deadline => {
                tokio::time::sleep(std::time::Duration::from_millis(250)).await;
            }
            other => panic!("A still serves the deleted data source: {other:?}"),
        }
    }
    assert!(client(&a)
        .list_data_sources(&admin)
        .await
        .unwrap()
        .is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_users_and_data_sources_commands_list_show_reset_and_delete() {
    let fake = fake().await;
    let home = tempfile::tempdir().unwrap();
    let config = gateway_toml(home.path(), "gateway.toml", &home.path().join("data"), "");
    let served = serve(&["--config", &config], home.path());
    let gateway = client(&served);
    let (alice, _) = alice_with_an_appointment(&gateway, &fake).await;
    let guid = alice.portal_user.to_string();
    let address = format!("127.0.0.1:{}", served.port);
    let command = |group: &'static str, args: &[&str]| {
        let mut all = vec![group];
        all.extend_from_slice(args);
        all.extend_from_slice(&["--plain", "--address", &address]);
        let output = run_with(&all, home.path(), "", &[("MEDIAGATEWAY_PASSWORD", "1234")]);
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let cli = |args: &[&str]| command("users", args);

    let (code, listed, _) = cli(&["list", "--data-source", "Exchange"]);
    assert_eq!(code, Some(0));
    assert!(listed.contains(&guid) && listed.contains("stored") && listed.contains(ALICE.0));
    let (_, filtered, _) = cli(&["list", "--data-source", "Exchange", "--filter", "ALICE@"]);
    assert!(filtered.contains(&guid), "{filtered}");
    let (_, none, _) = cli(&["list", "--data-source", "Exchange", "--filter", "nobody"]);
    assert!(none.trim().is_empty(), "{none}");
    let (code, shown, _) = cli(&["show", &guid, "--data-source", "Exchange"]);
    assert_eq!(code, Some(0));
    assert!(
        shown.contains(&format!("mailbox:     {}", ALICE.0)),
        "{shown}"
    );
    assert!(shown.contains(&fake.url()), "{shown}");

    let (_, reset, _) = cli(&["reset", &guid, "--data-source", "Exchange"]);
    assert!(reset.starts_with("reset"), "{reset}");
    let (_, again, _) = cli(&["reset", &guid, "--data-source", "Exchange"]);
    assert!(again.starts_with("nothing to reset"), "{again}");
    let (code, _, stderr) = cli(&["show", &guid, "--data-source", "Exchange"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("not logged in"), "{stderr}");

    let login = Login {
        user_name: ALICE.0.to_owned(),
        password: SecretString::from(ALICE.1),
        mailbox: None,
    };
    gateway.login(&alice, &login).await.unwrap();
    let (code, _, stderr) = cli(&["reset-all", "--data-source", "Exchange"]);
    assert_eq!(code, Some(1), "no terminal, no --yes: nothing happens");
    assert!(stderr.contains("not confirmed"), "{stderr}");
    let (_, listed, _) = cli(&["list", "--data-source", "Exchange"]);
    assert!(listed.contains(&guid));
    let (code, all, _) = cli(&["reset-all", "--data-source", "Exchange", "--yes"]);
    assert_eq!(code, Some(0));
    assert!(all.contains("reset 1 user(s)"), "{all}");
    let (_, listed, _) = cli(&["list", "--data-source", "Exchange"]);
    assert!(listed.trim().is_empty(), "{listed}");

    // Without --data-source, every data source is asked.
    gateway.login(&alice, &login).await.unwrap();
    let (code, everyone, _) = cli(&["list"]);
    assert_eq!(code, Some(0));
    assert!(
        everyone
            .lines()
            .any(|line| line.starts_with("Exchange ") && line.contains(&guid)),
        "{everyone}"
    );
    let (code, _, stderr) = cli(&["list", "--offset", "5"]);
    assert_eq!(code, Some(2), "paging takes a data source: {stderr}");
    let (code, shown, _) = cli(&["show", &guid]);
    assert_eq!(code, Some(0));
    assert!(shown.starts_with("data source: Exchange\n"), "{shown}");
    let (_, reset, _) = cli(&["reset", &guid]);
    assert!(reset.starts_with("reset on Exchange"), "{reset}");
    let (code, _, stderr) = cli(&["show", &guid]);
    assert_eq!(code, Some(1));
    assert!(
        stderr.contains("not logged in on any data source"),
        "{stderr}"
    );

    // The static users: listed (never a password), tested and removed.
    let desk = StaticUser {
        data_source: "Exchange".to_owned(),
        name: "Front desk".to_owned(),
        portal_user: None,
        user_name: ALICE.0.to_owned(),
        password: SecretString::from(ALICE.1),
        mailbox: None,
        server_url: None,
    };
    let admin = AdminCall::new(GatewayPassword::from("1234"));
    gateway.put_static_user(&admin, &desk).await.unwrap();
    let statics = |args: &[&str]| command("static-users", args);
    let (code, listed, _) = statics(&["list", "--data-source", "Exchange"]);
    assert_eq!(code, Some(0));
    assert!(
        listed.starts_with("Front desk ") && listed.contains(ALICE.0) && !listed.contains(ALICE.1),
        "{listed}"
    );
    let (code, tested, _) = statics(&["test", "Front desk", "--data-source", "Exchange"]);
    assert_eq!(code, Some(0), "{tested}");
    assert!(tested.contains(&format!("mailbox {}", ALICE.0)), "{tested}");
    let (code, _, stderr) = statics(&["remove", "Front desk", "--data-source", "Exchange"]);
    assert_eq!(code, Some(1), "no terminal, no --yes: nothing happens");
    assert!(stderr.contains("not confirmed"), "{stderr}");
    let (code, removed, _) =
        statics(&["remove", "Front desk", "--data-source", "Exchange", "--yes"]);
    assert_eq!(code, Some(0));
    assert!(
        removed.starts_with("removed static user Front desk"),
        "{removed}"
    );
    let (_, again, _) = statics(&["remove", "Front desk", "--data-source", "Exchange", "--yes"]);
    assert!(again.contains("has no static user"), "{again}");
    let (code, _, stderr) = statics(&["test", "Front desk", "--data-source", "Exchange"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("Front desk"), "{stderr}");

    // The data sources.
    let data_sources = |args: &[&str]| command("data-sources", args);
    let (code, listed, _) = data_sources(&["list"]);
    assert_eq!(code, Some(0));
    assert!(
        listed.starts_with("Exchange ")
            && listed.contains("stored")
            && listed.contains(&fake.url()),
        "{listed}"
    );
    let (code, shown, _) = data_sources(&["show", "Exchange"]);
    assert_eq!(code, Some(0));
    assert!(
        shown.contains(&format!("service account: {}", SERVICE.0)) && !shown.contains(SERVICE.1),
        "{shown}"
    );
    gateway.login(&alice, &login).await.unwrap();
    let (code, _, stderr) = data_sources(&["delete", "Exchange"]);
    assert_eq!(code, Some(1), "no terminal, no --yes: nothing happens");
    assert!(stderr.contains("not confirmed"), "{stderr}");
    let (code, deleted, _) = data_sources(&["delete", "Exchange", "--yes"]);
    assert_eq!(code, Some(0));
    assert!(
        deleted.contains("deleted Exchange and 1 user account(s)"),
        "{deleted}"
    );
    let (_, listed, _) = data_sources(&["list"]);
    assert!(listed.trim().is_empty(), "{listed}");
    let (code, _, stderr) = data_sources(&["show", "Exchange"]);
    assert_eq!(code, Some(1));
    assert!(stderr.contains("Exchange"), "{stderr}");
    let refused = gateway
        .find_appointments(
            &alice,
            &TimeWindow::new(chrono::Utc::now(), chrono::Utc::now()).unwrap(),
        )
        .await;
    assert!(
        matches!(refused, Err(ApiError::PortalKeyIncorrect)),
        "the deleted data source's key is refused: {refused:?}"
    );
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_the_calls_in_flight_finish_then_stops() {
    let fake = fake().await;
    let home = tempfile::tempdir().unwrap();
    let config = gateway_toml(home.path(), "gateway.toml", &home.path().join("data"), "");
    let mut served = serve(&["--config", &config], home.path());
    let gateway = client(&served);
    let (alice, start) = alice_with_an_appointment(&gateway, &fake).await;
    // The next EWS request takes a while: the call is in flight when the signal comes.
    fake.inject(exchange_testkit::Fault::Delay(
        std::time::Duration::from_millis(1500),
    ));
    let in_flight = {
        let (gateway, alice) = (gateway.clone(), alice.clone());
        tokio::spawn(async move { subjects(&gateway, &alice, start).await })
    };
    tokio::time::sleep(std::time::Duration::from_millis(400)).await;
    let pid = served.child.id().to_string();
    let signalled = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(signalled.success());
    assert_eq!(
        in_flight.await.unwrap(),
        ["Kept"],
        "the call in flight was answered"
    );
    let status = tokio::task::spawn_blocking(move || {
        let status = served.child.wait().expect("the gateway ends");
        (status, served)
    })
    .await
    .unwrap()
    .0;
    assert!(status.success(), "{status:?}");
}
