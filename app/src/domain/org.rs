//! Organisations and roles.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The kind of organisation a user belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgKind {
    /// A shelter, NGO or reception centre that counsels clients.
    Counselling,
    /// An IOM mission (one per country) that receives handed-over plans.
    IomMission,
}

/// What a user may do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Counsellor,
    ReturnOfficer,
    Supervisor,
    Admin,
}

impl OrgKind {
    pub const ALL: [OrgKind; 2] = [OrgKind::Counselling, OrgKind::IomMission];

    pub fn as_str(self) -> &'static str {
        match self {
            OrgKind::Counselling => "counselling",
            OrgKind::IomMission => "iom_mission",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            OrgKind::Counselling => "counselling organisation",
            OrgKind::IomMission => "IOM mission",
        }
    }
}

impl Role {
    pub const ALL: [Role; 4] = [
        Role::Counsellor,
        Role::ReturnOfficer,
        Role::Supervisor,
        Role::Admin,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Counsellor => "counsellor",
            Role::ReturnOfficer => "return_officer",
            Role::Supervisor => "supervisor",
            Role::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Counsellor => "counsellor",
            Role::ReturnOfficer => "return officer",
            Role::Supervisor => "supervisor",
            Role::Admin => "administrator",
        }
    }

    /// Whether a user with this role may belong to an organisation of `kind`.
    /// Whether the role reads case content (every role but admin).
    pub fn reads_cases(self) -> bool {
        self != Role::Admin
    }

    /// Return officers work only at IOM missions; counsellors only at
    /// counselling organisations; supervisors and admins at either.
    pub fn allowed_in(self, kind: OrgKind) -> bool {
        match self {
            Role::ReturnOfficer => kind == OrgKind::IomMission,
            Role::Counsellor => kind == OrgKind::Counselling,
            Role::Supervisor | Role::Admin => true,
        }
    }
}

/// A value that is not one of the known names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownName {
    pub what: &'static str,
    pub value: String,
    pub expected: &'static str,
}

impl fmt::Display for UnknownName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "unknown {} {:?} (expected one of: {})",
            self.what, self.value, self.expected
        )
    }
}

impl std::error::Error for UnknownName {}

impl FromStr for Role {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Role::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim().replace('-', "_"))
            .ok_or_else(|| UnknownName {
                what: "role",
                value: s.to_string(),
                expected: "counsellor, return_officer, supervisor, admin",
            })
    }
}

impl FromStr for OrgKind {
    type Err = UnknownName;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        OrgKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s.trim().replace('-', "_"))
            .ok_or_else(|| UnknownName {
                what: "organisation kind",
                value: s.to_string(),
                expected: "counselling, iom_mission",
            })
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Display for OrgKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_per_organisation_kind() {
        use OrgKind::*;
        use Role::*;
        let table = [
            (Counsellor, Counselling, true),
            (Counsellor, IomMission, false),
            (ReturnOfficer, Counselling, false),
            (ReturnOfficer, IomMission, true),
            (Supervisor, Counselling, true),
            (Supervisor, IomMission, true),
            (Admin, Counselling, true),
            (Admin, IomMission, true),
        ];
        for (role, kind, expected) in table {
            assert_eq!(role.allowed_in(kind), expected, "{role} in {kind}");
        }
    }

    #[test]
    fn names_round_trip() {
        for r in Role::ALL {
            assert_eq!(r.as_str().parse::<Role>().unwrap(), r);
        }
        for k in OrgKind::ALL {
            assert_eq!(k.as_str().parse::<OrgKind>().unwrap(), k);
        }
        assert_eq!(
            "return-officer".parse::<Role>().unwrap(),
            Role::ReturnOfficer
        );
        let err = "boss".parse::<Role>().unwrap_err();
        assert!(err.to_string().contains("counsellor, return_officer"));
    }
}
