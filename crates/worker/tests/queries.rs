//! Every query the UI can ask, answered over small fixture files: one
//! data-driven case table (files open, query, the answer rendered as text),
//! including the `Unavailable` answers. `variant` has no catch-all arm, so a
//! new `Query` does not compile until it is named here, and
//! `every_query_variant_has_cases` fails until it has a case.

use std::collections::BTreeSet;

use heapscope_protocol::{AllocationGrouping, Answer, FromWorker, Grouping, Ignored, ObjectRow, Query, Reference};
use heapscope_worker::{dispatch, Session};

/// Objects: 0 module `app` (a root twice), 1 dict, 2 `app.Node` a, 3
/// `app.Node` b, 4 str, 5 weakref (a native root), 6 and 7 a garbage cycle
/// of nodes. References: 0→1 `.d`, 1→2 `['a']`, 1→3 `['b']`, 2→3 and 3→2
/// `.peer`, 2→4 `.name`, 5→4 weak, 6→7 and 7→6 `.peer`, 7→4 `.name`.
/// Object 2 was allocated at `app.py:7`.
const AFTER: &str = r#"{"format":"heapscope","version":1,"process":{"time":"2026-01-02T00:00:00Z"},
    "heap":{"objects":[
        16,1,100,2,2,-1, 32,3,200,1,-1,-1, 48,4,50,1,-1,0, 64,4,60,1,-1,-1,
        80,5,10,0,6,-1, 96,7,20,1,-1,-1, 112,4,30,1,-1,-1, 128,4,40,1,-1,-1],
     "references":[0,1,1,8, 1,2,2,9, 1,3,2,10, 2,3,1,11, 3,2,1,11, 2,4,1,12, 5,4,14,-1, 6,7,1,11, 7,6,1,11, 7,4,1,12],
     "roots":[0,0,2,0, 0,3,-1,0, 5,3,-1,4]},
    "tracemalloc":{"traceback_limit":1,"frames":[13,7],"tracebacks":[[0]],"traces":[]},
    "strings":["","builtins.module","app","builtins.dict","app.Node","builtins.str","'x'","builtins.weakref",
               "d","'a'","'b'","peer","name","app.py"]}"#;

/// The same process a day earlier: the module, the dict and node a.
const BEFORE: &str = r#"{"format":"heapscope","version":1,"process":{"time":"2026-01-01T00:00:00Z"},
    "heap":{"objects":[16,1,100,2,2,-1, 32,3,200,1,-1,-1, 48,4,50,1,-1,-1],
     "references":[0,1,1,6, 1,2,2,7],"roots":[0,0,2,0]},
    "strings":["","builtins.module","app","builtins.dict","app.Node","builtins.str","d","'a'"]}"#;

/// tracemalloc traces: 100 + 30 bytes at a.py:1, 50 at b.py:2 (called from a.py:1).
const TRACES: &str = r#"{"format":"heapscope","version":1,"process":{"time":"2026-01-02T00:00:00Z"},
    "tracemalloc":{"traceback_limit":2,"frames":[1,1, 2,2],"tracebacks":[[0],[1,0]],"traces":[0,100,0, 0,50,1, 0,30,0]},
    "strings":["","a.py","b.py"]}"#;

/// Earlier traces: 60 bytes at a.py:1.
const TRACES_BEFORE: &str = r#"{"format":"heapscope","version":1,"process":{"time":"2026-01-01T00:00:00Z"},
    "tracemalloc":{"traceback_limit":2,"frames":[1,1],"tracebacks":[[0]],"traces":[0,60,0]},
    "strings":["","a.py"]}"#;

/// Three cycles, ranked: #0 `app.Node` 2↔3 (the application's, reachable
/// from module `app` 0 through its dict 1), #1 a garbage function 4 ↔ dict 5
/// (interpreter-internal, the larger), #2 a garbage `builtins.list` pair 6↔7.
/// Those the filters keep lie past the first rank: a display limit must cut
/// the filtered list, not the whole one.
const CYCLES: &str = r#"{"format":"heapscope","version":1,"process":{"time":"2026-01-02T00:00:00Z"},
    "heap":{"objects":[
        16,1,100,2,2,-1, 32,3,200,1,-1,-1, 48,4,50,1,-1,-1, 64,4,60,1,-1,-1,
        80,5,500,17,-1,-1, 96,3,400,1,-1,-1, 112,6,30,1,-1,-1, 128,6,40,1,-1,-1],
     "references":[0,1,13,-1, 1,2,2,7, 2,3,1,8, 3,2,1,8, 4,5,7,-1, 5,4,2,9, 6,7,4,10, 7,6,4,10],
     "roots":[0,0,2,0]},
    "strings":["","builtins.module","app","builtins.dict","app.Node","builtins.function","builtins.list",
               "'a'","peer","'f'","0"]}"#;
/// A series of one process (hand-written object lists, oldest first):
/// `app.Bus` 1 → list 2 holding `app.Item`s that pile up (2, 4, 6), beside a
/// `Table` dict 3 of 5 `app.Row`s that never grows.
const SERIES: [&str; 3] = [
    r#"[{"id": 1, "type": "app.Bus", "size": 48, "referents": [2, 3]},
        {"id": 2, "type": "list", "size": 64, "referents": [10, 11]},
        {"id": 3, "type": "dict", "size": 400, "referents": [30, 31, 32, 33, 34]},
        {"id": 10, "type": "app.Item", "size": 100, "referents": []}, {"id": 11, "type": "app.Item", "size": 100, "referents": []},
        {"id": 30, "type": "app.Row", "size": 500, "referents": []}, {"id": 31, "type": "app.Row", "size": 500, "referents": []},
        {"id": 32, "type": "app.Row", "size": 500, "referents": []}, {"id": 33, "type": "app.Row", "size": 500, "referents": []},
        {"id": 34, "type": "app.Row", "size": 500, "referents": []}]"#,
    r#"[{"id": 1, "type": "app.Bus", "size": 48, "referents": [2, 3]},
        {"id": 2, "type": "list", "size": 96, "referents": [10, 11, 12, 13]},
        {"id": 3, "type": "dict", "size": 400, "referents": [30, 31, 32, 33, 34]},
        {"id": 10, "type": "app.Item", "size": 100, "referents": []}, {"id": 11, "type": "app.Item", "size": 100, "referents": []},
        {"id": 12, "type": "app.Item", "size": 100, "referents": []}, {"id": 13, "type": "app.Item", "size": 100, "referents": []},
        {"id": 30, "type": "app.Row", "size": 500, "referents": []}, {"id": 31, "type": "app.Row", "size": 500, "referents": []},
        {"id": 32, "type": "app.Row", "size": 500, "referents": []}, {"id": 33, "type": "app.Row", "size": 500, "referents": []},
        {"id": 34, "type": "app.Row", "size": 500, "referents": []}]"#,
    r#"[{"id": 1, "type": "app.Bus", "size": 48, "referents": [2, 3]},
        {"id": 2, "type": "list", "size": 128, "referents": [10, 11, 12, 13, 14, 15]},
        {"id": 3, "type": "dict", "size": 400, "referents": [30, 31, 32, 33, 34]},
        {"id": 10, "type": "app.Item", "size": 100, "referents": []}, {"id": 11, "type": "app.Item", "size": 100, "referents": []},
        {"id": 12, "type": "app.Item", "size": 100, "referents": []}, {"id": 13, "type": "app.Item", "size": 100, "referents": []},
        {"id": 14, "type": "app.Item", "size": 100, "referents": []}, {"id": 15, "type": "app.Item", "size": 100, "referents": []},
        {"id": 30, "type": "app.Row", "size": 500, "referents": []}, {"id": 31, "type": "app.Row", "size": 500, "referents": []},
        {"id": 32, "type": "app.Row", "size": 500, "referents": []}, {"id": 33, "type": "app.Row", "size": 500, "referents": []},
        {"id": 34, "type": "app.Row", "size": 500, "referents": []}]"#,
];

/// An `mprof run` file (children, function spans, a bad line).
const MPROF: &str = "CMDLINE python app.py\nMEM 10.0 100.0\nFUNC __main__.f 10.0 100.1 14.0 100.9 1\nMEM 12.5 101.0\n\
    CHLD 42 3.0 100.5\nCHLD 42 4.0 101.5\nMEM oops 101.5\nMEM 14.0 102.0\n";

/// An `@profile` report: one function, the leak on line 5.
const LINES: &str = "Filename: app.py\n\nLine #    Mem usage    Increment  Occurrences   Line Contents\n\
=============================================================\n\
     3     38.8 MiB     38.8 MiB           1   @profile\n\
     4                                         def my_func():\n\
     5     46.5 MiB      7.7 MiB           1       a = [1] * (10 ** 6)\n\
     6     47.5 MiB      1.0 MiB           1       b = [2] * (10 ** 5)\n";

fn fixture(name: &str) -> &'static str {
    match name {
        "s1" => SERIES[0],
        "s2" => SERIES[1],
        "s3" => SERIES[2],
        "mprof" => MPROF,
        "pid1" => {
            r#"{"format":"heapscope","version":1,"process":{"pid":1,"time":"2026-01-01T00:00:00Z"},
            "heap":{"objects":[16,1,100,0,-1,-1],"references":[],"roots":[0,0,-1,0]},"strings":["","builtins.dict"]}"#
        }
        "pid2" => {
            r#"{"format":"heapscope","version":1,"process":{"pid":2,"time":"2026-01-02T00:00:00Z"},
            "heap":{"objects":[16,1,100,0,-1,-1],"references":[],"roots":[0,0,-1,0]},"strings":["","builtins.dict"]}"#
        }
        "lines" => LINES,
        "after" => AFTER,
        "before" => BEFORE,
        "traces" => TRACES,
        "traces_before" => TRACES_BEFORE,
        "cycles" => CYCLES,
        _ => panic!("no fixture {name}"),
    }
}

/// The query's variant name. No catch-all arm: a new query is named here first.
fn variant(q: &Query) -> &'static str {
    match q {
        Query::Overview => "Overview",
        Query::Types { .. } => "Types",
        Query::Instances { .. } => "Instances",
        Query::Object { .. } => "Object",
        Query::Referrers { .. } => "Referrers",
        Query::RetainerPaths { .. } => "RetainerPaths",
        Query::DominatorChildren { .. } => "DominatorChildren",
        Query::Cycles { .. } => "Cycles",
        Query::Cycle { .. } => "Cycle",
        Query::Allocations { .. } => "Allocations",
        Query::AllocationTree { .. } => "AllocationTree",
        Query::CompareHeaps { .. } => "CompareHeaps",
        Query::Search { .. } => "Search",
        Query::Growth { .. } => "Growth",
        Query::Explore { .. } => "Explore",
        Query::Timeline { .. } => "Timeline",
        Query::LineReport { .. } => "LineReport",
    }
}

/// One example of every query, for the "nothing is open" cases.
fn one_of_each() -> Vec<Query> {
    vec![
        Query::Overview,
        Query::Types { grouping: Grouping::Type, fold_dicts: false },
        Query::Instances { type_name: "app.Node".into(), start: 0, count: 10 },
        Query::Object { object: 0 },
        Query::Referrers { object: 0, ignored: vec![] },
        Query::RetainerPaths { object: 0, k: 1, ignored: vec![] },
        Query::DominatorChildren { object: None, limit: 10 },
        Query::Cycles { limit: 10, garbage_only: false, hide_internal: false },
        Query::Cycle { index: 0 },
        Query::Allocations { grouping: AllocationGrouping::Lineno, cumulative: false, compare: false, limit: 10 },
        Query::AllocationTree { max_nodes: 10 },
        Query::CompareHeaps { limit: 10 },
        Query::Search { text: "node".into(), limit: 10 },
        Query::Growth { from: None, to: None, limit: 10 },
        Query::Explore { heap: 0, baseline: None },
        Query::Timeline { max_points: 100 },
        Query::LineReport { limit: 10 },
    ]
}

/// A session with `files` loaded in order (the first replacing nothing).
fn session_with(files: &[&str]) -> Session {
    let mut session = Session::new();
    for (i, name) in files.iter().enumerate() {
        let bytes = fixture(name).as_bytes();
        let request = i as u32 + 1;
        let done = session.load(request, format!("{name}.json"), &bytes, i == 0, &|| 0.0, &|_| {});
        assert!(matches!(done, FromWorker::Loaded { .. }), "{name}: {done:?}");
    }
    session
}

fn ask(session: &mut Session, query: Query) -> Answer {
    match dispatch::query(session, 99, query) {
        FromWorker::Answer { request: 99, answer } => answer,
        other => panic!("not an answer: {other:?}"),
    }
}

fn obj(r: &ObjectRow) -> String {
    format!("{}:{}:{}", r.id, r.type_name, r.retained_bytes)
}

fn reference(r: &Reference) -> String {
    format!("{}-{}{}->{}", r.from.id, r.label, if r.weak { "(weak)" } else { "" }, r.to.id)
}

fn list<T>(items: &[T], f: impl Fn(&T) -> String) -> String {
    items.iter().map(f).collect::<Vec<_>>().join(" ")
}

/// An answer as one line of text, the fields a view relies on.
fn render(a: &Answer) -> String {
    match a {
        Answer::Overview(o) => format!(
            "objects {} refs {} bytes {} unreachable {}/{} cycles {} garbage {} roots {} top [{}] suspects {}",
            o.object_count,
            o.reference_count,
            o.total_size_bytes,
            o.unreachable_count,
            o.unreachable_bytes,
            o.cycle_count,
            o.garbage_cycle_count,
            o.root_count,
            list(&o.top_types[..3], |t| format!("{}:{}:{}", t.type_name, t.count, t.retained_bytes)),
            o.suspects.len()
        ),
        Answer::Types { rows } => list(rows, |t| format!("{}:{}:{}:{}", t.type_name, t.count, t.shallow_bytes, t.retained_bytes)),
        Answer::Instances { type_name, total, start, rows } => format!("{type_name} {total} from {start} [{}]", list(rows, obj)),
        Answer::Object(d) => format!(
            "{} flags [{}] tb [{}] out {}/{} [{}] in {}/{} [{}] dominators [{}]",
            obj(&d.object),
            d.flags.join(","),
            d.traceback.join(","),
            d.outgoing.len(),
            d.outgoing_total,
            list(&d.outgoing, reference),
            d.referrers.len(),
            d.referrers_total,
            list(&d.referrers, reference),
            list(&d.dominators, obj)
        ),
        Answer::Referrers { object, total, referrers } => format!("{object} {}/{total} [{}]", referrers.len(), list(referrers, reference)),
        Answer::RetainerPaths { object, paths, truncated, is_root, reachable } => {
            format!("{object} [{}] truncated {truncated} root {is_root} reachable {reachable}", list(paths, |p| list(&p.steps, reference)))
        }
        Answer::DominatorChildren { object, total, children } => format!("{object:?} {total} [{}]", list(children, obj)),
        Answer::Cycles { total, matching, rows } => format!(
            "{matching}/{total} [{}]",
            list(rows, |c| format!(
                "#{} {} {}/{} garbage {} ({})",
                c.index, c.member_count, c.shallow_bytes, c.retained_bytes, c.garbage, c.types
            ))
        ),
        Answer::Cycle(c) => format!(
            "#{} members [{}] refs {}/{} [{}] break {}",
            c.row.index,
            list(&c.members, obj),
            c.references.len(),
            c.reference_total,
            list(&c.references, reference),
            c.suggested.as_ref().map_or("none".into(), |s| format!("{} ({})", reference(&s.reference), s.reason))
        ),
        Answer::Allocations { rows, total_bytes, total_count, compared } => format!(
            "{total_bytes} B in {total_count} compared {compared} [{}]",
            list(rows, |r| format!("{}:{}:{}:{:+}:{:+}", r.frames.join(">"), r.size_bytes, r.count, r.size_diff_bytes, r.count_diff))
        ),
        Answer::AllocationTree { root } => {
            fn node(n: &heapscope_protocol::FlameNode) -> String {
                if n.children.is_empty() {
                    format!("{}:{}", n.frame, n.size_bytes)
                } else {
                    format!("{}:{}({})", n.frame, n.size_bytes, list(&n.children, node))
                }
            }
            node(root)
        }
        Answer::CompareHeaps(c) => format!(
            "vs {} [{}] new {} [{}] freed {}",
            c.baseline_file,
            list(&c.types, |t| format!(
                "{}:{}->{}:{}->{}:{:+}:{:+}",
                t.type_name, t.count_before, t.count_after, t.size_before_bytes, t.size_after_bytes, t.count_delta, t.size_delta_bytes
            )),
            c.new_object_count,
            list(&c.new_objects, obj),
            c.freed_count
        ),
        Answer::Search { text, total, hits } => {
            format!("{text:?} {}/{total} [{}]", hits.len(), list(hits, |h| format!("{}:{}", h.object.id, h.matched)))
        }
        Answer::Growth(g) => format!(
            "series [{}] range {}-{} findings {}/{} [{}] holders {}/{} [{}] survivors {}/{} [{}] types {}/{} [{}]",
            list(&g.series, |p| format!("{}:{}:{}:{}", p.index, p.file_name, p.objects, p.total_bytes)),
            g.from,
            g.to,
            g.findings.len(),
            g.finding_total,
            list(&g.findings, |f| format!("{}#{}", f.kind, f.index)),
            g.holders.len(),
            g.holder_total,
            list(&g.holders, |h| format!(
                "{}:{}:{:?}:{:?}:{}:{} ({}) fix={}",
                obj(&h.object),
                h.name,
                h.lengths,
                h.retained_bytes,
                h.monotonic,
                h.program,
                h.reason,
                h.fix
            )),
            g.survivors.len(),
            g.survivor_total,
            list(&g.survivors, |c| format!("{}:{}x{}:{}", obj(&c.representative), c.count, c.entry_type, c.holder)),
            g.types.len(),
            g.type_total,
            list(&g.types, |t| format!("{}:{:?}:{:+}:{}", t.type_name, t.counts, t.size_growth_bytes, t.monotonic))
        ),
        Answer::Explored { summary } => format!(
            "explored {} ({} objects) [{}]",
            summary.file_name,
            summary.object_count,
            list(&summary.files, |f| format!("{}#{:?}:{:?}", f.file_name, f.series_index, f.roles))
        ),
        Answer::Timeline { runs } => list(runs, |r| {
            format!(
                "{} cmd {:?} at {} samples {}/{} [{}] spans [{}] children [{}] peak {:?} slope {:?} from {:?} grew [{}] warnings {}",
                r.file_name,
                r.cmdline,
                r.start_unix_s,
                r.samples.len(),
                r.sample_total,
                list(&r.samples, |p| format!("{}:{}", p.seconds, p.mib)),
                list(&r.functions, |f| format!("{}@{:.1}-{:.1}:{:?}", f.name, f.start.seconds, f.end.seconds, f.level)),
                list(&r.children, |c| format!("{}:{}", c.id, list(&c.samples, |p| format!("{}:{}", p.seconds, p.mib)))),
                r.peak.map(|p| (p.seconds, p.mib)),
                r.slope_mib_per_s,
                r.fit_start_mib,
                list(&r.grew_most, |f| format!("{}:{}:{}", f.name, f.calls, f.total_growth_mib)),
                r.warnings.len()
            )
        }),
        Answer::LineReport { reports } => list(reports, |r| {
            format!(
                "{} rows {} [{}] grew [{}] warnings {}",
                r.file_name,
                r.row_total,
                list(&r.tables, |t| format!(
                    "{}:{}",
                    t.filename,
                    list(&t.functions, |f| format!("{:?}={}", f.name, list(&f.rows, |row| row.lineno.to_string())))
                )),
                list(&r.grew_most, |g| format!("{}:{}:{:?}", g.row.lineno, g.row.contents.trim(), g.row.increment_mib)),
                r.warnings.len()
            )
        }),
        Answer::Unavailable { reason } => format!("unavailable: {reason}"),
    }
}

/// (files open, query, the answer rendered).
fn cases() -> Vec<(&'static [&'static str], Query, &'static str)> {
    const HEAP: &[&str] = &["after"];
    const TRACES_ONLY: &[&str] = &["traces"];
    const THREE_CYCLES: &[&str] = &["cycles"];
    const SERIES_3: &[&str] = &["s1", "s2", "s3"];
    vec![
        (
            HEAP,
            Query::Overview,
            "objects 8 refs 10 bytes 510 unreachable 2/70 cycles 2 garbage 1 roots 2 \
             top [builtins.module:1:420 builtins.dict:1:320 app.Node:4:120] suspects 4",
        ),
        (TRACES_ONLY, Query::Overview, "unavailable: no heap snapshot is open"),
        (
            HEAP,
            Query::Types { grouping: Grouping::Type, fold_dicts: false },
            "builtins.module:1:100:420 builtins.dict:1:200:320 app.Node:4:180:120 builtins.weakref:1:20:20 builtins.str:1:10:10",
        ),
        (HEAP, Query::Types { grouping: Grouping::Module, fold_dicts: false }, "builtins:4:330:440 app:4:180:120"),
        (HEAP, Query::Instances { type_name: "app.Node".into(), start: 1, count: 2 }, "app.Node 4 from 1 [3:app.Node:60 6:app.Node:0]"),
        (HEAP, Query::Instances { type_name: "app.Node".into(), start: 9, count: 2 }, "app.Node 4 from 4 []"),
        (HEAP, Query::Instances { type_name: "nothing".into(), start: 0, count: 2 }, "nothing 0 from 0 []"),
        (
            HEAP,
            Query::Object { object: 2 },
            "2:app.Node:60 flags [gc tracked] tb [app.py:7] out 2/2 [2-.peer->3 2-.name->4] \
             in 2/2 [1-['a']->2 3-.peer->2] dominators [1:builtins.dict:320 0:builtins.module:420]",
        ),
        (HEAP, Query::Object { object: 8 }, "unavailable: no such object"),
        (HEAP, Query::Referrers { object: 4, ignored: vec![] }, "4 3/3 [2-.name->4 7-.name->4 5-weak(weak)->4]"),
        (HEAP, Query::Referrers { object: 4, ignored: vec![Ignored::Object(2)] }, "4 2/2 [7-.name->4 5-weak(weak)->4]"),
        (
            HEAP,
            Query::Referrers { object: 4, ignored: vec![Ignored::Reference { from: 7, index: 1 }] },
            "4 2/2 [2-.name->4 5-weak(weak)->4]",
        ),
        (HEAP, Query::Referrers { object: 99, ignored: vec![] }, "unavailable: no such object"),
        (
            HEAP,
            Query::RetainerPaths { object: 3, k: 2, ignored: vec![] },
            "3 [0-.d->1 1-['b']->3 0-.d->1 1-['a']->2 2-.peer->3] truncated false root false reachable true",
        ),
        (
            HEAP,
            Query::RetainerPaths { object: 3, k: 5, ignored: vec![Ignored::Object(1)] },
            "3 [] truncated false root false reachable false",
        ),
        (HEAP, Query::RetainerPaths { object: 6, k: 1, ignored: vec![] }, "6 [] truncated false root false reachable false"),
        (HEAP, Query::RetainerPaths { object: 8, k: 1, ignored: vec![] }, "unavailable: no such object"),
        (HEAP, Query::DominatorChildren { object: None, limit: 1 }, "None 2 [0:builtins.module:420]"),
        (HEAP, Query::DominatorChildren { object: Some(1), limit: 10 }, "Some(1) 2 [2:app.Node:60 3:app.Node:60]"),
        (HEAP, Query::DominatorChildren { object: Some(4), limit: 10 }, "Some(4) 0 []"),
        (HEAP, Query::DominatorChildren { object: Some(8), limit: 10 }, "unavailable: no such object"),
        // The application's garbage first, then what is reachable.
        (
            HEAP,
            Query::Cycles { limit: 10, garbage_only: false, hide_internal: false },
            "2/2 [#0 2 70/70 garbage true (app.Node ×2) #1 2 110/120 garbage false (app.Node ×2)]",
        ),
        (HEAP, Query::Cycles { limit: 1, garbage_only: false, hide_internal: false }, "2/2 [#0 2 70/70 garbage true (app.Node ×2)]"),
        // Filters apply to every cycle before the limit cuts the list; rows keep their rank.
        (
            THREE_CYCLES,
            Query::Cycles { limit: 3, garbage_only: false, hide_internal: false },
            "3/3 [#0 2 110/110 garbage false (app.Node ×2) #1 2 900/900 garbage true (builtins.dict ×1, builtins.function ×1) \
             #2 2 70/70 garbage true (builtins.list ×2)]",
        ),
        (
            THREE_CYCLES,
            Query::Cycles { limit: 1, garbage_only: true, hide_internal: false },
            "2/3 [#1 2 900/900 garbage true (builtins.dict ×1, builtins.function ×1)]",
        ),
        (THREE_CYCLES, Query::Cycles { limit: 1, garbage_only: false, hide_internal: true }, "2/3 [#0 2 110/110 garbage false (app.Node ×2)]"),
        (THREE_CYCLES, Query::Cycles { limit: 1, garbage_only: true, hide_internal: true }, "1/3 [#2 2 70/70 garbage true (builtins.list ×2)]"),
        (THREE_CYCLES, Query::Cycles { limit: 0, garbage_only: true, hide_internal: true }, "1/3 []"),
        (HEAP, Query::Cycle { index: 0 }, "#0 members [6:app.Node:0 7:app.Node:0] refs 2/2 [6-.peer->7 7-.peer->6] break 7-.peer->6 (`Node.peer` (all 2 such references): without it the members have no loop)"),
        (HEAP, Query::Cycle { index: 1 }, "#1 members [2:app.Node:60 3:app.Node:60] refs 2/2 [2-.peer->3 3-.peer->2] break 3-.peer->2 (`Node.peer` (all 2 such references): without it the members have no loop)"),
        (HEAP, Query::Cycle { index: 2 }, "unavailable: no such cycle"),
        (
            &["traces"],
            Query::Allocations { grouping: AllocationGrouping::Lineno, cumulative: false, compare: false, limit: 10 },
            "180 B in 3 compared false [a.py:1:130:2:+0:+0 b.py:2:50:1:+0:+0]",
        ),
        (
            &["traces"],
            Query::Allocations { grouping: AllocationGrouping::Filename, cumulative: true, compare: false, limit: 10 },
            "180 B in 3 compared false [a.py:180:3:+0:+0 b.py:50:1:+0:+0]",
        ),
        (
            &["traces", "traces_before"],
            Query::Allocations { grouping: AllocationGrouping::Traceback, cumulative: false, compare: true, limit: 10 },
            "180 B in 3 compared true [a.py:1:130:2:+70:+1 a.py:1>b.py:2:50:1:+50:+1]",
        ),
        (
            HEAP,
            Query::Allocations { grouping: AllocationGrouping::Lineno, cumulative: false, compare: false, limit: 10 },
            "0 B in 0 compared false []",
        ),
        (
            &["before"],
            Query::Allocations { grouping: AllocationGrouping::Lineno, cumulative: false, compare: false, limit: 10 },
            "unavailable: no tracemalloc traces are open",
        ),
        (&["traces"], Query::AllocationTree { max_nodes: 10 }, "all allocations:180(a.py:1:180(b.py:2:50))"),
        (&["before"], Query::AllocationTree { max_nodes: 10 }, "unavailable: no tracemalloc traces are open"),
        (
            &["after", "before"],
            Query::CompareHeaps { limit: 10 },
            "vs before.json [app.Node:1->4:50->180:+3:+130 builtins.weakref:0->1:0->20:+1:+20 builtins.str:0->1:0->10:+1:+10] \
             new 5 [3:app.Node:60 5:builtins.weakref:20 4:builtins.str:10 6:app.Node:0 7:app.Node:0] freed 0",
        ),
        (HEAP, Query::CompareHeaps { limit: 10 }, "unavailable: open two heap snapshots of the same process to compare them"),
        (HEAP, Query::Search { text: "node".into(), limit: 2 }, "\"node\" 2/4 [2:type 3:type]"),
        (HEAP, Query::Search { text: "0x20".into(), limit: 10 }, "\"0x20\" 1/1 [1:address]"),
        (HEAP, Query::Search { text: "'X'".into(), limit: 10 }, "\"'X'\" 1/1 [4:description]"),
        (HEAP, Query::Search { text: " ".into(), limit: 10 }, "\" \" 0/0 []"),
        (TRACES_ONLY, Query::Search { text: "node".into(), limit: 10 }, "unavailable: no heap snapshot is open"),
        (SERIES_3, Query::Growth { from: None, to: None, limit: 10 }, "series [0:s1.json:10:3212 1:s2.json:12:3444 2:s3.json:14:3676] range 0-2 findings 4/4 [holder#0 survivors#0 type#0 type#1] holders 1/1 [1:list:728:Bus<internal>:[2, 4, 6]:[264, 496, 728]:true:true (`Bus<internal>` (list): 2 → 4 → 6 Item objects, +464 B retained) fix=`Bus<internal>` only grows: remove items when they are handled, or bound it (collections.deque(maxlen=N))] survivors 1/1 [5:app.Item:100:2xapp.Item:Bus<internal><internal>] types 2/2 [app.Item:[2, 4, 6]:+400:true list:[1, 1, 1]:+64:false]"),
        (SERIES_3, Query::Growth { from: Some(1), to: None, limit: 1 }, "series [0:s1.json:10:3212 1:s2.json:12:3444 2:s3.json:14:3676] range 1-2 findings 1/4 [holder#0] holders 1/1 [1:list:728:Bus<internal>:[4, 6]:[496, 728]:true:true (`Bus<internal>` (list): 4 → 6 Item objects, +232 B retained) fix=`Bus<internal>` only grows: remove items when they are handled, or bound it (collections.deque(maxlen=N))] survivors 1/1 [7:app.Item:100:2xapp.Item:Bus<internal><internal>] types 1/2 [app.Item:[4, 6]:+200:true]"),
        (SERIES_3, Query::Growth { from: Some(2), to: Some(2), limit: 10 }, "unavailable: no such range of the series: snapshots 3 to 3 of 3"),
        (SERIES_3, Query::Growth { from: Some(0), to: Some(3), limit: 10 }, "unavailable: no such range of the series: snapshots 1 to 4 of 3"),
        (HEAP, Query::Growth { from: None, to: None, limit: 10 }, "unavailable: open two or more heap snapshots of one process (oldest first) to see what grows"),
        (
            &["pid1", "pid2"],
            Query::Growth { from: None, to: None, limit: 10 },
            "unavailable: snapshots 1 and 2 come from different processes (pid 1 vs 2): objects cannot be matched across processes",
        ),
        (SERIES_3, Query::Explore { heap: 0, baseline: None }, "explored s1.json (10 objects) [s1.json#Some(0):[Heap] s2.json#Some(1):[Series] s3.json#Some(2):[Series]]"),
        (SERIES_3, Query::Explore { heap: 1, baseline: Some(2) }, "explored s2.json (12 objects) [s1.json#Some(0):[Series] s2.json#Some(1):[Heap] s3.json#Some(2):[Baseline]]"),
        (SERIES_3, Query::Explore { heap: 3, baseline: None }, "unavailable: no such heap snapshot in the series of 3"),
        (SERIES_3, Query::Explore { heap: 1, baseline: Some(1) }, "unavailable: no such heap snapshot in the series of 3"),
        (&["mprof", "s1"], Query::Timeline { max_points: 100 }, "mprof.json cmd Some(\"python app.py\") at 100 samples 3/3 [0:10 1:12.5 2:14] spans [__main__.f@0.1-0.9:Some(1)] children [42:0.5:3 1.5:4] peak Some((2.0, 14.0)) slope Some(2.0) from Some(10.166666666666666) grew [__main__.f:1:4] warnings 1"),
        (&["mprof"], Query::Timeline { max_points: 2 }, "mprof.json cmd Some(\"python app.py\") at 100 samples 2/3 [0:10 2:14] spans [__main__.f@0.1-0.9:Some(1)] children [42:0.5:3 1.5:4] peak Some((2.0, 14.0)) slope Some(2.0) from Some(10.166666666666666) grew [__main__.f:1:4] warnings 1"),
        (HEAP, Query::Timeline { max_points: 100 }, "unavailable: no memory_profiler `mprof run` file (mprofile_*.dat) is open"),
        (&["lines", "mprof"], Query::LineReport { limit: 10 }, "lines.json rows 4 [app.py:Some(\"my_func\")=3 4 5 6] grew [5:a = [1] * (10 ** 6):Some(7.7) 6:b = [2] * (10 ** 5):Some(1.0)] warnings 0"),
        (&["mprof"], Query::LineReport { limit: 10 }, "unavailable: no memory_profiler @profile report is open"),
        (&["mprof"], Query::Overview, "unavailable: no heap snapshot is open"),
    ]
}

#[test]
fn every_query_answers_as_expected() {
    let mut failures = Vec::new();
    for (files, query, expected) in cases() {
        let mut session = session_with(files);
        let described = format!("{files:?} {query:?}");
        let got = render(&ask(&mut session, query));
        // A case may give a prefix (long reasons are checked elsewhere).
        if !(got == expected || (expected.ends_with('(') && got.starts_with(expected))) {
            failures.push(format!("{described}\n  expected: {expected}\n  got:      {got}"));
        }
    }
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn every_query_is_unavailable_with_nothing_open() {
    let mut session = Session::new();
    for query in one_of_each() {
        let described = format!("{query:?}");
        let answer = ask(&mut session, query);
        assert!(matches!(answer, Answer::Unavailable { .. }), "{described}: {answer:?}");
    }
}

#[test]
fn every_query_variant_has_cases() {
    let all: BTreeSet<&str> = one_of_each().iter().map(variant).collect();
    let answered: BTreeSet<&str> =
        cases().iter().filter(|(_, _, expected)| !expected.starts_with("unavailable")).map(|(_, q, _)| variant(q)).collect();
    let unavailable: BTreeSet<&str> =
        cases().iter().filter(|(_, _, expected)| expected.starts_with("unavailable")).map(|(_, q, _)| variant(q)).collect();
    assert_eq!(all.len(), 17, "one_of_each lists every variant once");
    assert_eq!(answered, all, "every query has a case with an answer");
    let without_unavailable: Vec<_> = all.difference(&unavailable).collect();
    // Types and Instances answer whenever a heap is open; with none open they are covered above.
    assert_eq!(without_unavailable, [&"Cycles", &"Instances", &"Types"], "other queries have an Unavailable case");
}

/// A linked list's node is a path of as many references as the list is
/// long: the answer keeps its two ends and says how many were left out (the
/// page would otherwise lay out and expand every step). Paths up to
/// `SHOWN_HEAD_STEPS + SHOWN_TAIL_STEPS + 1` references are sent whole.
#[test]
fn long_retainer_paths_keep_their_ends_and_count_the_rest() {
    use heapscope_core::analysis::retainers::{SHOWN_HEAD_STEPS as HEAD, SHOWN_TAIL_STEPS as TAIL};
    for n in [HEAD + TAIL + 2, HEAD + TAIL + 3, 5_000] {
        // Module 0 → node 1 → node 2 → … → node n-1 through `.next`.
        let objects: Vec<String> = (0..n).map(|i| format!("{},{},64,1,-1,-1", 16 * (i + 1), if i == 0 { 1 } else { 2 })).collect();
        let references: Vec<String> = (0..n - 1).map(|i| format!("{i},{},1,3", i + 1)).collect();
        let text = format!(
            r#"{{"format":"heapscope","version":1,"heap":{{"objects":[{}],"references":[{}],"roots":[0,0,-1,0]}},
              "strings":["","builtins.module","app.Node","next"]}}"#,
            objects.join(","),
            references.join(",")
        );
        let mut session = Session::new();
        let bytes = text.as_bytes();
        assert!(matches!(session.load(1, "chain.json".into(), &bytes, true, &|| 0.0, &|_| {}), FromWorker::Loaded { .. }));
        let last = (n - 1) as u32;
        let Answer::RetainerPaths { paths, .. } = ask(&mut session, Query::RetainerPaths { object: last, k: 3, ignored: vec![] }) else {
            panic!("not paths")
        };
        assert_eq!(paths.len(), 1, "{n}");
        let p = &paths[0];
        let ids: Vec<(u32, u32)> = p.steps.iter().map(|r| (r.from.id, r.to.id)).collect();
        if n - 1 <= HEAD + TAIL + 1 {
            assert_eq!(p.left_out, None, "{n}");
            assert_eq!(ids, (0..last).map(|i| (i, i + 1)).collect::<Vec<_>>(), "{n}");
            continue;
        }
        let left_out = p.left_out.expect("a long path is cut");
        assert_eq!((left_out.at as usize, left_out.count as usize), (HEAD, n - 1 - HEAD - TAIL), "{n}");
        let head: Vec<(u32, u32)> = (0..HEAD as u32).map(|i| (i, i + 1)).collect();
        let tail: Vec<(u32, u32)> = (last - TAIL as u32..last).map(|i| (i, i + 1)).collect();
        assert_eq!(ids, [head, tail].concat(), "{n}");
        assert!(p.steps.iter().all(|r| r.label == ".next"), "{n}");
    }
}

#[test]
fn instance_pages_are_cached_per_type_and_dropped_by_a_load() {
    let mut session = session_with(&["after"]);
    let first = render(&ask(&mut session, Query::Instances { type_name: "app.Node".into(), start: 0, count: 4 }));
    assert_eq!(first, "app.Node 4 from 0 [2:app.Node:60 3:app.Node:60 6:app.Node:0 7:app.Node:0]");
    let bytes = BEFORE.as_bytes();
    session.load(2, "before.json".into(), &bytes, true, &|| 0.0, &|_| {});
    let after = render(&ask(&mut session, Query::Instances { type_name: "app.Node".into(), start: 0, count: 4 }));
    assert_eq!(after, "app.Node 1 from 0 [2:app.Node:50]");
}

#[test]
fn exploring_another_snapshot_of_the_series_moves_every_heap_query() {
    let mut session = session_with(&["s1", "s2", "s3"]);
    let overview = |s: &mut Session| render(&ask(s, Query::Overview)).split(" refs").next().unwrap_or_default().to_string();
    assert_eq!(overview(&mut session), "objects 14");
    let explored = render(&ask(&mut session, Query::Explore { heap: 0, baseline: None }));
    assert!(explored.starts_with("explored s1.json"), "{explored}");
    assert_eq!(overview(&mut session), "objects 10");
    assert!(matches!(ask(&mut session, Query::CompareHeaps { limit: 10 }), Answer::Unavailable { .. }), "no snapshot before the first");
    ask(&mut session, Query::Explore { heap: 2, baseline: Some(0) });
    let compared = render(&ask(&mut session, Query::CompareHeaps { limit: 10 }));
    assert!(compared.starts_with("vs s1.json [app.Item:2->6"), "{compared}");
    // A load goes back to the latest snapshot.
    let bytes = SERIES[1].as_bytes();
    assert!(matches!(session.load(9, "again.json".into(), &bytes, false, &|| 0.0, &|_| {}), FromWorker::Loaded { .. }));
    assert_eq!(overview(&mut session), "objects 12");
}

#[test]
fn memory_profiler_files_are_told_apart_by_content_even_gzipped() {
    use std::io::Write;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(MPROF.as_bytes()).unwrap();
    let bytes = gz.finish().unwrap();
    let mut session = Session::new();
    let FromWorker::Loaded { summary, .. } = session.load(1, "run.bin".into(), &bytes, true, &|| 0.0, &|_| {}) else { panic!() };
    assert_eq!(summary.format, "memory_profiler mprof run");
    assert_eq!(summary.warnings, ["memory `oops` is not a number (at line 7, column 1)"]);
    assert_eq!(summary.files[0].roles, [heapscope_protocol::FileRole::Timeline]);
    let timeline = render(&ask(&mut session, Query::Timeline { max_points: 10 }));
    assert!(timeline.starts_with("run.bin cmd Some(\"python app.py\") at 100 samples 3/3"), "{timeline}");
    // A text that is neither says so.
    let FromWorker::Failed { error, .. } = session.load(2, "notes.txt".into(), &&b"hello world"[..], true, &|| 0.0, &|_| {}) else {
        panic!()
    };
    assert!(error.message.starts_with("notes.txt could not be opened"), "{}", error.message);
}
