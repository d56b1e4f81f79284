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
    assert_eq!(v["paths"][0]["steps"].as_array().unwrap().last().unwrap()["to_index"], v["object"]["index"]);
}

#[test]
fn retainers_by_address_and_ignoring_a_retainer() {
    let heap = synth("b.heapscope.json", 3000, 5);
    let heap = heap.to_str().unwrap();
    let o = run(&["retainers", heap, "--type", "app.models.Request", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let address = v["object"]["address"].as_str().unwrap().to_string();
    let first_hop = v["paths"][0]["steps"][0]["to_index"].as_u64().unwrap();
    let o = run(&["retainers", heap, "--address", &address, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Ignore the module's dict: the path must go another way (or none remain).
    let search = run(&["search", heap, "app.mod0", "--json"]);
    let hits: serde_json::Value = serde_json::from_slice(&search.stdout).unwrap();
    assert!(!hits.as_array().unwrap().is_empty());
    let none = run(&["search", heap, "no-such-thing-anywhere"]);
    assert!(String::from_utf8_lossy(&none.stdout).contains("no object's address, type or description contains `no-such-thing-anywhere`"));
    let _ = first_hop;
    let dict = v["paths"][0]["steps"][0]["to_index"].as_u64().unwrap();
    let summary: serde_json::Value = serde_json::from_slice(&run(&["retainers", heap, "--address", &address, "--json"]).stdout).unwrap();
    let dict_addr = summary["paths"][0]["steps"].as_array().unwrap().iter().find(|s| s["from_index"].as_u64() == Some(dict));
    assert!(dict_addr.is_some());
    // Ignoring the object itself would say it has no path: refused.
    let o = run(&["retainers", heap, "--address", &address, "--ignore", &address, "--json"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("is the object being explained"), "{}", stderr(&o));
    // An --ignore that matches nothing says which option it was.
    let o = run(&["retainers", heap, "--address", &address, "--ignore", "0x1"]);
    assert!(stderr(&o).contains("--ignore 0x1") && stderr(&o).contains("no object has address 0x1"), "{}", stderr(&o));
    // A malformed address is refused before any file is read.
    for bad in ["0x+1000", "12ab", ""] {
        let o = run(&["retainers", "no-such-file.json", "--address", bad]);
        assert_eq!(o.status.code(), Some(2), "{bad}: {}", stderr(&o));
        assert!(stderr(&o).contains("is not an address"), "{bad}: {}", stderr(&o));
    }
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
    assert_eq!(o.status.code(), Some(2));
}

/// A limit that could never fail (a type in neither snapshot, a typo) is
/// refused with exit 2 and the closest types; so is a limit without a
/// number or a type, before any file is read.
#[test]
fn diff_refuses_a_limit_that_can_never_fail() {
    let before = synth("gate-before.json", 2000, 9);
    let after = synth("gate-after.json", 3000, 9);
    let (b, a) = (before.to_str().unwrap(), after.to_str().unwrap());
    let o = run(&["diff", b, a, "--max-growth", "Request=1000000", "--max-growth", "Reqest=100"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).trim_end(),
        "heapscope: --max-growth `Reqest=100`: no type `Reqest` in either snapshot (by full name or last component), \
         so this gate can never fail; did you mean `app.models.Request`?"
    );
    assert!(stdout(&o).is_empty());
    for (spec, says) in [
        ("Request=", "the number is missing after `Request=`"),
        ("=5", "the type is missing"),
        ("Request=ten", "`ten` is not a whole number"),
    ] {
        let o = run(&["diff", "no-such-file", "no-such-file", "--max-growth", spec]);
        assert_eq!(o.status.code(), Some(2), "{spec}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{spec}: {}", stderr(&o));
    }
}

/// `--limit 0` would print nothing, which reads as "there is nothing":
/// refused with exit 2, as any bad argument.
#[test]
fn a_limit_of_zero_is_refused() {
    let heap = synth("limit0.json", 1000, 4);
    let heap = heap.to_str().unwrap();
    for args in [
        vec!["suspects", heap],
        vec!["types", heap],
        vec!["tracemalloc", heap],
        vec!["mprof", heap],
        vec!["retainers", heap, "--type", "x", "--paths"],
    ] {
        let mut args = args.clone();
        if args[0] != "retainers" {
            args.push("--limit");
        }
        args.push("0");
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains("0 would show nothing; give 1 or more"), "{args:?}: {}", stderr(&o));
    }
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
        assert_eq!(g["size_bytes"], w[1]);
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
    // An empty answer says why, in the table.
    let o = run(&["tracemalloc", &after, "--exclude-domain", "0"]);
    assert!(o.status.success() && String::from_utf8_lossy(&o.stdout).contains("no trace passes the filters"), "{}", stderr(&o));
    // Grouped by traceback, a row reads as `str(Statistic)`: its oldest
    // frame (two tracebacks called from different lines read apart), then
    // the frames oldest first, as `Traceback.format()` lists them.
    let o = run(&["tracemalloc", &after, "--group-by", "traceback", "--limit", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let first = &expected["after"]["traceback/False"][0][0];
    let oldest = first.as_array().unwrap().last().unwrap();
    let at = |f: &serde_json::Value| format!("{}:{}", f[0].as_str().unwrap(), f[1]);
    assert!(text.starts_with(&format!("{}: size=", at(oldest))), "{text}");
    let listed: Vec<&str> = text.lines().skip(1).map(str::trim).collect();
    let frames: Vec<String> = first.as_array().unwrap().iter().rev().map(at).collect();
    assert_eq!(listed, frames);
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

/// A temp file with these bytes.
fn file(name: &str, bytes: &[u8]) -> String {
    let dir = std::env::temp_dir().join(format!("heapscope-cli-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p.to_str().unwrap().to_string()
}

/// A v1 snapshot: `objects` as (type string, size, description string),
/// `references` as (from, to), root 0. `strings` after the first `""`.
fn v1(objects: &[(i64, i64, i64)], references: &[(u32, u32)], strings: &[&str]) -> Vec<u8> {
    let objects: Vec<String> = objects.iter().enumerate().map(|(i, (t, s, d))| format!("{},{t},{s},0,{d},-1", 16 * (i + 1))).collect();
    let references: Vec<String> = references.iter().map(|(f, t)| format!("{f},{t},1,-1")).collect();
    let mut all = vec![String::new()];
    all.extend(strings.iter().map(|s| s.to_string()));
    format!(
        r#"{{"format": "heapscope", "version": 1, "heap": {{"objects": [{}], "references": [{}], "roots": [0,0,-1,0]}}, "strings": {}}}"#,
        objects.join(","),
        references.join(","),
        serde_json::to_string(&all).unwrap()
    )
    .into_bytes()
}

/// A chain of `n` objects: 0 → 1 → … → n-1.
fn chain(n: u32) -> Vec<u8> {
    let objects = vec![(1, 64, -1); n as usize];
    let references: Vec<(u32, u32)> = (1..n).map(|i| (i - 1, i)).collect();
    v1(&objects, &references, &["app.Node"])
}

/// Nothing recurses on the data's depth: the dominator tree of a
/// 30,000-long chain prints in full, as text and as (flat) JSON.
#[test]
fn a_deep_chain_prints_without_recursion() {
    let path = file("chain.json", &chain(30_000));
    let o = run(&["dominators", &path, "--depth", "30000", "--limit", "1"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(stdout(&o).lines().count(), 30_001);
    assert!(stdout(&o).lines().last().unwrap().contains("[29999]"), "deep levels show their number");
    let o = run(&["dominators", &path, "--depth", "30000", "--limit", "1", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let nodes = v["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 30_000);
    assert_eq!((nodes[29_999]["depth"].as_u64(), nodes[29_999]["parent_index"].as_u64()), (Some(29_999), Some(29_998)));
}

/// `heapscope … | head -1`: the reader goes away; the command stops quietly
/// with exit code 0 (no panic, nothing on stderr). The output (≈ 2 MB) is
/// far larger than a pipe's buffer, so a write fails however the two
/// processes are scheduled.
#[test]
fn a_closed_pipe_ends_quietly() {
    use std::io::Read;
    use std::process::Stdio;
    let path = file("pipe.json", &chain(30_000));
    for json in [false, true] {
        let mut args = vec!["dominators", path.as_str(), "--depth", "30000", "--limit", "1"];
        if json {
            args.push("--json");
        }
        let mut child = bin().args(&args).stdout(Stdio::piped()).stderr(Stdio::piped()).spawn().unwrap();
        let mut first = [0u8; 16];
        child.stdout.as_mut().unwrap().read_exact(&mut first).unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_eq!(o.status.code(), Some(0), "json={json}: {}", stderr(&o));
        assert!(o.stderr.is_empty(), "json={json}: {}", stderr(&o));
    }
}

/// Snapshot strings with terminal escapes (retitle, clear, BEL, NUL, C1,
/// right-to-left override) never reach the terminal raw; JSON escapes them.
#[test]
fn control_characters_in_snapshot_strings_are_escaped() {
    let evil = "x\u{1b}]0;pwned\u{7}\u{1b}[2J\u{0}\u{9b}\u{202e}gnp.exe\u{2066}";
    let path = file("evil.json", &v1(&[(1, 64, 2), (1, 64, 2)], &[(0, 1)], &[evil, evil]));
    for args in [
        vec!["types", path.as_str()],
        vec!["search", path.as_str(), "pwned"],
        vec!["retainers", path.as_str(), "--address", "0x20"],
        vec!["dominators", path.as_str()],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(0), "{args:?}: {}", stderr(&o));
        let text = stdout(&o);
        assert!(text.contains("pwned"), "{args:?}: {text}");
        assert!(
            !text.chars().any(|c| c.is_control() && c != '\n' || ('\u{202a}'..='\u{202e}').contains(&c) || c == '\u{2066}'),
            "{args:?}: {text:?}"
        );
        assert!(text.contains("\\u{1b}]0;pwned\\u{7}") && text.contains("\\u{202e}"), "{args:?}: {text}");
        let mut json_args = args.clone();
        json_args.push("--json");
        let o = run(&json_args);
        let raw = String::from_utf8(o.stdout.clone()).unwrap();
        assert!(
            !raw.chars().any(|c| c.is_control() && c != '\n' && c != ' ' || c == '\u{202e}' || c == '\u{2066}'),
            "{json_args:?}: {raw:?}"
        );
        assert!(raw.contains(r"\u202e") && raw.contains(r"\u001b"), "{json_args:?}");
        let v: serde_json::Value = serde_json::from_str(&raw).unwrap();
        assert!(v.to_string().contains('\u{202e}'), "the JSON still decodes to the original text");
    }
}

#[test]
fn data_errors_and_warnings_name_the_file() {
    let path = file("small.json", &chain(3));
    let o = run(&["retainers", &path, "--type", "Nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stderr(&o), format!("heapscope: {path}: no object has type `Nope`\n"));
    let o = run(&["retainers", &path, "--address", "0x999"]);
    assert_eq!(stderr(&o), format!("heapscope: {path}: no object has address 0x999\n"));
    // 999 damaged records: the true count, not the 101 lines kept.
    let bad = v1(&vec![(1, -5, -1); 999], &[], &["t"]);
    let path = file("bad-sizes.json", &bad);
    let o = run(&["summary", &path]);
    assert_eq!(o.status.code(), Some(0));
    assert!(stderr(&o).starts_with(&format!("heapscope: {path}: 999 warnings while loading; first: size -5")), "{}", stderr(&o));
    // The first five, a line each, then the count of the rest.
    let err = stderr(&o);
    let lines: Vec<&str> = err.lines().collect();
    assert_eq!(lines.len(), 6, "{lines:?}");
    assert!(lines[1..5].iter().all(|l| l.starts_with(&format!("heapscope: {path}: then: size -5"))), "{lines:?}");
    assert_eq!(lines[5], format!("heapscope: {path}: … and 994 more"));
    let v: serde_json::Value = serde_json::from_slice(&run(&["summary", &path, "--json"]).stdout).unwrap();
    assert_eq!(v["warnings"], 999);
}

/// Exceptions the exporter swallowed (`meta.exporter_errors`) are the first
/// load warning, ahead of the damaged records.
#[test]
fn exporter_errors_are_the_first_warning() {
    let text = String::from_utf8(v1(&[(1, -5, -1), (1, 8, -1)], &[(0, 1)], &["t"])).unwrap().replacen(
        r#""version": 1,"#,
        r#""version": 1, "meta": {"exporter_errors": [{"site": "walker.size", "exception": "builtins.TypeError", "count": 2}]},"#,
        1,
    );
    let path = file("exporter-errors.json", text.as_bytes());
    let o = run(&["summary", &path]);
    assert_eq!(o.status.code(), Some(0));
    let expected = format!(
        "heapscope: {path}: 2 warnings while loading; first: the exporter caught 2 exception(s) while writing this snapshot (2× builtins.TypeError in walker.size)"
    );
    assert!(stderr(&o).starts_with(&expected), "{}", stderr(&o));
}

/// Sizes summing past 2^64 saturate (and warn) instead of wrapping to 256 TiB.
#[test]
fn size_sums_saturate() {
    let objects = vec![(1, 1i64 << 48, -1); 65_537];
    let path = file("huge-sizes.json", &v1(&objects, &[], &["builtins.bytes"]));
    let o = run(&["summary", &path, "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("sizes add up past 9223372036854775807 bytes"), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["heap"]["total_size_bytes"].as_u64(), Some(i64::MAX as u64));
    let o = run(&["types", &path, "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["rows"][0]["shallow_bytes"].as_u64(), Some(i64::MAX as u64));
}

/// An object with 100,000 referrers: 20 are described, all are counted.
#[test]
fn retainers_of_a_hub_show_a_few_and_count_the_rest() {
    let n = 100_000u32;
    let mut objects = vec![(1, 8, -1); n as usize + 1];
    objects[1] = (2, 8, -1);
    let references: Vec<(u32, u32)> = (2..=n).map(|i| (i, 1)).chain((2..=n).map(|i| (0, i))).collect();
    let path = file("hub.json", &v1(&objects, &references, &["app.Ref", "app.Hub"]));
    let o = run(&["retainers", &path, "--type", "app.Hub", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["referrers"]["total"].as_u64(), Some(u64::from(n) - 1));
    assert_eq!(v["referrers"]["shown"].as_array().unwrap().len(), 20);
    let o = run(&["retainers", &path, "--type", "app.Hub"]);
    assert!(stdout(&o).contains(&format!("referred to by ({}):", n - 1)) && stdout(&o).contains("… 99979 more"), "{}", stdout(&o));
}

/// The path search says when its work budget stopped it, in text and JSON.
#[test]
fn a_search_stopped_early_says_so() {
    // root → t, and t → a ladder (a_i ↔ b_i, a_i → a_i+1, b_i → b_i+1) → x → t:
    // one path (root → t), and exponentially many dead ends to rule out.
    let n = 10_000u32;
    let (t, x) = (1u32, 2u32);
    let a = |i: u32| 3 + i;
    let b = |i: u32| 3 + n + i;
    let mut references = vec![(0, t), (t, a(0)), (a(n - 1), x), (b(n - 1), x), (x, t)];
    for i in 0..n {
        references.extend([(a(i), b(i)), (b(i), a(i))]);
        if i + 1 < n {
            references.extend([(a(i), a(i + 1)), (b(i), b(i + 1))]);
        }
    }
    let path = file("trap.json", &v1(&vec![(1, 8, -1); (2 * n + 3) as usize], &references, &["app.Rung"]));
    let target = format!("{:#x}", 16 * (t + 1));
    let o = run(&["retainers", &path, "--address", &target, "--paths", "2", "--json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["paths_truncated"], true);
    assert!(v["search_steps"].as_u64().unwrap() > 1_000_000);
    assert_eq!(v["paths"].as_array().unwrap().len(), 1);
    let o = run(&["retainers", &path, "--address", &target, "--paths", "2"]);
    assert!(stdout(&o).contains("the path search stopped early after"), "{}", stdout(&o));
}

/// The core's `view.rs` fixture: a module root listed twice, a weakref
/// root, two nodes in a reachable cycle and two in a garbage one; the str
/// at 0x50 is referred to by node a (0x30), the weakref (0x60) and garbage
/// node 0x80, in that file order.
const FACTS: &str = r#"{"format":"heapscope","version":1,
    "heap":{"objects":[
        16,1,100,2,2,-1, 32,3,200,1,-1,-1, 48,4,50,1,-1,-1, 64,4,60,1,-1,-1,
        80,5,10,0,6,-1, 96,7,20,1,-1,-1, 112,4,30,1,-1,-1, 128,4,40,1,-1,-1],
     "references":[0,1,1,8, 1,2,2,9, 1,3,2,10, 2,3,1,11, 3,2,1,11, 2,4,1,12, 5,4,14,-1, 6,7,1,11, 7,6,1,11, 7,4,1,12],
     "roots":[0,0,2,0, 0,3,-1,0, 5,3,-1,4]},
    "strings":["","builtins.module","app","builtins.dict","app.Node","builtins.str","'x'","builtins.weakref",
               "d","'a'","'b'","peer","name"]}"#;

#[test]
fn facts_read_as_the_core_states_them() {
    let dir = std::env::temp_dir().join(format!("heapscope-cli-facts-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("facts.json");
    std::fs::write(&path, FACTS).unwrap();
    let file = path.to_str().unwrap();
    // Referrers ranked as the UI ranks them: strong first, nearest a root first.
    let o = run(&["retainers", file, "--address", "0x50"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let text = stdout(&o);
    let referrers: Vec<&str> = text.lines().skip_while(|l| !l.starts_with("referred to by")).skip(1).take(3).collect();
    assert_eq!(
        referrers,
        ["  app.Node at 0x30 via .name", "  app.Node at 0x80 via .name", "  builtins.weakref at 0x60 via weak (weak)"],
        "{text}"
    );
    // Distinct root objects, as the UI's roots card counts them.
    let o = run(&["summary", file]);
    assert!(stdout(&o).lines().any(|l| l.split_whitespace().collect::<Vec<_>>() == ["roots", "2"]), "{}", stdout(&o));
    // One spelling of a cycle's types, and of sizes.
    let o = run(&["cycles", file]);
    assert!(stdout(&o).contains("2 objects, 110 B shallow, 120 B retained, reachable, application: app.Node ×2"), "{}", stdout(&o));
    // The application's garbage first; the break named as Python spells it.
    assert!(stdout(&o).contains("garbage, application: app.Node ×2\n  break `Node.peer`"), "{}", stdout(&o));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Three cycles ranked #0 `app.Node` (reachable), #1 a garbage function ↔
/// dict (interpreter-internal), #2 a garbage list pair: the worker's
/// `queries.rs` fixture.
const THREE_CYCLES: &str = r#"{"format":"heapscope","version":1,
    "heap":{"objects":[
        16,1,100,2,2,-1, 32,3,200,1,-1,-1, 48,4,50,1,-1,-1, 64,4,60,1,-1,-1,
        80,5,500,17,-1,-1, 96,3,400,1,-1,-1, 112,6,30,1,-1,-1, 128,6,40,1,-1,-1],
     "references":[0,1,13,-1, 1,2,2,7, 2,3,1,8, 3,2,1,8, 4,5,7,-1, 5,4,2,9, 6,7,4,10, 7,6,4,10],
     "roots":[0,0,2,0]},
    "strings":["","builtins.module","app","builtins.dict","app.Node","builtins.function","builtins.list",
               "'a'","peer","'f'","0"]}"#;

/// `--garbage-only` and `--hide-internal` filter every cycle before `--limit` cuts the list.
#[test]
fn cycle_filters_apply_before_the_limit() {
    let path = file("three-cycles.json", THREE_CYCLES.as_bytes());
    let listed = |flags: &[&str]| {
        let mut args = vec!["cycles", &path, "--limit", "1", "--json"];
        args.extend_from_slice(flags);
        let o = run(&args);
        assert!(o.status.success(), "{}", stderr(&o));
        let doc: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
        let types: Vec<String> = doc["cycles"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["types"].as_array().unwrap().iter().map(|t| t["type"].as_str().unwrap()).collect::<Vec<_>>().join("+"))
            .collect();
        (doc["total"].as_u64().unwrap(), doc["listed"].as_u64().unwrap(), types)
    };
    assert_eq!(listed(&[]), (3, 3, vec!["app.Node".to_string()]));
    assert_eq!(listed(&["--garbage-only"]), (3, 2, vec!["builtins.dict+builtins.function".to_string()]));
    assert_eq!(listed(&["--garbage-only", "--hide-internal"]), (3, 1, vec!["builtins.list".to_string()]));
}

/// A plain file past the (lowered) cap is refused before it is read.
#[test]
fn files_past_the_cap_are_refused_before_reading() {
    let path = file("big.json", &chain(60_000));
    let o = bin().args(["summary", &path]).env("HEAPSCOPE_MAX_DECOMPRESSED_BYTES", (1u64 << 20).to_string()).output().unwrap();
    assert_eq!(o.status.code(), Some(1));
    let e = stderr(&o);
    assert!(e.starts_with(&format!("heapscope: {path}: the file is")) && e.contains("heapscope reads snapshots up to 1 MiB"), "{e}");
}

/// A hand-written heap: `app.Bus` (root) holds list 2, which holds `items` `app.Item`s.
fn bus_heap(name: &str, items: u64) -> String {
    let mut objs = vec![
        r#"{"id": 1, "type": "app.Bus", "size": 48, "referents": [2]}"#.to_string(),
        format!(
            r#"{{"id": 2, "type": "list", "size": {}, "referents": [{}]}}"#,
            56 + 8 * items,
            (0..items).map(|i| (100 + i).to_string()).collect::<Vec<_>>().join(", ")
        ),
    ];
    objs.extend((0..items).map(|i| format!(r#"{{"id": {}, "type": "app.Item", "size": 64, "referents": []}}"#, 100 + i)));
    file(name, format!("[{}]", objs.join(",\n")).as_bytes())
}

#[test]
fn growth_ranks_the_growing_holder_and_fails_ci() {
    let s: Vec<String> = [("g1.json", 10), ("g2.json", 20), ("g3.json", 30)].iter().map(|(n, k)| bus_heap(n, *k)).collect();
    let o = run(&["growth", &s[0], &s[1], &s[2], "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let first = &v["findings"][0];
    assert_eq!(first["kind"], "holder", "{v:#}");
    assert_eq!(first["counts"], serde_json::json!([10, 20, 30]));
    assert!(first["reason"].as_str().unwrap().contains("10 → 20 → 30 Item objects"), "{first:#}");
    assert_eq!(v["snapshots"].as_array().unwrap().len(), 3);
    // The table shows the holder's fix under it, as the JSON has it.
    let text = String::from_utf8_lossy(&run(&["growth", &s[0], &s[1], &s[2]]).stdout).to_string();
    let fix = first["fix"].as_str().unwrap();
    assert!(text.lines().nth(2).is_some_and(|l| l.trim() == format!("fix: {fix}")), "{text}");
    // A type that grew at every step fails CI; one that did not passes.
    let o = run(&["growth", &s[0], &s[1], &s[2], "--fail-if-grows", "Item"]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(stderr(&o).contains("type app.Item grew: 10 → 20 → 30"), "{}", stderr(&o));
    let o = run(&["growth", &s[0], &s[1], &s[2], "--fail-if-grows", "app.Bus"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    // A name that can match nothing is refused (exit 2), with the closest names.
    let o = run(&["growth", &s[0], &s[1], &s[2], "--fail-if-grows", "Itme"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert_eq!(
        stderr(&o).trim_end(),
        "heapscope: --fail-if-grows `Itme`: no type or holder of that name in any snapshot (no string of theirs contains `Itme`), \
         so this gate can never fail; did you mean `app.Item`?"
    );
    // The holder's own name passes while it does not grow (it is not among
    // the growing holders, but its words are in the snapshots).
    let holder = first["name"].as_str().unwrap().to_string();
    let flat: Vec<String> = ["f1.json", "f2.json", "f3.json"].iter().map(|n| bus_heap(n, 10)).collect();
    let o = run(&["growth", &flat[0], &flat[1], &flat[2], "--fail-if-grows", &holder]);
    assert_eq!(o.status.code(), Some(0), "{holder}: {}", stderr(&o));
    // One snapshot is not a series.
    let o = run(&["growth", &s[0]]);
    assert_eq!(o.status.code(), Some(2));
}

#[test]
fn mprof_reads_runs_and_line_reports() {
    let (dat, txt) = (data("mprof/leakfn-mprofile.dat"), data("mprof/leakfn-profile.txt"));
    let o = run(&["mprof", &dat, &txt, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let run_doc = &v["files"][0]["run"];
    assert_eq!(v["files"][0]["kind"], "mprof_run");
    assert!(run_doc["peak_mib"].as_f64().unwrap() > 150.0 && run_doc["growth_mib_per_s"].as_f64().unwrap() > 0.0, "{v:#}");
    assert!(run_doc["functions"].as_array().unwrap().iter().any(|f| f["name"] == "__main__.grow" && f["calls"] == 5));
    let lines = &v["files"][1]["lines"];
    assert_eq!((lines[0]["line"].as_u64(), lines[0]["function"].as_str()), (Some(14), Some("main")), "{v:#}");
    // A heap snapshot is not a memory_profiler file; a damaged line is a warning.
    let bad = file("bad.dat", b"MEM 1.0 100.0\nMEM oops 101\nMEM 2.0 102.0\n");
    let o = run(&["mprof", &bad]);
    assert!(o.status.success());
    assert!(stderr(&o).contains("1 line(s) skipped; first: memory `oops` is not a number (at line 2, column 1)"), "{}", stderr(&o));
    let o = run(&["mprof", &file("x.json", b"{}")]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a memory_profiler file"), "{}", stderr(&o));
    // Thousands of damaged lines: all counted, the first hundred kept.
    let many = file("many.dat", format!("MEM 1.0 100.0\n{}", "junk\n".repeat(5000)).as_bytes());
    let o = run(&["mprof", "--json", &many]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!((v["files"][0]["skipped_lines"].as_u64(), v["files"][0]["warnings"].as_array().map(Vec::len)), (Some(5000), Some(100)));
}

/// `mprof run --multiprocess` data: each child's peak is in the text as in
/// the JSON. Samples out of time order are read in time order with a
/// warning naming the line; a FUNC that ends before it starts is left out.
#[test]
fn mprof_shows_children_and_samples_in_time_order() {
    let dat = data("mprof/children.dat");
    let text = stdout(&run(&["mprof", &dat]));
    assert!(text.contains("  child 2813: 12 samples; peak 43.3 MiB at "), "{text}");
    let v: serde_json::Value = serde_json::from_slice(&run(&["mprof", &dat, "--json"]).stdout).unwrap();
    let child = &v["files"][0]["run"]["child_processes"][0];
    assert_eq!((child["id"].as_str(), child["samples"].as_u64()), (Some("2813"), Some(12)), "{v:#}");
    let many: String = (0..15).map(|i| format!("CHLD {} {}.0 {}.5\n", 100 + i, i + 1, 100 + i)).collect();
    let text = stdout(&run(&["mprof", &file("kids.dat", format!("MEM 1.0 100.0\n{many}").as_bytes()), "--limit", "2"]));
    assert!(text.contains("child 114: 1 samples; peak 15.0 MiB at 14.5 s\n  child 113:") && text.contains("… 13 more children"), "{text}");
    let back = file("back.dat", b"MEM 1.0 100.0\nMEM 3.0 102.0\nMEM 2.0 101.0\nFUNC m.f 1.0 101.5 2.0 101.2\n");
    let o = run(&["mprof", &back, "--json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let e = stderr(&o);
    assert!(e.contains("1 MEM sample(s) go back in time: the first is 1.000 s earlier than the one before it; they are read in time order (at line 3, column 1)"), "{e}");
    assert!(e.contains("1 line(s) skipped; first: FUNC `m.f` ends 0.300 s before it starts"), "{e}");
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let f = &v["files"][0];
    assert_eq!(
        (f["skipped_lines"].as_u64(), f["run"]["peak_at_s"].as_f64(), f["run"]["functions"].as_array().map(Vec::len)),
        (Some(1), Some(2.0), Some(0)),
        "{v:#}"
    );
}

/// A recursive `@profile` function (memory_profiler writes each call with
/// its stack level): one 100 MiB allocation inside 10 nested calls is
/// +100 MiB, and the nested calls are said to be nested.
#[test]
fn mprof_counts_a_recursive_functions_growth_once() {
    let mut text = String::from("CMDLINE python app.py\nMEM 50.0 1000.0\nMEM 150.0 1010.0\n");
    for level in 1..=10 {
        text.push_str(&format!(
            "FUNC __main__.rec 50.0 {:.4} 150.0 {:.4} {level}\n",
            1000.0 + level as f64 * 0.1,
            1019.0 - level as f64 * 0.1
        ));
    }
    let dat = file("recursive.dat", text.as_bytes());
    let out = stdout(&run(&["mprof", &dat]));
    assert!(
        out.contains("  +100.0 MiB in 10 call(s) (9 nested, counted in the calls around them) of __main__.rec (largest +100.0 MiB)\n"),
        "{out}"
    );
    let v: serde_json::Value = serde_json::from_slice(&run(&["mprof", &dat, "--json"]).stdout).unwrap();
    let f = &v["files"][0]["run"]["functions"][0];
    assert_eq!(
        (f["calls"].as_u64(), f["nested_calls"].as_u64(), f["total_growth_mib"].as_f64()),
        (Some(10), Some(9), Some(100.0)),
        "{v:#}"
    );
}

/// Two runs joined into one file are refused (exit 1) naming the second
/// CMDLINE; tab-separated fields and `\r`-only line ends are read.
#[test]
fn mprof_refuses_joined_runs_and_reads_tabs_and_carriage_returns() {
    let two = file("two_runs.dat", b"CMDLINE python a.py\nMEM 10 100\nMEM 20 101\nCMDLINE python b.py\nMEM 500 5000\n");
    let o = run(&["mprof", &two]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let e = stderr(&o);
    assert!(
        e.contains(&format!("{two}: two runs in one file: a second CMDLINE line (the first is line 1)")) && e.contains("line 4"),
        "{e}"
    );
    for (name, text) in [
        ("tabs.dat", "CMDLINE\tpython app.py\nMEM\t12.5\t1000.0\nMEM\t13.5\t1001.0\n"),
        ("cr.dat", "CMDLINE python app.py\rMEM 12.5 1000.0\rMEM 13.5 1001.0\r"),
    ] {
        let o = run(&["mprof", &file(name, text.as_bytes())]);
        assert!(o.status.success() && stderr(&o).is_empty(), "{name}: {}", stderr(&o));
        let out = stdout(&o);
        assert!(out.contains("  command: python app.py\n  2 samples over 1.0 s; peak 13.5 MiB at 1.0 s"), "{name}: {out}");
    }
}

/// A line report: `nan` rows are counted on stderr; a report with no
/// usable row fails (exit 1) saying why; one with nothing to rank says so.
#[test]
fn mprof_line_reports_say_what_they_could_not_use() {
    let header = "Filename: app.py\n\nLine #    Mem usage    Increment   Line Contents\n================================================\n";
    let nan = file(
        "nan.txt",
        format!("{header}     1     38.8 MiB      0.0 MiB   @profile\n     2                             def f():\n     3      nan MiB      nan MiB       x = 1\n     4     40.0 MiB      1.2 MiB       y = 2\n").as_bytes(),
    );
    let o = run(&["mprof", &nan]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains(&format!("{nan}: 1 row(s) have `nan` memory (memory_profiler could not measure them)")), "{}", stderr(&o));
    assert!(stderr(&o).contains("(at line 7, column 1)") && !stderr(&o).contains("skipped"), "{}", stderr(&o));
    assert!(stdout(&o).contains("+1.2 MiB  app.py:4 in f()  y = 2"), "{}", stdout(&o));
    let junk = file("junk.txt", format!("{header}garbage\nmore garbage\n").as_bytes());
    let o = run(&["mprof", &junk]);
    assert_eq!(o.status.code(), Some(1), "{}", stdout(&o));
    let e = stderr(&o);
    assert!(
        e.starts_with(&format!("heapscope: {junk}: no usable row in this @profile report: 2 line(s) did not parse; the first:")),
        "{e}"
    );
    assert!(stdout(&o).is_empty());
    let defs = file(
        "defs.txt",
        format!("{header}     1     38.8 MiB     38.8 MiB   @profile\n     2                             def f():\n").as_bytes(),
    );
    let text = stdout(&run(&["mprof", &defs]));
    assert!(text.contains("no line to rank: none of its 2 row(s) has a measured increment"), "{text}");
}

/// A device or a pipe that is no input of ours is refused at its first
/// bytes, not after it has been read to the size cap (4 GiB of zeros).
#[test]
#[cfg(unix)]
fn an_endless_device_is_refused_at_its_first_bytes() {
    let o = run(&["summary", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a heap snapshot"), "{}", stderr(&o));
    let o = run(&["mprof", "/dev/zero"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("not a memory_profiler file"), "{}", stderr(&o));
}

#[test]
fn to_heapsnapshot_writes_the_same_graph_for_memlab() {
    let heap = synth("v8.heapscope.json", 3000, 4);
    let summary = run(&["summary", heap.to_str().unwrap(), "--json"]);
    assert!(summary.status.success(), "{}", stderr(&summary));
    let summary: serde_json::Value = serde_json::from_slice(&summary.stdout).unwrap();
    let out = heap.with_extension("heapsnapshot");
    let o = run(&["to-heapsnapshot", heap.to_str().unwrap(), "--out", out.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v8: serde_json::Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let ints = |key: &str| v8[key].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect::<Vec<_>>();
    let (nodes, edges) = (ints("nodes"), ints("edges"));
    let objects = summary["heap"]["objects"].as_u64().unwrap();
    assert_eq!(nodes.len() as u64, 7 * (objects + 1));
    // The root node's edges reach every root object; the rest are the references.
    let root_edges = nodes[4] as usize;
    let roots: std::collections::BTreeSet<u64> = edges[..3 * root_edges].chunks(3).map(|e| e[2]).collect();
    assert_eq!(roots.len() as u64, summary["heap"]["roots"].as_u64().unwrap());
    assert_eq!((edges.len() / 3 - root_edges) as u64, summary["heap"]["references"].as_u64().unwrap());
    assert_eq!(nodes.chunks(7).map(|n| n[4]).sum::<u64>() as usize, edges.len() / 3);
    assert_eq!(nodes.chunks(7).skip(1).map(|n| n[3]).sum::<u64>(), summary["heap"]["total_size_bytes"].as_u64().unwrap());
    // A snapshot without a heap has nothing to convert.
    let o = run(&["to-heapsnapshot", &data("tm_after.pickle"), "--out", out.to_str().unwrap()]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains("no heap section"), "{}", stderr(&o));
}

/// A snapshot read from a pipe (`<(zcat …)`, which can be read only once)
/// says what the same file says (files are read in passes, pipes whole).
#[cfg(unix)]
#[test]
fn a_snapshot_from_a_pipe_summarizes_as_the_file_does() {
    for name in ["pipe.heapscope.json", "pipe.heapscope.json.gz"] {
        let heap = synth(name, 3000, 5);
        let heap = heap.to_str().unwrap();
        let from_file = run(&["summary", "--json", heap]);
        assert!(from_file.status.success(), "{}", stderr(&from_file));
        let from_pipe = Command::new("bash")
            .args(["-c", r#""$0" summary --json <(cat "$1")"#, env!("CARGO_BIN_EXE_heapscope"), heap])
            .output()
            .expect("run bash");
        assert!(from_pipe.status.success(), "{name}: {}", stderr(&from_pipe));
        let without_name = |o: &Output| stdout(o).lines().filter(|l| !l.contains(r#""file""#)).collect::<Vec<_>>().join("\n");
        assert_eq!(without_name(&from_pipe), without_name(&from_file), "{name}");
    }
}

/// A linked list's node: the text shows the path's two ends and how many
/// references are left out between; `--json` keeps every step.
#[test]
fn a_long_retainer_path_shows_its_ends_in_text_and_every_step_in_json() {
    let n = 2_000usize;
    // Module 0 → node 1 → … → node n-1 through `.next`.
    let objects: Vec<String> = (0..n).map(|i| format!("{},{},64,1,-1,-1", 16 * (i + 1), if i == 0 { 1 } else { 2 })).collect();
    let references: Vec<String> = (0..n - 1).map(|i| format!("{i},{},1,3", i + 1)).collect();
    let text = format!(
        r#"{{"format":"heapscope","version":1,"heap":{{"objects":[{}],"references":[{}],"roots":[0,0,-1,0]}},"strings":["","builtins.module","app.Node","next"]}}"#,
        objects.join(","),
        references.join(",")
    );
    let dir = std::env::temp_dir().join(format!("heapscope-cli-chain-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("chain.heapscope.json");
    std::fs::write(&path, text).unwrap();
    let (path, last) = (path.to_str().unwrap(), format!("{:#x}", 16 * n));
    let o = run(&["retainers", path, "--address", &last, "--paths", "1"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains(&format!("path 1 ({} steps):", n - 1)), "{out}");
    assert!(out.contains("    … 1,967 more references (--json lists them) …"), "{out}");
    assert_eq!(out.lines().filter(|l| l.starts_with("    .next → ")).count(), 32, "{out}");
    let o = run(&["retainers", path, "--address", &last, "--paths", "1", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["paths"][0]["steps"].as_array().unwrap().len(), n - 1);
    let _ = std::fs::remove_dir_all(&dir);
}

/// A series longer than growth can number (an object's snapshot of birth is
/// a `u16`: 65,537 files wrapped it) is refused before any file is read.
#[test]
fn growth_refuses_more_snapshots_than_it_can_number() {
    let one = std::path::PathBuf::from(bus_heap("g-many.json", 1));
    // Named from its folder: 65,536 full paths pass the argument list's limit.
    let mut args = vec!["growth"];
    args.extend(std::iter::repeat_n("g-many.json", heapscope_core::analysis::growth::MAX_SERIES + 1));
    let o = bin().current_dir(one.parent().unwrap()).args(&args).output().expect("run heapscope");
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(stderr(&o).contains("at most 65535 snapshots (got 65536)"), "{}", stderr(&o));
}
