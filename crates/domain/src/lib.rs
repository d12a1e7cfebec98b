//! The domain of Promeneurs: types that parse rather than validate, access
//! rules and calendar helpers. Nothing here performs I/O; the store and the
//! web layer call into it.

pub mod access;
pub mod clock;
pub mod department;
pub mod email;
pub mod password;
pub mod role;
pub mod text;

pub use access::{AdminCap, DepartmentCap, Grant, Principal};
pub use clock::{Clock, FixedClock, SystemClock};
pub use department::DepartmentCode;
pub use email::Email;
pub use role::Role;
