//! What designates an account, read from what people type: an identifier
//! checked against the network's rules, or a profile address recognised
//! by its host and path (a small address reader, no I/O, no decoding).

use super::{NetworkError, Platform};
use crate::phone::Phone;

/// What designates an account, before it becomes a canonical address.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Ident {
    Name(String),
    /// A Discord server invitation code (case-sensitive).
    Invite(String),
}

impl Ident {
    pub(super) fn text(&self) -> &str {
        match self {
            Ident::Name(s) | Ident::Invite(s) => s,
        }
    }
}

/// Identifiers never contain "/": anything that does is an address.
pub(super) fn looks_like_url(s: &str) -> bool {
    s.contains('/') || s.to_ascii_lowercase().starts_with("www.")
}

pub(super) fn is_numeric(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// An identifier or an address typed for `platform`.
pub(super) fn ident_of(platform: Platform, text: &str) -> Result<Ident, NetworkError> {
    if looks_like_url(text) {
        ident_of_url(platform, text)
    } else {
        let bare = text.strip_prefix('@').unwrap_or(text);
        normalise_name(platform, bare).map(Ident::Name)
    }
}

/// The account an address of `platform` designates.
pub(super) fn ident_of_url(platform: Platform, url: &str) -> Result<Ident, NetworkError> {
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

pub(super) fn platform_of_host(host: &str) -> Option<Platform> {
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
pub(super) struct ParsedUrl<'a> {
    /// Lower-cased, without port or user info.
    pub(super) host: String,
    /// Lower-cased host, with the port if any.
    pub(super) host_and_port: String,
    /// Path, query and fragment, as given.
    pub(super) after_host: &'a str,
    segments: Vec<&'a str>,
    query: &'a str,
}

impl<'a> ParsedUrl<'a> {
    /// Accepts "https://…", "http://…" and addresses without scheme.
    pub(super) fn parse(input: &'a str) -> Option<Self> {
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
