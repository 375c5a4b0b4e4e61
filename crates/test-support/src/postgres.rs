//! A throwaway PostgreSQL server for tests and benchmarks.
//!
//! [`PgServer::shared`] runs `initdb` in a temporary directory and starts `postgres` on a free
//! loopback port (as `nobody` when running as root, since PostgreSQL refuses to run as root).
//! Tests running at the same time share it; it stops, by its own process id, when the last user
//! drops it. The binaries are looked up in `PG_BIN`, in `/usr/lib/postgresql/*/bin` (Debian) and
//! on `PATH`. Without them the caller is told to skip, except under CI, where that is a failure
//! (see [`crate::under_ci`]).

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Mutex, Weak};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use tempfile::TempDir;

use crate::process::shared_peer;
use crate::{free_port, peer_missing};

/// The database superuser `initdb` creates; connections use trust authentication on loopback.
const SUPERUSER: &str = "vault";

/// A running PostgreSQL server on 127.0.0.1 whose superuser connects without a password.
#[derive(Debug)]
pub struct PgServer {
    bin: PathBuf,
    port: u16,
    next_db: AtomicUsize,
    stop: Option<mpsc::Sender<()>>,
    keeper: Option<JoinHandle<()>>,
    _dir: TempDir,
}

impl PgServer {
    /// The shared server, started on first use; `None` (after printing why) when PostgreSQL is
    /// not installed, outside CI.
    ///
    /// # Panics
    ///
    /// When the server does not start, or under CI when PostgreSQL is not installed.
    pub fn shared() -> Option<Arc<Self>> {
        static SHARED: Mutex<Weak<PgServer>> = Mutex::new(Weak::new());
        shared_peer(&SHARED, || {
            let Some(bin) = find_binaries() else {
                peer_missing(
                    "PostgreSQL (initdb, postgres) not found; install postgresql to run this test",
                );
                return None;
            };
            Some(Self::start(bin))
        })
    }

    /// A connection string for `dbname`.
    pub fn connection_string(&self, dbname: &str) -> String {
        format!(
            "host=127.0.0.1 port={} user={SUPERUSER} dbname={dbname}",
            self.port
        )
    }

    /// Creates a new, empty database and returns its name (see
    /// [`connection_string`](Self::connection_string)).
    pub fn create_database(&self) -> String {
        let n = self.next_db.fetch_add(1, Ordering::Relaxed);
        let name = format!("vault_{}_{n}", std::process::id());
        let port = self.port.to_string();
        let output = Command::new(self.bin.join("createdb"))
            .args(["-h", "127.0.0.1", "-p", &port, "-U", SUPERUSER, &name])
            .output()
            .expect("createdb runs");
        check(&output, "createdb");
        name
    }

    /// Runs SQL through `psql` on `dbname` and returns what it printed (unaligned, tuples only).
    pub fn psql(&self, dbname: &str, sql: &str) -> String {
        let port = self.port.to_string();
        let output = Command::new(self.bin.join("psql"))
            .args([
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-U",
                SUPERUSER,
                "-d",
                dbname,
            ])
            .args(["-v", "ON_ERROR_STOP=1", "-X", "-q", "-A", "-t", "-c", sql])
            .output()
            .expect("psql runs");
        check(&output, "psql");
        String::from_utf8_lossy(&output.stdout).trim().to_owned()
    }

    fn start(bin: PathBuf) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        // The server user must be able to reach its directories inside.
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).expect("chmod");
        let data = dir.path().join("data");
        let sockets = dir.path().join("sockets");
        for sub in [&data, &sockets] {
            fs::create_dir(sub).expect("server directory");
        }
        let runner = Runner::for_this_process(&[&data, &sockets]);
        let initdb = runner
            .command(&bin.join("initdb"), dir.path())
            .args(["-U", SUPERUSER, "--auth=trust", "-E", "UTF8", "--no-sync"])
            .arg("-D")
            .arg(&data)
            .output()
            .expect("initdb runs");
        check(&initdb, "initdb");

        let port = free_port();
        let mut postgres = runner.command(&bin.join("postgres"), dir.path());
        postgres
            .arg("-D")
            .arg(&data)
            .arg("-k")
            .arg(&sockets)
            .args(["-h", "127.0.0.1", "-p", &port.to_string()])
            // Throwaway data: durability is not under test, speed is welcome.
            .args(["-c", "fsync=off", "-c", "max_connections=200"])
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        let (stop, stopped) = mpsc::channel::<()>();
        let (started, running) = mpsc::channel::<()>();
        // The server is a child of this thread, which lives exactly as long as the server is
        // wanted: with the parent-death signal set, the server also ends if the test process
        // dies without running destructors.
        let keeper = std::thread::spawn(move || {
            let child = postgres.spawn().expect("postgres starts");
            let _ = started.send(());
            let _ = stopped.recv();
            shut_down(child);
        });
        running.recv().expect("postgres started");
        let server = Self {
            bin,
            port,
            next_db: AtomicUsize::new(0),
            stop: Some(stop),
            keeper: Some(keeper),
            _dir: dir,
        };
        server.wait_until_ready();
        server
    }

    fn wait_until_ready(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        let port = self.port.to_string();
        loop {
            let ready = Command::new(self.bin.join("pg_isready"))
                .args(["-h", "127.0.0.1", "-p", &port, "-U", SUPERUSER, "-t", "1"])
                .stdout(Stdio::null())
                .status()
                .expect("pg_isready runs");
            if ready.success() {
                return;
            }
            assert!(Instant::now() < deadline, "PostgreSQL did not become ready");
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for PgServer {
    fn drop(&mut self) {
        self.stop = None;
        if let Some(keeper) = self.keeper.take() {
            let _ = keeper.join();
        }
    }
}

/// Fast shutdown by the server's own process id (SIGINT), then SIGKILL if it lingers.
fn shut_down(mut child: Child) {
    let _ = Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status();
    let deadline = Instant::now() + Duration::from_secs(10);
    while Instant::now() < deadline {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// How the server's commands are run: as `nobody` when this process is root.
struct Runner {
    setpriv: Option<PathBuf>,
    nobody: Option<(u32, u32)>,
}

impl Runner {
    fn for_this_process(owned: &[&Path]) -> Self {
        let setpriv = which("setpriv");
        let root = fs::metadata("/proc/self").map(|m| m.uid()).ok() == Some(0);
        let nobody = root.then(nobody_ids);
        if let Some((uid, gid)) = nobody {
            assert!(
                setpriv.is_some(),
                "running as root needs setpriv to drop to nobody"
            );
            for path in owned {
                std::os::unix::fs::chown(path, Some(uid), Some(gid)).expect("chown to nobody");
            }
        }
        Self { setpriv, nobody }
    }

    fn command(&self, program: &Path, cwd: &Path) -> Command {
        let mut command = match &self.setpriv {
            Some(setpriv) => {
                let mut c = Command::new(setpriv);
                if let Some((uid, gid)) = self.nobody {
                    c.arg(format!("--reuid={uid}"))
                        .arg(format!("--regid={gid}"))
                        .arg("--clear-groups");
                }
                c.args(["--pdeathsig", "TERM", "--"]).arg(program);
                c
            }
            None => Command::new(program),
        };
        command.current_dir(cwd).env("LC_ALL", "C");
        command
    }
}

fn nobody_ids() -> (u32, u32) {
    let passwd = fs::read_to_string("/etc/passwd").unwrap_or_default();
    passwd
        .lines()
        .find_map(|line| {
            let fields: Vec<&str> = line.split(':').collect();
            (fields.first() == Some(&"nobody") && fields.len() > 3)
                .then(|| Some((fields[2].parse().ok()?, fields[3].parse().ok()?)))
                .flatten()
        })
        .unwrap_or((65534, 65534))
}

fn find_binaries() -> Option<PathBuf> {
    let complete = |dir: &Path| {
        ["initdb", "postgres", "pg_isready", "createdb", "psql"]
            .iter()
            .all(|b| dir.join(b).is_file())
    };
    if let Some(dir) = std::env::var_os("PG_BIN").map(PathBuf::from) {
        return complete(&dir).then_some(dir);
    }
    let mut debian: Vec<PathBuf> = fs::read_dir("/usr/lib/postgresql")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join("bin"))
        .filter(|dir| complete(dir))
        .collect();
    // Newest major version first.
    debian.sort_by_key(|dir| {
        let version = dir.parent().and_then(Path::file_name);
        std::cmp::Reverse(version.and_then(|v| v.to_str()?.parse::<u32>().ok()))
    });
    if let Some(dir) = debian.into_iter().next() {
        return Some(dir);
    }
    let initdb = which("initdb")?;
    let dir = fs::canonicalize(initdb).ok()?.parent()?.to_path_buf();
    complete(&dir).then_some(dir)
}

fn which(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| candidate.is_file())
}

fn check(output: &Output, what: &str) {
    assert!(
        output.status.success(),
        "{what} failed: {}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
}
