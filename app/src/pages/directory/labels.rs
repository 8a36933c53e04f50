//! The social map's words on screen: every slug of the record, column
//! and problem, in the page's language.

use crate::domain::directory::{Cost, EntryProblem, OrgType, Service, TargetGroup, Visibility};
use crate::domain::referral::{ReferralPurpose, ReferralStatus};
use crate::i18n::map::MK;

/// A CSV column's name on screen.
pub fn column_key(column: &str) -> Option<MK> {
    Some(match column {
        "id" => MK::col_id,
        "name" => MK::col_name,
        "local_name" => MK::col_local_name,
        "acronym" => MK::col_acronym,
        "org_type" => MK::col_org_type,
        "network" => MK::col_network,
        "country" => MK::col_country,
        "region" => MK::col_region,
        "city" => MK::col_city,
        "address" => MK::col_address,
        "address_confidential" => MK::col_address_confidential,
        "services" => MK::col_services,
        "target_groups" => MK::col_target_groups,
        "nationalities" => MK::col_nationalities,
        "return_countries" => MK::col_return_countries,
        "languages" => MK::col_languages,
        "eligibility" => MK::col_eligibility,
        "capacity_beds" => MK::col_capacity_beds,
        "referral_procedure" => MK::col_referral_procedure,
        "phone" => MK::col_phone,
        "hotline" => MK::col_hotline,
        "email" => MK::col_email,
        "website" => MK::col_website,
        "secure_channel" => MK::col_secure_channel,
        "contact_role" => MK::col_contact_role,
        "opening_hours" => MK::col_opening_hours,
        "emergency_availability" => MK::col_emergency_availability,
        "cost" => MK::col_cost,
        "visibility" => MK::col_visibility,
        "verified_by" => MK::col_verified_by,
        "last_verified" => MK::col_last_verified,
        "source" => MK::col_source,
        "unverified" => MK::col_unverified,
        "archived" => MK::col_archived,
        "version" => MK::col_version,
        _ => return None,
    })
}

pub fn service_key(s: Service) -> MK {
    match s {
        Service::Identification => MK::svc_identification,
        Service::ShelterShort => MK::svc_shelter_short,
        Service::ShelterLong => MK::svc_shelter_long,
        Service::Medical => MK::svc_medical,
        Service::MentalHealth => MK::svc_mental_health,
        Service::LegalAid => MK::svc_legal_aid,
        Service::ReturnCounselling => MK::svc_return_counselling,
        Service::AirportReception => MK::svc_airport_reception,
        Service::FamilyTracing => MK::svc_family_tracing,
        Service::VocationalTraining => MK::svc_vocational_training,
        Service::BusinessStartUp => MK::svc_business_start_up,
        Service::JobPlacement => MK::svc_job_placement,
        Service::Education => MK::svc_education,
        Service::Childcare => MK::svc_childcare,
        Service::Housing => MK::svc_housing,
        Service::DebtCounselling => MK::svc_debt_counselling,
        Service::Hotline => MK::svc_hotline,
        Service::Escort => MK::svc_escort,
        Service::Coordination => MK::svc_coordination,
        Service::Outreach => MK::svc_outreach,
        Service::Reintegration => MK::svc_reintegration,
    }
}

pub fn group_key(g: TargetGroup) -> MK {
    match g {
        TargetGroup::Women => MK::group_women,
        TargetGroup::Men => MK::group_men,
        TargetGroup::Children => MK::group_children,
        TargetGroup::Families => MK::group_families,
        TargetGroup::Lgbti => MK::group_lgbti,
        TargetGroup::VotSexual => MK::group_vot_sexual,
        TargetGroup::VotLabour => MK::group_vot_labour,
        TargetGroup::VotCriminal => MK::group_vot_criminal,
        TargetGroup::AsylumSeekers => MK::group_asylum_seekers,
        TargetGroup::Returnees => MK::group_returnees,
    }
}

pub fn type_key(t: OrgType) -> MK {
    match t {
        OrgType::Ngo => MK::type_ngo,
        OrgType::Igo => MK::type_igo,
        OrgType::Government => MK::type_government,
        OrgType::Health => MK::type_health,
        OrgType::Legal => MK::type_legal,
        OrgType::Shelter => MK::type_shelter,
        OrgType::FaithBased => MK::type_faith_based,
        OrgType::PoliceNrm => MK::type_police_nrm,
        OrgType::Hotline => MK::type_hotline,
    }
}

pub fn cost_key(c: Cost) -> MK {
    match c {
        Cost::Free => MK::cost_free,
        Cost::Fee => MK::cost_fee,
        Cost::Unknown => MK::cost_unknown,
    }
}

pub fn visibility_key(v: Visibility) -> MK {
    match v {
        Visibility::Public => MK::visibility_public,
        Visibility::PartnersOnly => MK::visibility_partners_only,
    }
}

pub fn problem_key(p: EntryProblem) -> MK {
    match p {
        EntryProblem::Required => MK::problem_required,
        EntryProblem::Country => MK::problem_country,
        EntryProblem::Language => MK::problem_language,
        EntryProblem::Phone => MK::problem_phone,
        EntryProblem::Email => MK::problem_email,
        EntryProblem::Website => MK::problem_website,
        EntryProblem::Value => MK::problem_value,
        EntryProblem::Format => MK::problem_format,
        EntryProblem::FutureDate => MK::problem_future_date,
        EntryProblem::OpeningHours => MK::problem_opening_hours,
        EntryProblem::Columns => MK::problem_columns,
        EntryProblem::Header => MK::problem_header,
        EntryProblem::DuplicateId => MK::problem_duplicate_id,
        EntryProblem::Encoding => MK::problem_encoding,
        EntryProblem::VersionMissing => MK::problem_version_missing,
        EntryProblem::ChangedSinceExport => MK::problem_changed_since_export,
    }
}

/// A change in an entry's history.
pub fn change_key(change: &str) -> Option<MK> {
    Some(match change {
        "seed" => MK::change_seed,
        "create" => MK::change_create,
        "edit" => MK::change_edit,
        "verify" => MK::change_verify,
        "archive" => MK::change_archive,
        "restore" => MK::change_restore,
        "import" => MK::change_import,
        "suggestion.create" => MK::change_suggestion_create,
        "suggestion.edit" => MK::change_suggestion_edit,
        _ => return None,
    })
}

pub fn purpose_key(p: ReferralPurpose) -> MK {
    match p {
        ReferralPurpose::Support => MK::ref_purpose_support,
        ReferralPurpose::Reception => MK::ref_purpose_reception,
        ReferralPurpose::FollowUp => MK::ref_purpose_follow_up,
    }
}

pub fn status_key(s: ReferralStatus) -> MK {
    match s {
        ReferralStatus::Proposed => MK::ref_status_proposed,
        ReferralStatus::Contacted => MK::ref_status_contacted,
        ReferralStatus::Accepted => MK::ref_status_accepted,
        ReferralStatus::Delivered => MK::ref_status_delivered,
        ReferralStatus::Declined => MK::ref_status_declined,
    }
}
