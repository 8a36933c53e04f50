//! The social map's words on screen: every slug of the record, column
//! and problem, in the page's language.

use crate::domain::directory::{Cost, EntryProblem, OrgType, Service, TargetGroup, Visibility};
use crate::domain::referral::{ReferralPurpose, ReferralStatus};
use crate::i18n::K;

/// A CSV column's name on screen.
pub fn column_key(column: &str) -> Option<K> {
    Some(match column {
        "id" => K::map_col_id,
        "name" => K::map_col_name,
        "local_name" => K::map_col_local_name,
        "acronym" => K::map_col_acronym,
        "org_type" => K::map_col_org_type,
        "network" => K::map_col_network,
        "country" => K::map_col_country,
        "region" => K::map_col_region,
        "city" => K::map_col_city,
        "address" => K::map_col_address,
        "address_confidential" => K::map_col_address_confidential,
        "services" => K::map_col_services,
        "target_groups" => K::map_col_target_groups,
        "nationalities" => K::map_col_nationalities,
        "return_countries" => K::map_col_return_countries,
        "languages" => K::map_col_languages,
        "eligibility" => K::map_col_eligibility,
        "capacity_beds" => K::map_col_capacity_beds,
        "referral_procedure" => K::map_col_referral_procedure,
        "phone" => K::map_col_phone,
        "hotline" => K::map_col_hotline,
        "email" => K::map_col_email,
        "website" => K::map_col_website,
        "secure_channel" => K::map_col_secure_channel,
        "contact_role" => K::map_col_contact_role,
        "opening_hours" => K::map_col_opening_hours,
        "emergency_availability" => K::map_col_emergency_availability,
        "cost" => K::map_col_cost,
        "visibility" => K::map_col_visibility,
        "verified_by" => K::map_col_verified_by,
        "last_verified" => K::map_col_last_verified,
        "source" => K::map_col_source,
        "unverified" => K::map_col_unverified,
        "archived" => K::map_col_archived,
        _ => return None,
    })
}

pub fn service_key(s: Service) -> K {
    match s {
        Service::Identification => K::map_svc_identification,
        Service::ShelterShort => K::map_svc_shelter_short,
        Service::ShelterLong => K::map_svc_shelter_long,
        Service::Medical => K::map_svc_medical,
        Service::MentalHealth => K::map_svc_mental_health,
        Service::LegalAid => K::map_svc_legal_aid,
        Service::ReturnCounselling => K::map_svc_return_counselling,
        Service::AirportReception => K::map_svc_airport_reception,
        Service::FamilyTracing => K::map_svc_family_tracing,
        Service::VocationalTraining => K::map_svc_vocational_training,
        Service::BusinessStartUp => K::map_svc_business_start_up,
        Service::JobPlacement => K::map_svc_job_placement,
        Service::Education => K::map_svc_education,
        Service::Childcare => K::map_svc_childcare,
        Service::Housing => K::map_svc_housing,
        Service::DebtCounselling => K::map_svc_debt_counselling,
        Service::Hotline => K::map_svc_hotline,
        Service::Escort => K::map_svc_escort,
        Service::Coordination => K::map_svc_coordination,
        Service::Outreach => K::map_svc_outreach,
        Service::Reintegration => K::map_svc_reintegration,
    }
}

pub fn group_key(g: TargetGroup) -> K {
    match g {
        TargetGroup::Women => K::map_group_women,
        TargetGroup::Men => K::map_group_men,
        TargetGroup::Children => K::map_group_children,
        TargetGroup::Families => K::map_group_families,
        TargetGroup::Lgbti => K::map_group_lgbti,
        TargetGroup::VotSexual => K::map_group_vot_sexual,
        TargetGroup::VotLabour => K::map_group_vot_labour,
        TargetGroup::VotCriminal => K::map_group_vot_criminal,
        TargetGroup::AsylumSeekers => K::map_group_asylum_seekers,
        TargetGroup::Returnees => K::map_group_returnees,
    }
}

pub fn type_key(t: OrgType) -> K {
    match t {
        OrgType::Ngo => K::map_type_ngo,
        OrgType::Igo => K::map_type_igo,
        OrgType::Government => K::map_type_government,
        OrgType::Health => K::map_type_health,
        OrgType::Legal => K::map_type_legal,
        OrgType::Shelter => K::map_type_shelter,
        OrgType::FaithBased => K::map_type_faith_based,
        OrgType::PoliceNrm => K::map_type_police_nrm,
        OrgType::Hotline => K::map_type_hotline,
    }
}

pub fn cost_key(c: Cost) -> K {
    match c {
        Cost::Free => K::map_cost_free,
        Cost::Fee => K::map_cost_fee,
        Cost::Unknown => K::map_cost_unknown,
    }
}

pub fn visibility_key(v: Visibility) -> K {
    match v {
        Visibility::Public => K::map_visibility_public,
        Visibility::PartnersOnly => K::map_visibility_partners_only,
    }
}

pub fn problem_key(p: EntryProblem) -> K {
    match p {
        EntryProblem::Required => K::map_problem_required,
        EntryProblem::Country => K::map_problem_country,
        EntryProblem::Language => K::map_problem_language,
        EntryProblem::Phone => K::map_problem_phone,
        EntryProblem::Email => K::map_problem_email,
        EntryProblem::Website => K::map_problem_website,
        EntryProblem::Value => K::map_problem_value,
        EntryProblem::Format => K::map_problem_format,
        EntryProblem::FutureDate => K::map_problem_future_date,
        EntryProblem::OpeningHours => K::map_problem_opening_hours,
        EntryProblem::Columns => K::map_problem_columns,
        EntryProblem::Header => K::map_problem_header,
        EntryProblem::DuplicateId => K::map_problem_duplicate_id,
    }
}

/// A change in an entry's history.
pub fn change_key(change: &str) -> Option<K> {
    Some(match change {
        "seed" => K::map_change_seed,
        "create" => K::map_change_create,
        "edit" => K::map_change_edit,
        "verify" => K::map_change_verify,
        "archive" => K::map_change_archive,
        "restore" => K::map_change_restore,
        "import" => K::map_change_import,
        "suggestion.create" => K::map_change_suggestion_create,
        "suggestion.edit" => K::map_change_suggestion_edit,
        _ => return None,
    })
}

pub fn purpose_key(p: ReferralPurpose) -> K {
    match p {
        ReferralPurpose::Support => K::map_ref_purpose_support,
        ReferralPurpose::Reception => K::map_ref_purpose_reception,
        ReferralPurpose::FollowUp => K::map_ref_purpose_follow_up,
    }
}

pub fn status_key(s: ReferralStatus) -> K {
    match s {
        ReferralStatus::Proposed => K::map_ref_status_proposed,
        ReferralStatus::Contacted => K::map_ref_status_contacted,
        ReferralStatus::Accepted => K::map_ref_status_accepted,
        ReferralStatus::Delivered => K::map_ref_status_delivered,
        ReferralStatus::Declined => K::map_ref_status_declined,
    }
}
