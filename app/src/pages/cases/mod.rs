//! Cases: the caseload, a new case, and the counselling session.

mod access;
mod approval;
pub mod case_page;
pub mod caseload;
mod client_view;
mod follow_up;
pub(crate) mod forms;
mod handover;
pub mod inbox;
pub(crate) mod inputs;
mod life;
pub(crate) mod panels;
pub(crate) mod referrals;
mod share;
mod versions;
mod workspace;

use leptos::prelude::*;

/// The caseload, loaded on demand (its own WASM file with `--split`).
pub struct CaseloadRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for CaseloadRoute {
    fn data() -> Self {
        CaseloadRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <caseload::CaseloadPage/> }.into_any()
    }
}

pub struct NewCaseRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for NewCaseRoute {
    fn data() -> Self {
        NewCaseRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <caseload::NewCasePage/> }.into_any()
    }
}

/// A case's session pages (`/cases/<code>/<step>`).
pub struct CaseRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for CaseRoute {
    fn data() -> Self {
        CaseRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <case_page::CasePage/> }.into_any()
    }
}

/// A mission's inbox of handed-over plans (`/inbox`).
pub struct InboxRoute;

#[leptos_router::lazy_route]
impl leptos_router::LazyRoute for InboxRoute {
    fn data() -> Self {
        InboxRoute
    }

    fn view(_this: Self) -> AnyView {
        view! { <inbox::InboxPage/> }.into_any()
    }
}
