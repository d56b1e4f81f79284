//! Realistic synthetic heaps for benchmarks, written as format v1.
//!
//! The shape follows real web-service heaps: a few modules whose dicts hold
//! functions and containers; one huge dict (a cache) mapping str keys to
//! `Request` instances, each with its `__dict__`, a unique path str, a bytes
//! body and a tags tuple; power-law fan-in onto a pool of interned strings,
//! small ints, classes and shared `User`s; long linked chains of `Node`s;
//! many small parent↔child cycles (some of them garbage); weakrefs. About 5
//! references per object.

use std::collections::HashMap;
use std::io::{self, Write};

use crate::model::RefKind;

#[derive(Debug, Clone, Copy)]
pub struct SynthOptions {
    /// Approximate number of objects (the result is within a few percent).
    pub objects: usize,
    pub seed: u64,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SynthStats {
    pub objects: usize,
    pub references: usize,
}

/// xorshift64*: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    /// Power law over `0..n`: low indices are far more likely.
    fn popular(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((n as f64) * u * u * u) as usize % n.max(1)
    }
}

struct Builder {
    strings: Vec<String>,
    string_ids: HashMap<String, i64>,
    /// address, type, size, flags, description
    objects: Vec<(u64, i64, u64, u8, i64)>,
    refs: Vec<(u32, u32, u8, i64)>,
    roots: Vec<(u32, u8, i64)>,
    rng: Rng,
}

impl Builder {
    fn s(&mut self, text: &str) -> i64 {
        if let Some(&id) = self.string_ids.get(text) {
            return id;
        }
        self.strings.push(text.to_string());
        let id = (self.strings.len() - 1) as i64;
        self.string_ids.insert(text.to_string(), id);
        id
    }

    fn obj(&mut self, type_name: &str, size: u64, flags: u8, description: Option<&str>) -> u32 {
        let t = self.s(type_name);
        let d = description.map_or(-1, |d| self.s(d));
        let i = self.objects.len() as u64;
        let address = 0x7f00_0000_0000 + i * 64 + (self.rng.next() % 4) * 16;
        self.objects.push((address, t, size, flags, d));
        i as u32
    }

    fn edge(&mut self, from: u32, to: u32, kind: RefKind, name: Option<&str>) {
        let n = name.map_or(-1, |n| self.s(n));
        self.refs.push((from, to, kind as u8, n));
    }
}

/// Writes a synthetic heap of about `options.objects` objects as format v1,
/// every field in full (increasing addresses, a traceback column).
pub fn write_v1<W: Write>(options: SynthOptions, out: W) -> io::Result<SynthStats> {
    write_with(options, Layout::Full, out)
}

/// The same heap in the layout our exporter writes: `address_delta` and
/// `from_delta`, no traceback column, and addresses that do not increase
/// (every other object lives in a second region, as a CPython heap's
/// objects come from pymalloc's arenas and the C heap). The worker warms up
/// on this, so the code a real file takes is optimized before one arrives.
pub fn write_v1_exported<W: Write>(options: SynthOptions, out: W) -> io::Result<SynthStats> {
    write_with(options, Layout::Exported, out)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    Full,
    Exported,
}

fn write_with<W: Write>(options: SynthOptions, layout: Layout, out: W) -> io::Result<SynthStats> {
    let target = options.objects.max(100);
    let mut b = Builder {
        strings: vec![String::new()],
        string_ids: HashMap::new(),
        objects: Vec::with_capacity(target + 1000),
        refs: Vec::with_capacity(target * 5 + 1000),
        roots: Vec::new(),
        rng: Rng(options.seed.max(1)),
    };
    b.string_ids.insert(String::new(), 0);
    // Popular objects: interned strs, small ints, classes.
    let interned: Vec<u32> = (0..1000).map(|i| b.obj("builtins.str", 50 + (i % 20), 0, Some(&format!("'attr{i}'")))).collect();
    let ints: Vec<u32> = (0..256).map(|i| b.obj("builtins.int", 28, 0, Some(&i.to_string()))).collect();
    let class_names = ["app.models.Request", "app.models.User", "app.tree.Node", "app.tree.Parent", "app.tree.Child"];
    let classes: Vec<u32> = class_names.iter().map(|c| b.obj("builtins.type", 1064, 1 | 4, Some(c))).collect();
    // Modules, their dicts and functions.
    let module_count = (target / 50_000).clamp(3, 40);
    let mut module_dicts = Vec::new();
    for m in 0..module_count {
        let name = format!("app.mod{m}");
        let module = b.obj("builtins.module", 72, 1 | 2, Some(&name));
        let dict = b.obj("builtins.dict", 4696, 1, None);
        b.edge(module, dict, RefKind::InstanceDict, None);
        let n = b.s(&name);
        b.roots.push((module, 0, n));
        for f in 0..20 {
            let func = b.obj("builtins.function", 144, 1 | 16, Some(&format!("{name}.f{f}")));
            let key = interned[b.rng.popular(interned.len())];
            b.edge(dict, key, RefKind::DictKey, Some(&format!("'f{f}'")));
            b.edge(dict, func, RefKind::DictValue, Some(&format!("'f{f}'")));
            b.edge(func, dict, RefKind::Globals, None);
        }
        for &c in &classes {
            b.edge(dict, c, RefKind::DictValue, None);
        }
        module_dicts.push(dict);
    }
    let users: Vec<u32> = (0..(target / 500).max(10))
        .map(|u| {
            let user = b.obj("app.models.User", 56, 1, None);
            let d = b.obj("builtins.dict", 104, 1, None);
            let name = b.obj("builtins.str", 60, 0, Some(&format!("'user{u}'")));
            b.edge(user, d, RefKind::InstanceDict, None);
            b.edge(user, classes[1], RefKind::Internal, Some("ob_type"));
            b.edge(d, name, RefKind::DictValue, Some("'name'"));
            b.edge(d, interned[0], RefKind::DictKey, Some("'name'"));
            user
        })
        .collect();
    // The huge cache dict, in the first module.
    let cache = b.obj("builtins.dict", 0, 1, Some("len=?"));
    b.edge(module_dicts[0], cache, RefKind::DictValue, Some("'CACHE'"));
    let lists: Vec<u32> = module_dicts
        .clone()
        .into_iter()
        .map(|d| {
            let l = b.obj("builtins.list", 0, 1, None);
            b.edge(d, l, RefKind::DictValue, Some("'pending'"));
            l
        })
        .collect();
    let mut cache_len = 0u64;
    let mut list_len = vec![0u64; lists.len()];
    let weakref_holder = b.obj("builtins.list", 0, 1, Some("weakrefs"));
    b.edge(module_dicts[module_count - 1], weakref_holder, RefKind::DictValue, Some("'REFS'"));
    let mut chain_tail: Option<u32> = None;
    let mut chain_len = 0;
    let mut serial = 0u64;
    while b.objects.len() < target {
        serial += 1;
        match b.rng.below(100) {
            // A request: Request, __dict__, path str, body bytes, tags tuple (+ a cache key str).
            0..=69 => {
                let req = b.obj("app.models.Request", 56, 1, None);
                let d = b.obj("builtins.dict", 360, 1, None);
                let path = b.obj("builtins.str", 70, 0, Some(&format!("'/api/v1/items/{serial}'")));
                let body_size = 33 + b.rng.below(2000) as u64;
                let body = b.obj("builtins.bytes", body_size, 0, None);
                let tags = b.obj("builtins.tuple", 120, 1, None);
                b.edge(req, d, RefKind::InstanceDict, None);
                b.edge(req, classes[0], RefKind::Internal, Some("ob_type"));
                let user = users[b.rng.popular(users.len())];
                let values =
                    [path, body, user, tags, ints[b.rng.popular(256)], ints[b.rng.popular(256)], interned[b.rng.popular(1000)], ints[1]];
                for (k, &v) in values.iter().enumerate() {
                    let key = interned[k + 1];
                    b.edge(d, key, RefKind::DictKey, None);
                    b.edge(d, v, RefKind::DictValue, None);
                }
                for t in 0..10 {
                    let p = interned[b.rng.popular(1000)];
                    b.edge(tags, p, RefKind::Index, Some(&t.to_string()));
                }
                if b.rng.below(10) < 6 {
                    let key = b.obj("builtins.str", 64, 0, None);
                    b.edge(cache, key, RefKind::DictKey, None);
                    b.edge(cache, req, RefKind::DictValue, None);
                    cache_len += 1;
                } else {
                    let l = b.rng.below(lists.len());
                    b.edge(lists[l], req, RefKind::Index, None);
                    list_len[l] += 1;
                }
                if b.rng.below(50) == 0 {
                    let w = b.obj("builtins.weakref", 80, 1, None);
                    b.edge(w, req, RefKind::Weak, None);
                    b.edge(weakref_holder, w, RefKind::Index, None);
                }
            }
            // Linked chains of nodes (long, up to 20 000).
            70..=84 => {
                let node = b.obj("app.tree.Node", 48, 1, None);
                let value = b.obj("builtins.str", 55, 0, None);
                b.edge(node, classes[2], RefKind::Internal, Some("ob_type"));
                b.edge(node, value, RefKind::Attribute, Some("value"));
                let kind = interned[b.rng.popular(1000)];
                b.edge(node, kind, RefKind::Attribute, Some("kind"));
                match chain_tail {
                    Some(tail) if chain_len < 20_000 => {
                        b.edge(tail, node, RefKind::Attribute, Some("next"));
                        chain_len += 1;
                    }
                    _ => {
                        let l = b.rng.below(lists.len());
                        b.edge(module_dicts[l], node, RefKind::DictValue, Some("'head'"));
                        chain_len = 0;
                    }
                }
                chain_tail = Some(node);
            }
            // Small cycles: a parent and 1–3 children pointing back; 5% garbage.
            _ => {
                let parent = b.obj("app.tree.Parent", 48, 1, None);
                let children = b.obj("builtins.list", 88, 1, None);
                b.edge(parent, classes[3], RefKind::Internal, Some("ob_type"));
                b.edge(parent, children, RefKind::Attribute, Some("children"));
                for c in 0..1 + b.rng.below(3) {
                    let child = b.obj("app.tree.Child", 48, 1, None);
                    b.edge(children, child, RefKind::Index, Some(&c.to_string()));
                    b.edge(child, parent, RefKind::Attribute, Some("parent"));
                    b.edge(child, classes[4], RefKind::Internal, Some("ob_type"));
                }
                if b.rng.below(20) != 0 {
                    let l = b.rng.below(lists.len());
                    b.edge(lists[l], parent, RefKind::Index, None);
                    list_len[l] += 1;
                }
            }
        }
    }
    b.objects[cache as usize].2 = 232 + cache_len * 30;
    for (l, &len) in lists.iter().zip(&list_len) {
        b.objects[*l as usize].2 = 56 + len * 8;
    }
    let thread_frame = b.obj("builtins.frame", 400, 1 | 8, Some("main at app.py:1"));
    b.edge(thread_frame, module_dicts[0], RefKind::Globals, None);
    let main = b.s("MainThread");
    b.roots.push((thread_frame, 1, main));
    b.refs.sort_by_key(|r| r.0);
    write_json(&b, layout, out)?;
    Ok(SynthStats { objects: b.objects.len(), references: b.refs.len() })
}

fn write_json<W: Write>(b: &Builder, layout: Layout, out: W) -> io::Result<()> {
    let mut w = io::BufWriter::with_capacity(1 << 20, out);
    w.write_all(match layout {
        Layout::Full => br#"{"format":"heapscope","version":1,"meta":{"object_fields":["address","type","size","flags","description","traceback"],"reference_fields":["from","to","kind","name"],"reference_kinds":["#,
        Layout::Exported => br#"{"format":"heapscope","version":1,"meta":{"object_fields":["address_delta","type","size","flags","description"],"reference_fields":["from_delta","to","kind","name"],"reference_kinds":["#,
    })?;
    for (i, k) in RefKind::ALL.iter().enumerate() {
        write!(w, "{}\"{}\"", if i > 0 { "," } else { "" }, k.format_name())?;
    }
    w.write_all(br#"],"root_fields":["object","kind","name","excess"],"root_kinds":["module","thread","builtins","native"],"object_flags":{"gc_tracked":1,"module":2,"type":4,"frame":8,"function":16,"finalizer":32,"garbage":64},"frame_fields":["filename","lineno"],"trace_fields":["domain","size","traceback"]},"process":{"implementation":"synthetic","exporter":"heapscope synth"},"heap":{"objects":["#)?;
    let mut previous = 0i64;
    for (i, o) in b.objects.iter().enumerate() {
        let separator = if i > 0 { ",\n" } else { "" };
        match layout {
            Layout::Full => write!(w, "{separator}{},{},{},{},{},-1", o.0, o.1, o.2, o.3, o.4)?,
            Layout::Exported => {
                let address = (o.0 + if i % 2 == 1 { 1 << 32 } else { 0 }) as i64;
                write!(w, "{separator}{},{},{},{},{}", address - previous, o.1, o.2, o.3, o.4)?;
                previous = address;
            }
        }
    }
    w.write_all(b"],\"references\":[")?;
    let mut previous = 0i64;
    for (i, r) in b.refs.iter().enumerate() {
        let from = match layout {
            Layout::Full => r.0 as i64,
            Layout::Exported => r.0 as i64 - std::mem::replace(&mut previous, r.0 as i64),
        };
        write!(w, "{}{},{},{},{}", if i > 0 { "," } else { "" }, from, r.1, r.2, r.3)?;
        if i % 8 == 7 {
            w.write_all(b"\n")?;
        }
    }
    w.write_all(b"],\"roots\":[")?;
    for (i, r) in b.roots.iter().enumerate() {
        write!(w, "{}{},{},{},0", if i > 0 { "," } else { "" }, r.0, r.1, r.2)?;
    }
    w.write_all(b"]},\"strings\":[")?;
    for (i, s) in b.strings.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        serde_json::to_writer(&mut w, s)?;
    }
    w.write_all(b"]}\n")?;
    w.flush()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_a_loadable_heap_of_the_asked_size() {
        let mut bytes = Vec::new();
        let stats = write_v1(SynthOptions { objects: 20_000, seed: 7 }, &mut bytes).unwrap();
        let loaded = crate::load(&bytes).unwrap();
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let heap = loaded.snapshot.heap.as_ref().unwrap();
        assert_eq!((heap.object_count(), heap.reference_count()), (stats.objects, stats.references));
        assert!((20_000..20_100).contains(&stats.objects));
        let per_object = stats.references as f64 / stats.objects as f64;
        assert!((4.0..6.0).contains(&per_object), "{per_object}");
        let a = crate::Analysis::compute(&loaded.snapshot).unwrap();
        assert!(a.components.len() > 100);
        assert!(a.distances.unreachable().count() > 0);
    }

    /// The exporter's layout is the same heap: every column but the
    /// addresses is equal, and its addresses are distinct but not increasing.
    #[test]
    fn the_exported_layout_is_the_same_heap() {
        let options = SynthOptions { objects: 5_000, seed: 3 };
        let (mut full, mut exported) = (Vec::new(), Vec::new());
        assert_eq!(write_v1(options, &mut full).unwrap(), write_v1_exported(options, &mut exported).unwrap());
        let text = String::from_utf8(exported.clone()).unwrap();
        assert!(text.contains(r#""object_fields":["address_delta","type","size","flags","description"]"#));
        let (full, exported) = (crate::load(&full).unwrap(), crate::load(&exported).unwrap());
        assert!(exported.warnings.is_empty(), "{:?}", exported.warnings);
        let (a, b) = (full.snapshot.heap.as_ref().unwrap(), exported.snapshot.heap.as_ref().unwrap());
        assert_eq!(
            (&a.type_name, &a.size_bytes, &a.flags, &a.description, &a.roots),
            (&b.type_name, &b.size_bytes, &b.flags, &b.description, &b.roots)
        );
        assert_eq!(format!("{:?}", a.graph), format!("{:?}", b.graph));
        assert!(b.address.windows(2).any(|w| w[0] > w[1]), "increasing addresses skip the distinctness check");
        let distinct: std::collections::HashSet<_> = b.address.iter().collect();
        assert_eq!(distinct.len(), b.address.len());
    }
}
