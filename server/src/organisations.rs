//! `safeplan organisation time-zone`: sets the time zone an organisation's
//! plans are reckoned in ("today" for consent, expiry, overdue and stale
//! is the date on its wall; Europe/Amsterdam unless set).
//! `safeplan organisation retention`: how long it keeps a closed plan.

use app::domain::clock::Clock;
use app::store::{AuditOutcome, NewAuditEvent, Store};
use clap::{Args, Subcommand};

#[derive(Debug, Subcommand)]
pub enum OrganisationCommand {
    /// Set the organisation's time zone (an IANA name, e.g. Europe/Brussels).
    TimeZone(SetTimeZone),
    /// Set how many months the organisation keeps a closed plan before it
    /// is due for erasure (60 unless set).
    Retention(SetRetention),
}

#[derive(Debug, Args)]
pub struct SetRetention {
    /// Name of the organisation.
    #[arg(long)]
    pub organisation: String,
    /// Months from the day a plan is closed, 1 to 600.
    #[arg(long)]
    pub months: u32,
}

pub async fn set_retention(store: &Store, args: SetRetention) -> anyhow::Result<()> {
    if !(1..=600).contains(&args.months) {
        anyhow::bail!(
            "{} months is not a retention period this server keeps (1 to 600); nothing was changed",
            args.months
        );
    }
    let Some(org) = store.organisation_by_name(&args.organisation).await? else {
        anyhow::bail!(
            "no organisation named {:?}; nothing was changed",
            args.organisation
        );
    };
    let audit = NewAuditEvent {
        organisation_id: Some(org.id.clone()),
        ..NewAuditEvent::new("organisation.retention.cli", AuditOutcome::Allowed)
    };
    store
        .set_organisation_retention(&org.id, args.months, audit)
        .await?;
    println!(
        "{}: closed plans are now kept {} months from the day they close (was {}).",
        org.name, args.months, org.retention_months
    );
    Ok(())
}

#[derive(Debug, Args)]
pub struct SetTimeZone {
    /// Name of the organisation.
    #[arg(long)]
    pub organisation: String,
    /// IANA time zone, e.g. Europe/Amsterdam.
    #[arg(long)]
    pub zone: String,
}

pub async fn set_time_zone(store: &Store, args: SetTimeZone) -> anyhow::Result<()> {
    let Some(clock) = Clock::named(&args.zone) else {
        anyhow::bail!(
            "{:?} is not a time zone this server knows (an IANA name such as Europe/Amsterdam); nothing was changed",
            args.zone
        );
    };
    let Some(org) = store.organisation_by_name(&args.organisation).await? else {
        anyhow::bail!(
            "no organisation named {:?}; nothing was changed",
            args.organisation
        );
    };
    let audit = NewAuditEvent {
        organisation_id: Some(org.id.clone()),
        ..NewAuditEvent::new("organisation.time_zone.cli", AuditOutcome::Allowed)
    };
    store.set_organisation_clock(&org.id, clock, audit).await?;
    println!(
        "{}: dates are now judged on {} time (was {}).",
        org.name,
        clock.zone_name(),
        org.clock.zone_name()
    );
    Ok(())
}
