//! The bad-input campaign: many classes of hostile or broken files, every
//! command on each. Each run must end with exit code 0 (it loaded, perhaps
//! with warnings) or 1 with a one-line error that names the file; never a
//! panic, an abort or a signal, and never a raw control character on the
//! terminal. Runtime is bounded by the inputs' sizes (no clocks here): the
//! largest file is a few hundred kilobytes, the gzip bomb is refused at a
//! limit lowered through `HEAPSCOPE_MAX_DECOMPRESSED_BYTES`.
//!
//! The record it prints (classes × commands) is quoted in README.md.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A class of bad input: a name and one or more files.
struct Class {
    name: &'static str,
    files: Vec<Vec<u8>>,
}

fn class(name: &'static str, files: Vec<Vec<u8>>) -> Class {
    Class { name, files }
}

fn gz(bytes: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

/// A well-formed v1 snapshot with a heap and a tracemalloc section.
fn good() -> String {
    r#"{"format": "heapscope", "version": 1,
 "meta": {"object_fields": ["address","type","size","flags","description","traceback"],
          "reference_fields": ["from","to","kind","name"],
          "reference_kinds": ["internal","attribute","dict_value","dict_key","index","cell","local","globals","defaults","closure","class_dict","mro","bases","instance_dict","weak"],
          "root_fields": ["object","kind","name","excess"], "root_kinds": ["module","thread","builtins","native"],
          "frame_fields": ["filename","lineno"], "trace_fields": ["domain","size","traceback"]},
 "process": {"pid": 1, "python_version": "3.12.0", "time": "2026-01-01T00:00:00Z"},
 "heap": {"objects": [16,1,72,2,2,0, 32,3,232,1,-1,-1, 48,4,1000,0,5,-1, 64,4,50,0,-1,-1],
          "references": [0,1,13,-1, 1,2,2,6, 2,0,14,-1, 2,3,1,6, 3,2,1,6],
          "roots": [0,0,2,0]},
 "tracemalloc": {"traceback_limit": 1, "frames": [2, 10], "tracebacks": [[0]], "traceback_total_nframe": [1], "traces": [0, 100, 0, 0, 50, 0]},
 "strings": ["", "builtins.module", "app", "builtins.dict", "app.Node", "'x'", "'k'"]}"#
        .to_string()
}

fn v1_heap(heap: &str, strings: &str) -> Vec<u8> {
    format!(r#"{{"format": "heapscope", "version": 1, "heap": {heap}, "strings": {strings}}}"#).into_bytes()
}

fn classes() -> Vec<Class> {
    let good = good();
    let g = good.as_bytes();
    let mut junk = Vec::new();
    let mut x: u32 = 0x1234_5678;
    for _ in 0..4096 {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        junk.push(x as u8);
    }
    let field_values = ["\"s\"", "1.5", "null", "[1]", "{}", "true", "1e400", "-0"];
    let mut wrong_types = Vec::new();
    for field in 0..6 {
        for v in field_values {
            let mut rec = ["16", "1", "72", "0", "-1", "-1"].map(str::to_string);
            rec[field] = v.to_string();
            wrong_types.push(v1_heap(&format!(r#"{{"objects": [{}], "references": [], "roots": []}}"#, rec.join(",")), r#"["", "t"]"#));
        }
    }
    let deep = |open: &str, close: &str, n: usize| format!("{}{}", open.repeat(n), close.repeat(n));
    let mut bomb_member = Vec::new();
    {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
        enc.write_all(&vec![b' '; 1 << 20]).unwrap();
        bomb_member.extend(enc.finish().unwrap());
    }
    let bomb: Vec<u8> = bomb_member.iter().copied().cycle().take(bomb_member.len() * 64).collect();
    let chain = |n: u32| {
        let objects: Vec<String> = (0..n).map(|i| format!("{},1,8,0,-1,-1", 16 * (i + 1))).collect();
        let refs: Vec<String> = (1..n).map(|i| format!("{},{},1,-1", i - 1, i)).collect();
        v1_heap(
            &format!(r#"{{"objects": [{}], "references": [{}], "roots": [0,0,-1,0]}}"#, objects.join(","), refs.join(",")),
            r#"["", "app.N"]"#,
        )
    };
    let truncations: Vec<Vec<u8>> =
        [1, 7, 20, 100, 333, 700, 1000, 1200, 1500, g.len() - 2].iter().map(|&n| g[..n.min(g.len() - 1)].to_vec()).collect();
    let gz_good = gz(g);
    let pickle = std::fs::read(format!("{}/../core/tests/data/tm_after.pickle", env!("CARGO_MANIFEST_DIR"))).unwrap();
    let pickle_cuts: Vec<Vec<u8>> = (1..=10).map(|k| pickle[..pickle.len() * k / 11].to_vec()).collect();
    let mut pickle_flipped = pickle.clone();
    for i in (20..pickle_flipped.len()).step_by(97) {
        pickle_flipped[i] ^= 0x5a;
    }
    vec![
        class("empty", vec![vec![]]),
        class("whitespace only", vec![b" \n\t\r ".to_vec()]),
        class("byte-order mark only", vec![b"\xEF\xBB\xBF".to_vec()]),
        class("byte-order mark before a snapshot", vec![[b"\xEF\xBB\xBF".as_slice(), g].concat()]),
        class("binary junk", vec![junk.clone(), junk[..7].to_vec()]),
        class(
            "other file types",
            vec![b"\x89PNG\r\n\x1a\n....".to_vec(), b"PK\x03\x04zip".to_vec(), b"\x7FELF\x02\x01".to_vec(), b"%PDF-1.7".to_vec(), b"<html></html>".to_vec()],
        ),
        class("JSON scalars", vec![b"1".to_vec(), b"\"s\"".to_vec(), b"null".to_vec(), b"true".to_vec()]),
        class("truncated snapshot", truncations),
        class("truncated gzip", vec![gz_good[..gz_good.len() / 2].to_vec(), gz_good[..12].to_vec()]),
        class("gzip of junk, gzip of gzip", vec![gz(&junk), gz(&gz_good)]),
        class("gzip with a corrupt body", vec![{ let mut b = gz_good.clone(); let m = b.len() / 2; b[m] ^= 0xff; b }]),
        class("gzip bomb", vec![bomb]),
        class("wrong type per object field", wrong_types),
        class(
            "huge numbers",
            ["9223372036854775808", "18446744073709551616", "1000000000000000000000000000000", "-9223372036854775809"]
                .iter()
                .map(|n| v1_heap(&format!(r#"{{"objects": [{n},1,{n},0,-1,-1], "references": [0,0,1,{n}], "roots": [0,{n},-1,{n}]}}"#), r#"["", "t"]"#))
                .collect(),
        ),
        class(
            "negative indices",
            vec![v1_heap(r#"{"objects": [-16,-2,8,-1,-7,-9], "references": [-1,0,1,-1, 0,-5,-3,-4], "roots": [-1,0,-1,-1, 0,-2,-3,-4]}"#, r#"["", "t"]"#)],
        ),
        class(
            "out-of-range references",
            vec![v1_heap(r#"{"objects": [16,99,8,0,77,5], "references": [0,1000000000,1,99, 4000000000,0,1,-1, 0,0,99,2000000000], "roots": [7,0,-1,0]}"#, r#"["", "t"]"#)],
        ),
        class("NaN and Infinity", vec![v1_heap(r#"{"objects": [16,1,NaN,0,-1,-1]}"#, r#"[""]"#), v1_heap(r#"{"objects": [16,1,Infinity,0,-1,-1]}"#, r#"[""]"#)]),
        class(
            "deep nesting",
            vec![
                format!(r#"{{"format": "heapscope", "version": 1, "x": {}}}"#, deep("[", "]", 100_000)).into_bytes(),
                format!(r#"{{"format": "heapscope", "version": 1, "process": {}}}"#, deep(r#"{"a":"#, "}", 50_000)).into_bytes(),
                deep("[", "]", 100_000).into_bytes(),
                format!(r#"[{{"id": 1, "type": "t", "x": {}}}]"#, deep("[", "]", 100_000)).into_bytes(),
            ],
        ),
        class("duplicate addresses", vec![v1_heap(r#"{"objects": [16,1,8,0,-1,-1, 16,1,8,0,-1,-1, 16,1,8,0,-1,-1], "references": [0,1,1,-1], "roots": [0,0,-1,0]}"#, r#"["", "t"]"#)]),
        class("record lengths that do not divide", vec![v1_heap(r#"{"objects": [16,1,8,0,-1], "references": [0,1,1], "roots": [0]}"#, r#"["", "t"]"#)]),
        class(
            "bad meta",
            vec![
                br#"{"format": "heapscope", "version": 1, "meta": {"object_fields": []}, "heap": {"objects": [1]}}"#.to_vec(),
                format!(r#"{{"format": "heapscope", "version": 1, "meta": {{"object_fields": [{}]}}, "heap": {{"objects": [1]}}}}"#, vec!["\"x\""; 100].join(",")).into_bytes(),
                br#"{"format": "heapscope", "version": 1, "meta": {"object_fields": ["type", "size"]}, "heap": {"objects": [1, 2]}}"#.to_vec(),
                br#"{"format": "heapscope", "version": 1, "meta": {"reference_kinds": ["nope"], "root_kinds": ["nope"]}, "heap": {"objects": [16,1,8,0,-1,-1], "references": [0,0,0,-1], "roots": [0,0,-1,0]}}"#.to_vec(),
                br#"{"format": "heapscope", "version": 1, "meta": 7}"#.to_vec(),
            ],
        ),
        class("meta after heap", vec![{
            let moved = good.replacen(r#""meta""#, r#""meta_moved""#, 1);
            let meta_start = good.find(r#""meta""#).unwrap();
            let meta_end = good.find(r#""process""#).unwrap();
            let meta = &good[meta_start..meta_end];
            moved.replacen(r#""strings""#, &format!(r#"{meta} "strings""#), 1).into_bytes()
        }]),
        class(
            "bad strings table",
            vec![
                v1_heap(r#"{"objects": [16,1,8,0,2,-1]}"#, r#"["", 5, null, ["x"]]"#),
                v1_heap(r#"{"objects": [16,1,8,0,2,-1]}"#, r#"["", "\ud800", "\udfff\ud800x"]"#),
                v1_heap(r#"{"objects": [16,1,8,0,2,-1]}"#, "[\"\", \"\u{1b}]0;pwned\u{7}\u{202e}\"]"),
                [&v1_heap(r#"{"objects": [16,1,8,0,-1,-1]}"#, r#"["", ""#)[..], b"\xff\xfe\"]}"].concat(),
                v1_heap(r#"{"objects": [16,1,8,0,-1,-1]}"#, r#"["", "\q"]"#),
            ],
        ),
        class(
            "not a heapscope document",
            vec![
                br#"{"snapshot": {"meta": {}}, "nodes": [], "edges": []}"#.to_vec(),
                br#"{"name": "pkg", "version": "1.0.0"}"#.to_vec(),
                br#"{"format": "other", "version": 1}"#.to_vec(),
                br#"{"format": "heapscope", "version": 2}"#.to_vec(),
                br#"{"format": "heapscope", "version": "1"}"#.to_vec(),
                br#"{"format": "heapscope"}"#.to_vec(),
                br#"{"format": ["heapscope"], "version": 1}"#.to_vec(),
                br#"{"format": "heapscope", "version": 1}"#.to_vec(),
            ],
        ),
        class(
            "bad tracemalloc section",
            vec![
                br#"{"format": "heapscope", "version": 1, "tracemalloc": {"frames": [99, -1, 0, 4294967296], "tracebacks": [[0, 7], [-1]], "traces": [0, -5, 0, 0, 10, 9, -1, 10, 0]}, "strings": [""]}"#.to_vec(),
                br#"{"format": "heapscope", "version": 1, "tracemalloc": {"traceback_limit": -1, "tracebacks": 5}}"#.to_vec(),
                br#"{"format": "heapscope", "version": 1, "tracemalloc": {"traceback_total_nframe": [1, 2, 3], "tracebacks": [[]], "traces": [0, 281474976710656, 0, 0, 281474976710656, 0]}, "strings": [""]}"#.to_vec(),
            ],
        ),
        class("sizes summing past 2^64", vec![{
            let objects: Vec<String> = (0..65_537).map(|i| format!("{},1,281474976710656,0,-1,-1", 16 * (i + 1))).collect();
            v1_heap(&format!(r#"{{"objects": [{}], "references": [], "roots": [0,0,-1,0]}}"#, objects.join(",")), r#"["", "builtins.bytes"]"#)
        }]),
        class("a deep chain", vec![chain(20_000)]),
        class(
            "pickles of other kinds",
            vec![
                b"\x80\x02cos\nsystem\nq\x00X\x02\x00\x00\x00lsq\x01\x85q\x02Rq\x03.".to_vec(),
                b"\x80\x04\x95\x05\x00\x00\x00\x00\x00\x00\x00]\x94K\x01a.".to_vec(),
                b"\x80\x02}q\x00.".to_vec(),
                b"\x80\x06.".to_vec(),
                b"\x80\x02h\xff.".to_vec(),
                b"\x80\x02".to_vec(),
                b"\x80\x02(((((((((((((((((((((((((((((((((((((((((((((((((((.".to_vec(),
                b"ccopy_reg\n_reconstructor\np0\n(ctracemalloc\nSnapshot\np1\nc__builtin__\nobject\np2\nNtRp3\n.".to_vec(),
                b"(lp0\nI1\na.".to_vec(),
            ],
        ),
        class(
            "ad-hoc lists with bad records",
            vec![
                br#"[{"id": 1, "type": "a", "referents": [1, 1, 1]}, {"id": 2, "type": "b", "referents": [3]}, {"id": 3, "type": "c", "referents": [2]}]"#.to_vec(),
                br#"[{"id": 1}, {"id": 1}, {"type": "x"}, 7, [], {"id": -1}, {"id": 1.5}, {"id": "s", "size": -1, "referents": {"a": 1}}, {"id": "t", "referents": ["s", "t", "nope", null, 1e400]}]"#.to_vec(),
                br#"[{"id": 18446744073709551615, "type": "x", "size": 18446744073709551615, "referents": [18446744073709551615]}]"#.to_vec(),
                br#"[{"id": 99999999999999999999999}]"#.to_vec(),
                br#"[]"#.to_vec(),
                b"[{\"id\": 1, \"type\": \"\\ud800\", \"repr\": \"\x1b[2J\"}]".to_vec(),
                br#"[{"id": 1, "type": "a", "referents": [1]}"#.to_vec(),
            ],
        ),
        class("ad-hoc list, every object in one cycle of distinct types", vec![{
            let n = 5_000;
            let recs: Vec<String> = (0..n).map(|i| format!(r#"{{"id": {i}, "type": "m{i}.T{i}", "size": 8, "referents": [{}]}}"#, (i + 1) % n)).collect();
            format!("[{}]", recs.join(",")).into_bytes()
        }]),
        class(
            "other compressions and encodings",
            vec![
                gz(&gz_good),
                b"BZh91AY&SY\x00\x01".to_vec(),
                b"\xFD7zXZ\x00\x00\x04".to_vec(),
                b"\x28\xB5\x2F\xFD\x00\x58".to_vec(),
                g.iter().flat_map(|&b| [b, 0]).collect(),
                [b"\xFF\xFE".as_slice(), &g.iter().flat_map(|&b| [b, 0]).collect::<Vec<u8>>()].concat(),
                g.iter().flat_map(|&b| [0, b]).collect(),
            ],
        ),
        class(
            "arrays of no object record",
            vec![b"[[1, 2], [3]]".to_vec(), b"[1, 2, 3]".to_vec(), format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes()],
        ),
        class("a meta field named twice", vec![good.replacen(r#""object_fields": ["address","#, r#""object_fields": ["address", "address","#, 1).into_bytes()]),
        class("megabyte strings", vec![v1_heap(r#"{"objects": [1,1,8,0,2,-1], "references": [], "roots": [0,0,-1,0]}"#, &format!(r#"["", "{0}", "{0}"]"#, "T".repeat(1 << 20)))]),
        class("truncated tracemalloc pickle", pickle_cuts),
        class("tracemalloc pickle with flipped bytes", vec![pickle_flipped]),
        class("valid snapshot and pickle (control)", vec![g.to_vec(), gz_good.clone(), pickle.clone(), gz(&pickle)]),
    ]
}

/// One command line per command, with `{}` for the file.
const COMMANDS: &[&[&str]] = &[
    &["summary", "{}"],
    &["types", "{}"],
    &["types", "{}", "--by-module", "--fold-dicts"],
    &["retainers", "{}", "--type", "app.Node"],
    &["retainers", "{}", "--address", "0x10"],
    &["dominators", "{}", "--depth", "50", "--limit", "3"],
    &["cycles", "{}"],
    &["suspects", "{}"],
    &["search", "{}", "a"],
    &["diff", "{}", "{}"],
    &["tracemalloc", "{}"],
    &["tracemalloc", "{}", "--compare", "{}", "--group-by", "filename"],
];

#[derive(Default)]
struct Record {
    runs: u64,
    ok: u64,
    clear_errors: u64,
    failures: Vec<String>,
}

fn check(class: &str, path: &Path, command: &[&str], record: &mut Record) {
    let file = path.to_str().unwrap();
    let args: Vec<&str> = command.iter().map(|a| if *a == "{}" { file } else { a }).collect();
    let o = Command::new(env!("CARGO_BIN_EXE_heapscope"))
        .args(&args)
        .env("HEAPSCOPE_MAX_DECOMPRESSED_BYTES", (8u64 << 20).to_string())
        .output()
        .expect("run heapscope");
    record.runs += 1;
    let stderr = String::from_utf8_lossy(&o.stderr);
    let stdout = String::from_utf8_lossy(&o.stdout);
    let mut fail = |why: &str| record.failures.push(format!("{class}: {args:?}: {why}\n  stderr: {stderr}"));
    let lines: Vec<&str> = stderr.lines().collect();
    if stderr.contains("panicked") || stderr.contains("RUST_BACKTRACE") {
        return fail("panicked");
    }
    // At most one block of load warnings per file read (its count and
    // first, up to four more `then:` lines, `… and N more`), and one error line.
    let files_read = command.iter().filter(|a| **a == "{}").count();
    let then = lines.iter().filter(|l| l.contains(": then: ")).count();
    let more = lines.iter().filter(|l| l.contains(": … and ") && l.ends_with(" more")).count();
    let heads = lines.len() - then - more;
    if !lines.iter().all(|l| l.starts_with("heapscope: ")) || heads > files_read + 1 || then > 4 * files_read || more > files_read {
        return fail("stderr is not at most a block of warnings per file and an error line");
    }
    let raw_control = |s: &str| s.chars().any(|c| (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c));
    if raw_control(&stdout) || raw_control(&stderr) {
        return fail("a raw control character reached the terminal");
    }
    match o.status.code() {
        Some(0) => record.ok += 1,
        Some(1) => {
            let last = lines.last().copied().unwrap_or("");
            if !last.contains(file) {
                return fail("the error does not name the file");
            }
            if last.trim_end().ends_with(':') || last.len() < file.len() + 20 {
                return fail("the error says nothing");
            }
            record.clear_errors += 1;
        }
        other => fail(&format!("exit status {other:?}")),
    }
}

#[test]
fn hostile_inputs_never_crash_any_command() {
    let dir: PathBuf = std::env::temp_dir().join(format!("heapscope-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let classes = classes();
    let mut files = Vec::new();
    for (c, class) in classes.iter().enumerate() {
        for (i, bytes) in class.files.iter().enumerate() {
            let path = dir.join(format!("class{c:02}-{i}.bin"));
            std::fs::write(&path, bytes).unwrap();
            files.push((class.name, path));
        }
    }
    // Two workers: the machine's cores, not a timing assumption.
    let chunks: Vec<Vec<(&str, PathBuf)>> = files.chunks(files.len().div_ceil(2)).map(|c| c.to_vec()).collect();
    let records: Vec<Record> = std::thread::scope(|s| {
        let handles: Vec<_> = chunks
            .iter()
            .map(|chunk| {
                s.spawn(move || {
                    let mut record = Record::default();
                    for (class, path) in chunk {
                        for command in COMMANDS {
                            check(class, path, command, &mut record);
                        }
                    }
                    record
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let _ = std::fs::remove_dir_all(&dir);
    let runs: u64 = records.iter().map(|r| r.runs).sum();
    let ok: u64 = records.iter().map(|r| r.ok).sum();
    let clear: u64 = records.iter().map(|r| r.clear_errors).sum();
    let failures: Vec<&String> = records.iter().flat_map(|r| &r.failures).collect();
    println!(
        "bad-input record: {} classes, {} files × {} commands = {runs} runs: {ok} succeeded (with warnings where due), {clear} clear one-line errors, {} crashes or unclear errors",
        classes.len(),
        files.len(),
        COMMANDS.len(),
        failures.len()
    );
    assert!(failures.is_empty(), "{} failures:\n{}", failures.len(), failures.iter().map(|f| f.as_str()).collect::<Vec<_>>().join("\n"));
}

/// Small gzip files that expand to valid inputs far too large for the
/// memory a process may have: under an address-space limit (`ulimit -v`,
/// 512 MiB; a 10^5-object heap loads under 128 MiB) each is refused with "not enough memory" and exit code 1, never
/// an abort (exit 134 before: the loaders' columns, the pickle machine and
/// the graph allocated infallibly). Deterministic: what fails is an
/// allocation past the limit, whatever the machine's memory or load.
#[test]
#[cfg(target_os = "linux")]
fn inputs_too_large_for_the_memory_limit_are_refused() {
    let dir: PathBuf = std::env::temp_dir().join(format!("heapscope-oom-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let gz_of = |head: &[u8], unit: &[u8], count: usize, tail: &[u8]| {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(head).unwrap();
        let block = unit.repeat(1 << 20);
        for _ in 0..count >> 20 {
            enc.write_all(&block).unwrap();
        }
        enc.write_all(tail).unwrap();
        enc.finish().unwrap()
    };
    let m = 40 << 20; // 4.2×10^7 references or values
    let files = [
        // v1: one object referring to itself m times (12 B per reference in the columns).
        (
            "v1",
            gz_of(
                br#"{"format":"heapscope","version":1,"meta":{"object_fields":["address","type","size"],"reference_fields":["from","to"],"root_fields":["object","kind"]},"heap":{"objects":[16,1,8],"roots":[0,0],"references":[0,0"#,
                b",0,0",
                m,
                br#"]},"strings":["","app.T"]}"#,
            ),
        ),
        // ad-hoc: one record whose referents name it m times.
        ("adhoc", gz_of(br#"[{"id": 1, "type": "t", "size": 1, "referents": [1"#, b",1", m, b"]}]")),
        // pickle: m `None` opcodes, each a value on the machine's stack.
        ("pickle", gz_of(b"\x80\x02", b"N", m, b".")),
    ];
    for (name, bytes) in files {
        let path = dir.join(format!("{name}.gz"));
        std::fs::write(&path, bytes).unwrap();
        let o = summary_in_512_mib(&path);
        let stderr = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{name}: {stderr}");
        assert!(stderr.contains("not enough memory") && stderr.lines().count() == 1, "{name}: {stderr}");
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// `heapscope summary path` under a 512 MiB address space limit.
#[cfg(target_os = "linux")]
fn summary_in_512_mib(path: &std::path::Path) -> std::process::Output {
    Command::new("sh")
        .args(["-c", "ulimit -v 524288 && exec \"$0\" summary \"$1\""])
        .arg(env!("CARGO_BIN_EXE_heapscope"))
        .arg(path)
        .output()
        .expect("run heapscope under sh")
}

/// A string of 540 MiB (a few MB of gzip) under a 512 MiB address
/// space limit: cut, with the warning, and the heap opens — the string is
/// decoded a window at a time, never held whole (before: the whole string
/// was in the window, so refused here, and 4 GB in memory for a 4 GB one).
/// Its lone surrogate escape, far into the text, reads as U+FFFD without
/// the whole file being read again.
#[test]
#[cfg(target_os = "linux")]
fn a_string_longer_than_the_memory_limit_is_cut_not_held() {
    let dir: PathBuf = std::env::temp_dir().join(format!("heapscope-long-string-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    enc.write_all(
        br#"{"format":"heapscope","version":1,"heap":{"objects":[16,1,8,0,-1,-1],"references":[],"roots":[0,0,-1,0]},"strings":["","app.T"#,
    )
    .unwrap();
    let block = [&b"long text ".repeat(104_857)[..], br"\\\u00e9"].concat(); // 1 MiB
    for _ in 0..540 {
        enc.write_all(&block).unwrap();
    }
    enc.write_all(br#"\ud800"]}"#).unwrap();
    let path = dir.join("long.json.gz");
    std::fs::write(&path, enc.finish().unwrap()).unwrap();
    let o = summary_in_512_mib(&path);
    let stderr = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(0), "{stderr}");
    assert!(stderr.contains("1 lone UTF-16 surrogate escape(s)"), "{stderr}");
    assert!(String::from_utf8_lossy(&o.stdout).contains("objects"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
