//! The centre's side of a family's support: the 伴走型 interviews, risk flags and support plans,
//! home visits with their EPDS, the network of related institutions, the task list and the figures.

pub mod benefit;
pub mod epds;
pub mod figures;
pub mod interview;
pub mod network;
pub mod plan;
pub mod risk;
pub mod task;
pub mod visit;
