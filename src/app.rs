//! The page shell: loading files (drop, picker, examples), progress and
//! errors, the tabs, and the view the URL hash names. The load flow itself
//! is [`Loader`]'s: this module feeds it events and carries out its commands.

use std::cell::RefCell;
use std::rc::Rc;

use heapscope_protocol::{FileRole, FromWorker, Summary};
use leptos::ev;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::folder_drop;
use crate::loader::{Command, FailedFile, LoadState, Loader};
use crate::nav;
use crate::queries::{self, AppContext, Queries};
use crate::route::{self, Route, Tab};
use crate::units::format_rate;
use crate::views;
use crate::worker_client::{js_error_text, WorkerClient};

/// Bundled examples, exported from real Python programs by
/// `python/examples/make_examples.py`: (id, label, files).
const EXAMPLES: &[(&str, &str, &[&str])] = &[
    ("leak", "a leak through a cache", &["examples/leak.heapscope.json.gz"]),
    ("cycle", "reference cycles", &["examples/cycle.heapscope.json.gz"]),
    ("growth", "before/after growth", &["examples/before.heapscope.json.gz", "examples/after.heapscope.json.gz"]),
    ("tracemalloc", "tracemalloc pair", &["examples/tracemalloc-before.heapscope.json.gz", "examples/tracemalloc-after.heapscope.json.gz"]),
    (
        "series",
        "a service leaking listeners: three snapshots of one process (Growth)",
        &["examples/service-1.heapscope.json.gz", "examples/service-2.heapscope.json.gz", "examples/service-3.heapscope.json.gz"],
    ),
    ("mprof", "memory_profiler `mprof run` of a leaking function (Timeline)", &["examples/mprofile-leak.dat"]),
    ("profile", "memory_profiler @profile report of the same function (Line report)", &["examples/profile-leak.txt"]),
];

type Files = Vec<(String, web_sys::Blob, u64)>;

#[component]
pub fn App() -> impl IntoView {
    let state = RwSignal::new(LoadState::Idle);
    // Ready handshakes from analysis workers so far (a cancel starts a new one).
    let workers_ready = RwSignal::new(0u32);
    let route = RwSignal::new(nav::current());
    let dragging = RwSignal::new(false);
    let app = AppContext {
        queries: StoredValue::new_local(None),
        generation: RwSignal::new(0),
        in_flight: RwSignal::new(0),
        explored: RwSignal::new(None),
    };
    provide_context(app);
    let pending = Queries::pending_table();
    let loader: Rc<RefCell<Loader<web_sys::Blob>>> = Rc::default();

    let _ = window_event_listener(ev::hashchange, move |_| route.set(nav::current()));

    // Carries out the loader's commands, then shows its state.
    let apply: Rc<dyn Fn(Vec<Command<web_sys::Blob>>)> = {
        let (loader, pending) = (loader.clone(), pending.clone());
        Rc::new(move |commands| {
            for command in commands {
                match command {
                    Command::Send { file_name, file, replace, .. } => {
                        let request = app.queries.with_value(|q| q.as_ref().map(|q| q.client().load(file_name, file, replace)));
                        if let Some(request) = request {
                            loader.borrow_mut().sent(request);
                        }
                    }
                    Command::RestartWorker => {
                        pending.borrow_mut().clear();
                        app.in_flight.set(0);
                        app.queries.with_value(|q| q.as_ref().map(|q| q.client().restart()));
                    }
                    Command::Refresh => {
                        app.generation.update(|g| *g += 1);
                        // A batch lands where its files are read (Growth for a series…).
                        if let LoadState::Ready { summary, .. } = loader.borrow().state() {
                            nav::go(&route::landing(&summary.files));
                        }
                    }
                }
            }
            state.set(loader.borrow().state().clone());
        })
    };

    let on_event = {
        let (loader, pending, apply) = (loader.clone(), pending.clone(), apply.clone());
        move |msg: FromWorker| match msg {
            FromWorker::Ready => workers_ready.update(|n| *n += 1),
            FromWorker::Progress { request, phase, done_bytes, total_bytes } => {
                if loader.borrow().is_current(request) {
                    loader.borrow_mut().on_progress(request, phase, done_bytes, total_bytes);
                    apply(Vec::new());
                }
            }
            FromWorker::Loaded { request, summary } => {
                let commands = loader.borrow_mut().on_loaded(request, summary, js_sys::Date::now());
                apply(commands);
            }
            FromWorker::Failed { request, error } => {
                let commands = loader.borrow_mut().on_failed(request, error, js_sys::Date::now());
                apply(commands);
            }
            FromWorker::WorkerFailed { error } => {
                // Queries sent to the broken worker will not be answered.
                pending.borrow_mut().clear();
                app.in_flight.set(0);
                let commands = loader.borrow_mut().on_worker_failed(error);
                apply(commands);
            }
            FromWorker::Answer { request, answer } => queries::deliver(&pending, request, answer),
            // The worker client words the crash that follows (`crash_message`).
            FromWorker::OutOfMemory { .. } => {}
        }
    };
    let client = WorkerClient::new(on_event);
    app.queries.set_value(Some(Queries::new(client, pending.clone())));

    let start_loads: Rc<dyn Fn(Files)> = {
        let (loader, apply) = (loader.clone(), apply.clone());
        Rc::new(move |files: Files| {
            if files.is_empty() {
                return;
            }
            nav::go(&Route::Overview);
            let commands = loader.borrow_mut().start(files, js_sys::Date::now());
            apply(commands);
        })
    };

    // A report written by `heapscope report` carries its snapshots: open them
    // at once, as if they had been dropped (the single-file loader publishes
    // them; see xtask/src/single_file.rs).
    let embedded = embedded_files();
    if !embedded.is_empty() {
        let start_loads = start_loads.clone();
        wasm_bindgen_futures::spawn_local(async move { start_loads(embedded) });
    }

    // View closures must be Send: non-Send state goes in through local stored values.
    let flow = StoredValue::new_local((loader.clone(), apply.clone()));
    let cancel = move |_| {
        flow.with_value(|(loader, apply)| {
            let commands = loader.borrow_mut().cancel();
            apply(commands);
        })
    };

    // Another snapshot of the series is explored: show its summary.
    Effect::new(move |_| {
        if let Some(summary) = app.explored.get() {
            flow.with_value(|(loader, _)| {
                loader.borrow_mut().explored(*summary);
                state.set(loader.borrow().state().clone());
            });
        }
    });

    let on_drop = {
        let (start_loads, loader, apply) = (start_loads.clone(), loader.clone(), apply.clone());
        move |ev: web_sys::DragEvent| {
            ev.prevent_default();
            dragging.set(false);
            let Some(dt) = ev.data_transfer() else { return };
            // A folder (of a series, say): walk it, then load what it holds.
            if let Some(entries) = folder_drop::folder_entries(&dt) {
                let (start_loads, loader, apply) = (start_loads.clone(), loader.clone(), apply.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    match folder_drop::walk(entries).await {
                        Ok(files) => start_loads(
                            files
                                .into_iter()
                                .map(|(path, f)| {
                                    let size = f.size() as u64;
                                    (path.trim_start_matches('/').to_string(), f.into(), size)
                                })
                                .collect(),
                        ),
                        Err(e) => {
                            loader.borrow_mut().could_not_fetch(format!("the dropped folder could not be read: {e}"));
                            apply(Vec::new());
                        }
                    }
                });
                return;
            }
            if let Some(files) = dt.files() {
                start_loads(file_list(&files));
            }
        }
    };
    let on_pick = {
        let start_loads = start_loads.clone();
        move |ev: web_sys::Event| {
            let Some(input) = ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()) else { return };
            if let Some(files) = input.files() {
                start_loads(file_list(&files));
            }
            // Let the same file be chosen again.
            input.set_value("");
        }
    };
    let load_example = {
        let (start_loads, loader, apply) = (start_loads.clone(), loader.clone(), apply.clone());
        move |id: &'static str, paths: &'static [&'static str]| {
            let (start_loads, loader, apply) = (start_loads.clone(), loader.clone(), apply.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let mut files = Vec::new();
                for path in paths {
                    match fetch_blob(path).await {
                        Ok(blob) => {
                            let size = blob.size() as u64;
                            files.push((format!("{} ({id} example)", path.rsplit('/').next().unwrap_or(path)), blob, size));
                        }
                        Err(e) => {
                            loader.borrow_mut().could_not_fetch(format!("the example could not be fetched: {e}"));
                            apply(Vec::new());
                            return;
                        }
                    }
                }
                start_loads(files);
            });
        }
    };
    // A folder picker: `webkitdirectory` has no typed attribute in Leptos.
    let folder_input: NodeRef<leptos::html::Input> = NodeRef::new();
    Effect::new(move |_| {
        if let Some(input) = folder_input.get() {
            let _ = input.set_attribute("webkitdirectory", "");
        }
    });
    let search_text = RwSignal::new(String::new());
    let search_input: NodeRef<leptos::html::Input> = NodeRef::new();
    let _ = window_event_listener(ev::keydown, move |ev: web_sys::KeyboardEvent| {
        let typing = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
            .is_some_and(|el| matches!(el.tag_name().as_str(), "INPUT" | "SELECT" | "TEXTAREA"));
        if ev.key() == "/" && !typing {
            if let Some(input) = search_input.get_untracked() {
                ev.prevent_default();
                let _ = input.focus();
            }
        }
    });

    view! {
        <main
            class="app"
            class:dragging=move || dragging.get()
            data-testid="app"
            data-state=move || state.with(LoadState::name)
            data-workers-ready=move || workers_ready.get().to_string()
            data-busy=move || (app.in_flight.get() > 0).to_string()
            on:dragenter=move |ev: web_sys::DragEvent| { ev.prevent_default(); dragging.set(true); }
            on:dragover=move |ev: web_sys::DragEvent| ev.prevent_default()
            on:dragleave=move |_| dragging.set(false)
            on:drop=on_drop
        >
            <header class="topbar">
                <h1 class="logo"><a href="#/overview">"heapscope"</a></h1>
                <label class="button" data-testid="file-picker-label">
                    "Open snapshots…"
                    <input type="file" multiple=true data-testid="file-input" class="visually-hidden" on:change=on_pick.clone() />
                </label>
                <label class="button secondary" data-testid="folder-picker-label" title="A folder of snapshots of one process: what grows">
                    "Open folder…"
                    <input type="file" multiple=true node_ref=folder_input data-testid="folder-input" class="visually-hidden" on:change=on_pick />
                </label>
                <span class="examples">"Try an example: "
                    {EXAMPLES.iter().map(|&(id, label, paths)| {
                        let load_example = load_example.clone();
                        view! {
                            <button class="button secondary" data-testid=format!("example-{id}") title=label on:click=move |_| load_example(id, paths)>{id}</button>
                        }
                    }).collect_view()}
                </span>
                <input type="search" class="global-search" placeholder="Search type, address, text…  ( / )" data-testid="global-search" node_ref=search_input
                    prop:value=move || search_text.get()
                    on:input=move |ev| search_text.set(event_target_value(&ev))
                    on:keydown=move |ev: web_sys::KeyboardEvent| {
                        let text = search_text.get_untracked();
                        if ev.key() == "Enter" && !text.trim().is_empty() { nav::go(&Route::Search(text.trim().to_string())); }
                    } />
                <span class="privacy" title="heapscope reads files locally; no byte of a snapshot is sent anywhere">"Nothing is uploaded"</span>
            </header>
            {move || match state.get() {
                LoadState::Idle => view! {
                    <section class="intro" data-testid="intro">
                        <p class="drop-hint">"Drop heap snapshots anywhere on this page"</p>
                        <p class="muted">"Export one from a running Python process with "<code>"python -m heapscope run app.py --out app.heapscope.json"</code>"."</p>
                        <p class="muted">"Two heap snapshots of one process enable Compare; several (or a folder of them) show what grows; a tracemalloc snapshot adds Allocations."</p>
                        <p class="muted">"memory_profiler files open too: "<code>"mprof run"</code>" data (mprofile_*.dat) on a Timeline, "<code>"@profile"</code>" output as a Line report."</p>
                    </section>
                }.into_any(),
                LoadState::Loading { file_name, phase, done_bytes, total_bytes, started_ms, queued } => {
                    let percent = if total_bytes == 0 { 100.0 } else { done_bytes as f64 * 100.0 / total_bytes as f64 };
                    let rate = format_rate(done_bytes, js_sys::Date::now() - started_ms);
                    let more = if queued > 0 { format!(" ({queued} more file(s) waiting)") } else { String::new() };
                    view! {
                        <section class="loading" data-testid="progress">
                            <p>{format!("Loading {file_name}: {} {percent:.0}% {rate}{more}", phase.label())}</p>
                            <progress max="100" value=percent data-testid="progress-bar"></progress>
                            <button class="button secondary" data-testid="cancel" on:click=cancel>"Cancel"</button>
                        </section>
                    }.into_any()
                }
                LoadState::Failed(message) => view! {
                    <section class="error" role="alert" data-testid="error">
                        <h2>"This file could not be opened"</h2>
                        <p data-testid="error-message">{message}</p>
                        <p class="muted">"Choose another file or drop one on the page. heapscope reads .heapscope.json(.gz) files from its exporter, tracemalloc pickles, and JSON object lists."</p>
                    </section>
                }.into_any(),
                LoadState::Ready { summary, failed } => view! {
                    {(!failed.is_empty()).then(|| view! { <NotOpened failed=failed /> })}
                    <Explorer summary=*summary route=route />
                }.into_any(),
            }}
        </main>
    }
}

/// Files of the last batch that could not be opened (the others are).
#[component]
fn NotOpened(failed: Vec<FailedFile>) -> impl IntoView {
    view! {
        <section class="load-warning" role="alert" data-testid="load-warning">
            <p>{format!("{} of the files could not be opened; the others are open:", failed.len())}</p>
            <ul>
                {failed.into_iter().map(|f| {
                    let text = if f.message.contains(&f.file_name) { f.message } else { format!("{}: {}", f.file_name, f.message) };
                    view! { <li data-file=f.file_name>{text}</li> }
                }).collect_view()}
            </ul>
        </section>
    }
}

/// Tabs and the routed view for an open snapshot.
#[component]
fn Explorer(summary: Summary, route: RwSignal<Route>) -> impl IntoView {
    let has_heap = summary.object_count > 0;
    let has_traces = summary.files.iter().any(|f| f.roles.contains(&FileRole::Allocations));
    let can_compare_traces = summary.files.iter().any(|f| f.roles.contains(&FileRole::AllocationsBaseline));
    let can_compare_heaps = summary.files.iter().any(|f| f.roles.contains(&FileRole::Baseline));
    let explored_index = summary.files.iter().find(|f| f.roles.contains(&FileRole::Heap)).and_then(|f| f.series_index);
    let has_series = summary.files.iter().filter(|f| f.has_heap).count() >= 2;
    let has_timeline = summary.files.iter().any(|f| f.roles.contains(&FileRole::Timeline));
    let has_lines = summary.files.iter().any(|f| f.roles.contains(&FileRole::LineReport));
    let last_object = RwSignal::new(None::<u32>);
    Effect::new(move |_| {
        if let Route::Object(o) | Route::Retainers(o) | Route::Graph(o) = route.get() {
            last_object.set(Some(o));
        }
    });
    let tab = move |label: &'static str, tab: Tab, target: Route, shown: bool| {
        shown.then(|| {
            let active = move || route.with(|r| r.tab()) == tab;
            view! {
                <a class="tab" class:active=active aria-current=move || active().then_some("page") href=target.to_hash() data-testid=format!("tab-{label}")>{label}</a>
            }
        })
    };
    let total = summary.total_size_bytes;
    view! {
        <nav class="tabs" data-testid="tabs">
            {tab("overview", Tab::Overview, Route::Overview, true)}
            {tab("types", Tab::Types, Route::Types, has_heap)}
            {move || last_object.get().map(|o| {
                let active = move || route.with(|r| r.tab()) == Tab::Object;
                view! { <a class="tab" class:active=active href=Route::Object(o).to_hash() data-testid="tab-object">"object"</a> }
            })}
            {tab("dominators", Tab::Dominators, Route::Dominators, has_heap)}
            {tab("cycles", Tab::Cycles, Route::Cycles, has_heap)}
            {tab("allocations", Tab::Allocations, Route::Allocations, has_traces)}
            {tab("compare", Tab::Compare, Route::Compare, can_compare_heaps)}
            {tab("growth", Tab::Growth, Route::Growth(None), has_series)}
            {tab("timeline", Tab::Timeline, Route::Timeline, has_timeline)}
            {tab("lines", Tab::Lines, Route::Lines, has_lines)}
        </nav>
        {move || match route.get() {
            Route::Overview => view! { <views::overview::OverviewView summary=summary.clone() /> }.into_any(),
            Route::Types => view! { <views::types::TypesView total_size_bytes=total /> }.into_any(),
            Route::Instances(t) => view! { <views::instances::InstancesView type_name=t /> }.into_any(),
            Route::Object(o) => view! { <views::object::ObjectView object=o /> }.into_any(),
            Route::Retainers(o) => view! { <views::retainers::RetainersView object=o /> }.into_any(),
            Route::Graph(o) => view! { <views::graph::GraphView object=o /> }.into_any(),
            Route::Dominators => view! { <views::dominators::DominatorsView total_size_bytes=total /> }.into_any(),
            Route::Cycles => view! { <views::cycles::CyclesView selected=None /> }.into_any(),
            Route::Cycle(c) => view! { <views::cycles::CyclesView selected=Some(c) /> }.into_any(),
            Route::Allocations => view! { <views::allocations::AllocationsView can_compare=can_compare_traces /> }.into_any(),
            Route::Compare => view! { <views::compare::CompareView /> }.into_any(),
            Route::Search(text) => view! { <views::search::SearchView text=text /> }.into_any(),
            Route::Growth(range) => view! { <views::growth::GrowthView range=range /> }.into_any(),
            Route::Timeline => view! { <views::timeline::TimelineView /> }.into_any(),
            Route::Lines => view! { <views::lines::LinesView /> }.into_any(),
            Route::Snapshot(k) => view! { <OpenSnapshot index=k explored=explored_index /> }.into_any(),
        }}
    }
}

/// `#/snapshot/N`: explores the series' snapshot N (unless it is the one
/// explored), then shows its overview.
#[component]
fn OpenSnapshot(index: u32, explored: Option<u32>) -> impl IntoView {
    let app = queries::use_app();
    if explored == Some(index) {
        nav::go(&Route::Overview);
    } else {
        queries::explore(app, index, None, Route::Overview);
    }
    view! { <p class="muted" data-testid="view-loading">{format!("Opening snapshot {}…", index + 1)}</p> }
}

fn file_list(files: &web_sys::FileList) -> Files {
    (0..files.length())
        .filter_map(|i| files.get(i))
        .map(|f| {
            let size = f.size() as u64;
            (f.name(), f.into(), size)
        })
        .collect()
}

/// The snapshots a report embeds: `globalThis.__HEAPSCOPE_EMBEDDED__`, an
/// array of `File`s the single-file loader decoded from the page's inert
/// `<script type="application/octet-stream" data-heapscope-snapshot>` blocks.
fn embedded_files() -> Files {
    let Ok(value) = js_sys::Reflect::get(&js_sys::global(), &wasm_bindgen::JsValue::from_str("__HEAPSCOPE_EMBEDDED__")) else {
        return Vec::new();
    };
    let Ok(array) = value.dyn_into::<js_sys::Array>() else { return Vec::new() };
    array
        .iter()
        .filter_map(|v| v.dyn_into::<web_sys::File>().ok())
        .map(|f| {
            let size = f.size() as u64;
            (f.name(), f.into(), size)
        })
        .collect()
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
