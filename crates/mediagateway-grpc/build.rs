//! Generates the gRPC code from `proto/` with a pure-Rust protobuf compiler, so building the
//! crate needs no `protoc`, and writes the compiled descriptors (`mediagateway.v1.bin` in
//! `OUT_DIR`) that the reflection service serves.

use std::path::PathBuf;

use protox::prost::Message;

/// The API's files, one per area plus what they share.
const FILES: [&str; 7] = [
    "common",
    "admin",
    "sessions",
    "calendar",
    "records",
    "tables",
    "directory",
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    // Inside the workspace the protos live at its root; a packaged crate carries its own copy.
    let root = [manifest.join("../../proto"), manifest.join("proto")]
        .into_iter()
        .find(|p| p.join("mediagateway/v1/common.proto").is_file())
        .ok_or("proto/mediagateway/v1/common.proto not found")?;
    let files: Vec<PathBuf> = FILES
        .iter()
        .map(|name| root.join(format!("mediagateway/v1/{name}.proto")))
        .collect();
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    let descriptors = protox::compile(&files, [&root])?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("mediagateway.v1.bin"),
        descriptors.encode_to_vec(),
    )?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(descriptors)?;
    Ok(())
}
