use leptos::prelude::*;

/// Marks the document as hydrated (`<html data-hydrated="true">`) once the
/// WASM app runs. Effects run only in the browser, so the marker is never
/// in the server-rendered HTML: tests wait for it before interacting, and
/// CSS can hide controls that need WASM until then.
#[component]
pub fn HydrationMarker() -> impl IntoView {
    Effect::new(move |_| {
        #[cfg(feature = "hydrate")]
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-hydrated", "true");
            tracing::debug!("hydrated");
        }
    });
}
