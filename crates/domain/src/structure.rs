//! Kinds of structures that employ promeneurs (centres sociaux, MJC,
//! missions locales…). Spreadsheet imports give either the code or the
//! French label, in any case and with or without accents.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::text::search_key;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StructureKind {
    CentreSocial,
    Mjc,
    MissionLocale,
    PijBij,
    Collectivite,
    Association,
    EtablissementScolaire,
    Autre,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
#[error(
    "Type de structure inconnu : « {0} ». Types possibles : Centre social, MJC, Mission locale, \
     PIJ / BIJ, Collectivité, Association, Établissement scolaire ou Autre."
)]
pub struct UnknownStructureKind(pub String);

impl StructureKind {
    pub const ALL: [StructureKind; 8] = [
        StructureKind::CentreSocial,
        StructureKind::Mjc,
        StructureKind::MissionLocale,
        StructureKind::PijBij,
        StructureKind::Collectivite,
        StructureKind::Association,
        StructureKind::EtablissementScolaire,
        StructureKind::Autre,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            StructureKind::CentreSocial => "centre_social",
            StructureKind::Mjc => "mjc",
            StructureKind::MissionLocale => "mission_locale",
            StructureKind::PijBij => "pij_bij",
            StructureKind::Collectivite => "collectivite",
            StructureKind::Association => "association",
            StructureKind::EtablissementScolaire => "etablissement_scolaire",
            StructureKind::Autre => "autre",
        }
    }

    /// The French label shown to users.
    pub fn label(self) -> &'static str {
        match self {
            StructureKind::CentreSocial => "Centre social",
            StructureKind::Mjc => "MJC",
            StructureKind::MissionLocale => "Mission locale",
            StructureKind::PijBij => "PIJ / BIJ",
            StructureKind::Collectivite => "Collectivité",
            StructureKind::Association => "Association",
            StructureKind::EtablissementScolaire => "Établissement scolaire",
            StructureKind::Autre => "Autre",
        }
    }

    /// Accepts the code, the label, or a few spelled-out forms ("Maison
    /// des jeunes et de la culture", "Point information jeunesse", "PIJ"),
    /// ignoring case, accents and punctuation.
    pub fn parse(input: &str) -> Result<Self, UnknownStructureKind> {
        let key = search_key(input);
        if key.is_empty() {
            return Err(UnknownStructureKind(input.trim().to_owned()));
        }
        let by_name = StructureKind::ALL
            .into_iter()
            .find(|k| search_key(k.as_str()) == key || search_key(k.label()) == key);
        by_name
            .or_else(|| alias(&key))
            .ok_or_else(|| UnknownStructureKind(input.trim().to_owned()))
    }
}

fn alias(key: &str) -> Option<StructureKind> {
    Some(match key {
        "centres sociaux" | "centre socio culturel" | "espace de vie sociale" | "evs" => {
            StructureKind::CentreSocial
        }
        "maison des jeunes et de la culture" => StructureKind::Mjc,
        "pij"
        | "bij"
        | "pij bij"
        | "point information jeunesse"
        | "bureau information jeunesse" => StructureKind::PijBij,
        "collectivite territoriale" | "commune" | "mairie" => StructureKind::Collectivite,
        "etablissement scolaire" | "college" | "lycee" => StructureKind::EtablissementScolaire,
        _ => return None,
    })
}

impl fmt::Display for StructureKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_code_and_label() {
        for k in StructureKind::ALL {
            assert_eq!(StructureKind::parse(k.as_str()), Ok(k));
            assert_eq!(StructureKind::parse(k.label()), Ok(k));
            assert_eq!(StructureKind::parse(&k.label().to_uppercase()), Ok(k));
        }
    }

    #[test]
    fn ignores_case_accents_and_punctuation() {
        for (input, kind) in [
            ("centre social", StructureKind::CentreSocial),
            ("  CENTRE-SOCIAL ", StructureKind::CentreSocial),
            (
                "etablissement scolaire",
                StructureKind::EtablissementScolaire,
            ),
            (
                "ÉTABLISSEMENT SCOLAIRE",
                StructureKind::EtablissementScolaire,
            ),
            ("collectivite", StructureKind::Collectivite),
            ("Collectivité", StructureKind::Collectivite),
            ("pij/bij", StructureKind::PijBij),
            ("PIJ", StructureKind::PijBij),
            ("Point Information Jeunesse", StructureKind::PijBij),
            ("mjc", StructureKind::Mjc),
            ("Maison des jeunes et de la culture", StructureKind::Mjc),
            ("Mission Locale", StructureKind::MissionLocale),
        ] {
            assert_eq!(StructureKind::parse(input), Ok(kind), "{input}");
        }
    }

    #[test]
    fn refuses_unknown_kinds_in_french() {
        let err = StructureKind::parse("Club de foot").unwrap_err();
        assert_eq!(err.0, "Club de foot");
        assert!(
            err.to_string()
                .starts_with("Type de structure inconnu : « Club de foot »")
        );
        assert!(StructureKind::parse("").is_err());
        assert!(StructureKind::parse(" - ").is_err());
    }

    #[test]
    fn crosses_json_as_its_code() {
        assert_eq!(
            serde_json::to_string(&StructureKind::PijBij).unwrap(),
            "\"pij_bij\""
        );
        let k: StructureKind = serde_json::from_str("\"etablissement_scolaire\"").unwrap();
        assert_eq!(k, StructureKind::EtablissementScolaire);
    }
}
