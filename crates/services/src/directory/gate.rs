//! The directory gating applied to stored promeneurs.

use domain::{
    presence::{PresenceSlot, TimeOfDay, Weekday},
    promeneur::{GateBlock, GateInput, Mandate, directory_gate},
};
use jiff::civil::Date;
use store::promeneurs::Promeneur;

pub fn gate_input(p: &Promeneur) -> GateInput {
    GateInput {
        status: p.status,
        mandate: match (p.mandate_hours, p.mandate_starts_on) {
            (Some(h), Some(starts_on)) => {
                Mandate::new(u8::try_from(h).unwrap_or(0), starts_on, p.mandate_ends_on).ok()
            }
            _ => None,
        },
        charter_signed_on: p.charter_signed_on,
        initial_training_on: p.initial_training_on,
        public_consent: p.public_consent,
    }
}

/// Why a promeneur is not in the directory (empty when it is).
pub fn blocks(p: &Promeneur, today: Date) -> Vec<GateBlock> {
    let mut blocks = directory_gate(&gate_input(p), today)
        .err()
        .unwrap_or_default();
    if !p.structure_approved {
        blocks.push(GateBlock::StructurePending);
    }
    blocks
}

/// Whether the public sees `p` today: the directory rule, and a structure
/// approved by the CAF.
pub fn visible(p: &Promeneur, today: Date) -> bool {
    p.structure_approved && directory_gate(&gate_input(p), today).is_ok()
}

pub fn slots_of(p: &Promeneur) -> Vec<PresenceSlot> {
    p.presence
        .iter()
        .filter_map(|s| {
            let day = Weekday::from_number(u8::try_from(s.weekday).ok()?).ok()?;
            let start = TimeOfDay::from_minutes(u16::try_from(s.start_minute).ok()?).ok()?;
            let end = TimeOfDay::from_minutes(u16::try_from(s.end_minute).ok()?).ok()?;
            PresenceSlot::new(day, start, end).ok()
        })
        .collect()
}
