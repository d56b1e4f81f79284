//! Installs the tools the build and the tests need, skipping what is there.
//!
//! Versions are pinned where a mismatch breaks things: Trunk 0.21.14 (0.22
//! needs a newer rustc), wasm-bindgen-cli equal to the `wasm-bindgen` in
//! Cargo.lock, wasm-opt from npm's binaryen (Debian's 108 emits a broken
//! .wasm). See ../shared/TOOLCHAIN.md for why each choice was made.

use std::path::Path;
use std::process::Command;

use crate::run;

const TRUNK_VERSION: &str = "0.21.14";

/// rustfmt, clippy, wasm32 target, Trunk, wasm-bindgen-cli, npm packages (binaryen, playwright-core).
pub fn ensure_build_tools() -> Result<(), String> {
    prepend_path();
    if output("cargo", &["fmt", "--version"]).is_none() {
        run(Command::new("rustup").args(["component", "add", "rustfmt"]))?;
    }
    if output("cargo", &["clippy", "--version"]).is_none() {
        run(Command::new("rustup").args(["component", "add", "clippy"]))?;
    }
    let targets = output("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if !targets.lines().any(|t| t.trim() == "wasm32-unknown-unknown") {
        run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))?;
    }
    if output("trunk", &["--version"]).is_none_or(|v| v.trim() != format!("trunk {TRUNK_VERSION}")) {
        run(Command::new("cargo").args(["install", "trunk", "--version", TRUNK_VERSION, "--locked"]))?;
    }
    let wanted = wasm_bindgen_version()?;
    if output("wasm-bindgen", &["--version"]).is_none_or(|v| v.trim() != format!("wasm-bindgen {wanted}")) {
        // No --locked: wasm-bindgen-cli's lock file pins a crate the registry lacks.
        run(Command::new("cargo").args(["install", "wasm-bindgen-cli", "--version", &wanted, "--force"]))?;
    }
    if !Path::new("node_modules/.bin/wasm-opt").exists() || !Path::new("node_modules/playwright-core").exists() {
        run(Command::new("npm").args(["ci", "--no-audit", "--no-fund"]))?;
    }
    Ok(())
}

/// Chromium and chromedriver (Debian), Python test dependencies (PyPI).
pub fn ensure_test_tools() -> Result<(), String> {
    if !Path::new("/usr/bin/chromium").exists() || !Path::new("/usr/bin/chromedriver").exists() {
        run(Command::new("apt-get").args(["update", "-q"]))?;
        run(Command::new("apt-get").args(["install", "-y", "-q", "chromium", "chromium-driver"]).env("DEBIAN_FRONTEND", "noninteractive"))?;
    }
    run(Command::new("python3").args(["-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", "python/requirements-test.txt"]))?;
    Ok(())
}

/// A venv with the frameworks the framework leak programs run on
/// (`python/examples/frameworks/requirements.txt`, every version pinned),
/// made once under `target/`: its interpreter.
pub fn frameworks_python() -> Result<String, String> {
    let venv = Path::new("target/venv-frameworks");
    let python = venv.join("bin/python");
    let requirements = "python/examples/frameworks/requirements.txt";
    // Installed once per version of the requirements: a copy beside the venv says which.
    let installed = venv.join("requirements.txt");
    let wanted = std::fs::read_to_string(requirements).map_err(|e| format!("{requirements}: {e}"))?;
    if !python.exists() || std::fs::read_to_string(&installed).ok().as_deref() != Some(wanted.as_str()) {
        let _ = std::fs::remove_dir_all(venv);
        run(Command::new("python3").arg("-m").arg("venv").arg(venv))?;
        run(Command::new(&python).args(["-m", "pip", "install", "-q", "--disable-pip-version-check", "-r", requirements]))?;
        std::fs::write(&installed, wanted).map_err(|e| format!("{}: {e}", installed.display()))?;
    }
    // Absolute, but not resolved: the venv's `python` is a symbolic link to
    // the base interpreter, which does not see the venv's packages.
    let cwd = std::env::current_dir().map_err(|e| format!("the current directory: {e}"))?;
    Ok(cwd.join(python).display().to_string())
}

/// The `wasm-bindgen` version in Cargo.lock.
fn wasm_bindgen_version() -> Result<String, String> {
    let lock = std::fs::read_to_string("Cargo.lock").map_err(|e| format!("Cargo.lock: {e}"))?;
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == "name = \"wasm-bindgen\"" {
            if let Some(version) = lines.next().and_then(|l| l.trim().strip_prefix("version = \"")) {
                return Ok(version.trim_end_matches('"').to_string());
            }
        }
    }
    Err("Cargo.lock names no wasm-bindgen version".into())
}

/// Makes `~/.cargo/bin` and the npm tools (wasm-opt) visible to Trunk.
fn prepend_path() {
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let cwd = std::env::current_dir().unwrap_or_default();
    let old = std::env::var("PATH").unwrap_or_default();
    let new = format!("{}:{home}/.cargo/bin:{old}", cwd.join("node_modules/.bin").display());
    std::env::set_var("PATH", new);
}

fn output(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Python 3.8 and 3.13 interpreters, where installed (on PATH or by pyenv):
/// the oldest and newest the exporter supports. Says which were not found.
pub fn other_pythons() -> Vec<(&'static str, String)> {
    let home = std::env::var("HOME").unwrap_or_else(|_| "/root".into());
    let mut found = Vec::new();
    for version in ["3.8", "3.13"] {
        let on_path = format!("python{version}");
        let pyenv = std::fs::read_dir(format!("{home}/.pyenv/versions"))
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.file_name().is_some_and(|n| n.to_string_lossy().starts_with(&format!("{version}."))))
            .map(|p| p.join("bin/python"))
            .find(|p| p.exists());
        match (output(&on_path, &["--version"]).is_some(), pyenv) {
            (true, _) => found.push((version, on_path)),
            (false, Some(p)) => found.push((version, p.display().to_string())),
            (false, None) => eprintln!("note: no Python {version} here; the exporter runs on the default python3 only"),
        }
    }
    found
}
