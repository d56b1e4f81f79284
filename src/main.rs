//! heapscope's browser UI (Leptos, client-side rendered).
//!
//! The UI only renders: every byte of a snapshot goes to the analysis worker
//! (`crates/worker`) through [`worker_client`], and views ask it questions
//! through [`queries`]. Pure logic (the load flow in [`loader`], routes,
//! layout, virtualization, number formats) lives in plain modules tested
//! natively.

mod app;
mod chart;
mod folder_drop;
mod layout;
mod loader;
mod nav;
mod queries;
mod route;
mod units;
mod views;
mod virtual_list;
mod worker_client;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
