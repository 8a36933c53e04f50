//! The supervisor's dashboard over HTTP against the real server: the
//! figures follow the plans (stages, overdue milestones, handovers
//! waiting, caseload per counsellor), the filters narrow them, the
//! caseload opens the plans behind a number, and the anonymised
//! statistics are counts only with small cells suppressed. Only the
//! organisation's supervisors see any of it.

use app::api::cases::Caseload;
use app::api::dashboard::DashboardView;
use app::domain::{OrgKind, Role};
use tests::{add_users, call, call_ok, make_ready, put_section, signed_in, Server, TestDb};

async fn new_case(c: &reqwest::Client, s: &Server, alias: &str) -> String {
    let r: app::api::cases::NewCaseOutcome = call_ok(
        c,
        s,
        "/api/cases/create",
        &[
            ("alias", alias),
            ("birth_year", "1990"),
            ("nationality", "ER"),
            ("confirm", "on"),
        ],
    )
    .await;
    match r {
        app::api::cases::NewCaseOutcome::Created { code } => code,
        other => panic!("{other:?}"),
    }
}

async fn dashboard(c: &reqwest::Client, s: &Server, filters: &[(&str, &str)]) -> DashboardView {
    call_ok(c, s, "/api/dashboard/summary", filters).await
}

async fn caseload(c: &reqwest::Client, s: &Server, extra: &[(&str, &str)]) -> Caseload {
    let mut form = vec![("text", ""), ("stage", ""), ("risk", ""), ("page", "0")];
    for (k, v) in extra {
        match form.iter_mut().find(|(key, _)| key == k) {
            Some(slot) => slot.1 = v,
            None => form.push((k, v)),
        }
    }
    call_ok(c, s, "/api/cases/list", &form).await
}

fn stage(d: &DashboardView, slug: &str) -> i64 {
    d.figures
        .per_stage
        .iter()
        .find(|(s, _)| s == slug)
        .map(|(_, n)| *n)
        .unwrap()
}

#[tokio::test]
async fn the_dashboard_follows_the_plans() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    let [carla, _, _, _, olga] = add_users(
        &store,
        [
            ("Shelter A", OrgKind::Counselling, Role::Counsellor, "carla"),
            ("Shelter A", OrgKind::Counselling, Role::Counsellor, "cora"),
            ("Shelter A", OrgKind::Counselling, Role::Supervisor, "sam"),
            ("Shelter B", OrgKind::Counselling, Role::Supervisor, "bea"),
            ("IOM NL", OrgKind::IomMission, Role::ReturnOfficer, "olga"),
        ],
    )
    .await;
    store.close().await;
    let s = Server::start(&db.url).await;
    let (carla_c, cora_c, sam) = (
        signed_in(&s, "carla").await,
        signed_in(&s, "cora").await,
        signed_in(&s, "sam").await,
    );

    // Carla: a plan handed over to IOM, and a new intake whose first
    // contact was two months ago (its milestones are overdue).
    let rosa = new_case(&carla_c, &s, "Rosa Dash").await;
    make_ready(&carla_c, &s, &rosa, "Rosa Dash", &olga.organisation_id).await;
    let r = call(
        &carla_c,
        &s,
        "/api/handovers/hand_over",
        &[("code", rosa.as_str()), ("note", "")],
    )
    .await;
    assert_eq!(r.status(), 200);
    let late = new_case(&carla_c, &s, "Late Intake").await;
    let two_months_ago = (tests::today() - chrono::Duration::days(60))
        .format("%Y-%m-%d")
        .to_string();
    put_section(
        &carla_c,
        &s,
        &late,
        "client",
        &[
            ("client.alias", "Late Intake"),
            ("contact.on", &two_months_ago),
        ],
    )
    .await;
    // Cora: one new intake.
    new_case(&cora_c, &s, "Cora Intake").await;

    let d = dashboard(&sam, &s, &[]).await;
    assert_eq!(d.figures.plans, 3);
    assert_eq!(stage(&d, "handed_over"), 1);
    assert_eq!(stage(&d, "draft"), 2);
    assert_eq!(d.figures.overdue, 1, "{:?}", d.figures);
    let per: Vec<i64> = d.figures.per_counsellor.iter().map(|(_, n)| *n).collect();
    assert_eq!(per, vec![2, 1], "carla's two, cora's one");
    assert_eq!(d.figures.per_counsellor[0].0, carla.id);
    assert_eq!(d.waiting.len(), 1);
    assert_eq!(d.waiting[0].code, rosa);
    assert_eq!(d.waiting[0].status, "new");
    assert_eq!(d.figures.median_days_to_decision, Some(0));
    let this_month = d.figures.trends.intakes.last().copied().unwrap();
    assert_eq!(this_month, 2, "two first contacts this month");
    assert_eq!(d.figures.trends.decisions_return.last().copied(), Some(1));

    // Filters narrow every figure.
    let only_carla = dashboard(&sam, &s, &[("counsellor", carla.id.as_str())]).await;
    assert_eq!(only_carla.figures.plans, 2);
    let handed = dashboard(&sam, &s, &[("stage", "handed_over")]).await;
    assert_eq!(handed.figures.plans, 1);
    let older = dashboard(&sam, &s, &[("until", &two_months_ago)]).await;
    assert_eq!(older.figures.plans, 1, "first contact in the period");

    // Every number opens the plans behind it.
    let overdue = caseload(&sam, &s, &[("due", "overdue")]).await;
    assert_eq!(
        overdue
            .items
            .iter()
            .map(|i| i.code.as_str())
            .collect::<Vec<_>>(),
        vec![late.as_str()]
    );
    let of_carla = caseload(&sam, &s, &[("counsellor", carla.id.as_str())]).await;
    assert_eq!(of_carla.total, 2);
    let at_stage = caseload(&sam, &s, &[("stage", "handed_over")]).await;
    assert_eq!(at_stage.items[0].code, rosa);
    assert_eq!(caseload(&sam, &s, &[("approval", "1")]).await.total, 0);
    // So does a month of a trend.
    let month = app::domain::dashboard::month_of(tests::today());
    let intakes = caseload(&sam, &s, &[("event", "intake"), ("month", &month)]).await;
    assert_eq!(intakes.total, this_month);
    let returns = caseload(&sam, &s, &[("event", "return"), ("month", &month)]).await;
    assert_eq!(
        returns
            .items
            .iter()
            .map(|i| i.code.as_str())
            .collect::<Vec<_>>(),
        vec![rosa.as_str()]
    );
    let arrivals = caseload(&sam, &s, &[("event", "arrival"), ("month", &month)]).await;
    assert_eq!(arrivals.total, 0);
    // A counsellor cannot look at a colleague's cases through the filter.
    let sneaky = caseload(&cora_c, &s, &[("counsellor", carla.id.as_str())]).await;
    assert_eq!(sneaky.total, 1, "cora still sees only her own");

    // The anonymised statistics: a CSV download, counts only, small cells
    // suppressed, no code or alias.
    // Posted by the dashboard's plain form (no script): the file itself,
    // not a redirect back to the dashboard.
    let plain = sam
        .post(s.url("/api/dashboard/statistics"))
        .header("Origin", &s.base)
        .header("Accept", "text/html,application/xhtml+xml")
        .header("Referer", s.url("/dashboard"))
        .form(&[("months", "12")])
        .send()
        .await
        .unwrap();
    assert_eq!(plain.status(), 200);
    assert!(plain.text().await.unwrap().starts_with("month,"));
    let r = call(&sam, &s, "/api/dashboard/statistics", &[("months", "12")]).await;
    assert_eq!(r.status(), 200);
    let headers = r.headers().clone();
    assert!(
        headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/csv"),
        "{headers:?}"
    );
    assert!(headers["content-disposition"]
        .to_str()
        .unwrap()
        .starts_with("attachment"));
    let csv = r.text().await.unwrap();
    assert!(csv.starts_with("month,measure,count,note\r\n"), "{csv}");
    assert_eq!(csv.lines().count(), 1 + 12 * 7);
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    assert!(
        csv.contains(&format!("{month},intakes,,suppressed")),
        "{csv}"
    );
    for secret in [rosa.as_str(), late.as_str(), "Rosa", "Late", "carla"] {
        assert!(!csv.contains(secret), "{secret} in the statistics");
    }

    // Nobody else sees it: counsellors, return officers, other organisations.
    for who in ["carla", "olga", "bea"] {
        let c = signed_in(&s, who).await;
        let status = call(&c, &s, "/api/dashboard/summary", &[]).await.status();
        let expected = if who == "bea" { 200 } else { 404 };
        assert_eq!(status, expected, "{who}");
    }
    // The other organisation's supervisor sees her own (empty) figures.
    let bea = signed_in(&s, "bea").await;
    assert_eq!(dashboard(&bea, &s, &[]).await.figures.plans, 0);
    s.stop().await;
}
