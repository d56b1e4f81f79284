//! The hand-written JSON object list loader.

use heapscope_core::model::SourceFormat;
use heapscope_core::Analysis;

#[test]
fn loads_objects_and_finds_roots() {
    let text = br#"[
        {"id": 1, "type": "dict", "size": 232, "referents": [2, 3]},
        {"id": 2, "type": "app.Request", "size": 56, "referents": [3], "repr": "<Request /a>"},
        {"id": 3, "type": "str", "size": 60, "referents": []},
        {"id": 4, "type": "list", "size": 88, "referents": [5]},
        {"id": 5, "type": "list", "size": 88, "referents": [4]}
    ]"#;
    let loaded = heapscope_core::load(text).unwrap();
    assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
    let s = &loaded.snapshot;
    assert_eq!(s.format, SourceFormat::AdHocJson);
    let heap = s.heap.as_ref().unwrap();
    assert_eq!((heap.object_count(), heap.reference_count()), (5, 5));
    assert_eq!(heap.roots.iter().map(|r| r.object).collect::<Vec<_>>(), vec![0]);
    assert_eq!(s.str(heap.description[1]), "<Request /a>");
    let a = Analysis::compute(s).unwrap();
    assert_eq!(a.dominators.retained_bytes(0), 348);
    assert_eq!(a.distances.unreachable().collect::<Vec<_>>(), vec![3, 4]);
    let cycles = a.cycles(s, heap);
    assert_eq!((cycles.len(), cycles[0].reachable, cycles[0].members.len()), (1, false, 2));
}

#[test]
fn bad_records_are_warnings_that_name_the_record() {
    let text = br#"[
        {"id": 1, "type": "a", "size": 8, "referents": [2, 99, "x", null]},
        {"id": 1, "type": "dup"},
        {"type": "no id"},
        7,
        {"id": 2, "type": 5, "size": -3, "referents": {"a": 1}, "repr": 4},
        {"id": "s", "type": "b", "size": 1e300}
    ]"#;
    let loaded = heapscope_core::load(text).unwrap();
    let w: Vec<String> = loaded.warnings.iter().map(|w| w.to_string()).collect();
    for expected in [
        "1 entries of `referents` are not ids; dropped (in objects record 0)",
        "duplicate id 1 (first used by record 0); skipped (in objects record 1)",
        "the record has no `id`; skipped (in objects record 2)",
        "the record is not a JSON object; skipped (in objects record 3)",
        "`type` is not a string; read as \"?\" (in objects record 4)",
        "`size` -3 is not a believable byte count; counted as 0 (in objects record 4)",
        "`referents` is not an array; ignored (in objects record 4)",
        "`repr` is not a string; ignored (in objects record 4)",
        "`size` 1e+300 is not a believable byte count; counted as 0 (in objects record 5)",
        "2 referents name ids that no record has (first: 99); dropped (in objects record 0)",
    ] {
        assert!(w.iter().any(|x| x == expected), "missing {expected:?} in {w:#?}");
    }
    assert_eq!(loaded.snapshot.heap.unwrap().object_count(), 3);
}

#[test]
fn structural_damage_is_an_error() {
    let err = |b: &[u8]| heapscope_core::load(b).unwrap_err().to_string();
    let e = err(br#"[{"id": 1, "type": "a"}, {"id": 2"#);
    assert!(e.contains("ends too early") && e.contains("line 1"), "{e}");
    let e = err(b"[{\"id\": 1, \"type\": \"\xff\"}]");
    assert!(e.contains("line 1"), "{e}");
    let loaded = heapscope_core::load(b"[]").unwrap();
    assert_eq!(loaded.warnings[0].message, "the array holds no objects");
    // A key given twice in a record: the first pass kept the last
    // `referents`, the second added the edges of both.
    for (text, key) in [
        (
            &br#"[{"id": 1, "type": "a", "referents": [2], "referents": [3]}, {"id": 2, "type": "b"}, {"id": 3, "type": "c"}]"#[..],
            "referents",
        ),
        (br#"[{"id": 1, "id": 2, "type": "a"}]"#, "id"),
    ] {
        let e = err(text);
        assert!(e.contains(&format!("a record names `{key}` twice")) && e.contains("line 1"), "{e}");
    }
}

/// An array none of whose records is an object with an `id` is not an
/// ad-hoc snapshot: an error naming the first record's problem, not an
/// empty heap with warnings. One usable record is enough to load.
#[test]
fn an_array_of_no_usable_record_is_an_error() {
    let err = |b: &[u8]| heapscope_core::load(b).unwrap_err();
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    for (bytes, why) in [
        (b"[[1, 2], [3]]".as_slice(), "the record is not a JSON object"),
        (b"[1, 2, 3]", "the record is not a JSON object"),
        (br#"[{"type": "a"}, {"name": "b"}]"#, "the record has no `id`"),
        (deep.as_bytes(), "the record is not a JSON object"),
    ] {
        let e = err(bytes).to_string();
        assert!(e.starts_with("not a heap snapshot: none of the"), "{e}");
        assert!(e.contains(&format!("(first: {why})")) && e.ends_with("(in objects record 0)"), "{e}");
    }
    let loaded = heapscope_core::load(br#"[[1], {"id": 1, "type": "a"}]"#).unwrap();
    assert_eq!(loaded.snapshot.heap.unwrap().object_count(), 1);
}

/// String ids give the same address in every file, whatever the record's
/// position (so `diff` and `growth` match the object), apart from integer ids.
#[test]
fn a_string_id_has_one_address_in_every_file() {
    let address_of = |text: &[u8], description: &str| {
        let loaded = heapscope_core::load(text).unwrap();
        let (s, heap) = (&loaded.snapshot, loaded.snapshot.heap.as_ref().unwrap());
        (0..heap.object_count()).find(|&o| s.str(heap.description[o]) == description).map(|o| heap.address[o]).unwrap()
    };
    let first = br#"[{"id": 0, "type": "a", "repr": "int"}, {"id": "req-1", "type": "b", "repr": "str"}]"#;
    let second = br#"[{"id": "x", "type": "c"}, {"id": "y", "type": "c"}, {"id": "req-1", "type": "b", "repr": "str"}, {"id": 0, "type": "a", "repr": "int"}]"#;
    assert_eq!(address_of(first, "str"), address_of(second, "str"));
    assert_eq!(address_of(first, "int"), 0);
    assert_ne!(address_of(first, "str"), 0);
    assert!(address_of(first, "str") >= 1 << 63);
}
