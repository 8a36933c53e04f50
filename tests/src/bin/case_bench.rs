//! Measures the counselling session for `.ci/bench.sh` against a running
//! server seeded with the demo:
//! - one autosave round trip (`/api/cases/save` of a changed section, on
//!   loopback: what the server takes, plus a few microseconds), sequentially,
//!   as one counsellor's autosave sends them;
//! - the weight of the session page as headless Chromium loads it: the
//!   document and everything it fetches until the page is live, as
//!   transferred (compressed), by kind.
//!
//! Usage: case_bench <base URL> [saves, default 300]. Prints `key=value`
//! lines.

use std::time::{Duration, Instant};
use tests::browser::Browser;

const USER: &str = "demo.counsellor";
const PASSWORD: &str = "demo-counsellor-pass";

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

#[tokio::main]
async fn main() {
    let mut args = std::env::args().skip(1);
    let base = args.next().expect("usage: case_bench <base URL> [saves]");
    let saves: usize = args
        .next()
        .map(|n| n.parse().expect("saves"))
        .unwrap_or(300);
    let client = reqwest::Client::builder()
        .cookie_store(true)
        .build()
        .unwrap();
    let post = |path: &str, form: Vec<(String, String)>| {
        client
            .post(format!("{base}{path}"))
            .header("Origin", &base)
            .header("Accept", "application/json")
            .form(&form)
            .send()
    };
    let kv = |pairs: &[(&str, &str)]| {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Vec<_>>()
    };
    let r = post(
        "/api/auth/login",
        kv(&[("username", USER), ("password", PASSWORD), ("next", "/")]),
    )
    .await
    .unwrap();
    assert!(r.status().is_success(), "sign-in: {}", r.status());
    let created: serde_json::Value = post(
        "/api/cases/create",
        kv(&[
            ("alias", "Bench"),
            ("birth_year", ""),
            ("nationality", ""),
            ("confirm", "on"),
        ]),
    )
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    let code = created["Created"]["code"]
        .as_str()
        .unwrap_or_else(|| panic!("create: {created}"))
        .to_string();

    // Autosave: each save changes the options section and names the
    // version it starts from, as the browser's autosave does.
    let mut version = 0i64;
    let mut times = Vec::with_capacity(saves);
    for i in 0..saves {
        let form = vec![
            ("code".to_string(), code.clone()),
            ("section".to_string(), "options".to_string()),
            ("version".to_string(), version.to_string()),
            (
                "f[option.return.wishes]".to_string(),
                format!("Back home, draft {i}"),
            ),
            (
                "f[option.stay.feasibility]".to_string(),
                "difficult".to_string(),
            ),
        ];
        let start = Instant::now();
        let answer: serde_json::Value = post("/api/cases/save", form)
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        times.push(start.elapsed());
        version = answer["Saved"]["version"]
            .as_i64()
            .unwrap_or_else(|| panic!("save: {answer}"));
    }
    times.sort();
    println!("autosave_count={saves}");
    println!("autosave_p50_ms={:.2}", percentile(&times, 0.50));
    println!("autosave_p95_ms={:.2}", percentile(&times, 0.95));
    println!("autosave_p99_ms={:.2}", percentile(&times, 0.99));
    println!("autosave_max_ms={:.2}", percentile(&times, 1.0));

    // Page weight, as Chromium loads the session page (a cold cache).
    let browser = Browser::start().await;
    let c = &browser.client;
    c.goto(&format!("{base}/login?next=/cases/{code}/risk"))
        .await
        .unwrap();
    browser.wait_hydrated().await;
    browser.submit_sign_in(USER, PASSWORD).await;
    browser.text_of("#step-heading").await;
    // Signing in loaded the app's files already: empty the cache and load
    // the session page again, as a first visit would.
    browser.cdp("Network.enable", serde_json::json!({})).await;
    browser
        .cdp("Network.clearBrowserCache", serde_json::json!({}))
        .await;
    c.refresh().await.unwrap();
    browser.text_of("#step-heading").await;
    browser.wait_hydrated().await;
    // Everything the page fetches after load (the page's split WASM) too.
    tokio::time::sleep(Duration::from_secs(2)).await;
    let weights: serde_json::Value = c
        .execute(
            "const nav = performance.getEntriesByType('navigation')[0];
             const out = { document: nav.transferSize, wasm: 0, js: 0, css: 0, other: 0, files: 0, decoded: nav.decodedBodySize };
             for (const r of performance.getEntriesByType('resource')) {
               const kind = r.name.endsWith('.wasm') ? 'wasm' : r.name.endsWith('.js') ? 'js'
                 : r.name.endsWith('.css') ? 'css' : 'other';
               if (r.name.includes('/api/')) { continue; }
               out[kind] += r.transferSize; out.files += 1; out.decoded += r.decodedBodySize;
             }
             return out;",
            vec![],
        )
        .await
        .unwrap();
    let n = |k: &str| weights[k].as_f64().unwrap_or(0.0);
    let total = n("document") + n("wasm") + n("js") + n("css") + n("other");
    println!("page_path=/cases/<code>/risk");
    println!("page_files={}", n("files") as u64 + 1);
    for k in ["document", "wasm", "js", "css", "other"] {
        println!("page_{k}_kb={:.1}", n(k) / 1000.0);
    }
    println!("page_total_kb={:.1}", total / 1000.0);
    println!("page_decoded_kb={:.1}", n("decoded") / 1000.0);
    browser.close().await;
}
