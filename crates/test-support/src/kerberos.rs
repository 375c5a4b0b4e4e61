//! An MIT Kerberos realm with Apache in front, on loopback: the real peer of the Kerberos,
//! Negotiate and NTLM strategies.
//!
//! [`KerberosRig::shared`] runs `rigs/kerberos.sh start` in a temporary directory the first time
//! a test asks for it; tests running at the same time share it, and the last one to drop its
//! [`Arc`] stops it (`rigs/kerberos.sh stop`, which signals exactly the process ids the script
//! recorded). What the rig holds:
//!
//! - realm `EXAMPLE.TEST`: user `alice` with a password (pre-authentication required), the
//!   service account `svc-ews` with a client keytab, and `HTTP/localhost` for Apache;
//! - realm `SKEW.TEST`: a KDC whose clock runs an hour ahead, for clock-skew errors;
//! - realm `DOWN.TEST`: a KDC that was started and stopped, so its port is closed;
//! - Apache on `127.0.0.1` with `/negotiate/` (SPNEGO with Kerberos or NTLM), `/kerberos/`
//!   (Kerberos only), `/ntlm/` (NTLM only), and authenticating reverse proxies
//!   `/negotiate-proxy/<port>/…` and `/ntlm-proxy/<port>/…` to `http://127.0.0.1:<port>/…`,
//!   which pass the authenticated user on in the `X-Remote-User` request header.
//!
//! Clients find the realms through [`KerberosRig::krb5_config`]: MIT Kerberos reads the path
//! from `KRB5_CONFIG` when it is first used in a process, so a test process must set it before
//! it starts threads (a test binary with `harness = false`).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, Weak};

use secrecy::zeroize::Zeroizing;
use secrecy::{ExposeSecret, SecretString};

use crate::process::shared_peer;
use crate::{free_port, peer_missing, scripts_dir};

/// The realm of the rig's users and of Apache's service principal.
const REALM: &str = "EXAMPLE.TEST";
/// Alice's password, as `rigs/kerberos.sh` sets it.
const PASSWORD: &str = "alice-Pa55word";
/// The service account with a client keytab.
const SERVICE_ACCOUNT: &str = "svc-ews";

/// A running Kerberos rig (see the module documentation).
#[derive(Debug)]
pub struct KerberosRig {
    dir: tempfile::TempDir,
    kdc_port: u16,
    http_port: u16,
}

impl KerberosRig {
    /// The shared rig, started on first use; `None` (after saying why) when MIT Kerberos'
    /// KDC, Apache or `mod_auth_gssapi` are not installed, outside CI (see [`crate::under_ci`]).
    ///
    /// # Panics
    ///
    /// When the programs are installed but the rig does not start (the panic message holds the
    /// script's output), or under CI when they are missing.
    pub fn shared() -> Option<Arc<Self>> {
        static SHARED: Mutex<Weak<KerberosRig>> = Mutex::new(Weak::new());
        shared_peer(&SHARED, || {
            if let Some(missing) = missing_programs() {
                peer_missing(&format!(
                    "the Kerberos rig needs {missing} (Debian: krb5-kdc krb5-admin-server \
                     krb5-user apache2 libapache2-mod-auth-gssapi gss-ntlmssp faketime)"
                ));
                return None;
            }
            Some(Self::start())
        })
    }

    fn start() -> Self {
        let dir = tempfile::Builder::new()
            .prefix("exchange-kerberos-rig-")
            .tempdir()
            .expect("a fresh temporary directory");
        let kdc_port = free_port();
        let http_port = free_port();
        let skew_port = free_port();
        let down_port = free_port();
        let output = Command::new("bash")
            .arg(scripts_dir().join("kerberos.sh"))
            .arg("start")
            .arg(dir.path())
            .args([kdc_port, http_port, skew_port, down_port].map(|p| p.to_string()))
            .env("LC_ALL", "C")
            .stdin(Stdio::null())
            .output()
            .expect("bash runs rigs/kerberos.sh");
        let rig = Self {
            dir,
            kdc_port,
            http_port,
        };
        assert!(
            output.status.success(),
            "rigs/kerberos.sh start failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
        rig
    }

    /// The `krb5.conf` clients use (set `KRB5_CONFIG` to it): the three realms, no DNS, TCP.
    pub fn krb5_config(&self) -> PathBuf {
        self.dir.path().join("krb5.conf")
    }

    /// The realm of the users and of Apache's service principal, `EXAMPLE.TEST`.
    pub fn realm(&self) -> &'static str {
        REALM
    }

    /// The user with a password, `alice` (principal `alice@EXAMPLE.TEST`).
    pub fn user(&self) -> &'static str {
        "alice"
    }

    /// Alice's password.
    pub fn password(&self) -> SecretString {
        SecretString::from(PASSWORD)
    }

    /// The port of the `EXAMPLE.TEST` KDC on 127.0.0.1.
    pub fn kdc_port(&self) -> u16 {
        self.kdc_port
    }

    /// The port Apache listens on, on 127.0.0.1.
    pub fn http_port(&self) -> u16 {
        self.http_port
    }

    /// The URL of `path` on Apache by the name its service principal is registered under:
    /// `http://localhost:<port><path>`.
    pub fn url(&self, path: &str) -> String {
        format!("http://localhost:{}{path}", self.http_port)
    }

    /// The client keytab of the service account (see [`service_principal`](Self::service_principal)).
    pub fn service_keytab(&self) -> PathBuf {
        self.dir.path().join(format!("{SERVICE_ACCOUNT}.keytab"))
    }

    /// The principal of the service account, `svc-ews@EXAMPLE.TEST`.
    pub fn service_principal(&self) -> String {
        format!("{SERVICE_ACCOUNT}@{REALM}")
    }

    /// A realm whose KDC's clock runs an hour ahead (`alice` exists there with the same
    /// password): logging in fails with clock skew.
    pub fn skew_realm(&self) -> &'static str {
        "SKEW.TEST"
    }

    /// A realm whose KDC is stopped (its port is closed).
    pub fn down_realm(&self) -> &'static str {
        "DOWN.TEST"
    }

    /// Logs alice in with `kinit` (the password on its standard input) and leaves her ticket in
    /// the FILE credential cache at `ccache`.
    ///
    /// # Panics
    ///
    /// When `kinit` cannot run or fails.
    pub fn kinit(&self, ccache: &Path) {
        use std::io::Write as _;
        let mut child = Command::new("kinit")
            .arg("-c")
            .arg(format!("FILE:{}", ccache.display()))
            .arg(format!("alice@{REALM}"))
            .env("KRB5_CONFIG", self.krb5_config())
            .env("LC_ALL", "C")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("kinit runs");
        {
            let mut stdin = child.stdin.take().expect("kinit's stdin is piped");
            let line = Zeroizing::new(format!("{}\n", self.password().expose_secret()));
            stdin
                .write_all(line.as_bytes())
                .expect("kinit reads the password");
        }
        let output = child.wait_with_output().expect("kinit finishes");
        assert!(
            output.status.success(),
            "kinit failed: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// The rig's directory (configuration, keytabs, logs: `apache-error.log`, `*/kdc.log`).
    pub fn dir(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for KerberosRig {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(scripts_dir().join("kerberos.sh"))
            .arg("stop")
            .arg(self.dir.path())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
}

/// The first program or module the rig needs that is missing, if any.
fn missing_programs() -> Option<String> {
    let programs = [
        "krb5kdc",
        "kdb5_util",
        "kadmin.local",
        "kinit",
        "apache2",
        "faketime",
    ];
    for program in programs {
        if !on_path(program) {
            return Some(program.to_owned());
        }
    }
    let module = Path::new("/usr/lib/apache2/modules/mod_auth_gssapi.so");
    (!module.is_file()).then(|| module.display().to_string())
}

fn on_path(program: &str) -> bool {
    let path = std::env::var_os("PATH").unwrap_or_default();
    // Debian keeps the KDC's programs in /usr/sbin, which an ordinary user's PATH may lack.
    std::env::split_paths(&path)
        .chain([PathBuf::from("/usr/sbin"), PathBuf::from("/sbin")])
        .any(|dir| dir.join(program).is_file())
}
