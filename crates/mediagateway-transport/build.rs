//! Generates the gRPC code from `proto/` with a pure-Rust protobuf compiler, so building the
//! crate needs no `protoc`.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?);
    // Inside the workspace the protos live at its root; a packaged crate carries its own copy.
    let root = [manifest.join("../../proto"), manifest.join("proto")]
        .into_iter()
        .find(|p| p.join("mediagateway/v1/gateway.proto").is_file())
        .ok_or("proto/mediagateway/v1/gateway.proto not found")?;
    let file = root.join("mediagateway/v1/gateway.proto");
    println!("cargo:rerun-if-changed={}", file.display());
    let descriptors = protox::compile([&file], [&root])?;
    tonic_prost_build::configure()
        .build_client(true)
        .build_server(true)
        .compile_fds(descriptors)?;
    Ok(())
}
