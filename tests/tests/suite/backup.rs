//! The backup drill: a copy of the live SQLite database made while
//! counsellors save, sealed with a key file, restored into a new place and
//! served from there, with every save acknowledged before the copy began in
//! it; a restore never goes over live data; PostgreSQL is copied with its
//! own tools and comes back the same.

use app::api::cases::SaveResult;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tests::{new_case, output_text, run_cli, seed_counsellor, signed_in, Server, TestDb};

/// The content digest a backup or restore printed.
fn digest_in(text: &str) -> String {
    text.split("content digest ")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no digest in {text}"))
        .to_string()
}

fn key_file(dir: &std::path::Path, name: &str) -> std::path::PathBuf {
    let out = std::process::Command::new(tests::server_bin())
        .arg("secret-key")
        .output()
        .unwrap();
    assert!(out.status.success());
    let path = dir.join(name);
    std::fs::write(&path, &out.stdout).unwrap();
    path
}

#[tokio::test]
async fn a_backup_made_while_counsellors_save_restores_and_serves() {
    let db = TestDb::sqlite();
    seed_counsellor(&db).await;
    let server = Server::start(&db.url).await;
    let carla = signed_in(&server, "carla").await;
    let code = new_case(&carla, &server, "Backup drill", "1990").await;
    let dir = tests::workspace_root()
        .join("target/test-output/backup")
        .join(tests::random_suffix());
    std::fs::create_dir_all(&dir).unwrap();
    let key = key_file(&dir, "backup.key");

    // A counsellor saves, again and again; each acknowledged save is noted
    // with the moment it was acknowledged.
    let stop = Arc::new(AtomicBool::new(false));
    let writer = {
        let (stop, carla, code) = (stop.clone(), carla.clone(), code.clone());
        let url = server.url("/api/cases/save");
        let origin = server.base.clone();
        tokio::spawn(async move {
            let mut version = 1;
            let mut acknowledged = Vec::new();
            let mut n = 0;
            while !stop.load(Ordering::Relaxed) {
                n += 1;
                let note = format!("Save number {n}");
                let v = version.to_string();
                let r: SaveResult = carla
                    .post(&url)
                    .header("Origin", &origin)
                    .header("Accept", "application/json")
                    .form(&[
                        ("code", code.as_str()),
                        ("section", "client"),
                        ("version", v.as_str()),
                        ("f[client.alias]", note.as_str()),
                    ])
                    .send()
                    .await
                    .unwrap()
                    .json()
                    .await
                    .unwrap();
                match r {
                    SaveResult::Saved { version: v, .. } => {
                        version = v;
                        acknowledged.push((v, std::time::Instant::now()));
                    }
                    other => panic!("{other:?}"),
                }
            }
            acknowledged
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let started = std::time::Instant::now();
    let sealed = dir.join("safeplan.backup");
    let (db_for_cli, args) = (
        db.url.clone(),
        vec![
            "backup".to_string(),
            "--to".into(),
            sealed.display().to_string(),
            "--key-file".into(),
            key.display().to_string(),
        ],
    );
    let out = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        run_cli(&TestDb::at(&db_for_cli), &args, None)
    })
    .await
    .unwrap();
    let made = output_text(&out);
    assert!(out.status.success(), "{made}");
    assert!(
        made.contains("integrity ok") && made.contains("sealed"),
        "{made}"
    );
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    stop.store(true, Ordering::Relaxed);
    let acknowledged = writer.await.unwrap();
    let before: Vec<i64> = acknowledged
        .iter()
        .filter(|(_, at)| *at < started)
        .map(|(v, _)| *v)
        .collect();
    assert!(
        before.len() >= 2,
        "saves went on before the copy: {before:?}"
    );
    assert!(
        acknowledged.iter().any(|(_, at)| *at > started),
        "and during or after it"
    );
    let bytes = std::fs::read(&sealed).unwrap();
    assert!(
        !bytes.windows(12).any(|w| w == b"Backup drill"),
        "the sealed copy shows no case data"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&sealed).unwrap().permissions().mode();
        assert_eq!(mode & 0o077, 0, "only its owner may read it");
    }

    // Never over live data, never without the right key.
    let out = run_cli(
        &db,
        &[
            "restore",
            "--from",
            &sealed.display().to_string(),
            "--key-file",
            &key.display().to_string(),
        ],
        None,
    );
    assert!(!out.status.success());
    assert!(
        output_text(&out).contains("never over live data"),
        "{}",
        output_text(&out)
    );
    let restored = TestDb::at(&format!("sqlite://{}/restored/safeplan.db", dir.display()));
    let other_key = key_file(&dir, "other.key");
    for wrong in [vec!["--key-file", other_key.to_str().unwrap()], vec![]] {
        let mut args = vec!["restore", "--from", sealed.to_str().unwrap()];
        args.extend(wrong);
        let out = run_cli(&restored, &args, None);
        assert!(!out.status.success(), "{}", output_text(&out));
        assert!(
            !dir.join("restored/safeplan.db").exists(),
            "nothing half-restored"
        );
    }
    let out = run_cli(
        &restored,
        &[
            "restore",
            "--from",
            sealed.to_str().unwrap(),
            "--key-file",
            key.to_str().unwrap(),
        ],
        None,
    );
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    assert_eq!(
        digest_in(&text),
        digest_in(&made),
        "the same content, row for row"
    );
    assert_eq!(
        text.lines()
            .filter(|l| l.starts_with("  "))
            .collect::<Vec<_>>(),
        made.lines()
            .filter(|l| l.starts_with("  "))
            .collect::<Vec<_>>(),
        "the same rows per table"
    );

    // Every save acknowledged before the copy began is in it.
    let copy = restored.store().await;
    let case = copy.case_by_code(&code).await.unwrap().expect("the case");
    let client = copy
        .case_sections(&case.id)
        .await
        .unwrap()
        .into_iter()
        .find(|s| s.section == "client")
        .unwrap();
    assert!(
        client.version >= *before.iter().max().unwrap(),
        "version {} in the copy, {:?} acknowledged before it",
        client.version,
        before
    );
    assert_eq!(copy.integrity_check().await.unwrap(), "ok");
    copy.close().await;

    // And the copy serves: the counsellor signs in and opens her case.
    let from_copy = Server::start(&restored.url).await;
    let carla_again = signed_in(&from_copy, "carla").await;
    let opened = carla_again
        .post(from_copy.url("/api/cases/open"))
        .header("Origin", &from_copy.base)
        .header("Accept", "application/json")
        .form(&[("code", code.as_str())])
        .send()
        .await
        .unwrap();
    assert_eq!(opened.status(), 200);
    from_copy.stop().await;

    // At rest, a copy holds exactly what the live database holds.
    let live = db.store().await;
    let inventory = live.inventory().await.unwrap();
    let plain = dir.join("quiet.backup");
    let out = run_cli(&db, &["backup", "--to", plain.to_str().unwrap()], None);
    let quiet = output_text(&out);
    assert!(out.status.success(), "{quiet}");
    assert_eq!(digest_in(&quiet), inventory.digest);
    let out = run_cli(&db, &["backup", "--to", plain.to_str().unwrap()], None);
    assert!(!out.status.success(), "a backup never overwrites a file");
    // A mistyped database is not made (and then copied) empty.
    let missing = dir.join("missing.db");
    let out = run_cli(
        &TestDb::at(&format!("sqlite://{}", missing.display())),
        &["backup", "--to", dir.join("never.backup").to_str().unwrap()],
        None,
    );
    assert!(!out.status.success());
    assert!(
        output_text(&out).contains("no database"),
        "{}",
        output_text(&out)
    );
    assert!(!missing.exists() && !dir.join("never.backup").exists());
    live.close().await;
    server.stop().await;
}

#[tokio::test]
async fn postgresql_is_copied_with_its_own_tools() {
    let source = TestDb::postgres().await;
    tests::seed_demo(&source);
    let out = run_cli(&source, &["backup", "--to", "/tmp/never-written"], None);
    assert!(!out.status.success());
    assert!(
        output_text(&out).contains("pg_dump"),
        "{}",
        output_text(&out)
    );

    let dir = tests::workspace_root()
        .join("target/test-output/backup")
        .join(tests::random_suffix());
    std::fs::create_dir_all(&dir).unwrap();
    let dump = dir.join("safeplan.pgdump");
    let status = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--file"])
        .arg(&dump)
        .arg(&source.url)
        .status()
        .expect("pg_dump (bash .ci/setup.sh test installs it)");
    assert!(status.success());
    let target = TestDb::postgres().await;
    let status = std::process::Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "--dbname"])
        .arg(&target.url)
        .arg(&dump)
        .status()
        .unwrap();
    assert!(status.success());
    let (a, b) = (source.store().await, target.store().await);
    let (before, after) = (a.inventory().await.unwrap(), b.inventory().await.unwrap());
    assert!(before.rows() > 50, "the demo is there: {before:?}");
    assert_eq!(before, after, "the same rows, table for table");
    a.close().await;
    b.close().await;
}
