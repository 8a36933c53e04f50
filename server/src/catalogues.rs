//! `safeplan catalogue`: the ILO indicator lists screenings use.
//!
//! The binary holds part of the adult labour list; the full lists (all
//! four exist in ILO WCMS_105023) are loaded by the operator, word for word
//! and with their grades from the source, as new catalogue versions. A
//! list is refused whole if any of it is wrong; a loaded version is never
//! changed or removed (results name the version they used), and screenings
//! use the newest one from the moment it is loaded, on every instance.

use app::catalog::indicator_list;
use app::store::{AuditOutcome, IndicatorListRow, NewAuditEvent, Store, StoreError};
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum CatalogueCommand {
    /// Load a verified ILO indicator list (JSON, the shape of
    /// app/catalog/ilo_indicators.json) as a new catalogue version.
    LoadIndicators(LoadIndicators),
    /// List the indicator list versions: the one in use first.
    List,
}

#[derive(Debug, Args)]
pub struct LoadIndicators {
    /// The catalogue file.
    #[arg(long)]
    pub file: PathBuf,
    /// Who checked the wording and the grades against the source named in
    /// the file (recorded with the version).
    #[arg(long)]
    pub verified_by: String,
}

pub async fn load_indicators(store: &Store, args: LoadIndicators) -> anyhow::Result<()> {
    let json = std::fs::read_to_string(&args.file).map_err(|e| {
        anyhow::anyhow!(
            "cannot read {}: {e}; nothing was loaded",
            args.file.display()
        )
    })?;
    let verified_by = args.verified_by.trim();
    if verified_by.is_empty() || verified_by.len() > 200 {
        anyhow::bail!(
            "--verified-by names the person who checked the list against its source (1 to 200 characters); nothing was loaded"
        );
    }
    let list = match indicator_list::read(&json, &indicator_list::signal_ids()) {
        Ok(list) => list,
        Err(problems) => anyhow::bail!(
            "{} cannot be loaded; nothing was loaded:\n  - {}",
            args.file.display(),
            problems.join("\n  - ")
        ),
    };
    if list.info.version == app::catalog::ilo().info.version {
        anyhow::bail!(
            "version {} is the list built into this binary; give the loaded list a version of its own. Nothing was loaded",
            list.info.version
        );
    }
    let row = IndicatorListRow {
        version: list.info.version.clone(),
        digest: indicator_list::digest(&json),
        source: list.info.source.clone(),
        verified_by: verified_by.to_string(),
        loaded_at: chrono::Utc::now(),
    };
    let audit = NewAuditEvent {
        at: row.loaded_at,
        ..NewAuditEvent::new("catalogue.indicators.load.cli", AuditOutcome::Allowed)
    };
    match store.add_indicator_list(&row, &json, &audit).await {
        Ok(()) => {}
        Err(StoreError::Taken(_)) => anyhow::bail!(
            "version {} or this very file is loaded already (versions are never replaced: give the list a new version); nothing was loaded",
            row.version
        ),
        Err(e) => return Err(e.into()),
    }
    println!(
        "Loaded ILO indicator list version {} ({}), {}.\nSource: {}\nVerified by: {}\nSHA-256: {}\nScreenings use it from now on; results name the version they were worked out with.",
        row.version,
        if list.info.complete { "complete" } else { "incomplete" },
        indicator_list::summary(&list),
        row.source,
        row.verified_by,
        row.digest,
    );
    Ok(())
}

pub async fn list(store: &Store) -> anyhow::Result<()> {
    let rows = store.indicator_lists().await?;
    let built_in = app::catalog::ilo();
    if rows.is_empty() {
        println!(
            "In use: version {} (built in; {}).",
            built_in.info.version,
            indicator_list::summary(built_in)
        );
        return Ok(());
    }
    for (n, r) in rows.iter().enumerate() {
        println!(
            "{}version {}, loaded {} from {:?}, verified by {}, SHA-256 {}",
            if n == 0 { "In use: " } else { "Earlier: " },
            r.version,
            r.loaded_at.format("%Y-%m-%d %H:%M UTC"),
            r.source,
            r.verified_by,
            r.digest
        );
    }
    println!("Built in: version {}.", built_in.info.version);
    Ok(())
}
