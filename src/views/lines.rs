//! Line report: memory_profiler `@profile` reports — the lines that grew
//! most first, then each function's table with its increments as bars,
//! sortable by any column (source order until a header is clicked).

use heapscope_protocol::{Answer, LineReportData, LineRowData, Query};
use leptos::prelude::*;

use super::common::{pending_or_unavailable, SortHeader, SortState};
use crate::queries::answer_signal;

/// Lines listed under "grew most" per report.
const GREW_MOST: u32 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    Line,
    Mem,
    Increment,
    Occurrences,
}

/// Orders a function's rows by the column clicked; rows without a value
/// (lines that did not run) go last either way.
pub fn sort_rows(rows: &mut [LineRowData], sort: SortState<Column>) {
    let key = |r: &LineRowData| -> Option<f64> {
        match sort.column {
            Column::Line => Some(r.lineno as f64),
            Column::Mem => r.mem_mib,
            Column::Increment => r.increment_mib,
            Column::Occurrences => r.occurrences.map(|o| o as f64),
        }
    };
    rows.sort_by(|a, b| match (key(a), key(b)) {
        (Some(x), Some(y)) => sort.directed(x.total_cmp(&y)).then(a.lineno.cmp(&b.lineno)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.lineno.cmp(&b.lineno),
    });
}

/// The largest positive increment of a report (bars are drawn against it).
pub fn largest_increment(report: &LineReportData) -> f64 {
    report.tables.iter().flat_map(|t| t.functions.iter().flat_map(|f| f.rows.iter())).filter_map(|r| r.increment_mib).fold(0.0, f64::max)
}

fn mib(v: Option<f64>) -> String {
    v.map(|v| format!("{v:.3} MiB")).unwrap_or_default()
}

#[component]
pub fn LinesView() -> impl IntoView {
    let answer = answer_signal(|| Some(Query::LineReport { limit: GREW_MOST }));
    view! {
        <section class="view" data-testid="lines-view">
            {move || {
                let a = answer.get();
                if let Some(v) = pending_or_unavailable(&a) { return v; }
                let Some(Answer::LineReport { reports }) = a else { return ().into_any() };
                reports.into_iter().map(|r| view! { <Report report=r /> }).collect_view().into_any()
            }}
        </section>
    }
}

#[component]
fn Report(report: LineReportData) -> impl IntoView {
    let max = largest_increment(&report);
    let shown: usize = report.tables.iter().map(|t| t.functions.iter().map(|f| f.rows.len()).sum::<usize>()).sum();
    view! {
        <div class="report" data-testid="report" data-file=report.file_name.clone()>
            <h3>{report.file_name.clone()}</h3>
            <h4>"Lines that grew most"</h4>
            <table class="grid" data-testid="grew-most">
                <thead><tr><th>"line"</th><th>"function"</th><th class="num">"increment"</th><th>"contents"</th></tr></thead>
                <tbody>
                    {report.grew_most.iter().map(|g| view! {
                        <tr data-testid="grew-row">
                            <td class="mono">{format!("{}:{}", g.filename, g.row.lineno)}</td>
                            <td class="mono">{g.function.clone().unwrap_or_default()}</td>
                            <td class="num">{mib(g.row.increment_mib)}</td>
                            <td class="mono code">{g.row.contents.trim().to_string()}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            {((shown as u64) < report.row_total).then(|| view! { <p class="muted">{format!("Showing {shown} of {} rows.", report.row_total)}</p> })}
            {report.tables.iter().flat_map(|t| t.functions.iter().map(move |f| (t.filename.clone(), t.has_occurrences, f.clone()))).map(|(filename, occ, f)| {
                view! { <FunctionTable filename=filename has_occurrences=occ name=f.name.clone() rows=f.rows.clone() max=max /> }
            }).collect_view()}
            {(!report.warnings.is_empty()).then(|| view! {
                <details class="warnings"><summary>{format!("{} line(s) skipped", report.warnings.len())}</summary>
                    <ul>{report.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
                </details>
            })}
        </div>
    }
}

#[component]
fn FunctionTable(filename: String, has_occurrences: bool, name: Option<String>, rows: Vec<LineRowData>, max: f64) -> impl IntoView {
    let sort = RwSignal::new(SortState { column: Column::Line, descending: false });
    let title = match &name {
        Some(n) => format!("{n}() in {filename}"),
        None => filename.clone(),
    };
    view! {
        <h4 data-testid="function-title">{title}</h4>
        <table class="grid lines" data-testid="line-table" data-function=name.unwrap_or_default()>
            <thead><tr>
                <SortHeader label="line" column=Column::Line sort=sort numeric=true />
                <SortHeader label="mem usage" column=Column::Mem sort=sort numeric=true />
                <SortHeader label="increment" column=Column::Increment sort=sort numeric=true />
                {has_occurrences.then(|| view! { <SortHeader label="occurrences" column=Column::Occurrences sort=sort numeric=true /> })}
                <th>"line contents"</th>
            </tr></thead>
            <tbody>
                {move || {
                    let mut rows = rows.clone();
                    sort_rows(&mut rows, sort.get());
                    rows.into_iter().map(|r| {
                        let share = match r.increment_mib { Some(i) if max > 0.0 && i > 0.0 => (i / max * 100.0).min(100.0), _ => 0.0 };
                        view! {
                            <tr data-testid="line-row" data-line=r.lineno.to_string() data-increment=r.increment_mib.map(|i| i.to_string()).unwrap_or_default()>
                                <td class="num">{r.lineno.to_string()}</td>
                                <td class="num">{mib(r.mem_mib)}</td>
                                <td class="num bar-cell">
                                    <span class="bar" style=format!("width: {share:.1}%")></span>
                                    <span class="bar-value">{mib(r.increment_mib)}</span>
                                </td>
                                {has_occurrences.then(|| view! { <td class="num">{r.occurrences.map(|o| o.to_string()).unwrap_or_default()}</td> })}
                                <td class="mono code">{r.contents.clone()}</td>
                            </tr>
                        }
                    }).collect_view()
                }}
            </tbody>
        </table>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(lineno: u32, inc: Option<f64>) -> LineRowData {
        LineRowData { lineno, mem_mib: inc.map(|i| 10.0 + i), increment_mib: inc, occurrences: inc.map(|_| 1), contents: String::new() }
    }

    #[test]
    fn rows_sort_by_increment_with_lines_that_did_not_run_last() {
        let mut rows = vec![row(1, Some(0.5)), row(2, None), row(3, Some(7.5)), row(4, Some(-2.0))];
        sort_rows(&mut rows, SortState { column: Column::Increment, descending: true });
        assert_eq!(rows.iter().map(|r| r.lineno).collect::<Vec<_>>(), [3, 1, 4, 2]);
        sort_rows(&mut rows, SortState { column: Column::Increment, descending: false });
        assert_eq!(rows.iter().map(|r| r.lineno).collect::<Vec<_>>(), [4, 1, 3, 2]);
        sort_rows(&mut rows, SortState { column: Column::Line, descending: false });
        assert_eq!(rows.iter().map(|r| r.lineno).collect::<Vec<_>>(), [1, 2, 3, 4]);
    }
}
