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
/// zig, the cross linker for `--target` (manylinux2014 glibc symbols).
const ZIGLANG_VERSION: &str = "0.17.1";
const TEMPLATE: &str = "python/heapscope/_app/heapscope.html";

/// `cargo xtask wheel [--app FILE] [--target TRIPLE]`: with `--app`, an
/// already packed single-file app is used; otherwise the app is built and
/// packed first. With `--target` (e.g. `aarch64-unknown-linux-gnu`) the
/// native CLI is cross-compiled with zig (`ziglang` from PyPI) for
/// manylinux2014; the rust target must be installed (`rustup target add`).
pub fn command(args: &[String]) -> Result<(), String> {
    let mut app = None;
    let mut target = None;
    let mut rest = args.iter();
    while let Some(flag) = rest.next() {
        let slot = match flag.as_str() {
            "--app" => &mut app,
            "--target" => &mut target,
            _ => return Err(USAGE.into()),
        };
        *slot = Some(rest.next().ok_or(USAGE)?.clone());
    }
    let app = match app {
        Some(file) => PathBuf::from(file),
        None => {
            crate::tools::ensure_build_tools()?;
            crate::build_release()?;
            crate::single_file::pack(Path::new("dist"), Path::new("dist-single"))?
        }
    };
    build_for(&app, target.as_deref()).map(drop)
}

const USAGE: &str = "usage: cargo xtask wheel [--app dist-single/heapscope.html] [--target aarch64-unknown-linux-gnu]";

/// Builds the wheel for this machine into `target/wheels/` and returns its path.
pub fn build(app: &Path) -> Result<PathBuf, String> {
    build_for(app, None)
}

/// Builds the wheel (cross-compiled with zig when `target` is given) into
/// `target/wheels/` and returns its path.
fn build_for(app: &Path, target: Option<&str>) -> Result<PathBuf, String> {
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
    let mut maturin = Command::new("python3");
    maturin.args(["-m", "maturin", "build", "--release", "--out"]).arg(out);
    if let Some(target) = target {
        ensure_pip("ziglang", ZIGLANG_VERSION)?;
        maturin.args(["--target", target, "--zig", "--compatibility", "manylinux2014"]);
    }
    run(&mut maturin)?;
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
    ensure_pip("maturin", MATURIN_VERSION)
}

/// Installs `package==version` from PyPI unless that version is installed.
fn ensure_pip(package: &str, version: &str) -> Result<(), String> {
    let probe = format!("import importlib.metadata as m; print(m.version({package:?}))");
    let have = Command::new("python3").args(["-c", &probe]).output().ok().filter(|o| o.status.success());
    if have.is_some_and(|o| String::from_utf8_lossy(&o.stdout).trim() == version) {
        return Ok(());
    }
    run(Command::new("python3").args(["-m", "pip", "install", "-q", "--disable-pip-version-check", &format!("{package}=={version}")]))
}
