//! Helpers for browser journeys through the case pages: setting inputs
//! as typing does, waiting for texts and for a page to come alive, and a
//! screenshot plus an axe-core check of every screen that matters.

use crate::browser::Browser;
use fantoccini::Locator;
use serde_json::json;
use std::time::{Duration, Instant};

pub const SAVED: &str = "All changes saved";

/// A browser session through the case pages, with screenshots and an
/// axe check of every screen it is asked to check.
pub struct Session<'a> {
    pub b: &'a Browser,
    shots: usize,
    /// The screenshots' folder under `target/test-output/screenshots/`.
    dir: &'static str,
}

impl<'a> Session<'a> {
    pub fn new(b: &'a Browser, dir: &'static str) -> Session<'a> {
        Session { b, shots: 0, dir }
    }

    /// Sets an input's value as typing would (dates and selects included)
    /// and lets the page hear it.
    pub async fn set(&self, id: &str, value: &str) {
        let found = self
            .b
            .client
            .execute(
                "const el = document.getElementById(arguments[0]);
                 if (!el) { return false; }
                 el.focus();
                 el.value = arguments[1];
                 el.dispatchEvent(new Event('input', { bubbles: true }));
                 el.dispatchEvent(new Event('change', { bubbles: true }));
                 return true;",
                vec![json!(id), json!(value)],
            )
            .await
            .unwrap();
        assert_eq!(found, json!(true), "no #{id} on the page");
    }

    pub async fn click(&self, id: &str) {
        self.b.click(&format!("#{id}")).await;
    }

    /// Types into a text input with the keyboard.
    pub async fn type_into(&self, id: &str, text: &str) {
        self.b.fill(id, text).await;
    }

    pub async fn text(&self, id: &str) -> String {
        self.b.text_of(&format!("#{id}")).await
    }

    /// Waits until `id`'s text satisfies `pred` (30 s at most).
    pub async fn wait_text(&self, id: &str, what: &str, pred: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let text = match self.b.client.find(Locator::Id(id)).await {
                Ok(e) => e.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if pred(&text) {
                self.b
                    .assert_no_page_errors(&format!("waiting for {what} in #{id}"))
                    .await;
                return text;
            }
            if start.elapsed() > Duration::from_secs(30) {
                let shot = self.b.screenshot(&format!("{}/failure", self.dir)).await;
                let url = self
                    .b
                    .client
                    .current_url()
                    .await
                    .map(|u| u.to_string())
                    .unwrap_or_default();
                let errors = page_errors(self.b).await;
                panic!(
                    "#{id}: expected {what}, have {text:?} at {url}; screenshot {}; page errors: {}",
                    shot.display(),
                    errors
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the step's page is live (hydrated, drafts put back).
    pub async fn live(&self, slug: &str) {
        let found = self
            .b
            .client
            .wait()
            .at_most(Duration::from_secs(30))
            .for_element(Locator::Css(&format!("html[data-case-live='{slug}']")))
            .await;
        if found.is_ok() {
            self.b
                .assert_no_page_errors(&format!("the {slug} page"))
                .await;
        }
        if let Err(e) = found {
            let errors = page_errors(self.b).await;
            let shot = self.b.screenshot(&format!("{}/failure", self.dir)).await;
            panic!(
                "the {slug} page did not come alive: {e}; screenshot {}; page errors: {errors}",
                shot.display()
            );
        }
    }

    /// Waits until an input holds `expected` (30 s at most).
    pub async fn wait_value(&self, id: &str, expected: &str) {
        let start = Instant::now();
        loop {
            let value = match self.b.client.find(Locator::Id(id)).await {
                Ok(e) => e.prop("value").await.ok().flatten().unwrap_or_default(),
                Err(_) => String::new(),
            };
            if value == expected {
                return;
            }
            if start.elapsed() > Duration::from_secs(30) {
                let shot = self.b.screenshot(&format!("{}/failure", self.dir)).await;
                panic!(
                    "#{id} holds {value:?}, not {expected:?}; screenshot {}; page errors: {}",
                    shot.display(),
                    page_errors(self.b).await
                );
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    pub async fn wait_saved(&self) {
        self.wait_text("save-status", SAVED, |t| t == SAVED).await;
    }

    /// Opens a step from the stepper and waits for its heading.
    pub async fn step(&mut self, slug: &str, heading: &str) {
        self.click(&format!("step-{slug}")).await;
        self.wait_text("step-heading", heading, |t| t == heading)
            .await;
        self.live(slug).await;
        self.check(slug).await;
    }

    /// Signs the browser out (if signed in) and in again as `username`,
    /// ending on `next`.
    pub async fn sign_in_as(&self, server: &crate::Server, username: &str, next: &str) {
        let c = &self.b.client;
        if c.find(Locator::Id("sign-out")).await.is_ok() {
            self.b.click("#sign-out button[type=submit]").await;
            self.b.text_of("#login-form").await;
        }
        c.goto(&server.url(&format!("/login?next={next}")))
            .await
            .unwrap();
        self.b.wait_hydrated().await;
        self.b.submit_sign_in(username, crate::PASSWORD).await;
        self.b.text_of("#who").await;
    }

    /// axe-core on the screen as it is, and a screenshot of it.
    pub async fn check(&mut self, name: &str) {
        self.shots += 1;
        self.b
            .screenshot(&format!("{}/{:02}-{name}", self.dir, self.shots))
            .await;
        self.b.axe_check(name).await;
    }
}

/// What the pages reported (console errors, uncaught exceptions) since
/// the tab was opened, one per line.
pub async fn page_errors(b: &Browser) -> String {
    b.page_errors().await.join("\n")
}
