//! Connection threads of the PostgreSQL store.
//!
//! The synchronous `postgres` client drives its own runtime and panics when called from inside
//! an async runtime, yet the gateway calls the vault from async code. So each connection lives on
//! a thread of its own that never enters a runtime context, and callers hand it work over a
//! channel and wait for the answer. A call therefore blocks its caller like a local SQLite call
//! does, but never panics, whatever runtime (if any) the caller runs on.

use std::collections::HashMap;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use postgres::{Client, NoTls, Row, Statement};

use crate::error::VaultError;

/// A connection as a job sees it: the client and the statements prepared on it so far.
pub(crate) struct Conn {
    client: Client,
    prepared: HashMap<&'static str, Statement>,
}

impl Conn {
    /// The client, for statements that are not worth preparing (migrations, transactions).
    pub(crate) fn client(&mut self) -> &mut Client {
        &mut self.client
    }

    /// `sql` prepared on this connection, once per connection.
    pub(crate) fn statement(&mut self, sql: &'static str) -> Result<Statement, postgres::Error> {
        if let Some(statement) = self.prepared.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(sql)?;
        self.prepared.insert(sql, statement.clone());
        Ok(statement)
    }
}

impl Conn {
    /// Runs `sql` (prepared once per connection) and returns its rows.
    pub(crate) fn query(
        &mut self,
        sql: &'static str,
        params: &[&Param],
    ) -> Result<Vec<Row>, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client.query(&statement, params)
    }

    /// Runs `sql` (prepared once per connection), which returns exactly one row.
    pub(crate) fn query_one(
        &mut self,
        sql: &'static str,
        params: &[&Param],
    ) -> Result<Row, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client.query_one(&statement, params)
    }

    /// Runs `sql` (prepared once per connection), which returns at most one row.
    pub(crate) fn query_opt(
        &mut self,
        sql: &'static str,
        params: &[&Param],
    ) -> Result<Option<Row>, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client.query_opt(&statement, params)
    }

    /// Runs `sql` (prepared once per connection) and returns how many rows it changed.
    pub(crate) fn execute(
        &mut self,
        sql: &'static str,
        params: &[&Param],
    ) -> Result<u64, postgres::Error> {
        let statement = self.statement(sql)?;
        self.client.execute(&statement, params)
    }
}

/// A statement parameter.
pub(crate) type Param = dyn postgres::types::ToSql + Sync;

/// Work for a connection thread; it gets the connection, or why there is none.
type Job = Box<dyn FnOnce(Result<&mut Conn, &postgres::Error>) + Send>;

/// A fixed set of connection threads sharing one queue of jobs.
pub(crate) struct Pool {
    jobs: Option<mpsc::Sender<Job>>,
    threads: Vec<JoinHandle<()>>,
}

impl Pool {
    /// Starts `size` threads; each connects with `config` and runs `setup` on every new
    /// connection. A connection that broke is remade for the next job.
    pub(crate) fn start(
        config: postgres::Config,
        size: usize,
        setup: String,
    ) -> Result<Self, VaultError> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        let config = Arc::new(config);
        let setup = Arc::new(setup);
        let mut threads = Vec::with_capacity(size);
        for n in 0..size {
            let (queue, config, setup) = (queue.clone(), config.clone(), setup.clone());
            let thread = std::thread::Builder::new()
                .name(format!("vault-postgres-{n}"))
                .spawn(move || serve(&queue, &config, &setup))
                .map_err(|e| VaultError::storage("starting a PostgreSQL connection thread", e))?;
            threads.push(thread);
        }
        Ok(Self {
            jobs: Some(jobs),
            threads,
        })
    }

    /// Runs `work` on one of the connections and waits for its result.
    pub(crate) fn call<T: Send + 'static>(
        &self,
        operation: &'static str,
        work: impl FnOnce(&mut Conn) -> Result<T, VaultError> + Send + 'static,
    ) -> Result<T, VaultError> {
        let (reply, answer) = mpsc::sync_channel(1);
        let job: Job = Box::new(move |conn| {
            let result = match conn {
                Ok(conn) => work(conn),
                Err(e) => Err(db_error(operation, e)),
            };
            // The caller may have gone away; nobody is left to tell.
            let _ = reply.send(result);
        });
        let stopped =
            || VaultError::storage(operation, "the PostgreSQL connection threads stopped");
        self.jobs
            .as_ref()
            .ok_or_else(stopped)?
            .send(job)
            .map_err(|_| stopped())?;
        answer.recv().map_err(|_| stopped())?
    }
}

impl Drop for Pool {
    fn drop(&mut self) {
        // Closing the queue ends every thread once it finishes its current job.
        self.jobs = None;
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

/// The loop of one connection thread: takes jobs until the queue closes.
fn serve(queue: &Mutex<mpsc::Receiver<Job>>, config: &postgres::Config, setup: &str) {
    // Connected up front, so the first calls after opening do not pay for it; a failure here is
    // retried, and reported, when the first job arrives.
    let mut conn = connect(config, setup).ok();
    loop {
        let job = {
            // Only `recv` runs under the lock, and it cannot panic.
            let queue = queue.lock().unwrap_or_else(|p| p.into_inner());
            match queue.recv() {
                Ok(job) => job,
                Err(mpsc::RecvError) => return,
            }
        };
        if conn.as_ref().is_none_or(|c| c.client.is_closed()) {
            conn = None;
            match connect(config, setup) {
                Ok(fresh) => conn = Some(fresh),
                Err(e) => {
                    tracing::warn!(error = %DbMessage(&e), "cannot connect to the PostgreSQL vault database");
                    job(Err(&e));
                    continue;
                }
            }
        }
        if let Some(conn) = conn.as_mut() {
            job(Ok(conn));
        }
    }
}

/// Connects with `config` and runs `setup` (the vault's search path) on the new connection.
pub(crate) fn connect(config: &postgres::Config, setup: &str) -> Result<Conn, postgres::Error> {
    let mut client = config.connect(NoTls)?;
    client.batch_execute(setup)?;
    Ok(Conn {
        client,
        prepared: HashMap::new(),
    })
}

/// A storage error carrying the server's own message, which the plain `Display` of a
/// `postgres::Error` leaves out.
pub(crate) fn db_error(operation: &'static str, e: &postgres::Error) -> VaultError {
    VaultError::storage(operation, DbMessage(e))
}

/// A PostgreSQL error for logs and messages: the server's message and SQLSTATE if there is one.
pub(crate) struct DbMessage<'a>(pub(crate) &'a postgres::Error);

impl std::fmt::Display for DbMessage<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.as_db_error() {
            Some(db) => write!(f, "{} ({})", db.message(), db.code().code()),
            None => match std::error::Error::source(self.0) {
                Some(source) => write!(f, "{}: {source}", self.0),
                None => write!(f, "{}", self.0),
            },
        }
    }
}
