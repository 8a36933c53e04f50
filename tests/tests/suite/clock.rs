//! "Today" is the organisation's local date (issue #15, item 4), through
//! the real server on both engines. The test puts the organisation in a
//! zone whose date differs from the UTC date right now (east of UTC
//! after 11:00 UTC, west of it before), so that each check would fail on
//! the UTC clock: the case page's date, a consent dated the local today
//! (accepted), and one dated the local tomorrow (refused as in the
//! future).

use app::api::cases::{CaseView, SaveResult};
use app::domain::clock::Clock;
use app::domain::fields::FieldError;
use app::domain::{OrgKind, Role};
use chrono::Timelike;
use tests::{add_user, call_ok, save_section, signed_in, Server, TestDb, PASSWORD};

async fn the_organisations_date_is_today(db: TestDb) {
    let now = chrono::Utc::now();
    // Kiritimati (UTC+14) is a day ahead from 10:00 UTC, Pago Pago
    // (UTC-11) a day behind until 11:00 UTC; neither reaches its next
    // midnight within the hour.
    let zone = if now.hour() >= 10 {
        "Pacific/Kiritimati"
    } else {
        "Pacific/Pago_Pago"
    };
    let clock = Clock::named(zone).unwrap();
    let store = db.store().await;
    add_user(
        &store,
        "Shelter Far",
        OrgKind::Counselling,
        Role::Counsellor,
        "carla",
        PASSWORD,
    )
    .await;
    let org = store
        .organisation_by_name("Shelter Far")
        .await
        .unwrap()
        .unwrap();
    store
        .set_organisation_clock(
            &org.id,
            clock,
            app::store::NewAuditEvent::new(
                "organisation.time_zone.cli",
                app::store::AuditOutcome::Allowed,
            ),
        )
        .await
        .unwrap();
    store.close().await;
    let s = Server::start(&db.url).await;
    let carla = signed_in(&s, "carla").await;
    let created: app::api::cases::NewCaseOutcome = call_ok(
        &carla,
        &s,
        "/api/cases/create",
        &[
            ("alias", "Far Away"),
            ("birth_year", "1990"),
            ("nationality", "NG"),
        ],
    )
    .await;
    let app::api::cases::NewCaseOutcome::Created { code } = created else {
        panic!("{created:?}")
    };
    let view: CaseView = call_ok(&carla, &s, "/api/cases/open", &[("code", code.as_str())]).await;
    let local = clock.date_at(now);
    assert_ne!(local, now.date_naive(), "the zone was chosen so");
    assert_eq!(view.today, local, "the case page reckons on the local date");
    let offset = clock.offset_seconds(chrono::Utc::now());
    assert_eq!(view.clock_offset_seconds, offset);
    // A consent given the local today is taken; the local tomorrow is in
    // the future.
    let consent = |on: String| {
        vec![
            ("consent.0.purpose".to_string(), "store_data".to_string()),
            ("consent.0.given_on".to_string(), on),
            ("consent.0.language".to_string(), "en".to_string()),
        ]
    };
    let tomorrow = consent((local + chrono::Duration::days(1)).to_string());
    let pairs: Vec<(&str, &str)> = tomorrow
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = save_section(&carla, &s, &code, "consent", 0, &pairs).await;
    assert!(
        matches!(&r, SaveResult::Invalid(p) if p.iter().any(|p| p.field == "consent.0.given_on" && p.error == FieldError::Future)),
        "{r:?}"
    );
    let today = consent(local.to_string());
    let pairs: Vec<(&str, &str)> = today
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let r = save_section(&carla, &s, &code, "consent", 0, &pairs).await;
    assert!(matches!(r, SaveResult::Saved { .. }), "{r:?}");
    // And it holds now: the plan may be stored.
    let view: CaseView = call_ok(&carla, &s, "/api/cases/open", &[("code", code.as_str())]).await;
    let p = view
        .file
        .progress(&app::catalog::planning(), clock.wall(chrono::Utc::now()));
    assert!(
        !p.handover_missing
            .contains(&app::domain::plan::Missing::ConsentToStore),
        "{:?}",
        p.handover_missing
    );
    s.stop().await;
}

#[tokio::test]
async fn on_sqlite() {
    the_organisations_date_is_today(TestDb::sqlite()).await;
}

#[tokio::test]
async fn on_postgres() {
    the_organisations_date_is_today(TestDb::postgres().await).await;
}
