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
    fn the_core_uses_threads_and_clocks_only_outside_wasm() {
        // The browser worker has one thread and no `Instant`: the core may use
        // either only in an item marked `#[cfg(not(target_arch = "wasm32"))]`
        // (the attribute on the line before the statement that uses it).
        let forbidden = ["std::thread", "thread::spawn", "thread::scope", "std::time", "Instant::", "SystemTime"];
        let mut found = Vec::new();
        for f in files("crates/core/src", ".rs") {
            let text = std::fs::read_to_string(&f).unwrap();
            let lines: Vec<&str> = text.lines().collect();
            for (i, line) in lines.iter().enumerate() {
                let line = line.split("//").next().unwrap_or("");
                let Some(token) = forbidden.iter().find(|t| line.contains(*t)) else { continue };
                let previous = lines[..i].iter().rev().map(|l| l.trim()).find(|l| !l.is_empty() && !l.starts_with("//"));
                if previous != Some("#[cfg(not(target_arch = \"wasm32\"))]") {
                    found.push(format!("{}:{}: {token}", f.strip_prefix(root()).unwrap().display(), i + 1));
                }
            }
        }
        assert!(found.is_empty(), "threads or clocks in the core outside a non-wasm cfg:\n{}", found.join("\n"));
    }

    #[test]
    fn browser_tests_never_sleep() {
        // They wait on the page's own state through the page object (e2e/app-page.mjs).
        for f in files("e2e", ".mjs") {
            let text = std::fs::read_to_string(&f).unwrap();
            for forbidden in ["waitForTimeout(", "await new Promise((r) => setTimeout", "await new Promise((ok) => setTimeout"] {
                assert!(!text.contains(forbidden), "{} sleeps (`{forbidden}`): wait on data-state/data-busy instead", f.display());
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

    /// Strips `//` comments, so a rule's wording in a doc does not trip it.
    fn code(text: &str) -> String {
        text.lines().map(|l| l.split("//").next().unwrap_or("")).collect::<Vec<_>>().join("\n")
    }

    #[test]
    fn facts_are_computed_in_the_core() {
        // A number or spelling that two fronts show comes from `heapscope_core::view`
        // or `heapscope_core::units`. These are the ways a front would compute one itself.
        let computing = [
            ("components.iter()", "cycle counts: HeapView::overview"),
            ("distances.unreachable()", "unreachable totals: HeapView::overview"),
            ("roots.len()", "root counts: HeapView::overview (distinct root objects)"),
            ("strip_prefix(\"builtins.\")", "short type names: view::short_type_name"),
            ("\"KiB\"", "sizes: units::format_bytes"),
            ("retainers::referrers(", "ranked referrers: HeapView::referrers"),
            ("objects_of_type(", "instances by size: HeapView::instances_by_retained / largest_instance"),
            ("Matched::", "how a search matched: Matched::as_str"),
            (" ×{", "cycle type summaries: Cycle::type_summary"),
            ("}×{", "cycle type summaries: Cycle::type_summary"),
        ];
        let mut found = Vec::new();
        for dir in ["src", "crates/worker/src", "crates/cli/src"] {
            for f in files(dir, ".rs") {
                let rel = f.strip_prefix(root()).unwrap().display().to_string();
                let text = code(&std::fs::read_to_string(&f).unwrap());
                for (pattern, home) in computing {
                    // The CLI prints tracemalloc statistics the way CPython does, on purpose.
                    if rel == "crates/cli/src/table.rs" && pattern == "\"KiB\"" {
                        continue;
                    }
                    // The V8 converter (benchmark tooling) writes one edge per root record:
                    // a count of the file's structure, not a fact any front shows.
                    if rel == "crates/cli/src/heapsnapshot.rs" && pattern == "roots.len()" {
                        continue;
                    }
                    if text.contains(pattern) {
                        found.push(format!("{rel}: `{pattern}` — {home}"));
                    }
                }
            }
        }
        assert!(found.is_empty(), "fronts computing facts the core owns:\n{}", found.join("\n"));
    }

    #[test]
    fn the_app_uses_the_core_only_for_spellings() {
        // The main thread never parses or analyses: it may use the core's formatters only.
        let allowed = ["heapscope_core::units::", "heapscope_core::view::short_type_name"];
        for f in files("src", ".rs") {
            let text = code(&std::fs::read_to_string(&f).unwrap());
            for (i, _) in text.match_indices("heapscope_core") {
                let rest = &text[i..];
                assert!(
                    allowed.iter().any(|a| rest.starts_with(a)),
                    "{} uses the core beyond its spellings: {}",
                    f.display(),
                    &rest[..rest.len().min(60)]
                );
            }
        }
    }

    /// The text of a file below the root.
    fn read(path: &str) -> String {
        std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    /// The text after `start` up to the next `end`, or a panic naming both.
    fn between<'a>(text: &'a str, start: &str, end: &str, what: &str) -> &'a str {
        let from = text.find(start).unwrap_or_else(|| panic!("{what}: `{start}` not found")) + start.len();
        let len = text[from..].find(end).unwrap_or_else(|| panic!("{what}: no `{end}` after `{start}`"));
        &text[from..from + len]
    }

    /// The double-quoted strings of a piece of text, in order.
    fn quoted(text: &str) -> Vec<String> {
        text.split('"').skip(1).step_by(2).map(str::to_string).collect()
    }

    /// Python's reference kinds (the exporter's `REFERENCE_KINDS` and a
    /// `K_` code for each), Rust's `RefKind` (declaration order, `ALL`,
    /// `format_name`) and docs/format.md (the kinds table and the `meta`
    /// example) and its schema name the same kinds in the same order: a kind
    /// added to one and not the others fails here.
    #[test]
    fn reference_kinds_agree() {
        let py = read("python/heapscope/_export/format_v1.py");
        let python = quoted(between(&py, "REFERENCE_KINDS = [", "]", "format_v1.py"));
        let mut codes: Vec<String> = py
            .lines()
            .filter(|l| l.starts_with("K_"))
            .map(|l| quoted(between(l, "REFERENCE_KINDS.index(", ")", "a K_ code")).concat())
            .collect();
        codes.sort();
        let mut sorted = python.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), python.len(), "REFERENCE_KINDS has duplicates: {python:?}");
        assert_eq!(codes, sorted, "format_v1.py: every reference kind needs exactly one `K_... = REFERENCE_KINDS.index(...)`");

        let rs = read("crates/core/src/graph.rs");
        let declared: Vec<String> = between(&rs, "pub enum RefKind {", "}", "graph.rs")
            .lines()
            .map(|l| l.trim().trim_end_matches(',').split(" = ").next().unwrap().to_string())
            .filter(|l| !l.is_empty() && !l.starts_with("//"))
            .collect();
        let all: Vec<String> = between(&rs, "pub const ALL: [RefKind;", "];", "graph.rs")
            .split("RefKind::")
            .skip(1)
            .map(|v| v.trim().trim_end_matches(',').to_string())
            .collect();
        assert_eq!(declared, all, "graph.rs: RefKind::ALL must list the variants in declaration order (their codes)");
        let arms = between(&rs, "pub fn format_name(self) -> &'static str {", "\n    }\n", "graph.rs");
        let rust: Vec<String> = all
            .iter()
            .map(|v| {
                let arm = between(arms, &format!("RefKind::{v} =>"), ",", "RefKind::format_name");
                quoted(arm).concat()
            })
            .collect();
        assert_eq!(rust, python, "Rust's RefKind (ALL, format_name) and the exporter's REFERENCE_KINDS differ");

        let md = read("docs/format.md");
        let table: Vec<String> = md
            .split_once("Reference kinds and their `name`:")
            .expect("format.md: the reference kinds table")
            .1
            .trim_start()
            .lines()
            .take_while(|l| l.starts_with('|'))
            .skip(2)
            .map(|row| row.split('|').nth(1).unwrap().trim().trim_matches('`').to_string())
            .collect();
        assert_eq!(table, python, "docs/format.md's reference kinds table and the exporter's REFERENCE_KINDS differ");
        let example = quoted(between(&md, "\"reference_kinds\":", "]", "format.md's meta example"));
        assert_eq!(example, python, "docs/format.md's meta example lists other reference kinds");
        let schema = read("docs/format.schema.json");
        let mut in_schema = quoted(between(&schema, "\"reference_kinds\": {", "]\n", "format.schema.json"));
        in_schema.retain(|s| !matches!(s.as_str(), "allOf" | "$ref" | "#/$defs/nameList" | "contains" | "const"));
        in_schema.sort();
        assert_eq!(in_schema, sorted, "docs/format.schema.json requires other reference kinds");
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
