//! Pages mirroring the URLs (`parent/…`, `staff/…`) and the components they share.

pub mod consultation;
pub mod format;
pub mod islands;
pub mod join;
pub mod landing;
pub mod layout;
pub mod login;
pub mod not_found;
pub mod parent;
pub mod password;
pub mod staff;
pub mod timeline;
