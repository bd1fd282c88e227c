//! A municipality's sites (相談拠点): where coordinators work and families are followed from.

use crate::code_enum;

code_enum!(
    /// The 利用者支援事業 type a site runs under.
    SiteKind {
        /// 基本型: everyday consultation and linking to local services (利用者支援専門員).
        Basic = "basic",
        /// 母子保健型: maternal and child health (保健師・助産師), pregnancy onward.
        MaternalChildHealth = "maternal_child_health",
        /// Both at one site (こども家庭センター型).
        Integrated = "integrated",
    }
);

/// The longest site name, in characters.
pub const MAX_SITE_NAME: usize = 60;
