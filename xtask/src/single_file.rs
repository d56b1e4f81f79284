//! `cargo xtask single-file`: packs the release build in `dist/` into one
//! self-contained `dist-single/heapscope.html` that works opened from
//! file:// with no server and no network.
//!
//! What changes against dist/index.html:
//! - the stylesheet and the icon are inlined; `<base>`, preloads, the
//!   manifest link and the service-worker registration are dropped (none
//!   works from file://);
//! - `boot.js` is replaced by one inline module script: the wasm-bindgen glue
//!   of the main app followed by a loader that calls its `__wbg_init` with the
//!   main wasm's bytes (base64 in the page) instead of fetching `…_bg.wasm`;
//! - the worker: browsers refuse `new Worker("file:///…")`, so the page turns
//!   a `<script type="text/plain">` data block (the no-modules worker glue
//!   plus a call to `wasm_bindgen` with the worker wasm's bytes) into a Blob
//!   URL and publishes it as `globalThis.__HEAPSCOPE_WORKER_URL__`, which
//!   `src/worker_client.rs` uses instead of `./worker-loader.js`;
//! - the Content-Security-Policy becomes `default-src 'none'` with the inline
//!   module allowed by its SHA-256, wasm compilation allowed, workers from
//!   blob: only, and `connect-src 'none'` (the blob worker inherits it);
//! - the "Try an example" buttons are hidden: the examples are megabytes and
//!   cannot be fetched from file://.
//!
//! Anything else in dist/index.html that loads a file (a new `<link>` or
//! `<script src>`) is an error here, so nothing is silently left out.

use std::path::{Path, PathBuf};

use crate::offline::{base64, sha256};

const CSP_PLACEHOLDER: &str = "__HEAPSCOPE_SINGLE_FILE_CSP__";
const WORKER_BLOCK_ID: &str = "heapscope-worker-script";

pub fn command(args: &[String]) -> Result<(), String> {
    let dist = match args {
        [] => {
            crate::tools::ensure_build_tools()?;
            crate::build_release()?;
            PathBuf::from("dist")
        }
        [flag, dir] if flag == "--from" => PathBuf::from(dir),
        _ => return Err("usage: cargo xtask single-file [--from DIR]".into()),
    };
    pack(&dist, Path::new("dist-single")).map(drop)
}

/// Writes `<out_dir>/heapscope.html` from the release build in `dist`.
pub fn pack(dist: &Path, out_dir: &Path) -> Result<PathBuf, String> {
    let read = |name: &str| -> Result<Vec<u8>, String> {
        let rel = name.trim_start_matches("./");
        if rel.is_empty() || rel.starts_with('/') || rel.contains("..") || rel.contains(':') {
            return Err(format!("single-file: cannot inline `{name}` (not a file of the build)"));
        }
        std::fs::read(dist.join(rel)).map_err(|e| format!("single-file: {}: {e}", dist.join(rel).display()))
    };
    let read_text = |name: &str| -> Result<String, String> {
        String::from_utf8(read(name)?).map(|t| t.replace("\r\n", "\n")).map_err(|_| format!("single-file: {name} is not UTF-8"))
    };
    let html = std::fs::read_to_string(dist.join("index.html")).map_err(|e| format!("single-file: {}/index.html: {e}", dist.display()))?;

    let mut out = String::with_capacity(4 << 20);
    let mut script_hashes = Vec::new();
    let mut saw_csp = false;
    let mut saw_app = false;
    let mut rest = html.as_str();
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map(|e| e + 3).unwrap_or(rest.len());
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let tag = &rest[..=gt];
        rest = &rest[gt + 1..];
        let name = tag[1..].split(|c: char| c.is_whitespace() || c == '>' || c == '/').next().unwrap_or("").to_ascii_lowercase();
        let attrs = parse_attributes(tag);
        let attr = |key: &str| attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        match name.as_str() {
            "base" => {}
            "meta" if attr("http-equiv").is_some_and(|v| v.eq_ignore_ascii_case("content-security-policy")) => {
                saw_csp = true;
                out.push_str(&format!("<meta http-equiv=\"Content-Security-Policy\" content=\"{CSP_PLACEHOLDER}\" />"));
            }
            "link" => match attr("rel").unwrap_or("").to_ascii_lowercase().as_str() {
                "modulepreload" | "preload" | "manifest" => {}
                "stylesheet" => {
                    let css = read_text(attr("href").unwrap_or(""))?;
                    if css.to_ascii_lowercase().contains("</style") {
                        return Err("single-file: the stylesheet contains `</style`".into());
                    }
                    out.push_str(&format!("<style>{css}</style>"));
                }
                "icon" => {
                    let href = attr("href").unwrap_or("");
                    let kind = attr("type").unwrap_or("image/png");
                    out.push_str(&format!("<link rel=\"icon\" type=\"{kind}\" href=\"data:{kind};base64,{}\" />", base64(&read(href)?)));
                }
                other => return Err(format!("single-file: does not know how to inline <link rel=\"{other}\"> ({tag})")),
            },
            "script" => {
                let close = rest.to_ascii_lowercase().find("</script>").ok_or("single-file: unclosed <script>")?;
                let body = &rest[..close];
                rest = &rest[close + "</script>".len()..];
                match (attr("src"), attr("data-heapscope-js"), attr("data-heapscope-wasm")) {
                    (Some(src), _, _) if src.trim_start_matches("./") == "register-sw.js" => {}
                    (Some(_), Some(js), Some(wasm)) => {
                        let worker = worker_script(&read_text("worker.js")?, &read("worker_bg.wasm")?)?;
                        out.push_str(&format!("<script type=\"text/plain\" id=\"{WORKER_BLOCK_ID}\">{}</script>", checked(worker)?));
                        let module = app_module(&read_text(js)?, &read(wasm)?)?;
                        script_hashes.push(base64(&sha256(module.as_bytes())));
                        out.push_str(&format!("<script type=\"module\">{}</script>", checked(module)?));
                        out.push_str(
                            "<style>/* single-file build: the examples cannot be fetched from file:// */\
                             [data-testid^=\"example-\"] { display: none !important; }</style>",
                        );
                        saw_app = true;
                    }
                    (Some(src), _, _) => return Err(format!("single-file: does not know how to inline <script src=\"{src}\">")),
                    (None, _, _) => {
                        // An inline script stays, allowed by its hash.
                        script_hashes.push(base64(&sha256(body.replace("\r\n", "\n").as_bytes())));
                        out.push_str(tag);
                        out.push_str(body);
                        out.push_str("</script>");
                    }
                }
            }
            _ => out.push_str(tag),
        }
    }
    out.push_str(rest);
    if !saw_app {
        return Err("single-file: dist/index.html has no boot script (data-heapscope-js); see Trunk.toml pattern_script".into());
    }
    if !saw_csp {
        return Err("single-file: dist/index.html has no Content-Security-Policy meta tag to replace".into());
    }
    let scripts: String = script_hashes.iter().map(|h| format!(" 'sha256-{h}'")).collect();
    let csp = format!(
        "default-src 'none'; script-src{scripts} 'wasm-unsafe-eval'; style-src 'unsafe-inline'; img-src data: blob:; \
         worker-src blob:; connect-src 'none'; base-uri 'none'; form-action 'none'"
    );
    let out = out.replace(CSP_PLACEHOLDER, &csp);

    std::fs::create_dir_all(out_dir).map_err(|e| format!("single-file: {}: {e}", out_dir.display()))?;
    let path = out_dir.join("heapscope.html");
    std::fs::write(&path, &out).map_err(|e| format!("single-file: {}: {e}", path.display()))?;
    eprintln!("{}: {} KB, self-contained", path.display(), out.len() / 1000);
    Ok(path)
}

/// The main app's ES-module glue, inline, then a loader that instantiates the
/// inlined wasm bytes (the glue's `__wbg_init`, i.e. its default export).
fn app_module(glue: &str, wasm: &[u8]) -> Result<String, String> {
    if !glue.contains("export { initSync, __wbg_init as default };") {
        return Err("single-file: the app's wasm-bindgen glue has an unexpected shape (no `__wbg_init as default` export)".into());
    }
    if glue.lines().any(|l| l.trim_start().starts_with("import ")) {
        return Err("single-file: the app's wasm-bindgen glue imports other files (snippets?); they would need inlining too".into());
    }
    Ok(format!(
        "{glue}\n\
         // heapscope single-file loader (xtask/src/single_file.rs): the worker from a Blob URL, the wasm from these bytes.\n\
         {{\n\
         const worker = document.getElementById(\"{WORKER_BLOCK_ID}\").textContent;\n\
         globalThis.__HEAPSCOPE_WORKER_URL__ = URL.createObjectURL(new Blob([worker], {{ type: \"text/javascript\" }}));\n\
         // Snapshots embedded by `heapscope report`: inert data blocks (base64), opened by the app at start.\n\
         globalThis.__HEAPSCOPE_EMBEDDED__ = Array.from(document.querySelectorAll(\"script[data-heapscope-snapshot]\"), (el) =>\n\
           new File([Uint8Array.from(atob(el.textContent.trim()), (c) => c.charCodeAt(0))], el.dataset.heapscopeSnapshot));\n\
         const bytes = Uint8Array.from(atob(\"{}\"), (c) => c.charCodeAt(0));\n\
         await __wbg_init({{ module_or_path: bytes }});\n\
         }}\n",
        base64(wasm)
    ))
}

/// The worker's no-modules glue (which defines `wasm_bindgen`), then its
/// start from the inlined wasm bytes: what `public/worker-loader.js` does
/// with `importScripts` and a URL.
fn worker_script(glue: &str, wasm: &[u8]) -> Result<String, String> {
    if !glue.trim_start().starts_with("let wasm_bindgen") {
        return Err("single-file: worker.js is not wasm-bindgen's no-modules glue (`let wasm_bindgen = …`)".into());
    }
    Ok(format!(
        "{glue}\n\
         // heapscope single-file worker boot (xtask/src/single_file.rs)\n\
         wasm_bindgen({{ module_or_path: Uint8Array.from(atob(\"{}\"), (c) => c.charCodeAt(0)) }});\n",
        base64(wasm)
    ))
}

/// A script's text must not end its element early or open an HTML comment.
fn checked(text: String) -> Result<String, String> {
    let lower = text.to_ascii_lowercase();
    if lower.contains("</script") || lower.contains("<!--") {
        return Err("single-file: a script contains `</script` or `<!--` and cannot be inlined as is".into());
    }
    Ok(text)
}

/// `name="value"` pairs of one start tag (names lowercased).
fn parse_attributes(tag: &str) -> Vec<(String, String)> {
    let inner = tag.trim_start_matches('<').trim_end_matches('>').trim_end_matches('/');
    let mut chars = inner.char_indices().peekable();
    // Skip the tag name.
    while chars.peek().is_some_and(|(_, c)| !c.is_whitespace()) {
        chars.next();
    }
    let mut attrs = Vec::new();
    loop {
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace() || *c == '/') {
            chars.next();
        }
        let Some(&(start, _)) = chars.peek() else { break };
        let mut end = start;
        while let Some(&(i, c)) = chars.peek() {
            if c.is_whitespace() || c == '=' {
                break;
            }
            end = i + c.len_utf8();
            chars.next();
        }
        let key = inner[start..end].to_ascii_lowercase();
        while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
            chars.next();
        }
        let mut value = String::new();
        if chars.peek().is_some_and(|(_, c)| *c == '=') {
            chars.next();
            while chars.peek().is_some_and(|(_, c)| c.is_whitespace()) {
                chars.next();
            }
            match chars.peek().map(|&(_, c)| c) {
                Some(q @ ('"' | '\'')) => {
                    chars.next();
                    for (_, c) in chars.by_ref() {
                        if c == q {
                            break;
                        }
                        value.push(c);
                    }
                }
                _ => {
                    while let Some(&(_, c)) = chars.peek() {
                        if c.is_whitespace() {
                            break;
                        }
                        value.push(c);
                        chars.next();
                    }
                }
            }
        }
        if key.is_empty() {
            break;
        }
        attrs.push((key, decode_entities(&value)));
    }
    attrs
}

fn decode_entities(value: &str) -> String {
    value.replace("&quot;", "\"").replace("&#39;", "'").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::parse_attributes;

    #[test]
    fn attributes_of_a_tag() {
        let attrs = parse_attributes(r#"<link rel="stylesheet" href='./a.css' defer data-x=1 integrity="sha384-a/b+c="/>"#);
        let want = [("rel", "stylesheet"), ("href", "./a.css"), ("defer", ""), ("data-x", "1"), ("integrity", "sha384-a/b+c=")];
        assert_eq!(attrs, want.map(|(k, v)| (k.to_string(), v.to_string())));
    }
}
