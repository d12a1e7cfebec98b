//! Social-network accounts through which promeneurs meet young people.
//!
//! An account is read from what people paste: an identifier ("@nom"), or
//! the address of the profile on the same network. It is stored as the
//! platform, a normalised identifier and the canonical public address.
//! Identifier rules follow each network's own (as of 2025), slightly
//! widened where older accounts escape them.

use std::fmt;

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

/// What designates an account, before it becomes a canonical address.
#[derive(Debug, PartialEq, Eq)]
enum Ident {
    Name(String),
    /// A Discord server invitation code (case-sensitive).
    Invite(String),
}

impl Ident {
    fn text(&self) -> &str {
        match self {
            Ident::Name(s) | Ident::Invite(s) => s,
        }
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

/// Identifiers never contain "/": anything that does is an address.
fn looks_like_url(s: &str) -> bool {
    s.contains('/') || s.to_ascii_lowercase().starts_with("www.")
}

fn is_numeric(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// An identifier or an address typed for `platform`.
fn ident_of(platform: Platform, text: &str) -> Result<Ident, NetworkError> {
    if looks_like_url(text) {
        ident_of_url(platform, text)
    } else {
        let bare = text.strip_prefix('@').unwrap_or(text);
        normalise_name(platform, bare).map(Ident::Name)
    }
}

/// The account an address of `platform` designates.
fn ident_of_url(platform: Platform, url: &str) -> Result<Ident, NetworkError> {
    let parsed = ParsedUrl::parse(url).ok_or(NetworkError::InvalidUrl)?;
    match platform_of_host(&parsed.host) {
        Some(found) if found == platform => {}
        Some(found) => {
            return Err(NetworkError::WrongPlatform {
                expected: platform,
                found,
            });
        }
        None => return Err(NetworkError::ForeignAddress(platform)),
    }
    let not_profile = || NetworkError::NotAProfile(platform);
    let seg = |i: usize| parsed.segments.get(i).copied();
    let first = seg(0).ok_or_else(not_profile)?;
    let raw = match platform {
        Platform::Instagram => match first {
            "stories" => seg(1).ok_or_else(not_profile)?,
            "p" | "reel" | "reels" | "explore" | "accounts" | "tv" | "direct" | "about"
            | "legal" | "developer" => return Err(not_profile()),
            name => name,
        },
        Platform::Snapchat => match first {
            "add" => seg(1).ok_or_else(not_profile)?,
            at if at.starts_with('@') => &at[1..],
            _ => return Err(not_profile()),
        },
        Platform::Tiktok | Platform::Youtube => strip_at(first)
            .filter(|h| !h.is_empty())
            .ok_or_else(not_profile)?,
        Platform::Twitch => match first {
            "directory" | "videos" | "search" | "settings" | "downloads" | "jobs" | "p"
            | "turbo" | "subscriptions" | "inventory" | "wallet" | "drops" => {
                return Err(not_profile());
            }
            name => name,
        },
        Platform::X => match first {
            "home" | "i" | "intent" | "search" | "share" | "hashtag" | "explore" | "settings"
            | "messages" | "notifications" | "login" | "signup" | "tos" | "privacy" => {
                return Err(not_profile());
            }
            name => name.strip_prefix('@').unwrap_or(name),
        },
        Platform::Facebook => match first {
            "profile.php" => parsed.query_param("id").ok_or_else(not_profile)?,
            "people" | "pages" => seg(2).filter(|s| is_numeric(s)).ok_or_else(not_profile)?,
            "pg" => seg(1).ok_or_else(not_profile)?,
            "groups" | "events" | "watch" | "photo" | "photo.php" | "sharer" | "sharer.php"
            | "share" | "login" | "login.php" | "home.php" | "story.php" | "permalink.php"
            | "hashtag" | "marketplace" | "gaming" | "reel" | "messages" | "help" | "policies" => {
                return Err(not_profile());
            }
            name => name,
        },
        Platform::Messenger => match first {
            "t" => seg(1).ok_or_else(not_profile)?,
            name if parsed.host == "m.me" => name,
            _ => return Err(not_profile()),
        },
        Platform::Discord => {
            let code = match first {
                "invite" => seg(1).ok_or_else(not_profile)?,
                code if parsed.host == "discord.gg" => code,
                _ => return Err(not_profile()),
            };
            let ok = (2..=32).contains(&code.len())
                && code.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-');
            return if ok {
                Ok(Ident::Invite(code.to_owned()))
            } else {
                Err(NetworkError::InvalidHandle(Platform::Discord))
            };
        }
        Platform::Whatsapp => match first {
            "send" => parsed.query_param("phone").ok_or_else(not_profile)?,
            number if parsed.host == "wa.me" && is_numeric(number) => number,
            _ => return Err(not_profile()),
        },
        Platform::Other => unreachable!("no host belongs to Other"),
    };
    normalise_name(platform, raw).map(Ident::Name)
}

fn strip_at(segment: &str) -> Option<&str> {
    segment
        .strip_prefix('@')
        .or_else(|| segment.strip_prefix("%40"))
}

/// Checks an identifier (without "@") against the platform's rules.
fn normalise_name(platform: Platform, raw: &str) -> Result<String, NetworkError> {
    let invalid = || NetworkError::InvalidHandle(platform);
    let lower = raw.to_ascii_lowercase();
    let len = raw.chars().count();
    let only = |s: &str, extra: &[u8]| {
        s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || extra.contains(&b))
    };
    let ok = match platform {
        Platform::Instagram => {
            (1..=30).contains(&len)
                && only(raw, b"._")
                && !raw.starts_with('.')
                && !raw.ends_with('.')
                && !raw.contains("..")
        }
        Platform::Snapchat => {
            (3..=15).contains(&len)
                && only(raw, b"._-")
                && raw.starts_with(|c: char| c.is_ascii_alphabetic())
        }
        Platform::Tiktok => (2..=24).contains(&len) && only(raw, b"._") && !raw.ends_with('.'),
        Platform::Discord => (2..=32).contains(&len) && only(raw, b"._") && !raw.contains(".."),
        Platform::Facebook | Platform::Messenger => {
            if is_numeric(raw) {
                (5..=20).contains(&len)
            } else {
                (5..=50).contains(&len) && only(raw, b".")
            }
        }
        Platform::X => (1..=15).contains(&len) && only(raw, b"_"),
        Platform::Youtube => (3..=30).contains(&len) && only(raw, b"._-"),
        Platform::Twitch => (4..=25).contains(&len) && only(raw, b"_"),
        Platform::Whatsapp => {
            let compact: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
            // wa.me and a bare "33612345678" carry the country code without "+".
            let text = if is_numeric(&compact) && !compact.starts_with('0') {
                format!("+{compact}")
            } else {
                raw.to_owned()
            };
            let phone = Phone::parse(&text).map_err(|_| invalid())?;
            return Ok(phone.e164()[1..].to_owned());
        }
        Platform::Other => unreachable!("Other accounts are free text"),
    };
    if !ok {
        return Err(invalid());
    }
    Ok(match platform {
        Platform::X | Platform::Youtube => raw.to_owned(),
        _ => lower,
    })
}

fn platform_of_host(host: &str) -> Option<Platform> {
    const HOSTS: [(&str, Platform); 19] = [
        ("instagram.com", Platform::Instagram),
        ("instagr.am", Platform::Instagram),
        ("snapchat.com", Platform::Snapchat),
        ("tiktok.com", Platform::Tiktok),
        ("discord.gg", Platform::Discord),
        ("discord.com", Platform::Discord),
        ("discordapp.com", Platform::Discord),
        ("facebook.com", Platform::Facebook),
        ("fb.com", Platform::Facebook),
        ("fb.me", Platform::Facebook),
        ("x.com", Platform::X),
        ("twitter.com", Platform::X),
        ("youtube.com", Platform::Youtube),
        ("youtu.be", Platform::Youtube),
        ("twitch.tv", Platform::Twitch),
        ("wa.me", Platform::Whatsapp),
        ("whatsapp.com", Platform::Whatsapp),
        ("m.me", Platform::Messenger),
        ("messenger.com", Platform::Messenger),
    ];
    HOSTS
        .iter()
        .find(|(domain, _)| {
            host == *domain
                || host
                    .strip_suffix(domain)
                    .is_some_and(|sub| sub.ends_with('.'))
        })
        .map(|(_, p)| *p)
}

/// Just enough of an address to recognise profiles: no I/O, no decoding.
struct ParsedUrl<'a> {
    /// Lower-cased, without port or user info.
    host: String,
    /// Lower-cased host, with the port if any.
    host_and_port: String,
    /// Path, query and fragment, as given.
    after_host: &'a str,
    segments: Vec<&'a str>,
    query: &'a str,
}

impl<'a> ParsedUrl<'a> {
    /// Accepts "https://…", "http://…" and addresses without scheme.
    fn parse(input: &'a str) -> Option<Self> {
        let s = input.trim();
        let rest = strip_prefix_ci(s, "https://")
            .or_else(|| strip_prefix_ci(s, "http://"))
            .unwrap_or(s);
        if rest.contains("://") || rest.chars().any(char::is_whitespace) {
            return None;
        }
        let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
        let authority = &rest[..end];
        let after_host = &rest[end..];
        let host_and_port = authority
            .rsplit('@')
            .next()
            .unwrap_or(authority)
            .to_ascii_lowercase();
        let host = host_and_port
            .split(':')
            .next()
            .unwrap_or_default()
            .trim_end_matches('.')
            .to_owned();
        let host_ok = host.contains('.')
            && !host.starts_with('.')
            && !host.contains("..")
            && host
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.');
        if !host_ok {
            return None;
        }
        let without_fragment = after_host.split('#').next().unwrap_or_default();
        let (path, query) = without_fragment
            .split_once('?')
            .unwrap_or((without_fragment, ""));
        Some(Self {
            host,
            host_and_port,
            after_host,
            segments: path.split('/').filter(|s| !s.is_empty()).collect(),
            query,
        })
    }

    fn query_param(&self, name: &str) -> Option<&'a str> {
        self.query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v)
            .filter(|v| !v.is_empty())
    }
}

fn strip_prefix_ci<'a>(s: &'a str, prefix: &str) -> Option<&'a str> {
    let head = s.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix)
        .then(|| &s[prefix.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(platform: Platform, handle: &str) -> NetworkAccount {
        NetworkAccount::parse(platform, handle, None)
            .unwrap_or_else(|e| panic!("{platform} {handle}: {e}"))
    }

    fn err(platform: Platform, handle: &str) -> NetworkError {
        NetworkAccount::parse(platform, handle, None).expect_err(handle)
    }

    #[test]
    fn platforms_round_trip_and_parse_labels() {
        for p in Platform::ALL {
            assert_eq!(Platform::parse(p.as_str()), Ok(p));
            assert_eq!(Platform::parse(p.label()), Ok(p));
        }
        assert_eq!(Platform::parse("Twitter"), Ok(Platform::X));
        assert_eq!(Platform::parse("X (twitter)"), Ok(Platform::X));
        assert_eq!(Platform::parse("Tik Tok"), Ok(Platform::Tiktok));
        assert_eq!(Platform::parse("WHATSAPP"), Ok(Platform::Whatsapp));
        assert_eq!(Platform::parse("autre"), Ok(Platform::Other));
        assert_eq!(
            Platform::parse("Myspace"),
            Err(NetworkError::UnknownPlatform("Myspace".into()))
        );
        assert!(Platform::parse("").is_err());
    }

    #[test]
    fn a_tiktok_address_is_not_an_instagram_account() {
        let e = NetworkAccount::parse(
            Platform::Instagram,
            "https://www.tiktok.com/@pdn_vichy",
            None,
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "Cette adresse est celle d'un compte TikTok, pas d'un compte Instagram."
        );
        // Same through the url field.
        let e = NetworkAccount::parse(Platform::Instagram, "", Some("tiktok.com/@pdn_vichy"))
            .unwrap_err();
        assert_eq!(
            e,
            NetworkError::WrongPlatform {
                expected: Platform::Instagram,
                found: Platform::Tiktok
            }
        );
    }

    #[test]
    fn instagram() {
        for input in [
            "pdn.vichy",
            "@pdn.vichy",
            "PDN.Vichy",
            "https://www.instagram.com/pdn.vichy/",
            "http://instagram.com/pdn.vichy?igsh=abc123",
            "instagram.com/PDN.vichy",
            "www.instagram.com/pdn.vichy/reels/",
            "https://instagr.am/pdn.vichy",
            "https://www.instagram.com/stories/pdn.vichy/3312345678/",
        ] {
            let a = ok(Platform::Instagram, input);
            assert_eq!(a.handle(), "pdn.vichy", "{input}");
            assert_eq!(a.url(), Some("https://www.instagram.com/pdn.vichy/"));
            assert_eq!(a.display_handle(), "@pdn.vichy");
        }
        assert_eq!(ok(Platform::Instagram, "a").handle(), "a");
        assert_eq!(ok(Platform::Instagram, &"a".repeat(30)).handle().len(), 30);
        for bad in [
            ".pdn",
            "pdn.",
            "pdn..vichy",
            "pdn-vichy",
            "pdn vichy",
            "é",
            "@",
        ] {
            assert_eq!(
                err(Platform::Instagram, bad),
                NetworkError::InvalidHandle(Platform::Instagram),
                "{bad}"
            );
        }
        assert!(
            err(Platform::Instagram, &"a".repeat(31))
                .to_string()
                .contains("1 à 30")
        );
        assert_eq!(
            err(Platform::Instagram, "https://www.instagram.com/p/C1a2b3c4/"),
            NetworkError::NotAProfile(Platform::Instagram)
        );
        assert_eq!(
            err(Platform::Instagram, "https://www.instagram.com/"),
            NetworkError::NotAProfile(Platform::Instagram)
        );
    }

    #[test]
    fn snapchat() {
        for input in [
            "pdn-vichy",
            "@PDN-Vichy",
            "https://www.snapchat.com/add/pdn-vichy",
            "snapchat.com/add/pdn-vichy?share_id=xyz",
            "https://www.snapchat.com/@pdn-vichy",
            "https://story.snapchat.com/@pdn-vichy",
        ] {
            let a = ok(Platform::Snapchat, input);
            assert_eq!(a.handle(), "pdn-vichy", "{input}");
            assert_eq!(a.url(), Some("https://www.snapchat.com/add/pdn-vichy"));
        }
        for bad in ["ab", "1pdn", "_pdn", "pdn vichy", "abcdefghijklmnop"] {
            assert_eq!(
                err(Platform::Snapchat, bad),
                NetworkError::InvalidHandle(Platform::Snapchat),
                "{bad}"
            );
        }
        assert_eq!(
            err(Platform::Snapchat, "1pdn").to_string(),
            "Un identifiant Snapchat compte de 3 à 15 caractères : lettres, chiffres, « . », \
             « _ » ou « - », et commence par une lettre."
        );
        assert_eq!(
            err(Platform::Snapchat, "https://www.snapchat.com/t/AbCdEf"),
            NetworkError::NotAProfile(Platform::Snapchat)
        );
    }

    #[test]
    fn tiktok() {
        for input in [
            "pdn_vichy",
            "@PDN_Vichy",
            "https://www.tiktok.com/@pdn_vichy",
            "https://www.tiktok.com/@pdn_vichy/video/7312345678901234567",
            "tiktok.com/%40pdn_vichy",
            "https://m.tiktok.com/@pdn_vichy?lang=fr",
        ] {
            let a = ok(Platform::Tiktok, input);
            assert_eq!(a.handle(), "pdn_vichy", "{input}");
            assert_eq!(a.url(), Some("https://www.tiktok.com/@pdn_vichy"));
        }
        for bad in ["a", "pdn.", "pdn-vichy", &"a".repeat(25)] {
            assert_eq!(
                err(Platform::Tiktok, bad),
                NetworkError::InvalidHandle(Platform::Tiktok),
                "{bad}"
            );
        }
        assert_eq!(
            err(Platform::Tiktok, "https://vm.tiktok.com/ZMabcdef/"),
            NetworkError::NotAProfile(Platform::Tiktok)
        );
    }

    #[test]
    fn discord_usernames_and_invitations() {
        let a = ok(Platform::Discord, "@PDN.Vichy_03");
        assert_eq!(a.handle(), "pdn.vichy_03");
        assert_eq!(a.url(), None);
        assert_eq!(a.display_handle(), "pdn.vichy_03");

        for input in [
            "https://discord.gg/AbC-123",
            "discord.gg/AbC-123",
            "https://discord.com/invite/AbC-123",
            "https://discordapp.com/invite/AbC-123",
        ] {
            let a = ok(Platform::Discord, input);
            assert_eq!(a.handle(), "AbC-123", "{input}");
            assert_eq!(a.url(), Some("https://discord.gg/AbC-123"));
            assert_eq!(a.display_handle(), "discord.gg/AbC-123");
        }
        for bad in ["a", "pdn..vichy", "pdn-vichy", "pdn vichy", &"a".repeat(33)] {
            assert_eq!(
                err(Platform::Discord, bad),
                NetworkError::InvalidHandle(Platform::Discord),
                "{bad}"
            );
        }
        assert_eq!(
            err(Platform::Discord, "https://discord.com/channels/123/456"),
            NetworkError::NotAProfile(Platform::Discord)
        );
    }

    #[test]
    fn facebook_usernames_and_numeric_ids() {
        for input in [
            "pdn.vichy",
            "https://www.facebook.com/PDN.Vichy/",
            "https://m.facebook.com/pdn.vichy?ref=bookmarks",
            "https://fr-fr.facebook.com/pdn.vichy",
            "fb.com/pdn.vichy",
        ] {
            let a = ok(Platform::Facebook, input);
            assert_eq!(a.handle(), "pdn.vichy", "{input}");
            assert_eq!(a.url(), Some("https://www.facebook.com/pdn.vichy"));
        }
        for input in [
            "100012345678901",
            "https://www.facebook.com/profile.php?id=100012345678901",
            "https://www.facebook.com/profile.php?id=100012345678901&sk=about",
            "https://www.facebook.com/people/Pdn-Vichy/100012345678901/",
        ] {
            let a = ok(Platform::Facebook, input);
            assert_eq!(a.handle(), "100012345678901", "{input}");
            assert_eq!(
                a.url(),
                Some("https://www.facebook.com/profile.php?id=100012345678901")
            );
        }
        for bad in ["pdn", "pdn_vichy", "pdn-vichy", &"a".repeat(51)] {
            assert_eq!(
                err(Platform::Facebook, bad),
                NetworkError::InvalidHandle(Platform::Facebook),
                "{bad}"
            );
        }
        for not_profile in [
            "https://www.facebook.com/groups/123456",
            "https://www.facebook.com/profile.php",
            "https://www.facebook.com/watch/?v=1",
        ] {
            assert_eq!(
                err(Platform::Facebook, not_profile),
                NetworkError::NotAProfile(Platform::Facebook),
                "{not_profile}"
            );
        }
    }

    #[test]
    fn x_accepts_twitter_addresses_and_keeps_case() {
        for input in [
            "PdnVichy",
            "@PdnVichy",
            "https://x.com/PdnVichy",
            "https://twitter.com/PdnVichy/status/1234",
            "mobile.twitter.com/PdnVichy",
            "https://www.x.com/@PdnVichy",
        ] {
            let a = ok(Platform::X, input);
            assert_eq!(a.handle(), "PdnVichy", "{input}");
            assert_eq!(a.url(), Some("https://x.com/PdnVichy"));
        }
        assert_eq!(ok(Platform::X, "a").handle(), "a");
        for bad in ["pdn.vichy", "pdn-vichy", "abcdefghijklmnop"] {
            assert_eq!(
                err(Platform::X, bad),
                NetworkError::InvalidHandle(Platform::X),
                "{bad}"
            );
        }
        assert_eq!(
            err(Platform::X, "https://x.com/home"),
            NetworkError::NotAProfile(Platform::X)
        );
        assert_eq!(
            err(Platform::X, "https://xx.com/PdnVichy"),
            NetworkError::ForeignAddress(Platform::X)
        );
    }

    #[test]
    fn youtube_handles() {
        for input in [
            "Pdn-Vichy.03",
            "@Pdn-Vichy.03",
            "https://www.youtube.com/@Pdn-Vichy.03",
            "https://youtube.com/@Pdn-Vichy.03/videos",
            "https://m.youtube.com/@Pdn-Vichy.03?si=x",
        ] {
            let a = ok(Platform::Youtube, input);
            assert_eq!(a.handle(), "Pdn-Vichy.03", "{input}");
            assert_eq!(a.url(), Some("https://www.youtube.com/@Pdn-Vichy.03"));
            assert_eq!(a.display_handle(), "@Pdn-Vichy.03");
        }
        assert_eq!(
            err(Platform::Youtube, "ab"),
            NetworkError::InvalidHandle(Platform::Youtube)
        );
        for not_profile in [
            "https://www.youtube.com/channel/UCabcdefghijklmnopqrstuv",
            "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "https://youtu.be/dQw4w9WgXcQ",
        ] {
            assert_eq!(
                err(Platform::Youtube, not_profile),
                NetworkError::NotAProfile(Platform::Youtube),
                "{not_profile}"
            );
        }
    }

    #[test]
    fn twitch() {
        for input in [
            "Pdn_Vichy",
            "@pdn_vichy",
            "https://www.twitch.tv/pdn_vichy",
            "twitch.tv/PDN_VICHY/about",
        ] {
            let a = ok(Platform::Twitch, input);
            assert_eq!(a.handle(), "pdn_vichy", "{input}");
            assert_eq!(a.url(), Some("https://www.twitch.tv/pdn_vichy"));
        }
        for bad in ["pdn", "pdn.vichy", &"a".repeat(26)] {
            assert_eq!(
                err(Platform::Twitch, bad),
                NetworkError::InvalidHandle(Platform::Twitch),
                "{bad}"
            );
        }
        assert_eq!(
            err(Platform::Twitch, "https://www.twitch.tv/directory"),
            NetworkError::NotAProfile(Platform::Twitch)
        );
    }

    #[test]
    fn whatsapp_is_a_phone_number() {
        for input in [
            "06 12 34 56 78",
            "+33 6 12 34 56 78",
            "33612345678",
            "https://wa.me/33612345678",
            "wa.me/33612345678?text=Bonjour",
            "https://api.whatsapp.com/send?phone=33612345678",
            "https://api.whatsapp.com/send/?phone=33612345678&text&type=phone_number",
        ] {
            let a = ok(Platform::Whatsapp, input);
            assert_eq!(a.handle(), "33612345678", "{input}");
            assert_eq!(a.url(), Some("https://wa.me/33612345678"));
            assert_eq!(a.display_handle(), "06 12 34 56 78");
        }
        let reunion = ok(Platform::Whatsapp, "0692 12 34 56");
        assert_eq!(reunion.url(), Some("https://wa.me/262692123456"));
        assert_eq!(reunion.display_handle(), "06 92 12 34 56");
        for bad in ["0612", "pdn", "06 12 34 56 78 9"] {
            assert_eq!(
                err(Platform::Whatsapp, bad),
                NetworkError::InvalidHandle(Platform::Whatsapp),
                "{bad}"
            );
        }
        assert_eq!(
            err(Platform::Whatsapp, "https://chat.whatsapp.com/AbCdEf123"),
            NetworkError::NotAProfile(Platform::Whatsapp)
        );
    }

    #[test]
    fn messenger() {
        for input in [
            "pdn.vichy",
            "https://m.me/pdn.vichy",
            "https://www.messenger.com/t/pdn.vichy",
        ] {
            let a = ok(Platform::Messenger, input);
            assert_eq!(a.handle(), "pdn.vichy", "{input}");
            assert_eq!(a.url(), Some("https://m.me/pdn.vichy"));
        }
        assert_eq!(
            err(Platform::Messenger, "https://www.facebook.com/pdn.vichy"),
            NetworkError::WrongPlatform {
                expected: Platform::Messenger,
                found: Platform::Facebook
            }
        );
        assert_eq!(
            err(Platform::Messenger, "pdn"),
            NetworkError::InvalidHandle(Platform::Messenger)
        );
    }

    #[test]
    fn other_networks_need_an_https_address() {
        let a = NetworkAccount::parse(
            Platform::Other,
            "Mon Linktree",
            Some("https://linktr.ee/pdn_vichy"),
        )
        .unwrap();
        assert_eq!(a.handle(), "Mon Linktree");
        assert_eq!(a.url(), Some("https://linktr.ee/pdn_vichy"));

        let a =
            NetworkAccount::parse(Platform::Other, "", Some("WWW.Linktr.ee/pdn_vichy/")).unwrap();
        assert_eq!(a.handle(), "www.linktr.ee/pdn_vichy");
        assert_eq!(a.url(), Some("https://www.linktr.ee/pdn_vichy/"));

        let a =
            NetworkAccount::parse(Platform::Other, "https://mastodon.social/@pdn", None).unwrap();
        assert_eq!(a.handle(), "mastodon.social/@pdn");

        assert_eq!(
            NetworkAccount::parse(Platform::Other, "Mon compte", None),
            Err(NetworkError::UrlRequired)
        );
        for bad in [
            "http://linktr.ee/pdn",
            "ftp://linktr.ee/pdn",
            "https://linktr ee/pdn",
            "https://localhost/x",
        ] {
            assert_eq!(
                NetworkAccount::parse(Platform::Other, "Compte", Some(bad)),
                Err(NetworkError::InvalidUrl),
                "{bad}"
            );
        }
        assert_eq!(
            NetworkAccount::parse(
                Platform::Other,
                &"a".repeat(81),
                Some("https://linktr.ee/x")
            ),
            Err(NetworkError::InvalidHandle(Platform::Other))
        );
        assert_eq!(
            NetworkAccount::parse(Platform::Other, "", Some("https://www.instagram.com/pdn/"))
                .unwrap_err()
                .to_string(),
            "Cette adresse est celle d'un compte Instagram : choisissez ce réseau plutôt que « Autre »."
        );
    }

    #[test]
    fn handle_and_url_together_must_agree() {
        let a = NetworkAccount::parse(
            Platform::Instagram,
            "@PDN.vichy",
            Some("https://www.instagram.com/pdn.vichy/"),
        )
        .unwrap();
        assert_eq!(a.handle(), "pdn.vichy");
        assert_eq!(
            NetworkAccount::parse(
                Platform::Instagram,
                "pdn.moulins",
                Some("https://www.instagram.com/pdn.vichy/"),
            ),
            Err(NetworkError::Mismatch(Platform::Instagram))
        );
        assert_eq!(
            NetworkAccount::parse(Platform::Tiktok, "", None),
            Err(NetworkError::Empty(Platform::Tiktok))
        );
        assert_eq!(
            NetworkAccount::parse(Platform::Tiktok, "  ", Some(" "))
                .unwrap_err()
                .to_string(),
            "Indiquez l'identifiant ou l'adresse du compte TikTok."
        );
    }

    #[test]
    fn from_url_guesses_the_platform() {
        for (url, platform, handle) in [
            (
                "https://www.instagram.com/pdn.vichy/",
                Platform::Instagram,
                "pdn.vichy",
            ),
            ("tiktok.com/@pdn_vichy", Platform::Tiktok, "pdn_vichy"),
            ("https://twitter.com/PdnVichy", Platform::X, "PdnVichy"),
            ("https://discord.gg/AbC123", Platform::Discord, "AbC123"),
            (
                "https://wa.me/33612345678",
                Platform::Whatsapp,
                "33612345678",
            ),
            ("https://m.me/pdn.vichy", Platform::Messenger, "pdn.vichy"),
            (
                "https://www.snapchat.com/add/pdn-vichy",
                Platform::Snapchat,
                "pdn-vichy",
            ),
            (
                "https://linktr.ee/pdn_vichy",
                Platform::Other,
                "linktr.ee/pdn_vichy",
            ),
        ] {
            let a = NetworkAccount::from_url(url).unwrap_or_else(|e| panic!("{url}: {e}"));
            assert_eq!((a.platform(), a.handle()), (platform, handle), "{url}");
        }
        assert_eq!(
            NetworkAccount::from_url("@pdn"),
            Err(NetworkError::InvalidUrl)
        );
        assert_eq!(NetworkAccount::from_url(""), Err(NetworkError::InvalidUrl));
        assert_eq!(
            NetworkAccount::from_url("https://www.instagram.com/p/abc/"),
            Err(NetworkError::NotAProfile(Platform::Instagram))
        );
    }

    #[test]
    fn hosts_match_whole_labels_only() {
        assert_eq!(
            platform_of_host("www.instagram.com"),
            Some(Platform::Instagram)
        );
        assert_eq!(platform_of_host("m.me"), Some(Platform::Messenger));
        assert_eq!(platform_of_host("box.com"), None);
        assert_eq!(platform_of_host("notinstagram.com"), None);
        assert_eq!(platform_of_host("instagram.com.evil.fr"), None);
    }

    #[test]
    fn crosses_json_and_validates_on_the_way_in() {
        for a in [
            ok(Platform::Instagram, "pdn.vichy"),
            ok(Platform::Discord, "pdn_vichy"),
            ok(Platform::Discord, "https://discord.gg/AbC-123"),
            ok(Platform::Whatsapp, "06 12 34 56 78"),
            ok(Platform::Facebook, "100012345678901"),
            NetworkAccount::parse(Platform::Other, "Mon site", Some("https://pdn03.fr")).unwrap(),
        ] {
            let json = serde_json::to_string(&a).unwrap();
            let back: NetworkAccount = serde_json::from_str(&json).unwrap();
            assert_eq!(back, a, "{json}");
        }
        let json = serde_json::to_value(ok(Platform::Tiktok, "@pdn_vichy")).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "platform": "tiktok",
                "handle": "pdn_vichy",
                "url": "https://www.tiktok.com/@pdn_vichy"
            })
        );
        let bad = r#"{"platform":"instagram","handle":"","url":"https://www.tiktok.com/@x1"}"#;
        assert!(serde_json::from_str::<NetworkAccount>(bad).is_err());
    }
}
