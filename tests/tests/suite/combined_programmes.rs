//! Two programmes in one plan over HTTP against the real server (issue
//! #15, item 3): the REAN cash return allowance beside an in-kind
//! reintegration budget, each line charged to one of them and checked
//! against that programme's own caps and cash limit; a programme not
//! meant to be combined, or one the client cannot get, is refused and
//! nothing is stored; the export names both and validates against the
//! published schema. On SQLite and PostgreSQL.

use app::api::cases::{CaseView, SaveResult};
use app::domain::fields::FieldError;
use app::domain::reintegration::BudgetProblem;
use tests::{call, call_ok, put_section, save_section, Server, TestDb};

type World = tests::ShelterAndMission;

async fn world(db: TestDb) -> World {
    tests::shelter_and_mission(db).await
}

tests::on_both_engines!(the_rean_allowance_goes_beside_in_kind_support_each_line_charged_to_one);

async fn open(c: &reqwest::Client, s: &Server, code: &str) -> CaseView {
    call_ok(c, s, "/api/cases/open", &[("code", code)]).await
}

fn budget(extra: &[(&'static str, &'static str)]) -> Vec<(&'static str, &'static str)> {
    let mut fields = vec![
        ("reint.programme", "nl-2025-reintegration"),
        ("person.0.kind", "adult"),
        ("line.0.category", "economic"),
        ("line.0.description", "Sewing machine and stock"),
        ("line.0.amount", "1500"),
        ("line.0.form", "in_kind"),
        ("line.0.person", "0"),
        ("line.1.category", "immediate"),
        ("line.1.description", "Return allowance"),
        ("line.1.form", "cash"),
        ("line.1.person", "0"),
        ("line.1.programme", "rean-vot-allowance"),
    ];
    fields.extend_from_slice(extra);
    fields
}

async fn the_rean_allowance_goes_beside_in_kind_support_each_line_charged_to_one(w: World) {
    let (c, s) = (&w.carla, &w.server);
    let code = tests::new_case(c, s, "Cleo Combined", "1990").await;
    tests::make_ready(c, s, &code, "Cleo Combined", &w.mission).await;
    let version = |v: &CaseView| v.sections["reintegration"].version;

    // Not yet a possible victim: the allowance for victims is refused.
    let v = open(c, s, &code).await;
    let r = save_section(
        c,
        s,
        &code,
        "reintegration",
        version(&v),
        &budget(&[
            ("reint.combined_programme", "rean-vot-allowance"),
            ("line.1.amount", "200"),
        ]),
    )
    .await;
    match r {
        SaveResult::Invalid(p) => {
            assert_eq!(p[0].field, "reint.combined_programme");
            assert_eq!(p[0].error, FieldError::NotEligible);
        }
        other => panic!("{other:?}"),
    }
    let mut client: Vec<(String, String)> = v
        .file
        .fields(app::domain::policy::Section::Client)
        .into_iter()
        .collect();
    client.push(("trafficking.status".into(), "possible_victim".into()));
    let pairs: Vec<(&str, &str)> = client
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    put_section(c, s, &code, "client", &pairs).await;

    // Beside the in-kind budget, €250 cash charged to the allowance: over
    // its €200 limit, which the in-kind budget does not carry.
    put_section(
        c,
        s,
        &code,
        "reintegration",
        &budget(&[
            ("reint.combined_programme", "rean-vot-allowance"),
            ("line.1.amount", "250"),
        ]),
    )
    .await;
    let v = open(c, s, &code).await;
    let b = v.file.budget(&app::catalog::planning(), v.today).unwrap();
    assert_eq!(b.problems, vec![]);
    assert_eq!(b.total.to_string(), "1500");
    assert!(
        b.combined[0]
            .problems
            .iter()
            .any(|p| matches!(p, BudgetProblem::CashOverLimit { person: 0, .. })),
        "{:?}",
        b.combined
    );
    let page = tests::page_text(c, s, &format!("/cases/{code}/reintegration")).await;
    let combined = page
        .split(r#"id="budget-combined""#)
        .nth(1)
        .expect("the allowance's own check");
    assert!(combined.contains("REAN return allowance"), "{page}");
    assert!(
        combined.contains("more cash than the programme allows"),
        "{page}"
    );
    assert!(page.contains(r#"id="budget-grand-total""#), "{page}");

    // Two in-kind programmes do not combine: refused, nothing stored.
    let r = save_section(
        c,
        s,
        &code,
        "reintegration",
        version(&v),
        &budget(&[
            ("reint.combined_programme", "avrr-nl-2017"),
            ("line.1.amount", "200"),
        ]),
    )
    .await;
    match r {
        SaveResult::Invalid(p) => assert_eq!(p[0].error, FieldError::NotCombinable),
        other => panic!("{other:?}"),
    }
    let after = open(c, s, &code).await;
    assert_eq!(version(&after), version(&v), "nothing stored");
    assert_eq!(
        after.file.reintegration.combined_programme_id.as_deref(),
        Some("rean-vot-allowance")
    );

    // Within its limit: the budget is whole, and the export names both.
    put_section(
        c,
        s,
        &code,
        "reintegration",
        &budget(&[
            ("reint.combined_programme", "rean-vot-allowance"),
            ("line.1.amount", "200"),
        ]),
    )
    .await;
    let v = open(c, s, &code).await;
    let b = v.file.budget(&app::catalog::planning(), v.today).unwrap();
    assert_eq!(b.all_problems().count(), 0, "{b:?}");
    let json: serde_json::Value = call(c, s, "/api/cases/export_json", &[("code", code.as_str())])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(json["budget"]["combined_programme"], "rean-vot-allowance");
    assert_eq!(
        json["budget"]["lines"][1]["programme"],
        "rean-vot-allowance"
    );
    assert!(json["budget"]["lines"][0].get("programme").is_none());
    assert_eq!(json["budget"]["total"], "1700");
    let errors = crate::export_violations(&json);
    assert!(errors.is_empty(), "{errors:?}");
}
