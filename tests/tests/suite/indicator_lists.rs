//! ILO indicator lists an operator loads as new catalogue versions (issue
//! #15, item 1): `safeplan catalogue load-indicators` refuses a list that
//! is not whole and consistent and changes nothing then; a loaded list is
//! used by a running server at once (another process loaded it), each
//! result names the version it was worked out with, and ticks saved
//! against another list are flagged until the screening is saved again.
//!
//! The lists loaded here are made of the built-in entries (a subset, with
//! their own version name): no wording or grade is invented.

use app::api::cases::{CaseView, SaveResult};
use std::process::Output;
use tests::output_text as text;
use tests::{call_ok, new_case, put_section, save_section, ShelterAndMission, TestDb};

const BUILT_IN: &str = include_str!("../../../app/catalog/ilo_indicators.json");

/// The first `n` built-in indicators as a list of its own.
fn subset(version: &str, n: usize) -> serde_json::Value {
    let mut v: serde_json::Value = serde_json::from_str(BUILT_IN).unwrap();
    v["version"] = version.into();
    v["source"] = "Test list: the first entries of the built-in catalogue, unchanged".into();
    v["indicators"].as_array_mut().unwrap().truncate(n);
    v
}

fn built_in_id(n: usize) -> String {
    let v: serde_json::Value = serde_json::from_str(BUILT_IN).unwrap();
    v["indicators"][n]["id"].as_str().unwrap().to_string()
}

fn write(v: &serde_json::Value) -> std::path::PathBuf {
    let path = std::env::temp_dir().join(format!("indicators-{}.json", tests::random_suffix()));
    std::fs::write(&path, v.to_string()).unwrap();
    path
}

fn safeplan(db: &TestDb, args: &[&str]) -> Output {
    tests::run_cli(db, args, None)
}

fn load(db: &TestDb, file: &std::path::Path, verified_by: &str) -> Output {
    safeplan(
        db,
        &[
            "catalogue",
            "load-indicators",
            "--file",
            file.to_str().unwrap(),
            "--verified-by",
            verified_by,
        ],
    )
}

#[tokio::test]
async fn a_list_is_loaded_whole_or_not_at_all_and_never_replaced() {
    let db = TestDb::sqlite();
    let out = safeplan(&db, &["catalogue", "list"]);
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("In use: version 2009-adult-labour-partial.1 (built in"),
        "{}",
        text(&out)
    );
    // A list with a broken entry: every problem named, nothing loaded.
    let mut bad = subset("2009-test.1", 30);
    bad["indicators"][3]["dimension"] = 9.into();
    bad["source"] = "".into();
    let out = load(&db, &write(&bad), "Vera Checker");
    assert!(!out.status.success());
    let said = text(&out);
    assert!(said.contains("nothing was loaded"), "{said}");
    assert!(said.contains("dimension 9 is not 1 to 6"), "{said}");
    assert!(
        said.contains("\"source\" must name the publication"),
        "{said}"
    );
    // Nobody named as having checked it against the source.
    let good = write(&subset("2009-test.1", 30));
    let out = load(&db, &good, " ");
    assert!(!out.status.success());
    assert!(text(&out).contains("--verified-by"), "{}", text(&out));
    // Not a file at all.
    let out = safeplan(
        &db,
        &[
            "catalogue",
            "load-indicators",
            "--file",
            "/nonexistent/list.json",
            "--verified-by",
            "Vera Checker",
        ],
    );
    assert!(!out.status.success());
    assert!(text(&out).contains("cannot read"), "{}", text(&out));
    // The built-in version's name is the built-in list's own.
    let out = load(
        &db,
        &write(&subset("2009-adult-labour-partial.1", 30)),
        "Vera Checker",
    );
    assert!(!out.status.success());
    assert!(
        text(&out).contains("built into this binary"),
        "{}",
        text(&out)
    );
    let out = safeplan(&db, &["catalogue", "list"]);
    assert!(
        text(&out).contains("(built in"),
        "nothing loaded: {}",
        text(&out)
    );
    // A whole list is loaded, with its source, checker and digest.
    let out = load(&db, &good, "Vera Checker");
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("version 2009-test.1 (incomplete)"), "{said}");
    assert!(said.contains("adult_labour 30 of 67"), "{said}");
    assert!(said.contains("Verified by: Vera Checker"), "{said}");
    // A version is never replaced, not even by the same file.
    let out = load(&db, &write(&subset("2009-test.1", 20)), "Vera Checker");
    assert!(!out.status.success());
    assert!(text(&out).contains("loaded already"), "{}", text(&out));
    let out = load(&db, &good, "Vera Checker");
    assert!(!out.status.success());
    let out = safeplan(&db, &["catalogue", "list"]);
    let said = text(&out);
    assert!(
        said.contains("In use: version 2009-test.1, loaded"),
        "{said}"
    );
    assert!(said.contains("verified by Vera Checker"), "{said}");
    let store = db.store().await;
    assert_eq!(store.indicator_lists().await.unwrap().len(), 1);
    let audit = store.recent_audit(20).await.unwrap();
    assert_eq!(
        audit
            .iter()
            .filter(|e| e.action == "catalogue.indicators.load.cli")
            .count(),
        1
    );
    store.close().await;
}

async fn world(db: TestDb) -> ShelterAndMission {
    tests::shelter_and_mission(db).await
}

async fn open(w: &ShelterAndMission, code: &str) -> CaseView {
    call_ok(&w.carla, &w.server, "/api/cases/open", &[("code", code)]).await
}

async fn identification(w: &ShelterAndMission, code: &str) -> String {
    tests::page_text(
        &w.carla,
        &w.server,
        &format!("/cases/{code}/identification"),
    )
    .await
}

/// A case with consent to store and a screening saved against the
/// built-in list: the first built-in indicator ticked, and one the test
/// lists below do not hold (its id returned).
async fn screened_case(w: &ShelterAndMission, alias: &str) -> (String, String) {
    let code = new_case(&w.carla, &w.server, alias, "1990").await;
    put_section(
        &w.carla,
        &w.server,
        &code,
        "consent",
        &[
            ("consent.0.purpose", "store_data"),
            ("consent.0.given_on", "2026-01-05"),
            ("consent.0.language", "en"),
        ],
    )
    .await;
    let later = built_in_id(40);
    let (obs_first, obs_later) = (format!("obs.{}", built_in_id(0)), format!("obs.{later}"));
    put_section(
        &w.carla,
        &w.server,
        &code,
        "screening",
        &[
            ("screening.list", "adult_labour"),
            (obs_first.as_str(), "on"),
            (obs_later.as_str(), "on"),
        ],
    )
    .await;
    (code, later)
}

/// A running server uses a list loaded meanwhile by another process; the
/// result names it; ticks saved against the built-in list are flagged
/// (and those it does not hold named) until the screening is saved again,
/// which records the list in use, whatever the form claims.
async fn screenings_use_the_newest_list_and_name_it(w: ShelterAndMission) {
    let (code, later) = screened_case(&w, "Lina List").await;
    let obs_first = format!("obs.{}", built_in_id(0));
    let v = open(&w, &code).await;
    assert_eq!(
        v.file.screening.catalogue.as_deref(),
        Some("2009-adult-labour-partial.1"),
        "the list in use is recorded with the ticks"
    );
    assert_eq!(
        v.indicator_list, None,
        "the built-in list is in the page's code"
    );
    let page = identification(&w, &code).await;
    assert!(
        page.contains("Worked out with the ILO indicator list version 2009-adult-labour-partial.1"),
        "{page}"
    );
    assert!(!page.contains(r#"id="ilo-list-changed""#), "{page}");

    let out = load(&w.db, &write(&subset("2009-test.1", 30)), "Vera Checker");
    assert!(out.status.success(), "{}", text(&out));

    let v = open(&w, &code).await;
    let list = v
        .indicator_list
        .expect("the loaded list comes with the case");
    assert_eq!(list.info.version, "2009-test.1");
    assert_eq!(list.indicators.len(), 30);
    let page = identification(&w, &code).await;
    assert!(
        page.contains("Worked out with the ILO indicator list version 2009-test.1"),
        "{page}"
    );
    assert!(page.contains("Based on 30 of 67 indicators"), "{page}");
    assert!(page.contains(r#"id="ilo-list-changed""#), "{page}");
    assert!(
        page.contains("ticked against the list version 2009-adult-labour-partial.1; screenings now use version 2009-test.1"),
        "{page}"
    );
    assert!(
        page.contains(&format!(
            "An indicator the catalogue does not know ({later})"
        )),
        "a tick the new list does not hold is named: {page}"
    );
    // The form keeps it, apart, to be unticked on purpose: a save of the
    // form does not drop it.
    let apart = page
        .split(r#"id="off-list-observations""#)
        .nth(1)
        .expect("the ticks the list does not hold, apart");
    assert!(apart.contains(&format!(r#"id="f-obs-{later}""#)), "{page}");
    assert!(
        page.contains(r#"name="f[screening.catalogue]" value="2009-test.1""#),
        "{page}"
    );
    // Saved again (a form claiming another list changes nothing): the
    // ticks are now the new list's.
    let version = v.sections["screening"].version;
    let r = save_section(
        &w.carla,
        &w.server,
        &code,
        "screening",
        version,
        &[
            ("screening.list", "adult_labour"),
            (obs_first.as_str(), "on"),
            ("screening.catalogue", "2009-adult-labour-partial.1"),
        ],
    )
    .await;
    assert!(matches!(r, SaveResult::Saved { .. }), "{r:?}");
    let v = open(&w, &code).await;
    assert_eq!(v.file.screening.catalogue.as_deref(), Some("2009-test.1"));
    let page = identification(&w, &code).await;
    assert!(!page.contains(r#"id="ilo-list-changed""#), "{page}");
}

tests::on_both_engines!(screenings_use_the_newest_list_and_name_it);

/// In the browser: the identification step with a loaded list comes alive
/// without a page error, offers the loaded list, flags the ticks saved
/// against the built-in one, and stops once the screening is saved again.
#[tokio::test]
async fn the_counsellor_goes_through_the_ticks_again_in_the_browser() {
    let w = world(TestDb::sqlite()).await;
    let (code, later) = screened_case(&w, "Bea Browser").await;
    let second = built_in_id(1);
    let out = load(&w.db, &write(&subset("2009-test.1", 30)), "Vera Checker");
    assert!(out.status.success(), "{}", text(&out));

    let browser = tests::browser::Browser::start().await;
    let mut s = tests::journey::Session::new(&browser, "indicator-lists");
    s.sign_in_as(&w.server, "carla", &format!("/cases/{code}/identification"))
        .await;
    s.live("identification").await;
    let changed = s
        .wait_text("ilo-list-changed", "the ticks flagged", |t| !t.is_empty())
        .await;
    assert!(changed.contains("2009-test.1"), "{changed}");
    let version = s.text("ilo-list-version").await;
    assert!(version.contains("2009-test.1"), "{version}");
    s.check("list-changed").await;
    // Gone through: one more indicator of the new list ticked, saved.
    s.click(&format!("f-obs-{second}")).await;
    s.wait_saved().await;
    s.wait_text("ilo-list-changed", "the flag gone", str::is_empty)
        .await;
    s.check("list-current").await;
    browser.close().await;
    let v = open(&w, &code).await;
    assert_eq!(v.file.screening.catalogue.as_deref(), Some("2009-test.1"));
    let ids: Vec<&str> = v
        .file
        .screening
        .observations
        .iter()
        .map(|o| o.indicator_id.as_str())
        .collect();
    assert!(ids.contains(&second.as_str()), "{ids:?}");
    assert!(
        ids.contains(&later.as_str()),
        "the tick the list does not hold is kept: {ids:?}"
    );
}
