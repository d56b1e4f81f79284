//! The heap commands: summary, types, retainers, dominators, cycles,
//! suspects, search and diff.

use anyhow::{bail, Context, Result};
use heapscope_core::analysis::aggregate::{AggregateOptions, GroupBy};
use heapscope_core::analysis::dominators::SUPER_ROOT;
use heapscope_core::analysis::retainers::{referrers, RetainerPath, Step};
use heapscope_core::analysis::search::{objects_of_type, parse_address, Matched};
use heapscope_core::analysis::strong_view::Exclusions;
use heapscope_core::analysis::suspects::SuspectKind;
use heapscope_core::analysis::Analysis;
use heapscope_core::graph::ObjIdx;
use heapscope_core::model::{Heap, Snapshot};
use serde_json::{json, Value};

use crate::table;
use crate::Opened;

/// The heap of a snapshot, and its analysis.
struct Analysed<'a> {
    snapshot: &'a Snapshot,
    heap: &'a Heap,
    analysis: Analysis,
}

fn analyse(o: &Opened) -> Result<Analysed<'_>> {
    let Some(heap) = o.snapshot.heap.as_ref() else {
        bail!("{}: this {} has no object graph (tracemalloc only); try `heapscope tracemalloc`", o.name, o.snapshot.format.describe())
    };
    Ok(Analysed { snapshot: &o.snapshot, heap, analysis: Analysis::of_heap(&o.snapshot, heap) })
}

impl Analysed<'_> {
    /// `type at 0x… description`.
    fn describe(&self, o: ObjIdx) -> String {
        let d = self.snapshot.str(self.heap.description[o as usize]);
        let t = self.analysis.types.name_of(o);
        let a = self.heap.address[o as usize];
        if d.is_empty() {
            format!("{t} at {a:#x}")
        } else {
            format!("{t} at {a:#x} {d}")
        }
    }

    fn object_json(&self, o: ObjIdx) -> Value {
        let (h, a) = (self.heap, &self.analysis);
        json!({
            "index": o,
            "address": format!("{:#x}", h.address[o as usize]),
            "type": a.types.name_of(o),
            "description": self.snapshot.strings.get(h.description[o as usize]),
            "size": h.size_bytes[o as usize],
            "retained": a.dominators.retained_bytes(o),
            "distance": a.distances.get(o),
        })
    }

    fn step_json(&self, s: &Step) -> Value {
        json!({"from": s.from, "to": s.to, "kind": s.kind.format_name(), "label": s.label, "strong": s.strong})
    }

    fn find(&self, address: &str) -> Result<ObjIdx> {
        let a = parse_address(address).with_context(|| format!("`{address}` is not an address (0x… or decimal)"))?;
        let i = self.heap.address.iter().position(|&x| x == a).with_context(|| format!("no object has address {a:#x}"))?;
        Ok(i as ObjIdx)
    }
}

fn emit(json: bool, value: Value, text: impl FnOnce()) {
    if json {
        println!("{}", serde_json::to_string_pretty(&value).unwrap_or_default());
    } else {
        text();
    }
}

pub fn summary(o: &Opened, json: bool) -> Result<()> {
    let s = &o.snapshot;
    let mut rows = vec![vec!["format".to_string(), s.format.describe().to_string()]];
    let mut value = json!({"file": o.name, "format": s.format.describe()});
    if let Some(heap) = &s.heap {
        let a = Analysis::of_heap(s, heap);
        let unreachable = heap.object_count() - a.distances.reachable_count;
        let garbage_cycles = a.components.iter().filter(|c| !a.distances.is_reachable(c[0])).count();
        value["heap"] = json!({
            "objects": heap.object_count(), "references": heap.reference_count(), "roots": a.roots.len(),
            "types": a.types.len(), "total_size": heap.total_size_bytes(), "reachable_size": a.dominators.reachable_bytes(),
            "unreachable_objects": unreachable, "max_distance": a.distances.max_depth, "cycles": a.components.len(),
            "garbage_cycles": garbage_cycles,
        });
        rows.extend([
            vec!["objects".into(), heap.object_count().to_string()],
            vec!["references".into(), heap.reference_count().to_string()],
            vec!["roots".into(), a.roots.len().to_string()],
            vec!["types".into(), a.types.len().to_string()],
            vec!["total size".into(), table::bytes(heap.total_size_bytes())],
            vec!["reachable size".into(), table::bytes(a.dominators.reachable_bytes())],
            vec!["unreachable objects".into(), unreachable.to_string()],
            vec!["deepest object".into(), format!("{} references from a root", a.distances.max_depth)],
            vec!["cycles".into(), format!("{} ({} garbage)", a.components.len(), garbage_cycles)],
        ]);
    }
    if let Some(t) = &s.tracemalloc {
        let total: u64 = t.traces.iter().map(|t| t.size_bytes).sum();
        value["tracemalloc"] = json!({"traces": t.traces.len(), "total_size": total, "traceback_limit": t.traceback_limit});
        rows.push(vec!["traces".into(), t.traces.len().to_string()]);
        rows.push(vec!["traced size".into(), table::bytes(total)]);
    }
    for key in ["python_version", "pid", "time"] {
        if let Some(v) = s.process.get(key) {
            rows.push(vec![key.replace('_', " "), v.to_string()]);
        }
    }
    emit(json, value, || table::print(&rows));
    Ok(())
}

pub fn types(o: &Opened, by_module: bool, fold_dicts: bool, limit: usize, json: bool) -> Result<()> {
    let x = analyse(o)?;
    let options = AggregateOptions { group_by: if by_module { GroupBy::Module } else { GroupBy::Type }, fold_instance_dicts: fold_dicts };
    let rows = if by_module || fold_dicts { x.analysis.aggregate(x.heap, options) } else { x.analysis.by_type.clone() };
    let value = Value::Array(
        rows.iter()
            .take(limit)
            .map(|r| json!({"name": r.name, "count": r.count, "shallow": r.shallow_bytes, "retained": r.retained_bytes}))
            .collect(),
    );
    emit(json, value, || {
        let mut t = vec![vec![if by_module { "module" } else { "type" }.to_string(), "count".into(), "shallow".into(), "retained".into()]];
        t.extend(
            rows.iter()
                .take(limit)
                .map(|r| vec![r.name.clone(), r.count.to_string(), table::bytes(r.shallow_bytes), table::bytes(r.retained_bytes)]),
        );
        table::print(&t);
        if rows.len() > limit {
            println!("… {} more", rows.len() - limit);
        }
    });
    Ok(())
}

pub fn retainers(o: &Opened, type_name: Option<&str>, address: Option<&str>, k: usize, ignore: &[String], json: bool) -> Result<()> {
    let x = analyse(o)?;
    let (target, note) = match (type_name, address) {
        (_, Some(a)) => (x.find(a)?, None),
        (Some(t), None) => {
            let all = objects_of_type(&x.analysis.types, t);
            let Some(&best) = all.iter().max_by_key(|&&o| (x.analysis.dominators.retained_bytes(o), std::cmp::Reverse(o))) else {
                bail!("no object has type `{t}`")
            };
            (best, Some(format!("{} instances of {t}; explaining the one that retains the most", all.len())))
        }
        (None, None) => bail!("give --type NAME or --address ADDR"),
    };
    let mut exclusions = Exclusions::none();
    for a in ignore {
        exclusions.exclude_object(x.find(a)?);
    }
    let paths = x.analysis.retainer_paths(x.snapshot, x.heap, target, k, &exclusions);
    let refs = referrers(x.snapshot, x.heap, target);
    let path_json =
        |p: &RetainerPath| json!({"root": x.object_json(p.root), "steps": p.steps.iter().map(|s| x.step_json(s)).collect::<Vec<_>>()});
    let value = json!({
        "object": x.object_json(target),
        "note": note,
        "referrers": refs.iter().map(|s| json!({"from": x.object_json(s.from), "kind": s.kind.format_name(), "label": s.label, "strong": s.strong})).collect::<Vec<_>>(),
        "paths": paths.paths.iter().map(path_json).collect::<Vec<_>>(),
        "truncated": paths.truncated,
    });
    emit(json, value, || {
        if let Some(n) = &note {
            println!("{n}");
        }
        println!("{}", x.describe(target));
        println!(
            "  size {}, retains {}",
            table::bytes(x.heap.size_bytes[target as usize]),
            table::bytes(x.analysis.dominators.retained_bytes(target))
        );
        println!("\nreferred to by ({}):", refs.len());
        for s in refs.iter().take(20) {
            println!("  {} via {}{}", x.describe(s.from), s.label, if s.strong { "" } else { " (weak)" });
        }
        if refs.len() > 20 {
            println!("  … {} more", refs.len() - 20);
        }
        if paths.paths.is_empty() {
            println!("\nno strong path from a root: the object is garbage or held from outside the graph");
        }
        for (i, p) in paths.paths.iter().enumerate() {
            println!("\npath {} ({} steps):", i + 1, p.steps.len());
            println!("  {}", x.describe(p.root));
            for s in &p.steps {
                println!("    {} → {}", s.label, x.describe(s.to));
            }
        }
        if paths.truncated {
            println!("\n(search stopped early; there may be more paths)");
        }
    });
    Ok(())
}

pub fn dominators(o: &Opened, limit: usize, depth: usize, json: bool) -> Result<()> {
    let x = analyse(o)?;
    let tree = &x.analysis.dominators;
    fn node(x: &Analysed, o: ObjIdx, limit: usize, depth: usize) -> Value {
        let mut v = x.object_json(o);
        let children = x.analysis.dominators.children(o);
        if depth > 0 {
            v["children"] = Value::Array(children.iter().take(limit).map(|&c| node(x, c, limit, depth - 1)).collect());
        }
        v["child_count"] = json!(children.len());
        v
    }
    let value = json!({
        "reachable_size": tree.reachable_bytes(),
        "top": tree.top_level().iter().take(limit).map(|&o| node(&x, o, limit, depth.saturating_sub(1))).collect::<Vec<_>>(),
    });
    emit(json, value, || {
        println!("reachable: {}", table::bytes(tree.reachable_bytes()));
        // Iterative print: (object, level, position among siblings)
        let mut stack: Vec<(ObjIdx, usize)> = tree.top_level().iter().take(limit).rev().map(|&o| (o, 0)).collect();
        while let Some((o, level)) = stack.pop() {
            let share = 100.0 * tree.retained_bytes(o) as f64 / tree.reachable_bytes().max(1) as f64;
            println!("{}{:>10} {:5.1}%  {}", "  ".repeat(level), table::bytes(tree.retained_bytes(o)), share, x.describe(o));
            if level + 1 < depth {
                let children = tree.children(o);
                stack.extend(children.iter().take(limit).rev().map(|&c| (c, level + 1)));
            }
        }
    });
    let _ = SUPER_ROOT;
    Ok(())
}

pub fn cycles(o: &Opened, limit: usize, json: bool) -> Result<()> {
    let x = analyse(o)?;
    let cycles = x.analysis.cycles(x.heap);
    let value = json!({
        "count": cycles.len(),
        "cycles": cycles.iter().take(limit).map(|c| json!({
            "members": c.members.len(),
            "shallow": c.shallow_bytes,
            "retained": c.retained_bytes,
            "reachable": c.reachable,
            "types": c.types.iter().map(|(t, n)| json!([t, n])).collect::<Vec<_>>(),
            "references": c.reference_count,
            "break": c.suggested_break.as_ref().map(|b| json!({
                "from": x.object_json(b.from), "to": x.object_json(b.to),
                "label": heapscope_core::analysis::retainers::step(x.snapshot, x.heap, b.from, b.edge).label,
                "breaks_all": b.breaks_all, "reason": b.reason,
            })),
        })).collect::<Vec<_>>(),
    });
    emit(json, value, || {
        println!("{} cycles ({} garbage)", cycles.len(), cycles.iter().filter(|c| !c.reachable).count());
        for c in cycles.iter().take(limit) {
            let types: Vec<String> = c.types.iter().take(4).map(|(t, n)| format!("{n}×{t}")).collect();
            println!(
                "\n{} objects, {} shallow, {} retained, {}: {}",
                c.members.len(),
                table::bytes(c.shallow_bytes),
                table::bytes(c.retained_bytes),
                if c.reachable { "reachable" } else { "garbage" },
                types.join(", ")
            );
            if let Some(b) = &c.suggested_break {
                let label = heapscope_core::analysis::retainers::step(x.snapshot, x.heap, b.from, b.edge).label;
                println!("  break {} {} → {}", x.describe(b.from), label, x.describe(b.to));
                println!("    {}", b.reason);
            }
        }
    });
    Ok(())
}

pub fn suspects(o: &Opened, limit: usize, json: bool) -> Result<()> {
    let x = analyse(o)?;
    let list = x.analysis.suspects(x.snapshot, x.heap, limit);
    let value = Value::Array(
        list.iter()
            .map(|s| {
                let (kind, subject) = match &s.kind {
                    SuspectKind::Object(o) => ("object", x.object_json(*o)),
                    SuspectKind::Type(t) => ("type", json!(t)),
                    SuspectKind::Accumulation { container, type_name, instances } => {
                        ("accumulation", json!({"container": x.object_json(*container), "type": type_name, "instances": instances}))
                    }
                };
                json!({"kind": kind, "subject": subject, "retained": s.retained_bytes, "share": s.share, "reason": s.reason})
            })
            .collect(),
    );
    emit(json, value, || {
        if list.is_empty() {
            println!("no suspects: nothing holds a large share of the heap");
        }
        for s in &list {
            println!("{:5.1}%  {}", 100.0 * s.share, s.reason);
        }
    });
    Ok(())
}

pub fn search(o: &Opened, query: &str, limit: usize, json: bool) -> Result<()> {
    let x = analyse(o)?;
    let hits = x.analysis.search(x.snapshot, x.heap, query, limit);
    let how = |m: Matched| match m {
        Matched::Address => "address",
        Matched::Type => "type",
        Matched::Description => "description",
    };
    let value = Value::Array(hits.iter().map(|h| json!({"object": x.object_json(h.object), "matched": how(h.matched)})).collect());
    emit(json, value, || {
        for h in &hits {
            println!("{}  ({})", x.describe(h.object), how(h.matched));
        }
    });
    Ok(())
}

/// Returns whether some type grew past its `--max-growth` limit.
pub fn diff(before: &Opened, after: &Opened, max_growth: &[String], limit: usize, json: bool) -> Result<bool> {
    let (Some(bh), Some(ah)) = (&before.snapshot.heap, &after.snapshot.heap) else {
        bail!("diff needs two heap snapshots; for tracemalloc use `heapscope tracemalloc AFTER --compare BEFORE`")
    };
    let mut limits = Vec::new();
    for spec in max_growth {
        let (t, n) = spec.rsplit_once('=').with_context(|| format!("--max-growth `{spec}`: expected TYPE=N"))?;
        let n: i64 = n.parse().with_context(|| format!("--max-growth `{spec}`: {n} is not a number"))?;
        limits.push((t.to_string(), n));
    }
    let d = heapscope_core::analysis::diff::diff(&before.snapshot, bh, &after.snapshot, ah);
    // A limit names a type exactly or by its last component (`Request` for `app.models.Request`).
    let matches = |name: &str, t: &str| name == t || name.rsplit('.').next() == Some(t);
    let mut failures = Vec::new();
    for (t, n) in &limits {
        let grown: i64 = d.types.iter().filter(|r| matches(&r.type_name, t)).map(|r| r.count_delta()).sum();
        if grown > *n {
            failures.push(format!("{t} grew by {grown} objects (limit {n})"));
        }
    }
    let value = json!({
        "types": d.types.iter().take(limit).map(|r| json!({
            "type": r.type_name, "count_before": r.count_before, "count_after": r.count_after, "count_delta": r.count_delta(),
            "size_before": r.size_before_bytes, "size_after": r.size_after_bytes, "size_delta": r.size_delta_bytes(),
        })).collect::<Vec<_>>(),
        "new_objects": d.new_objects.len(),
        "freed_objects": d.freed_count,
        "failures": failures,
    });
    emit(json, value, || {
        let mut t = vec![vec!["type".to_string(), "count".into(), "Δcount".into(), "size".into(), "Δsize".into()]];
        t.extend(d.types.iter().take(limit).map(|r| {
            vec![
                r.type_name.clone(),
                r.count_after.to_string(),
                format!("{:+}", r.count_delta()),
                table::bytes(r.size_after_bytes),
                table::size(r.size_delta_bytes() as f64, true),
            ]
        }));
        table::print(&t);
        println!("\n{} new objects, {} freed", d.new_objects.len(), d.freed_count);
    });
    for f in &failures {
        eprintln!("heapscope: {f}");
    }
    Ok(!failures.is_empty())
}
