//! A supervisor's approval of a high-risk return over HTTP against the real
//! server (domain.md §6.3): the dashboard lists the plan waiting; only a
//! supervisor of the plan's organisation may decide; declining needs a
//! comment the counsellor then reads; approving opens the gate. Each
//! decision is audited and leaves a snapshot of the plan.

use app::api::cases::{ApprovalResult, CaseView};
use app::api::dashboard::DashboardView;
use app::domain::progress::ApprovalRefusal;
use app::domain::risk::Gate;
use app::domain::{OrgKind, Role};
use tests::{
    add_user, ask_for_approval, call, call_ok, make_ready, save_section, section_version,
    signed_in, Server, TestDb, PASSWORD,
};

/// A decision on the risks as they are now.
async fn decide(
    c: &reqwest::Client,
    s: &Server,
    code: &str,
    decision: &str,
    comment: &str,
) -> reqwest::Response {
    // The risk section's version as this caller sees it (0 for those who
    // may not open the case at all).
    let opened = call(c, s, "/api/cases/open", &[("code", code)]).await;
    let version = if opened.status() == 200 {
        let v: CaseView = opened.json().await.unwrap();
        v.sections.get("risk").map_or(0, |m| m.version)
    } else {
        0
    }
    .to_string();
    call(
        c,
        s,
        "/api/cases/approval",
        &[
            ("code", code),
            ("decision", decision),
            ("version", &version),
            ("comment", comment),
        ],
    )
    .await
}

async fn open(c: &reqwest::Client, s: &Server, code: &str) -> CaseView {
    call_ok(c, s, "/api/cases/open", &[("code", code)]).await
}

async fn awaiting(c: &reqwest::Client, s: &Server) -> Vec<String> {
    let d: DashboardView = call_ok(c, s, "/api/dashboard/summary", &[]).await;
    d.figures
        .awaiting_approval
        .into_iter()
        .map(|(code, _)| code)
        .collect()
}

#[tokio::test]
async fn a_supervisor_decides_on_a_high_risk_return() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    for (org, kind, role, name) in [
        ("Shelter A", OrgKind::Counselling, Role::Counsellor, "carla"),
        ("Shelter A", OrgKind::Counselling, Role::Supervisor, "sam"),
        ("Shelter B", OrgKind::Counselling, Role::Supervisor, "bea"),
    ] {
        add_user(&store, org, kind, role, name, PASSWORD).await;
    }
    let olga = add_user(
        &store,
        "IOM NL",
        OrgKind::IomMission,
        Role::ReturnOfficer,
        "olga",
        PASSWORD,
    )
    .await;
    store.close().await;
    let s = Server::start(&db.url).await;
    let (carla, sam, bea) = (
        signed_in(&s, "carla").await,
        signed_in(&s, "sam").await,
        signed_in(&s, "bea").await,
    );
    let r: app::api::cases::NewCaseOutcome = call_ok(
        &carla,
        &s,
        "/api/cases/create",
        &[
            ("alias", "Esther Approval"),
            ("birth_year", "1990"),
            ("nationality", "NG"),
            ("confirm", "on"),
        ],
    )
    .await;
    let app::api::cases::NewCaseOutcome::Created { code } = r else {
        panic!("{r:?}")
    };
    make_ready(&carla, &s, &code, "Esther Approval", &olga.organisation_id).await;
    ask_for_approval(&carla, &s, &code).await;

    // Waiting: on the dashboard, and the handover is blocked by it.
    assert_eq!(awaiting(&sam, &s).await, vec![code.clone()]);
    let v = open(&carla, &s, &code).await;
    assert!(!v.may_approve, "a counsellor does not approve");
    assert_eq!(
        v.file.risk.approval_requested_by.as_deref(),
        Some(v.user_id.as_str()),
        "who asked is recorded"
    );
    assert!(matches!(v.file.gate(v.today), Some(Gate::Blocked(_))));
    assert!(open(&sam, &s, &code).await.may_approve);
    // Until then nothing the gate holds moves on, by any save: booking is
    // refused at its status, a step done needs its evidence.
    let travel = v.file.fields(app::domain::policy::Section::Travel);
    for (moves, field, error) in [
        (
            [("step.T8.status", "in_progress"), ("step.T8.evidence", "")],
            "step.T8.status",
            app::domain::fields::FieldError::GateNotPassed,
        ),
        (
            [("step.T4.status", "done"), ("step.T4.evidence", "  ")],
            "step.T4.evidence",
            app::domain::fields::FieldError::Required,
        ),
    ] {
        let mut fields = travel.clone();
        for (k, v) in moves {
            fields.insert(k.into(), v.into());
        }
        let pairs: Vec<(&str, &str)> = fields
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let version = section_version(&carla, &s, &code, "travel").await;
        let r = save_section(&carla, &s, &code, "travel", version, &pairs).await;
        assert!(
            matches!(&r, app::api::cases::SaveResult::Invalid(p) if p.iter().any(|p| p.field == field && p.error == error)),
            "{field}: {r:?}"
        );
        assert_eq!(section_version(&carla, &s, &code, "travel").await, version);
    }
    // Nor is the departure recorded as a milestone.
    let today = v.today.to_string();
    let version = section_version(&carla, &s, &code, "milestones").await;
    let r = save_section(
        &carla,
        &s,
        &code,
        "milestones",
        version,
        &[
            ("ms.M11.status", "done"),
            ("ms.M11.done_on", today.as_str()),
        ],
    )
    .await;
    assert!(
        matches!(&r, app::api::cases::SaveResult::Invalid(p) if p.iter().any(|p| {
            p.field == "ms.M11.done_on"
                && p.error == app::domain::fields::FieldError::GateNotPassedThatDay
        })),
        "{r:?}"
    );
    assert_eq!(
        section_version(&carla, &s, &code, "milestones").await,
        version
    );

    // Only the organisation's supervisors: for anyone else the plan does
    // not exist, and nothing changes.
    assert_eq!(decide(&carla, &s, &code, "approve", "").await.status(), 404);
    assert_eq!(decide(&bea, &s, &code, "approve", "").await.status(), 404);
    assert_eq!(awaiting(&sam, &s).await, vec![code.clone()]);
    // A decision that is neither: refused as bad input.
    assert_eq!(decide(&sam, &s, &code, "maybe", "").await.status(), 422);

    // Declining needs a reason.
    let r: ApprovalResult = decide(&sam, &s, &code, "decline", "  ")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r, ApprovalResult::Refused(ApprovalRefusal::CommentRequired));
    assert!(open(&carla, &s, &code)
        .await
        .file
        .risk
        .supervisor_refusal
        .is_none());
    let r: ApprovalResult = decide(
        &sam,
        &s,
        &code,
        "decline",
        "No shelter on arrival is confirmed yet.",
    )
    .await
    .json()
    .await
    .unwrap();
    assert_eq!(r, ApprovalResult::Decided { approved: false });
    // The counsellor reads why; the request is closed.
    let v = open(&carla, &s, &code).await;
    let refusal = v.file.risk.supervisor_refusal.clone().expect("declined");
    assert_eq!(refusal.comment, "No shelter on arrival is confirmed yet.");
    assert_eq!(v.file.risk.approval_requested_on, None);
    assert!(awaiting(&sam, &s).await.is_empty());
    let r: ApprovalResult = decide(&sam, &s, &code, "approve", "")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        r,
        ApprovalResult::Refused(ApprovalRefusal::NotAwaiting),
        "nothing is asked for now"
    );

    // The counsellor arranges the shelter and asks again; a decision on
    // the risks as they were before is a conflict, and changes nothing.
    let stale = section_version(&sam, &s, &code, "risk").await.to_string();
    ask_for_approval(&carla, &s, &code).await;
    let r = call(
        &sam,
        &s,
        "/api/cases/approval",
        &[
            ("code", code.as_str()),
            ("decision", "approve"),
            ("version", stale.as_str()),
            ("comment", ""),
        ],
    )
    .await;
    assert_eq!(r.status(), 409);
    assert_eq!(awaiting(&sam, &s).await, vec![code.clone()]);
    assert_eq!(awaiting(&sam, &s).await, vec![code.clone()]);
    let r: ApprovalResult = decide(&sam, &s, &code, "approve", "Shelter confirmed.")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r, ApprovalResult::Decided { approved: true });
    let v = open(&carla, &s, &code).await;
    assert_eq!(v.file.gate(v.today), Some(Gate::Passed));
    assert!(v.file.risk.supervisor_refusal.is_none());
    assert_eq!(
        v.file.risk.supervisor_approval.map(|a| a.comment),
        Some("Shelter confirmed.".to_string())
    );
    assert!(awaiting(&sam, &s).await.is_empty());
    // Asking once more by form post, with nothing left to ask for: the
    // same check as the button, a problem at the field, nothing saved.
    let v = open(&carla, &s, &code).await;
    let mut risk = v.file.fields(app::domain::policy::Section::Risk);
    let yesterday = v.today.pred_opt().unwrap().to_string();
    risk.insert("risk.approval_requested_on".into(), yesterday);
    let pairs: Vec<(&str, &str)> = risk.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let version = section_version(&carla, &s, &code, "risk").await;
    let r = save_section(&carla, &s, &code, "risk", version, &pairs).await;
    assert!(
        matches!(&r, app::api::cases::SaveResult::Invalid(p) if p.iter().any(|p| {
            p.field == "risk.approval_requested_on"
                && p.error == app::domain::fields::FieldError::NotNeeded
        })),
        "{r:?}"
    );
    assert_eq!(section_version(&carla, &s, &code, "risk").await, version);
    assert_eq!(open(&carla, &s, &code).await.file, v.file, "nothing saved");
    // The plan can be handed over now.
    let r = call(
        &carla,
        &s,
        "/api/handovers/hand_over",
        &[("code", code.as_str()), ("note", "")],
    )
    .await;
    let outcome: app::api::handovers::HandOverOutcome = r.json().await.unwrap();
    assert_eq!(outcome, app::api::handovers::HandOverOutcome::HandedOver);

    // Audited, with the refusals, and a snapshot at each decision.
    let store = db.store().await;
    let log = store
        .audit_page(&app::store::AuditQuery {
            case_code: Some(code.clone()),
            action_prefix: Some("case.risk.".into()),
            page_size: 50,
            ..Default::default()
        })
        .await
        .unwrap();
    let mut actions: Vec<(String, String)> = log
        .entries
        .iter()
        .map(|e| (e.event.action.clone(), e.event.outcome.clone()))
        .collect();
    actions.sort();
    assert_eq!(
        actions,
        vec![
            ("case.risk.approval".into(), "denied".into()),
            ("case.risk.approval".into(), "denied".into()),
            // The counsellor asked, twice (before each decision), each
            // time with the partner's confirmation recorded.
            ("case.risk.approval_request".into(), "allowed".into()),
            ("case.risk.approval_request".into(), "allowed".into()),
            ("case.risk.approve".into(), "allowed".into()),
            ("case.risk.decline".into(), "allowed".into()),
            ("case.risk.origin_confirm".into(), "allowed".into()),
            ("case.risk.origin_confirm".into(), "allowed".into()),
        ]
    );
    let case = store.case_by_code(&code).await.unwrap().unwrap();
    let reasons: Vec<String> = store
        .case_snapshots(&case.id)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.reason)
        .collect();
    for r in ["approval.decline", "approval.approve"] {
        assert!(reasons.iter().any(|x| x == r), "{r} in {reasons:?}");
    }
    store.close().await;
    assert!(!s.log_text().contains("Esther"));
    s.stop().await;
}

/// Records the origin partner's confirmation at the risk section's
/// current version.
async fn confirm_origin(
    c: &reqwest::Client,
    s: &Server,
    code: &str,
    partner: &str,
    on: &str,
) -> ApprovalResult {
    let version = section_version(c, s, code, "risk").await.to_string();
    call_ok(
        c,
        s,
        "/api/cases/confirm_origin",
        &[
            ("code", code),
            ("version", &version),
            ("partner", partner),
            ("on", on),
        ],
    )
    .await
}

/// Both sign-offs of a high-risk return belong to the assessment they were
/// given for: a change to the risks clears the supervisor's approval and
/// the origin partner's confirmation (and the request that led to the
/// approval), the plan says both must be asked again, and the gate holds
/// until they are. A confirmation is refused for a day before the
/// assessment, without a name or date, or on risks changed since they
/// were read; a form posted without WASM goes back to the risk step.
async fn sign_offs_belong_to_the_assessment_they_were_given_for(db: TestDb) {
    use app::domain::fields::{FieldError, Problem};
    use app::domain::risk::GateMissing;
    let store = db.store().await;
    for (role, name) in [(Role::Counsellor, "carla"), (Role::Supervisor, "sam")] {
        add_user(
            &store,
            "Shelter A",
            OrgKind::Counselling,
            role,
            name,
            PASSWORD,
        )
        .await;
    }
    let olga = add_user(
        &store,
        "IOM NL",
        OrgKind::IomMission,
        Role::ReturnOfficer,
        "olga",
        PASSWORD,
    )
    .await;
    store.close().await;
    let s = Server::start(&db.url).await;
    let (carla, sam) = (signed_in(&s, "carla").await, signed_in(&s, "sam").await);
    let r: app::api::cases::NewCaseOutcome = call_ok(
        &carla,
        &s,
        "/api/cases/create",
        &[
            ("alias", "Esther Signoff"),
            ("birth_year", "1990"),
            ("nationality", "NG"),
            ("confirm", "on"),
        ],
    )
    .await;
    let app::api::cases::NewCaseOutcome::Created { code } = r else {
        panic!("{r:?}")
    };
    make_ready(&carla, &s, &code, "Esther Signoff", &olga.organisation_id).await;
    ask_for_approval(&carla, &s, &code).await;
    let r: ApprovalResult = decide(&sam, &s, &code, "approve", "")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r, ApprovalResult::Decided { approved: true });
    let v = open(&carla, &s, &code).await;
    let today = v.today;
    assert_eq!(v.file.gate(today), Some(Gate::Passed));

    // The counsellor changes a risk, as the browser's form sends it (no
    // sign-off fields): both sign-offs are gone, and the plan says so.
    let mut risk = v.file.fields(app::domain::policy::Section::Risk);
    for k in [
        "risk.origin_partner",
        "risk.origin_confirmed_on",
        "risk.approval_requested_on",
    ] {
        risk.remove(k);
    }
    risk.insert(
        "risk.0.description".into(),
        "The recruiter moved to the capital".into(),
    );
    let pairs: Vec<(&str, &str)> = risk.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let version = section_version(&carla, &s, &code, "risk").await;
    let r = save_section(&carla, &s, &code, "risk", version, &pairs).await;
    assert!(
        matches!(r, app::api::cases::SaveResult::Saved { .. }),
        "{r:?}"
    );
    let v = open(&carla, &s, &code).await;
    assert_eq!(v.file.risk.supervisor_approval, None);
    assert_eq!(v.file.risk.origin_confirmed_on, None);
    assert_eq!(
        v.file.risk.approval_requested_on, None,
        "asked again, not carried over"
    );
    assert_eq!(v.file.risk.still_cleared(), Some((today, true, true)));
    assert_eq!(
        v.file.gate(today),
        Some(Gate::Blocked(vec![
            GateMissing::SupervisorApproval,
            GateMissing::OriginPartnerConfirmation
        ]))
    );
    assert!(
        awaiting(&sam, &s).await.is_empty(),
        "nothing waits until asked"
    );
    let r: ApprovalResult = decide(&sam, &s, &code, "approve", "")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r, ApprovalResult::Refused(ApprovalRefusal::NotAwaiting));

    // Refused confirmations keep nothing.
    let version = section_version(&carla, &s, &code, "risk").await;
    let assessed = v.file.risk.assessment.as_ref().unwrap().assessed_on;
    let before_it = assessed.pred_opt().unwrap().to_string();
    let refused = [
        (
            confirm_origin(&carla, &s, &code, "Partner in Benin City", &before_it).await,
            vec![("risk.origin_confirmed_on", FieldError::BeforeAssessment)],
        ),
        (
            confirm_origin(&carla, &s, &code, "  ", "").await,
            vec![
                ("risk.origin_partner", FieldError::Required),
                ("risk.origin_confirmed_on", FieldError::Required),
            ],
        ),
        (
            confirm_origin(
                &carla,
                &s,
                &code,
                "Partner",
                &today.succ_opt().unwrap().to_string(),
            )
            .await,
            vec![("risk.origin_confirmed_on", FieldError::Future)],
        ),
    ];
    for (got, want) in refused {
        let want: Vec<Problem> = want
            .into_iter()
            .map(|(field, error)| Problem {
                field: field.into(),
                error,
            })
            .collect();
        assert_eq!(got, ApprovalResult::OriginInvalid(want));
    }
    assert_eq!(section_version(&carla, &s, &code, "risk").await, version);
    // The risks as read before the change: a conflict, nothing recorded.
    let r = call(
        &carla,
        &s,
        "/api/cases/confirm_origin",
        &[
            ("code", code.as_str()),
            ("version", &(version - 1).to_string()),
            ("partner", "Partner"),
            ("on", &today.to_string()),
        ],
    )
    .await;
    assert_eq!(r.status(), 409);
    // The IOM mission, which has not got the plan: no such case.
    let olga_c = signed_in(&s, "olga").await;
    let r = call(
        &olga_c,
        &s,
        "/api/cases/confirm_origin",
        &[
            ("code", code.as_str()),
            ("version", &version.to_string()),
            ("partner", "Partner"),
            ("on", &today.to_string()),
        ],
    )
    .await;
    assert_eq!(r.status(), 404);
    // Without WASM the form goes back to the risk step, saying how it went.
    let post = |on: String| {
        carla
            .post(s.url("/api/cases/confirm_origin"))
            .header("Origin", &s.base)
            .header("Accept", "text/html,application/xhtml+xml")
            .form(&[
                ("code", code.clone()),
                ("version", version.to_string()),
                ("partner", "Partner shelter in Benin City".to_string()),
                ("on", on),
            ])
            .send()
    };
    let r = post(before_it.clone()).await.unwrap();
    assert!(r.status().is_redirection(), "status {}", r.status());
    assert_eq!(
        r.headers()["location"],
        format!("/cases/{code}/risk?approval=origin_invalid").as_str()
    );
    assert_eq!(section_version(&carla, &s, &code, "risk").await, version);
    let r = post(today.to_string()).await.unwrap();
    assert_eq!(
        r.headers()["location"],
        format!("/cases/{code}/risk?approval=origin_confirmed").as_str()
    );
    let v = open(&carla, &s, &code).await;
    assert_eq!(v.file.risk.origin_partner, "Partner shelter in Benin City");
    assert_eq!(v.file.risk.origin_confirmed_on, Some(today));
    assert_eq!(v.file.risk.still_cleared(), Some((today, true, false)));
    assert_eq!(
        v.file.gate(today),
        Some(Gate::Blocked(vec![GateMissing::SupervisorApproval]))
    );
    // Asked again and approved: the gate opens, nothing is left to ask.
    let version = section_version(&carla, &s, &code, "risk").await;
    let asked: ApprovalResult = call_ok(
        &carla,
        &s,
        "/api/cases/request_approval",
        &[("code", code.as_str()), ("version", &version.to_string())],
    )
    .await;
    assert_eq!(asked, ApprovalResult::Requested);
    let r: ApprovalResult = decide(&sam, &s, &code, "approve", "")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r, ApprovalResult::Decided { approved: true });
    let v = open(&carla, &s, &code).await;
    assert_eq!(v.file.gate(today), Some(Gate::Passed));
    assert_eq!(v.file.risk.still_cleared(), None);
    assert!(!s.log_text().contains("Esther"));
    s.stop().await;
}

mod sign_offs {
    #[tokio::test]
    async fn on_sqlite() {
        super::sign_offs_belong_to_the_assessment_they_were_given_for(tests::TestDb::sqlite())
            .await;
    }

    #[tokio::test]
    async fn on_postgres() {
        super::sign_offs_belong_to_the_assessment_they_were_given_for(
            tests::TestDb::postgres().await,
        )
        .await;
    }
}

/// A budget checked against a cap the catalogue does not know (a child
/// returning with her mother) is not a blank cheque: the handover is
/// refused until a supervisor of the organisation accepts the budget as it
/// stands, saying why (never the counsellor, nor on a case of their own);
/// the acceptance is audited, leaves a snapshot, and a change to the
/// budget asks for it again (issue #15, item 3).
async fn a_budget_against_an_unknown_cap_waits_for_a_supervisor(db: TestDb) {
    use app::api::handovers::HandOverOutcome;
    use app::domain::plan::Missing;
    let store = db.store().await;
    for (role, name) in [(Role::Counsellor, "carla"), (Role::Supervisor, "sam")] {
        add_user(
            &store,
            "Shelter A",
            OrgKind::Counselling,
            role,
            name,
            PASSWORD,
        )
        .await;
    }
    let olga = add_user(
        &store,
        "IOM NL",
        OrgKind::IomMission,
        Role::ReturnOfficer,
        "olga",
        PASSWORD,
    )
    .await;
    store.close().await;
    let s = Server::start(&db.url).await;
    let (carla, sam) = (signed_in(&s, "carla").await, signed_in(&s, "sam").await);
    let r: app::api::cases::NewCaseOutcome = call_ok(
        &carla,
        &s,
        "/api/cases/create",
        &[
            ("alias", "Joy Budget"),
            ("birth_year", "1990"),
            ("nationality", "NG"),
            ("confirm", "on"),
        ],
    )
    .await;
    let app::api::cases::NewCaseOutcome::Created { code } = r else {
        panic!("{r:?}");
    };
    make_ready(&carla, &s, &code, "Joy Budget", &olga.organisation_id).await;
    // Her child comes with her: the programme's cap for a minor with the
    // family is not known.
    let v = open(&carla, &s, &code).await;
    let mut reint = v.file.fields(app::domain::policy::Section::Reintegration);
    for (k, value) in [
        ("person.1.kind", "minor_with_family"),
        ("line.1.category", "social"),
        ("line.1.description", "School fees"),
        ("line.1.amount", "900"),
        ("line.1.form", "in_kind"),
        ("line.1.person", "1"),
    ] {
        reint.insert(k.into(), value.into());
    }
    let pairs: Vec<(&str, &str)> = reint
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let version = v.sections["reintegration"].version;
    let saved = save_section(&carla, &s, &code, "reintegration", version, &pairs).await;
    assert!(
        matches!(saved, app::api::cases::SaveResult::Saved { .. }),
        "{saved:?}"
    );

    let hand_over = || async {
        call_ok::<HandOverOutcome>(
            &carla,
            &s,
            "/api/handovers/hand_over",
            &[("code", code.as_str()), ("note", "")],
        )
        .await
    };
    assert_eq!(
        hand_over().await,
        HandOverOutcome::Missing(vec![Missing::BudgetNotAccepted])
    );
    let accept = |c: &reqwest::Client, comment: &'static str| {
        let (c, s, code) = (c.clone(), &s, code.clone());
        async move {
            let version = section_version(&c, s, &code, "reintegration")
                .await
                .to_string();
            call(
                &c,
                s,
                "/api/cases/accept_budget",
                &[
                    ("code", code.as_str()),
                    ("version", &version),
                    ("comment", comment),
                ],
            )
            .await
        }
    };
    // Not the counsellor's to accept: as for a case she may not know.
    assert_eq!(accept(&carla, "I checked it").await.status(), 404);
    let r: ApprovalResult = accept(&sam, " ").await.json().await.unwrap();
    assert_eq!(r, ApprovalResult::Refused(ApprovalRefusal::CommentRequired));
    // A budget read before it changed is not the one accepted.
    let stale = call(
        &sam,
        &s,
        "/api/cases/accept_budget",
        &[("code", code.as_str()), ("version", "1"), ("comment", "ok")],
    )
    .await;
    assert_eq!(stale.status(), 409);
    let r: ApprovalResult = accept(&sam, "School fees as the school quoted them")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(r, ApprovalResult::BudgetAccepted);
    let v = open(&carla, &s, &code).await;
    assert!(v.file.budget_accepted());
    assert!(v.versions.iter().any(|v| v.reason == "budget.accept"));
    let store = db.store().await;
    assert!(
        store
            .recent_audit(50)
            .await
            .unwrap()
            .iter()
            .any(|e| e.action == "case.budget.accept"
                && e.case_code.as_deref() == Some(code.as_str()))
    );
    store.close().await;
    // The reintegration step says so to the counsellor.
    let page = tests::page_text(&carla, &s, &format!("/cases/{code}/reintegration")).await;
    assert!(page.contains(r#"id="budget-accepted""#), "{page}");
    // A larger amount is another budget: asked for again.
    let mut reint = v.file.fields(app::domain::policy::Section::Reintegration);
    reint.insert("line.1.amount".into(), "1900".into());
    let pairs: Vec<(&str, &str)> = reint
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    let version = v.sections["reintegration"].version;
    let saved = save_section(&carla, &s, &code, "reintegration", version, &pairs).await;
    assert!(
        matches!(saved, app::api::cases::SaveResult::Saved { .. }),
        "{saved:?}"
    );
    assert_eq!(
        hand_over().await,
        HandOverOutcome::Missing(vec![Missing::BudgetNotAccepted])
    );
    let page = tests::page_text(&carla, &s, &format!("/cases/{code}/reintegration")).await;
    assert!(page.contains(r#"id="budget-changed""#), "{page}");
    let r: ApprovalResult = accept(&sam, "Agreed with IOM").await.json().await.unwrap();
    assert_eq!(r, ApprovalResult::BudgetAccepted);
    assert_eq!(hand_over().await, HandOverOutcome::HandedOver);
    s.stop().await;
}

mod budget_acceptance {
    #[tokio::test]
    async fn on_sqlite() {
        super::a_budget_against_an_unknown_cap_waits_for_a_supervisor(tests::TestDb::sqlite())
            .await;
    }

    #[tokio::test]
    async fn on_postgres() {
        super::a_budget_against_an_unknown_cap_waits_for_a_supervisor(
            tests::TestDb::postgres().await,
        )
        .await;
    }
}
