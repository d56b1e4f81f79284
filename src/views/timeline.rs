//! Timeline: memory_profiler `mprof run` files on one chart, as `mprof
//! plot` draws them — each run from its own start, its children as their
//! own lines, its `@profile`d calls as brackets — with the peak and the
//! fitted slope marked, and the functions that grew most.

use heapscope_protocol::{Answer, MprofRunData, Query};
use leptos::prelude::*;

use super::chart::{Bracket, ChartData, Line, LineChart, Mark, Slope};
use super::common::pending_or_unavailable;
use crate::queries::answer_signal;

/// Samples per line sent by the worker at most (evenly thinned past it).
const MAX_POINTS: u32 = 100_000;

/// The chart of several runs: a line per run and per child, brackets per
/// call, the peak and slope of each run.
pub fn chart_data(runs: &[MprofRunData]) -> ChartData {
    let mut data = ChartData::default();
    for (i, r) in runs.iter().enumerate() {
        let class = format!("series-{}", i % 6);
        let points = |ps: &[heapscope_protocol::TimePoint]| ps.iter().map(|p| (p.seconds, p.mib)).collect::<Vec<_>>();
        data.lines.push(Line { label: r.file_name.clone(), class: class.clone(), points: points(&r.samples), clickable: false });
        for c in &r.children {
            data.lines.push(Line {
                label: format!("{} child {}", r.file_name, c.id),
                class: format!("{class} child"),
                points: points(&c.samples),
                clickable: false,
            });
        }
        for f in &r.functions {
            data.brackets.push(Bracket {
                label: format!("{} ({:+.2} MiB in {:.2} s)", f.name, f.end.mib - f.start.mib, f.end.seconds - f.start.seconds),
                start: (f.start.seconds, f.start.mib),
                end: (f.end.seconds, f.end.mib),
                class: class.clone(),
            });
        }
        if let Some(p) = r.peak {
            data.marks.push(Mark { label: format!("peak {:.1} MiB", p.mib), at: (p.seconds, p.mib), testid: "peak-mark" });
        }
        if let (Some(slope), Some(start)) = (r.slope_mib_per_s, r.fit_start_mib) {
            data.slopes.push(Slope {
                label: format!("{slope:+.2} MiB/s"),
                from: (0.0, start),
                to: (r.duration_s, start + slope * r.duration_s),
            });
        }
    }
    data
}

#[component]
pub fn TimelineView() -> impl IntoView {
    let answer = answer_signal(|| Some(Query::Timeline { max_points: MAX_POINTS }));
    view! {
        <section class="view" data-testid="timeline-view">
            {move || {
                let a = answer.get();
                if let Some(v) = pending_or_unavailable(&a) { return v; }
                let Some(Answer::Timeline { runs }) = a else { return ().into_any() };
                let data = chart_data(&runs);
                view! {
                    <LineChart data=data />
                    {runs.into_iter().map(|r| view! { <RunFacts run=r /> }).collect_view()}
                }.into_any()
            }}
        </section>
    }
}

/// One run: command, samples, peak, slope, the functions that grew most, warnings.
#[component]
fn RunFacts(run: MprofRunData) -> impl IntoView {
    let peak = run.peak.map(|p| format!("peak {:.2} MiB at {:.2} s", p.mib, p.seconds)).unwrap_or_else(|| "no samples".into());
    let slope = run.slope_mib_per_s.map(|s| format!("{s:+.3} MiB/s ({:+.1} MiB/min)", s * 60.0)).unwrap_or_else(|| "—".into());
    let thinned = (run.samples.len() as u64) < run.sample_total;
    view! {
        <div class="run" data-testid="run" data-file=run.file_name.clone()>
            <h3>{run.file_name.clone()}</h3>
            {run.cmdline.clone().map(|c| view! { <p class="mono muted">{c}</p> })}
            <p>
                <span data-testid="run-samples">{format!("{} samples over {:.2} s", run.sample_total, run.duration_s)}</span>
                {thinned.then(|| format!(" (drawn: {})", run.samples.len()))}
                "; " <span data-testid="run-peak">{peak}</span>
                "; growth " <span data-testid="run-slope">{slope}</span>
                {(!run.children.is_empty()).then(|| format!("; {} child process(es)", run.children.len()))}
            </p>
            {(!run.grew_most.is_empty()).then(|| view! {
                <table class="grid" data-testid="run-functions">
                    <thead><tr><th>"function"</th><th class="num">"calls"</th><th class="num">"total growth"</th><th class="num">"largest call"</th></tr></thead>
                    <tbody>
                        {run.grew_most.iter().map(|f| view! {
                            <tr>
                                <td class="mono">{f.name.clone()}</td>
                                <td class="num" title=(f.nested_calls > 0).then_some("calls inside an outer call of the same function: their growth is counted in it")>{
                                    if f.nested_calls > 0 { format!("{} ({} nested)", f.calls, f.nested_calls) } else { f.calls.to_string() }
                                }</td>
                                <td class="num">{format!("{:+.2} MiB", f.total_growth_mib)}</td>
                                <td class="num">{format!("{:+.2} MiB", f.max_growth_mib)}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {(!run.warnings.is_empty()).then(|| view! {
                <details class="warnings"><summary>{format!("{} line(s) skipped", run.warnings.len())}</summary>
                    <ul>{run.warnings.iter().map(|w| view! { <li>{w.clone()}</li> }).collect_view()}</ul>
                </details>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use heapscope_protocol::{ChildLine, FuncSpanData, TimePoint};

    #[test]
    fn runs_children_calls_peaks_and_slopes_become_chart_parts() {
        let p = |seconds, mib| TimePoint { seconds, mib };
        let run = MprofRunData {
            file_name: "a.dat".into(),
            cmdline: None,
            start_unix_s: 100.0,
            samples: vec![p(0.0, 10.0), p(1.0, 12.0)],
            sample_total: 2,
            functions: vec![FuncSpanData { name: "f".into(), start: p(0.1, 10.0), end: p(0.9, 14.0), level: Some(0) }],
            function_total: 1,
            children: vec![ChildLine { id: "42".into(), samples: vec![p(0.5, 3.0)], sample_total: 1 }],
            peak: Some(p(1.0, 12.0)),
            duration_s: 1.0,
            slope_mib_per_s: Some(2.0),
            fit_start_mib: Some(10.0),
            grew_most: vec![],
            warnings: vec![],
        };
        let d = chart_data(&[run.clone(), run]);
        let labels: Vec<(&str, &str, usize)> = d.lines.iter().map(|l| (l.label.as_str(), l.class.as_str(), l.points.len())).collect();
        assert_eq!(
            labels,
            [
                ("a.dat", "series-0", 2),
                ("a.dat child 42", "series-0 child", 1),
                ("a.dat", "series-1", 2),
                ("a.dat child 42", "series-1 child", 1)
            ]
        );
        assert_eq!(d.brackets[0].label, "f (+4.00 MiB in 0.80 s)");
        assert_eq!((d.marks.len(), d.marks[0].label.as_str()), (2, "peak 12.0 MiB"));
        assert_eq!((d.slopes[0].from, d.slopes[0].to), ((0.0, 10.0), (1.0, 12.0)));
    }
}
