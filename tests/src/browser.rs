//! Headless Chromium through chromedriver (Debian's packages).

use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::Value;
use std::path::{Component, Path, PathBuf};
use std::process::Stdio;
use std::sync::OnceLock;
use std::time::Duration;
use tokio::process::{Child, Command};

pub struct Browser {
    pub client: Client,
    _driver: Child,
    profile: std::path::PathBuf,
    javascript: bool,
    /// Page errors a test expects (parts of their text).
    allowed_errors: std::sync::Mutex<Vec<String>>,
}

/// Collects, from the start of every document, console errors (a WASM
/// panic is one), uncaught exceptions and rejected promises, in the tab's
/// session storage: an error on a page the test has left since is still
/// found.
const ERROR_COLLECTOR: &str = r#"(() => {
  const KEY = "__safeplanErrors";
  window.__errors = [];
  const push = (m) => {
    window.__errors.push(m);
    try {
      const all = JSON.parse(sessionStorage.getItem(KEY) || "[]");
      all.push(location.pathname + ": " + m);
      sessionStorage.setItem(KEY, JSON.stringify(all));
    } catch (_) {}
  };
  const error = console.error;
  console.error = (...a) => { push(a.map(String).join(" ")); error.apply(console, a); };
  window.addEventListener("error", (ev) => push("uncaught: " + ev.message));
  window.addEventListener("unhandledrejection", (ev) => push("rejected: " + ev.reason));
})();"#;

pub struct BrowserOptions {
    pub javascript: bool,
}

impl Default for BrowserOptions {
    fn default() -> Self {
        BrowserOptions { javascript: true }
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Browser {
    pub async fn start() -> Browser {
        Self::start_with(BrowserOptions::default()).await
    }

    pub async fn start_with(options: BrowserOptions) -> Browser {
        let driver_bin =
            std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "/usr/bin/chromedriver".into());
        let chrome_bin = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
        let port = free_port();
        let driver = Command::new(&driver_bin)
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("cannot start {driver_bin} ({e}): bash .ci/test.sh installs chromium-driver")
            });
        let profile =
            std::env::temp_dir().join(format!("safeplan-chrome-{}", crate::random_suffix()));
        let mut args = vec![
            "--headless".to_string(),
            "--no-sandbox".into(),
            "--disable-gpu".into(),
            "--disable-dev-shm-usage".into(),
            "--disable-quic".into(),
            "--no-first-run".into(),
            "--disable-background-networking".into(),
            "--disable-component-update".into(),
            "--disable-sync".into(),
            "--window-size=1280,900".into(),
            format!("--user-data-dir={}", profile.display()),
        ];
        if !options.javascript {
            args.push("--blink-settings=scriptEnabled=false".into());
        }
        let caps = serde_json::json!({
            "browserName": "chrome",
            "goog:chromeOptions": { "binary": chrome_bin, "args": args },
        });
        let caps = match caps {
            serde_json::Value::Object(m) => m,
            _ => unreachable!(),
        };
        let url = format!("http://127.0.0.1:{port}");
        let mut last_err = None;
        for _ in 0..50 {
            match ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    let browser = Browser {
                        client,
                        _driver: driver,
                        profile,
                        javascript: options.javascript,
                        allowed_errors: Default::default(),
                    };
                    if options.javascript {
                        browser.cdp("Page.enable", serde_json::json!({})).await;
                        browser
                            .cdp(
                                "Page.addScriptToEvaluateOnNewDocument",
                                serde_json::json!({ "source": ERROR_COLLECTOR }),
                            )
                            .await;
                    }
                    return browser;
                }
                Err(e) => {
                    last_err = Some(e);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        }
        panic!("cannot connect to chromedriver: {last_err:?}");
    }

    /// Waits until the WASM app has hydrated the page, and the page's own
    /// code (a lazily loaded route hydrates after the marker is set) has
    /// had its moment: a page error by then fails the test.
    pub async fn wait_hydrated(&self) {
        self.client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css("html[data-hydrated='true']"))
            .await
            .expect("the page did not hydrate within 30 s");
        // Until the network is quiet and two frames have been drawn.
        let _ = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const settle = () => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(done, 150)));
                 if (document.readyState === 'complete') { settle(); } else { addEventListener('load', settle); }",
                vec![],
            )
            .await;
        self.assert_no_page_errors("after hydration").await;
    }

    /// Expects page errors containing `part` (an offline test's failed
    /// requests, say): they do not fail the test.
    pub fn allow_page_errors(&self, part: &str) {
        self.allowed_errors.lock().unwrap().push(part.to_string());
    }

    /// Every page error since the tab was opened, each with the path of
    /// its page (those a test allowed left out).
    pub async fn page_errors(&self) -> Vec<String> {
        if !self.javascript {
            return Vec::new();
        }
        let all = self
            .client
            .execute(
                "try { return JSON.parse(sessionStorage.getItem('__safeplanErrors') || '[]'); } \
                 catch (_) { return (window.__errors || []); }",
                vec![],
            )
            .await
            .unwrap_or(Value::Null);
        let allowed = self.allowed_errors.lock().unwrap().clone();
        all.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|v| v.as_str())
                    .filter(|e| !allowed.iter().any(|p| e.contains(p.as_str())))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Fails the test, naming `context` and the page, when any page has
    /// reported an error (a panic, an uncaught exception, a console
    /// error) at any time since the tab was opened.
    pub async fn assert_no_page_errors(&self, context: &str) {
        let errors = self.page_errors().await;
        if errors.is_empty() {
            return;
        }
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        panic!(
            "page errors ({context}, now at {url}):\n{}",
            errors.join("\n")
        );
    }

    /// Whether the page has hydrated (now, without waiting).
    pub async fn is_hydrated(&self) -> bool {
        self.client
            .execute(
                "return document.documentElement.getAttribute('data-hydrated')",
                vec![],
            )
            .await
            .map(|v| v.as_str() == Some("true"))
            .unwrap_or(false)
    }

    /// The current value of the input (or text area, select) with this id.
    pub async fn value_of(&self, id: &str) -> String {
        self.client
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("#{id}: {e}"))
            .prop("value")
            .await
            .unwrap()
            .unwrap_or_default()
    }

    /// Types into the input with this id.
    pub async fn fill(&self, id: &str, text: &str) {
        let field = self
            .client
            .find(Locator::Id(id))
            .await
            .unwrap_or_else(|e| panic!("#{id}: {e}"));
        field.clear().await.unwrap();
        field.send_keys(text).await.unwrap();
    }

    /// Clicks the element matching this CSS selector.
    pub async fn click(&self, css: &str) {
        self.assert_no_page_errors(&format!("before clicking {css}"))
            .await;
        self.client
            .find(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("{css}: {e}"))
            .click()
            .await
            .unwrap();
    }

    /// Waits (up to 30 s: the machine may be busy with parallel tests) for
    /// an element matching this CSS selector and returns its text.
    pub async fn text_of(&self, css: &str) -> String {
        let found = self
            .client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(css))
            .await;
        match found {
            Ok(element) => {
                let text = element.text().await.unwrap();
                self.assert_no_page_errors(&format!("reading {css}")).await;
                text
            }
            Err(e) => {
                // Leave evidence: the address, the page and a screenshot.
                let url = self
                    .client
                    .current_url()
                    .await
                    .map(|u| u.to_string())
                    .unwrap_or_default();
                let html = self.client.source().await.unwrap_or_default();
                let shot = std::env::temp_dir()
                    .join(format!("safeplan-failure-{}.png", crate::random_suffix()));
                if let Ok(png) = self.client.screenshot().await {
                    let _ = std::fs::write(&shot, png);
                }
                panic!(
                    "no {css} within 30 s ({e}) at {url}; screenshot {}\n{html}",
                    shot.display()
                )
            }
        }
    }

    /// Fills in and submits the sign-in form of the current page.
    pub async fn submit_sign_in(&self, username: &str, password: &str) {
        self.fill("username", username).await;
        self.fill("password", password).await;
        self.click("#login-form button[type=submit]").await;
    }

    /// Runs axe-core on the current page with the WCAG 2.x A and AA rules
    /// and panics, naming `screen`, with a readable list of the violations
    /// when there is any.
    ///
    /// axe's source goes in through WebDriver's execute, not as a `<script>`
    /// element, which the page's Content Security Policy would refuse.
    pub async fn axe_check(&self, screen: &str) {
        self.assert_no_page_errors(screen).await;
        let present = self
            .client
            .execute("return typeof window.axe === 'object'", vec![])
            .await
            .unwrap_or_else(|e| panic!("axe on {screen}: {e}"));
        if present != Value::Bool(true) {
            self.client
                .execute(axe_source(), vec![])
                .await
                .unwrap_or_else(|e| panic!("loading axe-core on {screen}: {e}"));
        }
        let result = self
            .client
            .execute_async(AXE_RUN, vec![serde_json::json!(AXE_TAGS)])
            .await
            .unwrap_or_else(|e| panic!("axe on {screen}: {e}"));
        if let Some(error) = result.get("error") {
            panic!(
                "axe on {screen} failed: {}",
                error.as_str().unwrap_or_default()
            );
        }
        let violations = result["violations"]
            .as_array()
            .unwrap_or_else(|| panic!("axe on {screen}: unexpected result {result}"));
        if violations.is_empty() {
            return;
        }
        let url = self
            .client
            .current_url()
            .await
            .map(|u| u.to_string())
            .unwrap_or_default();
        panic!("{}", describe_violations(screen, &url, violations));
    }

    /// Saves a PNG of the viewport as
    /// `target/test-output/screenshots/<name>.png` (`name` may hold folders,
    /// as in "case-flow/03-identification") and returns its path.
    pub async fn screenshot(&self, name: &str) -> PathBuf {
        assert!(
            !name.is_empty()
                && Path::new(name)
                    .components()
                    .all(|c| matches!(c, Component::Normal(_))),
            "screenshot name {name:?}: a relative path without `..`"
        );
        let path = crate::workspace_root()
            .join("target/test-output/screenshots")
            .join(format!("{name}.png"));
        std::fs::create_dir_all(path.parent().unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let png = self
            .client
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("screenshot {name}: {e}"));
        std::fs::write(&path, png).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        path
    }

    /// Cuts the current tab off the network (`true`) or reconnects it
    /// (`false`), as DevTools' "Offline" does: while offline every request
    /// of the page, `fetch()` included, fails inside the browser and
    /// `navigator.onLine` is false. Through chromedriver's Chrome DevTools
    /// Protocol endpoint.
    pub async fn set_offline(&self, offline: bool) {
        self.cdp("Network.enable", serde_json::json!({})).await;
        self.cdp(
            "Network.emulateNetworkConditions",
            serde_json::json!({
                "offline": offline,
                "latency": 0,
                "downloadThroughput": -1,
                "uploadThroughput": -1,
            }),
        )
        .await;
    }

    /// Sends a Chrome DevTools Protocol command to the current page and
    /// returns its result.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.client
            .issue_cmd(CdpCommand {
                cmd: cmd.to_string(),
                params,
            })
            .await
            .unwrap_or_else(|e| panic!("CDP {cmd}: {e}"))
    }

    /// Ends the browser; fails the test when a page reported an error
    /// since the last check.
    pub async fn close(self) {
        let errors = self.page_errors().await;
        let _ = self.client.close().await;
        let _ = std::fs::remove_dir_all(&self.profile);
        assert!(errors.is_empty(), "page errors:\n{}", errors.join("\n"));
    }

    /// Ends the browser without looking at page errors (for a test that
    /// ends on a failure of its own).
    pub async fn discard(self) {
        let _ = self.client.close().await;
        let _ = std::fs::remove_dir_all(&self.profile);
    }
}

/// chromedriver's `POST /session/{id}/goog/cdp/execute`.
#[derive(Debug)]
struct CdpCommand {
    cmd: String,
    params: Value,
}

impl WebDriverCompatibleCommand for CdpCommand {
    fn endpoint(
        &self,
        base_url: &url::Url,
        session_id: Option<&str>,
    ) -> Result<url::Url, url::ParseError> {
        let id = session_id.expect("a CDP command needs a WebDriver session");
        base_url.join(&format!("session/{id}/goog/cdp/execute"))
    }

    fn method_and_body(&self, _request_url: &url::Url) -> (http::Method, Option<String>) {
        let body = serde_json::json!({ "cmd": self.cmd, "params": self.params });
        (http::Method::POST, Some(body.to_string()))
    }
}

/// The WCAG 2.x levels A and AA, as axe-core tags its rules.
const AXE_TAGS: [&str; 5] = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

/// Runs axe (already loaded) with the tags given as the first argument and
/// hands back its violations, or an error.
const AXE_RUN: &str = r#"
const tags = arguments[0];
const done = arguments[arguments.length - 1];
window.axe
  .run(document, { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] })
  .then((results) => done({
    violations: results.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({
        target: n.target,
        html: n.html,
        summary: n.failureSummary,
      })),
    })),
  }))
  .catch((e) => done({ error: String((e && e.stack) || e) }));
"#;

/// axe-core's browser bundle, read once from `node_modules` (npm installs
/// the version pinned in package.json).
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let path = crate::workspace_root().join("node_modules/axe-core/axe.min.js");
        std::fs::read_to_string(&path).unwrap_or_else(|e| {
            panic!(
                "cannot read {} ({e}): `bash .ci/setup.sh test` installs axe-core (package.json)",
                path.display()
            )
        })
    })
}

/// One line per violation and one indented line per element it was found on.
fn describe_violations(screen: &str, url: &str, violations: &[Value]) -> String {
    let count: usize = violations
        .iter()
        .map(|v| v["nodes"].as_array().map_or(0, Vec::len))
        .sum();
    let mut out = format!(
        "{screen}: {} accessibility rule(s) violated on {count} element(s) at {url}\n",
        violations.len()
    );
    for v in violations {
        out.push_str(&format!(
            "\n[{}] {}: {} ({})\n",
            v["impact"].as_str().unwrap_or("unknown impact"),
            v["id"].as_str().unwrap_or_default(),
            v["help"].as_str().unwrap_or_default(),
            v["helpUrl"].as_str().unwrap_or_default(),
        ));
        for node in v["nodes"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "  - {}\n    {}\n",
                target_text(&node["target"]),
                snippet(node["html"].as_str().unwrap_or_default(), 160),
            ));
            if let Some(summary) = node["summary"].as_str() {
                for line in summary.lines().filter(|l| !l.trim().is_empty()) {
                    out.push_str(&format!("    | {}\n", line.trim()));
                }
            }
        }
    }
    out
}

/// axe's target of an element: one selector per frame on the way to it
/// (shown with `>>>` between them), each a list of its own when it goes
/// into shadow roots (shown with `>>`).
fn target_text(target: &Value) -> String {
    fn hop(v: &Value) -> String {
        match v {
            Value::String(s) => s.clone(),
            Value::Array(parts) => parts.iter().map(hop).collect::<Vec<_>>().join(" >> "),
            other => other.to_string(),
        }
    }
    match target {
        Value::Array(frames) => frames.iter().map(hop).collect::<Vec<_>>().join(" >>> "),
        other => hop(other),
    }
}

/// The first `max` characters of an HTML snippet, on one line.
fn snippet(html: &str, max: usize) -> String {
    let flat = html.split_whitespace().collect::<Vec<_>>().join(" ");
    match flat.char_indices().nth(max) {
        Some((cut, _)) => format!("{}…", &flat[..cut]),
        None => flat,
    }
}
