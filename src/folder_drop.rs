//! Dropping a folder: the browser's `DataTransfer.files` lists a dropped
//! folder as one empty entry, so the folder is walked through the entries
//! API (`webkitGetAsEntry`, `createReader`, `readEntries`, `file`), called
//! by name through `js_sys::Reflect` (web-sys would need six more features
//! for these four calls). The entries must be taken while the drop event
//! runs; walking them is asynchronous. Files come sorted by path, hidden
//! ones (`.DS_Store`) left out.

use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// The dropped entries, if any of them is a folder (`None`: plain files,
/// read them from `DataTransfer.files`). Call while the drop event runs.
pub fn folder_entries(dt: &web_sys::DataTransfer) -> Option<Vec<JsValue>> {
    let items = Reflect::get(dt, &"items".into()).ok()?;
    let length = Reflect::get(&items, &"length".into()).ok()?.as_f64()? as u32;
    let mut entries = Vec::new();
    for i in 0..length {
        let item = Reflect::get(&items, &JsValue::from(i)).ok()?;
        if let Ok(entry) = call(&item, "webkitGetAsEntry", &[]) {
            if !entry.is_null() && !entry.is_undefined() {
                entries.push(entry);
            }
        }
    }
    entries.iter().any(|e| flag(e, "isDirectory")).then_some(entries)
}

/// Every file under the entries, with its path, sorted by path.
pub async fn walk(entries: Vec<JsValue>) -> Result<Vec<(String, web_sys::File)>, String> {
    let mut stack = entries;
    let mut files = Vec::new();
    while let Some(entry) = stack.pop() {
        let name = Reflect::get(&entry, &"name".into()).ok().and_then(|n| n.as_string()).unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if flag(&entry, "isDirectory") {
            let reader = call(&entry, "createReader", &[]).map_err(|e| text(&e))?;
            // `readEntries` gives a batch at a time, then an empty one.
            loop {
                let batch = callback_promise(&reader, "readEntries").await?;
                let batch: Array = batch.dyn_into().map_err(|e| text(&e))?;
                if batch.length() == 0 {
                    break;
                }
                stack.extend(batch.iter());
            }
        } else if flag(&entry, "isFile") {
            let path = Reflect::get(&entry, &"fullPath".into()).ok().and_then(|p| p.as_string()).unwrap_or(name);
            let file: web_sys::File = callback_promise(&entry, "file").await?.dyn_into().map_err(|e| text(&e))?;
            files.push((path, file));
        }
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(files)
}

fn flag(entry: &JsValue, name: &str) -> bool {
    Reflect::get(entry, &name.into()).ok().and_then(|v| v.as_bool()).unwrap_or(false)
}

fn call(target: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(target, &method.into())?.dyn_into()?;
    f.apply(target, &args.iter().collect::<Array>())
}

/// `target.method(onSuccess, onError)` as a future.
async fn callback_promise(target: &JsValue, method: &str) -> Result<JsValue, String> {
    let mut failed = None;
    let promise = Promise::new(&mut |resolve, reject| {
        if let Err(e) = call(target, method, &[resolve.into(), reject.into()]) {
            failed = Some(e);
        }
    });
    if let Some(e) = failed {
        return Err(text(&e));
    }
    JsFuture::from(promise).await.map_err(|e| text(&e))
}

fn text(e: &JsValue) -> String {
    crate::worker_client::js_error_text(e)
}
