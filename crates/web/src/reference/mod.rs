//! Reference data: departments and their CAF's settings, communes.

use serde::Deserialize;
use services::network::caf::CafDraft;
use utoipa::ToSchema;

pub mod api;
pub mod pages;

/// A CAF's details to change; a field left out stays as it is.
#[derive(Deserialize, Clone, Default, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CafForm {
    #[serde(default)]
    pub caf_name: Option<String>,
    #[serde(default)]
    pub caf_address: Option<String>,
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_email: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
    /// The director of the publication, named in the legal notice.
    #[serde(default)]
    pub publication_director: Option<String>,
    /// Who hosts the site (name, address, telephone), for the legal notice.
    #[serde(default)]
    pub host: Option<String>,
    /// Accepted and ignored (the pages' form sends it).
    #[serde(default, skip_serializing)]
    #[schema(ignore)]
    pub csrf_token: Option<String>,
}

impl From<CafForm> for CafDraft {
    fn from(f: CafForm) -> Self {
        Self {
            caf_name: f.caf_name,
            caf_address: f.caf_address,
            contact_name: f.contact_name,
            contact_email: f.contact_email,
            contact_phone: f.contact_phone,
            publication_director: f.publication_director,
            host: f.host,
        }
    }
}
