//! `mediagateway`: runs the MediaGateway service, and the operator's commands beside it.

use std::io::{BufRead, IsTerminal};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Args, Parser, Subcommand};
use mediagateway::{Gateway, GatewayConfig};
use mediagateway_api::{AdminApi, ApiError, KnownUser, StaticUserRef, UserQuery, UserRef};
use mediagateway_grpc::GrpcServer;
use secrecy::{ExposeSecret, SecretString};

mod remote;

#[derive(Parser)]
#[command(
    name = "mediagateway",
    version,
    about = "The MediaGateway of the Exchange connector"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// Where the configuration comes from: a TOML file, and flags over it.
#[derive(Args)]
struct Where {
    /// A TOML configuration file (every key is documented in the README).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Overrides the data folder.
    #[arg(long)]
    data_dir: Option<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Serves the gateway over gRPC: plain on 127.0.0.1:8087 and with TLS on 127.0.0.1:9087
    /// unless configured otherwise. Prints one line, where each listener listens.
    Serve {
        #[command(flatten)]
        place: Where,
        /// The plain listener's address (port 0 picks a free port), or `off`.
        #[arg(long, value_parser = listen_address)]
        listen: Option<Listen>,
        /// The TLS listener's address (port 0 picks a free port), or `off`.
        #[arg(long, value_parser = listen_address)]
        tls_listen: Option<Listen>,
    },
    /// The gateway's TLS certificate.
    Tls {
        #[command(subcommand)]
        command: TlsCommand,
    },
    /// The status of a running gateway: its version, whether the password is the default,
    /// and how many data sources it holds.
    Status {
        #[command(flatten)]
        remote: remote::Remote,
    },
    /// The data sources of a running gateway.
    DataSources {
        #[command(subcommand)]
        command: DataSourcesCommand,
    },
    /// The known users of a running gateway's data sources.
    Users {
        #[command(subcommand)]
        command: UsersCommand,
    },
    /// The static users of a running gateway's data sources (added over the API).
    StaticUsers {
        #[command(subcommand)]
        command: StaticUsersCommand,
    },
    /// The gateway password.
    Password {
        #[command(subcommand)]
        command: PasswordCommand,
    },
}

#[derive(Subcommand)]
enum StaticUsersCommand {
    /// A data source's static users: name, the portal user it stands for, user name, mailbox,
    /// EWS URL (never a password).
    List {
        /// The data source.
        #[arg(long)]
        data_source: String,
        #[command(flatten)]
        remote: remote::Remote,
    },
    /// Connection test of a static user: one call to Exchange with its login.
    Test {
        /// The static user's name.
        name: String,
        /// The data source.
        #[arg(long)]
        data_source: String,
        #[command(flatten)]
        remote: remote::Remote,
    },
    /// Removes a static user (asks first, unless --yes).
    Remove {
        /// The static user's name.
        name: String,
        /// The data source.
        #[arg(long)]
        data_source: String,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        remote: remote::Remote,
    },
}

#[derive(Subcommand)]
enum DataSourcesCommand {
    /// Every data source: name, Exchange generation, session-based or stored, EWS URL.
    List {
        #[command(flatten)]
        remote: remote::Remote,
    },
    /// One data source's settings (never its service account's password).
    Show {
        /// The data source.
        name: String,
        #[command(flatten)]
        remote: remote::Remote,
    },
    /// Removes a data source with its portal keys and every user's account (asks first,
    /// unless --yes).
    Delete {
        /// The data source.
        name: String,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        remote: remote::Remote,
    },
}

#[derive(Subcommand)]
enum UsersCommand {
    /// The users of a data source, or of every data source: stored or session-based, user
    /// name, mailbox, last use.
    List {
        /// The data source; without it, every data source's users, each line led by its data
        /// source.
        #[arg(long)]
        data_source: Option<String>,
        /// Keeps the users whose GUID, user name or mailbox contains it, ignoring case.
        #[arg(long)]
        filter: Option<String>,
        /// How many matching users to skip (with --data-source).
        #[arg(long, default_value_t = 0, requires = "data_source")]
        offset: u32,
        /// How many to list at most, 1 to 500 (with --data-source).
        #[arg(long, default_value_t = 100, requires = "data_source")]
        limit: u32,
        #[command(flatten)]
        remote: remote::Remote,
    },
    /// One user's details, on the data source given or on every data source that knows the
    /// user.
    Show {
        /// The portal user's GUID.
        guid: uuid::Uuid,
        /// The data source; without it, every data source is asked.
        #[arg(long)]
        data_source: Option<String>,
        #[command(flatten)]
        remote: remote::Remote,
    },
    /// Forgets one user's connection data; the user logs in again. Without --data-source, the
    /// one data source that knows the user (several: name one).
    Reset {
        /// The portal user's GUID.
        guid: uuid::Uuid,
        /// The data source.
        #[arg(long)]
        data_source: Option<String>,
        #[command(flatten)]
        remote: remote::Remote,
    },
    /// Forgets the connection data of every user of a data source (asks first, unless --yes).
    ResetAll {
        /// The data source.
        #[arg(long)]
        data_source: String,
        /// Do not ask.
        #[arg(long)]
        yes: bool,
        #[command(flatten)]
        remote: remote::Remote,
    },
}

#[derive(Subcommand)]
enum TlsCommand {
    /// Prints the SHA-256 fingerprint of the gateway's certificate, for portals to pin.
    Fingerprint {
        #[command(flatten)]
        place: Where,
    },
}

#[derive(Subcommand)]
enum PasswordCommand {
    /// Sets a new gateway password in the data folder, while the gateway is stopped. Prompts
    /// twice without echo on a terminal, else reads one line from standard input.
    Set {
        #[command(flatten)]
        place: Where,
    },
}

/// A listener's address, or none.
#[derive(Clone, Copy)]
struct Listen(Option<SocketAddr>);

fn listen_address(text: &str) -> Result<Listen, String> {
    if text == "off" {
        return Ok(Listen(None));
    }
    text.parse()
        .map(|address| Listen(Some(address)))
        .map_err(|_| format!("{text:?} is not an address such as 127.0.0.1:8087, nor \"off\""))
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let result = match Cli::parse().command {
        Command::Serve {
            place,
            listen,
            tls_listen,
        } => serve(place, listen, tls_listen).await,
        Command::Tls {
            command: TlsCommand::Fingerprint { place },
        } => fingerprint(&place),
        Command::Password {
            command: PasswordCommand::Set { place },
        } => set_password(&place),
        Command::Status { remote } => status(&remote).await,
        Command::DataSources { command } => data_sources(command).await,
        Command::Users { command } => users(command).await,
        Command::StaticUsers { command } => static_users(command).await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mediagateway: {e}");
            ExitCode::FAILURE
        }
    }
}

type Outcome = Result<(), Box<dyn std::error::Error>>;

fn load(place: &Where) -> Result<GatewayConfig, Box<dyn std::error::Error>> {
    let mut config = match &place.config {
        Some(path) => GatewayConfig::from_file(path)?,
        None => GatewayConfig::default(),
    };
    if let Some(dir) = &place.data_dir {
        config.data_dir.clone_from(dir);
    }
    Ok(config)
}

async fn serve(place: Where, listen: Option<Listen>, tls_listen: Option<Listen>) -> Outcome {
    let mut config = load(&place)?;
    if let Some(Listen(listen)) = listen {
        config.listen = listen;
    }
    if let Some(Listen(listen)) = tls_listen {
        config.tls_listen = listen;
    }
    let gateway = Arc::new(Gateway::open(&config)?);
    config.check_listeners(gateway.uses_default_password())?;
    let plain = match config.listen {
        Some(address) => Some(mediagateway::bind(address).await?),
        None => None,
    };
    let tls = match config.tls_listen {
        Some(address) => Some((
            mediagateway::bind(address).await?,
            mediagateway::server_tls(&config)?,
        )),
        None => None,
    };
    let mut where_ = Vec::new();
    if let Some(listener) = &plain {
        where_.push(format!("plain {}", listener.local_addr()?));
    }
    if let Some((listener, identity)) = &tls {
        where_.push(format!(
            "tls {} (certificate SHA-256 {})",
            listener.local_addr()?,
            identity.fingerprint()
        ));
        tracing::info!(fingerprint = %identity.fingerprint(), "TLS certificate");
    }
    // The one line on stdout: scripts and tests read the bound addresses from it.
    println!("listening on {}", where_.join(", "));
    tracing::info!(data_dir = %config.data_dir.display(), "MediaGateway started");

    // Ctrl-C or SIGTERM: stop accepting, let the calls in flight finish, then stop.
    let (stop, stopped) = tokio::sync::watch::channel(false);
    tokio::spawn(async move {
        shutdown_signal().await;
        tracing::info!("stopping: finishing the calls in flight");
        let _ = stop.send(true);
    });
    let until_stopped = move || {
        let mut stopped = stopped.clone();
        async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        }
    };
    let limits = config.limits.server();
    let plain_server = {
        let gateway = gateway.clone();
        let until = until_stopped();
        async move {
            match plain {
                Some(listener) => {
                    GrpcServer::new(gateway)
                        .with_limits(limits)
                        .serve(listener, until)
                        .await
                }
                None => Ok(()),
            }
        }
    };
    let tls_server = {
        let until = until_stopped();
        async move {
            match tls {
                Some((listener, identity)) => {
                    GrpcServer::new(gateway)
                        .with_limits(limits)
                        .serve_tls(listener, &identity, until)
                        .await
                }
                None => Ok(()),
            }
        }
    };
    let (plain, tls) = tokio::join!(plain_server, tls_server);
    plain?;
    tls?;
    Ok(())
}

async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}

fn fingerprint(place: &Where) -> Outcome {
    let config = load(place)?;
    let certificate = match &config.tls_identity {
        Some((certificate, _)) => certificate.clone(),
        None => mediagateway_grpc::tls::ServerTls::self_signed(&config.data_dir).certificate_path(),
    };
    println!(
        "{}",
        mediagateway_grpc::tls::certificate_fingerprint(&certificate)?
    );
    Ok(())
}

fn set_password(place: &Where) -> Outcome {
    let config = load(place)?;
    let password = if std::io::stdin().is_terminal() {
        let first = SecretString::from(rpassword::prompt_password("New gateway password: ")?);
        let again = SecretString::from(rpassword::prompt_password("Once more: ")?);
        if first.expose_secret() != again.expose_secret() {
            return Err("the two passwords differ; nothing changed".into());
        }
        first
    } else {
        let mut line = String::new();
        std::io::stdin().lock().read_line(&mut line)?;
        let password = SecretString::from(line.trim_end_matches(['\r', '\n']).to_owned());
        zeroize::Zeroize::zeroize(&mut line);
        password
    };
    Gateway::set_password(&config.data_dir, &password)?;
    println!("gateway password set in {}", config.data_dir.display());
    Ok(())
}

async fn status(remote: &remote::Remote) -> Outcome {
    let (client, admin) = remote.connect()?;
    let status = client.status(&admin).await?;
    println!(
        "MediaGateway {} at {}",
        status.gateway_version,
        client.address()
    );
    println!("data sources: {}", status.data_sources);
    if status.default_password {
        println!("WARNING: the gateway password is still the default 1234: change it");
    }
    Ok(())
}

async fn data_sources(command: DataSourcesCommand) -> Outcome {
    match command {
        DataSourcesCommand::List { remote } => {
            let (client, admin) = remote.connect()?;
            for source in client.list_data_sources(&admin).await? {
                println!(
                    "{:<24}  {:<21}  {:<7}  {}",
                    source.name,
                    source.exchange_generation.name(),
                    if source.session_based {
                        "session"
                    } else {
                        "stored"
                    },
                    source.ews_url,
                );
            }
        }
        DataSourcesCommand::Show { name, remote } => {
            let (client, admin) = remote.connect()?;
            let source = client.get_data_source(&admin, &name).await?;
            println!("name:            {}", source.name);
            println!("exchange:        {}", source.exchange_generation.name());
            println!("authentication:  {}", source.authentication.name());
            println!("service account: {}", source.service_user_name);
            println!("EWS URL:         {}", source.ews_url);
            println!(
                "accounts:        {}",
                if source.session_based {
                    "session-based"
                } else {
                    "stored"
                }
            );
            println!("time zone:       {}", source.time_zone);
            if let Some(until) = source.previous_key_until {
                println!("previous key:    works until {}", until.to_rfc3339());
            }
        }
        DataSourcesCommand::Delete { name, yes, remote } => {
            let question = format!("Delete {name:?} with every user's account?");
            if !yes && !confirmed(&question)? {
                return Err("not confirmed; nothing changed (--yes skips the question)".into());
            }
            let (client, admin) = remote.connect()?;
            let removed = client.delete_data_source(&admin, &name).await?;
            println!("deleted {name} and {removed} user account(s)");
        }
    }
    Ok(())
}

/// One line of the users list.
fn user_line(user: &KnownUser) -> String {
    format!(
        "{}  {:<7}  {:<30}  {:<30}  {}",
        user.portal_user,
        if user.stored { "stored" } else { "session" },
        user.user_name.as_deref().unwrap_or("-"),
        user.mailbox.as_deref().unwrap_or("-"),
        user.last_used
            .map_or_else(|| "-".to_owned(), |t| t.to_rfc3339()),
    )
}

/// The data sources that know `guid`, each with what it knows.
async fn knowing(
    client: &mediagateway_grpc::GrpcClient,
    admin: &mediagateway_api::AdminCall,
    guid: uuid::Uuid,
) -> Result<Vec<(String, KnownUser)>, Box<dyn std::error::Error>> {
    let mut found = Vec::new();
    for source in client.list_data_sources(admin).await? {
        match client
            .user_details(admin, &UserRef::new(source.name.clone(), guid))
            .await
        {
            Ok(user) => found.push((source.name, user)),
            // Not known there, or deleted meanwhile.
            Err(ApiError::NotLoggedIn { .. } | ApiError::UnknownDataSource { .. }) => {}
            Err(other) => return Err(other.into()),
        }
    }
    Ok(found)
}

async fn users(command: UsersCommand) -> Outcome {
    match command {
        UsersCommand::List {
            data_source: Some(data_source),
            filter,
            offset,
            limit,
            remote,
        } => {
            let (client, admin) = remote.connect()?;
            let mut query = UserQuery::new(data_source, limit);
            query.filter = filter;
            query.offset = offset;
            let page = client.list_users(&admin, &query).await?;
            for user in &page.users {
                println!("{}", user_line(user));
            }
            if page.more {
                println!(
                    "(more: --offset {})",
                    u64::from(offset) + page.users.len() as u64
                );
            }
        }
        UsersCommand::List {
            data_source: None,
            filter,
            remote,
            ..
        } => {
            let (client, admin) = remote.connect()?;
            for source in client.list_data_sources(&admin).await? {
                let mut query = UserQuery::new(source.name.clone(), UserQuery::MAX_LIMIT);
                query.filter.clone_from(&filter);
                loop {
                    let page = match client.list_users(&admin, &query).await {
                        Ok(page) => page,
                        // Deleted since it was listed.
                        Err(ApiError::UnknownDataSource { .. }) => break,
                        Err(other) => return Err(other.into()),
                    };
                    for user in &page.users {
                        println!("{:<24}  {}", source.name, user_line(user));
                    }
                    if !page.more {
                        break;
                    }
                    query.offset += UserQuery::MAX_LIMIT;
                }
            }
        }
        UsersCommand::Show {
            guid,
            data_source,
            remote,
        } => {
            let (client, admin) = remote.connect()?;
            let found = match data_source {
                Some(name) => {
                    let user = client
                        .user_details(&admin, &UserRef::new(name.clone(), guid))
                        .await?;
                    vec![(name, user)]
                }
                None => knowing(&client, &admin, guid).await?,
            };
            if found.is_empty() {
                return Err(format!("{guid} is not logged in on any data source").into());
            }
            for (i, (name, user)) in found.iter().enumerate() {
                if i > 0 {
                    println!();
                }
                println!("data source: {name}");
                print_user(user);
            }
        }
        UsersCommand::Reset {
            guid,
            data_source,
            remote,
        } => {
            let (client, admin) = remote.connect()?;
            let data_source = match data_source {
                Some(name) => name,
                None => {
                    let found = knowing(&client, &admin, guid).await?;
                    match <[_; 1]>::try_from(found) {
                        Ok([(name, _)]) => name,
                        Err(found) if found.is_empty() => {
                            println!("nothing to reset: the user was not known");
                            return Ok(());
                        }
                        Err(found) => {
                            let names: Vec<&str> =
                                found.iter().map(|(name, _)| name.as_str()).collect();
                            return Err(format!(
                                "{guid} is known on several data sources ({}): name one with \
                                 --data-source",
                                names.join(", ")
                            )
                            .into());
                        }
                    }
                }
            };
            let was_known = client
                .reset_user(&admin, &UserRef::new(data_source.clone(), guid))
                .await?;
            println!(
                "{}",
                if was_known {
                    format!("reset on {data_source}: the user logs in again")
                } else {
                    "nothing to reset: the user was not known".to_owned()
                }
            );
        }
        UsersCommand::ResetAll {
            data_source,
            yes,
            remote,
        } => {
            if !yes && !confirmed(&format!("Reset every user of {data_source:?}?"))? {
                return Err("not confirmed; nothing changed (--yes skips the question)".into());
            }
            let (client, admin) = remote.connect()?;
            let removed = client.reset_all_users(&admin, &data_source).await?;
            println!("reset {removed} user(s) of {data_source}");
        }
    }
    Ok(())
}

async fn static_users(command: StaticUsersCommand) -> Outcome {
    match command {
        StaticUsersCommand::List {
            data_source,
            remote,
        } => {
            let (client, admin) = remote.connect()?;
            for user in client.list_static_users(&admin, &data_source).await? {
                println!(
                    "{:<24}  {:<36}  {:<30}  {:<30}  {}",
                    user.name,
                    user.portal_user
                        .map_or_else(|| "-".to_owned(), |u| u.to_string()),
                    user.user_name,
                    user.mailbox,
                    user.server_url,
                );
            }
        }
        StaticUsersCommand::Test {
            name,
            data_source,
            remote,
        } => {
            let (client, admin) = remote.connect()?;
            let user = StaticUserRef::new(data_source, name.clone());
            let check = client.test_static_user(&admin, &user).await?;
            println!(
                "{name}: mailbox {} on Exchange {}",
                check.mailbox,
                check
                    .server_version
                    .as_deref()
                    .unwrap_or("(version not reported)")
            );
        }
        StaticUsersCommand::Remove {
            name,
            data_source,
            yes,
            remote,
        } => {
            let question = format!("Remove static user {name:?} of {data_source:?}?");
            if !yes && !confirmed(&question)? {
                return Err("not confirmed; nothing changed (--yes skips the question)".into());
            }
            let (client, admin) = remote.connect()?;
            let user = StaticUserRef::new(data_source.clone(), name.clone());
            if client.remove_static_user(&admin, &user).await? {
                println!("removed static user {name} of {data_source}");
            } else {
                println!("{data_source} has no static user {name}");
            }
        }
    }
    Ok(())
}

fn print_user(user: &KnownUser) {
    let time = |t: Option<chrono::DateTime<chrono::Utc>>| {
        t.map_or_else(|| "-".to_owned(), |t| t.to_rfc3339())
    };
    println!("portal user: {}", user.portal_user);
    println!(
        "account:     {}",
        if user.stored {
            "stored"
        } else {
            "session-based"
        }
    );
    println!("user name:   {}", user.user_name.as_deref().unwrap_or("-"));
    println!("mailbox:     {}", user.mailbox.as_deref().unwrap_or("-"));
    println!("server URL:  {}", user.server_url.as_deref().unwrap_or("-"));
    println!("created:     {}", time(user.created));
    println!("updated:     {}", time(user.updated));
    println!("last used:   {}", time(user.last_used));
}

/// Asks `question` on a terminal; without one, nothing is confirmed.
fn confirmed(question: &str) -> Result<bool, Box<dyn std::error::Error>> {
    if !std::io::stdin().is_terminal() {
        return Ok(false);
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin().lock().read_line(&mut answer)?;
    Ok(matches!(answer.trim(), "y" | "Y" | "yes"))
}
