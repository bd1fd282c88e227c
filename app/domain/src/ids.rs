//! Typed identifiers, so a family id can never be passed where a child id is expected.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }
    };
}

id_type!(
    /// 自治体 — the tenant that owns sites, staff and families.
    MunicipalityId
);
id_type!(
    /// 相談拠点 — a place where coordinators work.
    SiteId
);
id_type!(
    /// A login: guardian or staff member.
    AccountId
);
id_type!(FamilyId);
id_type!(PregnancyId);
id_type!(ChildId);
