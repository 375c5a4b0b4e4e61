//! Decodes an EWS document to JSON, or prints a representative request of an operation.
//!
//! ```text
//! cargo run -p exchange-ews --features dump --example ews-dump -- parse FILE
//! cargo run -p exchange-ews --features dump --example ews-dump -- request FindItem
//! ```
//!
//! `parse` exits with 0 after printing the JSON, or with 1 after one line on stderr naming
//! the problem and where it is; `request` exits with 2 on an unknown operation, listing the
//! known ones.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let code = exchange_ews::dump::run(&args, &mut std::io::stdout(), &mut std::io::stderr());
    ExitCode::from(u8::try_from(code).unwrap_or(1))
}
