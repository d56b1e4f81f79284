//! Moving between views: every navigation goes through the URL hash.

use crate::route::Route;

/// Shows `route` (pushes a history entry; the hashchange listener renders it).
pub fn go(route: &Route) {
    if let Some(window) = web_sys::window() {
        let _ = window.location().set_hash(&route.to_hash());
    }
}

/// The route in the address bar now.
pub fn current() -> Route {
    let hash = web_sys::window().and_then(|w| w.location().hash().ok()).unwrap_or_default();
    Route::parse(&hash)
}
