//! Measures the dashboard and the inbox at scale for `.ci/bench.sh`,
//! against a running server whose database `plan_gen` filled: the time of
//! one request on loopback (what the server takes, plus a few
//! microseconds), sequentially, as one user clicking would send them.
//!
//! - the dashboard of the busiest counselling organisation's supervisor
//!   (`org1-supervisor`: every plan of the organisation read and counted);
//! - the inbox of the busiest mission's return officer (`mission1-officer1`),
//!   all statuses and the "new" list;
//! - the caseload of that supervisor, for comparison;
//! - the social map's search, by words and by facets.
//!
//! Usage: scale_bench <base URL> [calls per measure, default 40]. Prints
//! `key=value` lines (milliseconds).

use std::time::{Duration, Instant};

const PASSWORD: &str = "bench-password-123";

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

async fn signed_in(base: &str, username: &str) -> reqwest::Client {
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let r = client
        .post(format!("{base}/api/auth/login"))
        .header("Origin", base)
        .header("Accept", "application/json")
        .form(&[
            ("username", username),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .send()
        .await
        .unwrap();
    assert!(
        r.status().is_success(),
        "{username} signs in: {}",
        r.status()
    );
    client
}

/// Times `calls` sequential calls (after two to warm up) and prints
/// `<key>_p50`, `_p95`, `_max`.
async fn measure(
    key: &str,
    client: &reqwest::Client,
    base: &str,
    path: &str,
    form: &[(&str, &str)],
    calls: usize,
) {
    let mut times = Vec::with_capacity(calls);
    for i in 0..calls + 2 {
        let start = Instant::now();
        let r = client
            .post(format!("{base}{path}"))
            .header("Origin", base)
            .header("Accept", "application/json")
            .form(form)
            .send()
            .await
            .unwrap();
        let status = r.status();
        let body = r.bytes().await.unwrap();
        let took = start.elapsed();
        assert!(status.is_success(), "{path}: {status}");
        if i >= 2 {
            times.push(took);
        }
        if i == 0 {
            println!("{key}_bytes={}", body.len());
        }
    }
    times.sort();
    println!("{key}_p50={:.1}", percentile(&times, 0.5));
    println!("{key}_p95={:.1}", percentile(&times, 0.95));
    println!("{key}_max={:.1}", percentile(&times, 1.0));
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base = args.next().expect("usage: scale_bench <base URL> [calls]");
    let calls: usize = args.next().map(|n| n.parse().expect("calls")).unwrap_or(40);
    let supervisor = signed_in(&base, "org1-supervisor").await;
    let officer = signed_in(&base, "mission1-officer1").await;
    measure(
        "dashboard",
        &supervisor,
        &base,
        "/api/dashboard/summary",
        &[],
        calls,
    )
    .await;
    measure(
        "dashboard_filtered",
        &supervisor,
        &base,
        "/api/dashboard/summary",
        &[("risk", "high"), ("from", "2025-01-01")],
        calls,
    )
    .await;
    measure(
        "inbox_all",
        &officer,
        &base,
        "/api/handovers/inbox",
        &[("status", ""), ("page", "0")],
        calls,
    )
    .await;
    measure(
        "inbox_new",
        &officer,
        &base,
        "/api/handovers/inbox",
        &[("status", "new"), ("page", "0")],
        calls,
    )
    .await;
    measure(
        "caseload",
        &supervisor,
        &base,
        "/api/cases/list",
        &[("text", ""), ("stage", ""), ("risk", ""), ("page", "0")],
        calls,
    )
    .await;
    // The social map (plan_gen's 3 000 organisations): a counsellor's
    // search by words, and by service, country and language.
    measure(
        "map_text",
        &supervisor,
        &base,
        "/api/directory/search",
        &[("text", "safe home")],
        calls,
    )
    .await;
    measure(
        "map_facets",
        &supervisor,
        &base,
        "/api/directory/search",
        &[
            ("service", "shelter_short"),
            ("country", "NG"),
            ("language", "en"),
        ],
        calls,
    )
    .await;
}
