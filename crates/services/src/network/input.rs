//! Turning what people type (HTML forms, JSON, spreadsheet rows) into
//! checked network records. One path for all three: each front end fills a
//! draft of strings, and `validate_*` returns the store's input or every
//! error by field, in French.

use std::collections::{BTreeMap, HashMap};

use domain::{
    DepartmentCode, Email,
    network::{NetworkAccount, Platform},
    phone::Phone,
    presence::{PresenceSlot, TimeOfDay, Weekday},
    promeneur::{Mandate, PromeneurStatus},
    siret::Siret,
    structure::StructureKind,
    text::search_key,
};
use jiff::civil::Date;
use store::{
    promeneurs::{NetworkRow, PresenceRow, ProfileInput, PromeneurInput},
    reference::Commune,
    structures::{Structure, StructureInput},
};
use uuid::Uuid;

/// Errors by field name (`first_name`, `networks.1`, `presence.0`…).
pub type Errors = BTreeMap<String, String>;

/// Every commune served, indexed for resolving what people type.
pub struct CommuneIndex {
    by_insee: HashMap<String, Commune>,
    by_postal: HashMap<String, Vec<String>>,
    by_key: HashMap<String, Vec<String>>,
}

impl CommuneIndex {
    pub fn new(communes: Vec<Commune>) -> Self {
        let mut by_postal: HashMap<String, Vec<String>> = HashMap::new();
        let mut by_key: HashMap<String, Vec<String>> = HashMap::new();
        for c in &communes {
            for p in c.postal_code_list() {
                by_postal.entry(p).or_default().push(c.insee.clone());
            }
            by_key
                .entry(search_key(&c.name))
                .or_default()
                .push(c.insee.clone());
        }
        Self {
            by_insee: communes.into_iter().map(|c| (c.insee.clone(), c)).collect(),
            by_postal,
            by_key,
        }
    }

    pub fn get(&self, insee: &str) -> Option<&Commune> {
        self.by_insee.get(insee)
    }

    /// A commune from what a person typed: a name, a postal code, an INSEE
    /// code, or both ("03200 Vichy", "Vichy (03310)"). Five digits alone
    /// may be a postal code and another commune's INSEE code (03200 is
    /// Vichy's postal code and Neuvy's INSEE code): then the answer lists
    /// both. "insee:03310" (what the API sends for `commune_insee`) is read
    /// as an INSEE code only.
    pub fn resolve(&self, input: &str) -> Result<&Commune, String> {
        let input = input.trim();
        if let Some(code) = input.strip_prefix("insee:") {
            return self.by_insee.get(code.trim()).ok_or_else(|| {
                format!(
                    "Code INSEE inconnu dans les départements servis : « {} ».",
                    code.trim()
                )
            });
        }
        if input.is_empty() {
            return Err("Indiquez la commune.".into());
        }
        let digits: String = input.chars().filter(char::is_ascii_digit).collect();
        let letters = input
            .chars()
            .filter(|c| !c.is_ascii_digit() && *c != '(' && *c != ')')
            .collect::<String>();
        let key = search_key(&letters);
        let mut candidates: Vec<&String> = Vec::new();
        if digits.len() == 5 {
            if let Some(c) = self.by_insee.get(&digits) {
                candidates.push(&c.insee);
            }
            if let Some(list) = self.by_postal.get(&digits) {
                candidates.extend(list);
            }
            if !key.is_empty() {
                candidates.retain(|i| search_key(&self.by_insee[*i].name) == key);
            }
        } else if digits.is_empty()
            && !key.is_empty()
            && let Some(list) = self.by_key.get(&key)
        {
            candidates.extend(list);
        }
        candidates.sort();
        candidates.dedup();
        match candidates.as_slice() {
            [one] => Ok(&self.by_insee[*one]),
            [] => Err(format!(
                "Commune inconnue dans les départements servis : « {input} »."
            )),
            many => {
                let names: Vec<String> = many
                    .iter()
                    .take(6)
                    .map(|i| {
                        let c = &self.by_insee[*i];
                        let postal = c.postal_codes.split_whitespace().next().unwrap_or("");
                        format!("{postal} {} (code INSEE {})", c.name, c.insee)
                    })
                    .collect();
                Err(format!(
                    "« {input} » peut désigner plusieurs communes ({}) : écrivez le code postal suivi du nom, par exemple « {} ».",
                    names.join(", "),
                    names[0].split(" (").next().unwrap_or("")
                ))
            }
        }
    }

    /// Communes whose name starts with or contains what was typed, for the
    /// directory's "did you mean" list.
    pub fn suggest(&self, input: &str, limit: usize) -> Vec<&Commune> {
        let key = search_key(input);
        if key.is_empty() {
            return Vec::new();
        }
        let mut found: Vec<&Commune> = self
            .by_insee
            .values()
            .filter(|c| search_key(&c.name).contains(&key) || c.postal_codes.contains(&key))
            .collect();
        found.sort_by(|a, b| {
            let ka = search_key(&a.name);
            let kb = search_key(&b.name);
            (
                !ka.starts_with(&key),
                std::cmp::Reverse(a.population),
                &a.name,
            )
                .cmp(&(
                    !kb.starts_with(&key),
                    std::cmp::Reverse(b.population),
                    &b.name,
                ))
        });
        found.truncate(limit);
        found
    }
}

fn opt(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

#[derive(Debug, Clone, Default)]
pub struct StructureDraft {
    pub name: String,
    pub kind: String,
    pub siret: String,
    pub commune: String,
    pub address: String,
    pub contact_name: String,
    pub email: String,
    pub phone: String,
    pub website: String,
}

impl StructureDraft {
    pub fn from_structure(s: &Structure) -> Self {
        Self {
            name: s.name.clone(),
            kind: s.kind.as_str().to_owned(),
            siret: s.siret.clone().map(String::from).unwrap_or_default(),
            commune: format!("{} ({})", s.commune_name, s.commune_insee),
            address: s.address.clone(),
            contact_name: s.contact_name.clone(),
            email: s.email.clone().map(String::from).unwrap_or_default(),
            phone: s.phone.clone().unwrap_or_default(),
            website: s.website.clone().unwrap_or_default(),
        }
    }
}

pub fn validate_structure(
    d: &StructureDraft,
    communes: &CommuneIndex,
) -> Result<StructureInput, Errors> {
    let mut e = Errors::new();
    let name = d.name.trim().to_owned();
    if name.is_empty() {
        e.insert("name".into(), "Indiquez le nom de la structure.".into());
    } else if name.chars().count() > 200 {
        e.insert(
            "name".into(),
            "Le nom est trop long (200 caractères au plus).".into(),
        );
    }
    let kind = match StructureKind::parse(&d.kind) {
        Ok(k) => Some(k),
        Err(_) if d.kind.trim().is_empty() => {
            e.insert("kind".into(), "Choisissez le type de structure.".into());
            None
        }
        Err(err) => {
            e.insert("kind".into(), err.to_string());
            None
        }
    };
    let siret = match opt(&d.siret).map(|s| Siret::parse(&s)) {
        None => None,
        Some(Ok(s)) => Some(s),
        Some(Err(err)) => {
            e.insert("siret".into(), err.to_string());
            None
        }
    };
    let commune = match communes.resolve(&d.commune) {
        Ok(c) => Some(c),
        Err(m) => {
            e.insert("commune_insee".into(), m);
            None
        }
    };
    let email = email_field(&d.email, "email", &mut e);
    let phone = phone_field(&d.phone, "phone", &mut e);
    let website = match opt(&d.website) {
        Some(w) if !(w.starts_with("https://") || w.starts_with("http://")) || w.contains(' ') => {
            e.insert(
                "website".into(),
                "Le site doit être une adresse complète, commençant par https://.".into(),
            );
            None
        }
        w => w,
    };
    match (kind, commune) {
        (Some(kind), Some(c)) if e.is_empty() => Ok(StructureInput {
            name,
            kind,
            siret,
            commune_insee: c.insee.clone(),
            department: c.department.clone(),
            address: d.address.trim().to_owned(),
            contact_name: d.contact_name.trim().to_owned(),
            email,
            phone,
            website,
        }),
        _ => Err(e),
    }
}

fn email_field(v: &str, field: &str, e: &mut Errors) -> Option<Email> {
    match opt(v).map(|s| Email::parse(&s)) {
        None => None,
        Some(Ok(m)) => Some(m),
        Some(Err(err)) => {
            e.insert(field.into(), err.to_string());
            None
        }
    }
}

fn phone_field(v: &str, field: &str, e: &mut Errors) -> Option<String> {
    match opt(v).map(|s| Phone::parse(&s)) {
        None => None,
        Some(Ok(p)) => Some(p.e164().to_owned()),
        Some(Err(err)) => {
            e.insert(field.into(), err.to_string());
            None
        }
    }
}

fn date_field(v: &str, field: &str, e: &mut Errors) -> Option<Date> {
    match opt(v).map(|s| domain::date_input::parse_french_date(&s)) {
        None => None,
        Some(Ok(d)) => Some(d),
        Some(Err(err)) => {
            e.insert(field.into(), err.to_string());
            None
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct NetworkDraft {
    pub platform: String,
    pub handle: String,
    pub url: String,
}

#[derive(Debug, Clone, Default)]
pub struct SlotDraft {
    pub weekday: String,
    pub start: String,
    pub end: String,
}

/// A promeneur as typed. `structure` is an id, a SIRET or (import) the
/// exact name of a structure of the département.
#[derive(Debug, Clone, Default)]
pub struct PromeneurDraft {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub structure: String,
    pub job_title: String,
    pub commune: String,
    pub networks: Vec<NetworkDraft>,
    pub themes: Vec<String>,
    pub presence: Vec<SlotDraft>,
    pub mandate_hours: String,
    pub mandate_starts_on: String,
    pub mandate_ends_on: String,
    pub charter_signed_on: String,
    pub initial_training_on: String,
    pub public_consent: bool,
    pub public_bio: String,
    /// Only on creation (and import): the first status.
    pub status: String,
}

/// Finds the employer structure named in a draft: its id and département,
/// or a French message.
pub type StructureLookup<'a> = &'a (dyn Fn(&str) -> Result<(Uuid, DepartmentCode), String> + Sync);

/// What validation needs to know beyond the draft.
pub struct Context<'a> {
    pub communes: &'a CommuneIndex,
    pub themes: &'a [String],
    /// Finds the employer: by id, SIRET or name.
    pub structures: StructureLookup<'a>,
}

pub struct ValidPromeneur {
    pub input: PromeneurInput,
    pub status: PromeneurStatus,
}

pub fn validate_profile(
    networks: &[NetworkDraft],
    presence: &[SlotDraft],
    themes: &[String],
    known_themes: &[String],
    public_bio: &str,
    public_consent: bool,
    e: &mut Errors,
) -> ProfileInput {
    let mut out = ProfileInput {
        public_consent,
        public_bio: public_bio.trim().to_owned(),
        ..ProfileInput::default()
    };
    if out.public_bio.chars().count() > 600 {
        e.insert(
            "public_bio".into(),
            "La présentation est trop longue (600 caractères au plus).".into(),
        );
    }
    for (i, n) in networks.iter().enumerate() {
        if n.platform.trim().is_empty() && n.handle.trim().is_empty() && n.url.trim().is_empty() {
            continue;
        }
        let key = format!("networks.{i}");
        let platform = if n.platform.trim().is_empty() && !n.url.trim().is_empty() {
            match NetworkAccount::from_url(n.url.trim()) {
                Ok(a) => {
                    push_account(&mut out, &a);
                    continue;
                }
                Err(err) => {
                    e.insert(key, err.to_string());
                    continue;
                }
            }
        } else {
            match Platform::parse(&n.platform) {
                Ok(p) => p,
                Err(err) => {
                    e.insert(key, err.to_string());
                    continue;
                }
            }
        };
        let url = opt(&n.url);
        match NetworkAccount::parse(platform, n.handle.trim(), url.as_deref()) {
            Ok(a) => push_account(&mut out, &a),
            Err(err) => {
                e.insert(key, err.to_string());
            }
        }
    }
    if out.networks.len() > 12 {
        e.insert("networks".into(), "Douze comptes au plus.".into());
    }
    for (i, s) in presence.iter().enumerate() {
        if s.weekday.trim().is_empty() && s.start.trim().is_empty() && s.end.trim().is_empty() {
            continue;
        }
        let key = format!("presence.{i}");
        let slot = Weekday::parse(&s.weekday)
            .map_err(|x| x.to_string())
            .and_then(|d| {
                let start = TimeOfDay::parse(&s.start).map_err(|x| x.to_string())?;
                let end = TimeOfDay::parse(&s.end).map_err(|x| x.to_string())?;
                PresenceSlot::new(d, start, end).map_err(|x| x.to_string())
            });
        match slot {
            Ok(slot) => out.presence.push(slot_row(&slot)),
            Err(m) => {
                e.insert(key, m);
            }
        }
    }
    for t in themes {
        let t = t.trim();
        if t.is_empty() {
            continue;
        }
        let key = search_key(t).replace(' ', "_");
        match known_themes.iter().find(|k| **k == t || **k == key) {
            Some(k) => out.themes.push(k.clone()),
            None => {
                e.insert("themes".into(), format!("Thème inconnu : « {t} »."));
            }
        }
    }
    out
}

fn push_account(out: &mut ProfileInput, a: &NetworkAccount) {
    out.networks.push(NetworkRow {
        platform: a.platform().as_str().to_owned(),
        handle: a.handle().to_owned(),
        url: a.url().map(str::to_owned),
    });
}

pub fn slot_row(s: &PresenceSlot) -> PresenceRow {
    PresenceRow {
        weekday: i64::from(s.weekday().number()),
        start_minute: i64::from(s.start().minutes()),
        end_minute: i64::from(s.end().minutes()),
    }
}

pub fn validate_promeneur(d: &PromeneurDraft, ctx: &Context<'_>) -> Result<ValidPromeneur, Errors> {
    let mut e = Errors::new();
    let required = |v: &str, field: &str, label: &str, e: &mut Errors| -> String {
        let t = v.trim();
        if t.is_empty() {
            e.insert(field.into(), format!("Indiquez {label}."));
        } else if t.chars().count() > 120 {
            e.insert(field.into(), "Trop long (120 caractères au plus).".into());
        }
        t.to_owned()
    };
    let first_name = required(&d.first_name, "first_name", "le prénom", &mut e);
    let last_name = required(&d.last_name, "last_name", "le nom", &mut e);
    let job_title = required(&d.job_title, "job_title", "la fonction", &mut e);
    let email = match Email::parse(d.email.trim()) {
        Ok(m) => Some(m),
        Err(_) if d.email.trim().is_empty() => {
            e.insert(
                "email".into(),
                "Indiquez l'adresse e-mail professionnelle.".into(),
            );
            None
        }
        Err(err) => {
            e.insert("email".into(), err.to_string());
            None
        }
    };
    let phone = phone_field(&d.phone, "phone", &mut e);
    let structure = if d.structure.trim().is_empty() {
        e.insert(
            "structure_id".into(),
            "Choisissez la structure employeuse.".into(),
        );
        None
    } else {
        match (ctx.structures)(d.structure.trim()) {
            Ok(s) => Some(s),
            Err(m) => {
                e.insert("structure_id".into(), m);
                None
            }
        }
    };
    let commune = match ctx.communes.resolve(&d.commune) {
        Ok(c) => Some(c.insee.clone()),
        Err(m) => {
            e.insert("commune_insee".into(), m);
            None
        }
    };
    let hours = match opt(&d.mandate_hours) {
        None => None,
        Some(h) => match Mandate::parse_hours(&h) {
            Ok(h) => Some(i64::from(h)),
            Err(err) => {
                e.insert("mandate_hours".into(), err.to_string());
                None
            }
        },
    };
    let starts = date_field(&d.mandate_starts_on, "mandate_starts_on", &mut e);
    let ends = date_field(&d.mandate_ends_on, "mandate_ends_on", &mut e);
    if let (Some(s), Some(x)) = (starts, ends)
        && x < s
    {
        e.insert(
            "mandate_ends_on".into(),
            "La fin du mandat doit être après son début.".into(),
        );
    }
    if hours.is_some() != starts.is_some() && !e.contains_key("mandate_hours") {
        let (field, msg) = if hours.is_some() {
            ("mandate_starts_on", "Indiquez la date de début du mandat.")
        } else {
            (
                "mandate_hours",
                "Indiquez les heures par semaine du mandat.",
            )
        };
        e.entry(field.into()).or_insert_with(|| msg.into());
    }
    if ends.is_some() && starts.is_none() {
        e.entry("mandate_starts_on".into())
            .or_insert_with(|| "Indiquez la date de début du mandat.".into());
    }
    let charter = date_field(&d.charter_signed_on, "charter_signed_on", &mut e);
    let training = date_field(&d.initial_training_on, "initial_training_on", &mut e);
    let status = if d.status.trim().is_empty() {
        PromeneurStatus::Candidate
    } else {
        match PromeneurStatus::parse(&d.status) {
            Ok(s) => s,
            Err(err) => {
                e.insert("status".into(), err.to_string());
                PromeneurStatus::Candidate
            }
        }
    };
    let profile = validate_profile(
        &d.networks,
        &d.presence,
        &d.themes,
        ctx.themes,
        &d.public_bio,
        d.public_consent,
        &mut e,
    );
    match (structure, commune, email) {
        (Some((structure_id, department)), Some(commune_insee), Some(email)) if e.is_empty() => {
            Ok(ValidPromeneur {
                input: PromeneurInput {
                    first_name,
                    last_name,
                    email,
                    phone,
                    structure_id,
                    department,
                    job_title,
                    commune_insee,
                    mandate_hours: hours,
                    mandate_starts_on: starts,
                    mandate_ends_on: ends,
                    charter_signed_on: charter,
                    initial_training_on: training,
                    profile,
                },
                status,
            })
        }
        _ => Err(e),
    }
}

#[cfg(test)]
mod tests;
