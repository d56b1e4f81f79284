//! Virtualized tables: only the rows in view are in the DOM, so a table of
//! 10^5 or 10^6 rows scrolls as smoothly as one of 50. Also keyboard
//! navigation (arrows, Page Up/Down, Home/End, Enter) shared by all tables.

use std::ops::Range;

use leptos::html;
use leptos::prelude::*;

/// Height of one table row in CSS pixels (style/main.css `.vrow`).
pub const ROW_HEIGHT_PX: f64 = 24.0;
/// Rows rendered above and below the visible ones.
const OVERSCAN_ROWS: usize = 8;

/// Rows to render for a viewport scrolled to `scroll_top` showing `height` px.
pub fn visible_rows(scroll_top: f64, height: f64, total: usize) -> Range<usize> {
    let first = (scroll_top.max(0.0) / ROW_HEIGHT_PX).floor() as usize;
    let shown = (height.max(0.0) / ROW_HEIGHT_PX).ceil() as usize + 1;
    let start = first.saturating_sub(OVERSCAN_ROWS).min(total);
    let end = (first + shown + OVERSCAN_ROWS).min(total);
    start..end
}

/// The row a key press moves the selection to, or `None` for other keys.
pub fn next_selection(key: &str, selected: usize, total: usize, page_rows: usize) -> Option<usize> {
    if total == 0 {
        return None;
    }
    let last = total - 1;
    Some(match key {
        "ArrowDown" | "j" => (selected + 1).min(last),
        "ArrowUp" | "k" => selected.saturating_sub(1),
        "PageDown" => (selected + page_rows).min(last),
        "PageUp" => selected.saturating_sub(page_rows),
        "Home" => 0,
        "End" => last,
        _ => return None,
    })
}

/// Scroll position and size of one virtualized table.
#[derive(Clone, Copy)]
pub struct Viewport {
    pub scroll_top: RwSignal<f64>,
    pub height_px: f64,
    pub selected: RwSignal<usize>,
    pub node: NodeRef<html::Div>,
}

impl Viewport {
    pub fn new(height_px: f64) -> Viewport {
        Viewport { scroll_top: RwSignal::new(0.0), height_px, selected: RwSignal::new(0), node: NodeRef::new() }
    }

    pub fn rows(&self, total: usize) -> Range<usize> {
        visible_rows(self.scroll_top.get(), self.height_px, total)
    }

    pub fn on_scroll(&self) -> impl Fn(web_sys::Event) + 'static {
        let (node, scroll_top) = (self.node, self.scroll_top);
        move |_| {
            if let Some(el) = node.get_untracked() {
                scroll_top.set(el.scroll_top() as f64);
            }
        }
    }

    /// Handles a key on the table; `activate` runs for Enter on the selected row.
    pub fn on_key(
        &self,
        total: impl Fn() -> usize + 'static,
        activate: impl Fn(usize) + 'static,
    ) -> impl Fn(web_sys::KeyboardEvent) + 'static {
        let vp = *self;
        move |ev: web_sys::KeyboardEvent| {
            let key = ev.key();
            let n = total();
            if key == "Enter" {
                if n > 0 {
                    activate(vp.selected.get_untracked().min(n - 1));
                }
                ev.prevent_default();
                return;
            }
            let page = (vp.height_px / ROW_HEIGHT_PX) as usize;
            if let Some(next) = next_selection(&key, vp.selected.get_untracked(), n, page.max(1)) {
                ev.prevent_default();
                vp.selected.set(next);
                vp.scroll_into_view(next);
            }
        }
    }

    /// The scrolling, focusable box around a virtualized `<table>`: it
    /// tracks the scroll position and handles the keys ([`Viewport::on_key`]).
    pub fn container<C: IntoView + 'static>(
        &self,
        testid: &'static str,
        total: impl Fn() -> usize + 'static,
        activate: impl Fn(usize) + 'static,
        table: C,
    ) -> impl IntoView {
        view! {
            <div class="vtable" tabindex="0" node_ref=self.node style:height=format!("{}px", self.height_px)
                on:scroll=self.on_scroll() on:keydown=self.on_key(total, activate) data-testid=testid>
                {table}
            </div>
        }
    }

    /// The body of a virtualized table of `total` rows: a spacer standing
    /// for the rows above the window, one `<tr class="vrow">` per row in it
    /// (filled by `cells`, clicked → selected and `activate`d), a spacer for
    /// the rows below. `current` marks the row the page is showing.
    pub fn body<V: IntoView + 'static>(
        self,
        total: usize,
        row_testid: Option<&'static str>,
        activate: impl Fn(usize) + Copy + 'static,
        current: impl Fn(usize) -> bool,
        cells: impl Fn(usize) -> V,
    ) -> AnyView {
        let range = self.rows(total);
        let (above_px, below_px) = (range.start as f64 * ROW_HEIGHT_PX, (total - range.end) as f64 * ROW_HEIGHT_PX);
        let selected = self.selected.get();
        let vp = self;
        let rows: Vec<_> = range
            .map(|i| {
                view! {
                    <tr class="vrow" class:selected=i == selected class:current=current(i) aria-selected=(i == selected).to_string()
                        data-testid=row_testid on:click=move |_| { vp.selected.set(i); activate(i); }>
                        {cells(i)}
                    </tr>
                }
            })
            .collect();
        view! {
            <tr class="spacer" style:height=format!("{above_px}px")></tr>
            {rows}
            <tr class="spacer" style:height=format!("{below_px}px")></tr>
        }
        .into_any()
    }

    fn scroll_into_view(&self, row: usize) {
        let Some(el) = self.node.get_untracked() else { return };
        let top = row as f64 * ROW_HEIGHT_PX;
        let view_top = el.scroll_top() as f64;
        // The sticky header takes one row.
        let usable = self.height_px - ROW_HEIGHT_PX;
        if top < view_top {
            el.set_scroll_top(top as i32);
        } else if top + ROW_HEIGHT_PX > view_top + usable {
            el.set_scroll_top((top + ROW_HEIGHT_PX - usable) as i32);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_only_what_is_in_view() {
        assert_eq!(visible_rows(0.0, 240.0, 100_000), 0..19);
        assert_eq!(visible_rows(24_000.0, 240.0, 100_000), 992..1019);
        assert_eq!(visible_rows(24_000.0, 240.0, 1005), 992..1005);
        assert_eq!(visible_rows(0.0, 240.0, 0), 0..0);
    }

    #[test]
    fn keys_move_the_selection_within_bounds() {
        assert_eq!(next_selection("ArrowDown", 0, 3, 10), Some(1));
        assert_eq!(next_selection("ArrowDown", 2, 3, 10), Some(2));
        assert_eq!(next_selection("ArrowUp", 0, 3, 10), Some(0));
        assert_eq!(next_selection("PageDown", 0, 100, 10), Some(10));
        assert_eq!(next_selection("End", 0, 100, 10), Some(99));
        assert_eq!(next_selection("Home", 50, 100, 10), Some(0));
        assert_eq!(next_selection("x", 0, 100, 10), None);
        assert_eq!(next_selection("ArrowDown", 0, 0, 10), None);
    }
}
