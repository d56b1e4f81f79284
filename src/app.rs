//! The page: loading a snapshot (drop, picker, example) and what it shows.

use heapscope_protocol::{Answer, FromWorker, Phase, Query, RequestId, Summary, TypeRow};
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::units::{format_bytes, format_count, format_rate};
use crate::worker_client::{js_error_text, WorkerClient};

/// Bundled examples, exported from real Python programs by `python/examples`.
const EXAMPLES: &[(&str, &str)] = &[("leak", "examples/leak.heapscope.json.gz")];

#[derive(Debug, Clone, PartialEq)]
enum LoadState {
    Idle,
    Loading { file_name: String, phase: Phase, done_bytes: u64, total_bytes: u64, started_ms: f64 },
    Ready(Box<Summary>),
    Failed(String),
}

impl LoadState {
    /// The page's state as tests and scripts read it (`data-state`).
    fn name(&self) -> &'static str {
        match self {
            LoadState::Idle => "idle",
            LoadState::Loading { .. } => "loading",
            LoadState::Ready(_) => "ready",
            LoadState::Failed(_) => "error",
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    let state = RwSignal::new(LoadState::Idle);
    let current_load: RwSignal<Option<RequestId>> = RwSignal::new(None);
    let top_types: RwSignal<Option<Vec<TypeRow>>> = RwSignal::new(None);
    let top_types_request: RwSignal<Option<RequestId>> = RwSignal::new(None);
    let dragging = RwSignal::new(false);

    let client = StoredValue::new_local(None::<WorkerClient>);
    let on_event = move |msg: FromWorker| match msg {
        FromWorker::Ready => {}
        FromWorker::Progress { request, phase, done_bytes, total_bytes } => {
            if current_load.get_untracked() == Some(request) {
                state.update(|s| {
                    if let LoadState::Loading { phase: p, done_bytes: d, total_bytes: t, .. } = s {
                        (*p, *d, *t) = (phase, done_bytes, total_bytes);
                    }
                });
            }
        }
        FromWorker::Loaded { request, summary } => {
            if current_load.get_untracked() == Some(request) {
                state.set(LoadState::Ready(Box::new(summary)));
                let query = client.with_value(|c| c.as_ref().map(|c| c.query(Query::TopTypes { limit: 15 })));
                top_types_request.set(query);
            }
        }
        FromWorker::Failed { request, error } => {
            if request == 0 || current_load.get_untracked() == Some(request) {
                state.set(LoadState::Failed(error.message));
            }
        }
        FromWorker::Answer { request, answer } => {
            if top_types_request.get_untracked() == Some(request) {
                if let Answer::TopTypes { rows } = answer {
                    top_types.set(Some(rows));
                }
            }
        }
    };
    client.set_value(Some(WorkerClient::new(on_event)));

    let start_load = move |file_name: String, blob: web_sys::Blob| {
        top_types.set(None);
        let total_bytes = blob.size() as u64;
        state.set(LoadState::Loading { file_name: file_name.clone(), phase: Phase::Reading, done_bytes: 0, total_bytes, started_ms: js_sys::Date::now() });
        let request = client.with_value(|c| c.as_ref().map(|c| c.load(file_name, blob)));
        current_load.set(request);
    };
    let cancel = move |_| {
        current_load.set(None);
        client.with_value(|c| c.as_ref().map(WorkerClient::restart));
        state.set(LoadState::Idle);
    };

    let on_drop = move |ev: web_sys::DragEvent| {
        ev.prevent_default();
        dragging.set(false);
        let file = ev.data_transfer().and_then(|dt| dt.files()).and_then(|files| files.get(0));
        if let Some(file) = file {
            start_load(file.name(), file.into());
        }
    };
    let on_pick = move |ev: web_sys::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
        if let Some(file) = input.files().and_then(|files| files.get(0)) {
            start_load(file.name(), file.into());
        }
        // Let the same file be chosen again.
        input.set_value("");
    };
    let load_example = move |name: &'static str, path: &'static str| {
        wasm_bindgen_futures::spawn_local(async move {
            match fetch_blob(path).await {
                Ok(blob) => start_load(format!("{name} (example)"), blob),
                Err(e) => state.set(LoadState::Failed(format!("the example could not be fetched: {e}"))),
            }
        });
    };

    view! {
        <main
            class="app"
            class:dragging=move || dragging.get()
            data-testid="app"
            data-state=move || state.with(LoadState::name)
            on:dragenter=move |ev: web_sys::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <header class="topbar">
                <h1 class="logo">"heapscope"</h1>
                <label class="button" data-testid="file-picker-label">
                    "Open snapshot…"
                    <input type="file" data-testid="file-input" class="visually-hidden" accept=".json,.gz,.pickle,.heapscope" on:change=on_pick />
                </label>
                {EXAMPLES.iter().map(|&(name, path)| view! {
                    <button class="button secondary" data-testid=format!("example-{name}") on:click=move |_| load_example(name, path)>
                        {format!("Try an example: {name}")}
                    </button>
                }).collect_view()}
                <span class="privacy">"Files are analysed in this page; nothing is uploaded."</span>
            </header>
            {move || match state.get() {
                LoadState::Idle => view! {
                    <section class="intro" data-testid="intro">
                        <p class="drop-hint">"Drop a heap snapshot anywhere on this page"</p>
                        <p class="muted">"Export one from a running Python process with "<code>"python -m heapscope run app.py --out app.heapscope.json"</code>"."</p>
                    </section>
                }.into_any(),
                LoadState::Loading { file_name, phase, done_bytes, total_bytes, started_ms } => {
                    let percent = if total_bytes == 0 { 100.0 } else { done_bytes as f64 * 100.0 / total_bytes as f64 };
                    let rate = format_rate(done_bytes, js_sys::Date::now() - started_ms);
                    view! {
                        <section class="loading" data-testid="progress">
                            <p>{format!("Loading {file_name}: {} {percent:.0}% {rate}", phase.label())}</p>
                            <progress max="100" value=percent></progress>
                            <button class="button secondary" data-testid="cancel" on:click=cancel>"Cancel"</button>
                        </section>
                    }.into_any()
                }
                LoadState::Failed(message) => view! {
                    <section class="error" role="alert" data-testid="error">
                        <h2>"This file could not be opened"</h2>
                        <p data-testid="error-message">{message}</p>
                        <p class="muted">"Choose another file or drop one on the page."</p>
                    </section>
                }.into_any(),
                LoadState::Ready(summary) => view! { <SummaryView summary=*summary top_types=top_types /> }.into_any(),
            }}
        </main>
    }
}

#[component]
fn SummaryView(summary: Summary, top_types: RwSignal<Option<Vec<TypeRow>>>) -> impl IntoView {
    let warnings = summary.warnings.clone();
    view! {
        <section class="summary" data-testid="summary">
            <h2 data-testid="file-name">{summary.file_name.clone()}</h2>
            <p class="muted">{format!("{} · loaded in {:.0} ms", summary.format, summary.load_ms)}</p>
            <div class="cards">
                <Card label="objects" testid="object-count" value=format_count(summary.object_count) title=String::new() />
                <Card label="references" testid="reference-count" value=format_count(summary.reference_count) title=String::new() />
                <Card label="total size" testid="total-size" value=format_bytes(summary.total_size_bytes) title=format!("{} bytes", format_count(summary.total_size_bytes)) />
                <Card label="roots" testid="root-count" value=format_count(summary.root_count) title=String::new() />
            </div>
            {(!warnings.is_empty()).then(|| view! {
                <details class="warnings" data-testid="warnings">
                    <summary>{format!("{} warnings while loading", warnings.len())}</summary>
                    <ul>{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                </details>
            })}
            {move || top_types.get().map(|rows| view! {
                <table class="grid" data-testid="top-types">
                    <thead><tr><th>"type"</th><th class="num">"count"</th><th class="num">"shallow size"</th></tr></thead>
                    <tbody>
                        {rows.into_iter().map(|r| view! {
                            <tr>
                                <td class="mono">{r.type_name}</td>
                                <td class="num">{format_count(r.count)}</td>
                                <td class="num" title=format!("{} bytes", format_count(r.shallow_bytes))>{format_bytes(r.shallow_bytes)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            <details class="process">
                <summary>"Process"</summary>
                <dl>{summary.process.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd class="mono">{v}</dd> }).collect_view()}</dl>
            </details>
        </section>
    }
}

#[component]
fn Card(label: &'static str, testid: &'static str, value: String, title: String) -> impl IntoView {
    view! {
        <div class="card">
            <div class="card-value" data-testid=testid title=title>{value}</div>
            <div class="card-label">{label}</div>
        </div>
    }
}

async fn fetch_blob(path: &str) -> Result<web_sys::Blob, String> {
    let window = web_sys::window().ok_or("no window")?;
    let response = JsFuture::from(window.fetch_with_str(path)).await.map_err(|e| js_error_text(&e))?;
    let response: web_sys::Response = response.dyn_into().map_err(|e| js_error_text(&e))?;
    if !response.ok() {
        return Err(format!("HTTP {} for {path}", response.status()));
    }
    let blob = JsFuture::from(response.blob().map_err(|e| js_error_text(&e))?).await.map_err(|e| js_error_text(&e))?;
    blob.dyn_into().map_err(|e| js_error_text(&e))
}
