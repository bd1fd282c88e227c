//! Who is asking: roles and the signed-in viewer every server function checks.

use crate::ids::{AccountId, FamilyId, MunicipalityId};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// What an account may do. Staff professions (保健師, 助産師 …) are separate from roles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 保護者 — a parent; sees only their own family.
    Guardian,
    /// A centre's staff member working cases.
    Coordinator,
    /// A municipality administrator: everything a coordinator can, plus staff accounts.
    Admin,
}

impl Role {
    pub const fn as_str(self) -> &'static str {
        match self {
            Role::Guardian => "guardian",
            Role::Coordinator => "coordinator",
            Role::Admin => "admin",
        }
    }

    pub const fn is_staff(self) -> bool {
        matches!(self, Role::Coordinator | Role::Admin)
    }
}

impl FromStr for Role {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "guardian" => Ok(Role::Guardian),
            "coordinator" => Ok(Role::Coordinator),
            "admin" => Ok(Role::Admin),
            _ => Err(UnknownValue(s.to_owned())),
        }
    }
}

/// Staff profession (職種), from the glossary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Profession {
    /// 保健師
    PublicHealthNurse,
    /// 助産師
    Midwife,
    /// 利用者支援専門員
    SupportSpecialist,
    /// 統括支援員
    LeadCoordinator,
    /// Clerical or other staff.
    Other,
}

impl Profession {
    pub const ALL: [Profession; 5] = [
        Profession::PublicHealthNurse,
        Profession::Midwife,
        Profession::SupportSpecialist,
        Profession::LeadCoordinator,
        Profession::Other,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Profession::PublicHealthNurse => "public_health_nurse",
            Profession::Midwife => "midwife",
            Profession::SupportSpecialist => "support_specialist",
            Profession::LeadCoordinator => "lead_coordinator",
            Profession::Other => "other",
        }
    }
}

impl FromStr for Profession {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Profession::ALL
            .into_iter()
            .find(|p| p.as_str() == s)
            .ok_or_else(|| UnknownValue(s.to_owned()))
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown value: {0}")]
pub struct UnknownValue(pub String);

/// The signed-in person, as established from the session on every request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub account: AccountId,
    pub municipality: MunicipalityId,
    pub display_name: String,
    pub role: Role,
    /// Set for guardians only: the one family they may see.
    pub family: Option<FamilyId>,
}

impl Viewer {
    pub fn is_staff(&self) -> bool {
        self.role.is_staff()
    }

    /// Whether this viewer may read the given family of the given municipality.
    /// Tenancy first: nobody crosses municipalities; then guardians see only their own family.
    pub fn may_read_family(&self, municipality: MunicipalityId, family: FamilyId) -> bool {
        if self.municipality != municipality {
            return false;
        }
        match self.role {
            Role::Guardian => self.family == Some(family),
            Role::Coordinator | Role::Admin => true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn viewer(role: Role, family: Option<i64>) -> Viewer {
        Viewer {
            account: AccountId(1),
            municipality: MunicipalityId(10),
            display_name: "x".into(),
            role,
            family: family.map(FamilyId),
        }
    }

    #[test]
    fn a_guardian_reads_only_their_own_family() {
        let v = viewer(Role::Guardian, Some(5));
        assert!(v.may_read_family(MunicipalityId(10), FamilyId(5)));
        assert!(!v.may_read_family(MunicipalityId(10), FamilyId(6)));
    }

    #[test]
    fn a_guardian_without_family_reads_nothing() {
        let v = viewer(Role::Guardian, None);
        assert!(!v.may_read_family(MunicipalityId(10), FamilyId(5)));
    }

    #[test]
    fn staff_never_cross_municipalities() {
        for role in [Role::Coordinator, Role::Admin] {
            let v = viewer(role, None);
            assert!(v.may_read_family(MunicipalityId(10), FamilyId(99)));
            assert!(!v.may_read_family(MunicipalityId(11), FamilyId(99)));
        }
    }

    #[test]
    fn roles_and_professions_round_trip_through_text() {
        for r in [Role::Guardian, Role::Coordinator, Role::Admin] {
            assert_eq!(r.as_str().parse::<Role>(), Ok(r));
        }
        for p in Profession::ALL {
            assert_eq!(p.as_str().parse::<Profession>(), Ok(p));
        }
        assert!("root".parse::<Role>().is_err());
    }
}
