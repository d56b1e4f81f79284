//! The expandable object tree shared by Dominators and Retainers: its
//! keyboard (↑↓ move between visible rows, → expands, ← collapses, Enter
//! opens the object), the container that owns the ↑↓ handling, and the
//! states of a node's children as they arrive (waiting, unavailable, listed).
//! The key logic is plain functions, tested natively.

use heapscope_protocol::Answer;
use leptos::prelude::*;
use wasm_bindgen::JsCast;

use crate::nav;
use crate::route::Route;

/// What a key does on a tree row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RowKey {
    Expand,
    Collapse,
    Open,
}

/// The row action for `key`; `None` leaves the key to the browser.
pub fn row_key(key: &str, can_expand: bool) -> Option<RowKey> {
    match key {
        "ArrowRight" if can_expand => Some(RowKey::Expand),
        "ArrowLeft" => Some(RowKey::Collapse),
        "Enter" => Some(RowKey::Open),
        _ => None,
    }
}

/// The row to focus after `key` among `count` visible rows, from `current`
/// (`None`: no row has focus yet); `None` when the key does not move.
pub fn next_row(current: Option<usize>, count: usize, key: &str) -> Option<usize> {
    if count == 0 {
        return None;
    }
    match (current, key) {
        (Some(i), "ArrowDown") => Some((i + 1).min(count - 1)),
        (Some(i), "ArrowUp") => Some(i.saturating_sub(1)),
        (None, "ArrowDown" | "ArrowUp") => Some(0),
        _ => None,
    }
}

/// The keydown handler of one row of object `object`.
pub fn row_keys(expanded: RwSignal<bool>, can_expand: bool, object: u32) -> impl Fn(web_sys::KeyboardEvent) + Copy + 'static {
    move |ev: web_sys::KeyboardEvent| {
        let Some(action) = row_key(&ev.key(), can_expand) else { return };
        ev.prevent_default();
        match action {
            RowKey::Expand => expanded.set(true),
            RowKey::Collapse => expanded.set(false),
            RowKey::Open => nav::go(&Route::Object(object)),
        }
    }
}

/// The tree's container: moves focus between its visible rows.
#[component]
pub fn Tree(testid: &'static str, children: Children) -> impl IntoView {
    view! { <div class="tree" data-testid=testid on:keydown=tree_keys>{children()}</div> }
}

fn tree_keys(ev: web_sys::KeyboardEvent) {
    let Some(container) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
    let Ok(rows) = container.query_selector_all(".tree-row") else { return };
    let active = web_sys::window().and_then(|w| w.document()).and_then(|d| d.active_element());
    let current = (0..rows.length()).find(|&i| match (rows.item(i), active.as_ref()) {
        (Some(node), Some(a)) => node.is_same_node(Some(a.as_ref())),
        _ => false,
    });
    let Some(next) = next_row(current.map(|i| i as usize), rows.length() as usize, &ev.key()) else { return };
    if let Some(el) = rows.item(next as u32).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
        ev.prevent_default();
        let _ = el.focus();
    }
}

/// A node's children as they arrive.
#[derive(Debug, Clone, PartialEq)]
pub enum Kids<T> {
    /// Asked, not answered yet.
    Waiting,
    /// The worker could not answer (the reason is shown).
    Unavailable(String),
    Listed(T),
}

impl<T> Kids<T> {
    /// The children in `answer` (`pick` takes them out of the expected
    /// answer); any other answer is shown as unavailable, never as waiting.
    pub fn from_answer(answer: Answer, pick: impl FnOnce(Answer) -> Option<T>) -> Kids<T> {
        if let Answer::Unavailable { reason } = answer {
            return Kids::Unavailable(reason);
        }
        match pick(answer) {
            Some(listed) => Kids::Listed(listed),
            None => Kids::Unavailable("the worker sent an unexpected answer".to_string()),
        }
    }
}

/// What an expanded node shows below itself until its children are listed.
pub fn waiting_or_unavailable<T>(kids: &Kids<T>) -> Option<AnyView> {
    match kids {
        Kids::Waiting => Some(view! { <div class="tree-children muted" data-testid="tree-waiting">"…"</div> }.into_any()),
        Kids::Unavailable(reason) => {
            Some(view! { <div class="tree-children muted" data-testid="unavailable">{reason.clone()}</div> }.into_any())
        }
        Kids::Listed(_) => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn row_keys_act_as_in_a_file_tree() {
        assert_eq!(row_key("ArrowRight", true), Some(RowKey::Expand));
        assert_eq!(row_key("ArrowRight", false), None, "a cycle back-reference does not expand");
        assert_eq!(row_key("ArrowLeft", false), Some(RowKey::Collapse));
        assert_eq!(row_key("Enter", true), Some(RowKey::Open));
        assert_eq!(row_key("a", true), None);
    }

    #[test]
    fn arrows_move_between_visible_rows_and_stop_at_the_ends() {
        assert_eq!(next_row(None, 3, "ArrowDown"), Some(0));
        assert_eq!(next_row(Some(0), 3, "ArrowDown"), Some(1));
        assert_eq!(next_row(Some(2), 3, "ArrowDown"), Some(2));
        assert_eq!(next_row(Some(0), 3, "ArrowUp"), Some(0));
        assert_eq!(next_row(Some(2), 3, "ArrowUp"), Some(1));
        assert_eq!(next_row(Some(1), 3, "Enter"), None);
        assert_eq!(next_row(None, 0, "ArrowDown"), None);
    }

    #[test]
    fn every_answer_ends_the_wait() {
        let pick = |a: Answer| match a {
            Answer::Referrers { total, .. } => Some(total),
            _ => None,
        };
        let listed = Answer::Referrers { object: 1, total: 3, referrers: vec![] };
        assert_eq!(Kids::from_answer(listed, pick), Kids::Listed(3));
        let unavailable = Answer::Unavailable { reason: "no heap snapshot is open".into() };
        assert_eq!(Kids::from_answer(unavailable, pick), Kids::Unavailable("no heap snapshot is open".into()));
        let other = Answer::Types { rows: vec![] };
        assert!(matches!(Kids::from_answer(other, pick), Kids::Unavailable(_)));
    }
}
