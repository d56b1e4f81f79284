//! Entry point of the worker binary that Trunk builds (`data-type="worker"`).

fn main() {
    #[cfg(target_arch = "wasm32")]
    heapscope_worker::web::start();
}
