//! Overview: totals, the types holding most memory, leak suspects, metadata.

use heapscope_protocol::{Answer, Query, Summary};
use leptos::prelude::*;

use super::common::{pending_or_unavailable, short_type, Bytes, ObjectLink};
use crate::queries::answer_signal;
use crate::route::Route;
use crate::units::{format_bytes, format_count};

#[component]
pub fn OverviewView(summary: Summary) -> impl IntoView {
    let answer = answer_signal(|| Some(Query::Overview));
    let process = summary.process.clone();
    let warnings = summary.warnings.clone();
    let files = summary.files.clone();
    view! {
        <section class="view overview" data-testid="overview">
            <h2 data-testid="file-name">{summary.file_name.clone()}</h2>
            <p class="muted" data-testid="load-stats" data-load-ms=summary.load_ms.to_string() data-worker-memory=summary.worker_memory_bytes.to_string()>
                {format!("{} · parsed and analysed in {:.0} ms · worker memory {}", summary.format, summary.load_ms, format_bytes(summary.worker_memory_bytes))}
            </p>
            {(files.len() > 1).then(|| view! {
                <ul class="files" data-testid="open-files">
                    {files.into_iter().map(|f| view! {
                        <li>{f.file_name}<span class="muted">{format!(" — {}", f.roles.iter().map(|r| format!("{r:?}")).collect::<Vec<_>>().join(", "))}</span></li>
                    }).collect_view()}
                </ul>
            })}
            <div class="cards">
                <Card label="objects" testid="object-count" value=format_count(summary.object_count) title=String::new() />
                <Card label="references" testid="reference-count" value=format_count(summary.reference_count) title=String::new() />
                <Card label="total size" testid="total-size" value=format_bytes(summary.total_size_bytes) title=format!("{} bytes", format_count(summary.total_size_bytes)) />
                <Card label="roots" testid="root-count" value=format_count(summary.root_count) title=String::new() />
                {move || match answer.get() {
                    Some(Answer::Overview(o)) => view! {
                        <Card label="unreachable" testid="unreachable-count" value=format_count(o.unreachable_count) title=format!("{} bytes", format_count(o.unreachable_bytes)) />
                        <Card label="cycles" testid="cycle-count" value=format_count(o.cycle_count) title=format!("{} garbage", o.garbage_cycle_count) />
                    }.into_any(),
                    _ => ().into_any(),
                }}
                {(summary.trace_count > 0).then(|| view! {
                    <Card label="tracemalloc traces" testid="trace-count" value=format_count(summary.trace_count) title=String::new() />
                })}
            </div>
            {(!warnings.is_empty()).then(|| view! {
                <details class="warnings" data-testid="warnings">
                    <summary>{format!("{} warnings while loading", warnings.len())}</summary>
                    <ul>{warnings.into_iter().map(|w| view! { <li>{w}</li> }).collect_view()}</ul>
                </details>
            })}
            {move || {
                let a = answer.get();
                if summary.object_count == 0 {
                    return view! { <p class="muted">"This file has no heap section; see Allocations."</p> }.into_any();
                }
                if let Some(v) = pending_or_unavailable(&a) { return v; }
                let Some(Answer::Overview(o)) = a else { return ().into_any() };
                view! {
                    <div class="columns">
                        <div>
                            <h3>"Leak suspects"</h3>
                            <ol class="suspects" data-testid="suspects">
                                {o.suspects.into_iter().map(|s| view! {
                                    <li>
                                        <div class="reason">{s.reason}</div>
                                        <div class="fix" data-testid="suspect-fix">"Fix: "{s.fix}</div>
                                        <div class="muted">
                                            <Bytes bytes=s.retained_bytes />{format!(" retained · {:.1}% of reachable", s.share * 100.0)}
                                            {s.object.map(|row| { let id = row.id; view! {
                                                " · " <ObjectLink row=row />
                                                " · " <a href=Route::Retainers(id).to_hash() data-testid="suspect-retainers">"why alive"</a>
                                            } })}
                                            {s.type_name.map(|t| view! { " · " <a href=Route::Instances(t.clone()).to_hash()>{short_type(&t)}" instances"</a> })}
                                        </div>
                                    </li>
                                }).collect_view()}
                            </ol>
                        </div>
                        <div>
                            <h3>"Memory by owner"</h3>
                            <table class="grid" data-testid="owners">
                                <thead><tr><th>"owner"</th><th class="num">"objects"</th><th class="num">"size"</th></tr></thead>
                                <tbody>
                                    {o.owners.into_iter().map(|r| view! {
                                        <tr>
                                            <td>{r.owner}</td>
                                            <td class="num">{format_count(r.object_count)}</td>
                                            <td class="num"><Bytes bytes=r.size_bytes /></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                            <h3>"Top types by retained size"</h3>
                            <table class="grid" data-testid="top-types">
                                <thead><tr><th>"type"</th><th class="num">"count"</th><th class="num">"shallow"</th><th class="num">"retained"</th></tr></thead>
                                <tbody>
                                    {o.top_types.into_iter().map(|r| view! {
                                        <tr>
                                            <td class="mono"><a href=Route::Instances(r.type_name.clone()).to_hash()>{r.type_name.clone()}</a></td>
                                            <td class="num">{format_count(r.count)}</td>
                                            <td class="num"><Bytes bytes=r.shallow_bytes /></td>
                                            <td class="num"><Bytes bytes=r.retained_bytes /></td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </div>
                    </div>
                }.into_any()
            }}
            <details class="process" open=true>
                <summary>"Process"</summary>
                <dl data-testid="process">{process.into_iter().map(|f| view! { <dt>{f.key}</dt><dd class="mono">{f.value}</dd> }).collect_view()}</dl>
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
