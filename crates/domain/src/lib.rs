//! The domain of Promeneurs: types that parse rather than validate, access
//! rules and calendar helpers. Nothing here performs I/O; the store and the
//! web layer call into it.

pub mod access;
pub mod availability;
pub mod call;
pub mod clock;
pub mod committee;
pub mod convention;
pub mod date_input;
pub mod deadline;
pub mod decision;
pub mod department;
pub mod email;
pub mod geo;
pub mod independence;
pub mod network;
pub mod password;
pub mod phone;
pub mod presence;
pub mod promeneur;
pub mod relaunch;
pub mod role;
pub mod scoring;
pub mod siret;
pub mod structure;
pub mod text;
pub mod training;
pub mod trust;

pub use access::{
    AdminCap, ApplicantCap, DepartmentCap, Grant, NetworkCap, NetworkScope, Principal,
};
pub use access::{CallStaffCap, ReviewerCap, SeatFacts};
pub use clock::{Clock, FixedClock, SystemClock};
pub use date_input::{DateInputError, YesNoError, parse_french_date, parse_yes_no};
pub use department::DepartmentCode;
pub use email::Email;
pub use geo::distance_km;
pub use network::{NetworkAccount, NetworkError, Platform};
pub use phone::{InvalidPhone, Phone};
pub use presence::{PresenceError, PresenceSlot, TimeOfDay, Weekday};
pub use promeneur::{
    GateBlock, GateInput, Mandate, MandateError, PromeneurStatus, UnknownStatus, directory_gate,
};
pub use role::Role;
pub use siret::{Siret, SiretError};
pub use structure::{StructureKind, UnknownStructureKind};
