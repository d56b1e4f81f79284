//! Tidy checks, run as ordinary tests by `cargo test --workspace`: the
//! project's written invariants (ARCHITECTURE.md) checked on its files.

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    fn root() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
    }

    /// Every file below `dir` (relative to the root) whose name ends in `ext`,
    /// skipping build output.
    fn files(dir: &str, ext: &str) -> Vec<PathBuf> {
        let mut out = Vec::new();
        let mut stack = vec![root().join(dir)];
        while let Some(d) = stack.pop() {
            let Ok(entries) = std::fs::read_dir(&d) else { continue };
            for e in entries.flatten() {
                let p = e.path();
                let name = p.file_name().unwrap().to_string_lossy().into_owned();
                if p.is_dir() {
                    if !matches!(name.as_str(), "target" | "node_modules" | "dist" | "corpus" | "artifacts") {
                        stack.push(p);
                    }
                } else if name.ends_with(ext) {
                    out.push(p);
                }
            }
        }
        out.sort();
        out
    }

    #[test]
    fn every_rust_file_starts_with_a_module_doc() {
        let mut missing = Vec::new();
        for dir in ["src", "crates", "xtask", "fuzz"] {
            for f in files(dir, ".rs") {
                let text = std::fs::read_to_string(&f).unwrap();
                if !text.trim_start().starts_with("//!") && !text.trim_start().starts_with("#![") {
                    missing.push(f.strip_prefix(root()).unwrap().display().to_string());
                }
            }
        }
        assert!(missing.is_empty(), "files without a `//!` doc: {missing:#?}");
    }

    #[test]
    fn the_core_knows_nothing_of_the_browser() {
        let manifest = std::fs::read_to_string(root().join("crates/core/Cargo.toml")).unwrap();
        for forbidden in ["wasm-bindgen", "web-sys", "js-sys", "leptos", "serde-wasm-bindgen"] {
            assert!(!manifest.contains(forbidden), "crates/core depends on {forbidden}");
        }
        for f in files("crates/core/src", ".rs") {
            let text = std::fs::read_to_string(&f).unwrap();
            for forbidden in ["std::fs", "std::time::Instant", "web_sys", "wasm_bindgen"] {
                assert!(!text.contains(forbidden), "{} uses {forbidden}", f.display());
            }
        }
    }

    #[test]
    fn snapshot_strings_are_never_html() {
        for dir in ["src", "crates/worker/src"] {
            for f in files(dir, ".rs") {
                let text = std::fs::read_to_string(&f).unwrap();
                for forbidden in ["inner_html", "set_inner_html", "outer_html", "insert_adjacent_html"] {
                    assert!(!text.contains(forbidden), "{} uses {forbidden}: snapshot strings must stay text", f.display());
                }
            }
        }
    }

    #[test]
    fn core_types_are_not_a_wire_format() {
        // Serialization lives at the boundaries (protocol, CLI output), not on core types.
        for f in files("crates/core/src", ".rs") {
            let text = std::fs::read_to_string(&f).unwrap();
            assert!(!text.contains("derive(Serialize") && !text.contains("Serialize)]"), "{} derives Serialize", f.display());
        }
    }

    /// The core's top-level modules import each other without a circle
    /// (e.g. `model` uses `graph`, so `graph` must not use `model`).
    #[test]
    fn core_modules_have_no_import_circles() {
        let src = root().join("crates/core/src");
        let module_of = |f: &Path| {
            let rel = f.strip_prefix(&src).unwrap();
            let first = rel.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
            first.trim_end_matches(".rs").to_string()
        };
        let modules: std::collections::BTreeSet<String> =
            files("crates/core/src", ".rs").iter().map(|f| module_of(f)).filter(|m| m != "lib").collect();
        let mut uses: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> = Default::default();
        for f in files("crates/core/src", ".rs") {
            let from = module_of(&f);
            let text = std::fs::read_to_string(&f).unwrap();
            for line in text.lines().map(str::trim_start).filter(|l| !l.starts_with("//")) {
                for (i, _) in line.match_indices("crate::") {
                    let rest = &line[i + "crate::".len()..];
                    let to: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                    if to != from && modules.contains(&to) {
                        uses.entry(from.clone()).or_default().insert(to);
                    }
                }
            }
        }
        // Depth-first search for a back edge, iteratively.
        for start in &modules {
            let mut stack = vec![(start.clone(), vec![start.clone()])];
            while let Some((at, path)) = stack.pop() {
                for next in uses.get(&at).into_iter().flatten() {
                    assert!(next != start, "import circle in the core: {} → {next}", path.join(" → "));
                    if !path.contains(next) {
                        let mut p = path.clone();
                        p.push(next.clone());
                        stack.push((next.clone(), p));
                    }
                }
            }
        }
    }
}
