//! `cargo xtask wheel`: the `heapscope` Python wheel, built by maturin.
//!
//! One wheel holds the Python package (`python/heapscope`: exporter, the
//! `heapscope` launcher, report writer, pytest plugin), the native CLI as
//! `heapscope-native` (maturin `bindings = "bin"`, see the root
//! `pyproject.toml`) and the single-file app as the report template
//! (`heapscope/_app/heapscope.html`, copied from `dist-single/` here; it is
//! generated, so git ignores it). The binary does not link Python, so the
//! wheel is `py3-none-<platform>`: one wheel per platform serves CPython
//! 3.8+. maturin is installed from PyPI when missing.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::run;

pub const MATURIN_VERSION: &str = "1.16.0";
const TEMPLATE: &str = "python/heapscope/_app/heapscope.html";

/// `cargo xtask wheel [--app FILE]`: with `--app`, an already packed
/// single-file app is used; otherwise the app is built and packed first.
pub fn command(args: &[String]) -> Result<(), String> {
    let app = match args {
        [] => {
            crate::tools::ensure_build_tools()?;
            crate::build_release()?;
            crate::single_file::pack(Path::new("dist"), Path::new("dist-single"))?
        }
        [flag, file] if flag == "--app" => PathBuf::from(file),
        _ => return Err("usage: cargo xtask wheel [--app dist-single/heapscope.html]".into()),
    };
    build(&app).map(drop)
}

/// Builds the wheel into `target/wheels/` and returns its path.
pub fn build(app: &Path) -> Result<PathBuf, String> {
    let html = std::fs::read_to_string(app).map_err(|e| format!("wheel: {}: {e}", app.display()))?;
    if !html.contains("__HEAPSCOPE_EMBEDDED__") {
        return Err(format!("wheel: {} is not a single-file app that opens embedded snapshots (cargo xtask single-file)", app.display()));
    }
    std::fs::create_dir_all(Path::new(TEMPLATE).parent().expect("a directory")).map_err(|e| format!("wheel: {e}"))?;
    std::fs::write(TEMPLATE, html).map_err(|e| format!("wheel: {TEMPLATE}: {e}"))?;
    ensure_maturin()?;
    let out = Path::new("target/wheels");
    // Only this build's wheel is in the folder afterwards, so the path is unambiguous.
    let _ = std::fs::remove_dir_all(out);
    run(Command::new("python3").args(["-m", "maturin", "build", "--release", "--out"]).arg(out))?;
    let wheels: Vec<PathBuf> = std::fs::read_dir(out)
        .map_err(|e| format!("wheel: {}: {e}", out.display()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "whl"))
        .collect();
    match wheels.as_slice() {
        [wheel] => {
            let size = std::fs::metadata(wheel).map(|m| m.len()).unwrap_or(0);
            eprintln!("{}: {} KB", wheel.display(), size / 1000);
            Ok(wheel.clone())
        }
        _ => Err(format!("wheel: expected one wheel in {}, found {}", out.display(), wheels.len())),
    }
}

fn ensure_maturin() -> Result<(), String> {
    let have = Command::new("python3").args(["-m", "maturin", "--version"]).output().ok().filter(|o| o.status.success());
    if have.is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == format!("maturin {MATURIN_VERSION}")) {
        return Ok(());
    }
    run(Command::new("python3").args(["-m", "pip", "install", "-q", "--disable-pip-version-check", &format!("maturin=={MATURIN_VERSION}")]))
}
