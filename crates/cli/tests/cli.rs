//! Runs the `heapscope` binary on fixtures.

use std::path::PathBuf;
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_heapscope"))
}

fn data(name: &str) -> String {
    format!("{}/../core/tests/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn run(args: &[&str]) -> Output {
    bin().args(args).output().expect("run heapscope")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A synthetic heap written by `heapscope synth` into a temp dir.
fn synth(name: &str, objects: usize, seed: u64) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("heapscope-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let o = run(&["synth", "--objects", &objects.to_string(), "--seed", &seed.to_string(), "--out", path.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    path
}

#[test]
fn heap_commands_print_tables_and_json() {
    let heap = synth("a.heapscope.json.gz", 5000, 3);
    let heap = heap.to_str().unwrap();
    for args in [
        vec!["summary", heap],
        vec!["types", heap],
        vec!["types", heap, "--by-module", "--fold-dicts"],
        vec!["retainers", heap, "--type", "app.models.Request", "--paths", "2"],
        vec!["dominators", heap],
        vec!["cycles", heap],
        vec!["suspects", heap],
        vec!["search", heap, "Request"],
    ] {
        let o = run(&args);
        assert!(o.status.success(), "{args:?}: {}", stderr(&o));
        assert!(!stdout(&o).is_empty(), "{args:?}");
        let mut json_args = args.clone();
        json_args.push("--json");
        let o = run(&json_args);
        assert!(o.status.success(), "{json_args:?}: {}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{json_args:?}: {e}"));
        assert!(!v.is_null());
    }
    let o = run(&["summary", heap, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["heap"]["objects"].as_u64().unwrap() >= 5000);
    let o = run(&["retainers", heap, "--type", "app.models.Request", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(!v["paths"].as_array().unwrap().is_empty());
    assert_eq!(v["paths"][0]["steps"].as_array().unwrap().last().unwrap()["to"], v["object"]["index"]);
}

#[test]
fn retainers_by_address_and_ignoring_a_retainer() {
    let heap = synth("b.heapscope.json", 3000, 5);
    let heap = heap.to_str().unwrap();
    let o = run(&["retainers", heap, "--type", "app.models.Request", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let address = v["object"]["address"].as_str().unwrap().to_string();
    let first_hop = v["paths"][0]["steps"][0]["to"].as_u64().unwrap();
    let o = run(&["retainers", heap, "--address", &address, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Ignore the module's dict: the path must go another way (or none remain).
    let search = run(&["search", heap, "app.mod0", "--json"]);
    let hits: serde_json::Value = serde_json::from_slice(&search.stdout).unwrap();
    assert!(!hits.as_array().unwrap().is_empty());
    let _ = first_hop;
    let dict = v["paths"][0]["steps"][0]["to"].as_u64().unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&run(&["retainers", heap, "--address", &address, "--json"]).stdout).unwrap();
    let dict_addr = summary["paths"][0]["steps"].as_array().unwrap().iter().find(|s| s["from"].as_u64() == Some(dict));
    assert!(dict_addr.is_some());
    let o = run(&["retainers", heap, "--address", &address, "--ignore", &address, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["paths"].as_array().unwrap().is_empty(), "an ignored object has no path");
}

#[test]
fn diff_fails_ci_past_the_growth_limit() {
    let before = synth("before.json", 4000, 9);
    let after = synth("after.json", 6000, 9);
    let (b, a) = (before.to_str().unwrap(), after.to_str().unwrap());
    let o = run(&["diff", b, a, "--max-growth", "Request=100"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("Request grew by"), "{}", stderr(&o));
    let o = run(&["diff", b, a, "--max-growth", "app.models.Request=1000000", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert!(v["new_objects"].as_u64().unwrap() >= 2000);
    let o = run(&["diff", b, a, "--max-growth", "Request"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn tracemalloc_matches_python_statistics() {
    let after = data("tm_after.pickle");
    let o = run(&["tracemalloc", &after, "--json", "--limit", "1000"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let got: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let expected: serde_json::Value = serde_json::from_slice(&std::fs::read(data("tm_expected.json")).unwrap()).unwrap();
    let want = expected["after"]["lineno/False"].as_array().unwrap();
    let got = got.as_array().unwrap();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g["size"], w[1]);
        assert_eq!(g["count"], w[2]);
        assert_eq!(g["traceback"][0]["lineno"], w[0][0][1]);
    }
    let o = run(&["tracemalloc", &after, "--compare", &data("tm_before.pickle"), "--group-by", "filename", "--cumulative"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("make_fixtures.py:0: size="), "{}", stdout(&o));
    // Domain filters: every trace of a Python process is in domain 0.
    let total = |args: &[&str]| -> u64 {
        let o = run(args);
        assert!(o.status.success(), "{}", stderr(&o));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v.as_array().unwrap().iter().map(|s| s["count"].as_u64().unwrap()).sum()
    };
    let all = total(&["tracemalloc", &after, "--json", "--limit", "100000"]);
    assert!(all > 0);
    assert_eq!(total(&["tracemalloc", &after, "--json", "--limit", "100000", "--include-domain", "0"]), all);
    assert_eq!(total(&["tracemalloc", &after, "--json", "--limit", "100000", "--exclude-domain", "0"]), 0);
    let o = run(&["tracemalloc", &after, "--group-by", "traceback", "--cumulative"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("cumulative"), "{}", stderr(&o));
}

#[test]
fn bad_input_is_one_line_and_a_failure() {
    let dir = std::env::temp_dir().join(format!("heapscope-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let cases: [(&str, &[u8], &str); 4] = [
        ("empty", b"", "empty"),
        ("junk", b"\x00\x01\x02", "not a heap snapshot"),
        ("truncated.json", b"{\"format\": \"heapscope\", \"version\": 1, \"heap\": {\"objects\": [1,", "ends too early"),
        ("evil.pickle", b"\x80\x02cos\nsystem\n.", "os.system"),
    ];
    for (name, bytes, expect) in cases {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        let o = run(&["summary", p.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1), "{name}");
        let err = stderr(&o);
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
        assert!(err.starts_with("heapscope: ") && err.contains(expect), "{name}: {err}");
    }
    let o = run(&["summary", "/nonexistent/file"]);
    assert_eq!(o.status.code(), Some(1));
    let o = run(&["types", &data("tm_after.pickle")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("no object graph"), "{}", stderr(&o));
}
