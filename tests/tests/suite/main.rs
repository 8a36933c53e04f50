//! All black-box tests, in one binary: one link instead of twenty, and one
//! copy of the server on disk instead of twenty (each was ~460 MB in debug
//! builds, which once ran a CI machine out of disk). Every file is a module;
//! test names keep their file as prefix, e.g. `directory_journey::…`.

mod account_setup;
mod admin;
mod approval;
mod authz_matrix;
mod backup;
mod browser;
mod browser_infra;
mod case_session;
mod cases;
mod cli;
mod client_copy_journey;
mod clock;
mod combined_programmes;
mod conflict_journey;
mod dashboard;
mod directory;
mod directory_journey;
mod endpoints;
mod follow_up;
mod handover_journey;
mod handovers;
mod household;
mod http;
mod indicator_lists;
mod languages;
mod life;
mod malformed;
mod mission_view;
mod page_audit;
mod second_factor;
mod shares;
mod store_contract;

/// What keeps a plan export from the published schema of the version the
/// code writes (empty: it keeps to it).
fn export_violations(json: &serde_json::Value) -> Vec<String> {
    let schema: serde_json::Value =
        serde_json::from_str(include_str!("../../../docs/plan-export-5.schema.json")).unwrap();
    jsonschema::validator_for(&schema)
        .unwrap()
        .iter_errors(json)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}
