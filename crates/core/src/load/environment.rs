//! Reads `process.environment` and `process.module_files` (what the exporter
//! records about the interpreter's installation) into a
//! [`PythonEnvironment`]. Both keys are optional: files written before they
//! existed load with no environment, and the owner classification falls back
//! to its built-in list of standard-library modules and path heuristics.
//! A malformed value is ignored (the keys are informational), never an error.

use serde_json::Value;

use crate::model::PythonEnvironment;

/// The `process` keys read here (left out of the display pairs).
pub(crate) const KEYS: &[&str] = &["environment", "module_files"];

/// Caps: a hostile file must not make these lists unbounded.
const MAX_ENTRIES: usize = 100_000;
const MAX_TEXT: usize = 4096;

/// The environment recorded in `process`, if it has one.
pub(crate) fn python_environment(process: &Value) -> Option<PythonEnvironment> {
    let env = process.get("environment")?.as_object()?;
    let text = |key: &str| env.get(key).and_then(Value::as_str).map(capped).unwrap_or_default();
    let texts = |v: Option<&Value>| -> Vec<String> {
        v.and_then(Value::as_array).map(|a| a.iter().filter_map(Value::as_str).take(MAX_ENTRIES).map(capped).collect()).unwrap_or_default()
    };
    let sorted = |mut v: Vec<String>| {
        v.sort();
        v.dedup();
        v
    };
    let stdlib_module_names = env.get("stdlib_module_names").filter(|v| v.is_array()).map(|v| sorted(texts(Some(v))));
    let mut module_files: Vec<(String, Option<String>)> = process
        .get("module_files")
        .and_then(Value::as_object)
        .map(|m| m.iter().take(MAX_ENTRIES).map(|(k, v)| (capped(k), v.as_str().map(capped))).collect())
        .unwrap_or_default();
    module_files.sort_by(|a, b| a.0.cmp(&b.0));
    module_files.dedup_by(|a, b| a.0 == b.0);
    Some(PythonEnvironment {
        prefix: text("prefix"),
        base_prefix: text("base_prefix"),
        exec_prefix: text("exec_prefix"),
        base_exec_prefix: text("base_exec_prefix"),
        stdlib_dirs: texts(env.get("stdlib_dirs")),
        site_dirs: texts(env.get("site_dirs")),
        stdlib_module_names,
        builtin_module_names: sorted(texts(env.get("builtin_module_names"))),
        module_files,
    })
}

fn capped(s: &str) -> String {
    s.chars().take(MAX_TEXT).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_environment_and_module_files() {
        let v: Value = serde_json::from_str(
            r#"{"pid": 1, "environment": {"prefix": "/venv", "base_prefix": "/usr", "exec_prefix": "/venv",
                "base_exec_prefix": "/usr", "stdlib_dirs": ["/usr/lib/python3.11"],
                "site_dirs": ["/venv/lib/python3.11/site-packages"], "stdlib_module_names": ["os", "abc"],
                "builtin_module_names": ["sys", "_abc"]},
                "module_files": {"os": "/usr/lib/python3.11/os.py", "sys": null, "app": "/srv/app.py"}}"#,
        )
        .unwrap();
        let env = python_environment(&v).unwrap();
        assert_eq!(env.base_prefix, "/usr");
        assert_eq!(env.stdlib_module_names, Some(vec!["abc".to_string(), "os".to_string()]));
        assert_eq!(env.builtin_module_names, vec!["_abc".to_string(), "sys".to_string()]);
        assert_eq!(env.module_file("sys"), Some(None));
        assert_eq!(env.module_file("app"), Some(Some("/srv/app.py")));
        assert_eq!(env.module_file("json"), None);
    }

    /// Through the whole loader (its fast path and its serde path read
    /// `process` alike): the environment is kept, and left out of the display pairs.
    #[test]
    fn the_loader_keeps_the_environment_apart() {
        let meta = r#""meta": {"object_fields": ["address","type","size","flags","description","traceback"],
            "reference_fields": ["from","to","kind","name"], "reference_kinds": ["internal","attribute","dict_value","dict_key","index",
            "cell","local","globals","defaults","closure","class_dict","mro","bases","instance_dict","weak"],
            "root_fields": ["object","kind","name","excess"], "root_kinds": ["module","thread","builtins","native"]}"#;
        let process = r#""process": {"pid": 7, "environment": {"prefix": "/usr", "stdlib_dirs": ["/usr/lib/python3.11"], "site_dirs": [],
            "stdlib_module_names": ["os"], "builtin_module_names": ["sys"]}, "module_files": {"app": "/srv/app.py", "os": "/usr/lib/python3.11/os.py"}}"#;
        for heap in [
            r#""heap": {"objects": [16,1,64,2,2,-1], "references": [], "roots": [0,0,2,0]}"#,
            r#""heap": {"objects": [16, 1, 64, 2, 2, -1], "references": [ ], "roots": [0, 0, 2, 0]}"#,
        ] {
            let text =
                format!(r#"{{"format": "heapscope", "version": 1, {meta}, {process}, {heap}, "strings": ["", "builtins.module", "app"]}}"#);
            let loaded = crate::load::load(text.as_bytes()).unwrap();
            let p = &loaded.snapshot.process;
            let env = p.environment.as_ref().expect("an environment");
            assert_eq!(env.module_file("os"), Some(Some("/usr/lib/python3.11/os.py")));
            assert_eq!(p.get("pid"), Some("7"));
            assert!(p.fields.iter().all(|(k, _)| !k.starts_with("environment") && !k.starts_with("module_files")), "{:?}", p.fields);
        }
    }

    #[test]
    fn old_files_and_junk_have_no_environment_or_a_partial_one() {
        assert_eq!(python_environment(&serde_json::json!({"pid": 1})), None);
        assert_eq!(python_environment(&serde_json::json!({"environment": 3})), None);
        let env = python_environment(&serde_json::json!({"environment": {"stdlib_dirs": [1, "/x"], "stdlib_module_names": null}})).unwrap();
        assert_eq!(env.stdlib_dirs, vec!["/x".to_string()]);
        assert_eq!(env.stdlib_module_names, None);
    }
}
