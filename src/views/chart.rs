//! The one line chart (SVG) of the Timeline and of the heap series: lines,
//! function brackets as `mprof plot` draws them, marks (the peak), fitted
//! slopes; hover shows the nearest point's x and y; zoom with the wheel,
//! the buttons or `+`/`-`, pan by dragging, the buttons or the arrow keys
//! (`0` shows everything). The geometry is `crate::chart`'s.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::chart::{self, Viewport, BOTTOM, HEIGHT, LEFT, RIGHT, TOP, WIDTH};

/// A line of the chart.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub label: String,
    /// CSS class (its colour): `series-0` … `series-5`, `child`.
    pub class: String,
    pub points: Vec<(f64, f64)>,
    /// Points and segments can be clicked (the heap series).
    pub clickable: bool,
}

/// A call drawn as `[` at its start and `]` at its end.
#[derive(Debug, Clone, PartialEq)]
pub struct Bracket {
    pub label: String,
    pub start: (f64, f64),
    pub end: (f64, f64),
    pub class: String,
}

/// A labelled point (the peak).
#[derive(Debug, Clone, PartialEq)]
pub struct Mark {
    pub label: String,
    pub at: (f64, f64),
    pub testid: &'static str,
}

/// A fitted straight line from `from` to `to`.
#[derive(Debug, Clone, PartialEq)]
pub struct Slope {
    pub label: String,
    pub from: (f64, f64),
    pub to: (f64, f64),
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct ChartData {
    pub lines: Vec<Line>,
    pub brackets: Vec<Bracket>,
    pub marks: Vec<Mark>,
    pub slopes: Vec<Slope>,
    /// Names of the x positions 0, 1, 2… (the heap series); `None`: seconds.
    pub x_names: Option<Vec<String>>,
}

impl ChartData {
    fn x_text(&self, x: f64) -> String {
        match &self.x_names {
            Some(names) => names.get(x.round().max(0.0) as usize).cloned().unwrap_or_default(),
            None => format!("{x:.2} s"),
        }
    }
}

/// Points of a clicked line: (line, point).
pub type PointClick = Callback<(usize, usize)>;

#[component]
pub fn LineChart(
    data: ChartData,
    /// A point of a clickable line was clicked.
    #[prop(optional)]
    on_point: Option<PointClick>,
    /// The segment from point `i` to `i + 1` of a clickable line was clicked.
    #[prop(optional)]
    on_segment: Option<PointClick>,
) -> impl IntoView {
    let full = Viewport::fit(
        data.lines
            .iter()
            .flat_map(|l| l.points.iter().copied())
            .chain(data.brackets.iter().flat_map(|b| [b.start, b.end]))
            .chain(data.marks.iter().map(|m| m.at)),
    );
    let vp = RwSignal::new(full);
    let hover: RwSignal<Option<(usize, usize)>> = RwSignal::new(None);
    let drag: StoredValue<Option<(f64, Viewport)>> = StoredValue::new(None);
    let data = StoredValue::new(data);

    // Drawing coordinates of a pointer event on the SVG.
    let local = |ev: &web_sys::MouseEvent| -> Option<(f64, f64)> {
        let el: web_sys::Element = ev.current_target()?.dyn_into().ok()?;
        let r = el.get_bounding_client_rect();
        (r.width() > 0.0 && r.height() > 0.0)
            .then(|| ((ev.client_x() as f64 - r.left()) * WIDTH / r.width(), (ev.client_y() as f64 - r.top()) * HEIGHT / r.height()))
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        let Some((px, py)) = local(&ev) else { return };
        let v = vp.get_untracked();
        if let Some((start_px, start_vp)) = drag.get_value() {
            let dx = (start_px - px) / (WIDTH - LEFT - RIGHT) * start_vp.width();
            vp.set(start_vp.pan(dx, &full));
            return;
        }
        let found = data.with_value(|d| {
            let lines: Vec<&[(f64, f64)]> = d.lines.iter().map(|l| l.points.as_slice()).collect();
            chart::nearest(&lines, &v, px, py)
        });
        hover.set(found);
    };
    let on_down = move |ev: web_sys::PointerEvent| {
        if let Some((px, _)) = local(&ev) {
            drag.set_value(Some((px, vp.get_untracked())));
        }
    };
    let on_up = move |_| drag.set_value(None);
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let at = local(&ev).map(|(px, _)| vp.get_untracked().data_x(px)).unwrap_or_else(|| {
            let v = vp.get_untracked();
            (v.x0 + v.x1) / 2.0
        });
        let factor = if ev.delta_y() < 0.0 { 1.25 } else { 0.8 };
        vp.update(|v| *v = v.zoom(factor, at, &full));
    };
    let zoom = move |factor: f64| {
        vp.update(|v| {
            let mid = (v.x0 + v.x1) / 2.0;
            *v = v.zoom(factor, mid, &full)
        })
    };
    let pan = move |share: f64| vp.update(|v| *v = v.pan(v.width() * share, &full));
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let handled = match ev.key().as_str() {
            "+" | "=" => {
                zoom(1.5);
                true
            }
            "-" | "_" => {
                zoom(1.0 / 1.5);
                true
            }
            "ArrowLeft" => {
                pan(-0.2);
                true
            }
            "ArrowRight" => {
                pan(0.2);
                true
            }
            "0" => {
                vp.set(full);
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    };
    let click = move |ev: web_sys::MouseEvent| {
        // A click that ended a drag is not a click on a point.
        let Some(target) = ev.target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
        let (Some(line), Some(index)) = (target.get_attribute("data-line"), target.get_attribute("data-index")) else { return };
        let (Ok(line), Ok(index)) = (line.parse::<usize>(), index.parse::<usize>()) else { return };
        let callback = if target.get_attribute("data-testid").as_deref() == Some("chart-segment") { on_segment } else { on_point };
        if let Some(cb) = callback {
            cb.run((line, index));
        }
    };

    let axes = move || {
        let v = vp.get();
        let xs = data.with_value(|d| match &d.x_names {
            Some(names) => {
                (0..names.len()).map(|i| i as f64).filter(|x| *x >= v.x0 && *x <= v.x1).map(|x| (x, d.x_text(x))).collect::<Vec<_>>()
            }
            None => {
                let t = chart::ticks(v.x0, v.x1, 8);
                let step = if t.len() > 1 { t[1] - t[0] } else { 1.0 };
                t.into_iter().map(|x| (x, chart::tick_label(x, step))).collect()
            }
        });
        let ys = chart::ticks(v.y0, v.y1, 5);
        let ystep = if ys.len() > 1 { ys[1] - ys[0] } else { 1.0 };
        view! {
            <g class="axis">
                <line x1=LEFT y1=HEIGHT - BOTTOM x2=WIDTH - RIGHT y2=HEIGHT - BOTTOM />
                <line x1=LEFT y1=TOP x2=LEFT y2=HEIGHT - BOTTOM />
                {xs.into_iter().map(|(x, label)| {
                    let sx = v.sx(x);
                    view! { <text x=sx y=HEIGHT - BOTTOM + 16.0 text-anchor="middle" class="tick">{label}</text> }
                }).collect_view()}
                {ys.into_iter().map(|y| {
                    let sy = v.sy(y);
                    view! {
                        <line class="grid" x1=LEFT y1=sy x2=WIDTH - RIGHT y2=sy />
                        <text x=LEFT - 6.0 y=sy + 4.0 text-anchor="end" class="tick">{chart::tick_label(y, ystep)}</text>
                    }
                }).collect_view()}
                <text x=12 y=TOP + 4.0 class="tick unit">"MiB"</text>
            </g>
        }
    };
    let lines = move || {
        let v = vp.get();
        data.with_value(|d| {
            d.lines
                .iter()
                .enumerate()
                .map(|(li, l)| {
                    let clickable = l.clickable.then(|| {
                        let points = l.points.clone();
                        view! {
                            <g class="hits">
                                {points.windows(2).enumerate().map(|(i, w)| view! {
                                    <line class="segment-hit" data-testid="chart-segment" data-line=li.to_string() data-index=i.to_string()
                                        x1=v.sx(w[0].0) y1=v.sy(w[0].1) x2=v.sx(w[1].0) y2=v.sy(w[1].1)>
                                        <title>"Open what grew between these two snapshots"</title>
                                    </line>
                                }).collect_view()}
                                {points.iter().enumerate().map(|(i, &(x, y))| view! {
                                    <circle class="point-hit" data-testid="chart-point" data-line=li.to_string() data-index=i.to_string()
                                        cx=v.sx(x) cy=v.sy(y) r="6">
                                        <title>"Open this snapshot"</title>
                                    </circle>
                                }).collect_view()}
                            </g>
                        }
                    });
                    view! {
                        <path class=format!("line {}", l.class) d=chart::path(&l.points, &v) data-testid="chart-line"
                            data-label=l.label.clone() data-points=l.points.len().to_string() />
                        {clickable}
                    }
                })
                .collect_view()
        })
    };
    let brackets = move || {
        let v = vp.get();
        data.with_value(|d| {
            d.brackets
                .iter()
                .map(|b| {
                    let (x0, y0, x1, y1) = (v.sx(b.start.0), v.sy(b.start.1), v.sx(b.end.0), v.sy(b.end.1));
                    // `[` at the start, `]` at the end, as mprof plot marks a call.
                    let d = format!("M{:.2} {:.2} h-4 v12 h4 M{:.2} {:.2} h4 v12 h-4", x0 + 4.0, y0 - 6.0, x1 - 4.0, y1 - 6.0);
                    view! {
                        <path class=format!("bracket {}", b.class) d=d data-testid="func-bracket" data-label=b.label.clone()>
                            <title>{b.label.clone()}</title>
                        </path>
                    }
                })
                .collect_view()
        })
    };
    let marks = move || {
        let v = vp.get();
        data.with_value(|d| {
            let slopes = d
                .slopes
                .iter()
                .map(|s| {
                    view! {
                        <line class="slope" data-testid="chart-slope" x1=v.sx(s.from.0) y1=v.sy(s.from.1) x2=v.sx(s.to.0) y2=v.sy(s.to.1)>
                            <title>{s.label.clone()}</title>
                        </line>
                    }
                })
                .collect_view();
            let marks = d
                .marks
                .iter()
                .map(|m| {
                    let (x, y) = (v.sx(m.at.0), v.sy(m.at.1));
                    view! {
                        <g class="mark" data-testid=m.testid>
                            <circle cx=x cy=y r="4" />
                            <text x=x + 6.0 y=y - 6.0 class="mark-label">{m.label.clone()}</text>
                        </g>
                    }
                })
                .collect_view();
            (slopes, marks)
        })
    };
    let hovered = move || {
        let (li, i) = hover.get()?;
        let v = vp.get();
        data.with_value(|d| {
            let line = d.lines.get(li)?;
            let &(x, y) = line.points.get(i)?;
            Some(view! { <circle class="hover-dot" cx=v.sx(x) cy=v.sy(y) r="4" /> })
        })
    };
    let readout = move || {
        let found = hover.get().and_then(|(li, i)| {
            data.with_value(|d| {
                let line = d.lines.get(li)?;
                let &(x, y) = line.points.get(i)?;
                Some((line.label.clone(), i, x, y, d.x_text(x)))
            })
        });
        match found {
            Some((label, i, x, y, x_text)) => view! {
                <p class="chart-readout" data-testid="chart-hover" data-line=label.clone() data-index=i.to_string()
                    data-x=x.to_string() data-y=y.to_string()>
                    {format!("{label}: {x_text}, {y:.2} MiB")}
                </p>
            }
            .into_any(),
            None => view! { <p class="chart-readout muted">"Point at the chart to read a value."</p> }.into_any(),
        }
    };
    let legend = data.with_value(|d| {
        d.lines.iter().map(|l| view! { <span class=format!("legend {}", l.class)>{l.label.clone()}</span> }).collect_view()
    });
    view! {
        <div class="chart" data-testid="chart">
            <div class="chart-controls">
                <button class="button secondary" data-testid="chart-zoom-in" title="Zoom in (+)" on:click=move |_| zoom(1.5)>"+"</button>
                <button class="button secondary" data-testid="chart-zoom-out" title="Zoom out (−)" on:click=move |_| zoom(1.0 / 1.5)>"−"</button>
                <button class="button secondary" data-testid="chart-left" title="Earlier (←)" on:click=move |_| pan(-0.2)>"←"</button>
                <button class="button secondary" data-testid="chart-right" title="Later (→)" on:click=move |_| pan(0.2)>"→"</button>
                <button class="button secondary" data-testid="chart-reset" title="Show everything (0)" on:click=move |_| vp.set(full)>"all"</button>
                <span class="legends">{legend}</span>
            </div>
            <svg class="chart-svg" data-testid="chart-svg" tabindex="0" viewBox=format!("0 0 {WIDTH} {HEIGHT}") preserveAspectRatio="none"
                data-x0=move || vp.get().x0.to_string() data-x1=move || vp.get().x1.to_string()
                on:pointermove=on_move on:pointerdown=on_down on:pointerup=on_up on:pointerleave=move |_| { drag.set_value(None); hover.set(None); }
                on:wheel=on_wheel on:keydown=on_key on:click=click>
                <defs>
                    <clipPath id="chart-clip"><rect x=LEFT y=0 width=WIDTH - LEFT - RIGHT height=HEIGHT - BOTTOM /></clipPath>
                </defs>
                {axes}
                <g clip-path="url(#chart-clip)">
                    {lines}
                    {brackets}
                    {marks}
                    {hovered}
                </g>
            </svg>
            {readout}
        </div>
    }
}
