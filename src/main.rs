//! heapscope's browser UI (Leptos, client-side rendered).
//!
//! The UI only renders: every byte of a snapshot goes to the analysis worker
//! (`crates/worker`) through [`worker_client`], and the UI shows the answers.

mod app;
mod units;
mod worker_client;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app::App);
}
