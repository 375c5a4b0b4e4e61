//! `mediagateway`: runs the MediaGateway service.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use mediagateway::{Gateway, GatewayConfig};

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

#[derive(Subcommand)]
enum Command {
    /// Serves the gateway over gRPC (127.0.0.1:8087 unless configured otherwise).
    Serve {
        /// A TOML configuration file.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Overrides the listen address (port 0 picks a free port).
        #[arg(long)]
        listen: Option<std::net::SocketAddr>,
        /// Overrides the data folder.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    let Command::Serve {
        config,
        listen,
        data_dir,
    } = Cli::parse().command;
    match serve(config, listen, data_dir).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mediagateway: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(
    config: Option<PathBuf>,
    listen: Option<std::net::SocketAddr>,
    data_dir: Option<PathBuf>,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut config = match config {
        Some(path) => GatewayConfig::from_file(&path)?,
        None => GatewayConfig::default(),
    };
    if let Some(listen) = listen {
        config.listen = listen;
    }
    if let Some(dir) = data_dir {
        config.data_dir = dir;
    }
    let gateway = Arc::new(Gateway::open(&config)?);
    let listener = mediagateway::bind(config.listen).await?;
    // The one line on stdout: scripts and tests read the bound address from it.
    println!("listening on {}", listener.local_addr()?);
    tracing::info!(data_dir = %config.data_dir.display(), "MediaGateway started");
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    mediagateway::serve(gateway, listener, shutdown).await?;
    Ok(())
}
