// The server function's arguments are the form's fields.
#![allow(clippy::too_many_arguments)]

use crate::domain::referral::{Referral, ReferralRefusal};
use crate::error::AppError;
use leptos::prelude::*;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReferralResult {
    /// Recorded: the plan's referrals now, and the reintegration
    /// section's new version.
    Done {
        version: i64,
        referrals: Vec<Referral>,
    },
    /// Nothing was recorded, for this reason.
    Refused(ReferralRefusal),
}

/// An organisation a plan refers to, with what the counsellor needs to
/// make the referral: contacts, hours and the referral procedure (read
/// from the social map now, not copied into the plan).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReferralContact {
    pub organisation_id: String,
    pub name: String,
    pub city: String,
    pub country: String,
    /// Empty when the address is confidential.
    pub address: String,
    pub address_confidential: bool,
    pub phone: String,
    pub hotline: String,
    pub email: String,
    pub website: String,
    pub secure_channel: String,
    pub contact_role: String,
    pub opening_hours: String,
    pub referral_procedure: String,
    pub partners_only: bool,
    pub stale: bool,
    pub archived: bool,
}

/// Changes a plan's referrals. `op=propose`: refers the client to
/// `organisation_id` for `purpose` (support, reception, follow_up) with
/// `note`. `op=move`: moves referral `referral_id` from status `from` to
/// `to` (one step forward, or declined with a `reason`).
#[server(prefix = "/api", endpoint = "cases/referral")]
pub async fn change_referral(
    code: String,
    op: String,
    #[server(default)] organisation_id: String,
    #[server(default)] purpose: String,
    #[server(default)] note: String,
    #[server(default)] referral_id: String,
    #[server(default)] from: String,
    #[server(default)] to: String,
    #[server(default)] reason: String,
) -> Result<ReferralResult, AppError> {
    crate::server::referrals::change(crate::server::referrals::Change {
        code,
        op,
        organisation_id,
        purpose,
        note,
        referral_id,
        from,
        to,
        reason,
    })
    .await
}
