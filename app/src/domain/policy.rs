//! Who may see and do what: pure rules, checked by every server function
//! before it does anything else.
//!
//! A refusal on a case is [`Access::NotFound`]: for someone who may not see
//! a case, it does not exist (the same answer as for a case that does not
//! exist); the caller audits the attempt.

use super::org::{OrgKind, Role};
use serde::{Deserialize, Serialize};

/// The signed-in user, as the rules see them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: String,
    pub role: Role,
    pub organisation_id: String,
    pub organisation_kind: OrgKind,
}

/// The sections of a plan; consent to share is given per section.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Client,
    Consent,
    Screening,
    Options,
    Decision,
    Risk,
    Reintegration,
    Travel,
    Milestones,
}

impl Section {
    pub const ALL: [Section; 9] = [
        Section::Client,
        Section::Consent,
        Section::Screening,
        Section::Options,
        Section::Decision,
        Section::Risk,
        Section::Reintegration,
        Section::Travel,
        Section::Milestones,
    ];

    /// What an IOM mission works on after a handover: it may update these
    /// (book travel, track support and milestones) when they are shared.
    pub fn mission_may_update(self) -> bool {
        matches!(
            self,
            Section::Reintegration | Section::Travel | Section::Milestones
        )
    }
}

/// A handover of the plan to an IOM mission.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HandoverFacts {
    pub mission_id: String,
    /// False once withdrawn or closed.
    pub active: bool,
    /// The mission accepted the plan. Before that it reads what was
    /// shared (to decide), but changes nothing: the travel, support and
    /// milestones stay the counselling side's until the mission takes the
    /// plan on.
    pub accepted: bool,
    /// The sections the client consented to share with this mission (the
    /// consent check, with its expiry and withdrawal, is done before).
    pub shared_sections: Vec<Section>,
}

/// What the rules need to know about a case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseFacts {
    pub organisation_id: String,
    pub owner_id: String,
    pub assignee_ids: Vec<String>,
    pub handovers: Vec<HandoverFacts>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CaseAction {
    Read(Section),
    Update(Section),
    /// Sign off the return of a case with high risks.
    ApproveHighRisk,
    /// See who has read or changed the case.
    ReadAccessLog,
    /// Hand the plan over to an IOM mission, answer its questions,
    /// withdraw the handover (the counselling side).
    HandOver,
    /// Accept, reject or question a handover (the mission holding it).
    RespondToHandover,
    /// Make and revoke links to the client's copy of the plan (the
    /// counselling side).
    ShareWithClient,
    /// Put the plan on hold and resume it, record the client's withdrawal
    /// and return, close the plan (the counselling side: the plan is its
    /// case).
    MoveLife,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    Allow,
    /// Refused; answered exactly like a case that does not exist.
    NotFound,
}

impl Access {
    fn from(allowed: bool) -> Access {
        if allowed {
            Access::Allow
        } else {
            Access::NotFound
        }
    }

    pub fn allowed(self) -> bool {
        self == Access::Allow
    }
}

/// May `actor` do `action` on the case described by `case`?
pub fn case_access(actor: &Actor, case: &CaseFacts, action: CaseAction) -> Access {
    let same_org = actor.organisation_id == case.organisation_id;
    let on_case = actor.user_id == case.owner_id || case.assignee_ids.contains(&actor.user_id);
    let allowed = match (actor.organisation_kind, actor.role) {
        // Admins manage users and settings; they never see case content.
        (_, Role::Admin) => false,
        (OrgKind::Counselling, Role::Counsellor) => {
            same_org
                && on_case
                && !matches!(
                    action,
                    CaseAction::ApproveHighRisk | CaseAction::RespondToHandover
                )
        }
        (OrgKind::Counselling, Role::Supervisor) => {
            // Four eyes: a supervisor does not approve a return on a case
            // of their own.
            same_org
                && action != CaseAction::RespondToHandover
                && !(action == CaseAction::ApproveHighRisk && on_case)
        }
        (OrgKind::IomMission, Role::ReturnOfficer | Role::Supervisor) => case
            .handovers
            .iter()
            .filter(|h| h.active && h.mission_id == actor.organisation_id)
            .any(|h| match action {
                CaseAction::Read(s) => h.shared_sections.contains(&s),
                CaseAction::Update(s) => {
                    h.accepted && h.shared_sections.contains(&s) && s.mission_may_update()
                }
                CaseAction::RespondToHandover => true,
                CaseAction::ApproveHighRisk
                | CaseAction::ReadAccessLog
                | CaseAction::HandOver
                | CaseAction::ShareWithClient
                | CaseAction::MoveLife => false,
            }),
        // Roles that cannot exist in that kind of organisation.
        (OrgKind::Counselling, Role::ReturnOfficer) | (OrgKind::IomMission, Role::Counsellor) => {
            false
        }
    };
    Access::from(allowed)
}

/// What can be done to an organisation rather than a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OrgAction {
    /// Create, deactivate, reset and change the role of users.
    ManageUsers,
    /// Read the organisation's audit log.
    ReadAuditLog,
    /// Create cases (counselling organisations only).
    CreateCase,
    /// See the dashboard over all plans and export anonymised statistics
    /// (supervisors of counselling organisations).
    ReadDashboard,
    /// Make the one-time code with which a person sets up an account that
    /// reads cases (supervisors: they read every case of the organisation
    /// already, so the code gives them nothing new; admins never).
    SetUpAccounts,
}

/// May `actor` do `action` in the organisation `organisation_id`?
pub fn org_access(actor: &Actor, organisation_id: &str, action: OrgAction) -> bool {
    if actor.organisation_id != organisation_id {
        return false;
    }
    match action {
        OrgAction::ManageUsers => actor.role == Role::Admin,
        OrgAction::ReadAuditLog => actor.role == Role::Supervisor,
        OrgAction::CreateCase => {
            actor.organisation_kind == OrgKind::Counselling && actor.role == Role::Counsellor
        }
        OrgAction::ReadDashboard => {
            actor.organisation_kind == OrgKind::Counselling && actor.role == Role::Supervisor
        }
        OrgAction::SetUpAccounts => actor.role == Role::Supervisor,
    }
}

/// How an admin's change to an account's credentials or role is carried
/// out, so that no admin ever holds a password that opens cases (issue
/// #16: no back door for admins).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AdminCredential {
    /// The admin sets the password: the account reads no case.
    AdminSets,
    /// The account gets no password from the admin: its holder sets it up
    /// with a one-time code from a supervisor (or the operator).
    HolderSetsUp,
}

/// Who sets the password of an account with `role` made, or reset, by an
/// admin.
pub fn admin_credential(role: Role) -> AdminCredential {
    if role.reads_cases() {
        AdminCredential::HolderSetsUp
    } else {
        AdminCredential::AdminSets
    }
}

/// May an admin change an account's role from `from` to `to`? Not from
/// admin to a role that reads cases: an admin may know that account's
/// password (having set it), so the person gets a new account, set up by
/// them with a supervisor's code.
pub fn admin_may_change_role(from: Role, to: Role) -> bool {
    from.reads_cases() || !to.reads_cases()
}

/// Whether a role must sign in with a second factor. When the
/// installation requires it, it is the roles that see every case of an
/// organisation (supervisors) or manage its people (admins); others may
/// choose it.
pub fn second_factor_mandatory(role: Role, required_by_installation: bool) -> bool {
    required_by_installation && matches!(role, Role::Admin | Role::Supervisor)
}

#[cfg(test)]
mod tests {
    use super::*;
    use CaseAction::*;
    use Section::*;

    const SHELTER: &str = "org-shelter";
    const OTHER_SHELTER: &str = "org-other";
    const MISSION: &str = "org-iom-nl";
    const OTHER_MISSION: &str = "org-iom-be";

    fn actor(id: &str, role: Role, org: &str) -> Actor {
        let kind = if org.starts_with("org-iom") {
            OrgKind::IomMission
        } else {
            OrgKind::Counselling
        };
        Actor {
            user_id: id.into(),
            role,
            organisation_id: org.into(),
            organisation_kind: kind,
        }
    }

    fn case(handover: Option<(&str, bool, Vec<Section>)>) -> CaseFacts {
        CaseFacts {
            organisation_id: SHELTER.into(),
            owner_id: "owner".into(),
            assignee_ids: vec!["colleague".into()],
            handovers: handover
                .into_iter()
                .map(|(m, active, shared)| HandoverFacts {
                    mission_id: m.into(),
                    active,
                    accepted: active,
                    shared_sections: shared,
                })
                .collect(),
        }
    }

    #[test]
    fn counselling_organisation_roles() {
        let c = case(None);
        let table: &[(&str, Role, &str, CaseAction, bool)] = &[
            ("owner", Role::Counsellor, SHELTER, Read(Screening), true),
            ("owner", Role::Counsellor, SHELTER, Update(Risk), true),
            ("owner", Role::Counsellor, SHELTER, ReadAccessLog, true),
            ("owner", Role::Counsellor, SHELTER, ApproveHighRisk, false),
            ("owner", Role::Counsellor, SHELTER, HandOver, true),
            ("owner", Role::Counsellor, SHELTER, RespondToHandover, false),
            ("stranger", Role::Counsellor, SHELTER, HandOver, false),
            ("owner", Role::Counsellor, SHELTER, ShareWithClient, true),
            (
                "stranger",
                Role::Counsellor,
                SHELTER,
                ShareWithClient,
                false,
            ),
            ("sup", Role::Supervisor, SHELTER, ShareWithClient, true),
            ("owner", Role::Counsellor, SHELTER, MoveLife, true),
            ("colleague", Role::Counsellor, SHELTER, MoveLife, true),
            ("stranger", Role::Counsellor, SHELTER, MoveLife, false),
            ("sup", Role::Supervisor, SHELTER, MoveLife, true),
            ("sup", Role::Supervisor, OTHER_SHELTER, MoveLife, false),
            ("adm", Role::Admin, SHELTER, MoveLife, false),
            ("sup", Role::Supervisor, SHELTER, HandOver, true),
            ("sup", Role::Supervisor, SHELTER, RespondToHandover, false),
            ("colleague", Role::Counsellor, SHELTER, Update(Client), true),
            ("stranger", Role::Counsellor, SHELTER, Read(Client), false),
            (
                "owner",
                Role::Counsellor,
                OTHER_SHELTER,
                Read(Client),
                false,
            ),
            ("sup", Role::Supervisor, SHELTER, Read(Screening), true),
            ("sup", Role::Supervisor, SHELTER, Update(Decision), true),
            ("sup", Role::Supervisor, SHELTER, ApproveHighRisk, true),
            ("owner", Role::Supervisor, SHELTER, ApproveHighRisk, false),
            ("owner", Role::Supervisor, SHELTER, Read(Risk), true),
            ("sup", Role::Supervisor, SHELTER, ReadAccessLog, true),
            ("sup", Role::Supervisor, OTHER_SHELTER, Read(Client), false),
            (
                "sup",
                Role::Supervisor,
                OTHER_SHELTER,
                ApproveHighRisk,
                false,
            ),
            ("adm", Role::Admin, SHELTER, Read(Client), false),
            ("adm", Role::Admin, SHELTER, ReadAccessLog, false),
            // An admin who also owns the case (data error) still sees nothing.
            ("owner", Role::Admin, SHELTER, Read(Client), false),
        ];
        for (id, role, org, action, expected) in table {
            let got = case_access(&actor(id, *role, org), &c, *action);
            assert_eq!(got.allowed(), *expected, "{id} {role} of {org}: {action:?}");
        }
    }

    #[test]
    fn a_mission_changes_the_plan_only_once_it_has_accepted_it() {
        let shared = vec![Client, Decision, Travel, Reintegration, Milestones];
        let mut waiting = case(Some((MISSION, true, shared)));
        waiting.handovers[0].accepted = false;
        let ro = actor("ro", Role::ReturnOfficer, MISSION);
        for s in [Travel, Reintegration, Milestones] {
            assert!(
                case_access(&ro, &waiting, Read(s)).allowed(),
                "{s:?}: it reads to decide"
            );
            assert!(
                !case_access(&ro, &waiting, Update(s)).allowed(),
                "{s:?}: not before accepting"
            );
        }
        assert!(case_access(&ro, &waiting, RespondToHandover).allowed());
        waiting.handovers[0].accepted = true;
        for s in [Travel, Reintegration, Milestones] {
            assert!(
                case_access(&ro, &waiting, Update(s)).allowed(),
                "{s:?}: once accepted"
            );
        }
    }

    #[test]
    fn missions_see_only_what_was_handed_over_and_consented() {
        let shared = vec![Client, Decision, Travel, Reintegration];
        let handed = case(Some((MISSION, true, shared.clone())));
        let withdrawn = case(Some((MISSION, false, shared)));
        let not_handed = case(None);
        let ro = actor("ro", Role::ReturnOfficer, MISSION);
        let iom_sup = actor("isup", Role::Supervisor, MISSION);
        let other_ro = actor("ro2", Role::ReturnOfficer, OTHER_MISSION);
        let table: &[(&Actor, &CaseFacts, CaseAction, bool)] = &[
            (&ro, &handed, Read(Client), true),
            (&ro, &handed, Read(Travel), true),
            (&ro, &handed, Update(Travel), true),
            (&ro, &handed, Update(Reintegration), true),
            // Shared but not the mission's to change.
            (&ro, &handed, Update(Decision), false),
            // Not consented.
            (&ro, &handed, Read(Screening), false),
            (&ro, &handed, Read(Risk), false),
            (&ro, &handed, Update(Milestones), false),
            (&ro, &handed, ApproveHighRisk, false),
            (&ro, &handed, ShareWithClient, false),
            // The plan's end is the counselling side's to record.
            (&ro, &handed, MoveLife, false),
            (&iom_sup, &handed, MoveLife, false),
            (&ro, &handed, RespondToHandover, true),
            (&ro, &handed, HandOver, false),
            (&iom_sup, &handed, RespondToHandover, true),
            (&other_ro, &handed, RespondToHandover, false),
            (&ro, &withdrawn, RespondToHandover, false),
            (&ro, &handed, ReadAccessLog, false),
            (&iom_sup, &handed, Read(Client), true),
            (&iom_sup, &handed, Read(Screening), false),
            (&other_ro, &handed, Read(Client), false),
            (&ro, &withdrawn, Read(Client), false),
            (&ro, &not_handed, Read(Client), false),
        ];
        for (a, c, action, expected) in table {
            assert_eq!(
                case_access(a, c, *action).allowed(),
                *expected,
                "{} {:?}",
                a.user_id,
                action
            );
        }
    }

    #[test]
    fn organisation_actions() {
        let table: &[(Role, &str, OrgAction, bool)] = &[
            (Role::Admin, SHELTER, OrgAction::ManageUsers, true),
            (Role::Admin, OTHER_SHELTER, OrgAction::ManageUsers, false),
            (Role::Supervisor, SHELTER, OrgAction::ManageUsers, false),
            (Role::Counsellor, SHELTER, OrgAction::ManageUsers, false),
            (Role::Supervisor, SHELTER, OrgAction::ReadAuditLog, true),
            (
                Role::Supervisor,
                OTHER_SHELTER,
                OrgAction::ReadAuditLog,
                false,
            ),
            (Role::Admin, SHELTER, OrgAction::ReadAuditLog, false),
            (Role::Counsellor, SHELTER, OrgAction::ReadAuditLog, false),
            (Role::Counsellor, SHELTER, OrgAction::CreateCase, true),
            (Role::Supervisor, SHELTER, OrgAction::CreateCase, false),
            (Role::Admin, SHELTER, OrgAction::CreateCase, false),
            (Role::Supervisor, SHELTER, OrgAction::ReadDashboard, true),
            (
                Role::Supervisor,
                OTHER_SHELTER,
                OrgAction::ReadDashboard,
                false,
            ),
            (Role::Counsellor, SHELTER, OrgAction::ReadDashboard, false),
            (Role::Admin, SHELTER, OrgAction::ReadDashboard, false),
            (Role::Supervisor, SHELTER, OrgAction::SetUpAccounts, true),
            (
                Role::Supervisor,
                OTHER_SHELTER,
                OrgAction::SetUpAccounts,
                false,
            ),
            (Role::Admin, SHELTER, OrgAction::SetUpAccounts, false),
            (Role::Counsellor, SHELTER, OrgAction::SetUpAccounts, false),
            (
                Role::ReturnOfficer,
                SHELTER,
                OrgAction::SetUpAccounts,
                false,
            ),
        ];
        for (role, org, action, expected) in table {
            assert_eq!(
                org_access(&actor("u", *role, SHELTER), org, *action),
                *expected,
                "{role} {org} {action:?}"
            );
        }
        let ro = actor("ro", Role::ReturnOfficer, MISSION);
        assert!(!org_access(&ro, MISSION, OrgAction::CreateCase));
        let iom_sup = actor("isup", Role::Supervisor, MISSION);
        assert!(!org_access(&iom_sup, MISSION, OrgAction::ReadDashboard));
    }

    #[test]
    fn nobody_outside_the_organisation_or_handover_sees_anything() {
        // Every role, every action, every section: an actor from an unrelated
        // organisation is refused.
        let c = case(Some((MISSION, true, Section::ALL.to_vec())));
        for role in Role::ALL {
            for org in [OTHER_SHELTER, OTHER_MISSION] {
                let a = actor("owner", role, org);
                for s in Section::ALL {
                    assert_eq!(case_access(&a, &c, Read(s)), Access::NotFound);
                    assert_eq!(case_access(&a, &c, Update(s)), Access::NotFound);
                }
                for action in [
                    ApproveHighRisk,
                    HandOver,
                    RespondToHandover,
                    ReadAccessLog,
                    ShareWithClient,
                    MoveLife,
                ] {
                    assert_eq!(case_access(&a, &c, action), Access::NotFound);
                }
            }
        }
    }

    #[test]
    fn second_factor_is_mandatory_for_admins_and_supervisors_when_required() {
        let table = [
            (Role::Admin, true, true),
            (Role::Supervisor, true, true),
            (Role::Counsellor, true, false),
            (Role::ReturnOfficer, true, false),
            (Role::Admin, false, false),
            (Role::Supervisor, false, false),
        ];
        for (role, required, mandatory) in table {
            assert_eq!(
                second_factor_mandatory(role, required),
                mandatory,
                "{role:?} {required}"
            );
        }
    }

    #[test]
    fn no_admin_holds_a_password_that_opens_cases() {
        use AdminCredential::*;
        for (role, expected) in [
            (Role::Counsellor, HolderSetsUp),
            (Role::ReturnOfficer, HolderSetsUp),
            (Role::Supervisor, HolderSetsUp),
            (Role::Admin, AdminSets),
        ] {
            assert_eq!(admin_credential(role), expected, "{role}");
        }
        for from in Role::ALL {
            for to in Role::ALL {
                let expected = !(from == Role::Admin && to != Role::Admin);
                assert_eq!(admin_may_change_role(from, to), expected, "{from} to {to}");
            }
        }
    }
}
