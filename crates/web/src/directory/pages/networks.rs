//! A promeneur's accounts as buttons: each network's name, its icon
//! (decorative, from our assets) and the account's identifier. An account
//! with a public address opens it (the network's app on a phone, else its
//! site); one without (a Discord username) is shown as text to copy, with
//! how to add it. The same list on the cards, the profile and the
//! verification page.

use askama::Template;

use crate::network::directory::{Entry, PublicNetwork};

/// One account, ready to show.
pub(super) struct NetworkLink<'a> {
    /// The platform's code: names its icon (`.network-icon-<code>`).
    pub platform: &'a str,
    pub label: &'a str,
    pub handle: String,
    /// Only web addresses become links.
    pub url: Option<&'a str>,
    /// What the young person should know before writing there.
    pub note: Option<&'static str>,
}

/// WhatsApp shows each side's phone number to the other: a young person
/// who writes there gives its number away, which the page says it never
/// has to.
pub(super) const WHATSAPP_NOTE: &str = "Attention : WhatsApp lui montrera ton numéro de téléphone.";

/// Discord has no address for a person's profile: the username is added
/// as a friend from the app.
pub(super) const DISCORD_NOTE: &str =
    "Ajoute ce pseudo en ami dans Discord : Paramètres > Amis > Ajouter.";

/// The platforms with an icon of their own (the others get the generic
/// one, `other`).
const ICONS: [&str; 11] = [
    "instagram",
    "snapchat",
    "tiktok",
    "discord",
    "facebook",
    "x",
    "youtube",
    "twitch",
    "whatsapp",
    "messenger",
    "other",
];

impl<'a> NetworkLink<'a> {
    fn new(n: &'a PublicNetwork) -> Self {
        let url = n
            .url
            .as_deref()
            .filter(|u| u.starts_with("https://") || u.starts_with("http://"));
        let discord = n.platform == "discord";
        Self {
            platform: ICONS
                .iter()
                .find(|p| **p == n.platform)
                .copied()
                .unwrap_or("other"),
            label: &n.label,
            // A Discord invitation is a server's: say where it leads.
            handle: if discord && url.is_some() {
                format!("serveur discord.gg/{}", n.handle)
            } else {
                n.handle.clone()
            },
            url,
            note: match n.platform.as_str() {
                "whatsapp" => Some(WHATSAPP_NOTE),
                "discord" if url.is_none() => Some(DISCORD_NOTE),
                _ => None,
            },
        }
    }
}

/// A promeneur's accounts, written by `{{ p.networks|safe }}` (askama's
/// templates display their rendering).
#[derive(Template)]
#[template(
    ext = "html",
    source = r#"<ul class="network-links" aria-label="Comptes de {{ owner }}">
        {% for n in items %}<li>{% if let Some(url) = n.url %}<a class="network-button" href="{{ url }}" rel="noopener noreferrer"><span class="network-icon network-icon-{{ n.platform }}" aria-hidden="true"></span><span class="network-text"><span class="network-name">{{ n.label }}</span><span class="visually-hidden"> : </span> <span class="network-handle">{{ n.handle }}</span></span></a>{% else %}<p class="network-button network-static"><span class="network-icon network-icon-{{ n.platform }}" aria-hidden="true"></span><span class="network-text"><span class="network-name">{{ n.label }}</span><span class="visually-hidden"> : </span> <span class="network-handle network-copy">{{ n.handle }}</span></span></p>{% endif %}{% if let Some(note) = n.note %}<small class="network-note">{{ note }}</small>{% endif %}</li>
        {% endfor %}</ul>"#
)]
pub(super) struct Networks<'a> {
    owner: &'a str,
    items: Vec<NetworkLink<'a>>,
}

impl<'a> Networks<'a> {
    pub(super) fn of(e: &'a Entry) -> Self {
        Self::new(&e.display_name, &e.networks)
    }

    fn new(owner: &'a str, networks: &'a [PublicNetwork]) -> Self {
        Self {
            owner,
            items: networks.iter().map(NetworkLink::new).collect(),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.items.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(platform: &str, label: &str, handle: &str, url: Option<&str>) -> PublicNetwork {
        PublicNetwork {
            platform: platform.to_owned(),
            label: label.to_owned(),
            handle: handle.to_owned(),
            url: url.map(str::to_owned),
        }
    }

    #[test]
    fn each_account_is_a_button_with_its_icon_name_and_handle() {
        let accounts = [
            account(
                "snapchat",
                "Snapchat",
                "pdn-lea",
                Some("https://www.snapchat.com/add/pdn-lea"),
            ),
            account("discord", "Discord", "pdn.lea", None),
            account(
                "discord",
                "Discord",
                "AbC-123",
                Some("https://discord.gg/AbC-123"),
            ),
            account(
                "whatsapp",
                "WhatsApp",
                "33612345678",
                Some("https://wa.me/33612345678"),
            ),
            account("mastodon", "Autre", "Mon site", Some("javascript:alert(1)")),
        ];
        let html = Networks::new("Léa <Martin>", &accounts).to_string();
        assert!(
            html.starts_with(
                r#"<ul class="network-links" aria-label="Comptes de Léa &#60;Martin&#62;">"#
            ),
            "{html}"
        );
        // A web address: a link, the icon hidden from screen readers.
        assert!(html.contains(
            r#"<a class="network-button" href="https://www.snapchat.com/add/pdn-lea" rel="noopener noreferrer"><span class="network-icon network-icon-snapchat" aria-hidden="true"></span><span class="network-text"><span class="network-name">Snapchat</span><span class="visually-hidden"> : </span> <span class="network-handle">pdn-lea</span></span></a>"#
        ), "{html}");
        // A Discord username: text to copy, no dead link, and how to add it.
        assert!(html.contains(
            r#"<p class="network-button network-static"><span class="network-icon network-icon-discord" aria-hidden="true"></span><span class="network-text"><span class="network-name">Discord</span><span class="visually-hidden"> : </span> <span class="network-handle network-copy">pdn.lea</span></span></p><small class="network-note">Ajoute ce pseudo en ami dans Discord : Paramètres &#62; Amis &#62; Ajouter.</small>"#
        ), "{html}");
        // A Discord server: its invitation opens.
        assert!(html.contains(
            r#"href="https://discord.gg/AbC-123" rel="noopener noreferrer"><span class="network-icon network-icon-discord" aria-hidden="true"></span><span class="network-text"><span class="network-name">Discord</span><span class="visually-hidden"> : </span> <span class="network-handle">serveur discord.gg/AbC-123</span>"#
        ), "{html}");
        assert_eq!(html.matches("Ajoute ce pseudo").count(), 1);
        // WhatsApp warns; an address that is not a web one is no link, and
        // an unknown platform gets the generic icon.
        assert!(html.contains(&format!(
            r#"<small class="network-note">{WHATSAPP_NOTE}</small>"#
        )));
        assert!(!html.contains("javascript:"));
        assert!(html.contains(r#"network-icon-other" aria-hidden="true"></span><span class="network-text"><span class="network-name">Autre</span>"#));
        assert!(Networks::new("Léa", &[]).is_empty());
    }
}
