//! `mlgov serve`: the Lloyd explorer, a teaching page in the browser.

use super::say::note;
use clap::Args;
use mlgov::explorer::{Explorer, ServeOptions, serve};
use std::io::Write;
use std::net::{TcpListener, ToSocketAddrs};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `mlgov serve`.
#[derive(Args)]
pub struct ServeArgs {
    /// Scenario file (TOML) to explore (default: the model's default
    /// partnership).
    pub scenario: Option<PathBuf>,
    /// Port to listen on (0: any free port).
    #[arg(long, default_value_t = 8000)]
    pub port: u16,
    /// Address to listen on; anything but a loopback address makes the
    /// explorer reachable from other machines.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: String,
}

/// Runs `mlgov serve` until Ctrl-C (SIGINT) or SIGTERM.
pub fn execute(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let explorer = match &args.scenario {
        Some(path) => {
            let scenario = match super::load_scenario(path) {
                Ok(s) => s,
                Err(code) => return Ok(code),
            };
            let text = mlgov::input::read_regular_to_string(path)?;
            match Explorer::new(Some((&text, &scenario.file))) {
                Ok(e) => e,
                Err(e) => {
                    eprintln!("error: {e}");
                    return Ok(ExitCode::from(2));
                }
            }
        }
        None => Explorer::new(None)?,
    };
    let addrs: Vec<_> = match (args.host.as_str(), args.port).to_socket_addrs() {
        Ok(a) => a.collect(),
        Err(e) => {
            return Err(super::usage(format!(
                "--host {}: not an address this machine can listen on ({e})",
                args.host
            )));
        }
    };
    let listener = match TcpListener::bind(&addrs[..]) {
        Ok(l) => l,
        Err(e) => {
            let why = match e.kind() {
                std::io::ErrorKind::AddrInUse => {
                    "the port is already in use (is another `mlgov serve` running?); choose another with --port".to_string()
                }
                std::io::ErrorKind::AddrNotAvailable => {
                    "that address is not one of this machine's".to_string()
                }
                std::io::ErrorKind::PermissionDenied => {
                    "permission denied (ports below 1024 need privileges); choose another with --port".to_string()
                }
                _ => e.to_string(),
            };
            eprintln!("error: cannot listen on {}:{}: {why}", args.host, args.port);
            return Ok(ExitCode::from(1));
        }
    };
    let addr = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        eprintln!(
            "warning: listening on {addr}: other machines can reach the explorer and run simulations on this one; \
             it has no login. Use the default --host 127.0.0.1 unless you mean it."
        );
    }
    // Ctrl-C is handled from before the address is printed: a client that
    // reads it may stop the server at once.
    let stop = super::run::interrupt::install();
    // The address is what the command exists to print: printed even with --quiet.
    println!("Lloyd explorer: open http://{addr}/ in a browser (Ctrl-C stops it)");
    let _ = std::io::stdout().flush();
    serve(listener, explorer, ServeOptions::default(), stop)?;
    note!("stopped");
    Ok(ExitCode::SUCCESS)
}
