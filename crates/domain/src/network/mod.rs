//! Social-network accounts through which promeneurs meet young people.
//!
//! An account is read from what people paste: an identifier ("@nom"), or
//! the address of the profile on the same network. It is stored as the
//! platform, a normalised identifier and the canonical public address.
//! Identifier rules follow each network's own (as of 2025), slightly
//! widened where older accounts escape them.

//!
//! Here: the platforms, the errors and the account; how an identifier or
//! an address is read is in the submodule `ident`.

mod ident;

use std::fmt;

use ident::{
    Ident, ParsedUrl, ident_of, ident_of_url, is_numeric, looks_like_url, platform_of_host,
};
use serde::{Deserialize, Serialize};

use crate::phone::Phone;
use crate::text::search_key;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Platform {
    Instagram,
    Snapchat,
    Tiktok,
    Discord,
    Facebook,
    X,
    Youtube,
    Twitch,
    Whatsapp,
    Messenger,
    Other,
}

impl Platform {
    pub const ALL: [Platform; 11] = [
        Platform::Instagram,
        Platform::Snapchat,
        Platform::Tiktok,
        Platform::Discord,
        Platform::Facebook,
        Platform::X,
        Platform::Youtube,
        Platform::Twitch,
        Platform::Whatsapp,
        Platform::Messenger,
        Platform::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Platform::Instagram => "instagram",
            Platform::Snapchat => "snapchat",
            Platform::Tiktok => "tiktok",
            Platform::Discord => "discord",
            Platform::Facebook => "facebook",
            Platform::X => "x",
            Platform::Youtube => "youtube",
            Platform::Twitch => "twitch",
            Platform::Whatsapp => "whatsapp",
            Platform::Messenger => "messenger",
            Platform::Other => "other",
        }
    }

    /// The name shown to users.
    pub fn label(self) -> &'static str {
        match self {
            Platform::Instagram => "Instagram",
            Platform::Snapchat => "Snapchat",
            Platform::Tiktok => "TikTok",
            Platform::Discord => "Discord",
            Platform::Facebook => "Facebook",
            Platform::X => "X (Twitter)",
            Platform::Youtube => "YouTube",
            Platform::Twitch => "Twitch",
            Platform::Whatsapp => "WhatsApp",
            Platform::Messenger => "Messenger",
            Platform::Other => "Autre",
        }
    }

    /// Accepts the code or the label, ignoring case, accents and spaces
    /// ("Tik Tok"), and a few common names: "twitter", "insta", "snap",
    /// "fb", "autre".
    pub fn parse(input: &str) -> Result<Self, NetworkError> {
        let squash = |s: &str| search_key(s).replace(' ', "");
        let key = squash(input);
        let found = Platform::ALL
            .into_iter()
            .find(|p| !key.is_empty() && (key == squash(p.as_str()) || key == squash(p.label())))
            .or(match key.as_str() {
                "twitter" => Some(Platform::X),
                "insta" => Some(Platform::Instagram),
                "snap" => Some(Platform::Snapchat),
                "fb" => Some(Platform::Facebook),
                "autre" | "autres" => Some(Platform::Other),
                _ => None,
            });
        found.ok_or_else(|| NetworkError::UnknownPlatform(input.trim().to_owned()))
    }

    /// What an identifier on this platform may be, in French (also the
    /// message of [`NetworkError::InvalidHandle`]).
    pub fn handle_rule(self) -> &'static str {
        match self {
            Platform::Instagram => {
                "Un identifiant Instagram compte de 1 à 30 caractères : lettres, chiffres, « . » \
                 ou « _ », sans point au début ni à la fin, ni deux points de suite."
            }
            Platform::Snapchat => {
                "Un identifiant Snapchat compte de 3 à 15 caractères : lettres, chiffres, « . », \
                 « _ » ou « - », et commence par une lettre."
            }
            Platform::Tiktok => {
                "Un identifiant TikTok compte de 2 à 24 caractères : lettres, chiffres, « . » ou \
                 « _ », et ne finit pas par un point."
            }
            Platform::Discord => {
                "Un identifiant Discord compte de 2 à 32 caractères : lettres sans accent, \
                 chiffres, « . » ou « _ », sans deux points de suite. Pour un serveur, donnez \
                 son lien d'invitation (https://discord.gg/…)."
            }
            Platform::Facebook => {
                "Un nom d'utilisateur Facebook compte de 5 à 50 caractères : lettres, chiffres \
                 ou « . ». Vous pouvez aussi coller l'adresse du profil."
            }
            Platform::X => {
                "Un identifiant X (Twitter) compte de 1 à 15 caractères : lettres, chiffres ou « _ »."
            }
            Platform::Youtube => {
                "Un identifiant YouTube (@…) compte de 3 à 30 caractères : lettres, chiffres, \
                 « . », « _ » ou « - »."
            }
            Platform::Twitch => {
                "Un identifiant Twitch compte de 4 à 25 caractères : lettres, chiffres ou « _ »."
            }
            Platform::Whatsapp => {
                "Un compte WhatsApp est un numéro de téléphone professionnel : 10 chiffres \
                 commençant par 0, ou + suivi de l'indicatif du pays et du numéro."
            }
            Platform::Messenger => {
                "Un identifiant Messenger est le nom d'utilisateur Facebook : de 5 à 50 \
                 caractères, lettres, chiffres ou « . »."
            }
            Platform::Other => "Le nom du compte doit faire de 1 à 80 caractères.",
        }
    }
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq, Clone)]
pub enum NetworkError {
    #[error("Réseau social inconnu : « {0} ».")]
    UnknownPlatform(String),
    #[error("Indiquez l'identifiant ou l'adresse du compte {}.", .0.label())]
    Empty(Platform),
    #[error("{}", .0.handle_rule())]
    InvalidHandle(Platform),
    #[error(
        "Cette adresse est celle d'un compte {}, pas d'un compte {}.",
        .found.label(),
        .expected.label()
    )]
    WrongPlatform { expected: Platform, found: Platform },
    #[error("Cette adresse n'est pas celle d'un compte {}.", .0.label())]
    ForeignAddress(Platform),
    #[error(
        "Cette adresse {} ne mène pas à un profil : collez l'adresse de la page du compte, \
         ou son identifiant.",
        .0.label()
    )]
    NotAProfile(Platform),
    #[error("L'identifiant et l'adresse ne désignent pas le même compte {}.", .0.label())]
    Mismatch(Platform),
    #[error("Pour un autre réseau, l'adresse du compte (https://…) est obligatoire.")]
    UrlRequired,
    #[error("Adresse non reconnue : écrivez l'adresse complète, qui commence par https://.")]
    InvalidUrl,
    #[error(
        "Cette adresse est celle d'un compte {} : choisissez ce réseau plutôt que « Autre ».",
        .0.label()
    )]
    KnownPlatform(Platform),
}

/// An account on a social network.
///
/// `url` is the canonical public address (https). Every platform has one,
/// except Discord when the account is a username: Discord has no public
/// profile address, only server invitations (`https://discord.gg/…`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawAccount")]
pub struct NetworkAccount {
    platform: Platform,
    handle: String,
    url: Option<String>,
}

#[derive(Deserialize)]
struct RawAccount {
    platform: Platform,
    #[serde(default)]
    handle: String,
    #[serde(default)]
    url: Option<String>,
}

impl TryFrom<RawAccount> for NetworkAccount {
    type Error = NetworkError;
    fn try_from(raw: RawAccount) -> Result<Self, Self::Error> {
        Self::parse(raw.platform, &raw.handle, raw.url.as_deref())
    }
}

impl NetworkAccount {
    /// Reads an account of `platform`.
    ///
    /// `handle` is an identifier (a leading "@" is dropped) or the address
    /// of a profile on the same platform. `url`, when given, is such an
    /// address too; if both are given they must designate the same account.
    /// Either may be empty, not both. For [`Platform::Other`], `url` (or a
    /// link in `handle`) is required and must be https; `handle` is then a
    /// free name of 1 to 80 characters, derived from the address if empty.
    ///
    /// Identifiers are lower-cased where the network ignores case in
    /// addresses (Instagram, Snapchat, TikTok, Discord usernames, Facebook,
    /// Messenger, Twitch); X and YouTube keep the case as typed. A Discord
    /// identifier typed without a link is a username; invitations must be
    /// given as links (their codes are case-sensitive). WhatsApp accounts
    /// are phone numbers, stored as digits with the country code
    /// ("33612345678"): the promeneur's professional number.
    pub fn parse(
        platform: Platform,
        handle: &str,
        url: Option<&str>,
    ) -> Result<Self, NetworkError> {
        let handle = handle.trim();
        let url = url.map(str::trim).filter(|u| !u.is_empty());
        if platform == Platform::Other {
            return Self::parse_other(handle, url);
        }
        let ident = match (handle.is_empty(), url) {
            (true, None) => return Err(NetworkError::Empty(platform)),
            (false, None) => ident_of(platform, handle)?,
            (true, Some(u)) => ident_of_url(platform, u)?,
            (false, Some(u)) => {
                let from_url = ident_of_url(platform, u)?;
                let bare = handle.strip_prefix('@').unwrap_or(handle);
                let same = bare.eq_ignore_ascii_case(from_url.text())
                    || ident_of(platform, handle)
                        .is_ok_and(|i| i.text().eq_ignore_ascii_case(from_url.text()));
                if !same {
                    return Err(NetworkError::Mismatch(platform));
                }
                from_url
            }
        };
        Ok(Self::canonical(platform, ident))
    }

    /// Reads an account from an address alone, guessing the platform from
    /// it (spreadsheet cells that hold just a link). Addresses of unknown
    /// sites become [`Platform::Other`] accounts named after the address.
    pub fn from_url(url: &str) -> Result<Self, NetworkError> {
        let url = url.trim();
        if !looks_like_url(url) {
            return Err(NetworkError::InvalidUrl);
        }
        let parsed = ParsedUrl::parse(url).ok_or(NetworkError::InvalidUrl)?;
        match platform_of_host(&parsed.host) {
            Some(platform) => Self::parse(platform, "", Some(url)),
            None => Self::parse_other("", Some(url)),
        }
    }

    pub fn platform(&self) -> Platform {
        self.platform
    }

    /// The normalised identifier, without "@" (digits with country code for
    /// WhatsApp, the invitation code for a Discord server).
    pub fn handle(&self) -> &str {
        &self.handle
    }

    /// The canonical public address; `None` only for Discord usernames.
    pub fn url(&self) -> Option<&str> {
        self.url.as_deref()
    }

    /// The identifier as people write it: "@nom" where networks use "@",
    /// "06 12 34 56 78" for WhatsApp, "discord.gg/code" for an invitation.
    pub fn display_handle(&self) -> String {
        match self.platform {
            Platform::Instagram
            | Platform::Snapchat
            | Platform::Tiktok
            | Platform::X
            | Platform::Youtube
            | Platform::Twitch => format!("@{}", self.handle),
            Platform::Whatsapp => Phone::parse(&format!("+{}", self.handle))
                .map_or_else(|_| self.handle.clone(), |p| p.display()),
            Platform::Discord if self.url.is_some() => format!("discord.gg/{}", self.handle),
            Platform::Discord | Platform::Facebook | Platform::Messenger | Platform::Other => {
                self.handle.clone()
            }
        }
    }

    fn canonical(platform: Platform, ident: Ident) -> Self {
        let url = match (&ident, platform) {
            (Ident::Invite(code), _) => Some(format!("https://discord.gg/{code}")),
            (Ident::Name(_), Platform::Discord | Platform::Other) => None,
            (Ident::Name(h), Platform::Instagram) => {
                Some(format!("https://www.instagram.com/{h}/"))
            }
            (Ident::Name(h), Platform::Snapchat) => {
                Some(format!("https://www.snapchat.com/add/{h}"))
            }
            (Ident::Name(h), Platform::Tiktok) => Some(format!("https://www.tiktok.com/@{h}")),
            (Ident::Name(h), Platform::Facebook) if is_numeric(h) => {
                Some(format!("https://www.facebook.com/profile.php?id={h}"))
            }
            (Ident::Name(h), Platform::Facebook) => Some(format!("https://www.facebook.com/{h}")),
            (Ident::Name(h), Platform::X) => Some(format!("https://x.com/{h}")),
            (Ident::Name(h), Platform::Youtube) => Some(format!("https://www.youtube.com/@{h}")),
            (Ident::Name(h), Platform::Twitch) => Some(format!("https://www.twitch.tv/{h}")),
            (Ident::Name(h), Platform::Whatsapp) => Some(format!("https://wa.me/{h}")),
            (Ident::Name(h), Platform::Messenger) => Some(format!("https://m.me/{h}")),
        };
        let handle = match ident {
            Ident::Name(s) | Ident::Invite(s) => s,
        };
        Self {
            platform,
            handle,
            url,
        }
    }

    fn parse_other(handle: &str, url: Option<&str>) -> Result<Self, NetworkError> {
        let (handle, url) = match url {
            Some(u) => (handle, u),
            None if looks_like_url(handle) => ("", handle),
            None => return Err(NetworkError::UrlRequired),
        };
        if url.chars().any(char::is_whitespace) {
            return Err(NetworkError::InvalidUrl);
        }
        let lower = url.to_ascii_lowercase();
        if lower.starts_with("http://") || (lower.contains("://") && !lower.starts_with("https://"))
        {
            return Err(NetworkError::InvalidUrl);
        }
        let parsed = ParsedUrl::parse(url).ok_or(NetworkError::InvalidUrl)?;
        if let Some(p) = platform_of_host(&parsed.host) {
            return Err(NetworkError::KnownPlatform(p));
        }
        let canonical = format!("https://{}{}", parsed.host_and_port, parsed.after_host);
        let handle = if handle.is_empty() {
            let shown = canonical["https://".len()..].trim_end_matches('/');
            shown.chars().take(80).collect()
        } else {
            handle.to_owned()
        };
        let length = handle.chars().count();
        if !(1..=80).contains(&length) || handle.chars().any(char::is_control) {
            return Err(NetworkError::InvalidHandle(Platform::Other));
        }
        Ok(Self {
            platform: Platform::Other,
            handle,
            url: Some(canonical),
        })
    }
}

#[cfg(test)]
mod tests;
