//! A promeneur as the API reads and writes it.

use domain::GateBlock;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::http::json::rfc3339;

use super::set;
use crate::{
    AppState,
    network::{
        gate,
        input::{NetworkDraft, PromeneurDraft, SlotDraft},
    },
};

#[derive(Serialize, Deserialize, ToSchema, Clone)]
pub struct NetworkIo {
    platform: String,
    #[serde(default)]
    handle: String,
    #[serde(default)]
    url: Option<String>,
}

#[derive(Serialize, Deserialize, ToSchema, Clone)]
pub struct SlotIo {
    /// 1 = Monday … 7 = Sunday.
    weekday: u8,
    /// "HH:MM".
    start: String,
    end: String,
}

#[derive(Serialize, Deserialize, ToSchema, Clone)]
#[serde(deny_unknown_fields)]
pub struct MandateIo {
    hours_per_week: i64,
    starts_on: String,
    #[serde(default)]
    ends_on: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct StructureRef {
    id: String,
    name: String,
}

#[derive(Serialize, ToSchema)]
pub struct PromeneurOut {
    id: String,
    first_name: String,
    last_name: String,
    email: String,
    phone: Option<String>,
    structure_id: String,
    structure: StructureRef,
    job_title: String,
    commune_insee: String,
    commune_name: String,
    department: String,
    status: String,
    status_label: String,
    networks: Vec<NetworkIo>,
    themes: Vec<String>,
    presence: Vec<SlotIo>,
    presence_text: String,
    mandate: Option<MandateIo>,
    charter_signed_on: Option<String>,
    initial_training_on: Option<String>,
    public_consent: bool,
    public_bio: String,
    photo_url: Option<String>,
    verification_code: String,
    verification_url: String,
    /// Whether the promeneur appears in the public directory today.
    in_directory: bool,
    /// Why not, when it does not.
    directory_blocks: Vec<String>,
    /// Whether the promeneur has its own account (to edit its profile).
    has_account: bool,
    /// What a referent proposed for the fields that open the directory,
    /// waiting for staff (`POST /promeneurs/{id}/proposal`).
    proposal: Option<ProposalOut>,
    created_at: String,
    updated_at: String,
}

#[derive(Serialize, ToSchema)]
#[schema(as = PromeneurProposal)]
pub struct ProposalOut {
    /// The status asked for (`active`), if any.
    status: Option<String>,
    mandate: Option<MandateIo>,
    charter_signed_on: Option<String>,
    initial_training_on: Option<String>,
    proposed_by: String,
    proposed_at: String,
}

fn proposal_out(x: &store::promeneurs::Proposal) -> ProposalOut {
    ProposalOut {
        status: x.active.then(|| "active".to_owned()),
        mandate: match (x.mandate_hours, x.mandate_starts_on) {
            (Some(h), Some(s)) => Some(MandateIo {
                hours_per_week: h,
                starts_on: s.to_string(),
                ends_on: x.mandate_ends_on.map(|d| d.to_string()),
            }),
            _ => None,
        },
        charter_signed_on: x.charter_signed_on.map(|d| d.to_string()),
        initial_training_on: x.initial_training_on.map(|d| d.to_string()),
        proposed_by: x.proposed_by.clone(),
        proposed_at: rfc3339(x.proposed_at),
    }
}

pub fn promeneur_out(state: &AppState, p: store::promeneurs::Promeneur) -> PromeneurOut {
    let blocks = gate::blocks(&p, state.today());
    let slots = gate::slots_of(&p);
    PromeneurOut {
        id: p.id.to_string(),
        structure_id: p.structure_id.to_string(),
        structure: StructureRef {
            id: p.structure_id.to_string(),
            name: p.structure_name.clone(),
        },
        status_label: p.status.label().to_owned(),
        networks: p
            .networks
            .iter()
            .map(|n| NetworkIo {
                platform: n.platform.clone(),
                handle: n.handle.clone(),
                url: n.url.clone(),
            })
            .collect(),
        presence: slots
            .iter()
            .map(|s| SlotIo {
                weekday: s.weekday().number(),
                start: s.start().to_string(),
                end: s.end().to_string(),
            })
            .collect(),
        presence_text: domain::presence::describe_all(&slots),
        mandate: match (p.mandate_hours, p.mandate_starts_on) {
            (Some(h), Some(s)) => Some(MandateIo {
                hours_per_week: h,
                starts_on: s.to_string(),
                ends_on: p.mandate_ends_on.map(|d| d.to_string()),
            }),
            _ => None,
        },
        charter_signed_on: p.charter_signed_on.map(|d| d.to_string()),
        initial_training_on: p.initial_training_on.map(|d| d.to_string()),
        photo_url: p
            .photo_id
            .map(|_| format!("/api/v1/promeneurs/{}/photo", p.id)),
        verification_url: format!(
            "{}/verifier/{}",
            state.settings.base_url, p.verification_code
        ),
        in_directory: blocks.is_empty(),
        directory_blocks: blocks
            .iter()
            .map(|b| GateBlock::label(*b).to_owned())
            .collect(),
        has_account: p.user_id.is_some(),
        proposal: p.proposal.as_ref().map(proposal_out),
        created_at: rfc3339(p.created_at),
        updated_at: rfc3339(p.updated_at),
        first_name: p.first_name,
        last_name: p.last_name,
        email: p.email.into(),
        phone: p.phone,
        job_title: p.job_title,
        commune_insee: p.commune_insee,
        commune_name: p.commune_name,
        department: p.department.into(),
        status: p.status.as_str().to_owned(),
        themes: p.themes,
        public_consent: p.public_consent,
        public_bio: p.public_bio,
        verification_code: p.verification_code,
    }
}

#[derive(Deserialize, ToSchema, Default)]
#[serde(deny_unknown_fields)]
pub struct PromeneurIn {
    pub(super) first_name: Option<String>,
    pub(super) last_name: Option<String>,
    pub(super) email: Option<String>,
    pub(super) phone: Option<String>,
    pub(super) structure_id: Option<String>,
    pub(super) job_title: Option<String>,
    pub(super) commune_insee: Option<String>,
    pub(super) networks: Option<Vec<NetworkIo>>,
    pub(super) themes: Option<Vec<String>>,
    pub(super) presence: Option<Vec<SlotIo>>,
    /// `null` removes the mandate.
    #[serde(default, with = "double_option")]
    #[schema(value_type = Option<MandateIo>)]
    #[allow(clippy::option_option)] // absent (keep) versus null (remove)
    pub(super) mandate: Option<Option<MandateIo>>,
    pub(super) charter_signed_on: Option<String>,
    pub(super) initial_training_on: Option<String>,
    pub(super) public_consent: Option<bool>,
    pub(super) public_bio: Option<String>,
    /// On creation only: the first status (default `candidate`).
    pub(super) status: Option<String>,
}

mod double_option {
    use serde::{Deserialize, Deserializer};

    #[allow(clippy::option_option)]
    pub fn deserialize<'de, T, D>(d: D) -> Result<Option<Option<T>>, D::Error>
    where
        T: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Option::<T>::deserialize(d).map(Some)
    }
}

impl PromeneurIn {
    pub(super) fn touches_staff_fields(&self) -> bool {
        self.first_name.is_some()
            || self.last_name.is_some()
            || self.email.is_some()
            || self.phone.is_some()
            || self.structure_id.is_some()
            || self.job_title.is_some()
            || self.commune_insee.is_some()
            || self.mandate.is_some()
            || self.charter_signed_on.is_some()
            || self.initial_training_on.is_some()
            || self.status.is_some()
    }

    pub(super) fn apply(self, d: &mut PromeneurDraft) {
        set(&mut d.first_name, self.first_name);
        set(&mut d.last_name, self.last_name);
        set(&mut d.email, self.email);
        set(&mut d.phone, self.phone);
        set(&mut d.structure, self.structure_id);
        set(&mut d.job_title, self.job_title);
        set(
            &mut d.commune,
            self.commune_insee.map(|c| format!("insee:{c}")),
        );
        set(&mut d.charter_signed_on, self.charter_signed_on);
        set(&mut d.initial_training_on, self.initial_training_on);
        set(&mut d.public_bio, self.public_bio);
        set(&mut d.status, self.status);
        if let Some(n) = self.networks {
            d.networks = n.into_iter().map(network_draft).collect();
        }
        if let Some(t) = self.themes {
            d.themes = t;
        }
        if let Some(s) = self.presence {
            d.presence = s.into_iter().map(slot_draft).collect();
        }
        match self.mandate {
            None => {}
            Some(None) => {
                d.mandate_hours.clear();
                d.mandate_starts_on.clear();
                d.mandate_ends_on.clear();
            }
            Some(Some(m)) => {
                d.mandate_hours = m.hours_per_week.to_string();
                d.mandate_starts_on = m.starts_on;
                d.mandate_ends_on = m.ends_on.unwrap_or_default();
            }
        }
        if let Some(c) = self.public_consent {
            d.public_consent = c;
        }
    }
}

fn network_draft(n: NetworkIo) -> NetworkDraft {
    NetworkDraft {
        platform: n.platform,
        handle: n.handle,
        url: n.url.unwrap_or_default(),
    }
}

fn slot_draft(s: SlotIo) -> SlotDraft {
    SlotDraft {
        weekday: s.weekday.to_string(),
        start: s.start,
        end: s.end,
    }
}
