//! The household of a reintegration budget over HTTP against the real
//! server (issue #15, item 3): once the client's facts (first-contact
//! step) list the family members returning with the client, the budget's
//! household must be the client and them, each as old as their birth year
//! makes them on the departure day; a household that disagrees keeps the
//! budget open, and the plan cannot be handed over until it is put right.
//! On SQLite and PostgreSQL.

use app::api::cases::CaseView;
use app::api::handovers::HandOverOutcome;
use app::domain::reintegration::BudgetProblem;
use chrono::Datelike;
use tests::{call_ok, put_section, Server, TestDb};

type World = tests::ShelterAndMission;

async fn world(db: TestDb) -> World {
    tests::shelter_and_mission(db).await
}

tests::on_both_engines!(a_household_that_disagrees_with_the_family_blocks_the_handover);

async fn open(c: &reqwest::Client, s: &Server, code: &str) -> CaseView {
    call_ok(c, s, "/api/cases/open", &[("code", code)]).await
}

async fn hand_over(c: &reqwest::Client, s: &Server, code: &str) -> HandOverOutcome {
    call_ok(
        c,
        s,
        "/api/handovers/hand_over",
        &[("code", code), ("note", "")],
    )
    .await
}

async fn a_household_that_disagrees_with_the_family_blocks_the_handover(w: World) {
    let (c, s) = (&w.carla, &w.server);
    let code = tests::new_case(c, s, "Hana Household", "1990").await;
    tests::make_ready(c, s, &code, "Hana Household", &w.mission).await;
    let today = tests::today().to_string();
    let partner_born = (tests::today().year() - 35).to_string();
    let mut client = vec![
        ("client.alias", "Hana Household"),
        ("client.birth", "year"),
        ("client.birth_year", "1994"),
        ("client.nationality", "NG"),
        ("contact.on", today.as_str()),
        ("safety.danger", "no"),
        ("safety.medical", "unknown"),
        ("dependant.0.relation", "partner"),
        ("dependant.0.birth_year", partner_born.as_str()),
    ];
    put_section(c, s, &code, "client", &client).await;
    let v = open(c, s, &code).await;
    assert_eq!(v.file.first_contact.client.dependants.len(), 1);
    let cats = app::catalog::planning();
    let problems = v.file.budget(&cats, v.today).unwrap().problems;
    assert!(
        problems.contains(&BudgetProblem::HouseholdDisagrees {
            recorded: 1,
            facts: 2
        }),
        "{problems:?}"
    );
    assert!(
        matches!(hand_over(c, s, &code).await, HandOverOutcome::Missing(m) if !m.is_empty()),
        "the budget is not complete"
    );

    // The partner recorded as a child: still not the household.
    let reintegration = |second: &'static str| {
        vec![
            ("reint.programme", "nl-2025-reintegration"),
            ("person.0.kind", "adult"),
            ("person.1.kind", second),
            ("line.0.category", "economic"),
            ("line.0.description", "Sewing machine and stock"),
            ("line.0.amount", "1500"),
            ("line.0.form", "in_kind"),
            ("line.0.person", "0"),
        ]
    };
    put_section(
        c,
        s,
        &code,
        "reintegration",
        &reintegration("minor_with_family"),
    )
    .await;
    let v = open(c, s, &code).await;
    assert!(v.file.budget(&cats, v.today).unwrap().problems.contains(
        &BudgetProblem::DependantAgeDisagrees {
            person: 2,
            minor: false
        }
    ));
    assert!(matches!(
        hand_over(c, s, &code).await,
        HandOverOutcome::Missing(_)
    ));

    // As the facts say: the plan goes.
    put_section(c, s, &code, "reintegration", &reintegration("adult")).await;
    assert_eq!(hand_over(c, s, &code).await, HandOverOutcome::HandedOver);

    // A family member without a relation is refused, and nothing kept.
    client.push(("dependant.1.birth_year", "2015"));
    let version = open(c, s, &code).await.sections["client"].version;
    let r = tests::save_section(c, s, &code, "client", version, &client).await;
    assert!(
        matches!(&r, app::api::cases::SaveResult::Invalid(p) if p.iter().any(|p| p.field == "dependant.1.relation")),
        "{r:?}"
    );
    assert_eq!(
        open(c, s, &code)
            .await
            .file
            .first_contact
            .client
            .dependants
            .len(),
        1
    );
}
