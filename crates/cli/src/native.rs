//! The same CLI as `main.rs`, built as `heapscope-native` for the Python
//! wheel (`cargo xtask wheel`; see Cargo.toml): there `heapscope` is the
//! Python launcher, which runs the exporter's commands and execs this binary
//! for the analyses. A second file (not `main.rs` twice) keeps cargo from
//! warning about one file in two targets.

#[path = "main.rs"]
mod cli;

// The modules of `main.rs` name each other from the crate root (`crate::out`).
use cli::{gate, kept_until_exit, out, read_unseekable, table, warn, wire, MaxGrowth, Opened};

fn main() -> std::process::ExitCode {
    cli::main()
}
