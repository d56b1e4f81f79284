//! Snapshots of real Python programs, written by the exporter in `python/`
//! (`python3 -m heapscope run`). Runs whenever python3 is installed; fails
//! (it does not skip) if the exporter is missing or broken.
//!
//! On the real graph, the dominator tree is checked against petgraph's
//! `simple_fast` (Cooper–Harvey–Kennedy) from the super-root, and the cycles
//! against petgraph's `tarjan_scc`.

use std::path::PathBuf;
use std::process::Command;

use heapscope_core::analysis::dominators::SUPER_ROOT;
use heapscope_core::analysis::owner::Owner;
use heapscope_core::analysis::search::objects_of_type;
use heapscope_core::analysis::strong_view::{Exclusions, StrongView};
use heapscope_core::{Analysis, Snapshot};

const SCRIPT: &str = r#"
import gc, weakref

class Request:
    def __init__(self, i):
        self.path = "/items/%d" % i
        self.body = bytes(200)

class Node:
    def __init__(self, parent=None):
        self.parent = parent
        self.children = []
        if parent is not None:
            parent.children.append(self)

LEAK = [Request(i) for i in range(500)]
TREE = Node()
for _ in range(3):
    Node(TREE)
WEAK = weakref.ref(LEAK[0])

gc.disable()
garbage = Node()
Node(garbage)
Node(garbage)
del garbage
"#;

fn python3() -> Option<&'static str> {
    let ok = Command::new("python3").arg("--version").output().is_ok_and(|o| o.status.success());
    ok.then_some("python3")
}

fn export() -> Option<Snapshot> {
    let Some(py) = python3() else {
        eprintln!("python3 is not installed: the real-Python snapshot test cannot run");
        return None;
    };
    let repo = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let python_dir = repo.join("python");
    assert!(python_dir.join("heapscope").is_dir(), "python/heapscope (the exporter) is missing at {}", python_dir.display());
    let dir = std::env::temp_dir().join(format!("heapscope-py-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("app.py");
    std::fs::write(&script, SCRIPT).unwrap();
    let out = dir.join("app.heapscope.json");
    let status = Command::new(py)
        .current_dir(&python_dir)
        .env("PYTHONPATH", &python_dir)
        .args(["-m", "heapscope", "run", "--tracemalloc=5", "--out"])
        .arg(&out)
        .arg(&script)
        .output()
        .expect("run the exporter");
    assert!(status.status.success(), "exporter failed: {}", String::from_utf8_lossy(&status.stderr));
    let loaded = heapscope_core::load(&std::fs::read(&out).unwrap()).unwrap();
    assert!(loaded.warnings.len() < 5, "{:?}", loaded.warnings);
    Some(loaded.snapshot)
}

#[test]
fn real_python_heap() {
    let Some(s) = export() else { return };
    let heap = s.heap.as_ref().expect("a heap section");
    let a = Analysis::compute(&s).unwrap();
    let requests = objects_of_type(&a.types, "__main__.Request");
    assert_eq!(requests.len(), 500, "types: {:?}", &a.types.names[..a.types.names.len().min(40)]);
    // Every Request is reachable and a path leads to it through the LEAK list.
    let paths = a.retainer_paths(&s, heap, requests[10], 2, &Exclusions::none());
    let path = &paths.paths[0];
    assert!(path.steps.iter().any(|st| a.types.name_of(st.from) == "builtins.list"), "{path:?}");
    let list = path.steps.iter().find(|st| a.types.name_of(st.from) == "builtins.list").unwrap().from;
    // The list dominates its 500 requests and their dicts and bodies.
    assert!(requests.iter().all(|&r| a.dominators.dominates(list, r)));
    let body_bytes: u64 = requests.iter().map(|&r| a.dominators.retained_bytes(r)).sum();
    assert!(a.dominators.retained_bytes(list) >= body_bytes && body_bytes >= 500 * 200);
    // The Node tree is a reachable cycle; the collected-later one is garbage.
    let cycles = a.cycles(&s, heap);
    let node_cycles: Vec<_> = cycles.iter().filter(|c| c.types.iter().any(|(t, _)| t == "__main__.Node")).collect();
    assert!(node_cycles.iter().any(|c| c.reachable), "{node_cycles:?}");
    assert!(node_cycles.iter().any(|c| !c.reachable), "{node_cycles:?}");
    assert!(node_cycles.iter().all(|c| c.suggested_break.is_some()));
    // The application's garbage comes first; its break is the attribute, in Python syntax.
    assert!(!cycles[0].reachable && cycles[0].owner == Owner::Application && cycles[0].types[0].0 == "__main__.Node", "{:?}", cycles[0]);
    assert_eq!(cycles[0].suggested_break.as_ref().and_then(|b| b.python.as_deref()), Some("Node.parent"));
    assert!(cycles[0].fix.starts_with("make `Node.parent` a weakref"), "{}", cycles[0].fix);
    assert!(cycles.iter().filter(|c| c.internal).all(|c| c.owner == Owner::Interpreter));
    assert!(cycles.iter().any(|c| c.internal), "module namespaces form interpreter-internal cycles");

    // Owners: the program's objects are the application's; the interpreter owns its modules.
    assert!(requests.iter().all(|&r| a.owners.of(r) == Owner::Application));
    assert_eq!(a.owners.of(list), Owner::Application);
    let module = |name: &str| {
        (0..heap.object_count() as u32).find(|&o| a.types.name_of(o) == "builtins.module" && s.str(heap.description[o as usize]) == name)
    };
    assert_eq!(a.owners.of(module("os").expect("os is always imported")), Owner::Interpreter);
    assert_eq!(a.owners.of(module("__main__").unwrap()), Owner::Application);
    let (app, interp) = (a.owners.totals(Owner::Application), a.owners.totals(Owner::Interpreter));
    assert!(app.size_bytes >= body_bytes && interp.objects > app.objects, "{app:?} {interp:?}");
    let all: u64 = Owner::ALL.iter().map(|&w| a.owners.totals(w).objects).sum();
    assert_eq!(all, heap.object_count() as u64);
    // Objects carry their allocation sites.
    // (The exporter does not attach one to every object: the Request
    // instances have none with CPython 3.11; their bodies do.)
    let sites = heapscope_core::analysis::tracemalloc::objects_by_site(&s, heap, heapscope_core::analysis::tracemalloc::GroupBy::Lineno);
    assert!(
        sites.iter().any(|(tb, count, _)| *count > 0 && tb.iter().any(|f| f.filename.ends_with("app.py"))),
        "no object allocated in app.py: {sites:?}"
    );

    // Oracles on the real graph.
    let none = Exclusions::none();
    let view = StrongView::new(&heap.graph, &none);
    let n = heap.object_count();
    let mut g = petgraph::Graph::<(), ()>::with_capacity(n + 1, heap.reference_count() + a.roots.len());
    let nodes: Vec<_> = (0..=n).map(|_| g.add_node(())).collect();
    for v in 0..n as u32 {
        for t in view.successors(v) {
            g.add_edge(nodes[v as usize], nodes[t as usize], ());
        }
    }
    for &r in &a.roots {
        g.add_edge(nodes[n], nodes[r as usize], ());
    }
    let handle = std::thread::Builder::new()
        .stack_size(512 << 20)
        .spawn(move || {
            let doms = petgraph::algo::dominators::simple_fast(&g, nodes[n]);
            (0..n).map(|v| doms.immediate_dominator(nodes[v]).map(|d| d.index())).collect::<Vec<_>>()
        })
        .unwrap();
    let oracle = handle.join().unwrap();
    for (v, &want) in oracle.iter().enumerate().take(n) {
        let ours = a.dominators.idom(v as u32).map(|d| if d == SUPER_ROOT { n } else { d as usize });
        assert_eq!(ours, want, "idom of object {v}");
    }
    let mut ours: Vec<Vec<u32>> = a
        .components
        .iter()
        .map(|c| {
            let mut c = c.to_vec();
            c.sort();
            c
        })
        .collect();
    ours.sort();
    let mut theirs: Vec<Vec<u32>> = petgraph::algo::tarjan_scc(view)
        .into_iter()
        .map(|mut c| {
            c.sort();
            c
        })
        .filter(|c| c.len() > 1 || view.successors(c[0]).any(|t| t == c[0]))
        .collect();
    theirs.sort();
    assert_eq!(ours, theirs);
}

/// Exports `script` with the real exporter and loads it.
fn export_script(name: &str, script: &str) -> Option<Snapshot> {
    let py = python3()?;
    let python_dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../python");
    let dir = std::env::temp_dir().join(format!("heapscope-py-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("app.py");
    std::fs::write(&file, script).unwrap();
    let out = dir.join("app.heapscope.json");
    let run = Command::new(py)
        .env("PYTHONPATH", &python_dir)
        .args(["-m", "heapscope", "run", "--out"])
        .arg(&out)
        .arg(&file)
        .output()
        .expect("run the exporter");
    assert!(run.status.success(), "exporter failed: {}", String::from_utf8_lossy(&run.stderr));
    Some(heapscope_core::load(&std::fs::read(&out).unwrap()).unwrap().snapshot)
}

fn suspect_reasons(s: &Snapshot) -> Vec<String> {
    let heap = s.heap.as_ref().unwrap();
    let a = Analysis::compute(s).unwrap();
    a.suspects(s, heap, 8).into_iter().map(|x| x.reason).collect()
}

/// A module-level cache of Requests: the first suspect is the cache dict
/// holding the Requests, named by how it is reached; then the Request type;
/// interpreter infrastructure (code, function, str of namespaces) comes later.
#[test]
fn suspects_point_at_a_cache_leak() {
    const CACHE: &str = r#"
class Session:
    pass

class Request:
    def __init__(self, n):
        self.id = "req-%d" % n
        self.body = bytes(900 + n)
        self.session = Session()

cache = {}
for n in range(300):
    r = Request(n)
    cache[r.id] = r
del r
"#;
    let Some(s) = export_script("cache", CACHE) else { return };
    let reasons = suspect_reasons(&s);
    assert!(reasons[0].starts_with("`cache` of module `__main__` holds 300 `__main__.Request` objects"), "{reasons:#?}");
    assert!(reasons[1].starts_with("300 __main__.Request objects retain"), "{reasons:#?}");
    for r in &reasons {
        assert!(!r.contains("builtins.code") && !r.contains("builtins.function objects retain"), "{reasons:#?}");
    }
}

/// The shipped examples (`public/examples/`): what each one is about comes first.
#[test]
fn suspects_of_the_examples() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../public/examples");
    let reasons = |name: &str| {
        let s = heapscope_core::load(&std::fs::read(dir.join(name)).unwrap()).unwrap().snapshot;
        suspect_reasons(&s)
    };
    let leak = reasons("leak.heapscope.json.gz");
    assert!(leak[0].starts_with("`cache` of module `__main__` holds 200 `__main__.Request` objects"), "{leak:#?}");
    assert!(leak[1].starts_with("200 __main__.Request objects"), "{leak:#?}");
    let before = reasons("before.heapscope.json.gz");
    assert!(before[0].starts_with("`history` of module `__main__` holds 100 `__main__.Order` objects"), "{before:#?}");
    let after = reasons("after.heapscope.json.gz");
    assert!(after[0].starts_with("`history` of module `__main__` holds 1100 `__main__.Order` objects"), "{after:#?}");
    assert!(after.iter().any(|r| r.starts_with("`log_buffer` of module `__main__` holds 500 `builtins.str`")), "{after:#?}");
    // The cycle example disables the collector: its garbage cycles come
    // first, the biggest group first, named by their class.
    let cycle = reasons("cycle.heapscope.json.gz");
    assert!(cycle[0].starts_with("10 unreachable cycles of `Node` (gc is disabled)"), "{cycle:#?}");
    assert!(cycle[1].starts_with("10 unreachable cycles of `Session` (gc is disabled)"), "{cycle:#?}");
    // The interpreter's memory and the exporter's own caches never are suspects.
    for r in leak.iter().chain(&before).chain(&after).chain(&cycle) {
        assert!(!r.contains("_FMT_CACHE") && !r.contains("builtins.code") && !r.contains("builtins.dict objects"), "{r}");
    }
}
