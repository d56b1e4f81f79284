//! heapscope's automation, run as `cargo xtask <command>`.
//!
//! - `serve`: install what is missing, build the release app, serve it at
//!   http://127.0.0.1:8080.
//! - `test`: install what is missing, then run every test: native cargo tests,
//!   wasm-bindgen tests in headless Chromium, the Python exporter's tests, the
//!   fuzz smoke and the Playwright end-to-end tests.
//! - `build`: install what is missing and build the release app into `dist/`.
//! - `bench [--only native,browser,exporter,memlab] [--sizes 1e5,1e6,3e6] [--heap synth|export]`:
//!   every benchmark (native, browser, exporter, and memlab on the same
//!   graphs) in one run, written as one table with the machine's load
//!   (`bench.rs`; memlab is installed from npm into `target/bench/memlab/`).
//! - `bench-browser [OBJECTS...]`: the browser benchmark (not a test): time
//!   from choosing a synthetic snapshot to the Overview shown, worker memory,
//!   longest main-thread task; default sizes 10^5 and 10^6 objects.
//! - `single-file`: build, then pack `dist/` into one self-contained
//!   `dist-single/heapscope.html` that works from file:// (`--from DIR`
//!   packs an existing build instead).
//!
//! - `wheel [--app FILE] [--target TRIPLE]`: the `heapscope` Python wheel (exporter, native
//!   analyses, report template) with maturin, into `target/wheels/`.
//!
//! Installs only from package registries (crates.io, npm, PyPI, Debian) and
//! skips whatever is already there.

mod bench;
mod offline;
mod single_file;
mod tidy;
mod tools;
mod wheel;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};
use std::time::Instant;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let root = project_root();
    std::env::set_current_dir(&root).expect("the project root exists");
    let result = match args.first().map(String::as_str) {
        Some("serve") => serve(&args[1..]),
        Some("build") => tools::ensure_build_tools().and_then(|()| build_release()),
        Some("test") => test(),
        Some("single-file") => single_file::command(&args[1..]),
        Some("wheel") => wheel::command(&args[1..]),
        Some("bench") => bench::command(&args[1..]),
        Some("bench-browser") => bench_browser(&args[1..]),
        _ => {
            Err("usage: cargo xtask (serve [--port N] | build | test | single-file [--from DIR] | wheel [--app FILE] [--target TRIPLE] | bench [--only STEPS] [--sizes N,N] [--heap synth|export] | bench-browser [OBJECTS...])".to_string())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn project_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("xtask lives in the project root").to_path_buf()
}

/// A binary of the release build: in `$CARGO_TARGET_DIR/release/` when that
/// is set (as cargo puts it there), else `target/release/`.
pub fn release_bin(name: &str) -> PathBuf {
    let dir = std::env::var_os("CARGO_TARGET_DIR").filter(|d| !d.is_empty()).map_or_else(|| PathBuf::from("target"), PathBuf::from);
    dir.join("release").join(name)
}

/// Runs a command, echoing it; an error names the command that failed.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    eprintln!("$ {}", describe(cmd));
    let status = cmd.status().map_err(|e| format!("cannot start `{}`: {e}", describe(cmd)))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{}` failed ({status})", describe(cmd)))
    }
}

pub fn describe(cmd: &Command) -> String {
    let mut parts = vec![cmd.get_program().to_string_lossy().into_owned()];
    parts.extend(cmd.get_args().map(|a| a.to_string_lossy().into_owned()));
    parts.join(" ")
}

pub fn build_release() -> Result<(), String> {
    run(Command::new("cargo").args(["fetch"]))?;
    run(Command::new("trunk").args(["build", "--release"]))?;
    offline::stamp_service_worker(Path::new("dist"))?;
    report_sizes()
}

/// Prints the size of each .wasm in dist/, raw and gzipped (for README).
fn report_sizes() -> Result<(), String> {
    let entries = std::fs::read_dir("dist").map_err(|e| format!("dist/: {e}"))?;
    for entry in entries.flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|e| e == "wasm") {
            let raw = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            let gz = Command::new("gzip").args(["-9", "-c"]).arg(&path).output().map(|o| o.stdout.len()).unwrap_or(0);
            eprintln!("{}: {} KB, {} KB gzipped", path.display(), raw / 1000, gz / 1000);
        }
    }
    Ok(())
}

fn serve(args: &[String]) -> Result<(), String> {
    let port = match args {
        [] => "8080".to_string(),
        [flag, port] if flag == "--port" => port.clone(),
        _ => return Err("usage: cargo xtask serve [--port N]".into()),
    };
    tools::ensure_build_tools()?;
    build_release()?;
    eprintln!("heapscope is at http://127.0.0.1:{port}/ (Ctrl-C stops it)");
    run(Command::new("node").args(["e2e/serve.mjs", "dist", &port]))
}

fn bench_browser(args: &[String]) -> Result<(), String> {
    tools::ensure_build_tools()?;
    tools::ensure_test_tools()?;
    build_release()?;
    run(Command::new("cargo").args(["build", "--release", "-p", "heapscope-cli"]))?;
    let sizes: Vec<String> = if args.is_empty() { vec!["100000".into(), "1000000".into()] } else { args.to_vec() };
    std::fs::create_dir_all("target/bench").map_err(|e| format!("target/bench: {e}"))?;
    let mut files = Vec::new();
    for n in &sizes {
        let file = format!("target/bench/synth-{n}.heapscope.json");
        if !Path::new(&file).exists() {
            run(Command::new(release_bin("heapscope")).args(["synth", "--objects", n, "--out", &file]))?;
        }
        files.push(file);
    }
    run(Command::new("node").arg("e2e/bench/browser.mjs").args(&files))
}

fn test() -> Result<(), String> {
    let started = Instant::now();
    tools::ensure_build_tools()?;
    tools::ensure_test_tools()?;
    let mut steps: Vec<(String, Result<(), String>)> =
        vec![("formatting (cargo fmt --check)".into(), run(Command::new("cargo").args(["fmt", "--all", "--", "--check"])))];
    // The framework leak programs run on Flask, SQLAlchemy, Django… from
    // PyPI, in a venv of their own (crates/core/tests/leak_suspects.rs).
    let frameworks = tools::frameworks_python();
    let mut native = Command::new("cargo");
    native.args(["test", "--workspace"]);
    if let Ok(python) = &frameworks {
        native.env("HEAPSCOPE_FRAMEWORKS_PYTHON", python);
    }
    steps.push(("framework venv for the framework leak programs (PyPI)".into(), frameworks.map(drop)));
    steps.push(("native cargo tests".into(), run(&mut native)));
    // Lints deny warnings, natively and for the two wasm binaries (the app
    // and the worker compile code natively tests never build).
    steps.push((
        "clippy (native, all targets)".into(),
        run(Command::new("cargo").args(["clippy", "--keep-going", "--workspace", "--all-targets", "--", "-D", "warnings"])),
    ));
    steps.push((
        "clippy (wasm32: app and worker)".into(),
        run(Command::new("cargo").args([
            "clippy",
            "--keep-going",
            "--target",
            "wasm32-unknown-unknown",
            "-p",
            "heapscope-app",
            "-p",
            "heapscope-worker",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ])),
    ));
    steps.push((
        "wasm-bindgen tests (headless Chromium)".into(),
        run(Command::new("cargo")
            .args(["test", "--target", "wasm32-unknown-unknown", "-p", "heapscope-worker", "--tests"])
            .env("CHROMEDRIVER", "/usr/bin/chromedriver")),
    ));
    // The release app and the wheel first: the wheel's build leaves the
    // native CLI (target/release/heapscope-native, fresh from this checkout)
    // that the pytest plugin's tests run 20 growth reports with, at release
    // speed; the e2e and wheel steps below use both.
    let built = build_release().and_then(|()| single_file::pack(Path::new("dist"), Path::new("dist-single")).map(drop));
    let wheel = built.clone().and_then(|()| wheel::build(Path::new("dist-single/heapscope.html")));
    let mut pytest = Command::new("python3");
    pytest.args(["-m", "pytest", "python/tests", "-q"]);
    let native = release_bin("heapscope-native");
    if wheel.is_ok() && native.is_file() {
        pytest.env("HEAPSCOPE_TEST_NATIVE", native.canonicalize().unwrap_or_else(|_| native.clone()));
    }
    steps.push(("python exporter tests".into(), run(&mut pytest)));
    // The exporter supports Python 3.8+: where the oldest and newest
    // interpreters are installed (pyenv), run its heap tests there too.
    for (version, python) in tools::other_pythons() {
        let result = run(Command::new(&python).args([
            "-m",
            "pip",
            "install",
            "-q",
            "--disable-pip-version-check",
            "-r",
            "python/requirements-test.txt",
        ]))
        .and_then(|()| {
            run(Command::new(&python).args([
                "-m",
                "pytest",
                "python/tests/test_exporter.py",
                "python/tests/test_exporter_consistency.py",
                "python/tests/test_leaks.py",
                "-q",
                "-p",
                "no:cacheprovider",
            ]))
        });
        steps.push((format!("python exporter heap tests on {version}"), result));
    }
    steps.push(("fuzz smoke".into(), run(Command::new("bash").arg("fuzz/smoke.sh"))));
    let e2e = built.and_then(|()| run(Command::new("node").args(["--test", "--test-concurrency=1", "e2e/"])));
    steps.push(("end-to-end tests (Playwright, Chromium)".into(), e2e));
    // The wheel (maturin): built from the packed app, installed into fresh
    // venvs, every subcommand run (python/tests_wheel/).
    let wheel = wheel.and_then(|whl| {
        run(Command::new("python3")
            .args(["-m", "pytest", "python/tests_wheel", "-q", "-p", "no:cacheprovider"])
            .env("HEAPSCOPE_WHEEL", whl))
    });
    steps.push(("wheel: build (maturin), install in a fresh venv, every subcommand".into(), wheel));
    eprintln!("\n== summary ({} s) ==", started.elapsed().as_secs());
    let mut failed = 0;
    for (name, result) in &steps {
        match result {
            Ok(()) => eprintln!("ok      {name}"),
            Err(e) => {
                failed += 1;
                eprintln!("FAILED  {name}: {e}");
            }
        }
    }
    // The plain closing line CI reads: every step is a whole test runner.
    println!("steps: {} passed, {failed} failed", steps.len() - failed);
    if failed > 0 {
        Err(format!("{failed} of {} test steps failed", steps.len()))
    } else {
        Ok(())
    }
}
